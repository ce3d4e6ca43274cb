"""Bilingual files: XLIFF 1.2 and 2.x, TMX 1.4, TSV/CSV and JSON Lines, read as aligned units and written back.

A bilingual file is a sequence of aligned units (source text, target text, notes), not one Document, so it gets
its own module. XML is parsed with defusedxml only: entity declarations (the billion-laughs bomb, external
entities) are refused with an InputError, and a DTD named in a DOCTYPE is never fetched.

Inline tags (XLIFF `<g>`, `<x/>`, `<bx/>`, `<ex/>`, `<ph>`, `<bpt>`, `<ept>`, `<it>`, `<mrk>`, XLIFF 2 `<pc>`,
`<ph/>`, `<sc/>`, `<ec/>`, TMX `<hi>`, `<ut>`, comments) become placeholders: single characters from the Unicode
private-use area (U+E000 onwards). They are neither letters nor digits (`str.isalnum()` is false and regex `\\w`
and `\\d` do not match them), so figure extraction and word tokens never read them as a number or a word. A
paired tag (`<g>`, `<mrk>`, `<pc>`, `<hi>`) gets one placeholder for its start and one for its end, with its
content kept as text; every other tag, with any code inside it, is one placeholder. `Unit.placeholders` maps
each placeholder to the original markup, identical markup in source and target shares one placeholder, and
`restore_markup` (used by the writers) puts the markup back exactly.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as safe_fromstring

from align import __version__
from align.documents import PLACEHOLDER_FIRST, PLACEHOLDER_LAST
from align.errors import InputError
from align.files import atomic_output, read_text

FORMATS = ("xliff", "tmx", "tsv", "csv", "jsonl")
SUFFIXES = {".xlf": "xliff", ".xliff": "xliff", ".tmx": "tmx", ".tsv": "tsv", ".csv": "csv", ".jsonl": "jsonl"}
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
PAIRED_TAGS = frozenset({"g", "mrk", "pc", "hi"})
NOTE_CATEGORY = "align"
XML_DEPTH = 100  # the deepest element nesting read: XLIFF or TMX structure plus inline tags within tags
_TAG_NAME = re.compile(r"</?([\w:.-]+)")


@dataclass(frozen=True)
class Placeholder:
    """One private-use character standing for an inline tag, and the tag's original markup."""

    marker: str
    markup: str


@dataclass(frozen=True)
class Origin:
    """Where a unit came from, for messages: file, format, and the unit id / row / line where known."""

    path: str
    format: str
    row: int | None = None
    line: int | None = None
    unit: str | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.unit is not None:
            parts.append(f"unit '{self.unit}'")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Unit:
    """One aligned unit: source and target text (target None when the file has none), notes and placeholders.

    `id` is the file's own id (XLIFF trans-unit/unit id, `unit/segment` for an XLIFF 2 unit with several
    segments, TMX tuid, the `id` column) or the 1-based row number. `state` is XLIFF's target/segment state.
    Languages are as the file writes them (e.g. "de-DE").
    """

    id: str
    source: str
    target: str | None
    notes: tuple[str, ...] = ()
    placeholders: tuple[Placeholder, ...] = ()
    source_language: str = "de"
    target_language: str = "en"
    state: str | None = None
    origin: Origin = Origin("<memory>", "pairs")


def sniff_table_format(text: str) -> str:
    """'jsonl' when the first non-blank character opens a JSON object, else 'tsv' (for stdin and odd names)."""
    return "jsonl" if text.lstrip().startswith("{") else "tsv"


def units_from_text(
    text: str, where: str, fmt: str, source_language: str = "de", target_language: str = "en"
) -> tuple[Unit, ...]:
    """Units of a table or JSON Lines text already read (`fmt` is 'jsonl', 'tsv' or 'csv')."""
    if fmt == "jsonl":
        return tuple(_jsonl_units(text, where, source_language, target_language))
    return tuple(_table_units(text, where, fmt, source_language, target_language))


def detect_format(path: str | os.PathLike[str], input_format: str | None = None) -> str:
    """The bilingual format: `input_format` when given, else by suffix (.xlf .xliff .tmx .tsv .csv .jsonl)."""
    if input_format is not None:
        if input_format not in FORMATS:
            raise InputError(path, f"unknown input format '{input_format}'", f"use one of {', '.join(FORMATS)}")
        return input_format
    fmt = SUFFIXES.get(Path(str(path)).suffix.lower())
    if fmt is None:
        raise InputError(
            path,
            "is not a bilingual file by its name",
            f"name it .xlf, .xliff, .tmx, .tsv, .csv or .jsonl, or give the input format ({', '.join(FORMATS)})",
        )
    return fmt


