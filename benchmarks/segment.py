"""Segmentation throughput: align's splitter vs. pysbd (and sentence-splitter when installed).

Builds a German text of at least 5 MB from the seed paragraphs (shuffled, repeated), splits
it with each approach in its own process (so peak RSS is per approach), and prints MB/s,
sentences found, and peak memory. pysbd is slow, so it runs on a 1 MB slice and its rate is
reported per MB; the others run on the whole text.

    python benchmarks/segment.py [--mb 5]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_text(megabytes: float) -> str:
    paragraphs = []
    for path in sorted((ROOT / "seeds" / "de").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in text.split("\n\n") if p.strip() and not p.startswith(("---", "- ["))]
    rng = random.Random(13)
    out: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        paragraph = rng.choice(paragraphs)
        out.append(paragraph)
        size += len(paragraph.encode()) + 2
    return "\n\n".join(out)


def run_align(text: str) -> int:
    from align.documents import document_from_text
    from align.segment import iter_segments

    return sum(1 for _ in iter_segments(document_from_text(text, "de", "text")))


def run_pysbd(text: str) -> int:
    import pysbd

    segmenter = pysbd.Segmenter(language="de", clean=False, char_span=False)
    return sum(len(segmenter.segment(p)) for p in text.split("\n\n"))


def run_sentence_splitter(text: str) -> int:
    from sentence_splitter import SentenceSplitter

    splitter = SentenceSplitter(language="de")
    return sum(len(splitter.split(p)) for p in text.split("\n\n"))


APPROACHES = {"align": run_align, "pysbd": run_pysbd, "sentence_splitter": run_sentence_splitter}


def _measure(name: str, text: str, queue: mp.Queue) -> None:
    start = time.perf_counter()
    sentences = APPROACHES[name](text)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((sentences, seconds, peak_mb))


def measure(name: str, text: str) -> tuple[int, float, float]:
    queue: mp.Queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=_measure, args=(name, text, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def available(name: str) -> bool:
    module = {"align": "align", "pysbd": "pysbd", "sentence_splitter": "sentence_splitter"}[name]
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the German text in MB (default 5)")
    args = parser.parse_args()
    text = build_text(args.mb)
    slice_ = text[: text.find("\n\n", 1_000_000)]
    megabytes = {"align": len(text.encode()) / 1e6}
    results = {}
    for name in APPROACHES:
        if not available(name):
            print(f"{name:18s} not installed (pip install {name.replace('_', '-')}) — skipped")
            continue
        sample = text if name != "pysbd" else slice_
        megabytes[name] = len(sample.encode()) / 1e6
        sentences, seconds, peak = measure(name, sample)
        results[name] = (megabytes[name] / seconds, peak)
        print(
            f"{name:18s} {megabytes[name]:6.2f} MB  {sentences:8d} sentences  {seconds:7.2f} s  "
            f"{megabytes[name] / seconds:8.2f} MB/s  peak {peak:6.0f} MB"
        )
    ours, peak = results["align"]
    ratio = ours / results["pysbd"][0]
    extra = ""
    if "sentence_splitter" in results:
        extra = f" ratio_vs_sentence_splitter={ours / results['sentence_splitter'][0]:.1f}"
    print(f"RESULT segment_mb_per_s={ours:.2f} ratio_vs_alternative={ratio:.1f} peak_mb={peak:.0f}{extra}")


if __name__ == "__main__":
    main()
