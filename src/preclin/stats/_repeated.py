"""Repeated measures: RM ANOVA with Greenhouse–Geisser correction, and a
random-intercept linear mixed model (REML) with Satterthwaite df."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import (
    ConvergenceWarning,
    DataQualityWarning,
    InputError,
    Result,
    row_label,
    source_name,
)
from preclin.stats._groups_common import group_levels, prepare_frame
from preclin.stats._reml import Reml

__all__ = ["MixedModelResult", "mixed_model", "rm_anova"]


# -- layout -------------------------------------------------------------------------


def _layout(
    data: pd.DataFrame,
    dv: str,
    within: str | None,
    subject: str,
    between: str | None,
) -> tuple[pd.DataFrame, list, list]:  # type: ignore[type-arg]
    if not isinstance(subject, str):
        raise InputError(f"Invalid `subject`: got {subject!r}, must be a column name (text).")
    factors = [subject] + [f for f in (between, within) if f is not None]
    if len(set(factors)) != len(factors):
        raise InputError(f"subject, between and within must be different columns, got {factors}")
    for col in factors:
        if col in data.columns and data[col].isna().any():
            pos = int(np.flatnonzero(data[col].isna().to_numpy())[0])
            what = "subject id" if col == subject else "group label"
            raise InputError(
                f"missing {what}",
                file=source_name(data),
                row=row_label(data, pos),
                column=col,
                hint="every row needs the animal's id and its group / time",
            )
    frame = prepare_frame(data, dv, factors)
    file = source_name(data)
    if between is not None:
        per_subject = frame.groupby(subject, sort=False)[between].nunique()
        bad = per_subject[per_subject > 1]
        if len(bad):
            raise InputError(
                f"subject {_plain(bad.index[0])!r} appears in more than one {between!r} group",
                file=file,
                column=between,
                hint="a between-subject factor must be constant within each animal",
            )
        if len(group_levels(frame[between])) < 2:
            raise InputError("needs at least 2 groups, found 1", file=file, column=between)
    if within is not None:
        dup = frame.duplicated([subject, within])
        if dup.any():
            pos = int(np.flatnonzero(dup.to_numpy())[0])
            sid, time = (_plain(frame[c].iloc[pos]) for c in (subject, within))
            raise InputError(
                f"subject {sid!r} has two values for {within}={time!r}",
                file=file,
                column=within,
                hint="average replicates first or give each measurement its own time",
            )
        if len(group_levels(frame[within])) < 2:
            raise InputError("needs at least 2 levels, found 1", file=file, column=within)
    blevels = group_levels(frame[between]) if between is not None else []
    wlevels = group_levels(frame[within]) if within is not None else []
    return frame, blevels, wlevels


def _plain(value: object) -> object:
    """NumPy scalars as Python values (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _sum_contrasts(k: int) -> np.ndarray:
    """R ``contr.sum(k)``: k × (k − 1)."""
    return np.vstack([np.eye(k - 1), -np.ones((1, k - 1))])


# -- RM ANOVA -----------------------------------------------------------------------


def rm_anova(
    data: pd.DataFrame,
    dv: str,
    *,
    within: str,
    subject: str,
    between: str | None = None,
) -> pd.DataFrame:
    """Repeated-measures ANOVA (one within factor, optionally one between factor).

    Parameters
    ----------
    data : DataFrame
        Long format: one row per animal and time.
    dv : str
        Response column.
    within : str
        Repeated factor (e.g. ``"week"``).
    subject : str
        Animal id column.
    between : str, optional
        Between-subject factor (e.g. ``"group"``): a split-plot design.

    Returns
    -------
    DataFrame
        One row per effect (``between``, ``within``, ``between:within``):
        ``source``, ``df``, ``df_denom``, ``sum_sq``, ``mean_sq``,
        ``statistic`` (F), ``pvalue`` (sphericity assumed), ``eps_gg``
        (Greenhouse–Geisser ε; NaN for the between-subject effect, which
        needs no correction), ``pvalue_gg`` (p with both df multiplied by ε).

    Notes
    -----
    Computed as R ``car::Anova`` does on the multivariate linear model of the
    wide table (type III, ``contr.sum``): with orthonormal contrasts C of the
    p times, SS_H = tr(C′B′L′[L(X′X)⁻¹L′]⁻¹LBC) and SS_E = tr(C′E′EC);
    ε_GG = tr(S)² / ((p − 1) tr(S²)) with S = C′E′EC / (N − a). With equal
    group sizes this equals ``aov(y ~ g * t + Error(id / t))``. Agrees with
    R 4.2 ``car::Anova`` to 1e-10 (``tests/stats/test_repeated.py``).

    Animals with a missing time are dropped with a
    :class:`~preclin.core.DataQualityWarning` (RM ANOVA needs complete
    animals); :func:`mixed_model` uses every observation instead.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rat": ["a", "a", "a", "b", "b", "b", "c", "c", "c"],
    ...                    "week": [0, 1, 2] * 3,
    ...                    "y": [10.0, 12.5, 13.0, 9.0, 9.5, 12.0, 11.0, 14.0, 13.5]})
    >>> t = rm_anova(df, "y", within="week", subject="rat")
    >>> t[["source", "df", "df_denom"]].values.tolist()
    [['week', 2, 4]]
    """
    frame, blevels, wlevels = _layout(data, dv, within, subject, between)
    file = source_name(data)
    wide = frame.pivot(index=subject, columns=within, values=dv).reindex(columns=wlevels)
    incomplete = wide.isna().any(axis=1)
    if incomplete.any():
        ids = ", ".join(str(i) for i in wide.index[incomplete][:5])
        where = f"{file}: " if file else ""
        warnings.warn(
            f"{where}dropped {int(incomplete.sum())} animal(s) without a value at every "
            f"{within} ({ids}); RM ANOVA needs complete animals (mixed_model uses all data)",
            DataQualityWarning,
            stacklevel=2,
        )
        wide = wide.loc[~incomplete]
    y = wide.to_numpy(dtype=float)
    n, p = y.shape
    if between is not None:
        grp = frame.drop_duplicates(subject).set_index(subject)[between].reindex(wide.index)
        codes = pd.Categorical(grp, categories=blevels).codes
        a = len(blevels)
        sizes = np.bincount(codes, minlength=a)
        if (sizes < 1).any() or n - a < 1:
            raise InputError(
                f"too few complete animals per {between!r} group for RM ANOVA",
                file=file,
                column=between,
            )
        x = np.column_stack([np.ones(n), _sum_contrasts(a)[codes]])
    else:
        a = 1
        x = np.ones((n, 1))
    df_e = n - a
    if df_e < 1:
        raise InputError("RM ANOVA needs more complete animals than groups", file=file)
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    e = y - x @ b
    q, _ = np.linalg.qr(np.column_stack([np.ones(p), _sum_contrasts(p)]))
    c_mean = np.full((p, 1), 1 / np.sqrt(p))
    c_within = q[:, 1:]
    sspe_w = c_within.T @ e.T @ e @ c_within
    ss_e_w = float(np.trace(sspe_w))
    ss_e_b = float(((e @ c_mean) ** 2).sum())
    if ss_e_w <= 1e-20 * float(((y - y.mean()) ** 2).sum()):
        raise InputError(
            f"the values of {dv!r} do not vary within animals beyond the group pattern",
            file=file,
            column=dv,
        )
    s = sspe_w / df_e
    eps = float(np.trace(s) ** 2 / ((p - 1) * np.trace(s @ s)))

    def ss_h(rows: np.ndarray, contrast: np.ndarray) -> float:
        lb = rows @ b @ contrast
        mid = np.linalg.inv(rows @ xtx_inv @ rows.T)
        return float(np.trace(lb.T @ mid @ lb))

    out = []
    if between is not None:
        rows = np.eye(x.shape[1])[1:]
        out.append((between, a - 1, df_e, ss_h(rows, c_mean), ss_e_b, np.nan))
    out.append(
        (within, p - 1, (p - 1) * df_e, ss_h(np.eye(x.shape[1])[:1], c_within), ss_e_w, eps)
    )
    if between is not None:
        rows = np.eye(x.shape[1])[1:]
        out.append(
            (
                f"{between}:{within}",
                (a - 1) * (p - 1),
                (p - 1) * df_e,
                ss_h(rows, c_within),
                ss_e_w,
                eps,
            )
        )
    table = pd.DataFrame(out, columns=["source", "df", "df_denom", "sum_sq", "ss_err", "eps_gg"])
    table["mean_sq"] = table["sum_sq"] / table["df"]
    f = table["mean_sq"] / (table["ss_err"] / table["df_denom"])
    table["statistic"] = f
    table["pvalue"] = stats.f.sf(f, table["df"], table["df_denom"])
    e_ = table["eps_gg"].fillna(1.0)
    table["pvalue_gg"] = np.where(
        table["eps_gg"].notna(), stats.f.sf(f, table["df"] * e_, table["df_denom"] * e_), np.nan
    )
    cols = [
        "source",
        "df",
        "df_denom",
        "sum_sq",
        "mean_sq",
        "statistic",
        "pvalue",
        "eps_gg",
        "pvalue_gg",
    ]
    return table[cols]


# -- mixed model ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MixedModelResult(Result):
    """A random-intercept linear mixed model fitted by REML.

    Attributes
    ----------
    fixed : DataFrame
        ``term``, ``estimate``, ``stderr``, ``df`` (Satterthwaite),
        ``statistic`` (t), ``pvalue``, ``ci_low``, ``ci_high`` (95 %, t with
        Satterthwaite df). Treatment coding: the first level of each factor
        is the reference (as R's default).
    tests : DataFrame
        Type III F tests (sum-to-zero coding): ``source``, ``df``,
        ``df_denom`` (Satterthwaite), ``statistic``, ``pvalue``.
    variance : DataFrame
        ``component`` (subject, Residual), ``variance``, ``sd``.
    n : int
        Observations used.
    n_subjects : int
    loglik : float
        REML log-likelihood.
    converged : bool
    message : str
    """

    fixed: pd.DataFrame = field(repr=False)
    tests: pd.DataFrame = field(repr=False)
    variance: pd.DataFrame = field(repr=False)
    n: int
    n_subjects: int
    loglik: float
    converged: bool
    message: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The fixed-effects table."""
        return self.fixed

    def _summary_lines(self) -> list[str]:
        lines = [
            f"{r.source}: F({r.df:g}, {r.df_denom:.2f}) = {r.statistic:.4g}, p = {r.pvalue:.4g}"
            for r in self.tests.itertuples()
        ]
        var = ", ".join(f"{r.component} SD {r.sd:.4g}" for r in self.variance.itertuples())
        return [*lines, var, f"n = {self.n} observations, {self.n_subjects} subjects"]


def _design(
    frame: pd.DataFrame,
    between: str | None,
    within: str | None,
    blevels: list,
    wlevels: list,
    coding: str,
) -> tuple[np.ndarray, list[str], dict[str, list[int]]]:  # type: ignore[type-arg]
    """Intercept + main effects + interaction; treatment or sum coding."""
    blocks: list[tuple[str, np.ndarray, list[str]]] = []
    for fac, levels in ((between, blevels), (within, wlevels)):
        if fac is None:
            continue
        codes = pd.Categorical(frame[fac], categories=levels).codes
        k = len(levels)
        cmat = np.eye(k)[:, 1:] if coding == "treatment" else _sum_contrasts(k)
        names = (
            [f"{fac}[{lev}]" for lev in levels[1:]]
            if coding == "treatment"
            else [f"{fac}[S.{lev}]" for lev in levels[:-1]]
        )
        blocks.append((fac, cmat[codes], names))
    cols = [np.ones(len(frame))]
    names = ["(Intercept)"]
    terms: dict[str, list[int]] = {}
    for fac, mat, nm in blocks:
        terms[fac] = list(range(len(names), len(names) + mat.shape[1]))
        cols.extend(mat.T)
        names.extend(nm)
    if len(blocks) == 2:
        (f1, m1, n1), (f2, m2, n2) = blocks
        start = len(names)
        for j, b2 in enumerate(n2):
            for i, b1 in enumerate(n1):
                cols.append(m1[:, i] * m2[:, j])
                names.append(f"{b1}:{b2}")
        terms[f"{f1}:{f2}"] = list(range(start, len(names)))
    return np.column_stack(cols), names, terms


def _satterthwaite(
    lrows: np.ndarray,
    beta: np.ndarray,
    cov: np.ndarray,
    dcov: list[np.ndarray],
    acov: np.ndarray,
) -> tuple[float, float]:
    """F statistic and denominator df for H0: Lβ = 0 (lmerTest's contestMD)."""
    vll = lrows @ cov @ lrows.T
    d, pmat = np.linalg.eigh(vll)
    ptl = pmat.T @ lrows
    t2 = (ptl @ beta) ** 2 / d
    nu = np.empty(len(d))
    for m in range(len(d)):
        g = np.array([ptl[m] @ dc @ ptl[m] for dc in dcov])
        nu[m] = 2 * d[m] ** 2 / (g @ acov @ g)
    q = len(d)
    fstat = float(t2.sum() / q)
    if q == 1 or np.allclose(nu, nu[0], rtol=0, atol=1e-8):
        return fstat, float(nu[0])
    if (nu <= 2).any():
        return fstat, 2.0
    e = float((nu / (nu - 2)).sum())
    return fstat, 2 * e / (e - q)


def mixed_model(
    data: pd.DataFrame,
    dv: str,
    *,
    subject: str,
    within: str | None = None,
    between: str | None = None,
) -> MixedModelResult:
    """Linear mixed model with a random intercept per animal (REML).

    Fixed effects ``between * within`` (main effects and interaction, both
    categorical); the animal's random intercept carries the correlation of
    its repeated measurements (compound symmetry). Unlike :func:`rm_anova` it
    uses animals with missing times.

    Parameters
    ----------
    data : DataFrame
        Long format: one row per animal and time.
    dv : str
        Response column.
    subject : str
        Animal id column (no empty cells).
    within : str, optional
        Repeated factor (e.g. ``"week"``).
    between : str, optional
        Between-subject factor (e.g. ``"group"``). At least one of
        ``within`` / ``between`` is needed.

    Returns
    -------
    MixedModelResult
        ``fixed`` (estimates, SEs, Satterthwaite df, t, p, CIs), ``tests``
        (type III F tests for group, time and group × time with Satterthwaite
        denominator df), ``variance`` (subject and residual), ``converged``.

    Notes
    -----
    REML fit by statsmodels ``MixedLM``. Satterthwaite df are computed as
    lmerTest does: ν = 2(LCL′)² / (g′Ag) with g = ∂(LCL′)/∂θ (analytic),
    A the inverse observed REML information of θ = (σ²_subject, σ²_e)
    (analytic), multi-df F tests via the eigen-decomposition of
    LCL′ (Fai & Cornelius). Agrees with R 4.2 ``lme4::lmer`` + lmerTest 3.1:
    estimates to 1e-5, SEs and df to 1e-3 (``tests/stats/test_repeated.py``).
    The marginal covariance σ²_subject J + σ²_e I is block-diagonal per
    animal, so all of this uses per-animal closed forms (Sherman–Morrison)
    and never an N × N matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rat": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...                    "group": ["v", "v", "v", "v", "d", "d", "d", "d"],
    ...                    "week": [0, 1] * 4,
    ...                    "y": [10.0, 12.5, 9.0, 10.5, 11.0, 15.0, 12.0, 17.5]})
    >>> fit = mixed_model(df, "y", subject="rat", within="week", between="group")
    >>> fit.tests["source"].tolist()
    ['group', 'week', 'group:week']
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning as SmConvergenceWarning

    if within is None and between is None:
        raise InputError("mixed_model needs `within` and/or `between` (the fixed effects).")
    frame, blevels, wlevels = _layout(data, dv, within, subject, between)
    y = frame[dv].to_numpy(dtype=float)
    groups = pd.Categorical(frame[subject]).codes
    n_sub = int(groups.max()) + 1
    x_t, names, _ = _design(frame, between, within, blevels, wlevels, "treatment")
    x_s, _, terms = _design(frame, between, within, blevels, wlevels, "sum")
    if np.linalg.matrix_rank(x_t) < x_t.shape[1]:
        raise InputError(
            "some group × time cells have no data, so the interaction cannot be estimated",
            file=source_name(data),
            hint="drop the empty time or group",
        )
    if len(y) - x_t.shape[1] < 1 or n_sub < 2:
        raise InputError(
            "too few observations or animals for a mixed model", file=source_name(data)
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.MixedLM(y, x_t, groups=groups).fit(reml=True, method=["lbfgs", "powell"])
    sm_warn = [str(w.message) for w in caught if issubclass(w.category, SmConvergenceWarning)]
    converged = bool(getattr(fit, "converged", True)) and not sm_warn
    theta = np.array([float(np.asarray(fit.cov_re)[0, 0]), float(fit.scale)])
    message = ""
    if theta[0] <= 1e-8 * theta[1]:
        message = "subject variance estimated at 0 (boundary): Satterthwaite df not available"
    if not converged:
        message = "; ".join([*sm_warn[:1], message]).strip("; ") or "REML did not converge"
        warnings.warn(f"mixed_model: {message}", ConvergenceWarning, stacklevel=2)
    reml = Reml(y, x_t, groups)
    beta = np.asarray(fit.fe_params, dtype=float)
    cov = reml.cov_beta(theta)
    se = np.sqrt(np.diag(cov))
    if message:
        df = np.full(len(beta), np.nan)
        tests_rows = []
    else:
        acov = reml.acov_theta(theta)
        dcov_t = reml.dcov(theta, x_t)
        df = np.array(
            [
                _satterthwaite(np.eye(len(beta))[[j]], beta, cov, dcov_t, acov)[1]
                for j in range(len(beta))
            ]
        )
        cov_s = reml.cov_beta(theta, x_s)
        beta_s = cov_s @ x_s.T @ reml.vinv_dot(theta, y)
        dcov_s = reml.dcov(theta, x_s)
        tests_rows = []
        for term, idx in terms.items():
            fstat, ddf = _satterthwaite(np.eye(len(beta_s))[idx], beta_s, cov_s, dcov_s, acov)
            tests_rows.append(
                (term, len(idx), ddf, fstat, float(stats.f.sf(fstat, len(idx), ddf)))
            )
    t = beta / se
    crit = stats.t.ppf(0.975, df)
    fixed = pd.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "stderr": se,
            "df": df,
            "statistic": t,
            "pvalue": 2 * stats.t.sf(np.abs(t), df),
            "ci_low": beta - crit * se,
            "ci_high": beta + crit * se,
        }
    )
    tests = pd.DataFrame(tests_rows, columns=["source", "df", "df_denom", "statistic", "pvalue"])
    variance = pd.DataFrame(
        {"component": [subject, "Residual"], "variance": theta, "sd": np.sqrt(theta)}
    )
    return MixedModelResult(
        fixed=fixed,
        tests=tests,
        variance=variance,
        n=len(y),
        n_subjects=n_sub,
        loglik=float(reml.loglik(theta)),
        converged=converged,
        message=message,
    )
