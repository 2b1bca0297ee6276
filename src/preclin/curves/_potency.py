"""Potency with uncertainty: EDx with delta / delta-log / profile CIs, relative potency.

Written once against :class:`~preclin.curves._covariance._Problem` (β, its
covariance and the map to each curve's drc vector), so single fits, global
fits and parameter sets typed in from other software all work the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq, least_squares

from preclin.core import InputError, check_option, check_scalar
from preclin.curves._covariance import _Problem, single_problem
from preclin.curves._models import get_model

__all__ = ["calculate_ed", "calculate_relative_potency", "compare_parameters"]

INTERVALS = ("delta-log", "delta", "profile")


def _check_levels(levels: Any) -> list[float]:
    vals = [levels] if np.isscalar(levels) else list(levels)
    if not vals:
        raise InputError("Invalid `levels`: got an empty list, must be numbers in (0, 100).")
    for v in vals:
        check_scalar("levels", v, low=0, high=100, closed="neither")
    return [float(v) for v in vals]


def _quantile(df: float, ci_level: float) -> float:
    a = 0.5 + ci_level / 2
    return float(stats.norm.ppf(a) if not np.isfinite(df) else stats.t.ppf(a, df))


def _pvalue(stat: np.ndarray, df: float) -> np.ndarray:
    dist = stats.norm if not np.isfinite(df) else stats.t(df)
    return 2 * dist.sf(np.abs(stat))


# ---------------------------------------------------------------------------
# Turning inputs into a _Problem
# ---------------------------------------------------------------------------


def _from_mapping(obj: Mapping[str, Any]) -> _Problem:
    """{"model", "params" (drc or public names), "vcov" (free-parameter order), "df"}."""
    for key in ("model", "params"):
        if key not in obj:
            raise InputError(
                f"a parameter mapping needs the key {key!r} (model, params, vcov, df)"
            )
    spec = get_model(str(obj["model"]))
    params = dict(obj["params"])
    theta = np.array([spec.fixed.get(p, np.nan) for p in spec.params], dtype=float)
    flip = np.ones(spec.n_params)
    for name, value in params.items():
        if name in spec.params:
            i = spec.params.index(name)
            theta[i] = float(value)
        elif name in spec.public:
            i = spec.public.index(name)
            sign = spec.hill_sign if name == "hill" else 1
            theta[i] = sign * float(value)
            flip[i] = sign
        else:
            check_option(
                "params",
                name,
                list(spec.free) + [spec.public[spec.params.index(p)] for p in spec.free],
            )
    free = np.array([p not in spec.fixed for p in spec.params])
    missing = [p for p, f, t in zip(spec.params, free, theta, strict=True) if f and np.isnan(t)]
    if missing:
        raise InputError(f"the parameter mapping lacks {', '.join(missing)} for {spec.drc}")
    vcov = obj.get("vcov")
    if vcov is not None:
        vcov = np.asarray(vcov, dtype=float)
        s = flip[free]
        vcov = vcov * np.outer(s, s)
        if vcov.shape != (free.sum(), free.sum()):
            raise InputError(
                f"Invalid `vcov`: got shape {vcov.shape}, must be {free.sum()}x{free.sum()} "
                f"(free parameters {', '.join(spec.free)})."
            )
    return single_problem(
        spec, theta, free, vcov, float(obj.get("df", np.inf)), x_unit=obj.get("x_unit")
    )


def as_problem(fit: Any) -> _Problem:
    """The inference description of a fit result or a parameter mapping."""
    if isinstance(fit, _Problem):
        return fit
    if isinstance(fit, Mapping):
        return _from_mapping(fit)
    from preclin.curves._global import problem_of

    return problem_of(fit)


# ---------------------------------------------------------------------------
# ED values
# ---------------------------------------------------------------------------


def _ed_and_grad(prob: _Problem, level: float) -> tuple[np.ndarray, np.ndarray]:
    """ED of every curve (K,) and its gradient w.r.t. β (K, m)."""
    theta = prob.theta
    est = np.asarray(prob.spec.ed(theta, level), dtype=float).reshape(-1)
    grad = prob.spec.ed_gradient(theta, level).reshape(theta.shape)
    return est, np.einsum("kp,kpm->km", grad, prob.T)


def ed_frame(
    prob: _Problem, levels: Sequence[float], *, interval: str, ci_level: float
) -> pd.DataFrame:
    """Rows (curve, level): estimate, stderr, ci_low, ci_high, method."""
    q = _quantile(prob.df, ci_level)
    parts = []
    for level in levels:
        est, gb = _ed_and_grad(prob, level)
        with np.errstate(invalid="ignore", over="ignore"):
            se = np.sqrt(np.einsum("km,mn,kn->k", gb, prob.vcov, gb))
            if interval == "delta":
                lo, hi = est - q * se, est + q * se
            elif interval == "delta-log":
                lo, hi = est * np.exp(-q * se / est), est * np.exp(q * se / est)
            else:
                bounds = np.array(
                    [
                        _profile_ci(prob, k, level, ci_level, se[k] / est[k])
                        for k in range(len(prob.curves))
                    ]
                )
                lo, hi = bounds[:, 0], bounds[:, 1]
        parts.append(
            pd.DataFrame(
                {
                    "curve": list(prob.curves),
                    "level": level,
                    "estimate": est,
                    "stderr": se,
                    "ci_low": lo,
                    "ci_high": hi,
                    "method": interval,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    order = np.argsort(
        pd.Categorical(out.curve, categories=list(prob.curves)).codes, kind="stable"
    )
    return out.iloc[order].reset_index(drop=True)


def _profile_ci(
    prob: _Problem, k: int, level: float, ci_level: float, se_log: float
) -> tuple[float, float]:
    """Profile-likelihood CI of ED(level) of curve k by inverting the signed-root F statistic.

    τ(ψ) = sign(ψ − ψ̂) √((RSS(ψ) − RSS) / s²), ψ = log ED; the other
    parameters are refitted at each ψ (e is solved from ψ and b, f). The
    bounds are where τ = ±t(df, 1 − α/2), as MASS's ``confint`` on ``nls``.
    """
    spec = prob.spec
    if prob.x is None or prob.y is None:
        raise InputError("profile intervals need the data: pass a fit result, not parameters")
    if spec.family not in ("ll5", "w1", "w2"):
        raise InputError(
            f"Invalid `interval`: got 'profile' for {spec.drc}, must be one of delta-log, "
            "delta (profiles need a closed-form ED: LL, W1, W2 models)."
        )
    e_row = spec.params.index("e")
    je = np.flatnonzero(prob.T[k, e_row])
    if je.size == 0:
        return np.nan, np.nan
    je = int(je[0])
    move = np.ones(prob.beta.size, bool)
    move[je] = False
    s2 = prob.rss / prob.df
    q = _quantile(prob.df, ci_level)
    psi_hat = float(np.log(spec.ed(prob.theta[k], level)))

    def log_k(beta: np.ndarray) -> float:
        th = prob.theta_of(beta)[k].copy()
        th[e_row] = 1.0
        return float(np.log(spec.ed(th, level)))

    state = {"beta": prob.beta.copy()}

    def tau(psi: float) -> float:
        start = state["beta"]

        def full(z: np.ndarray) -> np.ndarray:
            b = start.copy()
            b[move] = z
            b[je] = np.exp(psi - log_k(b))
            return b

        with np.errstate(all="ignore"):
            res = least_squares(
                lambda z: prob.residuals(full(z)),
                start[move],
                method="lm",
                jac="3-point",
                xtol=1e-13,
                ftol=1e-13,
                gtol=1e-13,
            )
        state["beta"] = full(res.x)
        rss = 2.0 * res.cost
        return float(np.sign(psi - psi_hat) * np.sqrt(max(rss - prob.rss, 0.0) / s2))

    step = se_log if np.isfinite(se_log) and se_log > 0 else 0.1
    out = []
    for side in (-1.0, 1.0):
        state["beta"] = prob.beta.copy()
        a, bound = psi_hat, np.nan
        for mult in 2.0 ** np.arange(0, 8):
            b = psi_hat + side * step * q * mult
            if side * tau(b) >= q:
                lo_, hi_ = sorted((a, b))
                target = side * q
                bound = brentq(lambda v, t=target: tau(v) - t, lo_, hi_, xtol=1e-12)
                break
            a = b
        out.append(float(np.exp(bound)))
    return out[0], out[1]


def calculate_ed(
    fit: Any,
    levels: float | Sequence[float] = (10, 50, 90),
    *,
    interval: str = "delta-log",
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Effective doses EDx with standard errors and confidence intervals.

    Parameters
    ----------
    fit : GlobalFit, CurveFit or mapping
        A fit result, or ``{"model": "ll4", "params": {...}, "vcov": [[...]],
        "df": 20}`` with parameters in drc names (b, c, d, e, f; vcov in the
        order of the model's free parameters, as drc prints it) or public
        names (hill, bottom, top, ec50, ...).
    levels : float or sequence of float
        Percent of the way from the x → 0 asymptote to the x → ∞ one (drc's
        relative ED from the control), each in (0, 100).
    interval : {"delta-log", "delta", "profile"}
        ``"delta-log"`` (default): delta method on log ED, back-transformed,
        ``ED · exp(± t · SE/ED)`` — never below zero; ``"delta"``: drc's
        linear ``ED ± t · SE``; ``"profile"``: profile likelihood (the other
        parameters refitted at each fixed log ED; needs the data).
    ci_level : float
        Confidence level.

    Returns
    -------
    DataFrame
        One row per curve and level: ``curve`` (only for multi-curve fits),
        ``level``, ``estimate``, ``stderr`` (delta method, linear scale),
        ``ci_low``, ``ci_high``, ``method``.

    Notes
    -----
    SE(ED) = √(gᵀ V g), g = ∂ED/∂θ; t has the fit's residual df (normal
    quantiles for quantal fits). ``"delta"`` agrees with drc 3.2.0
    ``ED(m, c(10, 50, 90), interval = "delta")`` to 1e-3; ``"delta-log"``
    with drc's ``interval = "fls"`` on the log-ED parameterisation
    (``LL2.4``); ``"profile"`` with MASS ``confint`` on an ``nls`` fit
    parameterised by log ED (see ``reference/curves/inference_profile_ryegrass.R``).

    Examples
    --------
    >>> drc_ll4 = {"model": "LL.4", "df": 20,
    ...            "params": {"b": 2.98222, "c": 0.481413, "d": 7.79296, "e": 3.05795},
    ...            "vcov": [[0.21628, 0.04602, -0.03505, -0.00376],
    ...                     [0.04602, 0.04503, -0.00471, -0.01692],
    ...                     [-0.03505, -0.00471, 0.03556, -0.01287],
    ...                     [-0.00376, -0.01692, -0.01287, 0.03450]]}
    >>> calculate_ed(drc_ll4, [10, 50]).round(3)
       level  estimate  stderr  ci_low  ci_high     method
    0   10.0     1.464   0.187   1.122    1.910  delta-log
    1   50.0     3.058   0.186   2.694    3.471  delta-log
    """
    levels_ = _check_levels(levels)
    check_option("interval", interval, INTERVALS)
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    prob = as_problem(fit)
    out = ed_frame(prob, levels_, interval=interval, ci_level=ci_level)
    if len(prob.curves) == 1:
        out = out.drop(columns="curve")
    return out


