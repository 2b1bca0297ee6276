"""Effect sizes with confidence intervals: Cohen's d, Hedges' g, eta squared.

Also holds :func:`_prepare_groups`, the small validator the design-side
modules (dose, outliers, effect) share.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.optimize import elementwise

from preclin.core import (
    InputError,
    check_option,
    check_scalar,
    numeric_column,
    require_columns,
    source_name,
)
from preclin.stats._groups_common import check_labels

__all__ = ["effect_size", "eta_squared"]


@dataclasses.dataclass(frozen=True)
class _Groups:
    """Validated groups: labels in order, per-observation codes and summaries."""

    labels: list[str]
    doses: np.ndarray | None  # numeric level values (dose functions), else None
    codes: np.ndarray  # group index per kept observation
    y: np.ndarray  # kept observations
    positions: np.ndarray  # positions of the kept observations in the input frame
    n: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    control: int | None
    file: str | None


def _label(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _prepare_groups(
    data: pd.DataFrame,
    dv: str,
    between: str,
    *,
    control: Any = None,
    numeric: bool = False,
    min_n: int = 2,
    what: str = "value",
) -> _Groups:
    """Validate a long-format frame and split ``dv`` by ``between``.

    Missing ``dv`` values are dropped (the returned ``n`` counts what is
    left); a group with fewer than ``min_n`` values, a ``control`` that is
    not a group, or (``numeric=True``) a group label that is not a number
    raise :class:`InputError` naming the file, row and column.
    """
    require_columns(data, [dv, between])
    file = source_name(data)
    y_all = numeric_column(data, dv, allow_missing=True, what=what)
    if numeric:
        g_all = numeric_column(
            data, between, what="dose", hint=None, allow_missing=False, min_value=0
        )
        keys = pd.Series(g_all)
    else:
        check_labels(data, [between])
        keys = data[between].reset_index(drop=True)
    keep = ~np.isnan(y_all)
    if numeric:
        levels = np.unique(g_all[keep])
        codes_all = np.searchsorted(levels, g_all)
        labels = [_label(v) for v in levels]
    else:
        if isinstance(keys.dtype, pd.CategoricalDtype):
            cats = [c for c in keys.cat.categories if (keys[keep] == c).any()]
        else:
            cats = list(pd.unique(keys[keep]))
        labels = [_label(c) for c in cats]
        lookup = {c: i for i, c in enumerate(cats)}
        codes_all = np.array([lookup.get(k, -1) for k in keys], dtype=int)
        levels = None
    if len(labels) < 2:
        raise InputError(
            f"column {between!r} has {len(labels)} group(s) with data, need at least 2",
            file=file,
        )
    positions = np.flatnonzero(keep)
    codes = codes_all[keep]
    y = y_all[keep]
    n = np.bincount(codes, minlength=len(labels)).astype(float)
    small = np.flatnonzero(n < min_n)
    if small.size:
        lab = labels[int(small[0])]
        raise InputError(
            f"group {lab!r} has {int(n[small[0]])} value(s), needs at least {min_n}",
            file=file,
            column=between,
            hint="add animals or leave the group out",
        )
    mean = np.bincount(codes, weights=y, minlength=len(labels)) / n
    var = np.bincount(codes, weights=(y - mean[codes]) ** 2, minlength=len(labels)) / (n - 1)
    ctrl: int | None = None
    if control is not None:
        wanted = _label(control)
        if numeric:
            with contextlib.suppress(TypeError, ValueError):
                wanted = _label(float(control))
        if wanted not in labels:
            raise InputError(
                f"Invalid `control`: got {control!r}, must be one of {', '.join(labels)}."
            )
        ctrl = labels.index(wanted)
    return _Groups(
        labels=labels,
        doses=levels,
        codes=codes,
        y=y,
        positions=positions,
        n=n,
        mean=mean,
        var=var,
        control=ctrl,
        file=file,
    )


def _nct_cdf(x: np.ndarray, df: np.ndarray, ncp: np.ndarray) -> np.ndarray:
    """Noncentral t cdf with SciPy's far-tail NaNs replaced by their 0 / 1 limit."""
    value = stats.nct.cdf(x, df, ncp)
    return np.where(np.isnan(value), np.where(x < ncp, 0.0, 1.0), value)


