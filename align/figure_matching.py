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
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import product
from typing import TYPE_CHECKING, Any

from align.claims import similar
from align.figures import (
    _DATE_KINDS,
    _POSTFIX_QUALIFIERS,
    _UNSURE_BOUNDS,
    QUALIFIER_FAMILY,
    SOFT_UNITS,
    Figure,
    qualifiers_agree,
    superscript,
    to_decimal,
)
from align.findings import Finding, severity

if TYPE_CHECKING:
    from align.words import AlignedPair

_SCALE_NAMES = {
    ("de", 3): "Tausend",
    ("de", 6): "Millionen",
    ("de", 9): "Milliarden",
    ("de", 12): "Billion",
    ("de", 15): "Billiarden",
    ("de", 18): "Trillionen",
    ("en", 3): "thousand",
    ("en", 6): "million",
    ("en", 9): "billion",
    ("en", 12): "trillion",
}
_NUMERIC_KINDS = {"number", "percent", "percentage_points", "money", "quantity", "ordinal", "year"}
_DOUBTS = {
    "list number": "a list or section number, which a translation may renumber or drop with the list",
    "ordinal word": "an ordinal word, which may be said in other words",
    "code": "a code or model name, not a figure to compare",
    "vague number": "a vague number word, which may be said in other words",
    "multiplier word": "a multiplier word, which may be said in other words",
}


_ONE_OF_A_KIND = frozenset({"time", "date", "percent", "money"})


def _shown(figure: Figure) -> str:
    if figure.qualifier == "difference":
        return f"{figure.text} {figure.qualifier_text}"
    if figure.qualifier_text == "+" and "+" in figure.text:
        return figure.text  # '6+ years'
    if figure.qualifier_text == "+" or figure.qualifier_text.lower() in _POSTFIX_QUALIFIERS:
        sep = "" if figure.qualifier_text[:1] in "+-" else " "
        return f"{figure.text}{sep}{figure.qualifier_text}"
    lead = figure.bound_text or figure.qualifier_text
    return f"{lead} {figure.text}" if lead else figure.text


def _uncertain(message: str, reason: str) -> str:
    """The message of a low-confidence finding, with why the checker is unsure."""
    return f"{message} [uncertain: {reason}]"


_SYMBOLS = set("°%$€£¥₹₩")


_DEGREES = {"degree", "°C", "°F"}


def _units_agree(a: Figure, b: Figure, strict: bool = True) -> bool:
    """Same unit; or one side names none and the other's unit is one a translation may leave out or restate (a
    time unit, '×', a currency or percent written as a word). A physical unit that is lost ('500 Grad' → '500
    grade', 'drei bar' → 'three cash') or changed ('40 mm' → '40 nm') does not agree."""
    if a.unit == b.unit:
        return True
    if _count_and_rank(a, b):
        return False
    if a.unit is None or b.unit is None:
        unit = a.unit or b.unit
        # a currency, percent or physical unit lost ('ca 200 eur' → 'about 200') counts something else; not strict:
        # a language whose unit words are not read
        return unit in SOFT_UNITS or not strict
    if {a.unit, b.unit} <= _DEGREES:
        return True
    return {a.unit, b.unit} <= {"CNY", "JPY"} and "¥" in a.text + b.text


# Factors of the conversions a localization makes (to the metric unit): a converted figure is the same figure
# ('375 pounds' = '170 Kilogramm', 'around 10 miles' = 'etwa 16 Kilometer', '5'5"' = '1,65 m')
_CONVERSIONS: dict[tuple[str, str], Decimal] = {
    ("lb", "kg"): Decimal("0.45359237"),
    ("lb", "g"): Decimal("453.59237"),
    ("oz", "g"): Decimal("28.349523125"),
    ("mi", "km"): Decimal("1.609344"),
    ("mph", "km/h"): Decimal("1.609344"),
    ("yd", "m"): Decimal("0.9144"),
    ("ft", "m"): Decimal("0.3048"),
    ("ft", "cm"): Decimal("30.48"),
    ("in", "cm"): Decimal("2.54"),
    ("in", "mm"): Decimal("25.4"),
    ("ft²", "m²"): Decimal("0.09290304"),
    ("acre", "ha"): Decimal("0.40468564224"),
    ("gal", "l"): Decimal("3.785411784"),
}
_CONVERSION_TOLERANCE = Decimal("0.04")  # a translator rounds: '10 miles' → '16 km', '130 pounds' → '59 kg'


def _possible_units(figure: Figure) -> set[str | None]:
    """The units a figure may be in: its own, and 'lb' for 'pounds' or 'Pfund' written as a word, which may weigh as
    well as pay."""
    units = {figure.unit}
    if figure.unit == "GBP" and "£" not in figure.text and re.search(r"(?i)pound|pfund", figure.text):
        units.add("lb")
    return units


