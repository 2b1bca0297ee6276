"""NCA input: validate a long concentration–time table once, then pad it.

Everything here is vectorised over rows; the result is a set of padded
``(subjects × points)`` arrays for :mod:`preclin.pk._nca_engine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.validation import (
    check_option,
    numeric_column,
    require_columns,
    row_label,
    source_name,
)
from preclin.pk._nca_engine import pack

__all__: list[str] = []

DEFAULT_BLQ_MARKERS = ("<LLOQ", "<LOQ", "BLQ", "BQL", "BLOQ", "<LOD", "ND", "NQ")
BLQ_RULES = ("zero", "drop", "lloq/2")
DEFAULT_BLQ = {"first": "zero", "middle": "drop", "last": "drop"}


@dataclass
class Profiles:
    """Padded profiles after validation and BLQ handling (one row per subject)."""

    subjects: pd.Index
    t: np.ndarray
    c: np.ndarray
    dose: np.ndarray
    duration: np.ndarray
    n_blq: np.ndarray
    n_rows: np.ndarray


def parse_blq(blq: str | dict[str, str] | None, lloq: float | None) -> dict[str, str]:
    """``"drop"`` or ``{"first": ..., "middle": ..., "last": ...}`` → full rule dict."""
    if blq is None:
        rules = dict(DEFAULT_BLQ)
    elif isinstance(blq, str):
        check_option("blq", blq, BLQ_RULES)
        rules = dict.fromkeys(DEFAULT_BLQ, blq)
    elif isinstance(blq, dict):
        for key in blq:
            check_option("blq key", key, tuple(DEFAULT_BLQ))
        rules = {**DEFAULT_BLQ, **blq}
        for key, value in rules.items():
            check_option(f"blq['{key}']", value, BLQ_RULES)
    else:
        raise InputError(
            f"Invalid `blq`: got {blq!r}, must be one of {', '.join(BLQ_RULES)} "
            "or a dict with keys first, middle, last."
        )
    if "lloq/2" in rules.values() and lloq is None:
        raise InputError("Invalid `blq`: 'lloq/2' needs `lloq` (CLI --lloq).")
    return rules


def _conc_values(
    df: pd.DataFrame,
    column: str,
    *,
    lloq: float | None,
    markers: Sequence[str] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Concentrations as floats and a mask of BLQ text markers."""
    raw = df[column]
    file = source_name(df)
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        marker = np.zeros(len(raw), dtype=bool)
    else:
        if pd.api.types.is_bool_dtype(raw):
            raise InputError(
                "concentrations must be numbers, got true/false values", file=file, column=column
            )
        text = raw.astype("string").str.strip()
        num = pd.to_numeric(text, errors="coerce")
        is_text = (num.isna() & text.notna() & (text != "")).to_numpy(dtype=bool)
        values = num.to_numpy(dtype=float, na_value=np.nan)
        marker = np.zeros(len(raw), dtype=bool)
        if is_text.any():
            enabled = lloq is not None or markers is not None
            known = {m.strip().upper() for m in (markers or DEFAULT_BLQ_MARKERS)}
            upper = text.str.upper()
            looks = (upper.isin(known) | upper.str.startswith("<")).to_numpy(dtype=bool)
            marker = is_text & looks & enabled
            bad = is_text & ~marker
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
                if looks[pos]:
                    hint = (
                        "to treat it as below the limit of quantification give the LLOQ "
                        "(lloq=..., CLI --lloq) or blq_markers=[...]"
                    )
                else:
                    hint = "write the concentration as a plain number (empty for missing)"
                raise InputError(
                    f"{raw.iloc[pos]!r} is not a number",
                    file=file,
                    row=row_label(df, pos),
                    column=column,
                    hint=hint,
                )
            values[marker] = np.nan
    inf = np.isinf(values)
    if inf.any():
        pos = int(np.flatnonzero(inf)[0])
        raise InputError(
            "concentration is infinite",
            file=file,
            row=row_label(df, pos),
            column=column,
            hint="replace it with a finite number",
        )
    with np.errstate(invalid="ignore"):
        neg = values < 0
    if neg.any():
        pos = int(np.flatnonzero(neg)[0])
        raise InputError(
            f"negative concentration {values[pos]:g}",
            file=file,
            row=row_label(df, pos),
            column=column,
            hint="concentrations must be >= 0; write values below the LLOQ as 0 or '<LLOQ'",
        )
    return values, marker


