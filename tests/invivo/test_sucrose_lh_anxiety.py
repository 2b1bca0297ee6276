"""CMS sucrose preference, learned helplessness and anxiety-test scoring (hand-computed)."""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from preclin.core import InputError
from preclin.datasets import load_example
from preclin.invivo import (
    calculate_epm,
    calculate_lh_scores,
    calculate_light_dark,
    calculate_open_field,
    calculate_responders,
    calculate_sucrose_preference,
    fit_lh_binomial,
)
from preclin.testing import assert_allclose


def _cms():
    return pd.DataFrame(
        {
            "animal": ["A", "A", "A", "B", "B"],
            "week": [0, 1, 2, 0, 2],
            "sucrose_g": [8.0, 4.0, 9.0, 10.0, 2.0],
            "water_g": [2.0, 4.0, 1.0, 0.0, 6.0],
            "bw": [300.0, 310.0, 320.0, 250.0, 260.0],
        }
    )


def test_sucrose_preference_hand_computed():
    out = calculate_sucrose_preference(_cms(), body_weight="bw", baseline_week=0)
    assert_allclose(out["preference_pct"], [80, 50, 90, 100, 25])
    assert_allclose(out["sucrose_g_per_kg"], [8 / 0.3, 4 / 0.31, 9 / 0.32, 10 / 0.25, 2 / 0.26])
    assert_allclose(out["preference_change"], [0, -30, 10, 0, -75], atol=1e-12)
    assert_allclose(out["sucrose_pct_baseline"], [100, 50, 112.5, 100, 20])
    assert out.attrs["missing"] == [("B", 1.0)]
    r = calculate_responders(out, cutoff=85).set_index("animal")
    assert r.loc["A", "anhedonic"] and r.loc["A", "responder"]
    assert not r.loc["B", "anhedonic"]


@pytest.mark.parametrize(
    ("col", "row", "value", "kwargs", "match"),
    [
        ("water_g", 1, -1.0, {}, r"row 1, column 'water_g': intake -1 is not >= 0"),
        (
            "sucrose_g",
            2,
            120.0,
            {"capacity": 100},
            r"row 2, column 'sucrose_g': .*above the bottle",
        ),
        ("week", 4, 0, {}, r"row 4, column 'week': animal 'B' has two rows for week 0"),
        ("week", 3, 1, {"baseline_week": 0}, r"animal 'B' has no baseline"),
    ],
)
def test_sucrose_bad_input(col, row, value, kwargs, match):
    d = _cms()
    d.loc[row, col] = value
    with pytest.raises(InputError, match=match):
        calculate_sucrose_preference(d, **kwargs)


def test_lh_scores_hand_computed_and_binomial():
    t = pd.DataFrame(
        {
            "animal": ["a"] * 4 + ["b"] * 4,
            "group": ["v"] * 4 + ["d"] * 4,
            "session": [1, 1, 2, 2] * 2,
            "trial": [1, 2, 1, 2] * 2,
            "latency_s": [np.nan, 3.0, 10.0, 2.0, 1.0, 1.0, np.nan, 4.0],
            "itc": [1, 0, 2, 3, 0, 0, 1, 1],
        }
    )
    s = calculate_lh_scores(t, cutoff_s=10, criterion=1).set_index("animal")
    assert s.loc["a", "failures_s1"] == 1 and s.loc["a", "failures_s2"] == 1
    assert_allclose(s.loc["a", "latency_s1"], 6.5)
    assert_allclose(s.loc["b", "latency_total"], (1 + 1 + 10 + 4) / 4)
    assert s.loc["a", "itc_total"] == 6
    assert bool(s.loc["a", "helpless"]) and not bool(s.loc["b", "helpless"])
    long = calculate_lh_scores(t, cutoff_s=10, long=True)
    assert long["failures"].tolist() == [1, 1, 0, 1]
    with pytest.raises(InputError, match=r"row 7, column 'trial': animal 'b' has trial 2"):
        calculate_lh_scores(t.assign(trial=[1, 2, 1, 2, 1, 2, 2, 2]), cutoff_s=10)


def test_lh_binomial_matches_direct_maximum_likelihood():
    scores = calculate_lh_scores(load_example("lh_trials"), cutoff_s=10)
    fit = fit_lh_binomial(scores, control="shock vehicle")
    # independent: maximise the binomial likelihood with scipy, one logit per group
    f = scores.groupby("group")["failures_total"].sum()
    n = scores.groupby("group")["trials_total"].sum()
    p_hat = f / n  # the MLE of a saturated group model is the pooled proportion
    logit = np.log(p_hat / (1 - p_hat))
    expected = (logit - logit["shock vehicle"]).drop("shock vehicle")
    got = fit.set_index("group")["estimate"]
    assert_allclose(got[expected.index], expected, "iterative")

    def nll(b):
        return -np.sum(f * b - n * np.log1p(np.exp(b)))

    b = optimize.minimize(nll, np.zeros(len(f)), method="BFGS").x
    assert_allclose(b, logit.to_numpy(), "iterative", rtol=1e-3)


def test_epm_light_dark_open_field_hand_computed():
    arms = {"open_a": [-10, -1, -1, 1], "open_b": [1, -1, 10, 1],
            "closed_a": [-1, -10, 1, -1], "closed_b": [-1, 1, 1, 10]}  # fmt: skip
    t = pd.DataFrame(
        {
            "animal": ["r1"] * 6 + ["r2"] * 4,
            "x": [0, 5, 5, 0, 0, 0, -5, -5, 5, 0],
            "y": [0, 0, 0, 0, 5, 5, 0, 0, 0, 5],
        }
    )
    e = calculate_epm(t, arms, fps=2).set_index("animal")
    assert_allclose(e.loc["r1", ["open_time_s", "closed_time_s"]], [1.0, 1.0])
    assert e.loc["r2", "open_entries"] == 1  # started in open_a (not an entry), entered open_b
    assert e.loc["r2", "closed_entries"] == 1
    assert_allclose(e.loc["r2", "open_time_pct"], 75.0)
    ld = calculate_light_dark(t, {"light": [-20, -20, 0.5, 20], "dark": [0.5, -20, 20, 20]},
                              fps=1).set_index("animal")  # fmt: skip
    assert_allclose(ld.loc["r1", ["light_time_s", "dark_time_s"]], [4.0, 2.0])
    assert ld.loc["r1", "transitions"] == 2
    assert_allclose(ld.loc["r1", "latency_dark_s"], 1.0)
    of = calculate_open_field(t, arena=[-10, -10, 10, 10], fps=1, px_per_cm=2.0)
    of = of.set_index("animal")
    assert_allclose(of.loc["r1", "distance"], (5 + 0 + 5 + 5 + 0) / 2)
    # centre square [-5, 5) x [-5, 5): only the two frames at (0, 0)
    assert_allclose(of.loc["r1", "centre_time_s"], 2.0)
    with pytest.raises(InputError, match="no zone name starts with 'open'"):
        calculate_epm(t, {"left": [0, 0, 1, 1]}, fps=1)
    with pytest.raises(InputError, match=r"Invalid zone 'bad'"):
        calculate_epm(t, {"bad": [0, 1]}, fps=1)
