"""Figures in German and English text: extraction with spans and canonical values.

A figure is a number with what makes it mean something: its kind (number, percent,
percentage points, money, quantity, date, time, range, ordinal, year), a canonical
value string ("52500000000", "2.45", "2025-03-13", "--09-08", "13:13", "30..40"),
a unit (ISO 4217 code, "%", "pp", "year", "km", ...), a scale (power of ten of the
scale word, 9 for "Mrd."/"billion", 12 for German "Billion"), and a qualifier
("approximately", "more_than", "at_most", "nearly", "at_least", "less_than").

Locale number rules (decimal and group symbols, month names, currency names and
symbols) come from babel's CLDR data; written-out numbers from text2num.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.dates import get_month_names
from babel.numbers import get_currency_name, get_currency_symbol, get_decimal_symbol, get_group_symbol
from text_to_num import find_numbers

KINDS = (
    "number",
    "percent",
    "percentage_points",
    "money",
    "quantity",
    "date",
    "time",
    "range",
    "ordinal",
    "year",
)
QUALIFIERS = ("approximately", "more_than", "at_most", "nearly", "at_least", "less_than")


@dataclass(frozen=True)
class Figure:
    """One figure: `text == sentence[start - offset:end - offset]`, the qualifier word excluded."""

    kind: str
    value: str
    text: str
    start: int
    end: int
    unit: str | None = None
    scale: int | None = None
    qualifier: str | None = None
    qualifier_text: str = ""
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()
    segment: int = 0

    @property
    def values(self) -> tuple[str, ...]:
        """The value and every other reading of an ambiguous figure."""
        return (self.value, *self.alternatives)

    def bounds(self) -> tuple[Decimal, Decimal] | None:
        """(low, high) as Decimals for numeric figures and ranges; None for dates and times."""
        low, _, high = self.value.partition("..")
        try:
            return Decimal(low), Decimal(high or low)
        except InvalidOperation:
            return None


# ---------------------------------------------------------------------------------------------------------
# Character normalization: every Unicode decimal digit becomes its ASCII digit, one character for one, so
# spans stay valid (Arabic-Indic, Persian, Bengali, full-width ...).


def _digit_table() -> dict[int, str]:
    table = {}
    for code in range(0x80, 0x20000):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = str(unicodedata.digit(char))
    table.update({ord("٫"): ".", ord("٬"): ",", ord("٪"): "%", ord("％"): "%", ord("\u2212"): "-"})
    table.update({code: " " for code in range(0xE000, 0xF900)})
    return table


_DIGITS = _digit_table()


def normalize_digits(text: str) -> str:
    """Same length as `text`: non-ASCII digits, Arabic separators and the minus sign made ASCII.

    Private-use characters (the placeholders of inline tags from XLIFF/TMX) read as spaces, so a tag
    between a qualifier and its number ("fast <g>50 %</g>") does not hide the qualifier.
    """
    return text.translate(_DIGITS)


# ---------------------------------------------------------------------------------------------------------
# Lexicons (from babel where CLDR has them)

_SCALES = {
    "de": {
        "tausend": 3,
        "tsd.": 3,
        "tsd": 3,
        "million": 6,
        "millionen": 6,
        "mio.": 6,
        "mio": 6,
        "milliarde": 9,
        "milliarden": 9,
        "mrd.": 9,
        "mrd": 9,
        "billion": 12,
        "billionen": 12,
        "bio.": 12,
    },
    "en": {
        "thousand": 3,
        "k": 3,
        "million": 6,
        "millions": 6,
        "m": 6,
        "mn": 6,
        "mln": 6,
        "billion": 9,
        "billions": 9,
        "bn": 9,
        "b": 9,
        "trillion": 12,
        "trillions": 12,
        "tn": 12,
    },
}
_CURRENCY_CODES = ("USD", "EUR", "CNY", "HKD", "JPY", "GBP", "CHF", "RUB", "INR", "KRW", "TWD", "SGD", "CAD", "AUD")
_CURRENCY_EXTRA = {
    "dollar": "USD",
    "dollars": "USD",
    "us-dollar": "USD",
    "us dollar": "USD",
    "us-dollars": "USD",
    "yuan": "CNY",
    "rmb": "CNY",
    "renminbi": "CNY",
    "euro": "EUR",
    "euros": "EUR",
    "€": "EUR",
    "us$": "USD",
    "hk$": "HKD",
    "hongkong-dollar": "HKD",
    "hong kong dollars": "HKD",
    "hong kong dollar": "HKD",
    "¥": "JPY",
    "cn¥": "CNY",
    "£": "GBP",
    "pfund": "GBP",
    "yen": "JPY",
    "franken": "CHF",
    "$": "USD",
    "eur": "EUR",
    "usd": "USD",
    "cny": "CNY",
    "hkd": "HKD",
}


@cache
def _currencies() -> dict[str, str]:
    names: dict[str, str] = {}
    for code in _CURRENCY_CODES:
        names[code.lower()] = code
        for locale in ("de", "en"):
            names.setdefault(get_currency_symbol(code, locale).lower(), code)
            for count in (1, 2):
                names.setdefault(get_currency_name(code, count=count, locale=locale).lower(), code)
    names.update(_CURRENCY_EXTRA)
    return names


def currency_code(word: str) -> str | None:
    """ISO 4217 code for a currency symbol, code or name in German or English ('Hongkong-Dollar' → HKD)."""
    return _currencies().get(word.lower())


_UNITS = {
    "%": "%",
    "prozent": "%",
    "percent": "%",
    "per cent": "%",
    "%ige": "%",
    "%igen": "%",
    "prozentpunkte": "pp",
    "prozentpunkten": "pp",
    "prozentpunkt": "pp",
    "pp": "pp",
    "pp.": "pp",
    "percentage points": "pp",
    "percentage point": "pp",
    "%-punkte": "pp",
    "°c": "°C",
    "grad celsius": "°C",
    "°f": "°F",
    "°": "degree",
    "grad": "degree",
    "degrees": "degree",
    "degree": "degree",
    "km": "km",
    "kilometer": "km",
    "kilometern": "km",
    "kilometres": "km",
    "kilometers": "km",
    "m": "m",
    "meter": "m",
    "metern": "m",
    "metres": "m",
    "meters": "m",
    "cm": "cm",
    "mm": "mm",
    "kg": "kg",
    "kilogramm": "kg",
    "kilograms": "kg",
    "g": "g",
    "gramm": "g",
    "grams": "g",
    "t": "t",
    "tonnen": "t",
    "tons": "t",
    "tonnes": "t",
    "l": "l",
    "liter": "l",
    "litres": "l",
    "liters": "l",
    "gb": "GB",
    "mb": "MB",
    "tb": "TB",
    "kb": "KB",
    "ghz": "GHz",
    "mhz": "MHz",
    "kw": "kW",
    "mw": "MW",
    "gw": "GW",
    "kwh": "kWh",
    "km/h": "km/h",
    "mph": "mph",
    "px": "px",
    "em": "em",
    "pixel": "px",
    "pixels": "px",
    "meilen": "mi",
    "miles": "mi",
    "mile": "mi",
    "bit": "bit",
    "bits": "bit",
    "byte": "B",
    "bytes": "B",
    "bytes.": "B",
    "jahre": "year",
    "jahren": "year",
    "jahr": "year",
    "years": "year",
    "year": "year",
    "jährige": "year",
    "jährigen": "year",
    "jähriger": "year",
    "jährigem": "year",
    "year-old": "year",
    "years-old": "year",
    "monate": "month",
    "monaten": "month",
    "monat": "month",
    "months": "month",
    "month": "month",
    "wochen": "week",
    "woche": "week",
    "weeks": "week",
    "week": "week",
    "tage": "day",
    "tagen": "day",
    "tag": "day",
    "days": "day",
    "day": "day",
    "stunden": "hour",
    "stunde": "hour",
    "hours": "hour",
    "hour": "hour",
    "minuten": "minute",
    "minute": "minute",
    "minutes": "minute",
    "sekunden": "second",
    "seconds": "second",
    "parameter": "parameter",
    "parameters": "parameter",
    "parametern": "parameter",
    "x": "×",
    "×": "×",
    "mal": "×",
    "times": "×",
}
_PERCENT_UNITS = {"%": "percent", "pp": "percentage_points"}

_QUALIFIERS = {
    "rund": "approximately",
    "etwa": "approximately",
    "ca.": "approximately",
    "circa": "approximately",
    "zirka": "approximately",
    "gegen": "approximately",
    "gut": "approximately",
    "ungefähr": "approximately",
    "about": "approximately",
    "around": "approximately",
    "roughly": "approximately",
    "some": "approximately",
    "approximately": "approximately",
    "approx.": "approximately",
    "an estimated": "approximately",
    "über": "more_than",
    "mehr als": "more_than",
    "more than": "more_than",
    "over": "more_than",
    "über als": "more_than",
    "bis zu": "at_most",
    "höchstens": "at_most",
    "maximal": "at_most",
    "up to": "at_most",
    "at most": "at_most",
    "fast": "nearly",
    "knapp": "nearly",
    "beinahe": "nearly",
    "nahezu": "nearly",
    "nearly": "nearly",
    "almost": "nearly",
    "just under": "nearly",
    "close to": "nearly",
    "mindestens": "at_least",
    "wenigstens": "at_least",
    "at least": "at_least",
    "no fewer than": "at_least",
    "weniger als": "less_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "unter": "less_than",
    "under": "less_than",
}


@cache
def _months() -> dict[str, int]:
    months: dict[str, int] = {}
    for locale in ("de", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[name.lower().rstrip(".")] = number
    months.update({"sept": 9, "mär": 3, "maerz": 3, "jänner": 1})
    return months


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------------------------------------------------
# Patterns

_MONTH = _alternation(_months())
_NUM = r"\d{1,3}(?:[\u00a0\u202f'’ ]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*"
_ATOM_RE = re.compile(rf"(?<![\w.,])(?P<sign>[-+–](?=\d))?(?P<num>{_NUM})(?![\d])(?![.,]\d)")
_SPACE = r"[ \u00a0\u202f]?"
_DATE_RES = (
    ("dmy", re.compile(r"(?<![\w.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4}|\d{2})(?![\w]|\.\d)")),
    ("iso", re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w])")),
    ("mdy_us", re.compile(r"(?<![\w./])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{4})(?![\w])")),
    (
        "d_range_month",
        re.compile(
            rf"(?<![\w.])(?P<d>[0-3]?\d)\.?\s?[-–]\s?(?P<d2>[0-3]?\d)\.{_SPACE}(?P<mn>{_MONTH})\.?(?:\s(?P<y>\d{{4}}))?(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "d_month",
        re.compile(
            rf"(?<![\w.])(?P<d>[0-3]?\d)(?:\.|st|nd|rd|th)?{_SPACE}(?:of\s)?(?P<mn>{_MONTH})\.?(?:,?\s(?P<y>\d{{4}}))?(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "month_d_range",
        re.compile(
            rf"(?<![\w])(?P<mn>{_MONTH})\.?\s(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s?[-–]\s?(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?"
            rf"(?:,?\s(?P<y>\d{{4}}))?(?![\w.,]\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month_d",
        re.compile(
            rf"(?<![\w])(?P<mn>{_MONTH})\.?\s(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s(?P<y>\d{{4}}))?(?![\w.,]?\d)(?!\s?%)",
            re.IGNORECASE,
        ),
    ),
    ("month_y", re.compile(rf"(?<![\w])(?P<mn>{_MONTH})\.?\s(?P<y>\d{{4}})(?!\w)", re.IGNORECASE)),
)
_ANY_DIGIT = re.compile(r"\d")
_MONTH_HINT = re.compile(rf"(?i)(?<!\w)(?:{_MONTH})")
_TIME_RE = re.compile(
    r"(?<![\w:.,])(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?![\d:])"
    r"(?:\s?(?P<mark>Uhr|h\b|[ap]\.m\.|[ap]m\b|[AP]M\b))?"
    r"|(?<![\w:.,])(?P<h2>1[0-2]|0?[1-9])\s?(?P<mark2>[ap]\.m\.|[ap]m\b|[AP]M\b)"
)
_SUFFIX_RE = re.compile(
    r"(?P<ws>[ \u00a0\u202f]?-?)(?P<word>%-[Pp]unkte|%ige[nrms]?|%|°[CF]?|[Pp]rozentpunkte[n]?|[Pp]rozent"
    r"|percentage points?|per cent|percent|[Gg]rad(?: Celsius)?|km/h|[A-Za-zÄÖÜäöüß$€¥£]+(?:-[A-Za-zÄÖÜäöü]+)?\$?\.?)"
)
_PREFIX_RE = re.compile(
    r"(?:(?<![\w])(?P<cur>US\$|HK\$|CN¥|C\$|A\$|R\$|[$€£¥]|USD|EUR|CNY|HKD|GBP|CHF|JPY|RMB|R)"
    r"[ \u00a0\u202f]?)$"
)
_QUALIFIER_RE = re.compile(rf"(?:(?<![\w])(?P<q>{_alternation(_QUALIFIERS)})\s+)$", re.IGNORECASE)
_RANGE_JOIN_RE = re.compile(r"^(?:\s?[-–—]\s?|\s(?:bis|to|through)\s|\s?(?:und|and)\s)$")
_BETWEEN_RE = re.compile(r"(?:zwischen|between)\s+$", re.IGNORECASE)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|<[^>\s][^>]*>|%\d*\$?[sdS]|&\w+;")
_NUMBER_WORD_HINT = re.compile(
    r"(?i)(?<![\w-])(?:zw[eö]|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwanzig|dreißig|hundert|tausend|"
    r"million|milliard|billion|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|dutzend)"
)
_WORD_TOKEN_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\S")
_ARTICLES = {"ein", "eine", "einer", "eines", "einem", "einen", "eins", "one", "a", "an"}
_DOZEN = {"dozen": 12, "dutzend": 12}
_EXPONENTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def superscript(power: int) -> str:
    """10 to the power written the way people read it: 10¹²."""
    return "10" + str(power).translate(_EXPONENTS)


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    value: Decimal
    alternatives: tuple[Decimal, ...] = ()
    ambiguous: bool = False
    grouped: bool = False
    word: bool = False
    plain: bool = False


class _Token:
    """A word token for text2num's find_numbers (its Token protocol)."""

    __slots__ = ("barrier", "end", "start", "word")

    def __init__(self, word: str, start: int, end: int, barrier: bool = False) -> None:
        self.word, self.start, self.end, self.barrier = word, start, end, barrier

    def text(self) -> str:
        return "." if self.barrier else self.word

    def nt_separated(self, previous: object) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return self.barrier


