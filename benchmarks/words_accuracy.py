"""Word alignment accuracy on RWTH de–en (508 pairs): AER/P/R/F1 per method and per layer, and per step.

One embedding pass per layer (the embedded encoder, batched), then every matching on numpy:
  - SimAlign's own methods (subword matching, plain similarity): inter (argmax), itermax, mwmf;
  - each step toward `growdiag` on its own: word-level matching, hubness (CSLS) correction,
    grow-diag symmetrization of the two argmax directions, and the distortion prior for comparison;
  - halves (even / odd pairs) show the gain is not an artefact of a few sentences.
The obvious alternative, SimAlign's argmax at layer 7, is the first row of the step table.

    python benchmarks/words_accuracy.py [--layers 5 6 7 8 9]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import torch

from align import words as w
from align.evaluate import WordAlignmentScores, read_talp, word_alignment_scores

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "word-alignment" / "rwth-deen"
STEPS = {
    "SimAlign inter (bpe, baseline)": w.Matching("inter", "bpe", 0),
    "inter, word-level": w.Matching("inter", "word", 0),
    "inter, bpe + distortion 0.5": w.Matching("inter", "bpe", 0, 0.5),
    "inter, bpe + hubness k=3": w.Matching("inter", "bpe", 3),
    "inter, word + hubness k=3": w.Matching("inter", "word", 3),
    "growdiag, word (no hubness)": w.Matching("growdiag", "word", 0),
    "growdiag, bpe + hubness k=3": w.Matching("growdiag", "bpe", 3),
    "growdiag, word + hubness k=1": w.Matching("growdiag", "word", 1),
    "growdiag, word + hubness k=3 (default)": w.Matching("growdiag", "word", 3),
    "growdiag, word + hubness k=10": w.Matching("growdiag", "word", 10),
    "itermax, word + hubness k=3": w.Matching("itermax", "word", 3),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, nargs="+", default=[5, 6, 7, 8, 9])
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"gold data not found at {DATA}", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    de = (DATA / "deen.de").read_text(encoding="utf-8").splitlines()
    en = (DATA / "deen.en").read_text(encoding="utf-8").splitlines()
    gold = read_talp((DATA / "deen.talp").read_text(encoding="utf-8"), one_based=True)
    pairs = [(s.split(), t.split()) for s, t in zip(de, en, strict=True)]
    encoder = w.load_encoder()
    encoded = w.subword_ids(encoder[0], [words for pair in pairs for words in pair])

    def score(vectors: list, matching: w.Matching, subset: range | None = None) -> WordAlignmentScores:
        keep = range(len(pairs)) if subset is None else subset
        links = [
            w.match_pair(
                vectors[2 * k],
                vectors[2 * k + 1],
                encoded[2 * k][1],
                encoded[2 * k + 1][1],
                len(pairs[k][0]),
                len(pairs[k][1]),
                matching,
            )
            for k in keep
        ]
        return word_alignment_scores([gold[k] for k in keep], [{(x.source, x.target) for x in p} for p in links])

    start = time.perf_counter()
    by_layer = {}
    print(f"{'layer':>5} {'method':<9} {'AER':>7} {'P':>7} {'R':>7} {'F1':>7}")
    for layer in args.layers:
        by_layer[layer] = w.embed_subwords(encoder, [i for i, _ in encoded], (layer,))
        for method in w.METHODS:
            s = score(by_layer[layer], w.preset(method))
            print(f"{layer:>5} {method:<9} {s.aer:7.4f} {s.precision:7.4f} {s.recall:7.4f} {s.f1:7.4f}", flush=True)
    layer = 7 if 7 in by_layer else args.layers[0]
    vectors = by_layer[layer]
    print(f"\nsteps at layer {layer}:  AER (even / odd pairs)  P  R  F1")
    results = {}
    for name, matching in STEPS.items():
        s = score(vectors, matching)
        even, odd = score(vectors, matching, range(0, len(pairs), 2)), score(vectors, matching, range(1, len(pairs), 2))
        results[name] = s
        print(
            f"  {name:<40} {s.aer:.4f} ({even.aer:.4f} / {odd.aer:.4f})  {s.precision:.4f}  {s.recall:.4f}  {s.f1:.4f}",
            flush=True,
        )
    multi = w.embed_subwords(encoder, [i for i, _ in encoded], (6, 7, 8))
    s = score(multi, w.Matching())
    print(f"  {'growdiag default, layers 6-8 averaged':<40} {s.aer:.4f}  {s.precision:.4f}  {s.recall:.4f}  {s.f1:.4f}")
    base = results["SimAlign inter (bpe, baseline)"]
    best = results["growdiag, word + hubness k=3 (default)"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{time.perf_counter() - start:.0f} s; peak RSS {peak:.0f} MiB; AER ratio default/baseline "
        f"{best.aer / base.aer:.3f}"
    )
    print(
        f"RESULT layer={layer} baseline_aer={base.aer:.4f} aer={best.aer:.4f} precision={best.precision:.4f} "
        f"recall={best.recall:.4f} f1={best.f1:.4f} aer_ratio={best.aer / base.aer:.3f} peak_rss_mib={peak:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
