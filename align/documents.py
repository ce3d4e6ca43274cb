"""Load documents with their block structure; every span slices the original text back exactly.

Formats: plain text (paragraphs separated by blank lines), Markdown (YAML front matter,
headings, list items, quotes, tables, code, links: parsed with markdown-it-py), and
one-sentence-per-line files. Code, URLs and link targets are recorded as protected spans:
later stages never segment, translate or read figures inside them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from align.errors import InputError
from align.files import read_text

# Inline tags of bilingual files (`align.bilingual`) stand in a text as characters of the Unicode private-use area:
# neither letters nor digits, so no figure or word is read from them; sentences and tokens see through them.
PLACEHOLDER_FIRST = 0xE000
PLACEHOLDER_LAST = 0xF8FF

FORMATS = ("text", "markdown", "lines")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
TRANSLATABLE_META_KEYS = ("title", "subtitle", "description", "summary", "excerpt")
FRONT_MATTER_DEPTH = 20  # the deepest nesting of lists and mappings that front matter may have

_LINE_END = re.compile(r"\r\n|\r|\n")
_FRONT_MATTER = re.compile(r"\A---[ \t]*(?:\r\n|\r|\n)(.*?)(?:\r\n|\r|\n)(?:---|\.\.\.)[ \t]*(?=\r\n|\r|\n|\Z)", re.S)
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'\])]+[^\s<>\"'\]).,;:!?]|\bwww\.[^\s<>\"'\])]+[^\s<>\"'\]).,;:!?]")
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]+>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_LINK_ONLY = re.compile(r"\[([^\[\]]+)\]\([^()\s]*(?:\([^()\s]*\))*[^()\s]*(?:\s+\"[^\"]*\")?\)\Z")
_BLANK_LINES = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))*")


@dataclass(frozen=True)
class Block:
    """One structural unit of a document.

    `start`/`end` cover the whole block with its markers; `text_start`/`text_end` the content
    that is segmented and translated (empty for code and front matter); `protected` the spans
    inside it that must be left alone (inline code, URLs, link targets, HTML tags).
    """

    kind: str
    start: int
    end: int
    text_start: int
    text_end: int
    level: int = 0
    protected: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Document:
    id: str
    language: str
    text: str
    format: str
    metadata: dict[str, Any] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    path: str | None = None


_MARKDOWN_SIGNS = re.compile(r"\A---[ \t]*$|^#{1,6}[ \t]+\S|^```|^[ \t]*[-*+][ \t]+\[[^\]]+\]\(", re.M)


def detect_format(path: str | os.PathLike[str], text: str) -> str:
    """Markdown by suffix, or by content (front matter, ATX headings, fences, link lists); else plain text."""
    if str(path).lower().endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    return "markdown" if _MARKDOWN_SIGNS.search(text[:100_000]) else "text"


def load_document(path: str | os.PathLike[str], language: str | None = None, format: str | None = None) -> Document:
    """Read a file (or '-') and parse it; the format follows the suffix unless given."""
    text = read_text(path)
    fmt = format or detect_format(path, text)
    where = "<stdin>" if str(path) == "-" else str(path)
    doc_id = "stdin" if str(path) == "-" else Path(path).stem
    return document_from_text(text, language or guess_language(text), fmt, doc_id, where)


def document_from_text(
    text: str, language: str, format: str = "text", id: str = "", path: str | None = None
) -> Document:
    """Parse `text` in the given format into a Document; `path` is only used in messages."""
    if format not in FORMATS:
        raise InputError(path or "<text>", f"unknown format '{format}'", f"use one of {', '.join(FORMATS)}")
    if format == "markdown":
        metadata, blocks = _markdown_blocks(text, path or "<text>")
    elif format == "lines":
        metadata, blocks = {}, tuple(_line_blocks(text))
    else:
        metadata, blocks = {}, tuple(_paragraph_blocks(text))
    return Document(id=id, language=language, text=text, format=format, metadata=metadata, blocks=blocks, path=path)


def guess_language(text: str) -> str:
    """'de' or 'en' by counting frequent function words in the first 20,000 characters."""
    words = re.findall(r"[a-zäöüß]+", text[:20000].lower())
    german = sum(w in _GERMAN_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return "en" if english > german else "de"


_GERMAN_WORDS = frozenset(
    {
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "einen",
        "dem",
        "den",
        "des",
        "sich",
        "mit",
        "auf",
        "für",
        "von",
        "zu",
        "im",
        "auch",
        "wird",
        "werden",
        "hat",
        "sind",
        "wurde",
        "bei",
        "nach",
        "aus",
        "über",
    }
)
_ENGLISH_WORDS = frozenset(
    {
        "the",
        "and",
        "is",
        "not",
        "a",
        "an",
        "of",
        "to",
        "in",
        "for",
        "on",
        "with",
        "that",
        "this",
        "by",
        "from",
        "was",
        "are",
        "be",
        "has",
        "it",
        "have",
        "were",
        "which",
        "as",
        "at",
        "its",
        "their",
        "will",
        "would",
    }
)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span shrunk so that it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _protected_spans(text: str, start: int, end: int, markdown: bool) -> tuple[tuple[int, int], ...]:
    chunk = text[start:end]
    patterns = (_INLINE_CODE, _LINK_TARGET, _AUTOLINK, _HTML_TAG, _URL) if markdown else (_URL,)
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for m in pattern.finditer(chunk):
            s, e = start + m.start(), start + m.end()
            if pattern is _LINK_TARGET:
                s += 1
            if not any(ps <= s < pe or ps < e <= pe for ps, pe in spans):
                spans.append((s, e))
    return tuple(sorted(spans))


def _content_block(
    kind: str, text: str, start: int, end: int, content: tuple[int, int], markdown: bool, level: int = 0
) -> Block:
    cs, ce = strip_span(text, *content)
    link_only = _LINK_ONLY.match(text, cs, ce) if markdown else None
    if link_only:
        cs, ce = link_only.span(1)
    protected = _protected_spans(text, cs, ce, markdown)
    return Block(kind, start, end, cs, ce, level, protected)


def _paragraph_blocks(text: str) -> list[Block]:
    blocks = []
    position = 0
    for gap in [*_BLANK_LINES.finditer(text), None]:
        stop = gap.start() if gap else len(text)
        start, end = strip_span(text, position, stop)
        if start < end:
            blocks.append(_content_block("paragraph", text, start, end, (start, end), markdown=False))
        position = gap.end() if gap else len(text)
    return blocks


def _line_blocks(text: str) -> list[Block]:
    blocks = []
    position = 0
    for m in [*_LINE_END.finditer(text), None]:
        stop = m.start() if m else len(text)
        start, end = strip_span(text, position, stop)
        if start < end:
            blocks.append(_content_block("line", text, start, end, (start, end), markdown=False))
        position = m.end() if m else len(text)
    return blocks


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _LINE_END.finditer(text)), len(text) + 1]


class _Refused(yaml.MarkedYAMLError):
    """Front matter YAML that is valid but refused: an alias, or nesting deeper than FRONT_MATTER_DEPTH."""


class _FrontMatterLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` without aliases and with bounded nesting.

    An alias (`*name`) repeats a value without copying it, so a few hundred bytes of aliases of aliases expand
    to gigabytes wherever the metadata is written out (the billion-laughs bomb); deep nesting exhausts the
    recursion of the composer and of everything that later walks the values.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            fix = "write the value out in full instead of the alias"
            raise _Refused(problem=f"uses the alias '*{event.anchor}'", problem_mark=event.start_mark, note=fix)
        if isinstance(event, yaml.CollectionStartEvent) and self.depth >= FRONT_MATTER_DEPTH:
            problem = f"nests lists or mappings more than {FRONT_MATTER_DEPTH} levels deep"
            raise _Refused(problem=problem, problem_mark=event.start_mark, note="flatten the value")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _load_front_matter(yaml_text: str, where: str) -> Any:
    """The YAML value of front matter, or an InputError naming the line (counted from the file's first line)."""
    try:
        return yaml.load(yaml_text, Loader=_FrontMatterLoader)
    except _Refused as err:
        raise InputError(
            where,
            f"front matter {err.problem} at line {err.problem_mark.line + 2}, which align refuses",
            str(err.note),
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" line {mark.line + 2}" if mark else ""
        raise InputError(where, f"broken YAML front matter{line}", "fix the YAML between the '---' lines") from None
    except ValueError as err:
        raise InputError(
            where,
            f"front matter has a value YAML cannot read ({str(err).split(';')[0]})",
            "quote it to keep it as text",
        ) from None


def _front_matter(text: str, where: str) -> tuple[dict[str, Any], list[Block], int]:
    """Parse YAML front matter; return the metadata, its blocks and how many lines it spans."""
    m = _FRONT_MATTER.match(text)
    if not m:
        if text.startswith("---") and text[:4].strip() == "---" and "\n" in text[:5].replace("\r", "\n"):
            raise InputError(where, "front matter starts with '---' but is never closed", "end it with a '---' line")
        return {}, [], 0
    metadata = _load_front_matter(m.group(1), where) or {}
    if not isinstance(metadata, dict):
        raise InputError(where, "front matter is not a mapping of keys to values", "write it as 'key: value' lines")
    blocks = [Block("front_matter", 0, m.end(), 0, 0)]
    for key in TRANSLATABLE_META_KEYS:
        value = metadata.get(key)
        if not isinstance(value, str):
            continue
        line = re.search(rf"^{re.escape(key)}:[ \t]*(['\"]?)(.+?)\1[ \t]*$", m.group(1), re.M)
        if line:
            offset = m.start(1)
            s, e = offset + line.start(2), offset + line.end(2)
            blocks.append(Block("meta_value", s, e, s, e))
    lines = len(_LINE_END.findall(text, 0, m.end())) + 1
    return metadata, blocks, lines


_CONTAINERS = {
    "heading_open": "heading",
    "list_item_open": "list_item",
    "blockquote_open": "quote",
    "th_open": "table_cell",
    "td_open": "table_cell",
}
_KIND_PRIORITY = ("heading", "table_cell", "list_item", "quote")


def _inline_kind(stack: list[tuple[str, int]]) -> tuple[str, int]:
    """The kind of an inline run from its enclosing containers: heading > table cell > list item > quote."""
    for kind in _KIND_PRIORITY:
        levels = [level for k, level in stack if k == kind]
        if levels:
            return kind, levels[-1] if kind == "heading" else len(levels)
    return "paragraph", 0


def _markdown_blocks(text: str, where: str) -> tuple[dict[str, Any], tuple[Block, ...]]:
    metadata, blocks, fm_lines = _front_matter(text, where)
    lines = _LINE_END.sub("\n", text).split("\n")
    body = "\n" * fm_lines + "\n".join(lines[fm_lines:])
    starts = _line_starts(text)
    stack: list[tuple[str, int]] = []
    cursor = 0
    for tok in MarkdownIt("commonmark").enable("table").parse(body):
        if tok.type in _CONTAINERS:
            stack.append((_CONTAINERS[tok.type], int(tok.tag[1]) if tok.tag[:1] == "h" else 0))
        elif tok.type.replace("_close", "_open") in _CONTAINERS:
            stack.pop()
        elif tok.type in ("fence", "code_block", "html_block") and tok.map:
            start, end = strip_span(text, starts[tok.map[0]], max(starts[tok.map[0]], starts[tok.map[1]] - 1))
            blocks.append(Block("code", start, end, start, start))
            cursor = end
        elif tok.type == "inline" and tok.map and tok.content.strip():
            first, last = starts[tok.map[0]], max(starts[tok.map[0]], starts[tok.map[1]] - 1)
            span = _find_content(text, tok.content, max(first, cursor), last)
            if span is None:
                continue
            cursor = span[1]
            kind, level = _inline_kind(stack)
            block_start = span[0] if kind == "table_cell" else first
            block_end = max(span[1], strip_span(text, block_start, last)[1]) if kind != "table_cell" else span[1]
            block = _content_block(kind, text, block_start, block_end, span, True, level)
            blocks.append(_with_line_prefixes(text, block))
    blocks.sort(key=lambda b: b.start)
    return metadata, tuple(blocks)


def _find_content(text: str, content: str, first: int, last: int) -> tuple[int, int] | None:
    """Locate inline content (whose lines markdown-it stripped) inside text[first:last]."""
    content_lines = content.split("\n")
    start = text.find(content_lines[0], first, last + 1)
    if start < 0:
        return None
    end_line_start = text.rfind(content_lines[-1], start, last + 1)
    if end_line_start < 0:
        return None
    return start, end_line_start + len(content_lines[-1])


_LINE_PREFIX = re.compile(r"(?:\r\n|\r|\n)([ \t]*(?:>[ \t]?)*[ \t]*)")


def _with_line_prefixes(text: str, block: Block) -> Block:
    """Protect the quote markers and indentation that continue a block on later lines."""
    extra = [
        (m.start(1), m.end(1))
        for m in _LINE_PREFIX.finditer(text, block.text_start, block.text_end)
        if m.end(1) > m.start(1)
    ]
    if not extra:
        return block
    merged = tuple(sorted({*block.protected, *extra}))
    return Block(block.kind, block.start, block.end, block.text_start, block.text_end, block.level, merged)
