"""Claims without a model: names, negation, hedges, quotes, attributions; measured on DEMETR."""

from __future__ import annotations

import json

import pytest

from align.claims import Claim, extract_claims, lexical_name, similar
from align.compare import compare_pair
from align.serialize import from_json, to_json
from tests.conftest import SEEDS


def test_negation_hedges_quotes_and_attributions_with_spans():
    text = "„Wir werden das nicht schaffen“, sagte Hu laut Bericht; angeblich ohne Plan."
    claim = extract_claims(text, "de", offset=10)
    assert [c.text for c in claim.negations] == ["nicht", "ohne"]
    assert [c.text for c in claim.hedges] == ["angeblich"]
    assert [c.text for c in claim.attributions] == ["sagte", "laut"]
    assert [c.text for c in claim.quotes] == ["Wir werden das nicht schaffen"]
    for cue in claim.negations + claim.quotes:
        assert text[cue.start - 10 : cue.end - 10] == cue.text


def test_english_cues():
    claim = extract_claims('"We won\'t strive," Hu said; it reportedly could fail without help.', "en")
    assert [c.text for c in claim.negations] == ["won't", "without"]
    assert [c.text for c in claim.hedges] == ["reportedly", "could"]
    assert [c.text for c in claim.attributions] == ["said", "reportedly"]


def test_english_names_are_capitalized_words_inside_a_sentence():
    claim = extract_claims("Late night presenter Stephen Colbert welcomed Thunberg on Tuesday.", "en")
    assert [c.text for c in claim.names] == ["Stephen", "Colbert", "Thunberg"]


def test_a_name_opening_an_english_sentence_is_a_name_unless_it_is_an_english_word():
    """'Tencent' and 'Alibaba' are no English words; 'Meanwhile', 'The' and 'Research' are."""
    for text, names in [
        ("Tencent research is becoming a priority, Alibaba chief Joe Tsai stressed.", ["Tencent", "Alibaba", "Joe"]),
        ("Meanwhile the (Research) unit grew.", []),
        ("The partnerships with (Alibaba) grew.", ["Alibaba"]),
    ]:
        assert [c.text for c in extract_claims(text, "en").names][: len(names)] == names, text
    found = compare_pair(
        "Die KI-Forschung wird zu einer strategischen Priorität.", "Tencent research is becoming a strategic priority."
    )
    assert [(f.kind, f.status) for f in found if f.status != "preserved"] == [("name", "changed")]


def test_german_names_need_evidence_because_all_nouns_are_capitalized():
    claim = extract_claims("Die zwei Fraktionen warfen Ministerpräsident Söder (CSU) in Spanien Fehler vor.", "de")
    assert [c.text for c in claim.names] == ["Söder", "CSU", "Spanien"]


def test_indefinite_pronouns_opening_a_german_sentence_are_not_names():
    for text in ("Niemand hatte damit gerechnet.", "Jemand hatte angerufen.", "Beide sagten nichts."):
        assert extract_claims(text, "de").names == ()
    assert [c.text for c in extract_claims("Niemand hatte mit Söder gerechnet.", "de").names] == ["Söder"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Spanien", "Spain", True),
        ("Söder", "Soeder", True),
        ("München", "Munich", True),
        ("Rom", "Rome", True),
        ("BIP", "GDP", True),
        ("Colbert", "Oliver", False),
        ("Werth", "Obama", False),
    ],
)
def test_cross_lingual_name_similarity(a, b, same):
    assert similar(a, b) is same


def test_claim_findings():
    kinds = {(f.kind, f.status) for f in compare_pair("Er kam nicht.", "He came.") if f.status != "preserved"}
    assert kinds == {("negation", "dropped")}
    found = [
        f
        for f in compare_pair("Moderator Stephen Colbert lachte.", "Presenter John Oliver laughed.")
        if f.kind == "name" and f.status != "preserved"
    ]
    assert found and found[0].status == "changed"


