"""Findings: what happened to each figure and claim of the source in the translation.

Within each bead (a sentence-alignment link) source and target figures are matched: equal value and unit
first, then equal value with a different qualifier, unit or currency (changed), then a value a translator
would round to (preserved, noted), then the rest pairwise by kind (changed value, scale, decimal, range
bound, sign) and finally dropped or added. A figure dropped from one bead and added in a neighbouring bead
is preserved and noted as moved. Claims (names, negation, hedges, quotes, attributions) are compared the
same way per bead. Each finding has a severity from a table the caller can override.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import product
from typing import Any

from align.claims import Claim, Cue, capitalized_words, extract_claims, similar
from align.figures import Figure, extract, superscript
from align.vocab import SEVERITIES

DEFAULT_SEVERITY: dict[str, str] = {
    "figure.changed": "error",
    "figure.dropped": "error",
    "figure.added": "warning",
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
}
_SCALE_NAMES = {
    ("de", 3): "Tausend",
    ("de", 6): "Millionen",
    ("de", 9): "Milliarden",
    ("de", 12): "Billion",
    ("en", 3): "thousand",
    ("en", 6): "million",
    ("en", 9): "billion",
    ("en", 12): "trillion",
}
_NUMERIC_KINDS = {"number", "percent", "percentage_points", "money", "quantity", "ordinal", "year"}


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


@dataclass(frozen=True)
class Side:
    """One side of a bead: its figures and claims, read from its segments."""

    text: str
    figures: tuple[Figure, ...]
    claim: Claim


def _shown(figure: Figure) -> str:
    if figure.qualifier_text == "+":
        return figure.text + "+"
    return f"{figure.qualifier_text} {figure.text}" if figure.qualifier_text else figure.text


def _severity(key: str, severities: Mapping[str, str] | None) -> str:
    if severities and key in severities:
        return severities[key]
    return DEFAULT_SEVERITY.get(key, "warning")


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


_SYMBOLS = set("°%$€£¥₹₩")


def _units_agree(a: Figure, b: Figure) -> bool:
    """Same unit; or one side names none and the other's unit is a word a translation may leave out."""
    if a.unit is None or b.unit is None:
        return a.unit == b.unit or not (_SYMBOLS & set(a.text + b.text))
    if a.unit == b.unit:
        return True
    return {a.unit, b.unit} <= {"CNY", "JPY"} and "¥" in a.text + b.text


def _same_value(a: Figure, b: Figure) -> str | None:
    """The reading on which two figures agree, or None."""
    for value in a.values:
        if value in b.values:
            return value
    return None


def _rounded(a: Figure, b: Figure) -> bool:
    """The target b is the source a rounded to fewer digits, within 5 % ('16,9' → '17'); never the reverse."""
    if a.kind not in _NUMERIC_KINDS - {"year", "ordinal"} or b.kind not in _NUMERIC_KINDS - {"year", "ordinal"}:
        return False
    x, y = _decimal(a.value), _decimal(b.value)
    if x is None or y is None or x == 0 or y == 0 or not _units_agree(a, b):
        return False
    if abs(x - y) > Decimal("0.05") * max(abs(x), abs(y)):
        return False
    exponent = y.normalize().as_tuple().exponent
    return (
        isinstance(exponent, int)
        and exponent > x.normalize().as_tuple().exponent
        and (x.quantize(Decimal(1).scaleb(exponent)) == y)
    )


def _digits(figure: Figure) -> str:
    return "".join(c for c in figure.text if c.isdigit()).rstrip("0")


