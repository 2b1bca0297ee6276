"""One-way tests against R 4.2 (aov, oneway.test, car::leveneTest, bartlett.test,
kruskal.test, shapiro.test; shared/reference/stats)."""

import numpy as np
import pandas as pd
import pytest

from preclin.core import DataQualityWarning, InputError
from preclin.stats import (
    anova,
    brown_forsythe_anova,
    homoscedasticity,
    kruskal,
    normality_residuals,
    welch_anova,
)
from preclin.testing import assert_allclose

from ._groups_ref import CASES, load_case

R8 = {"kind": "r_closed_form", "rtol": 1e-8}


@pytest.mark.parametrize("case", sorted(CASES))
def test_anova_table_matches_r(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    got = anova(data, dv, between)
    table = pd.DataFrame(ref["anova"]["table"])
    assert got["source"].tolist() == [between, "Residual"]
    assert_allclose(got["df"], table["df"], **R8)
    assert_allclose(got["sum_sq"], table["ss"], **R8)
    assert_allclose(got["mean_sq"], table["ms"], **R8)
    assert_allclose(got["statistic"][0], table["F"][0], **R8)
    assert_allclose(got["pvalue"][0], table["p"][0], **R8)
    assert_allclose(got["eta_sq"][0], ref["anova"]["eta_squared"], **R8)
    assert_allclose(got["omega_sq"][0], ref["anova"]["omega_squared"], **R8)
    assert_allclose(got["cohens_f"][0], ref["anova"]["cohens_f"], **R8)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(
    ("func", "key"), [(welch_anova, "welch"), (brown_forsythe_anova, "brown_forsythe_means")]
)
def test_robust_anovas_match_r(shared_reference, case, func, key):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    got = func(data, dv, between).iloc[0]
    want = ref[key]
    assert_allclose(got["statistic"], want["F"], **R8)
    assert_allclose(got["df"], want["df_num"], **R8)
    assert_allclose(got["df_denom"], want["df_den"], **R8)
    assert_allclose(got["pvalue"], want["p"], **R8)


@pytest.mark.parametrize("case", sorted(CASES))
def test_kruskal_matches_r(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    got = kruskal(data, dv, between).iloc[0]
    want = ref["kruskal_dunn_all_pairs"]["kruskal"]
    assert_allclose(got["statistic"], want["H"], **R8)
    assert got["df"] == want["df"]
    assert_allclose(got["pvalue"], want["p"], **R8)


@pytest.mark.parametrize("case", sorted(CASES))
def test_variance_tests_match_r(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    bf = homoscedasticity(data, dv, between, method="brown-forsythe").iloc[0]
    want = ref["brown_forsythe_variances"]
    assert_allclose(bf["statistic"], want["F"], **R8)
    assert_allclose(bf["pvalue"], want["p"], **R8)
    assert (bf["df"], bf["df_denom"]) == (want["df_num"], want["df_den"])
    bart = homoscedasticity(data, dv, between, method="bartlett").iloc[0]
    assert_allclose(bart["statistic"], ref["bartlett"]["K2"], **R8)
    assert_allclose(bart["pvalue"], ref["bartlett"]["p"], **R8)


def test_levene_mean_centred_is_anova_of_absolute_deviations(shared_reference):
    # independent route: Levene (1960) = one-way ANOVA on |y - group mean|
    data, _, dv, between, _ = load_case(shared_reference, "plantgrowth_oneway")
    dev = data.assign(d=(data[dv] - data.groupby(between)[dv].transform("mean")).abs())
    want = anova(dev, "d", between).iloc[0]
    got = homoscedasticity(data, dv, between, method="levene").iloc[0]
    assert_allclose(got["statistic"], want["statistic"], "closed_form", rtol=1e-9)


@pytest.mark.parametrize("case", sorted(CASES))
def test_shapiro_residuals_match_r(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    got = normality_residuals(data, dv, between).iloc[0]
    assert_allclose(got["statistic"], ref["shapiro_residuals"]["W"], "r_closed_form")
    assert_allclose(got["pvalue"], ref["shapiro_residuals"]["p"], "iterative")


# -- bad input -----------------------------------------------------------------


def _toy(**over):
    df = pd.DataFrame({"g": list("aaabbbccc"), "y": [1, 2, 3, 2, 3, 5, 4, 6, 9.0]})
    for k, v in over.items():
        df[k] = v
    return df


@pytest.mark.parametrize("func", [anova, welch_anova, brown_forsythe_anova, kruskal])
def test_group_with_one_value_is_an_input_error(func):
    df = _toy().iloc[:7]
    with pytest.raises(InputError, match=r"group 'c' has n = 1, needs n >= 2"):
        func(df, "y", "g")


def test_all_equal_values_is_an_input_error():
    df = _toy(y=5.0)
    with pytest.raises(InputError, match="do not vary within any group"):
        anova(df, "y", "g")


def test_non_numeric_response_names_file_row_column():
    df = _toy(y=["1", "2", "3", "2", "n/a?", "5", "4", "6", "9"])
    df.attrs.update(source="fst.csv", first_row=2)
    with pytest.raises(InputError, match=r"fst.csv, row 6, column 'y': 'n/a\?' is not a number"):
        anova(df, "y", "g")


def test_missing_column_and_one_group():
    with pytest.raises(InputError, match="no column 'dose'"):
        anova(_toy(), "y", "dose")
    with pytest.raises(InputError, match="needs at least 2 groups, found 1"):
        anova(_toy(g="a"), "y", "g")


def test_missing_group_label_is_an_input_error():
    df = _toy(g=["a", "a", "a", "b", None, "b", "c", "c", "c"])
    with pytest.raises(InputError, match=r"row 4, column 'g': missing group label"):
        kruskal(df, "y", "g")


def test_empty_response_dropped_with_warning():
    df = _toy(y=[1, 2, 3, 2, 3, 5, 4, 6, np.nan])
    with pytest.warns(DataQualityWarning, match="dropped 1 row"):
        out = anova(df, "y", "g")
    assert out["df"].tolist() == [2, 5]


def test_bad_method_message():
    with pytest.raises(InputError, match=r"Invalid `method`: got 'f', must be one of levene"):
        homoscedasticity(_toy(), "y", "g", method="f")
