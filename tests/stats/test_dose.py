"""Dose-finding against R multcomp (shared ToothGrowth reference and
reference/stats/design_dose.json made by design_dose.R on the CMS example)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from preclin.core import InputError
from preclin.datasets import load_example
from preclin.stats import dose_window, minimum_effective_dose, williams_test
from preclin.testing import assert_allclose

DV, DOSE = "sucrose_intake_g", "dose_mg_kg_day"
P_ATOL = 1e-4  # both sides integrate the multivariate t by randomised QMC


@pytest.fixture(scope="module")
def ref(local_reference):
    return json.loads((local_reference / "stats" / "design_dose.json").read_text())


@pytest.fixture(scope="module")
def tooth(shared_reference):
    data = pd.read_csv(shared_reference / "stats" / "toothgrowth.csv")
    res = json.loads((shared_reference / "stats" / "toothgrowth_dose_oneway.json").read_text())
    return data, res["results"]


@pytest.fixture(scope="module")
def cms():
    return load_example("cms_dose_groups")


def test_williams_toothgrowth(tooth):
    data, res = tooth
    want = res["williams_increasing"]
    got = williams_test(data, "len", "dose", alternative="greater")
    assert list(got["contrast"]) == ["C1", "C2"]
    assert want["contrast_names"] == ["C 1", "C 2"]
    assert_allclose(got["estimate"], want["estimate"], "r_closed_form")
    assert_allclose(got["stderr"], want["se"], "r_closed_form")
    assert_allclose(got["statistic"], want["t"], "r_closed_form")
    assert_allclose(got["pvalue"], want["p_adj"], atol=P_ATOL)


def test_med_toothgrowth(tooth):
    data, res = tooth
    want = res["med_fixed_sequence"]
    got = minimum_effective_dose(data, "len", "dose", alpha=want["alpha"])
    assert list(got["dose"]) == [2.0, 1.0]
    assert_allclose(got["pvalue"], [s["p_one_sided"] for s in want["steps"]], "r_closed_form")
    assert list(got["rejected"]) == [s["rejected"] for s in want["steps"]]
    assert got.loc[got["is_med"], "dose"].item() == float(want["minimum_effective_dose"])


@pytest.mark.parametrize("alternative", ["greater", "two.sided"])
def test_williams_cms(ref, cms, alternative):
    want = ref[f"williams_{alternative}"]
    alt = "two-sided" if alternative == "two.sided" else alternative
    got = williams_test(cms, DV, DOSE, alternative=alt)
    assert_allclose(got["estimate"], want["estimate"], "r_closed_form")
    assert_allclose(got["stderr"], want["se"], "r_closed_form")
    assert_allclose(got["statistic"], want["t"], "r_closed_form")
    assert_allclose(got["pvalue"], want["p_adj"], atol=P_ATOL)
    assert_allclose(got["critical_value"].iloc[0], abs(want["critical"]), "iterative_se")
    assert_allclose(got["ci_low"], want["ci_low"], "iterative_se")
    if alt == "greater":
        assert np.isinf(got["ci_high"]).all()


def test_williams_is_reproducible_from_seed(cms):
    a = williams_test(cms, DV, DOSE, seed=3)
    b = williams_test(cms, DV, DOSE, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_med_cms_inverted_u_has_no_med(ref, cms):
    want = ref["med_fixed_sequence"]
    got = minimum_effective_dose(cms, DV, DOSE)
    step = want["steps"][0]
    assert got.loc[0, "dose"] == float(step["dose"])
    assert_allclose(got.loc[0, "pvalue"], step["p_one_sided"], "r_closed_form")
    assert_allclose(got.loc[0, "ci_low"], step["ci_low"], "r_closed_form")
    assert not got["rejected"].any() and not got["is_med"].any()
    assert want["minimum_effective_dose"] is None
    assert got["tested"].tolist() == [True, False, False, False, False]


@pytest.mark.parametrize("alternative", ["greater", "two.sided"])
def test_dose_window_dunnett_vs_r(ref, cms, alternative):
    want = ref[f"dunnett_{alternative}"]
    alt = "two-sided" if alternative == "two.sided" else alternative
    res = dose_window(cms, DV, DOSE, alternative=alt)
    comp = res.comparisons
    assert_allclose(comp["estimate"], want["estimate"], "r_closed_form")
    assert_allclose(comp["stderr"], want["se"], "r_closed_form")
    assert_allclose(comp["pvalue"], want["p_adj"], atol=P_ATOL)
    assert_allclose(comp["ci_low"], want["ci_low"], "iterative_se")
    assert (res.lowest_effective, res.highest_effective) == (2.5, 5.0)
    assert res.peak_dose == 5.0 and res.direction == "increase"


def test_dose_window_dunnett_vs_scipy(cms):
    groups = [cms.loc[cms[DOSE] == d, DV].to_numpy() for d in sorted(cms[DOSE].unique())]
    want = stats.dunnett(*groups[1:], control=groups[0], rng=1)
    res = dose_window(cms, DV, DOSE)
    assert_allclose(res.comparisons["statistic"], want.statistic, "closed_form")
    assert_allclose(res.comparisons["pvalue"], want.pvalue, atol=P_ATOL)


def test_dose_window_curvature_and_downturn(ref, cms):
    res = dose_window(cms, DV, DOSE, alternative="greater")
    q = ref["quadratic"]
    curv = res.curvature.iloc[0]
    for ours, theirs in [
        ("estimate", "estimate"),
        ("stderr", "se"),
        ("statistic", "t"),
        ("pvalue", "p"),
        ("ci_low", "ci_low"),
        ("ci_high", "ci_high"),
    ]:
        assert_allclose(curv[ours], q[theirs], "r_closed_form")
    down = res.downturn
    assert len(down) == len(ref["downturn"]) == 15
    assert_allclose(down["estimate"], [r["estimate"] for r in ref["downturn"]], "r_closed_form")
    assert_allclose(down["pvalue"], [r["p"] for r in ref["downturn"]], "r_closed_form")
    assert_allclose(down["pvalue_holm"], [r["p_holm"] for r in ref["downturn"]], "r_closed_form")
    assert res.non_monotone
    frame = res.to_frame()
    assert frame["kind"].tolist() == ["vs_control"] * 5 + ["curvature", "downturn"]
    assert frame.loc[frame["role"] == "lowest effective", "dose"].item() == 2.5
    assert frame.loc[frame["role"] == "highest effective", "dose"].item() == 5.0
    assert frame.loc[6, "term"] == "5 vs 10"
    assert "effective window 2.5 to 5" in res.summary()


def test_monotone_response_is_not_flagged_non_monotone():
    rng = np.random.default_rng(0)
    doses = np.repeat([0, 1, 3, 10, 30], 8)
    y = 10 + 3 * np.log1p(doses) + rng.normal(0, 1, doses.size)
    res = dose_window(pd.DataFrame({"d": doses, "y": y}), "y", "d", alternative="greater")
    assert not res.non_monotone
    assert res.highest_effective == 30.0
    med = minimum_effective_dose(pd.DataFrame({"d": doses, "y": y}), "y", "d")
    assert med["is_med"].sum() == 1


def test_decrease_direction_u_shape():
    # immobility falls at mid doses and comes back: a U, direction "decrease"
    rng = np.random.default_rng(1)
    doses = np.repeat([0, 1, 3, 10, 30], 10)
    mean = np.array([150, 150, 90, 85, 150])[np.searchsorted([0, 1, 3, 10, 30], doses)]
    y = mean + rng.normal(0, 12, doses.size)
    res = dose_window(pd.DataFrame({"d": doses, "y": y}), "y", "d")
    assert res.direction == "decrease"
    assert (res.lowest_effective, res.highest_effective) == (3.0, 10.0)
    assert res.non_monotone


def test_no_effective_dose():
    df = pd.DataFrame({"d": np.repeat([0, 1, 2], 5), "y": np.tile([1.0, 2, 3, 4, 5], 3)})
    res = dose_window(df, "y", "d")
    assert res.lowest_effective is None and not res.non_monotone
    assert "no dose differs from control" in res.summary()


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (
            {"d": ["vehicle", "1", "1", "vehicle"], "y": [1.0, 2, 3, 4]},
            {},
            r"row 0, column 'd': 'vehicle' is not a number",
        ),
        (
            {"d": [0, 0, 1, 1, 2], "y": [1.0, 2, 3, 4, 5]},
            {},
            r"group '2' has 1 value\(s\), needs at least 2",
        ),
        (
            {"d": [0, 0, 1, 1, 2, 2], "y": [1.0, 2, 3, 4, 5, 6]},
            {"control": 5},
            r"Invalid `control`: got 5, must be one of 0, 1, 2\.",
        ),
        (
            {"d": [0, 0, 1, 1, 2, 2], "y": [1.0, 2, 3, 4, 5, 6]},
            {"control": 1},
            r"must be the lowest dose \(0\)",
        ),
        (
            {"d": [0, 0, 1, 1, -2, -2], "y": [1.0, 2, 3, 4, 5, 6]},
            {},
            r"row 4, column 'd': dose -2 is not >= 0",
        ),
        (
            {"d": [0, 0, 1, 1, 2, 2], "y": [1.0, 2, 3, 4, 5, 6]},
            {"alpha": 0},
            r"Invalid `alpha`: got 0",
        ),
    ],
)
def test_bad_input(frame, kwargs, match):
    df = pd.DataFrame(frame)
    with pytest.raises(InputError, match=match):
        minimum_effective_dose(df, "y", "d", **kwargs)


def test_bad_input_other_functions():
    df = pd.DataFrame({"d": [0, 0, 1, 1], "y": [1.0, 2, 3, 4]})
    with pytest.raises(InputError, match="need a control and at least 2 doses"):
        williams_test(df, "y", "d")
    with pytest.raises(InputError, match="no column 'dose'"):
        dose_window(df, "y", "dose")
    with pytest.raises(InputError, match=r"Invalid `alternative`: got 'up'"):
        dose_window(df, "y", "d", alternative="up")
