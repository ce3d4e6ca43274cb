"""Claim warnings on the kinds of text human translators write (issue 17): each rule that keeps a faithful
translation free of name, negation and hedge warnings, next to the change it must still catch. Short
self-written examples; benchmarks/claims.py measures the rules on WMT23 and DEMETR."""

from __future__ import annotations

import pytest

from align.claims import extract_claims, lexical_negations, similar
from align.compare import compare_pair


def warned(source: str, target: str, kind: str) -> list[str]:
    """The messages of the `kind` findings at warning level or above."""
    return [
        f.message
        for f in compare_pair(source, target)
        if f.kind == kind and f.status != "preserved" and f.severity in ("warning", "error")
    ]


def names(text: str, language: str) -> list[str]:
    return [c.text for c in extract_claims(text, language).names]


# Names: English title case


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der Deutsche Wetterdienst warnt vor Glätte.", "The German Weather Service warns of black ice."),
        ("Die US-Notenbank hob die Zinsen an.", "The US Federal Reserve Board raised interest rates."),
        ("Neue Regeln für Elektroautos", "New Rules For Electric Cars"),
        ("## Hinweise zur Installation", "## Notes On Installation"),
        ("Die Innenministerin sprach im Parlament.", "The Minister of the Interior spoke in Parliament."),
    ],
)
def test_english_title_case_is_no_name(source, target):
    """A capitalized English word that is far more frequent in lower case ('Weather', 'Service', 'Board') is
    title case, in headlines, headings and the names of institutions, not a name the German must have."""
    assert warned(source, target, "name") == []


def test_a_word_more_frequent_capitalized_is_still_a_name():
    assert names("The talks with Zelenskyy and Biden ended.", "en") == ["Zelenskyy", "Biden"]
    assert warned("Die Gespräche endeten.", "The talks with Zelenskyy ended.", "name") == ["name added: 'Zelenskyy'"]


def test_words_of_a_title_are_no_names_next_to_title_case_words():
    """'Merry' and 'Federation' are capitalized more often than not, but not next to 'Procession', 'Trade'."""
    assert names("They joined the Procession of Merry People and the Trade Union Federation.", "en") == []


def test_capitals_for_emphasis_are_no_acronyms():
    source, target = "ACHTUNG: GERÄT NICHT ÖFFNEN!", "CAUTION: DO NOT OPEN THE DEVICE!"
    assert names(source, "de") == [] and names(target, "en") == []
    assert warned("HINWEIS: Das Gerät ist neu.", "NOTE: The device is new.", "name") == []
    assert names("Die NATO und die CSU tagten.", "de") == ["NATO", "CSU"]


# Names: translated names


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Der Zug fährt von Köln nach Mailand.", "The train runs from Cologne to Milan."),
        ("Die Angriffe auf Kiew und Lemberg gingen weiter.", "The attacks on Kyiv and Lviv continued."),
        ("Er flog nach Peking.", "He flew to Beijing."),
        ("Frankreichs Präsident reiste ab.", "France's president left."),
        ("Frankreichs Orden ging an sie.", "The French order went to her."),
        ("Ein Münchner Verein gewann.", "A Munich club won."),
        ("Der Norweger gewann vor Lamparter.", "Norway's athlete won ahead of Lamparter."),
        ("Präsident Selenskyj sprach.", "President Zelenskyy spoke."),
    ],
)
def test_translated_place_and_person_names_are_the_same_name(source, target):
    """Countries and languages (CLDR through babel), cities by their GeoNames names, German genitives and words
    of origin ('Münchner'), a country's German name in a word for its people ('Norweger'), transliteration."""
    assert warned(source, target, "name") == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Er arbeitete lange in Lateinamerika.", "He worked in Latin America for a long time."),
        ("Die früheren Sowjetstaaten verhandeln.", "The former Soviet states are negotiating."),
    ],
)
def test_a_name_that_opens_a_german_compound_is_kept(source, target):
    assert warned(source, target, "name") == []


