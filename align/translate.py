"""German→English translation of a Document with MarianMT, structure kept, with a CTranslate2 backend.

Only sentences are translated: every segment's span in the source text is replaced by its
translation, so front matter, code, heading and list markers, link targets and blank lines come
out byte-identical, and output segment i is the translation of source segment `sources[i]`.
Protected spans inside a sentence (URLs, inline code, link targets) are masked with placeholders;
when the model does not give every placeholder back exactly once, the text pieces between them
are translated separately, so protected text always passes through untouched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from align import cache as disk
from align import files, models
from align.batching import batches
from align.documents import Block, Document, document_from_text, load_document
from align.errors import InputError
from align.segment import Segment, segment
from align.signatures import signature

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-de-en"
BACKENDS = ("transformers", "ctranslate2")
DEFAULT_BEAM = 4  # opus-mt-de-en's generation_config: num_beams 4, max_length 512
log = logging.getLogger("align.translate")

_LETTER = re.compile(r"[^\W\d_]")
_MARKDOWN_BRACKET = re.compile(r"[\[\]]")
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


@dataclass(frozen=True)
class TranslateSettings:
    backend: str = "transformers"
    beam: int | None = None  # None: the model's generation_config (opus-mt: 4)
    batch_tokens: int = 2048  # padded source tokens per batch
    max_input_tokens: int = 512  # longer sentences are truncated, with a warning
    compute_type: str = "int8"  # CTranslate2 only
    threads: int = 0  # 0: all cores, at most 8


@dataclass(frozen=True)
class Translation:
    """The translated document, its segments, and for each output segment its source segment index."""

    document: Document
    segments: tuple[Segment, ...]
    sources: tuple[int, ...] | None  # None for a translation brought in from a file (not aligned yet)
    model: str
    signature: str = ""  # the translator's (`Translator.signature`); empty for a translation read from a file


@dataclass(frozen=True)
class Translator:
    """A loaded model: tokenizer plus a `generate(batch of token-id lists, max_new_tokens) -> id lists`."""

    name: str
    path: Path
    checksum: str
    beam: int
    settings: TranslateSettings
    tokenizer: Any
    generate: Callable[[list[list[int]], int], list[list[int]]]

    def signature(self) -> str:
        """What changes a translation (batching and threads do not), as `align.signatures` writes it: the cache key
        of translations and the line summary.json and the report show."""
        model = Path(self.name).name if Path(self.name).is_dir() else self.name
        ct2 = {"compute_type": self.settings.compute_type} if self.settings.backend == "ctranslate2" else {}
        return signature(
            model=model,
            weights=self.checksum[:12],
            backend=self.settings.backend,
            beam=self.beam,
            max_input=self.settings.max_input_tokens,
            **ct2,
        )


def threads(settings: TranslateSettings) -> int:
    return settings.threads or max(1, min(os.cpu_count() or 1, 8))


def load_translator(
    model: str | None = None, settings: TranslateSettings = TranslateSettings(), cache_dir: Path | None = None
) -> Translator:
    """Find the model (directory, $ALIGN_MODELS_DIR, HF cache; never downloads) and load it for `settings.backend`."""
    if settings.backend not in BACKENDS:
        raise InputError("--backend", f"unknown backend '{settings.backend}'", f"use one of {', '.join(BACKENDS)}")
    looks_like_path = model is not None and (model.startswith(("/", ".", "~")) or Path(model).expanduser().is_dir())
    directory = model if looks_like_path else None
    name = DEFAULT_MODEL if directory or not model else model
    path = models.locate(name, directory)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, GenerationConfig
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # our own progress (stderr, terminal only) is the one shown
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    beam = settings.beam or DEFAULT_BEAM
    if not settings.beam and (path / "generation_config.json").is_file():
        beam = GenerationConfig.from_pretrained(path, local_files_only=True).num_beams or DEFAULT_BEAM
    checksum = models.checksum(path)
    if settings.backend == "ctranslate2":
        generate = _ct2_generator(path, checksum, settings, beam, tokenizer, cache_dir or files.cache_dir())
    else:
        hf_model = AutoModelForSeq2SeqLM.from_pretrained(path, use_safetensors=True, local_files_only=True).eval()
        generate = _hf_generator(hf_model, beam, threads(settings))
    return Translator(str(model or name), path, checksum, beam, settings, tokenizer, generate)


@cache
def shared_translator(model: str | None = None) -> Translator:
    """`load_translator(model)` with the default settings, loaded once per process (a corpus worker runs many
    documents); a missing model is not remembered, so installing it mid-run is picked up."""
    return load_translator(model)


def _hf_generator(hf_model: Any, beam: int, n_threads: int) -> Callable[[list[list[int]], int], list[list[int]]]:
    import torch

    torch.set_num_threads(n_threads)
    config = hf_model.generation_config
    pad = config.pad_token_id if config.pad_token_id is not None else hf_model.config.pad_token_id

    def generate(batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        width = max(len(ids) for ids in batch)
        input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids in batch])
        mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in batch])
        with torch.inference_mode():
            out = hf_model.generate(
                input_ids=input_ids,
                attention_mask=mask,
                num_beams=beam,
                max_length=None,
                max_new_tokens=max_new_tokens,
            )
        return out[:, 1:].tolist()  # without the decoder start token

    return generate


def _ct2_generator(
    path: Path, checksum: str, settings: TranslateSettings, beam: int, tokenizer: Any, cache_dir: Path
) -> Callable[[list[list[int]], int], list[list[int]]]:
    try:
        import ctranslate2
    except ImportError:
        raise InputError(
            "--backend ctranslate2", "CTranslate2 is not installed", "run `pip install 'align[ct2]'`"
        ) from None
    converted = convert_ct2(path, checksum, settings.compute_type, cache_dir)
    translator = ctranslate2.Translator(
        str(converted), device="cpu", compute_type=settings.compute_type, intra_threads=threads(settings)
    )

    def generate(batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        results = translator.translate_batch(
            tokens, beam_size=beam, max_decoding_length=max_new_tokens, return_scores=False
        )
        return [tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]

    return generate


def convert_ct2(path: Path, checksum: str, compute_type: str, cache_dir: Path) -> Path:
    """Convert a MarianMT directory with CTranslate2's converter once; later calls reuse the cached result."""
    from ctranslate2.converters import TransformersConverter

    target = cache_dir / "ct2" / f"{checksum[:16]}-{compute_type}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    TransformersConverter(str(path)).convert(str(staging), quantization=compute_type, force=True)
    os.replace(staging, target)
    return target


