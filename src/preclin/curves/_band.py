"""Pointwise confidence bands of fitted curves (delta method), for any fit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import InputError, check_array, check_scalar

__all__ = ["calculate_confidence_band"]


def calculate_confidence_band(
    fit: Any,
    x: Any,
    *,
    curve: str | None = None,
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Fitted mean response and its pointwise confidence band at ``x``.

    Parameters
    ----------
    fit : GlobalFit or CurveFit
        A fit from :func:`fit_global` (one or more curves, shared parameters
        allowed) or :func:`fit_curve`.
    x : array_like
        Concentrations (≥ 0; 0 = the x → 0 limit), in the fit's unit.
    curve : str, optional
        The curve to evaluate (a label of ``fit.curves``); default every curve.
    ci_level : float
        Confidence level of the band.

    Returns
    -------
    DataFrame
        One row per curve and ``x``: ``curve``, ``x``, ``prediction``,
        ``stderr`` (of the fitted mean), ``ci_low``, ``ci_high``.

    Raises
    ------
    InputError
        Negative or non-finite ``x``, an unknown ``curve``, a ``ci_level``
        outside (0, 1), or an object that is not a fit.

    Notes
    -----
    Delta method on the estimated vector β of the fit: curve k has full
    parameters θ_k = T_k β + offset_k, so the gradient of its mean at x is
    g = (∂f/∂θ)(x; θ_k) T_k and ``stderr = sqrt(gᵀ V g)`` with V the fit's
    covariance (shared parameters carry their covariance into every curve).
    ``ci = f ± t(ci_level, df) · stderr`` with the residual df. Agrees with R
    drc 3.2.0 ``predict(m, newdata, interval = "confidence")`` for
    ``drm(rootl ~ conc, data = ryegrass, fct = LL.4())`` to 1e-3, and with
    :meth:`CurveFit.predict` (``interval="confidence"``) for a one-curve fit.

    Examples
    --------
    >>> from preclin.curves import calculate_confidence_band, fit_global
    >>> from preclin.datasets import load_example
    >>> df = load_example("concentration_response")
    >>> one = df[(df.compound == "MPEP") & (df.plate == "P1")]
    >>> g = fit_global(one, x="conc_uM", y="response", curve="compound", share=[])
    >>> band = calculate_confidence_band(g, [0.01, 0.1, 1.0])
    >>> list(band.columns)
    ['curve', 'x', 'prediction', 'stderr', 'ci_low', 'ci_high']
    >>> bool((band.ci_low < band.prediction).all() and (band.prediction < band.ci_high).all())
    True
    """
    from preclin.curves._global import problem_of

    xs = check_array("x", np.atleast_1d(np.asarray(x, dtype=float)), min_value=0.0)
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    prob = problem_of(fit)
    if curve is None:
        ks = np.arange(len(prob.curves))
    else:
        if str(curve) not in prob.curves:
            raise InputError(
                f"Invalid `curve`: got {curve!r}, must be one of {', '.join(prob.curves)}."
            )
        ks = np.array([prob.curve(str(curve))])
    theta = prob.theta[ks]  # (K, p)
    spec = prob.spec
    pred = spec.predict(xs, theta)  # (K, G)
    jfull = spec.jacobian(xs, theta)  # (K, G, p)
    grad = np.einsum("kgp,kpm->kgm", jfull, prob.T[ks])  # (K, G, m)
    var = np.einsum("kgm,mn,kgn->kg", grad, prob.vcov, grad)
    se = np.sqrt(np.maximum(var, 0.0))
    tq = stats.t.ppf(0.5 + ci_level / 2.0, prob.df) if prob.df > 0 else np.nan
    return pd.DataFrame(
        {
            "curve": np.repeat([prob.curves[k] for k in ks], xs.size),
            "x": np.tile(xs, ks.size),
            "prediction": pred.ravel(),
            "stderr": se.ravel(),
            "ci_low": (pred - tq * se).ravel(),
            "ci_high": (pred + tq * se).ravel(),
        }
    )