def _difference(src: Figure, tgt: Figure, src_lang: str, tgt_lang: str) -> tuple[str, str]:
    """(aspect, message) for two figures that were paired but differ."""
    if _same_value(src, tgt) is not None:
        if src.qualifier != tgt.qualifier:
            if tgt.qualifier is None:
                return "qualifier", f"hedge lost: '{_shown(src)}' → '{_shown(tgt)}'"
            if src.qualifier is None:
                return "qualifier", f"hedge added: '{_shown(src)}' → '{_shown(tgt)}'"
            return "qualifier", f"qualifier: {src.qualifier} → {tgt.qualifier} ('{_shown(src)}' → '{_shown(tgt)}')"
        if src.kind == "money" or tgt.kind == "money":
            return "currency", f"currency: {src.unit} → {tgt.unit} ('{src.text}' → '{tgt.text}')"
        return "unit", f"unit: {src.unit} → {tgt.unit} ('{src.text}' → '{tgt.text}')"
    if src.kind == "money" and tgt.kind == "money" and src.unit != tgt.unit:
        return "currency", f"currency and value: '{src.text}' ({src.unit}) → '{tgt.text}' ({tgt.unit})"
    if src.scale is not None and tgt.scale is not None and src.scale != tgt.scale:
        sx, tx = _decimal(src.value), _decimal(tgt.value)
        if sx is not None and tx is not None and sx.scaleb(-src.scale) == tx.scaleb(-tgt.scale):
            src_word = _SCALE_NAMES.get((src_lang, src.scale), "")
            tgt_word = _SCALE_NAMES.get((tgt_lang, tgt.scale), "")
            return "scale", (
                f"scale: {superscript(src.scale)} ({src_word}) → {superscript(tgt.scale)} ({tgt_word})"
                f" ('{src.text}' → '{tgt.text}')"
            )
    if src.kind == "range" and tgt.kind == "range":
        bound = "lower" if src.value.partition("..")[0] != tgt.value.partition("..")[0] else "upper"
        return "range", f"range {bound} bound: '{src.text}' ({src.value}) → '{tgt.text}' ({tgt.value})"
    if _digits(src) and _digits(src) == _digits(tgt):
        return "decimal", f"decimal misread: {src.text} → {tgt.text} ({src.value} → {tgt.value})"
    if src.value.lstrip("-") == tgt.value.lstrip("-"):
        return "sign", f"sign: {src.text} → {tgt.text}"
    if src.kind in ("date", "time") or tgt.kind in ("date", "time"):
        return src.kind, f"{src.kind}: '{src.text}' ({src.value}) → '{tgt.text}' ({tgt.value})"
    return "value", f"value: '{_shown(src)}' ({src.value}) → '{_shown(tgt)}' ({tgt.value})"


def _pairable(src: Figure, tgt: Figure) -> bool:
    if src.kind == tgt.kind:
        return True
    groups = (
        {"number", "quantity", "money", "ordinal"},
        {"percent", "percentage_points"},
        {"date", "range"},
        {"number", "year"},
    )
    return any(src.kind in g and tgt.kind in g for g in groups)


_IMPLICIT_TWO = {
    "de": re.compile(r"(?i)\b(?:beide\w*|paar|zwillinge?|doppel\w*)\b"),
    "en": re.compile(r"(?i)\b(?:pair|couple|twins?|double)\b"),
}


def _implicit(figure: Figure, other_text: str, other_lang: str) -> str | None:
    """A written-out 'two' the other side says without a figure ('zwischen beiden' / 'between the two')."""
    if figure.value == "2" and figure.text.isalpha() and other_text:
        found = _IMPLICIT_TWO["de" if other_lang.startswith("de") else "en"].search(other_text)
        return found.group() if found else None
    return None


_PAIRWISE_LIMIT = 250_000


def _exact(left: list[Figure], right: list[Figure], test) -> list[tuple[Figure, Figure]]:
    """Pairs with equal values (and `test`), in text order, found through an index: linear in the figures."""
    by_value: dict[str, list[Figure]] = {}
    for t in right:
        by_value.setdefault(t.value, []).append(t)
    pairs = []
    for s in list(left):
        for t in by_value.get(s.value, ()):
            if test(s, t):
                pairs.append((s, t))
                by_value[s.value].remove(t)
                break
    taken_left = {id(s) for s, _ in pairs}
    taken_right = {id(t) for _, t in pairs}
    left[:] = [s for s in left if id(s) not in taken_left]
    right[:] = [t for t in right if id(t) not in taken_right]
    return pairs


LINK_CONTEXT = 8  # at most this many tokens before a figure tell what it is about ('Siemens meldete' 3,1 Mrd.)


def _link_weight(a: str, b: str) -> int:
    """A link between two spellings of one name ('Berlin'/'Berlin', 'München'/'Munich') anchors a figure
    more than one between other words; punctuation and short function words ('in', 'um') not at all."""
    if a[:1].isupper() and b[:1].isupper() and similar(a, b):
        return 2
    return int(a.isalpha() and b.isalpha() and len(a) > 2 and len(b) > 2)


