"""Claim matching: names, negation, hedges, quotations and attributions of one bead, source against target."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from align.claims import Claim, Cue, capitalized_words, similar
from align.findings import Finding, Side, severity


def _count_cues(
    kind: str, src: Sequence[Cue], tgt: Sequence[Cue], bead: int, severities: Mapping[str, str] | None
) -> list[Finding]:
    label = {"negation": "negation", "hedge": "hedge", "quote": "quotation", "attribution": "attribution"}[kind]
    findings = [
        Finding("preserved", kind, "none", f"{label} kept: '{s.text}' → '{t.text}'", bead, source=s, target=t)
        for s, t in zip(src, tgt, strict=False)
    ]
    for s in src[len(tgt) :]:
        findings.append(
            Finding(
                "dropped",
                kind,
                severity(f"{kind}.dropped", severities),
                f"{label} dropped: '{s.text}'",
                bead,
                kind,
                s,
                None,
            )
        )
    for t in tgt[len(src) :]:
        findings.append(
            Finding(
                "added", kind, severity(f"{kind}.added", severities), f"{label} added: '{t.text}'", bead, kind, None, t
            )
        )
    return findings


def _negations(claim: Claim) -> tuple[Cue, ...]:
    """Negation cues, minus the ones that do not negate the claim ('nicht nur' / 'not only')."""
    return tuple(c for c in claim.negations if c.key not in ("nor", "weder"))


def _repeats_lost(names: Sequence[Cue], tgt_text: str, dropped: Sequence[Cue]) -> list[Cue]:
    """A name said twice in the source and once in the target lost one mention ('Vinson-Massiv … Mount Vinson')."""
    by_key: dict[str, list[Cue]] = {}
    for n in names:
        if n not in dropped:
            by_key.setdefault(n.key, []).append(n)
    tokens = [re.split(r"[-/]", w) for w in tgt_text.split()]
    lost: list[Cue] = []
    for cues in by_key.values():
        if len(cues) > 1:
            found = sum(any(similar(cues[0].text, part) for part in parts) for parts in tokens)
            lost += cues[found:]
    return lost


def compare_claims(src: Side, tgt: Side, bead: int = 0, severities: Mapping[str, str] | None = None) -> list[Finding]:
    """Names, negation, hedges, quotations and attributions of one bead.

    Negations are counted (one more or one fewer matters); hedges, quotations and attributions only need to be
    there on both sides, since translations regroup them freely.
    """
    findings: list[Finding] = []
    tgt_words = [w for w, _, _ in capitalized_words(tgt.text)] + tgt.text.split()
    src_words = [w for w, _, _ in capitalized_words(src.text)] + src.text.split()
    src_words += [part for w in src_words if "-" in w for part in w.split("-")]
    tgt_words += [part for w in tgt_words if "-" in w for part in w.split("-")]
    dropped = [n for n in src.claim.names if not any(similar(n.text, w) for w in tgt_words)]
    dropped += _repeats_lost(src.claim.names, tgt.text, dropped)
    added = [n for n in tgt.claim.names if not any(similar(n.text, w) for w in src_words)]
    for s, t in zip(dropped, added, strict=False):
        findings.append(
            Finding(
                "changed",
                "name",
                severity("name.changed", severities),
                f"name: '{s.text}' → '{t.text}'",
                bead,
                "name",
                s,
                t,
            )
        )
    for s in dropped[len(added) :]:
        findings.append(
            Finding(
                "dropped",
                "name",
                severity("name.dropped", severities),
                f"name dropped: '{s.text}'",
                bead,
                "name",
                s,
                None,
            )
        )
    for t in added[len(dropped) :]:
        findings.append(
            Finding(
                "added", "name", severity("name.added", severities), f"name added: '{t.text}'", bead, "name", None, t
            )
        )
    findings += _count_cues("negation", _negations(src.claim), _negations(tgt.claim), bead, severities)
    for kind, src_cues, tgt_cues in (
        ("hedge", src.claim.hedges, tgt.claim.hedges),
        ("quote", src.claim.quotes, tgt.claim.quotes),
        ("attribution", src.claim.attributions, tgt.claim.attributions),
    ):
        if src_cues and tgt_cues:
            src_cues, tgt_cues = src_cues[:1], tgt_cues[:1]
        findings += _count_cues(kind, src_cues, tgt_cues, bead, severities)
    return findings
