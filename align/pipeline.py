"""The whole flow for one document pair, with each stage's result cached on disk.

load → segment → (translate) → align sentences → align words → figures & claims → compare → report

`compare_documents` aligns and compares two documents; `run` does everything for a German
source (machine translation when a model or a translation file is there, the English
reference when given) and writes every output into a folder. Stage results are cached by
the hash of their inputs and settings: sentence alignment per document pair, word links per
bead, translations per sentence (in `align.translate`), so a re-run after editing one
paragraph redoes only what that paragraph touches.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from align import cache
from align.bilingual import Unit
from align.compare import compare_beads, compare_pair
from align.documents import Document, load_document
from align.errors import InputError
from align.files import atomic_output
from align.findings import Finding
from align.segment import Segment, segment
from align.sentences import AlignmentWarning, Bead, align_texts, format_beads
from align.serialize import from_json, to_json
from align.tokenize import Token, tokenize
from align.vocab import DEFAULT_WORD_METHOD, EMBEDDED, WordMethod


@dataclass(frozen=True)
class WordAlignment:
    """The tokens of one bead (spans into the documents) and their links as (source, target) token indices."""

    source: tuple[Token, ...]
    target: tuple[Token, ...]
    links: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FindingList:
    """Findings that display as a table in a notebook."""

    items: tuple[Finding, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Finding:
        return self.items[index]

    def _repr_html_(self) -> str:
        from align.report.html import findings_table

        return findings_table(self.items)


@dataclass(frozen=True)
class AlignedDocuments:
    """Two documents aligned sentence by sentence and word by word, with the findings of the comparison."""

    label: str
    source: Document
    target: Document
    source_segments: tuple[Segment, ...]
    target_segments: tuple[Segment, ...]
    beads: tuple[Bead, ...]
    findings: tuple[Finding, ...]
    words: tuple[WordAlignment | None, ...] = ()
    warnings: tuple[str, ...] = ()

    def problems(self) -> FindingList:
        """The findings that are not `preserved`."""
        return FindingList(tuple(f for f in self.findings if f.status != "preserved"))

    def word_pairs(self) -> dict[int, list[tuple[str, str]]]:
        """Per bead, the linked token texts (for the report)."""
        return {
            number: [(w.source[i].text, w.target[j].text) for i, j in w.links]
            for number, w in enumerate(self.words)
            if w is not None
        }

    def html(self, title: str | None = None) -> str:
        from align.report.html import render_html

        return render_html(
            self.source,
            self.target,
            self.source_segments,
            self.target_segments,
            self.beads,
            self.findings,
            self.word_pairs(),
            title or self.label or None,
        )

    def _repr_html_(self) -> str:
        return _iframe(self.html())


def _iframe(html: str) -> str:
    """Embed a whole HTML page in a notebook cell without letting its CSS leak into the notebook."""
    from markupsafe import escape

    return f'<iframe srcdoc="{escape(html)}" style="width:100%;height:600px;border:1px solid #ccc"></iframe>'


def _bead_tokens(segments: Sequence[Segment], indices: Sequence[int], language: str) -> tuple[Token, ...]:
    return tuple(t for i in indices for t in tokenize(segments[i].text, language, segments[i].start))


def align_bead_words(
    source: Sequence[Segment],
    target: Sequence[Segment],
    beads: Sequence[Bead],
    languages: tuple[str, str] = ("de", "en"),
    method: WordMethod = DEFAULT_WORD_METHOD,
) -> tuple[WordAlignment | None, ...]:
    """Word links inside every bead with sentences on both sides; cached per bead, batched over the rest."""
    tokens = [
        (_bead_tokens(source, b.source, languages[0]), _bead_tokens(target, b.target, languages[1]))
        if b.source and b.target
        else None
        for b in beads
    ]
    keys = {
        n: cache.key("words", method, [t.text for t in p[0]], [t.text for t in p[1]]) for n, p in enumerate(tokens) if p
    }
    stored = cache.load("words", list(keys.values()))
    known: dict[int, tuple[tuple[int, int], ...]] = {}
    unusable = []
    for number, key in keys.items():
        if key in stored:
            try:
                known[number] = _decode_links(stored[key], len(tokens[number][0]), len(tokens[number][1]))
            except (ValueError, TypeError):
                unusable.append(key)
    cache.forget("words", unusable)
    todo = [n for n in keys if n not in known]
    if todo:
        from align.words import align_word_lists

        pairs = [([t.text for t in tokens[n][0]], [t.text for t in tokens[n][1]]) for n in todo]
        for number, links in zip(todo, align_word_lists(pairs, matching=method), strict=True):
            known[number] = tuple((link.source, link.target) for link in links)
        cache.store("words", {keys[n]: json.dumps(known[n]).encode() for n in todo})
    return tuple(WordAlignment(p[0], p[1], known[n]) if p else None for n, p in enumerate(tokens))


def align_sentences_cached(
    source: Sequence[Segment], target: Sequence[Segment], encoder: str = EMBEDDED
) -> tuple[tuple[Bead, ...], tuple[str, ...]]:
    """Sentence alignment of two segmented documents and the aligner's warnings, cached by texts and encoder."""
    source_texts, target_texts = [s.text for s in source], [s.text for s in target]

    def compute() -> tuple[tuple[Bead, ...], tuple[str, ...]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AlignmentWarning)
            beads = align_texts(source_texts, target_texts, encoder)
        return beads, tuple(str(w.message) for w in caught if issubclass(w.category, AlignmentWarning))

    def decode(value: bytes) -> tuple[tuple[Bead, ...], tuple[str, ...]]:
        beads, notes = from_json(tuple[tuple[Bead, ...], tuple[str, ...]], json.loads(value))
        for side, count in ((b.source for b in beads), len(source)), ((b.target for b in beads), len(target)):
            if [i for indices in side for i in indices] != list(range(count)):
                raise ValueError("the beads do not cover the sentences in order")
        return beads, notes

    def encode(value: tuple[tuple[Bead, ...], tuple[str, ...]]) -> bytes:
        return json.dumps(to_json(value), ensure_ascii=False).encode()

    key = cache.key("beads-with-warnings", encoder, source_texts, target_texts)
    return cache.cached("beads", key, compute, encode, decode)


