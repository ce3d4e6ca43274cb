"""Figure rules found on real translations (issue 17): one test per class of false alarm or miss, each with a short
self-written example, not a sentence of the labelled set."""

from __future__ import annotations

import json

import pytest

from align.compare import compare_pair
from align.figures import extract
from align.findings import Finding, parse_severities
from align.serialize import from_json, to_json


def figure_findings(source: str, target: str) -> list[Finding]:
    return [f for f in compare_pair(source, target, claims=False) if f.status != "preserved"]


def errors(source: str, target: str) -> list[Finding]:
    return [f for f in figure_findings(source, target) if f.severity == "error"]


def figures(text: str, language: str) -> list[tuple[str, str]]:
    return [(f.kind, f.value) for f in extract(text, language)]


# --- false alarms: notation that keeps the value ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der HSV siegte 3:1 (2:0).", "HSV won 3-1 (2-0)."),
        ("Es endete 1:3.", "It ended 1-3."),
        ("Das Verhältnis ist 3:1.", "The ratio is 3 to 1."),
    ],
)
def test_scores_and_ratios_with_a_colon_match_a_hyphen(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der ICE 3 fährt auf der B 27 vorbei.", "The ICE3 passes on the B27."),
        ("Der Schalter SW 1 liegt links.", "Switch SW1 is on the left."),
        ("Die Kamera filmt in 8K und hat Wi-Fi 6.", "The camera films in 8K and has Wi-Fi 6."),
        ("Das Galaxy S4 nutzt Direct3D.", "The Galaxy S4 uses Direct3D."),
        ("Er ist die Nr. 1 der Welt.", "He is the world's number one."),
    ],
)
def test_designations_and_model_codes_compare_as_opaque_tokens(source, target):
    assert errors(source, target) == []


def test_an_added_code_is_an_uncertain_warning_and_one_said_in_another_form_is_kept():
    (finding,) = figure_findings("Ich habe einen Controller am Tablet.", "I have a PS4 controller on the tablet.")
    assert (finding.status, finding.severity, finding.confidence) == ("added", "warning", "low")
    assert "[uncertain: a code or model name" in finding.message
    assert errors("Stecken Sie das Kabel in W1.", "Plug the cable into socket W-1.") == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Wir treffen uns um 7 Uhr.", "We meet at 7 am."),
        ("Die Show beginnt um 20 Uhr.", "The show starts at 20h."),
        ("Die Show beginnt um 20 Uhr.", "The show starts at 8 p.m."),
        ("Er kam um 7 Uhr.", "He came at 7 o'clock."),
        ("Er kam um 15 Uhr.", "He came at 3 pm."),
        ("Geöffnet zwischen 12 und 14 Uhr.", "Open between noon and 2 p.m."),
        ("Geöffnet von 9 bis 17 Uhr.", "Open from 9 am to 5 pm."),
        ("Wir treffen uns um 8 Uhr.", "We meet at 8."),
    ],
)
def test_german_hour_times_match_english_clock_forms(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Geboren am 5.3.31 in Wien.", "Born on March 5, 1931 in Vienna."),
        ("Geboren am 5.3.31 in Wien.", "Born on 5 March 2031 in Vienna."),
        ("Er kam am 3.4.19 an.", "He arrived on 4/3/19."),
        ("Er kam am 3.4. an.", "He arrived on April 3."),
    ],
)
def test_two_digit_years_and_us_dates_keep_both_readings(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Die Messe läuft zwischen dem 2. und 6. Mai.", "The fair runs between May 2 and 6."),
        ("Die Messe läuft vom 2. bis 6. Mai.", "The fair runs from 2 to 6 May."),
        ("Am 12./13. März wird gewählt.", "The vote is on March 12-13."),
        ("Sie dauert vom 21. Februar bis zum 5. März.", "It lasts from February 21 to March 5."),
        ("Die Saison 2019/20 war kurz.", "The 2019-2020 season was short."),
    ],
)
def test_date_ranges_said_across_words(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Es kamen gut 80 Gäste.", "A good 80 guests came."),
        ("Die Inflation liegt bei über 40 Prozent.", "Inflation is above 40 percent."),
        ("Es passen maximal 5 Personen hinein.", "A maximum of 5 people fit inside."),
        ("Er gewann knapp 20 Spiele.", "He won barely 20 games."),
        ("Es sind etwa 30 Kilometer.", "It is just about 30 kilometres."),
        ("Es sind ca. 50 Teilnehmer.", "There are ~50 participants."),
        ("Der Kurs stieg oberhalb der Marke von 50 Dollar.", "The price rose above $50."),
        ("Ich habe ca 200 Euro ausgegeben.", "I spent about 200 euros."),
        ("Um 1997 begann der Bau.", "Construction began around 1997."),
        ("Es kostet knapp 29 Euro.", "It costs about 29 euros."),
        ("Es kamen mindestens 5 Leute.", "5 or more people came."),
    ],
)
def test_qualifier_phrases_in_either_language_are_read(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Er unterschrieb einen Vertrag über 5 Jahre.", "He signed a contract for 5 years."),
        ("Alle bis auf zwei Spieler kamen.", "All but two players came."),
        ("Der schnelle Zug fährt 50 km/h.", "The fast train runs 50 km/h."),
        ("Der Umsatz stieg um 15 auf 1.250 Stück.", "Sales rose by 15 to 1,250 units."),
        ("Die Aktie fiel um 2 Prozent.", "The share fell 2 percent."),
        ("Temperaturen bis 30 Grad", "Temperatures of 30 degrees"),
        ("Zutritt ab 18 Jahren", "Admission from 18 years"),
    ],
)
def test_words_that_only_look_like_qualifiers(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "word"),
    [
        ("Es kamen gut 200 Gäste.", "Almost 200 guests came.", "qualifier"),
        ("Es kamen über 100 Gäste.", "About 100 guests came.", "qualifier"),
        ("Es passen bis zu 10 Leute hinein.", "At least 10 people fit inside.", "qualifier"),
        ("Es wurde um 10 Grad wärmer.", "It got up to 10 degrees warmer.", "qualifier"),
        ("Es kamen rund 400 Gäste.", "400 guests came.", "hedge lost"),
        ("Es kamen 300 Gäste.", "About 300 guests came.", "hedge added"),
    ],
)
def test_qualifier_families_follow_the_guideline(source, target, word):
    (finding,) = errors(source, target)
    assert finding.message.startswith(word)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Das Rentenalter steigt von 62 auf 64 Jahre.", "The pension age rises from 62 to 64 years."),
        ("Die Preise stiegen von 3 auf 5 Euro.", "Prices rose from 3 to 5 euros."),
        ("Sie belegt Platz 1 bis 5.", "She is in 1st to 5th place."),
    ],
)
def test_change_phrases_and_ranges_said_as_two_figures(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Dutzende Menschen warteten.", "Dozens of people waited."),
        ("Zehntausende Menschen kamen.", "Tens of thousands of people came."),
        ("Jeder Fünfte ist betroffen.", "One in five is affected."),
        ("Es kamen zweitausend Gäste.", "Two thousand guests came."),
        ("Es geschah in den 80ern des 18. Jahrhunderts.", "It happened in the 1780s."),
        ("Ein Unfall mit vier Fahrzeugen.", "A four-car accident."),
        ("Sie liegt auf Platz sechs.", "She is in sixth place."),
        ("Er wurde 1. Sekretär.", "He became first secretary."),
        ("Es hielt 3,5 Jahre.", "It lasted three and a half years."),
        ("Es dauerte eineinhalb Stunden.", "It took an hour and a half."),
        ("Die Preise haben sich verdoppelt.", "Prices have doubled."),
        ("Er kam zweimal.", "He came twice."),
        ("Im 2. Weltkrieg", "In World War II"),
        ("Ein Drittel der Gäste", "A third of the guests"),
    ],
)
def test_number_words_nouns_and_compounds(source, target):
    assert figure_findings(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Er fuhr 100 Stundenkilometer.", "He drove at 100 km/h."),
        ("Er fuhr 100 km / h.", "He drove at 100 kph."),
        ("Es hat 20 Grad Celsius.", "It is 20°C."),
        ("Das Zimmer hat 30 qm.", "The room has 30 square metres."),
        ("Der Herd schafft 440 ℉.", "The stove reaches 440 ° F."),
    ],
)
def test_equivalent_units(source, target):
    assert figure_findings(source, target) == []


