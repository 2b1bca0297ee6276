"""Vectorised one-way ANOVA + Dunnett for many simulated studies at once
(the engine of power-by-simulation)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import InputError, Result, check_option, check_scalar
from preclin.stats._dunnett_dist import dunnett_sf_grid

__all__ = ["BatchAnovaDunnett", "calculate_anova_dunnett"]


@dataclass(frozen=True, kw_only=True)
class BatchAnovaDunnett(Result):
    """ANOVA and Dunnett results for a batch of balanced studies.

    Attributes
    ----------
    statistic, pvalue : ndarray, shape (studies,)
        One-way ANOVA F and its p-value.
    df, df_denom : int
        k − 1 and k(n − 1).
    estimate, stderr, t, pvalue_dunnett : ndarray, shape (studies, k − 1)
        Treatment − control mean differences, their pooled SE, the t
        statistics and the single-step Dunnett adjusted p-values, one column
        per treatment group (in the order of the group axis, control left out).
    valid : ndarray of bool, shape (studies,)
        False where a study has no within-group variation (its statistics are NaN).
    control : int
        Index of the control group on the group axis.
    alternative : str
    """

    statistic: np.ndarray = field(repr=False)
    pvalue: np.ndarray = field(repr=False)
    df: int
    df_denom: int
    estimate: np.ndarray = field(repr=False)
    stderr: np.ndarray = field(repr=False)
    t: np.ndarray = field(repr=False)
    pvalue_dunnett: np.ndarray = field(repr=False)
    valid: np.ndarray = field(repr=False)
    control: int
    alternative: str

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per study and treatment (``study``, ``group``,
        ``estimate``, ``stderr``, ``statistic``, ``pvalue``, ``anova_statistic``,
        ``anova_pvalue``, ``valid``)."""
        s, q = self.t.shape
        groups = np.array([g for g in range(q + 1) if g != self.control])
        return pd.DataFrame(
            {
                "study": np.repeat(np.arange(s), q),
                "group": np.tile(groups, s),
                "estimate": self.estimate.ravel(),
                "stderr": self.stderr.ravel(),
                "statistic": self.t.ravel(),
                "pvalue": self.pvalue_dunnett.ravel(),
                "anova_statistic": np.repeat(self.statistic, q),
                "anova_pvalue": np.repeat(self.pvalue, q),
                "valid": np.repeat(self.valid, q),
            }
        )

    def _summary_lines(self) -> list[str]:
        s = len(self.statistic)
        return [f"{s} studies, {self.t.shape[1] + 1} groups, df = ({self.df}, {self.df_denom})"]

    def to_dict(self) -> dict[str, object]:
        """JSON-safe: the long table as records plus the settings."""
        from preclin.core import jsonable

        return {
            "df": self.df,
            "df_denom": self.df_denom,
            "control": self.control,
            "alternative": self.alternative,
            "rows": jsonable(self.to_frame()),
        }


def calculate_anova_dunnett(
    values: np.ndarray,
    *,
    control: int = 0,
    alternative: str = "two-sided",
) -> BatchAnovaDunnett:
    """One-way ANOVA and single-step Dunnett for many balanced studies in one call.

    Parameters
    ----------
    values : array, shape (studies, groups, n)
        Responses of ``n`` animals in each of ``groups`` groups, for each
        simulated (or real) study. Equal n is required: the Dunnett p-value
        then depends only on (groups − 1, df, t), which makes the batch fast.
    control : int
        Index of the control group on axis 1 (default 0).
    alternative : {"two-sided", "less", "greater"}
        For Dunnett; "greater" tests treatment > control.

    Returns
    -------
    BatchAnovaDunnett
        Arrays of F, p, estimates, t and Dunnett p-values; ``.to_frame()``
        gives the long table.

    Notes
    -----
    F and p for all studies come from one NumPy expression
    (``scipy.stats.f.sf``). Dunnett p-values use the exact many-to-one
    multivariate-t probability (2-D Gauss–Hermite × generalised
    Gauss–Laguerre quadrature) evaluated on a grid of |t| and interpolated
    monotonically (error < 1e-6); checked against ``scipy.stats.f_oneway``
    (1e-10) and ``scipy.stats.dunnett`` (1e-4) study by study.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> y = rng.normal(0.0, 1.0, size=(1000, 5, 10))
    >>> y[:, 4] += 1.5                        # the last group differs
    >>> res = calculate_anova_dunnett(y)
    >>> res.t.shape, res.df, res.df_denom
    ((1000, 4), 4, 45)
    >>> (res.pvalue_dunnett < 0.05).mean(axis=0)  # power per comparison
    array([0.014, 0.011, 0.014, 0.796])
    """
    check_option("alternative", alternative, ["two-sided", "less", "greater"])
    try:
        y = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError("Invalid `values`: must be a numeric array.") from None
    if y.ndim != 3:
        raise InputError(
            f"Invalid `values`: must have shape (studies, groups, n), got shape {y.shape}."
        )
    s, k, n = y.shape
    if k < 2 or n < 2 or s < 1:
        raise InputError(
            f"Invalid `values`: needs >= 2 groups of n >= 2 animals, got shape {y.shape}."
        )
    if not np.isfinite(y).all():
        raise InputError(
            "Invalid `values`: contains NaN or infinite values; the batch path needs "
            "complete, balanced studies (analyse incomplete ones with `anova` / `posthoc`)."
        )
    check_scalar("control", control, low=0, high=k - 1, integer=True)
    means = y.mean(axis=2)
    ss_w = ((y - means[..., None]) ** 2).sum(axis=(1, 2))
    grand = means.mean(axis=1)
    ss_b = n * ((means - grand[:, None]) ** 2).sum(axis=1)
    df_b, df_w = k - 1, k * (n - 1)
    ms_w = ss_w / df_w
    scale = np.maximum(np.abs(y).max(axis=(1, 2)), 1.0)
    valid = ss_w > (1e-13 * scale) ** 2 * k * n
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(valid, (ss_b / df_b) / ms_w, np.nan)
        p = np.where(valid, stats.f.sf(f, df_b, df_w), np.nan)
        treat = [g for g in range(k) if g != control]
        est = means[:, treat] - means[:, [control]]
        se = np.sqrt(ms_w * 2.0 / n)[:, None] * np.ones(len(treat))
        t = np.where(valid[:, None], est / se, np.nan)
    pd_ = np.full(t.shape, np.nan)
    pd_[valid] = dunnett_sf_grid(t[valid], k - 1, float(df_w), alternative)
    return BatchAnovaDunnett(
        statistic=f,
        pvalue=p,
        df=df_b,
        df_denom=df_w,
        estimate=est,
        stderr=se,
        t=t,
        pvalue_dunnett=pd_,
        valid=valid,
        control=int(control),
        alternative=alternative,
    )