def _decode_links(value: bytes, n_source: int, n_target: int) -> tuple[tuple[int, int], ...]:
    """Cached word links, each a pair of token indices within the bead (ValueError where one is not)."""
    links = tuple((int(i), int(j)) for i, j in json.loads(value))
    if any(not (0 <= i < n_source and 0 <= j < n_target) for i, j in links):
        raise ValueError("a cached word link points past the bead's tokens")
    return links


def compare_documents(
    source: Document,
    target: Document,
    *,
    label: str = "",
    encoder: str = EMBEDDED,
    beads: Sequence[Bead] | None = None,
    target_segments: Sequence[Segment] | None = None,
    words: bool | Literal["needed"] = True,
    claims: bool = True,
    severities: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> AlignedDocuments:
    """Segment, align (unless `beads` are given), link words and compare figures and claims.

    Word links decide which changed figure is which where a bead leaves that open. `words=True` links the words
    of every bead (the report shows them); `"needed"` only of the beads where a pairing is open, which gives the
    same findings at a fraction of the cost (`align check`); False none (figures pair in text order). A machine
    translation brings its own `target_segments` (one per source sentence) and `beads`.
    """
    step = progress or (lambda stage: None)
    step("segment")
    source_segments = segment(source)
    target_segments = tuple(target_segments) if target_segments is not None else segment(target)
    notes: tuple[str, ...] = ()
    step("align sentences")
    if beads is None:
        beads, notes = align_sentences_cached(source_segments, target_segments, encoder)
    beads = tuple(beads)
    step("align words")
    languages = (source.language, target.language)
    word_links = align_bead_words(source_segments, target_segments, beads, languages) if words is True else ()
    step("compare figures and claims")
    findings = compare_beads(
        source_segments,
        target_segments,
        beads,
        source.language,
        target.language,
        severities=severities,
        claims=claims,
        word_links=_links_of(source_segments, target_segments, beads, languages, word_links) if words else None,
    )
    return AlignedDocuments(label, source, target, source_segments, target_segments, beads, findings, word_links, notes)


def _links_of(
    source: Sequence[Segment],
    target: Sequence[Segment],
    beads: Sequence[Bead],
    languages: tuple[str, str],
    known: Sequence[WordAlignment | None],
) -> Callable[[int], WordAlignment | None]:
    """The word alignment of one bead: from `known` (every bead linked up front), else linked when asked for."""
    if known:
        return known.__getitem__
    return lambda number: align_bead_words(source, target, (beads[number],), languages)[0]


def check(
    source: str | os.PathLike[str] | Document,
    target: str | os.PathLike[str] | Document,
    *,
    languages: tuple[str, str] = ("de", "en"),
    input_format: str | None = None,
    presegmented: bool = False,
    beads_path: str | None = None,
    **options: Any,
) -> AlignedDocuments:
    """Load (paths or Documents), segment, align and compare two documents: what `align check`, `align report`
    and, in a notebook, `align.pipeline.check("de.md", "en.md")` do (the result shows the report as its display).

    `presegmented`: one sentence per line, aligned 1-1; `beads_path`: a sentence alignment to use, as `align
    sentences` writes it; `options` go to `compare_documents`.
    """
    fmt = "lines" if presegmented else input_format
    src, tgt = (
        doc if isinstance(doc, Document) else load_document(doc, language=language, format=fmt)
        for doc, language in zip((source, target), languages, strict=True)
    )
    if beads_path is not None:
        options["beads"] = read_beads(beads_path, len(segment(src)), len(segment(tgt)))
    elif presegmented:
        n_src, n_tgt = len(segment(src)), len(segment(tgt))
        if n_src != n_tgt:
            raise InputError(
                tgt.path or "TGT",
                f"has {n_tgt} line(s), {src.path or 'SRC'} has {n_src}",
                "give files with one sentence per line and equal line counts, or drop --presegmented",
            )
        options["beads"] = tuple(Bead((i,), (i,), 1.0) for i in range(n_src))
    return compare_documents(src, tgt, **options)


@dataclass(frozen=True)
class CheckedUnit:
    """One unit of a bilingual file (with a target) and the findings of its source against its target."""

    path: str
    unit: Unit
    findings: tuple[Finding, ...]


def check_units(
    paths: str | Sequence[str],
    *,
    languages: tuple[str, str] = ("de", "en"),
    input_format: str | None = None,
    claims: bool = True,
    severities: Mapping[str, str] | None = None,
) -> tuple[CheckedUnit, ...]:
    """Every unit with a target of one or more bilingual files, each compared alone (`align check FILE` and
    `align check --pairs FILE`): XLIFF, TMX, TSV/CSV and JSON Lines (`align.bilingual`); stdin and files with
    another suffix are read as JSON Lines or TSV by their first character."""
    from align.bilingual import SUFFIXES, read_units, sniff_table_format, units_from_text
    from align.files import read_text

    src_lang, tgt_lang = languages
    checked = []
    for path in [paths] if isinstance(paths, str) else paths:
        if input_format or (Path(path).suffix.lower() in SUFFIXES and path != "-"):
            units = read_units(path, input_format, source_language=src_lang, target_language=tgt_lang)
        else:
            text = read_text(path)
            where = "<stdin>" if path == "-" else path
            units = units_from_text(text, where, sniff_table_format(text), src_lang, tgt_lang)
        checked += [
            CheckedUnit(path, unit, compare_pair(unit.source, unit.target, src_lang, tgt_lang, 0, severities, claims))
            for unit in units
            if unit.target is not None
        ]
    return tuple(checked)


def read_beads(path: str, n_source: int, n_target: int) -> tuple[Bead, ...]:
    """Beads from a file `align sentences` wrote, each naming sentences that exist in the two documents."""
    from align.files import read_text
    from align.sentences import parse_beads

    beads = tuple(Bead(s, t, 1.0) for s, t in parse_beads(read_text(path), path))
    if any(i >= n_source for b in beads for i in b.source) or any(i >= n_target for b in beads for i in b.target):
        raise InputError(
            path,
            "names a sentence past the end of SRC or TGT",
            "write the beads for these two documents (align sentences SRC TGT)",
        )
    return beads


def beads_by_construction(sources: Sequence[int], n_source: int) -> tuple[Bead, ...]:
    """Beads for a machine translation whose segment k came from source segment sources[k]."""
    by_source: dict[int, list[int]] = {}
    for k, i in enumerate(sources):
        by_source.setdefault(i, []).append(k)
    return tuple(Bead((i,), tuple(by_source.get(i, ())), 1.0) for i in range(n_source))


def summarize(result: AlignedDocuments) -> dict[str, Any]:
    types = Counter(f"{len(b.source)}-{len(b.target)}" for b in result.beads)
    findings: dict[str, dict[str, int]] = {}
    for finding in result.findings:
        findings.setdefault(finding.status, {}).setdefault(finding.kind, 0)
        findings[finding.status][finding.kind] += 1
    return {
        "source": result.source.path,
        "target": result.target.path,
        "source_segments": len(result.source_segments),
        "target_segments": len(result.target_segments),
        "beads": len(result.beads),
        "bead_types": dict(sorted(types.items())),
        "findings": findings,
        "problems": len(result.problems()),
        "warnings": list(result.warnings),
    }


def write_outputs(result: AlignedDocuments, out_dir: Path) -> list[Path]:
    """Beads, word links, findings and the HTML report of one pair, each written atomically."""
    written = []
    stem = out_dir / result.label
    with atomic_output(stem.with_suffix(".beads")) as out:
        out.write(format_beads(result.beads))
    written.append(stem.with_suffix(".beads"))
    with atomic_output(out_dir / f"{result.label}.findings.jsonl") as out:
        for finding in result.findings:
            out.write(json.dumps(to_json(finding), ensure_ascii=False) + "\n")
    written.append(out_dir / f"{result.label}.findings.jsonl")
    if result.words:
        with atomic_output(out_dir / f"{result.label}.words.jsonl") as out:
            for number, alignment in enumerate(result.words):
                links = [] if alignment is None else [list(link) for link in alignment.links]
                pharaoh = " ".join(f"{i}-{j}" for i, j in links)
                out.write(json.dumps({"bead": number, "pharaoh": pharaoh, "links": links}) + "\n")
        written.append(out_dir / f"{result.label}.words.jsonl")
    with atomic_output(out_dir / f"{result.label}.html") as out:
        out.write(result.html())
    written.append(out_dir / f"{result.label}.html")
    return written


def _notice(message: str) -> None:
    print(f"align: {message}", file=sys.stderr)


def run(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    reference: str | os.PathLike[str] | None = None,
    translation: str | os.PathLike[str] | None = None,
    model: str | None = None,
    encoder: str = EMBEDDED,
    words: bool = True,
    progress: bool = False,
) -> dict[str, Any]:
    """The whole pipeline for one German source; returns the summary written to OUT/summary.json."""
    from tqdm import tqdm

    out = Path(out_dir)
    src = load_document(source, language="de")
    pairs: list[AlignedDocuments] = []
    planned = (translation is not None or model is not None) + (reference is not None) * 2
    bar = tqdm(total=max(1, planned) * 4, disable=not progress, file=sys.stderr, unit="stage", leave=False)

    def step(stage: str) -> None:
        bar.set_description(stage)
        bar.update(1)

    options = {"encoder": encoder, "words": words, "progress": step}
    mt_doc = None
    summary: dict[str, Any] = {"source": str(source), "pairs": {}}
    if translation is not None:
        from align.translate import load_translation

        mt = load_translation(translation)
        mt_doc = mt.document
        pairs.append(compare_documents(src, mt_doc, label="mt", **options))
        summary["translation"] = {"from": str(translation)}
    else:
        mt_result = _machine_translation(src, model, progress)
        if isinstance(mt_result, str):
            summary["translation"] = {"skipped": mt_result}
            _notice(f"machine translation skipped: {mt_result}")
        else:
            mt_doc = mt_result.document
            beads = beads_by_construction(mt_result.sources or (), len(segment(src)))
            pairs.append(
                compare_documents(
                    src, mt_doc, label="mt", beads=beads, target_segments=mt_result.segments, words=words, progress=step
                )
            )
            summary["translation"] = {"model": mt_result.model}
            with atomic_output(out / f"mt{Path(str(source)).suffix or '.txt'}") as handle:
                handle.write(mt_doc.text)
    if reference is not None:
        ref = load_document(reference, language="en")
        pairs.insert(0, compare_documents(src, ref, label="reference", **options))
        if mt_doc is not None:
            pairs.append(compare_documents(ref, mt_doc, label="mt-vs-reference", **options))
    bar.close()
    for result in pairs:
        for message in result.warnings:
            _notice(f"warning ({result.label}): {message}")
        write_outputs(result, out)
        summary["pairs"][result.label] = summarize(result)
    if pairs:
        with atomic_output(out / "report.html") as handle:
            handle.write((out / f"{pairs[0].label}.html").read_text(encoding="utf-8"))
    with atomic_output(out / "summary.json") as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2)
    return summary


def _machine_translation(src: Document, model: str | None, progress: bool) -> Any:
    """The MT of `src`, or a one-line reason why there is none (no model here and none asked for)."""
    from align.errors import ModelMissingError
    from align.translate import shared_translator, translate_document

    try:
        translator = shared_translator(model)
    except ModelMissingError as missing:
        if model is not None:
            raise
        return f"no MarianMT model on this machine ({missing.how_to_get})"
    return translate_document(src, translator, use_cache=True, progress=progress)
