"""Corpus runs: every document pair of a `de/` + `en/` folder through `align.pipeline.run`, in parallel.

Pairs are matched by file name (`DIR/de/NAME` with `DIR/en/NAME` as its reference); a German file without an
English counterpart is still run (machine translation only, when a model is there) and reported as such, an
English file without a German one is reported and skipped. Each pair is one task for a worker process
(`ProcessPoolExecutor`) or, with `executor="ray"`, a Ray Data `map` over the same function, so a corpus
scales out on a Ray cluster. Encoders are cached per process, so models load once per worker. Local workers
are forked from a fork server that has imported the pipeline (and the encoder's runtime), compiled its
report template and derived the word lists once (`align.warmup`), so a worker starts in milliseconds with them
in shared memory instead of loading them again (spawned workers where the platform has no fork server). Every outcome
names the process that ran it, with that process's peak memory and the pair's CPU seconds; the summary has
the largest peak and the total, for local and Ray workers alike.

A dataset (rows with source/target) is checked row by row (`compare_pair`), in batches of `ROWS_PER_TASK`
rows: in this process, in worker processes, or as a Ray Data `map_batches` over the same batch function.

Every document is written into a hidden temporary folder next to `OUT/<stem>/` and renamed into place when
it is complete, so an interrupted run leaves finished documents and nothing half-written. A re-run skips a
document whose `OUT/<stem>/summary.json` is newer than its inputs. `OUT/corpus-summary.json` sums up the
corpus: documents, done/skipped/failed, sentences, findings per pair label, status and kind, failures with
their file and reason.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import resource
import select
import shutil
import signal
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import forkserver, get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from align.errors import InputError
from align.files import atomic_output, replace_dir
from align.serialize import from_json, to_json
from align.vocab import EMBEDDED

T = TypeVar("T")
SUMMARY = "corpus-summary.json"
FINDINGS = "findings.jsonl"
DATASET_SUFFIXES = (".parquet", ".jsonl", ".json")
ROWS_PER_TASK = 256
BLOCKS_PER_CPU = 4  # Ray tasks per CPU: few enough to spread task overhead, enough to balance uneven documents
PARTIAL = ".partial-"
EXECUTORS = ("local", "ray")
PAIR_ORDER = ("reference", "mt")


@dataclass(frozen=True)
class Pair:
    """One German document and its English reference (None when there is no counterpart)."""

    stem: str
    source: str
    reference: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one pair: `done`, `skipped` (finished by an earlier run) or `failed` (with the reason)."""

    stem: str
    status: str
    source: str
    reason: str = ""
    translation: str = ""
    sentences: int = 0
    findings: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    worker: str = ""
    peak_mb: float = 0.0
    cpu_s: float = 0.0


@dataclass(frozen=True)
class Corpus:
    """The pairs of a corpus folder, and the English files that have no German source."""

    pairs: tuple[Pair, ...]
    unmatched_references: tuple[str, ...] = ()


