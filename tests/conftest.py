"""Shared fixtures: the bundled seeds and the gold data in ../shared/data (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = Path(os.environ.get("ALIGN_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED_NAMES = ("000_196887d79a86fdb7.txt", "004_06f121a0a3444192.txt")


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """Stage, translation and embedding caches go to a temporary folder, never the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALIGN_CACHE_DIR", str(tmp_path_factory.mktemp("align-cache")))
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The gold data folder; tests that need it skip with the reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"gold data not found at {SHARED_DATA} (set ALIGN_SHARED_DATA to its folder)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS
