"""One fingerprint per finding, and the accepted-findings file that CI baselines and reviewers share.

A fingerprint names a finding so that it survives edits elsewhere in the document (it does not hold a bead index,
a line or a unit id) and tells apart distinct findings in one sentence. It is the SHA-256, in hex, of the JSON
array (UTF-8, no spaces: `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`)

    ["align-finding", 1, RULE, ASPECT, SOURCE_TEXT, TARGET_TEXT, CONTEXT, OCCURRENCE]

- RULE is `kind.status` (`figure.changed`), ASPECT the finding's aspect (`decimal`, `qualifier`, or "");
- SOURCE_TEXT and TARGET_TEXT are the text of the source and target figure or cue, normalized (Unicode NFC,
  runs of whitespace as one space, trimmed; "" where the side has none);
- CONTEXT is the SHA-256 hex of the normalized source text of the unit or bead the finding sits in, a line feed,
  and its normalized target text;
- OCCURRENCE counts, from 0 in text order, the earlier findings of the same file with the same RULE, ASPECT,
  SOURCE_TEXT, TARGET_TEXT and CONTEXT (the same figure changed the same way twice in one sentence, or in two
  identical sentences); a document pair is one file, each file of `--pairs` its own.

SARIF (`partialFingerprints`), the JSON Lines report, `--baseline`/`--accepted` and the HTML report all use
`finding_fingerprints`, so a finding accepted in one is accepted in the others.

The accepted-findings file (`--accepted FILE`, `--baseline FILE`, written by `--write-baseline FILE`) is JSON:

    {"align": "accepted-findings", "version": 1,
     "findings": [{"fingerprint": "…", "rule": "figure.changed", "message": "…", "decision": "accepted",
                   "file": "docs/en/index.md", "line": 12, "note": "…"}]}

`fingerprint` and `decision` ("accepted", "false positive" or "baseline") are required; `rule`, `message`,
`file`, `line` and `note` are for people and never matched.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from align.errors import InputError
from align.findings import Finding

FORMAT = "accepted-findings"
VERSION = 1
DECISIONS = ("accepted", "false positive", "baseline")


def normalize(text: str) -> str:
    """NFC, every run of whitespace one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def context_hash(source: str, target: str) -> str:
    """The hash of the unit or bead a finding sits in: its normalized source and target text."""
    return _sha256(f"{normalize(source)}\n{normalize(target)}")


def _key(finding: Finding, context: str) -> tuple[Any, ...]:
    source = normalize(finding.source.text) if finding.source is not None else ""
    target = normalize(finding.target.text) if finding.target is not None else ""
    return (f"{finding.kind}.{finding.status}", finding.aspect, source, target, context)


def finding_fingerprints(
    source: str, target: str, findings: Sequence[Finding], seen: Counter[tuple[Any, ...]] | None = None
) -> tuple[str, ...]:
    """The fingerprint of each of `findings` of one unit or bead (`source` and `target` its text).

    `seen` counts the keys met so far in the same file; pass one Counter for all the units of a file, in order,
    so that identical findings in identical units get distinct fingerprints too.
    """
    seen = Counter() if seen is None else seen
    context = context_hash(source, target)
    out = []
    for finding in findings:
        key = _key(finding, context)
        occurrence = seen[key]
        seen[key] += 1
        payload = json.dumps(["align-finding", VERSION, *key, occurrence], ensure_ascii=False, separators=(",", ":"))
        out.append(_sha256(payload))
    return tuple(out)


@dataclass(frozen=True)
class Decision:
    """One entry of an accepted-findings file."""

    fingerprint: str
    decision: str
    rule: str = ""
    message: str = ""
    file: str = ""
    line: int = 0
    note: str = ""


def read_decisions(path: str | os.PathLike[str]) -> dict[str, Decision]:
    """The entries of an accepted-findings file by fingerprint; a malformed file is an InputError (exit 2)."""
    from align.files import read_text

    where = str(path)
    hint = 'give a file `align check --write-baseline` wrote: {"align": "accepted-findings", "version": 1, ...}'
    try:
        data = json.loads(read_text(where))
    except ValueError as err:
        raise InputError(where, f"is not JSON ({err})", hint) from None
    if not isinstance(data, dict) or data.get("align") != FORMAT:
        raise InputError(where, f'is not an accepted-findings file (no "align": "{FORMAT}")', hint)
    if data.get("version") != VERSION:
        raise InputError(where, f"has version {data.get('version')!r}, this align reads {VERSION}", hint)
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise InputError(where, 'has no "findings" list', hint)
    decisions: dict[str, Decision] = {}
    for number, entry in enumerate(entries, 1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        decision = entry.get("decision") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint or decision not in DECISIONS:
            raise InputError(
                where,
                f"finding {number} needs a fingerprint and a decision ({', '.join(DECISIONS)})",
                "fix or remove that entry",
            )
        line = entry.get("line", 0)
        decisions[fingerprint] = Decision(
            fingerprint,
            decision,
            str(entry.get("rule", "")),
            str(entry.get("message", "")),
            str(entry.get("file", "")),
            line if isinstance(line, int) else 0,
            str(entry.get("note", "")),
        )
    return decisions


def merge_decisions(files: Iterable[Mapping[str, Decision]]) -> dict[str, Decision]:
    """Several accepted-findings files as one; a later file's entry for a fingerprint wins."""
    merged: dict[str, Decision] = {}
    for decisions in files:
        merged.update(decisions)
    return merged


def decisions_document(decisions: Iterable[Decision]) -> dict[str, Any]:
    """An accepted-findings file's JSON, entries in file and line order (so a re-written baseline diffs well)."""
    entries = sorted(decisions, key=lambda d: (d.file, d.line, d.rule, d.fingerprint))
    return {
        "align": FORMAT,
        "version": VERSION,
        "findings": [
            {
                "fingerprint": d.fingerprint,
                "rule": d.rule,
                "message": d.message,
                "decision": d.decision,
                "file": d.file,
                "line": d.line,
                **({"note": d.note} if d.note else {}),
            }
            for d in entries
        ],
    }


def write_decisions(path: str | os.PathLike[str], decisions: Iterable[Decision]) -> None:
    """Write an accepted-findings file atomically."""
    from align.files import atomic_output

    with atomic_output(path) as out:
        out.write(json.dumps(decisions_document(decisions), ensure_ascii=False, indent=2) + "\n")
