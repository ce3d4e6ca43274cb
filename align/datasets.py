"""Hugging Face datasets: aligned pairs with their findings as a `datasets.Dataset`, and datasets read as units.

A pair row holds the document id, the bead number, the source and target text of the bead (its sentences
joined by a space), the bead's sentence indices and score, and its findings as a list of structs
(status, kind, severity, message, and the whole finding as lossless JSON). Findings are taken as plain dicts
(`align.serialize.to_json(finding)`) or as Finding objects, so this module does not depend on their type.

A user's dataset (in memory, saved with `save_to_disk`, or a Parquet / JSON Lines / CSV file) with source and
target columns is read as `align.bilingual.Unit`s, batch by batch, or mapped with `map_units` (`Dataset.map`
in batches) to add columns such as findings or word links. A null cell is an InputError naming the row.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import datasets
from datasets import Dataset, Features, List, Value

from align.bilingual import Origin, Unit, parse_json_line
from align.errors import InputError
from align.files import atomic_output, replace_dir
from align.serialize import to_json

FINDING = {
    "status": Value("string"),
    "kind": Value("string"),
    "severity": Value("string"),
    "message": Value("string"),
    "finding": Value("string"),
}
FINDINGS = List(FINDING)
PAIR_FEATURES = Features(
    {
        "document": Value("string"),
        "bead": Value("int32"),
        "source": Value("string"),
        "target": Value("string"),
        "source_indices": List(Value("int32")),
        "target_indices": List(Value("int32")),
        "score": Value("float64"),
        "findings": FINDINGS,
    }
)
WORD_LINKS = Features(
    {"source_tokens": List(Value("string")), "target_tokens": List(Value("string")), "links": Value("string")}
)
LOADERS = {".parquet": "parquet", ".jsonl": "json", ".json": "json", ".csv": "csv", ".tsv": "csv"}
REASON_WIDTH = 200  # characters of a reader's own error message kept in ours
JSON_DEPTH = 32  # the deepest nesting of arrays and objects a JSON row may have (Arrow's reader crashes on deep ones)


def finding_column(findings: Iterable[Any]) -> list[dict[str, str]]:
    """The structured form of findings (Finding objects or their `to_json` dicts) for a `FINDINGS` column."""
    rows = []
    for finding in findings:
        value = to_json(finding)
        rows.append(
            {key: str(value.get(key, "")) for key in ("status", "kind", "severity", "message")}
            | {"finding": json.dumps(value, ensure_ascii=False, sort_keys=True)}
        )
    return rows


def word_link_columns(units: Sequence[Unit], **options: Any) -> dict[str, list[Any]]:
    """A `map_units` function (features `WORD_LINKS`): each unit's tokens and their word links in Pharaoh form
    (`i-j` over those tokens), all units of the batch aligned in one batched pass (`align.words.align_sentences`;
    `options` such as `matching="mwmf"` or `encoder` go to it). By default each unit's links are its own
    (`align.words.per_pair`), so they do not change with the batch size."""
    from align.bilingual import primary_language
    from align.vocab import FIGURE_WORD_METHOD
    from align.words import align_sentences, per_pair, to_pharaoh

    options.setdefault("matching", per_pair(FIGURE_WORD_METHOD))
    pairs = [(u.source, u.target or "") for u in units]
    source_language, target_language = (units[0].source_language, units[0].target_language) if units else ("de", "en")
    aligned = align_sentences(pairs, primary_language(source_language), primary_language(target_language), **options)
    return {
        "source_tokens": [[t.text for t in pair.source] for pair in aligned],
        "target_tokens": [[t.text for t in pair.target] for pair in aligned],
        "links": [to_pharaoh(pair.links) for pair in aligned],
    }


def row_findings(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The findings of a pair row as the dicts they were given as (`from_json(Finding, d)` rebuilds them)."""
    return [json.loads(item["finding"]) for item in row["findings"]]


