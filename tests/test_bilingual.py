"""Bilingual files: reading XLIFF/TMX/TSV/CSV/JSONL into units, writing them back, refusing hostile or broken input."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.bilingual import (
    PLACEHOLDER_FIRST,
    PLACEHOLDER_LAST,
    Unit,
    read_units,
    restore_markup,
    units_from_pairs,
    write_tmx,
    write_tsv,
    write_xliff,
)
from align.errors import InputError
from align.figures import extract
from align.serialize import from_json, to_json
from align.tokenize import tokenize

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0">
  <!-- exported for review -->
  <file original="bericht.md" source-language="de-DE" target-language="en-US" datatype="plaintext">
    <body>
      <group id="g1">
        <trans-unit id="u1" sdl:origin="tm">
          <source>Der Umsatz stieg um <g id="1" ctype="bold">fast 50 %</g> auf 3,2 Mio. &#x20AC;.</source>
          <target state="translated">Revenue rose by <g id="1"
            ctype="bold">almost 50%</g> to &#x20AC;3.2 million.</target>
          <note from="translator">Zahlen &amp; Einheiten geprüft.</note>
        </trans-unit>
      </group>
      <trans-unit id="u2">
        <source><![CDATA[Preis <netto> & Steuer]]> siehe <x id="2"/><ph id="3">&lt;br/&gt;</ph><bpt
          id="4">&lt;i&gt;</bpt>Anhang<ept id="4">&lt;/i&gt;</ept> <mrk mtype="term">Umsatz</mrk></source>
        <target state="needs-review-translation">Price &lt;net&gt; &amp; tax see <x id="2"/><ph
          id="3">&lt;br/&gt;</ph><bpt id="4">&lt;i&gt;</bpt>annex<ept
          id="4">&lt;/i&gt;</ept> <mrk mtype="term">revenue</mrk></target>
      </trans-unit>
      <trans-unit id="u3"><source>Noch nicht übersetzt.</source></trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="de" trgLang="en-GB">
  <file id="f1">
    <unit id="u1">
      <notes>
        <note category="reviewer">Bitte prüfen.</note>
      </notes>
      <segment id="s1" state="reviewed">
        <source>Etwa <pc id="1" dataRefStart="d1"
          dataRefEnd="d2">30 Prozent</pc> der Fläche.<ph id="2" dataRef="d3"/></source>
        <target>About <pc id="1" dataRefStart="d1"
          dataRefEnd="d2">30 percent</pc> of the area.<ph id="2" dataRef="d3"/></target>
      </segment>
      <ignorable>
        <source> </source>
      </ignorable>
      <segment id="s2" state="translated">
        <source>Mehr als <sc id="3"/>2.000<ec startRef="3"/> Personen &amp; Tiere.</source>
        <target>More than <sc id="3"/>2,000<ec startRef="3"/> people &amp; animals.</target>
      </segment>
    </unit>
    <unit id="u2">
      <segment state="initial">
        <source>Keine <![CDATA[<Zahl>]]> hier.</source>
        <target>No <![CDATA[<figure>]]> here.</target>
      </segment>
    </unit>
  </file>
</xliff>
"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SomeTool" creationtoolversion="9" datatype="xml" segtype="sentence"
          adminlang="en-US" srclang="de-AT" o-tmf="sometool"/>
  <body>
    <tu tuid="7">
      <prop type="x-domain">finance</prop>
      <note>aus dem Jahresbericht</note>
      <tuv xml:lang="de-AT"><seg>Der Gewinn fiel um <bpt i="1"
        x="1">&lt;b&gt;</bpt>12 %<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>Profit fell by <bpt i="1"
        x="1">&lt;b&gt;</bpt>12%<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en-GB"><seg>Costs <hi type="em">&amp; risks</hi><ph x="2">&lt;br/&gt;</ph> &#x20AC;5</seg></tuv>
      <tuv xml:lang="de-AT"><seg><![CDATA[Kosten <&> Risiken]]> <hi type="em">&amp; Risiken</hi><ph
        x="2">&lt;br/&gt;</ph> 5 &#x20AC;</seg></tuv>
    </tu>
  </body>
</tmx>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xliff version="1.2"><file source-language="de" target-language="en"><body>
<trans-unit id="1"><source>&lol9;</source><target>x</target></trans-unit></body></file></xliff>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _canonical(path: Path) -> str:
    return ET.canonicalize(from_file=path, with_comments=True)


def _is_placeholder(ch: str) -> bool:
    return PLACEHOLDER_FIRST <= ord(ch) <= PLACEHOLDER_LAST


def test_xliff12_units_ids_notes_state_and_languages(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.xlf", XLIFF12)
    units = read_units(path)
    assert [u.id for u in units] == ["u1", "u2", "u3"]
    u1, u2, u3 = units
    assert u1.notes == ("Zahlen & Einheiten geprüft.",)
    assert (u1.state, u2.state, u3.state) == ("translated", "needs-review-translation", None)
    assert (u1.source_language, u1.target_language) == ("de-DE", "en-US")
    assert u3.target is None
    assert u1.origin.line == 7 and str(u1.origin) == f"{path}, unit 'u1', line 7"
    # CDATA and entities become plain text; tags become placeholders with their markup
    markup = {p.markup for p in u2.placeholders}
    assert {'<x id="2"/>', '<ph id="3">&lt;br/&gt;</ph>', '<bpt id="4">&lt;i&gt;</bpt>', '<mrk mtype="term">'} <= markup
    plain = "".join(ch for ch in u2.source if not _is_placeholder(ch))
    assert plain == "Preis <netto> & Steuer siehe Anhang Umsatz"
    assert u1.source == "Der Umsatz stieg um \ue000fast 50 %\ue001 auf 3,2 Mio. €."
    # the same tag in source and target shares its placeholder
    assert u1.target == "Revenue rose by \ue000almost 50%\ue001 to €3.2 million."


def test_placeholders_are_never_figures_or_words(tmp_path: Path) -> None:
    (unit, *_) = read_units(_write(tmp_path, "review.xlf", XLIFF12))
    stripped = "".join(ch for ch in unit.source if not _is_placeholder(ch))
    with_tags = [(f.kind, f.value, f.qualifier) for f in extract(unit.source, "de")]
    assert with_tags == [(f.kind, f.value, f.qualifier) for f in extract(stripped, "de")]
    assert ("percent", "50", "nearly") in with_tags
    for placeholder in unit.placeholders:
        assert not placeholder.marker.isalnum() and not re.match(r"[\w\d]", placeholder.marker)
    words = [t.text for t in tokenize(unit.source, "de") if not _is_placeholder(t.text[0])]
    assert "fast" in words and all(not any(_is_placeholder(ch) for ch in w) for w in words)


def test_placeholders_skip_private_use_characters_already_in_the_text(tmp_path: Path) -> None:
    doc = XLIFF12.replace("Noch nicht übersetzt.</source>", 'Symbol \ue000 und <x id="9"/>.</source>')
    path = _write(tmp_path, "pua.xlf", doc)
    unit = read_units(path)[2]
    assert unit.source.startswith("Symbol \ue000 und ") and unit.placeholders[0].marker != "\ue000"
    assert restore_markup(unit.source, unit.placeholders) == 'Symbol \ue000 und <x id="9"/>.'
    out = tmp_path / "out.xlf"
    write_xliff(read_units(path), {}, out, template=path)
    assert _canonical(out) == _canonical(path)


def test_xliff12_round_trip_is_equivalent(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.xlf", XLIFF12)
    out = tmp_path / "out.xlf"
    write_xliff(read_units(path), {}, out, template=path)
    assert _canonical(out) == _canonical(path)
    assert "<!-- exported for review -->" in out.read_text(encoding="utf-8")


def test_xliff12_findings_become_notes_and_nothing_else_changes(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.xlf", XLIFF12)
    out = tmp_path / "checked.xlf"
    messages = {"u1": ["hedge lost: 'fast 50 %' → '50%'", "figure changed: 3,2 Mio. € → €3.2 million"]}
    write_xliff(read_units(path), messages, out, template=path)
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    tree = ET.parse(out)
    notes = [(n.get("from"), n.text) for n in tree.findall(".//x:trans-unit[@id='u1']/x:note", ns)]
    assert notes == [
        ("translator", "Zahlen & Einheiten geprüft."),
        ("align", "hedge lost: 'fast 50 %' → '50%'"),
        ("align", "figure changed: 3,2 Mio. € → €3.2 million"),
    ]
    assert tree.findall(".//x:trans-unit[@id='u2']/x:note", ns) == []
    states = [t.get("state") for t in tree.findall(".//x:target", ns)]
    assert states == ["translated", "needs-review-translation"]
    reread = read_units(out)
    assert [(u.id, u.source, u.target) for u in reread] == [(u.id, u.source, u.target) for u in read_units(path)]
    assert reread[0].notes[1:] == tuple(messages["u1"])
    with pytest.raises(ValueError, match="not in the file: u9"):
        write_xliff(read_units(path), {"u9": ["lost?"]}, tmp_path / "never.xlf", template=path)
    assert not (tmp_path / "never.xlf").exists()


def test_a_target_filled_in_is_written_where_xliff_wants_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.xlf", XLIFF12)
    units = list(read_units(path))
    units[2] = dataclasses.replace(units[2], target="Not translated yet.")
    out = tmp_path / "filled.xlf"
    write_xliff(units, {"u3": ["machine translation, check it"]}, out, template=path)
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    u3 = ET.parse(out).find(".//x:trans-unit[@id='u3']", ns)
    assert u3 is not None
    assert [(c.tag.split("}")[1], c.text) for c in u3] == [
        ("source", "Noch nicht übersetzt."),
        ("target", "Not translated yet."),
        ("note", "machine translation, check it"),
    ]
    assert read_units(out)[2].target == "Not translated yet."


def test_xliff2_segments_notes_state_and_round_trip(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.xliff", XLIFF2)
    units = read_units(path)
    assert [u.id for u in units] == ["u1/s1", "u1/s2", "u2"]
    assert [u.state for u in units] == ["reviewed", "translated", "initial"]
    assert units[0].notes == ("Bitte prüfen.",)
    assert units[1].source == "Mehr als \ue0002.000\ue001 Personen & Tiere."
    assert [p.markup for p in units[1].placeholders] == ['<sc id="3"/>', '<ec startRef="3"/>']
    assert [(f.kind, f.value, f.text) for f in extract(units[1].source, "de")] == [("number", "2000", "2.000")]
    assert units[2].source == "Keine <Zahl> hier." and units[2].target_language == "en-GB"

    same = tmp_path / "same.xliff"
    write_xliff(units, {}, same, template=path)
    assert _canonical(same) == _canonical(path)

    checked = tmp_path / "checked.xliff"
    write_xliff(units, {"u1/s2": ["figure changed: 2.000 → 2,000"], "u2": ["claim added"]}, checked, template=path)
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    tree = ET.parse(checked)
    u1 = [(n.get("category"), n.text) for n in tree.findall(".//x:unit[@id='u1']/x:notes/x:note", ns)]
    assert u1 == [("reviewer", "Bitte prüfen."), ("align", "figure changed: 2.000 → 2,000")]
    u2 = tree.find(".//x:unit[@id='u2']", ns)
    assert [c.tag.split("}")[1] for c in u2] == ["notes", "segment"]
    assert [s.get("state") for s in tree.findall(".//x:segment", ns)] == ["reviewed", "translated", "initial"]


def test_tmx_region_subtags_inline_tags_and_round_trip(tmp_path: Path) -> None:
    path = _write(tmp_path, "memory.tmx", TMX)
    units = read_units(path)
    assert [u.id for u in units] == ["7", "2"]
    assert (units[0].source_language, units[0].target_language) == ("de-AT", "en-GB")
    assert units[0].notes == ("aus dem Jahresbericht",)
    assert units[1].source.startswith("Kosten <&> Risiken ") and units[1].target.startswith("Costs ")
    assert units[1].source.endswith(" 5 €")
    out = tmp_path / "out.tmx"
    write_tmx(units, out, template=path)
    assert _canonical(out) == _canonical(path)
    assert out.read_text(encoding="utf-8").splitlines()[1] == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def test_new_tmx_from_sentence_pairs(tmp_path: Path) -> None:
    pairs = [("Es gibt 3 Äpfel & Birnen.", "There are 3 apples & pears."), ("Fast 10 %.", "Almost 10%.")]
    out = tmp_path / "aligned.tmx"
    write_tmx(units_from_pairs(pairs), out)
    header = ET.parse(out).getroot().find("header")
    assert header is not None
    assert {k: header.get(k) for k in ("creationtool", "segtype", "srclang", "adminlang", "o-tmf", "datatype")} == {
        "creationtool": "align",
        "segtype": "sentence",
        "srclang": "de",
        "adminlang": "en",
        "o-tmf": "align",
        "datatype": "plaintext",
    }
    assert [(u.id, u.source, u.target) for u in read_units(out)] == [("1", *pairs[0]), ("2", *pairs[1])]


def test_units_from_tsv_written_as_new_xliff_read_back(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "pairs.tsv", 'id\tsource\ttarget\na\tFast 50 %.\tAlmost 50%.\nb\t"Er sagt ""Ja"""\tHe says "yes"\n'
    )
    units = read_units(path)
    out = tmp_path / "new.xlf"
    write_xliff(units, {"b": ["quote changed"]}, out)
    again = read_units(out)
    assert [(u.id, u.source, u.target) for u in again] == [
        ("a", "Fast 50 %.", "Almost 50%."),
        ("b", 'Er sagt "Ja"', 'He says "yes"'),
    ]
    assert again[1].notes == ("quote changed",)


