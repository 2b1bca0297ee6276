"""One-way comparisons of group means: ANOVA, Welch, Brown–Forsythe,
Kruskal–Wallis, tests of equal variances, normality of residuals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import InputError, check_option
from preclin.stats._groups_common import Groups, as_list, prepare_groups

__all__ = [
    "anova",
    "brown_forsythe_anova",
    "homoscedasticity",
    "kruskal",
    "normality_residuals",
    "welch_anova",
]

_TEST_COLUMNS = ["test", "source", "df", "df_denom", "statistic", "pvalue"]


def _test_row(
    test: str, source: str, df: float, df_denom: float, statistic: float, pvalue: float
) -> pd.DataFrame:
    """One-row table of a global test (the columns of ``_TEST_COLUMNS``)."""
    return pd.DataFrame(
        [[test, source, df, df_denom, float(statistic), float(pvalue)]], columns=_TEST_COLUMNS
    )


def oneway_table(g: Groups) -> pd.DataFrame:
    """Closed-form one-way ANOVA table with effect sizes (internal)."""
    n = g.n
    means = np.array([s.mean() for s in g.samples])
    grand = np.concatenate(g.samples).mean()
    ss_b = float((n * (means - grand) ** 2).sum())
    ss_w = float(sum(((s - s.mean()) ** 2).sum() for s in g.samples))
    df_b, df_w = g.k - 1, int(n.sum()) - g.k
    ms_b, ms_w = ss_b / df_b, ss_w / df_w
    f = ms_b / ms_w
    ss_t = ss_b + ss_w
    eta = ss_b / ss_t
    return pd.DataFrame(
        {
            "source": [g.between, "Residual"],
            "df": [df_b, df_w],
            "sum_sq": [ss_b, ss_w],
            "mean_sq": [ms_b, ms_w],
            "statistic": [f, np.nan],
            "pvalue": [float(stats.f.sf(f, df_b, df_w)), np.nan],
            "eta_sq": [eta, np.nan],
            "omega_sq": [(ss_b - df_b * ms_w) / (ss_t + ms_w), np.nan],
            "cohens_f": [np.sqrt(eta / (1 - eta)), np.nan],
        }
    )


def anova(
    data: pd.DataFrame,
    dv: str,
    between: str | Sequence[str],
    *,
    ss_type: int = 2,
) -> pd.DataFrame:
    """Analysis of variance for one or two between-subject factors.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per animal.
    dv : str
        Response column.
    between : str or list of str
        One group column (one-way ANOVA) or two (two-way ANOVA with
        interaction, see :func:`anova2` for the details and ``ss_type``).
    ss_type : {1, 2, 3}
        Sums of squares for two-way designs (ignored for one factor, where
        all types agree).

    Returns
    -------
    DataFrame
        One row per effect plus ``Residual``: ``source``, ``df``, ``sum_sq``,
        ``mean_sq``, ``statistic`` (F), ``pvalue``, and on effect rows
        ``eta_sq`` (SS_effect / SS_total), ``omega_sq``
        ((SS_effect − df_effect·MS_resid) / (SS_total + MS_resid)) and
        ``cohens_f`` (√(η²_p / (1 − η²_p)), partial η² for two-way rows).

    Raises
    ------
    InputError
        Missing columns, a non-numeric response, fewer than 2 groups, a group
        with n < 2, or a response that does not vary within groups.

    Notes
    -----
    One-way: F = (SS_between / (k − 1)) / (SS_within / (N − k)). Agrees with
    R 4.2 ``aov(weight ~ group)`` and ``summary.lm`` effect sizes to 1e-10
    (PlantGrowth, ToothGrowth).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> t = anova(load_example("fst_groups"), "immobility_s", "group")
    >>> t[["source", "df", "sum_sq", "statistic", "pvalue"]].round(4)
         source  df      sum_sq  statistic  pvalue
    0     group   4  23482.7068    12.6262     0.0
    1  Residual  45  20923.2740        NaN     NaN
    """
    factors = as_list(between, "between")
    if len(factors) == 2:
        from preclin.stats._twoway import anova2

        return anova2(data, dv, factors, ss_type=ss_type)
    if len(factors) != 1:
        raise InputError(
            f"Invalid `between`: got {factors!r}, must name one or two group columns."
        )
    check_option("ss_type", ss_type, [1, 2, 3])
    return oneway_table(prepare_groups(data, dv, factors[0]))


def welch_anova(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Welch's one-way ANOVA (unequal variances).

    Parameters
    ----------
    data : DataFrame
    dv : str
        Response column.
    between : str
        Group column.

    Returns
    -------
    DataFrame
        One row: ``test`` ("welch"), ``source``, ``df``, ``df_denom``
        (Welch–Satterthwaite), ``statistic`` (F), ``pvalue``.

    Notes
    -----
    Computed with ``statsmodels.stats.oneway.anova_oneway(use_var="unequal")``;
    agrees with R ``oneway.test(var.equal = FALSE)`` to 1e-10.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> welch_anova(load_example("fst_groups"), "immobility_s", "group")["df"].item()
    4.0
    """
    from statsmodels.stats.oneway import anova_oneway

    g = prepare_groups(data, dv, between)
    r = anova_oneway(g.samples, use_var="unequal", welch_correction=True)
    return _test_row("welch", between, float(r.df_num), float(r.df_denom), r.statistic, r.pvalue)


