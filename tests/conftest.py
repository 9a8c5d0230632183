"""Fixtures shared by every test: where the real inputs live, and a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_7bfbc06375f7ab90.txt"
REALWORLD = SHARED / "realworld"


@pytest.fixture
def seed_page() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the real seed page is not at {SEED}")
    return SEED


@pytest.fixture
def realworld() -> Path:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world inputs are not at {REALWORLD}")
    return REALWORLD


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "library.json"


@pytest.fixture
def store(store_path: Path) -> Store:
    opened = Store(store_path)
    yield opened
    opened.close()
