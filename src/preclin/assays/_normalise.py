"""Join responses to the layout and normalise to the on-plate controls."""

from __future__ import annotations

import numpy as np
import pandas as pd

from preclin.core import InputError, check_option, require_columns, source_name

__all__ = ["MODES", "calculate_activity", "control_roles"]

MODES = ("antagonist", "agonist", "allosteric")


def control_roles(mode: str) -> tuple[str, str]:
    """``(low, high)`` control roles: the 0 % and 100 % activity references."""
    return ("inhibitor", "neutral") if mode == "antagonist" else ("neutral", "agonist")


def _join(responses: pd.DataFrame, layout: pd.DataFrame) -> pd.DataFrame:
    """Merge on (plate, well) or well; different well sets → InputError."""
    rfile = source_name(responses) or "the data"
    lfile = source_name(layout) or "the layout"
    per_plate = "plate" in layout.columns
    keys = ["plate", "well"] if per_plate else ["well"]
    resp = responses.copy()
    resp["plate"] = resp["plate"].astype(str)
    lay = layout.copy()
    if per_plate:
        lay["plate"] = lay["plate"].astype(str)
    dup = resp.duplicated(["plate", "well"]).to_numpy()
    if dup.any():
        row = resp.iloc[int(np.flatnonzero(dup)[0])]
        raise InputError(
            f"well {row['well']} appears twice (plate {row['plate']})",
            file=rfile,
            column="well",
            hint="give each well one response",
        )
    merged = resp.merge(
        lay,
        on=keys,
        how="left",
        indicator=True,
        validate="one_to_one" if per_plate else "many_to_one",
    )
    only_data = (merged["_merge"] == "left_only").to_numpy()
    if only_data.any():
        row = merged.iloc[int(np.flatnonzero(only_data)[0])]
        raise InputError(
            f"well {row['well']} (plate {row['plate']}) is in {rfile} but not in the layout",
            file=lfile,
            column="well",
            hint="add the well to the layout (role empty to ignore it)",
        )
    used = lay[lay["role"] != "empty"]
    have = pd.MultiIndex.from_frame(resp[["plate", "well"]])
    if per_plate:
        want = pd.MultiIndex.from_frame(used[["plate", "well"]])
    else:  # a shared layout: every plate needs every used well
        want = pd.MultiIndex.from_product(
            [resp["plate"].unique(), used["well"]], names=["plate", "well"]
        )
    missing = want.difference(have, sort=False)
    if len(missing):
        plate, well = missing[0]
        role = used.loc[used["well"] == well, "role"].iloc[0]
        raise InputError(
            f"well {well} (plate {plate}, role {role}) is in the layout but not in {rfile}",
            file=rfile,
            hint="export every well of the layout, or set its role to empty",
        )
    merged = merged[merged["_merge"] == "both"].drop(columns="_merge")
    return merged.reset_index(drop=True)


def calculate_activity(
    responses: pd.DataFrame,
    layout: pd.DataFrame,
    *,
    mode: str = "antagonist",
) -> pd.DataFrame:
    """Join per-well responses to a layout and express them in % of the controls.

    Parameters
    ----------
    responses : DataFrame
        ``plate``, ``well``, ``response`` (from :func:`calculate_responses`
        or :func:`read_endpoint`); an optional ``saturated`` flag.
    layout : DataFrame
        From :func:`read_layout` / :func:`calculate_layout` (optionally with
        a ``plate`` column: one map per plate).
    mode : {"antagonist", "agonist", "allosteric"}
        Which controls define 0 % and 100 % activity: antagonist plates use
        max-inhibition (0 %) and neutral/vehicle + agonist (100 %) wells;
        agonist and allosteric plates use neutral/vehicle (0 %) and
        agonist-only (100 %) wells.

    Returns
    -------
    DataFrame
        One row per used well: the layout columns, ``response``,
        ``saturated``, ``percent_activity`` = 100 (x − μ₀)/(μ₁₀₀ − μ₀) and
        ``percent_inhibition`` = 100 − ``percent_activity`` (μ: mean of the
        non-saturated control wells of the same plate; NaN on a plate that
        lacks either control, which :func:`calculate_plate_qc` flags).

    Raises
    ------
    InputError
        Different well sets in data and layout, or a layout without the
        control wells the mode normalises to.

    Examples
    --------
    >>> import pandas as pd
    >>> lay = pd.DataFrame({"well": ["A1", "A2", "A3", "A4"],
    ...     "role": ["neutral", "inhibitor", "sample", "sample"],
    ...     "compound": [None, None, "x", "x"], "conc": [None, None, 1, 10]})
    >>> from preclin.assays import read_layout
    >>> lay = read_layout(lay, conc_unit="uM")
    >>> resp = pd.DataFrame({"plate": "1", "well": ["A1", "A2", "A3", "A4"],
    ...                      "response": [1000.0, 100.0, 550.0, 280.0]})
    >>> calculate_activity(resp, lay)[["well", "percent_activity"]]
      well  percent_activity
    0   A1             100.0
    1   A2               0.0
    2   A3              50.0
    3   A4              20.0
    """
    check_option("mode", mode, list(MODES))
    require_columns(responses, ["plate", "well", "response"])
    require_columns(layout, ["well", "role"])
    low, high = control_roles(mode)
    roles = set(layout["role"])
    lfile = source_name(layout)
    if mode == "antagonist" and high not in roles and "agonist" in roles:
        high = "agonist"  # agonist-only wells are the 0 % inhibition reference
    for role, what in ((low, "0 %"), (high, "100 %")):
        if role not in roles:
            raise InputError(
                f"the layout has no {role!r} wells, which {mode} mode uses as the {what} "
                "activity control",
                file=lfile,
                column="role",
                hint=f"add {role} control wells to the layout",
            )
    data = _join(responses, layout)
    if "saturated" not in data.columns:
        data["saturated"] = False
    data["saturated"] = data["saturated"].fillna(False).astype(bool)
    ok = ~data["saturated"].to_numpy()
    y = data["response"].to_numpy(dtype=float)
    codes, _ = pd.factorize(data["plate"])
    n_p = codes.max() + 1
    means = []
    for role in (low, high):
        m = (data["role"].to_numpy() == role) & ok & np.isfinite(y)
        s = np.bincount(codes[m], weights=y[m], minlength=n_p)
        n = np.bincount(codes[m], minlength=n_p)
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append(np.where(n > 0, s / np.maximum(n, 1), np.nan))
    mu0, mu1 = means[0][codes], means[1][codes]
    with np.errstate(invalid="ignore", divide="ignore"):
        act = 100.0 * (y - mu0) / (mu1 - mu0)
    data["percent_activity"] = act
    data["percent_inhibition"] = 100.0 - act
    data.attrs["mode"] = mode
    data.attrs["control_roles"] = (low, high)
    data.attrs["source"] = source_name(responses)
    data.attrs["layout_source"] = lfile
    data.attrs["plate_format"] = layout.attrs.get("plate_format")
    return data
