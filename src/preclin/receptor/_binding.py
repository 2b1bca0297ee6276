"""Radioligand binding: saturation (Kd, Bmax) and competition (Ki; one vs two sites)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from preclin.core import InputError, check_option, convert, numeric_column
from preclin.curves import calculate_f_test, fit_custom
from preclin.receptor._common import LN10, ReceptorFit, build_fit, check_molar_unit, conc_in

__all__ = ["fit_competition_binding", "fit_saturation_binding"]


def _free_ligand(lt: np.ndarray, bmax: Any, kd: Any, ns: Any) -> np.ndarray:
    """Free ligand F solving Lt = F + Bmax·F/(Kd + F) + ns·F (positive root)."""
    a = 1.0 + ns
    b = a * kd + bmax - lt
    return (-b + np.sqrt(b * b + 4.0 * a * lt * kd)) / (2.0 * a)


def _saturation_fn(depletion: bool):
    def fn(xm: np.ndarray, th: np.ndarray) -> np.ndarray:
        bmax, kd, ns, bg = th
        lt, is_total = xm[:, 0], xm[:, 1]
        if depletion:
            f_tot = _free_ligand(lt, bmax, kd, ns)
            f_ns = lt / (1.0 + ns)
            free = np.where(is_total > 0, f_tot, f_ns)
        else:
            free = lt
        return is_total * bmax * free / (kd + free) + ns * free + bg

    return fn


def fit_saturation_binding(
    data: pd.DataFrame,
    *,
    x: str,
    specific: str | None = None,
    total: str | None = None,
    nonspecific: str | None = None,
    x_unit: str = "nM",
    depletion: bool = False,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Saturation binding: Kd and Bmax from specific, or total and nonspecific, binding.

    Parameters
    ----------
    data : DataFrame
        One row per radioligand concentration (replicates as extra rows).
    x : str
        Radioligand concentration column (>= 0, ``x_unit``): free ligand, or
        total added ligand with ``depletion=True``.
    specific : str, optional
        Column of specific binding (fits Bmax and Kd only).
    total, nonspecific : str, optional
        Columns of total and nonspecific binding, fitted together (shared
        Kd, Bmax, nonspecific slope and background); give both, or
        ``specific``.
    x_unit : str
        Molar unit of ``x``; Kd is reported in it.
    depletion : bool
        Account for ligand depletion: ``x`` is the total ligand added and the
        binding columns are concentrations of bound ligand in ``x_unit``
        (e.g. nM of sites in the assay volume); the free ligand solves
        ``Lt = F + Bmax F/(Kd + F) + NS·F``.
    covariance : {"gauss-newton", "hessian"}

    Returns
    -------
    ReceptorFit
        ``params``: ``bmax`` (binding units), ``kd`` (``x_unit``), ``ns``
        (nonspecific slope per ``x_unit``), ``background``; ``derived``:
        ``pkd`` (−log10 Kd, molar).

    Notes
    -----
    Specific: ``B = Bmax [L]/(Kd + [L])``; total: ``B + NS·[L] + background``;
    nonspecific: ``NS·[L] + background`` (Prism "One site – total and
    nonspecific binding", fitted globally). Agrees with R ``nls`` of the
    same equations on ``reference/receptor/saturation.csv`` to 1e-4
    (estimates) / 1e-3 (SEs).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> L = np.array([0.1, 0.3, 1, 3, 10, 30])
    >>> df = pd.DataFrame({"L": L, "tot": 800 * L / (1.1 + L) + 5 * L + 20,
    ...                    "nsb": 5 * L + 20})
    >>> fit = fit_saturation_binding(df, x="L", total="tot", nonspecific="nsb")
    >>> fit.params[["term", "estimate"]].round(4)
             term  estimate
    0        bmax     800.0
    1          kd       1.1
    2          ns       5.0
    3  background      20.0
    """
    check_molar_unit("x_unit", x_unit)
    lig = numeric_column(data, x, min_value=0.0, what="radioligand concentration")
    if specific is not None and (total is not None or nonspecific is not None):
        raise InputError("give either `specific`, or `total` and `nonspecific`, not both")
    if specific is None and (total is None or nonspecific is None):
        raise InputError(
            "saturation binding needs a `specific` column, or both `total` and `nonspecific`"
        )
    if specific is not None:
        y = numeric_column(data, specific, what="specific binding")
        xm = np.column_stack([lig, np.ones_like(lig)])
        fixed = {"ns": 0.0, "background": 0.0}
        ymax = y.max()
    else:
        yt = numeric_column(data, total, what="total binding")
        yn = numeric_column(data, nonspecific, what="nonspecific binding")
        xm = np.vstack(
            [np.column_stack([lig, np.ones_like(lig)]), np.column_stack([lig, np.zeros_like(lig)])]
        )
        y = np.r_[yt, yn]
        fixed = {}
        ymax = float((yt - yn).max())
    if np.unique(lig[lig > 0]).size < 3:
        raise InputError(
            "saturation binding needs at least 3 radioligand concentrations > 0", column=x
        )
    pos = lig[lig > 0]
    p0 = np.array(
        [[1.2 * ymax, kd, 0.0, 0.0] for kd in (np.median(pos), pos.min(), pos.max())],
        dtype=float,
    )
    if specific is None:
        slope = np.polyfit(lig, yn, 1)
        p0[:, 2], p0[:, 3] = slope[0], slope[1]
    fit = fit_custom(
        _saturation_fn(bool(depletion)),
        None,
        xm,
        y,
        p0,
        names=["bmax", "kd", "ns", "background"],
        fixed=fixed,
        se=covariance,
    )
    f = float(convert(1.0, x_unit, "M"))
    derived = [("pkd", "", lambda t: -np.log10(t[1] * f), "linear")]
    labels = [(nm, "") for nm in ("bmax", "kd", "ns", "background")]
    return build_fit("saturation_binding", fit, labels, derived, x_unit)


