"""Writers for `align check` findings: text for people, JSON Lines for tools, JUnit XML and SARIF for CI.

A `CheckReport` holds one `Item` per checked unit (a sentence pair from `--pairs`, or a bead of two aligned
documents) with its findings. Each writer is `write(report, out)` on a text stream.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from align.findings import Finding, at_or_above
from align.fingerprints import Decision, finding_fingerprints

if TYPE_CHECKING:
    from align.pipeline import AlignedDocuments, CheckedUnit


@dataclass(frozen=True)
class Item:
    """One checked unit: its id, the source and target text, where it is, and its findings.

    `line` is the target's line (1-based) and `line_start` the offset of that line in the target document;
    `source_line` and `source_line_start` the same for the source (0 and -1 where unknown). In a bilingual file
    both sides sit on the unit's line.
    """

    id: str
    source: str
    target: str
    findings: tuple[Finding, ...]
    line: int = 1
    source_start: int = 0
    target_start: int = 0
    path: str = ""
    line_start: int = -1
    source_line: int = 0
    source_line_start: int = -1
    row: int | None = None  # a bilingual file's unit: its 1-based position in the file (ids may repeat)


class Mark(NamedTuple):
    """A finding as a report lists it: its fingerprint, the decision that accepted it (None: open) and whether
    it fails the run."""

    finding: Finding
    fingerprint: str
    decision: str | None
    failing: bool


@dataclass(frozen=True)
class CheckReport:
    """Everything one `align check` run found; `fail_on` is the severity that fails the run.

    `decisions` maps fingerprints (`align.fingerprints`) to "accepted", "false positive" or "baseline": such a
    finding stays in every output, marked, but never fails the run. `baseline`: a baseline was given, so SARIF
    says of every result whether it is new.
    """

    source_path: str
    target_path: str
    items: tuple[Item, ...]
    fail_on: str = "error"
    show_preserved: bool = False
    decisions: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    baseline: bool = False
    signatures: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @cached_property
    def _fingerprints(self) -> dict[int, tuple[str, ...]]:
        seen: dict[str, Counter[tuple[Any, ...]]] = {}
        return {
            id(item): finding_fingerprints(
                item.source, item.target, item.findings, seen.setdefault(item.path, Counter())
            )
            for item in self.items
        }

    def fingerprints(self, item: Item) -> tuple[str, ...]:
        """The fingerprint of each of the item's findings, in order."""
        table = self._fingerprints
        if id(item) not in table:
            return finding_fingerprints(item.source, item.target, item.findings)
        return table[id(item)]

    def marks(self, item: Item, shown_only: bool = True) -> list[Mark]:
        """The item's findings (those a report lists, or all) with fingerprint, decision and verdict."""
        failing = {id(f) for f in at_or_above(item.findings, self.fail_on)}
        shown = {id(f) for f in self.shown(item)}
        out = []
        for finding, fingerprint in zip(item.findings, self.fingerprints(item), strict=True):
            if shown_only and id(finding) not in shown:
                continue
            decision = self.decisions.get(fingerprint)
            out.append(Mark(finding, fingerprint, decision, decision is None and id(finding) in failing))
        return out

    def failing(self, item: Item) -> list[Finding]:
        """The findings that fail the run: at or above `fail_on`, and neither accepted nor in the baseline."""
        return [m.finding for m in self.marks(item, shown_only=False) if m.failing]

    def failed(self) -> bool:
        return any(self.failing(item) for item in self.items)

    def shown(self, item: Item) -> list[Finding]:
        """The findings a report lists: every non-preserved one, and notes (or all when asked)."""
        return [f for f in item.findings if self.show_preserved or f.status != "preserved" or f.note]

    def path(self, item: Item) -> str:
        """The file the item's target is in."""
        return item.path or self.target_path

    def source_file(self, item: Item) -> str:
        """The file the item's source is in."""
        return item.path or self.source_path


_NEWLINE_RE = re.compile("\n")


def _line_starts(text: str) -> list[int]:
    """The offset where each line of `text` starts (line k at index k - 1)."""
    return [0, *(m.end() for m in _NEWLINE_RE.finditer(text))]


def _line_at(starts: list[int], offset: int) -> tuple[int, int]:
    """(line number, offset where that line starts) of `offset`: a bisection, so that a document's beads cost
    O(log lines) each, not a scan from the document's start."""
    line = bisect_right(starts, offset)
    return line, starts[line - 1]