def test_rather_than_and_instead_of_keep_a_negation():
    """'und nicht auf X' is often translated 'rather than on X'; 'statt' is 'instead of'."""
    for source, target in [
        ("Es gehe um Tempo und nicht um die stärksten Modelle.", "It is about speed rather than the strongest models."),
        ("Sie investieren in Anwendungen statt in Forschung.", "They invest in applications instead of research."),
    ]:
        negations = [f for f in compare_pair(source, target) if f.kind == "negation"]
        assert [f.status for f in negations] == ["preserved"], negations
    dropped = [f.status for f in compare_pair("Er kam nicht.", "He came rather late.") if f.kind == "negation"]
    assert dropped == ["dropped"]


def name_findings(source: str, target: str) -> list[str]:
    return [f.message for f in compare_pair(source, target) if f.kind == "name" and f.status != "preserved"]


def test_a_dropped_bare_surname_is_flagged():
    source = (
        "Flick nannte in seiner persönlichen Tripleformel die drei Attribute, die er von seinen Stars auf dem Weg "
        "in Portugals Hauptstadt sehen will."
    )
    good = (
        "In his personal triple formula, Flick named the three attributes that he wants to see from his stars on "
        "the way to Portugal's capital."
    )
    assert name_findings(source, good) == []
    assert name_findings(source, good.replace("Flick ", "")) == ["name dropped: 'Flick'"]


def test_dropped_places_and_names_inside_compounds_are_flagged():
    source = "Der Mann arbeitet als Freiwilliger für die Diözese Nantes und war für die Schließung verantwortlich."
    target = "The man works as a volunteer for the diocese and was responsible for the closure."
    assert name_findings(source, target) == ["name dropped: 'Nantes'"]
    source = "Sie kündigte an, dass 2021 auch wieder ein Rakoczy-Reitturnier stattfinden soll."
    names = extract_claims(source, "de", offset=5).names
    assert [(c.text, source[c.start - 5 : c.end - 5]) for c in names] == [("Rakoczy", "Rakoczy")]
    assert name_findings(source, "She announced that a Rakoczy horse show will take place again in 2021.") == []
    assert name_findings(source, "She announced that a horse show will take place again in 2021.") == [
        "name dropped: 'Rakoczy'"
    ]


def test_translated_common_nouns_are_not_names():
    pairs = [
        (
            "Das Haus am See gehört der Firma seit Jahren.",
            "The house by the lake has belonged to the company for years.",
        ),
        (
            "Bei einem Streit ist ein 19-Jähriger durch einen Schubser hingefallen.",
            "During a dispute, a 19-year-old fell over after a push.",
        ),
        ("Verkehrsfluss ist die Untersuchung der Bewegung einzelner Fahrer.", "Traffic flow is the study of drivers."),
        ("Man betrachtet uns weiterhin als Ja-Sager.", "They still treat us as a rubber stamp."),
    ]
    for source, target in pairs:
        assert name_findings(source, target) == [], source


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Nantes", True),
        ("Green", True),
        ("Mohammeds", True),
        ("Aidenbachstraße", True),
        ("Haus", False),
        ("Zwischenwahl", False),
        ("Treibnetzfischerei", False),
        ("Bisher", False),
    ],
)
def test_german_lexicons_tell_names_from_common_words(word, name):
    assert lexical_name(word) is name


def test_claim_round_trips_through_json():
    claim = extract_claims("„Nie wieder“, sagte Söder angeblich.", "de")
    assert from_json(Claim, json.loads(json.dumps(to_json(claim)))) == claim


def rates(rows, name, kind):
    targeted = [r for r in rows if r["pert_name"] == name and r["pert_check"]]
    hits = sum(
        1
        for r in targeted
        if any(f.kind == kind and f.status != "preserved" for f in compare_pair(r["src_sent"], r["pert_sent"]))
    )
    false = sum(
        1
        for r in rows
        if any(f.kind == kind and f.status != "preserved" for f in compare_pair(r["src_sent"], r["mt_sent"]))
    )
    return hits / len(targeted), false / len(rows)


