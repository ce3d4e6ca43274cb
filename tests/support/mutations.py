"""Realistic translation errors, applied one at a time to a correct sentence pair, to test the checker.

`mutants(source, target)` yields every `Mutant` it can make from one German/English pair: the changed pair
and the finding a checker must report (status, kind, and for changes the aspect). `catch_rates(pairs)` runs
`align.compare.compare_pair` on each mutant and counts how many were caught with the right label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from align.claims import extract_claims
from align.compare import compare_pair
from align.figures import Figure, extract

KINDS = (
    "digit_change",
    "separator_misread",
    "scale_slip_Billion_billion",
    "scale_slip_Mrd_million",
    "currency_swap",
    "hedge_lost",
    "hedge_added",
    "range_bound_change",
    "date_shift",
    "dropped_figure",
    "added_figure",
    "negation_dropped",
    "name_replaced",
)


@dataclass(frozen=True)
class Mutant:
    """A mutated pair and the finding it must raise."""

    kind: str
    source: str
    target: str
    status: str
    finding_kind: str
    aspect: str = ""
    where: str = ""


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _bump(digit: str) -> str:
    return str((int(digit) + 1) % 10) if digit != "9" else "7"


def _digit_change(tgt: str, f: Figure) -> str | None:
    positions = [i for i in range(f.start, f.end) if tgt[i].isdigit()]
    if not positions:
        return None
    i = positions[-1]
    return _splice(tgt, i, i + 1, _bump(tgt[i]))


def _separator(tgt: str, f: Figure) -> str | None:
    grouped = re.search(r"(\d{1,3}),(\d{3})(?![\d])", f.text)
    if grouped:
        short = grouped.group(2).rstrip("0") or "0"
        new = f.text.replace(grouped.group(), f"{grouped.group(1)}.{short}" if short != "0" else grouped.group(1), 1)
        return _splice(tgt, f.start, f.end, new)
    decimal = re.search(r"(\d+)\.(\d+)", f.text)
    if decimal and f.kind not in ("date", "time", "range"):
        return _splice(tgt, f.start, f.end, f.text.replace(decimal.group(), decimal.group(1) + decimal.group(2), 1))
    return None


_CURRENCY_SWAPS = (("$", "€"), ("€", "$"), ("yuan", "dollars"), ("dollars", "euros"), ("euros", "dollars"))


def _currency(tgt: str, f: Figure) -> str | None:
    if f.kind != "money":
        return None
    for old, new in _CURRENCY_SWAPS:
        if old in f.text and not (old == "$" and "HK$" in f.text):
            return _splice(tgt, f.start, f.end, f.text.replace(old, new, 1))
    if "HK$" in f.text:
        return _splice(tgt, f.start, f.end, f.text.replace("HK$", "$", 1))
    return None


def _range_bound(tgt: str, f: Figure) -> str | None:
    if f.kind != "range":
        return None
    digits = [i for i in range(f.start, f.end) if tgt[i].isdigit()]
    if not digits:
        return None  # a range in words: 'one to three times'
    return _splice(tgt, digits[-1], digits[-1] + 1, _bump(tgt[digits[-1]]))


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date_shift(tgt: str, f: Figure) -> str | None:
    if f.kind not in ("date", "time"):
        return None
    for number, month in enumerate(_MONTHS):
        if month in f.text:
            if re.search(
                r"\d{1,2}(?!\d)",
                f.text.replace(re.search(r"\d{4}", f.text).group() if re.search(r"\d{4}", f.text) else "", ""),
            ):
                day = re.search(r"(?<!\d)(\d{1,2})(?!\d)", f.text)
                if day:
                    new_day = str(int(day.group(1)) % 28 + 1)
                    return _splice(tgt, f.start, f.end, f.text[: day.start()] + new_day + f.text[day.end() :])
            return _splice(tgt, f.start, f.end, f.text.replace(month, _MONTHS[(number + 1) % 12], 1))
    return _digit_change(tgt, f)


def _figure_mutants(src: str, tgt: str, f: Figure) -> Iterator[Mutant]:
    where = f"'{f.text}'"
    changed = _digit_change(tgt, f) if f.kind not in ("date", "time", "range") else None
    if changed:
        yield Mutant("digit_change", src, changed, "changed", "figure", "value", where)
    separated = _separator(tgt, f)
    if separated:
        yield Mutant("separator_misread", src, separated, "changed", "figure", "decimal", where)
    if "billion" in f.text:
        mrd = re.search(r"Milliarden|Mrd\.", src)
        if mrd:
            yield Mutant(
                "scale_slip_Billion_billion",
                _splice(src, mrd.start(), mrd.end(), "Billionen"),
                tgt,
                "changed",
                "figure",
                "scale",
                where,
            )
        yield Mutant(
            "scale_slip_Mrd_million",
            src,
            _splice(tgt, f.start, f.end, f.text.replace("billion", "million")),
            "changed",
            "figure",
            "scale",
            where,
        )
    swapped = _currency(tgt, f)
    if swapped:
        yield Mutant("currency_swap", src, swapped, "changed", "figure", "currency", where)
    if f.qualifier and f.qualifier_text:
        q_start = tgt.rfind(f.qualifier_text, 0, f.start)
        if q_start >= 0:
            yield Mutant("hedge_lost", src, _splice(tgt, q_start, f.start, ""), "changed", "figure", "qualifier", where)
    elif f.kind in ("money", "number", "percent", "quantity"):
        yield Mutant(
            "hedge_added", src, _splice(tgt, f.start, f.start, "nearly "), "changed", "figure", "qualifier", where
        )
    bound = _range_bound(tgt, f)
    if bound:
        yield Mutant("range_bound_change", src, bound, "changed", "figure", "range", where)
    shifted = _date_shift(tgt, f)
    if shifted and f.kind in ("date", "time"):
        yield Mutant("date_shift", src, shifted, "changed", "figure", "", where)
    start = tgt.rfind(f.qualifier_text, 0, f.start) if f.qualifier_text else f.start
    yield Mutant(
        "dropped_figure", src, _splice(tgt, start, f.end, "").replace("  ", " "), "dropped", "figure", "", where
    )


def mutants(source: str, target: str, src_lang: str = "de", tgt_lang: str = "en") -> Iterator[Mutant]:
    """Every mutant of one correct pair (mutations of the English side, and the German one for Billion)."""
    figures = extract(target, tgt_lang)
    for f in figures:
        yield from _figure_mutants(source, target, f)
    end = target.rstrip().rstrip(".")
    yield Mutant(
        "added_figure",
        source,
        end + ", up 7% from the year before" + target[len(end) :],
        "added",
        "figure",
        "",
        "end of sentence",
    )
    claim = extract_claims(target, tgt_lang)
    for cue in claim.negations[:1]:
        cut_end = cue.end + 1 if target[cue.end : cue.end + 1] == " " else cue.end
        yield Mutant(
            "negation_dropped",
            source,
            _splice(target, cue.start, cut_end, ""),
            "dropped",
            "negation",
            "",
            f"'{cue.text}'",
        )
    for cue in claim.names[:1]:
        yield Mutant(
            "name_replaced",
            source,
            _splice(target, cue.start, cue.end, "Tencent"),
            "changed",
            "name",
            "",
            f"'{cue.text}'",
        )


def caught(mutant: Mutant, src_lang: str = "de", tgt_lang: str = "en") -> tuple[bool, bool]:
    """(flagged at all, flagged with the right status, kind and aspect)."""
    findings = [f for f in compare_pair(mutant.source, mutant.target, src_lang, tgt_lang) if f.status != "preserved"]
    right = any(
        f.status == mutant.status and f.kind == mutant.finding_kind and (not mutant.aspect or f.aspect == mutant.aspect)
        for f in findings
    )
    if mutant.kind == "name_replaced":
        right = any(f.kind == "name" and f.status in ("changed", "added") for f in findings)
    if mutant.kind == "date_shift":
        right = any(f.kind == "figure" and f.status == "changed" for f in findings)
    return bool(findings), right


def catch_rates(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    """Per mutation kind: (mutants, flagged at all, flagged with the right label), over clean pairs only."""
    rates = {kind: [0, 0, 0] for kind in KINDS}
    for source, target in pairs:
        if any(f.status != "preserved" and f.kind == "figure" for f in compare_pair(source, target)):
            continue
        for mutant in mutants(source, target):
            flagged, right = caught(mutant)
            counts = rates[mutant.kind]
            counts[0] += 1
            counts[1] += flagged
            counts[2] += right
    return {kind: (n, f, r) for kind, (n, f, r) in rates.items()}