def test_tokens_split_by_spaces():
    assert figure_findings("Beginn um 8: 30 Uhr.", "Start at 8:30 am.") == []


@pytest.mark.parametrize(
    ("text", "language", "kind", "value", "unit"),
    [
        ("Die Mauer ist 0,5m hoch.", "de", "quantity", "0.5", "m"),
        ("a 5m wall", "en", "quantity", "5", "m"),
        ("€5m in fines", "en", "money", "5000000", "EUR"),
        ("5m euros", "en", "money", "5000000", "EUR"),
        ("bis 440 ℉", "de", "quantity", "440", "°F"),
        ("$50+ billion", "en", "money", "50000000000", "USD"),
    ],
)
def test_misreadings_of_units_and_scales(text, language, kind, value, unit):
    (figure,) = extract(text, language)
    assert (figure.kind, figure.value, figure.unit) == (kind, value, unit)


def test_plus_before_a_scale_is_a_lower_bound():
    assert figure_findings("über 50 Mrd. Dollar", "$50+ billion") == []


def test_list_and_section_numbers_dropped_with_the_list_are_uncertain():
    (finding,) = figure_findings("1. Allgemeines", "General")
    assert (finding.status, finding.severity, finding.confidence) == ("dropped", "warning", "low")
    assert "list or section number" in finding.message
    assert figure_findings("(2) Kabel prüfen. (3) Gerät einschalten.", "Check the cable. Turn the device on.")
    assert errors("(2) Kabel prüfen. (3) Gerät einschalten.", "Check the cable. Turn the device on.") == []
    (section,) = extract("Siehe Abschnitt 3.4 und Abb. 3) unten.", "de")[1:]
    assert section.doubt == ""


def test_numeric_idioms_are_not_figures():
    assert figure_findings("Das ging in Null Komma nichts.", "That was done in no time.") == []
    assert figure_findings("Er ist auf 180.", "He is furious.") == []


# --- misses ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Das Objektiv hat 40 mm.", "The lens has 40 nm."),
        ("Das Grundstück hat 2 ha.", "The plot has 2 km."),
        ("Der Turm ist 800 m hoch.", "The tower is 800 ft high."),
        ("Der Druck beträgt drei bar.", "The pressure is three cash."),
        ("Der Ofen erreicht 500 Grad.", "The oven reaches 500 grade."),
        ("Eine alte 100 Watt Birne.", "An old 100 birch lamp."),
        ("Ich habe ca 200 eur ausgegeben.", "I spent about 200."),
    ],
)
def test_unit_changes_and_lost_units_are_errors_named_as_units(source, target):
    (finding,) = errors(source, target)
    assert finding.aspect in ("unit", "currency") and "decimal" not in finding.message


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Die drittgrößte Stadt.", "The fourth largest city."),
        ("Sie wurde Olympia-Achte.", "She finished seventh at the Olympics."),
        ("Zum zweiten Mal gewann er.", "He won for the third time."),
    ],
)
def test_ordinals_inside_adjectives_and_words(source, target):
    (finding,) = errors(source, target)
    assert finding.message.startswith("ordinal")


@pytest.mark.parametrize(
    ("source", "target", "reading"),
    [
        ("Es kamen 150.000 Besucher.", "150.000 visitors came.", "reads 150)"),
        ("Die Stadt hat 2,5 Mio. Einwohner.", "The city has 2,5 million inhabitants.", "25 or a list"),
    ],
)
def test_german_number_format_left_in_the_english(source, target, reading):
    (finding,) = errors(source, target)
    assert finding.message.startswith("notation:") and reading in finding.message


def test_a_lost_time_bound_is_an_error():
    (finding,) = errors("Er regierte bis März 1990.", "He ruled in March 1990.")
    assert finding.message == "time bound lost: 'bis März 1990' → 'March 1990'"
    assert errors("Er regierte bis März 1990.", "He ruled until March 1990.") == []
    assert errors("Bis 2030 soll es klimaneutral sein.", "It is to be climate neutral by 2030.") == []


