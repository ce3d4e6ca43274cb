"""`align check`: exit codes, the four report formats, pairs files, one-sentence-per-line files."""

from __future__ import annotations

import json

import defusedxml.ElementTree as ET
import pytest

from align.cli import run
from align.compare import compare_pair
from align.findings import at_or_above
from tests.conftest import SEEDS

PAIRS = [
    ("ok", "Die Aktie fiel um 2,45 Prozent auf 131,5 Hongkong-Dollar.", "The share fell 2.45 percent to HK$131.5."),
    ("bad", "Fast 50 % der Firmen zahlten 1.500 Euro.", "50% of companies paid 1.5 euros."),
]

# Where a figure check that understands locales must disagree with pofilter's digit-string comparison
# (and one Okapi expectation that is not about figures at all).
OUR_VERDICT = {
    ("R57.60", "R57,60"): "pass",  # correctly localized decimal comma
    ("1,000.00", "1 000,00"): "pass",  # correctly localized grouping and decimal
    ("width: 12em;", "width: 20em;"): "fail",  # 12 → 20 is a real mismatch
    ("123", "123"): "pass",  # Okapi's target-same-as-source option, not a number check
}


@pytest.fixture()
def pairs_tsv(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("source\ttarget\tid\n" + "".join(f"{s}\t{t}\t{i}\n" for i, s, t in PAIRS), encoding="utf-8")
    return path


def test_clean_pairs_exit_0_and_findings_exit_1(tmp_path, pairs_tsv, capsys):
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"source": PAIRS[0][1], "target": PAIRS[0][2]}) + "\n", encoding="utf-8")
    assert run(["check", "--pairs", str(clean)]) == 0
    assert run(["check", "--pairs", str(pairs_tsv)]) == 1
    out = capsys.readouterr().out
    assert "hedge lost: 'Fast 50 %' → '50%'" in out and "decimal misread: 1.500 Euro → 1.5 euros" in out
    assert "⟦1.500 Euro⟧" in out
    assert run(["check", "--pairs", str(pairs_tsv), "--fail-on", "never"]) == 0


def test_json_has_one_record_per_pair(pairs_tsv, tmp_path):
    out = tmp_path / "report.jsonl"
    assert run(["check", "--pairs", str(pairs_tsv), "--format", "json", "-o", str(out)]) == 1
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["failed"]) for r in records] == [("ok", False), ("bad", True)]
    assert {f["aspect"] for f in records[1]["findings"] if f["status"] == "changed"} == {"qualifier", "decimal"}


def test_junit_and_sarif(pairs_tsv, tmp_path):
    junit = tmp_path / "report.xml"
    assert run(["check", "--pairs", str(pairs_tsv), "--format", "junit", "-o", str(junit)]) == 1
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["ok", "bad"]
    assert cases[0].find("failure") is None and cases[1].find("failure") is not None
    sarif_path = tmp_path / "report.sarif"
    assert run(["check", "--pairs", str(pairs_tsv), "--format", "sarif", "-o", str(sarif_path)]) == 1
    sarif = json.loads(sarif_path.read_text())
    assert sarif["version"] == "2.1.0"
    levels = {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}
    assert levels["figure.changed"] == "error"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_presegmented_files(tmp_path):
    src, tgt = tmp_path / "de.txt", tmp_path / "en.txt"
    src.write_text("Der Umsatz stieg um 5 %.\nEr kam 2019.\n", encoding="utf-8")
    tgt.write_text("Revenue rose 5%.\nHe came in 2018.\n", encoding="utf-8")
    assert run(["check", str(src), str(tgt), "--presegmented", "--no-claims"]) == 1
    tgt.write_text("Revenue rose 5%.\nHe came in 2019.\n", encoding="utf-8")
    assert run(["check", str(src), str(tgt), "--presegmented", "--no-claims"]) == 0
    tgt.write_text("Revenue rose 5%.\n", encoding="utf-8")
    assert run(["check", str(src), str(tgt), "--presegmented"]) == 2


@pytest.mark.parametrize(
    ("content", "args"),
    [
        ("source\tsomething\nA\tB\n", []),
        ('{"source": 1}\n', []),
        ("", []),
    ],
)
def test_bad_input_exits_2(tmp_path, content, args, capsys):
    path = tmp_path / "pairs.tsv"
    path.write_text(content, encoding="utf-8")
    assert run(["check", "--pairs", str(path), *args]) == 2
    assert capsys.readouterr().err.startswith("align: error:")


def test_usage_errors_exit_2(tmp_path):
    assert run(["check"]) == 2
    assert run(["check", "--pairs", str(tmp_path / "missing.tsv")]) == 2
    assert run(["check", "--pairs", "x", "--severity", "nonsense"]) == 2


