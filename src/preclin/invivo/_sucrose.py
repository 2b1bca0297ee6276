"""Chronic mild stress: sucrose intake / preference per animal and week, responders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar, numeric_column, require_columns, row_label
from preclin.core.validation import source_name

__all__ = ["calculate_responders", "calculate_sucrose_preference"]


def calculate_sucrose_preference(
    data: pd.DataFrame,
    *,
    animal: str = "animal",
    week: str = "week",
    sucrose: str = "sucrose_g",
    water: str | None = "water_g",
    body_weight: str | None = None,
    capacity: float | None = None,
    baseline_week: float | None = None,
) -> pd.DataFrame:
    """Sucrose preference and intake per animal and week, optionally vs baseline.

    Parameters
    ----------
    data : DataFrame
        One row per animal and week (other columns, e.g. ``group``, are kept):
        ``animal``, ``week``, ``sucrose_g`` (sucrose solution drunk) and,
        for a two-bottle test, ``water_g``.
    animal, week, sucrose, water : str
        Column names (``water=None`` for a one-bottle sucrose intake test).
    body_weight : str, optional
        Body-weight column (g) → intake per kg.
    capacity : float, optional
        Bottle capacity (g): an intake above it is an entry error.
    baseline_week : float, optional
        The week each animal is normalised to (e.g. 0, before stress).

    Returns
    -------
    DataFrame
        The input rows (sorted by animal, week) plus ``total_g``
        (sucrose + water), ``preference_pct`` (100 · sucrose / total; NaN if
        the animal drank nothing), ``sucrose_g_per_kg`` (if ``body_weight``),
        and with ``baseline_week``: ``preference_change`` (percentage points
        from baseline) and ``sucrose_pct_baseline`` (intake as % of the
        animal's baseline intake). ``attrs["missing"]`` lists the (animal,
        week) pairs absent from a complete animal × week grid.

    Examples
    --------
    >>> d = pd.DataFrame({"animal": ["R1", "R1"], "week": [0, 1],
    ...                   "sucrose_g": [12.0, 6.0], "water_g": [3.0, 6.0]})
    >>> calculate_sucrose_preference(d, baseline_week=0)[["preference_pct", "preference_change"]]
       preference_pct  preference_change
    0            80.0                0.0
    1            50.0              -30.0
    """
    file = source_name(data)
    cols = (
        [animal, week, sucrose]
        + ([water] if water else [])
        + ([body_weight] if body_weight else [])
    )
    require_columns(data, cols, source=file)
    if capacity is not None:
        check_scalar("capacity", capacity, low=0, closed="neither")
    wk = numeric_column(data, week, what="week")
    amounts = {}
    for col in [sucrose] + ([water] if water else []):
        v = numeric_column(
            data, col, what="intake", min_value=0, hint="intakes are amounts drunk, >= 0"
        )
        if capacity is not None and (v > capacity).any():
            pos = int(np.flatnonzero(v > capacity)[0])
            raise InputError(
                f"intake {v[pos]:g} g is above the bottle capacity ({capacity:g} g)",
                file=file,
                row=row_label(data, pos),
                column=col,
                hint="check the weighing (before − after) or the capacity",
            )
        amounts[col] = v
    ids = data[animal].astype(str).str.strip()
    key = pd.DataFrame({"a": ids.to_numpy(), "w": wk})
    dup = key.duplicated().to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"animal {ids.iloc[pos]!r} has two rows for week {wk[pos]:g}",
            file=file,
            row=row_label(data, pos),
            column=week,
            hint="one row per animal and week",
        )
    out = data.copy()
    out[animal] = ids.to_numpy()
    out[week] = wk
    s = amounts[sucrose]
    total = s + (amounts[water] if water else 0.0)
    out["total_g"] = total
    with np.errstate(invalid="ignore", divide="ignore"):
        out["preference_pct"] = np.where(
            total > 0, 100 * s / np.where(total > 0, total, 1), np.nan
        )
    if water is None:
        out["preference_pct"] = np.nan
    if body_weight:
        bw = numeric_column(
            data, body_weight, what="body weight", min_value=0, min_inclusive=False
        )
        out["sucrose_g_per_kg"] = s / (bw / 1000.0)
    if baseline_week is not None:
        base = wk == baseline_week
        if not base.any():
            raise InputError(
                f"no row has week {baseline_week:g} (the baseline)",
                file=file,
                column=week,
                hint="pass the baseline week that exists, or none",
            )
        ref = pd.DataFrame(
            {"a": ids[base].to_numpy(), "p": out["preference_pct"][base].to_numpy(), "s": s[base]}
        ).set_index("a")
        lacking = ~ids.isin(ref.index).to_numpy()
        if lacking.any():
            pos = int(np.flatnonzero(lacking)[0])
            raise InputError(
                f"animal {ids.iloc[pos]!r} has no baseline (week {baseline_week:g}) row",
                file=file,
                row=row_label(data, pos),
                column=animal,
                hint="add its baseline or drop the animal",
            )
        p0 = ref["p"].reindex(ids).to_numpy()
        s0 = ref["s"].reindex(ids).to_numpy()
        out["preference_change"] = out["preference_pct"].to_numpy() - p0
        with np.errstate(invalid="ignore", divide="ignore"):
            out["sucrose_pct_baseline"] = np.where(
                s0 > 0, 100 * s / np.where(s0 > 0, s0, 1), np.nan
            )
    grid = pd.MultiIndex.from_product([pd.unique(ids), np.unique(wk)])
    present = pd.MultiIndex.from_arrays([ids.to_numpy(), wk])
    missing = grid.difference(present)
    out = out.sort_values([animal, week], kind="stable").reset_index(drop=True)
    out.attrs = {k: v for k, v in data.attrs.items() if k != "first_row"}
    out.attrs["missing"] = [(str(a), float(w)) for a, w in missing]
    return out


def calculate_responders(
    data: pd.DataFrame,
    *,
    cutoff: float = 65.0,
    dv: str = "preference_pct",
    animal: str = "animal",
    week: str = "week",
    stress_week: float | None = None,
    final_week: float | None = None,
) -> pd.DataFrame:
    """Anhedonic at the end of stress, and responder at the end of treatment.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`calculate_sucrose_preference` (or any table with
        ``animal``, ``week`` and ``dv``; other per-animal columns such as
        ``group`` are carried over from the first row of each animal).
    cutoff : float
        Preference (%) below which an animal counts as anhedonic (default 65 %).
    stress_week : float, optional
        Week at which anhedonia is judged (default: the first week).
    final_week : float, optional
        Week at which response is judged (default: each animal's last week).

    Returns
    -------
    DataFrame
        One row per animal: ``animal``, carried columns, ``stress_value``,
        ``final_value``, ``anhedonic`` (stress_value < cutoff), ``responder``
        (anhedonic and final_value >= cutoff), ``cutoff``.

    Examples
    --------
    >>> d = pd.DataFrame({"animal": ["A", "A", "B", "B"], "week": [0, 5, 0, 5],
    ...                   "preference_pct": [55.0, 75.0, 50.0, 52.0]})
    >>> calculate_responders(d)[["animal", "anhedonic", "responder"]]
      animal  anhedonic  responder
    0      A       True       True
    1      B       True      False
    """
    check_scalar("cutoff", cutoff)
    require_columns(data, [animal, week, dv])
    wk = numeric_column(data, week, what="week")
    v = numeric_column(data, dv, what=dv, allow_missing=True)
    frame = data.assign(**{week: wk, "_v": v}).sort_values([animal, week], kind="stable")
    s_week = float(np.min(wk)) if stress_week is None else stress_week
    at_stress = frame[frame[week] == s_week].groupby(animal, sort=False)["_v"].first()
    if final_week is None:
        at_final = frame.dropna(subset=["_v"]).groupby(animal, sort=False)["_v"].last()
    else:
        at_final = frame[frame[week] == final_week].groupby(animal, sort=False)["_v"].first()
    others = [c for c in data.columns if c not in (animal, week, dv)]
    if others:
        constant = frame.groupby(animal, sort=False)[others].nunique(dropna=False).max() <= 1
        carried = [c for c in others if bool(constant[c])]
    else:
        carried = []
    out = frame.groupby(animal, sort=False)[carried].first().reset_index()
    out["stress_value"] = at_stress.reindex(out[animal]).to_numpy()
    out["final_value"] = at_final.reindex(out[animal]).to_numpy()
    out["anhedonic"] = out["stress_value"] < cutoff
    out["responder"] = out["anhedonic"] & (out["final_value"] >= cutoff)
    out["cutoff"] = cutoff
    return out