def test_a_name_no_german_compound_opens_with_is_still_added():
    assert warned("Er arbeitete lange in Lateinamerika.", "He worked in Southeast Asia for a long time.", "name")


def test_a_country_said_as_its_language_is_not_taken_when_the_german_says_the_language():
    source = "Mit dem Verlust griechischer Sprachkenntnisse verlor man den Zugang zu Griechenland."
    assert warned(source, "With the loss of Greek, access to Greece was lost.", "name") == []
    assert warned(source, "With the loss of Greek, access was lost.", "name") == ["name dropped: 'Griechenland'"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Die WM beginnt im Juni.", "The World Cup starts in June."),
        ("Das AKW wird abgeschaltet.", "The Nuclear Power Plant is shut down."),
        ("In NRW scheint die Sonne.", "The sun shines in North Rhine-Westphalia."),
        ("Die EVP stimmte zu.", "The EPP agreed."),
        ("Drücken Sie STRG.", "Press CTRL."),
    ],
)
def test_translated_acronyms(source, target):
    """A German acronym rendered by the English one or spelled out in title case is translated, not dropped."""
    assert warned(source, target, "name") == []


def test_a_dropped_acronym_is_still_flagged():
    assert warned("Die CSU stimmte zu.", "The party agreed.", "name") == ["name dropped: 'CSU'"]
    assert warned("Söder (CSU) stimmte zu.", "Söder () agreed.", "name") == ["name dropped: 'CSU'"]


# Names: German common nouns


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Wir haben hier einfach Spaß mit unserer Lehrerin.", "We simply have fun here with our teacher."),
        ("Mit viel Sonnenschein ist zu rechnen.", "Plenty of sunshine is expected."),
        ("Lieber etwas mehr Geld ausgeben.", "Better to spend a little more money."),
        ("Zuvor hatte der Minister gesprochen.", "Before that, the minister had spoken."),
        ("Da Macrons Lager keine Mehrheit hat, hofft es auf Hilfe.", "As Macron's camp has no majority, it hopes."),
        ("Die Leugnern nahestehenden Gruppen demonstrierten.", "Groups close to the deniers demonstrated."),
        ("Batterien von #EAutos speichern #Strom.", "Batteries of #e-cars store #electricity."),
        ("Leider kam das Paket zu spät.", "Unfortunately the parcel came too late."),
    ],
)
def test_a_german_common_noun_is_no_name(source, target):
    """A word the German lexicons know as a common word ('Spaß', 'Geld', 'Lager', the adverb 'Zuvor'), an
    inflected form of one ('Leugnern'), or hashtag camel case of common words, is a name only with a person
    title or a first name before it, not by its place in the sentence."""
    assert warned(source, target, "name") == []


def test_a_surname_that_is_a_common_noun_is_a_name_after_a_first_name_or_as_the_speaker():
    assert warned("Thomas Müller traf zweimal.", "Thomas scored twice.", "name") == ["name dropped: 'Müller'"]
    assert warned("Heil sagte, das Gesetz gelte.", "He said the law applied.", "name") == ["name dropped: 'Heil'"]
    assert warned("Heil sagte, das Gesetz gelte.", "Heil said the law applied.", "name") == []


def test_names_really_dropped_or_replaced_are_flagged():
    assert warned("Merkel traf Macron in Paris.", "Merkel met the president in Paris.", "name") == [
        "name dropped: 'Macron'"
    ]
    assert warned("Er flog nach Kiew.", "He flew to Minsk.", "name") == ["name: 'Kiew' → 'Minsk'"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Kiew", "Kyiv", True),
        ("Frankreichs", "France", True),
        ("Selenskyj", "Zelenskyy", True),
        ("SW", "SW1", True),
        ("Kiew", "Minsk", False),
    ],
)
def test_similar_names_across_languages(a, b, same):
    assert similar(a, b) is same


