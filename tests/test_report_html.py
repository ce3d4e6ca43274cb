"""The side-by-side HTML report, as a reviewer sees it: self-contained, complete, safe, interactive."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from align.documents import document_from_text, load_document
from align.pipeline import compare_documents
from tests.conftest import ROOT, SEEDS

ARTIFACTS = Path(os.environ.get("ALIGN_TEST_ARTIFACTS", ROOT / "out" / "test-artifacts"))
SEED = "004_06f121a0a3444192.txt"
HOSTILE_DE = (
    "# Titel <script>alert(1)</script>\n\n"
    'Der Umsatz stieg um 5 Prozent <img src=x onerror="window.__xss=1">. '
    "Siehe [hier](javascript:window.__xss=2) und [Bild](data:text/html,<script>window.__xss=3</script>).\n"
)
HOSTILE_EN = (
    "# Title <script>alert(1)</script>\n\n"
    'Revenue rose by 7 percent <img src=x onerror="window.__xss=1">. '
    "See [here](javascript:window.__xss=2) and [image](data:text/html,<script>window.__xss=3</script>).\n"
)


@pytest.fixture(scope="module")
def seed_result():
    source = load_document(SEEDS / "de" / SEED, language="de")
    target = load_document(SEEDS / "en" / SEED, language="en")
    return compare_documents(source, target, label="reference")


@pytest.fixture(scope="module")
def seed_html(seed_result, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(seed_result.html(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory):
    source = document_from_text(HOSTILE_DE, "de", "markdown", id="hostile")
    target = document_from_text(HOSTILE_EN, "en", "markdown", id="hostile")
    path = tmp_path_factory.mktemp("hostile") / "report.html"
    path.write_text(compare_documents(source, target, encoder="length", words=False).html(), encoding="utf-8")
    return path


def test_report_is_self_contained_and_small(seed_html):
    html = seed_html.read_text(encoding="utf-8")
    assert len(html.encode()) < 2_000_000
    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=", html), "no external resources"
    assert "default-src 'none'" in html


def test_every_finding_and_bead_is_in_the_report(seed_result, seed_html):
    html = seed_html.read_text(encoding="utf-8")
    for number in range(len(seed_result.findings)):
        assert f'id="f{number}"' in html
    for number in range(len(seed_result.beads)):
        assert f'id="bead-{number}"' in html
    assert "Tsai über KI und die Alibaba-Strategie" in html and "Tsai on AI and Alibaba&#39;s Strategy" in html
    assert ">translated</th>" in html, "front matter is shown as a table"
    assert html.count("word links (") >= len(seed_result.beads) - 1


def test_figures_are_marked_in_both_columns(seed_result, seed_html):
    html = seed_html.read_text(encoding="utf-8")
    preserved = [n for n, f in enumerate(seed_result.findings) if f.kind == "figure" and f.status == "preserved"]
    assert len(preserved) >= 30
    for number in preserved:
        assert html.count(f'data-f="f{number}" tabindex') == 2, f"finding {number} is marked on both sides"


def test_markup_in_documents_is_shown_as_text(hostile_html):
    html = hostile_html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html


def _browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (test extra)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); make test installs it as root")
    return playwright, executable


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page_of(tmp_path_factory):
    playwright, executable = _browser()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        pages = []

        def open_page(path: Path, width: int = 1280):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.errors, page.requests, page.dialogs = [], [], []
            page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("request", lambda r: page.requests.append(r.url))
            page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            pages.append(page)
            return page

        yield open_page
        browser.close()


def test_browser_loads_without_errors_or_network(page_of, seed_html, seed_result):
    page = page_of(seed_html)
    assert page.errors == []
    assert [u for u in page.requests if not u.startswith("file:")] == []
    assert page.locator("ul.findings li").count() == len(seed_result.findings)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-1280.png"))


def test_clicking_a_figure_highlights_its_counterpart(page_of, seed_html):
    page = page_of(seed_html)
    mark = page.locator("main .src mark.k-figure").nth(3)
    finding = mark.get_attribute("data-f")
    mark.click()
    highlighted = page.locator(f'mark[data-f="{finding}"].hl')
    assert highlighted.count() == 2
    assert page.locator(".tgt").locator(f'mark[data-f="{finding}"].hl').count() == 1
    assert "preserved" in page.locator("#status").inner_text()


def test_filter_hides_preserved_items(page_of, seed_html, seed_result):
    page = page_of(seed_html)
    preserved = page.locator("ul.findings li.st-preserved").first
    assert preserved.is_visible()
    page.locator("#only-problems").check()
    assert not preserved.is_visible()
    problems = [f for f in seed_result.findings if f.status != "preserved"]
    visible = page.locator("ul.findings li:visible").count()
    assert visible == len(problems)


def test_keyboard_moves_between_problems(page_of, seed_html, seed_result):
    if not seed_result.problems():
        pytest.skip("no problems to navigate on the seed")
    page = page_of(seed_html)
    page.keyboard.press("n")
    focused = page.evaluate("document.activeElement.className")
    assert "st-" in focused and "st-preserved" not in focused
    assert re.search(r"#bead-\d+$", page.url)


def test_narrow_window_stacks_columns(page_of, seed_html):
    page = page_of(seed_html, width=420)
    bead = page.locator("#bead-3")
    src_box, tgt_box = bead.locator(".src").bounding_box(), bead.locator(".tgt").bounding_box()
    assert tgt_box["y"] >= src_box["y"] + src_box["height"] - 1
    page.screenshot(path=str(ARTIFACTS / "report-420.png"))


def test_no_script_from_a_document_runs(page_of, hostile_html):
    page = page_of(hostile_html)
    assert page.evaluate("window.__xss === undefined")
    assert page.dialogs == []
    for link in page.locator("main a").all():
        assert link.get_attribute("href").startswith("#bead-")
    shown = page.locator("main").inner_text()
    assert "<script>alert(1" in shown and "<img src=x onerror=" in shown


def test_narrow_window_has_no_horizontal_overflow(page_of, seed_html):
    page = page_of(seed_html, width=420)
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
