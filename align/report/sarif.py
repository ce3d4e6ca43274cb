"""Findings for code-scanning views: SARIF 2.1.0, one result per finding, located in the target file."""

from __future__ import annotations

import json
from typing import IO

from align import __version__
from align.report import CheckReport

_LEVELS = {"error": "error", "warning": "warning", "info": "note", "none": "none"}


def write(report: CheckReport, out: IO[str]) -> None:
    rules: dict[str, dict[str, object]] = {}
    results = []
    for item in report.items:
        for f in report.shown(item):
            rule = f"{f.kind}.{f.status}"
            rules.setdefault(rule, {"id": rule, "shortDescription": {"text": f"{f.kind} {f.status} in translation"}})
            located = f.target if f.target is not None else None
            region: dict[str, object] = {"startLine": item.line}
            if located is not None and item.line_start >= 0:
                column = located.start - item.line_start + 1
                region.update(startColumn=column, endColumn=column + located.end - located.start)
            results.append(
                {
                    "ruleId": rule,
                    "level": _LEVELS.get(f.severity, "warning"),
                    "message": {"text": f.message + (f" ({f.note})" if f.note else "")},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": item.path or report.target_path},
                                "region": region,
                            }
                        }
                    ],
                    "partialFingerprints": {"alignUnit": item.id},
                }
            )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "align check",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/align/",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    out.write(json.dumps(sarif, ensure_ascii=False, indent=2) + "\n")