# ---------------------------------------------------------------------------------------------------------
# Numbers written with digits


def parse_number(raw: str, language: str) -> tuple[Decimal, tuple[Decimal, ...], bool] | None:
    """Read a digit string by the language's CLDR symbols: (value, other readings, ambiguous).

    "1.500" is 1500 in German and 1.5 (or, ambiguously, 1500) in English; "2,450" is 2.45 in German
    (or, ambiguously, 2450) and 2450 in English. None for malformed strings such as "1.2.3,4".
    """
    decimal_sym = get_decimal_symbol(language)
    group_sym = get_group_symbol(language)
    text = re.sub(r"[\u00a0\u202f'’ ]", "", raw)
    seps = [c for c in text if c in ".,"]
    digits = re.split(r"[.,]", text)
    if not seps:
        return Decimal(text), (), False
    if len(set(seps)) == 2:
        last = seps[-1]
        if seps.count(last) > 1 or any(len(g) != 3 for g in digits[1:-1]):
            return None
        return Decimal(text.replace("," if last == "." else ".", "").replace(",", ".")), (), False
    sep = seps[0]
    if len(seps) > 1:
        if all(len(g) == 3 for g in digits[1:]) and len(digits[0]) <= 3:
            return Decimal("".join(digits)), (), False
        return None
    head, tail = digits
    as_decimal = Decimal(f"{head}.{tail}")
    as_group = Decimal(head + tail)
    if len(tail) != 3 or len(head) > 3 or head == "0":
        return as_decimal, (), False
    if sep == group_sym:
        return as_group, (), False
    if sep == decimal_sym:
        return as_decimal, (as_group,), True
    return as_decimal, (as_group,), True