# ---------------------------------------------------------------------------
# Relative potency and parameter contrasts between curves
# ---------------------------------------------------------------------------


def _combine(a: _Problem, b: _Problem) -> _Problem:
    """Two independent fits as one problem (block-diagonal covariance)."""
    if a.spec.key != b.spec.key:
        raise InputError(
            f"cannot compare curves fitted with different models ({a.spec.drc} vs "
            f"{b.spec.drc}); refit both with the same model"
        )
    if a.x_unit and b.x_unit and a.x_unit != b.x_unit:
        raise InputError(
            f"cannot compare potencies in different units ({a.x_unit} vs {b.x_unit}); "
            "fit both curves with the same x_unit"
        )
    ma, mb = a.beta.size, b.beta.size
    vcov = np.zeros((ma + mb, ma + mb))
    vcov[:ma, :ma], vcov[ma:, ma:] = a.vcov, b.vcov
    T = np.zeros((len(a.curves) + len(b.curves), a.T.shape[1], ma + mb))
    T[: len(a.curves), :, :ma] = a.T
    T[len(a.curves) :, :, ma:] = b.T
    names_b = list(b.curves)
    if set(names_b) & set(a.curves):
        names_b = [f"{n} (2)" for n in names_b]
    return _Problem(
        spec=a.spec,
        beta=np.concatenate([a.beta, b.beta]),
        vcov=vcov,
        df=float(min(a.df, b.df)),
        curves=tuple(a.curves) + tuple(names_b),
        T=T,
        offset=np.concatenate([a.offset, b.offset]),
        x_unit=a.x_unit or b.x_unit,
    )