def _one_site(xm: np.ndarray, th: np.ndarray) -> np.ndarray:
    bottom, top, lki = th
    with np.errstate(divide="ignore"):
        li = np.log10(xm[:, 0])
    return bottom + (top - bottom) * expit(-LN10 * (li - lki - xm[:, 1]))


def _two_site(xm: np.ndarray, th: np.ndarray) -> np.ndarray:
    bottom, top, lk1, lk2, frac = th
    with np.errstate(divide="ignore"):
        li = np.log10(xm[:, 0])
    s = frac * expit(-LN10 * (li - lk1 - xm[:, 1])) + (1 - frac) * expit(
        -LN10 * (li - lk2 - xm[:, 1])
    )
    return bottom + (top - bottom) * s


def fit_competition_binding(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    radioligand_conc: Any,
    radioligand_kd: Any,
    x_unit: str = "nM",
    sites: int | str = 1,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Competition binding: Ki of an unlabelled ligand (one or two sites).

    Parameters
    ----------
    data : DataFrame
        Competitor concentration and bound radioligand per row.
    x, y : str
        Columns of competitor concentration (>= 0, ``x_unit``) and binding.
    radioligand_conc, radioligand_kd : float or str
        Radioligand concentration [L] and its Kd (numbers in ``x_unit`` or
        strings with units, ``"1nM"``).
    x_unit : str
        Molar unit of ``x``; Ki values are reported in it.
    sites : {1, 2, "compare"}
        One site, two sites, or both with an extra-sum-of-squares F test
        (two sites kept when p < 0.05 and the fit converged).
    covariance : {"gauss-newton", "hessian"}

    Returns
    -------
    ReceptorFit
        ``params``: one site ``bottom``, ``top``, ``log10_ki`` (molar); two
        sites ``bottom``, ``top``, ``log10_ki_high``, ``log10_ki_low``,
        ``fraction_high``; ``derived``: ``ki`` (or ``ki_high``, ``ki_low``) in
        ``x_unit``; with ``sites="compare"`` the F-test table in
        ``comparison`` (model, df, rss, df_diff, statistic, pvalue).

    Notes
    -----
    ``Y = bottom + (top − bottom)/(1 + 10^(log[I] − logIC50))`` with
    ``IC50 = Ki (1 + [L]/Kd)`` (Cheng & Prusoff 1973; Prism "One site – Fit
    Ki" / "Two sites – Fit Ki"). Agrees with R ``nls`` and ``anova`` of the
    two nested fits on ``reference/receptor/competition.csv`` to 1e-4 / 1e-3.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> i = 10.0 ** np.arange(-2, 4.1, 0.5)
    >>> df = pd.DataFrame({"i": i, "b": 100 / (1 + i / (12 * (1 + 1 / 1)))})
    >>> fit = fit_competition_binding(df, x="i", y="b", radioligand_conc="1nM",
    ...                               radioligand_kd="1nM")
    >>> round(fit.value("ki"), 4)
    12.0
    """
    check_molar_unit("x_unit", x_unit)
    check_option("sites", sites, [1, 2, "compare"])
    lig = conc_in("radioligand_conc", radioligand_conc, x_unit)
    kd = conc_in("radioligand_kd", radioligand_kd, x_unit, positive=True)
    xi = numeric_column(data, x, min_value=0.0, what="competitor concentration")
    yv = numeric_column(data, y, what="binding")
    if np.unique(xi[xi > 0]).size < 3:
        raise InputError(
            "competition binding needs at least 3 competitor concentrations", column=x
        )
    f = float(convert(1.0, x_unit, "M"))
    shift = np.log10(1.0 + lig / kd)
    xm = np.column_stack([xi * f, np.full(xi.size, shift)])
    lo, hi = float(yv[xi == xi.max()].mean()), float(yv[xi == xi.min()].mean())
    half = lo + 0.5 * (hi - lo)
    pos = xi > 0
    lic = np.log10(xi[pos][np.argmin(np.abs(yv[pos] - half))] * f)
    back = 1.0 / f

    def one() -> ReceptorFit:
        fit = fit_custom(
            _one_site, None, xm, yv, [lo, hi, lic - shift], names=["bottom", "top", "log10_ki"],
            se=covariance,
        )  # fmt: skip
        derived = [("ki", "", lambda t: back * 10 ** t[2], "log")]
        labels = [(nm, "") for nm in ("bottom", "top", "log10_ki")]
        return build_fit("competition_one_site", fit, labels, derived, x_unit)

    def two() -> ReceptorFit:
        starts = [
            [lo, hi, lic - shift - d, lic - shift + d, fr] for d in (1, 2) for fr in (0.3, 0.6)
        ]
        fit = fit_custom(
            _two_site, None, xm, yv, starts,
            names=["bottom", "top", "log10_ki_high", "log10_ki_low", "fraction_high"],
            se=covariance,
        )  # fmt: skip
        derived = [
            ("ki_high", "", lambda t: back * 10 ** t[2], "log"),
            ("ki_low", "", lambda t: back * 10 ** t[3], "log"),
        ]
        labels = [(nm, "") for nm in fit.names]
        return build_fit("competition_two_site", fit, labels, derived, x_unit)

    if sites == 1:
        return one()
    if sites == 2:
        return two()
    f1, f2 = one(), two()
    table = calculate_f_test(f1, f2)
    table["model"] = ["one site", "two sites"]
    pick = f2 if (f2.converged and float(table.pvalue.iloc[1]) < 0.05) else f1
    return dataclasses.replace(pick, comparison=table)
