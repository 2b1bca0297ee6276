"""Validate and normalise an import table before it touches the store.

Everything here works on a DataFrame in memory: the store opens its
transaction only after the whole table has passed, so a bad row rejects the
file with its location and the store never sees half of it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.validation import check_option
from preclin.knowledge._schema import LAYOUTS, NORMALISED, REQUIRED
from preclin.knowledge._values import parse_values

__all__ = [
    "LINEAR_PARAMETERS",
    "P_PARAMETERS",
    "RELATIONS",
    "prepare_frame",
    "read_layout_file",
]

P_PARAMETERS = ("pA2", "pEC50", "pIC50", "pKB", "pKb", "pKd", "pKi")
LINEAR_PARAMETERS = ("EC50", "IC50", "KB", "Kb", "Kd", "Ki")
RELATIONS = ("=", "<", ">", "<=", ">=", "~", "range")
_CONTROL = re.compile(r"^(vehicle|placebo|saline|control|sham)\b", re.I)
_CANONICAL_UNITS = ("h", "mg/L", "M", "L/kg", "L/h/kg", "L/h", "mg/kg", "1/h")


def read_layout_file(path: str | Path) -> pd.DataFrame:
    """Read an import file with every cell as verbatim text (empty → missing).

    CSV / TSV are read with the standard ``csv`` dialect and no NA guessing,
    so a compound called ``"NA"`` or ``" <b>"`` stays exactly that. Other
    formats go through :func:`preclin.core.read_table`.
    """
    from preclin.core.io import _check_path, read_table

    p = _check_path(path)
    if p.suffix.lower() not in (".csv", ".tsv", ".tab", ".txt"):
        df = read_table(p)
        out = df.astype(object).where(df.notna(), None)
        for c in out.columns:
            out[c] = [None if v is None else str(v) for v in out[c]]
        out.attrs = dict(df.attrs)
        return out
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8 text", file=str(p), hint="save as UTF-8 CSV"
        ) from None
    sep = "\t" if p.suffix.lower() in (".tsv", ".tab") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise InputError("the file is empty", file=str(p), hint="export the table again")
    header = [h.strip() for h in rows[0]]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(
            f"duplicate column name {dupes[0]!r}",
            file=str(p),
            hint="give each column its own name",
        )
    body = rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(header) and any(cell.strip() for cell in r):
            raise InputError(
                f"{len(r)} cells but the header has {len(header)}",
                file=str(p),
                row=i + 2,
                hint="quote cells that contain the separator",
            )
    keep = [i for i, r in enumerate(body) if any(cell.strip() for cell in r)]
    data = {
        h: [body[i][j] if body[i][j] != "" else None for i in keep] for j, h in enumerate(header)
    }
    df = pd.DataFrame(data, columns=header, dtype=object)
    if len(df) == 0:
        raise InputError("the table has a header but no rows", file=str(p))
    df.index = pd.RangeIndex(len(df))
    df.attrs["source"] = str(p)
    df.attrs["rows"] = np.asarray([i + 2 for i in keep])
    return df


def _row_numbers(df: pd.DataFrame) -> np.ndarray:
    rows = df.attrs.get("rows")
    if rows is not None and len(rows) == len(df):
        return np.asarray(rows)
    first = df.attrs.get("first_row")
    if first is not None:
        return np.arange(len(df)) + int(first)
    return np.asarray(df.index)


def _text(series: pd.Series) -> pd.Series:
    def conv(v: object) -> str | None:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        s = str(v)
        return None if s == "" else s

    return pd.Series([conv(v) for v in series], index=series.index, dtype=object)


def _fail(message: str, file: str | None, row: object, column: str | None, hint: str) -> None:
    raise InputError(message, file=file, row=row, column=column, hint=hint)


def _units_ok(units: pd.Series, file: str | None, rows: np.ndarray, column: str) -> None:
    import pint

    from preclin.core.units import normalise_unit, ureg

    for unit in units.dropna().unique():  # one pint parse per distinct unit
        try:
            ureg().parse_units(normalise_unit(unit))
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError):
            pos = int(np.flatnonzero((units == unit).to_numpy())[0])
            _fail(
                f"unit {unit!r} is not a unit pint can convert",
                file,
                rows[pos],
                column,
                "write it like nM, mg/kg, mg/kg/day, h, L/kg or %",
            )


def _canonical(value: float, unit: str) -> tuple[float, str] | None:
    from preclin.core.units import convert

    if unit.strip() in ("%", "percent"):
        return value, "%"
    for target in _CANONICAL_UNITS:
        try:
            return float(convert(value, unit, target)), target
        except InputError:
            continue
    return None


def prepare_frame(
    kind: str,
    df: pd.DataFrame,
    *,
    source: str | None = None,
    molar_masses: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Validate an import table and add its normalised columns.

    Parameters
    ----------
    kind : str
        One of the layouts (``studies``, ``affinities``, ``pk``, ``compounds``,
        ``targets``, ``references``).
    df : DataFrame
        The table; cells are text or numbers, empty / NaN / None are missing.
    source : str, optional
        File name for messages (defaults to ``df.attrs["source"]``).
    molar_masses : mapping, optional
        compound_id → g/mol, to convert mass-concentration affinities to M.

    Returns
    -------
    DataFrame
        The layout columns as verbatim text (None for missing) followed by
        the kind's normalised columns.

    Raises
    ------
    InputError
        Unknown kind, unknown or missing columns, missing required values,
        text in numbers, units that do not convert, duplicate ids.
    """
    check_option("kind", kind, tuple(LAYOUTS))
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"Invalid `data`: got {type(df).__name__}, must be a pandas DataFrame.")
    file = source if source is not None else df.attrs.get("source")
    layout = LAYOUTS[kind]
    cols = [str(c).strip() for c in df.columns]
    unknown = [c for c in cols if c not in layout]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r} for kind {kind!r}",
            file=file,
            hint=f"the {kind} layout has the columns {', '.join(layout)}",
        )
    missing = [c for c in REQUIRED[kind] if c not in cols]
    if missing:
        raise InputError(
            f"no column {missing[0]!r}; the {kind} layout needs {', '.join(REQUIRED[kind])}",
            file=file,
            hint="add the column (see `preclin kb import --help`)",
        )
    if len(df) == 0:
        raise InputError("no data rows", file=file, hint="the table has only a header")
    rows = _row_numbers(df)
    src = df.copy()
    src.columns = cols
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for c in layout:
        values = _text(src[c]).tolist() if c in src.columns else [None] * len(src)
        out[c] = pd.Series(values, index=out.index, dtype=object)
    for c in REQUIRED[kind]:
        blank = [pos for pos, v in enumerate(out[c]) if v is None or not v.strip()]
        if blank:
            _fail(f"missing {c}", file, rows[blank[0]], c, "fill the cell or remove the row")
    key = {"references": "ref_id", "targets": "target_id", "compounds": "compound_id"}.get(kind)
    if key is not None:
        dup = out[key].duplicated()
        if dup.any():
            pos = int(np.flatnonzero(dup.to_numpy())[0])
            _fail(
                f"duplicate {key} {out[key].iloc[pos]!r}",
                file,
                rows[pos],
                key,
                f"each {key} may appear once; merge the rows",
            )
    for c, _ in NORMALISED[kind]:
        out[c] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out.attrs["source"] = file
    out.attrs["rows"] = rows
    fill = {"compounds": _compounds, "affinities": _affinities, "pk": _pk, "studies": _studies}
    if kind in fill:
        fill[kind](out, file, rows, molar_masses or {})
    return out


