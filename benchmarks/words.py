"""Word alignment speed: SimAlign's own `get_word_aligns` loop vs. align.words, side by side, same encoder.

On the 508 RWTH de–en pairs (../shared/data/word-alignment/rwth-deen), both on the embedded encoder
(multilingual-e5-small), layer 7, SimAlign's subword matching; ours on its default backend (ONNX Runtime, the
int8 graph cut after layer 7), SimAlign's on transformers and torch (float32), so links differ where int8's
rounding tips a choice (tests/test_words.py checks them equal on torch):
  1. `inter` (argmax) only: SimAlign's loop vs. `align_word_lists(..., "inter")`, pairs/s ratio and links;
     and our default (word-level, self-trained metric) end to end against the same SimAlign argmax loop;
  2. all three SimAlign methods at once (SimAlign "mai" vs. one embedding pass + three matchings);
  3. the floor: the batched forward pass alone (same batches, no tokenizing or matching), on ONNX Runtime and
     on torch (the backend word alignment used before), their ratio.
Peak memory is the process's peak resident set size after each phase (ours first, before torch is loaded).

    python benchmarks/words.py [--pairs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

from align import words as w
from align.encoders import embedded_model_dir, load_transformers

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "word-alignment" / "rwth-deen"
LAYER = 7
SIMALIGN_METHODS = {"a": "inter", "i": "itermax", "m": "mwmf"}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def simalign_aligner(methods: str) -> object:
    """SimAlign's SentenceAligner on the converted encoder: its own code, our tokenizer and model objects.

    SentenceAligner loads by Hugging Face name through AutoTokenizer, which may rebuild the embedded
    tokenizer wrongly; so the aligner is assembled as its __init__ does, with the loaded objects set in.
    """
    import torch
    from simalign import SentenceAligner
    from simalign.simalign import EmbeddingLoader

    tokenizer, model = load_transformers(embedded_model_dir())
    model.config.output_hidden_states = True
    loader = EmbeddingLoader.__new__(EmbeddingLoader)
    loader.model, loader.device, loader.layer = "e5-small", torch.device("cpu"), LAYER
    loader.emb_model, loader.tokenizer = model, tokenizer
    aligner = SentenceAligner.__new__(SentenceAligner)
    aligner.model, aligner.token_type, aligner.distortion = "e5-small", "bpe", 0.0
    aligner.matching_methods = [SIMALIGN_METHODS[m] for m in methods]
    aligner.device, aligner.embed_loader = torch.device("cpu"), loader
    return aligner


def simalign_loop(aligner: object, pairs: list[tuple[list[str], list[str]]]) -> tuple[float, dict]:
    start = time.perf_counter()
    out = [aligner.get_word_aligns(src, tgt) for src, tgt in pairs]
    return time.perf_counter() - start, {m: [set(map(tuple, o[m])) for o in out] for m in out[0]}


def compare(ours: list[set], theirs: list[set]) -> str:
    same = sum(a == b for a, b in zip(ours, theirs, strict=True))
    diff = sum(len(a ^ b) for a, b in zip(ours, theirs, strict=True))
    total = sum(len(b) for b in theirs)
    return f"{same}/{len(theirs)} pairs identical, {diff} of {total} links differ"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=508)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"gold data not found at {DATA}", file=sys.stderr)
        return 2
    os.environ["OMP_NUM_THREADS"] = "1"  # ONNX Runtime's and torch's threads alike
    de = (DATA / "deen.de").read_text(encoding="utf-8").split("\n")[: args.pairs]
    en = (DATA / "deen.en").read_text(encoding="utf-8").split("\n")[: args.pairs]
    pairs = [(s.split(), t.split()) for s, t in zip(de, en, strict=True)]
    n = len(pairs)
    encoder = w.load_encoder()
    w.align_word_lists(pairs[:4], encoder, "inter", (LAYER,))  # warm-up
    print(f"{n} pairs, layer {LAYER}, 1 thread; peak RSS after loading: {peak_mib():.0f} MiB")

    start = time.perf_counter()
    ours_inter = w.align_word_lists(pairs, encoder, "inter", (LAYER,))
    t_ours_inter = time.perf_counter() - start
    start = time.perf_counter()
    w.align_word_lists(pairs, encoder, w.DEFAULT_WORD_METHOD, (LAYER,))
    t_ours_default = time.perf_counter() - start
    peak_ours = peak_mib()

    start = time.perf_counter()
    sentences = [words for pair in pairs for words in pair]
    encoded = w.subword_ids(encoder[0], sentences)
    t_tokenize = time.perf_counter() - start
    ids = [i for i, _ in encoded]
    start = time.perf_counter()
    vectors = w.embed_subwords(encoder, ids, (LAYER,))
    t_forward = time.perf_counter() - start
    start = time.perf_counter()
    owners, sizes = [o for _, o in encoded], [(len(s), len(t)) for s, t in pairs]
    ours_all = {
        method: w.link_vectors(vectors, owners, sizes, w.preset(method)) for method in ("inter", "itermax", "mwmf")
    }
    t_match_all = time.perf_counter() - start
    t_ours_all = t_tokenize + t_forward + t_match_all
    torch_encoder = w.load_encoder(backend="torch")
    w.embed_subwords(torch_encoder, ids[:8], (LAYER,))  # warm-up
    start = time.perf_counter()
    w.embed_subwords(torch_encoder, ids, (LAYER,))
    t_forward_torch = time.perf_counter() - start

    aligner = simalign_aligner("a")
    simalign_loop(aligner, pairs[:4])
    t_sa_inter, sa_inter = simalign_loop(aligner, pairs)
    aligner.matching_methods = [SIMALIGN_METHODS[m] for m in "mai"]
    t_sa_all, sa_all = simalign_loop(aligner, pairs)
    peak_all = peak_mib()

    def links(result: list) -> list[set]:
        return [{(x.source, x.target) for x in pair} for pair in result]

    print(
        f"inter only: SimAlign loop {t_sa_inter:.2f} s ({n / t_sa_inter:.1f} pairs/s, "
        f"{1000 * t_sa_inter / n:.1f} ms/pair); ours {t_ours_inter:.2f} s ({n / t_ours_inter:.1f} pairs/s)"
    )
    print(f"  speedup {t_sa_inter / t_ours_inter:.2f}x; links: {compare(links(ours_inter), sa_inter['inter'])}")
    print(
        f"default ({w.DEFAULT_WORD_METHOD}): ours {t_ours_default:.2f} s ({n / t_ours_default:.1f} pairs/s), "
        f"speedup over SimAlign's argmax loop {t_sa_inter / t_ours_default:.2f}x"
    )
    print(
        f"all three methods: SimAlign loop {t_sa_all:.2f} s ({1000 * t_sa_all / n:.1f} ms/pair); ours "
        f"{t_ours_all:.2f} s = tokenize {t_tokenize:.2f} + forward {t_forward:.2f} + matching {t_match_all:.2f}"
    )
    print(f"  speedup {t_sa_all / t_ours_all:.2f}x")
    for method in ("inter", "itermax", "mwmf"):
        print(f"  {method}: {compare(links(ours_all[method]), sa_all[method])}")
    print(
        f"floor: batched forward alone (layers 1-{LAYER}) {t_forward:.2f} s on ONNX Runtime, "
        f"{t_forward_torch:.2f} s on torch (ONNX Runtime {t_forward_torch / t_forward:.2f}x faster); our inter total "
        f"/ floor {t_ours_inter / t_forward:.2f}; all-methods total / floor {t_ours_all / t_forward:.2f}"
    )
    print(
        f"peak RSS: {peak_ours:.0f} MiB after ours (ONNX Runtime, no torch), {peak_all:.0f} MiB after torch and "
        f"SimAlign"
    )
    identical = sum(a == b for a, b in zip(links(ours_inter), sa_inter["inter"], strict=True))
    print(
        f"RESULT pairs={n} speedup_inter={t_sa_inter / t_ours_inter:.2f} speedup_all={t_sa_all / t_ours_all:.2f} "
        f"default={w.DEFAULT_WORD_METHOD} speedup_default={t_sa_inter / t_ours_default:.2f} "
        f"ours_pairs_per_s={n / t_ours_inter:.1f} simalign_pairs_per_s={n / t_sa_inter:.1f} "
        f"identical_pairs_inter={identical}/{n} total_over_forward={t_ours_inter / t_forward:.2f} "
        f"forward_onnx_over_torch={t_forward_torch / t_forward:.2f} peak_rss_ours_mib={peak_ours:.0f} "
        f"peak_rss_mib={peak_all:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
