"""Figure extraction: German and English number conventions, scales, money, dates, words, qualifiers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.compare import compare_pair
from align.figures import Figure, extract, parse_number
from align.serialize import from_json, to_json


def one(text: str, language: str) -> Figure:
    figures = extract(text, language)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("text", "language", "value", "ambiguous"),
    [
        ("2,45", "de", "2.45", False),
        ("2.45", "en", "2.45", False),
        ("1.500", "de", "1500", False),
        ("1,500", "en", "1500", False),
        ("1 500", "de", "1500", False),
        ("1’500", "de", "1500", False),
        ("1.000.000", "de", "1000000", False),
        ("1,000,000.5", "en", "1000000.5", False),
        ("1.500", "en", "1.5", True),
        ("2,450", "de", "2.45", True),
        ("57,60", "en", "57.6", False),
    ],
)
def test_numbers_follow_the_language_and_flag_what_is_ambiguous(text, language, value, ambiguous):
    figure = one(f"Es sind {text} Stück." if language == "de" else f"There are {text} items.", language)
    assert (figure.value, figure.ambiguous) == (value, ambiguous)


def test_ambiguous_numbers_keep_the_other_reading():
    assert one("more than 272.000 infections", "en").alternatives == ("272000",)
    assert parse_number("1.2.3,4", "de") is None


@pytest.mark.parametrize(
    ("text", "language", "value", "kind", "unit", "scale"),
    [
        ("um −1,59 % gefallen", "de", "-1.59", "percent", "%", None),
        ("fell -1.59% today", "en", "-1.59", "percent", "%", None),
        ("rund 52,5 Milliarden US-Dollar", "de", "52500000000", "money", "USD", 9),
        ("about $52.5 billion", "en", "52500000000", "money", "USD", 9),
        ("über 100 Mrd. USD", "de", "100000000000", "money", "USD", 9),
        ("zwei Billionen Euro", "de", "2000000000000", "money", "EUR", 12),
        ("2 Billionen Euro", "de", "2000000000000", "money", "EUR", 12),
        ("2 trillion euros", "en", "2000000000000", "money", "EUR", 12),
        ("2 billion euros", "en", "2000000000", "money", "EUR", 9),
        ("3,5 Mio. Einwohner", "de", "3500000", "number", None, 6),
        ("€5m in fines", "en", "5000000", "money", "EUR", 6),
        ("12 Tsd. Besucher", "de", "12000", "number", None, 3),
        ("das Modell QwQ-32B", "de", "32000000000", "quantity", "parameter", 9),
        ("131,5 Hongkong-Dollar", "de", "131.5", "money", "HKD", None),
        ("HK$131.5", "en", "131.5", "money", "HKD", None),
        ("380 Milliarden Yuan", "de", "380000000000", "money", "CNY", 9),
        ("ein Kurs von 123,6EUR", "de", "123.6", "money", "EUR", None),
        ("€123.60", "en", "123.6", "money", "EUR", None),
        ("RMB 5 billion", "en", "5000000000", "money", "CNY", 9),
        ("3 Prozentpunkte", "de", "3", "percentage_points", "pp", None),
        ("3 percentage points", "en", "3", "percentage_points", "pp", None),
        ("2,45 Prozent", "de", "2.45", "percent", "%", None),
        ("2.45 per cent", "en", "2.45", "percent", "%", None),
        ("eine 90%ige Durchdringung", "de", "90", "percent", "%", None),
        ("bei 25 °C", "de", "25", "quantity", "°C", None),
        ("360-Grad-Systeme", "de", "360", "quantity", "degree", None),
        ("5 km entfernt", "de", "5", "quantity", "km", None),
        ("64 GB Speicher", "de", "64", "quantity", "GB", None),
        ("17-jährige Schülerin", "de", "17", "quantity", "year", None),
        ("a 17-year-old student", "en", "17", "quantity", "year", None),
    ],
)
def test_scales_money_percent_and_units(text, language, value, kind, unit, scale):
    figure = one(text, language)
    assert (figure.value, figure.kind, figure.unit, figure.scale) == (value, kind, unit, scale)


@pytest.mark.parametrize(
    ("text", "language", "kind", "value"),
    [
        ("am 13. März 2025 gehandelt", "de", "date", "2025-03-13"),
        ("on March 13, 2025 at", "en", "date", "2025-03-13"),
        ("on 13 March 2025", "en", "date", "2025-03-13"),
        ("am 13.03.2025", "de", "date", "2025-03-13"),
        ("im Januar 2024", "de", "date", "2024-01"),
        ("um 13:13 Uhr", "de", "time", "13:13"),
        ("at 1:13 p.m.", "en", "time", "13:13"),
        ("at 1:13 pm", "en", "time", "13:13"),
        ("vor 30-40 Jahren", "de", "range", "30..40"),
        ("am 8.-10. September", "de", "range", "--09-08..--09-10"),
        ("on September 8–10", "en", "range", "--09-08..--09-10"),
        ("zwischen 5 und 7 Jahren", "de", "range", "5..7"),
        ("between 5 and 7 years", "en", "range", "5..7"),
        ("der 8. Platz", "de", "ordinal", "8"),
        ("the 8th place", "en", "ordinal", "8"),
        ("im Jahr 2025", "de", "year", "2025"),
    ],
)
def test_dates_times_ranges_ordinals_years(text, language, kind, value):
    figure = one(text, language)
    assert (figure.kind, figure.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("zwei Säulen", "de", "2"),
        ("nach sechs Jahren", "de", "6"),
        ("zwölf Apostel", "de", "12"),
        ("zwanzig Leute", "de", "20"),
        ("zweiundzwanzig Leute", "de", "22"),
        ("eine Milliarde Euro", "de", "1000000000"),
        ("six years ago", "en", "6"),
        ("a dozen people", "en", "12"),
        ("twenty-one guns", "en", "21"),
    ],
)
def test_number_words_have_no_threshold(text, language, value):
    assert one(text, language).value == value


@pytest.mark.parametrize(
    ("text", "language"),
    [("ein Jahr später", "de"), ("Eines ist klar", "de"), ("One thing is clear", "en"), ("a year later", "en")],
)
def test_articles_are_not_figures(text, language):
    assert extract(text, language) == ()


@pytest.mark.parametrize(
    ("text", "language", "qualifier"),
    [
        ("rund 52,5 Mrd.", "de", "approximately"),
        ("etwa 4,6 Mrd. USD", "de", "approximately"),
        ("ca. 300 Modelle", "de", "approximately"),
        ("about $52.5 billion", "en", "approximately"),
        ("some 300 models", "en", "approximately"),
        ("über 300 Modelle", "de", "more_than"),
        ("mehr als 272.000", "de", "more_than"),
        ("more than 300 models", "en", "more_than"),
        ("$100B+ in spending", "en", "more_than"),
        ("bis zu 20 Jahre", "de", "at_most"),
        ("up to 20 years", "en", "at_most"),
        ("fast 50 %", "de", "nearly"),
        ("knapp 50 %", "de", "nearly"),
        ("nearly 50%", "en", "nearly"),
        ("just under 50%", "en", "nearly"),
        ("mindestens 8 Zeichen", "de", "at_least"),
        ("at least 8 characters", "en", "at_least"),
    ],
)
def test_qualifiers(text, language, qualifier):
    figure = one(text, language)
    assert figure.qualifier == qualifier
    assert figure.qualifier_text not in figure.text


def test_protected_spans_urls_and_markup_are_ignored():
    text = "Siehe `v2.3.1` und https://x.com/status/1904438237554515976 sowie <img width=10>: 5 Punkte."
    start = text.index("`")
    figures = extract(text, "de", protected=((start, start + 8),))
    assert [f.value for f in figures] == ["5"]


def test_spans_are_absolute_and_slice_back():
    text = "Die Aktie fiel um 2,45 Prozent auf 131,5 Hongkong-Dollar."
    document = "Vorher.\n" + text
    for figure in extract(text, "de", offset=8, segment=3):
        assert document[figure.start : figure.end] == figure.text
        assert figure.segment == 3


@pytest.mark.parametrize(
    "text", ["Keine Zahlen hier.", "1 2 3 4,5 6.7 %", "1.2.3,4 und --5", "١٧٥٪ und ۱۲۳ und １２３", "", "...,,,--"]
)
def test_bad_input_does_not_crash(text):
    for figure in extract(text, "de"):
        assert text[figure.start : figure.end] == figure.text


def test_malformed_numbers_are_kept_verbatim():
    figures = extract("Version 1.2.3,4 und --5", "de")
    assert figures[0].value == "1.2.3,4" and figures[0].ambiguous


def test_non_latin_digits_are_read():
    assert one("١٧٥٪", "en").value == "175" and one("١٧٥٪", "en").kind == "percent"
    assert one("Preis １２３ Euro", "de").value == "123"
    assert one("(۰.۵×)", "en").value == "0.5"


def test_ten_thousand_figures_in_one_sentence():
    text = " ".join(f"{i}," for i in range(10_000))
    assert len(extract(text, "en")) == 10_000


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789.,-+ %$€aAkmBMrd:–/°", max_size=40), st.sampled_from(["de", "en"]))
def test_every_span_slices_back(text, language):
    for figure in extract(text, language):
        assert text[figure.start : figure.end] == figure.text


# Pieces of the words and notations the figure patterns read, to be glued, re-cased and respelled at random
FIGURE_WORDS = (
    "erstgrößte zweithöchste dritt viert größte grösste Mai März September Jänner Uhr Mitternacht noon zwei drei "
    "ſechs Dutzend Jahre jährige rund über bis fast knapp mehr als achtziger Nullerjahre Sonntag montags Prozent "
    "Mio. Mrd. Euro US-Dollar km/h °C v. Chr. 1.500 3:1 12.5.2020 5/3/31 2019/20 Mindest Höchst einmal anderthalb"
)
FIGURE_PIECES = [*FIGURE_WORDS.split(), " ", ".", ",", "-", "–", "/", "5", "12", "1990"]
ODD_LETTERS = {"s": "ſ", "i": "ı", "I": "İ", "k": "\u212a", "0": "\u0660", "1": "\uff11"}


@st.composite
def figure_text(draw: st.DrawFn) -> str:
    text = "".join(draw(st.lists(st.sampled_from(FIGURE_PIECES), max_size=12)))
    text = draw(st.sampled_from([str.upper, str.lower, str.title, str.casefold, str]))(text)
    odd = draw(st.sets(st.sampled_from(sorted(ODD_LETTERS))))
    return text.translate({ord(c): ODD_LETTERS[c] for c in odd})


@settings(max_examples=300, deadline=None)
@given(figure_text(), st.sampled_from(["de", "en"]))
def test_odd_spellings_of_figure_words_are_read_or_left_never_a_crash(text, language):
    """Re-cased and respelled figure words ('ERſTGRÖSSTE', 'ZWEİTGRÖSSTE': a case-insensitive pattern reads 'ſ'
    as s and 'İ' as i, which lower() does not) come out as figures or none, never as an error."""
    for figure in extract(text, language):
        assert text[figure.start : figure.end] == figure.text
    compare_pair(text, text.upper())


def test_letters_a_pattern_reads_as_others_are_read_as_those():
    assert [(f.kind, f.value) for f in extract("Die ERſTGRÖSSTE und die ZWEİTGRÖSSTE Stadt", "de")] == [
        ("ordinal", "1"),
        ("ordinal", "2"),
    ]


def test_figure_round_trips_through_json():
    for figure in extract("rund 52,5 Milliarden US-Dollar am 8.-10. September, 1.500 Stück", "de"):
        assert from_json(Figure, json.loads(json.dumps(to_json(figure)))) == figure


def gold_inventory(seeds, stem, language):
    segments = [json.loads(line) for line in (seeds / "gold" / f"{stem}.{language}.segments.jsonl").open()]
    ours = []
    for seg in segments:
        for f in extract(seg["text"], language, offset=seg["start"], segment=seg["index"]):
            ours.append(
                {
                    "segment": f.segment,
                    "start": f.start,
                    "end": f.end,
                    "text": f.text,
                    "kind": f.kind,
                    "value": f.value,
                    "unit": f.unit,
                    "scale": f.scale,
                    "qualifier": f.qualifier if f.qualifier_sure else None,  # an unsure reading is no claim
                }
            )
    return ours


@pytest.mark.parametrize("stem", ["000_196887d79a86fdb7", "004_06f121a0a3444192"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_seed_gold_inventories_are_reproduced_exactly(seeds, stem, language):
    gold_path = seeds / "gold" / f"{stem}.{language}.figures.jsonl"
    if not gold_path.exists():
        pytest.skip(f"{gold_path} not written yet")
    gold = [json.loads(line) for line in gold_path.open()]
    assert gold_inventory(seeds, stem, language) == gold


def test_inline_tag_placeholders_do_not_hide_qualifiers():
    """XLIFF inline tags become private-use placeholders; a qualifier before a tag still counts."""
    (more,) = extract("Mehr als \ue0002.000\ue001 Personen", "de")
    assert (more.value, more.qualifier) == ("2000", "more_than")
    (nearly,) = extract("fast \ue00050 %", "de")
    assert (nearly.kind, nearly.value, nearly.qualifier) == ("percent", "50", "nearly")