# Negation


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Er kam nicht.", "He didn't come."),
        ("Sie konnte nicht teilnehmen.", "She was unable to take part."),
        ("Er ging wortlos davon.", "He left without a word."),
        ("Der Aufbau war problemlos.", "The assembly wasn't a problem."),
        ("Es ist nicht nur teuer, sondern auch laut.", "It isn't only expensive but also loud."),
        ("Das Konzert findet morgen statt.", "The concert takes place tomorrow."),
        ("Das ist der Grund für Stern Nr. 1.", "This is the reason for star no. 1."),
        ("Ich habe das erst nach der Frist bemerkt.", "I didn't notice it until after the deadline."),
        ("Es verrutscht nix mehr.", "It no longer slips."),
        ("Sie hat nur geringe Kenntnisse.", "She does not know much."),
        ("Am Gipfel gibt es Sonne pur.", "On the summit there is nothing but sunshine."),
        ("Regen hin oder her, wir wandern nicht.", "Rain or not, we won't hike."),
        ("Er war der beste, wenn nicht gar der einzige Kandidat.", "He was the best, if not only, candidate."),
        ("Der Minister durfte nicht fehlen.", "The minister had to be there."),
        ("Sie verpasste die Medaille.", "She did not win the medal."),
        ("Die Einfahrt ist gesperrt.", "Cars can no longer enter."),
        ("Es soll nicht nur Theorie bleiben, sondern Kreise ziehen.", "It should spread instead of remaining theory."),
    ],
)
def test_negation_kept_through_contractions_and_lexical_negation(source, target):
    """Contractions (didn't), lexical negation on either side (unable, without, -los, 'erst' as 'not until',
    verbs of missing and forbidding, 'sondern' as 'instead of'), a negated lexical negation said as a positive
    ('nicht fehlen'), and cues that negate nothing ('nicht nur', the particle of 'stattfinden', 'no.' before a
    number, 'nothing but', a closing 'or not'); 'if not only' is a negation on both sides."""
    assert warned(source, target, "negation") == []


def test_not_until_is_one_idiom_for_figures_and_claims():
    """'not … until' (= 'erst') reaches as far for the claims as for the figures: not past a comma, so the
    negation of a clause that a later clause ends with 'until' stays a negation."""
    assert warned("Ich habe es erst am Montag bemerkt.", "I never noticed it until Monday.", "negation") == []
    source = "Der Vertrag wurde nicht unterzeichnet, die Gespräche laufen bis Mai."
    assert warned(source, "The deal was not signed, talks go on until May.", "negation") == []
    assert warned(
        "Der Vertrag wurde unterzeichnet, die Gespräche laufen bis Mai.",
        "The deal was not signed, talks go on until May.",
        "negation",
    ) == ["negation added: 'not'"]


def test_negation_added_or_dropped_is_flagged():
    assert warned("Er kam.", "He didn't come.", "negation") == ["negation added: 'didn't'"]
    assert warned("Er kam nicht.", "He came.", "negation") == ["negation dropped: 'nicht'"]
    assert warned("Sie lobte den Plan.", "She did not praise the plan.", "negation") == ["negation added: 'not'"]


def test_a_negation_of_a_translated_lexical_negation_flips_the_meaning():
    """'vernachlässigen' → 'not neglecting' keeps the lexical negation and adds a negation; a German noun
    ('das Scheitern') names a failure without negating its clause."""
    assert warned("Sie vernachlässigen die Kontrolle.", "They are not neglecting the checks.", "negation") == [
        "negation added: 'not'"
    ]
    assert warned("Trotz des Scheiterns kam er.", "Despite this, he did not come.", "negation") == [
        "negation added: 'not'"
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Höchstens 25 Personen dürfen in den Raum.", "No more than 25 people may enter the room."),
        ("Mindestens 40 Bäume wurden gefällt.", "No fewer than 40 trees were felled."),
        ("Die Anträge müssen bis zum 3. Mai eingehen.", "Applications must arrive no later than 3 May."),
        ("Nicht mehr als 10 Teilnehmer sind zugelassen.", "At most 10 participants are admitted."),
        ("Es sind nicht ganz 300 Meter.", "It is almost 300 metres."),
        ("Der Akku hält nicht unter zwei Tagen.", "The battery lasts not less than two days."),
        ("Die Garantie gilt nicht unter einem Jahr.", "The warranty is not less than one year."),
    ],
)
def test_the_negation_inside_a_figure_qualifier_is_no_negation(source, target):
    """'no more than', 'no fewer than', 'no later than', 'nicht mehr als', 'nicht ganz 300': the figures compare
    these qualifiers; a negation elsewhere in the sentence still counts."""
    assert warned(source, target, "negation") == []
    assert warned("Er kam mit höchstens 25 Gästen.", "He did not come with no more than 25 guests.", "negation") == [
        "negation added: 'not'"
    ]
    assert warned("Er verfügt nicht über ein Auto.", "He has a car.", "negation") == ["negation dropped: 'nicht'"]


