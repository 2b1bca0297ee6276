"""Allosteric modulators: the operational allosteric model and the EC50-shift model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from preclin.core import check_array, check_scalar, convert
from preclin.curves import fit_custom
from preclin.receptor._common import (
    LN10,
    ReceptorFit,
    build_fit,
    public_fixed,
    read_agonist_curves,
)

__all__ = [
    "calculate_allosteric_response",
    "fit_allosteric_operational",
    "fit_allosteric_shift",
]


def allosteric_operational(
    a: Any, b: Any, ka: Any, kb: Any, alpha: Any, beta: Any, tau_a: Any, tau_b: Any, em: Any,
    n: Any, basal: Any,
) -> np.ndarray:  # fmt: skip
    """Leach et al. (2007) operational allosteric model (vectorised)."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    act = tau_a * a * (kb + alpha * beta * b) + tau_b * b * ka
    occ = a * kb + ka * kb + ka * b + alpha * a * b
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (act / occ) ** n
    return basal + (em - basal) * s / (1.0 + s)


def calculate_allosteric_response(
    agonist_conc: Any,
    modulator_conc: Any = 0.0,
    *,
    ka: float,
    kb: float,
    alpha: float = 1.0,
    beta: float = 1.0,
    tau_a: float = 10.0,
    tau_b: float = 0.0,
    em: float = 100.0,
    n: float = 1.0,
    basal: float = 0.0,
) -> np.ndarray:
    """Response predicted by the operational allosteric model.

    Parameters
    ----------
    agonist_conc, modulator_conc : array-like
        Orthosteric agonist [A] and allosteric modulator [B] concentrations
        (>= 0, broadcast together), in the units of ``ka`` and ``kb``.
    ka, kb : float
        Dissociation constants of agonist and modulator (> 0).
    alpha : float
        Binding cooperativity (> 0; < 1 lowers agonist affinity).
    beta : float
        Efficacy cooperativity (>= 0; < 1 for a NAM of efficacy, 0 = full block).
    tau_a, tau_b : float
        Efficacy of the agonist and intrinsic (allosteric agonist) efficacy of
        the modulator (>= 0).
    em, n, basal : float
        System maximum, transducer slope, basal response.

    Returns
    -------
    ndarray
        Responses, broadcast shape of the two concentration arrays.

    Notes
    -----
    ``E = basal + (Em − basal) Φⁿ / (Φⁿ + Ψⁿ)`` with
    ``Φ = τA[A](KB + αβ[B]) + τB[B]KA`` and
    ``Ψ = [A]KB + KAKB + KA[B] + α[A][B]`` (Leach, Sexton & Christopoulos
    2007; Prism "Allosteric operational model"). Checked against the same
    equation evaluated in R to 1e-10. With [B] = 0 it is the Black–Leff model.

    Examples
    --------
    A NAM (α = 0.3, β = 0.05, KB = 10 nM) against an EC80 of agonist:

    >>> calculate_allosteric_response(100.0, [0.0, 10.0, 1000.0], ka=1000.0, kb=10.0,
    ...                               alpha=0.3, beta=0.05, tau_a=30.0).round(3)
    array([73.171, 58.841,  6.72 ])
    """
    a = check_array("agonist_conc", np.atleast_1d(agonist_conc), min_value=0)
    b = check_array("modulator_conc", np.atleast_1d(modulator_conc), min_value=0)
    ka = check_scalar("ka", ka, low=0, closed="neither")
    kb = check_scalar("kb", kb, low=0, closed="neither")
    alpha = check_scalar("alpha", alpha, low=0, closed="neither")
    beta = check_scalar("beta", beta, low=0)
    tau_a = check_scalar("tau_a", tau_a, low=0)
    tau_b = check_scalar("tau_b", tau_b, low=0)
    n = check_scalar("n", n, low=0, closed="neither")
    out = allosteric_operational(a, b, ka, kb, alpha, beta, tau_a, tau_b, em, n, basal)
    return np.where(np.isnan(out), basal, out)


ALLO_NAMES = (
    "basal",
    "em",
    "n",
    "log10_ka",
    "log10_kb",
    "log10_alpha",
    "log10_beta",
    "log10_tau_a",
    "tau_b",
)


def _allo_fn(xb: np.ndarray, th: np.ndarray) -> np.ndarray:
    basal, em, n, lka, lkb, lal, lbe, lta, tau_b = th
    out = allosteric_operational(
        xb[:, 0], xb[:, 1], 10**lka, 10**lkb, 10**lal, 10**lbe, 10**lta, tau_b, em, n, basal
    )
    return np.where(np.isnan(out), basal, out)


