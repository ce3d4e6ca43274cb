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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import chain

from babel.dates import get_day_names, get_month_names
from babel.numbers import get_currency_name, get_currency_symbol, get_decimal_symbol, get_group_symbol
from text_to_num import find_numbers

from align.spans import Span

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
QUALIFIERS = ("approximately", "more_than", "at_most", "nearly", "at_least", "less_than", "just_over", "difference")
BOUNDS = ("until", "since", "before", "after")


@dataclass(frozen=True, kw_only=True)
class Figure(Span):
    """One figure: `text == sentence[start - offset:end - offset]`, the qualifier word excluded.

    `qualifier_sure` is False where the qualifier word may mean something else ('um 15' = about 15 or by 15,
    'ein Vertrag über 5 Jahre' = for 5 years, a verb such as 'überschreitet'); `bound` is the time bound of a
    date, year, month or clock time ('until', 'since', 'before', 'after'); `doubt` says why the figure may not
    be a figure to compare at all, or may be said in words on the other side ('list number', 'ordinal word',
    'code', 'vague number', 'multiplier word'): its drop or addition is uncertain.
    """

    kind: str
    value: str
    unit: str | None = None
    scale: int | None = None
    qualifier: str | None = None
    qualifier_text: str = ""
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()
    segment: int = 0
    qualifier_sure: bool = True
    bound: str | None = None
    bound_text: str = ""
    doubt: str = ""

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
# spans stay valid (Arabic-Indic, Persian, Bengali, full-width ...); the three letters that a case-insensitive
# pattern matches as another letter than their lower case ('ſ' as s, 'İ' and 'ı' as i) become that letter, so
# that a word such a pattern found ('ERſTGRÖSSTE') is found again in the tables, lower-cased.


def _digit_table() -> dict[int, str]:
    table = {}
    for code in range(0x80, 0x20000):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = str(unicodedata.digit(char))
    table.update({ord("٫"): ".", ord("٬"): ",", ord("٪"): "%", ord("％"): "%", ord("\u2212"): "-"})
    table.update({code: " " for code in range(0xE000, 0xF900)})
    table.update({ord("ſ"): "s", ord("İ"): "I", ord("ı"): "i"})
    return table


_DIGITS = _digit_table()
# A character that _DIGITS may change: at or above its lowest entry (U+0130). Most text has none, and a search
# for one is much faster than the translation.
_TRANSLATED_RE = re.compile(f"[{chr(min(_DIGITS))}-\U0010ffff]")


def normalize_digits(text: str) -> str:
    """Same length as `text`: non-ASCII digits, Arabic separators and the minus sign made ASCII.

    Private-use characters (the placeholders of inline tags from XLIFF/TMX) read as spaces, so a tag
    between a qualifier and its number ("fast <g>50 %</g>") does not hide the qualifier.
    """
    if text.isascii() or not _TRANSLATED_RE.search(text):
        return text
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
        "billiarde": 15,
        "billiarden": 15,
        "trillion": 18,
        "trillionen": 18,
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
# NGN: 'N585 million', '585 Millionen Naira'
_CURRENCY_CODES = (
    "USD",
    "EUR",
    "CNY",
    "HKD",
    "JPY",
    "GBP",
    "CHF",
    "RUB",
    "INR",
    "KRW",
    "TWD",
    "SGD",
    "CAD",
    "AUD",
    "NGN",
)

_CURRENCY_EXTRA = {
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "us-dollar": "USD",
    "us dollar": "USD",
    "us-dollars": "USD",
    "yuan": "CNY",
    "naira": "NGN",
    "₦": "NGN",
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
    "u.s. dollars": "USD",
    "u.s. dollar": "USD",
    "us dollars": "USD",
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "pounds sterling": "GBP",
    "francs": "CHF",
    "franc": "CHF",
    "rubel": "RUB",
    "rubles": "RUB",
    "roubles": "RUB",
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
    "prozentig": "%",
    "prozentige": "%",
    "prozentigen": "%",
    "prozentiger": "%",
    "prozentiges": "%",
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
    "litern": "l",
    "fuss": "ft",
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
    "℃": "°C",
    "℉": "°F",
    "° c": "°C",
    "° f": "°F",
    "grad fahrenheit": "°F",
    "degrees celsius": "°C",
    "degrees fahrenheit": "°F",
    "degrees c": "°C",
    "degrees f": "°F",
    "fahrenheit": "°F",
    "celsius": "°C",
    "kelvin": "K",
    "nm": "nm",
    "nanometer": "nm",
    "nanometern": "nm",
    "nanometers": "nm",
    "nanometres": "nm",
    "µm": "µm",
    "μm": "µm",
    "mikrometer": "µm",
    "micrometres": "µm",
    "micrometers": "µm",
    "microns": "µm",
    "millimeter": "mm",
    "millimetern": "mm",
    "millimetres": "mm",
    "millimeters": "mm",
    "zentimeter": "cm",
    "zentimetern": "cm",
    "centimetres": "cm",
    "centimeters": "cm",
    "dezimeter": "dm",
    "kilometre": "km",
    "kilometer-": "km",
    "metre": "m",
    "meter-": "m",
    "ft": "ft",
    "feet": "ft",
    "foot": "ft",
    "fuß": "ft",
    "inch": "in",
    "inches": "in",
    "zoll": "in",
    "yards": "yd",
    "yard": "yd",
    "yd": "yd",
    "ha": "ha",
    "hektar": "ha",
    "hectares": "ha",
    "hectare": "ha",
    "acres": "acre",
    "acre": "acre",
    "m²": "m²",
    "m2": "m²",
    "qm": "m²",
    "quadratmeter": "m²",
    "quadratmetern": "m²",
    "square metres": "m²",
    "square meters": "m²",
    "sq m": "m²",
    "km²": "km²",
    "km2": "km²",
    "quadratkilometer": "km²",
    "quadratkilometern": "km²",
    "square kilometres": "km²",
    "square kilometers": "km²",
    "m³": "m³",
    "kubikmeter": "m³",
    "kubikmetern": "m³",
    "cubic metres": "m³",
    "cubic meters": "m³",
    "ml": "ml",
    "milliliter": "ml",
    "millilitres": "ml",
    "milliliters": "ml",
    "cl": "cl",
    "dl": "dl",
    "mg": "mg",
    "milligramm": "mg",
    "milligrams": "mg",
    "µg": "µg",
    "kilo": "kg",
    "kilos": "kg",
    "lb": "lb",
    "lbs": "lb",
    "oz": "oz",
    "ounces": "oz",
    "ounce": "oz",
    "unze": "oz",
    "unzen": "oz",
    "bar": "bar",
    "mbar": "mbar",
    "psi": "psi",
    "pascal": "Pa",
    "hpa": "hPa",
    "w": "W",
    "watt": "W",
    "watts": "W",
    "kilowatt": "kW",
    "kilowatts": "kW",
    "megawatt": "MW",
    "megawatts": "MW",
    "gigawatt": "GW",
    "gigawatts": "GW",
    "wh": "Wh",
    "kilowattstunden": "kWh",
    "kilowatt hours": "kWh",
    "kilowatt-hours": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "v": "V",
    "volt": "V",
    "volts": "V",
    "kv": "kV",
    "ampere": "A",
    "amps": "A",
    "mah": "mAh",
    "ps": "hp",
    "hp": "hp",
    "horsepower": "hp",
    "hz": "Hz",
    "hertz": "Hz",
    "khz": "kHz",
    "db": "dB",
    "dezibel": "dB",
    "decibels": "dB",
    "kcal": "kcal",
    "kalorien": "kcal",
    "calories": "kcal",
    "kmh": "km/h",
    "kph": "km/h",
    "km / h": "km/h",
    "stundenkilometer": "km/h",
    "stundenkilometern": "km/h",
    "kilometer pro stunde": "km/h",
    "kilometres per hour": "km/h",
    "kilometers per hour": "km/h",
    "kilometres an hour": "km/h",
    "kilometers an hour": "km/h",
    "meilen pro stunde": "mph",
    "miles per hour": "mph",
    "miles an hour": "mph",
    "knoten": "kn",
    "knots": "kn",
    "gallons": "gal",
    "gallon": "gal",
    "gal": "gal",
    "sq ft": "ft²",
    "square feet": "ft²",
    "quadratfuß": "ft²",
    "rpm": "rpm",
    "u/min": "rpm",
    "lumen": "lm",
    "lumens": "lm",
    "mpa": "MPa",
    "kpa": "kPa",
    "nm²": "nm²",
    "höhenmeter": "m",
    "höhenmetern": "m",
    "hm": "m",
    "ms": "ms",
    "millisekunden": "ms",
    "milliseconds": "ms",
    "gigabyte": "GB",
    "gigabytes": "GB",
    "megabyte": "MB",
    "megabytes": "MB",
    "terabyte": "TB",
    "terabytes": "TB",
    "mbit/s": "Mbit/s",
    "mbps": "Mbit/s",
    "gbit/s": "Gbit/s",
    "gbps": "Gbit/s",
    "tonne": "t",
    "ton": "t",
    "sekunde": "second",
    "second": "second",
    "sek.": "second",
    "sec": "second",
    "min.": "minute",
    "min": "minute",
    "std.": "hour",
    "hrs": "hour",
    "jahrzehnte": "decade",
    "jahrzehnten": "decade",
    "jahrzehnt": "decade",
    "decades": "decade",
    "decade": "decade",
    "jahrhunderte": "century",
    "jahrhunderten": "century",
    "jahrhundert": "century",
    "centuries": "century",
    "century": "century",
    "nächte": "night",
    "nächten": "night",
    "nacht": "night",
    "nights": "night",
    "night": "night",
}
# Units a translation may leave out or restate ('seit 1 Woche' → 'for a week', '5-mal' → 'five times'); a
# physical unit (mm, ha, bar, W, °C ...) that is lost or changed changes what the number measures.
SOFT_UNITS = {
    "year",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "second",
    "decade",
    "century",
    "night",
    "×",
    "parameter",
}
_PERCENT_UNITS = {"%": "percent", "pp": "percentage_points"}

_QUALIFIERS = {
    "de": {
        "rund": "approximately",
        "etwa": "approximately",
        "anfang": "approximately",  # 'Mit Anfang 40' ~ 'being 40-ish', 'in her early 40s': unsure
        "mitte": "approximately",
        "ca.": "approximately",
        "ca": "approximately",
        "circa": "approximately",
        "zirka": "approximately",
        "gegen": "approximately",
        "ungefähr": "approximately",
        "um die": "approximately",
        "an die": "approximately",
        "schätzungsweise": "approximately",
        "geschätzt": "approximately",
        "geschätzte": "approximately",
        "geschätzten": "approximately",
        "gut und gerne": "approximately",
        "gefühlt": "approximately",
        "gefühlte": "approximately",
        "gefühlten": "approximately",
        "etwas über": "just_over",
        "weit über": "more_than",
        "deutlich über": "more_than",
        "deutlich mehr als": "more_than",
        "bis": "at_most",
        "etwas weniger als": "nearly",
        "annähernd": "approximately",
        "~": "approximately",
        "gut": "just_over",
        "gute": "just_over",
        "guten": "just_over",
        "gut über": "just_over",
        "knapp über": "just_over",
        "etwas mehr als": "just_over",
        "über": "more_than",
        "mehr als": "more_than",
        "über als": "more_than",
        "oberhalb von": "more_than",
        "oberhalb der marke von": "more_than",
        "oberhalb der schwelle von": "more_than",
        "jenseits von": "more_than",
        "jenseits der marke von": "more_than",
        "ab": "at_least",
        "bis zu": "at_most",
        "höchstens": "at_most",
        "maximal": "at_most",
        "maximum von": "at_most",
        "minimum von": "at_least",
        "max.": "at_most",
        "max": "at_most",  # 'bei max 1,2 A'
        "nicht mehr als": "at_most",
        "auch mal": "at_most",
        "fast": "nearly",
        "knapp": "nearly",
        "beinahe": "nearly",
        "nahezu": "nearly",
        "nicht ganz": "nearly",
        "knapp unter": "nearly",
        "dicht an": "nearly",
        "nahe an": "nearly",
        "nah an": "nearly",
        "nahe bei": "nearly",
        "nicht weit von": "nearly",
        "nicht weit entfernt von": "nearly",
        "kaum": "nearly",
        "mindestens": "at_least",
        "zumindest": "at_least",
        "cirka": "approximately",
        "rd.": "approximately",
        "oberhalb": "more_than",
        "unterhalb": "less_than",
        "wenigstens": "at_least",
        "nicht weniger als": "at_least",
        "weniger als": "less_than",
        "unter": "less_than",
        "unterhalb von": "less_than",
        "unterhalb der marke von": "less_than",
    },
    "en": {
        "about": "approximately",
        "around": "approximately",
        "roughly": "approximately",
        "some": "approximately",
        "approximately": "approximately",
        "approx.": "approximately",
        "approx": "approximately",
        "an estimated": "approximately",
        "estimated": "approximately",
        "circa": "approximately",
        "ca.": "approximately",
        "just about": "approximately",
        "in the region of": "approximately",
        "what feels like": "approximately",
        "what felt like": "approximately",
        "like": "approximately",
        "like a": "approximately",
        "~": "approximately",
        "a good": "just_over",
        "just over": "just_over",
        "well over": "just_over",
        "just above": "just_over",
        "well above": "just_over",
        "slightly more than": "just_over",
        "slightly over": "just_over",
        "a little over": "just_over",
        "a little more than": "just_over",
        "over": "more_than",
        "more than": "more_than",
        "above": "more_than",
        "upwards of": "more_than",
        "in excess of": "more_than",
        "north of": "more_than",
        "greater than": "more_than",
        "up to": "at_most",
        "at most": "at_most",
        "a maximum of": "at_most",
        "a max of": "at_most",
        "max": "at_most",
        "no more than": "at_most",
        "not more than": "at_most",
        "as high as": "at_most",
        "as long as": "at_most",
        "as many as": "at_most",
        "as much as": "at_most",
        "nearly": "nearly",
        "almost": "nearly",
        "just under": "nearly",
        "close to": "nearly",
        "not far off": "nearly",
        "not far from": "nearly",
        "approaching": "nearly",
        "not quite": "nearly",
        "barely": "nearly",
        "virtually": "nearly",
        "practically": "nearly",
        "just shy of": "nearly",
        "slightly under": "nearly",
        "slightly less than": "nearly",
        "a little under": "nearly",
        "at least": "at_least",
        "no fewer than": "at_least",
        "no less than": "at_least",
        "not fewer than": "at_least",
        "not less than": "at_least",
        "a minimum of": "at_least",
        "less than": "less_than",
        "fewer than": "less_than",
        "under": "less_than",
        "below": "less_than",
    },
}
# Families of qualifiers (GUIDELINE.md section 3 of the figure labels): a swap within a family, or between the
# neighbouring "close" families below, is a paraphrase; every other swap changes which values the figure asserts.
QUALIFIER_FAMILY = {
    "approximately": "approximate",
    "nearly": "just below",
    "just_over": "just above",
    "more_than": "lower bound",
    "at_least": "lower bound",
    "at_most": "upper bound",
    "less_than": "upper bound",
}
_CLOSE_FAMILIES = {
    frozenset({"just below", "approximate"}),
    frozenset({"just below", "upper bound"}),
    frozenset({"just above", "approximate"}),
    frozenset({"just above", "lower bound"}),
}


