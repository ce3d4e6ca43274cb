"""The side-by-side HTML report: one self-contained file (inline CSS and JS, no network).

The German source and its English translation bead by bead; every figure and claim marked
in both columns with its status (colour plus a text label); hovering, focusing or clicking a
mark highlights its counterpart and shows the finding's message; a summary with counts per
status and kind, a chart of figure survival per section, a filter that hides what was
preserved, keyboard navigation between problems (n/p), and links to each bead (#bead-12).

All text from the documents goes through jinja2's autoescaping or `markupsafe.escape`:
markup and script in a document show as text and never run.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

import jinja2
from markupsafe import Markup, escape

from align.documents import Document
from align.findings import Finding
from align.segment import Segment
from align.sentences import Bead
from align.vocab import STATUSES

_SYMBOL = {"preserved": "✓", "changed": "≠", "dropped": "−", "added": "+"}


@dataclass(frozen=True)
class Mark:
    """A highlighted span in one segment, tied to a finding."""

    start: int
    end: int
    finding: int
    status: str
    kind: str
    message: str


def _marks(findings: Sequence[Finding], side: str, segments: Sequence[Segment]) -> dict[int, list[Mark]]:
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
        mark = Mark(item.start, item.end, number, finding.status, finding.kind, finding.message)
        by_segment.setdefault(index, []).append(mark)
    return by_segment


def _marked_text(segment: Segment, marks: Sequence[Mark]) -> Markup:
    """The segment's text, escaped, with non-overlapping marks wrapped in <mark> elements."""
    placed: list[Mark] = []
    for mark in marks:
        inside = segment.start <= mark.start < mark.end <= segment.end
        if inside and not any(m.start < mark.end and mark.start < m.end for m in placed):
            placed.append(mark)
    html = Markup()
    position = segment.start
    for mark in sorted(placed, key=lambda m: m.start):
        html += escape(segment.text[position - segment.start : mark.start - segment.start])
        label = f"{mark.status} {mark.kind}: {mark.message}"
        html += Markup(
            '<mark class="st-{status} k-{kind}" data-f="f{n}" tabindex="0" title="{label}" aria-label="{label}">'
            '{text}<span class="tag" aria-hidden="true">{symbol}</span></mark>'
        ).format(
            status=mark.status,
            kind=mark.kind,
            n=mark.finding,
            label=label,
            text=segment.text[mark.start - segment.start : mark.end - segment.start],
            symbol=_SYMBOL.get(mark.status, "?"),
        )
        position = mark.end
    html += escape(segment.text[position - segment.start :])
    return html


def _segment_view(doc: Document, segment: Segment, marks: Sequence[Mark]) -> dict[str, Any]:
    block = doc.blocks[segment.block]
    return {"index": segment.index, "kind": block.kind, "level": block.level, "html": _marked_text(segment, marks)}


def _sections(doc: Document, segments: Sequence[Segment]) -> list[tuple[int, str]]:
    """(first segment index, heading text) for each section of the source; one untitled section if none."""
    sections = [(s.index, s.text) for s in segments if doc.blocks[s.block].kind == "heading"]
    if not sections or sections[0][0] > 0:
        sections.insert(0, (0, doc.metadata.get("title") or doc.id or "Document"))
    return sections


def _survival(
    doc: Document, segments: Sequence[Segment], beads: Sequence[Bead], findings: Sequence[Finding]
) -> list[dict[str, Any]]:
    """Figure findings per source section, by status, for the summary chart."""
    sections = _sections(doc, segments)
    starts = [start for start, _ in sections]
    bead_section = {}
    for number, bead in enumerate(beads):
        first = bead.source[0] if bead.source else None
        if first is None:
            previous = [b.source[-1] for b in beads[:number] if b.source]
            first = previous[-1] if previous else 0
        bead_section[number] = max(i for i, start in enumerate(starts) if start <= first) if starts else 0
    counts = [Counter() for _ in sections]
    for finding in findings:
        if finding.kind == "figure" and finding.bead in bead_section:
            counts[bead_section[finding.bead]][finding.status] += 1
    return [
        {"title": title, "counts": [counts[i][s] for s in STATUSES], "total": sum(counts[i].values())}
        for i, (_, title) in enumerate(sections)
    ]


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("align", "report/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def render_html(
    source: Document,
    target: Document,
    source_segments: Sequence[Segment],
    target_segments: Sequence[Segment],
    beads: Sequence[Bead],
    findings: Sequence[Finding],
    word_links: Mapping[int, Sequence[tuple[str, str]]] | None = None,
    title: str | None = None,
) -> str:
    """The whole report as one HTML string."""
    source_marks = _marks(findings, "source", source_segments)
    target_marks = _marks(findings, "target", target_segments)
    per_bead: dict[int, list[tuple[int, Finding]]] = {}
    for number, finding in enumerate(findings):
        per_bead.setdefault(finding.bead, []).append((number, finding))
    rows = []
    for number, bead in enumerate(beads):
        bead_findings = per_bead.get(number, [])
        problems = [f for _, f in bead_findings if f.status != "preserved"]
        rows.append(
            {
                "number": number,
                "bead": bead,
                "source": [_segment_view(source, source_segments[i], source_marks.get(i, ())) for i in bead.source],
                "target": [_segment_view(target, target_segments[i], target_marks.get(i, ())) for i in bead.target],
                "findings": bead_findings,
                "problem": bool(problems),
                "links": list((word_links or {}).get(number, ())),
            }
        )
    counts = Counter((f.status, f.kind) for f in findings)
    kinds = sorted({f.kind for f in findings})
    return _template().render(
        title=title or f"{source.id or 'source'} → {target.id or 'target'}",
        source=source,
        target=target,
        rows=rows,
        statuses=STATUSES,
        symbols=_SYMBOL,
        kinds=kinds,
        counts=counts,
        totals=Counter(f.status for f in findings),
        survival=_survival(source, source_segments, beads, findings),
        problems=sum(1 for f in findings if f.status != "preserved"),
    )


_TABLE = jinja2.Environment(autoescape=True).from_string(
    '<table class="align-findings"><thead><tr><th>bead</th><th>status</th><th>kind</th><th>severity</th>'
    "<th>message</th></tr></thead><tbody>{% for f in findings %}<tr><td>{{ f.bead }}</td>"
    '<td style="color:{{ colors.get(f.status, "inherit") }};font-weight:600">{{ f.status }}</td><td>{{ f.kind }}</td>'
    "<td>{{ f.severity }}</td><td>{{ f.message }}</td></tr>{% endfor %}</tbody></table>"
)
_COLORS = {"preserved": "#1a7f37", "changed": "#b35900", "dropped": "#c62828", "added": "#5b3cc4"}


def findings_table(findings: Sequence[Finding]) -> str:
    """A plain HTML table of findings (for notebooks)."""
    if not findings:
        return "<p>No findings.</p>"
    return _TABLE.render(findings=findings, colors=_COLORS)


def write_html(out: IO[str], *args: Any, **kwargs: Any) -> None:
    """Render the report (same arguments as `render_html`) into an open text stream."""
    out.write(render_html(*args, **kwargs))
