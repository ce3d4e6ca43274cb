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
import shutil
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from align import cache
from align.beads import Bead, check_beads, format_beads, parse_beads
from align.bilingual import Unit
from align.compare import compare_beads, compare_pair
from align.documents import Document, load_document
from align.errors import FULL_INSTALL, WORD_ALIGNMENT, InputError, installed, require
from align.files import atomic_output, building_dir
from align.findings import Finding
from align.qa import Glossary
from align.segment import Segment, segment
from align.sentences import AlignmentWarning, SentenceSettings, align_texts
from align.serialize import from_json, to_json
from align.signatures import signature
from align.tokenize import Token, tokenize
from align.vocab import EMBEDDED, FIGURE_WORD_METHOD, WordMethod
from align.words import WORD_LINK_LIMIT, AlignedPair, WordLink


@dataclass(frozen=True)
class FindingList:
    """Findings that display as the report's issue list in a notebook: one row per finding with severity, kind,
    status, bead or unit, line, the source and target sentence with the figure marked, and the message.

    `rows` are the issue rows (`align.report.issues.COLUMNS`, with the decision of an accepted-findings file);
    `to_dataframe()`, `to_csv(path)` and `to_xlsx(path)` export them.
    """

    items: tuple[Finding, ...]
    rows: tuple[dict[str, Any], ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Finding:
        return self.items[index]

    def _repr_html_(self) -> str:
        from align.report.html import findings_table

        return findings_table(self.rows or self.items)

    def to_dataframe(self) -> Any:
        """The issue rows as a pandas DataFrame (pandas is in the notebooks extra)."""
        import pandas as pd

        from align.report.issues import COLUMNS

        return pd.DataFrame([{c: row[c] for c in COLUMNS} for row in self.rows], columns=list(COLUMNS))

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """The issue rows as CSV, the columns `align check --format csv` writes."""
        import csv

        from align.report.issues import COLUMNS, _cell

        with atomic_output(path) as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            writer.writerows([_cell(row[c]) for c in COLUMNS] for row in self.rows)

    def to_xlsx(self, path: str | os.PathLike[str]) -> None:
        """The issue rows as an Excel workbook (needs openpyxl: `pip install "align[xlsx]"`)."""
        from align.report.issues import write_rows_xlsx

        write_rows_xlsx(self.rows, path)


@dataclass(frozen=True)
class AlignedDocuments:
    """Two documents aligned sentence by sentence and word by word, with the findings of the comparison.

    `decisions` maps fingerprints to "accepted" / "false positive" / "baseline" (an accepted-findings file, see
    `with_decisions`): such findings show muted in the report and stay out of its counts and of `problems()`'s
    open ones. `encoder` is the sentence encoder that aligned them (shown in the report's heading); `signatures`
    say, per stage, everything its result depends on (`align.signatures`; in summary.json and the report).
    """

    label: str
    source: Document
    target: Document
    source_segments: tuple[Segment, ...]
    target_segments: tuple[Segment, ...]
    beads: tuple[Bead, ...]
    findings: tuple[Finding, ...]
    words: tuple[AlignedPair | None, ...] = ()
    warnings: tuple[str, ...] = ()
    encoder: str = ""
    decisions: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    signatures: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def with_decisions(self, accepted: str | os.PathLike[str] | Mapping[str, str] | None) -> AlignedDocuments:
        """The same result with the decisions of an accepted-findings file (a path, or fingerprint → decision)."""
        if accepted is None:
            return self
        if not isinstance(accepted, Mapping):
            from align.fingerprints import read_decisions

            accepted = {fp: d.decision for fp, d in read_decisions(accepted).items()}
        return replace(self, decisions={**self.decisions, **accepted})

    def report(self) -> Any:
        """The `CheckReport` of this pair (one item per bead), with fingerprints and the decisions applied."""
        from align.report import documents_report

        return replace(documents_report(self), decisions=dict(self.decisions))

    def problems(self) -> FindingList:
        """The findings that are not `preserved`, as the report's issue list (decided ones included, marked)."""
        from align.report.html import _snippet
        from align.report.issues import issue_row

        report = self.report()
        items, rows = [], []
        for item in report.items:
            for mark in report.marks(item, shown_only=False):
                finding = mark.finding
                if finding.status == "preserved":
                    continue
                row = issue_row(report, item, finding, mark.fingerprint, mark.decision)
                row["source_html"] = _snippet(item.source, item.source_start, finding.source, finding.severity)
                row["target_html"] = _snippet(item.target, item.target_start, finding.target, finding.severity)
                items.append(finding)
                rows.append(row)
        return FindingList(tuple(items), tuple(rows))

    def open_problems(self) -> list[Finding]:
        """The problems no decision accepted."""
        problems = self.problems()
        return [f for f, row in zip(problems, problems.rows, strict=True) if not row["decision"]]

    def word_pairs(self) -> dict[int, list[tuple[str, str]]]:
        """Per bead, the linked token texts (for the report)."""
        return {
            number: [(w.source[x.source].text, w.target[x.target].text) for x in w.links]
            for number, w in enumerate(self.words)
            if w is not None
        }

    def settings(self) -> dict[str, Any]:
        """What the report's heading says about how the pair was aligned."""
        return {
            "encoder": self.encoder or "?",
            "words": FIGURE_WORD_METHOD if any(w is not None for w in self.words) else "off",
            "signatures": dict(self.signatures),
            "notes": list(self.warnings),
        }

    def html(self, title: str | None = None) -> str:
        from align.report.html import render_html

        return render_html(self, title)

    def _repr_html_(self) -> str:
        return _iframe(self.html())


def _iframe(html: str) -> str:
    """Embed a whole HTML page in a notebook cell without letting its CSS leak into the notebook; tall enough
    that the first view shows the verdict, the issue list and the first beads."""
    from markupsafe import escape

    return (
        f'<iframe srcdoc="{escape(html)}" title="align report" '
        'style="width:100%;height:85vh;min-height:640px;border:1px solid #ccc"></iframe>'
    )


def bead_tokens(segments: Sequence[Segment], indices: Sequence[int], language: str) -> tuple[Token, ...]:
    """The tokens of one side of a bead, with their spans in the document."""
    return tuple(t for i in indices for t in tokenize(segments[i].text, language, segments[i].start))


def align_bead_words(
    source: Sequence[Segment],
    target: Sequence[Segment],
    beads: Sequence[Bead],
    languages: tuple[str, str] = ("de", "en"),
    method: WordMethod = FIGURE_WORD_METHOD,
) -> tuple[AlignedPair | None, ...]:
    """Word links inside every bead with sentences on both sides; cached per bead, batched over the rest. A bead
    of more than WORD_LINK_LIMIT token pairs gets none (an AlignmentWarning says so): its similarity matrix would
    grow without bound, and its figures pair in text order."""
    tokens = [
        (bead_tokens(source, b.source, languages[0]), bead_tokens(target, b.target, languages[1]))
        if b.source and b.target
        else None
        for b in beads
    ]
    for number, pair in enumerate(tokens):
        if pair and len(pair[0]) * len(pair[1]) > WORD_LINK_LIMIT:
            tokens[number] = None
            warnings.warn(
                f"bead {number} is too long to link its words ({len(pair[0])} × {len(pair[1])} tokens); "
                "its figures are paired in text order",
                AlignmentWarning,
                stacklevel=2,
            )
    linkable = {n: p for n, p in enumerate(tokens) if p}
    stamp = word_signature(method)
    keys = {
        n: cache.key("words", stamp, [t.text for t in src], [t.text for t in tgt]) for n, (src, tgt) in linkable.items()
    }
    stored = cache.load("words", list(keys.values()))
    known: dict[int, tuple[WordLink, ...]] = {}
    unusable = []
    for number, key in keys.items():
        if key in stored:
            try:
                known[number] = _decode_links(stored[key], len(linkable[number][0]), len(linkable[number][1]))
            except (ValueError, TypeError):
                unusable.append(key)
    cache.forget("words", unusable)
    todo = [n for n in keys if n not in known]
    if todo:
        require(WORD_ALIGNMENT, "word alignment", "or leave it out with --no-words")
        from align.words import align_word_lists, per_pair

        pairs = [([t.text for t in linkable[n][0]], [t.text for t in linkable[n][1]]) for n in todo]
        for number, links in zip(todo, align_word_lists(pairs, matching=per_pair(method)), strict=True):
            known[number] = links
        cache.store("words", {keys[n]: _encode_links(known[n]) for n in todo})
    return tuple(AlignedPair(p[0], p[1], known[n]) if p else None for n, p in enumerate(tokens))


def word_signature(method: WordMethod = FIGURE_WORD_METHOD) -> str:
    """What the word links of a bead depend on (`align.signatures`): the encoder, its layers and the matching
    (`align.words.per_pair`: each bead's links its own, whatever else is aligned with it)."""
    from align.words import per_pair

    return per_pair(method).signature()


def compare_signature(
    claims: bool = True, severities: Mapping[str, str] | None = None, glossary: Glossary | None = None
) -> str:
    """What the findings depend on beyond the texts and links (`align.signatures`)."""
    from align.findings import DEFAULT_SEVERITY

    changed = sorted((k, v) for k, v in (severities or {}).items() if DEFAULT_SEVERITY.get(k) != v)
    overrides = ",".join(f"{kind}={level}" for kind, level in changed) or "default"
    terms = f"{Path(glossary.path).name or 'memory'}({len(glossary)})" if glossary is not None else "none"
    return signature(claims="on" if claims else "off", severities=overrides, glossary=terms)


def align_sentences_cached(
    source: Sequence[Segment], target: Sequence[Segment], encoder: str = EMBEDDED
) -> tuple[tuple[Bead, ...], tuple[str, ...]]:
    """Sentence alignment of two segmented documents and the aligner's warnings, cached by texts and the
    settings' signature (`SentenceSettings.signature`)."""
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

    key = cache.key("beads-with-warnings", SentenceSettings(encoder).signature(), source_texts, target_texts)
    return cache.cached("beads", key, compute, encode, decode)


def _encode_links(links: Sequence[WordLink]) -> bytes:
    return json.dumps([[x.source, x.target, x.score] for x in links]).encode()


def _decode_links(value: bytes, n_source: int, n_target: int) -> tuple[WordLink, ...]:
    """Cached word links, each token indices within the bead and a score (ValueError where one is not)."""
    links = tuple(WordLink(int(i), int(j), float(score)) for i, j, score in json.loads(value))
    if any(not (0 <= x.source < n_source and 0 <= x.target < n_target) for x in links):
        raise ValueError("a cached word link points past the bead's tokens")
    return links


WORD_LINKS_SHOWN_LIMIT = 2_000  # beads: above this, words are linked only where a figure pairing needs them


def compare_documents(
    source: Document,
    target: Document,
    *,
    label: str = "",
    encoder: str = EMBEDDED,
    beads: Sequence[Bead] | None = None,
    source_segments: Sequence[Segment] | None = None,
    target_segments: Sequence[Segment] | None = None,
    words: bool | Literal["needed"] = True,
    claims: bool = True,
    severities: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    glossary: Glossary | None = None,
) -> AlignedDocuments:
    """Segment, align (unless `beads` are given), link words and compare figures and claims.

    Word links decide which changed figure is which where a bead leaves that open. `words=True` links the words
    of every bead (the report shows them), in a document of more than WORD_LINKS_SHOWN_LIMIT beads as "needed"
    (with a note); `"needed"` only of the beads where a pairing is open, which gives the same findings at a
    fraction of the cost (`align check`); False none (figures pair in text order). A machine translation brings
    its own `target_segments` (one per source sentence) and `beads`.
    """
    step = progress or (lambda stage: None)
    step("segment")
    source_segments = tuple(source_segments) if source_segments is not None else segment(source)
    target_segments = tuple(target_segments) if target_segments is not None else segment(target)
    notes: tuple[str, ...] = ()
    step("align sentences")
    aligned_here = beads is None
    if beads is None:
        beads, notes = align_sentences_cached(source_segments, target_segments, encoder)
    beads = tuple(beads)
    if words is True and len(beads) > WORD_LINKS_SHOWN_LIMIT:
        words = "needed"
        notes += (
            f"word links made only where they decide which changed figure is which: {len(beads)} beads are more "
            f"than the {WORD_LINKS_SHOWN_LIMIT} whose links a report shows (linking every bead of a document this "
            f"long takes minutes)",
        )
    step("align words")
    languages = (source.language, target.language)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AlignmentWarning)
        word_links = align_bead_words(source_segments, target_segments, beads, languages) if words is True else ()
        step("compare figures and claims")
        unlinked: list[int] = []  # beads whose word links were needed but cannot be made here (no torch)
        findings = compare_beads(
            source_segments,
            target_segments,
            beads,
            source.language,
            target.language,
            severities=severities,
            claims=claims,
            word_links=_links_of(source_segments, target_segments, beads, languages, word_links, unlinked)
            if words
            else None,
            glossary=glossary,
        )
    notes += tuple(str(w.message) for w in caught if issubclass(w.category, AlignmentWarning))
    if unlinked:
        notes += (
            f"word links skipped in {len(unlinked)} bead(s) where they decide which changed figure is which: "
            f"{' and '.join(WORD_ALIGNMENT)} are not installed, so those figures were paired in text order "
            f"(`{FULL_INSTALL}` adds word alignment)",
        )
    signatures = {"sentences": SentenceSettings(encoder).signature() if aligned_here else "given"}
    if words:
        signatures["words"] = word_signature() if installed(*WORD_ALIGNMENT) else "off (not installed)"
    signatures["compare"] = compare_signature(claims, severities, glossary)
    return AlignedDocuments(
        label,
        source,
        target,
        source_segments,
        target_segments,
        beads,
        findings,
        word_links,
        notes,
        encoder,
        signatures=signatures,
    )


