"""Translation speed and memory: transformers loop vs transformers batched vs CTranslate2 float32 / int8.

A full-size opus-mt-de-en architecture (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 58,101,
shared embeddings) with random weights, fed token ids (no tokenizer needed). Sentence lengths follow
German news sentences (SentencePiece tokens); every system generates exactly as many tokens as its input
has (minimum = maximum), with the same beam, so the token counts are equal. Each system runs in its own
subprocess so its peak RSS is its own. Usage: python benchmarks/translate.py [--sentences N] [--beam B]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("hf_loop", "hf_batched", "ct2_float32", "ct2_int8")
VOCAB = 58101


def sentence_lengths(n: int, seed: int = 0) -> list[int]:
    """Token lengths like German news sentences: mostly 15-45 SentencePiece tokens, a long tail to 90."""
    rng = random.Random(seed)
    return [max(6, min(90, round(rng.lognormvariate(3.3, 0.4)))) for _ in range(n)]


def sentences(n: int) -> list[list[int]]:
    rng = random.Random(1)
    return [[rng.randrange(2, VOCAB - 1) for _ in range(length - 1)] + [0] for length in sentence_lengths(n)]


def groups(batch: list[list[int]], batch_tokens: int) -> list[list[int]]:
    """Indices grouped by equal length (so forced output lengths match per sentence) under a token budget."""
    by_length: dict[int, list[int]] = {}
    for i, ids in enumerate(batch):
        by_length.setdefault(len(ids), []).append(i)
    out = []
    for length, members in sorted(by_length.items()):
        size = max(1, batch_tokens // length)
        out += [members[k : k + size] for k in range(0, len(members), size)]
    return out


def build(directory: Path) -> None:
    """Random full-size opus-mt-de-en weights (safetensors) plus a vocabulary for CTranslate2's converter."""
    sys.path.insert(0, str(ROOT))
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    from tests.support.tiny_marian import build_tiny_marian

    build_tiny_marian(directory, vocab_size=200)
    vocab = {"</s>": 0, "<unk>": 1, **{f"▁w{i}": i for i in range(2, VOCAB - 1)}, "<pad>": VOCAB - 1}
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (directory / "tokenizer_config.json").unlink()
    spm = {name: str(directory / f"{name}.spm") for name in ("source", "target")}
    MarianTokenizer(spm["source"], spm["target"], str(directory / "vocab.json")).save_pretrained(directory)
    config = MarianConfig(
        vocab_size=VOCAB,
        decoder_vocab_size=VOCAB,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        pad_token_id=VOCAB - 1,
        eos_token_id=0,
        decoder_start_token_id=VOCAB - 1,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        activation_function="swish",
    )
    torch.manual_seed(0)
    MarianMTModel(config).save_pretrained(directory, safe_serialization=True)


def convert(directory: Path, target: Path, quantization: str) -> None:
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(directory)).convert(str(target), quantization=quantization, force=True)


def measure(system: str, directory: Path, n: int, beam: int, batch_tokens: int, threads: int) -> dict:
    data = sentences(n)
    plan = [[i] for i in range(n)] if system == "hf_loop" else groups(data, batch_tokens)
    generated = 0
    if system.startswith("hf"):
        import torch
        from transformers import MarianMTModel

        torch.set_num_threads(threads)
        model = MarianMTModel.from_pretrained(directory, use_safetensors=True).eval()
        start = time.perf_counter()
        for group in plan:
            length = len(data[group[0]])
            with torch.inference_mode():
                out = model.generate(
                    input_ids=torch.tensor([data[i] for i in group]),
                    num_beams=beam,
                    min_new_tokens=length,
                    max_new_tokens=length,
                    max_length=None,
                )
            generated += (out.shape[1] - 1) * len(group)
    else:
        import ctranslate2

        translator = ctranslate2.Translator(
            str(directory), device="cpu", compute_type=system.split("_")[1], intra_threads=threads
        )
        start = time.perf_counter()
        for group in plan:
            length = len(data[group[0]])
            tokens = [[f"▁w{t}" if t > 1 else "</s>" for t in data[i][:-1]] for i in group]
            results = translator.translate_batch(
                tokens, beam_size=beam, min_decoding_length=length, max_decoding_length=length
            )
            generated += sum(len(r.hypotheses[0]) for r in results)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"system": system, "tokens": generated, "seconds": seconds, "peak_mb": peak_mb}