@dataclass(frozen=True)
class _Conversion:
    """Two figures in an imperial and a metric unit: the imperial one's values said in the metric unit."""

    imperial: Figure
    metric: Figure
    units: str  # 'lb → kg'
    values: tuple[Decimal, ...]  # the imperial figure's value (each end of a range), converted
    metric_values: tuple[Decimal, ...]

    @property
    def agrees(self) -> bool:
        """The metric figure is the imperial one converted, within a translator's rounding."""
        return all(
            abs(v - q) <= _CONVERSION_TOLERANCE * max(abs(v), abs(q))
            for v, q in zip(self.values, self.metric_values, strict=True)
        )

    def said(self) -> str:
        return " to ".join(format(v.quantize(Decimal("0.01")).normalize(), "f") for v in self.values)


def _conversion(a: Figure, b: Figure) -> _Conversion | None:
    """The conversion between two figures in an imperial and a metric unit (of every end of a range), if any."""
    if a.unit is None or b.unit is None or a.unit == b.unit:
        return None
    for ua, ub in product(_possible_units(a), _possible_units(b)):
        if ua is None or ub is None or ua == ub:
            continue
        (imperial, x), (metric, y) = (
            ((ua, a), (ub, b)) if (ua, ub) in _CONVERSIONS or ua == "°F" else ((ub, b), (ua, a))
        )
        factor = _CONVERSIONS.get((imperial, metric))
        if factor is None and (imperial, metric) != ("°F", "°C"):
            continue
        xs = [to_decimal(p) for p in x.value.split("..")]
        ys = [to_decimal(q) for q in y.value.split("..")]
        if len(xs) != len(ys) or None in xs or None in ys:
            continue
        values = tuple((p - 32) * 5 / 9 if factor is None else p * factor for p in xs if p is not None)
        return _Conversion(x, y, f"{imperial} → {metric}", values, tuple(q for q in ys if q is not None))
    return None


def _converted(a: Figure, b: Figure) -> bool:
    """One figure is the other converted between an imperial and a metric unit, within rounding."""
    conversion = _conversion(a, b)
    return conversion is not None and conversion.agrees


def _qualifiers_ok(s: Figure, t: Figure) -> bool:
    """The qualifiers assert the same values or paraphrase each other; an unsure reading ('um 15': about or by
    15) agrees with no qualifier or one of its own family, not with a neighbouring family ('um' ≠ 'nearly')."""
    if not (s.qualifier_sure and t.qualifier_sure):
        if s.qualifier is None or t.qualifier is None:
            return True
        return QUALIFIER_FAMILY.get(s.qualifier) == QUALIFIER_FAMILY.get(t.qualifier)
    return qualifiers_agree(s.qualifier, t.qualifier)


def _unsure_bound(figure: Figure) -> bool:
    return figure.bound_text.lower() in _UNSURE_BOUNDS


def _bounds_ok(s: Figure, t: Figure) -> bool:
    """The same time bound ('bis März 1990' ~ 'until March 1990'), or one that may only date the event
    ('by 2030')."""
    if s.bound == t.bound:
        return True
    return (s.bound is None and _unsure_bound(t)) or (t.bound is None and _unsure_bound(s))


def _reading_ok(s: Figure, t: Figure) -> bool:
    return _qualifiers_ok(s, t) and _bounds_ok(s, t) and _units_agree(s, t)


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
    x, y = to_decimal(a.value), to_decimal(b.value)
    if x is None or y is None or x == 0 or y == 0 or not _units_agree(a, b):
        return False
    if abs(x - y) > Decimal("0.05") * max(abs(x), abs(y)):
        return False
    exponent, x_exponent = y.normalize().as_tuple().exponent, x.normalize().as_tuple().exponent
    return (
        isinstance(exponent, int)
        and isinstance(x_exponent, int)
        and exponent > x_exponent
        and (x.quantize(Decimal(1).scaleb(exponent)) == y)
    )


def _digits(figure: Figure) -> str:
    return "".join(c for c in figure.text if c.isdigit()).rstrip("0")


