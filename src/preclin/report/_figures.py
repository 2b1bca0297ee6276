"""Guide figures (matplotlib, Agg; no pyplot state) and their inline-SVG form.

Each ``plot_*`` function takes results from the science rooms and returns a
:class:`matplotlib.figure.Figure`; nothing here fits or simulates. Group
figures (bar + individual points) and CMS time courses come from
:mod:`preclin.invivo` and are embedded as they are.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "figure_to_svg",
    "plot_concentration_time",
    "plot_curve_fits",
    "plot_pathway",
    "plot_pk_occupancy",
    "plot_workflow",
]

_COLOURS = ("#1f5f8b", "#c0392b", "#27855a", "#8e44ad", "#d68910", "#566573", "#17a2b8")


def _figure(width: float = 5.6, height: float = 3.6) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def figure_to_svg(fig: Figure, *, salt: str = "preclin") -> str:
    """The figure as an ``<svg>`` element ready to inline in HTML.

    Text stays text (``svg.fonttype = "none"``); element ids are salted with
    ``salt`` so several figures on one page never share an id, and the date
    metadata is dropped, so the same figure gives the same bytes.
    """
    import matplotlib

    _plain_log_ticks(fig)
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:]
    # a responsive inline figure: keep the viewBox, let CSS set the width
    svg = re.sub(r'(<svg[^>]*?)\swidth="[^"]*"\sheight="[^"]*"', r"\1", svg, count=1)
    return svg.strip()


_SUPERSCRIPT = str.maketrans("0123456789-−.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻·")
_MATH_POWER = re.compile(r"^\$\\mathdefault\{(?:([0-9.]+)\\times)?(10)\^\{([-−]?[0-9.]+)\}\}\$$")


def _unicode_tick(text: str) -> str:
    """``$\\mathdefault{2\\times10^{-3}}$`` → ``2×10⁻³`` (plain text, no mathtext)."""
    m = _MATH_POWER.match(text)
    if m is None:
        return text
    mant, base, exp = m.groups()
    power = base + exp.translate(_SUPERSCRIPT)
    return f"{mant}×{power}" if mant else power


class _PlainTicks:
    """A log-axis tick formatter's labels as plain text (same ticks labelled):
    decimals between 0.001 and 10⁵, else Unicode powers of ten."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, x: float, pos: int | None = None) -> str:
        label = self.inner(x, pos)
        if label and 1e-3 <= abs(x) < 1e5:  # doses and concentrations read best as decimals
            return f"{x:g}"
        return _unicode_tick(label)


def _plain_log_ticks(fig: Figure) -> None:
    """Swap mathtext log tick labels for Unicode ones (display only).

    Matplotlib labels log axes with mathtext (``$10^{-3}$``); laying that out
    costs a mathtext parse per label and figure (about a second per guide).
    The labels read the same as Unicode superscripts.
    """
    from matplotlib.ticker import FuncFormatter, LogFormatterMathtext

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            for get, set_ in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                fmt = get()
                if isinstance(fmt, LogFormatterMathtext):
                    plain = FuncFormatter(_PlainTicks(fmt))
                    plain.set_locs = fmt.set_locs  # type: ignore[method-assign]
                    plain.axis = fmt.axis
                    set_(plain)


