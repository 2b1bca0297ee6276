"""Individual (single-subject) compartmental fitting by nonlinear least squares."""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from preclin.core.errors import ConvergenceWarning, InputError
from preclin.core.results import Result
from preclin.core.validation import check_array, check_option
from preclin.pk._models import make_setup
from preclin.pk._params import parse_model
from preclin.pk._regimen import Regimen

_ERRORS = ("additive", "log")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PKFitResult(Result):
    """A fitted compartmental model for one subject.

    Attributes
    ----------
    model : str
    parameters : DataFrame
        One row per estimated parameter: ``parameter``, ``estimate``,
        ``stderr`` (delta method, natural scale), ``log_stderr`` (SE of the
        log-parameter, the scale of estimation), ``ci_low``, ``ci_high``
        (t-based on the log scale, back-transformed).
    fixed : dict
        Parameters held fixed (canonical units).
    n, df : int
        Observations and residual degrees of freedom.
    rss, sigma : float
        Residual sum of squares and residual SD (``sqrt(rss/df)``) on the
        scale of ``error``.
    error : str
    converged : bool
    message : str
    """

    model: str
    parameters: pd.DataFrame
    fixed: dict[str, float]
    n: int
    df: int
    rss: float
    sigma: float
    error: str
    converged: bool
    message: str

    def to_frame(self) -> pd.DataFrame:
        """The parameter table."""
        return self.parameters.copy()

    def _summary_lines(self) -> list[str]:
        return [
            f"n = {self.n}, df = {self.df}, RSS = {self.rss:.6g}, sigma = {self.sigma:.4g} "
            f"({self.error} error); converged: {self.converged} ({self.message})"
        ]

    @property
    def estimates(self) -> dict[str, float]:
        """Estimated and fixed parameters as a dict (canonical units)."""
        return {
            **dict(zip(self.parameters["parameter"], self.parameters["estimate"])),
            **self.fixed,
        }


def _start_1cpt(t: np.ndarray, c: np.ndarray, amount: float, f: float, oral: bool) -> dict:
    pos = c > 0
    tp, cp = t[pos], c[pos]
    tail = slice(max(0, tp.size - 3), tp.size)
    slope = np.polyfit(tp[tail], np.log(cp[tail]), 1)[0] if tp.size >= 2 else -0.1
    ke = -slope if slope < 0 else 0.1
    auc = float(np.trapezoid(c, t)) + float(c[-1] / ke)
    cl = f * amount / auc if auc > 0 else 1.0
    out = {"CL": cl, "V": cl / ke}
    if oral:
        out["ka"] = max(3.0 * ke, 1.0 / max(t[int(np.argmax(c))], 1e-3))
    return out


