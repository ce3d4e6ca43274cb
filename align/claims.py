"""Claims in a German or English segment, model-free: names, negation, hedges, quotes, attributions.

Names: English capitalizes names only, so a capitalized word that does not start a sentence (and is not a
title, weekday or month) is a name. German capitalizes every noun, so a German word counts as a name only
with evidence: an acronym or inner capital ("CSU", "DeepSeek"), a country or language from CLDR (babel),
two capitalized words in a row not led by an article ("Markus Söder", "Buenos Aires"), a person title
before it ("Ministerpräsident Söder"), or the lexicons: spaCy's German lemma table and Brown clusters
(spacy-lookups-data, MIT, loaded once on first use) tell common nouns ("Schubser", "Treibnetzfischerei")
from bare surnames and places ("Flick", "Nantes", "Rakoczy-Reitturnier"). Matching across languages uses
accent-folded string similarity and babel's German and English territory names.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from babel import Locale

from align.documents import PLACEHOLDER_FIRST, PLACEHOLDER_LAST
from align.figures import currency_code


@dataclass(frozen=True)
class Cue:
    """One claim marker: a name, a negation, a hedge, a quotation or an attribution, with its span."""

    kind: str
    text: str
    start: int
    end: int
    key: str = ""


@dataclass(frozen=True)
class Claim:
    """The claim markers of one segment (spans shifted by the segment's offset)."""

    language: str
    names: tuple[Cue, ...] = ()
    negations: tuple[Cue, ...] = ()
    hedges: tuple[Cue, ...] = ()
    quotes: tuple[Cue, ...] = ()
    attributions: tuple[Cue, ...] = ()
    segment: int = 0


_NEGATION = {
    "de": r"nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals|nichts|niemand|weder|ohne|nirgends"
    r"|statt|anstatt|anstelle",
    "en": r"not|no|never|nothing|nobody|none|neither|nor|without|nowhere|cannot|\w+n't|n't|rather than|instead of",
}
_HEDGE = {
    "de": r"könnte|könnten|dürfte|dürften|soll|sollen|angeblich|vermutlich|wahrscheinlich|möglicherweise"
    r"|offenbar|mutmaßlich|vielleicht|scheint|scheinen|womöglich|Berichten zufolge",
    "en": r"could|might|may|reportedly|allegedly|supposedly|probably|possibly|apparently|likely|perhaps"
    r"|seems|seem|appears to|is said to|are said to|is meant to|are meant to|is supposed to|are supposed to"
    r"|is to|are to",
}
_ATTRIBUTION = {
    "de": r"sagte|sagten|sagt|erklärte|erklärten|teilte|teilten|mitteilte|mitteilten|betonte|berichtete"
    r"|berichtet|laut|zufolge|nach Angaben|meinte|kündigte|warnte|schätzte|hob|erzählte|schrieb",
    "en": r"said|says|say|told|stated|announced|explained|stressed|according to|reported|reportedly|warned"
    r"|noted|estimated|emphasized|emphasised|argued|wrote",
}
_QUOTE_RE = re.compile(r"[„“\"»«‚‘]([^„“”\"»«]{2,})[“”\"«»‘’]")
_INLINE_TAGS = f"{chr(PLACEHOLDER_FIRST)}-{chr(PLACEHOLDER_LAST)}"  # inline tags (align.documents)
_TOKEN_RE = re.compile(rf"[^\W\d_][\w’'&.-]*[\w]|[^\W\d_]|\d[\w-]*|[^\s{_INLINE_TAGS}]")  # a tag is no token
_SENTENCE_START = set('.!?:;"„“”»«–—-()[]')
_ARTICLES_DE = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
    "kein",
    "keine",
    "seine",
    "seinen",
    "seinem",
    "seiner",
    "ihre",
    "ihren",
    "ihrem",
    "ihrer",
    "unsere",
    "dieser",
    "diese",
    "dieses",
    "diesem",
    "diesen",
    "jede",
    "jeder",
    "jedes",
    "alle",
    "beim",
    "vom",
    "zum",
    "zur",
    "im",
    "am",
}
_FUNCTION_WORDS_DE = set(
    "ab als also am an auch auf aus außer bei beim bin bis bist da dabei damit dann darum das dass dem den denn der "
    "des dessen deshalb die dies doch dort du durch ein eine einem einen einer eines er es etwa euer falls für gegen "
    "hier hinter ich ihm ihn ihr im in ins indem irgendwann ja je jedoch jetzt kaum mein mit nach nachdem neben noch "
    "nun nur ob obwohl oder ohne pro schon sein seit sich sie sind so sogar solch sondern sowie statt trotz über um "
    "und uns unser unter vom von vor während wann warum was weder weil weiter wenn wer wie wir wo zu zum zur zwar "
    "zwischen nie nicht kein keine heute gestern morgen dazu danach davor zudem dennoch sonst bereits immer "
    "niemand jemand nichts etwas keiner keines jeder jede jedes man alle viele einige manche beide".split()
)
_IDIOM_NOUNS_DE = set("kraft folge frage zukunft richtung ordnung betrieb gefahr ruhe zeit kauf acht angriff".split())
_BEFORE_NAMES_DE = set(
    "hat hatte hatten ist war wird wurde kann konnte soll sollte will wollte muss musste gelang traf sagte sagten "
    "erklärte betonte meinte erzählte schrieb fragte antwortete kritisierte lobte forderte warnte half gewann "
    "verlor besiegte schlug".split()
)
_SPEECH_AND_ACTION_DE = set(
    "sagte erklärte betonte meinte erzählte schrieb forderte warnte kritisierte lobte half traf gewann verlor "
    "besiegte schlug starb wurde war hatte".split()
)
_ADJECTIVE_END_RE = re.compile(r"(?:e|en|em|er|es|n|s)$")
_TITLES = {
    "präsident",
    "präsidentin",
    "ministerpräsident",
    "ministerpräsidentin",
    "kanzler",
    "kanzlerin",
    "minister",
    "ministerin",
    "herr",
    "frau",
    "dr.",
    "prof.",
    "moderator",
    "moderatorin",
    "trainer",
    "chef",
    "chefin",
    "sprecher",
    "sprecherin",
    "bürgermeister",
    "bürgermeisterin",
    "autor",
    "autorin",
    "sänger",
    "sängerin",
    "spieler",
    "spielerin",
    "regisseur",
    "gründer",
    "mitbegründer",
    "ceo",
    "papst",
    "könig",
    "königin",
    "senator",
    "abgeordnete",
    "abgeordneter",
    "stürmer",
    "torhüter",
    "kollege",
    "kollegin",
    "schauspieler",
    "schauspielerin",
    "premierminister",
    "außenminister",
    "regierungschef",
    "vorsitzende",
    "vorsitzender",
    "parteichef",
    "kapitän",
    "gouverneur",
}
_EN_NOT_NAMES = {
    "i",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prime",
    "minister",
    "president",
    "chancellor",
    "mayor",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "ministry",
    "federal",
    "state",
    "government",
    "parliament",
    "court",
    "university",
    "city",
    "council",
    "party",
    "league",
    "cup",
    "club",
    "chairman",
    "ceo",
    "professor",
    "sir",
    "lord",
    "king",
    "queen",
    "pope",
    "national",
    "international",
    "christmas",
    "easter",
    "internet",
    "covid",
    "corona",
    "coronavirus",
    "god",
    "the",
    "a",
    "an",
    "of",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "navy",
    "army",
    "economy",
    "hurricane",
    "ocean",
    "sea",
    "river",
    "mount",
    "lake",
    "island",
    "islands",
    "parks",
    "park",
    "union",
    "nations",
    "united",
    "republic",
    "kingdom",
    "democratic",
    "street",
    "station",
    "airport",
    "company",
    "group",
    "bank",
    "museum",
    "church",
    "school",
    "hospital",
    "police",
    "air",
    "force",
    "house",
    "senate",
    "congress",
    "supreme",
    "high",
    "new",
    "old",
    "great",
    "prize",
    "award",
    "day",
    "war",
    "world",
    "games",
    "olympic",
    "olympics",
    "championship",
    "open",
    "grand",
    "prix",
    "premier",
    "division",
    "bundesliga",
}
_DEMONYM_RE = re.compile(
    r"\w{3,}(?:ish|ese|ian|ean|ican|man)(?:'s|s)?$|greek|thai|swiss|dutch|french|welsh|swede|swedes"
)
_NOUN_SUFFIX_RE = re.compile(
    r"(?:ung|ungen|heit|keit|schaft|tion|tionen|ismus|tät|nis|chen|lein|ie|ien|ik|ur|e|en"
    r"|er|el|ern|eln|s)$"
)