def _key(signature: str, text: str) -> str:
    material = f"{signature}\0{text}"
    return hashlib.sha256(material.encode()).hexdigest()


def max_new_tokens(source_tokens: int, limit: int = 512) -> int:
    """Generation bound: twice the source length plus 10, so a degenerate model cannot run away."""
    return min(limit, 2 * source_tokens + 10)


def translate_texts(
    translator: Translator, texts: Sequence[str], use_cache: bool = False, progress: bool = False
) -> list[str]:
    """Translate sentences: cached ones are looked up (`align.cache`, stage "translations", unless `use_cache` is
    False), the rest sorted by length and batched under the token budget."""
    unique = list(dict.fromkeys(texts))
    stamp = translator.signature()
    keys = {t: _key(stamp, t) for t in unique}
    stored = disk.load("translations", list(keys.values())) if use_cache else {}
    done: dict[str, str] = {}
    unusable = []
    for text, key in keys.items():
        if key in stored:
            try:
                done[text] = stored[key].decode("utf-8")
            except UnicodeDecodeError:
                unusable.append(key)
    disk.forget("translations", unusable)
    todo = [t for t in unique if t not in done]
    if todo:
        done.update(zip(todo, _generate_all(translator, todo, progress), strict=True))
        if use_cache:
            disk.store("translations", {keys[t]: done[t].encode("utf-8") for t in todo})
    return [done[t] for t in texts]