def qualifiers_agree(a: str | None, b: str | None) -> bool:
    """Two qualifiers assert the same values, or paraphrase each other ('knapp' ~ 'about', 'gut' ~ 'over')."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    fa, fb = QUALIFIER_FAMILY.get(a, a), QUALIFIER_FAMILY.get(b, b)
    return fa == fb or frozenset({fa, fb}) in _CLOSE_FAMILIES


# Time bounds of a date, year, month or clock time: 'bis März 1990' (until), 'seit 2015' (since), 'vor 2010',
# 'nach 22 Uhr'. 'by 2030' may render 'bis 2030' or just date a threshold ('exceeded $1 billion by 1994').
_BOUNDS = {
    "de": {
        "bis": "until",
        "bis zum": "until",
        "bis zur": "until",
        "bis spätestens": "until",
        "spätestens": "until",
        "bis ende": "until",
        "seit": "since",
        "seit dem": "since",
        "seit ende": "since",
        "seit anfang": "since",
        "ab": "since",
        "ab dem": "since",
        "frühestens": "since",
        "vor": "before",
        "vor dem": "before",
        "nach": "after",
        "nach dem": "after",
        "seit dem jahr": "since",
        "ab dem jahr": "since",
        "bis zum jahr": "until",
        "bis ins jahr": "until",
        "vor dem jahr": "before",
        "nach dem jahr": "after",
        "beginnend": "since",
        "beginnend im": "since",
        "beginnend im jahr": "since",
        "beginnend mit": "since",
        "beginnend ab": "since",
        "zwischen jetzt und": "until",
    },
    "en": {
        "until": "until",
        "till": "until",
        "up until": "until",
        "between now and": "until",
        "up to": "until",
        "through": "until",
        "no later than": "until",
        "by the end of": "until",
        "since": "since",
        "from": "since",
        "as of": "since",
        "as from": "since",
        "starting": "since",
        "starting in": "since",
        "starting from": "since",
        "beginning in": "since",
        "effective": "since",
        "before": "before",
        "prior to": "before",
        "after": "after",
        "by": "until",
        "ending on": "until",
        "ends on": "until",
        "expiring on": "until",
        "expires on": "until",
        "runs until": "until",
        "to": "until",
        "to the": "until",
        "since the year": "since",
        "until the year": "until",
        "by the year": "until",
        "before the year": "before",
        "after the year": "after",
    },
}
# 'extend the deadline to the February 2 due date', 'the act ending on 31 March' (~ 'mit dem Ende am 31. März')
_UNSURE_BOUNDS = {"by", "from", "vom", "von", "to", "to the", "ending on", "ends on", "expiring on", "expires on"}
# Qualifier words that may only place the figure ('so dicht an 99 gesetzt' = set close to 99)
# 'bis 100 zählen' (count to 100), 'ab 18 Jahren' (18 and over), 'as many as 300' (emphasis): maybe a bound
_UNSURE_QUALIFIERS = {
    "anfang",
    "mitte",
    "an estimated",  # 'an estimated $16 billion' ~ 'voraussichtlich … 16 Milliarden Dollar', said apart
    "estimated",
    "dicht an",
    "nahe an",
    "nah an",
    "nahe bei",
    "bis",
    "ab",
    "as many as",
    "as much as",
    "as high as",
    "as long as",
    "like",  # 'coverage is always like 97 percent'; 'I'd like 3 tickets' wants them
    "like a",
    "gefühlt",  # 'auf gefühlt 0,5 m genau': a felt figure, often rendered without the hedge ('to within 0.5 m')
    "gefühlte",
    "gefühlten",
}
# Qualifiers after the figure: '30-odd years', '5 Jahre oder mehr'
_POSTFIX_QUALIFIERS = {
    "-odd": "approximately",
    "or so": "approximately",
    "or more": "at_least",
    "and more": "at_least",
    "and up": "at_least",
    "or less": "at_most",
    "oder mehr": "at_least",
    "und mehr": "at_least",
    "und darüber": "at_least",
    "oder weniger": "at_most",
    "und weniger": "at_most",
    "oder öfter": "at_least",
    "oder häufiger": "at_least",
    "und öfter": "at_least",
    "oder länger": "at_least",
    "und länger": "at_least",
    "oder älter": "at_least",
    "und älter": "at_least",
    "or longer": "at_least",
    "or older": "at_least",
    "and older": "at_least",
    "and over": "at_least",
    "at least": "at_least",
    "at most": "at_most",
    "at the most": "at_most",
    "at the least": "at_least",
}
_POSTFIX_RE = re.compile(rf"(?i)^\s?(?P<q>{'|'.join(re.escape(k) for k in _POSTFIX_QUALIFIERS)})(?![\w])")
# An age difference after a number of years: 'fünf Jahre älter' = five years older, 'five-year-older', 'five years
# his senior'; said as an age ('five-year-old') it asserts another fact. Other comparatives ('5 % mehr' → 'up 5 %')
# have too many free renderings to be read with certainty, so only ages are read.
_AGE_DIFFERENCE_RES = {
    "de": re.compile(r"(?i)[\s-](?P<q>älter|jünger)(?:e[mnrs]?)?(?!\w)"),
    "en": re.compile(r"(?i)[\s-](?P<q>older|younger|(?:(?:his|her|their|my|your|our|its)\s)?(?:senior|junior))(?!\w)"),
}
# A limit named by a German compound before its figure: 'Mindestalter 18', 'Höchstgeschwindigkeit von 130': a
# bound said as a noun, which a translation may keep ('a minimum of 2 credits') or leave in the noun ('speed
# limit'): unsure, so that it pairs with an English bound and agrees with none
_LIMIT_NOUN_RE = re.compile(  # a noun, so capitalized: 'höchstwahrscheinlich 500' (most likely) is none
    r"(?<!\w)(?P<q>(?P<p>Mindest|Minimal|Höchst|Maximal)[a-zäöüß]{2,}(?i:\s+(?:liegt|lag|beträgt|betrug|ist|war))?"
    r"(?i:\s+(?:von|in\s+höhe\s+von|bei))?)\s+$"
)
_LIMIT_PREFIXES = {"mindest": "at_least", "minimal": "at_least", "höchst": "at_most", "maximal": "at_most"}


@cache
def _months() -> dict[str, int]:
    months: dict[str, int] = {}
    for locale in ("de", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[name.lower().rstrip(".")] = number
    months.update({"sept": 9, "mär": 3, "maerz": 3, "jänner": 1})
    return months


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------------------------------------------------
# Patterns

_MONTH = _alternation(_months())
_NUM = r"\d{1,3}(?:[\u00a0\u202f'’ ]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*"
_ATOM_RE = re.compile(rf"(?<![\w.,])(?P<sign>[-+–](?=\d))?(?P<num>{_NUM})(?![\d])(?![.,]\d)")
_SPACE = r"[ \u00a0\u202f]?"
# A pattern that opens with a look-behind is tried at every position of a text, one that opens with a digit only
# at its digits. Each gate finds what all matches of the date patterns that name it hold, so that those run only
# where they may match; the month gates are searched once for three patterns each. The gates, like _ANY_DIGIT,
# are searched in normalized text, whose digits are all ASCII (normalize_digits): [0-9] finds each, and sre tests
# that range much faster than the Unicode category \d.
_DATE_GATES = {
    "dotted": re.compile(r"[0-9]\.[0-9][0-9]?\."),
    "iso": re.compile(r"[0-9]-[0-9][0-9]-[0-9][0-9]"),
    "slashed": re.compile(r"[0-9]/[0-9][0-9]?/[0-9][0-9]"),
    "month_year": re.compile(r"[0-9]/(?:1[89]|20)[0-9][0-9]"),
    "day_month": re.compile(rf"[0-9](?:\.|st|nd|rd|th)?\s?(?:of\s)?(?:{_MONTH})", re.IGNORECASE),
    "month_day": re.compile(rf"(?<!\w)(?:{_MONTH})\.?,?\s[0-9]", re.IGNORECASE),
}
_DATE_RES = (
    ("dmy", "dotted", re.compile(r"(?<![\w.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4}|\d{2})(?![\w]|\.\d)")),
    ("dm", "dotted", re.compile(r"(?<![\w.,])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?![\w]|\d|\.\d)")),
    ("iso", "iso", re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w])")),
    ("mdy_us", "slashed", re.compile(r"(?<![\w./])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{4}|\d{2})(?![\w/])")),
    # a month and year as an issue or expiry date: '06/1998', '11/1997' (two-digit month, so not '1/2000')
    ("m_y", "month_year", re.compile(r"(?<![\w./])(?P<m>0[1-9]|1[0-2])/(?P<y>(?:1[89]|20)\d\d)(?![\w/]|[.,]\d)")),
    (
        "d_range_month",
        "day_month",
        re.compile(
            rf"(?<![\w.])(?P<d>[0-3]?\d)\.?\s?(?:[-–/]|bis(?:\szum)?|und(?:\sde[mnr])?)\s?(?P<d2>[0-3]?\d)\.{_SPACE}"
            rf"(?P<mn>{_MONTH})\.?(?:\s(?P<y>\d{{4}}))?(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "d_range_month_en",
        "day_month",
        re.compile(
            rf"(?<![\w.])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s?(?:[-–]|to|and|through|until)\s?(?P<d2>[0-3]?\d)"
            rf"(?:st|nd|rd|th)?\s(?:of\s)?(?P<mn>{_MONTH})\.?(?:,?\s(?P<y>\d{{4}}))?(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "d_month",
        "day_month",
        re.compile(
            rf"(?<![\w.])(?P<d>[0-3]?\d)(?:\.|st|nd|rd|th)?{_SPACE}(?:of\s)?(?P<mn>{_MONTH})\.?(?:,?\s(?P<y>\d{{4}}))?(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "month_d_range",
        "month_day",
        re.compile(
            rf"(?<![\w])(?P<mn>{_MONTH})\.?\s(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s?(?:[-–]|to|and|through|until)\s?(?:the\s)?"
            rf"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?"
            rf"(?:,?\s(?P<y>\d{{4}}))?(?![\w.,]\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month_d",
        "month_day",
        re.compile(
            rf"(?<![\w])(?P<mn>{_MONTH})\.?\s(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:[.,]?\s(?P<y>\d{{4}}))?(?![\w.,]?\d)(?!\s?%|\s?[:\-–]\s?\d)",
            re.IGNORECASE,
        ),
    ),
    ("month_y", "month_day", re.compile(rf"(?<![\w])(?P<mn>{_MONTH})\.?,?\s(?P<y>\d{{4}})(?!\w)", re.IGNORECASE)),
)
_ANY_DIGIT = re.compile(r"[0-9]")  # in normalized text (see _DATE_GATES)
# A month's name alone, where the word starts (_MONTH_ONLY_LEAD_RE at its start): searched apart, since a pattern
# that opens with a look-behind is tried at every position, one that opens with the names only at capitals
_MONTH_ONLY_RES = {
    language: re.compile(
        rf"(?:{_alternation(n for n in get_month_names('wide', locale=language).values())}|Jänner)(?![\w-])"
    )
    for language in ("de", "en")
}
_MONTH_ONLY_LEAD_RE = re.compile(r"(?<![\w-])|(?<=\bmid-)|(?<=\bearly-)|(?<=\blate-)|(?<=\bMitte-)")
_MONTH_HINT = re.compile(rf"(?i)(?<!\w)(?:{_MONTH})")
# A word that starts like a month's name ('Mai', 'mar' of 'market'), searched in " " + the lower-cased text (faster
# than (?i)): the pattern opens with the non-word character before the word rather than a look-behind, which sre
# would try at every position
_MONTH_HINT_LOWER = re.compile(rf"\W(?:{_MONTH})")
_TIME_RE = re.compile(
    r"(?<![\w:.,])(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?![\d:])"
    r"(?:\s?(?P<mark>Uhr|h\b|[ap]\.m\.|[ap]m\b|[AP]M\b))?"
    r"|(?<![\w:.,])(?P<h2>1[0-2]|0?[1-9])\s?(?P<mark2>[ap]\.m\.|[ap]m\b|[AP]M\b)"
)
# _TIME_RE keeps a clock time only with a colon or a mark ('Uhr', 'h', 'pm'): a text with neither has none
_TIME_MARK_RE = re.compile(r"[0-9]\s?(?:Uhr|h\b|[ap]\.m\.|[ap]m\b|[AP]M\b)")  # in normalized text
_SUFFIX_RE = re.compile(
    r"(?P<ws>[ \u00a0\u202f]?-?)(?P<word>%-[Pp]unkte|%ige[nrms]?|%|℃|℉|°[ \u00a0]?[CF](?![A-Za-z])|°[CF]?"
    r"|[Pp]rozentpunkte[n]?|[Pp]rozent(?:ig\w*)?|percentage points?|per cent|percent"
    r"|[Gg]rad(?: Celsius| Fahrenheit)?(?![a-zäöüß])"
    r"|km ?/ ?h|[kKmM]?[bB]it/s|k?m[²³23](?![\w])|[µμ][mg]"
    r"|[A-Za-zÄÖÜäöüß$€¥£]+(?:-[A-Za-zÄÖÜäöü]+)?\$?\.?)"
)
_MULTIWORD_RE = re.compile(r"[^\s\d.,;:()]+(?: [^\s\d.,;:()]+){1,2}")
_MULTIWORD_UNITS = {k for k in _UNITS if " " in k}
_UNIT_SPACE_RE = re.compile(r"[ \u00a0]")
_PREFIX_RE = re.compile(
    r"(?:(?<![\w])(?P<cur>US\$|HK\$|CN¥|C\$|A\$|R\$|[$€£¥₦]|USD|EUR|CNY|HKD|GBP|CHF|JPY|RMB|NGN|R)"
    r"[ \u00a0\u202f]?)$"
)
_NAIRA_GATE = re.compile(r"N\d")  # in every match of _NAIRA_RE
_NAIRA_RE = re.compile(r"(?<![\w.,/$€£¥-])N(?=\d[\d.,]*\s?(?i:million|billion|trillion|bn|m)(?![\w]))")
_RANGE_JOIN_RE = re.compile(r"^(?:\s?[-–—]\s?|\s(?:bis(?: zu)?|to|through)\s|\s?(?:und|and)\s)$")
_BETWEEN_RE = re.compile(r"(?:zwischen|between)\s+$", re.IGNORECASE)
_NUMBER_WORD_HINT = re.compile(  # where a word starts, as _MONTH_HINT_LOWER: searched in " " + lower-cased text
    r"\W(?:zw[eö]|drei|dritt|vier|fünf|sechs|sieb|acht|neun|zehn|elf|zwanzig|dreißig|hundert|tausend|"
    r"million|milliard|billion|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|dutzend|"
    r"erste|first|second|third|fifth|ninth|twelfth|anderthalb|eineinhalb|ein(?:hundert|tausend))"
)
_WORD_TOKEN_RE = re.compile(r"[^\W\d_]+|[^\s\w-]|\d+")
_PLURAL_NUMBER_WORDS = {
    "ones",
    "tens",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "trillions",
    "scores",
}
_NOT_ORDINAL = {"erstens", "zweitens", "drittens", "viertens", "firstly", "secondly", "thirdly", "erstmals", "erstmal"}
_HALF_RE = re.compile(
    r"(?i)(?<![\w])(?:(?P<n>ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)einhalb|anderthalb)(?![\w])"
)
_HALF_NUMBERS = {
    "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwölf": 12,
}  # fmt: skip
_GERMAN_ORDINAL_RE = re.compile(r"(?:te[nrsm]?)(?![A-Za-zÄÖÜäöüß])")
_ONE_BEFORE_RE = re.compile(  # 'one' as a number, not an article: 'one and a half hours', 'one to three times'
    r"(?i)\s(?:and a half|(?:to|or|bis(?: zu)?|-|–)\s(?:two|three|four|five|six|seven|eight|nine|ten"
    r"|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|\d))(?![\w])"
)
_ONE_WORDS = {"one", "ein", "eins", "eine", "einem", "einer"}  # 'von ein bis vier Schlafzimmern' = from one to four
_AND_A_HALF_RE = re.compile(r"(?i)\s(?:and a half|und einhalb)(?![\w])")
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
    ordinal: bool = False


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


@cache
def _symbols(language: str) -> tuple[str, str]:
    return get_decimal_symbol(language), get_group_symbol(language)


_GROUP_SPACE_RE = re.compile(r"[\u00a0\u202f'’ ]")
_SEPARATOR_RE = re.compile(r"[.,]")
_DIGITS_ONLY_RE = re.compile(r"\d+")


def parse_number(raw: str, language: str) -> tuple[Decimal, tuple[Decimal, ...], bool] | None:
    """Read a digit string by the language's CLDR symbols: (value, other readings, ambiguous).

    "1.500" is 1500 in German and 1.5 (or, ambiguously, 1500) in English; "2,450" is 2.45 in German
    (or, ambiguously, 2450) and 2450 in English. None for malformed strings such as "1.2.3,4".
    """
    decimal_sym, group_sym = _symbols(language)
    text = _GROUP_SPACE_RE.sub("", raw)
    seps = [c for c in text if c in ".,"]
    digits = _SEPARATOR_RE.split(text)
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


_VERB_ORDINALS = {"achte", "achten", "siebten"}  # German ordinals that are also verb forms
_ORDINAL_LEADS = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "am",
                  "im", "zum", "zur", "vom", "beim", "ins", "jeder", "jede", "jedes", "jeden", "als"}  # fmt: skip
_OF_ALL_RE = re.compile(r"(?i),?\s+of all\b")
_AFTER_SECOND_RE = re.compile(
    r"\s*(?:[^\w\s]|$|(?:later|ago|or|and|to|too|before|after|longer|of|in|for|when|then|that)\b)"
)


def _second_of_time(previous: str, norm: str, end: int) -> bool:
    """'second' after `previous` is the unit of time: 'per second', 'a split second', 'wait a second.', 'a second
    later'; not the ordinal of 'a second port', 'one second opinion'."""
    if previous in ("per", "split"):
        return True
    return previous in ("a", "every", "each", "one") and _AFTER_SECOND_RE.match(norm, end) is not None


