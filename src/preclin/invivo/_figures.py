"""Figures for behavioural readouts: data tables + matplotlib functions returning a Figure.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot,
no global backend change, nothing shown); save them with ``fig.savefig``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from preclin.core import InputError, require_columns

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from preclin.invivo._agreement import AgreementResult
    from preclin.invivo._summary import GroupSummary

__all__ = [
    "calculate_time_course",
    "plot_bland_altman",
    "plot_dose_response",
    "plot_groups",
    "plot_study",
    "plot_time_course",
]


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _figure(width: float = 5.0, height: float = 3.6) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def plot_groups(
    summary: GroupSummary,
    scores: pd.DataFrame | None = None,
    *,
    kind: str = "bar",
    ylabel: str | None = None,
) -> Figure:
    """Mean ± SEM per group (bar or box) with individual animals and significance marks.

    Parameters
    ----------
    summary : GroupSummary
        From :func:`summarize_groups`.
    scores : DataFrame, optional
        One row per animal with the summary's group and dv columns, for the
        individual points (and boxes).
    kind : {"bar", "box"}
    ylabel : str, optional
        Default: the dv name.

    Returns
    -------
    matplotlib.figure.Figure
        Stars mark contrasts vs control (* p < 0.05, ** < 0.01, *** < 0.001,
        as adjusted by the summary's method).
    """
    from preclin.core import check_option

    check_option("kind", kind, ["bar", "box"])
    d = summary.describe
    labels = [str(v) for v in d[summary.group]]
    x = np.arange(len(labels))
    fig, ax = _figure(max(4.0, 1.0 + 0.9 * len(labels)))
    pts: list[np.ndarray] = []
    if scores is not None:
        require_columns(scores, [summary.group, summary.dv])
        g = scores[summary.group].astype(str)
        pts = [scores.loc[g == lab, summary.dv].dropna().to_numpy(float) for lab in labels]
    if kind == "bar":
        ax.bar(x, d["mean"], yerr=d["sem"], capsize=4, color="#c6d7ea", edgecolor="#3b6ea5")
    elif pts:
        ax.boxplot(pts, positions=x, widths=0.5, showfliers=False)
    rng = np.random.default_rng(0)
    for i, v in enumerate(pts):
        ax.scatter(i + rng.uniform(-0.15, 0.15, v.size), v, s=12, color="#222222", zorder=3)
    top = np.nanmax(np.r_[(d["mean"] + d["sem"]).to_numpy(float), *pts]) if len(d) else 1.0
    pmap = dict(zip(summary.contrasts["group"].astype(str), summary.contrasts["pvalue"]))
    for i, lab in enumerate(labels):
        mark = _stars(float(pmap.get(lab, np.nan)))
        if mark:
            ax.text(i, top * 1.05, mark, ha="center", va="bottom", fontsize=12)
    ax.set_ylim(top=top * 1.18 if top > 0 else None)
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.set_ylabel(ylabel or summary.dv)
    ax.set_title(f"{summary.dv}: mean ± SEM; vs {summary.control}", fontsize=10)
    return fig


def calculate_time_course(
    data: pd.DataFrame, dv: str, *, group: str = "group", time: str = "week"
) -> pd.DataFrame:
    """Mean ± SEM per group and time point (the data of :func:`plot_time_course`).

    Returns
    -------
    DataFrame
        One row per group and time: ``group``, ``time`` columns (as named),
        ``n``, ``mean``, ``sd``, ``sem``, ``ci_low``, ``ci_high`` (from
        :func:`preclin.stats.describe`).
    """
    from preclin import stats

    require_columns(data, [dv, group, time])
    d = stats.describe(data, dv, by=[group, time])
    return d[[group, time, "n", "mean", "sd", "sem", "ci_low", "ci_high"]]


def plot_time_course(
    data: pd.DataFrame,
    dv: str,
    *,
    group: str = "group",
    time: str = "week",
    shade: tuple[float, float] | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Weekly time course: mean per group with SEM bands.

    Parameters
    ----------
    data : DataFrame
        One row per animal and time point.
    dv, group, time : str
        Column names.
    shade : (start, stop), optional
        A period to shade (e.g. the treatment weeks).
    ylabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    tc = calculate_time_course(data, dv, group=group, time=time)
    fig, ax = _figure(6.0, 3.8)
    if shade is not None:
        ax.axvspan(shade[0], shade[1], color="#eeeeee", zorder=0, label="treatment")
    for lab, sub in tc.groupby(group, sort=False, observed=True):
        t = sub[time].to_numpy(float)
        m, se = sub["mean"].to_numpy(float), sub["sem"].to_numpy(float)
        (line,) = ax.plot(t, m, marker="o", ms=3, label=str(lab))
        ax.fill_between(t, m - se, m + se, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel(time)
    ax.set_ylabel(ylabel or dv)
    ax.legend(fontsize=7, frameon=False, ncol=2)
    return fig


def plot_dose_response(
    summary: GroupSummary,
    *,
    compound: str | None = None,
    groups: list[str] | None = None,
    window: tuple[float, float] | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Dose–response (mean ± SEM vs dose) with the effective window shaded.

    Parameters
    ----------
    summary : GroupSummary
        Its ``describe`` table must have a ``dose`` column (summaries made
        with ``dose=...``). The control (dose 0) is drawn as a band.
    compound : str, optional
        Title.
    groups : list of str, optional
        The dose groups of one compound (default: every non-control group
        with a dose > 0).
    window : (low, high), optional
        Effective dose window to shade; default: the window
        :func:`preclin.stats.dose_window` found for ``compound`` (in
        ``summary.dose_window``; nothing shaded when no dose is effective),
        else the range of doses whose contrast vs control is significant.

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = summary.describe
    if "dose" not in d.columns:
        raise InputError("the summary has no doses; make it with summarize_groups(..., dose=...)")
    ctrl = d[d[summary.group].astype(str) == str(summary.control)]
    rest = d[(d[summary.group].astype(str) != str(summary.control)) & (d["dose"] > 0)]
    if groups is not None:
        rest = rest[rest[summary.group].astype(str).isin([str(g) for g in groups])]
    rest = rest.sort_values("dose")
    fig, ax = _figure(5.0, 3.6)
    if len(ctrl):
        m, se = float(ctrl["mean"].iloc[0]), float(ctrl["sem"].iloc[0])
        ax.axhspan(m - se, m + se, color="#dddddd", label=f"{summary.control} ± SEM")
        ax.axhline(m, color="#888888", lw=1)
    ax.errorbar(rest["dose"], rest["mean"], yerr=rest["sem"], marker="o", capsize=3, color="k")
    from preclin.invivo._summary import _effective_window

    table = summary.dose_window
    has_window = table is not None and (
        (compound is None and table["compound"].nunique() == 1)
        or str(compound) in set(table["compound"].astype(str))
    )
    if window is None and has_window:
        window = _effective_window(table, compound)
    elif window is None:
        sig = summary.contrasts.loc[summary.contrasts["significant"], "group"].astype(str)
        doses = rest.loc[rest[summary.group].astype(str).isin(sig), "dose"]
        if len(doses):
            window = (float(doses.min()), float(doses.max()))
    if window is not None:
        lo, hi = window
        ax.axvspan(lo / 1.25, hi * 1.25, color="#b7e1b0", alpha=0.5, label="effective window")
    ax.set_xscale("log")
    ax.set_xlabel("dose")
    ax.set_ylabel(ylabel or summary.dv)
    ax.set_title(compound or summary.dv, fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    return fig


def plot_bland_altman(agreement: AgreementResult) -> Figure:
    """Bland–Altman plot: difference vs mean with bias and limits of agreement (and CIs)."""
    p = agreement.pairs
    t = agreement.table.set_index("measure")
    fig, ax = _figure(5.0, 3.6)
    ax.scatter(p["mean"], p["difference"], s=14, color="k")
    for name, style in (("bias", "-"), ("loa_low", "--"), ("loa_high", "--")):
        ax.axhline(t.loc[name, "estimate"], ls=style, color="#3b6ea5")
        ax.axhspan(t.loc[name, "ci_low"], t.loc[name, "ci_high"], color="#3b6ea5", alpha=0.1)
    ax.set_xlabel(f"mean of the two scorings ({agreement.dv})")
    ax.set_ylabel("difference (a − b)")
    return fig


def plot_study(result: Any) -> dict[str, Figure]:
    """Every standard figure of a :class:`StudyResult`, keyed by a file-name stem.

    Per readout and variable: groups (bar + points + stars); per compound with
    two or more doses: dose–response with the effective window; CMS: the
    weekly time course.
    """
    figs: dict[str, Figure] = {}
    study = result.study
    by_compound: dict[str, list[str]] = {}
    for g in study.groups:
        if g.dose > 0:
            by_compound.setdefault(g.compound, []).append(g.name)
    for r in result.readouts:
        stem = r.name.replace(" ", "_")
        for dv, s in r.summaries.items():
            scores = r.scores
            if r.kind == "cms" and "week" in scores.columns:
                scores = scores[scores["week"] == scores["week"].max()]
            figs[f"{stem}_{dv}_groups"] = plot_groups(s, scores)
            for compound, names in by_compound.items():
                if len(names) >= 2:
                    figs[f"{stem}_{dv}_dose_{compound}"] = plot_dose_response(
                        s, compound=compound, groups=names
                    )
        if r.kind == "cms":
            dv = next(iter(r.summaries))
            figs[f"{stem}_{dv}_time_course"] = plot_time_course(r.scores, dv)
    return figs