def plot_curve_fits(
    fits: Sequence[Any],
    data: Sequence[pd.DataFrame],
    *,
    x: str,
    y: str,
    x_unit: str | None = None,
    y_label: str | None = None,
    level: float = 0.95,
) -> Figure:
    """Concentration–response data, fitted curves and pointwise confidence bands.

    Parameters
    ----------
    fits : sequence of GlobalFit or CurveFit
        One single-curve fit per curve (:func:`preclin.curves.fit_global`
        or :func:`preclin.curves.fit_curve`).
    data : sequence of DataFrame
        The observations of each fit (columns ``x`` and ``y``).
    x, y : str
        Column names.
    x_unit, y_label : str, optional
        Axis labels.
    level : float
        Confidence level of the band.

    Notes
    -----
    The bands come from the curves room: :meth:`preclin.curves.CurveFit.predict`
    with ``interval="confidence"`` for single fits and
    :func:`preclin.curves.calculate_confidence_band` for global fits (the
    delta-method interval of the fitted mean, Prism's "confidence band").
    """
    import numpy as np

    from preclin.curves import calculate_confidence_band

    fig, ax = _figure()
    for i, (fit, frame) in enumerate(zip(fits, data, strict=True)):
        colour = _COLOURS[i % len(_COLOURS)]
        label = str(fit.curves[0]) if hasattr(fit, "curves") else str(i + 1)
        xs = frame[x].to_numpy(dtype=float)
        ys = frame[y].to_numpy(dtype=float)
        pos = xs[xs > 0]
        lo, hi = (pos.min() / 3, pos.max() * 3) if len(pos) else (1e-3, 1.0)
        zero_x = lo / 3
        shown_x = np.where(xs > 0, xs, zero_x)
        ax.scatter(shown_x, ys, s=14, color=colour, alpha=0.75, linewidths=0, zorder=3)
        if not fit.converged:
            ax.plot([], [], color=colour, label=f"{label} (fit failed)")
            continue
        grid = np.geomspace(lo, hi, 200)
        if hasattr(fit, "predict"):
            band = fit.predict(grid, interval="confidence", level=level)
        else:
            band = calculate_confidence_band(fit, grid, ci_level=level)
        ax.fill_between(grid, band["ci_low"], band["ci_high"], color=colour, alpha=0.18, lw=0)
        ax.plot(grid, band["prediction"], color=colour, lw=1.6, label=label)
    ax.set_xscale("log")
    ax.set_xlabel(f"{x} ({x_unit})" if x_unit else x)
    ax.set_ylabel(y_label or y)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_concentration_time(
    data: pd.DataFrame,
    *,
    subject: str,
    time: str,
    conc: str,
    time_unit: str = "h",
    conc_unit: str = "ng/mL",
    log: bool = True,
) -> Figure:
    """Observed concentration–time profiles, one line per subject (semi-log)."""
    import numpy as np

    fig, ax = _figure()
    for i, (name, grp) in enumerate(data.groupby(subject, sort=False)):
        t = grp[time].to_numpy(dtype=float)
        c = grp[conc].to_numpy(dtype=float)
        keep = np.isfinite(c) & ((c > 0) if log else True)
        ax.plot(
            t[keep],
            c[keep],
            marker="o",
            ms=3,
            lw=1,
            color=_COLOURS[i % len(_COLOURS)],
            label=str(name),
        )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel(f"concentration ({conc_unit})")
    ax.legend(frameon=False, fontsize=7, ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_pk_occupancy(
    profile: pd.DataFrame, *, conc_unit: str = "ng/mL", label: str | None = None
) -> Figure:
    """Simulated plasma concentration and receptor occupancy over time.

    Parameters
    ----------
    profile : DataFrame
        :func:`preclin.pk.simulate_pk` output: ``time``, ``conc`` and, when a
        Kd was given, ``occupancy`` (0–1), drawn on a second axis in %.
    """
    fig, ax = _figure()
    ax.plot(
        profile["time"],
        profile["conc"],
        color=_COLOURS[0],
        lw=1.8,
        label=f"plasma {label or ''}".strip(),
    )
    ax.set_xlabel("time (h)")
    ax.set_ylabel(f"total plasma concentration ({conc_unit})", color=_COLOURS[0])
    ax.spines[["top"]].set_visible(False)
    if "occupancy" in profile.columns:
        ax2 = ax.twinx()
        ax2.plot(profile["time"], 100 * profile["occupancy"], color=_COLOURS[1], lw=1.8, ls="--")
        ax2.set_ylabel("receptor occupancy (%)", color=_COLOURS[1])
        ax2.set_ylim(0, 100)
        ax2.spines[["top"]].set_visible(False)
    return fig


def _node_field(node: Any, name: str, default: Any = None) -> Any:
    if isinstance(node, Mapping):
        return node.get(name, default)
    return getattr(node, name, default)


def plot_pathway(pathway: Any, *, title: str | None = None) -> Figure:
    """A signalling pathway drawn as a layered graph (no Graphviz).

    Parameters
    ----------
    pathway : mapping or object
        :class:`preclin.receptor.Pathway` (:func:`preclin.receptor.load_pathway`),
        or anything with ``nodes`` (each with ``id``, optional ``label`` and
        ``type`` / ``kind``:
        ligand, receptor, g_protein, effector, second_messenger, channel,
        outcome) and ``edges`` (each with ``source``, ``target``, optional
        ``sign`` ``+``/``-`` and ``label``), as DataFrames, lists of
        mappings or objects with those attributes.
    title : str, optional
        Drawn above the graph.

    Notes
    -----
    Layers are the longest path from a source node (a DAG is assumed;
    back edges are drawn but ignored for layering). Labels are wrapped and
    measured with the Agg renderer, so each box fits its text and boxes of
    a layer never overlap; the order within layers comes from barycentre
    sweeps (fewer crossings), x positions from an isotonic fit to the
    neighbours' mean (Sugiyama-style), and an edge that skips layers is
    routed through them. Edge labels go where they collide least with boxes
    and other labels. Activation edges end in an arrow, inhibition (``-``)
    in a bar.
    """
    from preclin.report._pathway import draw_pathway

    return draw_pathway(
        _node_field(pathway, "nodes", []), _node_field(pathway, "edges", []), title=title
    )


def plot_workflow(schedule: Sequence[Any], *, title: str | None = None) -> Figure:
    """An experimental workflow: the study schedule on a day axis.

    Parameters
    ----------
    schedule : sequence
        Items with ``day`` (relative to the first treatment), ``event`` and
        optional ``test`` (mappings or :class:`preclin.invivo.ScheduleItem`).
    """
    import textwrap

    items = sorted(schedule, key=lambda s: float(_node_field(s, "day")))
    n = len(items)
    fig, ax = _figure(6.4, 1.1 + 0.55 * max(n, 1))
    days = [float(_node_field(s, "day")) for s in items]
    lo, hi = (min(days), max(days)) if days else (0.0, 1.0)
    span = (hi - lo) or 1.0
    ax.hlines(0, lo - 0.05 * span, hi + 0.05 * span, color="#5d6d7e", lw=2)
    for k, (item, day) in enumerate(zip(items, days, strict=True)):
        test = _node_field(item, "test")
        colour = _COLOURS[1] if test else _COLOURS[0]
        ax.plot([day], [0], marker="o", ms=8, color=colour, zorder=3)
        y = -(k + 1) * 0.8
        ax.plot([day, day], [0, y + 0.25], color="#aab7b8", lw=0.8, zorder=1)
        text = textwrap.fill(str(_node_field(item, "event")), 60)
        ax.text(
            day,
            y,
            f"day {day:g}: {text}" + (f"  [{test}]" if test else ""),
            ha="left" if day <= (lo + hi) / 2 else "right",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.3", "fc": "#f8f9f9", "ec": colour, "lw": 0.8},
        )
    ax.set_ylim(-(n + 0.6) * 0.8, 0.6)
    ax.set_xlim(lo - 0.6 * span, hi + 0.6 * span)
    ax.set_yticks([])
    ax.set_xlabel("day (relative to the first treatment)")
    ax.spines[["top", "right", "left"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
