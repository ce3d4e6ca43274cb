"""The issue list: one row per finding a report lists, as reviewers' QA tools show it (Xbench, Verifika, memoQ).

`issue_rows(report)` gives the rows of a `CheckReport` (a document pair bead by bead, or the units of bilingual
files); `write_csv` and `write_xlsx` export them (`align check --format csv|xlsx`), and the HTML report embeds the
same rows and exports them from the page with the same columns. XLSX needs openpyxl (`pip install "align[xlsx]"`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from align.errors import InputError
from align.findings import Finding
from align.report import CheckReport, Item

COLUMNS = (
    "severity",
    "kind",
    "status",
    "rule",
    "id",
    "file",
    "line",
    "source",
    "target",
    "source_figure",
    "target_figure",
    "message",
    "note",
    "decision",
    "fingerprint",
)
# The figure inside a sentence of the CSV/XLSX export: "Der Umsatz stieg um ⟦5 %⟧."
OPEN, CLOSE = "⟦", "⟧"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "none": 3}
CONTEXT = 70  # characters shown on either side of a marked figure


def span_in(text: str, offset: int, side: Any) -> tuple[int, int] | None:
    """Where a figure or cue (`side`, spans in document or unit coordinates) sits in `text`, which starts at
    `offset` in the same coordinates; None when it is not inside."""
    if side is None or not hasattr(side, "start"):
        return None
    start, end = side.start - offset, side.end - offset
    if 0 <= start < end <= len(text):
        return start, end
    return None


def _window(text: str, start: int, end: int) -> str:
    """text[start:end], or its first and last CONTEXT characters joined by "…" where it is longer."""
    if end - start <= 2 * CONTEXT:
        return text[start:end]
    return f"{text[start : start + CONTEXT]}…{text[end - CONTEXT : end]}"


def excerpt(text: str, offset: int, side: Any) -> tuple[str, str, str]:
    """(before, the figure or cue `side`, after) in `text`, each cut to CONTEXT characters with "…" (a longer
    mark keeps its two ends), so that a list of findings grows with the findings, not with findings times the
    length of their sentence; (the text so cut, "", "") when `side` is not inside it."""
    span = span_in(text, offset, side)
    if span is None:
        return _window(text, 0, len(text)), "", ""
    start, end = span
    before = text[:start] if start <= CONTEXT else f"…{text[start - CONTEXT : start]}"
    after = text[end:] if len(text) - end <= CONTEXT else f"{text[end : end + CONTEXT]}…"
    return before, _window(text, start, end), after


def marked(text: str, offset: int, side: Any) -> str:
    """The excerpt of `text` around the figure or cue `side`, which stands between ⟦ and ⟧ (the excerpt alone
    when it is not inside)."""
    before, inside, after = excerpt(text, offset, side)
    return f"{before}{OPEN}{inside}{CLOSE}{after}" if inside else before


def item_label(item: Item) -> str:
    """`bead 8` for a bead (its id also lists its sentences), the unit id for a unit."""
    return item.id.split(" [", 1)[0] if item.id.startswith("bead ") else item.id


def issue_row(report: CheckReport, item: Item, finding: Finding, fingerprint: str, decision: str | None) -> dict:
    """One finding as a row of the issue list (`COLUMNS`)."""
    return {
        "severity": finding.severity,
        "kind": finding.kind,
        "status": finding.status,
        "rule": f"{finding.kind}.{finding.status}",
        "id": item_label(item),
        "file": report.path(item),
        "line": item.line,
        "source": marked(item.source, item.source_start, finding.source),
        "target": marked(item.target, item.target_start, finding.target),
        "source_figure": getattr(finding.source, "text", ""),
        "target_figure": getattr(finding.target, "text", ""),
        "message": finding.message,
        "note": finding.note,
        "decision": decision or "",
        "fingerprint": fingerprint,
    }


def issue_rows(report: CheckReport, shown_only: bool = True) -> Iterator[dict]:
    """Every finding the report lists (or all), in document order, as a row of `COLUMNS`."""
    for item in report.items:
        for mark in report.marks(item, shown_only):
            yield issue_row(report, item, mark.finding, mark.fingerprint, mark.decision)


def _cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection): text starting with = + - @ gets a '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(report: CheckReport, out: IO[str]) -> None:
    """The issue list as CSV (RFC 4180, a header row, UTF-8); formula-like cells are quoted with '."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in issue_rows(report):
        writer.writerow([_cell(row[c]) for c in COLUMNS])


def render_csv(report: CheckReport) -> str:
    """The issue list as a CSV string."""
    buffer = io.StringIO()
    write_csv(report, buffer)
    return buffer.getvalue()


def write_xlsx(report: CheckReport, path: str | os.PathLike[str]) -> None:
    """The issue list as an Excel workbook (one sheet, header row frozen, auto filter), written atomically."""
    write_rows_xlsx(list(issue_rows(report)), path)


def write_rows_xlsx(rows: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> None:
    """Issue rows (`COLUMNS`) as an Excel workbook, written atomically; needs openpyxl (`align[xlsx]`)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise InputError("--format xlsx", "needs openpyxl", 'pip install "align[xlsx]" (or use --format csv)') from None
    from align.files import atomic_output

    book = Workbook()
    sheet = book.active
    sheet.title = "issues"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(_xml_safe(row[c])) for c in COLUMNS])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = {"source": 60, "target": 60, "message": 50, "fingerprint": 20, "file": 30}
    for number, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(1, number).column_letter].width = widths.get(column, 12)
    with atomic_output(path, "wb") as out:
        book.save(out)


def _xml_safe(value: Any) -> Any:
    """A cell without the control characters XML (and so XLSX) cannot hold."""
    if isinstance(value, str):
        return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 32)
    return value
