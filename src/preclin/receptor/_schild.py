"""Competitive antagonism: Schild regression and the Gaddum/Schild global fit."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from preclin.core import InputError, Result, check_scalar, convert
from preclin.curves import GlobalFit, fit_custom, fit_global
from preclin.receptor._common import (
    LN10,
    ReceptorFit,
    build_fit,
    public_fixed,
    read_agonist_curves,
)

__all__ = ["SchildFit", "fit_gaddum_schild", "fit_schild"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SchildFit(Result):
    """Schild analysis: dose ratios from EC50 shifts, and their regression.

    Attributes
    ----------
    curves : DataFrame
        One row per antagonist concentration: ``antagonist_conc`` (in
        ``antagonist_unit``), ``ec50`` (``x_unit``), ``ec50_stderr``,
        ``dose_ratio``, ``log10_antagonist`` (molar), ``log10_dr_minus_1``,
        ``used`` (False for the control and for dose ratios <= 1).
    regression : DataFrame
        ``term`` (``slope``, ``intercept``, ``pa2``, ``pkb``), ``estimate``,
        ``stderr``, ``ci_low``, ``ci_high``, ``df``. ``pa2`` = −log10 of the
        x-intercept with the slope free; ``pkb`` with the slope fixed to 1.
    slope, pa2, pkb : float
        Schild slope, pA2 and pKB (slope 1).
    n : int
        Antagonist concentrations in the regression.
    df : int
        Residual df of the free-slope regression (n − 2).
    curve_fit : GlobalFit
        The agonist curves fitted by :func:`preclin.curves.fit_global`.
    message : str
        Empty, or what limits the analysis.
    """

    curves: pd.DataFrame = dataclasses.field(repr=False)
    regression: pd.DataFrame = dataclasses.field(repr=False)
    slope: float
    pa2: float
    pkb: float
    n: int
    df: int
    x_unit: str
    antagonist_unit: str
    curve_fit: GlobalFit | None = dataclasses.field(default=None, repr=False)
    message: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The regression table."""
        return self.regression.copy()

    def _title(self) -> str:
        return "Schild analysis"

    def _summary_lines(self) -> list[str]:
        lines = [f"{self.n} antagonist concentrations; slope {self.slope:.4g}, pA2 {self.pa2:.4g}"]
        return lines + ([self.message] if self.message else [])


def _read(data, x, y, antagonist, x_unit, antagonist_unit):
    xm, ym, bm, levels, antagonist_unit = read_agonist_curves(
        data, x, y, antagonist, x_unit, antagonist_unit, "antagonist"
    )
    if levels.size < 3 or levels[0] != 0:
        k = int(np.sum(levels > 0))
        raise InputError(
            f"a Schild analysis needs a control curve (antagonist 0) and at least 2 antagonist "
            f"concentrations; column {antagonist!r} has {k} non-zero concentration"
            f"{'' if k == 1 else 's'}{'' if levels[0] == 0 else ' and no control'}",
            column=antagonist,
            hint="add agonist curves at more antagonist concentrations",
        )
    return xm, ym, bm, levels, antagonist_unit