def read_units(
    path: str | os.PathLike[str],
    input_format: str | None = None,
    *,
    source_language: str = "de",
    target_language: str = "en",
) -> tuple[Unit, ...]:
    """Every unit of a bilingual file (or '-' with `input_format`), in file order."""
    fmt = detect_format(path, input_format)
    where = "<stdin>" if str(path) == "-" else str(path)
    if fmt in ("xliff", "tmx"):
        xml = _parse_xml(path, where)
        slots = _xliff_slots(xml, where) if fmt == "xliff" else _tmx_slots(xml, where, source_language, target_language)
        units = tuple(_unit_from_slot(slot, xml, (source_language, target_language)) for slot in slots)
        _check_languages(units, source_language, target_language)
    else:
        units = units_from_text(read_text(path), where, fmt, source_language, target_language)
    if not units:
        what = {"xliff": "trans-units or units", "tmx": "<tu> elements", "jsonl": "records"}.get(fmt, "rows")
        raise InputError(where, f"has no {what}", "give a file with at least one source/target pair")
    return units


def units_from_pairs(
    pairs: Iterable[tuple[str, str]], source_language: str = "de", target_language: str = "en"
) -> tuple[Unit, ...]:
    """Units numbered 1, 2, ... from (source, target) text pairs, e.g. the aligned sentences of two documents."""
    return tuple(
        Unit(
            str(n),
            source,
            target,
            source_language=source_language,
            target_language=target_language,
            origin=Origin("<pairs>", "pairs", row=n),
        )
        for n, (source, target) in enumerate(pairs, 1)
    )


def restore_markup(text: str, placeholders: Sequence[Placeholder]) -> str:
    """XML content for `text`: characters escaped, each placeholder replaced by its original markup."""
    markup = {p.marker: p.markup for p in placeholders}
    return "".join(markup.get(ch) or _escape_text(ch) for ch in text)


def tmx_markup(text: str, unit: Unit) -> str:
    """TMX 1.4 `<seg>` content for `text`, a part of `unit` (a sentence of it, or all of it).

    Inline tags become TMX inline elements that are valid in that segment alone. From a TMX file they stay as
    they were, except that a `<bpt>` or `<ept>` whose partner lies in another segment becomes an `<it>` (TMX's
    isolated tag) and a `<hi>` cut in two by a sentence boundary is dropped (its text stays). From any other
    format (XLIFF) the original markup is kept, escaped, as TMX native code: a tag's start and end in this
    segment become `<bpt i>`/`<ept i>`, a start or end without its partner here `<it pos="begin|end">`, every
    other tag `<ph>`.
    """
    markup = {p.marker: p.markup for p in unit.placeholders}
    partner = _partners([markup.get(ch, "") for ch in text])
    numbers = {start: n for n, start in enumerate(sorted(p for p, q in partner.items() if p < q), 1)}
    native = unit.origin.format == "tmx"
    parts = []
    for position, ch in enumerate(text):
        code = markup.get(ch)
        if code is None:
            parts.append(_escape_text(ch))
        elif native:
            parts.append(_native_tmx(code, position in partner, text, markup))
        elif position in partner:
            tag = "bpt" if position < partner[position] else "ept"
            parts.append(f'<{tag} i="{numbers[min(position, partner[position])]}">{_escape_text(code)}</{tag}>')
        elif _paired_start(code) or code.startswith("</"):
            parts.append(f'<it pos="{"end" if code.startswith("</") else "begin"}">{_escape_text(code)}</it>')
        else:
            parts.append(f"<ph>{_escape_text(code)}</ph>")
    return "".join(parts)


def _tag_name(code: str) -> str:
    """The qualified element name of a start, end or empty tag ('xlf:g' of '<xlf:g id="1">'); '' for other code."""
    match = _TAG_NAME.match(code)
    return match.group(1) if match else ""


def _paired_start(code: str) -> bool:
    paired = _tag_name(code).split(":")[-1] in PAIRED_TAGS
    return paired and not code.startswith("</") and not code.endswith("/>")


def _partners(codes: Sequence[str]) -> dict[int, int]:
    """Positions of the paired-tag starts and ends that close each other within `codes`, both ways."""
    partner: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for position, code in enumerate(codes):
        if _paired_start(code):
            stack.append((_tag_name(code), position))
        elif code.startswith("</") and stack and stack[-1][0] == _tag_name(code):
            _, start = stack.pop()
            partner[start], partner[position] = position, start
    return partner


