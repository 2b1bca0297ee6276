"""Instrument exports: FLIPR-style kinetic traces and plate-reader endpoint tables.

Accepted forms (tiny examples of each are bundled: ``flipr_traces_wide``,
``flipr_traces_long``, ``plate_endpoint_long``, ``plate_endpoint_grid``):

* **kinetic, wide** — one row per read: ``[plate,] time, A1, A2, ...`` (the
  FLIPR / FDSS "export all wells" layout);
* **kinetic, long** — one row per well and read: ``[plate,] well, time, value``;
* **endpoint, long** — ``[plate,] well, value``;
* **endpoint, grid** — the plate map a reader prints: ``[plate,] row, 1, 2, ...``
  with the row letter in ``row`` and one column per plate column.

Traces are returned in the canonical wide form (``plate``, ``time``, then
wells in row-major order, one row per plate and read, sorted by time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from preclin.assays._wells import check_format, parse_wells, well_names
from preclin.core import (
    InputError,
    numeric_column,
    read_table,
    require_columns,
    row_label,
    source_name,
)

__all__ = ["read_endpoint", "read_traces", "trace_array"]

_VALUE_NAMES = ("value", "rfu", "fluorescence", "signal", "response", "counts")


def _frame(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    return read_table(source, dtype={"well": str, "plate": str})


def _value_column(df: pd.DataFrame, value_column: str | None) -> str:
    if value_column is not None:
        require_columns(df, [value_column], option="value_column")
        return value_column
    for name in _VALUE_NAMES:
        if name in df.columns:
            return name
    raise InputError(
        f"no value column (looked for {', '.join(_VALUE_NAMES)})",
        file=source_name(df),
        hint="name the column holding the readings with value_column (CLI --value)",
    )


def _check_values(
    values: np.ndarray,
    df: pd.DataFrame,
    wells: list[str],
    *,
    allow_negative: bool,
    long_col: str | None,
) -> None:
    """Non-finite or negative readings → InputError naming the well and row."""
    file = source_name(df)
    bad = ~np.isfinite(values)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError(
            f"missing or non-finite reading in well {wells[c]}",
            file=file,
            row=row_label(df, int(r)) if long_col is None else None,
            column=long_col or wells[c],
            hint="fill the reading or remove the well from the layout and the export",
        )
    if not allow_negative:
        neg = values < 0
        if neg.any():
            r, c = np.argwhere(neg)[0]
            raise InputError(
                f"negative fluorescence {values[r, c]:g} in well {wells[c]}",
                file=file,
                row=row_label(df, int(r)) if long_col is None else None,
                column=long_col or wells[c],
                hint="raw counts cannot be negative; if the export is baseline-subtracted "
                "pass allow_negative=True (CLI --allow-negative)",
            )


def read_traces(
    source: str | Path | pd.DataFrame,
    *,
    plate_format: int | None = None,
    time_column: str = "time",
    value_column: str | None = None,
    allow_negative: bool = False,
) -> pd.DataFrame:
    """Read kinetic fluorescence traces (FLIPR-style), wide or long.

    Parameters
    ----------
    source : path or DataFrame
        Wide (``[plate,] time, A1, A2, ...``) or long
        (``[plate,] well, time, value``); see the module notes.
    plate_format : {96, 384, 1536}, optional
        Wells must lie on this plate (default: smallest that holds them).
    time_column : str
        Column of read times (seconds).
    value_column : str, optional
        Long form: the readings column (default: value, rfu, fluorescence,
        signal, response or counts).
    allow_negative : bool
        Accept negative readings (baseline-subtracted exports).

    Returns
    -------
    DataFrame
        ``plate`` (str; ``"1"`` when the file has no plate column), ``time``,
        then one float column per well (canonical names, row-major order);
        rows sorted by plate and time. ``attrs``: ``source``,
        ``plate_format``.

    Raises
    ------
    InputError
        A column that is not a well, a bad or duplicate well, a duplicate
        (plate, well, time), non-numeric, missing or negative readings, plates
        with different wells.

    Examples
    --------
    >>> from preclin.datasets import example_path
    >>> tr = read_traces(example_path("flipr_traces_wide"))
    >>> tr.iloc[:3, :5]
      plate  time      A1      A2      A3
    0     1   0.0  1000.0  1010.0   990.0
    1     1   2.0  1002.0  1008.0   991.0
    2     1   4.0  1001.0  1009.0   989.0
    """
    df = _frame(source)
    file = source_name(df)
    fmt = None if plate_format is None else check_format(plate_format)
    require_columns(df, [time_column], option="time_column")
    if "well" in df.columns:
        out = _long_traces(df, fmt, time_column, value_column, allow_negative)
    else:
        out = _wide_traces(df, fmt, time_column, allow_negative)
    out.attrs["source"] = file
    out.attrs["preclin_traces"] = True
    return out


def _plates(df: pd.DataFrame) -> np.ndarray:
    if "plate" in df.columns:
        return df["plate"].astype(str).str.strip().to_numpy(dtype=object)
    return np.full(len(df), "1", dtype=object)


def _wide_traces(
    df: pd.DataFrame, fmt: int | None, time_column: str, allow_negative: bool
) -> pd.DataFrame:
    file = source_name(df)
    cols = [c for c in df.columns if c not in (time_column, "plate")]
    if not cols:
        raise InputError("no well columns", file=file, hint="one column per well: A1, A2, ...")
    wells = parse_wells(cols, fmt, file=file, column="header")
    names = wells["well"].tolist()
    dup = wells["well"].duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"well {names[int(np.flatnonzero(dup)[0])]} has two columns",
            file=file,
            hint="give each well one column",
        )
    time = numeric_column(df, time_column, what="time")
    for c in cols:
        if not pd.api.types.is_numeric_dtype(df[c]):
            numeric_column(df, c, allow_missing=True, what="reading")
    values = df[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    _check_values(values, df, names, allow_negative=allow_negative, long_col=None)
    plate = _plates(df)
    key = pd.DataFrame({"plate": plate, "time": time})
    dup = key.duplicated().to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"time {time[pos]:g} appears twice for plate {plate[pos]}",
            file=file,
            row=row_label(df, pos),
            column=time_column,
            hint="each plate needs one row per read",
        )
    order = np.lexsort((time, plate))
    fmt = int(wells.attrs["plate_format"])
    canon = [w for w in well_names(fmt) if w in set(names)]
    idx = pd.Index(names).get_indexer(canon)
    out = pd.DataFrame(values[np.ix_(order, idx)], columns=canon)
    out.insert(0, "time", time[order])
    out.insert(0, "plate", plate[order])
    out.attrs["plate_format"] = fmt
    return out


def _long_traces(
    df: pd.DataFrame,
    fmt: int | None,
    time_column: str,
    value_column: str | None,
    allow_negative: bool,
) -> pd.DataFrame:
    file = source_name(df)
    vcol = _value_column(df, value_column)
    wells = parse_wells(df["well"], fmt, file=file, first_row=df.attrs.get("first_row"))
    time = numeric_column(df, time_column, what="time")
    value = numeric_column(df, vcol, what="reading")
    if not allow_negative and (value < 0).any():
        pos = int(np.flatnonzero(value < 0)[0])
        raise InputError(
            f"negative fluorescence {value[pos]:g} in well {wells['well'].iloc[pos]}",
            file=file,
            row=row_label(df, pos),
            column=vcol,
            hint="raw counts cannot be negative; if the export is baseline-subtracted "
            "pass allow_negative=True (CLI --allow-negative)",
        )
    long = pd.DataFrame(
        {"plate": _plates(df), "well": wells["well"].to_numpy(), "time": time, "value": value}
    )
    dup = long.duplicated(["plate", "well", "time"]).to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"well {long['well'].iloc[pos]} has two readings at time {time[pos]:g}"
            f" (plate {long['plate'].iloc[pos]})",
            file=file,
            row=row_label(df, pos),
            column="well",
            hint="remove the duplicate row",
        )
    wide = long.pivot(index=["plate", "time"], columns="well", values="value")
    fmt = int(wells.attrs["plate_format"])
    present = set(wide.columns)
    canon = [w for w in well_names(fmt) if w in present]
    wide = wide[canon]
    if wide.isna().to_numpy().any():
        r, c = np.argwhere(wide.isna().to_numpy())[0]
        plate, t = wide.index[r]
        raise InputError(
            f"well {canon[c]} has no reading at time {t:g} (plate {plate})",
            file=file,
            column="time",
            hint="every well of a plate needs a reading at each time",
        )
    out = wide.reset_index()
    out.columns.name = None
    out.attrs["plate_format"] = fmt
    return out


def trace_array(traces: pd.DataFrame) -> tuple[list[Any], np.ndarray, np.ndarray, list[str]]:
    """Split canonical wide traces into ``(plates, time, values, wells)``.

    ``values`` has shape (plates, reads, wells); every plate must have the
    same read times (otherwise ``time`` is (plates, reads) with NaN padding
    and ``values`` is NaN-padded too).
    """
    wells = [c for c in traces.columns if c not in ("plate", "time")]
    plate = traces["plate"].to_numpy()
    codes, plates = pd.factorize(plate, sort=False)
    counts = np.bincount(codes)
    n_p, n_t = len(plates), int(counts.max())
    vals = traces[wells].to_numpy(dtype=float)
    time = traces["time"].to_numpy(dtype=float)
    order = np.argsort(codes, kind="stable")
    pos = np.arange(len(codes)) - np.repeat(np.cumsum(counts) - counts, counts)
    out_v = np.full((n_p, n_t, len(wells)), np.nan)
    out_t = np.full((n_p, n_t), np.nan)
    out_v[codes[order], pos] = vals[order]
    out_t[codes[order], pos] = time[order]
    return list(plates), out_t, out_v, wells


def read_endpoint(
    source: str | Path | pd.DataFrame,
    *,
    plate_format: int | None = None,
    value_column: str | None = None,
    allow_negative: bool = True,
) -> pd.DataFrame:
    """Read a plate-reader endpoint table, long or plate-map grid.

    Parameters
    ----------
    source : path or DataFrame
        Long (``[plate,] well, value``) or grid (``[plate,] row, 1, 2, ...``).
    plate_format : {96, 384, 1536}, optional
    value_column : str, optional
        Long form: the readings column (default: value, rfu, signal, ...).
    allow_negative : bool
        Accept negative readings (default True: endpoint values are often
        background-corrected).

    Returns
    -------
    DataFrame
        ``plate`` (str), ``well``, ``response`` (float), one row per well.

    Examples
    --------
    >>> from preclin.datasets import example_path
    >>> read_endpoint(example_path("plate_endpoint_grid")).head(3)
      plate well  response
    0    P1   A1     120.0
    1    P1   A2     118.0
    2    P1   A3      64.0
    """
    df = _frame(source)
    file = source_name(df)
    fmt = None if plate_format is None else check_format(plate_format)
    if "well" in df.columns:
        vcol = _value_column(df, value_column)
        wells = parse_wells(df["well"], fmt, file=file, first_row=df.attrs.get("first_row"))
        value = numeric_column(df, vcol, what="reading")
        out = pd.DataFrame(
            {"plate": _plates(df), "well": wells["well"].to_numpy(), "response": value}
        )
        rows = np.arange(len(df))
        col_name = vcol
    else:
        require_columns(df, ["row"])
        cols = [c for c in df.columns if c not in ("plate", "row")]
        if not all(str(c).isdigit() for c in cols):
            bad = next(c for c in cols if not str(c).isdigit())
            raise InputError(
                f"column {bad!r} is neither a well column (well, value) nor a plate column "
                "number (grid: row, 1, 2, ...)",
                file=file,
                hint="use the long form (plate, well, value) or a plate-map grid",
            )
        vals = df[cols].apply(pd.to_numeric, errors="coerce")
        text_bad = vals.isna().to_numpy() & df[cols].notna().to_numpy()
        if text_bad.any():
            r, c = np.argwhere(text_bad)[0]
            raise InputError(
                f"{df[cols].iat[r, c]!r} is not a number",
                file=file,
                row=row_label(df, int(r)),
                column=str(cols[c]),
            )
        rows_lbl = df["row"].astype(str).str.strip().str.upper().to_numpy()
        n = len(cols)
        wells_raw = np.char.add(
            np.repeat(rows_lbl.astype(str), n), np.tile(np.asarray(cols, str), len(df))
        )
        wells = parse_wells(wells_raw, fmt, file=file, column="row")
        out = pd.DataFrame(
            {
                "plate": np.repeat(_plates(df), n),
                "well": wells["well"].to_numpy(),
                "response": vals.to_numpy(dtype=float).ravel(),
            }
        )
        keep = out["response"].notna().to_numpy()
        out = out[keep].reset_index(drop=True)
        rows = np.repeat(np.arange(len(df)), n)[keep]
        col_name = "value"
    dup = out.duplicated(["plate", "well"]).to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"well {out['well'].iloc[pos]} appears twice (plate {out['plate'].iloc[pos]})",
            file=file,
            row=row_label(df, int(rows[pos])),
            hint="give each well one reading",
        )
    if not allow_negative and (out["response"] < 0).any():
        pos = int(np.flatnonzero((out["response"] < 0).to_numpy())[0])
        raise InputError(
            f"negative reading in well {out['well'].iloc[pos]}",
            file=file,
            row=row_label(df, int(rows[pos])),
            column=col_name,
        )
    out.attrs["source"] = file
    out.attrs["plate_format"] = int(wells.attrs["plate_format"]) if fmt is None else fmt
    return out