def _links_of(
    source: Sequence[Segment],
    target: Sequence[Segment],
    beads: Sequence[Bead],
    languages: tuple[str, str],
    known: Sequence[AlignedPair | None],
    unlinked: list[int] | None = None,
) -> Callable[[int], AlignedPair | None]:
    """The word alignment of one bead: from `known` (every bead linked up front), else linked when asked for;
    None, with the bead's number added to `unlinked`, where word alignment is not installed (the checker's base
    install: those figures pair in text order)."""
    if known:
        return known.__getitem__

    def linked(number: int) -> AlignedPair | None:
        if not installed(*WORD_ALIGNMENT):
            if unlinked is not None:
                unlinked.append(number)
            return None
        return align_bead_words(source, target, (beads[number],), languages)[0]

    return linked


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
    if beads_path is not None or presegmented:  # segmented once here, for the counts, and handed on
        options["source_segments"], options["target_segments"] = segment(src), segment(tgt)
        n_src, n_tgt = len(options["source_segments"]), len(options["target_segments"])
    if beads_path is not None:
        options["beads"] = read_beads(beads_path, n_src, n_tgt)
    elif presegmented:
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
    glossary: Glossary | None = None,
) -> tuple[CheckedUnit, ...]:
    """Every unit with a target of one or more bilingual files, each compared alone (`align check FILE` and
    `align check --pairs FILE`): XLIFF, TMX, TSV/CSV and JSON Lines (`align.bilingual`); stdin and files with
    another suffix are read as JSON Lines or TSV by their first character.

    Each unit gets the standard QA checks too (`align.qa`: empty and untranslated target, inline tags, the terms
    of `glossary`), and then all the units of all the files together the consistency check: one source
    translated two ways, or two sources given one translation."""
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
            CheckedUnit(
                path,
                unit,
                compare_pair(
                    unit.source,
                    unit.target,
                    src_lang,
                    tgt_lang,
                    0,
                    severities,
                    claims,
                    glossary=glossary,
                    placeholders=unit.placeholders,
                ),
            )
            for unit in units
            if unit.target is not None
        ]
    if not checked:
        names = ", ".join([paths] if isinstance(paths, str) else paths)
        raise InputError(names, "has no unit with a target: nothing was checked", "give the translated file")
    return tuple(_with_inconsistencies(checked, severities))


