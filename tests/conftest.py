"""Fixtures shared by every test: the saved papers pages (ours, and the real one when present), and a fresh store.

Where the inputs live is said once, in ``tests/realfiles.py``; ``READER_SHARED`` moves the real ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.store import Store
from tests.realfiles import Page, page_cases


@pytest.fixture(params=page_cases())
def page(request: pytest.FixtureRequest) -> Page:
    """A saved Hugging Face papers page: our own, then the real seed page when ../shared holds it."""
    chosen: Page = request.param
    return chosen


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "library.json"


@pytest.fixture
def store(store_path: Path) -> Store:
    opened = Store(store_path)
    yield opened
    opened.close()