def test_tsv_csv_jsonl_read_and_tsv_written_back(tmp_path: Path) -> None:
    tsv = read_units(_write(tmp_path, "p.tsv", 'target\tsource\nTwo\tZwei\n"tab\there"\t"Tab\tda"\n'))
    assert [(u.id, u.source, u.target) for u in tsv] == [("1", "Zwei", "Two"), ("2", "Tab\tda", "tab\there")]
    assert tsv[1].origin.line == 3
    csv_units = read_units(_write(tmp_path, "p.csv", 'source,target,id\n"3,5 %","3.5%",x7\n'))
    assert [(u.id, u.source, u.target) for u in csv_units] == [("x7", "3,5 %", "3.5%")]
    jsonl = read_units(
        _write(tmp_path, "p.jsonl", '{"id": 4, "source": "Vier", "target": "Four"}\n\n{"source": "a", "target": ""}\n')
    )
    assert [(u.id, u.source, u.target, u.origin.line) for u in jsonl] == [("4", "Vier", "Four", 1), ("2", "a", "", 3)]
    same_as_txt = read_units(_write(tmp_path, "p.txt", "source\ttarget\nA\tB\n"), "tsv")
    assert [(u.source, u.target) for u in same_as_txt] == [("A", "B")]

    units = read_units(_write(tmp_path, "review.xlf", XLIFF12))
    out = tmp_path / "out.tsv"
    write_tsv(units, out, {"u2": ["tag moved", "term changed"]})
    back = read_units(out)
    assert [u.id for u in back] == ["u1", "u2", "u3"]
    assert back[1].source == (
        'Preis <netto> & Steuer siehe <x id="2"/><ph id="3">&lt;br/&gt;</ph><bpt id="4">&lt;i&gt;</bpt>Anhang'
        '<ept id="4">&lt;/i&gt;</ept> <mrk mtype="term">Umsatz</mrk>'
    )
    assert back[1].placeholders == ()
    assert back[2].target == ""
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id\tsource\ttarget\tnotes"


