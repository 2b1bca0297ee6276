"""Bundled examples: discovery and loading (public surface in ``preclin.datasets``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["describe_example", "example_path", "list_examples", "load_example"]

DATA_DIR = Path(__file__).parent / "data"
_TABLES = (".csv", ".tsv", ".parquet", ".xlsx")


def _files() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for p in sorted(DATA_DIR.iterdir()):
        if p.is_file() and p.suffix != ".md" and not p.name.startswith((".", "_")):
            out.setdefault(p.stem, p)
    return out


def list_examples() -> list[str]:
    """Names of the bundled examples."""
    return sorted(_files())


def example_path(name: str) -> Path:
    """The file of a bundled example (for CLI use and non-table data)."""
    files = _files()
    if name not in files:
        from preclin.core.validation import check_option

        check_option("name", name, sorted(files))
    return files[name]


def describe_example(name: str) -> str:
    """The example's description (its sidecar ``.md``), or an empty string."""
    md = example_path(name).with_suffix(".md")
    return md.read_text(encoding="utf-8") if md.exists() else ""


def load_example(name: str) -> Any:
    """Load a bundled example: a DataFrame for tables, else the file's text.

    >>> df = load_example("concentration_response")
    >>> sorted(df.columns)[:3]
    ['compound', 'conc_uM', 'plate']
    """
    path = example_path(name)
    if path.suffix in _TABLES:
        from preclin.core.io import read_table

        return read_table(path)
    return path.read_text(encoding="utf-8")