def documents_report(result: AlignedDocuments, fail_on: str = "error", show_preserved: bool = False) -> CheckReport:
    """A `CheckReport` with one item per bead of two aligned documents."""
    src_doc, tgt_doc = result.source, result.target
    src_segs, tgt_segs = result.source_segments, result.target_segments
    by_bead: dict[int, list[Finding]] = {}
    for f in result.findings:
        by_bead.setdefault(f.bead, []).append(f)
    src_starts, tgt_starts = _line_starts(src_doc.text), _line_starts(tgt_doc.text)
    items = []
    for number, bead in enumerate(result.beads):
        s_idx, t_idx = bead.source, bead.target
        s_start = src_segs[s_idx[0]].start if s_idx else 0
        t_start = tgt_segs[t_idx[0]].start if t_idx else 0
        source = src_doc.text[s_start : src_segs[s_idx[-1]].end] if s_idx else ""
        target = tgt_doc.text[t_start : tgt_segs[t_idx[-1]].end] if t_idx else ""
        source_line, source_line_start = _line_at(src_starts, s_start) if s_idx else (0, -1)
        line, line_start = _line_at(tgt_starts, t_start) if t_idx else (source_line, -1)
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
                source_line=source_line,
                source_line_start=source_line_start,
            )
        )
    return CheckReport(
        src_doc.path or "",
        tgt_doc.path or "",
        tuple(items),
        fail_on,
        show_preserved,
        signatures=dict(result.signatures),
    )


def units_report(
    checked: Sequence[CheckedUnit],
    fail_on: str = "error",
    show_preserved: bool = False,
    signatures: Mapping[str, str] | None = None,
) -> CheckReport:
    """A `CheckReport` with one item per checked unit of one or more bilingual files (ids prefixed by the file
    when there are several); `signatures` as `align.pipeline.compare_signature` gives them."""
    paths = list(dict.fromkeys(c.path for c in checked))
    items = tuple(
        Item(
            c.unit.id if len(paths) == 1 else f"{c.path}:{c.unit.id}",
            c.unit.source,
            c.unit.target or "",
            c.findings,
            c.unit.origin.line or 1,
            path=c.path,
            source_line=c.unit.origin.line or 1,
            row=c.unit.origin.row,
        )
        for c in checked
    )
    return CheckReport(
        ", ".join(paths), ", ".join(paths), items, fail_on, show_preserved, signatures=dict(signatures or {})
    )


def with_decisions(
    report: CheckReport, decisions: Mapping[str, Decision], baseline: bool = False, record: bool = False
) -> tuple[CheckReport, list[Decision]]:
    """The report with the decisions of accepted-findings files applied (`baseline`: one of them is the
    baseline), and, when `record`, every current finding that is not `preserved` as a baseline entry (keeping the
    decision a file already holds for it), which the returned report then applies too."""
    table = {fingerprint: d.decision for fingerprint, d in decisions.items()}
    entries: list[Decision] = []
    if record:
        for item in report.items:
            for finding, fingerprint in zip(item.findings, report.fingerprints(item), strict=True):
                if finding.status == "preserved":
                    continue
                known = decisions.get(fingerprint)
                entries.append(
                    Decision(
                        fingerprint,
                        known.decision if known else "baseline",
                        f"{finding.kind}.{finding.status}",
                        finding.message,
                        report.path(item),
                        item.line,
                        known.note if known else "",
                    )
                )
        table.update((d.fingerprint, d.decision) for d in entries)
    return replace(report, decisions=table, baseline=baseline or record), entries


def render(report: CheckReport, fmt: str) -> str:
    """The report in one of the `writers()` formats, as a string."""
    buffer = io.StringIO()
    writers()[fmt](report, buffer)
    return buffer.getvalue()


def write_report(report: CheckReport, fmt: str, path: str | None) -> None:
    """Write the report in one of the `writers()` formats to `path` (None or '-': stdout) as it is made
    (`align.files.write_streamed`)."""
    from align.files import write_streamed

    write = writers()[fmt]
    write_streamed(path, lambda out: write(report, out))


def writers() -> dict[str, Callable[[CheckReport, IO[str]], None]]:
    from align.report import json_lines, junit, sarif, text

    return {"text": text.write, "json": json_lines.write, "junit": junit.write, "sarif": sarif.write}