def test_a_lost_since_may_state_the_start_and_is_uncertain():
    (finding,) = figure_findings("Die Firma gehört seit 1998 zu VW.", "The firm was acquired by VW in 1998.")
    assert (finding.severity, finding.confidence) == ("warning", "low")


@pytest.mark.parametrize(
    ("source", "target", "problem"),
    [
        ("Das war in den 1960er Jahren.", "That was in 1960.", True),
        ("Das war in den 1990er Jahren.", "That was in the nineties.", False),
        ("Das war in den 90er Jahren.", "That was in the 1990s.", False),
        ("Er ist Mitte 30.", "He is in his mid-30s.", False),
    ],
)
def test_decades(source, target, problem):
    found = errors(source, target)
    assert bool(found) == problem
    if problem:
        assert found[0].message.startswith("decade")


def test_a_month_named_alone_is_a_figure():
    assert errors("Er kam erst im November.", "He only came in November.") == []
    (finding,) = errors("Er kam erst im November.", "He only came later.")
    assert finding.status == "dropped"
    assert figures("May I come in?", "en") == []


def test_a_dropped_unit_conversion_is_still_reported():
    findings = figure_findings("Im Sommer hat es 20-25 °C.", "In summer it is 20-25°C (68-77°F).")
    assert [(f.status, f.severity) for f in findings] == [("added", "warning")]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der Durchfall hält seit 1 Woche an.", "The diarrhea has lasted for a week."),
        ("Ich bin zu 100 Prozent zufrieden.", "I am completely satisfied."),
        ("Ersten Ermittlungen zufolge war er allein.", "According to initial investigations he was alone."),
    ],
)
def test_figures_said_without_a_figure(source, target):
    assert figure_findings(source, target) == []


# --- confidence and severity -----------------------------------------------------------------------------------


def test_confidence_lowers_an_error_to_a_warning_and_serializes():
    (finding,) = figure_findings("Der 5. Punkt fehlt. (5) Schluss.", "The 5th point is missing. End.")
    assert (finding.confidence, finding.severity) == ("low", "warning")
    assert from_json(Finding, json.loads(json.dumps(to_json(finding)))) == finding
    assert to_json(finding)["confidence"] == "low"
    table = parse_severities(["figure.dropped.low=error"])
    strict = [f for f in compare_pair("1. Allgemeines", "General", severities=table, claims=False)]
    assert [(f.severity, f.confidence) for f in strict if f.status == "dropped"] == [("error", "low")]


def test_sure_findings_keep_their_level():
    (finding,) = figure_findings("Er zahlte 48 Euro.", "He paid 46 euros.")
    assert (finding.confidence, finding.severity) == ("high", "error")


def test_a_code_takes_no_qualifier():
    (code,) = [f for f in extract("Das Gerät kann bis zu H264 abspielen.", "de") if f.kind == "code"]
    assert code.qualifier is None
    assert errors("Es spielt über H264 ab.", "It plays H264.") == []


def test_a_unit_lost_against_a_bare_four_digit_number_is_uncertain():
    assert figure_findings("Der Akku hält 2000 Zyklen bei 1500 Watt.", "The battery lasts 2000 cycles at 1500 W.") == []
    (lost,) = figure_findings("Der Motor hat 1500 Watt.", "The motor has 1500 oomph.")
    assert (lost.aspect, lost.confidence, lost.severity) == ("unit", "low", "warning")


# --- thresholds, negated bounds, years with 'dem Jahr', dates listed with an article ------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der Ölpreis stieg über die Marke von 80 Dollar.", "The oil price climbed above the $80 mark."),
        ("Die Partei blieb unter der Schwelle von 5 Prozent.", "The party stayed below the 5% threshold."),
        ("Der Index schloss oberhalb der Marke von 15.000 Punkten.", "The index closed above the 15,000-point mark."),
    ],
)
def test_a_threshold_named_after_its_figure_keeps_its_qualifier(source, target):
    assert errors(source, target) == []


def test_a_threshold_the_source_does_not_name_is_an_added_qualifier():
    found = errors("Die Partei kam auf 5 Prozent.", "The party came in below the 5% threshold.")
    assert [f.message.split(":")[0] for f in found] == ["hedge added"]


def test_over_the_without_a_threshold_noun_is_no_qualifier():
    assert [f.qualifier for f in extract("He was over the 50 pages already.", "en")] == [None]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Nicht mehr als 40 Gäste sind erlaubt.", "Not more than 40 guests are allowed."),
        ("Nicht weniger als 12 Länder stimmten zu.", "Not fewer than 12 countries agreed."),
        ("Fast 600 Haushalte waren ohne Strom.", "Virtually 600 households were without power."),
        ("Nahezu 90 Prozent sind geimpft.", "Practically 90 percent are vaccinated."),
        ("Die Wellen werden bis zu 6 Meter hoch.", "Waves will reach as high as 6 metres."),
    ],
)
def test_english_qualifiers_negated_or_said_with_an_adverb(source, target):
    assert errors(source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "bound"),
    [
        ("Seit dem Jahr 2012 wächst die Stadt.", "The city has been growing since 2012.", "since"),
        ("Nach dem Jahr 1990 wurde nichts gebaut.", "Nothing was built after 1990.", "after"),
        ("Bis zum Jahr 2040 soll das Netz stehen.", "The grid is to be finished by 2040.", "until"),
    ],
)
def test_a_time_bound_with_dem_jahr_is_read(source, target, bound):
    assert [f.bound for f in extract(source, "de") if f.kind == "year"] == [bound]
    assert errors(source, target) == []


def test_a_time_bound_with_dem_jahr_lost_is_reported():
    found = errors("Bis zum Jahr 2040 soll das Netz stehen.", "The grid is to be finished in 2040.")
    assert [f.message.split(":")[0] for f in found] == ["time bound lost"]