def link_strength(
    alignment: Any, src_figures: Sequence[Figure], tgt_figures: Sequence[Figure]
) -> Callable[[Figure, Figure], int]:
    """How strongly the word links of a bead (`.source`/`.target` tokens with document spans, `.links` index
    pairs) tie a source figure to a target figure: the weighted links between the words that lead up to each
    (after the figure before it, at most LINK_CONTEXT tokens). The figures' own tokens are left out: a word
    aligner links numbers by position, not by what they count. Each call takes O(LINK_CONTEXT) lookups."""
    linked_from: dict[int, list[tuple[int, int]]] = {}
    for i, j in alignment.links:
        weight = _link_weight(alignment.source[i].text, alignment.target[j].text)
        if weight:
            linked_from.setdefault(i, []).append((j, weight))
    source_lead = _leads(alignment.source, src_figures)
    target_lead = _leads(alignment.target, tgt_figures)

    def strength(s: Figure, t: Figure) -> int:
        a, b = source_lead(s), target_lead(t)
        return sum(weight for i in a for j, weight in linked_from.get(i, ()) if j in b)

    return strength


def _leads(tokens: Sequence[Any], figures: Sequence[Figure]) -> Callable[[Figure], range]:
    """For a figure, the indices of the tokens that lead up to it: after the figure before it, at most
    LINK_CONTEXT of them (by binary search over the token and figure spans, which are in text order)."""
    token_starts = [token.start for token in tokens]
    token_ends = [token.end for token in tokens]
    figure_ends = sorted(f.end for f in figures)

    def lead(figure: Figure) -> range:
        previous = bisect_right(figure_ends, figure.start)
        after = figure_ends[previous - 1] if previous else -1
        last = bisect_right(token_ends, figure.start)
        first = max(bisect_left(token_starts, after), last - LINK_CONTEXT)
        return range(first, last)

    return lead


def _most_linked(
    left: list[Figure],
    right: list[Figure],
    test: Callable[[Figure, Figure], bool],
    linked: Callable[[Figure, Figure], int],
) -> list[tuple[Figure, Figure]]:
    """Pairs passing `test`, the most strongly linked first (text order among equals), each figure once;
    unlinked pairs are left. One figure on each side pairs the same with links or without (in text order, next),
    so `linked` is asked only when there are more."""
    if len(left) * len(right) > _PAIRWISE_LIMIT or max(len(left), len(right)) < 2:
        return []
    candidates = [(s, t) for s, t in product(left, right) if test(s, t)]
    scored = sorted(((linked(s, t), k, s, t) for k, (s, t) in enumerate(candidates)), key=lambda x: (-x[0], x[1]))
    pairs, used = [], set()
    for score, _, s, t in scored:
        if score > 0 and id(s) not in used and id(t) not in used:
            pairs.append((s, t))
            used |= {id(s), id(t)}
    left[:] = [s for s in left if id(s) not in used]
    right[:] = [t for t in right if id(t) not in used]
    return pairs


