"""The reviewer's view: severity, the issue list and its exports, decisions kept between runs, bilingual files,
keys and deep links, and the layout at 420 and 1400 px, driven in Chromium through Playwright."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from align import __version__
from align.cli import run as cli
from align.documents import document_from_text
from align.fingerprints import read_decisions
from align.pipeline import check_units, compare_documents
from align.report import documents_report, render
from align.report.html import render_units_html
from align.report.issues import COLUMNS

DE = """# Quartalsbericht

Der Umsatz lag bei 3 Billionen Euro.

Fast 50 % der Kunden sind zufrieden.

Es gab keinen Verlust im dritten Quartal.

Die Kosten stiegen um 12 Prozent auf 4,5 Mio. Euro.

## Ausblick

Rund 1.500 Mitarbeiter arbeiten hier <script>window.__xss=1</script>.

„Wir wachsen um 5 % im Jahr“, sagte Anna Schmidt.
"""
EN = """# Quarterly report

Revenue was 3 billion euros.

50% of customers are satisfied.

There was a loss in the third quarter.

Costs rose by 12 percent to EUR 4.5 million.

## Outlook

About 1.5 employees work here <script>window.__xss=1</script>.

The company grows by 7% a year, said Anna.
"""
PAIRS = (
    "id\tsource\ttarget\n"
    "u1\tDer Umsatz stieg um 5 Prozent.\tRevenue rose by 7 percent.\n"
    "u2\tFast 50 % der Kunden sind zufrieden.\t50% of customers are satisfied.\n"
    "u3\tEs kamen 300 Gäste.\t300 guests came.\n"
)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review")
    (folder / "de.md").write_text(DE, encoding="utf-8")
    (folder / "en.md").write_text(EN, encoding="utf-8")
    (folder / "pairs.tsv").write_text(PAIRS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def result(files):
    source = document_from_text(DE, "de", "markdown", id="de")
    target = document_from_text(EN, "en", "markdown", id="en")
    return compare_documents(source, target, label="reference", encoder="length", words=False)


@pytest.fixture(scope="module")
def report_html(result, files):
    path = files / "report.html"
    path.write_text(result.html(), encoding="utf-8")
    return path


def _problem(result, kind, status):
    return next(n for n, f in enumerate(result.findings) if f.kind == kind and f.status == status)


# --- without a browser ---------------------------------------------------------------------------------------------


def test_the_fixture_has_errors_warnings_info_and_a_nested_mark(result):
    severities = {f.severity for f in result.findings if f.status != "preserved"}
    assert {"error", "warning", "info"} <= severities
    quote = result.findings[_problem(result, "quote", "dropped")]
    figure = next(f for f in result.findings if f.kind == "figure" and f.bead == quote.bead and f.status == "changed")
    assert quote.source.start <= figure.source.start < figure.source.end <= quote.source.end


def test_heading_says_what_was_compared_and_the_verdict(report_html, result):
    html = report_html.read_text(encoding="utf-8")
    assert "<h1>de → en" in html and "reference translation" in html
    assert "4 errors, 2 warnings, 1 info in 8 sentence pairs" in html
    assert "encoder <code>length</code>" in html and f"align {__version__}" in html
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", html)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script>window.__xss" not in html


def test_every_finding_carries_the_fingerprint_align_check_computes(result, report_html):
    html = report_html.read_text(encoding="utf-8")
    lines = render(documents_report(result), "json").splitlines()
    expected = [json.loads(line) for line in lines if line.strip()]
    fingerprints = [f["fingerprint"] for e in expected for f in e["findings"]]
    assert fingerprints
    for fingerprint in fingerprints:
        assert f'data-fp="{fingerprint}"' in html


def test_problems_is_the_issue_list(result):
    problems = result.problems()
    assert len(problems) == 7 and len(problems.rows) == 7
    first = problems.rows[0]
    assert first["severity"] == "error" and first["id"] == "bead 1" and first["line"] == 3
    assert first["source"] == "Der Umsatz lag bei ⟦3 Billionen Euro⟧."
    assert "<mark" in problems._repr_html_()
    frame = problems.to_dataframe()
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 7


def test_accepted_findings_are_muted_and_out_of_the_counts(result, files):
    report = documents_report(result)
    fingerprint = next(
        fp
        for item in report.items
        for f, fp in zip(item.findings, report.fingerprints(item), strict=True)
        if f.status == "changed" and "Billion" in f.message
    )
    accepted = result.with_decisions({fingerprint: "accepted"})
    html = accepted.html()
    assert "3 errors, 2 warnings, 1 info in 8 sentence pairs · 1 accepted" in html
    assert len(accepted.open_problems()) == len(result.open_problems()) - 1
    assert re.search(r'<mark class="[^"]*sev-error dec"', html)


def test_check_writes_the_issue_list_as_csv_and_xlsx(files, tmp_path, capsys):
    pairs = str(files / "pairs.tsv")
    assert cli(["check", pairs, "--format", "csv", "-o", str(tmp_path / "issues.csv")]) == 1
    rows = list(csv.DictReader(io.StringIO((tmp_path / "issues.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ["u1", "u2"]
    assert rows[0]["source"] == "Der Umsatz stieg um ⟦5 Prozent⟧." and rows[0]["severity"] == "error"
    assert cli(["check", pairs, "--format", "xlsx"]) == 2
    assert "-o FILE" in capsys.readouterr().err
    openpyxl = pytest.importorskip("openpyxl")
    assert cli(["check", pairs, "--format", "xlsx", "-o", str(tmp_path / "issues.xlsx")]) == 1
    sheet = openpyxl.load_workbook(tmp_path / "issues.xlsx").active
    values = list(sheet.values)
    assert values[0] == COLUMNS and [v[4] for v in values[1:]] == ["u1", "u2"]


def test_report_of_a_bilingual_file_shows_every_unit(files, tmp_path):
    out = tmp_path / "units.html"
    assert cli(["report", str(files / "pairs.tsv"), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    for unit in ("u1", "u2", "u3"):
        assert f">{unit}</a>" in html
    assert "2 errors in 3 units" in html
    checked = check_units(str(files / "pairs.tsv"))
    assert render_units_html(checked).count('<section class="bead') == 3


def test_report_and_run_read_accepted_findings(files, tmp_path):
    lines = render(documents_report(_cli_result(files)), "json").splitlines()
    first = next(f for line in lines for f in json.loads(line)["findings"])
    accepted = tmp_path / "accepted.json"
    accepted.write_text(
        json.dumps(
            {
                "align": "accepted-findings",
                "version": 1,
                "findings": [{"fingerprint": first["fingerprint"], "decision": "accepted"}],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    args = [str(files / "de.md"), str(files / "en.md"), "--encoder", "length", "--no-words"]
    assert cli(["report", *args, "--accepted", str(accepted), "-o", str(out)]) == 0
    assert "· 1 accepted" in out.read_text(encoding="utf-8")
    run_dir = tmp_path / "run"
    code = cli(["run", str(files / "de.md"), "--reference", str(files / "en.md"), "--encoder", "length",
                "--no-words", "--accepted", str(accepted), "-o", str(run_dir)])  # fmt: skip
    assert code == 0
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["pairs"]["reference"]["accepted"] == 1
    assert "· 1 accepted" in (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<h1>de.md → en.md" in (run_dir / "report.html").read_text(encoding="utf-8")


def _cli_result(files):
    from align.pipeline import check

    return check(files / "de.md", files / "en.md", encoder="length", words=False)


# --- in Chromium ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (test extra)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(path: Path, width: int = 1400, hash: str = ""):
        context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.errors, page.requests = [], []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: page.requests.append(r.url))
        page.goto(path.as_uri() + hash)
        return page

    yield open_
    for context in contexts:
        context.close()


def _active(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('data-f') || document.activeElement.id")


def test_marks_are_coloured_by_severity(open_page, report_html, result):
    page = open_page(report_html)
    scale = page.locator(f'main .src mark[data-f="f{_problem(result, "figure", "changed")}"]')
    negation = page.locator(f'main .src mark[data-f="f{_problem(result, "negation", "dropped")}"]')
    red = scale.evaluate("m => getComputedStyle(m).borderBottomColor")
    amber = negation.evaluate("m => getComputedStyle(m).borderBottomColor")
    assert red == "rgb(198, 40, 40)" and amber == "rgb(154, 103, 0)"
    assert page.errors == [] and [u for u in page.requests if not u.startswith("file:")] == []


def test_issue_list_filters_by_severity_and_kind_and_sorts(open_page, report_html):
    page = open_page(report_html)
    rows = page.locator("#issues tbody tr")
    assert rows.count() == 7 and page.locator("#issue-count").inner_text() == "7"
    page.locator("#sev-error").uncheck()
    assert page.locator("#issues tbody tr:visible").count() == 3
    page.locator("#kind-filter").select_option("name")
    assert page.locator("#issues tbody tr:visible").count() == 1
    page.locator("#kind-filter").select_option("")
    page.locator("#sev-error").check()
    page.locator('#issues th button[data-sort="severity"]').click()
    severities = page.locator("#issues tbody tr td:first-child").all_inner_texts()
    assert [s.lower() for s in severities] == ["error"] * 4 + ["warning"] * 2 + ["info"]
    page.locator('#issues th button[data-sort="severity"]').click()
    assert page.locator("#issues tbody tr td:first-child").first.inner_text().lower() == "info"
    link = page.locator("#issues tbody tr a").first
    href = link.get_attribute("href")
    link.click()
    assert page.url.endswith(href)


def test_keys_step_through_problems_once_each_including_nested(open_page, report_html, result):
    page = open_page(report_html)
    problems = [n for n, f in enumerate(result.findings) if f.status != "preserved"]
    page.locator("#only-problems").check()
    seen = []
    for _ in problems:
        page.keyboard.press("n")
        seen.append(_active(page))
    assert seen == [f"f{n}" for n in problems], "each problem once, nested ones too, in document order"
    page.keyboard.press("p")
    assert _active(page) == f"f{problems[-2]}"
    assert re.search(r"#bead-\d+$", page.url)
    highlighted = page.locator("main mark.hl").evaluate_all("ms => ms.map(m => m.getAttribute('data-f'))")
    assert set(highlighted) == {f"f{problems[-2]}"}


def test_severity_filter_limits_only_problems_and_keys(open_page, report_html, result):
    page = open_page(report_html)
    page.locator("#only-problems").check()
    page.locator("#sev-error").uncheck()
    page.locator("#sev-info").uncheck()
    visible = page.locator("main .bead:visible").count()
    assert visible == len({f.bead for f in result.findings if f.severity == "warning" and f.status != "preserved"})
    page.keyboard.press("n")
    assert result.findings[int(_active(page)[1:])].severity == "warning"


def test_word_links_open_by_click_and_enter(open_page, tmp_path_factory):
    source = document_from_text("Es kamen 300 Gäste.\n\nDer Umsatz stieg.\n", "de", "text", id="de")
    target = document_from_text("300 guests came.\n\nRevenue rose.\n", "en", "text", id="en")
    path = tmp_path_factory.mktemp("links") / "links.html"
    path.write_text(compare_documents(source, target, encoder="length").html(), encoding="utf-8")
    page = open_page(path)
    summary = page.locator("details.links summary").first
    summary.click()
    assert page.locator("details.links").first.evaluate("d => d.open")
    summary.press("Enter")
    assert not page.locator("details.links").first.evaluate("d => d.open")
    summary.press("Enter")
    assert page.locator("details.links").first.evaluate("d => d.open")


def test_deep_link_lands_below_the_sticky_header(open_page, report_html):
    page = open_page(report_html, hash="#bead-6")
    page.wait_for_timeout(100)
    sticky = page.locator("#sticky").bounding_box()
    bead = page.locator("#bead-6").bounding_box()
    assert bead["y"] >= sticky["y"] + sticky["height"] - 1
    assert bead["y"] < 900


def test_hover_message_shows_in_the_viewport(open_page, report_html, result):
    page = open_page(report_html)
    mark = page.locator(f'main .tgt mark[data-f="f{_problem(result, "figure", "changed")}"]')
    mark.scroll_into_view_if_needed()
    mark.hover()
    status = page.locator("#status")
    assert "scale" in status.inner_text()
    box = status.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900


def test_exports_download_csv_xlsx_and_decisions(open_page, report_html, result, tmp_path):
    page = open_page(report_html)
    with page.expect_download() as info:
        page.locator("#export-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7 and tuple(rows[0]) == COLUMNS
    assert rows[0]["source"] == "Der Umsatz lag bei ⟦3 Billionen Euro⟧."
    openpyxl = pytest.importorskip("openpyxl")
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    assert info.value.suggested_filename == "align-issues.xlsx"
    info.value.save_as(tmp_path / "issues.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "issues.xlsx").active
    values = list(sheet.values)
    assert values[0] == COLUMNS and len(values) == 8 and values[1][6] == 3

    page.locator("#issues tbody tr").nth(1).locator("select.decision").select_option("accepted")
    page.locator("#issues tbody tr").nth(3).locator("select.decision").select_option("false positive")
    assert page.locator("#verdict").inner_text() == "2 errors, 2 warnings, 1 info in 8 sentence pairs · 2 accepted"
    hedge = page.locator("#issues tbody tr").nth(1).get_attribute("data-f")
    assert "dec" in page.locator(f'main mark[data-f="{hedge}"]').first.get_attribute("class")
    with page.expect_download() as info:
        page.locator("#export-decisions").click()
    saved = tmp_path / "accepted-findings.json"
    info.value.save_as(saved)
    decisions = read_decisions(saved)
    assert sorted(d.decision for d in decisions.values()) == ["accepted", "false positive"]
    report = documents_report(result)
    fingerprints = {fp for item in report.items for fp in report.fingerprints(item)}
    assert set(decisions) <= fingerprints, "the page's fingerprints are align.fingerprints'"

    again = tmp_path / "again.html"
    again.write_text(result.with_decisions(saved).html(), encoding="utf-8")
    page = open_page(again)
    assert page.locator("#verdict").inner_text().endswith("· 2 accepted")
    assert page.locator("#issues tbody tr.dec").count() == 2
    page.locator("#show-decided").uncheck()
    assert page.locator("#issues tbody tr:visible").count() == 5


@pytest.mark.parametrize("width", [420, 1400])
def test_layout_at_420_and_1400(open_page, report_html, width, tmp_path_factory):
    page = open_page(report_html, width=width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    counts = page.locator("table.counts")
    assert counts.evaluate("t => t.scrollWidth <= t.clientWidth + 1 && t.getBoundingClientRect().right <= innerWidth")
    if width == 420:
        label = page.locator("#bead-1 .src").evaluate("e => getComputedStyle(e, '::before').content")
        assert label == '"de"'
        assert page.locator("#bead-1 .tgt").evaluate("e => getComputedStyle(e, '::before').content") == '"en"'
    else:
        assert page.locator(".grid-head").is_visible()
    chart = page.locator("figure.survival")
    assert "100 %" in chart.inner_text() and "preserved" in chart.inner_text()
    assert "Quartalsbericht" in chart.inner_text() and "Ausblick" in chart.inner_text()
    assert page.locator("details.frontmatter").count() == 0 or not page.locator("details.frontmatter").evaluate(
        "d => d.open"
    )
    first_view = page.locator("#issues tbody tr").first.bounding_box()
    assert first_view["y"] < 900, "the issue list is in the first view"
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"report-{width}.png"), full_page=True)
    assert page.errors == []


def test_bilingual_report_in_the_browser(open_page, files, tmp_path):
    out = tmp_path / "units.html"
    assert cli(["report", str(files / "pairs.tsv"), "-o", str(out)]) == 0
    page = open_page(out)
    assert page.locator("main .bead").count() == 3
    page.keyboard.press("n")
    assert page.url.endswith("#bead-0")
    assert page.errors == []