def pair_records(
    source_sentences: Sequence[Any],
    target_sentences: Sequence[Any],
    beads: Iterable[Any],
    findings: Iterable[Any] = (),
    document: str = "",
) -> list[dict[str, Any]]:
    """One record per bead: texts, indices, score and the findings whose `bead` is that bead's number.

    Sentences are strings or objects with `.text` (Segments); beads have `.source`, `.target` and `.score`
    (or are dicts with those keys, or (source indices, target indices) pairs without a score).
    """
    by_bead: dict[int, list[Any]] = {}
    for finding in findings:
        by_bead.setdefault(int(to_json(finding)["bead"]), []).append(finding)
    records = []
    for number, bead in enumerate(beads):
        src, tgt, score = _bead_parts(bead)
        records.append(
            {
                "document": document,
                "bead": number,
                "source": " ".join(_text(source_sentences[i]) for i in src),
                "target": " ".join(_text(target_sentences[i]) for i in tgt),
                "source_indices": list(src),
                "target_indices": list(tgt),
                "score": score,
                "findings": finding_column(by_bead.get(number, ())),
            }
        )
    return records


def pairs_dataset(records: Iterable[Mapping[str, Any]]) -> Dataset:
    """A Dataset of pair records (from `pair_records`, for one or many documents) with `PAIR_FEATURES`."""
    return Dataset.from_list([dict(r) for r in records], features=PAIR_FEATURES)


def save_dataset(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Save as a Parquet file (path ending .parquet) or with `save_to_disk` (any other path, a folder).

    Either is written to a temporary name first and renamed, so a failed save leaves no partial output.
    """
    target = Path(path)
    if target.suffix.lower() == ".parquet":
        with atomic_output(target, "wb") as out:
            dataset.to_parquet(out)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        dataset.save_to_disk(str(tmp))
        replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_dataset_file(path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """A local dataset: a `save_to_disk` folder, or a .parquet, .jsonl/.json, .csv or .tsv file."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file or folder", "check the path")
    cache = None if cache_dir is None else str(cache_dir)
    try:
        if p.is_dir():
            return datasets.load_from_disk(str(p))
        loader = LOADERS.get(p.suffix.lower())
        if loader is None:
            raise InputError(
                p, "is not a dataset file by its name", "give a .parquet, .jsonl, .csv or .tsv file or a saved folder"
            )
        if p.stat().st_size == 0:
            raise InputError(p, "is empty", "give a file with a header and rows")
        if loader == "parquet":
            return Dataset.from_parquet(str(p), cache_dir=cache)
        if loader == "json":
            _check_json_rows(p)
            return Dataset.from_json(str(p), cache_dir=cache)
        return Dataset.from_csv(str(p), cache_dir=cache, sep="\t" if p.suffix.lower() == ".tsv" else ",")
    except InputError:
        raise
    except Exception as err:
        cause = err.__cause__ or err
        reason = textwrap.shorten(str(cause), REASON_WIDTH)  # one line: Arrow's and pandas' messages have several
        raise InputError(
            p, f"cannot be read as a dataset ({type(cause).__name__}: {reason})", "check its format"
        ) from None


def _check_json_rows(path: Path) -> None:
    """Refuse, before Arrow reads them, JSON rows that are not objects with text (or null) source, target and id
    (an integer id too), or that nest deeper than JSON_DEPTH: Arrow's JSON reader ends the process on those."""
    for where, record in _json_records(path):
        _check_record(record, where)