def _native_tmx(code: str, paired: bool, text: str, markup: Mapping[str, str]) -> str:
    """A TMX file's own inline markup, made valid in a segment that may hold only part of the original."""
    if _paired_start(code) or code.startswith("</"):  # <hi>, TMX's only paired tag
        return code if paired else ""
    if not code.startswith(("<bpt", "<ept")):
        return code
    element = safe_fromstring(code)
    other = "ept" if element.tag == "bpt" else "bpt"
    present = {safe_fromstring(markup[ch]).get("i") for ch in text if markup.get(ch, "").startswith(f"<{other}")}
    if element.get("i") in present:
        return code
    attrs = "".join(f' {k}="{_escape_attr(v)}"' for k, v in element.attrib.items() if k in ("x", "type"))
    inner = code[code.index(">") + 1 : code.rindex("</")] if not code.endswith("/>") else ""
    return f'<it pos="{"begin" if element.tag == "bpt" else "end"}"{attrs}>{inner}</it>'


def write_xliff(
    units: Sequence[Unit],
    notes: Mapping[str | int, Sequence[str]],
    output: str | os.PathLike[str] | None,
    *,
    template: str | os.PathLike[str] | None = None,
) -> None:
    """Write units as XLIFF with one note per message in `notes`: one-line messages by unit id, or by the unit's
    1-based position in the file (`unit.origin.row`), which tells apart units that share an id.

    With `template` (the XLIFF file the units were read from) that file is written back with each unit's source
    and target (inline tags restored; a target the file lacked is added after the source, a target of None
    leaves the file's as it was) and the new notes (XLIFF 1.2 `<note from="align">` after the unit's last note,
    XLIFF 2 `<notes><note category="align">`); align's notes of an earlier check are removed first, so checking a
    checked file again replaces them and never adds them twice. Everything else, others' notes and `state`
    attributes included, stays as it was.
    Without a template a new XLIFF 1.2 file is written. Notes for an id or position that is not in the file, or
    for an id that several units share, are a ValueError (a finding is never dropped or repeated silently).
    """
    if template is None:
        xml = _new_xliff(units)
    else:
        xml = _parse_xml(template, str(template))
        _fill_units(xml, _xliff_slots(xml, str(template)), units, str(template))
    slots = _xliff_slots(xml, xml.where)
    ids = Counter(slot.id for slot in slots)
    unknown = sorted(str(k) for k in notes if not (ids[k] if isinstance(k, str) else 0 < k <= len(slots)))
    if unknown:
        raise ValueError(f"notes for units that are not in the file: {', '.join(unknown)}")
    shared = sorted(k for k in notes if isinstance(k, str) and ids[k] > 1)
    if shared:
        raise ValueError(f"notes by an id that several units share: {', '.join(shared)}; key them by position")
    for unit in dict.fromkeys(slot.unit for slot in slots):
        _drop_align_notes(unit)
    for slot in slots:
        messages = [*notes.get(slot.id, ()), *notes.get(slot.row, ())]
        if messages:
            _add_notes(slot, messages)
    _write_xml(xml, output)


def write_tmx(
    units: Sequence[Unit],
    output: str | os.PathLike[str] | None,
    *,
    template: str | os.PathLike[str] | None = None,
    datatype: str = "plaintext",
) -> None:
    """Write units as TMX 1.4: into `template` (the TMX they were read from), else as a new translation memory.

    A new TMX has a header with creationtool="align", segtype="sentence", o-tmf="align", adminlang="en",
    srclang and datatype; each unit is a `<tu tuid>` with a `<tuv xml:lang>` per language.
    """
    if template is None:
        xml = _new_tmx(units, datatype)
    else:
        xml = _parse_xml(template, str(template))
        if units:
            source_language, target_language = (primary_language(lang) for lang in _languages(units))
            slots = _tmx_slots(xml, str(template), source_language, target_language)
            _fill_units(xml, slots, units, str(template))
    _write_xml(xml, output)


