"""Findings for people: each unit's source and target with the figure marked ⟦like this⟧.

Only `align.report.issues.CONTEXT` characters on either side of the mark are shown (and of a longer mark its two
ends), the rest cut with "…", so the report grows with the number of findings, not with findings times the length
of the unit.
"""

from __future__ import annotations

from typing import IO

from align.findings import Finding
from align.report import CheckReport, Item
from align.report.issues import marked


def _finding(item: Item, finding: Finding, failing: bool, decision: str | None = None) -> list[str]:
    flag = "FAIL" if failing else decision or finding.severity
    lines = [f"  [{flag}] {finding.message}"]
    if finding.note:
        lines[0] += f" ({finding.note})"
    if finding.source is not None:
        lines.append(f"    de: {marked(item.source, item.source_start, finding.source)}")
    if finding.target is not None:
        lines.append(f"    en: {marked(item.target, item.target_start, finding.target)}")
    return lines


def write(report: CheckReport, out: IO[str]) -> None:
    counts: dict[str, int] = {}
    failing_total = 0
    for item in report.items:
        shown = report.shown(item)
        failing = report.failing(item)
        failing_total += len(failing)
        for f in item.findings:
            counts[f"{f.kind} {f.status}"] = counts.get(f"{f.kind} {f.status}", 0) + 1
        if not shown:
            continue
        out.write(f"{report.path(item)}:{item.line}: {item.id}\n")
        for mark in report.marks(item):
            out.write("\n".join(_finding(item, mark.finding, mark.failing, mark.decision)) + "\n")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no figures or claims"
    verdict = f"FAILED: {failing_total} finding(s) at or above '{report.fail_on}'" if failing_total else "OK"
    out.write(f"{len(report.items)} unit(s) checked: {summary}. {verdict}\n")