def canonical(value: Decimal) -> str:
    """Plain decimal, no exponent, no trailing zeros: 52500000000, 2.45, -1.59 (any size, never rounded)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _word_atoms(text: str, norm: str, language: str, taken: list[tuple[int, int]]) -> list[_Atom]:
    if not _NUMBER_WORD_HINT.search(text):
        return []
    tokens = []
    for m in _WORD_TOKEN_RE.finditer(norm):
        inside = any(s <= m.start() < e for s, e in taken)
        tokens.append(_Token(m.group(), m.start(), m.end(), barrier=inside or not m.group()[0].isalpha()))
    atoms = []
    for tok in tokens:
        word = tok.word.lower()
        if word in _DOZEN and not tok.barrier:
            atoms.append(_Atom(tok.start, tok.end, Decimal(_DOZEN[word]), word=True))
    for occ in find_numbers(tokens, "de" if language == "de" else "en", threshold=0):
        span = tokens[occ.start : occ.end]
        if occ.is_ordinal or any(t.barrier for t in span):
            continue
        if span[-1].word.lower() in ("und", "and"):
            span = span[:-1]
        if len(span) > 1 and span[0].word.lower() in _ARTICLES:
            span = span[1:]
        if not span or (len(span) == 1 and span[0].word.lower() in _ARTICLES):
            continue
        if _scale_of(span[0].word.lower(), language) is not None:
            previous = tokens[occ.start - 1] if occ.start > 0 else None
            if previous is None or previous.barrier or previous.word.lower() not in _ARTICLES:
                continue
            span = [previous, *span]
        atoms.append(_Atom(span[0].start, span[-1].end, Decimal(str(occ.value)).normalize(), word=True))
    return atoms


def _digit_atoms(
    norm: str, language: str, skip: list[tuple[int, int]], malformed: list[tuple[int, int]]
) -> list[_Atom]:
    atoms = []
    for m in _ATOM_RE.finditer(norm):
        raw = m.group("num")
        start = m.start("num")
        end = start + len(raw)
        if any(s < end and start < e for s, e in skip):
            continue
        parsed = parse_number(raw, language)
        if parsed is None:
            malformed.append((start, end))
            continue
        value, alts, ambiguous = parsed
        sign = m.group("sign")
        if sign and sign != "+" and (m.start() == 0 or not norm[m.start() - 1].isalnum()):
            if sign in "-–" and m.start() > 0 and norm[m.start() - 1] not in " (\u00a0[":
                sign = None
            if sign:
                value, alts = -value, tuple(-a for a in alts)
                start = m.start()
        elif sign == "+":
            start = m.start()
        plain = re.fullmatch(r"\d+", raw) is not None
        atoms.append(_Atom(start, end, value, alts, ambiguous, grouped=not plain, plain=plain))
    return atoms


# ---------------------------------------------------------------------------------------------------------
# Dates and times


def _year(raw: str | None) -> str | None:
    if not raw:
        return None
    return raw if len(raw) == 4 else f"20{raw}"


def _date_value(year: str | None, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if day is None:
        return f"{year}-{month:02d}" if year else None
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _dates_and_times(norm: str) -> list[tuple[int, int, str, str, str | None]]:
    """(start, end, kind, value, unit) for dates, date ranges and clock times, leftmost-longest."""
    found: list[tuple[int, int, str, str, str | None]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= fs or s >= fe for fs, fe, *_ in found)

    if not _ANY_DIGIT.search(norm):
        return found
    months = _months()
    named_month = _MONTH_HINT.search(norm) is not None
    for name, pattern in _DATE_RES:
        if not named_month and name not in ("dmy", "iso", "mdy_us"):
            continue
        for m in pattern.finditer(norm):
            if not free(m.start(), m.end()):
                continue
            groups = m.groupdict()
            month = months[groups["mn"].lower().rstrip(".")] if groups.get("mn") else int(groups["m"])
            year = _year(groups.get("y"))
            day = int(groups["d"]) if groups.get("d") else None
            value = _date_value(year, month, day)
            if value is None:
                continue
            kind = "date"
            if groups.get("d2"):
                high = _date_value(year, month, int(groups["d2"]))
                if high is None:
                    continue
                value, kind = f"{value}..{high}", "range"
            found.append((m.start(), m.end(), kind, value, None))
    for m in _TIME_RE.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        hour = int(m.group("h") or m.group("h2"))
        minute = int(m.group("mi") or 0)
        mark = (m.group("mark") or m.group("mark2") or "").lower().replace(".", "")
        if m.group("h") and not mark and norm[m.start() : m.end()].count(".") and not m.group("mark"):
            continue
        if not mark and m.group("h") and ":" not in m.group():
            continue
        if mark == "pm" and hour < 12:
            hour += 12
        if mark == "am" and hour == 12:
            hour = 0
        found.append((m.start(), m.end(), "time", f"{hour:02d}:{minute:02d}", None))
    return found


# ---------------------------------------------------------------------------------------------------------
# Composition: atoms + prefixes (currency, qualifier) + suffixes (scale, percent, unit, currency)


def _scale_of(word: str, language: str) -> int | None:
    """Power of ten of a scale word, read in the text's language first ('Billion' is 10¹² in German)."""
    other = "en" if language == "de" else "de"
    return _SCALES[language].get(word, _SCALES[other].get(word))


