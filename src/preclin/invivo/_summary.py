"""Group summaries for behavioural readouts: every test of significance via ``preclin.stats``."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import DataQualityWarning, InputError, Result, check_option, require_columns

__all__ = ["GroupSummary", "calculate_cms_onset", "summarize_groups"]

ALTERNATIVES = ("two-sided", "less", "greater")


@dataclass(frozen=True, kw_only=True)
class GroupSummary(Result):
    """Mean ± SEM per group, the omnibus test, contrasts vs control, effect sizes.

    Attributes
    ----------
    dv : str
        The readout (e.g. ``immobility_s``).
    group : str
        The group column.
    control : str or None
        The reference group of the contrasts.
    alternative : str
        ``"two-sided"``, or the declared direction (``"less"``: treatment <
        control), which makes the Dunnett comparisons one-sided.
    describe : DataFrame
        :func:`preclin.stats.describe`: one row per group (``n``, ``mean``,
        ``sd``, ``sem``, ``ci_low``, ``ci_high``, ...), plus ``dose`` if known.
    anova : DataFrame
        :func:`preclin.stats.anova` (one-way).
    contrasts : DataFrame
        :func:`preclin.stats.posthoc` (Dunnett vs control) joined with
        :func:`preclin.stats.effect_size` (Hedges' g and its CI, columns
        ``hedges_g``, ``g_ci_low``, ``g_ci_high``); ``significant``
        (pvalue < alpha).
    dose_window : DataFrame or None
        Per compound with two or more doses (control = dose 0):
        :meth:`preclin.stats.DoseWindowResult.to_frame` of
        :func:`preclin.stats.dose_window` — each dose vs control (Dunnett,
        ``effective``, ``role`` lowest / highest effective), the quadratic
        curvature contrast and the strongest downturn — with ``compound``
        first and ``non_monotone`` (the inverted-U test) last.
        :func:`_effective_window` reads the window off it. None without doses.
    med : DataFrame or None
        Minimum effective dose per compound by the fixed-sequence step-down
        of :func:`preclin.stats.minimum_effective_dose` (declared direction
        only), with a ``compound`` column.
    method : str
        One sentence: what was tested, how, and the multiplicity control.
    alpha : float
    """

    dv: str
    group: str
    control: str | None
    alternative: str
    describe: pd.DataFrame
    anova: pd.DataFrame
    contrasts: pd.DataFrame
    dose_window: pd.DataFrame | None = None
    med: pd.DataFrame | None = None
    method: str = ""
    alpha: float = 0.05

    def to_frame(self) -> pd.DataFrame:
        """The mean ± SEM table with each group's contrast vs control."""
        d = self.describe[[self.group, "n", "mean", "sem", "sd"]].copy()
        d[self.group] = d[self.group].astype(str)
        if self.contrasts.empty:
            return d
        c = self.contrasts[["group", "estimate", "pvalue", "hedges_g", "significant"]].copy()
        c["group"] = c["group"].astype(str)
        return d.merge(c.rename(columns={"group": self.group}), on=self.group, how="left")

    def _title(self) -> str:
        return f"{self.dv} by {self.group}"

    def _summary_lines(self) -> list[str]:
        lines = [self.method]
        eff = self.anova.iloc[0]
        lines.append(
            f"One-way ANOVA: F({int(eff['df'])}, {int(self.anova.iloc[1]['df'])}) = "
            f"{eff['statistic']:.3g}, p = {eff['pvalue']:.3g}"
        )
        return lines + _window_lines(self.dose_window, self.med)


