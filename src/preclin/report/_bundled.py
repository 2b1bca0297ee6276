"""Bundled guide specs (``preclin/report/guides/*.yaml``) and the starter store cache."""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["bundled_guide_path", "bundled_guides", "open_store"]


def _guides_dir() -> Path:
    return Path(str(resources.files("preclin.report") / "guides"))


def bundled_guides() -> dict[str, Path]:
    """Name → path of every bundled guide spec, sorted by name."""
    return {p.stem: p for p in sorted(_guides_dir().glob("*.yaml"))}


def bundled_guide_path(name: str) -> Path | None:
    return bundled_guides().get(name)


def _starter_digest() -> str:
    from preclin.knowledge import SCHEMA_VERSION
    from preclin.knowledge._base import STARTER_ORDER, _starter_path

    h = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    for kind in STARTER_ORDER:
        h.update(_starter_path(kind).read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> Path:
    env = os.environ.get("PRECLIN_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("preclin"))


def starter_store_path() -> Path:
    """A read-only copy of the bundled starter knowledge base, built once and cached.

    Keyed by the SHA-256 of the starter tables and the schema version, so an
    edited starter table gives a new store; built in a temporary file and
    moved into place atomically (safe when several processes race).
    """
    from preclin.knowledge import KnowledgeBase

    target = _cache_dir() / f"starter-{_starter_digest()}.duckdb"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = tempfile.mkdtemp(dir=target.parent, prefix=".building-")
    tmp = Path(tmpdir) / "kb.duckdb"
    try:
        KnowledgeBase(tmp, starter=True).close()
        os.replace(tmp, target)
    finally:
        for leftover in Path(tmpdir).glob("*"):
            leftover.unlink(missing_ok=True)
        os.rmdir(tmpdir)
    return target


def open_store(db: str | os.PathLike[str] | None) -> Any:
    """A read-only :class:`~preclin.knowledge.KnowledgeBase`: ``db``, else the starter copy."""
    from preclin.core.errors import InputError
    from preclin.knowledge import KnowledgeBase

    if db is None:
        return KnowledgeBase(starter_store_path(), read_only=True)
    path = Path(db)
    if not path.exists():
        raise InputError(
            f"knowledge store {str(db)!r} not found", hint="create it with `preclin kb init --db`"
        )
    return KnowledgeBase(path, read_only=True)