def write_tsv(
    units: Iterable[Unit],
    output: str | os.PathLike[str] | None,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write a TSV with columns id, source, target, notes (messages joined by ' | '); inline tags restored.

    Lines end in CRLF and quoting follows Python's csv module (as spreadsheets write TSV): a field with a tab,
    line break or double quote is quoted, so `read_units` gives the same texts back. Inline tags are shown as
    their markup with the text around them unescaped: TSV is a view for people, not a way back to XLIFF.
    """
    with atomic_output(output) as out:
        writer = csv.writer(out, dialect="excel-tab")
        writer.writerow(["id", "source", "target", "notes"])
        for unit in units:
            messages = (notes or {}).get(unit.id, ())
            target = "" if unit.target is None else plain_markup(unit.target, unit.placeholders)
            writer.writerow([unit.id, plain_markup(unit.source, unit.placeholders), target, " | ".join(messages)])


@dataclass(frozen=True)
class _Xml:
    """A parsed XML file with what writing it back needs: namespace prefixes, DOCTYPE and element lines."""

    where: str
    root: ET.Element
    prefixes: dict[str, str]
    doctype: str
    lines: dict[ET.Element, int]


@dataclass(frozen=True)
class _Slot:
    """Where one unit lives in an XML tree."""

    id: str
    row: int
    unit: ET.Element
    container: ET.Element
    source: ET.Element
    target: ET.Element | None
    notes: tuple[str, ...]
    state: str | None
    source_language: str
    target_language: str
    line: int | None
    version: str


class _TreeBuilder(ET.TreeBuilder):
    """Keeps comments and processing instructions, and records namespace prefixes and the DOCTYPE."""

    def __init__(self) -> None:
        super().__init__(insert_comments=True, insert_pis=True)
        self.prefixes: dict[str, str] = {}
        self.doctype_decl = ""

    def start_ns(self, prefix: str, uri: str) -> None:
        if uri not in self.prefixes:
            self.prefixes[uri] = prefix if prefix not in self.prefixes.values() else f"ns{len(self.prefixes)}"

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        if pubid:
            self.doctype_decl = f'<!DOCTYPE {name} PUBLIC "{pubid}" {_system_literal(system or "")}>'
        elif system:
            self.doctype_decl = f"<!DOCTYPE {name} SYSTEM {_system_literal(system)}>"
        else:
            self.doctype_decl = f"<!DOCTYPE {name}>"


def _system_literal(system: str) -> str:
    """A DOCTYPE system id quoted as XML allows: in double quotes, or in single quotes when it holds one."""
    return f"'{system}'" if '"' in system else f'"{system}"'


def _read_bytes(path: str | os.PathLike[str], where: str) -> bytes:
    if str(path) == "-":
        data = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(where, "no such file" if not p.exists() else "is not a file", "check the path")
        try:
            data = p.read_bytes()
        except OSError as err:
            raise InputError(where, f"cannot be read ({err.strerror})", "check its permissions") from None
    if not data.strip():
        raise InputError(where, "is empty", "give an XLIFF or TMX file with units in it")
    return data


def _parse_xml(path: str | os.PathLike[str], where: str) -> _Xml:
    """Parse with defusedxml (no entity declarations, nothing external fetched); line of every element kept."""
    return _parse_bytes(_read_bytes(path, where), where)


def _parse_bytes(data: bytes, where: str) -> _Xml:
    builder = _TreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    lines: dict[ET.Element, int] = {}
    open_elements: list[ET.Element] = []
    expat = parser.parser
    start, end = expat.StartElementHandler, expat.EndElementHandler

    def start_with_line(tag: str, attrs: list[str]) -> None:
        if len(open_elements) >= XML_DEPTH:
            raise InputError(
                f"{where}, line {expat.CurrentLineNumber}",
                f"nests elements more than {XML_DEPTH} levels deep, which align refuses",
                "flatten the inline tags there",
            )
        element = start(tag, attrs)
        lines[element] = expat.CurrentLineNumber
        open_elements.append(element)

    def end_and_pop(tag: str) -> None:
        end(tag)
        open_elements.pop()

    expat.StartElementHandler, expat.EndElementHandler = start_with_line, end_and_pop
    try:
        parser.feed(data)
        root = parser.close()
    except EntitiesForbidden as err:
        kind = f"an external entity '{err.name}' ({err.sysid})" if err.sysid else f"an entity '{err.name}'"
        raise InputError(
            where,
            f"declares {kind} in its DTD, which align refuses (entity expansion and external entities are attacks)",
            "remove the <!ENTITY ...> declarations; XLIFF and TMX need none",
        ) from None
    except DefusedXmlException as err:
        raise InputError(where, f"uses a forbidden XML feature ({err})", "remove the DTD from the file") from None
    except SyntaxError as err:
        line, column = getattr(err, "position", (0, 0))
        reason = str(err).split(": line ")[0]
        if ("tag" in reason or "no element found" in reason) and open_elements:
            innermost = open_elements[-1]
            fix = f"close the <{_local(innermost.tag)}> opened at line {lines[innermost]}"
        else:
            fix = "fix the XML there"
        raise InputError(
            f"{where}, line {line}", f"is not well-formed XML ({reason}, column {column + 1})", fix
        ) from None
    return _Xml(where, root, builder.prefixes, builder.doctype_decl, lines)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _is_special(el: ET.Element) -> bool:
    return el.tag in (ET.Comment, ET.ProcessingInstruction)


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _xliff_slots(xml: _Xml, where: str) -> list[_Slot]:
    root = xml.root
    if _local(root.tag) != "xliff":
        raise InputError(
            where, f"is not XLIFF (its root element is <{_local(root.tag)}>)", "give an XLIFF 1.2 or 2.x file"
        )
    version = root.get("version", "")
    if _namespace(root.tag) == XLIFF2 or version.startswith("2"):
        return _xliff2_slots(xml, where)
    slots: list[_Slot] = []
    for file_el in root.iter(f"{{{_namespace(root.tag)}}}file" if _namespace(root.tag) else "file"):
        src_lang, tgt_lang = file_el.get("source-language", ""), file_el.get("target-language", "")
        for tu in file_el.iter():
            if _local(tu.tag) != "trans-unit":
                continue
            line = xml.lines.get(tu)
            source = _child(tu, "source")
            if source is None:
                raise InputError(f"{where}, line {line}", f"trans-unit '{tu.get('id')}' has no <source>", "add it")
            target = _child(tu, "target")
            notes = tuple("".join(n.itertext()) for n in _children(tu, "note"))
            unit_id = tu.get("id") or str(len(slots) + 1)
            state = None if target is None else target.get("state")
            slots.append(
                _Slot(unit_id, len(slots) + 1, tu, tu, source, target, notes, state, src_lang, tgt_lang, line, "1.2")
            )
    return slots


def _xliff2_slots(xml: _Xml, where: str) -> list[_Slot]:
    root = xml.root
    src_lang, tgt_lang = root.get("srcLang", ""), root.get("trgLang", "")
    slots: list[_Slot] = []
    for unit in root.iter():
        if _local(unit.tag) != "unit":
            continue
        notes_el = _child(unit, "notes")
        notes = () if notes_el is None else tuple("".join(n.itertext()) for n in _children(notes_el, "note"))
        segments = _children(unit, "segment")
        unit_id = unit.get("id") or str(len(slots) + 1)
        for n, segment in enumerate(segments, 1):
            line = xml.lines.get(segment)
            source = _child(segment, "source")
            if source is None:
                raise InputError(f"{where}, line {line}", f"unit '{unit_id}' has a segment without <source>", "add it")
            seg_id = unit_id if len(segments) == 1 else f"{unit_id}/{segment.get('id') or n}"
            slots.append(
                _Slot(
                    seg_id,
                    len(slots) + 1,
                    unit,
                    segment,
                    source,
                    _child(segment, "target"),
                    notes,
                    segment.get("state"),
                    src_lang,
                    tgt_lang,
                    line,
                    "2",
                )
            )
    return slots


def _tmx_slots(xml: _Xml, where: str, source_language: str, target_language: str) -> list[_Slot]:
    root = xml.root
    if _local(root.tag) != "tmx":
        raise InputError(where, f"is not TMX (its root element is <{_local(root.tag)}>)", "give a TMX 1.4 file")
    slots: list[_Slot] = []
    seen: set[str] = set()
    for tu in root.iter("tu"):
        line = xml.lines.get(tu)
        variants: dict[str, tuple[str, ET.Element]] = {}
        for tuv in _children(tu, "tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seen.add(lang)
            seg = _child(tuv, "seg")
            if seg is not None:
                variants.setdefault(primary_language(lang), (lang, seg))
        unit_id = tu.get("tuid") or str(len(slots) + 1)
        if source_language not in variants:
            raise InputError(
                f"{where}, line {line}", f"tu '{unit_id}' has no '{source_language}' variant", "add a <tuv xml:lang>"
            )
        src_lang, source = variants[source_language]
        tgt_lang, target = variants.get(target_language, (target_language, None))
        notes = tuple("".join(n.itertext()) for n in _children(tu, "note"))
        slots.append(
            _Slot(unit_id, len(slots) + 1, tu, tu, source, target, notes, None, src_lang, tgt_lang, line, "tmx")
        )
    if slots and all(slot.target is None for slot in slots):
        raise InputError(
            where,
            f"has no '{target_language}' text (languages found: {', '.join(sorted(seen))})",
            f"give a TMX with both {source_language} and {target_language} variants in its units",
        )
    return slots


def _unit_from_slot(slot: _Slot, xml: _Xml, languages: tuple[str, str]) -> Unit:
    texts = [t for el in (slot.source, slot.target) if el is not None for t in el.itertext()]
    marker, markers = _allocator("".join(texts))
    source = _flatten(slot.source, xml.prefixes, marker)
    target = None if slot.target is None else _flatten(slot.target, xml.prefixes, marker)
    placeholders = tuple(Placeholder(m, markup) for markup, m in markers.items())
    fmt = "tmx" if slot.version == "tmx" else "xliff"
    return Unit(
        slot.id,
        source,
        target,
        slot.notes,
        placeholders,
        slot.source_language or languages[0],
        slot.target_language or languages[1],
        slot.state,
        Origin(xml.where, fmt, row=slot.row, line=slot.line, unit=slot.id),
    )


def _allocator(used: str) -> tuple[Callable[[str], str], dict[str, str]]:
    """A function giving one private-use character per distinct markup (skipping characters of `used`)."""
    taken = set(used)
    free = (chr(c) for c in range(PLACEHOLDER_FIRST, PLACEHOLDER_LAST + 1) if chr(c) not in taken)
    markers: dict[str, str] = {}

    def marker(markup: str) -> str:
        if markup not in markers:
            markers[markup] = next(free)
        return markers[markup]

    return marker, markers


def _flatten(el: ET.Element, prefixes: Mapping[str, str], marker: Callable[[str], str]) -> str:
    parts = [el.text or ""]
    for child in el:
        if not _is_special(child) and _local(child.tag) in PAIRED_TAGS:
            parts += [marker(_start_tag(child, prefixes)), _flatten(child, prefixes, marker)]
            parts.append(marker(f"</{_name(child.tag, prefixes)}>"))
        else:
            parts.append(marker(_element_xml(child, prefixes)))
        parts.append(child.tail or "")
    return "".join(parts)


def plain_markup(text: str, placeholders: Sequence[Placeholder]) -> str:
    """`text` with each placeholder replaced by its original markup, unescaped (for TSV and JSON)."""
    markup = {p.marker: p.markup for p in placeholders}
    return "".join(markup.get(ch, ch) for ch in text)


def _escape_text(text: str) -> str:
    return escape(text, {"\r": "&#13;"})


def _escape_attr(text: str) -> str:
    return escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _name(tag: str, prefixes: Mapping[str, str]) -> str:
    uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if not uri:
        return local
    prefix = "xml" if uri == XML_NS else prefixes.get(uri)
    if prefix is None:
        raise ValueError(f"namespace {uri} has no prefix")
    return f"{prefix}:{local}" if prefix else local


def _start_tag(el: ET.Element, prefixes: Mapping[str, str], declarations: str = "", close: str = ">") -> str:
    attrs = "".join(f' {_name(k, prefixes)}="{_escape_attr(v)}"' for k, v in el.attrib.items())
    return f"<{_name(el.tag, prefixes)}{declarations}{attrs}{close}"


def _element_xml(el: ET.Element, prefixes: Mapping[str, str], declarations: str = "") -> str:
    """The element's XML without its tail (comments and processing instructions included)."""
    if el.tag is ET.Comment:
        return f"<!--{el.text or ''}-->"
    if el.tag is ET.ProcessingInstruction:
        return f"<?{el.text or ''}?>"
    if not len(el) and not el.text:
        return _start_tag(el, prefixes, declarations, "/>")
    inner = "".join(_element_xml(c, prefixes) + _escape_text(c.tail or "") for c in el)
    return f"{_start_tag(el, prefixes, declarations)}{_escape_text(el.text or '')}{inner}</{_name(el.tag, prefixes)}>"


def _declarations(prefixes: Mapping[str, str]) -> str:
    return "".join(f' xmlns{":" + p if p else ""}="{_escape_attr(uri)}"' for uri, p in prefixes.items())


def _fill(el: ET.Element, content: str, xml: _Xml, origin: Origin) -> None:
    """Replace the content of `el` with `content` (XML: text with its inline markup)."""
    fragment = f"<_fragment{_declarations(xml.prefixes)}>{content}</_fragment>"
    try:
        parsed = _parse_bytes(fragment.encode("utf-8"), str(origin)).root
    except InputError:
        raise InputError(
            origin,
            "its text cannot be written as XML (unbalanced inline-tag placeholders or characters XML does not allow)",
            "keep each tag's start and end placeholder and remove control characters",
        ) from None
    attrib, tail = dict(el.attrib), el.tail
    el.clear()
    el.attrib.update(attrib)
    el.text, el.tail = parsed.text, tail
    el.extend(list(parsed))


def _fill_units(xml: _Xml, slots: Sequence[_Slot], units: Sequence[Unit], where: str) -> None:
    """Write each unit's texts into the template element it was read from (matched by row and id)."""
    for unit in units:
        row = unit.origin.row
        slot = slots[row - 1] if row is not None and 0 < row <= len(slots) else None
        if slot is None or slot.id != unit.id:
            raise InputError(where, f"has no unit '{unit.id}' at row {row}", "write into the file the units came from")
        _fill(slot.source, restore_markup(unit.source, unit.placeholders), xml, unit.origin)
        if unit.target is not None:
            target = slot.target if slot.target is not None else _new_target(slot, unit)
            _fill(target, restore_markup(unit.target, unit.placeholders), xml, unit.origin)


def _new_target(slot: _Slot, unit: Unit) -> ET.Element:
    """An empty target where the format wants it: right after the source (XLIFF), or in a new tuv (TMX)."""
    parent = slot.container
    if slot.version == "tmx":
        tuv = parent.makeelement("tuv", {XML_LANG: unit.target_language})
        _insert(parent, len(parent), tuv)
        seg = tuv.makeelement("seg", {})
        tuv.append(seg)
        return seg
    after = [i for i, c in enumerate(parent) if _local(c.tag) in ("source", "seg-source")]
    target = parent.makeelement(slot.source.tag[: -len("source")] + "target", {})
    _insert(parent, after[-1] + 1, target)
    return target


def _add_notes(slot: _Slot, messages: Sequence[str]) -> None:
    ns = _namespace(slot.unit.tag)
    q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
    if slot.version == "2":
        notes = _child(slot.unit, "notes")
        if notes is None:
            notes = slot.unit.makeelement(q("notes"), {})
            first = next(
                (i for i, c in enumerate(slot.unit) if _local(c.tag) in ("originalData", "segment", "ignorable")),
                len(slot.unit),
            )
            _insert(slot.unit, first, notes)
        for message in messages:
            note = notes.makeelement(q("note"), {"category": NOTE_CATEGORY})
            note.text = message
            _insert(notes, len(notes), note)
        return
    after = [i for i, c in enumerate(slot.unit) if _local(c.tag) in ("source", "seg-source", "target", "note")]
    at = after[-1] + 1 if after else len(slot.unit)
    for offset, message in enumerate(messages):
        note = slot.unit.makeelement(q("note"), {"from": NOTE_CATEGORY})
        note.text = message
        _insert(slot.unit, at + offset, note)


def _drop_align_notes(unit: ET.Element) -> None:
    """Remove a unit's notes from align (XLIFF 1.2 `from="align"`, XLIFF 2 `category="align"`), and an XLIFF 2
    `<notes>` that held only those."""
    for note in _children(unit, "note"):
        if note.get("from") == NOTE_CATEGORY:
            _remove(unit, note)
    notes = _child(unit, "notes")
    if notes is not None:
        ours = [note for note in _children(notes, "note") if note.get("category") == NOTE_CATEGORY]
        for note in ours:
            _remove(notes, note)
        if ours and not len(notes):
            _remove(unit, notes)


def _remove(parent: ET.Element, el: ET.Element) -> None:
    """Remove child `el`, undoing what `_insert` did to the indentation around it."""
    index = list(parent).index(el)
    if index:
        parent[index - 1].tail = el.tail
    elif len(parent) == 1:
        parent.text = el.tail
    parent.remove(el)


def _insert(parent: ET.Element, index: int, el: ET.Element) -> None:
    """Insert `el` as child `index`, indented like its siblings when the file is indented."""
    indent = parent.text if parent.text and parent.text.isspace() else None
    if index == 0:
        el.tail = indent
    else:
        previous = parent[index - 1]
        el.tail = previous.tail
        if indent is not None:
            previous.tail = indent
    parent.insert(index, el)


def _write_xml(xml: _Xml, output: str | os.PathLike[str] | None) -> None:
    body = _element_xml(xml.root, xml.prefixes, _declarations(xml.prefixes))
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + (xml.doctype + "\n" if xml.doctype else "")
    with atomic_output(output) as out:
        out.write(head + body + "\n")


def _languages(units: Sequence[Unit]) -> tuple[str, str]:
    first = units[0] if units else Unit("", "", "")
    return first.source_language, first.target_language


def _text_element(parent: ET.Element, tag: str, attrib: dict[str, str], content: str, unit: Unit, xml: _Xml) -> None:
    _fill(ET.SubElement(parent, tag, attrib), content, xml, unit.origin)


def _new_xliff(units: Sequence[Unit]) -> _Xml:
    src, tgt = _languages(units)
    root = ET.Element("xliff", {"version": "1.2"})
    xml = _Xml("<new XLIFF>", root, {XLIFF12: ""}, "", {})
    file_el = ET.SubElement(
        root, "file", {"original": "align", "source-language": src, "target-language": tgt, "datatype": "plaintext"}
    )
    body = ET.SubElement(file_el, "body")
    for unit in units:
        tu = ET.SubElement(body, "trans-unit", {"id": unit.id})
        _text_element(tu, "source", {}, restore_markup(unit.source, unit.placeholders), unit, xml)
        if unit.target is not None:
            target = restore_markup(unit.target, unit.placeholders)
            _text_element(tu, "target", {"state": unit.state} if unit.state else {}, target, unit, xml)
        for text in unit.notes:
            ET.SubElement(tu, "note").text = text
    _qualify(root, XLIFF12)
    return xml


def _qualify(root: ET.Element, ns: str) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{ns}}}{el.tag}"


