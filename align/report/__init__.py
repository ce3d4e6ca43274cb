"""Writers for `align check` findings: text for people, JSON Lines for tools, JUnit XML and SARIF for CI.

A `CheckReport` holds one `Item` per checked unit (a sentence pair from `--pairs`, or a bead of two aligned
documents) with its findings. Each writer is `write(report, out)` on a text stream.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from align.findings import Finding, at_or_above

if TYPE_CHECKING:
    from align.pipeline import AlignedDocuments, CheckedUnit


@dataclass(frozen=True)
class Item:
    """One checked unit: its id, the source and target text, where it is, and its findings."""

    id: str
    source: str
    target: str
    findings: tuple[Finding, ...]
    line: int = 1
    source_start: int = 0
    target_start: int = 0
    path: str = ""
    line_start: int = -1


@dataclass(frozen=True)
class CheckReport:
    """Everything one `align check` run found; `fail_on` is the severity that fails the run."""

    source_path: str
    target_path: str
    items: tuple[Item, ...]
    fail_on: str = "error"
    show_preserved: bool = False

    def failing(self, item: Item) -> list[Finding]:
        return at_or_above(item.findings, self.fail_on)

    def failed(self) -> bool:
        return any(self.failing(item) for item in self.items)

    def shown(self, item: Item) -> list[Finding]:
        """The findings a report lists: every non-preserved one, and notes (or all when asked)."""
        return [f for f in item.findings if self.show_preserved or f.status != "preserved" or f.note]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def documents_report(result: AlignedDocuments, fail_on: str = "error", show_preserved: bool = False) -> CheckReport:
    """A `CheckReport` with one item per bead of two aligned documents."""
    src_doc, tgt_doc = result.source, result.target
    src_segs, tgt_segs = result.source_segments, result.target_segments
    by_bead: dict[int, list[Finding]] = {}
    for f in result.findings:
        by_bead.setdefault(f.bead, []).append(f)
    items = []
    for number, bead in enumerate(result.beads):
        s_idx, t_idx = bead.source, bead.target
        s_start = src_segs[s_idx[0]].start if s_idx else 0
        t_start = tgt_segs[t_idx[0]].start if t_idx else 0
        source = src_doc.text[s_start : src_segs[s_idx[-1]].end] if s_idx else ""
        target = tgt_doc.text[t_start : tgt_segs[t_idx[-1]].end] if t_idx else ""
        line = _line_of(tgt_doc.text, t_start) if t_idx else _line_of(src_doc.text, s_start)
        line_start = tgt_doc.text.rfind("\n", 0, t_start) + 1 if t_idx else -1
        items.append(
            Item(
                f"bead {number} {list(s_idx)}:{list(t_idx)}",
                source,
                target,
                tuple(by_bead.get(number, ())),
                line,
                s_start,
                t_start,
                line_start=line_start,
            )
        )
    return CheckReport(src_doc.path or "", tgt_doc.path or "", tuple(items), fail_on, show_preserved)


def units_report(checked: Sequence[CheckedUnit], fail_on: str = "error", show_preserved: bool = False) -> CheckReport:
    """A `CheckReport` with one item per checked unit of one or more bilingual files (ids prefixed by the file
    when there are several)."""
    paths = list(dict.fromkeys(c.path for c in checked))
    items = tuple(
        Item(
            c.unit.id if len(paths) == 1 else f"{c.path}:{c.unit.id}",
            c.unit.source,
            c.unit.target or "",
            c.findings,
            c.unit.origin.line or 1,
            path=c.path,
        )
        for c in checked
    )
    return CheckReport(", ".join(paths), ", ".join(paths), items, fail_on, show_preserved)


def writers() -> dict[str, Callable[[CheckReport, IO[str]], None]]:
    from align.report import json_lines, junit, sarif, text

    return {"text": text.write, "json": json_lines.write, "junit": junit.write, "sarif": sarif.write}