def child(args: argparse.Namespace, *extra: str) -> dict:
    command = [sys.executable, __file__, *extra, "--sentences", str(args.sentences), "--beam", str(args.beam)]
    command += ["--batch-tokens", str(args.batch_tokens), "--threads", str(args.threads)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100, help="how many sentences (default 100: < 10 min)")
    parser.add_argument("--beam", type=int, default=4, help="beam size (opus-mt's default: 4)")
    parser.add_argument("--batch-tokens", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads per system (default 1)")
    parser.add_argument("--run", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--convert", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(Path(args.build))
        print("{}")
        return
    if args.convert:
        convert(Path(args.convert[0]), Path(args.convert[1]), args.convert[2])
        print("{}")
        return
    if args.run:
        result = measure(args.run, Path(args.dir), args.sentences, args.beam, args.batch_tokens, args.threads)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="align-bench-") as tmp:
        model = Path(tmp) / "opus-mt-de-en-random"
        child(args, "--build", str(model))
        dirs = {"hf_loop": model, "hf_batched": model}
        for quantization in ("float32", "int8"):
            dirs[f"ct2_{quantization}"] = Path(tmp) / f"ct2-{quantization}"
            child(args, "--convert", str(model), str(dirs[f"ct2_{quantization}"]), quantization)
        lengths = sentence_lengths(args.sentences)
        print(
            f"{args.sentences} sentences, {sum(lengths)} tokens in and out (mean {sum(lengths) / len(lengths):.1f}), "
            f"beam {args.beam}, {args.threads} threads, full-size opus-mt-de-en architecture, random weights"
        )
        results = {}
        for system in SYSTEMS:
            results[system] = r = child(args, "--run", system, "--dir", str(dirs[system]))
            r["tps"] = r["tokens"] / r["seconds"]
            print(
                f"{system:12s} {r['tokens']:6d} tokens {r['seconds']:7.1f} s {r['tps']:8.1f} tok/s "
                f"{r['peak_mb']:7.0f} MB peak RSS"
            )
    tps = {s: results[s]["tps"] for s in SYSTEMS}
    peak = {s: results[s]["peak_mb"] for s in SYSTEMS}
    fields = {
        "tokens_per_s_hf_loop": tps["hf_loop"],
        "tokens_per_s_hf_batched": tps["hf_batched"],
        "tokens_per_s_ct2_float32": tps["ct2_float32"],
        "tokens_per_s_ct2_int8": tps["ct2_int8"],
        "ratio_ct2_int8_vs_hf_loop": tps["ct2_int8"] / tps["hf_loop"],
        "ratio_ct2_int8_vs_hf_batched": tps["ct2_int8"] / tps["hf_batched"],
        "ratio_ct2_float32_vs_hf_loop": tps["ct2_float32"] / tps["hf_loop"],
        "ratio_hf_batched_vs_hf_loop": tps["hf_batched"] / tps["hf_loop"],
        "peak_mb_hf": peak["hf_batched"],
        "peak_mb_hf_loop": peak["hf_loop"],
        "peak_mb_ct2_float32": peak["ct2_float32"],
        "peak_mb_ct2_int8": peak["ct2_int8"],
        "memory_ct2_int8_vs_hf": peak["ct2_int8"] / peak["hf_batched"],
    }
    print("RESULT " + " ".join(f"{k}={v:.2f}" for k, v in fields.items()))


if __name__ == "__main__":
    main()