def _read_ab(data, x, y, modulator, x_unit, modulator_unit):
    am, ym, bm, levels, modulator_unit = read_agonist_curves(
        data, x, y, modulator, x_unit, modulator_unit, "modulator"
    )
    if levels.size < 2 or levels[0] != 0:
        from preclin.core import InputError

        raise InputError(
            "an allosteric analysis needs a control curve (modulator 0) and at least one "
            "modulator concentration",
            column=modulator,
            hint="add agonist curves at modulator 0 and at one or more concentrations",
        )
    return am, ym, bm, levels, modulator_unit


def _control_start(am, ym, bm):
    ctl = bm == 0
    xa, ya = am[ctl], ym[ctl]
    basal = float(ya[xa == xa.min()].mean())
    top = float(ya.max())
    half = basal + 0.5 * (top - basal)
    pos = xa > 0
    ec50 = float(xa[pos][np.argmin(np.abs(ya[pos] - half))])
    return basal, top, ec50


def fit_allosteric_operational(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    modulator: str,
    x_unit: str = "M",
    modulator_unit: str | None = None,
    fixed: Mapping[str, float] | None = None,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Fit the operational allosteric model to agonist curves at several modulator levels.

    Parameters
    ----------
    data : DataFrame
        Long format: agonist concentration, response, modulator concentration
        (0 for the control curve).
    x, y, modulator : str
        Column names.
    x_unit, modulator_unit : str
        Molar units of agonist and modulator columns.
    fixed : mapping, optional
        Hold any of ``basal``, ``em``, ``n``, ``log10_ka``, ``log10_kb``,
        ``log10_alpha``, ``log10_beta``, ``log10_tau_a`` (log10 of molar /
        unitless values) or ``tau_b``. Default ``{"tau_b": 0}`` (no allosteric
        agonism). With a full agonist KA is poorly determined by functional
        data: fix ``log10_ka`` from binding where you can (Leach et al. 2007).
    covariance : {"gauss-newton", "hessian"}

    Returns
    -------
    ReceptorFit
        ``params`` (the names above); ``derived``: ``ka`` (``x_unit``), ``kb``
        (``modulator_unit``), ``alpha``, ``beta``, ``alpha_beta`` (α·β, the
        net cooperativity on the response), ``log10_alpha_beta``, ``tau_a``.

    Notes
    -----
    Equation in :func:`calculate_allosteric_response`. A NAM characterised
    beyond its IC50: KB (affinity at the allosteric site), α (effect on
    agonist affinity), β (effect on efficacy), α·β < 1 for a NAM. Estimates
    and Gauss–Newton SEs agree with R ``nls`` of the same equation on
    ``reference/receptor/allosteric.csv`` to 1e-4 / 1e-3.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> a = np.tile(10.0 ** np.arange(0, 6.1, 0.5), 4)          # nM
    >>> b = np.repeat([0.0, 10.0, 100.0, 1000.0], a.size // 4)  # nM
    >>> r = calculate_allosteric_response(a, b, ka=1000.0, kb=10.0, alpha=0.3, beta=0.1,
    ...                                   tau_a=10.0, em=100.0, basal=2.0)
    >>> df = pd.DataFrame({"a": a, "b": b, "r": r})
    >>> fit = fit_allosteric_operational(df, x="a", y="r", modulator="b", x_unit="nM",
    ...                                  fixed={"log10_ka": -6.0})  # KA = 1 uM from binding
    >>> fit.derived[["term", "estimate"]].round(4)
                   term  estimate
    0                ka 1000.0000
    1                kb   10.0000
    2             alpha    0.3000
    3              beta    0.1000
    4        alpha_beta    0.0300
    5  log10_alpha_beta   -1.5229
    6             tau_a   10.0000
    """
    am, ym, bm, levels, modulator_unit = _read_ab(data, x, y, modulator, x_unit, modulator_unit)
    fixed_p = public_fixed({"tau_b": 0.0, **dict(fixed or {})}, ALLO_NAMES)
    basal, top, ec50 = _control_start(am, ym, bm)
    high = bm == levels[-1]
    top_b = float(ym[high].max())
    p0 = []
    for mult in (1.2, 2.0):
        em = basal + mult * (top - basal)
        frac = np.clip((top - basal) / (em - basal), 0.05, 0.95)
        tau = frac / (1 - frac)
        ka = ec50 * (1 + tau)
        beta = np.clip((top_b - basal) / max(top - basal, 1e-12), 0.01, 10)
        for lal in (-1.0, 0.0):
            p0.append(
                [basal, em, 1.0, np.log10(ka), np.log10(np.median(levels[1:])), lal,
                 np.log10(beta), np.log10(tau), 0.0]
            )  # fmt: skip
    p0 = np.array(p0)
    fit = fit_custom(
        _allo_fn, None, np.column_stack([am, bm]), ym, p0, names=ALLO_NAMES, fixed=fixed_p,
        se=covariance,
    )  # fmt: skip
    to_x = float(convert(1.0, "M", x_unit))
    to_b = float(convert(1.0, "M", modulator_unit))
    derived: list[tuple[str, str, Any, str]] = [
        ("ka", "", lambda t: to_x * 10 ** t[3], "log"),
        ("kb", "", lambda t: to_b * 10 ** t[4], "log"),
        ("alpha", "", lambda t: 10 ** t[5], "log"),
        ("beta", "", lambda t: 10 ** t[6], "log"),
        ("alpha_beta", "", lambda t: 10 ** (t[5] + t[6]), "log"),
        ("log10_alpha_beta", "", lambda t: t[5] + t[6], "linear"),
        ("tau_a", "", lambda t: 10 ** t[7], "log"),
    ]
    return build_fit(
        "allosteric_operational", fit, [(nm, "") for nm in ALLO_NAMES], derived, x_unit
    )


SHIFT_NAMES = ("bottom", "top", "hill", "log10_ec50", "log10_kb", "log10_alpha")


def _shift_fn(xb: np.ndarray, th: np.ndarray) -> np.ndarray:
    bottom, top, hill, lec, lkb, lal = th
    b = xb[:, 1] / 10**lkb
    with np.errstate(divide="ignore"):
        la = np.log10(xb[:, 0])
    shift = np.log10((1 + b) / (1 + 10**lal * b))
    return bottom + (top - bottom) * expit(hill * LN10 * (la - lec - shift))


def fit_allosteric_shift(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    modulator: str,
    x_unit: str = "M",
    modulator_unit: str | None = None,
    fixed: Mapping[str, float] | None = None,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Fit the allosteric EC50-shift model (affinity modulation only).

    Parameters
    ----------
    data : DataFrame
        Long format: agonist concentration, response, modulator concentration.
    x, y, modulator : str
        Column names.
    x_unit, modulator_unit : str
        Molar units of agonist and modulator columns.
    fixed : mapping, optional
        Hold any of ``bottom``, ``top``, ``hill``, ``log10_ec50``,
        ``log10_kb``, ``log10_alpha``.
    covariance : {"gauss-newton", "hessian"}

    Returns
    -------
    ReceptorFit
        ``params`` (the names above); ``derived``: ``ec50`` (``x_unit``),
        ``kb`` (``modulator_unit``), ``alpha``.

    Notes
    -----
    ``EC50' = EC50 (1 + [B]/KB) / (1 + α[B]/KB)``; ``Y = bottom + (top −
    bottom) / (1 + (EC50'/[A])^hill)`` (Prism "Allosteric EC50 shift";
    Christopoulos & Kenakin 2002). The shift saturates at 1/α (α < 1: NAM of
    affinity). Agrees with R ``nls`` on ``reference/receptor/allosteric_shift.csv``
    to 1e-4 / 1e-3.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> a = np.tile(10.0 ** np.arange(-1, 5.1, 0.5), 4)       # nM
    >>> b = np.repeat([0.0, 100.0, 1000.0, 10000.0], a.size // 4)
    >>> ec = 100 * (1 + b / 100) / (1 + 0.05 * b / 100)     # KB 100 nM, alpha 0.05
    >>> df = pd.DataFrame({"a": a, "b": b, "r": 100 / (1 + ec / a)})
    >>> fit = fit_allosteric_shift(df, x="a", y="r", modulator="b", x_unit="nM")
    >>> fit.derived[["term", "estimate"]].round(4)
        term  estimate
    0   ec50    100.00
    1     kb    100.00
    2  alpha      0.05
    """
    am, ym, bm, levels, modulator_unit = _read_ab(data, x, y, modulator, x_unit, modulator_unit)
    fixed_p = public_fixed(fixed, SHIFT_NAMES)
    basal, top, ec50 = _control_start(am, ym, bm)
    lkb = np.log10(np.median(levels[1:]))
    p0 = np.array(
        [[basal, top, 1.0, np.log10(ec50), lkb, lal] for lal in (-1.0, 0.0, 1.0)], dtype=float
    )
    fit = fit_custom(
        _shift_fn, None, np.column_stack([am, bm]), ym, p0, names=SHIFT_NAMES, fixed=fixed_p,
        se=covariance,
    )  # fmt: skip
    to_x = float(convert(1.0, "M", x_unit))
    to_b = float(convert(1.0, "M", modulator_unit))
    derived: list[tuple[str, str, Any, str]] = [
        ("ec50", "", lambda t: to_x * 10 ** t[3], "log"),
        ("kb", "", lambda t: to_b * 10 ** t[4], "log"),
        ("alpha", "", lambda t: 10 ** t[5], "log"),
    ]
    return build_fit("allosteric_shift", fit, [(nm, "") for nm in SHIFT_NAMES], derived, x_unit)
