"""Grubbs' outlier test (two-sided, GraphPad convention), per group, never dropping data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import check_scalar, numeric_column, require_columns, row_label
from preclin.stats._groups_common import check_labels

__all__ = ["grubbs"]


def _critical_g(n: np.ndarray, alpha: float) -> np.ndarray:
    t = stats.t.isf(alpha / (2 * n), n - 2)
    return (n - 1) / np.sqrt(n) * np.sqrt(t * t / (n - 2 + t * t))


def _pvalue(g: np.ndarray, n: np.ndarray) -> np.ndarray:
    denom = (n - 1) ** 2 - n * g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.sqrt(g * g * n * (n - 2) / denom)
    t = np.where(denom <= 0, np.inf, t)
    return np.minimum(1.0, 2 * n * stats.t.sf(t, n - 2))


def grubbs(
    data: pd.DataFrame,
    dv: str,
    by: str | list[str] | None = None,
    *,
    alpha: float = 0.05,
    iterative: bool = False,
) -> pd.DataFrame:
    """Grubbs' test for one outlier per group (two-sided); flags, never removes.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per animal.
    dv : str
        Outcome column (missing values are ignored).
    by : str or list of str, optional
        Group column(s); ``None`` tests all values as one group.
    alpha : float
        Significance level of the two-sided test (GraphPad default 0.05).
    iterative : bool
        Repeat the test on the remaining values after each outlier (GraphPad's
        "iterative Grubbs"), until no outlier is found or 3 values remain.

    Returns
    -------
    DataFrame
        One row per group and step: the ``by`` column(s), ``step`` (1, 2, ...),
        ``row`` (spreadsheet row for files read with ``read_table``, else the
        index label) and ``value`` of the most extreme value, ``n``, ``mean``,
        ``sd`` (of the values tested at that step), ``statistic`` (G),
        ``g_critical``, ``pvalue``, ``is_outlier``, ``message`` (why a group
        could not be tested: fewer than 3 values or zero SD; otherwise empty).

    Notes
    -----
    G = max |yᵢ − ȳ| / s. Critical value (GraphPad, NIST):
    G_crit = (n−1)/√n · √(t² / (n − 2 + t²)), t = t_{α/(2n), n−2} upper quantile.
    P value: t = √(G² n (n−2) / ((n−1)² − nG²)), p = min(1, 2n · P(T_{n−2} > t)),
    the formula of R ``outliers::grubbs.test(x, type = 10, two.sided = TRUE)``
    (Bonferroni bound, exact when p is small); ``is_outlier`` is G > G_crit.
    Checked to 1e-10 against these formulas written out in R
    (``reference/stats/design_effect_outliers.R``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [8.2, 7.9, 8.5, 8.1, 12.9, 8.0, 7.7]})
    >>> grubbs(df, "y")[["value", "statistic", "g_critical", "is_outlier"]].round(3)
       value  statistic  g_critical  is_outlier
    0   12.9      2.247        2.02        True
    """
    check_scalar("alpha", alpha, low=0, high=1, closed="neither")
    by_cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    require_columns(data, [dv, *by_cols])
    y_all = numeric_column(data, dv, allow_missing=True)
    keep = ~np.isnan(y_all)
    if by_cols:
        check_labels(data, by_cols)
        keys = data[by_cols].reset_index(drop=True)
        codes_all, uniques = pd.MultiIndex.from_frame(keys).factorize()
        group_keys: list[tuple[Any, ...]] = [tuple(u) for u in uniques]
    else:
        codes_all = np.zeros(len(data), dtype=int)
        group_keys = [("all",)]
    k = len(group_keys)
    active = keep.copy()
    rows: list[dict[str, Any]] = []
    open_groups = np.ones(k, dtype=bool)
    step = 0
    while open_groups.any():
        step += 1
        mask = active & open_groups[codes_all]
        codes = codes_all[mask]
        y = y_all[mask]
        pos = np.flatnonzero(mask)
        n = np.bincount(codes, minlength=k).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.bincount(codes, weights=y, minlength=k) / n
            sd = np.sqrt(np.bincount(codes, weights=(y - mean[codes]) ** 2, minlength=k) / (n - 1))
            dev = np.abs(y - mean[codes]) / sd[codes]
        dev = np.where(np.isnan(dev), -1.0, dev)
        # most extreme value per group (first occurrence on ties)
        order = np.lexsort((-dev, codes))
        first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]] if len(order) else []
        best = np.full(k, -1)
        best[codes[first]] = first
        with np.errstate(divide="ignore", invalid="ignore"):
            g_stat = np.where(best >= 0, dev[np.maximum(best, 0)] if len(dev) else np.nan, np.nan)
            g_crit = np.where(n >= 3, _critical_g(np.maximum(n, 3), alpha), np.nan)
            pval = np.where(n >= 3, _pvalue(g_stat, np.maximum(n, 3)), np.nan)
        for gi in np.flatnonzero(open_groups):
            row: dict[str, Any] = dict(zip(by_cols or ["group"], group_keys[gi], strict=True))
            message = ""
            testable = n[gi] >= 3 and sd[gi] > 0
            if n[gi] < 3:
                message = f"n = {int(n[gi])}: Grubbs' test needs at least 3 values"
            elif not sd[gi] > 0:
                message = "all values are equal (SD = 0): nothing to test"
            b = best[gi]
            row.update(
                step=step,
                row=row_label(data, int(pos[b])) if testable and b >= 0 else None,
                value=float(y[b]) if testable and b >= 0 else np.nan,
                n=int(n[gi]),
                mean=float(mean[gi]) if n[gi] > 0 else np.nan,
                sd=float(sd[gi]) if n[gi] > 1 else np.nan,
                statistic=float(g_stat[gi]) if testable else np.nan,
                g_critical=float(g_crit[gi]),
                pvalue=float(pval[gi]) if testable else np.nan,
                is_outlier=bool(testable and g_stat[gi] > g_crit[gi]),
                message=message,
            )
            rows.append(row)
            if row["is_outlier"] and iterative and n[gi] > 3:
                active[pos[b]] = False
            else:
                open_groups[gi] = False
    out = pd.DataFrame(rows)
    sort_cols = [c for c in out.columns if c not in ("step",)][: len(by_cols) or 1]
    # groups in order of first appearance, then steps
    first_seen = {key: i for i, key in enumerate(group_keys)}
    out["_g"] = [first_seen[tuple(r)] for r in out[sort_cols].itertuples(index=False)]
    return out.sort_values(["_g", "step"], kind="stable").drop(columns="_g").reset_index(drop=True)