def _documents(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def find_pairs(root: str | os.PathLike[str]) -> Corpus:
    """Pair `root/de/NAME` with `root/en/NAME`; refuse a folder without German documents or with clashing stems."""
    base = Path(root)
    sources, references = _documents(base / "de"), _documents(base / "en")
    if not sources:
        raise InputError(
            base, "has no documents in a de/ folder", "put German documents in DIR/de/ and references in DIR/en/"
        )
    stems: dict[str, str] = {}
    pairs = []
    for name, path in sources.items():
        stem = path.stem
        if stem in stems:
            raise InputError(
                path, f"has the same stem as {stems[stem]}", "rename one of them: outputs go to OUT/<stem>/"
            )
        stems[stem] = name
        reference = references.get(name)
        pairs.append(Pair(stem, str(path), None if reference is None else str(reference)))
    unmatched = tuple(str(path) for name, path in references.items() if name not in sources)
    return Corpus(tuple(pairs), unmatched)


def is_finished(pair: Pair, out_root: str | os.PathLike[str]) -> bool:
    """True when OUT/<stem>/summary.json exists and is newer than the source and the reference."""
    summary = Path(out_root) / pair.stem / "summary.json"
    if not summary.is_file():
        return False
    written = summary.stat().st_mtime_ns
    inputs = [pair.source] + ([pair.reference] if pair.reference else [])
    return all(Path(p).stat().st_mtime_ns < written for p in inputs)


def _counts(stem: str, status: str, source: str, summary: dict[str, Any]) -> Outcome:
    pairs = summary.get("pairs", {})
    first = next((pairs[label] for label in PAIR_ORDER if label in pairs), None)
    findings = {label: pair.get("findings", {}) for label, pair in pairs.items()}
    sentences = first["source_segments"] if first else summary.get("source_segments", 0)
    translation = "; ".join(f"{k}: {v}" for k, v in summary.get("translation", {}).items())
    return Outcome(stem, status, source, translation=translation, sentences=sentences, findings=findings)


def peak_memory_mb() -> float:
    """This process's peak resident set: VmHWM (Linux, its own address space only), else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_pair(pair: Pair, out_root: str, encoder: str = EMBEDDED, words: bool = True) -> Outcome:
    """Run the pipeline for one pair into OUT/<stem>/ (all or nothing); bad input becomes a `failed` outcome.

    The outcome names the process that ran it (host:pid), that process's peak memory so far and the CPU
    seconds this pair took.
    """
    cpu = _cpu_seconds()
    outcome = _process_pair(pair, Path(out_root), encoder, words)
    return replace(
        outcome,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        peak_mb=round(peak_memory_mb(), 1),
        cpu_s=round(_cpu_seconds() - cpu, 3),
    )


def _process_pair(pair: Pair, root: Path, encoder: str, words: bool) -> Outcome:
    from align.documents import load_document
    from align.pipeline import run
    from align.segment import segment

    root.mkdir(parents=True, exist_ok=True)
    partial = root / f".{pair.stem}{PARTIAL}{uuid.uuid4().hex}"
    partial.mkdir()
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # per-document notices go to the summary, not the bar
            summary = run(pair.source, partial, reference=pair.reference, encoder=encoder, words=words)
        if not summary["pairs"]:
            summary["source_segments"] = len(segment(load_document(pair.source, language="de")))
            with atomic_output(partial / "summary.json") as out:
                json.dump(summary, out, ensure_ascii=False, indent=2)
        replace_dir(partial, root / pair.stem)
    except InputError as err:
        return Outcome(pair.stem, "failed", pair.source, reason=str(err))
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return _counts(pair.stem, "done", pair.source, summary)


def skipped_outcome(pair: Pair, out_root: str | os.PathLike[str]) -> Outcome:
    """The counts of a document finished by an earlier run, read from its summary.json."""
    summary = json.loads((Path(out_root) / pair.stem / "summary.json").read_text(encoding="utf-8"))
    return _counts(pair.stem, "skipped", pair.source, summary)


def _exit_with(main: int) -> None:
    """End this worker as soon as process `main` (the run) ends, however it ends (SIGKILL, SIGTERM, a crash): a
    worker never outlives the run, and with the workers gone the fork server ends too. A watcher thread waits on
    a pidfd of `main` (Linux), elsewhere checks every second."""
    try:
        handle = os.pidfd_open(main)
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while _alive(main):
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="align-exit-with-run", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_worker(threads: int, main: int) -> None:
    """Share the cores among the workers; leave Ctrl-C to the main process, which lets running documents finish;
    end with the main process (`_exit_with`)."""
    _exit_with(main)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    if "torch" in sys.modules:  # imported by the fork server, before these variables were set
        sys.modules["torch"].set_num_threads(threads)


WARM_SOURCE = "Laut Müller stieg der Umsatz der Treibnetzfischerei in Hamburg um fast 5 % auf 2,5 Mrd. Euro."
WARM_TARGET = "According to Müller, drift-net fishing sales in Hamburg rose by almost 5% to EUR 2.5 billion."
TORCH_PRELOAD = ("torch", "transformers", "transformers.models.bert.modeling_bert", "align.encoders", "align.words")
ONNX_PRELOAD = ("onnxruntime", "tokenizers", "align.encoders")


def warm_up() -> None:
    """Load what every document needs (modules, word lists, report template) by comparing one small pair in memory.

    A failure here is left to the first document, which then reports it with its file name.
    """
    from align.beads import Bead
    from align.documents import document_from_text
    from align.pipeline import compare_documents

    source, target = document_from_text(WARM_SOURCE, "de"), document_from_text(WARM_TARGET, "en")
    with contextlib.suppress(Exception):
        compare_documents(source, target, beads=(Bead((0,), (0,), 1.0),), words=False).html()


@contextlib.contextmanager
def worker_pool(workers: int, preload: Iterable[str] = ()) -> Iterator[ProcessPoolExecutor]:
    """`workers` processes that share the cores, forked from a server warmed up once (`align.warmup`).

    The modules of `preload` (`runtime_modules`) are imported there first (only imported: a process that has
    run torch must not fork). The fork server lives as long as this process, so later pools start at once with
    what the first pool asked it to preload. Spawned processes where the platform has no fork server. No
    process of the pool imports from the working directory (`imports_without_cwd`). Pending work is cancelled
    when the block is left.
    """
    threads = max(1, (os.cpu_count() or 1) // workers)
    with imports_without_cwd():
        context: BaseContext
        if "forkserver" in get_all_start_methods():
            server = get_context("forkserver")
            server.set_forkserver_preload([*preload, "align.warmup"])
            context = server
            with _sigint_ignored():  # inherited: Ctrl-C while the server preloads is the main process's alone
                forkserver.ensure_running()
        else:
            context = get_context("spawn")
        start = (threads, os.getpid())
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=start)
        try:
            yield pool
        finally:
            if getattr(pool, "_broken", False):
                _kill_left_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def _kill_left_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the workers a broken pool left alive. CPython 3.11 terminates them when one dies, but a worker that
    `submit` started while the pool was breaking escapes that and waits for work forever, and the pool's shutdown
    waits for it (a corpus run hung so in CI). Private state: nothing is done where it is absent."""
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.kill()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def imports_without_cwd() -> Iterator[None]:
    """In the block, the working directory is on no import path, so that no worker process runs a file there named
    like a module (`json.py`, `numpy.py`): new interpreters (the fork server, spawned workers) start with
    PYTHONSAFEPATH (Python 3.11+: no '' first on their path) and take this process's path without '' and without
    the working directory."""
    cwd = Path.cwd().resolve()
    saved_path, saved_safe = sys.path[:], os.environ.get("PYTHONSAFEPATH")
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != cwd]
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        sys.path[:] = saved_path
        if saved_safe is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = saved_safe