def fit_schild(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    antagonist: str,
    x_unit: str = "M",
    antagonist_unit: str | None = None,
    share: Sequence[str] = ("bottom", "top", "hill"),
    covariance: str = "gauss-newton",
    ci_level: float = 0.95,
) -> SchildFit:
    """Schild analysis: dose ratios from agonist EC50 shifts, regressed on log [B].

    Parameters
    ----------
    data : DataFrame
        Long format: agonist concentration, response, antagonist concentration
        (0 for the control curve) per row.
    x, y, antagonist : str
        Column names.
    x_unit, antagonist_unit : str
        Molar units of the agonist and antagonist columns (antagonist defaults
        to ``x_unit``).
    share : sequence of str
        Parameters common to all agonist curves in the
        :func:`preclin.curves.fit_global` 4PL fit (parallel shifts by default).
    covariance : {"gauss-newton", "hessian"}
        Covariance of the curve fit.
    ci_level : float
        Level of the t intervals of the regression.

    Returns
    -------
    SchildFit
        ``curves`` (one row per antagonist concentration), ``regression``
        (slope, intercept, pa2, pkb with stderr, CI, df), ``slope``, ``pa2``,
        ``pkb``, ``n``, ``df``, ``curve_fit``, ``message``.

    Notes
    -----
    DR = EC50(B)/EC50(0); ``log10(DR − 1) = S·log10[B] + c`` by least squares
    (Arunlakshana & Schild 1959); pA2 = c/S (SE by the delta method); with S
    fixed to 1, pKB = mean(log10(DR − 1) − log10[B]). The regression agrees
    with R ``lm`` (and ``car::deltaMethod``-style delta SE) on the EC50s of
    ``reference/receptor/schild.csv`` to 1e-10, the EC50s with R ``nls``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> a = np.tile(10.0 ** np.arange(-10, -2.5, 0.5), 4)
    >>> b = np.repeat([0.0, 1e-8, 1e-7, 1e-6], a.size // 4)
    >>> ec50 = 1e-7 * (1 + b / 1e-8)        # KB = 10 nM, pA2 = 8
    >>> df = pd.DataFrame({"a": a, "b": b, "r": 100 / (1 + ec50 / a)})
    >>> s = fit_schild(df, x="a", y="r", antagonist="b")
    >>> round(s.slope, 4), round(s.pa2, 4), round(s.pkb, 4)
    (1.0, 8.0, 8.0)
    """
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    xm, ym, bm, levels, antagonist_unit = _read(data, x, y, antagonist, x_unit, antagonist_unit)
    labels = np.array([f"{v:.6e}" for v in levels])
    code = np.searchsorted(levels, bm)
    # fit on a concentration scale near 1 (molar values ~1e-7 make JᵀJ look singular)
    pos = xm[xm > 0]
    scale = float(10 ** np.round(np.mean(np.log10(pos)))) if pos.size else 1.0
    frame = pd.DataFrame({"x": xm / scale, "y": ym, "curve": labels[code]})
    frame.attrs = dict(data.attrs)
    gfit = fit_global(
        frame, x="x", y="y", curve="curve", model="ll4", share=share, covariance=covariance
    )
    ec = gfit.ec50.set_index("curve").loc[labels]
    ec50 = ec.estimate.to_numpy() * scale
    dr = ec50 / ec50[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ldr = np.log10(dr - 1.0)
        lb = np.log10(levels)
    used = (levels > 0) & (dr > 1) & np.isfinite(ldr)
    to_x = float(convert(1.0, "M", x_unit))
    curves = pd.DataFrame(
        {
            "antagonist_conc": levels * float(convert(1.0, "M", antagonist_unit)),
            "ec50": ec50 * to_x,
            "ec50_stderr": ec.stderr.to_numpy() * scale * to_x,
            "dose_ratio": dr,
            "log10_antagonist": np.where(levels > 0, lb, np.nan),
            "log10_dr_minus_1": np.where(levels > 0, ldr, np.nan),
            "used": used,
        }
    )
    message = "" if gfit.converged else f"agonist curve fit: {gfit.message}"
    if (~used[1:]).any():
        message = (message + "; " if message else "") + (
            f"{int((~used[1:]).sum())} antagonist concentration(s) gave a dose ratio <= 1 "
            "and were left out"
        )
    reg = _regression(lb[used], ldr[used], ci_level)
    if int(used.sum()) < 3:
        message = (message + "; " if message else "") + (
            "fewer than 3 usable dose ratios: no standard error for the slope and pA2"
        )
    return SchildFit(
        curves=curves,
        regression=reg,
        slope=float(reg.estimate.iloc[0]),
        pa2=float(reg.estimate.iloc[2]),
        pkb=float(reg.estimate.iloc[3]),
        n=int(used.sum()),
        df=int(used.sum()) - 2,
        x_unit=x_unit,
        antagonist_unit=antagonist_unit,
        curve_fit=gfit,
        message=message,
    )


def _regression(xr: np.ndarray, yr: np.ndarray, ci_level: float) -> pd.DataFrame:
    k = xr.size
    cols = ["term", "estimate", "stderr", "ci_low", "ci_high", "df"]
    if k < 2:
        return pd.DataFrame(
            [
                (t, np.nan, np.nan, np.nan, np.nan, np.nan)
                for t in ("slope", "intercept", "pa2", "pkb")
            ],
            columns=cols,
        )
    xbar = xr.mean()
    sxx = float(((xr - xbar) ** 2).sum())
    slope = float(((xr - xbar) * (yr - yr.mean())).sum() / sxx)
    icpt = float(yr.mean() - slope * xbar)
    df = k - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = float(((yr - icpt - slope * xr) ** 2).sum() / df) if df > 0 else np.nan
        v = s2 * np.array([[1 / sxx, -xbar / sxx], [-xbar / sxx, 1 / k + xbar**2 / sxx]])
        pa2 = icpt / slope
        g = np.array([-icpt / slope**2, 1 / slope])
        se_pa2 = float(np.sqrt(g @ v @ g))
        q = stats.t.ppf(0.5 + ci_level / 2, df) if df > 0 else np.nan
        pk = yr - xr
        pkb = float(pk.mean())
        se_pkb = float(pk.std(ddof=1) / np.sqrt(k))
        q1 = stats.t.ppf(0.5 + ci_level / 2, k - 1)
    rows = [
        ("slope", slope, np.sqrt(v[0, 0]), df, q),
        ("intercept", icpt, np.sqrt(v[1, 1]), df, q),
        ("pa2", pa2, se_pa2, df, q),
        ("pkb", pkb, se_pkb, k - 1, q1),
    ]
    return pd.DataFrame(
        [(t, e, s, e - qq * s, e + qq * s, d) for t, e, s, d, qq in rows], columns=cols
    )


def gaddum_schild(xb: np.ndarray, th: np.ndarray) -> np.ndarray:
    """Prism's "Gaddum/Schild EC50 shift" with x = (A, B) molar, θ as below."""
    bottom, top, hill, log_ec50, pa2, slope = th
    with np.errstate(divide="ignore"):
        la, lb = np.log10(xb[:, 0]), np.log10(xb[:, 1])
    shift = np.log10(1.0 + 10.0 ** (slope * (lb + pa2)))
    return bottom + (top - bottom) * expit(hill * LN10 * (la - log_ec50 - shift))


GADDUM_NAMES = ("bottom", "top", "hill", "log10_ec50", "pa2", "schild_slope")


def fit_gaddum_schild(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    antagonist: str,
    x_unit: str = "M",
    antagonist_unit: str | None = None,
    fixed: Mapping[str, float] | None = None,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Gaddum/Schild global fit: all agonist curves at once, sharing pA2 and the slope.

    Parameters
    ----------
    data : DataFrame
        Long format: agonist concentration, response, antagonist concentration.
    x, y, antagonist : str
        Column names.
    x_unit, antagonist_unit : str
        Molar units of the agonist and antagonist columns.
    fixed : mapping, optional
        Hold any of ``bottom``, ``top``, ``hill``, ``log10_ec50`` (molar),
        ``pa2``, ``schild_slope`` (e.g. ``{"schild_slope": 1}`` to report pKB).
    covariance : {"gauss-newton", "hessian"}

    Returns
    -------
    ReceptorFit
        ``params``: bottom, top, hill, log10_ec50, pa2, schild_slope;
        ``derived``: ``ec50`` (``x_unit``) and ``kb`` = 10^−pA2 (in
        ``antagonist_unit``; the KB when the slope is 1).

    Notes
    -----
    ``EC50' = EC50 (1 + ([B]·10^pA2)^S)``, ``Y = bottom + (top − bottom) /
    (1 + (EC50'/[A])^hill)`` (Prism "Gaddum/Schild EC50 shift"; Lew & Angus
    1995). Agrees with R ``nls`` of the same equation on
    ``reference/receptor/schild.csv`` to 1e-4 (estimates) / 1e-3 (SEs).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> a = np.tile(10.0 ** np.arange(-10, -2.5, 0.5), 3)
    >>> b = np.repeat([0.0, 1e-7, 1e-6], a.size // 3)
    >>> r = 5 + 95 / (1 + (1e-7 * (1 + (b / 1e-8) ** 0.9) / a) ** 1.2)
    >>> fit = fit_gaddum_schild(pd.DataFrame({"a": a, "b": b, "r": r}),
    ...                         x="a", y="r", antagonist="b")
    >>> fit.params[["term", "estimate"]].round(4)
               term  estimate
    0        bottom       5.0
    1           top     100.0
    2          hill       1.2
    3    log10_ec50      -7.0
    4           pa2       8.0
    5  schild_slope       0.9
    """
    xm, ym, bm, levels, antagonist_unit = _read(data, x, y, antagonist, x_unit, antagonist_unit)
    fixed_p = public_fixed(fixed, GADDUM_NAMES)
    try:
        start = fit_schild(
            data, x=x, y=y, antagonist=antagonist, x_unit=x_unit, antagonist_unit=antagonist_unit
        )
        g = start.curve_fit.params
        ctl = start.curves.ec50.iloc[0] * float(convert(1.0, x_unit, "M"))
        first = g.curve == g.curve.iloc[0]
        val = dict(zip(g.term[first], g.estimate[first], strict=True))
        slope = start.slope if np.isfinite(start.slope) and start.slope > 0 else 1.0
        pa2 = start.pa2 if np.isfinite(start.pa2) else -np.log10(levels[1])
        lo, hi = sorted([val["bottom"], val["top"]])  # agonist curves increase
        p0 = np.array([lo, hi, abs(val["hill"]), np.log10(ctl), pa2, slope])
    except InputError:
        lo, hi = np.percentile(ym, [5, 95])
        p0 = np.array([lo, hi, 1.0, np.median(np.log10(xm[xm > 0])), -np.log10(levels[1]), 1.0])
    fit = fit_custom(
        gaddum_schild,
        None,
        np.column_stack([xm, bm]),
        ym,
        p0,
        names=GADDUM_NAMES,
        fixed=fixed_p,
        se=covariance,
    )
    to_x = float(convert(1.0, "M", x_unit))
    to_b = float(convert(1.0, "M", antagonist_unit))
    derived: list[tuple[str, str, Any, str]] = [
        ("ec50", "", lambda t: to_x * 10 ** t[3], "log"),
        ("kb", "", lambda t: to_b * 10 ** (-t[4]), "log"),
    ]
    labels = [(nm, "") for nm in GADDUM_NAMES]
    return build_fit("gaddum_schild", fit, labels, derived, x_unit)