def test_demetr_negation_and_names(shared_data):
    rows = [json.loads(line) for line in (shared_data / "figures" / "demetr-de-en-dev.jsonl").open()]
    recall, false = rates(rows, "critical_id8_negation", "negation")
    assert recall >= 0.8 and false <= 0.05
    recall, false = rates(rows, "critical_id9_ne_replaced", "name")
    assert recall >= 0.95 and false <= 0.02
    recall, false = rates(rows, "critical_id25_ne_removed", "name")
    assert recall >= 0.8 and false <= 0.02


def _forget(claims) -> None:
    claims._word_lists.cache_clear()
    claims.in_word_list.cache_clear()


def test_word_lists_are_derived_once_into_a_sqlite_file_that_answers_like_the_derived_sets(tmp_path, monkeypatch):
    from align import claims

    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path))
    built = claims._derived_word_lists()
    derived = []
    monkeypatch.setattr(claims, "_derived_word_lists", lambda: derived.append(1) or built)
    _forget(claims)
    try:
        assert claims.in_word_list("common", "Häuser") and not claims.in_word_list("common", "Nantes")
        assert [p.name for p in tmp_path.glob("lexicons/*")] == [claims.word_lists_path().name]
        for name in claims.WORD_LISTS:
            sample = sorted(built[name])[::997]
            assert all(claims.in_word_list(name, word) for word in sample)
            others = [w for n in claims.WORD_LISTS if n != name for w in sorted(built[n])[::997]]
            assert [w for w in others if claims.in_word_list(name, w)] == [w for w in others if w in built[name]]
        _forget(claims)
        assert claims.in_word_list("english", "whom") and derived == [1]  # read back, not derived again
        claims.word_lists_path().write_bytes(b"not a database, as after a full disk")
        _forget(claims)
        assert claims.in_word_list("english", "whom") and derived == [1, 1]
        assert claims.word_lists_path().read_bytes().startswith(b"SQLite format 3")
        unwritable = tmp_path / "a-file"
        unwritable.write_text("not a folder")
        monkeypatch.setenv("ALIGN_CACHE_DIR", str(unwritable))
        _forget(claims)
        assert claims.in_word_list("common", "Häuser") and derived == [1, 1, 1]  # derived into memory
    finally:
        _forget(claims)


_PLACE_PAIRS = (
    "Kiew Kyiv Kiews Peking Beijing Berliner Berlin Münchner München Munich Norweger Norwegen Norway Selenskyj "
    "Zelenskyy EZB ECB BIP GDP SW1 Großbritannien Britain Frankreichs Frankreich France French Moskau Moscow Wien "
    "Vienna Köln Cologne Mailand Milan Warschau Warsaw Tschechien Czechia Spanien Spain Söder Soeder Alibabas Alibaba"
).split()


def test_spelling_partners_keep_every_word_a_name_is_similar_to():
    """A long bead's words are narrowed with array operations before names are compared (`spelling_partners`):
    the narrowing may keep words that are not similar, never drop one that is (seeds' words and place names in
    both languages, each against all)."""
    from align.claims import SPELLING_INDEX_SIZE, spelling_partners, words

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*/*.txt")))
    vocabulary = list(dict.fromkeys([*_PLACE_PAIRS, *words(text)]))[:600]
    assert len(vocabulary) > 5 * SPELLING_INDEX_SIZE
    partners = spelling_partners(vocabulary)
    narrowed = 0
    for word in vocabulary:
        kept = set(partners(word))
        assert {w for w in vocabulary if similar(word, w)} <= kept, word
        narrowed += len(kept) < len(vocabulary) / 2
    assert narrowed > len(vocabulary) / 2  # and it does narrow: most words keep fewer than half of the others