def _dose_analyses(
    frame: pd.DataFrame,
    dv: str,
    group: str,
    dose: str | None,
    compound: str | None,
    control: Any,
    alternative: str,
    alpha: float,
) -> dict[str, pd.DataFrame]:
    """Effective dose window (with its inverted-U test) and MED per compound.

    Each compound with two or more doses is analysed as one dose series, the
    control group as dose 0, by :func:`preclin.stats.dose_window` and (for a
    declared direction only) :func:`preclin.stats.minimum_effective_dose`.
    A series the stats room rejects (e.g. a dose group of one animal) is
    skipped with a :class:`DataQualityWarning` naming the compound.
    """
    from preclin.stats import dose_window, minimum_effective_dose

    if dose is None or compound is None:
        return {}
    if dose not in frame.columns or compound not in frame.columns:
        return {}
    is_ctrl = (frame[group].astype(str) == str(control)).to_numpy()
    ctrl = frame[is_ctrl].assign(**{dose: 0.0})
    treated = frame[~is_ctrl & (frame[dose] > 0).to_numpy()]
    found: dict[str, list[pd.DataFrame]] = {}
    for comp, sub in treated.groupby(compound, sort=False):  # a few compounds per study
        if sub[dose].nunique() < 2:
            continue
        series = pd.concat([ctrl, sub])
        kw = {"control": 0.0, "alternative": alternative, "alpha": alpha}
        try:
            window = dose_window(series, dv, dose, **kw)
            med = None
            if alternative != "two-sided":
                med = minimum_effective_dose(series, dv, dose, **kw)
        except InputError as exc:
            warnings.warn(f"no dose window for {comp}: {exc}", DataQualityWarning, stacklevel=3)
            continue
        table = window.to_frame().assign(non_monotone=window.non_monotone)
        found.setdefault("dose_window", []).append(table.assign(compound=str(comp)))
        if med is not None:
            found.setdefault("med", []).append(med.assign(compound=str(comp)))
    out = {}
    for key, frames in found.items():
        table = pd.concat(frames, ignore_index=True)
        out[key] = table[["compound", *[c for c in table.columns if c != "compound"]]]
    return out


def _effective_window(
    table: pd.DataFrame | None, compound: str | None = None
) -> tuple[float, float] | None:
    """(lowest, highest) effective dose of one compound from ``GroupSummary.dose_window``.

    None when the table has no row for the compound or no dose is effective.
    ``compound`` may be omitted when the table holds one compound.
    """
    if table is None or table.empty:
        return None
    if compound is None:
        names = table["compound"].unique()
        if len(names) != 1:
            return None
        compound = str(names[0])
    rows = table[(table["compound"] == str(compound)) & (table["kind"] == "vs_control")]
    doses = rows.loc[rows["effective"].astype(bool), "dose"].astype(float)
    if doses.empty:
        return None
    return float(doses.min()), float(doses.max())


def _window_lines(table: pd.DataFrame | None, med: pd.DataFrame | None) -> list[str]:
    """One sentence per compound: effective window, shape, MED."""
    if table is None:
        return []
    lines = []
    for comp, rows in table.groupby("compound", sort=False):
        win = _effective_window(rows, str(comp))
        text = (
            f"{comp}: effective window {win[0]:g} to {win[1]:g}"
            if win
            else f"{comp}: no dose differs from control"
        )
        text += (
            "; the response turns back at higher doses (inverted U)"
            if bool(rows["non_monotone"].iloc[0])
            else "; no significant downturn"
        )
        if med is not None:
            m = med[(med["compound"] == comp) & med["is_med"]]
            text += (
                f"; MED {float(m['dose'].iloc[0]):g}"
                if len(m)
                else "; no MED (the highest dose is not effective)"
            )
        lines.append(text)
    return lines


def _dose_of(data: pd.DataFrame, group: str, dose: str | None) -> pd.Series | None:
    if dose is None or dose not in data.columns:
        return None
    per = data.groupby(group, observed=True, sort=False)[dose].agg(["nunique", "first"])
    if (per["nunique"] > 1).any():
        return None
    return per["first"]