def _new_tmx(units: Sequence[Unit], datatype: str) -> _Xml:
    src = _languages(units)[0]
    root = ET.Element("tmx", {"version": "1.4"})
    xml = _Xml("<new TMX>", root, {}, "", {})
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "align",
            "creationtoolversion": __version__,
            "datatype": datatype,
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": src,
            "o-tmf": "align",
        },
    )
    body = ET.SubElement(root, "body")
    for unit in units:
        tu = ET.SubElement(body, "tu", {"tuid": unit.id})
        for text in unit.notes:
            ET.SubElement(tu, "note").text = text
        for lang, side in ((unit.source_language, unit.source), (unit.target_language, unit.target)):
            if side is not None:
                tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
                _text_element(tuv, "seg", {}, tmx_markup(side, unit), unit, xml)
    return xml


def primary_language(language: str) -> str:
    """The primary subtag of a language tag: 'de' for 'de-DE', 'de_AT' or 'DE'."""
    return language.replace("_", "-").split("-")[0].lower()


def _check_languages(units: Sequence[Unit], source_language: str, target_language: str) -> None:
    for unit in units:
        for declared, expected in ((unit.source_language, source_language), (unit.target_language, target_language)):
            if declared and primary_language(declared) != expected:
                raise InputError(
                    unit.origin,
                    f"is {unit.source_language}→{unit.target_language}, not {source_language}→{target_language}",
                    "give a file in the expected direction or set the source and target languages",
                )