def _token_ids(translator: Translator, texts: list[str]) -> list[list[int]]:
    limit = translator.settings.max_input_tokens
    encoded = translator.tokenizer(texts, truncation=False, verbose=False)["input_ids"]
    ids = []
    for text, seq in zip(texts, encoded, strict=True):
        if len(seq) > limit:
            log.warning(
                "a sentence of %d tokens was cut to %d for translation: %.60s…",
                len(seq),
                limit,
                text.replace("\n", " "),
            )
            seq = [*seq[: limit - 1], seq[-1]]
        ids.append(seq)
    return ids


def _generate_all(translator: Translator, texts: list[str], progress: bool) -> list[str]:
    ids = _token_ids(translator, texts)
    groups = batches([len(x) for x in ids], translator.settings.batch_tokens)
    if progress:
        from tqdm import tqdm

        groups = tqdm(groups, desc="translating", unit="batch", leave=False)
    out: list[str] = [""] * len(texts)
    for group in groups:
        batch = [ids[i] for i in group]
        generated = translator.generate(batch, max_new_tokens(max(len(x) for x in batch)))
        # each sentence keeps its own bound, so the output does not depend on what it was batched with
        bounded = [ids[: max_new_tokens(len(src))] for ids, src in zip(generated, batch, strict=True)]
        decoded = translator.tokenizer.batch_decode(bounded, skip_special_tokens=True)
        for i, text in zip(group, decoded, strict=True):
            out[i] = text.strip()
    return out


# ---- structure: masking protected spans, rebuilding the document ----


def _placeholder(k: int) -> str:
    return f"ZXQ{chr(65 + k % 26)}{k // 26 or ''}"


@dataclass(frozen=True)
class _Unit:
    """One segment prepared for translation."""

    segment: Segment
    protected: tuple[tuple[int, int], ...]  # relative spans kept verbatim
    masked: str | None  # text with placeholders; None when nothing is to be translated
    pieces: tuple[tuple[int, int], ...]  # relative spans of translatable text between protected spans
    dropped: frozenset[tuple[int, int]] = frozenset()  # line prefixes of continued lines (output is one line)

    def plain(self, a: int, b: int) -> str:
        """segment.text[a:b] without the dropped line prefixes."""
        out, cursor = [], a
        for s, e in sorted(self.dropped):
            if a <= s and e <= b:
                out.append(self.segment.text[cursor:s])
                cursor = e
        return "".join(out) + self.segment.text[cursor:b]


def _flatten(text: str) -> str:
    return _LINE_BREAK.sub(" ", text)


def _prepare(seg: Segment, markdown: bool) -> _Unit:
    text = seg.text
    spans = {(s - seg.start, e - seg.start) for s, e in seg.protected}
    line_prefixes = {(s, e) for s, e in spans if s > 0 and text[s - 1] in "\r\n"}
    spans -= line_prefixes
    if markdown:
        spans |= {(m.start(), m.end()) for m in _MARKDOWN_BRACKET.finditer(text)}
    protected = tuple(sorted(spans))
    pieces, cursor = [], 0
    for s, e in [*protected, (len(text), len(text))]:
        if _LETTER.search(text, cursor, s):
            pieces.append((cursor, s))
        cursor = max(cursor, e)
    if not pieces:
        return _Unit(seg, protected, None, ())
    unit = _Unit(seg, protected, None, tuple(pieces), frozenset(line_prefixes))
    masked, cursor = [], 0
    for k, (s, e) in enumerate(p for p in protected if not _MARKDOWN_BRACKET.fullmatch(text[p[0] : p[1]])):
        masked += [unit.plain(cursor, s), _placeholder(k)]
        cursor = e
    masked.append(unit.plain(cursor, len(text)))
    return replace(unit, masked=_flatten("".join(masked)).strip())


