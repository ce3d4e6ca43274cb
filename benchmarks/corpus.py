"""Corpus run throughput: documents per second with 1 worker vs 2 worker processes vs Ray Data with 2 CPUs.

Run: python benchmarks/corpus.py [--documents 210] [--window 20] [--encoder length] [--words] [--no-ray]
The corpus is built in a temporary folder: the Text+Berg de-fr dev document (../shared/data,
ALIGN_SHARED_DATA overrides) cut into documents of `--window` consecutive gold beads, overlapping windows
starting at every even bead, then every odd one (210 pairs of about 20 sentences by default; de/ and en/,
the French side standing in for the reference: fine for throughput), plus the two seed pairs. By default
the length encoder and no word alignment, so the run takes a few minutes: it measures the corpus machinery
and the per-pair pipeline (segmentation, alignment DP, figures, claims, HTML report), not the neural
encoder. Every executor runs on the
same corpus with its own empty stage cache and output folder, one after another in this process, for
`--repeat` rounds in alternating order; the best round counts (the machine is shared). Ray is started before
its clock starts (on a cluster it is already running); Ray is skipped when not installed.
Peak memory: the peak resident set (VmHWM, sampled every 0.1 s) of this process after the in-process run,
and of the largest worker process.
The last line is `RESULT ...`.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

from align.corpus import run_corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ALIGN_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEV = DATA / "sentence-alignment" / "textberg-defr-dev"
SEEDS = ROOT / "seeds"


def gold_beads(path: Path) -> list[tuple[list[int], list[int]]]:
    beads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        left, right = line.split(":")
        beads.append(([int(i) for i in re.findall(r"\d+", left)], [int(i) for i in re.findall(r"\d+", right)]))
    return beads


def build_corpus(root: Path, documents: int, window: int) -> int:
    """Write `documents` de/en pairs into root: windows of `window` gold beads with text on both sides, starting
    at every even bead, then at every odd one; and the two seed pairs. Return the number of pairs."""
    (root / "de").mkdir(parents=True)
    (root / "en").mkdir()
    de = (DEV / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (DEV / "dev.fr").read_text(encoding="utf-8").splitlines()
    beads = gold_beads(DEV / "dev.defr")
    for path in sorted((SEEDS / "de").glob("*.txt")):
        shutil.copyfile(path, root / "de" / path.name)
        shutil.copyfile(SEEDS / "en" / path.name, root / "en" / path.name)
    count = 2
    starts = [*range(0, len(beads) - window + 1, 2), *range(1, len(beads) - window + 1, 2)]
    for k in starts:
        if count == documents:
            break
        run = beads[k : k + window]
        texts = ["\n".join(lines[i].strip() for bead in run for i in bead[side]) for lines, side in ((de, 0), (fr, 1))]
        if not all(text.strip() for text in texts):
            continue
        for folder, text in zip(("de", "en"), texts, strict=True):
            (root / folder / f"textberg_{k:04d}.txt").write_text(text + "\n", encoding="utf-8")
        count += 1
    return count


def high_water_mb(pid: int | str = "self") -> float:
    """Peak resident set (VmHWM) of a live process: kept per address space, so unlike ru_maxrss it does not
    include the parent's size at fork time; 0 when the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def watch_children(peaks: dict[int, float], stop: threading.Event) -> None:
    """Record the peak resident set of each child process of this one until `stop` is set."""
    me = str(os.getpid())
    while not stop.wait(0.1):
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = stat.read_text().rsplit(")", 1)[1].split()[1]
            except (OSError, IndexError):
                continue
            if parent == me:
                pid = int(stat.parent.name)
                peaks[pid] = max(peaks.get(pid, 0.0), high_water_mb(pid))


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the local worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_run(corpus: Path, work: Path, name: str, **options) -> tuple[float, float, dict]:
    """Wall seconds, CPU seconds (local executors only) and the summary of one run with an empty stage cache."""
    os.environ["ALIGN_CACHE_DIR"] = str(work / f"cache-{name}")
    cpu, start = cpu_seconds(), time.perf_counter()
    summary = run_corpus(corpus, work / f"out-{name}", **options)
    return time.perf_counter() - start, cpu_seconds() - cpu, summary


