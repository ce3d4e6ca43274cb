"""The model registry (models/registry.json) and where a model is found on this machine.

A model is looked up, in order, in a directory the user gives, in `$ALIGN_MODELS_DIR/<name>`
(default `$XDG_CACHE_HOME/align/models`, i.e. `~/.cache/align/models`), and in the Hugging Face
cache, offline. Nothing is ever downloaded: a missing model raises `ModelMissingError` with the
exact command that gets it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from align.errors import InputError, ModelMissingError
from align.files import cache_home

REGISTRY = Path(__file__).resolve().parent / "data" / "models.json"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    task: str
    source: str
    licence: str
    files: tuple[str, ...]
    sha256: dict[str, str]
    size_mb: int
    obtain: str
    notes: str = ""
    python_package: str | None = None


@dataclass(frozen=True)
class ModelStatus:
    entry: ModelEntry
    location: str | None  # the directory (or package) where it was found; None when missing
    how_to_get: str


@cache
def registry(path: Path = REGISTRY) -> tuple[ModelEntry, ...]:
    """The known models, in registry order."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(
            path, f"model registry cannot be read ({err})", "reinstall align from its source tree"
        ) from None
    return tuple(
        ModelEntry(**{**item, "files": tuple(item.get("files", ())), "sha256": dict(item.get("sha256", {}))})
        for item in data["models"]
    )


def registry_entry(name: str) -> ModelEntry | None:
    """The entry whose full name or short name (after the '/') is `name`."""
    for entry in registry():
        if name in (entry.name, entry.name.rsplit("/", 1)[-1]):
            return entry
    return None


def models_dir() -> Path:
    """Where `align` looks for models by name: $ALIGN_MODELS_DIR, else $XDG_CACHE_HOME/align/models (~/.cache)."""
    configured = os.environ.get("ALIGN_MODELS_DIR")
    return Path(configured).expanduser() if configured else cache_home() / "align" / "models"


def how_to_get(name: str) -> str:
    """One sentence: the command to run on a connected machine and where to put the files."""
    entry = registry_entry(name)
    target = models_dir() / name
    if entry and entry.python_package:
        return f"install it with `{entry.obtain}`"
    command = (
        entry.obtain.format(target=target)
        if entry
        else f"hf download {name} --include '*.json' '*.spm' '*.txt' '*.model' '*.safetensors' --local-dir {target}"
    )
    return (
        f"on a machine with internet access run `{command}`, then copy that folder to {target} on this machine "
        f"(or pass --model DIR, or set ALIGN_MODELS_DIR to the folder that holds {name})"
    )


def _has_weights(directory: Path) -> bool:
    return any(directory.glob("*.safetensors"))


def _hf_cache_snapshot(name: str) -> Path | None:
    """The newest cached snapshot of a hub repository, found offline; None when not cached."""
    if "/" not in name or name.startswith(("/", ".", "~")):
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(name, local_files_only=True))
    except (LocalEntryNotFoundError, ValueError, OSError):
        return None


def candidates(name: str, directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """Where `name` may be, in resolution order: the given directory, $ALIGN_MODELS_DIR/<name>, the HF cache."""
    found = [Path(directory).expanduser()] if directory else []
    found += [models_dir() / name, models_dir() / name.rsplit("/", 1)[-1]]
    snapshot = _hf_cache_snapshot(name)
    return [*found, snapshot] if snapshot else found


def locate(name: str, directory: str | os.PathLike[str] | None = None) -> Path:
    """The first candidate directory that holds safetensors weights; ModelMissingError if none does."""
    given = Path(directory).expanduser() if directory else None
    if given is not None:
        if not given.is_dir():
            raise ModelMissingError(str(given), f"no such directory; {how_to_get(name)}")
        if not _has_weights(given):
            raise ModelMissingError(
                str(given),
                "it has no *.safetensors weights (pickled .bin files are never loaded); " + how_to_get(name),
            )
        return given
    for path in candidates(name):
        if path.is_dir() and _has_weights(path):
            return path
    raise ModelMissingError(name, how_to_get(name))


def checksum(directory: Path) -> str:
    """sha256 over the weights, configuration and vocabulary files of a model directory."""
    digest = hashlib.sha256()
    files = sorted(p for p in directory.iterdir() if p.suffix in (".safetensors", ".json", ".spm", ".model", ".txt"))
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def verify(entry: ModelEntry, directory: Path) -> list[str]:
    """Names of the registry's expected files that are missing or whose sha256 differs."""
    problems = [f"{name} missing" for name in entry.files if not (directory / name).is_file()]
    for name, expected in entry.sha256.items():
        path = directory / name
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            problems.append(f"{name} checksum differs")
    return problems


def status(entry: ModelEntry) -> ModelStatus:
    """Whether the model is available here, and where."""
    if entry.python_package:
        spec = importlib.util.find_spec(entry.python_package)
        location = f"python package {entry.python_package}" if spec else None
        return ModelStatus(entry, location, how_to_get(entry.name))
    for path in candidates(entry.name):
        if path.is_dir() and _has_weights(path):
            return ModelStatus(entry, str(path), how_to_get(entry.name))
    return ModelStatus(entry, None, how_to_get(entry.name))
