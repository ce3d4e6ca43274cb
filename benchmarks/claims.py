"""Claim warnings (names, negation, hedges) on human translations, and their recall on DEMETR (issue 17).

    python benchmarks/claims.py            # RESULT line
    python benchmarks/claims.py --show odd # also print every warning on the odd-numbered WMT lines

- WMT23 de-en general test set, human reference (refA): the share of lines with a name, negation or hedge
  finding at warning level or above, per kind; over all 549 lines, the 181 number-bearing ones
  (number_bearing.tsv) and per sentence: the lines whose German and English split into the same number of
  sentences, paired one to one. Even- and odd-numbered lines (1-based) apart: the rules were developed on the
  even ones, the odd ones are held out.
- DEMETR de-en dev: warnings on the good MT (mt_sent) and the human reference (eng_sent), and per
  perturbation the share flagged with the targeted kind (names replaced / removed, negation).

The texts stay in ../shared/data (next to the checkout); without them this benchmark says so and stops.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from align.claim_matching import compare_claims  # noqa: E402
from align.claims import extract_claims  # noqa: E402
from align.findings import Finding, Side  # noqa: E402
from align.segment import split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "figures"
WMT = DATA / "wmt23-de-en"
DEMETR = DATA / "demetr-de-en-dev.jsonl"
KINDS = ("name", "negation", "hedge")
TARGETED = {
    "critical_id9_ne_replaced": "name",
    "critical_id25_ne_removed": "name",
    "critical_id8_negation": "negation",
}


def warnings(source: str, target: str) -> list[Finding]:
    """The claim findings (name, negation, hedge) at warning level or above of one pair (the claim findings of
    `compare_pair`, without reading the figures)."""
    src = Side(source, (), extract_claims(source, "de"))
    tgt = Side(target, (), extract_claims(target, "en"))
    return [
        f
        for f in compare_claims(src, tgt)
        if f.kind in KINDS and f.status != "preserved" and f.severity in ("warning", "error")
    ]


def sentence_pairs(source: str, target: str) -> list[tuple[str, str]]:
    """The sentences of a line pair, paired one to one when both sides have as many; else none."""
    src = [source[a:b] for a, b in split_sentences(source, "de")]
    tgt = [target[a:b] for a, b in split_sentences(target, "en")]
    return list(zip(src, tgt, strict=True)) if len(src) == len(tgt) else []


def rates(pairs: list[tuple[int, str, str]], show: str = "") -> dict[str, tuple[int, Counter]]:
    """Per half ('even', 'odd', 'all'): (pairs, pairs warned per kind and 'any')."""
    out = {half: (0, Counter()) for half in ("even", "odd", "all")}
    counts = {half: [0, Counter()] for half in out}
    for line, source, target in pairs:
        found = warnings(source, target)
        half = "even" if line % 2 == 0 else "odd"
        for key in (half, "all"):
            counts[key][0] += 1
            counts[key][1].update({f.kind for f in found})
            counts[key][1]["any"] += bool(found)
        if found and show in (half, "all"):
            print(f"    line {line}: " + "; ".join(f.message for f in found))
    for half, (n, c) in counts.items():
        out[half] = (n, c)
    return out


def _line(label: str, counted: dict[str, tuple[int, Counter]], result: dict, key: str) -> None:
    parts = []
    for half in ("all", "even", "odd"):
        n, c = counted[half]
        share = c["any"] / n if n else 0.0
        kinds = " ".join(f"{k} {c[k] / n:.1%}" if n else "" for k in KINDS)
        parts.append(f"{half} {c['any']}/{n} = {share:.1%} ({kinds})")
        result[f"{key}_{half}"] = share
    print(f"  {label}: " + " | ".join(parts))


def wmt(result: dict, show: str) -> None:
    source = (WMT / "generaltest2023.de-en.src.de").read_text(encoding="utf-8").splitlines()
    reference = (WMT / "generaltest2023.de-en.ref.refA.en").read_text(encoding="utf-8").splitlines()
    lines = [(i, s, t) for i, (s, t) in enumerate(zip(source, reference, strict=True), 1)]
    rows = (WMT / "number_bearing.tsv").read_text(encoding="utf-8").splitlines()[1:]
    bearing = {int(r.split("\t", 1)[0]) for r in rows if r}
    sentences = [(i, s, t) for i, src, tgt in lines for s, t in sentence_pairs(src, tgt)]
    print("WMT23 de-en, human reference: lines with a name/negation/hedge warning (goal ≤ 5 % per sentence)")
    if show:
        print(f"  warnings on the {show} lines:")
    _line(f"all {len(lines)} lines", rates(lines, show), result, "wmt_lines")
    _line(f"{len(bearing)} number-bearing", rates([p for p in lines if p[0] in bearing]), result, "wmt_bearing")
    _line(f"{len(sentences)} sentences (1-1)", rates(sentences), result, "wmt_sentences")


def demetr(result: dict) -> None:
    rows = [json.loads(line) for line in DEMETR.open(encoding="utf-8")]
    print(f"DEMETR de-en dev ({len(rows)} items)")
    for side, label in (("mt_sent", "good MT"), ("eng_sent", "human reference")):
        found = [warnings(r["src_sent"], r[side]) for r in rows]
        per_kind = {k: sum(any(f.kind == k for f in fs) for fs in found) / len(rows) for k in KINDS}
        share = sum(bool(fs) for fs in found) / len(rows)
        print(f"  warned on {label}: {share:.1%} (" + " ".join(f"{k} {v:.1%}" for k, v in per_kind.items()) + ")")
        result[f"demetr_{side.split('_')[0]}_warned"] = share
        for k, v in per_kind.items():
            result[f"demetr_{side.split('_')[0]}_{k}"] = v
    for name, kind in TARGETED.items():
        targeted = [r for r in rows if r["pert_name"] == name and r["pert_check"]]
        hits = sum(any(f.kind == kind for f in warnings(r["src_sent"], r["pert_sent"])) for r in targeted)
        print(f"  {name:28s} {kind:9s} recall {hits}/{len(targeted)} = {hits / len(targeted):.1%}")
        result[f"recall_{name.split('_', 2)[2]}"] = hits / len(targeted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--show", choices=("even", "odd", "all"), default="", help="print the warnings of these lines")
    args = parser.parse_args()
    if not WMT.is_dir() or not DEMETR.is_file():
        print(f"skipped: the benchmark data is not at {DATA} (WMT23 de-en and DEMETR de-en dev)")
        return
    result: dict[str, float] = {}
    start = time.perf_counter()
    wmt(result, args.show)
    demetr(result)
    result["seconds"] = time.perf_counter() - start
    print("RESULT " + " ".join(f"{k}={v:.4g}" for k, v in result.items()))


if __name__ == "__main__":
    main()