def _suffixes(norm: str, pos: int, language: str, money: bool) -> tuple[int, int | None, str | None, str | None]:
    """Scale, unit and currency after a number: (end, scale, unit, currency)."""
    scale = unit = currency = None
    end = pos
    for _ in range(3):
        m = _SUFFIX_RE.match(norm, end)
        if not m:
            break
        word = m.group("word")
        low = word.lower()
        bare = low.rstrip(".")
        attached = not m.group("ws")
        hyphen = "-" in m.group("ws")
        if scale is None and unit is None and currency is None and not hyphen:
            key = low if _scale_of(low, language) is not None else bare
            power = _scale_of(key, language)
            short = key in ("m", "k", "b", "mn", "bn", "tn")
            if power is not None and (not short or attached or money or key in ("mn", "bn", "tn")):
                scale = power
                end = m.start("word") + len(word if key == low else bare)
                continue
        if currency is None and unit is None:
            code = _currencies().get(low) or _currencies().get(bare)
            if code is None and m.group("ws") == " ":
                two = re.match(r"[A-Za-zÄÖÜäöü-]+ [A-Za-zÄÖÜäöü]+", norm[m.start("word") :])
                if two and two.group().lower() in _currencies():
                    code, word = _currencies()[two.group().lower()], two.group()
            if code is not None and not hyphen:
                currency = code
                end = m.start("word") + len(word.rstrip(".") if word.lower() not in _currencies() else word)
                continue
        if unit is None:
            two = re.match(r"[A-Za-zÄÖÜäöü-]+ (?:points?|cent|Celsius)", norm[m.start("word") :])
            key = two.group().lower() if two and two.group().lower() in _UNITS else None
            key = key or (low if low in _UNITS else bare if bare in _UNITS else None)
            if key is None and hyphen and bare.split("-")[0] in _UNITS:
                key = bare.split("-")[0]
            if key is not None and (len(key) > 1 or attached or key in ("%", "°", "×", "x")):
                if key in ("m", "t", "l", "g", "x") and not attached:
                    break
                unit = _UNITS[key]
                end = m.start("word") + len(
                    two.group()
                    if two and key == two.group().lower()
                    else (word if key == low else key if hyphen else bare)
                )
                break
        break
    return end, scale, unit, currency


