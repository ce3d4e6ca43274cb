"""The stage cache is a hint: damaged entries and databases, a read-only, misplaced or full cache never stop a run."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

import align.cache as cache
import align.encoders as encoders
import align.pipeline as pipeline
from tests.conftest import SEEDS

SEED = "004_06f121a0a3444192.txt"
OUTPUTS = ("reference.beads", "reference.findings.jsonl", "reference.words.jsonl", "summary.json")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(folder))
    monkeypatch.setattr(encoders, "_CACHE", {})
    monkeypatch.setattr(cache, "_said", set())
    return folder


def _run(out: Path) -> dict[str, str]:
    encoders._CACHE.clear()  # the disk cache, not the in-memory one, is what is tested
    pipeline.run(SEEDS / "de" / SEED, out, reference=SEEDS / "en" / SEED)
    return {name: (out / name).read_text(encoding="utf-8").replace(str(out), "OUT") for name in OUTPUTS}


@pytest.fixture
def clean(cache_dir, tmp_path) -> dict[str, str]:
    """The outputs of a run from an empty cache, which fills the cache."""
    return _run(tmp_path / "clean")


def _rewrite(stage: str, value: bytes) -> int:
    with sqlite3.connect(cache.cache_path()) as db:
        return db.execute("UPDATE entries SET value = ? WHERE stage = ?", (value, stage)).rowcount


DAMAGE = {
    "null": b"null",
    "truncated": b"[[[0], [0], 1.0",
    "wrong shape": b'{"beads": 3}',
    "out of range": b"[[[0, 99999], [7, 99999]]]",
    "binary": bytes(range(7)),
}


@pytest.mark.parametrize("stage", ["beads", "words", "embeddings"])
@pytest.mark.parametrize("damage", list(DAMAGE), ids=str)
def test_a_damaged_entry_is_discarded_and_recomputed(clean, tmp_path, caplog, stage, damage):
    assert _rewrite(stage, DAMAGE[damage]) > 0
    if stage == "embeddings":  # embeddings are read when sentences are aligned again, not from cached beads
        with sqlite3.connect(cache.cache_path()) as db:
            db.execute("DELETE FROM entries WHERE stage = 'beads'")
    with caplog.at_level(logging.WARNING, logger="align.cache"):
        assert _run(tmp_path / "again") == clean
    assert f"unusable {stage} cache entr" in caplog.text
    assert _run(tmp_path / "third") == clean  # the discarded entries were stored again, whole


@pytest.mark.parametrize("damage", ["garbage", "truncated pages"])
def test_a_damaged_database_is_moved_aside_and_rebuilt(clean, cache_dir, tmp_path, caplog, damage):
    path = cache.cache_path()
    data = path.read_bytes()
    path.write_bytes(b"\x00garbage" * 4096 if damage == "garbage" else data[:4096] + b"\xff" * (len(data) - 4096))
    with caplog.at_level(logging.WARNING, logger="align.cache"):
        assert _run(tmp_path / "again") == clean
    assert "was damaged" in caplog.text
    assert list(cache_dir.glob("cache.sqlite3.damaged-*")) and path.is_file()


def test_a_cache_folder_that_is_a_file_means_running_uncached(clean, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(blocker))
    with caplog.at_level(logging.WARNING, logger="align.cache"):
        assert _run(tmp_path / "uncached") == clean
    assert caplog.text.count("running without it") == 1  # said once, not per stage or per bead


@pytest.mark.parametrize("error", ["attempt to write a readonly database", "database or disk is full"])
def test_an_unwritable_cache_means_running_uncached(clean, tmp_path, monkeypatch, caplog, error):
    real_connect = cache._connect
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(cache, "_connect", lambda path: _ReadOnly(real_connect(path), error))
    with caplog.at_level(logging.WARNING, logger="align.cache"):
        assert _run(tmp_path / "again") == clean
    assert caplog.text.count(error) == 1


class _ReadOnly:
    """A connection whose writes fail as on a read-only or full disk."""

    def __init__(self, connection: sqlite3.Connection, error: str) -> None:
        self.connection, self.error = connection, error

    def execute(self, sql: str, *args):
        return self.connection.execute(sql, *args)

    def executemany(self, sql: str, rows):
        raise sqlite3.OperationalError(self.error)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def close(self) -> None:
        self.connection.close()


def test_store_and_load_survive_an_unwritable_cache_and_say_it_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(cache, "_said", set())
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))

    def full(path):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache, "_connect", full)
    with caplog.at_level(logging.WARNING, logger="align.cache"):
        cache.store("beads", {"k": b"v"})
        assert cache.load("beads", ["k"]) == {}
        assert cache.cached("beads", "k", lambda: 7, lambda v: json.dumps(v).encode(), json.loads) == 7
    assert caplog.text.count("database or disk is full") == 1


def test_word_lists_damaged_after_they_were_opened_are_derived_again(tmp_path, monkeypatch, caplog):
    """A damaged page that the first look at the file did not touch stops no lookup: the lists are derived again."""
    import align.claims as claims

    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    words = sorted(set((SEEDS / "de" / SEED).read_text(encoding="utf-8").split()))
    claims._word_lists.cache_clear()
    claims.in_word_list.cache_clear()
    expected = [claims.in_word_list("common", w) for w in words]
    path = claims.word_lists_path()
    data = bytearray(path.read_bytes())
    half = len(data) // 2
    data[half:] = b"\xa5" * (len(data) - half)  # the first pages stay whole: opening the file still works
    path.write_bytes(bytes(data))
    claims._word_lists.cache_clear()
    claims.in_word_list.cache_clear()
    with caplog.at_level(logging.WARNING, logger="align.claims"):
        assert [claims.in_word_list("common", w) for w in words] == expected
    assert "deriving them again" in caplog.text
    claims._word_lists.cache_clear()
    claims.in_word_list.cache_clear()
