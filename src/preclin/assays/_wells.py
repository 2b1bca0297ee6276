"""Plate formats and well names (A1..H12, A1..P24, A1..AF48), vectorised.

Well names are a row label (A..Z, then AA..AF for 1536-well plates) and a
1-based column number; ``A01`` and ``a1`` are read as ``A1``. Every function
here works on whole arrays of names (pandas string methods), never one well
at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, check_option

__all__ = ["PLATE_FORMATS", "check_format", "parse_wells", "row_labels", "well_names"]

#: wells → (rows, columns)
PLATE_FORMATS: dict[int, tuple[int, int]] = {96: (8, 12), 384: (16, 24), 1536: (32, 48)}

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def row_labels(n_rows: int) -> list[str]:
    """Row letters A, B, ..., Z, AA, AB, ... for ``n_rows`` rows."""
    out = []
    for i in range(n_rows):
        out.append(_LETTERS[i] if i < 26 else _LETTERS[i // 26 - 1] + _LETTERS[i % 26])
    return out


def check_format(plate_format: Any) -> int:
    """Validate a plate format (96, 384 or 1536; ``"384"`` is accepted)."""
    try:
        value = int(str(plate_format).strip())
    except ValueError:
        value = plate_format
    return int(check_option("format", value, list(PLATE_FORMATS)))


def well_names(plate_format: int) -> np.ndarray:
    """All well names of a format in row-major order (A1, A2, ..., B1, ...)."""
    n_rows, n_cols = PLATE_FORMATS[check_format(plate_format)]
    rows = np.repeat(row_labels(n_rows), n_cols)
    cols = np.tile(np.arange(1, n_cols + 1).astype(str), n_rows)
    return np.char.add(rows.astype(str), cols)


_ROW_INDEX = {label: i for i, label in enumerate(row_labels(26 * 27))}


def _row_index(letters: pd.Series) -> np.ndarray:
    """0-based row index of upper-case row letters (A → 0, AA → 26), vectorised."""
    return letters.map(_ROW_INDEX).to_numpy(dtype=np.int64)


def parse_wells(
    wells: Any,
    plate_format: int | None,
    *,
    file: str | None = None,
    column: str = "well",
    first_row: int | None = None,
) -> pd.DataFrame:
    """Validate well names and split them into row and column indices.

    Parameters
    ----------
    wells : array-like of str
        Well names (``A1``, ``a01``, ``AF48``).
    plate_format : {96, 384, 1536} or None
        Wells must lie on this plate; None infers the smallest format that
        holds them all.
    file, column, first_row : optional
        For error messages: the file, the column holding the names, and the
        spreadsheet row of the first name (None: report the position).

    Returns
    -------
    DataFrame
        ``well`` (canonical ``A1`` form), ``row`` and ``col`` (0-based ints);
        ``attrs["plate_format"]`` holds the format.

    Raises
    ------
    InputError
        A name that is not a well name, or a well outside the format.
    """
    names = pd.Series(np.asarray(wells, dtype=object)).astype(str).str.strip().str.upper()
    parts = names.str.extract(r"^([A-Z]{1,2})0*([1-9][0-9]{0,2})$")
    bad = parts[0].isna().to_numpy()

    def where(pos: int) -> Any:
        return pos + first_row if first_row is not None else None

    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{names.iloc[pos]!r} is not a well name",
            file=file,
            row=where(pos),
            column=column,
            hint="write wells as a row letter and a column number, e.g. A1 or P24",
        )
    row = _row_index(parts[0])
    col = parts[1].astype(np.int64).to_numpy() - 1
    if plate_format is None:
        fits = [f for f, (r, c) in PLATE_FORMATS.items() if row.max() < r and col.max() < c]
        if not fits:
            pos = int(np.argmax(np.maximum(row - 31, col - 47)))
            raise InputError(
                f"well {names.iloc[pos]!r} lies outside every plate format (96, 384, 1536)",
                file=file,
                row=where(pos),
                column=column,
            )
        plate_format = fits[0]
    n_rows, n_cols = PLATE_FORMATS[check_format(plate_format)]
    out = (row >= n_rows) | (col >= n_cols)
    if out.any():
        pos = int(np.flatnonzero(out)[0])
        last = f"{row_labels(n_rows)[-1]}{n_cols}"
        raise InputError(
            f"well {names.iloc[pos]!r} is not on a {plate_format}-well plate (A1..{last})",
            file=file,
            row=where(pos),
            column=column,
            hint="check the plate format or the well name",
        )
    labels = np.asarray(row_labels(n_rows), dtype=object)
    frame = pd.DataFrame(
        {"well": labels[row] + (col + 1).astype(str).astype(object), "row": row, "col": col}
    )
    frame.attrs["plate_format"] = int(plate_format)
    return frame
