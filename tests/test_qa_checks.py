"""The standard QA checks (`align.qa`): empty and untranslated targets, inline tags, terminology against a
glossary and inconsistent translations, in bilingual files, pairs and documents, with their severities."""

from __future__ import annotations

import json

import pytest

from align.beads import Bead
from align.cli import run
from align.compare import compare_beads, compare_pair
from align.errors import InputError
from align.findings import DEFAULT_SEVERITY
from align.pipeline import check, check_units
from align.qa import Glossary, Term, load_glossary
from tests.conftest import SEEDS

QA_KINDS = {"empty", "untranslated", "tag", "term", "inconsistency"}


def qa(findings):
    return [(f.kind, f.status) for f in findings if f.kind in QA_KINDS]


def unit_findings(path, **options):
    return {c.unit.id: [f for f in c.findings if f.kind in QA_KINDS] for c in check_units(str(path), **options)}


def tsv(tmp_path, rows, name="pairs.tsv"):
    path = tmp_path / name
    path.write_text("id\tsource\ttarget\n" + "".join(f"{i}\t{s}\t{t}\n" for i, s, t in rows), encoding="utf-8")
    return path


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="de" target-language="en" datatype="plaintext" original="x">
  <body>
{units}
  </body>
 </file>
</xliff>
"""


def xliff(tmp_path, units, name="file.xlf"):
    body = "\n".join(
        f'   <trans-unit id="{i}"><source>{s}</source><target>{t}</target></trans-unit>' for i, s, t in units
    )
    path = tmp_path / name
    path.write_text(XLIFF.format(units=body), encoding="utf-8")
    return path


def test_default_severities_follow_xbench_and_verifika():
    assert {k: v for k, v in DEFAULT_SEVERITY.items() if k.split(".")[0] in QA_KINDS} == {
        "empty.dropped": "error",
        "untranslated.dropped": "warning",
        "tag.dropped": "error",
        "tag.added": "error",
        "tag.changed": "warning",
        "term.changed": "warning",
        "inconsistency.changed": "warning",
    }


# --- empty and untranslated ------------------------------------------------------------------------------------


def test_empty_target_is_an_error_and_only_that(tmp_path):
    path = tsv(tmp_path, [("e", "Der Umsatz stieg um 5 %.", ""), ("t", "* * *", " ")])
    found = unit_findings(path)
    (empty,) = found["e"]
    assert (empty.kind, empty.status, empty.severity) == ("empty", "dropped", "error")
    assert "empty target" in empty.message
    assert found["t"] == []  # a source without letters or digits needs no translation
    assert qa(compare_pair("Der Umsatz stieg.", "")) == [("empty", "dropped")]


def test_untranslated_target_same_as_source_or_in_german(tmp_path):
    path = tsv(
        tmp_path,
        [
            ("same", "Der Umsatz stieg deutlich.", "Der Umsatz stieg deutlich."),
            ("figures", "Der Umsatz stieg um 5,5 %.", "Der Umsatz stieg um 5.5 %."),  # figures aside: the same
            ("german", "Die Firma meldete einen Gewinn.", "Das Unternehmen meldete einen hohen Gewinn."),
            ("ok", "Die Firma meldete einen Verlust.", "The company reported a loss."),
        ],
    )
    found = unit_findings(path)
    assert [(f.kind, f.status, f.severity, f.aspect) for f in found["same"]] == [
        ("untranslated", "dropped", "warning", "same")
    ]
    assert [f.aspect for f in found["figures"]] == ["same"]
    assert [f.aspect for f in found["german"]] == ["language"]
    assert found["ok"] == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Deutsche Bank AG", "Deutsche Bank AG"),  # names
        ("Paris", "Paris"),
        ("Offenbach", "Offenbach"),
        ("123", "123"),  # figures only
        ("2,5 Mio. EUR", "2,5 Mio. EUR"),
        ("https://example.com/de/preise", "https://example.com/de/preise"),  # a URL
        ("info@example.de", "info@example.de"),
        ("config_file.json", "config_file.json"),  # code
        ("{0} / %s", "{0} / %s"),
        ("So lala", "So lala"),  # not German enough to tell
        ("Video Board CMOS RAM", "Video Board CMOS RAM"),
        ("Made in Germany", "Made in Germany"),  # English in the source already
        ("Die Aktie fiel um 2,45 Prozent.", "The share fell 2.45 percent."),
    ],
)
def test_no_untranslated_alarm_on_names_figures_urls_code(source, target):
    assert qa(compare_pair(source, target)) == []


def test_untranslated_is_not_checked_between_two_texts_of_one_language():
    assert qa(compare_pair("Revenue rose sharply.", "Revenue rose sharply.", "en", "en")) == []


# --- inline tags -----------------------------------------------------------------------------------------------


def test_tags_missing_added_and_reordered_in_xliff(tmp_path):
    path = xliff(
        tmp_path,
        [
            ("ok", 'Der <g id="1">Umsatz</g> stieg.<x id="2"/>', 'The <g id="1">revenue</g> rose.<x id="2"/>'),
            ("missing", 'Der <g id="1">Umsatz</g> stieg.<x id="2"/>', 'The <g id="1">revenue</g> rose.'),
            ("added", "Der Umsatz stieg.", 'The revenue rose.<x id="9"/>'),
            (
                "order",
                'Der <g id="1">Umsatz</g> und der <g id="2">Gewinn</g> stiegen.',
                'The <g id="2">profit</g> and the <g id="1">revenue</g> rose.',
            ),
            (
                "nesting",
                'Der <g id="1">Umsatz <g id="2">stieg</g></g>.',
                'The <g id="1">revenue</g> <g id="2">rose</g>.',
            ),
        ],
    )
    found = unit_findings(path)
    assert found["ok"] == []
    (missing,) = found["missing"]
    assert (missing.kind, missing.status, missing.severity) == ("tag", "dropped", "error")
    assert '<x id="2"/>' in missing.message and missing.source is not None and missing.target is None
    (added,) = found["added"]
    assert (added.kind, added.status, added.severity) == ("tag", "added", "error")
    assert '<x id="9"/>' in added.message
    (order,) = found["order"]
    assert (order.kind, order.status, order.aspect, order.severity) == ("tag", "changed", "order", "warning")
    assert [(f.kind, f.status, f.aspect) for f in found["nesting"]] == [("tag", "changed", "order")]


def test_standalone_tags_may_move_with_the_words(tmp_path):
    path = xliff(
        tmp_path, [("x", 'Klicken Sie <x id="1"/> und dann <x id="2"/>.', 'Click <x id="2"/> after <x id="1"/>.')]
    )
    assert unit_findings(path)["x"] == []


def test_tags_in_tmx(tmp_path):
    path = tmp_path / "memory.tmx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="de" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="t" creationtoolversion="1" o-tmf="t"/><body>
<tu tuid="1"><tuv xml:lang="de"><seg>Der <bpt i="1">&lt;b&gt;</bpt>Umsatz<ept i="1">&lt;/b&gt;</ept> stieg.</seg></tuv>
<tuv xml:lang="en"><seg>Revenue rose.</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="de"><seg>Der <hi>Gewinn</hi> stieg.</seg></tuv>
<tuv xml:lang="en"><seg>The <hi>profit</hi> rose.</seg></tuv></tu>
</body></tmx>
""",
        encoding="utf-8",
    )
    found = unit_findings(path)
    assert [(f.kind, f.status) for f in found["1"]] == [("tag", "dropped"), ("tag", "dropped")]
    assert found["2"] == []