@pytest.mark.parametrize(
    "source",
    ["Der 4. und der 11. Oktober sind Feiertage.", "Am 4. und dem 11. Oktober ist geschlossen."],
)
def test_two_days_of_one_month_with_an_article_between(source):
    assert figure_findings(source, "The 4 and 11 October are closed.") == []


# --- rules of stop 25: found on WMT lines without digits and on the held-out half --------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Mitte Januar wurde die Brücke eröffnet.", "The bridge was opened in mid-January."),
        ("Ende Oktober kam der Frost.", "The frost came in late-October."),
        ("Im April/Mai blühen die Bäume.", "The trees blossom in April/May."),
        ("Im Juli oder August fahren wir.", "We go in July or August."),
    ],
)
def test_months_in_a_hyphen_compound_or_after_another_month(source, target):
    assert figure_findings(source, target) == []


def test_a_loose_month_word_alone_is_still_not_a_month():
    assert figures("May I ask? March on, soldiers.", "en") == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Zehntausende gingen auf die Straße.", "Tens of thousands took to the streets."),
        ("Hunderttausende sahen zu.", "Hundreds of thousands watched."),
    ],
)
def test_plural_number_words_with_of_are_one_figure(source, target):
    assert figure_findings(source, target) == []


def test_hundreds_of_thousands_against_hundreds_is_a_change():
    found = figure_findings("Hunderttausende sahen zu.", "Hundreds of people watched.")
    assert [(f.status, f.aspect) for f in found] == [("changed", "value")]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Das kostet ungefähr die Hälfte des Preises.", "That costs about half of the price."),
        ("Fast die Hälfte der Leute stimmte zu.", "Nearly half of the people agreed."),
    ],
)
def test_a_qualifier_before_an_article_and_a_fraction(source, target):
    assert figure_findings(source, target) == []


def test_a_qualifier_before_an_article_and_a_fraction_lost_is_reported():
    assert [
        f.status for f in figure_findings("Fast die Hälfte der Leute stimmte zu.", "Half of the people agreed.")
    ] == ["changed"]


def test_first_of_all_is_no_ordinal_and_a_second_thing_is_one():
    assert figures("First of all, we need a second room.", "en") == [("ordinal", "2")]
    assert figures("Wait a second. It took a second longer.", "en") == []


def test_a_comparative_with_als_is_a_qualifier():
    assert [f.qualifier for f in extract("Er schoss weniger Tore als 3 andere.", "de")] == ["less_than"]
    assert [f.qualifier for f in extract("Er hat mehr Tore als 3 andere.", "de")] == ["more_than"]


def test_a_negated_comparative_is_an_upper_bound_in_both_languages():
    assert [f.qualifier for f in extract("Das ist nicht mehr wert als 20 Euro.", "de")] == ["at_most"]
    assert [f.qualifier for f in extract("It is not worth more than 20 euros.", "en")] == ["at_most"]
    assert errors("Das ist nicht mehr wert als 20 Euro.", "It is not worth more than 20 euros.") == []
    assert errors("Definitiv nicht mehr wert als 10€...", "Definitely no more than 10€...") == []
    assert errors("Definitiv nicht mehr wert als 10€...", "Definitely worth more than 10€...") != []
    # a negated verb is not read: its German word order puts the negation last
    assert errors("Mehr als 2 Euro dürfte man nicht geben.", "You shouldn't pay more than 2 euros.") == []


def test_the_plus_of_a_model_name_is_no_qualifier():
    assert errors("Das iPhone X+ ist schwer.", "The iPhone X + is heavy.") == []
    assert errors("Ich nutze das Pixel 7+ gern.", "I like to use the Pixel 7+.") == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Anpfiff ist um 20.45 Uhr.", "Kick-off is at 20.45."),
        ("Gegen 02.10 Uhr kam der Notruf.", "The call came around 02.10."),
    ],
)
def test_a_clock_time_left_in_german_notation(source, target):
    assert figure_findings(source, target) == []


def test_a_clock_time_changed_in_german_notation_is_reported():
    assert errors("Anpfiff ist um 20.45 Uhr.", "Kick-off is at 20.15.") != []


def test_a_date_said_twice_and_kept_once_is_no_error():
    source = "Seit 2015 gibt es Streit; 2015 zogen viele weg."
    found = figure_findings(source, "The dispute began in 2015, when many moved away.")
    assert [(f.status, f.severity, f.confidence) for f in found] == [("dropped", "warning", "low")]


def test_a_date_dropped_without_a_repeat_is_an_error():
    assert [f.status for f in errors("Seit 2015 gibt es Streit.", "There is a dispute.")] == ["dropped"]


@pytest.mark.parametrize(
    ("source", "target", "sure"),
    [
        ("Im Norden werden um 4 Grad erwartet.", "In the north, 4 degrees are expected.", True),
        (
            "Die Werte stiegen im Laufe des langen Tages an fast allen Stationen im Land deutlich, nämlich um 4 Grad.",
            "They rose by 4 degrees.",
            False,
        ),
        ("Der Zähler springt um 1 Schritt zurück.", "The counter goes back 1 step.", False),
    ],
)
def test_um_before_a_temperature_is_about_unless_a_change_is_said(source, target, sure):
    figure = extract(source, "de")[0]
    assert (figure.qualifier, figure.qualifier_sure) == ("approximately", sure)
    assert bool(errors(source, target)) is sure


def test_um_a_percentage_above_a_level_is_by():
    figure = extract("Die Preise lagen um 4 Prozent über dem Vorjahr.", "de")[0]
    assert figure.qualifier is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Am Dienstag und donnerstags, dazu Samstagabend.", "de", ["Tuesday", "Thursday", "Saturday"]),
        ("On Tuesday and on Thursdays, and Saturday night.", "en", ["Tuesday", "Thursday", "Saturday"]),
    ],
)
def test_weekdays_are_date_parts(text, language, expected):
    assert [f.value for f in extract(text, language) if f.kind == "weekday"] == expected


def test_a_weekday_dropped_or_changed_is_reported():
    assert [f.status for f in errors("Wir kommen am Dienstag.", "We are coming.")] == ["dropped"]
    assert [f.status for f in errors("Wir kommen am Dienstag.", "We are coming on Thursday.")] == ["changed"]
    assert figure_findings("Wir kommen am Dienstag.", "We are coming on Tuesday.") == []


