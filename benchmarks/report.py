"""HTML report size and browser render time: 1,000 beads vs. the seed report, side by side.

Builds a 1,000-bead document pair by repeating the seed paragraphs (German source, English
reference), compares it, renders the report, and loads it in headless Chromium (Debian's
`chromium`, driven by Playwright) measuring the time to the `load` event and until the script
has wired every mark (a click on the first mark answered); `script ready` is the page's own
clock (performance.now()) when its script has finished wiring the page. The alternative measured
in the same run is the seed report itself (19 beads), so the ratio shows how render time grows
with document length. Peak memory is this process's (rendering) maximum RSS.

    python benchmarks/report.py [--beads 1000]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from align.documents import document_from_text, load_document
from align.pipeline import compare_documents

ROOT = Path(__file__).resolve().parent.parent
SEED = "000_196887d79a86fdb7.txt"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def long_pair(beads: int) -> tuple[str, str]:
    """A German and an English text of about `beads` sentences, from the seed's aligned paragraphs."""
    de = (ROOT / "seeds" / "de" / SEED).read_text(encoding="utf-8").strip()
    en = (ROOT / "seeds" / "en" / SEED).read_text(encoding="utf-8").strip()
    copies = max(1, round(beads / 19))
    return "\n\n".join([de] * copies), "\n\n".join([en] * copies)


def render(source, target, path: Path) -> tuple[int, int, float]:
    start = time.perf_counter()
    result = compare_documents(source, target, encoder="length", words=False)
    html = result.html()
    seconds = time.perf_counter() - start
    path.write_text(html, encoding="utf-8")
    return len(result.beads), len(html.encode()), seconds


def browser_ms(path: Path, executable: str) -> tuple[float, float, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        loaded = (time.perf_counter() - start) * 1000
        page.locator("mark").first.click()
        interactive = (time.perf_counter() - start) * 1000
        ready = float(page.locator("body").get_attribute("data-ready-ms") or "nan")
        browser.close()
    return loaded, interactive, ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beads", type=int, default=1000)
    args = parser.parse_args()
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    folder = Path(tempfile.mkdtemp())
    de, en = long_pair(args.beads)
    cases = {
        "seed": (load_document(ROOT / "seeds" / "de" / SEED, "de"), load_document(ROOT / "seeds" / "en" / SEED, "en")),
        "long": (document_from_text(de, "de", "text", "long"), document_from_text(en, "en", "text", "long")),
    }
    measured = {}
    for name, (source, target) in cases.items():
        beads, size, seconds = render(source, target, folder / f"{name}.html")
        nan = float("nan")
        loaded, interactive, ready = browser_ms(folder / f"{name}.html", executable) if executable else (nan,) * 3
        measured[name] = (beads, size, loaded, interactive, ready)
        print(
            f"{name:5s} {beads:5d} beads  html {size / 1e6:6.2f} MB  align+render {seconds:6.2f} s  "
            f"browser load {loaded:7.0f} ms  interactive {interactive:7.0f} ms  script ready {ready:7.0f} ms"
        )
    if not executable:
        print("chromium not installed (apt-get install chromium): browser times not measured")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    beads, size, loaded, interactive, ready = measured["long"]
    ratio = interactive / measured["seed"][3]
    print(
        f"RESULT beads={beads} html_mb={size / 1e6:.2f} browser_load_ms={loaded:.0f} "
        f"browser_interactive_ms={interactive:.0f} script_ready_ms={ready:.0f} "
        f"ratio_vs_seed_report={ratio:.1f} peak_mb={peak:.0f}"
    )


if __name__ == "__main__":
    main()