def test_unit_serializes_losslessly(tmp_path: Path) -> None:
    for unit in read_units(_write(tmp_path, "review.xlf", XLIFF12)):
        assert from_json(Unit, to_json(unit)) == unit


def test_restore_markup_escapes_text_and_restores_tags(tmp_path: Path) -> None:
    unit = read_units(_write(tmp_path, "review.xlf", XLIFF12))[0]
    assert restore_markup(unit.source, unit.placeholders) == (
        'Der Umsatz stieg um <g id="1" ctype="bold">fast 50 %</g> auf 3,2 Mio. €.'
    )
    assert restore_markup("a < b & c", ()) == "a &lt; b &amp; c"


def test_unbalanced_placeholders_in_edited_target_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.xlf", XLIFF12)
    units = list(read_units(path))
    units[0] = dataclasses.replace(units[0], target="Revenue \ue001 rose \ue000")
    with pytest.raises(InputError, match=r"unit 'u1', line 7: its text cannot be written as XML \(unbalanced"):
        write_xliff(units, {}, tmp_path / "out.xlf", template=path)
    assert not (tmp_path / "out.xlf").exists()


@pytest.mark.parametrize(
    ("name", "text", "pattern"),
    [
        (
            "broken.xlf",
            XLIFF12.replace("</source>\n          <target", "\n          <target", 1),
            r"broken\.xlf, line 12: is not well-formed XML \(mismatched tag, column 11\); "
            r"close the <source> opened at line 8",
        ),
        ("bomb.xlf", BILLION_LAUGHS, r"bomb\.xlf: declares an entity 'lol'"),
        (
            "xxe.xlf",
            '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<xliff version="1.2"><file source-language="de" target-language="en"><body>'
            '<trans-unit id="1"><source>&x;</source></trans-unit></body></file></xliff>',
            r"xxe\.xlf: declares an external entity 'x' \(file:///etc/passwd\)",
        ),
        ("empty.xlf", "  \n", r"empty\.xlf: is empty"),
        ("empty.tsv", "", r"empty\.tsv: is empty"),
        ("header.tsv", "source\ttarget\n", r"header\.tsv: has no rows"),
        (
            "nounits.xlf",
            '<xliff version="1.2"><file source-language="de"><body/></file></xliff>',
            r"has no trans-units",
        ),
        (
            "one.tmx",
            TMX.replace('xml:lang="en-GB"', 'xml:lang="de-AT"'),
            r"one\.tmx: has no 'en' text \(languages found: de-AT\)",
        ),
        ("cols.tsv", "id\tsource\n1\tEins\n", r"cols\.tsv: has no 'target' column"),
        ("short.tsv", "source\ttarget\nA\tB\nC\n", r"short\.tsv, row 2, line 3: has 1 fields"),
        (
            "null.jsonl",
            '{"source": "a", "target": "b"}\n{"source": "c", "target": null}\n',
            r"null\.jsonl, row 2, line 2: has a null 'target'",
        ),
        ("missing.jsonl", '{"source": "a"}\n', r"missing\.jsonl, row 1, line 1: has no 'target'"),
        (
            "reversed.xlf",
            XLIFF12.replace(
                'source-language="de-DE" target-language="en-US"', 'source-language="en" target-language="de"'
            ),
            r"is en→de, not de→en",
        ),
        ("notes.txt", "source\ttarget\n", r"notes\.txt: is not a bilingual file"),
    ],
)
def test_bad_input_is_refused_with_file_and_place(tmp_path: Path, name: str, text: str, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        read_units(_write(tmp_path, name, text))


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    dtd = _write(tmp_path, "evil.dtd", '<!ENTITY secret "from the DTD">')
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE xliff SYSTEM "{dtd.as_uri()}">'
        '<xliff version="1.2"><file source-language="de" target-language="en"><body>'
        '<trans-unit id="1"><source>&secret;</source><target>x</target></trans-unit></body></file></xliff>'
    )
    with pytest.raises(InputError, match=r"line 1.*undefined entity"):
        read_units(_write(tmp_path, "dtd.xlf", doc))
    plain = doc.replace("&secret;", "Text")
    (unit,) = read_units(_write(tmp_path, "dtd_ok.xlf", plain))
    assert unit.source == "Text"


XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r&<>\"'\u2028\x85"), max_size=40
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(XML_TEXT, XML_TEXT), min_size=1, max_size=4))
def test_any_text_survives_writing_and_reading(tmp_path_factory: pytest.TempPathFactory, pairs) -> None:
    tmp = tmp_path_factory.mktemp("any")
    units = units_from_pairs(pairs)
    for name, write in (
        ("p.xlf", lambda out: write_xliff(units, {}, out)),
        ("p.tmx", lambda out: write_tmx(units, out)),
        ("p.tsv", lambda out: write_tsv(units, out)),
    ):
        write(tmp / name)
        assert [(u.source, u.target) for u in read_units(tmp / name)] == pairs, name


def _xliff(units: list[tuple[str, str, str | None]]) -> str:
    """An XLIFF 1.2 file of (id, source markup, target markup or None) units."""
    body = "".join(
        f'<trans-unit id="{uid}"><source>{source}</source>'
        + (f"<target>{target}</target>" if target is not None else "")
        + "</trans-unit>\n"
        for uid, source, target in units
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        f'<file original="a" source-language="de-DE" target-language="en-US" datatype="plaintext"><body>\n{body}'
        "</body></file></xliff>\n"
    )


def _block_texts(path: Path, language: str) -> list[str]:
    """The text of each heading, paragraph and list item, as a CAT tool's Markdown filter makes its units."""
    from align.documents import load_document

    document = load_document(path, language)
    return [document.text[b.text_start : b.text_end] for b in document.blocks if b.text_end > b.text_start]