def _covered(size: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """A byte per character of a text of `size` characters, 1 where one of `spans` covers it: overlap tests
    (`_overlaps`) without a scan over the spans, so that a text of many figures stays linear."""
    mask = bytearray(size + 1)
    for start, end in spans:
        start, end = min(max(0, start), size), min(max(0, end), size)
        mask[start:end] = b"\x01" * max(0, end - start)
    return mask


def _overlaps(mask: bytearray, start: int, end: int) -> bool:
    return mask.find(1, start, end) >= 0


def _cover(mask: bytearray, start: int, end: int) -> None:
    start, end = min(max(0, start), len(mask) - 1), min(max(0, end), len(mask) - 1)
    mask[start:end] = b"\x01" * max(0, end - start)


def _word_atoms(text: str, norm: str, language: str, taken: list[tuple[int, int]]) -> list[_Atom]:
    lower = text.lower()
    if not _NUMBER_WORD_HINT.search(" " + lower):
        return []
    tokens = []
    mask = _covered(len(norm), taken)
    for m in _WORD_TOKEN_RE.finditer(norm):
        word = m.group()
        start, end = m.span()
        tokens.append(_Token(word, start, end, barrier=bool(mask[start]) or not word[0].isalpha()))
    atoms = []
    for tok in tokens if "dozen" in lower or "dutzend" in lower else ():
        word = tok.word.lower()
        if word in _DOZEN and not tok.barrier:
            atoms.append(_Atom(tok.start, tok.end, Decimal(_DOZEN[word]), word=True))
    for m in _HALF_RE.finditer(norm) if "halb" in lower else ():  # 'eineinhalb', 'zweieinhalb', 'anderthalb'
        if not any(s < m.end() and m.start() < e for s, e in taken):
            whole = _HALF_NUMBERS[m.group("n").lower()] if m.group("n") else 1
            atoms.append(_Atom(m.start(), m.end(), Decimal(whole) + Decimal("0.5"), word=True))
    for tok in tokens if language == "de" and "ine" in lower else ():
        if tok.word.lower() in ("eine", "einem", "einer") and not tok.barrier and _ONE_BEFORE_RE.match(norm, tok.end):
            atoms.append(_Atom(tok.start, tok.end, Decimal(1), word=True))  # 'von einem bis vier Zimmern'
    halves = {(a.start, a.end) for a in atoms}
    for occ in find_numbers(tokens, "de" if language == "de" else "en", threshold=0):
        span = tokens[occ.start : occ.end]
        if any(t.barrier for t in span) or any(s < span[-1].end and span[0].start < e for s, e in halves):
            continue
        if span[-1].word.lower() in ("und", "and"):
            span = span[:-1]
        article = span[0] if len(span) > 1 and span[0].word.lower() in _ARTICLES else None
        if article is not None:
            span = span[1:]
        if not span or (len(span) == 1 and span[0].word.lower() in _ARTICLES):
            if span and span[0].word.lower() in _ONE_WORDS and _ONE_BEFORE_RE.match(norm, span[0].end):
                atoms.append(_Atom(span[0].start, span[0].end, Decimal(1), word=True))
            continue
        last = span[-1].word.lower()
        if last in _PLURAL_NUMBER_WORDS or last in _NOT_ORDINAL:
            continue
        if occ.is_ordinal:
            previous = tokens[occ.start - 1].word.lower() if occ.start > 0 else ""
            if last == "second" and _second_of_time(previous, norm, span[-1].end):
                continue  # 'in a second': the unit of time
            if last in ("first", "second") and _OF_ALL_RE.match(norm, span[-1].end):
                continue  # 'first of all': a sequencing adverb
            lead = norm[max(0, span[0].start - 2) : span[0].start]
            if (
                span[0].word[:1].isupper()
                and lead.strip() not in ("", ".", "!", "?", ":", '"', "-")
                and "-" not in lead
            ):
                continue  # 'the Ninth Ward', 'im Zweiten Weltkrieg': part of a name
            if last in _VERB_ORDINALS and span[-1].word.islower() and previous not in _ORDINAL_LEADS:
                continue  # 'darauf achten', 'sie siebten Mehl': the verb, not the ordinal of 'am achten Tag'
            value = Decimal(str(occ.value)).normalize()
            atoms.append(_Atom(span[0].start, span[-1].end, value, word=True, ordinal=True))
            continue
        if _scale_of(span[0].word.lower(), language) is not None and span[0].word != "tausend":
            # 'a thousand', 'eine Million': a scale word counts with its article; German 'tausend' alone is 1,000
            previous = article or (tokens[occ.start - 1] if occ.start > 0 else None)  # 'one million', 'a million'
            if previous is not None and not previous.barrier and previous.word.lower() in ("per", "pro"):
                atoms.append(_Atom(span[0].start, span[-1].end, Decimal(str(occ.value)).normalize(), word=True))
                continue  # 'per million departures' = 'pro einer Million Abflüge'
            if previous is None or previous.barrier or previous.word.lower() not in _ARTICLES:
                continue
            span = [previous, *span]
        atoms.append(_Atom(span[0].start, span[-1].end, Decimal(str(occ.value)).normalize(), word=True))
    return atoms


_VAGUE_RES = {
    "en": re.compile(
        r"(?i)(?<![\w-])(?P<v>(?:tens|hundreds) of (?:thousands|millions|billions)"
        r"|(?:dozens|hundreds|thousands|millions|billions)(?= of\b))"
    ),
    "de": re.compile(
        r"(?<![\w-])(?P<v>(?:[Zz]ehn|[Hh]undert)?[Tt]ausende[n]?|[Hh]underte[n]?|[Dd]utzende[n]?"
        r"|(?:vielen?|einigen?|mehreren?|ein paar) (?:[Tt]ausend|[Hh]undert)"
        r"|[Aa]bermillionen|(?<!pro )(?:[Mm]illionen|[Mm]illiarden)(?= von\b| [A-ZÄÖÜ]))(?![\w-])"
    ),
}
_VAGUE_VALUES = {
    "dozens": 12, "hundreds": 100, "thousands": 1000, "millions": 10**6, "billions": 10**9, "dutzende": 12,
    "hunderte": 100, "tausende": 1000, "zehntausende": 10**4, "hunderttausende": 10**5, "millionen": 10**6,
    "abermillionen": 10**6, "milliarden": 10**9,
}  # fmt: skip
_BEFORE_SCALE_RE = re.compile(
    r"(?i)(?:\d[\d.,]*|\b(?:ein|eine|einer|einige|mehrere|viele|paar|zig)"
    r"|[\w]*(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zig|ßig|hundert|tausend))\s*$"
)
_MULTIPLIER_RES = {
    "de": re.compile(
        r"(?<![\w-])(?:(?P<v>[Vv]erdopp?el\w*|[Vv]erdopplung\w*|[Vv]erdreifach\w*|[Vv]ervierfach\w*|[Vv]erfünffach\w*"
        r"|[Vv]erzehnfach\w*|[Hh]albier\w*)|(?P<n>[Zz]wei|[Dd]rei|[Vv]ier|[Ff]ünf|[Ss]echs|[Ss]ieben|[Aa]cht|[Nn]eun"
        r"|[Zz]ehn|[Ee]in)(?P<k>mal|fach\w*)|(?P<d>[Dd]oppelt\w*))(?![\w-])"
    ),
    "en": re.compile(
        r"(?i)(?<![\w-])(?:(?P<v>doubled|doubles|doubling|tripled|triples|tripling|quadrupled|quadruples|halved|halving"
        r"|twice|thrice)"
        r"|(?P<n>two|three|four|five|ten)(?P<k>-?fold)|(?P<d>(?:double|triple)(?=\s(?:the|that|its|their|his|her)\b)"
        r"|once))(?![\w-])"
    ),
}
_COUNT_LEAD_RE = re.compile(r"(?i)(?<![\w])(?:bislang|bisher|nur|genau|exakt|mindestens|höchstens|lediglich)\s+$")
_MULTIPLIER_VALUES = {
    "verdop": "2", "verdrei": "3", "vervier": "4", "verfünf": "5", "verzehn": "10", "halbie": "0.5", "doubled": "2",
    "doubli": "2", "tripled": "3", "tripli": "3", "quadrupled": "4", "halved": "0.5", "halvin": "0.5",
    "twice": "2", "thrice": "3", "double": "2", "triple": "3", "doppel": "2", "once": "1",
}  # fmt: skip
_WORD_NUMBERS = {
    "zwei": "2", "drei": "3", "vier": "4", "fünf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9",
    "zehn": "10", "ein": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10",
}  # fmt: skip
_UNIT_HALF_RE = re.compile(
    r"(?i)(?<![\w])(?:(?:an?|one) (?P<u>hour|year|day|week|month|minute|mile|kilometre|kilometer) and a half"
    r"|(?P<h>half an? |eine[nr]? halbe[n]? )(?P<u2>hour|year|day|week|month|minute|stunde|jahr|tag|woche|monat|minute))"
    r"(?![\w])"
)
_DENOMINATORS = {
    "zweite": 2, "dritte": 3, "vierte": 4, "fünfte": 5, "sechste": 6, "siebte": 7, "achte": 8, "neunte": 9,
    "zehnte": 10, "drittel": 3, "viertel": 4, "fünftel": 5, "sechstel": 6, "achtel": 8, "zehntel": 10,
    "second": 2, "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "eighth": 8, "eighths": 8,
    "ninth": 9, "tenth": 10, "tenths": 10, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "hundred": 100,
}  # fmt: skip
_NUMERATORS = {"ein": 1, "eine": 1, "einem": 1, "einen": 1, "a": 1, "an": 1, "one": 1, "zwei": 2, "two": 2,
               "drei": 3, "three": 3, "vier": 4, "four": 4, "neun": 9, "nine": 9}  # fmt: skip
_FRACTION_RES = {
    "de": re.compile(
        r"(?<![\w-])(?:[Jj]ede[rsn]?\s(?P<every>Zweite|Dritte|Vierte|Fünfte|Sechste|Siebte|Achte|Neunte|Zehnte|\d+\.)"
        r"|(?P<n>[Ee]ine[mn]?|[Ee]in|[Zz]wei|[Dd]rei|[Vv]ier|[Nn]eun)\s?(?P<d>Drittel|Viertel|Fünftel|Sechstel|Achtel"
        r"|Zehntel)|(?P<half>Hälfte))(?![\w-])"
    ),
    "en": re.compile(
        r"(?i)(?<![\w-])(?:(?:one|1)\s(?:in|out of)\s(?P<in>\d+|two|three|four|five|six|seven|eight|nine|ten|hundred)"
        r"|every\s(?P<every>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
        r"|(?P<n>an?|one|two|three|four|nine)[\s-](?P<d>thirds?|quarters?|fourths?|fifths?|sixths?|eighths?|tenths?)"
        r"(?=\sof\b|\s(?:to|from)\s|\s?[.,;:!?)](?!\w)|$)|(?P<half>half)(?=\s(?:of|the|a|an|their|its|his|her)\b))(?![\w-])"
    ),
}
_QUARTER_HOUR_RE = re.compile(
    r"(?i)\s(?:vor|nach|bis|to|past|after|before)\s(?:1[0-2]|[1-9]|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
    r"|zehn|elf|zwölf|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?![\w])"
)
_OR_TWO_RE = re.compile(
    r"(?i)(?<![\w])(?:an?|one|every)\s(?P<u>hour|day|week|month|year|night|minute)\sor\stwo(?![\w])"
)
_ORDINAL_STEMS = (
    r"größt|grösst|best|höchst|wichtigst|stärkst|längst|ältest|jüngst|häufigst|meist|beliebtest|erfolgreichst|teuerst"
    r"|schnellst|reichst|bevölkerungsreichst|schlechtest|kleinst|niedrigst|tiefst|schwerst|weitest|umsatzstärkst"
    r"|platziert"
)
_ORDINAL_PREFIX_RE = re.compile(
    rf"(?i)(?<![\w-])(?P<o>erst|zweit|dritt|viert|fünft|sechst|siebt|acht|neunt|zehnt)(?:{_ORDINAL_STEMS})e[nrsm]?(?![\w])"
)
# 't' and a stem, which every match of _ORDINAL_PREFIX_RE holds (each ordinal prefix ends in 't'): searched in
# `_caseless` text, much faster than that pattern, and rarely found
_ORDINAL_STEM_RE = re.compile(rf"t(?:{_ORDINAL_STEMS})")
_ORDINAL_PREFIXES = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "sechst": 6, "siebt": 7, "acht": 8,
                     "neunt": 9, "zehnt": 10}  # fmt: skip