def _json_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, record) for each line of JSON Lines, or each element of a file that is one JSON array."""
    with path.open("rb") as handle:
        lines = ((n, _utf8(raw, f"{path}, line {n}")) for n, raw in enumerate(handle, 1))
        for count, (number, line) in enumerate((n, line) for n, line in lines if line.strip()):
            if count == 0 and line.lstrip().startswith("["):
                records = parse_json_line(line + _utf8(handle.read(), path), path)
                yield from ((f"{path}, record {n}", record) for n, record in enumerate(records, 1))
                return
            yield f"{path}, line {number}", parse_json_line(line, f"{path}, line {number}")


def _utf8(data: bytes, where: str | Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            where, f"is not valid UTF-8 (byte {err.start + 1})", "convert it to UTF-8, e.g. `iconv -f LATIN1 -t UTF-8`"
        ) from None


def _check_record(record: Any, where: str) -> None:
    if not isinstance(record, dict):
        raise InputError(where, "is not a JSON object", 'write {"source": ..., "target": ...} per line')
    for key in ("source", "target", "id"):
        value = record.get(key)
        if value is not None and not isinstance(value, str) and not (key == "id" and type(value) is int):
            raise InputError(where, f"has a {type(value).__name__} '{key}', not text", "give the text, or null")
    if _depth(record) > JSON_DEPTH:
        raise InputError(where, f"nests arrays or objects more than {JSON_DEPTH} levels deep", "flatten the row")


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in a JSON value (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def units_from_dataset(
    dataset: Dataset,
    *,
    where: str = "<dataset>",
    source_column: str = "source",
    target_column: str = "target",
    id_column: str = "id",
    batch_size: int = 1000,
    source_language: str = "de",
    target_language: str = "en",
) -> Iterator[Unit]:
    """The rows of a dataset as units, read batch by batch; ids from `id_column` when present, else row numbers."""
    columns = _check_columns(dataset, where, source_column, target_column, id_column)
    start = 0
    for batch in dataset.select_columns(columns).iter(batch_size=batch_size):
        count = len(batch[source_column])
        yield from _batch_units(
            batch,
            range(start, start + count),
            where,
            source_column,
            target_column,
            id_column,
            (source_language, target_language),
        )
        start += count


def map_units(
    dataset: Dataset,
    fn: Callable[[list[Unit]], Mapping[str, Sequence[Any]]],
    *,
    features: Mapping[str, Any] | None = None,
    where: str = "<dataset>",
    source_column: str = "source",
    target_column: str = "target",
    id_column: str = "id",
    batch_size: int = 64,
    num_proc: int | None = None,
    source_language: str = "de",
    target_language: str = "en",
) -> Dataset:
    """`Dataset.map` in batches: `fn` gets a batch's units and returns new columns (one value per unit).

    `features` gives the new columns' types (e.g. {"findings": FINDINGS}) so that batches agree even when
    one batch has no findings at all.
    """
    _check_columns(dataset, where, source_column, target_column, id_column)
    languages = (source_language, target_language)

    def apply(batch: dict[str, list[Any]], indices: list[int]) -> Mapping[str, Sequence[Any]]:
        units = list(_batch_units(batch, indices, where, source_column, target_column, id_column, languages))
        return fn(units)

    new_features = None
    if features:
        new_features = Features({**dataset.features, **features})
    return dataset.map(
        apply, batched=True, batch_size=batch_size, with_indices=True, features=new_features, num_proc=num_proc
    )


def _check_columns(dataset: Dataset, where: str, source_column: str, target_column: str, id_column: str) -> list[str]:
    for column in (source_column, target_column):
        if column not in dataset.column_names:
            raise InputError(
                where,
                f"has no '{column}' column (its columns: {', '.join(dataset.column_names)})",
                "rename the columns (Dataset.rename_column) or name them with source_column/target_column",
            )
    return [c for c in dataset.column_names if c in (source_column, target_column, id_column)]


def _batch_units(
    batch: Mapping[str, list[Any]],
    indices: Iterable[int],
    where: str,
    source_column: str,
    target_column: str,
    id_column: str,
    languages: tuple[str, str],
) -> Iterator[Unit]:
    ids = batch.get(id_column)
    for position, index in enumerate(indices):
        texts = []
        for column in (source_column, target_column):
            value = batch[column][position]
            if value is None:
                raise InputError(
                    where,
                    f"row {index + 1} (index {index}) has a null '{column}'",
                    "fill it, or drop such rows: dataset.filter(lambda r: r['source'] and r['target'])",
                )
            texts.append(str(value))
        unit_id = str(ids[position]) if ids is not None and ids[position] is not None else str(index + 1)
        yield Unit(
            unit_id,
            texts[0],
            texts[1],
            source_language=languages[0],
            target_language=languages[1],
            origin=Origin(where, "dataset", row=index + 1, unit=unit_id),
        )


def _bead_parts(bead: Any) -> tuple[Sequence[int], Sequence[int], float | None]:
    if isinstance(bead, Mapping):
        return bead["source"], bead["target"], bead.get("score")
    if hasattr(bead, "source"):
        return bead.source, bead.target, getattr(bead, "score", None)
    src, tgt = bead
    return src, tgt, None


def _text(sentence: Any) -> str:
    return sentence if isinstance(sentence, str) else sentence.text