def test_a_weekday_in_a_title_kept_in_german_is_preserved():
    assert figure_findings('Das sagte er der "Welt am Sonntag".', 'He said so to "Welt am Sonntag".') == []


def test_an_ordinal_word_above_two_dropped_is_an_error():
    assert [f.status for f in errors("Er gewann das sechste Rennen.", "He won the race.")] == ["dropped"]
    assert [f.severity for f in figure_findings("Er gewann das zweite Rennen.", "He won another race.")] == ["warning"]


def test_an_ordinal_that_is_also_a_verb_needs_an_article():
    assert figures("Wir müssen darauf achten.", "de") == []
    assert figures("Am achten Tag ruhte er.", "de") == [("ordinal", "8")]


def test_einmal_after_a_count_word_is_sure():
    assert [f.status for f in errors("Er stand bisher einmal auf dem Podest.", "He stood on the podium.")] == [
        "dropped"
    ]
    assert errors("Ich sage es noch einmal.", "I say it again.") == []


def test_a_range_of_counts_in_words():
    assert (
        figure_findings("Es wird einmal bis dreimal am Tag gemessen.", "It is measured one to three times a day.") == []
    )


def test_a_count_is_not_a_rank_of_the_same_value():
    found = figure_findings("Er stand bisher einmal auf dem Podest.", "He stood on the podium for the first time.")
    assert sorted((f.status, f.severity) for f in found) == [("added", "warning"), ("dropped", "error")]


def test_a_change_beside_a_figure_said_without_one_is_a_change():
    found = figure_findings("Erstmals spielen 48 Teams mit.", "For the first time, 49 teams take part.")
    assert [(f.status, f.aspect) for f in found] == [("changed", "value")]


@pytest.mark.parametrize(
    ("target", "found"),
    [
        ("He celebrated with his brother, five years older.", []),
        ("He celebrated with his brother, five years his senior.", []),
        ("He celebrated with his five-year-old brother.", ["difference lost"]),
    ],
)
def test_an_age_difference_said_as_an_age_is_a_change(target, found):
    source = "Er feierte mit seinem fünf Jahre älteren Bruder."
    assert [f.message.split(":")[0] for f in errors(source, target)] == found
    assert errors("Sie ist drei Jahre alt.", "She is three years younger.")[0].message.startswith("difference added")


@pytest.mark.parametrize(
    ("source", "target", "qualifier"),
    [
        ("Für 2 Spieler (bei Mindestkredit 2).", "For 2 players (with a minimum of 2 credits).", None),
        ("Die Höchstgeschwindigkeit von 130 km/h gilt.", "The speed limit of 130 km/h applies.", None),
        ("Das Mindestalter liegt bei 18 Jahren.", "The minimum age is 18.", None),
        ("Das Mindestalter liegt bei 18 Jahren.", "You have to be under 18.", "qualifier"),
    ],
)
def test_a_limit_named_by_a_compound_noun_is_an_unsure_bound(source, target, qualifier):
    assert [f.aspect for f in errors(source, target)] == ([qualifier] if qualifier else [])
    assert [(f.qualifier, f.qualifier_sure) for f in extract(source, "de") if f.qualifier] in (
        [("at_least", False)],
        [("at_most", False)],
    )
    assert [f.qualifier for f in extract("Es kommen höchstwahrscheinlich 500 Gäste.", "de")] == [None]


# Classes found on held-out translations (other WMT23 systems, the WMT23 English→German test set): each rule general


def test_an_age_difference_said_with_hyphens_is_kept_and_an_age_is_not():
    source = "Er feierte mit seinem fünf Jahre älteren Bruder."
    assert errors(source, "He celebrated with his five-year-older brother.") == []
    assert errors(source, "He celebrated with his five years older brother.") == []
    assert errors(source, "He celebrated with his five-year-old brother.") != []


def test_o_clock_is_a_twelve_hour_clock_and_may_end_a_range():
    assert errors("Um 20 Uhr beginnt es.", "It starts at 8 o'clock.") == []
    assert errors("Um 21 Uhr beginnt es.", "It starts at 8 o'clock.") != []
    assert errors("zwischen 12 und 14 Uhr", "between 12 and 14 o'clock") == []
    assert errors("von 8 bis 10 Uhr", "from 8 to 10 o'clock") == []
    assert figures("between 12 noon and 2 p.m.", "en") == [("time", "12:00"), ("time", "14:00")]


def test_hours_listed_before_a_range_share_its_uhr():
    assert figures("am Samstag um 11, 12 und 14 Uhr", "de")[1:] == [
        ("time", "11:00"),
        ("time", "12:00"),
        ("time", "14:00"),
    ]
    assert errors("Sie las um 11, 12 und 14 Uhr vor.", "She read at 11am, noon and 2pm.") == []


def test_gefuehlt_is_an_unsure_hedge():
    assert errors("Die Ortung ist auf gefühlt 0,5m genau.", "The location is accurate to about 0.5m.") == []
    assert errors("Die Ortung ist auf gefühlt 0,5m genau.", "It tracks to within 0.5 m.") == []
    assert errors("Die Ortung ist auf gefühlt 0,5m genau.", "It tracks to what feels like 0.5 m.") == []


def test_not_until_is_a_point_in_time_not_a_bound():
    assert errors("Er hatte erst im November übernommen.", "He had not taken over as coach until November.") == []
    assert errors("Erst 2019 kam er.", "It wasn't until 2019 that he came.") == []
    assert errors("Er bleibt bis November.", "He stays in November.") != []
    # a negation in another clause does not reach the bound
    assert (
        errors(
            "Er verlängert den Vertrag nicht, der bis 2024 laufen sollte.",
            "He is not extending his contract, which was supposed to run until 2024.",
        )
        == []
    )


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Sie machten knapp 10 Prozent aus.", "They accounted for not far off 10 percent."),
        ("Er arbeitet seit fast 20 Jahren dort.", "He has worked there for approaching 20 years."),
        ("Ausfälle dauerten bis zu 18 Stunden.", "Cuts lasted as long as 18 hours."),
        ("Wir erzeugen weniger, etwa 1.000 MW.", "We generate less than that..about 1000MW."),
        ("Er hörte es bis November 2024.", "He heard it between now and November 2024."),
        ("Sie wurden dreimal oder öfter beobachtet.", "They were observed three times or more."),
        ("Ab 18 Jahren und älter.", "From 18 years and older."),
        ("Seine 16 Jahre, beginnend im Jahr 1973.", "His 16 years, starting in 1973."),
        ("Der Anteil steigt auf mehr als ein Drittel.", "The share rises to more than a third."),
    ],
)
def test_qualifiers_and_bounds_said_in_english_or_german_idiom_are_kept(source, target):
    assert errors(source, target) == []


