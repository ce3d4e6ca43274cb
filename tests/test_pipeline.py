"""`align run` and `align report` on the seeds: every output, the stage cache, interruptions, bad input."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

import align.pipeline as pipeline
import align.report.html
from align.cache import cache_path
from tests.conftest import SEEDS

SEED = "000_196887d79a86fdb7.txt"
GOLD_BEADS = SEEDS / "gold" / "000_196887d79a86fdb7.beads"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_run_writes_every_output_and_matches_the_gold(tmp_path, cache):
    out = tmp_path / "out"
    summary = pipeline.run(SEEDS / "de" / SEED, out, reference=SEEDS / "en" / SEED)
    names = {p.name for p in out.iterdir()}
    assert {"reference.beads", "reference.findings.jsonl", "reference.words.jsonl", "reference.html"} <= names
    assert {"report.html", "summary.json"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    assert (out / "reference.beads").read_text(encoding="utf-8").split() == GOLD_BEADS.read_text(
        encoding="utf-8"
    ).split()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == json.loads(json.dumps(summary))
    assert "hf download Helsinki-NLP/opus-mt-de-en" in summary["translation"]["skipped"]
    figures = [json.loads(line) for line in (out / "reference.findings.jsonl").read_text().splitlines()]
    figure_problems = [f["message"] for f in figures if f["kind"] == "figure" and f["status"] != "preserved"]
    assert figure_problems == []
    words = [json.loads(line) for line in (out / "reference.words.jsonl").read_text().splitlines()]
    assert len(words) == 19 and all(w["links"] for w in words)


def test_translation_file_takes_the_place_of_mt(tmp_path, cache):
    mutated = tmp_path / "mt.txt"
    mutated.write_text(
        (SEEDS / "en" / SEED).read_text(encoding="utf-8").replace("2.45 percent", "2.54 percent"), encoding="utf-8"
    )
    summary = pipeline.run(SEEDS / "de" / SEED, tmp_path / "out", translation=mutated, reference=SEEDS / "en" / SEED)
    assert set(summary["pairs"]) == {"reference", "mt", "mt-vs-reference"}
    assert summary["pairs"]["mt"]["findings"].get("changed", {}).get("figure") == 1
    assert summary["pairs"]["mt-vs-reference"]["findings"].get("changed", {}).get("figure") == 1
    assert not summary["pairs"]["reference"]["findings"].get("changed")


def test_rerun_after_an_edit_redoes_only_the_edited_bead(tmp_path, cache, monkeypatch):
    source, reference = SEEDS / "de" / SEED, SEEDS / "en" / SEED
    pipeline.run(source, tmp_path / "first", reference=reference)
    with sqlite3.connect(cache_path()) as db:
        stages = {stage for (stage,) in db.execute("SELECT DISTINCT stage FROM entries")}
    assert {"beads", "words"} <= stages

    import align.words

    calls: list[int] = []
    original = align.words.align_word_lists

    def counting(pairs, *args, **kwargs):
        calls.append(len(pairs))
        return original(pairs, *args, **kwargs)

    monkeypatch.setattr(align.words, "align_word_lists", counting)
    monkeypatch.setattr(pipeline, "align_texts", lambda *a, **k: pytest.fail("beads should come from the cache"))
    pipeline.run(source, tmp_path / "second", reference=reference)
    assert calls == []

    edited = tmp_path / "edited.txt"
    edited.write_text(
        reference.read_text(encoding="utf-8").replace("Muted market reaction", "Market reaction muted"),
        encoding="utf-8",
    )
    monkeypatch.undo()
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(cache))
    monkeypatch.setattr(align.words, "align_word_lists", counting)
    pipeline.run(source, tmp_path / "third", reference=edited)
    assert calls == [1], "only the edited sentence's bead gets new word links"


def test_interrupted_run_leaves_no_partial_files(tmp_path, cache, monkeypatch):
    out = tmp_path / "out"

    def interrupted(*args, **kwargs):  # Ctrl-C while the page is being written, its first piece out
        yield "<!doctype html><html>"
        raise KeyboardInterrupt

    monkeypatch.setattr(align.report.html, "html_pieces", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(SEEDS / "de" / SEED, out, reference=SEEDS / "en" / SEED, words=False)
    assert not out.exists()  # the outputs are built beside OUT and moved in only when all are there
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []  # nor a half-built folder beside it


def test_check_returns_a_displayable_result(cache):
    result = pipeline.check(SEEDS / "de" / SEED, SEEDS / "en" / SEED, words=False)
    assert len(result.beads) == 19
    html = result._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "bead-18" in html


def _align(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "align", *args], capture_output=True, text=True, check=False)


def test_cli_run_and_report(tmp_path, cache):
    report = tmp_path / "report.html"
    result = _align("report", str(SEEDS / "de" / SEED), str(SEEDS / "en" / SEED), "--no-words", "-o", str(report))
    assert result.returncode == 0, result.stderr
    assert "bead-18" in report.read_text(encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    result = _align("run", str(bad), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and str(bad) in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "summary.json").exists()
    missing = _align("run", str(SEEDS / "de" / SEED), "--model", str(tmp_path / "nomodel"), "-o", str(tmp_path / "o"))
    assert missing.returncode == 3 and "hf download" in missing.stderr


def test_run_with_a_marian_model_aligns_mt_by_construction(tmp_path, cache):
    from tests.support.tiny_marian import build_tiny_marian

    model = build_tiny_marian(tmp_path / "tiny-marian")
    summary = pipeline.run(SEEDS / "de" / SEED, tmp_path / "out", model=str(model), words=False)
    mt = summary["pairs"]["mt"]
    assert summary["translation"]["model"]
    assert summary["translation"]["signature"].startswith("model:tiny-marian|weights:")
    assert mt["signatures"]["translation"] == summary["translation"]["signature"]
    assert mt["signatures"]["sentences"] == "one per source sentence"
    assert mt["source_segments"] == 19 and mt["beads"] == 19
    assert set(mt["bead_types"]) <= {"1-1", "1-0"}
    assert (tmp_path / "out" / "mt.txt").read_text(encoding="utf-8").count("\n\n") >= 11


def test_unrelated_documents_warn_in_the_summary(tmp_path, cache, capsys):
    summary = pipeline.run(
        SEEDS / "de" / SEED, tmp_path / "out", reference=SEEDS / "en" / "004_06f121a0a3444192.txt", words=False
    )
    assert any("unreliable" in w for w in summary["pairs"]["reference"]["warnings"])
    assert "align: warning (reference): sentence alignment looks unreliable" in capsys.readouterr().err


def test_a_stale_cache_entry_is_recomputed(tmp_path, cache):
    first = pipeline.check(SEEDS / "de" / SEED, SEEDS / "en" / SEED, words=False)
    with sqlite3.connect(cache_path()) as db:
        db.execute("UPDATE entries SET value = ? WHERE stage = 'beads'", (b'["not", "beads"]',))
    again = pipeline.check(SEEDS / "de" / SEED, SEEDS / "en" / SEED, words=False)
    assert again.beads == first.beads


def test_rerun_after_an_edit_embeds_only_the_edited_sentence(tmp_path, cache, monkeypatch):
    import align.encoders as encoders

    source, reference = SEEDS / "de" / SEED, SEEDS / "en" / SEED
    monkeypatch.setattr(encoders, "_CACHE", {})
    pipeline.run(source, tmp_path / "first", reference=reference, words=False)
    edited = tmp_path / "edited.txt"
    edited.write_text(
        reference.read_text(encoding="utf-8").replace("Muted market reaction", "Market reaction muted"),
        encoding="utf-8",
    )
    embedded: list[str] = []
    original = encoders._run

    def counting(encoder, texts):
        embedded.extend(texts)
        return original(encoder, texts)

    monkeypatch.setattr(encoders, "_CACHE", {})
    monkeypatch.setattr(encoders, "_run", counting)
    summary = pipeline.run(source, tmp_path / "second", reference=edited, words=False)
    assert embedded == ["Market reaction muted"]
    assert summary["pairs"]["reference"]["bead_types"] == {"1-1": 19}


@pytest.mark.parametrize(
    ("german", "english", "expected"),
    [
        (
            "Siemens meldete 3,1 Mrd. Euro, Bosch 2,5 Mrd. Euro.",
            "Bosch reported EUR 2.6 billion, Siemens EUR 3.2 billion.",
            {("3100000000", "3200000000"), ("2500000000", "2600000000")},
        ),
        (
            "Frankreich wuchs um 1,2 %, Italien um 0,7 %, Spanien um 2,3 %.",
            "Spain grew by 2.4%, France by 1.3% and Italy by 0.8%.",
            {("1.2", "1.3"), ("0.7", "0.8"), ("2.3", "2.4")},
        ),
    ],
)
def test_word_links_decide_which_changed_figure_is_which(cache, german, english, expected):
    """Reordered in translation and every value changed: text order would pair the wrong figures."""
    from align.documents import document_from_text
    from align.sentences import Bead

    def changed(words: bool) -> set[tuple[str, str]]:
        result = pipeline.compare_documents(
            document_from_text(german, "de"),
            document_from_text(english, "en"),
            beads=(Bead((0,), (0,), 1.0),),
            words=words,
        )
        return {(f.source.value, f.target.value) for f in result.findings if f.status == "changed"}

    assert changed(words=True) == expected
    assert changed(words=False) != expected


def test_a_document_longer_than_the_shown_limit_links_words_only_where_needed(monkeypatch):
    monkeypatch.setattr(pipeline, "WORD_LINKS_SHOWN_LIMIT", 3)
    result = pipeline.check(SEEDS / "de" / SEED, SEEDS / "en" / SEED, encoder="length", words=True)
    assert len(result.beads) > 3
    assert any("word links made only where they decide" in w for w in result.warnings)
    assert len(result.words) < len(result.beads)
    assert '<ul class="notes"><li>word links made only where they decide' in result.html()