_CODE_RE = re.compile(r"(?<![\w.\-/$€£¥])(?P<c>[^\W\d_][^\W_]*?\d[^\W_]*)(?![\w]|[.,]\d)")
# A telephone number in hyphenated groups ('1-800-950-NAMI', '555-123-4567'): a code, never a range or a figure
# to qualify ('erreichbar unter 1-800-950-6264' = reachable at); a date's groups ('2019-03-04') are too short
_PHONE_RE = re.compile(r"(?<![\w.,/-])\d{1,4}(?:-\d{3,4}){2,}(?:-[A-Z]{2,})?(?![\w-]|[.,]\d)")
_PHONE_GATE = re.compile(r"\d-\d\d\d")  # in every match of _PHONE_RE
_FEET_INCHES_GATE = re.compile(r"[1-9]\s?(?:['’′]|[FfZz])")  # in every match of _FEET_INCHES_RE: '5'', '5 ft', '5 Fuß'
_FEET_INCHES_RE = re.compile(
    r"(?<![\w.,'’′])(?P<f>[1-9])(?:\s?['’′]\s?(?P<i1>1[01]|\d)\s?(?:[\"”″]|''|’’)(?![\w])"
    r"|\s?(?i:ft\.?|feet|foot|fu(?:ß|ss))\s(?:(?i:and|und)\s)?(?P<i2>1[01]|\d)\s?(?i:inch(?:es)?|in\b\.?|zoll)(?![\w]))"
)
_CURRENCY_LETTERS_RE = re.compile(r"(?i)^(?:R|US|HK|NZ|EUR|USD|CHF|GBP|CNY|JPY|RMB)\d")


_ROMAN_RE = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{2,20} (?P<r>(?=[IVXL]{2})(?:X{0,3}(?:IX|IV|V?I{0,3})|XL))(?![\w-])")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(numeral: str) -> int:
    total = 0
    for i, char in enumerate(numeral):
        value = _ROMAN_VALUES[char]
        total += -value if i + 1 < len(numeral) and _ROMAN_VALUES[numeral[i + 1]] > value else value
    return total


_GATES = {
    "de": {
        "vague": ("tausend", "hundert", "dutzend", "million", "milliard"),
        "multiplier": ("doppel", "mal", "fach", "halbier", "verdrei", "vervier", "verfünf", "verzehn"),
        "fraction": ("jede", "drittel", "viertel", "fünftel", "sechstel", "achtel", "zehntel", "hälfte"),
    },
    "en": {
        "vague": ("dozens", "hundreds", "thousands", "millions", "billions"),
        "multiplier": ("doubl", "tripl", "quadrupl", "halv", "twice", "thrice", "fold", "once"),
        "fraction": ("one in", "1 in", "out of", "every ", "third", "quarter", "half", "fourth", "fifth", "sixth",
                     "eighth", "tenth"),
    },
}  # fmt: skip
_SUPERLATIVE_STEMS = ("größt", "grösst", "best", "höchst", "wichtigst", "stärkst", "längst", "ältest", "jüngst",
                      "häufigst", "meist", "beliebtest", "erfolgreichst", "teuerst", "schnellst", "reichst",
                      "schlechtest", "kleinst", "niedrigst", "tiefst", "schwerst", "weitest", "platziert")  # fmt: skip
_CODE_GATE = re.compile(r"[0-9](?<=[^\W\d_]\d)")  # a letter before a digit, searched at the (ASCII) digits


def _any_in(text: str, words: tuple[str, ...]) -> bool:
    """A cheap test before a costly pattern: does any of `words` occur in `text`? (Substring tests one by one are
    faster than one search for all of them.)"""
    return any(map(text.__contains__, words))


def _word_figures(norm: str, language: str) -> list[_Found]:
    """Figures said in words or codes that the number reader does not see: vague plurals ('Tausende',
    'hundreds of'), multipliers ('verdoppelt', 'twice'), halves ('an hour and a half'), ordinal adjectives
    ('drittgrößte') and codes with a number inside ('SW1', 'Direct3D'): (start, end, kind, value, unit, alts,
    doubt)."""
    found: list[_Found] = []
    language = "de" if language == "de" else "en"
    lower = norm.lower()
    gate = _GATES[language]
    for m in _VAGUE_RES[language].finditer(norm) if _any_in(lower, gate["vague"]) else ():
        word = m.group("v").lower()
        if word in ("millionen", "milliarden") and _BEFORE_SCALE_RE.search(norm, max(0, m.start() - 24), m.start()):
            continue  # '3 Millionen', 'eine Million': a scale, not a vague number
        count = 1
        word = word.split(" ")[-1] + "e" if word.startswith(("viel", "einig", "mehrer", "ein paar")) else word
        for part in word.split(" of "):
            if part not in _VAGUE_VALUES and part.endswith("n"):
                part = part[:-1]  # 'Tausenden', 'Hunderten'
            count *= 10 if part == "tens" else _VAGUE_VALUES.get(part, 1)
        found.append((m.start(), m.end(), "number", f"{count}s", None, (), "vague number"))
    for m in _MULTIPLIER_RES[language].finditer(norm) if _any_in(lower, gate["multiplier"]) else ():
        if m.group("n"):
            if m.group("n").lower() == "ein" and m.group("k").lower() != "mal":
                continue  # 'einfach' = simple
            value = _WORD_NUMBERS[m.group("n").lower()]
            plain = m.group("k").lower() == "mal" and (  # 'einmal' is also 'once upon', 'noch einmal'
                value != "1" or _COUNT_LEAD_RE.search(norm, max(0, m.start() - 16), m.start()) is not None
            )
            doubt = "" if plain else "multiplier word"
        else:
            word = (m.group("v") or m.group("d")).lower()
            value = next((v for k, v in _MULTIPLIER_VALUES.items() if word.startswith(k)), "")
            doubt = "multiplier word" if m.group("d") else ""
        if value:
            found.append((m.start(), m.end(), "quantity", value, "×", (), doubt))
    # 'jeder Fünfte' = 'one in five', 'ein Drittel' = 'a third of'
    for m in _FRACTION_RES[language].finditer(norm) if _any_in(lower, gate["fraction"]) else ():
        groups = m.groupdict()
        if groups.get("half"):
            found.append((m.start(), m.end(), "fraction", "1/2", None, (), "vague number"))
            continue
        if groups.get("n"):
            if norm[max(0, m.start() - 3) : m.start()].lower() == "as " and not norm.startswith(" of", m.end()):
                continue  # 'to come in as a tenth': a rank; 'as a third of the votes' is a fraction
            if _QUARTER_HOUR_RE.match(norm, m.end()):
                continue  # 'um ein Viertel vor neun', 'a quarter past eight': a time of day
            numerator, word = _NUMERATORS[groups["n"].lower()], groups["d"].lower()
        else:
            numerator, word = 1, (groups.get("every") or groups.get("in") or "").lower()
        denominator = int(word.rstrip(".")) if word.rstrip(".").isdigit() else _DENOMINATORS.get(word)
        if denominator:
            found.append((m.start(), m.end(), "fraction", f"{numerator}/{denominator}", None, (), ""))
    for m in _OR_TWO_RE.finditer(norm) if " or two" in lower else ():  # 'a week or two' = 1 to 2 weeks
        found.append((m.start(), m.end(), "range", "1..2", _UNITS.get(m.group("u").lower() + "s"), (), ""))
    for m in _UNIT_HALF_RE.finditer(norm) if "half" in lower or "halbe" in lower else ():
        unit = _UNITS.get((m.group("u") or m.group("u2")).lower() + "s") or _UNITS.get(
            (m.group("u") or m.group("u2")).lower()
        )
        value = "0.5" if m.group("h") else "1.5"
        found.append((m.start(), m.end(), "quantity", value, unit, (), ""))
    if language == "de" and _ORDINAL_STEM_RE.search(_caseless(norm)) and _any_in(lower, _SUPERLATIVE_STEMS):
        for m in _ORDINAL_PREFIX_RE.finditer(norm):
            # 'Zweitplatzierte' is as often 'runner-up' as 'second-placed': an ordinal word said in other words
            doubt = "ordinal word" if "platziert" in m.group().lower() else ""
            found.append((m.start(), m.end(), "ordinal", str(_ORDINAL_PREFIXES[m.group("o").lower()]), None, (), doubt))
    # 'World War II' ~ '2. Weltkrieg', 'Ludwig XIV.' ~ 'Louis XIV'
    for m in _ROMAN_RE.finditer(norm) if _any_in(norm, ("II", "IV", "VI", "IX", "XI", "XV", "XX", "XL")) else ():
        found.append((m.start("r"), m.end(), "ordinal", str(_roman(m.group("r"))), None, (), "code"))
    for m in _FEET_INCHES_RE.finditer(norm) if _FEET_INCHES_GATE.search(norm) else ():
        # a height in feet and inches ('5'5"', '5 ft 6 inches', '5 Fuß 5 Zoll'): one figure, in feet
        feet = Decimal(m.group("f")) + Decimal(m.group("i1") or m.group("i2")) / 12
        found.append((m.start(), m.end(), "quantity", str(feet.quantize(Decimal("0.0001")).normalize()), "ft", (), ""))
    for m in _PHONE_RE.finditer(norm) if "-" in norm and _PHONE_GATE.search(norm) else ():
        found.append((m.start(), m.end(), "code", "".join(c for c in m.group() if c.isdigit()), None, (), "code"))
    for m in _CODE_RE.finditer(norm) if _CODE_GATE.search(norm) else ():
        code = m.group("c")
        if _CURRENCY_LETTERS_RE.match(code) or code.lower() in _UNITS or code[0].isdigit():
            continue
        digits = "".join(c for c in code if c.isdigit()).lstrip("0") or "0"
        found.append((m.start(), m.end(), "code", digits, None, (), "code"))
    found.sort()
    kept: list[_Found] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


def _digit_atoms(
    norm: str, language: str, skip: list[tuple[int, int]], malformed: list[tuple[int, int]]
) -> list[_Atom]:
    digit = _ANY_DIGIT.search(norm)
    if digit is None:
        return []
    atoms = []
    skipped = _covered(len(norm), skip)
    for m in _ATOM_RE.finditer(norm, max(0, digit.start() - 1)):  # from the first digit, or the sign before it
        raw = m.group("num")
        start = m.start("num")
        end = start + len(raw)
        if _overlaps(skipped, start, end):
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
        plain = _DIGITS_ONLY_RE.fullmatch(raw) is not None
        atoms.append(_Atom(start, end, value, alts, ambiguous, grouped=not plain, plain=plain))
    return atoms


# ---------------------------------------------------------------------------------------------------------
# Dates and times


def _year(raw: str | None) -> str | None:
    if not raw:
        return None
    if len(raw) == 4:
        return raw
    return f"20{raw}" if int(raw) <= 30 else f"19{raw}"


def _other_century(year: str | None, raw: str | None) -> str | None:
    """The other reading of a two-digit year ('5.3.31': 2031 or 1931), None for a four-digit one."""
    if not raw or len(raw) != 2 or year is None:
        return None
    return ("19" if year.startswith("20") else "20") + raw


