"""Model directories: finding them (a path, `$ALIGN_MODELS_DIR/<name>`, the offline Hugging Face cache), reading a
sentence-transformers folder's recipe (pooling, Dense modules, length, case, prompt), and loading a directory
with transformers on torch (every encoder but the embedded one on ONNX Runtime, for sentences and words alike).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from align.encoders.conversion import (
    _SPECIAL_TOKENS,
    MAX_TOKENS,
    embedded_model_dir,
    safetensors_header,
    stored_table,
)
from align.errors import ModelMissingError
from align.models import models_dir
from align.vocab import EMBEDDED

KNOWN_MODELS = {
    "LaBSE": "sentence-transformers/LaBSE",
    "multilingual-e5-small": "intfloat/multilingual-e5-small",
    "multilingual-e5-base": "intfloat/multilingual-e5-base",
    "xlm-roberta-base": "FacebookAI/xlm-roberta-base",
    "mbert": "google-bert/bert-base-multilingual-cased",
}

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
    """(fast tokenizer, model in eval mode) for a Hugging Face directory; safetensors only.

    The model computes in float32 with its weights held as stored (`align.encoders.stored_weights`): the input
    embedding table in its precision (a lookup is exact in any, and the first addition after it is in float32) and
    in its file where `model.safetensors` holds it whole (the embedded encoder's 250k × 384 float16 table is read a
    few rows a forward pass instead of held, 192 MB); float16 linear weights are given to their layers in float32
    at each use."""
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
        stored = _stored_dtype(directory / "model.safetensors", torch)
        model = AutoModel.from_pretrained(directory, dtype=stored, use_safetensors=True, **extra)
    finally:
        if shown:
            hf_logging.enable_progress_bar()
    model = _table_left_in_file(model, directory / "model.safetensors", torch)
    return load_tokenizer(directory), _computing_in_float32(model, torch).eval()


def _table_left_in_file(model: Any, weights: Path, torch: Any) -> Any:
    """`model` with its input embedding table read from `weights` row by row (`StoredEmbedding`) where the file
    stores it in the model's shape and dtype; as it was otherwise (a sharded checkpoint, bfloat16, a resized table).
    """
    from align.encoders.stored_weights import StoredEmbedding

    embedding = model.get_input_embeddings()
    if not isinstance(embedding, torch.nn.Embedding) or not weights.is_file():
        return model
    weight = embedding.weight
    name = next((key for key, parameter in model.named_parameters() if parameter is weight), None)
    table = None if name is None else stored_table(weights, name)
    if table is None or table.shape != tuple(weight.shape) or table.dtype != str(weight.dtype).removeprefix("torch."):
        return model
    model.set_input_embeddings(StoredEmbedding(table))
    return model


def _stored_dtype(weights: Path, torch: Any) -> Any:
    """float16 or bfloat16 when every tensor of the safetensors file `weights` is stored so, else float32 (the
    header says; config.json's dtype need not)."""
    kinds = {entry["dtype"] for entry in safetensors_header(weights)[0].values()}
    return {frozenset({"F16"}): torch.float16, frozenset({"BF16"}): torch.bfloat16}.get(frozenset(kinds), torch.float32)


def _computing_in_float32(model: Any, torch: Any) -> Any:
    """`model` computing in float32: the weights of its float16 or bfloat16 linear layers held as stored and given to
    them in float32 at each use (`float32_when_used`), every other parameter and floating buffer in float32, but
    the input embedding table, which stays as stored (a lookup is exact in any precision)."""
    from align.encoders.stored_weights import float32_when_used

    table = model.get_input_embeddings()
    for module in list(model.modules()):
        if module is table:
            continue
        if isinstance(module, torch.nn.Linear) and module.weight.dtype in (torch.float16, torch.bfloat16):
            float32_when_used(module)
        for parameter in module.parameters(recurse=False):
            parameter.data = parameter.data.float()
        for name, buffer in module.named_buffers(recurse=False):
            if buffer.is_floating_point():
                setattr(module, name, buffer.float())
    return model


@cache
def shared_transformers(directory: str) -> tuple[Any, Any]:
    """(tokenizer, model) loaded once per process and directory, shared by sentence and word alignment."""
    return load_transformers(directory)


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
_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
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
    return (length if usable and isinstance(length, int) else MAX_TOKENS), bool(settings.get("do_lower_case", False))


def sentence_transformers_recipe(directory: Path, name: str) -> _SentenceTransformersRecipe:
    """The recipe in a sentence-transformers folder's modules.json; the plain recipe (mean pooling) without one.

    Modules other than Transformer, Pooling, Dense and Normalize are refused: embedding without them would give
    other vectors than the model's, silently.
    """
    modules_file = directory / "modules.json"
    if not modules_file.is_file():
        return _SentenceTransformersRecipe()
    modules = _read_json(modules_file, name)
    pooling: tuple[str, ...] = ("mean",)
    include_prompt, dense, dense_out = True, [], 0
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
