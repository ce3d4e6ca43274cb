"""Sentence segmentation: the seeds against the hand-checked gold, and the rules users rely on."""

from __future__ import annotations

import json

import pytest

from align.documents import document_from_text, load_document
from align.segment import segment, split_sentences
from tests.conftest import SEED_NAMES, SEEDS


def _sentences(text: str, language: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, language)]


@pytest.mark.parametrize("name", SEED_NAMES)
@pytest.mark.parametrize("language", ["de", "en"])
def test_seed_segmentation_equals_gold(name, language):
    gold_path = SEEDS / "gold" / f"{name.removesuffix('.txt')}.{language}.segments.jsonl"
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    doc = load_document(SEEDS / language / name, language=language)
    got = [{"index": s.index, "start": s.start, "end": s.end, "text": s.text} for s in segment(doc)]
    assert got == gold


@pytest.mark.parametrize(
    "text",
    [
        "Die Aktie wurde am 13. März 2025 um 13:13 Uhr gehandelt.",
        "Das Treffen fand vom 8.-10. September statt.",
        "Der Gipfel (8. bis 10. September) war voll.",
        "Es gibt Modelle (z. B. 1,7B und 8B Parameter) für Mobilgeräte.",
        "Der Preis lag bei ca. 5 Euro pro Stück.",
        "Investitionen von über 100 Mrd. USD wie bei US-Konkurrenten sind riskant.",
        "Es sind 33,4 Mrd. Yuan (etwa 4,6 Mrd. USD) geworden.",
        "Siehe Nr. 5 der Liste.",
        "Dr. Müller sprach mit Prof. Schmidt.",
        "Der Kurs fiel um 2,45 Prozent auf 1.500 Punkte.",
        'Er sagte: "Apple war sehr wählerisch. Sie haben mit uns gesprochen... Sie wollen unsere KI nutzen."',
        'Er wies auf Bauten ("on spec") hin. Das war alles.',
        "Die Leute investieren, bevor die Nachfrage da ist... aber sie projizieren mehr.",
        "Er kam am 3. Tag zurück.",
    ],
)
def test_german_no_split(text):
    sentences = _sentences(text, "de")
    if text.endswith("Das war alles."):
        assert sentences == ['Er wies auf Bauten ("on spec") hin.', "Das war alles."]
    else:
        assert sentences == [text]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. market grew by 2.45 percent.",
        "Apple Inc. and Alibaba Group Holding Ltd. signed a deal.",
        "It cost approx. 5 dollars, e.g. for one unit.",
        'He said: "It is a marathon. It is not a sprint." Then he left.',
        "Revenue reached 33.4 billion yuan (about $4.6 billion... or more).",
        "Dr. Smith met J. R. Tolkien at 1:13 p.m. on Friday.",
    ],
)
def test_english_no_split(text):
    sentences = _sentences(text, "en")
    if text.endswith("Then he left."):
        assert sentences == ['He said: "It is a marathon. It is not a sprint."', "Then he left."]
    else:
        assert sentences == [text]


def test_splits_where_sentences_end():
    text = (
        'Bisher nutzte Quark QuarkLLM. Die Integration soll helfen! Wirklich? "Ja." Das Jahr war 2025. Danach kam mehr.'
    )
    assert _sentences(text, "de") == [
        "Bisher nutzte Quark QuarkLLM.",
        "Die Integration soll helfen!",
        "Wirklich?",
        '"Ja."',
        "Das Jahr war 2025.",
        "Danach kam mehr.",
    ]
    assert _sentences("It rose 5%. The shares fell. Sales grew in the U.S. by 3.", "en") == [
        "It rose 5%.",
        "The shares fell.",
        "Sales grew in the U.S. by 3.",
    ]


def test_inline_tags_of_bilingual_files_do_not_hide_a_sentence_end():
    start, end, standalone = "\ue000", "\ue001", "\ue002"  # as align.bilingual marks <g>, </g> and <x/>
    text = f"{start}Der Umsatz stieg um 5 %.{end} {standalone}Der Gewinn fiel. Das war {start}neu.{end}"
    assert _sentences(text, "de") == [
        f"{start}Der Umsatz stieg um 5 %.{end}",
        f"{standalone}Der Gewinn fiel.",
        f"Das war {start}neu.{end}",
    ]
    assert _sentences(f"Es kam am 3.{end} {start}März.", "de") == [f"Es kam am 3.{end} {start}März."]


def test_unbalanced_quotes_do_not_swallow_the_paragraph():
    text = 'Er sagte "nein. Danach ging er. Am Ende blieb er.'
    assert len(_sentences(text, "de")) == 3


def test_urls_and_code_are_never_split():
    doc = document_from_text("Lies https://example.com/a. B/c.html und `x. Y` heute. Dann mehr.", "de", "markdown")
    assert [s.text for s in segment(doc)] == ["Lies https://example.com/a. B/c.html und `x. Y` heute.", "Dann mehr."]


def test_one_sentence_per_line_files_keep_lines(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("Erster Satz. Noch im ersten.\n\nZweiter Satz\n", encoding="utf-8")
    doc = load_document(path, format="lines")
    assert [s.text for s in segment(doc)] == ["Erster Satz. Noch im ersten.", "Zweiter Satz"]
