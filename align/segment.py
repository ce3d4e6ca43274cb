"""Sentence segmentation with character spans, German and English.

One regex pass visits only sentence punctuation and bracket/quote characters, so the
splitter runs at tens of MB/s. The abbreviation lists come from pysbd (the maintained
rule-based segmenter) with what it misses added; the rules pysbd gets wrong for our
documents (splits inside quotes and parentheses, at "13. März", after "Mrd.") are decided here:

- never inside quotes or parentheses (when they are balanced within the block),
- never after an abbreviation, an initial ("J.", "U.S."), or a German ordinal ("13. März", "8. Tag"),
- never at an ellipsis, nor at a period followed by a lowercase word,
- never inside protected spans (URLs, inline code).

Inline tags of bilingual files, which `align.bilingual` turns into private-use characters, are transparent: a
period followed by a tag's end and a space ends a sentence as a period followed by a closing quote does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pysbd.lang.deutsch import Deutsch
from pysbd.lang.english import English

from align.documents import PLACEHOLDER_FIRST, PLACEHOLDER_LAST, Block, Document, strip_span
from align.spans import Span

UNSEGMENTED_KINDS = frozenset({"front_matter", "code"})
WHOLE_KINDS = frozenset({"line"})


@dataclass(frozen=True, kw_only=True)
class Segment(Span):
    """One sentence, the `index`th of its document, in block `block`: `text == document.text[start:end]`;
    `protected` spans inside it are left alone."""

    index: int
    block: int
    protected: tuple[tuple[int, int], ...] = ()


_EXTRA_ABBREVIATIONS = {
    "de": (
        "mrd mio tsd bzw ca vgl evtl ggf inkl zzgl usw etc nr nrn str abs s u a o ä z b d h i e v chr hr fr dr prof "
        "dipl ing mag jh jhd jr sen min max std sek mo di mi do fr sa so jan feb mär apr jun jul aug sep sept okt nov "
        "dez bspw sog ebd gegr geb gest verh tel mr mrs ms st co inc ltd corp bzgl ggü mind insb allg"
    ).split(),
    "en": (
        "mr mrs ms dr prof sr jr st no nos vs etc inc ltd corp co e g i approx est dept univ gov sen rep gen col lt "
        "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun fig figs vol vols ed eds p pp "
        "u s a k bn mn tn ca cf al"
    ).split(),
}
_CAN_END_SENTENCE = frozenset({"etc", "usw", "inc", "ltd", "corp", "co", "bzw"})
_STARTERS = frozenset(
    (
        "der die das den dem des ein eine einer es er sie wir ich ihr man dies diese dieser dieses auch aber und "
        "doch so nun dann da damit zudem trotz bei im in am auf mit nach seit vor für als wie was wer wo warum "
        "the a an it he she we i they this that these those there in on at for but and so yet then however "
        "also as after before while when if since although what who why how"
    ).split()
)
_GERMAN_MONTHS = frozenset(
    "januar februar märz april mai juni juli august september oktober november dezember jänner "
    "jan feb mär apr jun jul aug sep sept okt nov dez".split()
)
_EVENT = re.compile(r"[.!?…]+|[\"„“”«»()\[\]]")
_WORD_BEFORE = re.compile(r"([\w][\w.\-]*)$")
_ORDINAL_TAIL = re.compile(r"(?:^|[^\w])(\d+)$")
_INITIALISM = re.compile(r"(?:\w\.)+\w?$")
_CLOSERS = "\"'”“»«)]’"
_OPENERS = {"„": "“”", "“": "”", "«": "»", "»": "«", "(": ")", "[": "]"}


@cache
def abbreviations(language: str) -> frozenset[str]:
    """Lower-case abbreviations (without their final period) that do not end a sentence."""
    source = Deutsch if language == "de" else English
    pysbd = {a.strip().lower().rstrip(".") for a in source.Abbreviation.ABBREVIATIONS}
    return frozenset(pysbd | set(_EXTRA_ABBREVIATIONS.get(language, _EXTRA_ABBREVIATIONS["en"])))


def _balanced(text: str, start: int, end: int) -> frozenset[str]:
    """The quote and bracket characters whose pairs balance in text[start:end]; only these are tracked."""
    chunk = text[start:end]
    tracked = set()
    if chunk.count("(") == chunk.count(")"):
        tracked |= {"(", ")"}
    if chunk.count("[") == chunk.count("]"):
        tracked |= {"[", "]"}
    if chunk.count('"') % 2 == 0:
        tracked.add('"')
    if chunk.count("„") == chunk.count("“") and "”" not in chunk:
        tracked |= {"„", "“"}
    elif chunk.count("“") == chunk.count("”"):
        tracked |= {"“", "”"}
    if chunk.count("«") == chunk.count("»"):
        tracked |= {"«", "»"}
    return frozenset(tracked)


def _is_inline_tag(char: str) -> bool:
    return PLACEHOLDER_FIRST <= ord(char) <= PLACEHOLDER_LAST


def _ends_sentence(text: str, mark_start: int, mark: str, next_start: int, language: str) -> bool:
    """Whether `mark` at `mark_start`, followed by whitespace and text at `next_start`, ends a sentence."""
    while next_start < len(text) and _is_inline_tag(text[next_start]):
        next_start += 1
    if next_start >= len(text):
        return True
    following = text[next_start]
    if "…" in mark or ".." in mark:
        return False
    if following.islower():
        return False
    if mark != ".":
        return True
    word_match = _WORD_BEFORE.search(text, max(0, mark_start - 40), mark_start)
    if not word_match:
        return True
    word = word_match.group(1)
    lower = word.lower()
    next_word = re.match(r"[\w]+", text[next_start : next_start + 40])
    next_lower = next_word.group(0).lower() if next_word else ""
    if lower in abbreviations(language) or (len(word) == 1 and word.isalpha()) or _INITIALISM.fullmatch(word):
        return lower in _CAN_END_SENTENCE and next_lower in _STARTERS
    ordinal = _ORDINAL_TAIL.search(word)
    if ordinal and language == "de" and len(ordinal.group(1)) <= 2:
        return next_lower in _STARTERS and next_lower not in _GERMAN_MONTHS
    return True


def split_sentences(
    text: str, language: str, start: int = 0, end: int | None = None, protected: tuple[tuple[int, int], ...] = ()
) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets, whitespace-stripped) of text[start:end]."""
    end = len(text) if end is None else end
    tracked = _balanced(text, start, end)
    stack: list[str] = []
    spans: list[tuple[int, int]] = []
    sentence_start = start
    protected_iter = iter(sorted(protected))
    guard = next(protected_iter, None)
    consumed = start
    for m in _EVENT.finditer(text, start, end):
        if m.start() < consumed:
            continue
        while guard and guard[1] <= m.start():
            guard = next(protected_iter, None)
        if guard and guard[0] <= m.start() < guard[1]:
            continue
        char = m.group(0)
        if char in tracked:
            _track(stack, char)
            continue
        if char[0] not in ".!?…":
            continue
        position = m.end()
        while position < end and (text[position] in _CLOSERS or _is_inline_tag(text[position])):
            if text[position] in tracked:
                _track(stack, text[position])
            position += 1
        consumed = position
        if stack or position >= end or not text[position].isspace():
            continue
        next_start = position
        while next_start < end and text[next_start].isspace():
            next_start += 1
        if next_start < end and _ends_sentence(text, m.start(), char, next_start, language):
            spans.append((sentence_start, position))
            sentence_start = next_start
    spans.append((sentence_start, end))
    return [s for s in (strip_span(text, a, b) for a, b in spans) if s[0] < s[1]]


def _track(stack: list[str], char: str) -> None:
    """Update the open quote/bracket stack with one quote or bracket character."""
    if stack and char in _OPENERS.get(stack[-1], stack[-1]):
        stack.pop()
    elif char == '"':
        stack.append('"')
    elif char in _OPENERS:
        stack.append(char)


def _block_spans(doc: Document, block: Block) -> list[tuple[int, int]]:
    if block.kind in UNSEGMENTED_KINDS or block.text_start >= block.text_end:
        return []
    if block.kind in WHOLE_KINDS:
        return [(block.text_start, block.text_end)]
    return split_sentences(doc.text, doc.language, block.text_start, block.text_end, block.protected)


def iter_segments(doc: Document) -> Iterator[Segment]:
    """Segments of a document in order, one block at a time (for streaming large files)."""
    index = 0
    for block_index, block in enumerate(doc.blocks):
        for start, end in _block_spans(doc, block):
            inside = tuple((s, e) for s, e in block.protected if start <= s and e <= end)
            yield Segment(
                text=doc.text[start:end], start=start, end=end, index=index, block=block_index, protected=inside
            )
            index += 1


def segment(doc: Document) -> tuple[Segment, ...]:
    """All segments of a document."""
    return tuple(iter_segments(doc))