def runtime_modules(encoder: str, words: bool) -> tuple[str, ...]:
    """What the workers' documents need beyond the pipeline: ONNX Runtime and tokenizers for the embedded
    encoder (sentence embeddings, and word alignment with `align.words`), torch and transformers for a
    transformers encoder or where ONNX Runtime is missing; nothing for `length` without word alignment."""
    from align.encoders import load_encoder
    from align.encoders.onnx_backend import onnx_available

    modules: list[str] = []
    if encoder != "length":
        modules += ONNX_PRELOAD if load_encoder(encoder).backend == "onnx" else TORCH_PRELOAD
    if words:
        modules += (*ONNX_PRELOAD, "align.words") if onnx_available() else TORCH_PRELOAD
    return tuple(dict.fromkeys(modules))


def run_local(pairs: Iterable[Pair], out_root: str, encoder: str, words: bool, workers: int) -> Iterator[Outcome]:
    """Outcomes as pairs finish, from `workers` worker processes (in this process when workers is 1)."""
    todo = list(pairs)
    if workers <= 1:
        for pair in todo:
            yield process_pair(pair, out_root, encoder, words)
        return
    calls = [(pair, out_root, encoder, words) for pair in todo]
    for k, future in surviving_workers(process_pair, calls, workers, runtime_modules(encoder, words)):
        yield _outcome(future, todo[k])


