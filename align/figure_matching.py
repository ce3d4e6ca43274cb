"""Figure matching: what happened to each figure of one bead between source and target.

Source and target figures are matched: equal value and unit first, then equal value with a different qualifier,
unit or currency (changed), then a value a translator would round to (preserved, noted), then the rest pairwise
by kind (changed value, scale, decimal, range bound, sign), tied together by word links where a bead leaves the
pairing open, and finally dropped or added. A figure dropped from one bead and added in a neighbouring bead is
preserved and noted as moved (`moved`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import Any

from align.claims import similar
from align.figures import Figure, superscript
from align.findings import Finding, severity

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


def _shown(figure: Figure) -> str:
    if figure.qualifier_text == "+":
        return figure.text + "+"
    return f"{figure.qualifier_text} {figure.text}" if figure.qualifier_text else figure.text


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
            Finding("changed", "figure", severity("figure.changed", severities), message, bead, aspect, s, t)
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
                severity("figure.dropped", severities),
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
                severity("figure.added", severities),
                f"added: '{_shown(t)}' ({t.kind} {t.value})",
                bead,
                "value",
                None,
                t,
            )
        )
    return findings


def moved(findings: list[Finding], window: int = 1) -> list[Finding]:
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