def fit_pk(
    times: Any,
    conc: Any,
    *,
    model: str,
    regimen: Regimen,
    start: Mapping[str, float] | None = None,
    fixed: Mapping[str, Any] | None = None,
    error: str = "additive",
    level: float = 0.95,
) -> PKFitResult:
    """Fit a 1-, 2- or 3-compartment model to one subject's concentrations.

    Parameters
    ----------
    times, conc : array-like
        Sampling times (h, >= 0) and concentrations (mg/L; the dose's basis).
    model : str
        As for :func:`simulate_pk` (``"1cpt-oral"``...).
    regimen : Regimen
        The doses the subject received.
    start : mapping, optional
        Starting values (canonical units). Default for 1-compartment models:
        CL from F·Dose/AUC, V from the terminal slope, ka = max(3 ke, 1/tmax).
        Required for 2- and 3-compartment models.
    fixed : mapping, optional
        Parameters held fixed (e.g. ``{"F": 0.5}``); F defaults to 1, so CL
        and V are apparent (CL/F, V/F) for oral data.
    error : {"additive", "log"}
        Residuals ``obs − pred`` or ``ln obs − ln pred`` (zeros dropped).
    level : float
        Confidence level.

    Returns
    -------
    PKFitResult

    Notes
    -----
    Parameters are estimated on the log scale with
    ``scipy.optimize.least_squares`` (trust region, 3-point Jacobian); the
    covariance is ``σ² (JᵀJ)⁻¹`` with ``σ² = RSS / (n − p)``. Agrees with R
    ``nls(conc ~ SSfol(Dose, Time, lKe, lKa, lCl))`` on the Theoph data
    (``reference/pk/models_fit_theoph.R``): estimates to 1e-4, SEs to 1e-3.

    Examples
    --------
    >>> reg = Regimen(dose=4.02, route="oral")
    >>> t = [0.25, 0.57, 1.12, 2.02, 3.82, 5.1, 7.03, 9.05, 12.12, 24.37]
    >>> c = [2.84, 6.57, 10.5, 9.66, 8.58, 8.36, 7.47, 6.89, 5.94, 3.28]
    >>> fit = fit_pk(t, c, model="1cpt-oral", regimen=reg)
    >>> fit.converged, round(fit.estimates["CL"], 3)
    (True, 0.02)
    """
    t = check_array("times", times, min_value=0)
    c = check_array("conc", conc, min_value=0)
    if t.shape != c.shape:
        raise InputError(
            f"Invalid `conc`: got {c.size} values for {t.size} times, must be one per time."
        )
    error = check_option("error", error, _ERRORS)
    spec = parse_model(model, regimen.route)
    fixed_v = dict(fixed or {})
    names = [n for n in spec.required if n not in fixed_v]
    if error == "log":
        keep = c > 0
        t, c = t[keep], c[keep]
    if t.size <= len(names):
        raise InputError(
            f"too few observations ({t.size}) for {len(names)} parameters",
            hint="add samples or fix parameters",
        )
    if start is None:
        if spec.n_cpt != 1:
            raise InputError(
                f"Invalid `start`: got None, must be given for a {spec.n_cpt}-compartment model."
            )
        amount = regimen.dose if regimen.dose_unit == "mg/kg" else regimen.amount_mg
        f0 = float(fixed_v.get("F", regimen.bioavailability or 1.0))
        start = _start_1cpt(t, c, amount, f0, spec.route == "oral")
    missing = [n for n in names if n not in start]
    if missing:
        raise InputError(f"Invalid `start`: missing {', '.join(missing)}.")
    x0 = np.log([float(start[n]) for n in names])

    def predict(x: np.ndarray) -> np.ndarray:
        params = {**fixed_v, **dict(zip(names, np.exp(x)))}
        return make_setup(model, params, regimen).evaluate(t)[0]

    def resid(x: np.ndarray) -> np.ndarray:
        p = predict(x)
        if error == "log":
            return np.log(c) - np.log(np.maximum(p, 1e-300))
        return c - p

    make_setup(model, {**fixed_v, **dict(zip(names, np.exp(x0)))}, regimen)  # validate
    res = optimize.least_squares(
        resid,
        x0,
        jac="3-point",
        method="trf",
        xtol=1e-14,
        ftol=1e-14,
        gtol=1e-14,
        max_nfev=2000,
    )
    converged = bool(res.success)
    if not converged:
        warnings.warn(f"fit_pk did not converge: {res.message}", ConvergenceWarning, stacklevel=2)
    n, p = t.size, len(names)
    df = n - p
    rss = float(np.sum(res.fun**2))
    s2 = rss / df
    jac = res.jac
    try:
        cov = s2 * np.linalg.inv(jac.T @ jac)
        se_log = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se_log = np.full(p, math.nan)
    est = np.exp(res.x)
    tq = float(stats.t.ppf(0.5 + level / 2, df))
    frame = pd.DataFrame(
        {
            "parameter": names,
            "estimate": est,
            "stderr": est * se_log,
            "log_stderr": se_log,
            "ci_low": np.exp(res.x - tq * se_log),
            "ci_high": np.exp(res.x + tq * se_log),
        }
    )
    return PKFitResult(
        model=model,
        parameters=frame,
        fixed={k: float(v) for k, v in fixed_v.items()},
        n=n,
        df=df,
        rss=rss,
        sigma=math.sqrt(s2),
        error=error,
        converged=converged,
        message=str(res.message),
    )
