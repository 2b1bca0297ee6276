"""Plate layouts as data: read from a table or generated from a dilution scheme.

A layout is a DataFrame with one row per well: ``well``, ``row`` (letter),
``column`` (1-based), ``role``, ``compound``, ``conc``, ``unit`` and, for
allosteric plates, ``agonist_conc``; an optional ``plate`` column gives each
plate its own map (without it, one layout serves every plate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from preclin.assays._wells import PLATE_FORMATS, check_format, parse_wells, row_labels
from preclin.core import (
    InputError,
    check_option,
    check_scalar,
    numeric_column,
    parse_quantity,
    read_table,
    require_columns,
    row_label,
    source_name,
)
from preclin.core.units import convert

__all__ = ["ROLES", "calculate_layout", "read_layout"]

#: canonical well roles
ROLES = ("sample", "neutral", "inhibitor", "agonist", "blank", "empty")

_ALIASES = {
    "sample": "sample", "compound": "sample", "test": "sample", "samples": "sample",
    "neutral": "neutral", "vehicle": "neutral", "dmso": "neutral", "negative": "neutral",
    "neutral_control": "neutral", "vehicle_control": "neutral", "zero": "neutral",
    "inhibitor": "inhibitor", "max_inhibition": "inhibitor", "max-inhibition": "inhibitor",
    "inhibitor_control": "inhibitor", "antagonist_control": "inhibitor", "min": "inhibitor",
    "agonist": "agonist", "agonist_only": "agonist", "agonist-only": "agonist",
    "max_agonist": "agonist", "reference_agonist": "agonist", "max": "agonist",
    "blank": "blank", "background": "blank", "no_cells": "blank",
    "empty": "empty", "unused": "empty", "none": "empty", "": "empty",
}  # fmt: skip

_DEFAULT_CONTROLS = {
    96: {"neutral": (1,), "high": (12,)},
    384: {"neutral": (1, 23), "high": (2, 24)},
    1536: {"neutral": (1, 47), "high": (2, 48)},
}


def _finish(frame: pd.DataFrame, plate_format: int) -> pd.DataFrame:
    wells = parse_wells(frame["well"], plate_format)
    frame = frame.copy()
    frame["well"] = wells["well"].to_numpy()
    frame.insert(
        frame.columns.get_loc("well") + 1, "row", np.asarray(row_labels(32))[wells["row"]]
    )
    frame.insert(frame.columns.get_loc("row") + 1, "column", wells["col"].to_numpy() + 1)
    frame.attrs["plate_format"] = plate_format
    return frame


def read_layout(
    source: str | Path | pd.DataFrame,
    *,
    plate_format: int | None = None,
    conc_unit: str | None = None,
) -> pd.DataFrame:
    """Read a plate layout (one row per well) and validate it.

    Parameters
    ----------
    source : path or DataFrame
        Columns ``well`` and ``role`` (required), ``compound`` and ``conc``
        (required for sample wells), optional ``unit`` (one unit for the whole
        layout), ``agonist_conc`` (allosteric plates) and ``plate``. Roles:
        sample, neutral (vehicle / 0 % effect control; aliases vehicle,
        dmso), inhibitor (max-inhibition control; alias max_inhibition),
        agonist (agonist-only / max-agonist control; alias agonist_only),
        blank, empty.
    plate_format : {96, 384, 1536}, optional
        Wells must lie on this plate; default: the smallest that holds them.
    conc_unit : str, optional
        Concentration unit when the table has no ``unit`` column.

    Returns
    -------
    DataFrame
        ``[plate], well, row, column, role, compound, conc, unit
        [, agonist_conc]``; ``attrs["plate_format"]`` and ``attrs["source"]``.

    Raises
    ------
    InputError
        Unknown role, bad or duplicate well, a sample without compound or
        concentration, negative or non-numeric concentrations, mixed units.

    Examples
    --------
    >>> from preclin.datasets import example_path
    >>> lay = read_layout(example_path("plate_layout_tiny"))
    >>> lay[["well", "role", "compound", "conc", "unit"]].head(3)
      well     role compound  conc unit
    0   A1  neutral      NaN   NaN   uM
    1   A2   sample      cpd  10.0   uM
    2   A3   sample      cpd   1.0   uM
    """
    df = source if isinstance(source, pd.DataFrame) else read_table(source, dtype={"well": str})
    file = source_name(df)
    require_columns(df, ["well", "role"])
    first = df.attrs.get("first_row")
    fmt = None if plate_format is None else check_format(plate_format)
    wells = parse_wells(df["well"], fmt, file=file, first_row=first)
    fmt = int(wells.attrs["plate_format"])
    roles = df["role"].fillna("").astype(str).str.strip().str.lower().str.replace(" ", "_")
    canon = roles.map(_ALIASES)
    if canon.isna().any():
        pos = int(np.flatnonzero(canon.isna().to_numpy())[0])
        raise InputError(
            f"unknown role {df['role'].iloc[pos]!r} (well {wells['well'].iloc[pos]})",
            file=file,
            row=row_label(df, pos),
            column="role",
            hint=f"use one of {', '.join(ROLES)}",
        )
    out = pd.DataFrame({"well": wells["well"].to_numpy(), "role": canon.to_numpy()})
    if "plate" in df.columns:
        out.insert(0, "plate", df["plate"].astype(str).to_numpy())
    keys = ["plate", "well"] if "plate" in out.columns else ["well"]
    dup = out.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        pos = np.flatnonzero(dup)
        rows = [row_label(df, int(p)) for p in pos[:2]]
        raise InputError(
            f"well {out['well'].iloc[pos[0]]} appears more than once (rows {rows[0]} and "
            f"{rows[1]})",
            file=file,
            column="well",
            hint="give each well one row",
        )
    sample = (out["role"] == "sample").to_numpy()
    if "compound" in df.columns:
        comp = df["compound"].astype(object).where(df["compound"].notna(), None)
        out["compound"] = comp.map(lambda v: None if v is None else str(v).strip()).to_numpy()
    else:
        out["compound"] = None
    missing = sample & pd.isna(out["compound"]).to_numpy()
    if missing.any():
        pos = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"sample well {out['well'].iloc[pos]} has no compound",
            file=file,
            row=row_label(df, pos),
            column="compound",
            hint="name the compound or give the well another role",
        )
    if "conc" in df.columns:
        conc = numeric_column(df, "conc", allow_missing=True, min_value=0, what="concentration")
    elif sample.any():
        require_columns(df, ["conc"])
        conc = np.full(len(df), np.nan)
    else:
        conc = np.full(len(df), np.nan)
    gap = sample & np.isnan(conc)
    if gap.any():
        pos = int(np.flatnonzero(gap)[0])
        raise InputError(
            f"sample well {out['well'].iloc[pos]} has no concentration",
            file=file,
            row=row_label(df, pos),
            column="conc",
            hint="fill the cell or give the well another role",
        )
    out["conc"] = conc
    out["unit"] = _unit(df, file, conc_unit)
    if "agonist_conc" in df.columns:
        out["agonist_conc"] = numeric_column(
            df, "agonist_conc", allow_missing=True, min_value=0, what="agonist concentration"
        )
    out.attrs["source"] = file
    return _finish(out, fmt)


def _unit(df: pd.DataFrame, file: str | None, conc_unit: str | None) -> str:
    if "unit" in df.columns:
        units = df["unit"].dropna().astype(str).str.strip()
        units = units[units != ""]
        distinct = list(dict.fromkeys(units))
        if len(distinct) > 1:
            pos = int(np.flatnonzero((units != distinct[0]).to_numpy())[0])
            raise InputError(
                f"mixed units ({', '.join(distinct)}) in one layout",
                file=file,
                row=row_label(df, int(units.index[pos])),
                column="unit",
                hint="convert every concentration to one unit",
            )
        if distinct:
            unit = distinct[0]
            if conc_unit is not None and conc_unit != unit:
                raise InputError(
                    f"the layout says unit {unit!r} but `conc_unit` is {conc_unit!r}",
                    file=file,
                    column="unit",
                    hint="drop one of them",
                )
            convert(1.0, unit, "M")  # a concentration unit pint knows
            return unit
    if conc_unit is None:
        raise InputError(
            "the layout has no 'unit' column",
            file=file,
            hint="add a unit column or pass conc_unit (CLI --conc-unit), e.g. uM",
        )
    convert(1.0, conc_unit, "M")
    return conc_unit


def _columns(spec: Sequence[int], n_cols: int, role: str) -> list[int]:
    cols = [int(c) for c in spec]
    for c in cols:
        if not 1 <= c <= n_cols:
            raise InputError(
                f"Invalid `controls`: {role} column {c} is not on the plate (1..{n_cols})."
            )
    return cols


def calculate_layout(
    plate_format: int = 384,
    *,
    top: str | float,
    dilution: float = 3.0,
    points: int = 10,
    replicates: int = 2,
    compounds: Sequence[str] | None = None,
    mode: str = "antagonist",
    direction: str = "descending",
    controls: Mapping[str, Sequence[int]] | None = None,
    modulator_concs: Sequence[float] | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Generate a plate layout from a dilution scheme.

    Control columns are filled top to bottom with one role each; the other
    columns hold dilution series along the row (``points`` columns per
    series, several series per row when they fit), one series per
    (compound, replicate), replicates of a compound next to each other.
    Unused wells get role ``empty``.

    Parameters
    ----------
    plate_format : {96, 384, 1536}
    top : str or float
        Top concentration, ``"10uM"`` (or a number in ``unit``).
    dilution : float
        Fold dilution between neighbouring points (> 1).
    points, replicates : int
        Concentrations per series and series per compound.
    compounds : sequence of str, optional
        Compound names (default ``cpd-01``, ``cpd-02``, ... filling the plate).
    mode : {"antagonist", "agonist", "allosteric"}
        Names the second control (inhibitor for antagonist plates, agonist
        otherwise). Allosteric plates carry agonist dilution series at each
        of ``modulator_concs`` (``conc`` = modulator, ``agonist_conc`` =
        agonist, both in ``unit``).
    direction : {"descending", "ascending"}
        Whether the top concentration is in the first or last column of a series.
    controls : mapping, optional
        Role → 1-based columns, e.g. ``{"neutral": [1, 23], "inhibitor": [2, 24]}``.
    modulator_concs : sequence of float, optional
        Allosteric mode: modulator concentrations in ``unit`` (include 0).
    unit : str, optional
        Unit of the concentrations (default: the unit written in ``top``).

    Returns
    -------
    DataFrame
        ``well, row, column, role, compound, conc, unit`` (and
        ``agonist_conc`` for allosteric layouts).

    Examples
    --------
    >>> lay = calculate_layout(384, top="10uM", dilution=3, points=10, replicates=2)
    >>> lay["role"].value_counts().to_dict()
    {'sample': 320, 'neutral': 32, 'inhibitor': 32}
    >>> lay.loc[lay["compound"] == "cpd-01", "conc"].head(3).round(4).tolist()
    [10.0, 3.3333, 1.1111]
    """
    fmt = check_format(plate_format)
    check_option("mode", mode, ["antagonist", "agonist", "allosteric"])
    check_option("direction", direction, ["descending", "ascending"])
    points = int(check_scalar("points", points, low=1, integer=True))
    replicates = int(check_scalar("replicates", replicates, low=1, integer=True))
    dilution = float(check_scalar("dilution", dilution, low=1, closed="neither"))
    if isinstance(top, str):
        value, top_unit = parse_quantity(top, default_unit=unit)
    else:
        value = float(check_scalar("top", top, low=0, closed="neither"))
        if unit is None:
            raise InputError("Invalid `unit`: got None, must say the unit of `top` (e.g. 'uM').")
        top_unit = unit
    unit = unit or top_unit
    value = float(convert(value, top_unit, unit))
    convert(1.0, unit, "M")
    n_rows, n_cols = PLATE_FORMATS[fmt]
    high = "inhibitor" if mode == "antagonist" else "agonist"
    if controls is None:
        default = _DEFAULT_CONTROLS[fmt]
        controls = {"neutral": default["neutral"], high: default["high"]}
    ctrl_cols: dict[int, str] = {}
    for role, cols in controls.items():
        role = check_option("controls role", role, [r for r in ROLES if r != "sample"])
        for c in _columns(cols, n_cols, role):
            if c in ctrl_cols:
                raise InputError(f"Invalid `controls`: column {c} is given two roles.")
            ctrl_cols[c] = role
    free = [c for c in range(1, n_cols + 1) if c not in ctrl_cols]
    if points > len(free):
        raise InputError(
            f"Invalid `points`: got {points}, a {fmt}-well plate has only {len(free)} "
            "sample columns."
        )
    concs = value / dilution ** np.arange(points)
    if direction == "ascending":
        concs = concs[::-1]
    per_row = len(free) // points
    slots = n_rows * per_row
    if mode == "allosteric":
        levels = [0.0] if modulator_concs is None else [float(m) for m in modulator_concs]
        names = list(compounds) if compounds is not None else ["modulator"]
        series = [(n, lvl) for n in names for lvl in levels for _ in range(replicates)]
    else:
        n_cpd = slots // replicates
        names = (
            list(compounds)
            if compounds is not None
            else [f"cpd-{i + 1:02d}" for i in range(n_cpd)]
        )
        series = [(n, None) for n in names for _ in range(replicates)]
    if len(series) > slots:
        raise InputError(
            f"Invalid `compounds`: {len(series)} dilution series do not fit on a {fmt}-well "
            f"plate ({slots} series of {points} points)."
        )
    labels = row_labels(n_rows)
    grid_role = np.full((n_rows, n_cols), "empty", dtype=object)
    grid_cpd = np.full((n_rows, n_cols), None, dtype=object)
    grid_conc = np.full((n_rows, n_cols), np.nan)
    grid_ag = np.full((n_rows, n_cols), np.nan)
    for c, role in ctrl_cols.items():
        grid_role[:, c - 1] = role
    for s, (name, level) in enumerate(series):
        r, k = divmod(s, per_row)
        cols = np.asarray(free[k * points : (k + 1) * points]) - 1
        grid_role[r, cols] = "sample"
        grid_cpd[r, cols] = name
        if level is None:
            grid_conc[r, cols] = concs
        else:
            grid_conc[r, cols] = level
            grid_ag[r, cols] = concs
    frame = pd.DataFrame(
        {
            "well": [f"{labels[r]}{c + 1}" for r in range(n_rows) for c in range(n_cols)],
            "role": grid_role.ravel(),
            "compound": grid_cpd.ravel(),
            "conc": grid_conc.ravel(),
            "unit": unit,
        }
    )
    if mode == "allosteric":
        frame["agonist_conc"] = grid_ag.ravel()
    return _finish(frame, fmt)
