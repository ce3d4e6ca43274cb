"""`align run DIR`: a corpus of de/ + en/ pairs, per-document outputs, resume, bad files, workers, Ray."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

import align.corpus as corpus
import align.pipeline as pipeline
from align.cli import run as cli_run
from align.errors import InputError
from align.serialize import from_json, to_json
from tests.conftest import SEED_NAMES, SEEDS

FAST = {"encoder": "length", "words": False}
GOOD = tuple(Path(name).stem for name in SEED_NAMES)
RUN_SPECIFIC = ("executor", "workers", "worker_processes")


def _same_run(summary: dict) -> dict:
    """A summary without what depends on how it ran (executor, workers, their processes and memory)."""
    return {key: value for key, value in summary.items() if key not in RUN_SPECIFIC}


@pytest.fixture(scope="module")
def ray(tmp_path_factory):
    """A local Ray with 2 CPUs, started once for this module's Ray tests; its workers cache in a temporary folder."""
    ray = pytest.importorskip("ray")
    before = os.environ.get("ALIGN_CACHE_DIR")
    os.environ["ALIGN_CACHE_DIR"] = str(tmp_path_factory.mktemp("ray-cache"))  # Ray workers inherit it at init
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
    if before is None:
        del os.environ["ALIGN_CACHE_DIR"]
    else:
        os.environ["ALIGN_CACHE_DIR"] = before


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def folder(tmp_path, cache) -> Path:
    """The two seed pairs, a Latin-1 German file, a German file without reference, an English file without source."""
    root = tmp_path / "corpus"
    (root / "de").mkdir(parents=True)
    (root / "en").mkdir()
    for name in SEED_NAMES:
        (root / "de" / name).write_bytes((SEEDS / "de" / name).read_bytes())
        (root / "en" / name).write_bytes((SEEDS / "en" / name).read_bytes())
    (root / "de" / "latin1.txt").write_bytes("Die Größe beträgt 5 Meter.\n".encode("latin-1"))
    (root / "en" / "latin1.txt").write_text("The size is 5 metres.\n", encoding="utf-8")
    (root / "de" / "alone.txt").write_text("Das Haus kostet 300 000 Euro. Es wurde 1999 gebaut.\n", encoding="utf-8")
    (root / "en" / "orphan.txt").write_text("Nothing in German matches this.\n", encoding="utf-8")
    return root


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _document_files(out: Path) -> dict[str, bytes]:
    return {name: data for name, data in _files(out).items() if name != corpus.SUMMARY}


def test_every_pair_gets_the_outputs_of_a_single_run(folder, tmp_path):
    summary = corpus.run_corpus(folder, tmp_path / "out", **FAST)
    out = tmp_path / "out"
    for stem in GOOD:
        alone = tmp_path / "single" / stem
        pipeline.run(folder / "de" / f"{stem}.txt", alone, reference=folder / "en" / f"{stem}.txt", **FAST)
        assert _files(out / stem) == _files(alone)
    assert json.loads((out / "alone" / "summary.json").read_text())["source_segments"] == 2
    assert not (out / "latin1").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert json.loads((out / corpus.SUMMARY).read_text()) == summary


def test_corpus_summary_counts_documents_sentences_findings_and_failures(folder, tmp_path):
    summary = corpus.run_corpus(folder, tmp_path / "out", **FAST)
    out = tmp_path / "out"
    per_document = [json.loads((out / stem / "summary.json").read_text()) for stem in GOOD]
    assert (summary["documents"], summary["done"], summary["skipped"], summary["failed"]) == (4, 3, 0, 1)
    assert summary["sentences"] == sum(d["pairs"]["reference"]["source_segments"] for d in per_document) + 2
    expected: dict[str, int] = {}
    for document in per_document:
        for kind, count in document["pairs"]["reference"]["findings"].get("preserved", {}).items():
            expected[kind] = expected.get(kind, 0) + count
    assert summary["findings"]["reference"]["preserved"] == expected
    assert expected["figure"] > 0
    [failure] = summary["failures"]
    assert failure["file"].endswith("latin1.txt") and "not valid UTF-8" in failure["reason"]
    assert summary["no_counterpart"] == [str(folder / "de" / "alone.txt")]
    assert summary["no_source"] == [str(folder / "en" / "orphan.txt")]


