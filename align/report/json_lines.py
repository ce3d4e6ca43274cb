"""Findings for tools: JSON Lines, one record per checked unit, lossless through align.serialize."""

from __future__ import annotations

import json
from typing import IO

from align.report import CheckReport
from align.serialize import to_json


def write(report: CheckReport, out: IO[str]) -> None:
    for item in report.items:
        record = to_json(item)
        record["failed"] = bool(report.failing(item))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
