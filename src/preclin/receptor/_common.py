"""Shared pieces of the receptor room: units at the boundary and the fit result."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import (
    InputError,
    Result,
    check_array,
    convert,
    numeric_column,
    parse_quantity,
    require_columns,
)
from preclin.core.units import dimension_of
from preclin.curves._custom import label_codes

__all__: list[str] = []

LN10 = float(np.log(10.0))


def check_molar_unit(name: str, unit: str) -> str:
    """``unit`` if it is a molar concentration unit, else InputError."""
    if not isinstance(unit, str) or dimension_of(unit) != "molar":
        raise InputError(
            f"Invalid `{name}`: got {unit!r}, must be a molar unit (pM, nM, uM, mM, M)."
        )
    return unit


def conc_in(
    name: str,
    value: Any,
    unit: str,
    *,
    molar_mass: float | None = None,
    positive: bool = False,
) -> Any:
    """A concentration argument in ``unit``.

    Numbers (or arrays) are taken to be in ``unit``; strings carry their own
    unit (``"12nM"``, ``"3 ng/mL"``) and are converted (mass units need
    ``molar_mass``). Negative values (or zero when ``positive``) raise.
    """
    if value is None:
        raise InputError(f"Invalid `{name}`: missing, must be a concentration.")
    if isinstance(value, str):
        number, u = parse_quantity(value, default_unit=unit)
        dim = dimension_of(u)
        if dim not in ("molar", "mass_concentration"):
            raise InputError(
                f"Invalid `{name}`: got {value!r}, must be a concentration (e.g. '12nM')."
            )
        arr = np.atleast_1d(float(convert(number, u, unit, molar_mass=molar_mass)))
        scalar = True
    else:
        scalar = np.ndim(value) == 0
        arr = check_array(name, np.atleast_1d(value))
    if positive and np.any(arr <= 0):
        bad = arr[arr <= 0][0]
        raise InputError(f"Invalid `{name}`: got {bad:g}, must be > 0.")
    if np.any(arr < 0):
        raise InputError(f"Invalid `{name}`: got {arr[arr < 0][0]:g}, must be >= 0.")
    return float(arr[0]) if scalar else arr


def finish(values: np.ndarray, scalar: bool) -> Any:
    return float(np.asarray(values).ravel()[0]) if scalar else np.asarray(values)


def molar_column(
    data: pd.DataFrame, column: str, unit: str, *, what: str = "concentration"
) -> np.ndarray:
    """A concentration column (>= 0) converted from ``unit`` to mol/L."""
    check_molar_unit(f"{what.split()[0]}_unit", unit)
    values = numeric_column(
        data, column, min_value=0.0, what=what, hint=f"{what}s must be >= 0 (0 = none)"
    )
    return np.asarray(convert(values, unit, "M"), dtype=float)


def read_agonist_curves(
    data: pd.DataFrame,
    x: str,
    y: str,
    ligand: str,
    x_unit: str,
    ligand_unit: str | None,
    role: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """Agonist (M), response and second-ligand (M) columns, its levels and unit.

    ``role`` ("antagonist", "modulator") names the second ligand in messages;
    ``ligand_unit`` defaults to ``x_unit``.
    """
    check_molar_unit("x_unit", x_unit)
    ligand_unit = ligand_unit or x_unit
    check_molar_unit(f"{role}_unit", ligand_unit)
    xm = molar_column(data, x, x_unit, what="agonist concentration")
    ym = numeric_column(data, y, what="response")
    bm = molar_column(data, ligand, ligand_unit, what=f"{role} concentration")
    return xm, ym, bm, np.unique(bm), ligand_unit


def group_labels(data: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique labels of ``column`` and the code of each row."""
    require_columns(data, [column])
    return label_codes(data, column)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceptorFit(Result):
    """A receptor-theory model fitted by least squares.

    Attributes
    ----------
    model : str
        Which model ("gaddum_schild", "operational", "allosteric_operational", ...).
    params : DataFrame
        One row per fitted parameter: ``term``, ``group`` (agonist / curve the
        parameter belongs to, empty when shared), ``estimate``, ``stderr``,
        ``ci_low``, ``ci_high`` (Wald t), ``fixed``.
    derived : DataFrame
        Quantities computed from the parameters (KB, α·β, Ki, EC50, Emax, ...),
        same columns; standard errors by the delta method, CIs of positive
        quantities back-transformed from the log10 scale.
    rss, df, n, sigma, loglik, aic : float / int
        Residual sum of squares, residual df, observations, residual SE,
        Gaussian log-likelihood, AIC (σ counted).
    covariance : str
    converged : bool
    message : str
    conc_unit : str
        Unit of reported concentrations (KA, KB, EC50, Ki).
    fit : CustomFit
        The underlying :func:`preclin.curves.fit_custom` result.
    comparison : DataFrame or None
        Nested-model F test when the function compared models (binding sites).
    """

    model: str
    params: pd.DataFrame = dataclasses.field(repr=False)
    derived: pd.DataFrame = dataclasses.field(repr=False)
    rss: float
    df: int
    n: int
    sigma: float
    loglik: float
    aic: float
    covariance: str
    converged: bool
    message: str
    conc_unit: str
    fit: Any = dataclasses.field(repr=False, default=None)
    comparison: pd.DataFrame | None = dataclasses.field(repr=False, default=None)

    def to_frame(self) -> pd.DataFrame:
        """Parameters and derived quantities in one table (``kind`` column)."""
        return pd.concat(
            [self.params.assign(kind="parameter"), self.derived.assign(kind="derived")],
            ignore_index=True,
        )

    def value(self, term: str, group: str = "") -> float:
        """Estimate of one parameter or derived quantity."""
        frame = self.to_frame()
        hit = frame[(frame.term == term) & (frame.group == group)]
        if hit.empty:
            raise InputError(f"Invalid `term`: got {term!r} (group {group!r}), not in this fit.")
        return float(hit.estimate.iloc[0])

    def _title(self) -> str:
        return f"{self.model.replace('_', ' ')} fit"

    def _summary_lines(self) -> list[str]:
        return [
            f"RSS {self.rss:.6g} on {self.df} df (n = {self.n}), residual SE {self.sigma:.4g}, "
            f"AIC {self.aic:.4f}, converged {self.converged}"
        ]


