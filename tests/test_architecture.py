"""Rooms import only the rooms above them (DESIGN.md): no cycles, one-way traffic.

The order is DESIGN.md's table: a room may import the rooms above it, never below.
Imports inside functions count too (lazy imports are still dependencies).
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "preclin"

ORDER = [
    "core",
    "curves",
    "stats",
    "receptor",
    "assays",
    "invivo",
    "pk",
    "translate",
    "knowledge",
    "datasets",
    "report",
    "cli",
    "scale",
]
ALWAYS_ALLOWED = {"_version"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "preclin" and len(parts) > 1:
                found.add(parts[1])
    return found


def _room_files():
    for room in ORDER:
        folder = SRC / room
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield room, path


@pytest.mark.parametrize(("room", "path"), list(_room_files()), ids=lambda v: str(v)[-60:])
def test_imports_point_up(room, path):
    rank = ORDER.index(room)
    for target in _imports(path) - ALWAYS_ALLOWED - {room}:
        assert target in ORDER, f"{path.relative_to(SRC)} imports preclin.{target} (not a room)"
        assert ORDER.index(target) < rank, (
            f"{path.relative_to(SRC)} (room {room}) imports preclin.{target}, "
            f"which is below it in DESIGN.md"
        )