def _date_value(year: str | None, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if day is None:
        return f"{year}-{month:02d}" if year else f"--{month:02d}"
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


_Found = tuple  # (start, end, kind, value, unit, alternatives, doubt)
_MARK = r"[ap]\.\s?m\.|[ap]m\b|[AP]\.?M\b\.?"
_TIME_RANGE_RES = {
    "de": re.compile(
        r"(?<![\w:.,])(?P<h1>[01]?\d|2[0-4])(?:[:.](?P<m1>[0-5]\d))?(?:\s?Uhr)?"
        r"\s?(?:[-–]|bis|und)\s?(?P<h2>[01]?\d|2[0-4])(?:[:.]\s?(?P<m2>[0-5]\d))?\s?Uhr\b"
    ),
    "en": re.compile(
        rf"(?<![\w:.,])(?P<h1>1[0-2]|0?[1-9])(?::(?P<m1>[0-5]\d))?(?:\s?(?P<mark1>{_MARK}))?"
        rf"\s?(?:[-–]|to|and|until|till)\s?(?P<h2>1[0-2]|0?[1-9])(?::(?P<m2>[0-5]\d))?\s?(?P<mark>{_MARK})"
    ),
}
_HOUR_RES = {
    "de": re.compile(r"(?<![\w:.,])(?P<h>[01]?\d|2[0-4])(?:[:.]\s?(?P<mi>[0-5]\d))?\s?Uhr\b"),
    "en": re.compile(
        r"(?<![\w:.,])(?P<h>[01]?\d|2[0-4])(?::(?P<mi>[0-5]\d))?\s?o['’]clock\b"
        r"|(?<![\w:.,])(?P<h24>[01]?\d|2[0-4])(?:[:.](?P<mi24>[0-5]\d))?h(?![\w])"
    ),
}
_LISTED_HOUR_RE = re.compile(r"(?<![\w:.,])(?P<t>(?P<h>[01]?\d|2[0-4])(?:[:.](?P<mi>[0-5]\d))?),\s?$")
# 'between 12 and 14 o'clock', 'from 8 to 10 o'clock': two clock times, the mark said once
_OCLOCK_RANGE_RE = re.compile(
    r"(?<![\w:.,])(?P<h1>[01]?\d|2[0-4])(?::(?P<m1>[0-5]\d))?\s?(?:[-–]|to|and|until|till)\s?"
    r"(?P<h2>[01]?\d|2[0-4])(?::(?P<m2>[0-5]\d))?\s?o['’]clock\b"
)
_TIME_WORDS = {
    "en": re.compile(r"(?i)(?<![\w-])(?:12\s)?(?P<w>noon|midday|midnight)(?![\w-])"),  # '12 noon': one time
    "de": re.compile(r"(?<![\w-])(?P<w>Mitternacht)(?![\w-])"),
}
_DM_LEAD_RE = re.compile(r"(?i)(?:\b(?:am|vom|zum|bis|ab|seit|den|dem)|tag,?)\s$")
_HOUR_GATE = re.compile(r"\dh")
_TIME_WORD_VALUES = {"noon": "12:00", "midday": "12:00", "midnight": "00:00", "mitternacht": "00:00"}
_SCORE_RE = re.compile(r"(?<![\w:.,/])(?P<a>\d{1,2}) ?: ?(?P<b>\d{1,2})(?![\d:/]|[.,]\d|\s?Uhr)")
_YEAR_SPAN_RE = re.compile(
    r"(?<![\w.,/])(?P<y>(?:1[0-9]|20)\d\d)\s?[/–-]\s?(?P<y2>\d\d|(?:1[0-9]|20)\d\d)(?![\w/]|[.,]\d)"
)
_YEAR_SPAN_GATE = re.compile(r"[0-9]\s?[/–-]\s?[0-9][0-9]")  # in every match of _YEAR_SPAN_RE, as _DATE_GATES
_DECADE_RES = {
    "de": re.compile(
        r"(?<![\w.,])(?P<d>(?:1\d|20)\d0|[1-9]0|00)er(?:n|-?[Jj]ahren?|\b)"
        r"|(?i:(?<![\w])(?P<w>zwanziger|dreißiger|vierziger|fünfziger|sechziger|siebziger|achtziger|neunziger)"
        r"(?:n|-?[Jj]ahren?|\b))"
    ),
    "en": re.compile(
        r"(?<![\w.,])['’]?(?P<d>(?:1\d|20)\d0|[1-9]0|00)['’]?s\b"
        r"|(?i:(?<![\w])(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)"
    ),
}
_AGE_LEAD_RE = re.compile(
    r"(?i)(?:\bmid-?|\bearly\s|\blate\s|\b(?:his|her|their|my|your|our)\s|\bmitte\s|\banfang\s|\bende\s)$"
)
_CENTURY_RE = re.compile(r"\s(?:des|of the)\s(?P<c>1?\d)(?:\.|st|nd|rd|th)\s(?:Jahrhunderts|century)")
_DECADE_WORDS = {
    "zwanziger": 20, "dreißiger": 30, "vierziger": 40, "fünfziger": 50, "sechziger": 60, "siebziger": 70,
    "achtziger": 80, "neunziger": 90, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
    "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
}  # fmt: skip
_WIDE_MONTHS: dict[str, dict[str, int]] = {}
_LOOSE_MONTHS = {"may", "march", "august"}  # also a verb, a noun or a name: a month only after a time word
_NEXT_WORD_RE = re.compile(r"\s+([^\W\d_]+)")
_NOT_AFTER_MONTH = {"i", "we", "you", "he", "she", "it", "they", "be", "not", "on", "forward", "the", "a", "an", "this",
                    "that", "there", "all", "also", "well", "have", "has", "had"}  # fmt: skip
_MONTH_LEAD_RE = re.compile(
    r"(?i)(?:\b(?:in|im|of|since|seit|until|till|bis|by|from|ab|vom|zum|before|after|vor|nach|during|early|late|mid"
    r"|end|last|next|this|every|each|through|anfang|ende|mitte|monat|month|of|des)\s+|mid-)$"
)

_MONTH_BEFORE_RE = re.compile(rf"(?i)(?<!\w)(?:{_MONTH})\.?\s?(?:[/\-–]|(?:or|and|to|oder|und|bis)\s)\s?$")


def _wide_months(language: str) -> dict[str, int]:
    if language not in _WIDE_MONTHS:
        table = {name: number for number, name in get_month_names("wide", locale=language).items()}
        if language == "de":
            table["Jänner"] = 1
        _WIDE_MONTHS[language] = table
    return _WIDE_MONTHS[language]


def _decade(raw: str) -> tuple[str, tuple[str, ...]]:
    """'1990' → ('1990s', ('90s',)); '90' → ('90s', ('1990s', '1890s', '2090s'))."""
    if len(raw) == 4:
        return f"{raw}s", (f"{raw[2:]}s",) if raw.startswith("19") else ()
    return f"{raw}s", (f"19{raw}s", f"18{raw}s", f"20{raw}s")


def _afternoon(hour: int, minute: int) -> tuple[str, ...]:
    """The other reading of an hour said without a.m. or p.m. on a 12-hour clock ('8 o'clock' = 20:00 too; '12
    o'clock' = midnight too); none for an hour past 12 ('14 o'clock', as a German 'Uhr' is sometimes rendered)."""
    if not 1 <= hour <= 12:
        return ()
    return (f"{hour % 12 + 12 if hour < 12 else 0:02d}:{minute:02d}",)


def _listed_hours(norm: str, start: int, add: Callable[..., None], free: Callable[[int, int], bool]) -> None:
    """Add the clock times listed before a German range at `start` ('11, ' of 'um 11, 12 und 14 Uhr')."""
    item = _LISTED_HOUR_RE.search(norm, max(0, start - 8), start)
    while item is not None and free(item.start(), item.end("t")):
        time = _clock(int(item.group("h")), int(item.group("mi") or 0), "")
        if time is None:
            return
        add(item.start(), item.end("t"), "time", time, (item.group("h"),) if not item.group("mi") else ())
        item = _LISTED_HOUR_RE.search(norm, max(0, item.start() - 8), item.start())


def _clock(hour: int, minute: int, mark: str) -> str | None:
    mark = mark.lower().replace(".", "").replace(" ", "")
    if mark == "pm" and hour < 12:
        hour += 12
    if mark == "am" and hour == 12:
        hour = 0
    if hour == 24:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if 0 <= hour <= 23 and 0 <= minute <= 59 else None


def _dates_and_times(norm: str, language: str = "de") -> list[_Found]:
    """(start, end, kind, value, unit, alternatives, doubt) for dates, date ranges, clock times, decades, months
    and scores, leftmost-longest."""
    found: list[_Found] = []
    taken = _covered(len(norm), ())

    def free(s: int, e: int) -> bool:
        return not _overlaps(taken, s, e)

    def add(s: int, e: int, kind: str, value: str, alts: tuple[str, ...] = (), doubt: str = "") -> None:
        found.append((s, e, kind, value, None, tuple(a for a in alts if a and a != value), doubt))
        _cover(taken, s, e)

    language = "de" if language == "de" else "en"
    lower = norm.lower()
    words = ("mitternacht",) if language == "de" else ("noon", "midday", "midnight")
    for m in _TIME_WORDS[language].finditer(norm) if _any_in(lower, words) else ():
        add(m.start(), m.end(), "time", _TIME_WORD_VALUES[m.group("w").lower()])
    decades = ("0er", "ziger", "ßiger") if language == "de" else ("0s", "0's", "0’s", "ties")
    for m in _DECADE_RES[language].finditer(norm) if _any_in(lower, decades) else ():
        if free(m.start(), m.end()):
            raw = m.group("d") or str(_DECADE_WORDS[m.group("w").lower()])
            value, alts = _decade(raw)
            if len(raw) == 2 and _AGE_LEAD_RE.search(norm, max(0, m.start() - 16), m.start()):
                alts = (*alts, raw)  # 'mid-30s', 'in her thirties' = 'Mitte 30
            end = m.end()
            century = _CENTURY_RE.match(norm, end) if len(raw) == 2 else None
            if century:  # 'in den 80ern des 18. Jahrhunderts' = the 1780s
                value, alts, end = f"{int(century.group('c')) - 1}{raw}s", (), century.end()
            add(m.start(), end, "decade", value, alts)
    named_month = _MONTH_HINT_LOWER.search(" " + lower) is not None
    if not _ANY_DIGIT.search(norm):
        if named_month:
            _months_alone(norm, language, found, free)
        _weekdays(norm, lower, language, found, free)
        return found
    months = _months()
    gates: dict[str, bool] = {}
    for name, gate, pattern in _DATE_RES:
        if not named_month and name not in ("dmy", "dm", "iso", "mdy_us", "m_y"):
            continue
        if (name == "mdy_us" and language == "de") or (name == "dm" and language != "de"):
            continue
        if gate not in gates:
            gates[gate] = _DATE_GATES[gate].search(norm) is not None
        if not gates[gate]:
            continue
        for m in pattern.finditer(norm):
            if not free(m.start(), m.end()):
                continue
            if name == "dm" and not _DM_LEAD_RE.search(norm, max(0, m.start() - 6), m.start()):
                continue  # 'am 3.4.', 'vom 3.4. bis 5.4.': a date only after a date word, not 'Abschnitt 3.4.'
            groups = m.groupdict()
            month = months[groups["mn"].lower().rstrip(".")] if groups.get("mn") else int(groups["m"])
            year = _year(groups.get("y"))
            other_year = _other_century(year, groups.get("y"))
            day = int(groups["d"]) if groups.get("d") else None
            date = _date_value(year, month, day)
            if date is None:
                continue
            readings = [_date_value(other_year, month, day)] if other_year else []
            if name == "mdy_us" and day is not None and day <= 12 and day != month:  # 4/3/19: April 3 or 4 March
                readings += [_date_value(y, day, month) for y in (year, other_year) if y]
            kind = "date"
            if groups.get("d2"):
                high = _date_value(year, month, int(groups["d2"]))
                if high is None or day is None or int(groups["d2"]) <= day:
                    continue
                date, kind, readings = f"{date}..{high}", "range", []
            add(m.start(), m.end(), kind, date, tuple(a for a in readings if a))
    for m in _YEAR_SPAN_RE.finditer(norm) if _YEAR_SPAN_GATE.search(norm) else ():
        y, y2 = m.group("y"), m.group("y2")
        high = y[:2] + y2 if len(y2) == 2 else y2
        # '2010-12' may be a year and month in ISO order as well as 2010 to 2012; '1998-06' is only the month
        year_month = f"{y}-{y2}" if len(y2) == 2 and "-" in m.group() and 1 <= int(y2) <= 12 else ""
        if free(m.start(), m.end()) and int(y) < int(high) <= int(y) + 99:
            add(m.start(), m.end(), "range", f"{y}..{high}", (year_month,))
        elif free(m.start(), m.end()) and year_month:
            add(m.start(), m.end(), "date", year_month)
    clock = "Uhr" in norm if language == "de" else _any_in(lower, ("am", "pm", "a.m", "p.m", "a. m", "p. m"))
    oclock = language == "en" and "clock" in lower
    for m in chain(
        _TIME_RANGE_RES[language].finditer(norm) if clock else (),
        _OCLOCK_RANGE_RE.finditer(norm) if oclock else (),
    ):
        if not free(m.start(), m.end()):
            continue
        groups = m.groupdict()
        h1, h2 = int(m.group("h1")), int(m.group("h2"))
        m1, m2 = int(m.group("m1") or 0), int(m.group("m2") or 0)
        mark = groups.get("mark") or ""
        first, second = _clock(h1, m1, groups.get("mark1") or mark), _clock(h2, m2, mark)
        if mark and not groups.get("mark1") and first and second and first > second:
            first = _clock(h1, m1, "am" if "p" in mark.lower() else "pm")
        if first is None or second is None:
            continue
        first_end = m.end("mark1") if groups.get("mark1") else m.end("m1") if groups.get("m1") else m.end("h1")
        if language == "de":  # 'um 11, 12 und 14 Uhr': the hours listed before a range share its 'Uhr'
            _listed_hours(norm, m.start(), add, free)
        add(m.start(), first_end, "time", first, _afternoon(h1, m1) if mark == "" and language == "en" else ())
        add(m.start("h2"), m.end(), "time", second, _afternoon(h2, m2) if mark == "" and language == "en" else ())
    hours = "Uhr" in norm if language == "de" else oclock or _HOUR_GATE.search(norm) is not None
    for m in _HOUR_RES[language].finditer(norm) if hours else ():
        if not free(m.start(), m.end()):
            continue
        if m.groupdict().get("h24"):
            time = _clock(int(m.group("h24")), int(m.group("mi24") or 0), "")
            if time:  # '20h': a clock time, or twenty hours
                add(m.start(), m.end(), "time", time, (m.group("h24"),) if not m.group("mi24") else ())
            continue
        hour, minute = int(m.group("h")), int(m.group("mi") or 0)
        time = _clock(hour, minute, "")
        if time:  # '8 Uhr' may be said 'at 8'; '8 o'clock' is 8:00 or 20:00
            bare = (m.group("h").lstrip("0") or "0",) if not m.group("mi") else ()
            add(m.start(), m.end(), "time", time, bare + (_afternoon(hour, minute) if language == "en" else ()))
    for m in _TIME_RE.finditer(norm) if ":" in norm or _TIME_MARK_RE.search(norm) else ():
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
        add(m.start(), m.end(), "time", f"{hour:02d}:{minute:02d}")
    for m in _SCORE_RE.finditer(norm) if ":" in norm else ():
        if free(m.start(), m.end()):
            add(m.start(), m.end(), "score", f"{int(m.group('a'))}:{int(m.group('b'))}")
    if named_month:
        _months_alone(norm, language, found, free)
    _weekdays(norm, lower, language, found, free)
    return found


def _weekday_names(language: str) -> dict[str, str]:
    """Each weekday's name in `language` (babel's, and 'Sonnabend') → its English name, the figure's value."""
    english = get_day_names("wide", locale="en")
    names = {name: english[day] for day, name in get_day_names("wide", locale=language).items()}
    if language == "de":
        names["Sonnabend"] = english[5]
    return names


_WEEKDAYS = {language: _weekday_names(language) for language in ("de", "en")}
_WEEKDAY_VALUES = {language: {k.lower(): v for k, v in names.items()} for language, names in _WEEKDAYS.items()}
_WEEKDAY_RES = {
    "de": re.compile(
        rf"(?<![\w-])(?P<d>{_alternation(_WEEKDAYS['de'])}|{_alternation(n.lower() for n in _WEEKDAYS['de'])})"
        r"(?:s|abends?|morgens?|nachmittags?|vormittags?|mittags?|nachts?)?(?![\w])"
    ),
    "en": re.compile(rf"(?<![\w-])(?P<d>{_alternation(_WEEKDAYS['en'])})(?:s|'s|’s)?(?![\w])"),
}
_WEEKDAY_GATES = {"de": ("tag", "woch", "sonnabend"), "en": ("day",)}


def _weekdays(norm: str, lower: str, language: str, found: list[_Found], free: Callable[[int, int], bool]) -> None:
    """A weekday, alone or in a German compound ('am Sonntag', 'montags', 'Freitagabend', 'on Mondays'): a date
    part of its own, valued by its English name, where no other figure covers it."""
    language = "de" if language == "de" else "en"
    if not _any_in(lower, _WEEKDAY_GATES[language]):
        return
    values = _WEEKDAY_VALUES[language]
    for m in _WEEKDAY_RES[language].finditer(norm):
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), "weekday", values[m.group("d").lower()], None, (), ""))