def _table_units(text: str, where: str, fmt: str, source_language: str, target_language: str) -> Iterator[Unit]:
    dialect = "excel-tab" if fmt == "tsv" else "excel"
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect, strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
        for column in ("source", "target"):
            if column not in header:
                raise InputError(
                    where,
                    f"has no '{column}' column (its header: {', '.join(header)})",
                    "name the columns in the first line: source, target and optionally id",
                )
        columns = {name: header.index(name) for name in ("id", "source", "target") if name in header}
        row = 0
        line = reader.line_num + 1
        for record in reader:
            if not record:
                line = reader.line_num + 1
                continue
            row += 1
            origin = Origin(where, fmt, row=row, line=line)
            if len(record) != len(header):
                raise InputError(
                    origin,
                    f"has {len(record)} fields, the header has {len(header)}",
                    "give every row the header's columns (quote fields that contain the separator)",
                )
            unit_id = record[columns["id"]] if "id" in columns and record[columns["id"]] else str(row)
            yield Unit(
                unit_id,
                record[columns["source"]],
                record[columns["target"]],
                source_language=source_language,
                target_language=target_language,
                origin=Origin(where, fmt, row=row, line=line, unit=unit_id),
            )
            line = reader.line_num + 1
    except csv.Error as err:
        raise InputError(
            f"{where}, line {reader.line_num}",
            f"is not valid {fmt.upper()} ({err})",
            "quote fields that start with a quote or contain the separator",
        ) from None