def _make(
    norm: str,
    text: str,
    atom_start: int,
    atom_end: int,
    kind: str,
    value: str,
    unit: str | None,
    scale: int | None,
    language: str,
    offset: int,
    segment: int,
    ambiguous: bool = False,
    alternatives: tuple[str, ...] = (),
) -> Figure:
    start = atom_start
    qualifier = None
    qualifier_text = ""
    before = norm[max(0, start - 24) : start]
    q = _QUALIFIER_RE.search(before)
    if q and (q.group("q").lower() != "gegen" or kind == "time"):
        qualifier = _QUALIFIERS[q.group("q").lower()]
        qualifier_text = q.group("q")
    end = atom_end
    if end < len(norm) and norm[end] == "+" and (end + 1 == len(norm) or not norm[end + 1].isalnum()):
        qualifier, qualifier_text = "more_than", "+"
    return Figure(
        kind=kind,
        value=value,
        text=text[start:end],
        start=start + offset,
        end=end + offset,
        unit=unit,
        scale=scale,
        qualifier=qualifier,
        qualifier_text=qualifier_text,
        ambiguous=ambiguous,
        alternatives=alternatives,
        segment=segment,
    )


def protected_spans(text: str) -> list[tuple[int, int]]:
    """URLs, e-mail addresses, markup tags, printf placeholders and entities: never figures."""
    return [m.span() for m in _URL_RE.finditer(text)]


