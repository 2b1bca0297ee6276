"""Plate figures: concentration–response curves with confidence bands, and
plate heat maps. They draw what :func:`preclin.assays.fit_plates` and
:func:`preclin.curves.fit_curve` computed; nothing here fits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_plate_curves", "plot_plate_map", "sample_wells"]

_COLOURS = ("#1f5f8b", "#c0392b", "#27855a", "#8e44ad", "#d68910", "#566573", "#17a2b8")
_ROLE_MARK = {"neutral": "o", "inhibitor": "s", "agonist": "^", "blank": "D"}


def sample_wells(wells: Any, plate: Any, compound: str) -> Any:
    """The usable sample wells of one curve (what the plate fit used)."""
    import numpy as np

    sel = (
        (wells["plate"].astype(str) == str(plate))
        & (wells["role"] == "sample")
        & (wells["compound"].astype(str) == str(compound))
    )
    sub = wells[sel]
    ok = ~sub["saturated"].to_numpy(dtype=bool) & np.isfinite(
        sub["percent_activity"].to_numpy(dtype=float)
    )
    return sub[ok]


def plot_plate_curves(
    analysis: Any,
    fits: Mapping[str, Any],
    *,
    plate: Any = None,
    level: float = 0.95,
    x_display: tuple[str, float] | None = None,
) -> Figure:
    """Plate concentration–response curves: wells, fitted curves, confidence bands.

    Parameters
    ----------
    analysis : PlateAnalysis
        From :func:`preclin.assays.fit_plates` (its ``wells`` and ``settings``).
    fits : mapping
        Compound → :class:`preclin.curves.CurveFit` of that compound's wells
        (the same model and held parameters as the plate fit).
    plate : optional
        Plate id (default: the first plate).
    level : float
        Confidence level of the bands.
    x_display : (str, float), optional
        Unit and factor to show concentrations in (display only).

    Returns
    -------
    Figure
        % activity of each well against concentration (log axis), the fitted
        curve and its pointwise confidence band
        (:meth:`preclin.curves.CurveFit.predict` with ``interval="confidence"``).
    """
    import numpy as np
    from matplotlib.figure import Figure

    wells = analysis.wells
    plate = wells["plate"].iloc[0] if plate is None else plate
    unit, fx = x_display or (analysis.settings.get("unit") or "", 1.0)
    mode = analysis.settings.get("mode", "antagonist")
    fig = Figure(figsize=(5.8, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for i, (compound, fit) in enumerate(fits.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        sub = sample_wells(wells, plate, compound)
        xs = sub["conc"].to_numpy(dtype=float)
        ys = sub["percent_activity"].to_numpy(dtype=float)
        pos = xs[xs > 0]
        lo, hi = (pos.min() / 2, pos.max() * 2) if len(pos) else (1e-3, 1.0)
        ax.scatter(fx * np.where(xs > 0, xs, lo), ys, s=12, color=colour, alpha=0.7, linewidths=0)
        if fit is None or not fit.converged:
            ax.plot([], [], color=colour, label=f"{compound} (fit failed)")
            continue
        band = fit.predict(np.geomspace(lo, hi, 160), interval="confidence", level=level)
        ax.fill_between(
            fx * band["x"], band["ci_low"], band["ci_high"], color=colour, alpha=0.2, lw=0
        )
        ax.plot(fx * band["x"], band["prediction"], color=colour, lw=1.5, label=str(compound))
    ax.axhline(100, color="0.75", lw=0.7, ls=":")
    ax.axhline(0, color="0.75", lw=0.7, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel(f"concentration ({unit})" if unit else "concentration")
    ax.set_ylabel(
        "% activity (of the agonist control)"
        if mode != "agonist"
        else "% of the reference agonist"
    )
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_plate_map(
    analysis: Any, *, plate: Any = None, values: Sequence[str] = ("response", "percent_activity")
) -> Figure:
    """Plate heat maps: raw response and % activity by row and column.

    Parameters
    ----------
    analysis : PlateAnalysis
        From :func:`preclin.assays.fit_plates`.
    plate : optional
        Plate id (default: the first plate).
    values : sequence of str
        Columns of ``analysis.wells`` to map, one panel each.

    Returns
    -------
    Figure
        One heat map per value; control wells are marked (○ neutral,
        □ inhibitor, △ agonist, ◇ blank) and saturated wells crossed.
    """
    import numpy as np
    from matplotlib.figure import Figure

    wells = analysis.wells
    plate = wells["plate"].iloc[0] if plate is None else plate
    w = wells[wells["plate"].astype(str) == str(plate)]
    rows = sorted(w["row"].astype(str).unique(), key=lambda r: (len(r), r))
    n_cols = int(w["column"].max())
    r_index = {r: k for k, r in enumerate(rows)}
    ri = w["row"].astype(str).map(r_index).to_numpy()
    ci = w["column"].to_numpy(dtype=int) - 1
    width = min(7.0, 1.6 + 0.22 * n_cols)
    fig = Figure(
        figsize=(width, len(values) * (0.5 + 0.2 * len(rows) * min(1.0, 24 / n_cols))),
        layout="constrained",
    )
    axes = fig.subplots(len(values), 1, squeeze=False)[:, 0]
    labels = {"response": "response (counts)", "percent_activity": "% activity"}
    for ax, col in zip(axes, values, strict=True):
        grid = np.full((len(rows), n_cols), np.nan)
        grid[ri, ci] = w[col].to_numpy(dtype=float)
        im = ax.imshow(grid, cmap="viridis", aspect="equal", interpolation="nearest")
        fig.colorbar(im, ax=ax, shrink=0.9, pad=0.01)
        step = 2 if n_cols <= 24 else 4
        ax.set_xticks(range(0, n_cols, step), [str(c + 1) for c in range(0, n_cols, step)])
        rstep = 2 if len(rows) <= 16 else 4
        ax.set_yticks(range(0, len(rows), rstep), rows[::rstep])
        ax.tick_params(labelsize=7, length=0)
        ax.set_title(labels.get(col, col), fontsize=9)
        for role, marker in _ROLE_MARK.items():  # one marker layer per control role
            sel = (w["role"] == role).to_numpy()
            if sel.any():
                ax.scatter(ci[sel], ri[sel], marker=marker, s=9, facecolors="none",
                           edgecolors="white", linewidths=0.6)  # fmt: skip
        sat = w["saturated"].to_numpy(dtype=bool)
        if sat.any():
            ax.scatter(ci[sat], ri[sat], marker="x", s=10, color="red", linewidths=0.8)
    fig.suptitle(f"plate {plate}", fontsize=9)
    return fig