@pytest.mark.parametrize("stem", ["000_196887d79a86fdb7", "004_06f121a0a3444192"])
def test_sentences_of_a_block_level_xliff_of_a_seed_are_its_gold_beads(tmp_path: Path, stem: str) -> None:
    from xml.sax.saxutils import escape

    from align.cli import run
    from tests.conftest import SEEDS

    german, english = (_block_texts(SEEDS / side / f"{stem}.txt", side) for side in ("de", "en"))
    units = [(f"b{n}", escape(de), escape(en)) for n, (de, en) in enumerate(zip(german, english, strict=True), 1)]
    xliff = tmp_path / f"{stem}.xlf"
    xliff.write_text(_xliff(units), encoding="utf-8")
    beads = tmp_path / "beads"
    assert run(["sentences", str(xliff), "-o", str(beads)]) == 0
    assert beads.read_text(encoding="utf-8") == (SEEDS / "gold" / f"{stem}.beads").read_text(encoding="utf-8")


TAGGED = [
    (
        "p1",
        '<g id="1">Der Umsatz stieg 2023 um 5 %.</g> Der Gewinn fiel auf <x id="2"/>3,1 Mrd. Euro. '
        'Das war <g id="3">nicht erwartet. Niemand</g> hatte damit gerechnet.',
        '<g id="1">Sales rose by 5% in 2023.</g> Profit fell to <x id="2"/>EUR 3.1 billion. '
        'That was <g id="3">not expected. Nobody</g> had seen it coming.',
    ),
    ("p2", "Ein Satz ohne Übersetzung.", None),
    ("p3", "Die Firma hat 1.500 Mitarbeiter.", "The company has 1,500 employees."),
]


