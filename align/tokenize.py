"""Word tokens with character spans, as sacremoses' Moses tokenizer cuts them.

Moses already keeps "2,45", "1.500", "52,5" and "32B" whole; this module finds each token's
span in the original text and re-joins the pieces Moses splits off a figure with no space
between them: "$" + "4.6" → "$4.6", "HK" + "$" + "131.5" → "HK$131.5", "−" + "1.59" → "−1.59",
"13" + ":" + "13" → "13:13".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sacremoses import MosesTokenizer

from align.spans import Span


@dataclass(frozen=True)
class Token(Span):
    """A word, a figure or a punctuation mark, with its span."""


_FIGURE = re.compile(r"(?:[A-Z]{1,3})?[$€£¥]?[−+\-]?\d[\d.,:’']*[A-Za-z%]*|[A-Z]{0,3}[$€£¥][−+\-]?\d[\d.,]*")
_JOINABLE = re.compile(r"[A-Z]{1,3}|[$€£¥]|[−+\-]|\d[\d.,’']*[A-Za-z%]*|:")


@cache
def _moses(language: str) -> MosesTokenizer:
    return MosesTokenizer(lang=language if language in ("de", "en") else "en")


def _spans(text: str, pieces: list[str], offset: int) -> list[Token]:
    """Locate each Moses piece in order; pieces Moses rewrote fall back to the next non-space run."""
    tokens = []
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        gap = text[position:found] if found >= 0 else ""
        if found < 0 or gap.strip():
            while position < len(text) and text[position].isspace():
                position += 1
            end = position
            while end < len(text) and not text[end].isspace() and end - position < len(piece):
                end += 1
            if end == position:
                continue
            tokens.append(Token(text[position:end], offset + position, offset + end))
            position = end
            continue
        tokens.append(Token(piece, offset + found, offset + found + len(piece)))
        position = found + len(piece)
    return tokens


def _join_figures(tokens: list[Token]) -> list[Token]:
    """Re-join adjacent pieces (no space between) that together form one figure."""
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        best = i
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].start == tokens[j].end and _JOINABLE.fullmatch(tokens[j + 1].text):
            j += 1
            text = "".join(t.text for t in tokens[i : j + 1])
            if _FIGURE.fullmatch(text) and any(c.isdigit() for c in text):
                best = j
        if best > i:
            joined.append(Token("".join(t.text for t in tokens[i : best + 1]), tokens[i].start, tokens[best].end))
        else:
            joined.append(tokens[i])
        i = best + 1
    return joined


def tokenize(text: str, language: str, offset: int = 0) -> tuple[Token, ...]:
    """Tokens of `text` with spans shifted by `offset` (so spans can point into a whole document)."""
    if not text.strip():
        return ()
    pieces = _moses(language).tokenize(text, escape=False, aggressive_dash_splits=False)
    return tuple(_join_figures(_spans(text, pieces, offset)))
