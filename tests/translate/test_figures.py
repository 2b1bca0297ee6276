"""Translation figures return matplotlib Figures with the expected content."""

import pytest

from preclin.core import InputError
from preclin.knowledge import KnowledgeBase
from preclin.translate import bridge, plot_bridge, plot_occupancy_dose, plot_power_curve


@pytest.fixture(scope="module")
def basim(tmp_path_factory):
    with KnowledgeBase(tmp_path_factory.mktemp("kb") / "kb.duckdb") as kb:
        return bridge("basimglurant", kb=kb, doses=[0.3, 1.0, 3.0], species="rat")


def test_power_curve_lines_and_points():
    fig = plot_power_curve(effect_smd=0.3, n=[50, 150], simulate=True, n_sim=200, seed=1)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "patients per arm"
    assert len(ax.lines) >= 2  # the closed form and the target line (+ error bars)
    fig = plot_power_curve(effect_smd=[0.1, 0.3], n=100, vary="effect")
    assert fig.axes[0].get_xlabel() == "effect (SMD)"
    with pytest.raises(InputError, match="Invalid `vary`"):
        plot_power_curve(vary="alpha")
    with pytest.raises(InputError, match=r"Invalid argument\(s\) colour"):
        plot_power_curve(colour="red")


def test_bridge_figures(basim):
    fig = plot_occupancy_dose(basim)
    assert len(fig.axes) == 2
    assert fig.axes[1].get_xlabel() == "human daily dose (mg)"
    fig = plot_bridge(basim)
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "Gaps:" in texts and "no human PK" in texts
