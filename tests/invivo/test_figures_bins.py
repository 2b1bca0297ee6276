"""Figures return matplotlib Figures (no pyplot); time bins from event logs for κ."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from preclin.core import InputError
from preclin.datasets import example_path, load_example
from preclin.invivo import (
    calculate_agreement,
    calculate_fst_bins,
    calculate_fst_from_events,
    calculate_time_course,
    plot_bland_altman,
    plot_dose_response,
    plot_groups,
    plot_study,
    summarize_groups,
)


def test_group_and_dose_figures_have_stars_and_window():
    data = load_example("fst_groups")
    s = summarize_groups(data, "immobility_s", control="vehicle", alternative="less",
                         dose="dose_mg_kg")  # fmt: skip
    fig = plot_groups(s, data)
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    n_sig = int(s.contrasts["significant"].sum())
    assert sum(1 for t in texts if t.startswith("*")) == n_sig
    box = plot_groups(s, data, kind="box")
    assert isinstance(box, Figure)
    dr = plot_dose_response(s, groups=["1mg/kg", "3mg/kg", "10mg/kg"])
    assert len(dr.axes[0].patches) >= 1  # the shaded effective window
    with pytest.raises(InputError, match="Invalid `kind`"):
        plot_groups(s, data, kind="violin")


def test_time_course_data_and_study_figures(tmp_path, cms_result):
    res = cms_result
    tc = calculate_time_course(res.readouts[0].scores, "preference_pct")
    assert set(tc.columns) >= {"group", "week", "n", "mean", "sem"}
    assert tc["n"].sum() == 56 * 9 - 2  # two missing sessions
    figs = plot_study(res)
    assert any(k.endswith("time_course") for k in figs)
    for name, fig in figs.items():
        fig.savefig(tmp_path / f"{name}.svg")
    assert len(list(tmp_path.glob("*.svg"))) == len(figs)


def test_bins_match_event_durations():
    ev = load_example("fst_events")
    bins = calculate_fst_bins(ev, bin_s=1.0, window="0-360s")
    counts = bins[bins["behavior"] == "immobility"].groupby("animal").size()
    exact = calculate_fst_from_events(ev, window="0-360s").set_index("animal")["immobility_s"]
    # midpoint sampling at 1 s is within a second per bout of the exact durations
    n_bouts = ev[ev["behavior"] == "immobility"].groupby("animal").size()
    diff = (counts.reindex(exact.index).fillna(0) - exact).abs()
    assert (diff <= n_bouts.reindex(exact.index).fillna(0) + 1e-9).all()
    b = pd.read_csv(example_path("fst_rater_b"))
    bins_b = calculate_fst_bins(b, bin_s=5.0)
    bins_a = calculate_fst_bins(ev, bin_s=5.0)
    agree = calculate_agreement(
        calculate_fst_from_events(ev), calculate_fst_from_events(b),
        labels=(bins_a["behavior"], bins_b["behavior"]),
    )  # fmt: skip
    kappa = agree.table.set_index("measure").loc["kappa", "estimate"]
    assert 0.6 < kappa < 1.0
    assert isinstance(plot_bland_altman(agree), Figure)
    assert np.isfinite(agree.table["estimate"]).all()
