"""Shared-parameter (global) fits of several curves, and the least-squares solver.

A global fit is one least-squares problem: curve k has the full drc vector
``θ_k = T_k β + offset`` where a shared parameter is one entry of β used by
every curve and any other free parameter has one entry per curve (drc
``drm(..., curveid, pmodels = ...)``; Prism "share" checkboxes). One
``scipy.optimize.least_squares`` call with the analytic Jacobian of
``_models.py`` fits all curves at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import least_squares

from preclin.core import InputError, Result, check_option, numeric_column, require_columns
from preclin.core.validation import source_name
from preclin.curves._covariance import KINDS, _Problem
from preclin.curves._custom import information_criteria, label_codes
from preclin.curves._models import ModelSpec, get_model

__all__ = ["GlobalFit", "fit_global"]


# ---------------------------------------------------------------------------
# Solver
# ---------------------------------------------------------------------------


def solve(prob: _Problem, beta0: np.ndarray, hold: np.ndarray | None = None) -> tuple:
    """Minimise the RSS over β (entries with ``hold`` True stay at ``beta0``).

    Returns ``(beta, converged, message)``.
    """
    beta0 = np.asarray(beta0, dtype=float)
    move = np.ones(beta0.size, bool) if hold is None else ~np.asarray(hold, bool)
    if not move.any():
        return beta0, True, "nothing to estimate"

    def full(z: np.ndarray) -> np.ndarray:
        b = beta0.copy()
        b[move] = z
        return b

    def fun(z: np.ndarray) -> np.ndarray:
        return prob.residuals(full(z))

    def jac(z: np.ndarray) -> np.ndarray:
        return -prob.jacobian(full(z))[:, move]

    with np.errstate(all="ignore"):
        res = least_squares(
            fun,
            beta0[move],
            jac=jac,
            method="lm",
            x_scale="jac",
            xtol=1e-14,
            ftol=1e-14,
            gtol=1e-14,
            max_nfev=4000,
        )
    beta = full(res.x)
    ok = bool(res.status > 0) and bool(np.all(np.isfinite(beta)))
    return beta, ok, "converged" if ok else str(res.message)


def start_theta(spec: ModelSpec, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rough starting full θ for one curve (drc orientation: d at x → 0, c at x → ∞)."""
    xs, inv = np.unique(np.asarray(x, float), return_inverse=True)
    means = np.bincount(inv, weights=y) / np.bincount(inv)
    q = max(1, xs.size // 4)
    d, c = means[:q].mean(), means[-q:].mean()
    span = d - c if abs(d - c) > 1e-12 else 1.0
    pos = xs > 0
    e, b = 1.0, 1.0
    if pos.any():
        e = float(xs[pos][np.argmin(np.abs(means[pos] - (c + 0.5 * span)))])
        frac = np.clip((d - means[pos]) / span, 0.02, 0.98)
        lx = np.log(xs[pos] / e)
        if lx @ lx > 0:
            b = float(np.clip((lx @ np.log(frac / (1 - frac))) / (lx @ lx), 0.2, 10.0))
    th = np.array([-b if spec.family == "w2" else b, c, d, e, 1.0][: spec.n_params])
    if (
        spec.family == "ll5"
        and spec.fixed.get("f") == 1.0
        and not {"c", "d"} & set(spec.fixed)
        and d < c
    ):
        # LL.4 is symmetric under (b, c, d) -> (-b, d, c): start an increasing curve
        # in Prism's orientation (bottom < top, positive hill) so the fit lands there.
        th[:3] = [-b, d, c]
    if spec.family == "bc5":
        th[4] = 0.0
    for name, value in spec.fixed.items():
        th[spec.params.index(name)] = value
    return th


# ---------------------------------------------------------------------------
# Design of a global problem
# ---------------------------------------------------------------------------


def _to_public(spec: ModelSpec, name: str) -> str:
    return spec.public[spec.params.index(name)]


def build_design(
    spec: ModelSpec, n_curves: int, shared: Sequence[str], fixed: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, int | None]]]:
    """T (K, p, m), offset (K, p) and the label (param, curve or None) of each β entry."""
    p = spec.n_params
    labels: list[tuple[str, int | None]] = []
    for name in spec.params:
        if name in fixed:
            continue
        if name in shared:
            labels.append((name, None))
        else:
            labels.extend((name, k) for k in range(n_curves))
    T = np.zeros((n_curves, p, len(labels)))
    offset = np.zeros((n_curves, p))
    for j, (name, k) in enumerate(labels):
        i = spec.params.index(name)
        if k is None:
            T[:, i, j] = 1.0
        else:
            T[k, i, j] = 1.0
    for name, value in fixed.items():
        offset[:, spec.params.index(name)] = value
    return T, offset, labels


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class GlobalFit(Result):
    """A shared-parameter fit of several curves (one least-squares problem).

    Attributes
    ----------
    model : str
        Model key ("ll4").
    curves : tuple of str
        Curve labels in fit order.
    share : tuple of str
        Shared parameters (public names).
    params : DataFrame
        One row per curve and parameter: ``curve``, ``term`` (public name),
        ``estimate``, ``stderr``, ``ci_low``, ``ci_high`` (Wald t), ``shared``.
    ec50 : DataFrame
        Per curve: ``curve``, ``estimate``, ``stderr``, ``ci_low``, ``ci_high``
        of the ED50 (delta method on log ED50, back-transformed).
    coef_names : tuple of str
        Label of each estimated coefficient ("hill:Bentazone", "bottom").
    coef : ndarray
        Estimated coefficients in drc's parameterisation (b, not hill).
    vcov : ndarray
        Joint covariance of ``coef``.
    rss, df, n, sigma, loglik, aic, aicc, bic : float / int
        Residual sum of squares, residual df, observations, residual SE
        √(RSS/df), Gaussian log-likelihood, and information criteria with
        σ counted as a parameter (as drc).
    covariance : str
        "hessian" (drc) or "gauss-newton" (Prism, nls).
    converged : bool
    message : str
    """

    model: str
    curves: tuple[str, ...]
    share: tuple[str, ...]
    params: pd.DataFrame = dataclasses.field(repr=False)
    ec50: pd.DataFrame = dataclasses.field(repr=False)
    coef_names: tuple[str, ...]
    coef: np.ndarray = dataclasses.field(repr=False)
    vcov: np.ndarray = dataclasses.field(repr=False)
    rss: float
    df: int
    n: int
    sigma: float
    loglik: float
    aic: float
    aicc: float
    bic: float
    covariance: str
    ci_level: float
    converged: bool
    message: str
    x_unit: str | None = None
    fixed: dict[str, float] = dataclasses.field(default_factory=dict, repr=False)
    data: dict[str, np.ndarray] = dataclasses.field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-curve parameter table."""
        return self.params.copy()

    def _title(self) -> str:
        return (
            f"Global {self.model} fit of {len(self.curves)} curves (shared: "
            + (", ".join(self.share) or "none")
            + ")"
        )

    def _summary_lines(self) -> list[str]:
        return [
            f"RSS {self.rss:.6g} on {self.df} df, residual SE {self.sigma:.4g}, "
            f"logLik {self.loglik:.4f}, AIC {self.aic:.4f}, converged {self.converged}"
        ]


def global_problem(fit: GlobalFit) -> _Problem:
    """The inference description of a :class:`GlobalFit`."""
    spec = get_model(fit.model)
    shared = [spec.params[spec.public.index(s)] for s in fit.share]
    T, offset, _ = build_design(spec, len(fit.curves), shared, {**spec.fixed, **fit.fixed})
    return _Problem(
        spec=spec,
        beta=fit.coef,
        vcov=fit.vcov,
        df=float(fit.df),
        curves=fit.curves,
        T=T,
        offset=offset,
        names=fit.coef_names,
        x=fit.data["x"],
        y=fit.data["y"],
        curve_index=fit.data["curve_index"],
        weights=fit.data.get("weights"),
        rss=fit.rss,
        x_unit=fit.x_unit,
    )


# ---------------------------------------------------------------------------
# Public function
# ---------------------------------------------------------------------------


def _public_fixed(spec: ModelSpec, fixed: dict[str, float] | None) -> dict[str, float]:
    out = dict(spec.fixed)
    for name, value in (fixed or {}).items():
        check_option("fixed", name, [spec.public[spec.params.index(p)] for p in spec.free])
        drc = spec.params[spec.public.index(name)]
        out[drc] = spec.hill_sign * float(value) if name == "hill" else float(value)
    return out


def fit_global(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    curve: str,
    model: str = "ll4",
    share: Sequence[str] = ("bottom", "top"),
    fixed: dict[str, float] | None = None,
    weights: str | None = None,
    covariance: str = "hessian",
    ci_level: float = 0.95,
    x_unit: str | None = None,
) -> GlobalFit:
    """Fit several curves at once with some parameters shared between them.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per observation.
    x, y, curve : str
        Columns holding concentration (≥ 0; 0 = vehicle, the x → 0 limit),
        response and the curve label.
    model : str
        Model key or drc name ("ll4", "LL.4", "w2.4", ...).
    share : sequence of str
        Public names of the parameters common to all curves (any of the
        model's free parameters: ``hill``, ``bottom``, ``top``, ``ec50`` /
        ``xmid``, ``asymmetry`` / ``hormesis``). The rest are estimated per
        curve. ``share=[]`` fits separate curves with a pooled residual SD.
    fixed : dict, optional
        Parameters held at given values (public names), for every curve.
    weights : str, optional
        Column of weights (residuals are multiplied by √w).
    covariance : {"hessian", "gauss-newton"}
        ``2σ²H⁻¹`` from the observed Hessian of the RSS (drc) or ``σ²(JᵀJ)⁻¹``
        (Prism, nls).
    ci_level : float
        Level of the Wald t intervals.
    x_unit : str, optional
        Unit of ``x``, carried into potency comparisons.

    Returns
    -------
    GlobalFit
        ``params`` (curve, term, estimate, stderr, ci_low, ci_high, shared),
        ``ec50`` (curve, estimate, stderr, ci_low, ci_high), ``coef``,
        ``coef_names``, the joint ``vcov``, ``rss``, ``df``, ``n``, ``sigma``,
        ``loglik``, ``aic``, ``aicc``, ``bic``, ``converged``, ``message``.

    Notes
    -----
    Minimises Σ wᵢ (yᵢ − f(xᵢ; θ_curve(i)))² over all curves jointly.
    logLik = −n/2 (log(2π RSS/n) + 1) (+ ½ Σ log wᵢ); AIC = −2 logLik + 2(m + 1),
    σ counted as in drc. Agrees with R drc 3.2.0 ``drm(DryMatter ~ Dose,
    Herbicide, data = S.alba, fct = LL.4(), pmodels = data.frame(Herbicide, 1,
    1, Herbicide))`` to 1e-4 (estimates) and 1e-3 (SEs), and with the
    separate-curves fit (``share=[]``).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> df = load_example("concentration_response")
    >>> two = df[df.compound.isin(["MPEP", "basimglurant"]) & (df.plate == "P1")]
    >>> g = fit_global(two, x="conc_uM", y="response", curve="compound",
    ...                share=["bottom", "top"])
    >>> g.df, g.converged
    (42, True)
    >>> g.ec50[["curve", "estimate", "ci_low", "ci_high"]].round(4)
              curve  estimate  ci_low  ci_high
    0          MPEP    0.0333  0.0273   0.0407
    1  basimglurant    0.0400  0.0336   0.0477
    """
    spec = get_model(model)
    check_option("covariance", covariance, KINDS)
    from preclin.core import check_scalar

    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    fixed_drc = _public_fixed(spec, fixed)
    allowed = [_to_public(spec, p) for p in spec.params if p not in fixed_drc]
    share = list(share)
    for s in share:
        check_option("share", s, allowed)
    shared = [spec.params[spec.public.index(s)] for s in share]
    require_columns(data, [x, y, curve])
    xv = numeric_column(
        data,
        x,
        min_value=0.0,
        what="concentration",
        hint="concentrations must be >= 0 (0 = vehicle)",
    )
    yv = numeric_column(data, y, what="response")
    wv = None
    if weights is not None:
        wv = numeric_column(data, weights, min_value=0.0, min_inclusive=False, what="weight")
    names, cidx = label_codes(data, curve, "curve label")
    K = names.size
    T, offset, lab = build_design(spec, K, shared, fixed_drc)
    n_own = sum(1 for name in spec.params if name not in fixed_drc and name not in shared)
    counts = np.bincount(cidx, minlength=K)
    n_x = np.array([np.unique(xv[cidx == k]).size for k in range(K)])
    short = np.flatnonzero((counts < n_own + 1) | (n_x < 2))
    if short.size:
        k = int(short[0])
        raise InputError(
            f"curve {names[k]!r} has {counts[k]} points at {n_x[k]} concentrations; a global "
            f"{spec.drc} fit with {', '.join(share) or 'nothing'} shared needs at least "
            f"{n_own + 1} points at 2 or more concentrations per curve",
            file=source_name(data),
            column=curve,
            hint="add data, share more parameters, or drop the curve",
        )
    m = T.shape[2]
    if xv.size <= m:
        raise InputError(
            f"{xv.size} observations for {m} parameters; add data", file=source_name(data)
        )
    prob = _Problem(
        spec=spec,
        beta=np.zeros(m),
        vcov=np.full((m, m), np.nan),
        df=float(xv.size - m),
        curves=tuple(str(s) for s in names),
        T=T,
        offset=offset,
        x=xv,
        y=yv,
        curve_index=cidx,
        weights=wv,
        x_unit=x_unit,
    )
    # starting values: per-curve rough starts, shared entries from the pooled data
    starts = np.array([start_theta(spec, xv[cidx == k], yv[cidx == k]) for k in range(K)])
    pooled = start_theta(spec, xv, yv)
    beta0 = np.array(
        [
            pooled[spec.params.index(p)] if k is None else starts[k, spec.params.index(p)]
            for p, k in lab
        ]
    )
    beta, ok, msg = solve(prob, beta0)
    prob = replace(prob, beta=beta)
    prob = replace(prob, rss=prob.rss_of(beta))
    vcov = prob.covariance(covariance)
    prob = prob.with_vcov(vcov)
    return _assemble(prob, spec, lab, share, fixed_drc, covariance, ci_level, ok, msg, wv)


def _assemble(prob, spec, lab, share, fixed_drc, covariance, ci_level, ok, msg, wv) -> GlobalFit:
    from preclin.curves._potency import ed_frame

    names = prob.curves
    n, m = prob.x.size, prob.beta.size
    se = np.sqrt(np.diag(prob.vcov))
    q = stats.t.ppf(0.5 + ci_level / 2, prob.df)
    rows = []
    for k, cname in enumerate(names):
        for j, (p, kk) in enumerate(lab):
            if kk is not None and kk != k:
                continue
            sign = spec.hill_sign if _to_public(spec, p) == "hill" else 1
            est = sign * prob.beta[j]
            rows.append(
                (
                    cname,
                    _to_public(spec, p),
                    est,
                    se[j],
                    est - q * se[j],
                    est + q * se[j],
                    kk is None,
                )
            )
    params = pd.DataFrame(
        rows, columns=["curve", "term", "estimate", "stderr", "ci_low", "ci_high", "shared"]
    )
    coef_names = tuple(_to_public(spec, p) + ("" if k is None else f":{names[k]}") for p, k in lab)
    ec50 = ed_frame(prob, [50.0], interval="delta-log", ci_level=ci_level)
    ec50 = ec50[["curve", "estimate", "stderr", "ci_low", "ci_high"]]
    return GlobalFit(
        model=spec.key,
        curves=names,
        share=tuple(share),
        params=params,
        ec50=ec50,
        coef_names=coef_names,
        coef=prob.beta,
        vcov=prob.vcov,
        rss=prob.rss,
        df=int(prob.df),
        n=n,
        sigma=float(np.sqrt(prob.rss / prob.df)),
        **information_criteria(prob.rss, n, m, wv),
        covariance=covariance,
        ci_level=ci_level,
        converged=ok,
        message=msg
        if not (ok and prob.vcov.size and np.isnan(prob.vcov).all())
        else "converged, but the covariance is singular: some parameters are not "
        "determined by the data (a flat curve, or a plateau no curve reaches?); "
        "standard errors are NaN",
        x_unit=prob.x_unit,
        fixed={k: v for k, v in fixed_drc.items() if k not in spec.fixed},
        data={"x": prob.x, "y": prob.y, "curve_index": prob.curve_index}
        | ({} if wv is None else {"weights": wv}),
    )


def _curvefit_problem(fit: Any) -> _Problem:
    """A single-curve fit result (C1's ``CurveFit``) by its documented fields.

    Expects ``model`` (key), ``theta`` (full drc vector), ``free`` (bool mask
    over it), ``vcov`` (free parameters, drc parameterisation), ``df``, and
    optionally ``x``, ``y``, ``weights``, ``x_unit``, ``name``.
    """
    from preclin.curves._covariance import single_problem

    spec = get_model(str(fit.model))
    theta = np.asarray(fit.theta, dtype=float)
    free = np.asarray(fit.free, dtype=bool)
    prob = single_problem(
        spec, theta, free, np.asarray(fit.vcov, dtype=float), float(fit.df),
        x=getattr(fit, "x", None), y=getattr(fit, "y", None),
        weights=getattr(fit, "weights", None), name=str(getattr(fit, "name", "1") or "1"),
        x_unit=getattr(fit, "x_unit", None),
    )  # fmt: skip
    rss = getattr(fit, "rss", None)
    return prob if rss is None else replace(prob, rss=float(rss))


def problem_of(obj: Any) -> _Problem:
    """Inference description of a fit object (GlobalFit or a single-curve fit)."""
    if isinstance(obj, GlobalFit):
        return global_problem(obj)
    if all(hasattr(obj, a) for a in ("model", "theta", "free", "vcov", "df")):
        return _curvefit_problem(obj)
    raise InputError(
        f"expected a fit result (GlobalFit, CurveFit) or a parameter mapping, "
        f"got {type(obj).__name__}"
    )