def _months_alone(norm: str, language: str, found: list[_Found], free: Callable[[int, int], bool]) -> None:
    """A month named without day or year ('erst im November'): a date of its own; 'May', 'March' and 'August'
    only after a time word ('in May'), since they are also a verb, a noun or a name."""
    wide = _wide_months(language)
    for m in _MONTH_ONLY_RES[language].finditer(norm):
        word = m.group()
        if not _MONTH_ONLY_LEAD_RE.match(norm, m.start()) or word not in wide or not free(m.start(), m.end()):
            continue
        if (
            word.lower() in _LOOSE_MONTHS
            and not _MONTH_LEAD_RE.search(norm, max(0, m.start() - 12), m.start())
            and not _MONTH_BEFORE_RE.search(norm, max(0, m.start() - 16), m.start())  # 'February/March'
        ):
            after = _NEXT_WORD_RE.match(norm, m.end())
            head = norm[max(0, m.start() - 64) : m.start()].rstrip()
            initial = not head or head[-1] in ".!?\n"
            if after and (after.group(1).lower() in _NOT_AFTER_MONTH or after.group(1)[0].isupper()):
                continue  # 'May I', 'March on', 'August Macke'
            if initial and after and after.group(1)[0].islower() and not _MONTH_HINT.match(after.group(1)):
                continue  # 'May be ...' at the start of a sentence
        found.append((m.start(), m.end(), "date", f"--{wide[word]:02d}", None, (), ""))


# ---------------------------------------------------------------------------------------------------------
# Composition: atoms + prefixes (currency, qualifier) + suffixes (scale, percent, unit, currency)


def _scale_of(word: str, language: str) -> int | None:
    """Power of ten of a scale word, read in the text's language first ('Billion' is 10¹² in German)."""
    other = "en" if language == "de" else "de"
    return _SCALES[language].get(word, _SCALES[other].get(word))


_TWO_WORDS_RE = re.compile(r"[A-Za-zÄÖÜäöü.-]+ [A-Za-zÄÖÜäöü]+")


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
        if (
            scale is None
            and unit is None
            and currency is None
            and (not hyphen or _long_scale(bare.split("-")[0], language))
        ):
            key = low if _scale_of(low, language) is not None else bare
            if (money or attached or hyphen) and "-" in bare and _scale_of(bare, language) is None:
                key = bare.split("-")[0]  # '£44m-Neuzugang', '4k-Display': the scale heads a compound
            power = _scale_of(key, language)
            short = key in ("m", "k", "b", "mn", "bn", "tn")
            if key == "m" and not money:  # '0,5m', 'a 5m wall': metres, unless money is named ('5m euros')
                after = _SUFFIX_RE.match(norm, m.end("word"))
                if not after or _currencies().get(after.group("word").lower().rstrip(".")) is None:
                    power = None
            if power is not None and (not short or attached or money or key in ("mn", "bn", "tn")):
                scale = power
                end = m.start("word") + (len(word) if key == low else len(bare) if key == bare else len(key))
                continue
        if currency is None and unit is None:
            code = _currencies().get(low) or _currencies().get(bare)
            if code is None and m.group("ws") == " ":
                two = _TWO_WORDS_RE.match(norm, m.start("word"))
                if two and two.group().lower() in _currencies():
                    code, word = _currencies()[two.group().lower()], two.group()
            if code is None and hyphen and scale is not None and "-" in bare:
                word = word.split("-")[0]  # '44-Millionen-Pfund-Verpflichtung': the currency of a compound
                code = _currencies().get(word.lower())
            if code is not None and (not hyphen or scale is not None):
                currency = code
                end = m.start("word") + len(word.rstrip(".") if word.lower() not in _currencies() else word)
                continue
        if unit is None:
            key, length = _unit_at(norm, m.start("word"), word, hyphen)
            if key is not None:
                if key in ("x", "w", "v") and not attached and not word.isupper():
                    break  # '5 x', but '100 W', '12 V'
                unit = _UNITS[key]
                end = m.start("word") + length
                break
        break
    return end, scale, unit, currency


def _long_scale(word: str, language: str) -> bool:
    """A scale said as a word ('Millionen', 'billion'), which may follow its number after a hyphen
    ('16-Millionen'), where an abbreviation ('16-m') is a unit."""
    return len(word) > 3 and _scale_of(word, language) is not None


def _unit_at(norm: str, pos: int, word: str, hyphen: bool) -> tuple[str | None, int]:
    """The unit that starts at `pos` (its _UNITS key and its length in the text): two or three words first
    ('degrees Celsius', 'Kilometer pro Stunde'), then the word, then the first part of a hyphenated word."""
    several = _MULTIWORD_RE.match(norm, pos)
    if several and _MULTIWORD_UNITS:
        parts = several.group().split(" ")
        for n in (3, 2):
            if len(parts) >= n:
                phrase = " ".join(parts[:n])
                if phrase.lower() in _UNITS:
                    return phrase.lower(), len(phrase)
    low = word.lower()
    bare = low.rstrip(".")
    if low in _UNITS:
        return low, len(word)
    if bare in _UNITS:
        return bare, len(bare)
    compact = _UNIT_SPACE_RE.sub("", low)
    if compact in _UNITS:
        return compact, len(word)
    if low.replace(" ", "") in _UNITS:
        return low.replace(" ", ""), len(word)
    if hyphen or "-" in bare:
        head = bare.split("-")[0]
        if head in _UNITS:
            return head, len(head)
    return None, 0


_DATE_KINDS = {"date", "year", "time", "decade"}
_QUALIFIER_RES = {
    language: re.compile(
        rf"(?:(?<![\w])(?P<q>{_alternation(k for k in table if k != '~')})\s+|(?P<t>~)\s*)$", re.IGNORECASE
    )
    for language, table in _QUALIFIERS.items()
}
_BOUND_RES = {
    language: re.compile(rf"(?<![\w])(?P<b>{_alternation(table)})\s+$", re.IGNORECASE)
    for language, table in _BOUNDS.items()
}
_NUMBER_BEFORE_RE = re.compile(
    r"(?i)(?:\d[.,)]?|\b(?:eine[mr]?|ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|\w+zig|\w*hundert"
    r"|\w*tausend|\w*mal|\w+fach))\s+$"
)
# 'not … until November', 'it wasn't until 2019 that': a point in time ('erst im November'), not a time bound
# 'did not take over until November' = only in November: a negation with 'until' later in its clause (not past a
# comma or a relative clause: '… contract, which was to run until 2024' keeps its bound), read by figures as no
# time bound and by claims (`align.claims`) as a negation said in words ('erst im November')
NOT_UNTIL = (
    r"(?i:(?:(?<![\w])(?:not|never)|\w*n['’]t)(?![\w])(?:(?!\b(?:which|who|that|and|but)\b)[^.;:!?,]){0,60}"
    r"(?<![\w])(?:until|till)(?![\w]))"
)
_NOT_UNTIL_RE = re.compile(NOT_UNTIL + r"\s+$")
# 'not worth more than 10 €' = 'nicht mehr wert als 10 €': at most (at least). A negated verb is not read ("you
# shouldn't pay more than 2 euros" renders 'mehr als 2 Euro dürfte man nicht geben', whose negation comes last).
_NOT_BEFORE_RE = re.compile(r"(?i)(?:(?<![\w])not|n['’]t)\s+worth\s+$")
_NEGATED = {"more than": "at_most", "over": "at_most", "less than": "at_least", "fewer than": "at_least"}
_BEI_RE = re.compile(r"(?i)(?<![\w])(?:liegt\s+)?bei\s+$")  # 'mindestens bei etwa': the bound's 'bei'
_BOUNDS_FAMILIES = ("lower bound", "upper bound")
_CALL_CUE_RE = re.compile(r"(?i)(?<![\w])(?:an)?ruf|telefon|(?<![\w])tel\.|hotline|nummer|erreichbar|erreichen|wähl")
_COMPARATIVE_RE = re.compile(r"(?i)(?<![\w])(?P<n>nicht\s+)?(?P<q>mehr|weniger)(?:\s+[^\W\d_]+){1,2}\s+als\s+$")
_COMPARATIVES = {"mehr": "more_than", "weniger": "less_than"}
_NEGATED_COMPARATIVES = {"mehr": "at_most", "weniger": "at_least"}  # 'nicht mehr wert als 10 €' = at most 10 €
_ARTICLE_BEFORE_RE = re.compile(r"(?i)(?<![\w])(?:die|der|den|dem|das|the)\s+$")
_UM_RE = re.compile(r"(?<![\w])(?P<q>[Uu]m)\s+$")
# 'um die 12 Abkommen verabschiedet zu bekommen': 'um' opens an infinitive clause (in order to), no 'about'
_UM_ZU_RE = re.compile(r"[^.;:!?,]{0,80}?(?<![\w])zu\s+[a-zäöüß]+(?:en|ern|eln)(?![\w])")
# a target value in the clause of a year: 'bis 2040 auf 40 % steigen', 'rising to 40% by 2040': 'bis' is 'by'
_TARGET_RES = {
    "de": re.compile(r"(?i)(?<![\w])auf\s+(?:über\s+|unter\s+|rund\s+|etwa\s+|knapp\s+)?\d"),
    "en": re.compile(
        r"(?i)(?<![\w])(?:rise|rising|rose|risen|grow|growing|grew|fall|falling|fell|drop\w*|increas\w*"
        r"|decreas\w*|reach\w*|climb\w*)\s+to\s+(?:about\s+|around\s+|over\s+)?[$€£]?\d"
    ),
}
# 'since' before the start of an event that holds the year: 'seit Beginn des Militärkonflikts mit Russland 2022'
_EVENT_BOUND_RE = re.compile(
    r"(?i)(?<![\w])(?P<b>seit|since)\s+(?:de[mnrs]\s+|the\s+)?"
    r"(?:beginn|anfang|ausbruch|start|beginning|outbreak)\s+(?:des|der|von|vom|of)(?![\w])[^.;:!?,]{0,60}$"
)
# 'von 11,7 Prozent für Einzimmerwohnungen bis zu 14,3 Prozent', 'von einem bis zu vier Zimmern': a range's start
_RANGE_START_RE = re.compile(
    r"(?i)(?<![\w])(?:von|vom|from)\s+(?:\d|(?:eine[mr]?|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)"
    r"(?![\w]))[^.;:!?]*$"
)
_FURTHER_RE = re.compile(r"(?i)(?<![\w])(?:another|a further|weitere[n]?|zusätzliche[n]?)\s+$")
_LIMIT_OF_RES = {
    "en": re.compile(r"(?i)(?<![\w])(?:a|the)\s+(?P<q>maximum|minimum)\s+[a-z]+\s+of\s+$"),
    "de": re.compile(r"(?<![\w])(?P<q>[Mm]aximal|[Mm]inimal)(?:e[mnrs]?)?\s+[A-ZÄÖÜ][a-zäöüß]+\s+von\s+$"),
}
_LIMIT_OF = {"maximum": "at_most", "minimum": "at_least", "maximal": "at_most", "minimal": "at_least"}
_NOUN_BEFORE_RE = re.compile(r"(?<=[a-zäöüß,] )[A-ZÄÖÜ][a-zäöüß]+\s+$")
_CHANGE_CUE_RE = re.compile(
    r"(?i)(?<!\w)\w{0,5}?(?:nahm|nimm|nehm|nomm|stieg|steig|fiel|fall|fäll|sank|sink|wuchs|wachs|wächs|erhöh|verringer|reduzier|senk|anheb"
    r"|angehoben|kürz|gekürzt|zugelegt|zuleg|legte|nachgegeben|verlor|gewann|gewonnen|zurückgegangen|zurückgeh|ging"
    r"|verbesser|verschlechter|verteuer|verbillig|anstieg|rückgang|plus|minus|mehr|weniger|höher|niedriger|größer"
    r"|kleiner|länger|kürzer|teurer|billiger|später|früher|schneller|langsamer|zunahme|abnahme|erhöhung|senkung"
    r"|verschoben|vorgezogen|gedreht|dreh|verlänger|verkürz|gesteigert|steiger)\w*"
    r"|\bauf\s+[-+–]?\d|\b(?:über|unter)\s+(?:dem|den|der)\b"
)
# A threshold named after its figure: 'über die Marke von 50 Dollar', 'above the $50 mark', 'below the 5% threshold'
_THRESHOLD_RES = {
    "de": re.compile(
        r"(?i)(?<!\w)(?P<q>über|unter|oberhalb|unterhalb|jenseits)\s+(?:der|die|den)\s+(?:marke|schwelle|grenze)\s+von\s+$"
    ),
    "en": re.compile(r"(?i)(?<!\w)(?P<q>above|over|past|beyond|below|under)\s+the\s+$"),
}
_THRESHOLD_LAST_WORDS = {"de": "von", "en": "the"}  # the word that each language's _THRESHOLD_RES ends with
_THRESHOLD_NOUN_RE = re.compile(r"(?i)(?:[\s-]+[^\W\d_]+)?[\s-]+(?:mark|threshold|barrier|level|line)(?!\w)")
_THRESHOLD_QUALIFIERS = {"unter": "less_than", "unterhalb": "less_than", "below": "less_than", "under": "less_than"}
_BC_RE = re.compile(r"\s?(?:v\.\s?Chr\.|n\.\s?Chr\.|BCE?\b|AD\b|CE\b)")
_EXCEED_RES = {
    "de": re.compile(r"(?i)(?<!\w)(?:überschr[ei]\w*|übersteig\w*|überstieg\w*|übertr[aäio]f\w*|übertroffen)(?!\w)"),
    "en": re.compile(r"(?i)(?<!\w)(?:exceed\w*|surpass\w*)(?!\w)"),
}


_TOKEN_RE = re.compile(r"[^\s\-–/(\[]+")
_TILDE_RE = re.compile(r"~\s*$")


# The last words of the phrases of each qualifier and bound table, by the table's id
_LAST_WORDS = {
    id(table): frozenset(phrase.split(" ")[-1] for phrase in table)
    for tables in (_QUALIFIERS, _BOUNDS)
    for table in tables.values()
}


@dataclass(frozen=True)
class _Phrase:
    """A qualifier or bound phrase found before a figure: where it starts in the window, and its text."""

    begin: int
    text: str

    def start(self) -> int:
        return self.begin

    def group(self) -> str:
        return self.text


def _phrase_before(before: str, table: dict[str, str]) -> _Phrase | None:
    """The longest phrase of `table` (up to four words) that ends right before the figure, separated from it by
    white space ('more than ', 'oberhalb der Marke von '), or '~' directly before it; as a match on `before`."""
    tail = before.rstrip()
    if tail.endswith("~"):
        tilde = _TILDE_RE.search(before) if "~" in table else None
        return _Phrase(tilde.start(), "~") if tilde else None
    if not before[-1:].isspace():
        return None
    if "." in before or "…" in before:  # 'that..about 1000MW': dots part words too (same length, same offsets)
        before = before.replace("..", ". ").replace("…", " ")
        tail = before.rstrip()
    tail_words = _TOKEN_RE.findall(tail[-24:].lower())[-1:]
    last_word = tail_words[0].lstrip("\"„“'*.") if tail_words else ""
    if last_word not in _LAST_WORDS[id(table)]:
        return None
    words = list(_TOKEN_RE.finditer(before))[-4:]
    for n in range(len(words), 0, -1):
        first = words[-n]
        begin = first.start()
        while begin < first.end() and not before[begin].isalnum():
            begin += 1  # '(etwa', '„rund'
        if begin == first.end():
            continue
        phrase = before[begin : words[-1].end()]
        if phrase.lower() in table:
            return _Phrase(begin, phrase)
    return None


