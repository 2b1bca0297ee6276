"""Two-way ANOVA and simple effects against R 4.2 (aov, car::Anova type 3 with
contr.sum, emmeans pairs with Sidak; shared/reference/stats/toothgrowth_twoway.json)."""

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import DataQualityWarning, InputError
from preclin.stats import anova, anova2, simple_effects
from preclin.testing import assert_allclose

R8 = {"kind": "r_closed_form", "rtol": 1e-8}


@pytest.fixture(scope="module")
def tooth(shared_reference):
    data = pd.read_csv(shared_reference / "stats" / "toothgrowth.csv")
    ref = json.loads((shared_reference / "stats" / "toothgrowth_twoway.json").read_text())
    return data, ref


@pytest.mark.parametrize(
    ("ss_type", "key"), [(1, "anova_type1_aov"), (3, "anova_type3_car_contr_sum")]
)
def test_twoway_anova_matches_r(tooth, ss_type, key):
    data, ref = tooth
    want = pd.DataFrame(ref[key])
    want = want[want["term"] != "(Intercept)"].reset_index(drop=True)
    got = anova(data, "len", ["supp", "dose"], ss_type=ss_type)
    assert got["source"].tolist() == ["supp", "dose", "supp:dose", "Residual"]
    assert_allclose(got["df"], want["df"], **R8)
    assert_allclose(got["sum_sq"], want["ss"], **R8)
    assert_allclose(got["statistic"][:3], want["F"][:3], **R8)
    assert_allclose(got["pvalue"][:3], want["p"][:3], **R8)
    ss_total = want["ss"].sum()
    assert_allclose(got["eta_sq"][:3], want["ss"][:3] / ss_total, **R8)


def test_type2_equals_type1_when_balanced(tooth):
    data, _ = tooth
    t1 = anova2(data, "len", ["supp", "dose"], ss_type=1)
    t2 = anova2(data, "len", ["supp", "dose"], ss_type=2)
    assert_allclose(t1["sum_sq"], t2["sum_sq"], "closed_form", rtol=1e-9)


def test_unbalanced_type3_and_type1_warning(local_reference):
    # type III vs car::Anova(type = 3) on an unbalanced subset (reference/stats/groups_*)
    path = local_reference / "stats" / "groups_twoway_unbalanced.json"
    ref = json.loads(path.read_text())
    data = pd.DataFrame(ref["data"])
    got = anova2(data, "len", ["supp", "dose"], ss_type=3)
    want = pd.DataFrame(ref["anova_type3"])
    want = want[want["term"] != "(Intercept)"].reset_index(drop=True)
    assert_allclose(got["sum_sq"], want["ss"], **R8)
    assert_allclose(got["pvalue"][:3], want["p"][:3], **R8)
    t2 = anova2(data, "len", ["supp", "dose"], ss_type=2)
    assert_allclose(t2["sum_sq"], pd.DataFrame(ref["anova_type2"])["ss"], **R8)
    with pytest.warns(DataQualityWarning, match="type I sums of squares depend on the order"):
        t1 = anova2(data, "len", ["supp", "dose"], ss_type=1)
    assert_allclose(t1["sum_sq"], pd.DataFrame(ref["anova_type1"])["ss"], **R8)


def test_simple_effects_sidak_matches_emmeans(tooth):
    data, ref = tooth
    want = pd.DataFrame(ref["simple_effects_supp_within_dose"])
    got = simple_effects(data, "len", "supp", by="dose", control="VC")
    assert got["group"].tolist() == ["OJ"] * 3
    assert_allclose(got["estimate"], want["estimate"], "r_closed_form", atol=1e-12)
    assert_allclose(got["stderr"], want["se"], **R8)
    assert_allclose(got["statistic"], want["t"], "r_closed_form", atol=1e-12)
    assert (got["df"] == 54).all()
    assert_allclose(got["pvalue"], want["p_sidak"], **R8)
    assert_allclose(got["ci_low"], want["sidak_lwr"], **R8)
    assert_allclose(got["ci_high"], want["sidak_upr"], **R8)
    bonf = simple_effects(data, "len", "supp", by="dose", control="VC", padjust="bonferroni")
    assert_allclose(bonf["pvalue"], want["p_bonferroni"], **R8)


def test_simple_effects_dose_vs_control_unadjusted(tooth):
    data, ref = tooth
    want = pd.DataFrame(ref["emmeans_dose_vs_0.5_within_supp_unadjusted"])
    got = simple_effects(data, "len", "dose", by="supp", control=0.5, padjust="none")
    assert got["supp"].tolist() == ["VC", "VC", "OJ", "OJ"]  # order of first appearance
    got = got.sort_values(["supp", "group"]).reset_index(drop=True)
    assert_allclose(got["estimate"], want["estimate"], **R8)
    assert_allclose(got["pvalue"], want["p.value"], **R8)


def test_empty_cell_and_bad_factors(tooth):
    data, _ = tooth
    sub = data[~((data["supp"] == "OJ") & (data["dose"] == 2))]
    with pytest.raises(InputError, match=r"no data for the cell supp='OJ', dose=2.0"):
        anova2(sub, "len", ["supp", "dose"])
    with pytest.raises(InputError, match="must name two different group columns"):
        anova2(data, "len", ["supp", "supp"])
    with pytest.raises(InputError, match="must name one or two group columns"):
        anova(data, "len", ["supp", "dose", "len"])


def test_one_value_per_cell_has_no_residual():
    df = pd.DataFrame({"a": list("xxyy"), "b": list("pqpq"), "y": np.arange(4.0)})
    with pytest.raises(InputError, match="no residual degrees of freedom"):
        anova2(df, "y", ["a", "b"])