def _with_inconsistencies(checked: Sequence[CheckedUnit], severities: Mapping[str, str] | None) -> list[CheckedUnit]:
    """The units with the consistency findings of the whole run added (`align.qa.inconsistencies`): across the
    units of a file and across the files."""
    from dataclasses import replace

    from align.qa import TranslatedText, inconsistencies

    several = len({c.path for c in checked}) > 1
    found = inconsistencies(
        [
            TranslatedText(
                n, f"{c.path} unit {c.unit.id}" if several else f"unit {c.unit.id}", c.unit.source, c.unit.target
            )
            for n, c in enumerate(checked)
            if c.unit.target is not None
        ],
        severities,
    )
    return [replace(c, findings=c.findings + tuple(found[n])) if n in found else c for n, c in enumerate(checked)]


def read_beads(path: str, n_source: int, n_target: int) -> tuple[Bead, ...]:
    """Beads from a file `align sentences` wrote, each naming sentences that exist in the two documents."""
    from align.files import read_text

    return check_beads(parse_beads(read_text(path), path), n_source, n_target, path)


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
        "problems": len(result.open_problems()),
        "accepted": len(result.problems()) - len(result.open_problems()),
        "warnings": list(result.warnings),
        "signatures": dict(result.signatures),
    }


def write_outputs(result: AlignedDocuments, out_dir: Path) -> list[Path]:
    """Beads, word links, findings and the HTML report of one pair, each written atomically."""
    from align.report.html import html_pieces

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
                links = [] if alignment is None else [[x.source, x.target] for x in alignment.links]
                pharaoh = " ".join(f"{i}-{j}" for i, j in links)
                out.write(json.dumps({"bead": number, "pharaoh": pharaoh, "links": links}) + "\n")
        written.append(out_dir / f"{result.label}.words.jsonl")
    with atomic_output(out_dir / f"{result.label}.html") as out:
        out.writelines(html_pieces(result))  # written as it is made: a large document's page is never held whole
    written.append(out_dir / f"{result.label}.html")
    return written


