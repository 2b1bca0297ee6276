"""Fixtures: the three seed guides built once per session (cached starter store)."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED_GUIDES = ("alnespirone", "azapirones", "basimglurant")


@pytest.fixture(scope="session")
def seed_guides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from preclin.report import write_guide

    out = tmp_path_factory.mktemp("guides")
    return {name: write_guide(name, out / f"{name}.html") for name in SEED_GUIDES}
