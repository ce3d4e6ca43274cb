"""Claim matching: names, negation, hedges, quotations and attributions of one bead, source against target."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from align.claims import (
    Cue,
    country_language,
    double_negations,
    fold,
    has_official_language,
    lexical_negations,
    place_stem,
    similar,
    spelling_partners,
    strong_hedge,
    words,
    written_inside,
)
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


def _negation_findings(src: Side, tgt: Side, bead: int, severities: Mapping[str, str] | None) -> list[Finding]:
    """Negations counted: one more or one fewer matters. A negation rendered by a word that negates without a
    particle ('nicht teilnehmen' → 'unable to take part', 'wortlos' → 'without a word') is kept, so a side's
    surplus of negations counts only beyond the other side's lexical negations, or its positives
    (`_rendered_negations`)."""
    s_cues, t_cues = src.claim.negations, tgt.claim.negations
    s_lexical = t_lexical = 0
    if len(t_cues) > len(s_cues):
        s_lexical = _rendered_negations(src, tgt)
    if len(s_cues) > len(t_cues):
        t_lexical = _rendered_negations(tgt, src)
    kept = min(len(s_cues), len(t_cues))
    findings = _count_cues("negation", s_cues[:kept], t_cues[:kept], bead, severities)
    dropped = s_cues[kept + t_lexical :]
    added = t_cues[kept + s_lexical :]
    findings += _count_cues("negation", dropped, (), bead, severities)
    findings += _count_cues("negation", (), added, bead, severities)
    return findings


def _rendered_negations(side: Side, other: Side) -> int:
    """How many of the other side's surplus negations this side may render without a particle: as many as it
    has lexical negations; a negation of a lexical negation ('not neglecting', 'nicht fehlen') only where it has
    none, said as a positive ('durfte nicht fehlen' → 'had to be there'), for with the lexical negation
    translated ('vernachlässigen' → 'not neglecting') the added negation flips the meaning."""
    surplus = len(other.claim.negations) - len(side.claim.negations)
    double = double_negations(other.text, other.claim.language)
    lexical = lexical_negations(side.text, side.claim.language)
    return min(lexical, max(0, surplus - double)) if lexical else double


def _hedge_findings(src: Side, tgt: Side, bead: int, severities: Mapping[str, str] | None) -> list[Finding]:
    """A strong hedge ('angeblich', 'könnte', 'reportedly', 'might') needs a hedge or modal on the other side; a
    modal alone ('kann', 'soll', 'may', 'could') is never a finding of its own, as it often keeps its plain
    meaning ('darf' → 'may', 'konnte' → 'could', 'soll ... werden' → 'will be')."""
    s_cues, t_cues = src.claim.hedges, tgt.claim.hedges
    if s_cues and t_cues:
        return _count_cues("hedge", s_cues[:1], t_cues[:1], bead, severities)
    s_strong = [c for c in s_cues if strong_hedge(c, src.claim.language)][:1]
    t_strong = [c for c in t_cues if strong_hedge(c, tgt.claim.language)][:1]
    return _count_cues("hedge", s_strong, t_strong, bead, severities)


_PAIRWISE_NAMES = 20_000  # above this many name × word comparisons in one bead, only name-like words are compared


def _name_like(words: list[str]) -> list[str]:
    """The words a name of the other side is most often said as: those with a capital letter or a digit
    ('Spain', 'iPhone', 'SW1'), for a bead too long to compare every word (a list or table read as one sentence);
    a lowercase rendering ('Corona' → 'corona', 'Deutschland' → 'deutsch') is then missed."""
    return [w for w in words if not w.islower()]


def _found(name: str, tgt_words: Sequence[str], partners: Callable[[str], list[str]], source: str) -> bool:
    """A source name said in the target: in a spelling of its own, without its prefix of position
    ('Großbritannien' → 'Britain'), or as its country's language ('Frankreichs' → 'French'). `partners` gives the
    target words a word may be similar to (`spelling_partners`)."""
    stem = place_stem(name)
    if any(similar(name, w) for w in partners(name)):
        return True
    if stem != name and any(similar(stem, w) for w in partners(stem)):
        return True
    return has_official_language(name) and any(country_language(name, w, source) for w in tgt_words)


_WORD_PARTS_RE = re.compile(r"[-/]")


def _repeats_lost(names: Sequence[Cue], tgt_text: str, dropped: Sequence[Cue]) -> list[Cue]:
    """A name said twice in the source and once in the target lost one mention ('Vinson-Massiv … Mount Vinson')."""
    by_key: dict[str, list[Cue]] = {}
    gone = {id(n) for n in dropped}
    for n in names:
        if id(n) not in gone:
            by_key.setdefault(n.key, []).append(n)
    lost: list[Cue] = []
    repeated = [cues for cues in by_key.values() if len(cues) > 1]
    tokens = [_WORD_PARTS_RE.split(w) for w in tgt_text.split()] if repeated else []
    if len(repeated) * len(tokens) > _PAIRWISE_NAMES:
        tokens = [parts for parts in tokens if _name_like(parts)]
    counts = Counter(tuple(parts) for parts in tokens)  # each distinct token compared once, counted as often as said
    by_spelling: dict[str, list[tuple[str, ...]]] = {}
    for parts in counts:
        for part in dict.fromkeys(fold(part) for part in parts):
            by_spelling.setdefault(part, []).append(parts)
    for cues in repeated:
        # the tokens spelled as the name first (a name kept is kept in its spelling); the others compared only
        # while mentions are missing
        exact = by_spelling.get(fold(cues[0].text) or "\0", [])
        found = sum(counts[parts] for parts in exact)
        if found < len(cues):
            seen = set(exact)
            for parts, times in counts.items():
                if parts not in seen and any(similar(cues[0].text, part) for part in parts):
                    found += times
                    if found >= len(cues):
                        break
        lost += cues[found:]
    return lost


def _heads_a_compound(name: str, source_words: Sequence[str]) -> bool:
    """An English name that a German compound opens with in its own spelling: 'Soviet' in 'Sowjetrepubliken',
    'Latin' in 'Lateinamerika' (the German form one letter shorter or longer than the English)."""
    size = len(name)
    if size < 4 or not name.isalpha():
        return False
    return any(
        len(word) >= size + 4
        and fold(word[:1]) == fold(name[:1])
        and any(similar(name, word[:k]) for k in (size, size + 1))
        for word in source_words
    )


def _acronym(word: str) -> bool:
    return len(word) > 1 and sum(c.isupper() for c in word) >= 2 and word.isalnum()


_TITLE_RUN_RE = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:(?:of|the|for|and|on|&)\s+)*[A-Z][\w’'-]+)+")


def _translated_acronyms(
    dropped: list[Cue], added: list[Cue], target: str, said_in_source: Callable[[str], bool]
) -> tuple[list[Cue], list[Cue]]:
    """A German acronym the English renders as its own acronym ('EVP' → 'EPP', 'STRG' → 'CTRL': a letter in
    common) or spells out in title case ('WM' → 'World Cup', 'DWD' → 'German Weather Service',
    'StZ' → 'Stuttgarter Zeitung') is translated, not dropped; the spelled-out words are no added names."""
    dropped, added = list(dropped), list(added)
    runs = [m.group().split() for m in _TITLE_RUN_RE.finditer(target) if not _acronym(m.group().split()[0])]
    acronyms = [n for n in dropped if _acronym(n.text)]
    new_words: dict[int, bool] = {}

    def says_new_words(run: list[str]) -> bool:  # no word of the run is in the source (each run judged once)
        if id(run) not in new_words:
            new_words[id(run)] = not any(map(said_in_source, run))
        return new_words[id(run)]

    for s in acronyms:
        capitals = "".join(c for c in s.text if c.isupper())
        letters = set(s.text.upper())
        match = [t for t in added if _acronym(t.text) and letters & set(t.text.upper())]
        if match:
            dropped.remove(s)
            added.remove(match[0])
            continue
        spelled_out = next(
            (
                run
                for run in runs
                if "".join(w[0] for part in run for w in part.split("-") if w[:1].isupper()) == capitals
                or says_new_words(run)
            ),
            None,
        )
        if spelled_out is not None:
            dropped.remove(s)
            runs.remove(spelled_out)
            added = [t for t in added if t.text not in spelled_out]
    return dropped, added


def _said_in(words: Sequence[str]) -> Callable[[str], bool]:
    """Whether a word is said in `words` in a spelling of its own (`similar`), each word judged once: a bead's
    added names and its title-case runs ask about the same target words."""
    judged: dict[str, bool] = {}
    partners = spelling_partners(words)

    def said(word: str) -> bool:
        if word not in judged:
            judged[word] = any(similar(word, w) for w in partners(word))
        return judged[word]

    return said


def compare_claims(src: Side, tgt: Side, bead: int = 0, severities: Mapping[str, str] | None = None) -> list[Finding]:
    """Names, negation, hedges, quotations and attributions of one bead.

    Negations are counted (one more or one fewer matters); hedges, quotations and attributions only need to be
    there on both sides, since translations regroup them freely.
    """
    findings: list[Finding] = []
    src_words, tgt_words = words(src.text), words(tgt.text)
    said = set(src_words)
    src_words += list(dict.fromkeys(stem for stem in map(place_stem, src_words) if stem not in said))
    src_folded, tgt_folded = {fold(w) for w in src_words}, {fold(w) for w in tgt_words}
    if len(src.claim.names) * len(tgt_words) + len(tgt.claim.names) * len(src_words) > _PAIRWISE_NAMES:
        src_words, tgt_words = _name_like(src_words), _name_like(tgt_words)
    src_words, tgt_words = list(dict.fromkeys(src_words)), list(dict.fromkeys(tgt_words))  # each word compared once
    in_target = spelling_partners(tgt_words)
    dropped = [
        n for n in src.claim.names if n.key not in tgt_folded and not _found(n.text, tgt_words, in_target, src.text)
    ]
    dropped += _repeats_lost(src.claim.names, tgt.text, dropped)
    said_in_source = _said_in(src_words)
    added = [
        n
        for n in tgt.claim.names
        if n.key not in src_folded
        and not said_in_source(n.text)
        and not written_inside(n.text, src.text)
        and not _heads_a_compound(n.text, src_words)
    ]
    dropped, added = _translated_acronyms(dropped, added, tgt.text, said_in_source)
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
    findings += _negation_findings(src, tgt, bead, severities)
    findings += _hedge_findings(src, tgt, bead, severities)
    for kind, src_cues, tgt_cues in (
        ("quote", src.claim.quotes, tgt.claim.quotes),
        ("attribution", src.claim.attributions, tgt.claim.attributions),
    ):
        if src_cues and tgt_cues:
            src_cues, tgt_cues = src_cues[:1], tgt_cues[:1]
        findings += _count_cues(kind, src_cues, tgt_cues, bead, severities)
    return findings
