"""Helpers shared by the CLI commands: reading, writing, printing, parsing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


def stdout() -> Console:
    from rich.console import Console

    return Console(soft_wrap=False, width=160)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def parse_assignments(items: list[str] | None, option: str) -> dict[str, str]:
    """``["hill=-1", "bottom=0"]`` → ``{"hill": "-1", "bottom": "0"}``."""
    from preclin.core.errors import InputError

    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(f"Invalid `{option}`: got {item!r}, must look like name=value.")
        out[name.strip()] = value.strip()
    return out


def parse_float(text: str, option: str) -> float:
    from preclin.core.errors import InputError

    try:
        return float(text)
    except ValueError:
        raise InputError(f"Invalid `{option}`: got {text!r}, must be a number.") from None


def write_or_print(
    df: pd.DataFrame,
    out: Path | None,
    *,
    title: str = "",
    metadata: dict[str, Any] | None = None,
    max_rows: int = 40,
) -> None:
    """Write ``df`` to ``out`` (by suffix) and print a short table."""
    from preclin.core.io import write_table

    if out is not None:
        write_table(df, out, metadata=metadata)
    print_table(df, title=title, max_rows=max_rows)
    if out is not None:
        stderr().print(f"wrote {len(df)} rows to {out}")


def write_json(doc: Any, out: Path) -> None:
    """Write ``doc`` to ``out`` as strict JSON (NaN is an error) and say so on stderr."""
    import json

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    stderr().print(f"wrote {out}")


def format_value(value: Any) -> str:
    import math

    import numpy as np

    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return ""
        if v != 0 and (abs(v) >= 1e9 or abs(v) < 1e-3):
            return f"{v:.3e}"
        if abs(v) >= 1e4:
            return f"{v:.0f}"  # 31491, not 3.149e+04
        return f"{v:.4g}"
    return str(value)


def print_table(
    df: pd.DataFrame, *, title: str = "", max_rows: int = 40, columns: list[str] | None = None
) -> None:
    """Pretty-print a DataFrame with rich (numbers to 4 significant digits)."""
    from rich.table import Table

    cols = columns or [str(c) for c in df.columns]
    table = Table(title=title or None, show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(c, overflow="fold")
    shown = df.head(max_rows)
    for _, row in shown[cols].iterrows():
        table.add_row(*(format_value(v) for v in row.tolist()))
    con = stdout()
    con.print(table)
    if len(df) > max_rows:
        con.print(f"... {len(df) - max_rows} more rows")