def test_lexical_negations_count_a_prefix_only_before_a_known_word():
    assert lexical_negations("It was unclear and unable to go under the Unternehmen.", "en") == 2
    assert lexical_negations("Das Unternehmen war unklar und kaum wortlos.", "de") == 3


# Hedges


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Hier darf man parken.", "You may park here."),
        ("Sie konnte nicht schlafen.", "She could not sleep."),
        ("Die Rente soll auf 1200 Euro steigen.", "The pension will rise to 1,200 euros."),
        ("Am Dienstag kann es regnen.", "It may rain on Tuesday."),
        ("Das Material wirkt robust.", "The material seems robust."),
        ("Das Gesetz tritt im Mai in Kraft.", "The law takes effect in May."),
        ("Er ist wohl der Größte.", "He is probably the greatest."),
        ("Er wurde den Angaben zufolge gefasst.", "He was reportedly caught."),
        ("Es dauert aller Voraussicht nach länger.", "It will most likely take longer."),
        ("Er war augenscheinlich müde.", "He was apparently tired."),
    ],
)
def test_modals_that_keep_their_meaning_are_no_hedge_change(source, target):
    """A modal or verb of seeming on one side ('darf'/'may', 'konnte'/'could', 'soll ... steigen'/'will rise')
    is no hedge finding of its own; a strong hedge needs a hedge or modal on the other side."""
    assert warned(source, target, "hedge") == []


def test_a_strong_hedge_lost_or_added_is_flagged():
    assert warned("Er hat angeblich gelogen.", "He lied.", "hedge") == ["hedge dropped: 'angeblich'"]
    assert warned("Die Preise könnten steigen.", "Prices will rise.", "hedge") == ["hedge dropped: 'könnten'"]
    assert warned("Er hat gelogen.", "He reportedly lied.", "hedge") == ["hedge added: 'reportedly'"]


def test_may_the_month_is_no_modal():
    assert [c.text for c in extract_claims("In May we may go; May 5 is a Friday. May I?", "en").hedges] == [
        "may",
        "May",
    ]


# Names: German common words and translated place names


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Großbritannien liefert Panzer.", "Great Britain delivers tanks."),
        ("Die Position Großbritanniens ist klar.", "Great Britain's position is clear."),
        ("Er stammt aus Unterfranken.", "He comes from Lower Franconia."),
        ("Am Niederrhein regnet es.", "It rains on the lower Rhine."),
    ],
)
def test_a_german_prefix_of_position_is_an_english_word_of_its_own(source, target):
    """'Groß-', 'Nieder-', 'Unter-' ... before a place are English words of their own ('Great Britain', 'lower
    Rhine', 'Lower Franconia'): the place matches without its prefix."""
    assert warned(source, target, "name") == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("WARTUNGSANLEITUNG", "MAINTENANCE GUIDE"),
        ("VORSICHT, STROMSCHLAG!", "CAUTION, ELECTRIC SHOCK!"),
        ("Das Kätzchen schläft im Körbchen.", "The kitten sleeps in the little basket."),
        ("Das Gerät steht am Abstellplatz.", "The device stands in the storage area."),
        ("Die Blüten leuchten in Weiß und Rosa.", "The blossoms shine in white and pink."),
        ("Mein Handy ist kaputt.", "My cell phone is broken."),
        ("Sie liegt übers Handy im Streit.", "She is arguing on the phone."),
        ("Siehe Abb. 4 und Tab. 2.", "See fig. 4 and table 2."),
    ],
)
def test_more_german_common_words_are_no_names(source, target):
    """A common word in capitals is emphasis ('WARTUNGSANLEITUNG'); a diminutive ('Kätzchen'), a place word on a
    verb stem ('Abstellplatz'), a word joined by 'und' to a common noun ('Weiß und Rosa'), a common word after a
    determiner that GeoNames also lists as a city ('mein Handy') and an abbreviation before a number ('Abb. 4')
    are common words."""
    assert warned(source, target, "name") == []