def test_a_score_said_from_the_other_side_is_a_warning():
    findings = figure_findings("Tottenhams 1:4-Niederlage gegen Leicester", "Tottenham's 4-1 defeat to Leicester")
    assert [(f.status, f.severity) for f in findings] == [("changed", "warning")]
    assert errors("Bayern gewann 3:1.", "Bayern won 3-2.") != []


def test_a_hyphenated_phone_number_is_a_code_and_unter_is_no_qualifier():
    assert figures("erreichbar unter 1-800-950-NAMI (6264)", "de") == [("code", "1800950"), ("number", "6264")]
    assert errors("Erreichbar unter 1-800-950-6264.", "Reachable at 1-800-950-6264.") == []
    assert figures("am 2019-03-04", "de") == [("date", "2019-03-04")]


def test_tausend_alone_is_a_thousand_and_a_word_prefers_its_own_kind():
    assert figures("Du sollst tausend Schritte tun.", "de") == [("number", "1000")]
    assert figures("eintausend Menschen", "de") == [("number", "1000")]
    assert figures("Tausend Dank!", "de") == []
    # 'zwei Tore' pairs with 'two goals', not with the 'Zweitplatzierte' (runner-up) before it
    assert (
        errors(
            "Der Zweitplatzierte kassierte zur Pause zwei Tore zu viel.",
            "The runners-up were two goals to good at the break.",
        )
        == []
    )


def test_the_one_time_left_on_each_side_is_a_changed_time_whatever_else_is_left():
    findings = figure_findings(
        "Gegen 01.40 Uhr stießen die beiden Fahrzeuge zusammen.", "Around 01.40 p.m. the two vehicles collided."
    )
    assert [f.message for f in findings if f.severity == "error"] == [
        "time: '01.40 Uhr' (01:40) → '01.40 p.m.' (13:40)"
    ]


def test_auch_mal_said_as_sometimes_in_its_clause_is_kept():
    source = "Im Sommer brausen auch mal 300 Motorräder pro Tag die Strecke lang."
    assert errors(source, "In summer, 300 motorcycles a day sometimes roar along the route.") == []
    assert errors(source, "In summer, 300 motorcycles a day roar along the route.") != []


def test_a_fraction_may_end_its_clause_but_as_a_tenth_is_a_rank():
    assert figures("The share rises to more than a third.", "en") == [("fraction", "1/3")]
    assert figures("The goal is not to come in as a tenth.", "en") == [("ordinal", "10")]
    assert figures("He won as a third of the votes came in.", "en") == [("fraction", "1/3")]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Sie suchten etwa 16 Kilometer flussabwärts.", "They searched around 10 miles downstream."),
        ("Der Bär wog zwischen 170 und 180 Kilogramm.", "The bear weighed between 375 and 400 pounds."),
        ("Ich bin 1,65 m groß und wiege 59 kg.", "I'm 5'5\" and 130 pounds."),
        ("Ich bin 1,68 Meter groß.", "I am 5 ft 6 inches."),
        ("Ich bin 5 Fuß 5 Zoll groß.", "I'm 5'5\" tall."),
        ("Es hat 20 °C.", "It is 68°F."),
    ],
)
def test_a_unit_conversion_a_localization_makes_is_the_same_figure(source, target):
    assert errors(source, target) == []


def test_a_wrong_conversion_says_what_the_figure_converts_to():
    assert [f.message for f in errors("Ich bin 1,75 Meter groß.", "I am 5 ft 6 inches.")] == [
        "conversion: '5 ft 6 inches' is 1.68 m, not '1,75 Meter'"
    ]
    assert [f.message for f in errors("Ich wiege 70 kg.", "I weigh 130 pounds.")] == [
        "conversion: '130 pounds' is 58.97 kg, not '70 kg'"
    ]
    assert errors("Eine 500-Gramm-Packung.", "An 8 oz pack.") != []


def test_a_multiplier_word_never_pairs_with_a_measure_of_something_else():
    findings = figure_findings(
        "Diese Pumpe hatte ich schon einmal, leider war nach 3,5 Jahren das Gewinde abgerostet.",
        "I've had this pump before, unfortunately after 3.5 years the thread rusted off after 3.5 years.",
    )
    assert not [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (
            "Jeder wird es hören, zwischen jetzt und November 2024.",
            "Everyone will hear it between now and November 2024.",
        ),
        ("Der Zeitrahmen vom 10. bis zum 26. Mai war gut.", "The time frame from May 10 to the 26th was good."),
        ("Die Abdeckung beträgt immer etwa 97 Prozent.", "Coverage is always like 97 percent."),
        ("Ich hätte gern 3 Karten.", "I'd like 3 tickets."),
        ("Sherwood reißt £44m-Neuzugang Porro in die Luft.", "Sherwood tears into £44m signing Porro."),
    ],
)
def test_more_ways_of_saying_a_bound_a_range_a_hedge_and_a_scale(source, target):
    assert errors(source, target) == []


def test_a_hedge_on_an_exact_figure_is_style_and_on_a_round_one_a_claim():
    assert errors("2022 waren dort 18.257 Bewohner gemeldet.", "Some 18,257 residents were registered in 2022.") == []
    assert errors("Es kamen 18.000 Menschen.", "Some 18,000 people came.") != []