def _restore_placeholders(unit: _Unit, translated: str) -> tuple[str, list[tuple[int, int]]] | None:
    """Put protected text back where the model kept the placeholders; None unless each is there exactly once."""
    text = unit.segment.text
    masked_spans = [p for p in unit.protected if not _MARKDOWN_BRACKET.fullmatch(text[p[0] : p[1]])]
    brackets = [p for p in unit.protected if _MARKDOWN_BRACKET.fullmatch(text[p[0] : p[1]])]
    if any(translated.count(_placeholder(k)) != 1 for k in range(len(masked_spans))):
        return None
    if any(translated.count(c) != text.count(c) for c in "[]") and brackets:
        return None
    pattern = re.compile("|".join(re.escape(_placeholder(k)) for k in range(len(masked_spans))) or r"(?!)")
    out, spans, cursor = [], [], 0
    for m in pattern.finditer(translated):
        k = next(k for k in range(len(masked_spans)) if _placeholder(k) == m.group())
        out.append(translated[cursor : m.start()])
        position = sum(len(x) for x in out)
        s, e = masked_spans[k]
        out.append(text[s:e])
        spans.append((position, position + e - s))
        cursor = m.end()
    out.append(translated[cursor:])
    result = "".join(out)
    spans += [(m.start(), m.end()) for m in _MARKDOWN_BRACKET.finditer(result)] if brackets else []
    return result, sorted(spans)


def _assemble_pieces(unit: _Unit, translated: dict[tuple[int, int], str]) -> tuple[str, list[tuple[int, int]]]:
    """Protected text verbatim, each piece between replaced by its translation (its outer whitespace kept)."""
    text = unit.segment.text
    out, cursor = [], 0
    for s, e in unit.pieces:
        piece = unit.plain(s, e)
        core = piece.strip()
        lead = piece[: len(piece) - len(piece.lstrip())]
        trail = piece[len(piece.rstrip()) :]
        out += [unit.plain(cursor, s), _flatten(lead), translated[(s, e)] if core else "", _flatten(trail)]
        cursor = e
    out.append(unit.plain(cursor, len(text)))
    result = "".join(out)
    return result, _find_spans(result, [text[s:e] for s, e in unit.protected])


