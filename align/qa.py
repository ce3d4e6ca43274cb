"""The standard QA checks reviewers and CI expect next to figures (Xbench, Verifika): empty and untranslated
targets, inline tags, terminology against a glossary, and inconsistent translations.

Every check gives `Finding`s with the usual statuses, so the report writers, `--severity`, `--fail-on`, baselines
and fingerprints work for them as for figures:

| rule                    | default | what                                                                        |
|-------------------------|---------|-----------------------------------------------------------------------------|
| `empty.dropped`         | error   | the source has text, the target none (bilingual files and pairs only)       |
| `untranslated.dropped`  | warning | the target is the source (same words, figures aside) or is in the source     |
|                         |         | language (language identification, sure and at least three words)           |
| `tag.dropped`           | error   | an inline tag or placeholder of the source is missing in the target         |
| `tag.added`             | error   | the target has an inline tag the source has not                             |
| `tag.changed`           | warning | aspect `order`: the paired tags (`<g>`, `<bpt>`/`<ept>`, ...) are in another |
|                         |         | order or nesting                                                            |
| `term.changed`          | warning | a glossary source term is in the source, none of its approved translations  |
|                         |         | in the target                                                               |
| `inconsistency.changed` | warning | aspect `translation`: one source translated two ways; aspect `source`: two   |
|                         |         | different sources given one translation (in a file, across the files of one |
|                         |         | run, or across the beads of a document pair)                                |

A target that is only figures, names, URLs or code is never `untranslated`: the same words must include a
lowercase content word and the text must read as the source language.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from align.beads import Bead
from align.claims import Cue
from align.documents import PLACEHOLDER_FIRST, PLACEHOLDER_LAST
from align.errors import InputError
from align.findings import Finding, severity
from align.spans import Span, text_and_start

if TYPE_CHECKING:
    from align.bilingual import Placeholder

_TAGS = f"{chr(PLACEHOLDER_FIRST)}-{chr(PLACEHOLDER_LAST)}"
_TAG_RE = re.compile(f"[{_TAGS}]")
# Link targets, e-mail addresses, file paths and file or domain names: never words to translate.
_NOT_A_WORD_RE = re.compile(
    r"://|^www\.|@\S*\.|/|\.(?:com|org|net|de|at|ch|eu|io|gov|edu|html?|pdf|xml|json|txt|md|py|exe|zip)$",
    re.IGNORECASE,
)
_LETTER_RE = re.compile(r"[^\W\d_]")
_DIGIT_RE = re.compile(r"\d")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_EDGE_PUNCT = "\"'“”„‚‘’«»‹›()[]{}<>.,;:!?¿¡…–—-*_/\\|#%&+=~^`"
_CODE_RE = re.compile(r"[_{}$%@#=<>\\]|[a-z][A-Z]|^[A-Z]{2,}$")  # snake_case, camelCase, {0}, %s, ACRONYM
# Function words that say nothing about the language of a short text.
_FUNCTION_WORDS = frozenset(
    "der die das den dem des ein eine einen einem einer eines und oder von zu zum zur im in am an auf aus bei mit "
    "für vor nach über unter um bis ab the a an and or of to in on at by for with from".split()
)
LANGUAGE_SURE = 0.9  # a target is in the source language (untranslated) when language identification is this sure
LANGUAGE_SAMPLE = 200  # characters of a target enough to tell its language
MIN_WORDS_FOR_LANGUAGE = 3  # ... and it has at least this many words: short strings are names, codes, titles
_QUOTE_LENGTH = 60  # longest text quoted in a message
_ORDERED_TAGS = frozenset({"g", "mrk", "pc", "hi", "bpt", "ept", "bx", "ex", "sc", "ec", "it"})  # paired tag parts
_TAG_NAME_RE = re.compile(r"</?([\w:.-]+)")
_GERMAN_SUFFIXES = "(?:e|en|n|s|es|er|ern|em|ns)?"  # inflection endings a German source term may take
_TERM_TOLERANCE_MIN = 4  # shorter words get no inflection tolerance ('Rat' must not match 'Rate')
_DEPRECATED = ("deprecated", "superseded", "forbidden", "notrecommended")


def _quoted(text: str) -> str:
    text = " ".join(_TAG_RE.sub(" ", text).split())
    return text if len(text) <= _QUOTE_LENGTH else text[: _QUOTE_LENGTH - 1] + "…"


def plain(text: str) -> str:
    """`text` without inline-tag placeholders."""
    return _TAG_RE.sub("", text)


def normalized(text: str) -> str:
    """The form two segments are compared in for consistency: NFC, no inline tags, whitespace runs as one space,
    trimmed, case-folded."""
    return " ".join(unicodedata.normalize("NFC", _TAG_RE.sub(" ", text)).split()).casefold()


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def words(text: str) -> list[str]:
    """The words of `text` that could need translating: no figures, tags, URLs, e-mail addresses or paths."""
    out = []
    for token in _TAG_RE.sub(" ", text).split():
        word = token.strip(_EDGE_PUNCT)
        if word and _LETTER_RE.search(word) and not _DIGIT_RE.search(word) and not _NOT_A_WORD_RE.search(word):
            out.append(word)
    return out


def _letters(text: str) -> str:
    return " ".join(_LETTERS_RE.findall(text)).casefold()


def _translatable(found: Sequence[str]) -> bool:
    """Whether words the source and target share are text to translate rather than names, codes or a title: two
    or more words, one of them a lowercase content word."""
    return len(found) >= 2 and any(
        w[0].islower() and len(w) >= 3 and w.casefold() not in _FUNCTION_WORDS and not _CODE_RE.search(w) for w in found
    )


def _language(text: str) -> tuple[str, float]:
    from align.language import identify

    return identify(" ".join(_TAG_RE.sub(" ", text[:LANGUAGE_SAMPLE]).split()))


def _finding(
    status: str,
    kind: str,
    message: str,
    bead: int,
    severities: Mapping[str, str] | None,
    aspect: str = "",
    source: Cue | None = None,
    target: Cue | None = None,
) -> Finding:
    return Finding(status, kind, severity(f"{kind}.{status}", severities), message, bead, aspect, source, target)


# --- empty and untranslated targets ---------------------------------------------------------------------------


def empty_target(
    source: str, target: str, bead: int = 0, severities: Mapping[str, str] | None = None
) -> Finding | None:
    """`empty.dropped` when the source has text (letters or digits) and the target has none (tags aside)."""
    if plain(target).strip() or not any(ch.isalnum() for ch in plain(source)):
        return None
    return _finding(
        "dropped",
        "empty",
        f"empty target: '{_quoted(source)}' is not translated",
        bead,
        severities,
        source=Cue(kind="text", text=source, start=0, end=len(source)),
    )


def untranslated(
    source: str,
    target: str,
    src_lang: str = "de",
    tgt_lang: str = "en",
    bead: int = 0,
    severities: Mapping[str, str] | None = None,
    target_start: int = 0,
) -> Finding | None:
    """`untranslated.dropped` when the target says the source's own words (figures aside) and they read as the
    source language, or when the target is, for sure, in the source language (`LANGUAGE_SURE`)."""
    if _primary(src_lang) == _primary(tgt_lang) or not _LETTER_RE.search(target):
        return None
    if _letters(source) == _letters(target):
        target_words = words(target)
        same = [w.casefold() for w in words(source)] == [w.casefold() for w in target_words]
    else:
        target_words, same = [], False
    if not same:
        language, probability = _language(target)
        if language != _primary(src_lang) or probability < LANGUAGE_SURE:
            return None
        target_words = words(target)
        if len(target_words) < MIN_WORDS_FOR_LANGUAGE:
            return None
    if not _translatable(target_words):
        return None
    if same:
        if _language(target)[0] != _primary(src_lang):
            return None
        message = f"untranslated: the target is the source '{_quoted(target)}'"
    else:
        message = f"untranslated: the target '{_quoted(target)}' is {src_lang} (language identification)"
    cue = Cue(kind="text", text=target, start=target_start, end=target_start + len(target))
    return _finding("dropped", "untranslated", message, bead, severities, "same" if same else "language", None, cue)


# --- inline tags -----------------------------------------------------------------------------------------------


def _tag_name(markup: str) -> str:
    match = _TAG_NAME_RE.match(markup)
    return match.group(1).rpartition(":")[2] if match else ""


def tag_findings(
    source: str,
    target: str,
    placeholders: Iterable[Placeholder],
    bead: int = 0,
    severities: Mapping[str, str] | None = None,
) -> list[Finding]:
    """`tag.dropped`, `tag.added` for each inline tag (placeholder character, `align.bilingual`) missing in or
    added to the target, and one `tag.changed` (aspect `order`) when the paired tags are in another order."""
    markup = {p.marker: p.markup for p in placeholders if not p.markup.startswith(("<!--", "<?"))}
    if not markup:
        return []
    src = [(i, ch) for i, ch in enumerate(source) if ch in markup]
    tgt = [(i, ch) for i, ch in enumerate(target) if ch in markup]
    src_count, tgt_count = Counter(ch for _, ch in src), Counter(ch for _, ch in tgt)
    findings = []
    for side, other, status in ((src, tgt_count, "dropped"), (tgt, src_count, "added")):
        seen: Counter[str] = Counter()
        for i, ch in side:
            seen[ch] += 1
            if seen[ch] > other[ch]:
                cue = Cue(kind="tag", text=markup[ch], start=i, end=i + 1)
                what = "missing in the target" if status == "dropped" else "not in the source"
                findings.append(
                    _finding(
                        status,
                        "tag",
                        f"tag {what}: {_quoted(markup[ch])}",
                        bead,
                        severities,
                        source=cue if status == "dropped" else None,
                        target=cue if status == "added" else None,
                    )
                )
    common = src_count & tgt_count
    ordered = {ch for ch in common if _tag_name(markup[ch]) in _ORDERED_TAGS}

    def sequence(side: list[tuple[int, str]]) -> list[tuple[int, str]]:
        kept: Counter[str] = Counter()
        out = []
        for i, ch in side:
            if ch in ordered and kept[ch] < common[ch]:
                kept[ch] += 1
                out.append((i, ch))
        return out

    src_seq, tgt_seq = sequence(src), sequence(tgt)
    if [ch for _, ch in src_seq] != [ch for _, ch in tgt_seq]:
        k = next(n for n, (a, b) in enumerate(zip(src_seq, tgt_seq, strict=True)) if a[1] != b[1])
        (i, s), (j, t) = src_seq[k], tgt_seq[k]
        findings.append(
            _finding(
                "changed",
                "tag",
                f"tag order changed: {_quoted(markup[s])} where the source has it, {_quoted(markup[t])} in the target",
                bead,
                severities,
                "order",
                Cue(kind="tag", text=markup[s], start=i, end=i + 1),
                Cue(kind="tag", text=markup[t], start=j, end=j + 1),
            )
        )
    return findings


# --- terminology -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One glossary entry: a source term and its approved translations."""

    source: str
    targets: tuple[str, ...]


