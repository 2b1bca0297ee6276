"""Shared fixtures. Reference data live in ../shared/reference (public, from R)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO.parent / "shared" / "reference"
LOCAL_REFERENCE = REPO / "reference"


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    """``../shared/reference`` (skips if the checkout has no shared/ beside it)."""
    if not SHARED_REFERENCE.exists():
        pytest.skip(f"{SHARED_REFERENCE} not found: clone with ../shared beside the repo")
    return SHARED_REFERENCE


@pytest.fixture(scope="session")
def local_reference() -> Path:
    """``reference/`` in this repo: reference values we generated, with their scripts."""
    return LOCAL_REFERENCE
