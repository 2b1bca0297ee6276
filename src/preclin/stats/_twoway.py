"""Two-way ANOVA with interaction (type I / II / III sums of squares) and
simple effects (comparisons of one factor within each level of the other)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import DataQualityWarning, InputError, check_option, source_name
from preclin.stats._groups_common import as_list, group_levels, prepare_frame

__all__ = ["anova2", "simple_effects"]


def _cells(data: pd.DataFrame, dv: str, factors: list[str]) -> tuple[pd.DataFrame, dict]:
    if len(factors) != 2 or factors[0] == factors[1]:
        raise InputError(
            f"Invalid `between`: got {factors!r}, must name two different group columns."
        )
    frame = prepare_frame(data, dv, factors)
    levels = {f: group_levels(frame[f]) for f in factors}
    counts = frame.groupby(factors, observed=True).size()
    file = source_name(data)
    a, b = factors
    for la in levels[a]:
        for lb in levels[b]:
            if (la, lb) not in counts.index:
                raise InputError(
                    f"no data for the cell {a}={la!r}, {b}={lb!r}: the interaction "
                    "cannot be estimated",
                    file=file,
                    hint="drop the level or analyse the factors separately",
                )
    n_cells = len(levels[a]) * len(levels[b])
    if len(frame) - n_cells < 1:
        raise InputError(
            "every cell has a single value: no residual degrees of freedom",
            file=file,
            column=dv,
            hint="two-way ANOVA with interaction needs replicates in at least one cell",
        )
    for f in factors:
        if len(levels[f]) < 2:
            raise InputError("needs at least 2 levels, found 1", file=file, column=f)
    resid = frame[dv] - frame.groupby(factors, observed=True)[dv].transform("mean")
    if float((resid**2).sum()) == 0.0:
        raise InputError(
            f"the values of {dv!r} do not vary within any cell (all equal)",
            file=file,
            column=dv,
            hint="check that the right column was chosen",
        )
    return frame, levels


def anova2(
    data: pd.DataFrame,
    dv: str,
    between: Sequence[str],
    *,
    ss_type: int = 2,
) -> pd.DataFrame:
    """Two-way ANOVA with interaction (also reached as ``anova(between=[a, b])``).

    Parameters
    ----------
    data : DataFrame
        Long format, one row per animal.
    dv : str
        Response column.
    between : list of two str
        The two factors, e.g. ``["treatment", "sex"]``.
    ss_type : {1, 2, 3}
        Sums of squares. Type I is sequential (order matters in unbalanced
        designs: a :class:`~preclin.core.DataQualityWarning` says so), type II
        tests each main effect after the other, type III uses sum-to-zero
        contrasts (as R ``car::Anova(type = 3)`` with ``contr.sum``, and
        GraphPad Prism). In balanced designs all three agree.

    Returns
    -------
    DataFrame
        Rows ``a``, ``b``, ``a:b``, ``Residual`` with ``source``, ``df``,
        ``sum_sq``, ``mean_sq``, ``statistic`` (F), ``pvalue``, ``eta_sq``
        (SS / SS_total), ``omega_sq``, ``cohens_f`` (from partial η²). The
        intercept row of type III is left out.

    Notes
    -----
    Fitted with statsmodels ``ols`` and ``anova_lm(typ=...)``. Agrees with R
    4.2 ``aov`` (type I) and ``car::Anova(type = 3)`` with ``contr.sum`` to
    1e-10 on ToothGrowth (``tests/stats/test_twoway.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"drug": ["veh", "veh", "d", "d"] * 3,
    ...                    "sex": ["m", "f"] * 6,
    ...                    "y": [5.1, 6.0, 7.9, 9.2, 4.8, 6.3, 8.4, 9.9, 5.5, 5.7, 8.0, 9.4]})
    >>> anova2(df, "y", ["drug", "sex"])["source"].tolist()
    ['drug', 'sex', 'drug:sex', 'Residual']
    """
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    check_option("ss_type", ss_type, [1, 2, 3])
    factors = as_list(between, "between")
    frame, levels = _cells(data, dv, factors)
    a, b = factors
    counts = frame.groupby(factors, observed=True).size()
    if ss_type == 1 and counts.nunique() > 1:
        warnings.warn(
            f"unbalanced design (cell sizes {counts.min()}–{counts.max()}): type I sums of "
            f"squares depend on the order of {a!r} and {b!r}; consider ss_type=2 or 3",
            DataQualityWarning,
            stacklevel=2,
        )
    work = pd.DataFrame(
        {
            "y": frame[dv].to_numpy(dtype=float),
            "A": pd.Categorical(frame[a], categories=levels[a]).codes,
            "B": pd.Categorical(frame[b], categories=levels[b]).codes,
        }
    )
    fit = smf.ols("y ~ C(A, Sum) * C(B, Sum)", data=work).fit()
    table = anova_lm(fit, typ=ss_type)
    names = {
        "C(A, Sum)": a,
        "C(B, Sum)": b,
        "C(A, Sum):C(B, Sum)": f"{a}:{b}",
        "Residual": "Residual",
    }
    table = table.loc[[k for k in names if k in table.index]]
    ss_col = "sum_sq"
    out = pd.DataFrame(
        {
            "source": [names[k] for k in table.index],
            "df": table["df"].to_numpy(dtype=float).round().astype(int),
            "sum_sq": table[ss_col].to_numpy(dtype=float),
        }
    )
    out["mean_sq"] = out["sum_sq"] / out["df"]
    out["statistic"] = table["F"].to_numpy(dtype=float)
    out["pvalue"] = table["PR(>F)"].to_numpy(dtype=float)
    ss_res = float(out["sum_sq"].iloc[-1])
    ms_res = float(out["mean_sq"].iloc[-1])
    ss_total = float(((work["y"] - work["y"].mean()) ** 2).sum())
    eff = out["source"] != "Residual"
    out["eta_sq"] = np.where(eff, out["sum_sq"] / ss_total, np.nan)
    out["omega_sq"] = np.where(
        eff, (out["sum_sq"] - out["df"] * ms_res) / (ss_total + ms_res), np.nan
    )
    partial = out["sum_sq"] / (out["sum_sq"] + ss_res)
    out["cohens_f"] = np.where(eff, np.sqrt(partial / (1 - partial)), np.nan)
    return out


_SIMPLE_PADJUST = ["sidak", "bonferroni", "holm", "none"]


def simple_effects(
    data: pd.DataFrame,
    dv: str,
    factor: str,
    by: str,
    *,
    control: object = None,
    padjust: str = "sidak",
    alternative: str = "two-sided",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare the levels of ``factor`` within each level of ``by`` (two-way design).

    Uses the pooled residual variance of the full two-way model with
    interaction (cell means), as emmeans ``pairs(emmeans(fit, ~ factor | by))``
    and GraphPad Prism's "compare within each row".

    Parameters
    ----------
    data : DataFrame
    dv : str
        Response column.
    factor : str
        The factor whose levels are compared (e.g. ``"treatment"``).
    by : str
        The factor within whose levels they are compared (e.g. ``"sex"``).
    control : optional
        Compare every level of ``factor`` with this one; default all pairs
        (later − earlier level).
    padjust : {"sidak", "bonferroni", "holm", "none"}
        Adjustment over the whole family (all comparisons in all ``by`` levels).
    alternative : {"two-sided", "less", "greater"}
    confidence : float
        Confidence level; intervals are Šidák (sidak) or Bonferroni
        (bonferroni, holm) simultaneous over the family.

    Returns
    -------
    DataFrame
        One row per comparison: the ``by`` column, ``group``, ``reference``,
        ``estimate``, ``stderr``, ``statistic`` (t), ``df`` (residual),
        ``pvalue`` (adjusted), ``ci_low``, ``ci_high``, ``method``
        ("simple-effects"), ``alternative``, ``padjust``.

    Notes
    -----
    estimate = ȳ(i, j) − ȳ(i′, j), SE = √(MSE (1/nᵢⱼ + 1/nᵢ′ⱼ)), df = N − ab.
    Agrees with R emmeans 1.8 ``pairs(..., adjust = "sidak")`` over all
    doses to 1e-10 (ToothGrowth, ``tests/stats/test_twoway.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"drug": ["veh", "veh", "d", "d"] * 3,
    ...                    "sex": ["m", "f"] * 6,
    ...                    "y": [5.1, 6.0, 7.9, 9.2, 4.8, 6.3, 8.4, 9.9, 5.5, 5.7, 8.0, 9.4]})
    >>> se = simple_effects(df, "y", "drug", by="sex", control="veh")
    >>> se[["sex", "group", "reference"]].values.tolist()
    [['m', 'd', 'veh'], ['f', 'd', 'veh']]
    """
    from statsmodels.stats.multitest import multipletests

    from preclin.core import check_scalar
    from preclin.stats._groups_common import Groups

    check_option("padjust", padjust, _SIMPLE_PADJUST)
    check_option("alternative", alternative, ["two-sided", "less", "greater"])
    check_scalar("confidence", confidence, low=0, high=1, closed="neither")
    frame, levels = _cells(data, dv, as_list([factor, by], "factor/by"))
    grouped = frame.groupby([factor, by], observed=True)[dv]
    means, counts = grouped.mean(), grouped.size()
    df = float(len(frame) - len(means))
    mse = float(((frame[dv] - grouped.transform("mean")) ** 2).sum()) / df
    flevels = levels[factor]
    if control is not None:
        ctrl = Groups(flevels, [], dv, factor, source_name(data)).index_of(control)
        pairs = [(i, ctrl) for i in range(len(flevels)) if i != ctrl]
    else:
        pairs = [(j, i) for i in range(len(flevels)) for j in range(i + 1, len(flevels))]
    rows = []
    for lb in levels[by]:
        for i, j in pairs:
            gi, gj = (flevels[i], lb), (flevels[j], lb)
            est = float(means[gi] - means[gj])
            se = float(np.sqrt(mse * (1 / counts[gi] + 1 / counts[gj])))
            rows.append(
                {
                    by: lb,
                    "group": flevels[i],
                    "reference": flevels[j],
                    "estimate": est,
                    "stderr": se,
                }
            )
    out = pd.DataFrame(rows)
    t = out["estimate"] / out["stderr"]
    if alternative == "two-sided":
        p = 2 * stats.t.sf(np.abs(t), df)
    elif alternative == "greater":
        p = stats.t.sf(t, df)
    else:
        p = stats.t.cdf(t, df)
    m = len(out)
    out["statistic"] = t
    out["df"] = df
    out["pvalue"] = p if padjust == "none" else multipletests(p, method=padjust)[1]
    alpha = 1 - confidence
    if padjust == "sidak":
        alpha = 1 - confidence ** (1 / m)
    elif padjust in ("bonferroni", "holm"):
        alpha = alpha / m
    crit = stats.t.isf(alpha / (2 if alternative == "two-sided" else 1), df)
    out["ci_low"] = -np.inf if alternative == "less" else out["estimate"] - crit * out["stderr"]
    out["ci_high"] = np.inf if alternative == "greater" else out["estimate"] + crit * out["stderr"]
    out["method"] = "simple-effects"
    out["alternative"] = alternative
    out["padjust"] = padjust
    return out