def _ncp_t_interval(t: np.ndarray, df: np.ndarray, level: float) -> tuple[np.ndarray, ...]:
    """Equal-tailed CI of the noncentrality parameter of an observed t (vectorised)."""
    a = (1.0 - level) / 2.0
    width = 12.0 + 2.0 * np.abs(t)
    bounds = []
    for target in (1.0 - a, a):
        res = elementwise.find_root(
            lambda ncp, t, df, p: _nct_cdf(t, df, ncp) - p,
            (t - width, t + width),
            args=(t, df, np.full_like(t, target)),
            tolerances={"xatol": 1e-12, "xrtol": 1e-12},
        )
        bounds.append(res.x)
    return bounds[0], bounds[1]


def _hedges_j(df: np.ndarray) -> np.ndarray:
    """Exact small-sample correction J(df) = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))."""
    return np.exp(
        special.gammaln(df / 2) - np.log(np.sqrt(df / 2)) - special.gammaln((df - 1) / 2)
    )


def effect_size(
    data: pd.DataFrame,
    dv: str,
    between: str,
    *,
    control: Any = None,
    kind: str = "hedges",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Standardised mean differences with noncentral-t confidence intervals.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per animal.
    dv : str
        Outcome column.
    between : str
        Group column.
    control : optional
        Compare every other group with this one; ``None`` compares all pairs
        (later level minus earlier level, in order of appearance / category order).
    kind : {"hedges", "cohen"}
        Hedges' g (bias-corrected) or Cohen's d.
    ci : float
        Confidence level of the two-sided interval, in (0, 1).

    Returns
    -------
    DataFrame
        One row per comparison: ``group``, ``control`` (the reference group),
        ``n``, ``n_control``, ``mean_diff`` (group − control, raw units),
        ``sd_pooled``, ``kind`` (``"hedges_g"`` / ``"cohen_d"``), ``estimate``,
        ``ci_low``, ``ci_high``, ``statistic`` (pooled two-sample t), ``df``.

    Notes
    -----
    d = (ȳ₁ − ȳ₀) / s_p with the two groups' pooled SD, t = d / √(1/n₁ + 1/n₀),
    df = n₁ + n₀ − 2. The CI inverts the noncentral t: the noncentrality
    parameters λ with P(T ≤ t | λ) = 1 − α/2 and α/2, scaled back by
    √(1/n₁ + 1/n₀) (the method of R ``MBESS::ci.smd`` and ``effectsize``).
    Hedges' g and its limits are d and its limits times
    J = Γ(df/2) / (√(df/2) Γ((df−1)/2)). Agrees to 1e-6 with an R
    ``pt(ncp =)`` / ``uniroot`` inversion (``reference/stats/design_effect_outliers.R``).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> cms = load_example("cms_dose_groups")
    >>> es = effect_size(cms, "sucrose_intake_g", "group", control="vehicle")
    >>> es[["group", "estimate", "ci_low", "ci_high"]].round(2).iloc[3]
    group       5 mg/kg
    estimate       2.22
    ci_low          1.1
    ci_high        3.31
    Name: 3, dtype: object
    """
    kind = check_option("kind", kind, ["hedges", "cohen"])
    check_scalar("ci", ci, low=0, high=1, closed="neither")
    g = _prepare_groups(data, dv, between, control=control)
    k = len(g.labels)
    if g.control is not None:
        i0 = np.full(k - 1, g.control)
        i1 = np.array([i for i in range(k) if i != g.control])
    else:
        i0, i1 = (a.astype(int) for a in np.triu_indices(k, 1))
    n1, n0 = g.n[i1], g.n[i0]
    df = n1 + n0 - 2
    sp = np.sqrt(((n1 - 1) * g.var[i1] + (n0 - 1) * g.var[i0]) / df)
    diff = g.mean[i1] - g.mean[i0]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = diff / sp
    fac = np.sqrt(1 / n1 + 1 / n0)
    t = d / fac
    lo, hi = _ncp_t_interval(t, df, ci)
    lo, hi = lo * fac, hi * fac
    j = _hedges_j(df) if kind == "hedges" else np.ones_like(df)
    return pd.DataFrame(
        {
            "group": [g.labels[i] for i in i1],
            "control": [g.labels[i] for i in i0],
            "n": n1.astype(int),
            "n_control": n0.astype(int),
            "mean_diff": diff,
            "sd_pooled": sp,
            "kind": "hedges_g" if kind == "hedges" else "cohen_d",
            "estimate": d * j,
            "ci_low": lo * j,
            "ci_high": hi * j,
            "statistic": t,
            "df": df,
        }
    )


def _ncf_cdf(x: np.ndarray, d1: float, d2: float, lam: np.ndarray) -> np.ndarray:
    value = stats.ncf.cdf(x, d1, d2, lam)
    return np.where(np.isnan(value), 0.0, value)


def _ncp_f_bound(f_obs: float, d1: float, d2: float, target: float) -> float:
    """λ with P(F ≤ f_obs | λ) = target (0 if even λ = 0 gives less)."""
    if stats.f.cdf(f_obs, d1, d2) < target:
        return 0.0
    hi = 10.0 * f_obs * d1 + 100.0
    res = elementwise.find_root(
        lambda lam: _ncf_cdf(np.asarray(f_obs), d1, d2, lam) - target,
        (0.0, hi),
        tolerances={"xatol": 1e-12, "xrtol": 1e-12},
    )
    return float(res.x)


def eta_squared(
    data: pd.DataFrame,
    dv: str,
    between: str,
    *,
    ci: float = 0.95,
    alternative: str = "two-sided",
) -> pd.DataFrame:
    """Eta squared of a one-way design with a noncentral-F confidence interval.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per animal.
    dv, between : str
        Outcome and group columns.
    ci : float
        Confidence level, in (0, 1).
    alternative : {"two-sided", "greater"}
        Equal-tailed interval, or a one-sided interval [lower, 1] (as R
        ``effectsize::eta_squared``'s default).

    Returns
    -------
    DataFrame
        One row: ``term`` (the group column), ``eta_squared``, ``ci_low``,
        ``ci_high``, ``statistic`` (F), ``df_num``, ``df_den``, ``ncp_low``,
        ``ncp_high`` (the CI of the noncentrality λ), ``n`` (animals).

    Notes
    -----
    η² = SS_between / SS_total (= F·df₁ / (F·df₁ + df₂)). The CI finds λ with
    P(F ≤ F_obs | df₁, df₂, λ) = 1 − α/2 and α/2 (0 when even λ = 0 is below)
    and maps it as η² = λ / (λ + df₂), the conversion R ``effectsize`` uses
    (``MBESS::ci.pvaf`` uses λ / (λ + N) and gives slightly narrower limits).
    Agrees to 1e-6 with an R ``pf(ncp =)`` / ``uniroot`` inversion.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> cms = load_example("cms_dose_groups")
    >>> eta_squared(cms, "sucrose_intake_g", "dose_mg_kg_day")[
    ...     ["eta_squared", "ci_low", "ci_high"]].round(3)
       eta_squared  ci_low  ci_high
    0        0.529   0.314    0.649
    """
    check_scalar("ci", ci, low=0, high=1, closed="neither")
    alternative = check_option("alternative", alternative, ["two-sided", "greater"])
    g = _prepare_groups(data, dv, between)
    k = len(g.labels)
    n_total = g.n.sum()
    grand = g.y.mean()
    ss_between = float(np.sum(g.n * (g.mean - grand) ** 2))
    ss_within = float(np.sum((g.n - 1) * g.var))
    d1, d2 = float(k - 1), float(n_total - k)
    if ss_within == 0:
        raise InputError(
            f"column {dv!r} has no variation within groups; eta squared is undefined",
            file=g.file,
        )
    f_obs = (ss_between / d1) / (ss_within / d2)
    if alternative == "two-sided":
        a = (1 - ci) / 2
        lam_lo = _ncp_f_bound(f_obs, d1, d2, 1 - a)
        lam_hi = _ncp_f_bound(f_obs, d1, d2, a)
        hi = lam_hi / (lam_hi + d2)
    else:
        lam_lo = _ncp_f_bound(f_obs, d1, d2, ci)
        lam_hi, hi = np.inf, 1.0
    return pd.DataFrame(
        {
            "term": [between],
            "eta_squared": [ss_between / (ss_between + ss_within)],
            "ci_low": [lam_lo / (lam_lo + d2)],
            "ci_high": [hi],
            "statistic": [f_obs],
            "df_num": [d1],
            "df_den": [d2],
            "ncp_low": [lam_lo],
            "ncp_high": [lam_hi],
            "n": [int(n_total)],
        }
    )