def summarize_groups(
    data: pd.DataFrame,
    dv: str,
    *,
    group: str = "group",
    control: Any = None,
    alternative: str = "two-sided",
    alpha: float = 0.05,
    dose: str | None = None,
    compound: str | None = None,
    method: str = "dunnett",
) -> GroupSummary:
    """Mean ± SEM (n), one-way ANOVA, Dunnett vs control and Hedges' g for one readout.

    Parameters
    ----------
    data : DataFrame
        One row per animal with ``group`` and ``dv``.
    dv : str
        The readout column.
    group : str
        The group column (its order, or category order, is kept).
    control : optional
        Reference group (default: the first group).
    alternative : {"two-sided", "less", "greater"}
        Declare a direction only if it was stated before unblinding (e.g.
        antidepressants reduce immobility → ``"less"``); the Dunnett
        comparisons are then one-sided.
    alpha : float
        Significance level for the ``significant`` flags.
    dose : str, optional
        Dose column (recorded in ``describe``).
    compound : str, optional
        Compound column; with ``dose`` and a declared direction, each
        compound's dose series (control as dose 0) gets the minimum effective
        dose and inverted-U window from ``preclin.stats``.
    method : str
        Post-hoc method of :func:`preclin.stats.posthoc` (default Dunnett).

    Returns
    -------
    GroupSummary

    Notes
    -----
    No statistic is computed here: :func:`preclin.stats.describe`,
    :func:`~preclin.stats.anova`, :func:`~preclin.stats.posthoc` and
    :func:`~preclin.stats.effect_size` do the work (and carry the R checks).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> s = summarize_groups(load_example("fst_groups"), "immobility_s",
    ...                      control="vehicle", alternative="less")
    >>> s.contrasts.set_index("group")["significant"].to_dict()
    {'1mg/kg': False, '3mg/kg': False, '10mg/kg': True, 'imipramine': True}
    """
    from preclin import stats

    check_option("alternative", alternative, ALTERNATIVES)
    require_columns(data, [group, dv])
    frame = data.copy()
    frame = frame[frame[dv].notna()] if frame[dv].dtype.kind == "f" else frame
    levels = (
        list(frame[group].cat.categories)
        if isinstance(frame[group].dtype, pd.CategoricalDtype)
        else list(pd.unique(frame[group]))
    )
    present = [lv for lv in levels if (frame[group] == lv).any()]
    if control is None:
        control = present[0] if present else None
    if control not in present:
        check_option("control", control, present)
    if not isinstance(frame[group].dtype, pd.CategoricalDtype):
        # keep the study's order of first appearance (numbers too, not sorted)
        frame[group] = pd.Categorical(frame[group], categories=present)
    desc = stats.describe(frame, dv, by=group)
    doses = _dose_of(frame, group, dose)
    if doses is not None:
        desc["dose"] = doses.reindex(desc[group]).to_numpy()
    table = stats.anova(frame, dv, group)
    ph = stats.posthoc(frame, dv, group, method=method, control=control, alternative=alternative)
    es = stats.effect_size(frame, dv, group, control=control, kind="hedges")
    es = es.rename(columns={"estimate": "hedges_g", "ci_low": "g_ci_low", "ci_high": "g_ci_high"})
    ph["group"] = ph["group"].astype(str)
    es["group"] = es["group"].astype(str)
    contrasts = ph.merge(
        es[["group", "hedges_g", "g_ci_low", "g_ci_high"]], on="group", how="left"
    )
    contrasts["significant"] = contrasts["pvalue"] < alpha
    dose_res = _dose_analyses(
        frame, dv, group, dose if doses is not None else None, compound, control,
        alternative, alpha,
    )  # fmt: skip
    side = {"two-sided": "two-sided", "less": "one-sided (group < control, declared)",
            "greater": "one-sided (group > control, declared)"}[alternative]  # fmt: skip
    text = (
        f"One-way ANOVA, then {method} comparisons of each group with {control!s} "
        f"({side}), family-wise error controlled at alpha = {alpha:g} across "
        f"{len(present) - 1} comparisons; Hedges' g with noncentral-t 95% CIs."
    )
    if "dose_window" in dose_res:
        text += (
            " Each compound's dose series with the control as dose 0: effective window by "
            "Dunnett's test, inverted U by Holm-adjusted one-sided tests of every lower vs "
            "higher dose (preclin.stats.dose_window)"
            + (
                "; MED by fixed-sequence step-down from the highest dose "
                "(preclin.stats.minimum_effective_dose)."
                if "med" in dose_res
                else "."
            )
        )
    return GroupSummary(
        dv=dv,
        group=group,
        control=str(control),
        alternative=alternative,
        describe=desc,
        anova=table,
        contrasts=contrasts,
        dose_window=dose_res.get("dose_window"),
        med=dose_res.get("med"),
        method=text,
        alpha=alpha,
    )