def extract(
    text: str, language: str, protected: tuple[tuple[int, int], ...] = (), offset: int = 0, segment: int = 0
) -> tuple[Figure, ...]:
    """Every figure in `text` (a sentence or segment) with spans shifted by `offset`.

    `protected` holds absolute spans (as in `Segment.protected`) whose figures are ignored; URLs and
    markup are found and ignored as well.
    """
    language = "de" if language.lower().startswith("de") else "en"
    norm = normalize_digits(text)
    skip = [(s - offset, e - offset) for s, e in protected] + protected_spans(norm)
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = list(skip)
    for start, end, kind, value, unit in _dates_and_times(norm):
        if any(s < end and start < e for s, e in skip):
            continue
        figures.append(_make(norm, text, start, end, kind, value, unit, None, language, offset, segment))
        taken.append((start, end))
    malformed: list[tuple[int, int]] = []
    atoms = _digit_atoms(norm, language, taken, malformed)
    for start, end in malformed:
        raw = norm[start:end]
        figures.append(
            Figure("number", raw, text[start:end], start + offset, end + offset, ambiguous=True, segment=segment)
        )
    atoms += _word_atoms(text, norm, language, taken + [(a.start, a.end) for a in atoms])
    atoms.sort(key=lambda a: a.start)
    figures += _compose(norm, text, atoms, language, offset, segment)
    figures.sort(key=lambda f: (f.start, f.end))
    return tuple(figures)


