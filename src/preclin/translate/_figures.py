"""Translation figures (matplotlib, no pyplot state): each returns a Figure."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from preclin.core import check_option

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_COLOURS = ("#1f5f8b", "#c0392b", "#27855a", "#8e44ad", "#d68910", "#566573")


def _figure(width: float, height: float, rows: int = 1, cols: int = 1) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.ravel():
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


def plot_power_curve(
    *,
    effect_smd: float | Sequence[float] = 0.3,
    n: int | Sequence[int] = (25, 50, 75, 100, 150, 200, 250, 300),
    vary: str = "n",
    simulate: bool = False,
    n_sim: int = 2000,
    seed: int = 0,
    target: float = 0.8,
    **design: Any,
) -> Figure:
    """Power against patients per arm (``vary="n"``) or against the effect (``vary="effect"``).

    Parameters
    ----------
    effect_smd : float or sequence
        One effect (``vary="n"``) or the effects on the x axis (``vary="effect"``).
    n : int or sequence
        Patients per arm on the x axis, or one n (``vary="effect"``).
    vary : {"n", "effect"}
    simulate : bool
        Add simulated points with ±2 Monte-Carlo SE bars (:func:`simulate_trial`).
    n_sim, seed : int
    target : float
        Horizontal reference line.
    **design
        Any argument of :func:`simulate_trial` (``analysis``, ``baseline_corr``,
        ``dropout``, ``arms``, ...). Each line is the closed-form power.

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = plot_power_curve(effect_smd=[0.2, 0.3], n=[50, 100, 200], vary="n")
    >>> len(fig.axes[0].lines) >= 2
    True
    """
    from preclin.translate._design import analytic_power, design_arguments, make_design
    from preclin.translate._trial import simulate_trial

    vary = check_option("vary", vary, ["n", "effect"])
    effects = list(np.atleast_1d(effect_smd).astype(float))
    sizes = [int(v) for v in np.atleast_1d(n)]
    kw = design_arguments(design)
    fig, axes = _figure(5.6, 3.6)
    ax = axes[0, 0]
    lines = [(e, sizes) for e in effects] if vary == "n" else [(effects, s) for s in sizes]
    for i, (eff, nn) in enumerate(lines):
        xs = nn if vary == "n" else eff
        dense = np.linspace(min(xs), max(xs), 60) if len(xs) > 1 else np.asarray(xs, float)
        ys = []
        for x in dense:
            d = make_design(
                n=max(2, round(x)) if vary == "n" else nn,
                effect=None,
                effect_smd=eff if vary == "n" else float(x),
                **kw,
            )
            ys.append(float(analytic_power(d).min()))
        label = f"SMD {eff:g}" if vary == "n" else f"n = {nn} per arm"
        colour = _COLOURS[i % len(_COLOURS)]
        ax.plot(dense, ys, color=colour, lw=1.8, label=label)
        if simulate:
            for x in xs:
                res = simulate_trial(
                    x if vary == "n" else nn,
                    effect_smd=eff if vary == "n" else x,
                    n_sim=n_sim,
                    seed=seed,
                    **kw,
                )
                p = float(res.arms_table["power"].min())
                se = math.sqrt(p * (1 - p) / n_sim)
                ax.errorbar(x, p, yerr=2 * se, fmt="o", color=colour, ms=4, capsize=2)
    ax.axhline(target, color="0.6", lw=0.8, ls=":")
    ax.set_ylim(0, 1)
    ax.set_xlabel("patients per arm" if vary == "n" else "effect (SMD)")
    ax.set_ylabel("power")
    ax.set_title(
        f"{kw['analysis'] if kw['endpoint'] == 'continuous' else 'responders'}, "
        f"alpha {kw['alpha']:g}, dropout {kw['dropout']:g}, rho {kw['baseline_corr']:g}",
        fontsize=9,
    )
    ax.legend(frameon=False, fontsize=8)
    return fig


def _dose_axis(ax: Any, doses: Any) -> None:
    """Log dose axis labelled at the tested doses (plain numbers)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    ax.set_xscale("log")
    values = sorted({float(v) for v in doses if np.isfinite(v) and v > 0})
    if values:
        ax.xaxis.set_major_locator(FixedLocator(values))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([f"{v:g}" for v in values])
        ax.set_xlim(values[0] / 1.5, values[-1] * 1.5)


def _occupancy_axes(ax: Any, bridge: Any) -> None:
    doses = bridge.doses.dropna(subset=["occupancy_mean"])
    for i, (sp, grp) in enumerate(doses.groupby("species", sort=True)):
        g = grp.sort_values("dose")
        colour = _COLOURS[i % len(_COLOURS)]
        ax.fill_between(
            g["dose"],
            100 * g["occupancy_min"],
            100 * g["occupancy_max"],
            color=colour,
            alpha=0.15,
            lw=0,
        )
        ax.plot(
            g["dose"],
            100 * g["occupancy_mean"],
            "-",
            color=colour,
            lw=1.5,
            label=f"{sp} (mean; band trough-peak)",
        )
        eff = g[g["efficacious"].astype(bool)]
        ax.plot(eff["dose"], 100 * eff["occupancy_mean"], "o", color=colour, ms=6)
        ax.plot(
            g.loc[~g["efficacious"].astype(bool), "dose"],
            100 * g.loc[~g["efficacious"].astype(bool), "occupancy_mean"],
            "o",
            mfc="white",
            color=colour,
            ms=6,
        )
        if len(eff):
            ax.axvspan(eff["dose"].min(), eff["dose"].max(), color=colour, alpha=0.07)
    ax.axhline(50, color="0.6", lw=0.8, ls=":")
    _dose_axis(ax, doses["dose"])
    ax.set_ylim(0, 100)
    ax.set_xlabel("animal dose (mg/kg)")
    ax.set_ylabel("receptor occupancy (%)")
    ax.set_title("animals (filled = efficacious; shaded = efficacious window)", fontsize=8)
    if len(doses):
        ax.legend(frameon=False, fontsize=7)