def _difference(src: Figure, tgt: Figure, src_lang: str, tgt_lang: str) -> tuple[str, str, str]:
    """(aspect, message, doubt) for two figures that were paired but differ; `doubt` is why the finding is
    uncertain ('' when it is not)."""
    # A figure that may be said in words is uncertain when it has no counterpart, not when its counterpart differs
    # ('drittgrößte' → 'fourth largest'); a list number may be renumbered.
    reason = _DOUBTS["list number"] if "list number" in (src.doubt, tgt.doubt) else ""
    if _same_value(src, tgt) is not None:
        if not _qualifiers_ok(src, tgt):
            # an unsure word ('um 2 %': about or by) against a qualifier that only its one reading agrees with
            # ('nearly') is uncertain; against one that neither reading agrees with ('up to') it is not
            unsure_side = not (src.qualifier_sure and tgt.qualifier_sure)
            unsure = (
                "the qualifier word may mean something else"
                if unsure_side and qualifiers_agree(src.qualifier, tgt.qualifier)
                else ""
            )
            if "difference" in (src.qualifier, tgt.qualifier):
                what = "lost" if tgt.qualifier is None else "added" if src.qualifier is None else "changed"
                message = f"difference {what}: '{_shown(src)}' → '{_shown(tgt)}' (a difference, not an amount)"
                return "qualifier", message, unsure or reason
            if tgt.qualifier is None:
                return "qualifier", f"hedge lost: '{_shown(src)}' → '{_shown(tgt)}'", unsure or reason
            if src.qualifier is None:
                return "qualifier", f"hedge added: '{_shown(src)}' → '{_shown(tgt)}'", unsure or reason
            families = f"{QUALIFIER_FAMILY.get(src.qualifier)} → {QUALIFIER_FAMILY.get(tgt.qualifier)}"
            return (
                "qualifier",
                f"qualifier: {src.qualifier} → {tgt.qualifier}, {families} ('{_shown(src)}' → '{_shown(tgt)}')",
                unsure or reason,
            )
        if not _bounds_ok(src, tgt):
            unsure = "the time word may only date the event" if _unsure_bound(src) or _unsure_bound(tgt) else ""
            what = "lost" if tgt.bound is None else "added" if src.bound is None else "changed"
            if what == "lost" and src.bound == "since":
                unsure = (
                    unsure or "the target may state the same fact from its start ('seit 1998' → 'acquired in 1998')"
                )
            return "bound", f"time bound {what}: '{_shown(src)}' → '{_shown(tgt)}'", unsure or reason
        if src.kind == "money" or tgt.kind == "money":
            return "currency", f"currency: {src.unit} → {tgt.unit} ('{src.text}' → '{tgt.text}')", reason
        if src.unit is None or tgt.unit is None:
            what = "lost" if tgt.unit is None else "added"
            whole = src if tgt.unit is None else tgt
            compound = re.search(r"\d-\D", whole.text) is not None  # '40-bit': a compound may fold its unit
            bare = src if tgt.unit is not None else tgt
            why = "the unit is part of a compound word" if compound else ""
            if bare.kind == "year":  # a bare four-digit number may carry a unit the checker does not know
                why = why or "the other side's unit word is not one the checker knows"
            if what == "added":
                why = why or "the target may spell out a unit the source implies ('Tempo 30' → '30 km/h')"
            return (
                "unit",
                f"unit {what}: {src.unit or 'none'} → {tgt.unit or 'none'} ('{src.text}' → '{tgt.text}')",
                reason or why,
            )
        return "unit", f"unit: {src.unit} → {tgt.unit} ('{src.text}' → '{tgt.text}')", reason
    if src.kind == "money" and tgt.kind == "money" and src.unit != tgt.unit:
        return "currency", f"currency and value: '{src.text}' ({src.unit}) → '{tgt.text}' ({tgt.unit})", reason
    if src.scale is not None and tgt.scale is not None and src.scale != tgt.scale:
        sx, tx = to_decimal(src.value), to_decimal(tgt.value)
        if sx is not None and tx is not None and sx.scaleb(-src.scale) == tx.scaleb(-tgt.scale):
            src_word = _SCALE_NAMES.get((src_lang, src.scale), "")
            tgt_word = _SCALE_NAMES.get((tgt_lang, tgt.scale), "")
            return (
                "scale",
                f"scale: {superscript(src.scale)} ({src_word}) → {superscript(tgt.scale)} ({tgt_word})"
                f" ('{src.text}' → '{tgt.text}')",
                reason,
            )
    conversion = _conversion(src, tgt)
    if conversion is not None:  # 'I am 5 ft 6 inches' → '1,75 Meter'
        metric = conversion.units.split(" → ")[1]
        message = (
            f"conversion: '{conversion.imperial.text}' is {conversion.said()} {metric}, not '{conversion.metric.text}'"
        )
        return "unit", message, reason
    if src.unit and tgt.unit and src.unit != tgt.unit and not {src.unit, tgt.unit} <= _DEGREES:
        return "unit", f"unit and value: '{src.text}' ({src.unit}) → '{tgt.text}' ({tgt.unit})", reason
    if src.kind == "range" and tgt.kind == "range":
        bound = "lower" if src.value.partition("..")[0] != tgt.value.partition("..")[0] else "upper"
        return "range", f"range {bound} bound: '{src.text}' ({src.value}) → '{tgt.text}' ({tgt.value})", reason
    if "decade" in (src.kind, tgt.kind):
        return "date", f"decade: '{_shown(src)}' ({src.value}) → '{_shown(tgt)}' ({tgt.value})", reason
    if _digits(src) and _digits(src) == _digits(tgt) and src.kind not in ("date", "time") and _units_agree(src, tgt):
        return "decimal", f"decimal misread: {src.text} → {tgt.text} ({src.value} → {tgt.value})", reason
    if src.value.lstrip("-") == tgt.value.lstrip("-"):
        return "sign", f"sign: {src.text} → {tgt.text}", reason
    if src.kind == tgt.kind == "score" and src.value.split(":")[::-1] == tgt.value.split(":"):
        why = "a score may be said from either side (English says the winner's first: '1:4-Niederlage', 'a 4-1 defeat')"
        return "value", f"score order: '{src.text}' ({src.value}) → '{tgt.text}' ({tgt.value})", reason or why
    if src.kind in ("date", "time") or tgt.kind in ("date", "time"):
        return src.kind, f"{src.kind}: '{src.text}' ({src.value}) → '{tgt.text}' ({tgt.value})", reason
    if src.kind == "ordinal" or tgt.kind == "ordinal":
        return "value", f"ordinal: '{_shown(src)}' ({src.value}) → '{_shown(tgt)}' ({tgt.value})", reason
    return "value", f"value: '{_shown(src)}' ({src.value}) → '{_shown(tgt)}' ({tgt.value})", reason