def _single(
    norm: str, atom: _Atom, language: str
) -> tuple[int, int, str, Decimal, tuple[Decimal, ...], str | None, int | None]:
    """Read one atom with its prefix and suffixes: (start, end, kind, value, alternatives, unit, scale)."""
    start, value, alts = atom.start, atom.value, atom.alternatives
    prefix = _PREFIX_RE.search(norm[max(0, start - 5) : start])
    currency = None
    if prefix:
        code = _currencies().get(prefix.group("cur").lower())
        if prefix.group("cur") == "R":
            code = "ZAR" if not norm[start - 2 : start - 1].isalpha() else None
        if code:
            currency, start = code, start - len(prefix.group())
    end, scale, unit, suffix_currency = _suffixes(norm, atom.end, language, currency is not None)
    currency = currency or suffix_currency
    if scale is not None:
        factor = Decimal(10) ** scale
        value, alts = value * factor, tuple(a * factor for a in alts)
    if currency:
        return start, end, "money", value, alts, currency, scale
    if unit in _PERCENT_UNITS:
        return start, end, _PERCENT_UNITS[unit], value, alts, unit, scale
    if unit:
        return start, end, "quantity", value, alts, unit, scale
    if scale == 9 and norm[atom.end : atom.end + 1] in "Bb" and end == atom.end + 1:
        after = norm[end : end + 12].lower()
        hyphenated = atom.start > 0 and norm[atom.start - 1] == "-"
        if hyphenated or after.startswith((" parameter", "-parameter")):
            return start, end, "quantity", value, alts, "parameter", scale
    if atom.plain and scale is None and 1000 <= value <= 2199 and start == atom.start:
        return start, end, "year", value, alts, None, None
    if atom.plain and end == atom.end and norm[end : end + 1] == "." and not atom.word:
        rest = norm[end + 1 : end + 3]
        if len(rest) == 2 and rest[0] == " " and rest[1].isalpha() and value < 1000:
            return start, end + 1, "ordinal", value, alts, None, None
    if atom.plain and norm[end : end + 2] in ("th", "st", "nd", "rd") and not norm[end + 2 : end + 3].isalpha():
        return start, end + 2, "ordinal", value, alts, None, None
    return start, end, "number", value, alts, None, scale


