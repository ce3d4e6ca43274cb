"""Writers for `align check` findings: text for people, JSON Lines for tools, JUnit XML and SARIF for CI.

A `CheckReport` holds one `Item` per checked unit (a sentence pair from `--pairs`, or a bead of two aligned
documents) with its findings. Each writer is `write(report, out)` on a text stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from align.compare import Finding, at_or_above


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


def writers() -> dict[str, Callable[[CheckReport, IO[str]], None]]:
    from align.report import json_lines, junit, sarif, text

    return {"text": text.write, "json": json_lines.write, "junit": junit.write, "sarif": sarif.write}
