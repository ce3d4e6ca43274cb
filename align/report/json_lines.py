"""Findings for tools: JSON Lines, one record per checked unit, lossless through align.serialize.

Each finding also carries its `fingerprint` (`align.fingerprints`) and `decision`: null, or "accepted", "false
positive" or "baseline" when an accepted-findings file or baseline took it out of the failure count. `failed` is
true when a finding of the unit fails the run.
"""

from __future__ import annotations

import json
from typing import IO

from align.report import CheckReport
from align.serialize import to_json


def write(report: CheckReport, out: IO[str]) -> None:
    for item in report.items:
        record = to_json(item)
        for finding, mark in zip(record["findings"], report.marks(item, shown_only=False), strict=True):
            finding["fingerprint"] = mark.fingerprint
            finding["decision"] = mark.decision
        record["failed"] = bool(report.failing(item))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
