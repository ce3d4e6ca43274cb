"""The standard QA checks (`align.qa`) on human reference translations: every finding there is a false alarm.

    python benchmarks/qa.py            # RESULT line last

Runs the WMT23 de-en general test set (549 German source lines and the refA human reference, from
../shared/data/figures/wmt23-de-en; skipped with a message when absent) as one JSON Lines file through
`align.pipeline.check_units` (figures, claims, the QA checks per unit and the consistency pass over the file), counts
the QA findings by kind, and times the QA checks per pair. Two machine translations of the same source (NLLB greedy,
ONLINE-B) run through the QA checks too, and the reference with each target replaced by its source shows how much
of a really untranslated file `untranslated` catches (names, titles and codes are left alone by design). Last, the
check lists Xbench and Verifika document, with what align covers.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]

from align.pipeline import check_units  # noqa: E402
from align.qa import TranslatedText, check_pair, inconsistencies  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "figures" / "wmt23-de-en"
SOURCE = DATA / "generaltest2023.de-en.src.de"
REFERENCE = DATA / "generaltest2023.de-en.ref.refA.en"
SYSTEMS = {
    "NLLB_Greedy": "generaltest2023.de-en.hyp.NLLB_Greedy.en",
    "ONLINE-B": "generaltest2023.de-en.hyp.ONLINE-B.en",
}
QA_RULES = (
    "empty.dropped",
    "untranslated.dropped",
    "tag.dropped",
    "tag.added",
    "tag.changed",
    "term.changed",
    "inconsistency.changed",
)

# The checks Xbench (2.9/3.0 QA tab) and Verifika document, and the align check that covers each ("" where none).
CHECKS = (
    ("Untranslated segments / target same as source", "Xbench, Verifika", "untranslated.dropped"),
    ("Empty target", "Xbench, Verifika", "empty.dropped"),
    ("Partially translated (source words left in target)", "Verifika", ""),
    ("Inconsistency in source (one source, two translations)", "Xbench, Verifika", "inconsistency.changed translation"),
    ("Inconsistency in target (one translation, two sources)", "Xbench, Verifika", "inconsistency.changed source"),
    ("Key term mismatch / terminology (glossary)", "Xbench, Verifika", "term.changed (--glossary)"),
    ("Tag mismatch (missing, added)", "Xbench, Verifika", "tag.dropped, tag.added"),
    ("Tag order", "Verifika", "tag.changed order"),
    ("Numeric mismatch", "Xbench, Verifika", "figure.* (locale, scale, units, dates)"),
    ("Alphanumeric mismatch (codes like A4, X-300)", "Xbench", "figure.* (codes), name.*"),
    ("URL / e-mail mismatch", "Xbench, Verifika", ""),
    ("CamelCase / ALL-CAPS mismatch", "Xbench", "name.* (in part)"),
    ("Double blanks / whitespace", "Xbench, Verifika", ""),
    ("Repeated words", "Xbench, Verifika", ""),
    ("Unpaired symbols (brackets, quotes)", "Xbench, Verifika", "quote.* (quotations)"),
    ("Punctuation (end, spacing)", "Xbench, Verifika", ""),
    ("Spelling / grammar", "Xbench (Hunspell), Verifika", ""),
    ("Length limits", "Verifika", ""),
    ("Negation, hedges, attributions (meaning)", "neither", "negation.*, hedge.*, attribution.*"),
)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _qa_counts(findings) -> Counter[str]:
    return Counter(f"{f.kind}.{f.status}" for f in findings if f"{f.kind}.{f.status}" in QA_RULES)


def qa_only(sources: list[str], targets: list[str]) -> tuple[Counter[str], float, list[str]]:
    """QA findings by rule over the pairs (each pair, then the consistency pass), seconds per pair, examples."""
    start = time.perf_counter()
    per_pair = [check_pair(s, t) for s, t in zip(sources, targets, strict=True)]
    segments = [TranslatedText(n, f"line {n + 1}", s, t) for n, (s, t) in enumerate(zip(sources, targets, strict=True))]
    extra = inconsistencies(segments)
    elapsed = time.perf_counter() - start
    found = [f for fs in per_pair for f in fs] + [f for fs in extra.values() for f in fs]
    examples = [f"{f.kind}.{f.status}: {f.message}" for f in found][:6]
    return _qa_counts(found), elapsed / max(1, len(sources)), examples


def main() -> dict[str, float]:
    if not SOURCE.exists() or not REFERENCE.exists():
        print(f"skipped: the WMT23 de-en test set is not at {DATA}", file=sys.stderr)
        return {}
    sources, reference = _lines(SOURCE), _lines(REFERENCE)
    assert len(sources) == len(reference), (len(sources), len(reference))
    print(f"WMT23 de-en general test set: {len(sources)} pairs (human reference refA)\n")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wmt23.jsonl"
        rows = (
            json.dumps({"id": str(n), "source": s, "target": t}, ensure_ascii=False) + "\n"
            for n, (s, t) in enumerate(zip(sources, reference, strict=True), 1)
        )
        path.write_text("".join(rows), encoding="utf-8")
        check_units(str(path))  # warm-up: word lists, language identifier
        start = time.perf_counter()
        checked = check_units(str(path))
        full = (time.perf_counter() - start) / len(checked)
    ref_counts = _qa_counts(f for c in checked for f in c.findings)
    ref_examples = [
        f"line {c.unit.id}: {f.kind}.{f.status}: {f.message}"
        for c in checked
        for f in c.findings
        if f"{f.kind}.{f.status}" in QA_RULES
    ]
    _, qa_time, _ = qa_only(sources, reference)

    rows = [("refA (human)", ref_counts)]
    for name, file in SYSTEMS.items():
        if (DATA / file).exists():
            counts, _, examples = qa_only(sources, _lines(DATA / file))
            rows.append((f"{name} (MT)", counts))
            ref_examples += [f"{name}: {e}" for e in examples[:3]]
    copied, _, _ = qa_only(sources, sources)
    caught = copied["untranslated.dropped"]

    width = max(len(r) for r in QA_RULES)
    print(f"{'QA findings':<{width}}  " + "  ".join(f"{name:>18}" for name, _ in rows))
    for rule in QA_RULES:
        print(f"{rule:<{width}}  " + "  ".join(f"{counts[rule]:>18}" for _, counts in rows))
    print(f"{'total':<{width}}  " + "  ".join(f"{sum(counts.values()):>18}" for _, counts in rows))
    print("(no glossary and no inline tags in this plain-text set: term.* and tag.* cannot fire here)\n")
    for line in ref_examples[:12]:
        print(f"  {line}")
    print(
        f"\nreference with every target replaced by its source: untranslated.dropped on {caught} of {len(sources)} "
        f"({caught / len(sources):.0%}); the rest are names, titles, single words or not German enough to tell"
    )
    print(
        f"time per pair: {qa_time * 1e3:.3f} ms for the QA checks (incl. the consistency pass), "
        f"{full * 1e3:.1f} ms for the whole check (figures, claims and QA, check_units)\n"
    )

    print(f"{'check':<56} {'documented by':<28} align")
    for check, who, ours in CHECKS:
        print(f"{check:<56} {who:<28} {ours or '-'}")
    covered = sum(1 for _, who, ours in CHECKS if ours and who != "neither")
    listed = sum(1 for _, who, _ in CHECKS if who != "neither")
    print(f"\nalign covers {covered} of the {listed} Xbench/Verifika checks listed here")

    result = {
        "pairs": len(sources),
        "ref_qa_findings": sum(ref_counts.values()),
        **{f"ref_{rule.replace('.', '_')}": ref_counts[rule] for rule in QA_RULES},
        "copied_untranslated_recall": caught / len(sources),
        "qa_ms_per_pair": qa_time * 1e3,
        "check_ms_per_pair": full * 1e3,
        "checks_covered": covered,
        "checks_listed": listed,
    }
    print("RESULT " + " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()))
    return result


if __name__ == "__main__":
    main()
