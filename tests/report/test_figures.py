"""Guide figures draw what the science rooms computed (no inference in the report room)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import preclin.report


def test_report_room_does_no_inference():
    """Bands come from preclin.curves; the report room never touches Jacobians or vcov."""
    room = Path(preclin.report.__file__).parent
    for path in room.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.jacobian\(|\.vcov\b|stats\.t\.ppf", text), path.name


def test_curve_figure_band_is_the_curves_band():
    from preclin.curves import calculate_confidence_band, fit_global
    from preclin.datasets import load_example
    from preclin.report import plot_curve_fits

    df = load_example("concentration_response")
    one = df[(df.compound == "MTEP") & (df.plate == "P1")]
    fit = fit_global(one, x="conc_uM", y="response", curve="compound", share=[])
    fig = plot_curve_fits([fit], [one], x="conc_uM", y="response")
    ax = fig.axes[0]
    line = ax.lines[0]
    band = calculate_confidence_band(fit, line.get_xdata())
    np.testing.assert_array_equal(line.get_ydata(), band["prediction"].to_numpy())
    verts = ax.collections[-1].get_paths()[0].vertices  # the fill_between polygon
    assert np.isclose(verts[:, 1].max(), band["ci_high"].max())
    assert np.isclose(verts[:, 1].min(), band["ci_low"].min())


def test_log_ticks_are_plain_text():
    """Log tick labels become Unicode text (no mathtext parse per label), same ticks."""
    from matplotlib.figure import Figure

    from preclin.report._figures import _unicode_tick, figure_to_svg

    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([1e-7, 1e-4], [0, 1])
    ax.set_xscale("log")
    ax2 = fig.add_subplot(212)
    ax2.plot([0.3, 3.0], [0, 1])
    ax2.set_xscale("log")
    svg = figure_to_svg(fig)
    assert "10⁻⁷" in svg and "10⁻⁵" in svg
    assert ">0.3<" in svg and ">3<" in svg  # decimals in the readable range
    assert "mathdefault" not in svg and "$" not in svg
    assert _unicode_tick(r"$\mathdefault{2\times10^{-1}}$") == "2×10⁻¹"


def test_guides_have_no_mathtext(seed_guides):
    for path in seed_guides.values():
        assert "mathdefault" not in path.read_text(encoding="utf-8")