def _find_spans(result: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Where each protected text sits in `result`, searched in order."""
    spans, cursor = [], 0
    for piece in pieces:
        position = result.find(piece, cursor)
        if position >= 0:
            spans.append((position, position + len(piece)))
            cursor = position + len(piece)
    return spans


def _yaml_safe(doc: Document, seg: Segment, translated: str) -> str:
    """A translated front-matter value that keeps the YAML valid (quoted or escaped as the source was)."""
    quote = doc.text[seg.start - 1] if seg.start > 0 else ""
    if quote == '"':
        return json.dumps(translated, ensure_ascii=False)[1:-1]
    if quote == "'":
        return translated.replace("'", "''")
    try:
        if yaml.safe_load(f"k: {translated}") == {"k": translated}:
            return translated
    except yaml.YAMLError:
        pass
    return json.dumps(translated, ensure_ascii=False)


def translate_document(
    doc: Document,
    translator: Translator,
    use_cache: bool = False,
    progress: bool = False,
) -> Translation:
    """Translate every segment of `doc`; everything between segments is copied byte for byte. With `use_cache`,
    sentences translated before with the same model and settings are taken from the cache (`align.cache`)."""
    segs = sorted(segment(doc), key=lambda s: s.start)
    units = [_prepare(s, doc.format == "markdown") for s in segs]
    masked = [u.masked for u in units if u.masked is not None]
    first = iter(translate_texts(translator, masked, use_cache, progress))
    results: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    retry: list[_Unit] = []
    for u in units:
        if u.masked is None:
            results[u.segment.index] = (u.segment.text, [(s, e) for s, e in u.protected])
            continue
        restored = _restore_placeholders(u, next(first))
        if restored is None:
            retry.append(u)
        else:
            results[u.segment.index] = restored
    if retry:
        keys = [(u, p) for u in retry for p in u.pieces]
        texts = [_flatten(u.plain(s, e)).strip() for u, (s, e) in keys]
        pieces = dict(zip([(id(u), p) for u, p in keys], translate_texts(translator, texts, use_cache), strict=True))
        for u in retry:
            results[u.segment.index] = _assemble_pieces(u, {p: pieces[(id(u), p)] for p in u.pieces})
    return _rebuild(doc, segs, results, translator.name, translator.signature())


def _rebuild(
    doc: Document,
    segs: list[Segment],
    results: dict[int, tuple[str, list[tuple[int, int]]]],
    model: str,
    signature: str,
) -> Translation:
    parts, out_segments, cursor, shift = [], [], 0, 0
    boundaries: list[tuple[int, int]] = []  # (source end, cumulative shift after it)
    protected_map: dict[tuple[int, int], tuple[int, int]] = {}
    for number, seg in enumerate(segs):
        text, spans = results[seg.index]
        if doc.blocks[seg.block].kind == "meta_value":
            text, spans = _yaml_safe(doc, seg, text), []
        parts.append(doc.text[cursor : seg.start])
        start = seg.start + shift
        absolute = tuple((start + s, start + e) for s, e in spans)
        out_segments.append(
            Segment(text=text, start=start, end=start + len(text), index=number, block=seg.block, protected=absolute)
        )
        unused = list(absolute)
        for original in _protected_of(seg, doc):
            same = next((n for n in unused if _slice(text, start, n) == doc.text[original[0] : original[1]]), None)
            if same is not None:
                protected_map[original] = same
                unused.remove(same)
        parts.append(text)
        shift += len(text) - (seg.end - seg.start)
        boundaries.append((seg.end, shift))
        cursor = seg.end
    parts.append(doc.text[cursor:])
    out_text = "".join(parts)

    def moved(position: int) -> int:
        delta = 0
        for end, total in boundaries:
            if end <= position:
                delta = total
        return position + delta

    inside = [(seg.start, seg.end) for seg in segs]
    blocks = tuple(_moved_block(b, moved, protected_map, inside) for b in doc.blocks)
    metadata = document_from_text(out_text, "en", doc.format, doc.id).metadata if doc.format == "markdown" else {}
    document = replace(doc, language="en", text=out_text, metadata=metadata, blocks=blocks, path=None)
    sources = tuple(seg.index for seg in segs)
    return Translation(document, tuple(out_segments), sources, model, signature)


def _slice(text: str, start: int, span: tuple[int, int]) -> str:
    return text[span[0] - start : span[1] - start]


def _protected_of(seg: Segment, doc: Document) -> list[tuple[int, int]]:
    unit = _prepare(seg, doc.format == "markdown")
    return [(seg.start + s, seg.start + e) for s, e in unit.protected]


def _moved_block(
    block: Block,
    moved: Callable[[int], int],
    protected_map: dict[tuple[int, int], tuple[int, int]],
    segments: list[tuple[int, int]],
) -> Block:
    """The block at its place in the output; protected spans inside sentences follow the translation."""
    protected = []
    for span in block.protected:
        if span in protected_map:
            protected.append(protected_map[span])
        elif not any(s <= span[0] and span[1] <= e for s, e in segments):
            protected.append((moved(span[0]), moved(span[1])))
    return Block(
        block.kind,
        moved(block.start),
        moved(block.end),
        moved(block.text_start),
        moved(block.text_end),
        block.level,
        tuple(sorted(protected)),
    )


def load_translation(path: str | os.PathLike[str], format: str | None = None) -> Translation:
    """A translation brought in from a file (`--translation FILE`): the English document and its segments."""
    doc = load_document(path, language="en", format=format)
    return Translation(doc, segment(doc), None, f"file:{path}")
