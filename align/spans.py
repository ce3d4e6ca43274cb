"""The span every located piece of text is: a sentence (`align.segment.Segment`), a token (`align.tokenize.Token`),
a line of a presegmented file. Character offsets into the document are the single truth, as in spaCy's `Span`:
`text == document_text[start:end]`, so any piece can be marked in the document it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """`text` and where it is: `document_text[start:end]`."""

    text: str
    start: int
    end: int


def text_and_start(piece: Span | str) -> tuple[str, int]:
    """A span's text and start, or a plain string's at offset 0 (sentences given as strings, as tests and
    notebooks write them)."""
    return (piece, 0) if isinstance(piece, str) else (piece.text, piece.start)