@cache
def _cue_re(table: str, language: str) -> re.Pattern[str]:
    words = {"negation": _NEGATION, "hedge": _HEDGE, "attribution": _ATTRIBUTION}[table][language]
    return re.compile(rf"(?<![\w'’])(?:{words})(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lower case without accents or German ß/umlaut spelling differences, for cross-lingual matching."""
    word = word.lower().replace("ß", "ss").replace("ä", "a").replace("ö", "o").replace("ü", "u")
    word = unicodedata.normalize("NFKD", word)
    word = word.removesuffix("'s").removesuffix("’s")
    return "".join(c for c in word if c.isalnum())


def _skeleton(word: str) -> str:
    return "".join(c for c in word if c not in "aeiouy")


def _spelling(word: str) -> str:
    return word.replace("k", "c").replace("z", "c").replace("ph", "f")


@cache
def _place_names() -> dict[str, str]:
    """German and English country/language names (CLDR via babel), both folded to the English name."""
    table: dict[str, str] = {}
    de, en = Locale("de"), Locale("en")
    for mapping_de, mapping_en in ((de.territories, en.territories), (de.languages, en.languages)):
        for code, name in mapping_en.items():
            if code in mapping_de and " " not in name:
                table[fold(mapping_de[code])] = fold(name)
                table[fold(name)] = fold(name)
    return table


_ACRONYMS = {
    "bip": "gdp",
    "ezb": "ecb",
    "uno": "un",
    "usa": "us",
    "brd": "frg",
    "ddr": "gdr",
    "nato": "nato",
    "eu": "eu",
    "who": "who",
    "iwf": "imf",
    "ki": "ai",
    "fe": "rd",
}


@lru_cache(maxsize=1 << 16)
def similar(a: str, b: str) -> bool:
    """Two spellings of one name across languages: 'Spanien'/'Spain', 'Söder'/'Soeder', 'Alibabas'/'Alibaba'."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb or _ACRONYMS.get(fa) == fb or _ACRONYMS.get(fb) == fa:
        return True
    places = _place_names()
    if fa in places and places[fa] == places.get(fb, fb):
        return True
    short = min(len(fa), len(fb))
    if short >= 4 and (fa.startswith(fb[: max(5, short - 2)]) or fb.startswith(fa[: max(5, short - 2)])):
        return True
    sa, sb = _spelling(fa), _spelling(fb)
    if short >= 4 and (sa in sb or sb in sa):
        return True
    if sa[:2] == sb[:2] and 3 <= short <= 4 and sa[:3] in sb:
        return True
    ka, kb = _skeleton(sa), _skeleton(sb)
    if sa[0] == sb[0] and min(len(ka), len(kb)) >= 4 and (ka.startswith(kb) or kb.startswith(ka)):
        return True
    if sa[:2] == sb[:2] and short >= 5:
        return SequenceMatcher(None, sa, sb).ratio() >= 0.6
    return short >= 4 and SequenceMatcher(None, fa, fb).ratio() >= 0.8


def _cues(kind: str, text: str, language: str, offset: int) -> tuple[Cue, ...]:
    return tuple(
        Cue(kind, m.group(), m.start() + offset, m.end() + offset, m.group().lower())
        for m in _cue_re(kind, language).finditer(text)
    )


# Brown clusters of spaCy's German word list (spacy-lookups-data, MIT) whose most frequent capitalized members are
# proper names: surnames (40, 8), first names (56, 24, 248, 504, 120, 184), places (16, 80, 208, 976, 476, 1116),
# foreign names (220), companies (112), sports clubs (4092), and English words inside German text (924: 'Star',
# 'World', 'Green'), which a translation keeps as they are. Labelled once by reading each cluster's top members.
_NAME_CLUSTERS = frozenset((40, 8, 56, 24, 248, 504, 120, 184, 16, 80, 208, 976, 476, 1116, 220, 112, 4092, 924))


LEXICON_FORMAT = 3  # bump when the derived word lists or their file change
ENGLISH_FREQUENT = -12.0  # log probability above which a lowercase English word is common (the top ~20,000)


def _lookup(name: str) -> dict[str, object]:
    try:
        folder = resources.files("spacy_lookups_data") / "data"
    except ModuleNotFoundError:
        from align.errors import ModelMissingError

        raise ModelMissingError(
            "spacy-lookups-data (the German and English word lists for names)", "pip install spacy-lookups-data"
        ) from None
    return json.loads(gzip.decompress((folder / name).read_bytes()))


def _derived_word_lists() -> dict[str, frozenset[str]]:
    """The five word lists the name rules use, derived from spaCy's German and English tables (about 5 s).

    common: the forms of every German lemma with more forms than itself and its genitive ('Haus', 'Häuser', ...);
    listed: the other forms ('Hanna', 'Hannas'); named/clustered: capitalized German words whose Brown cluster
    is, or is not, a name cluster; english: lowercase English words, from WordNet's lemma index and spaCy's
    lemma table, and every frequent word ('the', 'whom'), so that a capitalized word at the start of an English
    sentence that is none of them ('Tencent', 'Alibaba') is taken for a name.
    """
    forms: dict[str, set[str]] = {}
    for form, lemma in _lookup("de_lemma_lookup.json.gz").items():
        forms.setdefault(str(lemma), {str(lemma)}).add(form)
    common = frozenset(w for lemma, fs in forms.items() if fs - {lemma, lemma + "s"} for w in fs)
    clusters = {
        word: cluster in _NAME_CLUSTERS
        for word, cluster in _lookup("de_lexeme_cluster.json.gz").items()
        if cluster and word[:1].isupper() and word.isalpha()
    }
    return {
        "common": common,
        "listed": frozenset(w for fs in forms.values() for w in fs) - common,
        "named": frozenset(w for w, named in clusters.items() if named),
        "clustered": frozenset(w for w, named in clusters.items() if not named),
        "english": _english_words(),
    }


def _english_words() -> frozenset[str]:
    index = _lookup("en_lemma_index.json.gz")
    lemmas = _lookup("en_lemma_lookup.json.gz")
    frequent = _lookup("en_lexeme_prob.json.gz")
    words = {str(w) for forms in index.values() for w in forms} | set(lemmas) | {str(v) for v in lemmas.values()}
    words |= {w for w, prob in frequent.items() if float(prob) > ENGLISH_FREQUENT and w.islower()}
    return frozenset(w for w in words if w.isalpha() and w.islower())


WORD_LISTS = ("common", "listed", "named", "clustered", "english")


def word_lists_path() -> Path:
    """The SQLite file that holds the derived word lists, under the cache folder."""
    from importlib.metadata import version

    from align.files import cache_dir

    return cache_dir() / "lexicons" / f"spacy-lookups-data-{version('spacy-lookups-data')}-v{LEXICON_FORMAT}.sqlite"


def _fill(connection: sqlite3.Connection, lists: dict[str, frozenset[str]]) -> None:
    connection.execute(
        "CREATE TABLE words (word TEXT NOT NULL, list TEXT NOT NULL, PRIMARY KEY (word, list)) WITHOUT ROWID"
    )
    connection.executemany("INSERT INTO words VALUES (?, ?)", ((w, name) for name in WORD_LISTS for w in lists[name]))
    connection.commit()


@cache
def _word_lists(pid: int) -> sqlite3.Connection:
    """Process `pid`'s read-only connection to the derived word lists (`word_lists_path`).

    Looked up word by word in an indexed SQLite file, a process starts without reading a million words into
    sets (0.4 s and about 100 MB each). The file is derived once (`_derived_word_lists`, written to a temporary
    file and renamed) and derived again when it is damaged; where the cache cannot be written the lists live in
    an in-memory database. Keyed by process id because a connection must not cross a fork.
    """
    path = word_lists_path()
    connection = _open_word_lists(path)
    if connection is None:
        lists = _derived_word_lists()
        with contextlib.suppress(OSError, sqlite3.Error):
            _write_word_lists(path, lists)
        connection = _open_word_lists(path)
        if connection is None:  # the cache folder cannot be written
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            _fill(connection, lists)
    return connection


def _open_word_lists(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a readable word-list file; None when it is missing or damaged. Immutable: no
    locks (so it reads on network storage too), as the file is only ever replaced by a rename, never changed."""
    if not path.is_file():
        return None
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    try:
        connection.execute("SELECT 1 FROM words LIMIT 1")
    except sqlite3.DatabaseError:
        connection.close()
        return None
    return connection


def _write_word_lists(path: Path, lists: dict[str, frozenset[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as connection:
            connection.execute("PRAGMA journal_mode = OFF")  # a private file, renamed into place when complete
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA cache_size = -131072")  # 128 MB: the index is built in memory
            _fill(connection, lists)
        os.replace(partial, path)  # a process that got there first wrote the same lists
    finally:
        Path(partial).unlink(missing_ok=True)


@lru_cache(maxsize=1 << 16)
def in_word_list(name: str, *words: str) -> bool:
    """Whether any of `words` is in the derived word list `name` (one of `WORD_LISTS`)."""
    marks = ", ".join("?" * len(words))
    query = f"SELECT 1 FROM words WHERE word IN ({marks}) AND list = ? LIMIT 1"
    return _word_lists(os.getpid()).execute(query, (*words, name)).fetchone() is not None


def _cluster_names(word: str) -> bool | None:
    """Whether the Brown cluster of a capitalized German word holds names; None for a word in no cluster."""
    query = "SELECT list FROM words WHERE word = ? AND list IN ('named', 'clustered')"
    row = _word_lists(os.getpid()).execute(query, (word,)).fetchone()
    return None if row is None else row[0] == "named"


def _common_german(word: str) -> bool:
    variants = {word, word.lower(), word.replace("ss", "ß"), word.lower().replace("ss", "ß")}
    return in_word_list("common", *variants)


_STREET_RE = re.compile(r"\w\w(?:straße|strasse|platz|gasse|allee|damm|ufer)$")
_DERIVED_NOUN_RE = re.compile(r"(?:ung|heit|keit|schaft|tät|ismus|ion|nis|tum|ling|ei)(?:en|e|s|n)?$")


def _common_compound(word: str) -> bool:
    """'Treibnetzfischerei', 'Mitentscheidungsverfahrens': a word ending in a common German noun."""
    for k in range(2, len(word) - 2):
        head, tail = word[:k], word[k].upper() + word[k + 1 :]
        stems = {tail, tail.removesuffix("s"), tail.removesuffix("es"), tail.removesuffix("n"), tail.removesuffix("en")}
        if not any((len(t) >= 3 and _common_german(t)) or (len(t) >= 5 and _cluster_names(t) is False) for t in stems):
            continue
        if len(tail) >= 4 or any(_common_german(h) or h.lower() in _FUNCTION_WORDS_DE for h in (head, head[:-1])):
            return True
    return False


@lru_cache(maxsize=1 << 16)
def lexical_name(word: str) -> bool:
    """A capitalized German word that the lexicons call a name: in a name cluster and not a common word; or
    in no cluster, unknown to the lemma table and neither a derived noun ('-ung', '-keit') nor a compound."""
    if len(word) < 3 or word.lower() in _FUNCTION_WORDS_DE or _common_german(word):
        return False
    if word.endswith("s") and _cluster_names(word[:-1]):
        return True
    named = _cluster_names(word)
    if named is not None:
        return named
    if in_word_list("listed", word) or _STREET_RE.search(word):
        return True
    return not _DERIVED_NOUN_RE.search(word) and not _common_compound(word)


def _capitalized(word: str) -> bool:
    return word[:1].isupper()


def _names(text: str, language: str, offset: int) -> tuple[Cue, ...]:
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    names: list[Cue] = []
    places = _place_names()
    for i, (word, start, end) in enumerate(tokens):
        if not _capitalized(word) or not word[0].isalpha() or text[end : end + 1] in ("$", "€", "£", "¥"):
            continue
        if currency_code(word) is not None:
            continue
        previous = tokens[i - 1][0] if i else "."
        initial = i == 0 or previous in _SENTENCE_START
        inner_caps = any(c.isupper() and word[k] != "-" for k, c in enumerate(word[1:])) or any(
            c.isdigit() for c in word
        )
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if language == "en":
            low = word.lower().strip(".")
            is_name = (
                low not in _EN_NOT_NAMES
                and not _DEMONYM_RE.match(low)
                and (not initial or inner_caps or (word.isalpha() and not in_word_list("english", low)))
                and "-" not in word
            )
        else:
            pair = nxt if _capitalized(nxt) and nxt[:1].isalpha() else ""
            run = (
                bool(pair)
                and not initial
                and previous.lower() not in _ARTICLES_DE
                and not _capitalized(previous)
                and previous[:1].isalpha()
                and not _NOUN_SUFFIX_RE.search(word.lower())
                and not _NOUN_SUFFIX_RE.search(pair.lower())
            )
            plain = (
                not _NOUN_SUFFIX_RE.search(word.lower())
                and word.lower() not in _FUNCTION_WORDS_DE
                and word.lower() not in _IDIOM_NOUNS_DE
                and (not nxt or not nxt[:1].isupper())
                and (
                    (initial and (nxt == "(" or nxt in _SPEECH_AND_ACTION_DE))
                    or previous.lower() in _BEFORE_NAMES_DE
                    or (previous in ("in", "nach", "aus") and nxt not in _ARTICLES_DE and not nxt[:1].isupper())
                    or (
                        previous[:1].islower()
                        and previous.isalpha()
                        and previous not in _ARTICLES_DE
                        and previous not in _FUNCTION_WORDS_DE
                        and not _ADJECTIVE_END_RE.search(previous)
                    )
                )
            )
            titled = previous.lower().rsplit("-", 1)[-1] in _TITLES and not initial
            is_name = (
                inner_caps
                or plain
                or lexical_name(word)
                or titled
                or fold(word) in places
                or (previous.lower() in _TITLES and not initial)
                or (run and not _common_german(word))
                or (word.isupper() and len(word) > 1)
            )
        if language == "de" and "-" in word and not (is_name and inner_caps_before_hyphen(word)):
            names += _hyphen_part_names(word, start + offset)
            continue
        if is_name and language == "de" and "-" in word and word.split("-")[0].isupper():
            word, end = word.split("-")[0], start + len(word.split("-")[0])
        if is_name:
            names.append(Cue("name", word, start + offset, end + offset, fold(word)))
    return tuple(names)


def _hyphen_part_names(word: str, start: int) -> list[Cue]:
    """The name parts of a German hyphenated compound: 'Rakoczy' in 'Rakoczy-Reitturnier', both in
    'Dingolfing-Landau'; the last part is the compound's head noun, a name only when every part is one."""
    parts = word.split("-")
    found = [_capitalized(p) and p.isalpha() and lexical_name(p) for p in parts]
    if not all(found):
        found[-1] = False
    cues, position = [], start
    for part, is_name in zip(parts, found, strict=True):
        if is_name:
            cues.append(Cue("name", part, position, position + len(part), fold(part)))
        position += len(part) + 1
    return cues


def inner_caps_before_hyphen(word: str) -> bool:
    """'US-amerikanische' and 'DeepSeek-R1' carry a name before the hyphen; 'U-Bahnhof' does not."""
    head = word.split("-")[0]
    return len(head) > 1 and (head.isupper() or any(c.isupper() for c in head[1:]))


def extract_claims(text: str, language: str, offset: int = 0, segment: int = 0) -> Claim:
    """The claim markers of one segment; spans are shifted by `offset`."""
    language = "de" if language.lower().startswith("de") else "en"
    quotes = tuple(Cue("quote", m.group(1), m.start(1) + offset, m.end(1) + offset) for m in _QUOTE_RE.finditer(text))
    return Claim(
        language=language,
        names=_names(text, language, offset),
        negations=_cues("negation", text, language, offset),
        hedges=_cues("hedge", text, language, offset),
        quotes=quotes,
        attributions=_cues("attribution", text, language, offset),
        segment=segment,
    )


def capitalized_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """Every capitalized word with its span: the German side's name candidates for cross-lingual matching."""
    return tuple(
        (m.group(), m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
        if _capitalized(m.group()) and m.group()[0].isalpha()
    )
