"""Findings: the one record of what happened to a figure or claim of the source in the translation, and the
severity table that says how much each kind of change matters (the caller can override it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from align.claims import Claim, Cue
from align.errors import InputError
from align.figures import Figure
from align.vocab import SEVERITIES

DEFAULT_SEVERITY: dict[str, str] = {
    "figure.changed": "error",
    "figure.dropped": "error",
    "figure.added": "warning",
    "figure.added.code": "error",  # a code or model name the source writes nowhere: a hallucinated 'Galaxy S4'
    "name.changed": "warning",
    "name.dropped": "warning",
    "name.added": "warning",
    "negation.dropped": "warning",
    "negation.added": "warning",
    "hedge.dropped": "warning",
    "hedge.added": "warning",
    "quote.dropped": "info",
    "quote.added": "info",
    "attribution.dropped": "info",
    "attribution.added": "info",
    # The standard QA checks (align.qa), at Xbench's and Verifika's usual weight.
    "empty.dropped": "error",
    "untranslated.dropped": "warning",
    "tag.dropped": "error",
    "tag.added": "error",
    "tag.changed": "warning",
    "term.changed": "warning",
    "inconsistency.changed": "warning",
}
# A finding the checker is not sure of (confidence "low": an ambiguous reading, a weak word link, a figure whose
# counterpart may be said in words, a list number or code) is at most this severity, unless `KIND.STATUS.low`
# is set ('--severity figure.dropped.low=error').
LOW_CONFIDENCE_CAP = "warning"
CONFIDENCES = ("high", "low")


@dataclass(frozen=True)
class Finding:
    """One figure or claim marker and what happened to it between source and target."""

    status: str
    kind: str
    severity: str
    message: str
    bead: int
    aspect: str = ""
    source: Figure | Cue | None = None
    target: Figure | Cue | None = None
    note: str = ""
    confidence: str = "high"  # "high" or "low": a low-confidence finding is a warning to look at, not a CI failure


@dataclass(frozen=True)
class Side:
    """One side of a bead: its figures and claims, read from its segments."""

    text: str
    figures: tuple[Figure, ...]
    claim: Claim


def severity(key: str, severities: Mapping[str, str] | None, confidence: str = "high") -> str:
    """The level of a `KIND.STATUS` finding: the caller's table over the defaults; a low-confidence finding is
    capped at LOW_CONFIDENCE_CAP unless the table names `KIND.STATUS.low`."""
    level = severities[key] if severities and key in severities else DEFAULT_SEVERITY.get(key, "warning")
    if confidence != "low":
        return level
    if severities and f"{key}.low" in severities:
        return severities[f"{key}.low"]
    return min(level, LOW_CONFIDENCE_CAP, key=SEVERITIES.index)


def at_or_above(findings: Sequence[Finding], level: str) -> list[Finding]:
    """The findings whose severity is `level` or worse (never for 'none'-level preserved figures)."""
    if level == "never":
        return []
    floor = SEVERITIES.index(level)
    return [f for f in findings if f.status != "preserved" and SEVERITIES.index(f.severity) >= max(floor, 1)]


def parse_severities(overrides: Sequence[str]) -> dict[str, str]:
    """`KIND.STATUS=LEVEL` strings (from `--severity`) as a table over the defaults."""
    table = dict(DEFAULT_SEVERITY)
    for item in overrides:
        key, _, level = item.partition("=")
        if not level or level not in SEVERITIES or "." not in key:
            raise InputError(
                "--severity",
                f"'{item}' is not KIND.STATUS=LEVEL",
                f"e.g. figure.added=error; levels: {', '.join(SEVERITIES)}",
            )
        table[key.strip()] = level
    return table