def _compose(norm: str, text: str, atoms: list[_Atom], language: str, offset: int, segment: int) -> list[Figure]:
    figures: list[Figure] = []
    readings = [_single(norm, a, language) for a in atoms]
    i = 0
    while i < len(atoms):
        start, end, kind, value, alts, unit, scale = readings[i]
        atom = atoms[i]
        if i + 1 < len(atoms):
            nxt = atoms[i + 1]
            joint = norm[readings[i][1] : nxt.start]
            between = _BETWEEN_RE.search(norm[max(0, start - 9) : start])
            is_and = joint.strip() in ("und", "and")
            worded = bool(joint.strip()) and joint.strip() not in ("-", "–", "—")
            own_unit = readings[i][2] in ("money", "percent", "percentage_points", "quantity")
            if (
                _RANGE_JOIN_RE.match(joint)
                and (not is_and or between)
                and nxt.start > end
                and not (worded and own_unit and not between)
            ):
                _, n_end, n_kind, n_value, _, n_unit, n_scale = readings[i + 1]
                low_value = value
                if scale is None and n_scale is not None:
                    low_value = value * Decimal(10) ** n_scale
                if (
                    kind in ("number", n_kind)
                    and (unit is None or unit == n_unit)
                    and n_kind != "year"
                    and kind not in ("year", "ordinal")
                    and low_value <= n_value
                ):
                    run_start = between.start() + max(0, start - 9) if between else start
                    unit = n_unit
                    value_text = f"{canonical(low_value)}..{canonical(n_value)}"
                    qualifier_atom = run_start if between else start
                    fig = _make(
                        norm,
                        text,
                        qualifier_atom,
                        n_end,
                        "range",
                        value_text,
                        unit,
                        n_scale if n_scale is not None else scale,
                        language,
                        offset,
                        segment,
                    )
                    figures.append(fig)
                    i += 2
                    continue
            if (is_and or joint.strip() in ("oder", "or", ",")) and unit is None and kind == "number":
                n_unit = readings[i + 1][5]
                if n_unit == "parameter" or (n_unit in _PERCENT_UNITS and readings[i + 1][2] != "money"):
                    unit = n_unit
                    kind = "quantity" if n_unit == "parameter" else _PERCENT_UNITS[n_unit]
            if (
                norm[end : end + 1] == "B"
                and scale == 9
                and unit is None
                and kind == "number"
                and readings[i + 1][5] == "parameter"
            ):
                unit, kind = "parameter", "quantity"
        value_alts = tuple(canonical(a) for a in alts if a != value)
        figures.append(
            _make(
                norm,
                text,
                start,
                end,
                kind,
                canonical(value),
                unit,
                scale,
                language,
                offset,
                segment,
                ambiguous=atom.ambiguous,
                alternatives=value_alts,
            )
        )
        i += 1
    return figures