def _pairs(prob: _Problem, curves: Sequence[str] | None) -> list[tuple[int, int]]:
    if curves is None:
        return list(combinations(range(len(prob.curves)), 2))
    curves = list(curves)
    if len(curves) != 2:
        raise InputError(f"Invalid `curves`: got {curves!r}, must be two curve labels.")
    for c in curves:
        check_option("curves", str(c), list(prob.curves))
    return [(prob.curves.index(str(curves[0])), prob.curves.index(str(curves[1])))]


def calculate_relative_potency(
    fit: Any,
    reference: Any = None,
    *,
    curves: Sequence[str] | None = None,
    levels: float | Sequence[float] = 50,
    interval: str = "delta-log",
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Relative potency: the ratio of two curves' EDx, with a confidence interval.

    Parameters
    ----------
    fit : GlobalFit, CurveFit or mapping
        A multi-curve fit (ratios use the joint covariance), or the first of
        two separate fits.
    reference : fit, optional
        Second, independently fitted curve (the denominator); its covariance
        with ``fit`` is taken as zero and the t quantile uses the smaller df.
    curves : pair of str, optional
        (numerator, denominator) curve labels of a multi-curve fit; default
        every pair in fit order.
    levels : float or pair of float
        ED levels of numerator and denominator (``50`` = EC50 ratio).
    interval : {"delta-log", "delta", "fieller"}
        ``"delta-log"`` (default): delta method on log(ratio), back-transformed
        (positive, asymmetric); ``"delta"``: drc's linear delta method
        (``EDcomp(..., interval = "delta")``); ``"fieller"``: Fieller's
        theorem (``EDcomp(..., interval = "fieller")``).
    ci_level : float
        Confidence level.

    Returns
    -------
    DataFrame
        One row per pair: ``numerator``, ``denominator``, ``level_num``,
        ``level_den``, ``estimate`` (ED_num / ED_den), ``stderr`` (delta
        method, ratio scale), ``statistic`` and ``pvalue`` (H0: ratio = 1, on
        the log scale for "delta-log", linear otherwise; NaN for Fieller),
        ``ci_low``, ``ci_high``, ``df``, ``method``.

    Notes
    -----
    r = ED_a / ED_b; ∇ log r = ∇ED_a / ED_a − ∇ED_b / ED_b;
    SE(log r) = √(∇ log rᵀ V ∇ log r), SE(r) = r · SE(log r). Fieller: the set
    of ρ with (ED_a − ρ ED_b)² ≤ t² (v_aa − 2ρ v_ab + ρ² v_bb). Agrees with drc
    3.2.0 ``EDcomp(m, c(50, 50))`` ("delta", "fieller") and
    ``compParm(m, "e", "/")`` on S.alba to 1e-4 / 1e-3.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> df = load_example("concentration_response")
    >>> two = df[df.compound.isin(["MTEP", "basimglurant"]) & (df.plate == "P1")]
    >>> from preclin.curves import fit_global
    >>> g = fit_global(two, x="conc_uM", y="response", curve="compound", share=[])
    >>> calculate_relative_potency(g)[["numerator", "denominator", "estimate",
    ...                               "ci_low", "ci_high"]].round(2)
      numerator   denominator  estimate  ci_low  ci_high
    0      MTEP  basimglurant       2.3    1.75      3.0
    """
    check_option("interval", interval, ("delta-log", "delta", "fieller"))
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    lv = _check_levels(levels)
    if len(lv) == 1:
        lv = lv * 2
    if len(lv) != 2:
        raise InputError(f"Invalid `levels`: got {lv!r}, must be one level or a pair.")
    prob = as_problem(fit)
    if reference is not None:
        prob = _combine(prob, as_problem(reference))
    if len(prob.curves) < 2:
        raise InputError("relative potency needs two curves: pass a multi-curve fit or two fits")
    pairs = _pairs(prob, curves)
    ed_a, g_a = _ed_and_grad(prob, lv[0])
    ed_b, g_b = _ed_and_grad(prob, lv[1])
    ia = np.array([p[0] for p in pairs])
    ib = np.array([p[1] for p in pairs])
    a, b, ga, gb = ed_a[ia], ed_b[ib], g_a[ia], g_b[ib]
    r = a / b
    V = prob.vcov
    glog = ga / a[:, None] - gb / b[:, None]
    se_log = np.sqrt(np.einsum("km,mn,kn->k", glog, V, glog))
    se = r * se_log
    q = _quantile(prob.df, ci_level)
    if interval == "delta-log":
        lo, hi = r * np.exp(-q * se_log), r * np.exp(q * se_log)
        stat = np.log(r) / se_log
    elif interval == "delta":
        lo, hi = r - q * se, r + q * se
        stat = (r - 1) / se
    else:
        vaa = np.einsum("km,mn,kn->k", ga, V, ga)
        vbb = np.einsum("km,mn,kn->k", gb, V, gb)
        vab = np.einsum("km,mn,kn->k", ga, V, gb)
        g = q**2 * vbb / b**2
        with np.errstate(invalid="ignore"):
            centre = r - g * vab / vbb
            half = q / b * np.sqrt(vaa - 2 * r * vab + r**2 * vbb - g * (vaa - vab**2 / vbb))
            lo = np.where(g < 1, (centre - half) / (1 - g), np.nan)
            hi = np.where(g < 1, (centre + half) / (1 - g), np.nan)
        stat = np.full(r.shape, np.nan)
    return pd.DataFrame(
        {
            "numerator": [prob.curves[i] for i in ia],
            "denominator": [prob.curves[i] for i in ib],
            "level_num": lv[0],
            "level_den": lv[1],
            "estimate": r,
            "stderr": se,
            "statistic": stat,
            "pvalue": _pvalue(stat, prob.df),
            "ci_low": lo,
            "ci_high": hi,
            "df": prob.df,
            "method": interval,
        }
    )


def compare_parameters(
    fit: Any,
    parameter: str = "ec50",
    *,
    operator: str = "ratio",
    curves: Sequence[str] | None = None,
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Compare one parameter between curves: ratio (H0 = 1) or difference (H0 = 0).

    Parameters
    ----------
    fit : GlobalFit or mapping
        A multi-curve fit whose curves have their own value of ``parameter``.
    parameter : str
        Public name (``hill``, ``bottom``, ``top``, ``ec50`` / ``xmid``, ...).
    operator : {"ratio", "difference"}
    curves : pair of str, optional
        (first, second); default every pair in fit order.
    ci_level : float

    Returns
    -------
    DataFrame
        One row per pair: ``contrast`` ("A/B" or "A-B"), ``estimate``,
        ``stderr``, ``statistic`` ((ratio − 1)/SE or difference/SE),
        ``pvalue`` (two-sided t with the fit's df), ``ci_low``, ``ci_high``
        (Wald), ``df``.

    Notes
    -----
    Delta method with the joint covariance; drc's ``compParm(m, "e", "/")``
    and ``compParm(m, "b", "-")`` (drc's b is −hill for LL models).
    """
    check_option("operator", operator, ("ratio", "difference"))
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    prob = as_problem(fit)
    spec = prob.spec
    own = [spec.public[spec.params.index(n)] for n in spec.params if n not in spec.fixed]
    check_option("parameter", parameter, own)
    i = spec.public.index(parameter)
    sign = spec.hill_sign if parameter == "hill" else 1.0
    if len(prob.curves) < 2:
        raise InputError("comparing parameters needs a fit with two or more curves")
    pairs = _pairs(prob, curves)
    rows = []
    q = _quantile(prob.df, ci_level)
    for ka, kb in pairs:
        ga, gb = sign * prob.T[ka, i], sign * prob.T[kb, i]
        va, vb = sign * prob.theta[ka, i], sign * prob.theta[kb, i]
        if operator == "ratio":
            est, grad, null = va / vb, ga / vb - va * gb / vb**2, 1.0
            label = f"{prob.curves[ka]}/{prob.curves[kb]}"
        else:
            est, grad, null = va - vb, ga - gb, 0.0
            label = f"{prob.curves[ka]}-{prob.curves[kb]}"
        se = float(np.sqrt(grad @ prob.vcov @ grad))
        stat = (est - null) / se if se > 0 else np.nan
        rows.append(
            (
                label,
                est,
                se,
                stat,
                float(_pvalue(np.array(stat), prob.df)),
                est - q * se,
                est + q * se,
                prob.df,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "contrast",
            "estimate",
            "stderr",
            "statistic",
            "pvalue",
            "ci_low",
            "ci_high",
            "df",
        ],
    )
