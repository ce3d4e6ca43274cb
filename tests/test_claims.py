"""Claims without a model: names, negation, hedges, quotes, attributions; measured on DEMETR."""

from __future__ import annotations

import json

import pytest

from align.claims import Claim, extract_claims, similar
from align.compare import compare_pair
from align.serialize import from_json, to_json


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


def test_german_names_need_evidence_because_all_nouns_are_capitalized():
    claim = extract_claims("Die zwei Fraktionen warfen Ministerpräsident Söder (CSU) in Spanien Fehler vor.", "de")
    assert [c.text for c in claim.names] == ["Söder", "CSU", "Spanien"]


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


def test_demetr_negation_and_replaced_names(shared_data):
    rows = [json.loads(line) for line in (shared_data / "figures" / "demetr-de-en-dev.jsonl").open()]
    recall, false = rates(rows, "critical_id8_negation", "negation")
    assert recall >= 0.8 and false <= 0.05
    recall, false = rates(rows, "critical_id9_ne_replaced", "name")
    assert recall >= 0.8 and false <= 0.05