def compare_figures(
    src: Sequence[Figure],
    tgt: Sequence[Figure],
    bead: int = 0,
    src_lang: str = "de",
    tgt_lang: str = "en",
    severities: Mapping[str, str] | None = None,
    src_text: str = "",
    tgt_text: str = "",
    linked: Callable[[Figure, Figure], int] | None = None,
) -> list[Finding]:
    """Match the figures of one bead and say what happened to each (texts help with implicit 'two').

    Equal values (then ambiguous readings, then roundings) are matched first; of the figures left, those that
    `linked` (word links, `link_strength`) ties together are changed into each other, strongest first; the rest
    pair up in text order when the counts agree.
    """
    findings: list[Finding] = []
    left, right = list(src), list(tgt)
    read_qualifiers = src_lang[:2] in ("de", "en") and tgt_lang[:2] in ("de", "en")

    def same_q(s: Figure, t: Figure) -> bool:
        return s.qualifier == t.qualifier or not read_qualifiers

    def take(test) -> list[tuple[Figure, Figure]]:
        pairs = []
        if len(left) * len(right) > _PAIRWISE_LIMIT:
            return pairs
        for s in list(left):
            for t in right:
                if test(s, t):
                    pairs.append((s, t))
                    left.remove(s)
                    right.remove(t)
                    break
        return pairs

    def preserved(s: Figure, t: Figure, severity: str = "info", note: str = "") -> Finding:
        return Finding(
            "preserved",
            "figure",
            severity,
            f"preserved: '{_shown(s)}' → '{_shown(t)}'",
            bead,
            source=s,
            target=t,
            note=note,
        )

    for s, t in _exact(left, right, lambda s, t: same_q(s, t) and _units_agree(s, t)):
        findings.append(preserved(s, t, "none"))
    for s, t in take(lambda s, t: _same_value(s, t) is not None and same_q(s, t) and _units_agree(s, t)):
        findings.append(preserved(s, t, note=f"ambiguous number read as {_same_value(s, t)}"))
    for s, t in take(lambda s, t: _rounded(s, t) and same_q(s, t)):
        findings.append(preserved(s, t, note=f"rounded: {s.value} → {t.value}"))
    changed = take(lambda s, t: _same_value(s, t) is not None or _rounded(s, t))
    if linked is not None:
        changed += _most_linked(left, right, _pairable, linked)
    changed += take(lambda s, t: _pairable(s, t) and len(left) == len(right))
    changed += take(lambda s, t: s.kind == t.kind and s.unit == t.unit and s.unit is not None)
    for s, t in changed:
        aspect, message = _difference(s, t, src_lang, tgt_lang)
        findings.append(
            Finding("changed", "figure", _severity("figure.changed", severities), message, bead, aspect, s, t)
        )
    for s in list(left):
        word = _implicit(s, tgt_text, tgt_lang)
        if word:
            left.remove(s)
            findings.append(
                Finding(
                    "preserved",
                    "figure",
                    "info",
                    f"preserved: '{s.text}' → '{word}'",
                    bead,
                    source=s,
                    note=f"said without a figure: '{word}'",
                )
            )
    for t in list(right):
        word = _implicit(t, src_text, src_lang)
        if word:
            right.remove(t)
            findings.append(
                Finding(
                    "preserved",
                    "figure",
                    "info",
                    f"preserved: '{word}' → '{t.text}'",
                    bead,
                    target=t,
                    note=f"said without a figure: '{word}'",
                )
            )
    for s in left:
        findings.append(
            Finding(
                "dropped",
                "figure",
                _severity("figure.dropped", severities),
                f"dropped: '{_shown(s)}' ({s.kind} {s.value})",
                bead,
                "value",
                s,
                None,
            )
        )
    for t in right:
        findings.append(
            Finding(
                "added",
                "figure",
                _severity("figure.added", severities),
                f"added: '{_shown(t)}' ({t.kind} {t.value})",
                bead,
                "value",
                None,
                t,
            )
        )
    return findings


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
                _severity(f"{kind}.dropped", severities),
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
                "added", kind, _severity(f"{kind}.added", severities), f"{label} added: '{t.text}'", bead, kind, None, t
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
                _severity("name.changed", severities),
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
                _severity("name.dropped", severities),
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
                "added", "name", _severity("name.added", severities), f"name added: '{t.text}'", bead, "name", None, t
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


def read_side(
    text: str, language: str, offset: int = 0, protected: tuple[tuple[int, int], ...] = (), segment: int = 0
) -> Side:
    """Figures and claims of one text (a sentence or the joined sentences of one bead side)."""
    return Side(
        text, extract(text, language, protected, offset, segment), extract_claims(text, language, offset, segment)
    )


def compare_pair(
    source: str,
    target: str,
    src_lang: str = "de",
    tgt_lang: str = "en",
    bead: int = 0,
    severities: Mapping[str, str] | None = None,
    claims: bool = True,
) -> tuple[Finding, ...]:
    """Every finding for one independent sentence pair."""
    src, tgt = read_side(source, src_lang), read_side(target, tgt_lang)
    findings = compare_figures(src.figures, tgt.figures, bead, src_lang, tgt_lang, severities, source, target)
    if claims:
        findings += compare_claims(src, tgt, bead, severities)
    return tuple(findings)


