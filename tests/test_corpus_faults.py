"""Corpus runs when processes die: a killed worker costs at most its own document, and no process outlives the run."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEED_NAMES, SEEDS

ALIGN = Path(sys.executable).with_name("align")
COPIES = 15

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _workers(main: int) -> tuple[int, list[int]] | None:
    """The fork server of process `main` and its worker processes, once there are workers."""
    for child in _children(main):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command and (workers := _children(child)):
            return child, workers
    return None


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "corpus"
    for lang in ("de", "en"):
        (root / lang).mkdir(parents=True)
        for k in range(COPIES):
            for name in SEED_NAMES:
                shutil.copy(SEEDS / lang / name, root / lang / f"{k:02d}-{name}")
    return root


def _start(corpus: Path, out: Path, *options: str) -> tuple[subprocess.Popen, int, list[int]]:
    options = options or ("--encoder", "length", "--no-words")
    run = subprocess.Popen(
        [str(ALIGN), "run", str(corpus), "-o", str(out), "--workers", "2", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        found = _workers(run.pid)
        if found:
            return run, *found
        time.sleep(0.02)
    run.kill()
    pytest.fail("the corpus run started no worker processes")


def test_a_killed_worker_costs_at_most_its_document_and_the_run_completes(corpus, tmp_path):
    run, _, workers = _start(corpus, tmp_path / "out")
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = run.communicate(timeout=600)
    assert run.returncode in (0, 2), stderr
    summary = json.loads((tmp_path / "out" / "corpus-summary.json").read_text(encoding="utf-8"))
    assert summary["done"] + summary["failed"] == 2 * COPIES
    assert summary["failed"] <= 1
    assert all("worker process running it died" in f["reason"] for f in summary["failures"])
    assert "Traceback" not in stderr


def test_a_killed_worker_of_a_dataset_run_costs_at_most_its_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    pairs = [
        {"id": str(k), "source": f"Der Umsatz stieg um {k} % auf 2,5 Mrd. Euro", "target": f"Sales rose {k}% to 2.5bn"}
        for k in range(3_000)
    ]
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in pairs), encoding="utf-8")
    run, _, workers = _start(data, tmp_path / "out", "--quiet")
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = run.communicate(timeout=600)
    assert run.returncode in (0, 1, 2), stderr
    summary = json.loads((tmp_path / "out" / "corpus-summary.json").read_text(encoding="utf-8"))
    assert summary["done"] + summary["failed"] == len(pairs)
    assert all("worker process checking it died" in f["reason"] for f in summary["failures"])
    assert "Traceback" not in stderr


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_process_outlives_a_killed_run(corpus, tmp_path, how):
    run, server, workers = _start(corpus, tmp_path / "out")
    os.kill(run.pid, how)
    run.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in (server, *workers)):
        time.sleep(0.1)
    assert [p for p in (server, *workers) if _alive(p)] == []


def test_documents_of_a_pool_broken_before_they_were_submitted_run_in_the_next(corpus, tmp_path, monkeypatch):
    """A worker can die while the run is still handing out documents: the pool then refuses the rest, which run
    in a fresh pool (here the first two pools are broken at once, so every document runs one at a time)."""
    import align.corpus as corpus_module

    real_pool, broken = corpus_module.worker_pool, []

    @contextlib.contextmanager
    def breaking_pool(workers, preload=()):
        with real_pool(workers, preload) as pool:
            if len(broken) < 2:
                broken.append(workers)
                pool.submit(os._exit, 1).exception()
            yield pool

    monkeypatch.setattr(corpus_module, "worker_pool", breaking_pool)
    pairs = corpus_module.find_pairs(corpus).pairs[:3]
    outcomes = list(corpus_module.run_local(pairs, str(tmp_path / "out"), "length", False, 2))
    assert broken == [2, 2]
    assert [(o.stem, o.status) for o in outcomes] == [(p.stem, "done") for p in pairs]


def test_a_call_that_kills_its_worker_each_time_fails_alone():
    """`signal.raise_signal(SIGKILL)` kills the worker running it, wherever it runs; SIGCHLD is ignored."""
    from concurrent.futures.process import BrokenProcessPool

    from align.corpus import surviving_workers

    calls = [(signal.SIGCHLD,), (signal.SIGKILL,), (signal.SIGCHLD,), (signal.SIGCHLD,)]
    results = dict(surviving_workers(signal.raise_signal, calls, 2))
    assert sorted(results) == [0, 1, 2, 3]
    assert isinstance(results[1].exception(), BrokenProcessPool)
    assert [results[k].result() for k in (0, 2, 3)] == [None, None, None]


def test_a_broken_pools_worker_left_waiting_is_killed_so_its_shutdown_returns():
    """CPython 3.11 terminates a broken pool's workers, but one that `submit` started while the pool was breaking
    is missed and waits for work forever, and so does the pool's shutdown (a corpus run hung so in CI): the
    worker pool kills what is left before it shuts a broken pool down."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from align.corpus import _kill_left_workers

    waiting = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(600,))
    waiting.start()
    pool = ProcessPoolExecutor(1)
    pool._processes = {waiting.pid: waiting}  # the worker the pool's own termination missed
    started = time.monotonic()
    _kill_left_workers(pool)
    waiting.join(timeout=30)
    assert not waiting.is_alive() and time.monotonic() - started < 30
    pool._processes = {}
    pool.shutdown()