_GERMAN_NOTATION = re.compile(r"\d,\d{1,2}(?!\d)|\d,\d{4,}|^\D*\d{1,3}(?:\.\d{3})+(?![\d,])")


def _notation(src: Figure, tgt: Figure, src_lang: str, tgt_lang: str) -> str | None:
    """The message when the English target keeps the German number format of its source ('150.000', '2,5
    million'), which an English reader reads as another number (150; 25 million or a list)."""
    if ("," not in tgt.text and "." not in tgt.text) or not (src_lang.startswith("de") and tgt_lang.startswith("en")):
        return None
    if to_decimal(tgt.value) is None:
        return None
    number = re.search(r"\d[\d.,]*\d|\d", tgt.text)
    if number is None or number.group() not in src.text or not _GERMAN_NOTATION.search(number.group()):
        return None
    raw = number.group()
    if "," in raw:
        reading = f"{raw.replace(',', '')} or a list"
    elif raw.count(".") == 1:
        reading = format(Decimal(raw).normalize(), "f")
    else:
        reading = "no number"
    return f"notation: German number format in the English '{tgt.text}' (an English reader reads {reading})"


def _count_and_rank(a: Figure, b: Figure) -> bool:
    """One is a count ('einmal', 'twice') and the other a rank ('first', 'zweite'): different figures, even of
    one value."""
    return "×" in (a.unit, b.unit) and "ordinal" in (a.kind, b.kind)


def _multiplier_and_measure(a: Figure, b: Figure) -> bool:
    """A multiplier ('einmal', 'Vierfachsieg') and a measure of something else ('3.5 years', '7 minutes'): never
    the same figure, however the counts fall."""
    return "×" in (a.unit, b.unit) and a.unit != b.unit and None not in (a.unit, b.unit)


def _pairable(src: Figure, tgt: Figure) -> bool:
    if src.kind == tgt.kind:
        return True
    if _count_and_rank(src, tgt):
        return False
    groups = (
        {"number", "quantity", "money", "ordinal"},
        {"percent", "percentage_points"},
        {"date", "range"},
        {"number", "year"},
        {"year", "decade", "date"},
        {"score", "range"},
    )
    return any(src.kind in g and tgt.kind in g for g in groups)


_IMPLICIT_TWO = {
    "de": re.compile(r"(?i)\b(?:beide\w*|paar|zwillinge?|doppel\w*)\b"),
    "en": re.compile(r"(?i)\b(?:pair|couple|twins?|double|both)\b"),
}
_UNIT_WORDS = {
    "year": ("year", "jahr"),
    "month": ("month", "monat"),
    "week": ("week", "woche"),
    "day": ("day", "tag"),
    "night": ("night", "nacht"),
    "hour": ("hour", "stunde"),
    "minute": ("minute", "minute"),
    "decade": ("decade", "jahrzehnt"),
    "century": ("century", "jahrhundert"),
}
_IMPLICIT_ONE = {
    language: {
        unit: re.compile(
            rf"(?i)\b(?:a|an|one|single|per|ein|eine|einer|einen|einem|eines|pro)\s+(?:[\w-]+\s+)?{words[i]}"
        )
        for unit, words in _UNIT_WORDS.items()
    }
    for i, language in enumerate(("en", "de"))
}


_FULL_WORDS = {
    "en": re.compile(r"(?i)\b(?:complete(?:ly)?|full(?:y)?|entire(?:ly)?|total(?:ly)?|absolute(?:ly)?|whole)\b"),
    "de": re.compile(r"(?i)\b(?:voll\w*|komplett\w*|ganz\w*|völlig\w*|gesamt\w*|absolut\w*)\b"),
}
_ONE_WORDS = {"en": re.compile(r"(?i)\b(?:one|single)\b"), "de": re.compile(r"(?i)\b(?:eins|einzige\w*|einzeln\w*)\b")}
_FIRST_WORDS = {
    "en": re.compile(r"(?i)\b(?:initial\w*|early|earliest|premier|top|lead\w*|maiden|debut|primary|opening)\b"),
    "de": re.compile(r"(?i)\b(?:anfänglich\w*|früh\w*|erstmal\w*|zuerst|Auftakt\w*|Premiere\w*|Spitze\w*)\b"),
}