def parse_json_line(raw: str, where: object) -> Any:
    """One line of JSON Lines; what Python's json cannot read (syntax, nesting past the recursion limit,
    integers of more than 4,300 digits) or reads as no text (a lone surrogate escape such as \\ud800) is an
    InputError naming `where`."""
    try:
        value = json.loads(raw)
        if "\\ud" in raw.lower():
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError:
        raise InputError(
            where, "has a lone surrogate escape (\\ud800 to \\udfff), which is no character", "fix that escape"
        ) from None
    except json.JSONDecodeError as err:
        raise InputError(where, f"is not valid JSON ({err.msg})", "write one JSON object per line") from None
    except RecursionError:
        raise InputError(where, "nests JSON arrays or objects too deeply", "flatten the record") from None
    except ValueError as err:
        raise InputError(
            where, f"has a value JSON cannot read ({str(err).split(';')[0]})", "write it as text"
        ) from None


def _jsonl_units(text: str, where: str, source_language: str, target_language: str) -> Iterator[Unit]:
    row = 0
    for line, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        row += 1
        origin = Origin(where, "jsonl", row=row, line=line)
        record = parse_json_line(raw, origin)
        if not isinstance(record, dict):
            raise InputError(origin, "is not a JSON object", 'write {"source": ..., "target": ...} per line')
        for key in ("source", "target"):
            if key not in record:
                raise InputError(origin, f"has no '{key}'", 'write {"source": ..., "target": ...} per line')
            if not isinstance(record[key], str):
                kind = "null" if record[key] is None else type(record[key]).__name__
                raise InputError(origin, f"has a {kind} '{key}', not text", "give the text, or drop the row")
        unit_id = str(record["id"]) if record.get("id") is not None else str(row)
        yield Unit(
            unit_id,
            record["source"],
            record["target"],
            source_language=source_language,
            target_language=target_language,
            origin=Origin(where, "jsonl", row=row, line=line, unit=unit_id),
        )