def build_fit(
    model: str,
    fit: Any,
    labels: Sequence[tuple[str, str]],
    derived: Sequence[tuple[str, str, Callable[[np.ndarray], float], str]],
    conc_unit: str,
) -> ReceptorFit:
    """Assemble a :class:`ReceptorFit` from a CustomFit.

    ``labels`` gives (term, group) of every θ entry; ``derived`` is a list of
    (term, group, g(θ), scale) with scale "log" (positive quantity: CI
    back-transformed from log10) or "linear".
    """
    theta = fit.theta
    free = fit.free
    q = stats.t.ppf(0.5 + fit.ci_level / 2, fit.df)
    p = fit.params.copy()
    p.insert(1, "group", [g for _, g in labels])
    p["term"] = [t for t, _ in labels]
    vfull = np.zeros((theta.size, theta.size))
    idx = np.flatnonzero(free)
    vfull[np.ix_(idx, idx)] = fit.vcov
    rows = []
    for term, group, g, scale in derived:
        est = float(g(theta))
        grad = np.zeros(theta.size)
        for i in idx:  # a handful of parameters
            h = 1e-6 * max(abs(theta[i]), 1e-2)
            up, dn = theta.copy(), theta.copy()
            up[i] += h
            dn[i] -= h
            grad[i] = (g(up) - g(dn)) / (2 * h)
        se = float(np.sqrt(max(grad @ vfull @ grad, 0.0)))
        if scale == "log" and est > 0:
            se_log = se / (est * LN10)
            lo, hi = est * 10 ** (-q * se_log), est * 10 ** (q * se_log)
        else:
            lo, hi = est - q * se, est + q * se
        rows.append((term, group, est, se, lo, hi, False))
    cols = ["term", "group", "estimate", "stderr", "ci_low", "ci_high", "fixed"]
    message = fit.message
    if fit.converged and not np.all(np.isfinite(fit.vcov)):
        message = (
            "converged, but the parameters are not identifiable from these data (singular "
            "information matrix: no standard errors); fix a parameter (e.g. em, n or log10_ka)"
        )
    return ReceptorFit(
        model=model,
        params=p[cols],
        derived=pd.DataFrame(rows, columns=cols),
        rss=fit.rss,
        df=fit.df,
        n=fit.n,
        sigma=fit.sigma,
        loglik=fit.loglik,
        aic=fit.aic,
        covariance=fit.covariance,
        converged=fit.converged,
        message=message,
        conc_unit=conc_unit,
        fit=fit,
    )


def public_fixed(fixed: Mapping[str, float] | None, allowed: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in (fixed or {}).items():
        if name not in allowed:
            raise InputError(
                f"Invalid `fixed`: got {name!r}, must be one of {', '.join(allowed)}."
            )
        out[name] = float(value)
    return out