def _source_pattern(term: str) -> re.Pattern[str]:
    parts = []
    for word in term.split():
        tolerant = len(word) >= _TERM_TOLERANCE_MIN and word[-1].isalpha()
        parts.append(re.escape(word) + (_GERMAN_SUFFIXES if tolerant else ""))
    return re.compile(r"(?<!\w)" + r"[\s\u00a0]+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _target_pattern(term: str) -> re.Pattern[str]:
    parts = []
    for word in term.split():
        if len(word) >= 3 and word[-1] == "y" and word[-2] not in "aeiou":
            parts.append(re.escape(word[:-1]) + "(?:y|ies)")
        elif len(word) >= 3 and word[-1].isalpha():
            parts.append(re.escape(word) + "(?:s|es|'s|s'|’s)?")
        else:
            parts.append(re.escape(word))
    return re.compile(r"(?<!\w)" + r"[\s\u00a0-]+".join(parts) + r"(?!\w)", re.IGNORECASE)


class Glossary:
    """Approved translations of source terms (`--glossary FILE`), matched case-insensitively at word boundaries;
    a German source term also in its inflected forms (-s, -es, -n, -en, -e, -er, -ern, -em), an English target term
    also in its plural."""

    def __init__(self, terms: Iterable[Term], path: str = "") -> None:
        merged: dict[str, list[str]] = {}
        for term in terms:
            key = " ".join(term.source.split())
            if key:
                targets = merged.setdefault(key, [])
                targets += [t for t in (" ".join(x.split()) for x in term.targets) if t and t not in targets]
        self.terms = tuple(Term(s, tuple(t)) for s, t in merged.items() if t)
        self.path = path
        self._compiled = tuple(
            (term, _source_pattern(term.source), tuple(_target_pattern(t) for t in term.targets)) for term in self.terms
        )

    def __len__(self) -> int:
        return len(self.terms)

    def __repr__(self) -> str:
        return f"Glossary({len(self.terms)} terms from {self.path or '<memory>'})"

    def findings(
        self,
        source_pieces: Sequence[tuple[str, int]],
        target: str,
        bead: int = 0,
        severities: Mapping[str, str] | None = None,
    ) -> list[Finding]:
        """`term.changed` for each term said in the source (`(text, offset)` pieces) whose approved translations
        are all absent from `target`."""
        findings = []
        for term, pattern, targets in self._compiled:
            match, offset = next(
                ((m, off) for text, off in source_pieces for m in [pattern.search(text)] if m is not None),
                (None, 0),
            )
            if match is None or any(t.search(target) for t in targets):
                continue
            expected = " or ".join(f"'{t}'" for t in term.targets)
            findings.append(
                _finding(
                    "changed",
                    "term",
                    f"term: '{match.group(0)}' ({term.source}) should be {expected}",
                    bead,
                    severities,
                    source=Cue(
                        kind="term", text=match.group(0), start=offset + match.start(), end=offset + match.end()
                    ),
                )
            )
        return findings


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _tbx_terms(path: str, languages: tuple[str, str]) -> list[Term]:
    from align.bilingual import XML_LANG, _parse_xml

    root = _parse_xml(path, path).root
    src_lang, tgt_lang = (_primary(x) for x in languages)
    terms = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        by_language: dict[str, list[str]] = {}
        for lang_set in entry:
            if _local(lang_set.tag) != "langSet":
                continue
            language = _primary(lang_set.get(XML_LANG) or lang_set.get("lang") or "")
            holders = [el for el in lang_set.iter() if _local(el.tag) in ("tig", "ntig", "termSec")] or [lang_set]
            for holder in holders:
                term = next((el for el in holder.iter() if _local(el.tag) == "term"), None)
                notes = " ".join(
                    (el.text or "").lower() for el in holder.iter() if _local(el.tag) in ("termNote", "descrip")
                )
                if term is not None and "".join(term.itertext()).strip():
                    if language == tgt_lang and any(word in notes.replace(" ", "") for word in _DEPRECATED):
                        continue
                    by_language.setdefault(language, []).append("".join(term.itertext()).strip())
        for source in by_language.get(src_lang, ()):
            terms.append(Term(source, tuple(by_language.get(tgt_lang, ()))))
    return terms


def _table_terms(path: str, languages: tuple[str, str]) -> list[Term]:
    from align.files import read_text

    text = read_text(path)
    header = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in header or Path(path).suffix.lower() == ".tsv" else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = [h.strip().lower() for h in rows[0]] if rows else []
    columns = []
    for wanted in (("source", languages[0].lower()), ("target", languages[1].lower())):
        found = [n for n, name in enumerate(names) if name in wanted]
        if not found:
            raise InputError(
                path,
                f"has no '{wanted[0]}' column (its header: {', '.join(names) or 'none'})",
                "give a two-column CSV or TSV glossary with the header source,target (or a TBX file)",
            )
        columns.append(found[0])
    s, t = columns
    return [
        Term(row[s].strip(), tuple(x.strip() for x in row[t].split("|")))
        for row in rows[1:]
        if len(row) > max(s, t) and row[s].strip() and row[t].strip()
    ]


def load_glossary(path: str, languages: tuple[str, str] = ("de", "en")) -> Glossary:
    """A glossary from a TBX file (`termEntry`/`conceptEntry`, `langSet xml:lang`, `term`; deprecated target terms
    left out) or a CSV/TSV file with the header `source,target` (`|` between alternative translations)."""
    where = str(path)
    suffix = Path(where).suffix.lower()
    terms = _tbx_terms(where, languages) if suffix in (".tbx", ".xml") else _table_terms(where, languages)
    glossary = Glossary(terms, where)
    if not glossary.terms:
        raise InputError(
            where,
            f"has no {languages[0]} term with a {languages[1]} translation",
            "give a TBX file with langSets of both languages, or a CSV/TSV with the header source,target",
        )
    return glossary


# --- inconsistency ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslatedText:
    """One translated unit or bead for the consistency pass: `key` names it for the caller, `label` for people;
    the spans are where its source and target are (for the finding's cues)."""

    key: Hashable
    label: str
    source: str
    target: str
    bead: int = 0
    source_span: tuple[int, int] = (0, -1)
    target_span: tuple[int, int] = (0, -1)


def _cue(text: str, span: tuple[int, int]) -> Cue:
    start, end = span
    return Cue(kind="text", text=text, start=start, end=start + len(text) if end < 0 else end)


def inconsistencies(
    segments: Sequence[TranslatedText], severities: Mapping[str, str] | None = None
) -> dict[Hashable, list[Finding]]:
    """`inconsistency.changed` findings by segment key: aspect `translation` where one source (normalized
    whitespace and case, tags aside) has another translation than the one most of its occurrences (or, on a tie,
    the first) have; aspect `source` where one translation stands for another source than most of its
    occurrences. Segments with no letter on a side take no part."""
    usable = [
        (s, normalized(s.source), normalized(s.target))
        for s in segments
        if any(ch.isalpha() for ch in s.source) and any(ch.isalpha() for ch in s.target)
    ]
    out: dict[Hashable, list[Finding]] = {}
    for aspect, value_of in (("translation", 2), ("source", 1)):
        groups: dict[str, list[tuple[TranslatedText, str, str]]] = {}
        for entry in usable:
            _, source, target = entry
            groups.setdefault(source if aspect == "translation" else target, []).append(entry)
        for group in groups.values():
            values = Counter(entry[value_of] for entry in group)
            if len(values) < 2:
                continue
            top = max(values.values())
            usual = next(entry for entry in group if values[entry[value_of]] == top)
            for seg, *_ in (entry for entry in group if entry[value_of] != usual[value_of]):
                if aspect == "translation":
                    message = (
                        f"inconsistent translation: '{_quoted(seg.source)}' is translated "
                        f"'{_quoted(usual[0].target)}' in {usual[0].label}"
                    )
                else:
                    message = (
                        f"inconsistent source: '{_quoted(seg.target)}' translates '{_quoted(usual[0].source)}' "
                        f"in {usual[0].label}"
                    )
                out.setdefault(seg.key, []).append(
                    _finding(
                        "changed",
                        "inconsistency",
                        message,
                        seg.bead,
                        severities,
                        aspect,
                        _cue(seg.source, seg.source_span),
                        _cue(seg.target, seg.target_span),
                    )
                )
    return out


# --- one pair, and the beads of two documents ------------------------------------------------------------------


def check_pair(
    source: str,
    target: str,
    src_lang: str = "de",
    tgt_lang: str = "en",
    bead: int = 0,
    severities: Mapping[str, str] | None = None,
    glossary: Glossary | None = None,
    placeholders: Iterable[Placeholder] = (),
) -> list[Finding]:
    """The QA findings of one unit or sentence pair: empty target (then nothing else), untranslated, tags and
    terminology."""
    empty = empty_target(source, target, bead, severities)
    if empty is not None:
        return [empty]
    findings = []
    same = untranslated(source, target, src_lang, tgt_lang, bead, severities)
    if same is not None:
        findings.append(same)
    findings += tag_findings(source, target, placeholders, bead, severities)
    if glossary is not None:
        findings += glossary.findings([(source, 0)], target, bead, severities)
    return findings


def check_aligned(
    src_segments: Sequence[Span | str],
    tgt_segments: Sequence[Span | str],
    beads: Sequence[Bead],
    src_lang: str = "de",
    tgt_lang: str = "en",
    severities: Mapping[str, str] | None = None,
    glossary: Glossary | None = None,
) -> list[Finding]:
    """The QA findings of two aligned documents: an untranslated target sentence in a bead, terminology per bead,
    and inconsistent translations across beads (no empty-target check: a document's sentences are never empty)."""

    findings: list[Finding] = []
    entries = []
    for number, bead in enumerate(beads):
        src_idx, tgt_idx = bead.source, bead.target
        if not src_idx or not tgt_idx:
            continue
        sources = [text_and_start(src_segments[i]) for i in src_idx]
        targets = [text_and_start(tgt_segments[i]) for i in tgt_idx]
        source_text = " ".join(text for text, _ in sources)
        for text, start in targets:
            own = next((s for s, _ in sources if normalized(s) == normalized(text)), source_text)
            found = untranslated(own, text, src_lang, tgt_lang, number, severities, start)
            if found is not None:
                findings.append(found)
        target_text = " ".join(text for text, _ in targets)
        if glossary is not None:
            findings += glossary.findings(sources, target_text, number, severities)
        entries.append(
            TranslatedText(
                number,
                f"bead {number}",
                source_text,
                target_text,
                number,
                (sources[0][1], sources[-1][1] + len(sources[-1][0])),
                (targets[0][1], targets[-1][1] + len(targets[-1][0])),
            )
        )
    for inconsistent in inconsistencies(entries, severities).values():
        findings += inconsistent
    return sorted(findings, key=lambda f: f.bead)