def _threshold(norm: str, start: int, end: int, language: str) -> tuple[str, str] | None:
    """(qualifier, its words) of a figure that names a threshold: 'über die Marke von 50' (more than), 'below the
    5% threshold' (less than); in English only with the threshold's noun after the figure."""
    lead = norm[max(0, start - 40) : start]
    if not lead[-1:].isspace() or lead.rstrip()[-3:].lower() != _THRESHOLD_LAST_WORDS[language]:
        return None  # a cheap test first: the lead ends in 'von ' or 'the '
    found = _THRESHOLD_RES[language].search(norm, max(0, start - 40), start)
    if found is None or (language == "en" and not _THRESHOLD_NOUN_RE.match(norm, end)):
        return None
    return _THRESHOLD_QUALIFIERS.get(found.group("q").lower(), "more_than"), found.group().strip()


_SENTENCE_END_RE = re.compile(r"[.!?;](?=\s|$)")
_CLAUSE_END_RE = re.compile(r"[.!?;,:–—-](?=\s|$)")
_SOMETIMES_HINTS = ("ometimes", "t times", "ccasionally", "some days")  # one in every match of _SOMETIMES_RE
_SOMETIMES_RE = re.compile(r"(?i)(?<![\w])(?:sometimes|at times|occasionally|on some days)(?![\w])")


def _sentence_around(
    norm: str, start: int, end: int, reach: int = 240, marks: re.Pattern[str] = _SENTENCE_END_RE
) -> str:
    """The sentence around norm[start:end] (cut at sentence marks, at most `reach` characters each side)."""
    left = norm[max(0, start - reach) : start]
    ends = list(marks.finditer(left))
    right = norm[end : end + reach]
    after = marks.search(right)
    return left[ends[-1].end() if ends else 0 :] + norm[start:end] + (right[: after.start()] if after else right)


def _clause_around(norm: str, start: int, end: int) -> str:
    """The clause around norm[start:end]: cut at sentence marks, commas, colons and dashes, 60 characters each side
    at most."""
    return _sentence_around(norm, start, end, 60, _CLAUSE_END_RE)


def _sure_bound_before(before: str, language: str) -> str:
    """The words of a sure bound ('mindestens', 'more than'; not 'ab', which may only date) that end `before`,
    a bound's 'bei' aside; '' if none."""
    found = _phrase_before(_BEI_RE.sub("", before), _QUALIFIERS[language])
    word = found.group() if found is not None else ""
    family = QUALIFIER_FAMILY.get(_QUALIFIERS[language].get(word.lower(), ""))
    return word if word and word.lower() not in _UNSURE_QUALIFIERS and family in _BOUNDS_FAMILIES else ""


def _qualify(
    norm: str, start: int, end: int, kind: str, unit: str | None, language: str
) -> tuple[str | None, str, bool, str | None, str]:
    """(qualifier, its text, sure, bound, its text) of a figure at norm[start:end]."""
    before = norm[max(0, start - 32) : start]
    if kind in _DATE_KINDS:
        b = _phrase_before(before, _BOUNDS[language])
        if b:
            word = b.group()
            bound = _BOUNDS[language][word.lower()]
            if bound == "until" and language == "en" and _NOT_UNTIL_RE.search(norm, max(0, start - 100), start):
                return None, "", True, None, ""  # 'did not take over until November' = only in November
            if bound == "until" and kind == "year" and _TARGET_RES[language].search(_clause_around(norm, start, end)):
                return None, "", True, None, ""  # 'soll bis 2040 auf 40 % steigen' = 'rising to 40% in 2040': by
            return None, "", True, bound, word
        event = _EVENT_BOUND_RE.search(norm, max(0, start - 80), start)
        if event:  # 'seit Beginn des Konflikts mit Russland 2022' = since 2022
            word = event.group("b")
            return None, "", True, _BOUNDS[language].get(word.lower()), word
    q = _phrase_before(before, _QUALIFIERS[language])
    article = _ARTICLE_BEFORE_RE.search(before) if q is None and kind == "fraction" else None
    if article:  # 'ungefähr die Hälfte', 'more than the half'
        q = _phrase_before(before[: article.start()], _QUALIFIERS[language])
    further = _FURTHER_RE.search(before) if q is None and before.endswith(("r ", "e ", "n ")) else None
    if further:  # 'up to another 160 stores' = 'bis zu 160 weitere'
        q = _phrase_before(before[: further.start()], _QUALIFIERS[language])
    if q:
        word = q.group()
        low = word.lower()
        q_start = max(0, start - 32) + q.start()
        if low == "gegen" and kind != "time":
            return "approximately", word, False, None, ""  # 'gegen 500 Menschen' = about 500; '3:1 gegen 2' = against
        if low in ("um die", "an die") and kind == "year":
            return None, "", True, None, ""  # 'um die 2024 republikanische Nominierung wetteifern': for the
        if low in ("anfang", "mitte") and kind in _DATE_KINDS:
            return None, "", True, None, ""  # 'Anfang 2023' = 'early 2023': a part of the year, no hedge
        if low in ("over", "über") and kind == "year":
            return None, "", True, None, ""  # 'opened 220 shops over 2023': during
        if low.startswith("um") and _UM_ZU_RE.match(norm, end):
            return None, "", True, None, ""  # 'um die 12 Abkommen verabschiedet zu bekommen': in order to
        if _QUALIFIERS[language][low] == "approximately":
            bound = _sure_bound_before(norm[max(0, q_start - 32) : q_start], language)
            if bound:  # 'mindestens (bei) etwa 2 000' = at least about 2,000: the bound is what the figure asserts
                return _QUALIFIERS[language][bound.lower()], f"{bound} {word}", True, None, ""
        sure = True
        if low in ("über", "over") and unit in ("year", "month", "week", "day", "hour", "minute"):
            sure = False  # 'über 5 Jahre' verteilt, 'over 5 years': a span as well as a bound
        elif low == "über" and _NOUN_BEFORE_RE.search(norm, 0, q_start):
            sure = False  # 'ein Vertrag über 5 Jahre', 'eine Rechnung über 500 Euro': for, not more than
        elif low == "unter" and _CALL_CUE_RE.search(_sentence_around(norm, start, end)):
            return None, "", True, None, ""  # 'rufen Sie unter 101 an', 'erreichbar unter 0800 …': a number to call
        elif low == "bis" and _NUMBER_BEFORE_RE.search(norm, max(0, q_start - 24), q_start):
            return None, "", True, None, ""  # 'einmal bis dreimal', 'zwei bis drei': a range, not 'up to'
        elif low in ("bis", "bis zu") and _RANGE_START_RE.search(norm, max(0, q_start - 80), q_start):
            return None, "", True, None, ""  # 'von 11,7 Prozent für … bis zu 14,3 Prozent': a range's end
        elif low in _UNSURE_QUALIFIERS:
            sure = False
        negation = (
            _NOT_BEFORE_RE.search(norm, max(0, q_start - 24), q_start) if low in _NEGATED and language == "en" else None
        )
        if negation:  # 'not worth more than 10 €' = at most 10 €
            return _NEGATED[low], norm[negation.start() : q_start] + word, True, None, ""
        return _QUALIFIERS[language][low], word, sure, None, ""
    limit_of = _LIMIT_OF_RES[language].search(before) if before.endswith(("of ", "von ")) else None
    if limit_of:  # 'a maximum height of 150 feet', 'einer maximalen Stromstärke von 1,2 A'; may only name the limit
        return _LIMIT_OF[limit_of.group("q").lower()], limit_of.group().strip(), False, None, ""
    threshold = _threshold(norm, start, end, language)
    if threshold is not None:
        return threshold[0], threshold[1], True, None, ""
    comparative = _COMPARATIVE_RE.search(before) if language == "de" and before.endswith("als ") else None
    if comparative:  # 'mehr Tore als 3'; 'nicht mehr wert als 10 €' = worth no more than 10 €
        table = _NEGATED_COMPARATIVES if comparative.group("n") else _COMPARATIVES
        return table[comparative.group("q").lower()], comparative.group().strip(), True, None, ""
    limit = _LIMIT_NOUN_RE.search(before) if language == "de" else None
    if limit and not limit.group("q").lower().startswith(("höchstens", "mindestens")):
        return _LIMIT_PREFIXES[limit.group("p").lower()], limit.group("q"), False, None, ""
    if language == "de" and before.endswith(("um ", "Um ")):
        um = _UM_RE.search(before)
        if um:
            if kind == "time":
                return None, "", True, None, ""  # 'um 15 Uhr' = at 3 pm
            if kind != "year" and _CHANGE_CUE_RE.search(norm, max(0, start - 60), min(len(norm), end + 60)):
                return None, "", True, None, ""  # 'um 15 auf 1.250 gestiegen', 'um 5 % höher': by 15, by 5 %
            # 'um 1997' = about 1997; 'um 11 Grad erwartet' = about 11 degrees, unless a change word further off in
            # the sentence ('stiegen … in der Nacht um 10 Grad') makes it 'by'; other figures may be 'by' with the
            # verb out of sight ('Aufzählung um 1 Schritt'): unsure
            sure = kind == "year" or (
                unit in ("degree", "°C", "°F") and not _CHANGE_CUE_RE.search(_sentence_around(norm, start, end))
            )
            return "approximately", um.group("q"), sure, None, ""
    if (
        language == "en"
        and kind not in _DATE_KINDS
        and _any_in(norm, _SOMETIMES_HINTS)
        and _SOMETIMES_RE.search(_clause_around(norm, start, end))
    ):
        return "at_most", "sometimes", False, None, ""  # 'auch mal 300' (on some days as many as 300) ~ 'sometimes'
    if kind not in _DATE_KINDS and kind != "ordinal":
        window = norm[max(0, start - 40) : min(len(norm), end + 30)]
        stem = "über" if language == "de" else "xceed"
        if (stem in window or "surpass" in window or "Über" in window) and _EXCEED_RES[language].search(window):
            return "more_than", "", False, None, ""  # 'überschreitet es 3.000' ~ 'pushes it over 3,000'
    return None, "", True, None, ""


@dataclass(frozen=True)
class _Text:
    """The segment figures are read from: as written and with its digits normalized, its language, and where it
    sits in the document (the offset of its spans, its segment index)."""

    text: str
    norm: str
    language: str
    offset: int
    segment: int


def _make(
    where: _Text,
    start: int,
    end: int,
    *,
    kind: str,
    value: str,
    unit: str | None = None,
    scale: int | None = None,
    ambiguous: bool = False,
    alternatives: tuple[str, ...] = (),
    plus: bool = False,
    doubt: str = "",
) -> Figure:
    """The figure at where.norm[start:end], with its qualifier or time bound read from the words around it."""
    norm, language = where.norm, where.language
    qualifier, qualifier_text, sure, bound, bound_text = _qualify(norm, start, end, kind, unit, language)
    if kind == "code":  # a code or model name takes no qualifier ('über H2O', 'bis zu A4', 'Galaxy S10+')
        qualifier, qualifier_text, sure, bound, bound_text = None, "", True, None, ""
    elif plus or (end < len(norm) and norm[end] == "+" and (end + 1 == len(norm) or not norm[end + 1].isalnum())):
        qualifier, qualifier_text, sure = "more_than", "+", True
    elif norm[end : end + 5].lower() == "-plus" and not norm[end + 5 : end + 6].isalnum():
        qualifier, qualifier_text, sure = "more_than", "-plus", True  # 'a £6 million-plus expansion'
    elif norm[end : end + 4].lower() == "-ish" and not norm[end + 4 : end + 5].isalnum():
        qualifier, qualifier_text, sure = "approximately", "-ish", True  # 'being 40-ish' = 'mit etwa vierzig'

    elif (qualifier is None or qualifier == "approximately") and kind not in _DATE_KINDS:
        # a bound after the figure rules over a hedge before it: 'around 2 000 at least' = at least 2,000
        post = _POSTFIX_RE.match(norm[end : end + 16])
        if (
            post
            and qualifier is not None
            and QUALIFIER_FAMILY.get(_POSTFIX_QUALIFIERS[post.group("q").lower()]) not in _BOUNDS_FAMILIES
        ):
            post = None
        age = _AGE_DIFFERENCE_RES[language].match(norm, end) if unit == "year" and language in ("de", "en") else None
        if post:
            qualifier, qualifier_text, sure = _POSTFIX_QUALIFIERS[post.group("q").lower()], post.group("q"), True
        elif age and qualifier is None:
            qualifier, qualifier_text, sure = "difference", age.group().strip().lstrip("-"), True
    if qualifier == "approximately" and kind not in _DATE_KINDS and _significant_digits(value) >= 4:
        sure = False  # 'some 18,257', 'rund 18.257': a hedge on an exact figure is style, which a translation may drop
    return Figure(
        kind=kind,
        value=value,
        text=where.text[start:end],
        start=start + where.offset,
        end=end + where.offset,
        unit=unit,
        scale=scale,
        qualifier=qualifier,
        qualifier_text=qualifier_text,
        ambiguous=ambiguous,
        alternatives=alternatives,
        segment=where.segment,
        qualifier_sure=sure,
        bound=bound,
        bound_text=bound_text,
        doubt=doubt,
    )


def _significant_digits(value: str) -> int:
    """How many significant digits a figure's value has ('18257' 5, '1000' 1, '2.5' 2); 0 for no number."""
    number = to_decimal(value)
    return len(number.normalize().as_tuple().digits) if number is not None and number else 0


def to_decimal(value: str) -> Decimal | None:
    """A figure's value as a Decimal; None where it is no number (a date, a range, a score)."""
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


# URLs, e-mail addresses, markup tags, printf placeholders and entities: each pattern with a string that all its
# matches hold. Most text holds none of these strings, and then there is nothing to search for.
_MARKUP = (
    ("http", r"https?://\S+"),
    ("www.", r"www\.\S+"),
    ("@", r"\S+@\S+\.\w+"),
    ("<", r"<[^>\s][^>]*>"),
    ("%", r"%\d*\$?[sdS]"),
    ("&", r"&\w+;"),
)


@cache
def _markup_re(present: tuple[bool, ...]) -> re.Pattern[str]:
    """The markup patterns whose strings are `present` in a text, as one pattern: in their order, so that it
    finds in that text what all of them together would find."""
    return re.compile("|".join(pattern for (_, pattern), on in zip(_MARKUP, present, strict=True) if on))


_IDIOM_RE = re.compile(
    r"(?i)(?<![\w])(?:null komma (?:nix|nichts|null)|auf 180|08/?15|(?:um )?fünf vor zwölf|24/7|nine[- ]to[- ]five"
    r"|sixes and sevens|at the eleventh hour|zwei fliegen mit einer klappe|two birds with one stone)(?![\w])"
)
# A part of each idiom, one that starts with a rare character so that the search is fast ('komma' of 'null komma
# nix', 'xes and' of 'sixes and sevens'): searched in `_caseless` text, so that _IDIOM_RE runs only where it may match
_IDIOM_HINT_RE = re.compile(r"komma|180|08/?15|zwölf|24/7|five|xes and|venth|klappe|birds")