def test_a_year_and_month_in_iso_order():
    assert figures("In 1998-06 Gamefan commented.", "en") == [("date", "1998-06")]
    assert errors("Im Juni 1998 kommentierte er.", "In 1998-06 he commented.") == []
    assert errors("Im Dezember 2010 kam er.", "In 2010-12 he came.") == []
    assert errors("Von 2010 bis 2012 war er dort.", "In 2010-12 he was there.") == []
    assert errors("Im Juli 1998 kommentierte er.", "In 1998-06 he commented.") != []
    # and month/year, as an issue of a magazine is dated
    assert figures("In einer Ausgabe von GamePro von 11/1997 steht es.", "de") == [("date", "1997-11")]
    assert errors("Im Gamefan 06/1998 kommentierte Jason.", "In 1998-06 Gamefan, Jason commented.") == []


def test_a_code_the_target_does_not_write_anywhere_is_lost_for_sure():
    assert [f.message for f in errors("Die Steckverbindung W1 wird entfernt.", "The plug connection is removed.")] == [
        "dropped: 'W1' (code 1)"
    ]
    assert errors("Die Steckverbindung W1 wird entfernt.", "The W1 plug connection is removed.") == []
    assert errors("Im ICE 3 saß er.", "He sat in the ICE3.") == []
    assert errors("König Heinrich VIII. heiratete sechsmal.", "King Henry the Eighth married six times.") == []


def test_a_code_the_source_does_not_write_anywhere_is_added_for_sure_and_fails():
    source = "Zubehör wie die Galaxy Buds lädt man nur ohne die Hülle."
    found = errors(source, "Accessories can only be charged on the Galaxy S4 without the case.")
    assert [(f.status, f.message) for f in found] == [("added", "added: 'S4' (code 4)")]
    # written by the source in some form: a repetition, at most a warning
    assert errors("Ich nutze einen PS4 Controller.", "I use a PS4 controller. I use a PS4 controller.") == []
    assert errors("Ich nutze einen PS 4 Controller.", "I use a PS4 controller.") == []
    # its own severity: a user who wants added codes to warn says so
    lenient = parse_severities(["figure.added.code=warning"])
    lenient_findings = compare_pair(source, "It charges on the Galaxy S4.", claims=False, severities=lenient)
    assert [(f.status, f.severity) for f in lenient_findings] == [("added", "warning")]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der CO2-Ausstoß stieg um 5 %.", "Carbon dioxide emissions rose by 5%."),
        ("Der Ausstoß von Kohlendioxid stieg um 5 %.", "CO2 emissions rose by 5%."),
        ("Methan (CH4) ist ein Treibhausgas.", "Methane is a greenhouse gas."),
        ("Die PM10-Werte stiegen.", "Fine dust levels rose."),
        ("Die Feinstaubwerte stiegen.", "PM10 levels rose."),
    ],
)
def test_a_chemical_formula_may_be_named_in_words(source, target):
    assert errors(source, target) == []
    assert figure_findings(source, target) != []  # still a warning to look at


def test_a_bound_after_the_figure_rules_over_a_hedge_before_it():
    source = "Der Online-Textfluss liegt bei mindestens 2.000."
    assert errors(source, "Online text flow is something around 2 000 at least.") == []
    assert errors(source, "Online text flow is something around 2 000.") != []
    assert errors("Es kostet höchstens 5 Euro.", "It costs 5 euros at most.") == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Die Foylesider gewannen im vergangenen Februar 2-1.", "The Foylesider's won 2-1 last February."),
        (
            "Pence, der um die 2024 republikanische Nominierung wetteifern könnte",
            "Pence, who may vie for the 2024 nomination",
        ),
        ("Sie machten nicht weit von zehn Prozent der Bevölkerung aus.", "They made up not far off 10 percent of it."),
        ("Die Hälfte der 16-Millionen Bürger Simbabwes", "Half of Zimbabwe's 16 million citizens"),
        ("Der Textfluss liegt mindestens bei etwa 2 000.", "The text flow is something around 2 000 at least."),
        ("Die Organisatoren treffen sich um Viertel vor neun.", "The organizers meet at a quarter to nine."),
        ("Ich habe die Waage im Oktober 2017 gekauft.", "I purchased the scale in October, 2017."),
        ("Sie gaben mir einen Rabatt von etwa 3 $.", "They gave me like a 3$ discount."),
        ("Ich arbeite an einem großen 4k-Display.", "I work on a big 4k display."),
    ],
)
def test_held_out_english_to_german_idioms_keep_their_figures(source, target):
    assert errors(source, target) == []


def test_a_bound_before_a_hedge_is_the_bound_but_ab_may_only_date():
    assert [f.qualifier for f in extract("mindestens bei etwa 2 000", "de")] == ["at_least"]
    assert [f.qualifier for f in extract("Ab etwa 2700 v. Chr. bauten sie.", "de")] == ["approximately"]
    assert errors("Es kostet mindestens etwa 500 Euro.", "It costs about 500 euros.") != []
    assert errors("Ein Viertel der Stimmen ging an ihn.", "A fifth of the votes went to him.") != []


def test_a_scale_and_a_currency_that_head_a_german_compound():
    assert figures("Die 44-Millionen-Pfund-Verpflichtung von Porro", "de") == [("money", "44000000")]
    assert (
        errors("Sherwood zerreißt die 44-Millionen-Pfund-Verpflichtung.", "Sherwood tears into the £44m signing.") == []
    )
    assert figures("Eine 5-Millionen-Stadt", "de") == [("number", "5000000")]
    assert figures("Ein 5m-Turm", "de") == [("quantity", "5")]


def test_a_month_day_and_year_with_a_dot_after_the_day():
    assert (
        errors("Der Tag des Sept. 11. 2001, bei Terroranschlägen.", "The day of the Sept. 11, 2001, terrorist attacks.")
        == []
    )