def _per_subject(
    df: pd.DataFrame,
    column: str,
    codes_sorted: np.ndarray,
    order: np.ndarray,
    n_subjects: int,
    what: str,
) -> np.ndarray:
    """A numeric column that must be constant within a subject → one value per subject."""
    values = numeric_column(df, column, allow_missing=True, what=what)
    with np.errstate(invalid="ignore"):
        bad = values <= 0
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{what} {values[pos]:g} is not > 0",
            file=source_name(df),
            row=row_label(df, pos),
            column=column,
            hint=f"give a positive {what} (empty if unknown)",
        )
    v = values[order]
    same_subject = codes_sorted[1:] == codes_sorted[:-1]
    differ = ~((v[1:] == v[:-1]) | (np.isnan(v[1:]) & np.isnan(v[:-1])))
    clash = same_subject & differ
    if clash.any():
        k = int(np.flatnonzero(clash)[0]) + 1
        pos = int(order[k])
        raise InputError(
            f"{what} changes within a subject ({v[k - 1]:g}, then {v[k]:g})",
            file=source_name(df),
            row=row_label(df, pos),
            column=column,
            hint=f"give one {what} per subject (analyse each dosing occasion separately)",
        )
    out = np.full(n_subjects, np.nan)
    out[codes_sorted] = v
    return out


def read_profiles(
    data: pd.DataFrame,
    *,
    subject: str,
    time: str,
    conc: str,
    dose: float | str | None,
    duration: float | str | None,
    lloq: float | None,
    blq: dict[str, str],
    blq_markers: Sequence[str] | None,
) -> Profiles:
    """Validate the long table and return padded per-subject profiles."""
    cols = [subject, time, conc]
    if isinstance(dose, str):
        cols.append(dose)
    if isinstance(duration, str):
        cols.append(duration)
    require_columns(data, cols)
    file = source_name(data)
    subj = data[subject]
    if subj.isna().any():
        pos = int(np.flatnonzero(subj.isna().to_numpy())[0])
        raise InputError(
            "missing subject",
            file=file,
            row=row_label(data, pos),
            column=subject,
            hint="give every row a subject id",
        )
    t = numeric_column(
        data,
        time,
        what="time",
        min_value=0.0,
        hint=(
            "NCA times are relative to the dose: remove samples taken before the dose "
            "or give their time as 0"
        ),
    )
    c, marker = _conc_values(data, conc, lloq=lloq, markers=blq_markers)

    codes, uniques = pd.factorize(subj, sort=False)
    n_subjects = len(uniques)
    order = np.argsort(codes, kind="stable")
    cs, ts = codes[order], t[order]
    same = cs[1:] == cs[:-1]
    dt = ts[1:] - ts[:-1]
    for bad, text, hint in (
        (same & (dt == 0), "duplicated time", "average or remove the repeated sample"),
        (
            same & (dt < 0),
            "time is earlier than the subject's previous row",
            "sort the rows by subject and time",
        ),
    ):
        if bad.any():
            k = int(np.flatnonzero(bad)[0]) + 1
            pos = int(order[k])
            raise InputError(
                f"{text} {ts[k]:g} for subject {uniques[cs[k]]!r}",
                file=file,
                row=row_label(data, pos),
                column=time,
                hint=hint,
            )

    if isinstance(dose, str):
        dose_arr = _per_subject(data, dose, cs, order, n_subjects, "dose")
    elif dose is None:
        dose_arr = np.full(n_subjects, np.nan)
    else:
        dose_arr = np.full(n_subjects, float(dose))
    if isinstance(duration, str):
        dur_arr = _per_subject(data, duration, cs, order, n_subjects, "infusion duration")
    elif duration is None:
        dur_arr = np.full(n_subjects, np.nan)
    else:
        dur_arr = np.full(n_subjects, float(duration))

    counts = np.bincount(cs, minlength=n_subjects)
    width = max(int(counts.max(initial=0)), 1)
    starts = np.cumsum(counts) - counts
    pos_in = np.arange(len(cs)) - starts[cs]
    T = np.full((n_subjects, width), np.nan)
    C = np.full((n_subjects, width), np.nan)
    B = np.zeros((n_subjects, width), dtype=bool)
    present = np.zeros((n_subjects, width), dtype=bool)
    T[cs, pos_in] = ts
    C[cs, pos_in] = c[order]
    present[cs, pos_in] = True
    with np.errstate(invalid="ignore"):
        below = (C == 0) | ((lloq > C) if lloq is not None else False)
    B[cs, pos_in] = marker[order]
    B |= below & present
    missing = present & np.isnan(C) & ~B

    measurable = present & ~B & ~missing
    idx = np.arange(width)[None, :]
    has = measurable.any(axis=1)
    first = np.where(has, np.argmax(measurable, axis=1), width)
    last = np.where(has, width - 1 - np.argmax(measurable[:, ::-1], axis=1), width)
    where_blq = {
        "first": B & (idx < first[:, None]),
        "middle": B & (idx > first[:, None]) & (idx < last[:, None]),
        "last": B & (idx > last[:, None]),
    }
    keep = measurable.copy()
    for key, mask in where_blq.items():
        rule = blq[key]
        if rule == "zero":
            C[mask] = 0.0
            keep |= mask
        elif rule == "lloq/2":
            C[mask] = float(lloq) / 2.0  # type: ignore[arg-type]
            keep |= mask
    _, T, C = pack(keep, T, C)
    return Profiles(
        subjects=pd.Index(uniques, name=subject),
        t=T,
        c=C,
        dose=dose_arr,
        duration=dur_arr,
        n_blq=B.sum(axis=1),
        n_rows=counts,
    )