def _caseless(text: str) -> str:
    """`text` lower-cased for a substring test that stands in for a case-insensitive pattern: 'İ', 'ı' and 'ſ',
    which such a pattern matches as 'i' and 's', read as those letters."""
    if not text.isascii():
        text = text.replace("İ", "i").replace("ı", "i").replace("ſ", "s")
    return text.lower()


def protected_spans(text: str) -> list[tuple[int, int]]:
    """URLs, e-mail addresses, markup tags, printf placeholders and entities, and numeric idioms translated by
    sense ('in Null Komma nichts' = in no time, 'auf 180' = furious, '24/7'): never figures."""
    present = tuple(hint in text for hint, _ in _MARKUP)
    spans = [m.span() for m in _markup_re(present).finditer(text)] if any(present) else []
    if _IDIOM_HINT_RE.search(_caseless(text)):
        spans += [m.span() for m in _IDIOM_RE.finditer(text)]
    return spans


def extract(
    text: str, language: str, protected: tuple[tuple[int, int], ...] = (), offset: int = 0, segment: int = 0
) -> tuple[Figure, ...]:
    """Every figure in `text` (a sentence or segment) with spans shifted by `offset`.

    `protected` holds absolute spans (as in `Segment.protected`) whose figures are ignored; URLs and
    markup are found and ignored as well.
    """
    language = "de" if language.lower().startswith("de") else "en"
    norm = normalize_digits(text)
    if "N" in norm and _NAIRA_GATE.search(norm):  # 'N585 million': naira as Nigerian papers write them (not 'N95')
        norm = _NAIRA_RE.sub("₦", norm)  # one character for one: the offsets stay
    skip = [(s - offset, e - offset) for s, e in protected] + protected_spans(norm)
    where = _Text(text=text, norm=norm, language=language, offset=offset, segment=segment)
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = list(skip)
    covered = _covered(len(norm), skip)
    for start, end, kind, value, unit, alts, doubt in _dates_and_times(norm, language) + _word_figures(norm, language):
        if _overlaps(covered, start, end):
            continue
        figures.append(
            _make(
                where,
                start,
                end,
                kind=kind,
                value=value,
                unit=unit,
                ambiguous=bool(alts),
                alternatives=alts,
                doubt=doubt,
            )
        )
        taken.append((start, end))
        _cover(covered, start, end)
    malformed: list[tuple[int, int]] = []
    atoms = _digit_atoms(norm, language, taken, malformed)
    for start, end in malformed:
        raw = norm[start:end]
        figures.append(
            Figure(
                kind="number",
                value=raw,
                text=text[start:end],
                start=start + offset,
                end=end + offset,
                ambiguous=True,
                segment=segment,
            )
        )
    atoms += _word_atoms(text, norm, language, taken + [(a.start, a.end) for a in atoms])
    atoms.sort(key=lambda a: a.start)
    figures += _compose(where, atoms)
    figures.sort(key=lambda f: (f.start, f.end))
    return tuple(_range_ends(norm, figures, offset))


_RANGE_END_RE = re.compile(r"(?i)^[\s\-–]*(?:bis(?: zum| zur| in die| ins)?|until|till|to|through)\s+$")


def _range_ends(norm: str, figures: list[Figure], offset: int) -> list[Figure]:
    """'vom 21. Februar bis zum 5. März', 'der 1950er- bis 1970er-Jahre': a 'bis' between two dates ends a span
    that the first one starts; it is no time bound of the second."""
    for i in range(1, len(figures)):
        a, b = figures[i - 1], figures[i]
        if (
            b.bound == "until"
            and a.kind in _DATE_KINDS
            and _RANGE_END_RE.match(norm[a.end - offset : b.start - offset])
        ):
            figures[i] = replace(b, bound=None, bound_text="")
    return figures


@dataclass(frozen=True)
class _Reading:
    """One atom read with its prefix and suffixes: the span it covers, its kind, value, unit and scale."""

    start: int
    end: int
    kind: str
    value: Decimal
    alternatives: tuple[Decimal, ...] = ()
    unit: str | None = None
    scale: int | None = None


def _single(norm: str, atom: _Atom, language: str) -> _Reading:
    """Read one atom with its prefix and suffixes."""
    start, value, alts = atom.start, atom.value, atom.alternatives
    if atom.ordinal:
        return _Reading(start=start, end=atom.end, kind="ordinal", value=value, alternatives=alts)
    after = atom.end
    half = _AND_A_HALF_RE.match(norm, after)
    if half:  # '3 and a half years', 'three and a half'
        value, alts, after = value + Decimal("0.5"), tuple(a + Decimal("0.5") for a in alts), half.end()
    elif norm[after : after + 2] == "+ ":  # '$50+ billion'
        after += 1
    prefix = _PREFIX_RE.search(norm[max(0, start - 5) : start])
    currency = None
    if prefix:
        code = _currencies().get(prefix.group("cur").lower())
        if prefix.group("cur") == "R":
            code = "ZAR" if not norm[start - 2 : start - 1].isalpha() else None
        if code:
            currency, start = code, start - len(prefix.group())
    end, scale, unit, suffix_currency = _suffixes(norm, after, language, currency is not None)
    if end == after and after > atom.end and not half:
        end = atom.end
    currency = currency or suffix_currency
    if scale is not None:
        factor = Decimal(10) ** scale
        value, alts = value * factor, tuple(a * factor for a in alts)
    if currency:
        return _Reading(start=start, end=end, kind="money", value=value, alternatives=alts, unit=currency, scale=scale)
    if unit in _PERCENT_UNITS:
        kind = _PERCENT_UNITS[unit]
        return _Reading(start=start, end=end, kind=kind, value=value, alternatives=alts, unit=unit, scale=scale)
    if unit:
        return _Reading(start=start, end=end, kind="quantity", value=value, alternatives=alts, unit=unit, scale=scale)
    if scale == 9 and norm[atom.end : atom.end + 1] in "Bb" and end == atom.end + 1:
        following = norm[end : end + 12].lower()
        hyphenated = atom.start > 0 and norm[atom.start - 1] == "-"
        if hyphenated or following.startswith((" parameter", "-parameter")):
            return _Reading(
                start=start, end=end, kind="quantity", value=value, alternatives=alts, unit="parameter", scale=scale
            )
    bc = value < 10000 and _BC_RE.match(norm, end)  # '3500 v. Chr.' = 3500 BCE
    if atom.plain and scale is None and start == atom.start and end == atom.end and (1000 <= value <= 2199 or bc):
        return _Reading(start=start, end=end, kind="year", value=value, alternatives=alts)
    if atom.plain and end == atom.end and norm[end : end + 1] == "." and not atom.word:
        rest = norm[end + 1 : end + 3]
        opener = _WORD_AT_RE.match(norm, end + 2)
        if (
            len(rest) == 2
            and rest[0] == " "
            and rest[1].isalpha()
            and value < 1000
            and not (opener and opener.group() in _SENTENCE_OPENERS and _inside_sentence(norm, start))
        ):  # 'am 16. März', a list's '2. Die'; not 'um den Faktor 16. Damit …', where a sentence ends
            return _Reading(start=start, end=end + 1, kind="ordinal", value=value, alternatives=alts)
    if atom.plain and norm[end : end + 2] in ("th", "st", "nd", "rd") and not norm[end + 2 : end + 3].isalpha():
        return _Reading(start=start, end=end + 2, kind="ordinal", value=value, alternatives=alts)
    german = _GERMAN_ORDINAL_RE.match(norm, end) if atom.plain and language == "de" else None
    if german:  # 'der 2te', 'am 3ten'
        return _Reading(start=start, end=german.end(), kind="ordinal", value=value, alternatives=alts)
    return _Reading(start=start, end=end, kind="number", value=value, alternatives=alts, scale=scale)


_WORD_AT_RE = re.compile(r"\w+")


def _inside_sentence(norm: str, start: int) -> bool:
    """Words of its sentence stand before `start` on its line: no list number ('2. Die …') starts there."""
    head = norm[max(0, start - 80) : start].rstrip(" \t>*-(")
    return bool(head) and head[-1] not in ".!?:;\n"


# Capitalized words that open a sentence and never follow an ordinal: a number before them ends its sentence
_SENTENCE_OPENERS = frozenset(
    "Damit Dabei Dadurch Dafür Dagegen Daher Danach Dann Darum Deshalb Doch Aber Und Oder Auch Außerdem Zudem"
    " Jedoch Nun Jetzt Heute So Somit Trotzdem Allerdings Es Er Sie Wir Ich Man Dies Diese Dieser Dieses Wenn Weil"
    " Als Während Laut The This That It He She They We There But However Then When While".split()
)
_CLOCK_LIKE_RE = re.compile(r"(?P<h>[01]?\d|2[0-3])\.(?P<m>[0-5]\d)")


def _clock_alternative(text: str, kind: str) -> tuple[str, ...]:
    """A plain number written like a German clock time ('13.25', '01.40'): also read as that time, so that
    '13.25 Uhr' → 'at 13.25' is a notation kept, not a time dropped."""
    clock = _CLOCK_LIKE_RE.fullmatch(text) if kind == "number" else None
    return (f"{int(clock.group('h')):02d}:{clock.group('m')}",) if clock else ()


def _compose(where: _Text, atoms: list[_Atom]) -> list[Figure]:
    """The figures of the digit and number-word atoms: each read alone, or two joined into a range or a score."""
    norm = where.norm
    figures: list[Figure] = []
    readings = [_single(norm, a, where.language) for a in atoms]
    i = 0
    while i < len(atoms):
        atom, reading = atoms[i], readings[i]
        if i + 1 < len(atoms):
            joined = _joined(where, atom, reading, atoms[i + 1], readings[i + 1])
            if joined is not None:
                figures.append(joined)
                i += 2
                continue
            reading = _shared_unit(norm, reading, atoms[i + 1], readings[i + 1])
        figures.append(
            _make(
                where,
                reading.start,
                reading.end,
                kind=reading.kind,
                value=canonical(reading.value),
                unit=reading.unit,
                scale=reading.scale,
                ambiguous=atom.ambiguous,
                alternatives=tuple(canonical(a) for a in reading.alternatives if a != reading.value)
                + _clock_alternative(norm[reading.start : reading.end], reading.kind),
                plus=norm[atom.end : atom.end + 1] == "+" and reading.end > atom.end + 1,
                doubt="ordinal word" if atom.ordinal and reading.value <= 2 else "",
            )
        )
        i += 1
    return _mark_list_numbers(norm, _without_stutters(norm, figures, where.offset), where.offset)


def _joined(where: _Text, atom: _Atom, reading: _Reading, nxt: _Atom, following: _Reading) -> Figure | None:
    """Two neighbouring atoms read as one figure: a score ('3-1') or a range ('2 bis 3 Tage', 'between 5 and 10
    percent', '2019-2021'); None when they stay apart."""
    norm, start, end, kind, value = where.norm, reading.start, reading.end, reading.kind, reading.value
    joint = norm[end : nxt.start]
    between = _BETWEEN_RE.search(norm[max(0, start - 9) : start])
    is_and = joint.strip() in ("und", "and")
    worded = bool(joint.strip()) and joint.strip() not in ("-", "–", "—")
    own_unit = kind in ("money", "percent", "percentage_points", "quantity")
    if not (
        _RANGE_JOIN_RE.match(joint)
        and (not is_and or between)
        and nxt.start > end
        and not (worded and own_unit and not between)
    ):
        return None
    n_kind, n_value, n_scale = following.kind, following.value, following.scale
    low_value = value
    if reading.scale is None and n_scale is not None:
        low_value = value * Decimal(10) ** n_scale
    tight = joint in ("-", "–")
    small = atom.plain and nxt.plain and kind == n_kind == "number" and value < 100 and n_value < 100
    if tight and small and value > n_value:  # '3-1': a score
        score = f"{canonical(value)}:{canonical(n_value)}"
        return _make(where, start, following.end, kind="score", value=score)
    numeric = (
        kind in ("number", n_kind)
        and (reading.unit is None or reading.unit == following.unit)
        and n_kind != "year"
        and kind not in ("year", "ordinal")
    )
    years = kind == n_kind == "year" and (not is_and or between) and value < n_value
    if not ((numeric or years) and low_value <= n_value):
        return None
    return _make(
        where,
        between.start() + max(0, start - 9) if between else start,
        following.end,
        kind="range",
        value=f"{canonical(low_value)}..{canonical(n_value)}",
        unit=following.unit,
        scale=n_scale if n_scale is not None else reading.scale,
        ambiguous=tight and small,
        alternatives=(f"{canonical(value)}:{canonical(n_value)}",) if tight and small else (),
    )


def _shared_unit(norm: str, reading: _Reading, nxt: _Atom, following: _Reading) -> _Reading:
    """A bare number that takes the unit of the next one: '5 oder 10 %', '7 and 13B parameters'."""
    if reading.unit is not None or reading.kind != "number":
        return reading
    joint = norm[reading.end : nxt.start].strip()
    if joint in ("und", "and", "oder", "or", ","):
        n_unit = following.unit
        if n_unit == "parameter" or (n_unit in _PERCENT_UNITS and following.kind != "money"):
            kind = "quantity" if n_unit == "parameter" else _PERCENT_UNITS[n_unit]
            return replace(reading, unit=n_unit, kind=kind)
    if norm[reading.end : reading.end + 1] == "B" and reading.scale == 9 and following.unit == "parameter":
        return replace(reading, unit="parameter", kind="quantity")
    return reading


_LIST_LEAD_RE = re.compile(r"(?:^|\n|[.!?:;]\s)[ \t>*-]*\(?$")


_LIST_ITEM_RE = re.compile(r"\s+[A-ZÄÖÜ\d(]")


def _without_stutters(norm: str, figures: list[Figure], offset: int) -> list[Figure]:
    """A figure said twice in a row ('die vier vier Ausgaben', 'nur 95 95 von'): a machine translation's stutter,
    one figure."""
    kept: list[Figure] = []
    for f in figures:
        last = kept[-1] if kept else None
        if last is not None and last.text == f.text and not norm[last.end - offset : f.start - offset].strip():
            continue
        kept.append(f)
    return kept


def _mark_list_numbers(norm: str, figures: list[Figure], offset: int) -> list[Figure]:
    """Numbers of list items and sections ('1. Allgemeines', '(5) Abschließend'): markup that a translation may
    renumber or drop with the list formatting; compared, but their drop is uncertain."""
    out = []
    for f in figures:
        start, end = f.start - offset, f.end - offset
        marker = (f.kind == "ordinal" and f.text[-1:] == ".") or (f.kind == "number" and norm[end : end + 1] == ")")
        if marker and f.text[:1].isdigit() and len(f.text.rstrip(".")) <= 3 and not f.qualifier_text:
            after = end + (1 if norm[end : end + 1] == ")" else 0)
            if _LIST_LEAD_RE.search(norm, max(0, start - 4), start) and _LIST_ITEM_RE.match(norm, after):
                f = replace(f, doubt="list number")
        out.append(f)
    return out
