"""Findings for code-scanning views: SARIF 2.1.0, one result per finding, located in the target file.

Files under the working directory are named by a URI relative to `%SRCROOT%` (the working directory, given in
`originalUriBaseIds`), others by an absolute `file:` URI. Each result points at the figure or cue in the English
file and, in `relatedLocations`, at the German one. `partialFingerprints["alignFinding/v1"]` is the finding's
fingerprint (`align.fingerprints`): it survives edits elsewhere in the document and differs between findings.
A finding an accepted-findings file accepts carries a `suppressions` entry; with a baseline every result but a
preserved figure's note has a `baselineState` ("unchanged" when the baseline or an accepted-findings file holds
it, else "new").
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from align import __version__
from align.report import CheckReport, Item, Mark

_LEVELS = {"error": "error", "warning": "warning", "info": "note", "none": "none"}
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "alignFinding/v1"


def artifact_location(path: str, root: str | None = None) -> dict[str, str]:
    """A SARIF artifactLocation: relative to %SRCROOT% (`root`, default the working directory) when the file is
    under it, else an absolute file URI."""
    if not path or path == "-":
        return {"uri": "stdin"}
    base = Path(os.path.abspath(root or os.getcwd()))
    absolute = Path(os.path.abspath(path))
    for candidate, folder in ((absolute, base), (absolute.resolve(), base.resolve())):
        try:
            relative = candidate.relative_to(folder)
        except ValueError:
            continue
        return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}
    return {"uri": absolute.as_uri()}


def _region(text: str, base: int, line: int, line_start: int, start: int, end: int) -> dict[str, int]:
    """The region of text[start - base:end - base] (offsets in the document; `text` starts at `base`, which is on
    line `line`, a line that starts at offset `line_start`)."""
    s, e = start - base, end - base
    if line_start < 0 or not 0 <= s <= e <= len(text):
        return {"startLine": line}

    def position(offset: int) -> tuple[int, int]:
        newlines = text.count("\n", 0, offset)
        if not newlines:
            return line, base + offset - line_start + 1
        return line + newlines, offset - text.rfind("\n", 0, offset)

    start_line, start_column = position(s)
    end_line, end_column = position(e)
    region = {"startLine": start_line, "startColumn": start_column}
    if end_line != start_line:
        region["endLine"] = end_line
    region["endColumn"] = end_column
    return region


def _result(report: CheckReport, item: Item, mark: Mark, root: str | None) -> dict[str, Any]:
    f = mark.finding
    region = (
        _region(item.target, item.target_start, item.line, item.line_start, f.target.start, f.target.end)
        if f.target is not None
        else {"startLine": item.line}
    )
    result: dict[str, Any] = {
        "ruleId": f"{f.kind}.{f.status}",
        "level": _LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message + (f" ({f.note})" if f.note else "")},
        "locations": [
            {"physicalLocation": {"artifactLocation": artifact_location(report.path(item), root), "region": region}}
        ],
    }
    if item.source_line > 0:
        source_region = (
            _region(
                item.source, item.source_start, item.source_line, item.source_line_start, f.source.start, f.source.end
            )
            if f.source is not None
            else {"startLine": item.source_line}
        )
        what = f"'{f.source.text}'" if f.source is not None else "the sentence"
        result["relatedLocations"] = [
            {
                "id": 1,
                "physicalLocation": {
                    "artifactLocation": artifact_location(report.source_file(item), root),
                    "region": source_region,
                },
                "message": {"text": f"source: {what}"},
            }
        ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: mark.fingerprint}
    result["properties"] = {"unit": item.id, "aspect": f.aspect}
    if mark.decision in ("accepted", "false positive"):
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": mark.decision}]
    if report.baseline and f.status != "preserved":
        result["baselineState"] = "unchanged" if mark.decision is not None else "new"
    return result


def write(report: CheckReport, out: IO[str], root: str | None = None) -> None:
    rules: dict[str, dict[str, object]] = {}
    results = []
    for item in report.items:
        for mark in report.marks(item):
            f = mark.finding
            rule = f"{f.kind}.{f.status}"
            rules.setdefault(rule, {"id": rule, "shortDescription": {"text": f"{f.kind} {f.status} in translation"}})
            results.append(_result(report, item, mark, root))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "align check",
                "version": __version__,
                "informationUri": "https://pypi.org/project/align/",
                "rules": list(rules.values()),
            }
        },
    }
    if any(location.get("uriBaseId") == SRCROOT for location in _locations(results)):
        uri = Path(os.path.abspath(root or os.getcwd())).as_uri()
        run["originalUriBaseIds"] = {SRCROOT: {"uri": uri if uri.endswith("/") else uri + "/"}}
    if report.signatures:
        run["properties"] = {"signatures": dict(report.signatures)}
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    out.write(json.dumps(sarif, ensure_ascii=False, indent=2) + "\n")


def _locations(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        location["physicalLocation"]["artifactLocation"]
        for result in results
        for location in (*result["locations"], *result.get("relatedLocations", ()))
    ]