# --- terminology -----------------------------------------------------------------------------------------------

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc>
</martifHeader><text><body>
<termEntry id="t1">
 <langSet xml:lang="de-DE"><tig><term>Umsatz</term></tig></langSet>
 <langSet xml:lang="en-US"><tig><term>revenue</term></tig>
  <tig><term>turnover</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
</termEntry>
<termEntry id="t2">
 <langSet xml:lang="de"><tig><term>erneuerbare Energie</term></tig></langSet>
 <langSet xml:lang="en"><tig><term>renewable energy</term></tig></langSet>
</termEntry>
</body></text></martif>
"""


@pytest.fixture(params=["tbx", "csv", "tsv"])
def glossary_file(request, tmp_path):
    if request.param == "tbx":
        path = tmp_path / "terms.tbx"
        path.write_text(TBX, encoding="utf-8")
    elif request.param == "csv":
        path = tmp_path / "terms.csv"
        path.write_text("source,target\nUmsatz,revenue\nerneuerbare Energie,renewable energy\n", encoding="utf-8")
    else:
        path = tmp_path / "terms.tsv"
        path.write_text("source\ttarget\nUmsatz\trevenue\nerneuerbare Energie\trenewable energy\n", encoding="utf-8")
    return path


def test_glossary_files_read_alike(glossary_file):
    glossary = load_glossary(str(glossary_file))
    assert [(t.source, t.targets) for t in glossary.terms] == [
        ("Umsatz", ("revenue",)),  # the deprecated 'turnover' is no approved translation
        ("erneuerbare Energie", ("renewable energy",)),
    ]


@pytest.mark.parametrize(
    ("source", "target", "flagged"),
    [
        ("Der Umsatz stieg.", "Revenue rose.", False),
        ("Die Umsätze stiegen.", "Sales rose.", False),  # an umlaut plural is another word: no match, no finding
        ("Des Umsatzes wegen.", "Because of the revenues.", False),  # inflected source, plural target
        ("Der Umsatz stieg.", "Turnover rose.", True),
        ("Die UMSÄTZE und der umsatz.", "Sales.", True),  # case-insensitive
        ("Die Umsatzsteuer stieg.", "VAT rose.", False),  # a longer compound is another word
        ("Mehr erneuerbaren Energien.", "More renewable energies.", False),
        ("Mehr erneuerbaren Energien.", "More green power.", True),
    ],
)
def test_terminology(source, target, flagged):
    glossary = Glossary([Term("Umsatz", ("revenue",)), Term("erneuerbare Energie", ("renewable energy",))])
    found = [f for f in compare_pair(source, target, glossary=glossary) if f.kind == "term"]
    assert bool(found) == flagged
    for f in found:
        assert (f.status, f.severity) == ("changed", "warning") and "should be" in f.message
        assert source[f.source.start : f.source.end] == f.source.text


def test_glossary_errors(tmp_path):
    bad = tmp_path / "terms.csv"
    bad.write_text("de;en\nUmsatz;revenue\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'source' column"):
        load_glossary(str(bad))
    other = tmp_path / "terms.tbx"
    other.write_text(TBX.replace('"en-US"', '"fr"').replace('xml:lang="en"', 'xml:lang="fr"'), encoding="utf-8")
    with pytest.raises(InputError, match="no de term with a en translation"):
        load_glossary(str(other))
    assert run(["check", "--pairs", str(tsv(tmp_path, [("1", "a", "b")])), "--glossary", str(bad)]) == 2


def test_glossary_on_the_command_line(tmp_path, glossary_file, capsys):
    path = tsv(tmp_path, [("1", "Der Umsatz stieg um 5 %.", "Turnover rose by 5%."), ("2", "Umsatz: 7", "Revenue: 7")])
    assert run(["check", "--pairs", str(path), "--glossary", str(glossary_file)]) == 0  # a warning
    assert "term: 'Umsatz' (Umsatz) should be 'revenue'" in capsys.readouterr().out
    assert run(["check", "--pairs", str(path), "--glossary", str(glossary_file), "--fail-on", "warning"]) == 1
    assert (
        run(["check", "--pairs", str(path), "--glossary", str(glossary_file), "--severity", "term.changed=error"]) == 1
    )


# --- inconsistency ---------------------------------------------------------------------------------------------


def test_inconsistency_within_a_file(tmp_path):
    path = tsv(
        tmp_path,
        [
            ("1", "Der Umsatz stieg.", "Revenue rose."),
            ("2", "Der Umsatz  stieg.", "revenue rose."),  # whitespace and case: the same
            ("3", "Der Umsatz stieg.", "Sales rose."),
            ("4", "Die Erlöse stiegen.", "Revenue rose."),
            ("5", "OK", "OK"),
            ("6", "Gut", "OK"),  # 'OK' stands for 'OK' in unit 5 as often: the first is the usual one
        ],
    )
    found = unit_findings(path)
    assert found["1"] == found["2"] == []
    (changed,) = found["3"]
    assert (changed.kind, changed.status, changed.aspect, changed.severity) == (
        "inconsistency",
        "changed",
        "translation",
        "warning",
    )
    assert "'Revenue rose.' in unit 1" in changed.message
    (source,) = found["4"]
    assert source.aspect == "source" and "'Der Umsatz stieg.' in unit 1" in source.message
    assert found["5"] == []
    assert [f.aspect for f in found["6"]] == ["source"]


def test_inconsistency_across_the_files_of_one_run(tmp_path):
    first = xliff(tmp_path, [("a", "Der Umsatz stieg.", "Revenue rose.")], "first.xlf")
    second = xliff(tmp_path, [("b", "Der Umsatz stieg.", "Sales went up.")], "second.xlf")
    checked = check_units([str(first), str(second)])
    found = {c.unit.id: qa(c.findings) for c in checked}
    assert found == {"a": [], "b": [("inconsistency", "changed")]}
    (finding,) = [f for f in checked[1].findings if f.kind == "inconsistency"]
    assert f"{first} unit a" in finding.message


def test_severity_overrides_and_reports(tmp_path, capsys):
    path = tsv(
        tmp_path, [("1", "Der Umsatz stieg deutlich.", "Der Umsatz stieg deutlich."), ("2", "Er kam.", "He came.")]
    )
    assert run(["check", "--pairs", str(path)]) == 0  # untranslated is a warning
    assert run(["check", "--pairs", str(path), "--severity", "untranslated.dropped=error"]) == 1
    out = tmp_path / "report.sarif"
    assert run(["check", "--pairs", str(path), "--format", "sarif", "-o", str(out)]) == 0
    sarif = json.loads(out.read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"untranslated.dropped"}
    empty = tsv(tmp_path, [("1", "Der Umsatz stieg.", "")], "empty.tsv")
    assert run(["check", "--pairs", str(empty)]) == 1
    assert run(["check", "--pairs", str(empty), "--severity", "empty.dropped=info"]) == 0
    junit = tmp_path / "report.xml"
    assert run(["check", "--pairs", str(empty), "--format", "junit", "-o", str(junit)]) == 1
    assert 'type="empty.dropped"' in junit.read_text()
    capsys.readouterr()


def test_xliff_notes_carry_qa_findings(tmp_path):
    path = xliff(tmp_path, [("1", 'Der Umsatz stieg.<x id="1"/>', "Revenue rose.")])
    out = tmp_path / "checked.xlf"
    assert run(["check", str(path), "--format", "xliff", "-o", str(out)]) == 1
    assert "tag missing in the target" in out.read_text()


# --- documents -------------------------------------------------------------------------------------------------


def test_documents_untranslated_sentence_terms_and_inconsistency_across_beads():
    src = ["Der Umsatz stieg.", "Die Firma wuchs stark.", "Der Umsatz stieg.", "Es regnete den ganzen Tag."]
    tgt = ["Revenue rose.", "Die Firma wuchs stark.", "Sales rose.", "It rained all day."]
    beads = [Bead((i,), (i,), 1.0) for i in range(4)]
    glossary = Glossary([Term("Umsatz", ("revenue",))])
    found = [f for f in compare_beads(src, tgt, beads, glossary=glossary) if f.kind in QA_KINDS]
    assert [(f.bead, f.kind, f.status, f.aspect) for f in found] == [
        (1, "untranslated", "dropped", "same"),
        (2, "term", "changed", ""),
        (2, "inconsistency", "changed", "translation"),
    ]
    assert "in bead 0" in found[2].message


def test_documents_glossary_on_the_command_line(tmp_path, capsys):
    de, en, terms = tmp_path / "de.txt", tmp_path / "en.txt", tmp_path / "terms.csv"
    de.write_text("Der Umsatz stieg um 5 %.\nDer Gewinn fiel.\n", encoding="utf-8")
    en.write_text("Turnover rose by 5%.\nProfit fell.\n", encoding="utf-8")
    terms.write_text("source,target\nUmsatz,revenue\n", encoding="utf-8")
    args = ["check", str(de), str(en), "--presegmented", "--no-words", "--glossary", str(terms), "--fail-on", "warning"]
    assert run(args) == 1
    assert "term: 'Umsatz' (Umsatz) should be 'revenue'" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["000_196887d79a86fdb7", "004_06f121a0a3444192"])
def test_no_qa_finding_on_the_seed_translations(name):
    result = check(
        SEEDS / "de" / f"{name}.txt",
        SEEDS / "en" / f"{name}.txt",
        beads_path=str(SEEDS / "gold" / f"{name}.beads"),
        words=False,
    )
    assert qa(result.findings) == []
