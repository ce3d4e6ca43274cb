"""Loading documents: Markdown structure, encodings, and spans that slice back exactly."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.documents import document_from_text, load_document
from align.errors import InputError
from align.segment import segment
from align.serialize import from_json, to_json
from tests.conftest import SEEDS

MARKDOWN = """---
title: "Bericht über 2,5 Mrd. Euro"
tags: [a, b]
---

# Überschrift eins

Ein Absatz mit `code 1.5` und einem [Link](https://example.com/a/1.5?x=2) im Satz. Zweiter Satz.

- Erster Punkt mit 3 %.
- Zweiter Punkt
  über zwei Zeilen.
  1. Verschachtelt.

> Ein Zitat.
> Zweite Zeile des Zitats.

| Jahr | Umsatz |
|------|--------|
| 2024 | 1,5 Mrd. |

```python
x = 1.5  # never segmented
```

Siehe <https://example.org/9> und www.example.net/7 heute.

[ref]: https://example.com/ref
"""


def _content(doc, block):
    return doc.text[block.text_start : block.text_end]


def test_markdown_blocks_and_front_matter():
    doc = document_from_text(MARKDOWN, "de", "markdown")
    assert doc.metadata == {"title": "Bericht über 2,5 Mrd. Euro", "tags": ["a", "b"]}
    kinds = [(b.kind, _content(doc, b)) for b in doc.blocks if b.kind not in ("front_matter", "code")]
    assert kinds == [
        ("meta_value", "Bericht über 2,5 Mrd. Euro"),
        ("heading", "Überschrift eins"),
        ("paragraph", kinds[2][1]),
        ("list_item", "Erster Punkt mit 3 %."),
        ("list_item", "Zweiter Punkt\n  über zwei Zeilen."),
        ("list_item", "Verschachtelt."),
        ("quote", "Ein Zitat.\n> Zweite Zeile des Zitats."),
        ("table_cell", "Jahr"),
        ("table_cell", "Umsatz"),
        ("table_cell", "2024"),
        ("table_cell", "1,5 Mrd."),
        ("paragraph", "Siehe <https://example.org/9> und www.example.net/7 heute."),
    ]
    heading = next(b for b in doc.blocks if b.kind == "heading")
    assert heading.level == 1 and doc.text[heading.start : heading.end] == "# Überschrift eins"
    nested = next(b for b in doc.blocks if _content(doc, b) == "Verschachtelt.")
    assert nested.level == 2
    code = next(b for b in doc.blocks if b.kind == "code")
    assert doc.text[code.start : code.end].startswith("```python") and code.text_start == code.text_end


def test_protected_spans_cover_code_urls_and_quote_markers():
    doc = document_from_text(MARKDOWN, "de", "markdown")
    protected = [doc.text[s:e] for b in doc.blocks for s, e in b.protected]
    assert "`code 1.5`" in protected
    assert "(https://example.com/a/1.5?x=2)" in protected
    assert "<https://example.org/9>" in protected
    assert "www.example.net/7" in protected
    assert "> " in protected
    segments = segment(doc)
    assert not any("x = 1.5" in s.text for s in segments), "code is never segmented"
    assert not any("example.com/ref" in s.text for s in segments), "reference definitions are not text"
    link_sentence = next(s for s in segments if "[Link]" in s.text)
    assert [doc.text[a:b] for a, b in link_sentence.protected] == ["`code 1.5`", "(https://example.com/a/1.5?x=2)"]


def test_seed_004_is_markdown_with_link_only_list_items():
    doc = load_document(SEEDS / "de" / "004_06f121a0a3444192.txt")
    assert doc.format == "markdown" and doc.language == "de"
    assert doc.metadata["translated"] is True and doc.metadata["layout"] == "post"
    items = [_content(doc, b) for b in doc.blocks if b.kind == "list_item"]
    assert items[0] == 'Alibaba\'s Joe Tsai Debates White House "AI Czar"'
    assert not any("http" in item for item in items)
    assert sum(b.kind == "heading" for b in doc.blocks) == 8


def test_seed_000_is_plain_text_paragraphs():
    doc = load_document(SEEDS / "de" / "000_196887d79a86fdb7.txt")
    assert doc.format == "text" and doc.language == "de" and len(doc.blocks) == 12
    assert _content(doc, doc.blocks[1]) == "Milliardeninvestitionen für KI-Dominanz"


def test_language_is_guessed_from_text():
    assert load_document(SEEDS / "de" / "000_196887d79a86fdb7.txt").language == "de"
    english = document_from_text("x", "en")
    assert english.language == "en"
    from align.documents import guess_language

    assert guess_language("The company said that it was not in the market for this.") == "en"


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        (codecs.BOM_UTF8 + "Größe: 2,5 Mrd.\r\nZweite Zeile.".encode(), "utf-8-bom-crlf"),
        (codecs.BOM_UTF16_LE + "Größe: 2,5 Mrd.\r\nZweite Zeile.".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Größe: 2,5 Mrd.\rZweite Zeile.".encode("utf-16-be"), "utf-16-be-cr"),
        ("Größe: 2,5 Mrd.\rZweite Zeile.".encode(), "utf-8-cr"),
    ],
)
def test_encodings_and_line_ends(tmp_path, encoded, label):
    path = tmp_path / f"{label}.txt"
    path.write_bytes(encoded)
    doc = load_document(path, format="lines")
    assert not doc.text.startswith("\ufeff")
    assert [_content(doc, b) for b in doc.blocks] == ["Größe: 2,5 Mrd.", "Zweite Zeile."]


def test_crlf_markdown_spans(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(MARKDOWN.replace("\n", "\r\n").encode())
    doc = load_document(path)
    assert doc.metadata["title"] == "Bericht über 2,5 Mrd. Euro"
    assert [_content(doc, b) for b in doc.blocks if b.kind == "heading"] == ["Überschrift eins"]
    cells = [_content(doc, b) for b in doc.blocks if b.kind == "table_cell"]
    assert cells == ["Jahr", "Umsatz", "2024", "1,5 Mrd."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n\t ", "is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary"),
        ("Grüße aus Köln".encode("latin-1"), "not valid UTF-8"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),
        (b"---\ntitle: [unclosed\n---\n\nText.", "broken YAML front matter"),
        (b"---\ntitle: x\n\nText without an end of front matter.", "never closed"),
        (b"---\n- a\n- b\n---\n\nText.", "not a mapping"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        load_document(path)
    assert str(caught.value).startswith(str(path))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        load_document(tmp_path)


def test_document_json_round_trip():
    doc = document_from_text(MARKDOWN, "de", "markdown", id="x")
    assert from_json(type(doc), to_json(doc)) == doc
    seg = segment(doc)[3]
    assert from_json(type(seg), to_json(seg)) == seg


_markdownish = st.lists(
    st.sampled_from(
        [
            "# Titel 1.\n",
            "## Zwei Sätze. Hier!\n",
            "Ein Satz mit 2,45 Prozent. Noch einer?\n",
            "- Punkt mit [Link](http://x.de/1.5).\n",
            "  weiter\n",
            "> Zitat. Mehr.\n",
            "```\ncode. Code.\n```\n",
            "| a | b |\n|---|---|\n| 1. | z. B. x |\n",
            "\n",
            "\r\n",
            'Dr. Müller kam am 13. März 2025. Er blieb (ca. 3 Tage). "Gut. Sehr gut." Ende…\n',
            "`x.y` und „Zitat. Zitat.“ Schluss.\r",
            "Ünïcödé 😀 \u200f text. ",
        ]
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(parts=_markdownish, fmt=st.sampled_from(["markdown", "text", "lines"]))
def test_every_span_slices_back(parts, fmt):
    text = "".join(parts)
    doc = document_from_text(text, "de", fmt)
    for block in doc.blocks:
        assert 0 <= block.start <= block.text_start <= block.text_end <= block.end <= len(text) or block.kind in (
            "meta_value",
        )
        for s, e in block.protected:
            assert block.text_start <= s < e <= block.text_end
    previous_end = 0
    for seg in segment(doc):
        assert seg.text == text[seg.start : seg.end]
        assert seg.text == seg.text.strip() and seg.text
        assert seg.start >= previous_end
        previous_end = seg.end
        block = doc.blocks[seg.block]
        assert block.text_start <= seg.start and seg.end <= block.text_end
