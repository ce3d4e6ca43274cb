"""The side-by-side HTML report: one self-contained file (inline CSS and JS, no network).

At the top, what was compared (files, languages, settings, date) and a verdict ("3 errors, 5 warnings in 47
sentence pairs"); then the issue list, one row per finding with severity, kind, status, bead or unit, line, the
source and target sentence with the figure marked and the message, sortable and filterable by severity and kind,
each row linking to its bead, exportable as CSV and XLSX from the page, and a decision per finding (accepted, false
positive) that the page saves as an accepted-findings file (`align.fingerprints`; each finding's fingerprint is in
the page). Below, the two texts bead by bead (or unit by unit, for a bilingual file), every figure and claim marked
in both columns, coloured by severity with its status as a symbol and a word; hovering, focusing or clicking a mark
highlights its counterpart and shows the message in a status bar; `n`/`p` step through the problems; `#bead-12`
links to a bead. Findings accepted in an accepted-findings file show muted and stay out of the counts.

All text from the documents goes through jinja2's autoescaping or `markupsafe.escape`: markup and script in a
document show as text and never run; the embedded issue data is JSON with <, > and & escaped.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from align import __version__
from align.beads import Bead
from align.documents import Document
from align.findings import Finding
from align.report import CheckReport, documents_report, units_report
from align.report.issues import COLUMNS, excerpt, issue_row
from align.segment import Segment
from align.vocab import STATUSES

if TYPE_CHECKING:
    from align.pipeline import AlignedDocuments, CheckedUnit

_SYMBOL = {"preserved": "✓", "changed": "≠", "dropped": "−", "added": "+"}
LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class Mark:
    """A highlighted span in one segment, tied to a finding."""

    start: int
    end: int
    finding: int
    status: str
    kind: str
    message: str
    severity: str = "none"
    decision: str | None = None


def _mark_of(number: int, finding: Finding, item: Any, decision: str | None) -> Mark:
    return Mark(item.start, item.end, number, finding.status, finding.kind, finding.message, finding.severity, decision)


def _marks(
    findings: Sequence[Finding], side: str, segments: Sequence[Segment], decisions: Mapping[int, str] | None = None
) -> dict[int, list[Mark]]:
    """Marks per segment index for one side ('source' or 'target'), figures before claims.

    A figure or claim is placed in the segment whose span contains it (spans are document offsets).
    """
    starts = [s.start for s in segments]
    by_segment: dict[int, list[Mark]] = {}
    ordered = sorted(enumerate(findings), key=lambda item: item[1].kind != "figure")
    for number, finding in ordered:
        item = getattr(finding, side)
        if item is None or not hasattr(item, "start"):
            continue
        index = bisect_right(starts, item.start) - 1
        if index < 0 or item.end > segments[index].end:
            continue
        by_segment.setdefault(index, []).append(_mark_of(number, finding, item, (decisions or {}).get(number)))
    return by_segment


def _mark_open(mark: Mark, text: str) -> Markup:
    decided = f" [{mark.decision}]" if mark.decision else ""
    label = f"{mark.status} {mark.kind} ({mark.severity}){decided}: {mark.message}"
    return Markup(
        '<mark class="st-{status} k-{kind} sev-{severity}{dec}" data-f="f{n}" tabindex="0" title="{label}" '
        'aria-label="{label}">'
    ).format(
        status=mark.status,
        kind=mark.kind,
        severity=mark.severity,
        dec=" dec" if mark.decision else "",
        n=mark.finding,
        label=label,
    )


def _marked_text(text: str, offset: int, marks: Sequence[Mark]) -> Markup:
    """`text` (at `offset` in document coordinates), escaped, with its marks as <mark> elements.

    A mark inside another (a figure inside a hedge) is nested in it; one that crosses another's edge is left
    out of the text (its finding is still listed under the bead and in the issue list).
    """
    end_of_text = offset + len(text)
    inside = sorted(
        (m for m in marks if offset <= m.start < m.end <= end_of_text), key=lambda m: (m.start, -m.end, m.finding)
    )
    roots: list[tuple[Mark, list]] = []
    stack: list[tuple[Mark, list]] = []
    for mark in inside:
        while stack and stack[-1][0].end <= mark.start:
            stack.pop()
        if stack and mark.end > stack[-1][0].end:
            continue
        node: tuple[Mark, list] = (mark, [])
        (stack[-1][1] if stack else roots).append(node)
        stack.append(node)

    def render(start: int, end: int, nodes: Sequence[tuple[Mark, list]]) -> Markup:
        parts: list[Markup] = []  # joined once: adding to one Markup would copy it for every mark
        position = start
        for mark, children in nodes:
            parts.append(escape(text[position - offset : mark.start - offset]))
            parts.append(_mark_open(mark, text))
            parts.append(render(mark.start, mark.end, children))
            parts.append(
                Markup('<span class="tag" aria-hidden="true">{}</span></mark>').format(_SYMBOL.get(mark.status, "?"))
            )
            position = mark.end
        parts.append(escape(text[position - offset : end - offset]))
        return Markup("").join(parts)

    return render(offset, end_of_text, roots)


def _snippet(text: str, offset: int, side: Any, severity: str) -> Markup:
    """The excerpt of a sentence the issue list shows (`excerpt`), escaped, with the finding's figure or cue
    marked."""
    before, inside, after = excerpt(text, offset, side)
    if not inside:
        return escape(before)
    return Markup('{}<mark class="fig sev-{}">{}</mark>{}').format(before, severity, inside, after)


def _segment_view(doc: Document, segment: Segment, marks: Sequence[Mark]) -> dict[str, Any]:
    block = doc.blocks[segment.block]
    return {
        "index": segment.index,
        "kind": block.kind,
        "level": block.level,
        "html": _marked_text(segment.text, segment.start, marks),
    }


def _sections(doc: Document, segments: Sequence[Segment]) -> list[tuple[int, str]]:
    """(first segment index, heading text) for each section of the source; one section if there is no heading."""
    sections = [(s.index, s.text) for s in segments if doc.blocks[s.block].kind == "heading"]
    if not sections or sections[0][0] > 0:
        first = "whole document" if not sections else doc.metadata.get("title") or "(before the first heading)"
        sections.insert(0, (0, first))
    return sections


def _survival(
    doc: Document, segments: Sequence[Segment], beads: Sequence[Bead], findings: Sequence[Finding]
) -> list[dict[str, Any]]:
    """Figure findings per source section, by status, as counts and rates (percent of the section's figures)."""
    sections = _sections(doc, segments)
    starts = [start for start, _ in sections]
    bead_section = {}
    last = 0
    for number, bead in enumerate(beads):
        first = bead.source[0] if bead.source else last
        last = bead.source[-1] if bead.source else last
        bead_section[number] = max(bisect_right(starts, first) - 1, 0)
    counts: list[Counter[str]] = [Counter() for _ in sections]
    for finding in findings:
        if finding.kind == "figure" and finding.bead in bead_section:
            counts[bead_section[finding.bead]][finding.status] += 1
    out = []
    for i, (_, title) in enumerate(sections):
        total = sum(counts[i].values())
        parts = [
            {"status": s, "count": counts[i][s], "rate": 100 * counts[i][s] / total if total else 0.0} for s in STATUSES
        ]
        out.append({"title": title, "total": total, "parts": parts})
    return [s for s in out if s["total"]] or out[:1]


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("align", "report/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


def verdict(open_counts: Mapping[str, int], units: int, unit_word: str, accepted: int = 0) -> str:
    """'3 errors, 5 warnings in 47 sentence pairs' (open findings only), '· 2 accepted' when some were accepted."""
    parts = [_plural(open_counts.get(level, 0), level) for level in LEVELS if open_counts.get(level, 0)]
    text = f"{', '.join(parts) or 'no problems'} in {units} {unit_word}"
    return text + (f" · {accepted} accepted" if accepted else "")


def _json_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no <, > or & that could end or change the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    shown = {"align": __version__, **(settings or {})}
    shown.setdefault("date", _report_time().strftime("%Y-%m-%d %H:%M"))
    return shown


def _report_time() -> _dt.datetime:
    """Now, or `$SOURCE_DATE_EPOCH` (in UTC) where it is set, so that a report can be made byte for byte again
    (the reproducible-builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
    return _dt.datetime.now().astimezone()


def _page(
    *,
    title: str,
    subtitle: str,
    files: Sequence[tuple[str, str, str]],
    report: CheckReport,
    numbered: Sequence[Sequence[tuple[int, Finding]]],
    rows: list[dict[str, Any]],
    unit_word: str,
    settings: Mapping[str, Any] | None,
    survival: list[dict[str, Any]] | None = None,
    metadata: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None,
    languages: tuple[str, str] = ("de", "en"),
) -> Iterator[str]:
    """The page from its rows (one per bead or unit) and the report's items (the same order), which give each
    finding its fingerprint, decision, line and sentences; in pieces as the template makes them, so that a
    writer need not hold the whole page."""
    issues: list[dict[str, Any]] = []
    fingerprints: dict[int, str] = {}
    decided: dict[int, str] = {}
    for number, (item, pairs) in enumerate(zip(report.items, numbered, strict=True)):
        marks = report.marks(item, shown_only=False)
        for (n, finding), mark in zip(pairs, marks, strict=True):
            fingerprints[n] = mark.fingerprint
            if mark.decision:
                decided[n] = mark.decision
            if finding.status == "preserved" and not finding.note:
                continue
            row = issue_row(report, item, finding, mark.fingerprint, mark.decision)
            row.update(n=n, anchor=f"bead-{number}", label=row["id"])
            row["source_html"] = _snippet(item.source, item.source_start, finding.source, finding.severity)
            row["target_html"] = _snippet(item.target, item.target_start, finding.target, finding.severity)
            issues.append(row)
    for row in rows:
        row["findings"] = [(n, f, fingerprints.get(n, ""), decided.get(n)) for n, f in row["findings"]]
        open_problems = [f for n, f, _, d in row["findings"] if f.status != "preserved" and not d]
        row["problem"] = bool(open_problems)
        row["levels"] = sorted({f.severity for f in open_problems if f.severity in LEVELS})
    open_counts = Counter(r["severity"] for r in issues if r["status"] != "preserved" and not r["decision"])
    accepted = sum(1 for r in issues if r["decision"])
    every = [f for pairs in numbered for _, f in pairs]
    counts = Counter((f.status, f.kind) for f in every)
    data = [{c: r[c] for c in (*COLUMNS, "n", "anchor")} for r in issues]
    return _template().generate(
        title=title,
        subtitle=subtitle,
        files=files,
        languages=languages,
        settings=_settings(settings),
        verdict=verdict(open_counts, len(rows), unit_word, accepted),
        unit_word=unit_word,
        unit_count=len(rows),
        rows=rows,
        issues=issues,
        issue_data=_json_script(data),
        columns=_json_script(list(COLUMNS)),
        statuses=STATUSES,
        symbols=_SYMBOL,
        levels=LEVELS,
        kinds=sorted({f.kind for f in every}),
        issue_kinds=sorted({r["kind"] for r in issues}),
        counts=counts,
        totals=Counter(f.status for f in every),
        survival=survival,
        metadata=metadata,
        problems=sum(1 for row in rows if row["problem"]),
    )


def _file_label(doc: Document) -> str:
    return Path(doc.path).name if doc.path else doc.id or doc.language


def render_html(result: AlignedDocuments, title: str | None = None) -> str:
    """The whole report of two aligned documents (`align.pipeline.compare_documents`) as one HTML string: the
    result's decisions (an accepted-findings file) mark findings, its settings and signatures go into the heading
    with align's version and the date, and its label says which pair this is ("reference", "mt")."""
    return "".join(html_pieces(result, title))


def html_pieces(result: AlignedDocuments, title: str | None = None) -> Iterator[str]:
    """`render_html`'s page in pieces, for writing to a file as they are made."""
    source, target = result.source, result.target
    source_segments, target_segments = result.source_segments, result.target_segments
    beads, findings, word_links, label = result.beads, result.findings, result.word_pairs(), result.label
    report = replace(documents_report(result), decisions=dict(result.decisions))
    numbered: list[list[tuple[int, Finding]]] = [[] for _ in beads]
    for number, finding in enumerate(findings):
        if 0 <= finding.bead < len(beads):
            numbered[finding.bead].append((number, finding))
    decided = {}
    for item, pairs in zip(report.items, numbered, strict=True):
        for (n, _), mark in zip(pairs, report.marks(item, shown_only=False), strict=True):
            if mark.decision:
                decided[n] = mark.decision
    source_marks = _marks(findings, "source", source_segments, decided)
    target_marks = _marks(findings, "target", target_segments, decided)
    rows = []
    for number, bead in enumerate(beads):
        rows.append(
            {
                "number": number,
                "label": str(number),
                "source": [_segment_view(source, source_segments[i], source_marks.get(i, ())) for i in bead.source],
                "target": [_segment_view(target, target_segments[i], target_marks.get(i, ())) for i in bead.target],
                "findings": numbered[number],
                "links": list(word_links.get(number, ())),
            }
        )
    names = (_file_label(source), _file_label(target))
    return _page(
        title=title or f"{names[0]} → {names[1]}",
        subtitle=f"{label} translation" if label in ("reference", "mt") else label,
        files=[
            ("source", source.path or source.id, source.language),
            ("target", target.path or target.id, target.language),
        ],
        report=report,
        numbered=numbered,
        rows=rows,
        unit_word="sentence pairs",
        settings=result.settings(),
        survival=_survival(source, source_segments, beads, findings),
        metadata=(source.metadata, target.metadata) if source.metadata or target.metadata else None,
        languages=(source.language, target.language),
    )


def render_units_html(
    checked: Sequence[CheckedUnit],
    title: str | None = None,
    *,
    decisions: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    languages: tuple[str, str] = ("de", "en"),
) -> str:
    """The report of the units of one or more bilingual files (`pipeline.check_units`): every unit with its id,
    its source and target with the figures and claims marked, and its findings, as for a document pair."""
    return "".join(units_html_pieces(checked, title, decisions=decisions, settings=settings, languages=languages))


def units_html_pieces(
    checked: Sequence[CheckedUnit],
    title: str | None = None,
    *,
    decisions: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    languages: tuple[str, str] = ("de", "en"),
) -> Iterator[str]:
    """`render_units_html`'s page in pieces, for writing to a file as they are made."""
    report = replace(units_report(checked), decisions=dict(decisions or {}))
    numbered: list[list[tuple[int, Finding]]] = []
    rows = []
    counter = 0
    for number, (unit, item) in enumerate(zip(checked, report.items, strict=True)):
        pairs = [(counter + k, f) for k, f in enumerate(unit.findings)]
        counter += len(pairs)
        numbered.append(pairs)
        decided = {
            n: m.decision for (n, _), m in zip(pairs, report.marks(item, shown_only=False), strict=True) if m.decision
        }
        views = []
        for side, text in (("source", unit.unit.source), ("target", unit.unit.target or "")):
            marks = [
                _mark_of(n, f, getattr(f, side), decided.get(n))
                for n, f in sorted(pairs, key=lambda p: p[1].kind != "figure")
                if getattr(f, side) is not None and hasattr(getattr(f, side), "start")
            ]
            views.append([{"index": 0, "kind": "paragraph", "level": 0, "html": _marked_text(text, 0, marks)}])
        rows.append(
            {
                "number": number,
                "label": item.id,
                "source": views[0],
                "target": views[1],
                "findings": pairs,
                "links": [],
            }
        )
    paths = list(dict.fromkeys(c.path for c in checked))
    names = ", ".join(Path(p).name for p in paths) or "no units"
    return _page(
        title=title or names,
        subtitle="bilingual file" if len(paths) == 1 else "bilingual files",
        files=[("file", p, f"{languages[0]} → {languages[1]}") for p in paths],
        report=report,
        numbered=numbered,
        rows=rows,
        unit_word="units",
        settings=settings,
        languages=languages,
    )


_TABLE = jinja2.Environment(autoescape=True).from_string(
    '<table class="align-findings" style="border-collapse:collapse;font-size:13px">'
    "<thead><tr>{% for h in heads %}"
    '<th style="text-align:left;border-bottom:1px solid #999;padding:2px 6px">{{ h }}</th>{% endfor %}</tr></thead>'
    '<tbody>{% for r in rows %}<tr{% if r.decision %} style="opacity:.55"{% endif %}>'
    '<td style="color:{{ colors.get(r.severity, "inherit") }};font-weight:700;padding:2px 6px">{{ r.severity }}</td>'
    '<td style="padding:2px 6px">{{ r.kind }}</td><td style="padding:2px 6px">{{ r.status }}</td>'
    '<td style="padding:2px 6px">{{ r.id }}</td><td style="padding:2px 6px">{{ r.line }}</td>'
    '<td style="padding:2px 6px">{{ r.source_html }}</td><td style="padding:2px 6px">{{ r.target_html }}</td>'
    '<td style="padding:2px 6px">{{ r.message }}{% if r.decision %} [{{ r.decision }}]{% endif %}</td>'
    "</tr>{% endfor %}</tbody></table>"
)
_COLORS = {"error": "#c62828", "warning": "#9a6700", "info": "#0969da", "none": "#1a7f37"}


def findings_table(findings: Sequence[Finding] | Sequence[dict], report: CheckReport | None = None) -> str:
    """An HTML table of findings for notebooks: issue rows (`align.report.issues`) with the sentences and the
    figure marked, or bare findings."""
    if not findings:
        return "<p>No findings.</p>"
    rows = []
    for row in findings:
        if isinstance(row, Finding):
            row = {"severity": row.severity, "kind": row.kind, "status": row.status, "id": f"bead {row.bead}",
                   "line": "", "message": row.message, "decision": "", "source_html": getattr(row.source, "text", ""),
                   "target_html": getattr(row.target, "text", "")}  # fmt: skip
        rows.append(row)
    heads = ("severity", "kind", "status", "bead / unit", "line", "source", "target", "message")
    return _TABLE.render(rows=rows, heads=heads, colors=_COLORS)