def _bead_side(segments: Sequence[object], indices: Sequence[int], language: str) -> Side:
    figures: list[Figure] = []
    texts = []
    claims: list[Claim] = []
    for i in indices:
        seg = segments[i]
        text = getattr(seg, "text", seg)
        offset = getattr(seg, "start", 0)
        protected = getattr(seg, "protected", ())
        figures += extract(text, language, protected, offset, i)
        claims.append(extract_claims(text, language, offset, i))
        texts.append(text)
    merged = Claim(
        language,
        *(
            tuple(c for cl in claims for c in getattr(cl, field))
            for field in ("names", "negations", "hedges", "quotes", "attributions")
        ),
        segment=indices[0] if indices else 0,
    )
    return Side(" ".join(texts), tuple(figures), merged)


def _moved(findings: list[Finding], window: int = 1) -> list[Finding]:
    """A figure dropped in one bead and added with the same value in a neighbouring bead was moved."""
    result = list(findings)
    added: dict[tuple[int, str], list[int]] = {}
    for j, f in enumerate(result):
        if f.kind == "figure" and f.status == "added" and isinstance(f.target, Figure):
            for value in f.target.values:
                added.setdefault((f.bead, value), []).append(j)
    for i, drop in enumerate(result):
        s = drop.source
        if drop.kind != "figure" or drop.status != "dropped" or not isinstance(s, Figure):
            continue
        candidates = [
            j
            for bead in range(drop.bead - window, drop.bead + window + 1)
            for value in s.values
            for j in added.get((bead, value), ())
            if result[j].status == "added" and result[j].target.qualifier == s.qualifier
        ]
        if candidates:
            j = min(candidates, key=lambda k: abs(result[k].bead - drop.bead))
            t = result[j].target
            result[i] = Finding(
                "preserved",
                "figure",
                "info",
                f"preserved: '{_shown(s)}' → '{_shown(t)}'",
                drop.bead,
                "",
                s,
                t,
                note=f"moved from bead {drop.bead} to bead {result[j].bead}",
            )
            result[j] = replace(result[j], status="moved")
    return [f for f in result if f.status != "moved"]


def _lazy_strength(
    word_links: Callable[[int], Any], number: int, src_figures: Sequence[Figure], tgt_figures: Sequence[Figure]
) -> Callable[[Figure, Figure], int]:
    """`link_strength` of bead `number`, with its word alignment asked for at the first call, not before."""

    @cache
    def strength() -> Callable[[Figure, Figure], int] | None:
        alignment = word_links(number)
        return None if alignment is None else link_strength(alignment, src_figures, tgt_figures)

    def linked(s: Figure, t: Figure) -> int:
        measure = strength()
        return 0 if measure is None else measure(s, t)

    return linked


def compare_beads(
    src_segments: Sequence[object],
    tgt_segments: Sequence[object],
    beads: Sequence[object],
    src_lang: str = "de",
    tgt_lang: str = "en",
    severities: Mapping[str, str] | None = None,
    claims: bool = True,
    word_links: Callable[[int], Any] | None = None,
) -> tuple[Finding, ...]:
    """Findings for aligned documents: `beads` hold `.source`/`.target` segment indices (or are pairs).

    `word_links(number)`, the word alignment of a bead (None where there is none), decides which changed figure
    is which; it is asked only for the beads where that is open (more than one candidate figure on a side).
    """
    findings: list[Finding] = []
    for number, bead in enumerate(beads):
        src_idx = getattr(bead, "source", None)
        tgt_idx = getattr(bead, "target", None)
        if src_idx is None:
            src_idx, tgt_idx = bead
        src = _bead_side(src_segments, src_idx, src_lang)
        tgt = _bead_side(tgt_segments, tgt_idx, tgt_lang)
        linked = None if word_links is None else _lazy_strength(word_links, number, src.figures, tgt.figures)
        findings += compare_figures(
            src.figures, tgt.figures, number, src_lang, tgt_lang, severities, src.text, tgt.text, linked
        )
        if claims and src_idx and tgt_idx:
            findings += compare_claims(src, tgt, number, severities)
    return tuple(_moved(findings))


def at_or_above(findings: Sequence[Finding], level: str) -> list[Finding]:
    """The findings whose severity is `level` or worse (never for 'none'-level preserved figures)."""
    if level == "never":
        return []
    floor = SEVERITIES.index(level)
    return [f for f in findings if f.status != "preserved" and SEVERITIES.index(f.severity) >= max(floor, 1)]


def parse_severities(overrides: Sequence[str]) -> dict[str, str]:
    """`KIND.STATUS=LEVEL` strings (from `--severity`) as a table over the defaults."""
    from align.errors import InputError

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