def _compounds(out: pd.DataFrame, file: str | None, rows: np.ndarray, _mm: Mapping) -> None:
    parsed = parse_values(
        out["molar_mass_g_mol"], column="molar_mass_g_mol", file=file, rows=rows, plain=True
    )
    mm = parsed["num"].to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isnan(mm) & (mm <= 0))
    if bad.size:
        _fail(
            f"molar mass {mm[bad[0]]:g} is not > 0",
            file,
            rows[bad[0]],
            "molar_mass_g_mol",
            "give the molar mass in g/mol",
        )
    out["molar_mass"] = mm


def _affinities(out: pd.DataFrame, file: str | None, rows: np.ndarray, mm: Mapping) -> None:
    from preclin.core.units import convert, dimension_of

    for pos, p in enumerate(out["parameter"].tolist()):
        if p not in P_PARAMETERS + LINEAR_PARAMETERS:
            _fail(
                f"parameter {p!r} is not an affinity or potency",
                file,
                rows[pos],
                "parameter",
                f"use one of {', '.join(LINEAR_PARAMETERS + P_PARAMETERS)}",
            )
    rel = out["relation"]
    for pos, r in enumerate(rel):
        if r is not None and r not in RELATIONS:
            _fail(
                f"relation {r!r} is not known",
                file,
                rows[pos],
                "relation",
                f"use one of {', '.join(RELATIONS)} (empty means =)",
            )
    _units_ok(out["unit"], file, rows, "unit")
    parsed = parse_values(out["value"], column="value", file=file, rows=rows)
    parse_values(out["p_value"], column="p_value", file=file, rows=rows, plain=True)
    for c in ("num", "low", "high", "qualifier"):
        out["value_" + c if c != "qualifier" else c] = parsed[c].to_numpy()
    num = parsed["num"].to_numpy(dtype=float)
    molar = np.full(len(out), np.nan)
    is_p = out["parameter"].isin(P_PARAMETERS).to_numpy()
    units = out["unit"].tolist()
    params = out["parameter"].tolist()
    for p_pos in np.flatnonzero(is_p):
        pos = int(p_pos)
        unit = units[pos]
        if unit is not None and unit.strip() not in ("", "-log M", "log M"):
            _fail(
                f"{params[pos]} is on the -log10(M) scale and takes no unit, got {unit!r}",
                file,
                rows[pos],
                "unit",
                "empty the unit cell",
            )
    molar[is_p] = 10.0 ** (-num[is_p])
    for unit_key, grp in pd.Series(np.flatnonzero(~is_p)).groupby(
        out["unit"].iloc[np.flatnonzero(~is_p)].fillna("").to_numpy()
    ):
        idx = grp.to_numpy()
        unit = str(unit_key)
        if unit == "":
            _fail(
                f"{out['parameter'].iloc[idx[0]]} needs a concentration unit",
                file,
                rows[idx[0]],
                "unit",
                "write nM, uM or M (or ng/mL with a compound molar mass)",
            )
        dim = dimension_of(unit)
        if dim == "molar":
            molar[idx] = convert(num[idx], unit, "M")
        elif dim == "mass_concentration":
            for pos in idx:
                m = mm.get(out["compound_id"].iloc[pos])
                if m is None:
                    _fail(
                        f"cannot convert {unit} to M without the molar mass of "
                        f"{out['compound_id'].iloc[pos]!r}",
                        file,
                        rows[pos],
                        "unit",
                        "import the compound with molar_mass_g_mol first, or give nM",
                    )
                molar[pos] = convert(num[pos], unit, "M", molar_mass=m)
        else:
            _fail(
                f"unit {unit!r} is not a concentration",
                file,
                rows[idx[0]],
                "unit",
                "affinities take nM, uM, M (or ng/mL with a molar mass)",
            )
    bad = np.flatnonzero(~is_p & ~np.isnan(num) & (num <= 0))
    if bad.size:
        _fail(
            f"value {num[bad[0]]:g} is not > 0",
            file,
            rows[bad[0]],
            "value",
            "a Ki / Kd / IC50 / EC50 is a positive concentration",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value_molar"] = molar
        out["p_affinity"] = np.where(molar > 0, -np.log10(molar), np.nan)


def _pk(out: pd.DataFrame, file: str | None, rows: np.ndarray, _mm: Mapping) -> None:
    _units_ok(out["unit"], file, rows, "unit")
    parsed = parse_values(out["value"], column="value", file=file, rows=rows)
    out["value_num"] = parsed["num"].to_numpy()
    out["value_low"] = parsed["low"].to_numpy()
    out["value_high"] = parsed["high"].to_numpy()
    out["qualifier"] = parsed["qualifier"].to_numpy()
    out["value_dispersion"] = parsed["dispersion"].to_numpy()
    out["value_dispersion_type"] = parsed["dispersion_type"].to_numpy()
    canon_v = np.full(len(out), np.nan)
    canon_u: list[str | None] = [None] * len(out)
    num = parsed["num"].to_numpy(dtype=float)
    for unit_key, grp in pd.Series(np.arange(len(out))).groupby(out["unit"].to_numpy()):
        got = _canonical(1.0, str(unit_key))
        if got is None:
            continue
        factor, target = got
        idx = grp.to_numpy()
        canon_v[idx] = num[idx] * factor
        for pos in idx:
            canon_u[pos] = target
    out["value_canonical"] = canon_v
    out["unit_canonical"] = canon_u


def _dispersion_kind(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.upper().replace(".", "")
    has_sem = bool(re.search(r"\bSEM?\b|STANDARD ERROR", t))
    has_sd = bool(re.search(r"\bSD\b|STANDARD DEVIATION", t))
    if has_sem and not has_sd:
        return "SEM"
    if has_sd and not has_sem:
        return "SD"
    if re.search(r"\b95\s*%?\s*CI\b", t):
        return "CI95"
    return None


def _studies(out: pd.DataFrame, file: str | None, rows: np.ndarray, _mm: Mapping) -> None:
    _units_ok(out["unit"], file, rows, "unit")
    dose = parse_values(out["dose"], column="dose", file=file, rows=rows)
    for pos in np.flatnonzero(out["dose"].notna().to_numpy() & out["unit"].isna().to_numpy()):
        _fail("a dose without a unit", file, rows[pos], "unit", "write the unit, e.g. mg/kg")
    out["dose_num"] = dose["num"].to_numpy()
    out["dose_low"] = dose["low"].to_numpy()
    out["dose_high"] = dose["high"].to_numpy()
    out["dose_qualifier"] = dose["qualifier"].to_numpy()
    out["mean_num"] = parse_values(out["mean"], column="mean", file=file, rows=rows, plain=True)[
        "num"
    ].to_numpy()
    disp = parse_values(out["dispersion"], column="dispersion", file=file, rows=rows, plain=True)[
        "num"
    ].to_numpy(dtype=float)
    bad = np.flatnonzero(disp < 0)
    if bad.size:
        _fail(
            f"dispersion {disp[bad[0]]:g} is negative",
            file,
            rows[bad[0]],
            "dispersion",
            "an SD or SEM is >= 0",
        )
    out["dispersion_num"] = disp
    out["dispersion_kind"] = [_dispersion_kind(t) for t in out["dispersion_type"]]
    n = parse_values(out["n"], column="n", file=file, rows=rows, plain=True)["num"].to_numpy()
    bad = np.flatnonzero(~np.isnan(n) & ((n < 1) | (n != np.round(n))))
    if bad.size:
        _fail(
            f"n = {n[bad[0]]:g} is not a positive whole number",
            file,
            rows[bad[0]],
            "n",
            "write the number of animals or subjects in the group",
        )
    out["n_num"] = pd.array([None if np.isnan(v) else int(v) for v in n], dtype="Int64")
    eff = out["effect_vs_control"].fillna("").str.strip().str.lower()
    out["is_control"] = (
        out["compound_id"].fillna("").str.match(_CONTROL) | (eff == "control")
    ).to_numpy()