def _segs(path: Path) -> list[tuple[str, list[ET.Element]]]:
    import defusedxml.ElementTree as SafeET

    root = SafeET.parse(path).getroot()
    return [(tu.get("tuid"), [tuv.find("seg") for tuv in tu.iter("tuv")]) for tu in root.iter("tu")]


def _words(seg: ET.Element) -> str:
    """The segment's text without its inline codes."""
    return (seg.text or "") + "".join(child.tail or "" for child in seg)


def test_a_sentence_level_tmx_from_an_xliff_carries_its_inline_tags_as_tmx_codes(tmp_path: Path) -> None:
    from align.cli import run

    xliff, memory = tmp_path / "tagged.xlf", tmp_path / "sentences.tmx"
    xliff.write_text(_xliff(TAGGED), encoding="utf-8")
    assert run(["sentences", str(xliff), "--format", "tmx", "-o", str(memory)]) == 0
    segs = _segs(memory)
    assert [tuid for tuid, _ in segs] == ["p1.1", "p1.2", "p1.3", "p1.4", "p3.1"]  # p2 has no target
    assert [_words(de) for _, (de, _) in segs] == [
        "Der Umsatz stieg 2023 um 5 %.",
        "Der Gewinn fiel auf 3,1 Mrd. Euro.",
        "Das war nicht erwartet.",
        "Niemand hatte damit gerechnet.",
        "Die Firma hat 1.500 Mitarbeiter.",
    ]
    codes = [[(c.tag, c.get("i") or c.get("pos"), c.text) for c in de] for _, (de, _) in segs]
    assert codes[0] == [("bpt", "1", '<g id="1">'), ("ept", "1", "</g>")]  # start and end in one sentence
    assert codes[1] == [("ph", None, '<x id="2"/>')]
    assert codes[2] == [("it", "begin", '<g id="3">')]  # the sentence boundary cuts <g id="3"> in two
    assert codes[3] == [("it", "end", "</g>")]
    assert [[c.tag for c in en] for _, (_, en) in segs] == [[c.tag for c in de] for _, (de, _) in segs]
    # the figures and names survive: no finding, not even a warning about 'Sales' after an inline code
    assert run(["check", str(memory), "--fail-on", "warning"]) == 0


