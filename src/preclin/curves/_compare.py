"""Model comparison: extra-sum-of-squares F tests, lack of fit, information criteria."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import InputError, check_option

__all__ = ["calculate_f_test", "calculate_lack_of_fit", "compare_models"]

CRITERIA = ("aic", "aicc", "bic")


def _rss_df(fit: Any, which: str) -> tuple[float, float]:
    if isinstance(fit, Mapping):
        if "rss" not in fit or "df" not in fit:
            raise InputError(f"Invalid `{which}`: a mapping needs the keys 'rss' and 'df'.")
        return float(fit["rss"]), float(fit["df"])
    for attr in ("rss", "df"):
        if not hasattr(fit, attr):
            raise InputError(f"Invalid `{which}`: got {type(fit).__name__}, must be a fit result.")
    return float(fit.rss), float(fit.df)


def _f_table(rss1: float, df1: float, rss2: float, df2: float, labels: Sequence[str]):
    ddf = df1 - df2
    stat = ((rss1 - rss2) / ddf) / (rss2 / df2)
    p = float(stats.f.sf(stat, ddf, df2))
    return pd.DataFrame(
        {
            "model": list(labels),
            "df": [df1, df2],
            "rss": [rss1, rss2],
            "df_diff": [np.nan, ddf],
            "statistic": [np.nan, stat],
            "pvalue": [np.nan, p],
        }
    )


def calculate_f_test(reduced: Any, full: Any) -> pd.DataFrame:
    """Extra-sum-of-squares F test of a reduced model nested in a fuller one.

    Parameters
    ----------
    reduced, full : fit result or mapping
        Fits of the same data (``GlobalFit``, ``CurveFit``) or mappings with
        ``rss`` and ``df``; ``reduced`` has more residual df (fewer parameters),
        e.g. curves sharing bottom and top vs separate curves.

    Returns
    -------
    DataFrame
        Two rows (``model`` = "reduced", "full"): ``df``, ``rss``, and on the
        second row ``df_diff``, ``statistic`` (F), ``pvalue``.

    Notes
    -----
    F = ((RSS₀ − RSS₁)/(df₀ − df₁)) / (RSS₁/df₁) on (df₀ − df₁, df₁) df; drc's
    ``anova(m_reduced, m_full)``.

    Examples
    --------
    >>> calculate_f_test({"rss": 8.5114, "df": 62}, {"rss": 8.3479, "df": 60}).round(4)
         model    df     rss  df_diff  statistic  pvalue
    0  reduced  62.0  8.5114      NaN        NaN     NaN
    1     full  60.0  8.3479      2.0     0.5876  0.5589
    """
    rss1, df1 = _rss_df(reduced, "reduced")
    rss2, df2 = _rss_df(full, "full")
    if not df1 > df2:
        raise InputError(
            f"Invalid `reduced`: got a model with {df1:g} residual df, must have more than the "
            f"full model's {df2:g} (pass the model with fewer parameters first)."
        )
    return _f_table(rss1, df1, rss2, df2, ["reduced", "full"])


def _data_of(fit: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    data = getattr(fit, "data", None)
    if isinstance(data, Mapping) and "x" in data:
        return data["x"], data["y"], data["curve_index"], data.get("weights")
    x, y = getattr(fit, "x", None), getattr(fit, "y", None)
    if x is None or y is None:
        raise InputError(f"Invalid `fit`: got {type(fit).__name__}, must be a fit with its data.")
    return np.asarray(x), np.asarray(y), np.zeros(np.size(x), int), getattr(fit, "weights", None)


def calculate_lack_of_fit(fit: Any) -> pd.DataFrame:
    """Lack-of-fit F test of a curve fit against the one-way ANOVA (pure error) model.

    Parameters
    ----------
    fit : GlobalFit or CurveFit
        A fit that keeps its data; replicates at a concentration (within a
        curve) give the pure-error sum of squares.

    Returns
    -------
    DataFrame
        Two rows (``model`` = "anova", "curve"): ``df``, ``rss``, and on the
        second row ``df_diff``, ``statistic`` (F), ``pvalue``. A small p-value
        says the curve misses the dose means by more than replicate noise.

    Notes
    -----
    drc ``modelFit(m)``: F = ((RSS − SS_pure)/(df − df_pure)) / (SS_pure/df_pure),
    SS_pure = Σ (y − dose mean)², df_pure = n − number of (curve, dose) groups.
    """
    x, y, ci, w = _data_of(fit)
    w = np.ones_like(y) if w is None else w
    _, g = np.unique(np.column_stack([ci, x]), axis=0, return_inverse=True)
    g = g.ravel()
    sw = np.bincount(g, weights=w)
    means = np.bincount(g, weights=w * y) / sw
    ss_pure = float(np.sum(w * (y - means[g]) ** 2))
    df_pure = float(y.size - sw.size)
    rss, df = _rss_df(fit, "fit")
    if df_pure <= 0 or df <= df_pure:
        raise InputError(
            "lack of fit needs replicates and more dose groups than curve parameters; "
            f"got {sw.size} groups for {y.size} observations"
        )
    return _f_table(ss_pure, df_pure, rss, df, ["anova", "curve"]).pipe(_swap_lof)


def _swap_lof(table: pd.DataFrame) -> pd.DataFrame:
    """_f_table puts the bigger-df model first; lack of fit is the reverse nesting."""
    pure_rss, pure_df = table.loc[0, "rss"], table.loc[0, "df"]
    rss, df = table.loc[1, "rss"], table.loc[1, "df"]
    ddf = df - pure_df
    stat = ((rss - pure_rss) / ddf) / (pure_rss / pure_df)
    table.loc[1, ["df_diff", "statistic", "pvalue"]] = [
        ddf,
        stat,
        float(stats.f.sf(stat, ddf, pure_df)),
    ]
    return table


def compare_models(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    models: Sequence[str] = ("ll4", "ll3", "ll5", "w1.4", "w2.4", "w1.3"),
    criterion: str = "aic",
    curve: str | None = None,
) -> pd.DataFrame:
    """Fit candidate models to the same data and rank them (drc ``mselect``).

    Parameters
    ----------
    data : DataFrame
        One curve (or several with ``curve``, fitted with separate parameters).
    x, y : str
        Concentration and response columns.
    models : sequence of str
        Model keys or drc names.
    criterion : {"aic", "aicc", "bic"}
        Ranking criterion (smaller is better).
    curve : str, optional
        Curve label column for several curves (each model fitted per curve,
        pooled residual SD).

    Returns
    -------
    DataFrame
        One row per model, best first: ``model``, ``n_params`` (including σ),
        ``loglik``, ``aic``, ``aicc``, ``bic``, ``rss``, ``df``, ``res_var``
        (RSS/df), ``lack_of_fit_pvalue``, ``delta`` (criterion − best),
        ``weight`` (Akaike-type weight exp(−Δ/2) normalised), ``converged``,
        ``message``.

    Notes
    -----
    Gaussian logLik = −n/2 (log(2π RSS/n) + 1); AIC = −2 logLik + 2k, k =
    parameters + 1 (σ), as drc; AICc = AIC + 2k(k+1)/(n−k−1); BIC = −2
    logLik + k log n. Agrees with drc 3.2.0 ``mselect(m, list(LL.3(), LL.5(),
    W1.4(), W2.4(), W1.3()))`` on ryegrass (logLik, IC, Res var). drc's LN.4
    (log-normal) is not among preclin's models. drc's ``mselect`` prints 0 in
    its "Lack of fit" column there; ``lack_of_fit_pvalue`` is the p-value of
    drc's ``modelFit`` for each model.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> df = load_example("concentration_response")
    >>> one = df[(df.compound == "MTEP") & (df.plate == "P1")]
    >>> compare_models(one, x="conc_uM", y="response", models=["ll4", "ll3"])[
    ...     ["model", "n_params", "aic", "delta"]].round(2)
      model  n_params     aic  delta
    0   ll4         5  136.91   0.00
    1   ll3         4  143.77   6.86
    """
    from preclin.curves._global import fit_global

    check_option("criterion", criterion, CRITERIA)
    if not models:
        raise InputError("Invalid `models`: got an empty list, must name at least one model.")
    frame = data
    if curve is None:
        frame = data.assign(__curve__="1")
        curve = "__curve__"
    rows = []
    for key in models:  # a handful of candidate models, each one vectorised fit
        fit = fit_global(frame, x=x, y=y, curve=curve, model=key, share=[])
        try:
            lof = float(calculate_lack_of_fit(fit)["pvalue"].iloc[1])
        except InputError:
            lof = np.nan
        rows.append(
            {
                "model": fit.model,
                "n_params": fit.coef.size + 1,
                "loglik": fit.loglik,
                "aic": fit.aic,
                "aicc": fit.aicc,
                "bic": fit.bic,
                "rss": fit.rss,
                "df": fit.df,
                "res_var": fit.rss / fit.df,
                "lack_of_fit_pvalue": lof,
                "converged": fit.converged,
                "message": fit.message,
            }
        )
    out = pd.DataFrame(rows)
    out["delta"] = out[criterion] - out[criterion].min()
    wts = np.exp(-0.5 * out["delta"])
    out["weight"] = wts / wts.sum()
    cols = ["model", "n_params", "loglik", "aic", "aicc", "bic", "rss", "df", "res_var",
            "lack_of_fit_pvalue", "delta", "weight", "converged", "message"]  # fmt: skip
    return out.sort_values(criterion, kind="stable").reset_index(drop=True)[cols]