def run_ray(corpus: Path, work: Path, name: str, **options) -> tuple[float, float, dict]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        return timed_run(corpus, work, name, executor="ray", workers=2, **options)
    finally:
        ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=210, help="Document pairs in the corpus (at most ~800).")
    parser.add_argument("--window", type=int, default=20, help="Gold beads per document.")
    parser.add_argument("--encoder", default="length")
    parser.add_argument("--words", action="store_true", help="Also align words (slow: the neural encoder).")
    parser.add_argument("--repeat", type=int, default=2, help="Rounds, alternating the order; the best is reported.")
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    configs = ["1", "2"]
    if not args.no_ray:
        try:
            import ray  # noqa: F401

            configs.append("ray")
        except ImportError:
            print("ray: not installed (pip install 'align[ray]'), skipped")
    labels = {"1": "1 worker (in-process)", "2": "2 worker processes", "ray": "Ray Data, 2 CPUs"}
    work = Path(tempfile.mkdtemp(prefix="align-corpus-bench-"))
    try:
        documents = build_corpus(work / "corpus", args.documents, args.window)
        print(f"corpus: {documents} document pairs (windows of {args.window} Text+Berg beads + 2 seed pairs)")
        print(f"settings: encoder={args.encoder} words={args.words}; cores here: {os.cpu_count()} (shared)")
        options = {"encoder": args.encoder, "words": args.words}
        best: dict[str, tuple[float, float, dict]] = {}
        peak_self_mb = peak_worker_mb = 0.0
        for round_ in range(args.repeat):
            for config in configs if round_ % 2 == 0 else configs[::-1]:
                name = f"{config}-{round_}"
                if config == "ray":
                    result = run_ray(work / "corpus", work, name, **options)
                elif config == "2":
                    peaks: dict[int, float] = {}
                    stop = threading.Event()
                    watcher = threading.Thread(target=watch_children, args=(peaks, stop))
                    watcher.start()
                    try:
                        result = timed_run(work / "corpus", work, name, workers=2, **options)
                    finally:
                        stop.set()
                        watcher.join()
                    peak_worker_mb = max([peak_worker_mb, *peaks.values()])
                else:
                    result = timed_run(work / "corpus", work, name, workers=1, **options)
                    if round_ == 0:  # round 1 runs 1, 2, then Ray: no Ray in this process yet
                        peak_self_mb = high_water_mb()
                seconds, cpu, _ = result
                cpu_text = f"{cpu:6.2f} CPU s" if config != "ray" else "  (CPU s not measured)"
                print(
                    f"round {round_ + 1} {labels[config]:24s} {seconds:7.2f} s  "
                    f"{documents / seconds:7.2f} docs/s  {cpu_text}"
                )
                if config not in best or seconds < best[config][0]:
                    best[config] = result
        for config in configs:
            seconds, _, summary = best[config]
            print(
                f"best {labels[config]:24s} {documents / seconds:7.2f} docs/s  "
                f"done={summary['done']} failed={summary['failed']} sentences={summary['sentences']}"
            )
        summaries = [best[c][2] for c in configs]
        same = all(
            (s["sentences"], s["findings"]) == (summaries[0]["sentences"], summaries[0]["findings"]) for s in summaries
        )
        print(f"all executors agree on sentences and findings: {same}")
        print(f"peak RSS: in-process run {peak_self_mb:.0f} MB, largest worker process {peak_worker_mb:.0f} MB")
        rates = {c: documents / best[c][0] for c in configs}
        ray_rate = f"{rates['ray']:.2f}" if "ray" in rates else "n/a"
        print(
            f"RESULT docs_per_s_1={rates['1']:.2f} docs_per_s_2={rates['2']:.2f} "
            f"ratio_2_vs_1={rates['2'] / rates['1']:.2f} docs_per_s_ray={ray_rate} "
            f"peak_mb_per_worker={peak_worker_mb:.0f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