def _implicit(figure: Figure, other_text: str, other_lang: str, own_text: str = "") -> str | None:
    """A figure the other side says without one: a written-out 'two' ('zwischen beiden' / 'between the two'), or
    one unit of time ('seit 1 Woche' / 'for a week')."""
    if not other_text:
        return None
    if figure.kind == "weekday" and re.search(rf"(?<!\w){re.escape(figure.text)}(?!\w)", other_text):
        return figure.text  # a title kept as it is: 'die „Welt am Sonntag“' → 'the "Welt am Sonntag"'
    language = "de" if other_lang.startswith("de") else "en"
    if figure.value == "2" and figure.text.isalpha():
        found = _IMPLICIT_TWO[language].search(other_text)
        own = _IMPLICIT_TWO["en" if language == "de" else "de"].search(own_text)
        return found.group() if found and not own else None  # 'beide' ~ 'both' is a pair of its own
    if figure.value == "100" and figure.unit == "%":  # '100 Prozent' / 'completely'
        found = _FULL_WORDS[language].search(other_text)
        return found.group() if found else None
    if figure.value == "1" and figure.kind == "ordinal" and figure.doubt:
        found = _FIRST_WORDS[language].search(other_text)
        return found.group() if found else None
    if figure.value == "1" and figure.unit is None and figure.kind == "number":
        found = _ONE_WORDS[language].search(other_text)  # 'Nummer 1' / 'number one'
        return found.group() if found else None
    if figure.value == "1" and figure.unit in _UNIT_WORDS:
        found = _IMPLICIT_ONE[language][figure.unit].search(other_text)
        return found.group() if found else None
    return None


def _two_parts(figure: Figure) -> tuple[str, str] | None:
    """The two numbers of a range or score ('62..64', '3:1'), read as plain numbers; None for other figures."""
    for value in figure.values:
        for sep in ("..", ":"):
            low, found, high = value.partition(sep)
            numbers = low.lstrip("-").replace(".", "", 1).isdigit() and high.replace(".", "", 1).isdigit()
            if found and numbers and figure.kind in ("range", "score"):
                return low, high
    return None


def _split(left: list[Figure], right: list[Figure]) -> list[tuple[Figure, Figure, Figure, bool]]:
    """A range or score on one side said as two figures on the other ('von 62 auf 64' / 'from 62 to 64', 'Platz 1
    bis 5' / '1st to 5th place', '3:1' / '3 to 1'): (the range, one figure, the other, range on the source side)."""
    found: list[tuple[Figure, Figure, Figure, bool]] = []
    if not left or not right:
        return found
    for whole, parts_side, source_whole in ((left, right, True), (right, left, False)):
        for f in list(whole):
            parts = _two_parts(f)
            if parts is None:
                continue
            a = next((g for g in parts_side if parts[0] in g.values and g.kind != "range"), None)
            b = next((g for g in parts_side if g is not a and parts[1] in g.values and g.kind != "range"), None)
            if a is not None and b is not None:
                whole.remove(f)
                parts_side.remove(a)
                parts_side.remove(b)
                found.append((f, a, b, source_whole))
    return found


_PAIRWISE_LIMIT = 250_000
_EXACT_SCAN = 64  # of the figures of one value, the first this many (in text order) are tried for each


def _exact(left: list[Figure], right: list[Figure], test) -> list[tuple[Figure, Figure]]:
    """Pairs with equal values (and `test`), in text order, found through an index: linear in the figures."""
    by_value: dict[str, list[Figure]] = {}
    for t in right:
        by_value.setdefault(t.value, []).append(t)
    pairs = []
    for s in list(left):
        candidates = by_value.get(s.value, [])
        for i, t in enumerate(candidates[:_EXACT_SCAN]):
            if test(s, t):
                pairs.append((s, t))
                del candidates[i]
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
    alignment: AlignedPair, src_figures: Sequence[Figure], tgt_figures: Sequence[Figure]
) -> Callable[[Figure, Figure], int]:
    """How strongly the word links of a bead (its tokens with document spans, and their links) tie a source figure
    to a target figure: the weighted links between the words that lead up to each (after the figure before it, at
    most LINK_CONTEXT tokens). The figures' own tokens are left out: a word
    aligner links numbers by position, not by what they count. Each call takes O(LINK_CONTEXT) lookups."""
    linked_from: dict[int, list[tuple[int, int]]] = {}
    for link in alignment.links:
        weight = _link_weight(alignment.source[link.source].text, alignment.target[link.target].text)
        if weight:
            linked_from.setdefault(link.source, []).append((link.target, weight))
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
) -> list[tuple[Figure, Figure, int]]:
    """Pairs passing `test` with their link strength, the most strongly linked first (text order among equals),
    each figure once; unlinked pairs are left. One figure on each side pairs the same with links or without (in
    text order, next), so `linked` is asked only when there are more."""
    if len(left) * len(right) > _PAIRWISE_LIMIT or max(len(left), len(right)) < 2:
        return []
    candidates = [(s, t) for s, t in product(left, right) if test(s, t)]
    scored = sorted(((linked(s, t), k, s, t) for k, (s, t) in enumerate(candidates)), key=lambda x: (-x[0], x[1]))
    pairs, used = [], set()
    for score, _, s, t in scored:
        if score > 0 and id(s) not in used and id(t) not in used:
            pairs.append((s, t, score))
            used |= {id(s), id(t)}
    left[:] = [s for s in left if id(s) not in used]
    right[:] = [t for t in right if id(t) not in used]
    return pairs