def number_cases(shared_data):
    folder = shared_data / "figures" / "number-check-cases"
    cases = []
    for case in json.loads((folder / "translate_toolkit_numbers_check.json").read_text()):
        language = case["targetlanguage"] or "en"
        cases.append((case["str1_original"], case["str2_translation"], language, case["expected"]))
    for case in json.loads((folder / "okapi_checkmate_number_cases.json").read_text()):
        cases.append((case["source"], case["target"], "en", case["expected"]))
    return cases


def test_number_check_cases_pass_localizations_and_fail_mismatches(shared_data):
    cases = number_cases(shared_data)
    assert len(cases) == 45
    for source, target, language, expected in cases:
        verdict = "fail" if at_or_above(compare_pair(source, target, language, "en", claims=False), "error") else "pass"
        assert verdict == OUR_VERDICT.get((source, target), expected), (source, target)


def test_several_pairs_files_as_pre_commit_passes_them(tmp_path, pairs_tsv, capsys):
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"source": "Er zahlte 5 Euro.", "target": "He paid 6 euros."}) + "\n", encoding="utf-8")
    assert run(["check", "--pairs", str(more), str(pairs_tsv), "--format", "sarif"]) == 1
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(capsys.readouterr().out)["runs"][0]["results"]
    }
    assert uris == {more.as_uri(), pairs_tsv.as_uri()}  # outside the working directory: absolute file URIs


def test_sarif_regions_point_at_the_figure_in_the_target_file(tmp_path, capsys):
    src, tgt = tmp_path / "de.txt", tmp_path / "en.txt"
    src.write_text("Der Umsatz stieg.\nEr lag bei 5 Mrd. Euro.\n", encoding="utf-8")
    tgt.write_text("Revenue rose.\nIt was €6 billion.\n", encoding="utf-8")
    assert run(["check", str(src), str(tgt), "--presegmented", "--no-claims", "--format", "sarif"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    line = tgt.read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "€6 billion"


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="de" target-language="en" datatype="plaintext" original="x">
    <body>
      <trans-unit id="u1"><source>Der Umsatz stieg um fast <g id="1">50 %</g>.</source>\
<target state="translated">Revenue rose by <g id="1">50%</g>.</target></trans-unit>
      <trans-unit id="u2"><source>Es kostet 1.500 Euro.</source><target>It costs €1,500.</target></trans-unit>
    </body>
  </file>
</xliff>
"""


def test_a_reviewed_xliff_is_checked_unit_by_unit_and_annotated(tmp_path):
    from align.bilingual import read_units
    from align.cli import run

    reviewed = tmp_path / "reviewed.xlf"
    reviewed.write_text(XLIFF, encoding="utf-8")
    assert run(["check", str(reviewed), "--format", "json", "-o", str(tmp_path / "r.json")]) == 1
    checked = tmp_path / "checked.xlf"
    assert run(["check", str(reviewed), "--format", "xliff", "-o", str(checked)]) == 1
    units = {u.id: u for u in read_units(checked)}
    assert units["u1"].notes == ("hedge lost: 'fast 50 %' → '50%'",)
    assert units["u2"].notes == ()
    assert units["u1"].state == "translated"
    assert run(["check", str(tmp_path / "r.json"), "--format", "xliff", "-o", str(tmp_path / "x.xlf")]) == 2


def test_input_format_names_a_bilingual_file_whatever_its_name(tmp_path, capsys):
    units = "".join(f'<trans-unit id="{i}"><source>{d}</source><target>{e}</target></trans-unit>' for i, d, e in PAIRS)
    exported = tmp_path / "review.sdlxliff.xml"  # CAT tools export XLIFF under many names
    exported.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
        f'source-language="de" target-language="en" datatype="plaintext"><body>{units}</body></file></xliff>',
        encoding="utf-8",
    )
    assert run(["check", str(exported), "--input-format", "xliff", "--format", "json"]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["failed"]) for r in records] == [("ok", False), ("bad", True)]
    noted = tmp_path / "noted.xlf"
    assert run(["check", str(exported), "--input-format", "xliff", "--format", "xliff", "-o", str(noted)]) == 1
    assert noted.read_text(encoding="utf-8").count('<note from="align">') >= 1


def test_sentences_build_a_translation_memory(tmp_path):
    from align.bilingual import read_units
    from align.cli import run

    memory = tmp_path / "seed.tmx"
    seeds = SEEDS
    name = "000_196887d79a86fdb7.txt"
    assert (
        run(["sentences", str(seeds / "de" / name), str(seeds / "en" / name), "--format", "tmx", "-o", str(memory)])
        == 0
    )
    units = read_units(memory)
    assert len(units) == 19
    assert units[0].source.startswith("Bisher nutzte Quark") and units[0].target.startswith("Until now, Quark")