def brown_forsythe_anova(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Brown–Forsythe test of equal means (robust to unequal variances).

    Parameters
    ----------
    data : DataFrame
    dv : str
        Response column.
    between : str
        Group column.

    Returns
    -------
    DataFrame
        One row: ``test`` ("brown-forsythe"), ``source``, ``df`` (k − 1),
        ``df_denom`` (Satterthwaite), ``statistic`` (F*), ``pvalue``.

    Notes
    -----
    F* = Σ nᵢ(ȳᵢ − ȳ)² / Σ (1 − nᵢ/N) sᵢ², with the original Brown–Forsythe
    (1974) numerator df k − 1 (statsmodels ``anova_oneway(use_var="bf")``,
    ``pvalue2``; not Mehrotra's modified df). Agrees with R
    ``onewaytests::bf.test`` / GraphPad Prism to 1e-10.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> t = brown_forsythe_anova(load_example("fst_groups"), "immobility_s", "group")
    >>> t["test"].item()
    'brown-forsythe'
    """
    from statsmodels.stats.oneway import anova_oneway

    g = prepare_groups(data, dv, between)
    r = anova_oneway(g.samples, use_var="bf", welch_correction=True)
    return _test_row(
        "brown-forsythe", between, float(r.df_num2), float(r.df_denom), r.statistic, r.pvalue2
    )


def kruskal(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Kruskal–Wallis rank test (tie-corrected H, chi-square approximation).

    Parameters
    ----------
    data : DataFrame
    dv : str
        Response column.
    between : str
        Group column.

    Returns
    -------
    DataFrame
        One row: ``test`` ("kruskal-wallis"), ``source``, ``df`` (k − 1),
        ``df_denom`` (NaN: a chi-square test), ``statistic`` (H),
        ``pvalue``, ``n`` (total).

    Notes
    -----
    ``scipy.stats.kruskal``; agrees with R ``kruskal.test`` to 1e-10.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> kruskal(load_example("fst_groups"), "immobility_s", "group")["df"].item()
    4
    """
    g = prepare_groups(data, dv, between)
    r = stats.kruskal(*g.samples)
    out = _test_row("kruskal-wallis", between, g.k - 1, np.nan, r.statistic, r.pvalue)
    out["n"] = int(g.n.sum())
    return out


_VARIANCE_METHODS = ["levene", "brown-forsythe", "bartlett"]


def homoscedasticity(
    data: pd.DataFrame, dv: str, between: str, *, method: str = "brown-forsythe"
) -> pd.DataFrame:
    """Test equality of group variances.

    Parameters
    ----------
    data : DataFrame
    dv : str
        Response column.
    between : str
        Group column.
    method : {"brown-forsythe", "levene", "bartlett"}
        ``"levene"``: ANOVA on |y − group mean|; ``"brown-forsythe"``
        (default; R ``car::leveneTest`` default): ANOVA on |y − group
        median|; ``"bartlett"``: Bartlett's K² (sensitive to non-normality).

    Returns
    -------
    DataFrame
        One row: ``test``, ``source``, ``df``, ``df_denom`` (NaN for
        Bartlett's chi-square), ``statistic`` (F or K²), ``pvalue``.

    Notes
    -----
    ``scipy.stats.levene(center="mean" | "median")`` and
    ``scipy.stats.bartlett``; agree with R ``car::leveneTest`` and
    ``bartlett.test`` to 1e-10.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> t = homoscedasticity(load_example("fst_groups"), "immobility_s", "group")
    >>> t.round(3)
                 test source  df  df_denom  statistic  pvalue
    0  brown-forsythe  group   4      45.0      1.893   0.128
    """
    check_option("method", method, _VARIANCE_METHODS)
    g = prepare_groups(data, dv, between)
    df1 = g.k - 1
    if method == "bartlett":
        r = stats.bartlett(*g.samples)
        df2 = np.nan
    else:
        center = "mean" if method == "levene" else "median"
        r = stats.levene(*g.samples, center=center)
        df2 = float(g.n.sum() - g.k)
    return _test_row(method, between, df1, df2, r.statistic, r.pvalue)


def normality_residuals(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Shapiro–Wilk test on the one-way ANOVA residuals (y − group mean).

    Parameters
    ----------
    data : DataFrame
    dv : str
        Response column.
    between : str
        Group column.

    Returns
    -------
    DataFrame
        One row: ``test`` ("shapiro-wilk"), ``n``, ``statistic`` (W),
        ``pvalue``.

    Notes
    -----
    ``scipy.stats.shapiro`` on the pooled residuals; agrees with R
    ``shapiro.test(residuals(aov(...)))`` to 1e-6 (both use Royston's
    algorithm).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> normality_residuals(load_example("fst_groups"), "immobility_s", "group")["n"].item()
    50
    """
    g = prepare_groups(data, dv, between)
    resid = np.concatenate([s - s.mean() for s in g.samples])
    r = stats.shapiro(resid)
    return pd.DataFrame(
        [["shapiro-wilk", len(resid), float(r.statistic), float(r.pvalue)]],
        columns=["test", "n", "statistic", "pvalue"],
    )