def calculate_cms_onset(
    data: pd.DataFrame,
    *,
    dv: str = "preference_pct",
    group: str = "group",
    week: str = "week",
    control: Any = None,
    weeks: list[float] | None = None,
    alternative: str = "greater",
    alpha: float = 0.05,
    sustained: bool = True,
) -> pd.DataFrame:
    """Onset of action: the first week each treatment differs from the stressed vehicle.

    Parameters
    ----------
    data : DataFrame
        One row per animal and week (output of
        :func:`calculate_sucrose_preference` with a ``group`` column).
    dv : str
        The weekly readout.
    group, week : str
        Column names.
    control : optional
        The stressed vehicle group.
    weeks : list of float, optional
        Treatment weeks to test (default: all weeks in the data).
    alternative : str
        Direction declared for the contrasts (default ``"greater"``: the
        treatment restores preference above the stressed vehicle).
    alpha : float
        Significance level.
    sustained : bool
        Onset = first week from which the group stays significant to the last
        tested week (default), rather than the first significant week.

    Returns
    -------
    DataFrame
        One row per treatment group: ``group``, ``onset_week`` (NaN if
        never), ``weeks_significant`` (list), ``n_weeks_tested``,
        ``multiplicity`` (a sentence).

    Notes
    -----
    Each week is a separate Dunnett family (:func:`preclin.stats.posthoc`):
    the family-wise error is controlled across groups within a week, **not**
    across weeks; the ``sustained`` rule guards against a single chance week.
    The weekly p-values are in ``attrs["weekly"]``.
    """
    from preclin import stats

    require_columns(data, [dv, group, week])
    check_option("alternative", alternative, ALTERNATIVES)
    frame = data[data[dv].notna()].copy()
    all_weeks = sorted(frame[week].unique()) if weeks is None else list(weeks)
    if control is None:
        raise InputError("Invalid `control`: got None, must name the stressed vehicle group.")
    rows = []
    for w in all_weeks:  # a handful of weeks: one Dunnett family per week
        sub = frame[frame[week] == w].copy()
        if sub.empty:
            raise InputError(f"Invalid `weeks`: no data in week {w}.")
        ph = stats.posthoc(sub, dv, group, control=control, alternative=alternative)
        rows.append(ph.assign(week=w))
    weekly = pd.concat(rows, ignore_index=True)
    weekly["significant"] = weekly["pvalue"] < alpha
    sig = weekly.pivot(index="group", columns="week", values="significant").reindex(
        columns=all_weeks
    )
    f = sig.fillna(False).to_numpy(dtype=bool)  # groups × weeks
    n_w = len(all_weeks)
    wk_arr = np.asarray(all_weeks, dtype=float)
    if sustained:
        any_miss = (~f).any(axis=1)
        last_miss = n_w - 1 - np.argmax(~f[:, ::-1], axis=1)
        start = np.where(any_miss, last_miss + 1, 0)
    else:
        start = np.where(f.any(axis=1), np.argmax(f, axis=1), n_w)
    onset = np.where(start < n_w, wk_arr[np.minimum(start, n_w - 1)], np.nan)
    out = pd.DataFrame(
        {
            "group": [str(g) for g in sig.index],
            "onset_week": onset,
            "weeks_significant": [list(wk_arr[row]) for row in f],
            "n_weeks_tested": n_w,
        }
    )
    result = out
    order = [str(v) for v in pd.unique(weekly["group"].astype(str))]
    result = result.set_index("group").loc[order].reset_index()
    result["multiplicity"] = (
        f"Dunnett vs {control} within each week ({alternative}); no adjustment across "
        f"{len(all_weeks)} weeks"
        + ("; onset = first week of a significant run to the end" if sustained else "")
    )
    result.attrs["weekly"] = weekly
    return result
