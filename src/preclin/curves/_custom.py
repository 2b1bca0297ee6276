"""Least-squares fits of user-supplied equations (one problem at a time).

The rooms that own mechanistic models (receptor theory: Gaddum/Schild,
operational and allosteric operational models, binding) write the equation
and its Jacobian; this module does the fitting and the inference the same
way the rest of :mod:`preclin.curves` does: ``scipy.optimize.least_squares``
for the estimates, and the covariance of :mod:`preclin.curves._covariance`
(``σ²(JᵀJ)⁻¹`` as Prism and R ``nls``, or ``2σ²H⁻¹`` as drc).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import least_squares

from preclin.core import InputError, Result, check_array, check_option, check_scalar
from preclin.core.validation import row_label, source_name
from preclin.curves._covariance import KINDS, _safe_inverse, numerical_hessian

__all__ = ["CustomFit", "fit_custom"]

Model = Callable[[Any, np.ndarray], np.ndarray]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CustomFit(Result):
    """Least-squares fit of a user-supplied equation.

    Attributes
    ----------
    names : tuple of str
        Parameter names, in the order of ``theta``.
    theta : ndarray
        All parameters (fixed ones at their fixed values).
    free : ndarray of bool
        Which parameters were estimated.
    estimates : dict
        ``name → value`` for every parameter.
    stderr : dict
        ``name → standard error`` (0 for fixed parameters).
    vcov : ndarray
        Covariance of the free parameters (order of ``names`` with ``free``).
    params : DataFrame
        ``term``, ``estimate``, ``stderr``, ``ci_low``, ``ci_high`` (Wald t
        with ``df`` degrees of freedom), ``fixed``.
    rss, df, n, sigma, loglik, aic, aicc, bic : float / int
        Residual sum of squares, residual df, observations, √(RSS/df),
        Gaussian log-likelihood and information criteria (σ counted as a
        parameter, as drc and R ``AIC(nls)``).
    covariance : str
        "gauss-newton" or "hessian".
    converged : bool
    message : str
    fitted, residuals : ndarray
        Predictions and raw residuals at the data.
    """

    names: tuple[str, ...]
    theta: np.ndarray = dataclasses.field(repr=False)
    free: np.ndarray = dataclasses.field(repr=False)
    estimates: dict[str, float]
    stderr: dict[str, float]
    vcov: np.ndarray = dataclasses.field(repr=False)
    params: pd.DataFrame = dataclasses.field(repr=False)
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
    fitted: np.ndarray = dataclasses.field(repr=False)
    residuals: np.ndarray = dataclasses.field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The parameter table."""
        return self.params.copy()

    def _summary_lines(self) -> list[str]:
        return [
            f"RSS {self.rss:.6g} on {self.df} df, residual SE {self.sigma:.4g}, "
            f"AIC {self.aic:.4f}, converged {self.converged}"
        ]


