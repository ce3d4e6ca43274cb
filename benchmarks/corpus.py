"""Corpus run throughput: documents per second with 1 worker vs 2 worker processes vs Ray Data with 2 CPUs.

Two configurations, each measured 1 vs 2 workers vs Ray side by side in its own process:
  light  the length encoder, no word alignment: the corpus machinery and the per-pair pipeline (segmentation,
         alignment DP, figures, claims, HTML report), not a neural model;
  e5     the embedded multilingual-e5-small encoder for sentence alignment (real work; `--e5-words` adds word
         alignment with the same encoder), on `--e5-documents` pairs.
The corpus is built in a temporary folder: the Text+Berg de-fr dev document (../shared/data, ALIGN_SHARED_DATA
overrides) cut into documents of `--window` consecutive gold beads, windows starting at every even bead, then
every odd one (about 20 sentences each; the French side stands in for the reference: fine for throughput), plus
the two seed pairs. Every executor runs on the same corpus with its own empty stage and embedding cache and
output folder (the derived German word lists copied in, as on any machine after its first run), one after
another, for `--repeat` rounds in alternating order; the best round counts and the spread (slowest / fastest)
is printed, because the cores may be shared. 1 and 2 workers are each a fresh
`align run --workers N` process, start-up included (imports, lexicons, model: once in the 1-worker process;
for 2 workers once in the fork server, the encoder in each worker); torch uses all cores with 1 worker and one
thread per worker with 2. Ray is started before the clock (as on a running cluster) and its workers load
everything themselves. Per executor: documents/s, CPU seconds spent on the documents (summed over the processes
that ran them; start-up and hand-over not included) and the peak resident memory of the largest process that
ran documents (VmHWM, else ru_maxrss, reported by each task). Each run is preceded by the same executor on the
first 2 Text+Berg pairs alone, so that the rate beyond start-up, (N - 2) / (time for N - time for 2), is printed
too: with a short corpus the start-up (a process, imports, lexicons, models) is a large share of the time.
The last line is `RESULT ...`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from align.corpus import run_corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ALIGN_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEV = DATA / "sentence-alignment" / "textberg-defr-dev"
SEEDS = ROOT / "seeds"
CONFIGURATIONS = ("light", "e5")
STARTUP_DOCUMENTS = 2
LABELS = {"1": "align run --workers 1", "2": "align run --workers 2", "ray": "Ray Data, 2 CPUs"}


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


def warm_lexicons(work: Path) -> Path:
    """The German word lists, derived once as the first align run on a machine does (a few seconds) and kept
    under the cache folder; every run starts with a copy of them and nothing else in its cache."""
    warm = work / "warm"
    code = "from align.claims import lexical_name; lexical_name('Hamburg')"
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "ALIGN_CACHE_DIR": str(warm)}, check=True)
    return warm / "lexicons"


def fresh_cache(work: Path, name: str) -> str:
    """A cache folder for one run: the word lists of `warm_lexicons`, no stage results, no embeddings."""
    cache = work / f"cache-{name}"
    shutil.copytree(work / "warm" / "lexicons", cache / "lexicons")
    return str(cache)


def cli_run(corpus: Path, work: Path, name: str, workers: int, options: dict) -> tuple[float, dict]:
    """Wall seconds and summary of `align run CORPUS --workers N` in a fresh process with empty stage caches."""
    out = work / f"out-{name}"
    command = [sys.executable, "-m", "align", "run", str(corpus), "-o", str(out), "--workers", str(workers)]
    command += ["--encoder", options["encoder"], *([] if options["words"] else ["--no-words"]), "--quiet"]
    env = {**os.environ, "ALIGN_CACHE_DIR": fresh_cache(work, name)}
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    seconds = time.perf_counter() - start
    return seconds, json.loads((out / "corpus-summary.json").read_text(encoding="utf-8"))


def ray_run(corpus: Path, work: Path, name: str, options: dict) -> tuple[float, dict]:
    """Wall seconds and summary of `run_corpus(executor="ray")` on a local Ray with 2 CPUs started beforehand."""
    import ray

    os.environ["ALIGN_CACHE_DIR"] = fresh_cache(work, name)  # Ray's workers take the environment of ray.init
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        start = time.perf_counter()
        summary = run_corpus(corpus, work / f"out-{name}", executor="ray", workers=2, **options)
        return time.perf_counter() - start, summary
    finally:
        ray.shutdown()


def run_executor(config: str, corpus: Path, work: Path, name: str, options: dict) -> tuple[float, dict]:
    if config == "ray":
        return ray_run(corpus, work, name, options)
    return cli_run(corpus, work, name, int(config), options)


def measure(args: argparse.Namespace) -> None:
    """One configuration: 1 vs 2 workers vs Ray, `--repeat` alternating rounds; prints its RESULT line."""
    light = args.only == "light"
    options = {"encoder": "length" if light else "e5-small", "words": False if light else args.e5_words}
    configs = ["1", "2"]
    if not args.no_ray:
        try:
            import ray  # noqa: F401

            configs.append("ray")
        except ImportError:
            print("ray: not installed (pip install 'align[ray]'), skipped")
    work = Path(tempfile.mkdtemp(prefix="align-corpus-bench-"))
    try:
        documents = build_corpus(work / "corpus", args.documents if light else args.e5_documents, args.window)
        print(
            f"[{args.only}] {documents} document pairs, encoder={options['encoder']} words={options['words']}; "
            f"cores here: {os.cpu_count()}",
            flush=True,
        )
        warm_lexicons(work)
        small = STARTUP_DOCUMENTS
        for folder in ("de", "en"):
            (work / "small" / folder).mkdir(parents=True)
            for path in sorted((work / "corpus" / folder).glob("textberg_*"))[:small]:
                shutil.copyfile(path, work / "small" / folder / path.name)
        runs: dict[str, list[tuple[float, dict]]] = {c: [] for c in configs}
        startup: dict[str, list[float]] = {c: [] for c in configs}
        for round_ in range(args.repeat):
            for config in configs if round_ % 2 == 0 else configs[::-1]:
                startup[config].append(run_executor(config, work / "small", work, f"s{config}-{round_}", options)[0])
                seconds, summary = run_executor(config, work / "corpus", work, f"{config}-{round_}", options)
                runs[config].append((seconds, summary))
                used = summary["worker_processes"]
                print(
                    f"[{args.only}] round {round_ + 1} {LABELS[config]:24s} {seconds:7.2f} s "
                    f"{documents / seconds:7.2f} docs/s  ({small} pairs: {startup[config][-1]:5.2f} s)  "
                    f"document CPU {used['document_cpu_s']:6.2f} s  "
                    f"{used['count']} processes, peak {used['peak_mb']:.0f} MB",
                    flush=True,
                )
        best = {c: min(runs[c], key=lambda run: run[0]) for c in configs}
        for config in configs:
            seconds, summary = best[config]
            times = [run[0] for run in runs[config]]
            print(
                f"[{args.only}] best {LABELS[config]:24s} {documents / seconds:7.2f} docs/s  "
                f"spread {max(times) / min(times):.2f}x over {len(times)} rounds  "
                f"done={summary['done']} failed={summary['failed']} sentences={summary['sentences']}"
            )
        summaries = [best[c][1] for c in configs]
        same = all(
            (s["sentences"], s["findings"]) == (summaries[0]["sentences"], summaries[0]["findings"]) for s in summaries
        )
        print(f"[{args.only}] all executors agree on sentences and findings: {same}")
        peaks = {c: max(run[1]["worker_processes"]["peak_mb"] for run in runs[c]) for c in configs}
        print(
            f"[{args.only}] peak RSS per process that ran documents: "
            + ", ".join(f"{LABELS[c]} {peaks[c]:.0f} MB" for c in configs)
        )
        rates = {c: documents / best[c][0] for c in configs}
        extra = {c: best[c][0] - min(startup[c]) for c in configs}  # <= 0 when the corpus is too short to tell
        marginal = {c: (documents - small) / extra[c] if extra[c] > 0 else float("nan") for c in configs}
        print(
            f"[{args.only}] beyond start-up ((N - {small}) / (time for N - time for {small} pairs), best rounds): "
            + ", ".join(f"{LABELS[c]} {marginal[c]:.2f} docs/s" for c in configs)
        )
        spread = {c: max(r[0] for r in runs[c]) / min(r[0] for r in runs[c]) for c in configs}
        cpu = {c: best[c][1]["worker_processes"]["document_cpu_s"] for c in configs}
        fields = {
            "docs_per_s_1": f"{rates['1']:.2f}",
            "docs_per_s_2": f"{rates['2']:.2f}",
            "ratio_2_vs_1": f"{rates['2'] / rates['1']:.2f}",
            "docs_per_s_ray": f"{rates['ray']:.2f}" if "ray" in rates else "n/a",
            "ratio_ray_vs_1": f"{rates['ray'] / rates['1']:.2f}" if "ray" in rates else "n/a",
            "marginal_ratio_2_vs_1": f"{marginal['2'] / marginal['1']:.2f}",
            "marginal_ratio_ray_vs_1": f"{marginal['ray'] / marginal['1']:.2f}" if "ray" in marginal else "n/a",
            "cpu_ratio_2_vs_1": f"{cpu['2'] / cpu['1']:.2f}",
            "spread_max": f"{max(spread.values()):.2f}",
            "peak_mb_1": f"{peaks['1']:.0f}",
            "peak_mb_per_worker": f"{peaks['2']:.0f}",
            "peak_mb_per_ray_worker": f"{peaks['ray']:.0f}" if "ray" in peaks else "n/a",
        }
        print("RESULT " + " ".join(f"{args.only}_{key}={value}" for key, value in fields.items()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--documents", type=int, default=400, help="pairs in the light corpus (at most ~800)")
    parser.add_argument("--e5-documents", type=int, default=40, help="pairs in the e5 corpus")
    parser.add_argument("--window", type=int, default=20, help="gold beads (about sentences) per document")
    parser.add_argument("--e5-words", action="store_true", help="e5 configuration: also align words (slower)")
    parser.add_argument(
        "--configurations",
        default=",".join(CONFIGURATIONS),
        help="comma-separated, from: light, e5 (each runs in its own process)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds, alternating the order; the best is reported")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray executor")
    parser.add_argument("--only", choices=CONFIGURATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        measure(args)
        return
    chosen = [c.strip() for c in args.configurations.split(",") if c.strip()]
    unknown = sorted(set(chosen) - set(CONFIGURATIONS))
    if unknown:
        parser.error(f"unknown configuration {', '.join(unknown)}; choose from {', '.join(CONFIGURATIONS)}")
    passed = [
        *("--documents", str(args.documents), "--e5-documents", str(args.e5_documents)),
        *("--window", str(args.window), "--repeat", str(args.repeat)),
        *(["--e5-words"] if args.e5_words else []),
        *(["--no-ray"] if args.no_ray else []),
    ]
    results = []
    for config in chosen:
        # One process per configuration: its own fork server (what it preloads), caches and peak memory.
        with subprocess.Popen(
            [sys.executable, __file__, "--only", config, *passed], stdout=subprocess.PIPE, text=True
        ) as child:
            for line in child.stdout or ():
                if line.startswith("RESULT "):
                    results.append(line.removeprefix("RESULT ").strip())
                else:
                    print(line, end="", flush=True)
        if child.returncode:
            sys.exit(f"the {config} configuration failed (exit {child.returncode})")
    print("RESULT " + " ".join(results))


if __name__ == "__main__":
    main()
