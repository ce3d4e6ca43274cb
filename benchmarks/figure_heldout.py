"""Precision of `align check` on held-out translations, judged pair by pair (issue 17).

The texts are WMT23 outputs that the labelled set (`figure_labels.py`) does not use: six more German→English
systems on the same German source, and the English→German test set (its source, its reference and seven systems):
other documents, and the direction of the notes (an English original, its German translation). They are not in
../shared/data. Fetch them from https://github.com/wmt-conference/wmt23-news-systems at commit
2cb363f1cf77cb7c269c220a3a008316ac900da0 (`txt/system-outputs/` for German→English, `txt-ts/…` for
English→German, whose first 490 lines are the general test set) into one folder, under the names of HELDOUT_FILES,
and name that folder in ALIGN_HELDOUT_DIR. Next to them, WMT24 English→German (another year's documents: news and
social posts) from https://github.com/wmt-conference/wmt24-news-systems at commit
5700af1fe59b1cde97d34c9fab22f92caf53c4d2: the first 128,000 characters of `txt-ts/references/en-de.refA.txt`,
`en-de.refB.txt` and `txt-ts/system-outputs/en-de/{Gemini-1.5-Pro,Mistral-Large,Phi-3-Medium}.txt`, the first 80,000 of
`…/TSU-HITs.txt`, and the English source as the first 96,000 characters of `txt-ts/sources/en-es.txt`
(the English of every en-X pair; its first 491 lines are those of en-de, as `txt-ts/metadata/` shows); the lines
judged are those of WMT24_LINES.

Every pair that failed CI on some version of the checker is judged in `data/figure-labels/heldout-judged.jsonl` by
the guideline (`GUIDELINE.md`): real or not, with the round in which it was first seen (1: the checker of a740454;
2: of 86e5fa4; 3: of ed5c29f; 4: of c7a4731; 5: the pairs that a new rule of 945d611 made fail; 6: WMT24 refA, refB
and Gemini with the checker of fdc2655; 7: the other WMT24 systems, with the rules of round 6; 8: WMT24 lines
155-491 of refA, refB, Gemini and Mistral with the checker of 97d1e1e; 9: WMT24 lines 179-491 of Phi-3 and 424-491
of TSU-HITs with the checker of 4b33241), before the rules it taught were written. A failing pair with no judgement
is counted as unjudged, never as right.

    ALIGN_HELDOUT_DIR=/path/to/files python benchmarks/figure_heldout.py
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.compare import compare_pair  # noqa: E402

WMT = ROOT.parent / "shared" / "data" / "figures" / "wmt23-de-en"
JUDGED = Path(__file__).resolve().parent / "data" / "figure-labels" / "heldout-judged.jsonl"
DE_EN_SYSTEMS = ("GPT4-5shot", "ONLINE-A", "AIRC", "ONLINE-Y", "Lan-BridgeMT", "ZengHuiMT")
EN_DE_SYSTEMS = ("ref", "ONLINE-B", "GPT4-5shot", "ONLINE-A", "NLLB_Greedy", "Lan-BridgeMT", "ZengHuiMT", "ONLINE-Y")
WMT24_SYSTEMS = ("refA", "refB", "Gemini-1.5-Pro", "Mistral-Large", "Phi-3-Medium", "TSU-HITs")
# the lines judged: the complete lines of the characters fetched, up to 491 (where en-es and en-de share their English)
WMT24_LINES = {
    "refA": 491,
    "refB": 491,
    "Gemini-1.5-Pro": 491,
    "Mistral-Large": 491,
    "Phi-3-Medium": 491,
    "TSU-HITs": 491,
}
HELDOUT_FILES = {
    **{("de-en", s): f"generaltest2023.de-en.hyp.{s}.en" for s in DE_EN_SYSTEMS},
    ("en-de", "ref"): "generaltest2023.en-de.ref.refA.de",
    **{("en-de", s): f"generaltest2023.en-de.hyp.{s}.de" for s in EN_DE_SYSTEMS if s != "ref"},
    ("en-de", "source"): "generaltest2023.en-de.src.en",
    **{("en-de-wmt24", s): f"wmt24.en-de.{s}.de" for s in WMT24_SYSTEMS},
    ("en-de-wmt24", "source"): "wmt24.en-de.src.en",
}
_DIGIT = re.compile(r"\d")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def pairs(folder: Path, direction: str, system: str) -> list[tuple[int, str, str]]:
    """(line, German, English) of every line with a digit: the German source or translation first."""
    if direction == "de-en":
        german, english = (
            _lines(WMT / "generaltest2023.de-en.src.de"),
            _lines(folder / HELDOUT_FILES[direction, system]),
        )
    else:
        german, english = (
            _lines(folder / HELDOUT_FILES[direction, system]),
            _lines(folder / HELDOUT_FILES[direction, "source"]),
        )
    count = min(len(german), len(english)) - 1  # a copy may end inside a line
    count = min(count, WMT24_LINES.get(system, count)) if direction == "en-de-wmt24" else count
    return [(i + 1, german[i], english[i]) for i in range(count) if _DIGIT.search(german[i] + english[i])]


def judgements() -> dict[tuple[str, str, int], bool]:
    rows = [json.loads(line) for line in JUDGED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["direction"], r["system"], int(r["line"])): bool(r["real"]) for r in rows}


def score(folder: Path) -> dict[str, float | int]:
    judged = judgements()
    totals: Counter[str] = Counter()
    print(f"held-out precision (issue 17): {folder}, judgements {JUDGED.name}")
    print(f"  {'set':28s} {'pairs':>5s} {'fail':>5s} {'real':>5s} {'false':>5s} {'unjudged':>8s} {'precision':>9s}")
    for (direction, system), name in HELDOUT_FILES.items():
        if system == "source":
            continue
        if not (folder / name).exists():
            print(f"  {direction}/{system:15s} missing: {name}")
            continue
        rows = pairs(folder, direction, system)
        failing = [line for line, de, en in rows if any(f.severity == "error" for f in compare_pair(de, en))]
        verdicts = [judged.get((direction, system, line)) for line in failing]
        real, false = verdicts.count(True), verdicts.count(False)
        unjudged = verdicts.count(None)
        precision = real / (real + false) if real + false else 1.0
        totals.update(pairs=len(rows), fail=len(failing), real=real, false=false, unjudged=unjudged)
        print(
            f"  {direction + '/' + system:28s} {len(rows):5d} {len(failing):5d} {real:5d} {false:5d} {unjudged:8d}"
            f" {precision:9.1%}"
        )
    judged_total = totals["real"] + totals["false"]
    precision = totals["real"] / judged_total if judged_total else 1.0
    print(
        f"  all: {totals['fail']} failing pairs, {totals['real']} real, {totals['false']} false, "
        f"{totals['unjudged']} unjudged: precision {precision:.1%}"
    )
    return {
        "heldout_more_pairs": totals["pairs"],
        "heldout_more_fail": totals["fail"],
        "heldout_more_false": totals["false"],
        "heldout_more_unjudged": totals["unjudged"],
        "heldout_more_precision": round(precision, 4),
    }


def main() -> None:
    folder = os.environ.get("ALIGN_HELDOUT_DIR")
    if not folder or not Path(folder).is_dir():
        print(
            "held-out precision skipped: set ALIGN_HELDOUT_DIR to a folder of the WMT23 files (this file's docstring)"
        )
        return
    if not (WMT / "generaltest2023.de-en.src.de").exists():
        print(f"held-out precision skipped: the WMT23 German source is not at {WMT}")
        return
    result = score(Path(folder))
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
