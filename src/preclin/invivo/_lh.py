"""Learned helplessness: shuttle-box trial logs → escape failures, latencies, crossings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar, numeric_column, require_columns, row_label
from preclin.core.validation import source_name

__all__ = ["calculate_lh_scores", "fit_lh_binomial"]


def calculate_lh_scores(
    trials: pd.DataFrame,
    *,
    cutoff_s: float,
    criterion: int = 10,
    criterion_session: int = 1,
    animal: str = "animal",
    session: str = "session",
    trial: str = "trial",
    latency: str = "latency_s",
    crossings: str | None = "itc",
    long: bool = False,
) -> pd.DataFrame:
    """Escape failures, latencies and intertrial crossings per animal (and session).

    Parameters
    ----------
    trials : DataFrame
        One row per shuttle-box trial: ``animal``, ``session``, ``trial``,
        ``latency_s`` (time to escape; empty or >= ``cutoff_s`` = failure)
        and optionally ``itc`` (crossings in the preceding intertrial
        interval). Other per-animal columns (``group``, ``dose``) are kept.
    cutoff_s : float
        End of the escape window: a latency >= cutoff (or empty) is an escape
        failure and enters the mean latency as the cutoff.
    criterion : int
        "Helpless" when failures in ``criterion_session`` >= criterion.
    criterion_session : int
        The session the criterion applies to (default 1).
    animal, session, trial, latency, crossings : str
        Column names (``crossings=None`` if not recorded).
    long : bool
        Return one row per animal and session instead of one per animal.

    Returns
    -------
    DataFrame
        ``long=False`` (default): one row per animal with the carried columns,
        ``failures_s<k>``, ``latency_s<k>`` (mean, failures at the cutoff),
        ``itc_s<k>`` per session k, then ``trials_total``,
        ``failures_total``, ``escapes_total``, ``latency_total``
        (mean over all trials), ``itc_total``, ``helpless`` (bool).
        ``long=True``: one row per animal and session with ``n_trials``,
        ``failures``, ``escapes``, ``latency_mean_s``, ``itc``.

    Examples
    --------
    >>> t = pd.DataFrame({"animal": "R1", "session": [1, 1, 1, 2, 2, 2],
    ...                   "trial": [1, 2, 3, 1, 2, 3],
    ...                   "latency_s": [15, None, 4, 2, 3, 15], "itc": [0, 1, 0, 2, 2, 1]})
    >>> s = calculate_lh_scores(t, cutoff_s=15, criterion=2)
    >>> s[["failures_s1", "failures_s2", "failures_total", "latency_s1", "itc_total", "helpless"]]
       failures_s1  failures_s2  failures_total  latency_s1  itc_total  helpless
    0            2            1               3   11.333333        6.0      True
    """
    check_scalar("cutoff_s", cutoff_s, low=0, closed="neither")
    check_scalar("criterion", criterion, low=0, integer=True)
    file = source_name(trials)
    cols = [animal, session, trial, latency] + ([crossings] if crossings else [])
    require_columns(trials, cols, source=file)
    ses = numeric_column(trials, session, what="session")
    tri = numeric_column(trials, trial, what="trial")
    lat = numeric_column(trials, latency, what="latency", allow_missing=True, min_value=0)
    itc = (
        numeric_column(trials, crossings, what="crossing count", min_value=0)
        if crossings
        else np.zeros(len(trials))
    )
    ids = trials[animal].astype(str).str.strip()
    key = pd.DataFrame({"a": ids.to_numpy(), "s": ses, "t": tri})
    dup = key.duplicated().to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"animal {ids.iloc[pos]!r} has trial {tri[pos]:g} of session {ses[pos]:g} twice",
            file=file,
            row=row_label(trials, pos),
            column=trial,
            hint="one row per trial",
        )
    fail = np.isnan(lat) | (lat >= cutoff_s)
    frame = pd.DataFrame(
        {
            animal: ids.to_numpy(),
            "session": ses.astype(int),
            "failure": fail.astype(int),
            "lat": np.where(fail, cutoff_s, lat),
            "itc": itc,
        }
    )
    per = (
        frame.groupby([animal, "session"], sort=True)
        .agg(
            n_trials=("failure", "size"),
            failures=("failure", "sum"),
            latency_mean_s=("lat", "mean"),
            itc=("itc", "sum"),
        )
        .reset_index()
    )
    per["escapes"] = per["n_trials"] - per["failures"]
    others = [c for c in trials.columns if c not in cols]
    carried: list[str] = []
    if others:
        const = trials.groupby(ids.to_numpy())[others].nunique(dropna=False).max() <= 1
        carried = [c for c in others if bool(const[c])]
    info = trials.assign(**{animal: ids.to_numpy()}).groupby(animal, sort=True)[carried].first()
    if long:
        out = per.merge(info.reset_index(), on=animal, how="left")
        return out[
            [
                animal,
                *carried,
                "session",
                "n_trials",
                "failures",
                "escapes",
                "latency_mean_s",
                "itc",
            ]
        ]
    wide = per.pivot(index=animal, columns="session", values=["failures", "latency_mean_s", "itc"])
    ints = ["failures"] + (["itc"] if per["itc"].dtype.kind in "iu" else [])
    wide = wide.astype(
        {c: "int64" for c in wide.columns if c[0] in ints and wide[c].notna().all()}
    )
    wide.columns = [
        f"{ {'latency_mean_s': 'latency'}.get(v, v) }_s{int(s)}" for v, s in wide.columns
    ]
    totals = frame.groupby(animal, sort=True).agg(
        trials_total=("failure", "size"),
        failures_total=("failure", "sum"),
        latency_total=("lat", "mean"),
        itc_total=("itc", "sum"),
    )
    totals["escapes_total"] = totals["trials_total"] - totals["failures_total"]
    out = info.join(wide).join(totals)
    crit_col = f"failures_s{criterion_session}"
    if crit_col not in out.columns:
        raise InputError(
            f"no session {criterion_session} in the log (the helpless criterion session)",
            file=file,
            column=session,
            hint="pass criterion_session",
        )
    out["helpless"] = out[crit_col] >= criterion
    order = sorted(wide.columns, key=lambda c: (int(c.rsplit("_s", 1)[1]), c.split("_s")[0]))
    out = out[
        [
            *carried,
            *order,
            "trials_total",
            "failures_total",
            "escapes_total",
            "latency_total",
            "itc_total",
            "helpless",
        ]
    ]
    return out.reset_index()


def fit_lh_binomial(
    scores: pd.DataFrame,
    *,
    group: str = "group",
    control: object = None,
    failures: str = "failures_total",
    trials: str = "trials_total",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Binomial GLM of escape failures by group (logit link; statsmodels ``GLM``).

    Parameters
    ----------
    scores : DataFrame
        One row per animal (output of :func:`calculate_lh_scores`).
    group : str
        Group column.
    control : optional
        Reference group (default: the first level).
    failures, trials : str
        Failure count and number of trials per animal.
    confidence : float
        Level of the Wald confidence intervals.

    Returns
    -------
    DataFrame
        One row per non-reference group: ``group``, ``reference``,
        ``estimate`` (log odds ratio of failing vs reference), ``stderr``,
        ``statistic`` (Wald z), ``pvalue`` (two-sided), ``ci_low``,
        ``ci_high``, ``odds_ratio``, ``or_ci_low``, ``or_ci_high``,
        ``dispersion`` (Pearson χ² / df: > 1.5 suggests overdispersion
        between animals; then prefer the group analysis of failure counts).

    Notes
    -----
    ``statsmodels.api.GLM(y, X, family=Binomial())`` with treatment coding;
    statsmodels is checked against R ``glm(cbind(f, n - f) ~ group, binomial)``
    in its own test-suite; ``tests/invivo/test_lh.py`` re-checks our
    wiring against ``scipy.optimize`` maximum likelihood.
    """
    import statsmodels.api as sm

    check_scalar("confidence", confidence, low=0, high=1, closed="neither")
    require_columns(scores, [group, failures, trials])
    f = numeric_column(scores, failures, what="failure count", min_value=0)
    n = numeric_column(scores, trials, what="trial count", min_value=0, min_inclusive=False)
    if (f > n).any():
        pos = int(np.flatnonzero(f > n)[0])
        raise InputError(
            f"{f[pos]:g} failures in {n[pos]:g} trials",
            row=row_label(scores, pos),
            column=failures,
        )
    g = scores[group]
    levels = (
        list(g.cat.categories) if isinstance(g.dtype, pd.CategoricalDtype) else list(pd.unique(g))
    )
    ref = levels[0] if control is None else control
    if ref not in levels:
        from preclin.core import check_option

        check_option("control", ref, levels)
    others = [lv for lv in levels if lv != ref]
    X = np.column_stack([np.ones(len(g))] + [(g == lv).to_numpy(float) for lv in others])
    y = np.column_stack([f, n - f])
    res = sm.GLM(y, X, family=sm.families.Binomial()).fit()
    est, se = res.params[1:], res.bse[1:]
    ci = np.asarray(res.conf_int(alpha=1 - confidence))[1:]
    out = pd.DataFrame(
        {
            "group": others,
            "reference": ref,
            "estimate": est,
            "stderr": se,
            "statistic": np.asarray(res.tvalues)[1:],
            "pvalue": np.asarray(res.pvalues)[1:],
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }
    )
    out["odds_ratio"] = np.exp(out["estimate"])
    out["or_ci_low"] = np.exp(out["ci_low"])
    out["or_ci_high"] = np.exp(out["ci_high"])
    out["dispersion"] = float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else np.nan
    return out