def _notice(message: str) -> None:
    print(f"align: {message}", file=sys.stderr)


def run(source: str | os.PathLike[str], out_dir: str | os.PathLike[str], **options: Any) -> dict[str, Any]:
    """The whole pipeline for one German source (`options`: reference, translation, model, encoder, words,
    progress, accepted); returns the summary written to OUT/summary.json. The outputs are written beside OUT first and
    moved into it when all are there, summary.json last, so an interrupted run leaves none of them half done."""
    with building_dir(Path(out_dir), last=("summary.json",)) as work:
        return _run_into(source, work, **options)


def _run_into(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    reference: str | os.PathLike[str] | None = None,
    translation: str | os.PathLike[str] | None = None,
    model: str | None = None,
    encoder: str = EMBEDDED,
    words: bool = True,
    progress: bool = False,
    accepted: str | os.PathLike[str] | Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`accepted`: an accepted-findings file (or fingerprint → decision); its findings show muted in the reports
    and stay out of the problem counts."""
    from tqdm import tqdm

    out = Path(out_dir)
    src = load_document(source, language="de")
    pairs: list[AlignedDocuments] = []
    planned = (translation is not None or model is not None) + (reference is not None) * 2
    bar = tqdm(total=max(1, planned) * 4, disable=not progress, file=sys.stderr, unit="stage", leave=False)

    def step(stage: str) -> None:
        bar.set_description(stage)
        bar.update(1)

    options: dict[str, Any] = {"encoder": encoder, "words": words, "progress": step}
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
            compared = compare_documents(
                src, mt_doc, label="mt", beads=beads, target_segments=mt_result.segments, words=words, progress=step
            )
            stages = {"translation": mt_result.signature, **compared.signatures, "sentences": "one per source sentence"}
            pairs.append(replace(compared, signatures=stages))
            summary["translation"] = {"model": mt_result.model, "signature": mt_result.signature}
            with atomic_output(out / f"mt{Path(str(source)).suffix or '.txt'}") as handle:
                handle.write(mt_doc.text)
    if reference is not None:
        ref = load_document(reference, language="en")
        pairs.insert(0, compare_documents(src, ref, label="reference", **options))
        if mt_doc is not None:
            pairs.append(compare_documents(ref, mt_doc, label="mt-vs-reference", **options))
    bar.close()
    pairs = [result.with_decisions(accepted) for result in pairs]
    for result in pairs:
        for message in result.warnings:
            _notice(f"warning ({result.label}): {message}")
        write_outputs(result, out)
        summary["pairs"][result.label] = summarize(result)
    if pairs:
        first = out / f"{pairs[0].label}.html"
        with atomic_output(out / "report.html") as handle, open(first, encoding="utf-8", newline="") as page:
            shutil.copyfileobj(page, handle)
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
