"""Corpus runs: every document pair of a `de/` + `en/` folder through `align.pipeline.run`, in parallel.

Pairs are matched by file name (`DIR/de/NAME` with `DIR/en/NAME` as its reference); a German file without an
English counterpart is still run (machine translation only, when a model is there) and reported as such, an
English file without a German one is reported and skipped. Each pair is one task for a worker process
(`ProcessPoolExecutor`, spawn start method) or, with `executor="ray"`, a Ray Data `map` over the same
function, so a corpus scales out on a Ray cluster. Encoders are cached per process, so models load once per
worker.

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
import shutil
import signal
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from align.errors import InputError
from align.files import atomic_output, replace_dir
from align.serialize import from_json, to_json

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


def process_pair(pair: Pair, out_root: str, encoder: str = "e5-small", words: bool = True) -> Outcome:
    """Run the pipeline for one pair into OUT/<stem>/ (all or nothing); bad input becomes a `failed` outcome."""
    from align.documents import load_document
    from align.pipeline import run
    from align.segment import segment

    root = Path(out_root)
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


def _start_worker(threads: int) -> None:
    """Share the cores among the workers; leave Ctrl-C to the main process, which lets running documents finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)


def run_local(pairs: Iterable[Pair], out_root: str, encoder: str, words: bool, workers: int) -> Iterator[Outcome]:
    """Outcomes as pairs finish, from `workers` spawned processes (in this process when workers is 1)."""
    todo = list(pairs)
    if workers <= 1:
        for pair in todo:
            yield process_pair(pair, out_root, encoder, words)
        return
    threads = max(1, (os.cpu_count() or 1) // workers)
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(threads,))
    try:
        pending = {pool.submit(process_pair, pair, out_root, encoder, words) for pair in todo}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ray_row(row: dict[str, Any], out_root: str, encoder: str, words: bool) -> dict[str, Any]:
    outcome = process_pair(from_json(Pair, json.loads(row["pair"])), out_root, encoder, words)
    return {"outcome": json.dumps(to_json(outcome), ensure_ascii=False)}


def run_ray(pairs: Iterable[Pair], out_root: str, encoder: str, words: bool, workers: int) -> Iterator[Outcome]:
    """The per-pair function on Ray Data: on the running Ray or $RAY_ADDRESS, else a local Ray with `workers` CPUs."""
    try:
        import ray
    except ImportError:
        raise InputError("--executor ray", "needs Ray, which is not installed", 'pip install "align[ray]"') from None
    absolute = (
        Pair(p.stem, str(Path(p.source).resolve()), p.reference and str(Path(p.reference).resolve())) for p in pairs
    )
    todo = [{"pair": json.dumps(to_json(pair), ensure_ascii=False)} for pair in absolute]  # Ray workers' cwd differs
    if not todo:
        return
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init()
        else:
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
    context = ray.data.DataContext.get_current()
    # One map operator: Ray Data's per-operator reservation would otherwise leave half the CPUs of a small Ray idle.
    reservation, context.op_resource_reservation_enabled = context.op_resource_reservation_enabled, False
    ray_logger = logging.getLogger("ray.data")
    level = ray_logger.level
    ray_logger.setLevel(logging.WARNING)
    try:
        blocks = min(len(todo), BLOCKS_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", workers))))
        rows = ray.data.from_items(todo, override_num_blocks=blocks).map(
            _ray_row, fn_kwargs={"out_root": str(Path(out_root).resolve()), "encoder": encoder, "words": words}
        )
        for row in rows.iter_rows():
            yield from_json(Outcome, json.loads(row["outcome"]))
    finally:
        context.op_resource_reservation_enabled = reservation
        ray_logger.setLevel(level)


def _remove_partials(out_root: Path) -> None:
    for stale in out_root.glob(f".*{PARTIAL}*"):
        shutil.rmtree(stale, ignore_errors=True)


def corpus_summary(corpus: Corpus, outcomes: Iterable[Outcome], executor: str, workers: int) -> dict[str, Any]:
    """The corpus totals: documents, done/skipped/failed, sentences, findings[label][status][kind], failures."""
    results = sorted(outcomes, key=lambda o: o.stem)
    findings: dict[str, dict[str, dict[str, int]]] = {}
    for outcome in results:
        for label, by_status in outcome.findings.items():
            for status, by_kind in by_status.items():
                for kind, count in by_kind.items():
                    target = findings.setdefault(label, {}).setdefault(status, {})
                    target[kind] = target.get(kind, 0) + count
    by_status = {status: sum(o.status == status for o in results) for status in ("done", "skipped", "failed")}
    return {
        "documents": len(corpus.pairs),
        **by_status,
        "sentences": sum(o.sentences for o in results),
        "findings": findings,
        "failures": [{"file": o.source, "reason": o.reason} for o in results if o.status == "failed"],
        "translation": dict(Counter(o.translation for o in results if o.translation)),
        "no_counterpart": [p.source for p in corpus.pairs if p.reference is None],
        "no_source": list(corpus.unmatched_references),
        "executor": executor,
        "workers": workers,
    }


def run_corpus(
    root: str | os.PathLike[str],
    out_root: str | os.PathLike[str],
    *,
    workers: int = 1,
    executor: str = "local",
    encoder: str = "e5-small",
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


def _row_batches(dataset: Any, where: str) -> Iterator[list[tuple[int, str, str | None, str | None]]]:
    for column in ("source", "target"):
        if column not in dataset.column_names:
            raise InputError(
                where,
                f"has no '{column}' column (its columns: {', '.join(dataset.column_names)})",
                "rename its columns",
            )
    columns = [c for c in ("source", "target", "id") if c in dataset.column_names]
    start = 0
    for batch in dataset.select_columns(columns).iter(batch_size=ROWS_PER_TASK):
        ids = batch.get("id") or [None] * len(batch["source"])
        yield [
            (start + k + 1, str(start + k + 1) if i is None else str(i), s, t)
            for k, (i, s, t) in enumerate(zip(ids, batch["source"], batch["target"], strict=True))
        ]
        start += len(batch["source"])


def run_dataset(
    path: str | os.PathLike[str], out_root: str | os.PathLike[str], *, workers: int = 1, progress: bool = False
) -> dict[str, Any]:
    """Check every source/target row of a dataset; write OUT/findings.jsonl and OUT/corpus-summary.json.

    Each row is one pair (`align.compare.compare_pair`); rows with a null cell are listed as failures and the
    rest completes. The findings file is written whole, atomically, in row order.
    """
    from tqdm import tqdm

    from align.datasets import load_dataset_file

    if workers < 1:
        raise InputError("--workers", f"must be at least 1, not {workers}", "give --workers 1 or more")
    dataset = load_dataset_file(path)
    batches = _row_batches(dataset, str(path))
    out = Path(out_root)
    failures, checked, findings = [], 0, {}
    with contextlib.ExitStack() as stack:
        results: Iterable[list[tuple[int, str, list[dict[str, Any]]]]] = map(check_rows, batches)
        if workers > 1:
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=get_context("spawn")))
            results = pool.map(check_rows, batches)
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
        "executor": "local",
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