WEAK_LINK = 1  # a pairing by word links this strong or weaker (one ordinal word in common) is uncertain


def _unpaired(
    status: str,
    figure: Figure,
    bead: int,
    severities: Mapping[str, str] | None,
    doubt: str = "",
    *,
    sure: bool = False,
) -> Finding:
    """A figure of one side with no counterpart on the other: `dropped` (a source figure) or `added` (a target
    one); low confidence, so at most a warning, where the figure itself is in doubt (`Figure.doubt`, unless the
    caller is `sure` of it) or the caller is (`doubt`)."""
    reason = ("" if sure else _DOUBTS.get(figure.doubt, figure.doubt)) or doubt
    confidence = "low" if reason else "high"
    message = f"{status}: '{_shown(figure)}' ({figure.kind} {figure.value})"
    source, target = (figure, None) if status == "dropped" else (None, figure)
    # a code the source writes nowhere ('Galaxy S4' for 'Galaxy Buds') names a thing the source does not: no
    # explicitation adds one, so it has its own severity ('figure.added.code', an error by default); its aspect
    # stays "value", so that fingerprints accepted before keep matching
    code_added = sure and status == "added" and figure.kind == "code"
    key = "figure.added.code" if code_added else f"figure.{status}"
    return Finding(
        status,
        "figure",
        severity(key, severities, confidence),
        _uncertain(message, reason) if reason else message,
        bead,
        "value",
        source,
        target,
        confidence=confidence,
    )


_ELEMENTS = frozenset(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb"
    " Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt"
    " Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr".split()
)
_FORMULA_PART_RE = re.compile(r"([A-Z][a-z]?)(\d*)")


# a model name or number ends in its digits ('W1', 'S4', 'A350', 'A319neo', 'S10+'); a code with letters after its
# digits may abbreviate words ('E2EE' = 'Ende-zu-Ende-Verschlüsselung', 'B2B')
_MODEL_CODE_RE = re.compile(r"\d(?:\+|[a-z]{1,3})?$")


def _substance(code: str) -> bool:
    """A chemical formula of two elements or more ('CO2', 'H2O', 'CH4') or a particulate class ('PM10', 'PM2.5'):
    a substance, which the other language may name in words ('Kohlendioxid', 'fine dust')."""
    if re.fullmatch(r"PM\s?\d+(?:[.,]\d)?", code):
        return True
    parts = _FORMULA_PART_RE.findall(code)
    return (
        len(parts) >= 2
        and "".join(symbol + count for symbol, count in parts) == code
        and all(symbol in _ELEMENTS for symbol, _ in parts)
    )


def _code_gone(figure: Figure, other_text: str) -> bool:
    """A code or model name ('W1', 'Galaxy S10+') that the other side does not write anywhere: lost (or added)
    for sure, where one only renamed or said in words may be a paraphrase (as a substance may be: 'CO2')."""
    if figure.kind != "code" or not other_text or _substance(figure.text) or not _MODEL_CODE_RE.search(figure.text):
        return False  # a Roman ordinal, no code, may be said in words ('Henry the Eighth'), as 'E2EE' may be
    return re.sub(r"\s", "", figure.text).lower() not in re.sub(r"\s", "", other_text).lower()


def _kept_dates(side: Sequence[Figure], unpaired: list[Figure]) -> set[tuple[str, str]]:
    """(kind, value) of the dates of one side that are paired."""
    left = {id(f) for f in unpaired}
    return {(f.kind, f.value) for f in side if f.kind in _DATE_KINDS and id(f) not in left}


def _repeated(figure: Figure, kept: set[tuple[str, str]]) -> str:
    """Why an unpaired date is in doubt: the same date is said again on its side and that mention is paired
    ('seit 2018 … waren 2018 mehr als 350' → 'since 2018, when … '): one fact said once; '' otherwise."""
    again = (figure.kind, figure.value) in kept
    return "the same date is said again in this sentence and kept" if again else ""