TMX_TAGGED = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" datatype="plaintext" segtype="paragraph"
 adminlang="en" srclang="de" o-tmf="x"/><body><tu tuid="7">
<tuv xml:lang="de"><seg><bpt i="1">&lt;b&gt;</bpt>Der Umsatz stieg.<ept i="1">&lt;/b&gt;</ept> Der <hi type="x">Gewinn
 fiel. Das war</hi> neu. Ende <bpt i="2">&lt;i&gt;</bpt>eins. Zwei<ept i="2">&lt;/i&gt;</ept><ph>&lt;br/&gt;</ph>.
</seg></tuv>
<tuv xml:lang="en"><seg><bpt i="1">&lt;b&gt;</bpt>Sales rose.<ept i="1">&lt;/b&gt;</ept> The <hi type="x">profit
 fell. That was</hi> new. End <bpt i="2">&lt;i&gt;</bpt>one. Two<ept i="2">&lt;/i&gt;</ept><ph>&lt;br/&gt;</ph>.
</seg></tuv>
</tu></body></tmx>
"""


def test_a_paragraph_tmx_split_into_sentences_keeps_tmx_codes_valid_in_each_segment(tmp_path: Path) -> None:
    from align.cli import run

    paragraphs, memory = tmp_path / "paragraphs.tmx", tmp_path / "sentences.tmx"
    paragraphs.write_text(TMX_TAGGED, encoding="utf-8")
    assert run(["sentences", str(paragraphs), "--format", "tmx", "-o", str(memory)]) == 0
    segs = _segs(memory)
    assert [tuid for tuid, _ in segs] == ["7.1", "7.2", "7.3", "7.4", "7.5"]
    codes = [[(c.tag, c.get("i") or c.get("pos"), c.text) for c in de] for _, (de, _) in segs]
    assert codes == [
        [("bpt", "1", "<b>"), ("ept", "1", "</b>")],  # a pair within one sentence stays as it was
        [],  # <hi> cut by the sentence boundary: dropped, its text kept
        [],
        [("it", "begin", "<i>")],  # <bpt i="2"> without its <ept> in this sentence: TMX's isolated tag
        [("it", "end", "</i>"), ("ph", None, "<br/>")],
    ]
    assert [_words(de).replace("\n", "") for _, (de, _) in segs][1:3] == ["Der Gewinn fiel.", "Das war neu."]


def test_sentences_of_a_bilingual_file_as_jsonl_tsv_and_refused_combinations(tmp_path: Path, capsys) -> None:
    import json

    from align.cli import run

    xliff = tmp_path / "tagged.xlf"
    xliff.write_text(_xliff(TAGGED), encoding="utf-8")
    assert run(["sentences", str(xliff), "--format", "jsonl", "-o", str(tmp_path / "s.jsonl")]) == 0
    records = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["unit"] for r in records] == ["p1", "p1", "p1", "p1", "p3"]
    assert records[0]["source_text"] == '<g id="1">Der Umsatz stieg 2023 um 5 %.</g>'
    assert run(["sentences", str(xliff), "--format", "tsv", "-o", str(tmp_path / "s.tsv")]) == 0
    rows = (tmp_path / "s.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[2].split("\t")[:2] == ['Das war <g id="3">nicht erwartet.', 'That was <g id="3">not expected.']
    capsys.readouterr()
    out = tmp_path / "never.txt"
    assert run(["sentences", str(xliff), str(xliff), "-o", str(out)]) == 2
    assert run(["sentences", str(xliff), "--presegmented", "-o", str(out)]) == 2
    assert run(["sentences", str(tmp_path / "s.tsv"), "--input-format", "xliff", "-o", str(out)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and "give SRC alone" in errors[0] and "--presegmented" in errors[1]
    assert "s.tsv" in errors[2]
    assert not out.exists()
