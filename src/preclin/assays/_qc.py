"""Plate quality control: Z′, signal-to-background, CV of controls, edge effects.

Everything is computed for all plates at once (bincount sums over plate
codes, a plates × rows × columns array for the spatial checks); the only
per-plate work is formatting the message strings.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from preclin.assays._normalise import MODES, control_roles
from preclin.assays._wells import _ROW_INDEX, PLATE_FORMATS
from preclin.core import InputError, check_array, check_option, check_scalar, require_columns

__all__ = ["calculate_plate_qc", "calculate_z_prime"]


def calculate_z_prime(positive: Any, negative: Any) -> float:
    """Z′ factor of two control sets (Zhang, Chung & Oldenburg 1999).

    Parameters
    ----------
    positive, negative : array-like
        Responses of the two control wells sets (at least 2 each).

    Returns
    -------
    float
        Z′ = 1 − 3 (σp + σn) / |μp − μn|, with sample standard deviations
        (ddof = 1); −inf when the means are equal.

    Notes
    -----
    Zhang JH, Chung TDY, Oldenburg KR (1999) J Biomol Screen 4:67–73. An
    assay with Z′ ≥ 0.5 is "excellent"; 0 < Z′ < 0.5 marginal.

    Examples
    --------
    >>> round(calculate_z_prime([100, 102, 98, 100], [10, 11, 9, 10]), 6)
    0.91835
    """
    p = check_array("positive", positive, min_size=2)
    n = check_array("negative", negative, min_size=2)
    gap = abs(p.mean() - n.mean())
    spread = 3.0 * (p.std(ddof=1) + n.std(ddof=1))
    return float(1.0 - spread / gap) if gap > 0 else float("-inf")


def _theil_sen(m: np.ndarray) -> np.ndarray:
    """Theil–Sen slope of each row of ``m`` (plates × positions) against 0..k−1."""
    k = m.shape[1]
    i, j = np.triu_indices(k, 1)
    slopes = (m[:, j] - m[:, i]) / (j - i)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN plates → NaN
        return np.nanmedian(slopes, axis=1)


def _fmt(values: np.ndarray, spec: str) -> np.ndarray:
    return np.asarray([format(v, spec) for v in values], dtype=object)


def calculate_plate_qc(
    data: pd.DataFrame,
    *,
    mode: str | None = None,
    min_z_prime: float = 0.5,
    min_signal_to_background: float = 2.0,
    max_cv: float = 20.0,
    max_edge_effect: float = 0.15,
) -> pd.DataFrame:
    """Per-plate quality control from normalised well data.

    Parameters
    ----------
    data : DataFrame
        From :func:`calculate_activity` (``plate``, ``well``, ``row``,
        ``column``, ``role``, ``compound``, ``conc``, ``response``,
        ``saturated``).
    mode : {"antagonist", "agonist", "allosteric"}, optional
        Default: the mode ``data`` was normalised in.
    min_z_prime, min_signal_to_background, max_cv, max_edge_effect : float
        Pass thresholds: Z′ ≥ 0.5, S/B ≥ 2, CV of the high (100 % activity)
        control ≤ 20 %, |edge ratio − 1|, |row drift| and |column drift| ≤ 0.15.

    Returns
    -------
    DataFrame
        One row per plate: ``plate``, ``n_wells``, ``n_high``, ``mean_high``,
        ``sd_high``, ``cv_high`` (the 100 % activity control), ``n_low``,
        ``mean_low``, ``sd_low``, ``cv_low`` (the 0 % control), ``z_prime``,
        ``signal_to_background``, ``edge_ratio``, ``row_drift``,
        ``column_drift``, ``n_saturated``, ``qc_pass`` (bool) and ``message``
        (why a plate failed; empty if it passed).

    Notes
    -----
    Z′ = 1 − 3(σ_high + σ_low)/|μ_high − μ_low| (Zhang 1999), S/B =
    μ_high/μ_low, CV = 100 σ/μ, all with sample SDs (ddof = 1) of the
    non-saturated control wells, on the response the plate was analysed
    with; S/B is NaN (not a failure) when μ_low ≤ 0, as for background-
    subtracted responses. The spatial checks use replicate groups (wells of the same role,
    compound and concentrations on a plate) with a signal of at least half
    the assay window, each well as its signal above μ_low relative to its
    group's median: ``edge_ratio`` is, per group with wells both in the outer
    ring and inside, median(outer) / median(inner), then the median over
    groups (1 = no edge effect; NaN when no group spans both);
    ``row_drift`` and ``column_drift`` are robust (Theil–Sen) slopes of the
    row / column medians of the relative signal of groups spanning two or
    more rows / columns, times the distance between the first and last row
    (column) with such wells, divided by the median level (the fractional
    change across the plate).
    A plate without one of the controls gets NaN statistics,
    ``qc_pass=False`` and a message; it is never dropped.

    Examples
    --------
    >>> from preclin.assays import simulate_plate, calculate_responses, calculate_activity
    >>> sim = simulate_plate(plate_format=384, seed=1)
    >>> act = calculate_activity(calculate_responses(sim.traces), sim.layout)
    >>> qc = calculate_plate_qc(act)
    >>> qc[["plate", "z_prime", "qc_pass"]].round(2)
      plate  z_prime  qc_pass
    0     1     0.82     True
    """
    mode = mode or data.attrs.get("mode")
    if mode is None:
        raise InputError(
            "Invalid `mode`: got None, must be one of antagonist, agonist, allosteric."
        )
    check_option("mode", mode, list(MODES))
    for name, value in (
        ("min_z_prime", min_z_prime),
        ("min_signal_to_background", min_signal_to_background),
        ("max_cv", max_cv),
        ("max_edge_effect", max_edge_effect),
    ):
        check_scalar(name, value)
    require_columns(data, ["plate", "well", "role", "response"])
    low, high = data.attrs.get("control_roles") or control_roles(mode)
    plate_codes, plates = pd.factorize(data["plate"].astype(str), sort=False)
    n_p = len(plates)
    y = data["response"].to_numpy(dtype=float)
    sat = (
        data["saturated"].to_numpy(dtype=bool)
        if "saturated" in data.columns
        else np.zeros(len(data), bool)
    )
    ok = ~sat & np.isfinite(y)
    role = data["role"].to_numpy()
    stats: dict[str, np.ndarray] = {}
    for tag, r in (("high", high), ("low", low)):
        m = ok & (role == r)
        n = np.bincount(plate_codes[m], minlength=n_p).astype(float)
        s1 = np.bincount(plate_codes[m], weights=y[m], minlength=n_p)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s1 / n
            dev = y[m] - mean[plate_codes[m]]
            ss = np.bincount(plate_codes[m], weights=dev * dev, minlength=n_p)
            sd = np.sqrt(ss / (n - 1))
            sd[n < 2] = np.nan
            cv = 100.0 * sd / mean
        stats[f"n_{tag}"] = n.astype(np.int64)
        stats[f"mean_{tag}"] = mean
        stats[f"sd_{tag}"] = sd
        stats[f"cv_{tag}"] = cv
    with np.errstate(invalid="ignore", divide="ignore"):
        window = stats["mean_high"] - stats["mean_low"]
        zp = 1.0 - 3.0 * (stats["sd_high"] + stats["sd_low"]) / np.abs(window)
        sb = stats["mean_high"] / stats["mean_low"]
    sb = np.where(stats["mean_low"] > 0, sb, np.nan)
    edge, rdrift, cdrift = _spatial(data, plate_codes, n_p, ok, stats["mean_low"], window)
    n_sat = np.bincount(plate_codes[sat], minlength=n_p)
    out = pd.DataFrame(
        {
            "plate": np.asarray(plates, dtype=object),
            "n_wells": np.bincount(plate_codes, minlength=n_p),
            **stats,
            "z_prime": zp,
            "signal_to_background": sb,
            "edge_ratio": edge,
            "row_drift": rdrift,
            "column_drift": cdrift,
            "n_saturated": n_sat,
        }
    )
    # failure reasons (vectorised string building; one short loop per check)
    reasons = []
    for tag, r in (("high", high), ("low", low)):
        n = stats[f"n_{tag}"]
        reasons.append(
            np.where(n < 2, f"fewer than 2 usable {r} control wells: Z′ impossible", "")
        )
    ctrl_ok = (stats["n_high"] >= 2) & (stats["n_low"] >= 2)
    checks = [
        (ctrl_ok & ~(zp >= min_z_prime), "Z′ " + _fmt(zp, ".2f") + f" < {min_z_prime:g}"),
        (
            ctrl_ok & np.isfinite(sb) & ~(sb >= min_signal_to_background),
            "S/B " + _fmt(sb, ".2f") + f" < {min_signal_to_background:g}",
        ),
        (
            ctrl_ok & ~(stats["cv_high"] <= max_cv),
            f"CV of {high} controls " + _fmt(stats["cv_high"], ".1f") + f" % > {max_cv:g} %",
        ),
        (np.abs(edge - 1) > max_edge_effect, "edge ratio " + _fmt(edge, ".2f")),
        (np.abs(rdrift) > max_edge_effect, "row drift " + _fmt(rdrift, "+.2f")),
        (np.abs(cdrift) > max_edge_effect, "column drift " + _fmt(cdrift, "+.2f")),
        (n_sat > 0, _fmt(n_sat, "d") + " saturated wells left out"),
    ]
    for fail, text in checks:
        reasons.append(np.where(fail, text, ""))
    msg = pd.Series(["; ".join(x for x in parts if x) for parts in zip(*reasons, strict=True)])
    failed = ~ctrl_ok
    for fail, _ in checks[:-1]:
        failed |= fail
    out["qc_pass"] = ~failed
    out["message"] = msg.to_numpy(dtype=object)
    return out


def _spatial(
    data: pd.DataFrame, codes: np.ndarray, n_p: int, ok: np.ndarray, mean_low: np.ndarray,
    window: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Edge ratio and row / column drift per plate (see calculate_plate_qc Notes)."""
    nan = np.full(n_p, np.nan)
    if "row" not in data.columns or "column" not in data.columns:
        return nan, nan.copy(), nan.copy()
    r = data["row"].map(_ROW_INDEX).to_numpy(dtype=np.int64)
    c = data["column"].to_numpy(dtype=np.int64) - 1
    fmt = data.attrs.get("plate_format")
    if fmt not in PLATE_FORMATS:
        fmt = next(f for f, (nr, nc) in PLATE_FORMATS.items() if r.max() < nr and c.max() < nc)
    n_r, n_c = PLATE_FORMATS[fmt]
    keys = [k for k in ("role", "compound", "conc", "agonist_conc") if k in data.columns]
    frame = data[keys].copy()
    frame["_plate"] = codes
    frame["_y"] = np.where(ok, data["response"].to_numpy(dtype=float) - mean_low[codes], np.nan)
    frame["_r"], frame["_c"] = r, c
    frame["_outer"] = (r == 0) | (r == n_r - 1) | (c == 0) | (c == n_c - 1)
    grouped = frame.groupby(["_plate", *keys], dropna=False, sort=False)
    med = grouped["_y"].transform("median").to_numpy()
    size = grouped["_y"].transform("count").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        strong = (size >= 2) & (med / window[codes] >= 0.5)
        rel = np.where(strong, frame["_y"].to_numpy() / med, np.nan)
    frame["_rel"] = rel
    frame["_g"] = grouped.ngroup().to_numpy()
    # edge: per replicate group with wells both in the outer ring and inside,
    # median(outer) / median(inner); the plate's edge ratio is the median over groups
    sub = frame[np.isfinite(rel)]
    by_side = sub.groupby(["_g", "_outer"])["_rel"].median().unstack("_outer")
    edge = nan.copy()
    if True in by_side.columns and False in by_side.columns:
        ratio = (by_side[True] / by_side[False]).dropna()
        plate_of = sub.groupby("_g")["_plate"].first().loc[ratio.index].to_numpy()
        per_plate = pd.Series(ratio.to_numpy()).groupby(plate_of).median()
        edge[per_plate.index.to_numpy()] = per_plate.to_numpy()
    # drift: row (column) medians of the relative signal of groups spanning >= 2 rows
    # (columns), then a Theil-Sen slope across the plate
    span_r = grouped["_r"].transform("nunique").to_numpy() >= 2
    span_c = grouped["_c"].transform("nunique").to_numpy() >= 2
    drifts = []
    for span, axis in ((span_r, 2), (span_c, 1)):
        grid = np.full((n_p, n_r, n_c), np.nan)
        m = np.isfinite(rel) & span
        grid[codes[m], r[m], c[m]] = rel[m]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # empty rows / plates → NaN
            prof = np.nanmedian(grid, axis=axis)
            level = np.nanmedian(prof, axis=1)
        seen = np.isfinite(prof)
        first = np.argmax(seen, axis=1)
        last = prof.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
        drifts.append(_theil_sen(prof) * (last - first) / level)
    return edge, drifts[0], drifts[1]
