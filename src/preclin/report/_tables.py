"""The blocks a guide is made of: tables whose every cell names its source,
figures, text with citations, gaps and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Block",
    "Cell",
    "FigureBlock",
    "Gap",
    "Paragraphs",
    "SectionBlock",
    "TableBlock",
    "split_refs",
]

_REF_SPLIT = re.compile(r"\s*[;,|]\s*")


def split_refs(cell: Any) -> list[str]:
    """``"R01;R03"`` → ``["R01", "R03"]`` (empty for missing)."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    return [r for r in _REF_SPLIT.split(str(cell).strip()) if r]


@dataclass
class Cell:
    """One table cell: its text and the sources of its value.

    ``sources`` are tokens ``ref:<ref_id>`` (a knowledge reference) or
    ``analysis:<id>`` (an analysis record in the guide's appendix); the
    renderer writes them to ``data-source`` and links the value to the first.
    """

    text: str
    sources: tuple[str, ...] = ()
    numeric: bool = False


@dataclass
class TableBlock:
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    number: int = 0
    kind: str = "table"

    @property
    def anchor(self) -> str:
        return f"table-{self.number}"


@dataclass
class FigureBlock:
    caption: str
    svg: str
    sources: tuple[str, ...] = ()
    number: int = 0
    kind: str = "figure"

    @property
    def anchor(self) -> str:
        return f"figure-{self.number}"


@dataclass
class Paragraphs:
    """Paragraphs (and ``- `` bullet lists) with ``[R03]`` citations resolved."""

    html: Any  # markupsafe.Markup, built with escaping in _references
    box: str | None = None
    title: str | None = None
    sources: tuple[str, ...] = ()
    kind: str = "text"


@dataclass
class Gap:
    """A part of the guide that could not be produced (clearly marked, never faked)."""

    message: str
    kind: str = "gap"


Block = TableBlock | FigureBlock | Paragraphs | Gap


@dataclass
class SectionBlock:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