def test_acronyms_squares_and_cities_are_still_names():
    assert warned("Die CDU gewann die Wahl.", "The party won the election.", "name") == ["name dropped: 'CDU'"]
    assert warned("Wir treffen uns am Wendelinplatz.", "We meet at the square.", "name") == [
        "name dropped: 'Wendelinplatz'"
    ]
    assert warned("Er reiste nach Kiew.", "He travelled.", "name") == ["name dropped: 'Kiew'"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Mehr Geld für #Klimaschutz.", "More money for #ClimateAction."),
        ("Die ev. Kirche lädt ein.", "The Lutheran church invites you."),
        ("Die Katholiken beten.", "The Catholic faithful pray."),
    ],
)
def test_english_hashtags_of_common_words_and_denominations_are_no_names(source, target):
    """A hashtag's camel case of English words ('#ClimateAction') and a denomination ('Lutheran'), capitalized
    like a nationality, are no names."""
    assert warned(source, target, "name") == []


def test_a_bead_with_hundreds_of_names_is_compared_by_its_name_like_words():
    people = "Anna Bernd Carla Dieter Emil Frieda Gustav Hanna Ingo Jana Karl Lena Moritz Nina Otto Paula Rosa".split()
    listed = ", ".join(f"{p} {q}mann" for p in people for q in people)  # a table read as one sentence: 289 people
    source = f"Spanien meldete {listed}, dazu Norbert."
    target = f"Spain reported {listed.replace('mann', 'man')}, and also."
    names = [f for f in compare_pair(source, target, qa=False) if f.kind == "name"]
    assert [f.message for f in names] == ["name dropped: 'Norbert'"]


# Classes found on held-out translations (the WMT23 English→German test set and its reference)


def test_an_english_contraction_of_a_pronoun_or_verb_is_no_name():
    assert names("Well, I'm not sure. It's late and I've seen it.", "en") == []
    assert names("She said: Can't we go? Haven't you seen Norway's coast?", "en") == ["Norway's"]


def test_a_negation_after_an_opening_quote_mark_and_colloquial_negations_count():
    source = "Bidens Justizministerium „will keine bewaffneten Bürger“"
    assert warned(source, "Biden DOJ 'Doesn't Want an Armed Citizenry'", "negation") == []
    assert warned("Ich weiß es nicht.", "I dunno.", "negation") == []
    assert lexical_negations("Also please refrain from telling me that.", "en") == 1


def test_common_german_nouns_that_name_a_region_or_a_town_elsewhere_are_no_names():
    assert names("Das ist das Leben am Arsch der Welt.", "de") == []  # CLDR's region 001, 'World'
    assert names("Sie arbeitet nicht in stickigen, lauten Büros.", "de") == []  # a town in GeoNames
    assert names("Er wohnt in Frankfurt.", "de") == ["Frankfurt"]


def test_a_contracted_verb_in_a_title_case_headline_is_no_name():
    assert names("Some Super Bowl Commercials I Can't Wait to See", "en") == []
    assert names("'If They Do, They Haven't Shared It Fully'", "en") == []
