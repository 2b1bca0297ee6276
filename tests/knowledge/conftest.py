"""Fixtures for the knowledge room: a seeded store built once, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from preclin.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kb_template") / "starter.duckdb"
    KnowledgeBase(path).close()
    return path


@pytest.fixture
def seeded(_seeded_template: Path, tmp_path: Path) -> Path:
    """Path to a fresh copy of a store seeded with the starter data."""
    path = tmp_path / "kb.duckdb"
    shutil.copy(_seeded_template, path)
    return path


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """Path to a fresh store without starter data."""
    path = tmp_path / "empty.duckdb"
    KnowledgeBase(path, starter=False).close()
    return path


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """PRECLIN_DB pointed at a temporary path (never the user's data dir)."""
    path = tmp_path / "env.duckdb"
    monkeypatch.setenv("PRECLIN_DB", str(path))
    return path