def label_codes(
    data: pd.DataFrame, column: str, what: str = "label"
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique text labels of ``column`` and the code of each row.

    An empty cell is an :class:`InputError` ("missing <what>") naming its row;
    shared by :func:`preclin.curves.fit_global` and the receptor room.
    """
    labels = data[column]
    if labels.isna().any():
        pos = int(np.flatnonzero(labels.isna().to_numpy())[0])
        raise InputError(
            f"missing {what}",
            file=source_name(data),
            row=row_label(data, pos),
            column=column,
            hint="fill the cell or remove the row",
        )
    return np.unique(labels.astype(str).to_numpy(), return_inverse=True)


def information_criteria(rss: float, n: int, m: int, weights: Any = None) -> dict[str, float]:
    """Gaussian ``loglik``, ``aic``, ``aicc``, ``bic`` of a least-squares fit.

    ``m`` free parameters plus σ (counted, as drc and R ``AIC(nls)``);
    logLik = −n/2 (log(2π RSS/n) + 1) (+ ½ Σ log wᵢ with weights).
    """
    loglik = -n / 2 * (np.log(2 * np.pi * rss / n) + 1)
    if weights is not None:
        loglik += 0.5 * float(np.sum(np.log(np.asarray(weights, float))))
    k = m + 1
    aic = -2 * loglik + 2 * k
    return {
        "loglik": float(loglik),
        "aic": float(aic),
        "aicc": float(aic + 2 * k * (k + 1) / (n - k - 1)) if n - k - 1 > 0 else np.nan,
        "bic": float(-2 * loglik + np.log(n) * k),
    }


def _numeric_jacobian(fn: Model, x: Any, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Central-difference d prediction / d θ[idx], (n, len(idx))."""
    cols = []
    for i in idx:  # loop over a handful of parameters, not data
        h = 1e-6 * max(abs(theta[i]), 1e-2)
        up, dn = theta.copy(), theta.copy()
        up[i] += h
        dn[i] -= h
        cols.append((np.asarray(fn(x, up), float) - np.asarray(fn(x, dn), float)) / (2 * h))
    return np.column_stack(cols)


def fit_custom(
    fn: Model,
    jac: Model | None,
    x: Any,
    y: Any,
    p0: Any,
    *,
    names: Sequence[str],
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    weights: Any = None,
    se: str = "gauss-newton",
    ci_level: float = 0.95,
) -> CustomFit:
    """Fit ``y ≈ fn(x, θ)`` by least squares, with standard errors.

    Parameters
    ----------
    fn : callable
        ``fn(x, theta) -> (n,)`` predictions; ``theta`` is the full parameter
        vector in the order of ``names``.
    jac : callable or None
        ``jac(x, theta) -> (n, p)`` derivatives of the predictions w.r.t. every
        parameter; ``None`` uses central differences.
    x : array-like or any object ``fn`` accepts
        Covariates (e.g. an ``(n, k)`` array of agonist and modulator
        concentrations); passed to ``fn`` unchanged.
    y : array-like
        Observed responses, ``(n,)``.
    p0 : array-like
        Starting values, ``(p,)``; or ``(s, p)`` for ``s`` starts, of which the
        converged fit with the smallest RSS is kept.
    names : sequence of str
        Parameter names (``p`` of them).
    fixed : mapping, optional
        Parameters held at given values (not estimated).
    bounds : mapping, optional
        ``name → (low, high)`` box constraints (uses the trust-region
        reflective method; otherwise Levenberg–Marquardt).
    weights : array-like, optional
        Residuals are multiplied by √w.
    se : {"gauss-newton", "hessian"}
        ``σ²(JᵀJ)⁻¹`` (Prism, R ``nls``) or ``2σ²H⁻¹`` (drc).
    ci_level : float
        Level of the Wald t intervals.

    Returns
    -------
    CustomFit
        ``estimates``, ``stderr``, ``vcov``, ``params`` (term, estimate,
        stderr, ci_low, ci_high, fixed), ``rss``, ``df``, ``n``, ``sigma``,
        ``loglik``, ``aic``, ``aicc``, ``bic``, ``converged``, ``message``.

    Notes
    -----
    Minimises Σ wᵢ (yᵢ − f(xᵢ; θ))² with ``scipy.optimize.least_squares``;
    σ² = RSS / (n − m) with m free parameters; logLik = −n/2 (log(2π RSS/n)
    + 1) (+ ½ Σ log wᵢ); AIC = −2 logLik + 2(m + 1). With
    ``se="gauss-newton"`` the standard errors are those of R ``nls``
    (``summary(nls(...))``); the receptor room's reference scripts check this
    against R for each of its models.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2, 4, 8, 16])
    >>> y = 10 * x / (3 + x) + np.array([0.1, -0.1, 0.05, 0.0, -0.05])
    >>> fit = fit_custom(lambda x, t: t[0] * x / (t[1] + x), None, x, y, [5.0, 1.0],
    ...                  names=["bmax", "kd"])
    >>> fit.converged, fit.df
    (True, 3)
    >>> round(fit.estimates["bmax"], 3), round(fit.estimates["kd"], 3)
    (9.927, 2.943)
    """
    names = tuple(str(n) for n in names)
    p = len(names)
    if len(set(names)) != p:
        raise InputError(f"Invalid `names`: got {names!r}, must be unique.")
    check_option("se", se, KINDS)
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    yv = check_array("y", y)
    starts = np.atleast_2d(np.asarray(p0, dtype=float))
    if starts.ndim != 2 or starts.shape[1] != p:
        raise InputError(f"Invalid `p0`: got shape {np.shape(p0)}, must be ({p},) or (s, {p}).")
    fixed = dict(fixed or {})
    for name in list(fixed) + list(bounds or {}):
        check_option("fixed/bounds", name, names)
    free = np.array([nm not in fixed for nm in names])
    idx = np.flatnonzero(free)
    m = idx.size
    n = yv.size
    if n <= m:
        raise InputError(f"{n} observations for {m} free parameters; add data or fix parameters")
    sw = None
    if weights is not None:
        w = check_array("weights", weights, min_value=0.0)
        if w.shape != yv.shape:
            raise InputError("Invalid `weights`: must have one value per observation.")
        sw = np.sqrt(w)
    lo = np.full(m, -np.inf)
    hi = np.full(m, np.inf)
    for name, (a, b) in (bounds or {}).items():
        if name in fixed:
            continue
        j = int(np.flatnonzero(idx == names.index(name))[0])
        lo[j], hi[j] = float(a), float(b)
    bounded = bool(np.isfinite(lo).any() or np.isfinite(hi).any())

    def full(z: np.ndarray, base: np.ndarray) -> np.ndarray:
        th = base.copy()
        th[idx] = z
        return th

    def jac_free(th: np.ndarray) -> np.ndarray:
        if jac is None:
            jm = _numeric_jacobian(fn, x, th, idx)
        else:
            jm = np.asarray(jac(x, th), dtype=float)[:, idx]
        return jm if sw is None else jm * sw[:, None]

    best: tuple[float, np.ndarray, bool, str] | None = None
    for start in starts:  # a few starts at most
        base = start.copy()
        for name, value in fixed.items():
            base[names.index(name)] = float(value)
        z0 = np.clip(base[idx], lo, hi) if bounded else base[idx]

        def resid(z: np.ndarray, base: np.ndarray = base) -> np.ndarray:
            r = np.asarray(fn(x, full(z, base)), dtype=float) - yv
            return r if sw is None else r * sw

        def jz(z: np.ndarray, base: np.ndarray = base) -> np.ndarray:
            return jac_free(full(z, base))

        with np.errstate(all="ignore"):
            try:
                res = least_squares(
                    resid,
                    z0,
                    jac=jz,
                    method="trf" if bounded else "lm",
                    bounds=(lo, hi) if bounded else (-np.inf, np.inf),
                    x_scale="jac",
                    xtol=1e-15,
                    ftol=1e-15,
                    gtol=1e-15,
                    max_nfev=5000,
                )
            except ValueError as exc:  # non-finite residuals at the start
                if best is None:
                    best = (np.inf, base, False, f"cannot evaluate the model: {exc}")
                continue
        th = full(res.x, base)
        rss = float(res.fun @ res.fun)
        ok = bool(res.status > 0 and np.all(np.isfinite(th)) and np.isfinite(rss))
        msg = "converged" if ok else str(res.message)
        if best is None or (ok and (not best[2] or rss < best[0])):
            best = (rss, th, ok, msg)
    if best is None:  # pragma: no cover - at least one start always runs
        raise InputError("Invalid `p0`: no starting values.")
    rss, theta, ok, msg = best
    df = n - m
    s2 = rss / df
    with np.errstate(all="ignore"):
        if not np.isfinite(rss):
            vcov = np.full((m, m), np.nan)
        elif se == "gauss-newton":
            jm = jac_free(theta)
            vcov = s2 * _safe_inverse(jm.T @ jm)
        else:

            def grad(z: np.ndarray) -> np.ndarray:
                th = full(z, theta)
                r = np.asarray(fn(x, th), float) - yv
                if sw is not None:
                    r = r * sw
                return 2.0 * jac_free(th).T @ r

            vcov = 2.0 * s2 * _safe_inverse(numerical_hessian(grad, theta[idx]))
    se_free = np.sqrt(np.clip(np.diag(vcov), 0, None))
    se_full = np.zeros(p)
    se_full[idx] = se_free
    q = stats.t.ppf(0.5 + ci_level / 2, df)
    fitted = np.asarray(fn(x, theta), dtype=float) if np.all(np.isfinite(theta)) else yv * np.nan
    params = pd.DataFrame(
        {
            "term": list(names),
            "estimate": theta,
            "stderr": se_full,
            "ci_low": np.where(free, theta - q * se_full, theta),
            "ci_high": np.where(free, theta + q * se_full, theta),
            "fixed": ~free,
        }
    )
    with np.errstate(divide="ignore"):  # an exact fit has RSS 0: logLik = +inf
        ic = information_criteria(rss, n, m, weights)
    return CustomFit(
        names=names,
        theta=theta,
        free=free,
        estimates={nm: float(v) for nm, v in zip(names, theta, strict=True)},
        stderr={nm: float(v) for nm, v in zip(names, se_full, strict=True)},
        vcov=vcov,
        params=params,
        rss=rss,
        df=int(df),
        n=int(n),
        sigma=float(np.sqrt(s2)),
        **ic,
        covariance=se,
        ci_level=ci_level,
        converged=ok,
        message=msg,
        fitted=fitted,
        residuals=yv - fitted,
    )