def _said_in_words(
    figures: list[Figure], side: str, bead: int, texts: tuple[str, str], other_lang: str
) -> list[Finding]:
    """The figures of one `side` ("source" or "target") whose counterpart the other side says without a figure
    ('beide' ↔ 'both'): taken out of `figures` and preserved with a note. `texts`: this side's, the other's."""
    found = []
    for figure in list(figures):
        word = _implicit(figure, texts[1], other_lang, texts[0])
        if word:
            figures.remove(figure)
            said = (figure.text, word) if side == "source" else (word, figure.text)
            found.append(
                Finding(
                    "preserved",
                    "figure",
                    "info",
                    f"preserved: '{said[0]}' → '{said[1]}'",
                    bead,
                    source=figure if side == "source" else None,
                    target=figure if side == "target" else None,
                    note=f"said without a figure: '{word}'",
                )
            )
    return found


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

    Equal values (then ambiguous readings, then roundings, then a range said as two figures) are matched first; of
    the figures left, those that `linked` (word links, `link_strength`) ties together are changed into each other,
    strongest first; the rest pair up in text order when the counts agree. Each finding says how sure it is
    (`confidence`): what the checker is unsure of (an unsure qualifier word, a weak word link, a figure that may
    be said in words, a list number or code) is capped at a warning.
    """
    findings: list[Finding] = []
    left, right = list(src), list(tgt)
    read_qualifiers = src_lang[:2] in ("de", "en") and tgt_lang[:2] in ("de", "en")

    def ok(s: Figure, t: Figure) -> bool:
        return _reading_ok(s, t) if read_qualifiers else _units_agree(s, t, strict=False)

    def take(test) -> list[tuple[Figure, Figure]]:
        pairs: list[tuple[Figure, Figure]] = []
        if not left or not right or len(left) * len(right) > _PAIRWISE_LIMIT:
            return pairs
        for s in list(left):
            for t in right:
                if test(s, t):
                    pairs.append((s, t))
                    left.remove(s)
                    right.remove(t)
                    break
        return pairs

    def preserved(s: Figure | None, t: Figure | None, severity: str = "info", note: str = "") -> Finding:
        if (
            read_qualifiers
            and s is not None
            and t is not None
            and not note
            and s.qualifier_sure
            and t.qualifier_sure
            and s.qualifier
            and t.qualifier
            and QUALIFIER_FAMILY.get(s.qualifier) != QUALIFIER_FAMILY.get(t.qualifier)
        ):
            note = f"qualifier paraphrase: '{_shown(s)}' → '{_shown(t)}'"  # 'knapp 200' ~ 'about 200'
            severity = "info"
        shown = f"'{_shown(s)}' → '{_shown(t)}'" if s is not None and t is not None else ""
        return Finding("preserved", "figure", severity, f"preserved: {shown}", bead, source=s, target=t, note=note)

    def change(s: Figure, t: Figure, doubt: str = "") -> Finding:
        aspect, message, reason = _difference(s, t, src_lang, tgt_lang)
        reason = reason or doubt
        confidence = "low" if reason else "high"
        return Finding(
            "changed",
            "figure",
            severity("figure.changed", severities, confidence),
            _uncertain(message, reason) if reason else message,
            bead,
            aspect,
            s,
            t,
            confidence=confidence,
        )

    def alike(s: Figure, t: Figure) -> bool:
        return ok(s, t) and s.unit == t.unit and bool(s.doubt) == bool(t.doubt)

    # a figure of the same kind first: 'zwei Tore' ~ 'two goals', not the 'Zweitplatzierte' before it
    exact = _exact(left, right, lambda s, t: alike(s, t) and s.kind == t.kind)
    exact += _exact(left, right, alike)
    exact += _exact(left, right, ok)
    ambiguous = take(lambda s, t: _same_value(s, t) is not None and ok(s, t))
    for s, t in exact + ambiguous:
        notation = _notation(s, t, src_lang, tgt_lang)
        if notation:
            status = severity("figure.changed", severities)
            findings.append(Finding("changed", "figure", status, notation, bead, "decimal", s, t))
        elif (s, t) in ambiguous:
            findings.append(preserved(s, t, note=f"ambiguous number read as {_same_value(s, t)}"))
        else:
            findings.append(preserved(s, t, "none"))
    for s, t in take(lambda s, t: _rounded(s, t) and (_qualifiers_ok(s, t) or not read_qualifiers)):
        findings.append(preserved(s, t, note=f"rounded: {s.value} → {t.value}"))
    for s, t in take(lambda s, t: _converted(s, t) and (_qualifiers_ok(s, t) or not read_qualifiers)):
        units = _conversion(s, t).units  # type: ignore[union-attr]
        findings.append(preserved(s, t, note=f"converted: '{s.text}' → '{t.text}' ({units})"))
    for whole, a, b, source_whole in _split(left, right):
        said = f"said as two figures: '{_shown(a)}' and '{_shown(b)}'"
        s, t = (whole, a) if source_whole else (a, whole)
        findings.append(preserved(s, t, note=said if source_whole else f"said as one: '{_shown(whole)}'"))
        s, t = (whole, b) if source_whole else (b, whole)
        findings.append(preserved(s, t, "none"))
    changed = [
        (s, t, "")
        for s, t in take(lambda s, t: (_same_value(s, t) is not None or _rounded(s, t)) and not _count_and_rank(s, t))
    ]
    if linked is not None:
        changed += [
            (s, t, "" if score > WEAK_LINK else "a weak word link pairs these figures")
            for s, t, score in _most_linked(left, right, _pairable, linked)
        ]
    changed += [
        (s, t, "")
        for s, t in take(
            lambda s, t: (
                len(left) == len(right)
                and (s.kind == t.kind or (_pairable(s, t) and not (s.doubt or t.doubt)))
                and not _multiplier_and_measure(s, t)
            )
        )
    ]
    if sum(not f.doubt for f in left) == sum(not f.doubt for f in right):
        # as many figures read with certainty on each side: they pair in text order beside a figure said without
        # one ('erstmals 48' → 'for the first time 49' keeps '48' → '49' a change next to the 'first')
        changed += [
            (s, t, "")
            for s, t in take(
                lambda s, t: (
                    not (s.doubt or t.doubt)
                    and (s.kind == t.kind or _pairable(s, t))
                    and not _multiplier_and_measure(s, t)
                )
            )
        ]
    changed += [
        (s, t, "")
        for s, t in take(lambda s, t: s.kind == t.kind and s.unit == t.unit and s.unit is not None and not s.doubt)
    ]
    # the one time (date, percentage, sum of money) left on each side is the same figure changed, whatever else is
    # left ('gegen 01.40 Uhr' → 'around 01.40 p.m.' beside a 'two' said for 'beiden')
    changed += [
        (s, t, "")
        for s, t in take(
            lambda s, t: (
                s.kind == t.kind in _ONE_OF_A_KIND
                and not (s.doubt or t.doubt)
                and sum(f.kind == s.kind for f in left) == sum(f.kind == t.kind for f in right) == 1
            )
        )
    ]
    for s, t, doubt in changed:
        findings.append(change(s, t, doubt))
    findings += _said_in_words(left, "source", bead, (src_text, tgt_text), tgt_lang)
    findings += _said_in_words(right, "target", bead, (tgt_text, src_text), src_lang)
    kept_src, kept_tgt = _kept_dates(src, left), _kept_dates(tgt, right)
    findings += [
        _unpaired("dropped", s, bead, severities, _repeated(s, kept_src), sure=_code_gone(s, tgt_text)) for s in left
    ]
    findings += [
        _unpaired("added", t, bead, severities, _repeated(t, kept_tgt), sure=_code_gone(t, src_text)) for t in right
    ]
    return findings


def moved(findings: list[Finding], window: int = 1) -> list[Finding]:
    """A figure dropped in one bead and added with the same value and qualifier in a neighbouring bead (the nearest,
    then the earlier one) was moved. Linear in the findings: each list of added figures is walked once."""
    result = list(findings)
    added: dict[tuple[int, str, str | None], list[int]] = {}
    for j, f in enumerate(result):
        if f.kind == "figure" and f.status == "added" and isinstance(f.target, Figure):
            for value in f.target.values:
                added.setdefault((f.bead, value, f.target.qualifier), []).append(j)
    walked: dict[tuple[int, str, str | None], int] = {}

    def first_added(key: tuple[int, str, str | None]) -> int | None:
        indices = added.get(key, ())
        k = walked.get(key, 0)
        while k < len(indices) and result[indices[k]].status != "added":
            k += 1
        walked[key] = k
        return indices[k] if k < len(indices) else None

    for i, drop in enumerate(result):
        s = drop.source
        if drop.kind != "figure" or drop.status != "dropped" or not isinstance(s, Figure):
            continue
        beads = [drop.bead + d for distance in range(window + 1) for d in sorted({-distance, distance})]
        keys = ((bead, value, s.qualifier) for bead in beads for value in s.values)
        nearest = next((found for key in keys if (found := first_added(key)) is not None), None)
        if nearest is not None:
            t = result[nearest].target
            assert isinstance(t, Figure)  # `added` holds figure findings only
            result[i] = Finding(
                "preserved",
                "figure",
                "info",
                f"preserved: '{_shown(s)}' → '{_shown(t)}'",
                drop.bead,
                "",
                s,
                t,
                note=f"moved from bead {drop.bead} to bead {result[nearest].bead}",
            )
            result[nearest] = replace(result[nearest], status="moved")
    return [f for f in result if f.status != "moved"]
