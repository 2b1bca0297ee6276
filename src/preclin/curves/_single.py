"""``fit_curve``: one concentration–response fit → a frozen :class:`CurveFit`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core.errors import InputError
from preclin.core.provenance import make_provenance
from preclin.core.results import Result
from preclin.core.validation import check_array, check_option, check_scalar
from preclin.curves._batch import SE_KINDS, fit_curve_arrays, make_layout
from preclin.curves._models import ModelSpec, get_model

__all__ = ["CurveFit", "fit_curve"]


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class CurveFit(Result):
    """One fitted concentration–response curve.

    Attributes
    ----------
    model : str
        Model key ("ll4").
    params : DataFrame
        One row per reported parameter: ``name``, ``estimate``, ``stderr``,
        ``ci_low``, ``ci_high`` (Wald t interval, residual df), ``fixed``.
    row : dict
        The :func:`fit_curves` row of this curve (see :meth:`to_frame`).
    theta : ndarray
        The full parameter vector in drc's parameterisation (``ModelSpec.params``).
    free : ndarray of bool
        Which entries of ``theta`` were estimated.
    vcov : ndarray
        Covariance of the free parameters (natural scale) of the chosen ``se`` kind.
    vcov_gn, vcov_hessian : ndarray
        Both kinds: σ²(JᵀJ)⁻¹ and 2σ²H⁻¹ (H the Hessian of the RSS).
    jacobian : ndarray
        d f / d theta[free] at the estimate, shape (n, n_free).
    x, y, residuals : ndarray
        The data and y − f(x).
    weights : ndarray or None
    rss, rse : float
    df, n : int
    loglik, aic : float
    converged : bool
    message : str
    flags : tuple of str
    se : str
    ci_level : float
    x_unit : str or None
    """

    model: str
    params: pd.DataFrame
    row: dict[str, Any]
    theta: np.ndarray
    free: np.ndarray
    vcov: np.ndarray
    vcov_gn: np.ndarray
    vcov_hessian: np.ndarray
    jacobian: np.ndarray
    x: np.ndarray
    y: np.ndarray
    residuals: np.ndarray
    weights: np.ndarray | None
    rss: float
    rse: float
    df: int
    n: int
    loglik: float
    aic: float
    converged: bool
    message: str
    flags: tuple[str, ...]
    se: str
    ci_level: float
    x_unit: str | None

    @property
    def spec(self) -> ModelSpec:
        """The :class:`~preclin.curves.ModelSpec` of the fitted model."""
        return get_model(self.model)

    @property
    def ec50(self) -> float:
        """The EC50 (NaN when not reported; see ``message``)."""
        return float(self.row["ec50"])

    def to_frame(self) -> pd.DataFrame:
        """The one-row :func:`fit_curves` result for this curve."""
        return pd.DataFrame([self.row])

    def _title(self) -> str:
        unit = f", x in {self.x_unit}" if self.x_unit else ""
        return f"CurveFit: {self.spec.drc} (n = {self.n}, df = {self.df}{unit})"

    def _summary_lines(self) -> list[str]:
        lines = ["", self.params.to_string(index=False, float_format=lambda v: f"{v:.4g}")]
        r = self.row
        lines.append(
            f"EC50 {r['ec50']:.4g} [{r['ec50_ci_low']:.4g}, {r['ec50_ci_high']:.4g}] "
            f"({self.ci_level:.0%} CI); residual SE {self.rse:.4g}; SEs: {self.se}"
        )
        if self.flags:
            lines.append("flags: " + ", ".join(self.flags))
        if self.message:
            lines.append("message: " + self.message)
        return lines

    def summary(self, format: str = "text") -> str:
        """Parameters with SEs and CIs, the EC50 with its CI, flags and message."""
        if format == "html":
            import html

            lines = self._summary_lines()[2:]
            notes = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
            table = self.params.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}")
            return (
                f"<div class='preclin-result'><h4>{html.escape(self._title())}</h4>"
                f"{table}{notes}</div>"
            )
        check_option("format", format, ["text", "html"])
        return "\n".join([self._title(), *self._summary_lines()])

    def predict(self, x: Any, *, interval: str | None = None, level: float | None = None) -> Any:
        """Fitted response at ``x``; with ``interval="confidence"`` a delta-method band.

        Parameters
        ----------
        x : array_like
            Concentrations (≥ 0).
        interval : {None, "confidence"}
            None returns an array of predictions; "confidence" a DataFrame
            with ``x``, ``prediction``, ``stderr``, ``ci_low``, ``ci_high``
            (t quantile with the residual df, as drc
            ``predict(m, newdata, interval = "confidence")``).
        level : float, optional
            Confidence level (default: the fit's ``ci_level``).
        """
        xs = check_array("x", np.atleast_1d(np.asarray(x, dtype=float)), min_value=0.0)
        spec = self.spec
        pred = spec.predict(xs, self.theta)
        if interval is None:
            return pred
        check_option("interval", interval, [None, "confidence"])
        lev = self.ci_level if level is None else check_scalar("level", level, low=0, high=1)
        J = spec.jacobian(xs, self.theta)[:, self.free]
        var = np.einsum("ni,ij,nj->n", J, self.vcov, J)
        se = np.sqrt(np.maximum(var, 0.0))
        tq = stats.t.ppf(0.5 + lev / 2.0, self.df) if self.df > 0 else np.nan
        return pd.DataFrame(
            {
                "x": xs,
                "prediction": pred,
                "stderr": se,
                "ci_low": pred - tq * se,
                "ci_high": pred + tq * se,
            }
        )


def fit_curve(
    conc: Any,
    response: Any,
    *,
    model: str = "ll4",
    fix: Mapping[str, float] | None = None,
    se: str = "gauss-newton",
    ci_level: float = 0.95,
    weights: Any = None,
    x_unit: str | None = None,
) -> CurveFit:
    """Fit one concentration–response curve.

    Parameters
    ----------
    conc : array_like
        Concentrations (≥ 0; 0 = vehicle, evaluated as the x → 0 limit).
    response : array_like
        Responses (finite), same length.
    model : str
        See :func:`fit_curves` ("ll4" default).
    fix : dict, optional
        Parameters held fixed, by output or drc name (``{"hill": -1}``).
    se : {"gauss-newton", "hessian"}
        Kind of standard errors (see :func:`fit_curves`).
    ci_level : float
        Level of the parameter and EC50 intervals.
    weights : array_like, optional
        Case weights (minimises Σ w r²).
    x_unit : str, optional
        Unit of ``conc``, reported with the EC50.

    Returns
    -------
    CurveFit
        ``params`` (name, estimate, stderr, ci_low, ci_high, fixed), the
        :func:`fit_curves` row (``to_frame()``), both covariance kinds,
        the Jacobian, residuals, ``predict(x, interval="confidence")``.

    Raises
    ------
    InputError
        Negative or non-finite concentrations, non-finite responses,
        different lengths, fewer points than free parameters, fewer than
        two distinct concentrations, an unknown model or ``fix`` name.

    Notes
    -----
    Same engine and rules as :func:`fit_curves`. On R's ryegrass data
    ``fit_curve(conc, rootl, se="hessian")`` reproduces drc 3.2.0
    ``drm(rootl ~ conc, fct = LL.4())``: estimates to 1e-4, SEs to 1e-3.

    Examples
    --------
    >>> import numpy as np
    >>> conc = np.repeat([0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10], 2)
    >>> resp = 5 + 95 / (1 + (conc / 0.2) ** 1.2) + np.tile([0.5, -0.5], 8)
    >>> fit = fit_curve(conc, resp, x_unit="uM")
    >>> round(fit.ec50, 3), round(float(fit.row["hill"]), 2), fit.flags
    (0.2, -1.2, ())
    """
    x = check_array("conc", conc, min_value=0.0)
    y = check_array("response", response)
    if x.size != y.size:
        raise InputError(
            f"Invalid `response`: has {y.size} values but `conc` has {x.size}; "
            "give one response per concentration."
        )
    check_option("se", se, SE_KINDS)
    layout = make_layout(model, fix)
    w = None
    if weights is not None:
        w = check_array("weights", weights)
        if w.size != x.size or (w <= 0).any():
            raise InputError("Invalid `weights`: must be positive, one per concentration.")
    if x.size < layout.n_free:
        raise InputError(
            f"{x.size} data points but model {layout.spec.key!r} has {layout.n_free} free "
            "parameters; add data, fix parameters (fix=...) or use a smaller model."
        )
    if np.unique(x).size < 2:
        raise InputError(
            f"all concentrations are equal ({x[0]:g}): a concentration–response curve needs "
            "several distinct concentrations"
        )
    if x_unit is not None:
        from preclin.core.units import dimension_of

        dimension_of(x_unit)  # raises InputError for a unit pint cannot parse
    cols = fit_curve_arrays(
        x, y, np.array([0, x.size]), model=model, fix=fix, se=se, ci_level=ci_level,
        weights=w, keep=True,
    )  # fmt: skip
    if cols["_status"][0] == 5:
        raise InputError(
            f"{np.unique(x).size} distinct concentrations are too few for model "
            f"{layout.spec.key!r}; test more concentrations or fix parameters"
        )
    spec = layout.spec
    theta = cols["_theta"][0]
    free = layout.free
    vcov_gn = cols["_cov_gn"][0]
    vcov_h = cols["_cov_hessian"][0]
    vcov = vcov_h if se == "hessian" else vcov_gn
    row = {k: (v[0].item() if hasattr(v[0], "item") else v[0])
           for k, v in cols.items() if not k.startswith("_")}  # fmt: skip
    row["x_unit"] = x_unit
    df = int(row["df"])
    tq = stats.t.ppf(0.5 + ci_level / 2.0, df) if df > 0 else np.nan
    names, est, ses, fixed = [], [], [], []
    for idx, pub in layout.columns:
        names.append(pub)
        est.append(float(row[pub]) if pub != "ec50" else float(layout.public_value(theta, idx)))
        ses.append(float(row[f"{pub}_se"]) if pub != "ec50" else np.nan)
        fixed.append(not free[idx])
        if pub == "ec50":
            ses[-1] = float(row["ec50_se"]) if np.isfinite(row["ec50"]) else np.nan
            est[-1] = float(row["ec50"])
    params = pd.DataFrame({"name": names, "estimate": est, "stderr": ses})
    params["ci_low"] = params["estimate"] - tq * params["stderr"]
    params["ci_high"] = params["estimate"] + tq * params["stderr"]
    if "ec50" in names:  # the EC50 interval is computed on the log scale
        k = names.index("ec50")
        params.loc[k, ["ci_low", "ci_high"]] = [row["ec50_ci_low"], row["ec50_ci_high"]]
    params["fixed"] = fixed
    J = (
        spec.jacobian(x, theta)[:, free]
        if np.isfinite(theta).all()
        else np.full((x.size, int(free.sum())), np.nan)
    )
    with np.errstate(invalid="ignore"):
        resid = y - spec.predict(x, theta)
    flags = tuple(f for f in str(row["flags"]).split(";") if f)
    prov = make_provenance(
        pd.DataFrame({"conc": x, "response": y}),
        parameters={"model": spec.key, "fix": dict(fix or {}), "se": se, "ci_level": ci_level},
    )
    return CurveFit(
        model=spec.key,
        params=params,
        row=row,
        theta=theta,
        free=free.copy(),
        vcov=vcov,
        vcov_gn=vcov_gn,
        vcov_hessian=vcov_h,
        jacobian=J,
        x=x,
        y=y,
        residuals=resid,
        weights=w,
        rss=float(row["rss"]),
        rse=float(row["rse"]),
        df=df,
        n=int(row["n"]),
        loglik=float(row["loglik"]),
        aic=float(row["aic"]),
        converged=bool(row["converged"]),
        message=str(row["message"]),
        flags=flags,
        se=se,
        ci_level=ci_level,
        x_unit=x_unit,
        provenance=prov,
    )