def test_rerun_skips_finished_documents_and_redoes_changed_ones(folder, tmp_path, monkeypatch):
    out = tmp_path / "out"
    corpus.run_corpus(folder, out, **FAST)
    calls = []
    original = pipeline.run

    def counting(source, *args, **kwargs):
        calls.append(Path(source).name)
        return original(source, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run", counting)
    again = corpus.run_corpus(folder, out, **FAST)
    assert calls == ["latin1.txt"]
    assert (again["done"], again["skipped"], again["failed"]) == (0, 3, 1)
    written = (out / GOOD[1] / "summary.json").stat().st_mtime_ns
    os.utime(folder / "en" / SEED_NAMES[1], ns=(written + 10**9, written + 10**9))
    calls.clear()
    third = corpus.run_corpus(folder, out, **FAST)
    assert sorted(calls) == sorted([SEED_NAMES[1], "latin1.txt"])
    assert (third["done"], third["skipped"]) == (1, 2)
    assert third["sentences"] == again["sentences"]


def test_interrupt_leaves_finished_documents_and_nothing_half_written(folder, tmp_path, monkeypatch):
    out = tmp_path / "out"
    original = pipeline.write_outputs

    def interrupted(result, out_dir):
        if GOOD[1] in str(result.source.path):
            raise KeyboardInterrupt
        return original(result, out_dir)

    monkeypatch.setattr(pipeline, "write_outputs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        corpus.run_corpus(folder, out, **FAST)
    assert sorted(p.name for p in out.iterdir()) == [GOOD[0]]
    assert (out / GOOD[0] / "summary.json").is_file()


def test_cli_with_two_workers_matches_one_worker_and_exits_2_for_the_bad_file(folder, tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    common = ["--encoder", "length", "--no-words", "--quiet"]
    assert cli_run(["run", str(folder), "-o", str(one), "--workers", "1", *common]) == 2
    assert cli_run(["run", str(folder), "-o", str(two), "--workers", "2", *common]) == 2
    err = capsys.readouterr().err
    assert "latin1.txt: is not valid UTF-8" in err
    assert "4 documents: 3 done, 0 skipped, 1 failed" in err
    assert _document_files(one) == _document_files(two)
    first, second = (json.loads((d / corpus.SUMMARY).read_text()) for d in (one, two))
    assert _same_run(first) == _same_run(second)
    assert first["worker_processes"]["count"] == 1 and first["worker_processes"]["peak_mb"] > 10
    assert 1 <= second["worker_processes"]["count"] <= 2 and second["worker_processes"]["peak_mb"] > 10


# What a worker has loaded, as an expression: workers import nothing from the working directory, where `tests` is.
PROBE = (
    "(__import__('os').getpid(), __import__('align.claims').claims.lexical_name.cache_info().currsize,"
    " 'align.pipeline' in __import__('sys').modules)"
)


def test_local_workers_start_warm_with_the_names_of_the_warm_up_known():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork server on this platform: workers are spawned and load what they need")
    with corpus.worker_pool(2) as pool:
        probes = list(pool.map(eval, [PROBE] * 4))
    assert all(loaded > 0 and imported for _, loaded, imported in probes)  # the warm-up's names are known
    assert os.getpid() not in {pid for pid, _, _ in probes}


def test_cli_exits_0_when_every_document_is_fine(folder, tmp_path):
    (folder / "de" / "latin1.txt").unlink()
    assert cli_run(["run", str(folder), "-o", str(tmp_path / "out"), "--encoder", "length", "--no-words"]) == 0


def test_bad_corpus_folders_and_options_are_refused(tmp_path, folder):
    with pytest.raises(InputError, match="no documents in a de/ folder"):
        corpus.run_corpus(tmp_path / "out", tmp_path / "o", **FAST)
    (folder / "de" / "alone.md").write_text("Noch ein Text.\n", encoding="utf-8")
    with pytest.raises(InputError, match="same stem"):
        corpus.run_corpus(folder, tmp_path / "o", **FAST)
    with pytest.raises(InputError, match="unknown executor"):
        corpus.run_corpus(folder, tmp_path / "o", executor="spark", **FAST)


def test_pair_and_outcome_round_trip():
    pair = corpus.Pair("a", "de/a.txt", None)
    findings = {"reference": {"added": {"figure": 1}}}
    outcome = corpus.Outcome(
        "a", "done", "de/a.txt", sentences=3, findings=findings, worker="h:1", peak_mb=9.5, cpu_s=0.2
    )
    assert from_json(corpus.Pair, to_json(pair)) == pair
    assert from_json(corpus.Outcome, json.loads(json.dumps(to_json(outcome)))) == outcome


def test_ray_executor_writes_the_same_outputs_as_local(folder, tmp_path, ray):
    local = corpus.run_corpus(folder, tmp_path / "local", **FAST)
    summary = corpus.run_corpus(folder, tmp_path / "ray", executor="ray", workers=2, **FAST)
    assert _document_files(tmp_path / "ray") == _document_files(tmp_path / "local")
    assert _same_run(summary) == _same_run(local)
    assert (summary["done"], summary["failed"]) == (3, 1)
    assert "not valid UTF-8" in summary["failures"][0]["reason"]
    assert local["worker_processes"]["count"] == 1
    assert summary["worker_processes"]["count"] >= 1 and summary["worker_processes"]["peak_mb"] > 10
    assert summary["worker_processes"]["document_cpu_s"] > 0


ROWS = {
    "id": ["a", "b", "c"],
    "source": ["Der Berg ist 8848 Meter hoch.", "Das kostet 5 Euro.", "Es war 1999."],
    "target": ["The mountain is 8848 metres high.", "That costs 7 euros.", None],
}


def test_dataset_rows_are_checked_and_a_null_cell_is_reported(tmp_path, cache, capsys):
    source = tmp_path / "pairs.jsonl"
    source.write_text(
        "".join(json.dumps({k: v[n] for k, v in ROWS.items()}) + "\n" for n in range(3)), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert cli_run(["run", str(source), "-o", str(out), "--quiet"]) == 2
    assert "row 3 (id c) has a null 'target'" in capsys.readouterr().err
    findings = [json.loads(line) for line in (out / corpus.FINDINGS).read_text().splitlines()]
    changed = [f for f in findings if f["status"] != "preserved"]
    assert [(f["id"], f["kind"]) for f in changed] == [("b", "figure")]
    assert {f["id"] for f in findings if f["status"] == "preserved"} == {"a"}
    summary = json.loads((out / corpus.SUMMARY).read_text())
    assert (summary["documents"], summary["done"], summary["failed"]) == (3, 2, 1)
    assert summary["failures"][0]["row"] == 3


def test_saved_dataset_with_two_workers_gives_the_same_findings(tmp_path, cache):
    datasets = pytest.importorskip("datasets")
    rows = {k: v[:2] * 3 for k, v in ROWS.items()}
    datasets.Dataset.from_dict(rows).save_to_disk(str(tmp_path / "saved"))
    one = corpus.run_dataset(tmp_path / "saved", tmp_path / "one")
    two = corpus.run_dataset(tmp_path / "saved", tmp_path / "two", workers=2)
    assert (tmp_path / "one" / corpus.FINDINGS).read_bytes() == (tmp_path / "two" / corpus.FINDINGS).read_bytes()
    assert {**one, "workers": 2} == two
    assert one["findings"]["rows"]["preserved"]["figure"] == 3


def test_dataset_on_ray_gives_the_findings_of_the_local_run_and_names_the_null_row(
    tmp_path, cache, ray, capsys, monkeypatch
):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(corpus, "ROWS_PER_TASK", 2)  # several Ray blocks, whose results must come back in row order
    rows = {k: v * 4 for k, v in ROWS.items()}
    rows["id"] = [None, *rows["id"][1:]]
    datasets.Dataset.from_dict(rows).to_parquet(str(tmp_path / "pairs.parquet"))
    local = corpus.run_dataset(tmp_path / "pairs.parquet", tmp_path / "local")
    assert cli_run(["run", str(tmp_path / "pairs.parquet"), "-o", str(tmp_path / "ray"), "--executor", "ray"]) == 2
    err = capsys.readouterr().err
    assert "pairs.parquet: row 3 (id c) has a null 'target'" in err
    assert "pairs.parquet: row 12 (id c) has a null 'target'" in err
    assert (tmp_path / "ray" / corpus.FINDINGS).read_bytes() == (tmp_path / "local" / corpus.FINDINGS).read_bytes()
    on_ray = json.loads((tmp_path / "ray" / corpus.SUMMARY).read_text())
    assert _same_run(on_ray) == _same_run(local)
    assert (on_ray["executor"], on_ray["done"], on_ray["failed"]) == ("ray", 8, 4)
    findings = [json.loads(line) for line in (tmp_path / "ray" / corpus.FINDINGS).read_text().splitlines()]
    assert [(f["id"], f["row"]) for f in findings if f["status"] != "preserved"] == [
        ("b", 2),
        ("b", 5),
        ("b", 8),
        ("b", 11),
    ]
    assert findings[0]["id"] == "1"