def surviving_workers(
    function: Callable[..., T], calls: Sequence[tuple[Any, ...]], workers: int, preload: Iterable[str] = ()
) -> Iterator[tuple[int, Future[T]]]:
    """(index, finished future) of each call of `function` as it finishes in `workers` worker processes.

    A worker that dies (killed, out of memory) breaks its pool and every call the pool had not finished, even
    those not yet handed out: they run again in a fresh pool, and what that one loses too runs one call at a
    time, each in a process of its own, so that a call that kills its worker again fails alone (its future
    holds `BrokenProcessPool`).
    """
    preload = tuple(preload)
    lost = yield from _one_pool(function, calls, range(len(calls)), workers, preload, last=False)
    if lost:  # no second pool (nor its set-up) when none was lost
        lost = yield from _one_pool(function, calls, lost, workers, preload, last=False)
    for k in lost:
        yield from _one_pool(function, calls, [k], 1, preload, last=True)


def _one_pool(
    function: Callable[..., T],
    calls: Sequence[tuple[Any, ...]],
    indices: Iterable[int],
    workers: int,
    preload: tuple[str, ...],
    last: bool,
) -> Generator[tuple[int, Future[T]], None, list[int]]:
    """The calls of `indices` in one pool; returns those it lost to a dying worker (none when `last`: those are
    yielded with the error)."""
    lost: list[int] = []
    with worker_pool(workers, preload) as pool:
        futures: dict[Future[T], int] = {}
        for k in indices:
            try:
                futures[pool.submit(function, *calls[k])] = k
            except BrokenProcessPool as err:
                refused: Future[T] = Future()
                refused.set_exception(err)
                futures[refused] = k
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if isinstance(future.exception(), BrokenProcessPool) and not last:
                    lost.append(futures[future])
                else:
                    yield futures[future], future
    return sorted(lost)


def _outcome(future: Future[Outcome], pair: Pair) -> Outcome:
    """What a worker returned, or a `failed` outcome saying why it returned nothing."""
    err = future.exception()
    if err is None:
        return future.result()
    if isinstance(err, BrokenProcessPool):
        reason = "the worker process running it died (killed, or out of memory); the other documents completed"
    else:
        reason = f"internal error ({type(err).__name__}: {err})"
    return Outcome(pair.stem, "failed", pair.source, reason=f"{pair.source}: {reason}")


def _ray_row(row: dict[str, Any], out_root: str, encoder: str, words: bool) -> dict[str, Any]:
    outcome = process_pair(from_json(Pair, json.loads(row["pair"])), out_root, encoder, words)
    return {"outcome": json.dumps(to_json(outcome), ensure_ascii=False)}


@contextlib.contextmanager
def ray_data(workers: int, preserve_order: bool = False) -> Iterator[Any]:
    """The `ray` module, connected to the running Ray or $RAY_ADDRESS, else to a local Ray with `workers` CPUs."""
    try:
        import ray
    except ImportError:
        raise InputError("--executor ray", "needs Ray, which is not installed", 'pip install "align[ray]"') from None
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init()
        else:
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
    context = ray.data.DataContext.get_current()
    options = context.execution_options
    # One map operator: Ray Data's per-operator reservation would otherwise leave half the CPUs of a small Ray idle.
    reservation, context.op_resource_reservation_enabled = context.op_resource_reservation_enabled, False
    order, options.preserve_order = options.preserve_order, preserve_order
    ray_logger = logging.getLogger("ray.data")
    level = ray_logger.level
    ray_logger.setLevel(logging.WARNING)
    try:
        yield ray
    finally:
        context.op_resource_reservation_enabled = reservation
        options.preserve_order = order
        ray_logger.setLevel(level)


