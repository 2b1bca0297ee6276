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
