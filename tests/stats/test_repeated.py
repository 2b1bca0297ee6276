"""Repeated measures against R 4.2 (lme4::lmer + lmerTest Satterthwaite, car::Anova
on the wide mlm with Greenhouse-Geisser; reference/stats/groups_repeated.*)."""

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import DataQualityWarning, InputError
from preclin.stats import mixed_model, rm_anova
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def study(local_reference):
    data = pd.read_csv(local_reference / "stats" / "groups_repeated_data.csv")
    data["group"] = pd.Categorical(data["group"], ["vehicle", "low", "high"])
    ref = json.loads((local_reference / "stats" / "groups_repeated.json").read_text())
    return data, ref


@pytest.fixture(scope="module")
def fit(study):
    data, _ = study
    return mixed_model(data, "sucrose_pct", subject="rat", within="week", between="group")


def test_rm_anova_matches_car_with_greenhouse_geisser(study):
    data, ref = study
    got = rm_anova(data, "sucrose_pct", within="week", subject="rat", between="group")
    uni = pd.DataFrame(ref["car_univariate"]).iloc[1:].reset_index(drop=True)
    assert got["source"].tolist() == ["group", "week", "group:week"]
    assert_allclose(got["sum_sq"], uni["ss"], "r_closed_form", rtol=1e-8)
    assert_allclose(got["df_denom"], uni["den_df"], "r_closed_form")
    assert_allclose(got["statistic"], uni["F"], "r_closed_form", rtol=1e-8)
    assert_allclose(got["pvalue"], uni["p"], "r_closed_form", rtol=1e-8)
    gg = pd.DataFrame(ref["greenhouse_geisser"])
    assert_allclose(got["eps_gg"][1:], gg["eps"], "r_closed_form", rtol=1e-8)
    assert_allclose(got["pvalue_gg"][1:], gg["p_gg"], "r_closed_form", rtol=1e-8)


def test_rm_anova_interaction_equals_aov_error_strata(study):
    # the interaction and the error stratum do not depend on the SS type
    data, ref = study
    got = rm_anova(data, "sucrose_pct", within="week", subject="rat", between="group")
    within = pd.DataFrame(ref["aov_within"])
    assert_allclose(got["sum_sq"][2], within["ss"][1], "r_closed_form", rtol=1e-8)
    between = pd.DataFrame(ref["aov_between"])
    assert_allclose(got["sum_sq"][0], between["ss"][0], "r_closed_form", rtol=1e-8)


def test_mixed_fixed_effects_match_lmer(study, fit):
    _, ref = study
    want = pd.DataFrame(ref["fixed"])
    assert len(fit.fixed) == len(want) and fit.converged and fit.message == ""
    assert fit.fixed["term"].tolist()[:4] == [
        "(Intercept)",
        "group[low]",
        "group[high]",
        "week[1]",
    ]
    assert_allclose(fit.fixed["estimate"], want["estimate"], "iterative", rtol=1e-5)
    assert_allclose(fit.fixed["stderr"], want["se"], "iterative_se")
    assert_allclose(fit.fixed["df"], want["df"], "iterative_se")
    assert_allclose(fit.fixed["pvalue"], want["p"], "iterative_se")


def test_mixed_variance_components_match_lmer(study, fit):
    _, ref = study
    want = pd.DataFrame(ref["variance"])
    assert_allclose(fit.variance["variance"], want["variance"], "iterative")


def test_mixed_type3_satterthwaite_tests_match_lmertest(study, fit):
    _, ref = study
    want = pd.DataFrame(ref["anova_satterthwaite"])
    assert fit.tests["source"].tolist() == ["group", "week", "group:week"]
    assert (fit.tests["df"] == want["num_df"]).all()
    assert_allclose(fit.tests["df_denom"], want["den_df"], "iterative_se")
    assert_allclose(fit.tests["statistic"], want["F"], "iterative")
    assert_allclose(fit.tests["pvalue"], want["p"], "iterative_se")


def test_mixed_uses_incomplete_animals_rm_anova_drops_them(study):
    data, _ = study
    part = data.drop(index=[5, 30])  # two animals lose one week
    with pytest.warns(DataQualityWarning, match="dropped 2 animal"):
        table = rm_anova(part, "sucrose_pct", within="week", subject="rat", between="group")
    assert table["df_denom"].tolist() == [18, 54, 54]
    fit = mixed_model(part, "sucrose_pct", subject="rat", within="week", between="group")
    assert fit.n == len(part) and fit.n_subjects == 23


def test_within_only_design(study):
    data, _ = study
    one = data[data["group"] == "vehicle"]
    t = rm_anova(one, "sucrose_pct", within="week", subject="rat")
    assert t["source"].tolist() == ["week"] and t["df_denom"].item() == 21
    assert 1 / 3 <= t["eps_gg"].item() <= 1


# -- bad input -----------------------------------------------------------------


def test_missing_subject_id(study):
    data, _ = study
    bad = data.copy()
    bad["rat"] = bad["rat"].astype(object)
    bad.loc[7, "rat"] = None
    with pytest.raises(InputError, match=r"row 7, column 'rat': missing subject id"):
        mixed_model(bad, "sucrose_pct", subject="rat", within="week", between="group")


def test_duplicate_time_and_subject_in_two_groups(study):
    data, _ = study
    dup = pd.concat([data, data.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="subject 'R01' has two values for week=0"):
        rm_anova(dup, "sucrose_pct", within="week", subject="rat", between="group")
    moved = data.copy()
    moved["group"] = moved["group"].astype(str)
    moved.loc[0, "group"] = "low"
    with pytest.raises(InputError, match="subject 'R01' appears in more than one 'group'"):
        rm_anova(moved, "sucrose_pct", within="week", subject="rat", between="group")


def test_empty_cell_in_mixed_model(study):
    data, _ = study
    sub = data[~((data["group"] == "high") & (data["week"] == 3))]
    with pytest.raises(InputError, match="group × time cells have no data"):
        mixed_model(sub, "sucrose_pct", subject="rat", within="week", between="group")


def test_non_numeric_response(study):
    data, _ = study
    bad = data.astype({"sucrose_pct": object})
    bad.loc[3, "sucrose_pct"] = "seventy"
    with pytest.raises(InputError, match=r"column 'sucrose_pct': 'seventy' is not a number"):
        rm_anova(bad, "sucrose_pct", within="week", subject="rat")


def test_no_within_variation():
    df = pd.DataFrame(
        {
            "rat": np.repeat(["a", "b", "c"], 3),
            "week": [0, 1, 2] * 3,
            "y": np.repeat([1.0, 2.0, 3.0], 3),
        }
    )
    with pytest.raises(InputError, match="do not vary within animals"):
        rm_anova(df, "y", within="week", subject="rat")