def _ray_blocks(ray: Any, tasks: int, workers: int) -> int:
    return max(1, min(tasks, BLOCKS_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", workers)))))


def run_ray(pairs: Iterable[Pair], out_root: str, encoder: str, words: bool, workers: int) -> Iterator[Outcome]:
    """The per-pair function on Ray Data: on the running Ray or $RAY_ADDRESS, else a local Ray with `workers` CPUs."""
    absolute = (
        Pair(p.stem, str(Path(p.source).resolve()), p.reference and str(Path(p.reference).resolve())) for p in pairs
    )
    todo = [{"pair": json.dumps(to_json(pair), ensure_ascii=False)} for pair in absolute]  # Ray workers' cwd differs
    if not todo:
        return
    with ray_data(workers) as ray:
        rows = ray.data.from_items(todo, override_num_blocks=_ray_blocks(ray, len(todo), workers)).map(
            _ray_row, fn_kwargs={"out_root": str(Path(out_root).resolve()), "encoder": encoder, "words": words}
        )
        for row in rows.iter_rows():
            yield from_json(Outcome, json.loads(row["outcome"]))


def _remove_partials(out_root: Path) -> None:
    for stale in out_root.glob(f".*{PARTIAL}*"):
        shutil.rmtree(stale, ignore_errors=True)


def worker_processes(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """The processes that ran documents: how many, the largest peak resident memory among them (MB) and the
    CPU seconds spent on the documents themselves (start-up and hand-over not included)."""
    peaks: dict[str, float] = {}
    cpu = 0.0
    for outcome in outcomes:
        if outcome.worker:
            peaks[outcome.worker] = max(peaks.get(outcome.worker, 0.0), outcome.peak_mb)
            cpu += outcome.cpu_s
    return {"count": len(peaks), "peak_mb": max(peaks.values(), default=0.0), "document_cpu_s": round(cpu, 2)}


def corpus_summary(corpus: Corpus, outcomes: Iterable[Outcome], executor: str, workers: int) -> dict[str, Any]:
    """The corpus totals: documents, done/skipped/failed, sentences, findings[label][status][kind], failures,
    and the processes that ran the documents (`worker_processes`)."""
    results = sorted(outcomes, key=lambda o: o.stem)
    findings: dict[str, dict[str, dict[str, int]]] = {}
    for outcome in results:
        for label, by_status in outcome.findings.items():
            for status, by_kind in by_status.items():
                for kind, count in by_kind.items():
                    target = findings.setdefault(label, {}).setdefault(status, {})
                    target[kind] = target.get(kind, 0) + count
    counts = {status: sum(o.status == status for o in results) for status in ("done", "skipped", "failed")}
    return {
        "documents": len(corpus.pairs),
        **counts,
        "sentences": sum(o.sentences for o in results),
        "findings": findings,
        "failures": [{"file": o.source, "reason": o.reason} for o in results if o.status == "failed"],
        "translation": dict(Counter(o.translation for o in results if o.translation)),
        "no_counterpart": [p.source for p in corpus.pairs if p.reference is None],
        "no_source": list(corpus.unmatched_references),
        "executor": executor,
        "workers": workers,
        "worker_processes": worker_processes(results),
    }


def run_corpus(
    root: str | os.PathLike[str],
    out_root: str | os.PathLike[str],
    *,
    workers: int = 1,
    executor: str = "local",
    encoder: str = EMBEDDED,
    words: bool = True,
    progress: bool = False,
) -> dict[str, Any]:
    """Run every pair of `root` into OUT/<stem>/, skipping finished ones; write and return OUT/corpus-summary.json."""
    if executor not in EXECUTORS:
        raise InputError("--executor", f"unknown executor '{executor}'", f"use one of {', '.join(EXECUTORS)}")
    if workers < 1:
        raise InputError("--workers", f"must be at least 1, not {workers}", "give --workers 1 or more")
    corpus = find_pairs(root)
    if encoder != "length":
        from align.encoders import resolve_model

        resolve_model(encoder)
    out = Path(out_root)
    out.mkdir(parents=True, exist_ok=True)
    _remove_partials(out)
    outcomes = [skipped_outcome(p, out) for p in corpus.pairs if is_finished(p, out)]
    done = {o.stem for o in outcomes}
    todo = [p for p in corpus.pairs if p.stem not in done]
    runner = run_ray if executor == "ray" else run_local
    from tqdm import tqdm

    with tqdm(total=len(todo), desc="documents", unit="doc", disable=not progress, leave=False) as bar:
        for outcome in runner(todo, str(out), encoder, words, workers):
            outcomes.append(outcome)
            bar.update()
    summary = corpus_summary(corpus, outcomes, executor, workers)
    with atomic_output(out / SUMMARY) as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2)
    return summary


def is_dataset(path: str | os.PathLike[str]) -> bool:
    """A `save_to_disk` folder, or a Parquet / JSON Lines file."""
    p = Path(path)
    if p.is_dir():
        return (p / "dataset_info.json").is_file() or (p / "state.json").is_file()
    return p.suffix.lower() in DATASET_SUFFIXES


def check_rows(rows: list[tuple[int, str, str | None, str | None]]) -> list[tuple[int, str, list[dict[str, Any]]]]:
    """Findings of `compare_pair` per (row, id, source, target); a row with a null cell gets its reason instead."""
    from align.compare import compare_pair

    results: list[tuple[int, str, list[dict[str, Any]]]] = []
    for row, unit_id, source, target in rows:
        if source is None or target is None:
            column = "source" if source is None else "target"
            results.append((row, f"row {row} (id {unit_id}) has a null '{column}'", []))
        else:
            findings = compare_pair(str(source), str(target))
            results.append((row, "", [{"id": unit_id, "row": row, **to_json(f)} for f in findings]))
    return results


def _pair_columns(dataset: Any, where: str) -> list[str]:
    for column in ("source", "target"):
        if column not in dataset.column_names:
            raise InputError(
                where,
                f"has no '{column}' column (its columns: {', '.join(dataset.column_names)})",
                "rename its columns",
            )
    return [c for c in ("source", "target", "id") if c in dataset.column_names]


def _rows(
    numbers: Iterable[int], ids: list[Any] | None, sources: list[Any], targets: list[Any]
) -> list[tuple[int, str, str | None, str | None]]:
    """(row number, id, source, target); the id is the row number where the dataset has none."""
    return [
        (row, str(row) if i is None else str(i), s, t)
        for row, i, s, t in zip(numbers, ids or [None] * len(sources), sources, targets, strict=True)
    ]


def _row_batches(dataset: Any, where: str) -> Iterator[list[tuple[int, str, str | None, str | None]]]:
    start = 0
    for batch in dataset.select_columns(_pair_columns(dataset, where)).iter(batch_size=ROWS_PER_TASK):
        count = len(batch["source"])
        yield _rows(range(start + 1, start + count + 1), batch.get("id"), batch["source"], batch["target"])
        start += count


def _rows_on_workers(
    batches: list[list[tuple[int, str, str | None, str | None]]], workers: int
) -> Generator[list[tuple[int, str, list[dict[str, Any]]]], None, None]:
    """`check_rows` of each batch on `workers` processes, in row order; the rows of a batch whose worker died
    each time it ran get that reason (`surviving_workers`)."""
    done: dict[int, list[tuple[int, str, list[dict[str, Any]]]]] = {}
    following = 0
    for k, future in surviving_workers(check_rows, [(batch,) for batch in batches], workers):
        err = future.exception()
        if err is None:
            done[k] = future.result()
        else:
            reason = "the worker process checking it died" if isinstance(err, BrokenProcessPool) else "internal error"
            reason = f"{reason} ({type(err).__name__}: {err})"
            done[k] = [(row, f"row {row} (id {unit_id}): {reason}", []) for row, unit_id, _, _ in batches[k]]
        while following in done:
            yield done.pop(following)
            following += 1


def _ray_check_batch(batch: Any) -> dict[str, list[Any]]:
    """`check_rows` over one Arrow batch on a Ray worker; findings travel as JSON text (one value per row)."""
    ids = batch.column("id").to_pylist() if "id" in batch.column_names else None
    rows, sources, targets = (batch.column(name).to_pylist() for name in ("row", "source", "target"))
    results = check_rows(_rows(rows, ids, sources, targets))
    return {
        "row": [row for row, _, _ in results],
        "reason": [reason for _, reason, _ in results],
        "findings": [json.dumps(findings, ensure_ascii=False) for _, _, findings in results],
    }


def _ray_row_batches(dataset: Any, where: str, workers: int) -> Iterator[list[tuple[int, str, list[dict[str, Any]]]]]:
    """The results of `check_rows` in row order, computed by Ray Data `map_batches` over the dataset's rows.

    The dataset is handed over as its Arrow table (`ray.data.from_arrow`, what `from_huggingface` does for a
    local dataset, without its probe of the Hugging Face Hub), with a row number column for the messages.
    """
    import pyarrow

    table = dataset.select_columns(_pair_columns(dataset, where)).with_format("arrow")[:]
    table = table.append_column("row", pyarrow.array(range(1, table.num_rows + 1), pyarrow.int64()))
    with ray_data(workers, preserve_order=True) as ray:
        blocks = _ray_blocks(ray, -(-table.num_rows // ROWS_PER_TASK), workers)
        results = ray.data.from_arrow(table, override_num_blocks=blocks).map_batches(
            _ray_check_batch, batch_size=ROWS_PER_TASK, batch_format="pyarrow"
        )
        for batch in results.iter_batches(batch_size=ROWS_PER_TASK, batch_format="pyarrow"):
            rows, reasons, findings = (batch.column(name).to_pylist() for name in ("row", "reason", "findings"))
            yield [(row, reason, json.loads(f)) for row, reason, f in zip(rows, reasons, findings, strict=True)]


def run_dataset(
    path: str | os.PathLike[str],
    out_root: str | os.PathLike[str],
    *,
    workers: int = 1,
    executor: str = "local",
    progress: bool = False,
) -> dict[str, Any]:
    """Check every source/target row of a dataset; write OUT/findings.jsonl and OUT/corpus-summary.json.

    Each row is one pair (`align.compare.compare_pair`); rows with a null cell are listed as failures and the
    rest completes. Batches of rows run in this process, in `workers` processes, or on Ray Data
    (`executor="ray"`). The findings file is written whole, atomically, in row order.
    """
    from tqdm import tqdm

    from align.datasets import load_dataset_file

    if executor not in EXECUTORS:
        raise InputError("--executor", f"unknown executor '{executor}'", f"use one of {', '.join(EXECUTORS)}")
    if workers < 1:
        raise InputError("--workers", f"must be at least 1, not {workers}", "give --workers 1 or more")
    dataset = load_dataset_file(path)
    _pair_columns(dataset, str(path))
    out = Path(out_root)
    failures, checked = [], 0
    findings: dict[str, dict[str, dict[str, int]]] = {}
    with contextlib.ExitStack() as stack:
        results: Iterable[list[tuple[int, str, list[dict[str, Any]]]]]
        if executor == "ray":
            results = _ray_row_batches(dataset, str(path), workers)
        elif workers > 1:
            batches = list(_row_batches(dataset, str(path)))
            results = stack.enter_context(contextlib.closing(_rows_on_workers(batches, workers)))  # pool ends here
        else:
            results = map(check_rows, _row_batches(dataset, str(path)))
        bar = stack.enter_context(tqdm(total=len(dataset), desc="rows", unit="row", disable=not progress, leave=False))
        handle = stack.enter_context(atomic_output(out / FINDINGS))
        for batch in results:
            for row, reason, row_findings in batch:
                if reason:
                    failures.append({"file": str(path), "row": row, "reason": f"{path}: {reason}"})
                    continue
                checked += 1
                for finding in row_findings:
                    handle.write(json.dumps(finding, ensure_ascii=False) + "\n")
                    by_kind = findings.setdefault("rows", {}).setdefault(finding["status"], {})
                    by_kind[finding["kind"]] = by_kind.get(finding["kind"], 0) + 1
            bar.update(len(batch))
    summary = {
        "documents": len(dataset),
        "done": checked,
        "skipped": 0,
        "failed": len(failures),
        "sentences": checked,
        "findings": findings,
        "failures": failures,
        "executor": executor,
        "workers": workers,
    }
    with atomic_output(out / SUMMARY) as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2)
    return summary


def summary_line(summary: dict[str, Any]) -> str:
    """One line for stderr: documents, done, skipped, failed, sentences, problems."""
    problems = sum(
        count
        for by_status in summary["findings"].values()
        for status, by_kind in by_status.items()
        if status != "preserved"
        for count in by_kind.values()
    )
    return (
        f"{summary['documents']} documents: {summary['done']} done, {summary['skipped']} skipped, "
        f"{summary['failed']} failed; {summary['sentences']} sentences, {problems} findings that are not preserved"
    )