# --- held-out WMT24 English→German (rounds 6 and 7): paraphrases of qualifiers, bounds and number words ----------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Die Stadt hatte eine Höhe von maximal 150 Fuß.", "The city had a maximum height of 150 feet."),
        ("Zwischen 6 Prozent und einem Maximum von 15 Prozent.", "Between 6 per cent and a maximum of 15 per cent."),
        ("Es liefert 12 Volt bei einem Maximum von 1,2 A.", "It should output 12V at a max of 1.2A."),
        ("Greggs plant bis zu 160 weitere Filialen.", "Greggs plans up to another 160 stores."),
        ("Greggs plant bis zu weitere 160 Filialen.", "Greggs plans up to another 160 stores."),
        (
            "Im Rahmen einer mehr als sechs Millionen Pfund umfassenden Expansion.",
            "As part of a £6 million-plus expansion.",
        ),
        ("Mit etwa vierzig Jahren war ich besorgt.", "Being 40-ish, I was concerned."),
        ("Johnson kürzt voraussichtlich Ausgaben von 16 Milliarden Dollar.", "Johnson cuts an estimated $16 billion."),
        ("Die Gruppe eröffnete im Laufe des Jahres 2023 neue Filialen.", "The group opened new shops over 2023."),
        (
            "Das soll helfen, um die 12 Abkommen verabschiedet zu bekommen.",
            "That is to help get 12 separate bills done.",
        ),
    ],
)
def test_qualifiers_said_apart_from_the_figure_or_in_other_words(source, target):
    assert errors(source, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der Anteil soll bis 2040 auf 40 % ansteigen.", "The share is rising to 40% in 2040."),
        (
            "Er will die Frist bis zum 2. Februar verlängern.",
            "He wants to extend the deadline to the February 2 due date.",
        ),
        (
            "Da das Gesetz nur noch bis zum 31. März 2024 gilt, wird beraten.",
            "With the act ending on 31 March 2024, it is.",
        ),
        ("Mit dem Ende des Gesetzes am 31. März 2024 wird beraten.", "With the act ending on 31 March 2024, it is."),
        ("Seit Beginn des Konflikts mit Russland 2022 strebt die Ukraine danach.", "Since 2022, Ukraine has done so."),
        ("Bis Anfang März soll es eine Einigung geben.", "They hope for a deal by early March."),
        (
            "Er sorgt sich, was nach dem Ende von Title 42 im Mai passiert.",
            "He worries what happens when Title 42 ends in May.",
        ),
    ],
)
def test_time_bounds_said_in_other_words(source, target):
    assert errors(source, target) == []


def test_a_time_bound_lost_still_fails():
    assert errors("Er war bis März 1990 Präsident.", "He was president in March 1990.") != []
    assert errors("Seit Beginn des Konflikts 2022 kämpfen sie.", "Until 2022 they fought.") != []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Es wurden mehr als eine Million Tonnen erschaffen.", "It has created more than one million tonnes."),
        ("Die Raten sind pro einer Million Abflüge.", "The rates are per million departures."),
        ("Jede Immobilienart (von ein bis vier Schlafzimmern) stieg.", "Every type (from one to four bedroom) rose."),
        ("Jede Art (von einem bis zu vier Zimmern) stieg.", "Every type (from one to four bedroom) rose."),
        (
            "Der Anstieg reicht von 11,7 Prozent für kleine bis zu 14,3 Prozent für große.",
            "It ranges from 11.7 per cent for small to 14.3 per cent for large.",
        ),
        ("Der Umsatz stieg um ein Fünftel auf 1,8 Milliarden Pfund.", "Sales were up by a fifth to £1.8 billion."),
        ("Es ging um einen Fonds von 585 Millionen Naira.", "It was about a N585 million fund."),
        (
            "Der Anstieg übertrifft den Schnitt um den Faktor 16. Damit führt Washington.",
            "An increase 16 times the average. Washington leads.",
        ),
        ("Die Frist für die vier vier Ausgaben endet.", "The deadline for the four bills ends."),
        ("Ich war vor ein oder zwei Jahren dort.", "I was there one or two years ago."),
    ],
)
def test_number_words_sums_and_stutters_read_as_the_same_figure(source, target):
    assert errors(source, target) == []


def test_german_scales_above_billion_and_naira():
    assert [f.message for f in errors("Die Schulden betragen 34 Trillionen $.", "The debt is $34 trillion.")] == [
        "scale: 10¹⁸ (Trillionen) → 10¹² (trillion) ('34 Trillionen $' → '$34 trillion')"
    ]
    assert figures("Er zahlte N2.5bn, trug aber eine N95-Maske.", "en") == [("money", "2500000000"), ("code", "95")]


def test_a_number_ends_its_sentence_but_a_list_number_stays_an_ordinal():
    assert figures("Es stieg um den Faktor 16. Damit führt es.", "de") == [("number", "16")]
    assert figures("Einleitung. 2. Die Regel gilt.", "de") == [("ordinal", "2")]
    assert figures("2. The plan is good.", "en") == [("ordinal", "2")]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("So wie in den 2000er Jahren gab es Bionicles.", "Like back in the 00s you had bionicles."),
        ("Mit Anfang 40 hatte ich Angst.", "Being 40-ish, I was afraid."),
        ("Ich glaube, es waren 18 Dollar.", "I think it was 18bucks."),
        ("Es liefert 12V mit einer maximalen Stromstärke von 1,2A.", "It should output 12V at a max of 1.2A."),
        ("Sie sollte 12V bei max 1,2 A ausgeben.", "It should output 12V at a max of 1.2A."),
        ("Ich empfehle es. Ende-zu-Ende-Verschlüsselung, Open Source.", "I recommend it. E2EE, open source."),
        ("Anfang 2023 kam er.", "He came in early 2023."),
    ],
)
def test_wmt24_round_8_paraphrases(source, target):
    assert errors(source, target) == []


def test_dollars_said_as_bucks_and_a_model_code_still_count():
    assert [f.message for f in errors("Es waren 18 Euro.", "It was 18bucks.")] == [
        "currency: EUR → USD ('18 Euro' → '18bucks')"
    ]
    assert [f.message for f in errors("Ich nutze das Board.", "I use the A319neo board.")] == [
        "added: 'A319neo' (code 319)"
    ]


def test_the_thirties_in_german_are_a_decade():
    assert figures("Sie ist in ihren Dreißigern.", "de") == [("decade", "30s")]
    assert figure_findings("Sie ist in ihren Dreißigern.", "She is in her thirties.") == []