def _human_axes(ax: Any, bridge: Any) -> None:
    h = bridge.human
    if h is None or h.empty:
        ax.text(
            0.5,
            0.5,
            "no human projection\n(see gaps)",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.4",
        )
        ax.set_axis_off()
        return
    h = h.sort_values("dose_mg")
    ax.fill_between(
        h["dose_mg"],
        100 * h["occupancy_min"],
        100 * h["occupancy_max"],
        color=_COLOURS[1],
        alpha=0.15,
        lw=0,
    )
    ax.plot(
        h["dose_mg"],
        100 * h["occupancy_mean"],
        color=_COLOURS[1],
        lw=1.5,
        label="human, predicted (mean; band trough-peak)",
    )
    clin = h[h["clinical"].astype(bool)]
    ax.plot(
        clin["dose_mg"],
        100 * clin["occupancy_mean"],
        "s",
        color="k",
        ms=6,
        label="clinical doses tested",
    )
    eff = bridge.doses[bridge.doses["efficacious"].astype(bool)]
    if len(eff) and np.isfinite(eff["occupancy_mean"]).any():
        ax.axhline(
            100 * eff["occupancy_mean"].min(),
            color=_COLOURS[0],
            lw=1,
            ls="--",
            label="occupancy at the lowest efficacious animal dose",
        )
    ax.axhline(50, color="0.6", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_ylim(0, 100)
    ax.set_xlabel("human daily dose (mg)")
    ax.set_ylabel("receptor occupancy (%)")
    ax.legend(frameon=False, fontsize=7, loc="upper left")


def plot_occupancy_dose(bridge: Any) -> Figure:
    """Occupancy against dose across species, with the efficacious window.

    Parameters
    ----------
    bridge : BridgeResult

    Returns
    -------
    Figure
        Left: animal doses (trough–peak band, mean line, efficacious doses
        filled, the efficacious window shaded). Right: the predicted human
        occupancy against daily dose with the clinical doses marked.
    """
    fig, axes = _figure(9.0, 3.6, 1, 2)
    _occupancy_axes(axes[0, 0], bridge)
    _human_axes(axes[0, 1], bridge)
    fig.suptitle(
        f"{bridge.compound}: occupancy at {bridge.target} (Kd {bridge.kd_nM:.3g} nM)", fontsize=10
    )
    return fig


def plot_bridge(bridge: Any) -> Figure:
    """The bridge on one page: occupancy, effect sizes, human projection and gaps.

    Parameters
    ----------
    bridge : BridgeResult

    Returns
    -------
    Figure
        Four panels (animal occupancy, Hedges' g with CI by dose, human
        occupancy vs daily dose, key numbers with their sources) and the list of
        gaps underneath.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.0, 9.0), layout="constrained")
    grid = fig.add_gridspec(3, 2, height_ratios=[1.0, 1.0, 0.45])
    axes = np.array([[fig.add_subplot(grid[r, c]) for c in range(2)] for r in range(2)])
    for a in axes.ravel():
        a.spines[["top", "right"]].set_visible(False)
    _occupancy_axes(axes[0, 0], bridge)
    ax = axes[0, 1]
    d = bridge.doses.dropna(subset=["g"])
    if len(d):
        for i, (sp, grp) in enumerate(d.groupby("species", sort=True)):
            g = grp.sort_values("dose")
            ax.errorbar(
                g["dose"],
                g["g"],
                yerr=[g["g"] - g["g_ci_low"], g["g_ci_high"] - g["g"]],
                fmt="o-",
                color=_COLOURS[i % len(_COLOURS)],
                capsize=3,
                label=sp,
            )
        ax.axhline(0, color="0.6", lw=0.8)
        _dose_axis(ax, d["dose"])
        ax.set_xlabel("animal dose (mg/kg)")
        ax.set_ylabel("Hedges' g vs control (95 % CI)")
        ax.legend(frameon=False, fontsize=7)
    else:
        ax.text(
            0.5,
            0.5,
            "no behavioural effect size with a CI",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.4",
        )
        ax.set_axis_off()
    _human_axes(axes[1, 0], bridge)
    ax = axes[1, 1]
    ax.set_axis_off()
    t = bridge.table
    key = t[t["section"].isin(["potency", "human", "clinical", "margin"])].head(12)
    lines = [
        f"{r.section}: {r.quantity}"
        + (
            f" @ {r.dose:g} {r.dose_unit}"
            if isinstance(r.dose, float) and math.isfinite(r.dose)
            else ""
        )
        + f" = {r.value:.3g} {r.unit or ''}  [{str(r.source).split('(')[0][:40]}]"
        for r in key.itertuples()
    ]
    lines = [textwrap.shorten(line, 85) for line in lines]
    ax.text(
        0,
        1,
        "\n".join(lines) or "no key numbers",
        va="top",
        ha="left",
        fontsize=7,
        family="monospace",
        transform=ax.transAxes,
    )
    gaps = "\n".join(textwrap.fill("- " + g, 150) for g in bridge.gaps) or "no gaps flagged"
    fig.suptitle(f"Bridge: {bridge.compound} ({bridge.target})", fontsize=11)
    note = fig.add_subplot(grid[2, :])
    note.set_axis_off()
    note.text(
        0,
        1,
        "Gaps:\n" + gaps,
        fontsize=7.5,
        va="top",
        ha="left",
        color="#8b0000",
        transform=note.transAxes,
    )
    return fig
