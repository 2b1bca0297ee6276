"""Model comparison against drc 3.2.0: anova (F test), modelFit (lack of fit), mselect."""

import json

import pandas as pd
import pytest

from preclin.core import InputError
from preclin.curves import calculate_f_test, calculate_lack_of_fit, compare_models, fit_global
from preclin.testing import assert_allclose

DRC_NAME = {"ll4": "LL.4", "ll3": "LL.3", "ll5": "LL.5", "w1.4": "W1.4", "w2.4": "W2.4",
            "w1.3": "W1.3"}  # fmt: skip


@pytest.fixture(scope="module")
def ryegrass(shared_reference):
    return pd.read_csv(shared_reference / "doseresponse" / "ryegrass.csv")


@pytest.fixture(scope="module")
def rg_ref(shared_reference):
    with open(shared_reference / "doseresponse" / "drc_ryegrass.json") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def salba(shared_reference):
    return pd.read_csv(shared_reference / "doseresponse" / "S.alba.csv")


def test_f_test_shared_vs_separate(shared_reference, salba):
    with open(shared_reference / "doseresponse" / "drc_S.alba.json") as fh:
        rows = json.load(fh)["anova_shared_vs_separate"]["rows"]
    # from drc's own RSS: the statistic is a closed form
    got = calculate_f_test({"rss": rows[0]["RSS"], "df": rows[0]["ModelDf"]},
                           {"rss": rows[1]["RSS"], "df": rows[1]["ModelDf"]})  # fmt: skip
    assert_allclose(got.loc[1, ["df_diff", "statistic", "pvalue"]].to_numpy(float),
                    [rows[1]["Df"], rows[1]["F value"], rows[1]["p value"]],
                    "r_closed_form")  # fmt: skip
    # from our fits (drc stops 6e-6 short of the optimum in RSS: 1e-3 on F)
    shared = fit_global(salba, x="Dose", y="DryMatter", curve="Herbicide")
    separate = fit_global(salba, x="Dose", y="DryMatter", curve="Herbicide", share=[])
    got = calculate_f_test(shared, separate)
    assert list(got.columns) == ["model", "df", "rss", "df_diff", "statistic", "pvalue"]
    assert_allclose(got["rss"], [rows[0]["RSS"], rows[1]["RSS"]], "iterative")
    assert_allclose(got.loc[1, ["statistic", "pvalue"]].to_numpy(float),
                    [rows[1]["F value"], rows[1]["p value"]], "iterative_se")  # fmt: skip


def test_lack_of_fit_matches_modelfit(ryegrass, rg_ref):
    fit = fit_global(ryegrass.assign(c="1"), x="conc", y="rootl", curve="c", share=[])
    got = calculate_lack_of_fit(fit)
    exp = rg_ref["LL4"]["modelFit"]
    assert_allclose(got["df"], exp["df"], "closed_form")
    assert_allclose(got["rss"], exp["rss"], "iterative")
    assert_allclose(got.loc[1, ["statistic", "pvalue"]].to_numpy(float), [exp["F"], exp["p"]],
                    "iterative_se")  # fmt: skip


def test_compare_models_matches_mselect(ryegrass, rg_ref):
    got = compare_models(ryegrass, x="conc", y="rootl",
                         models=["ll3", "ll5", "w1.4", "w2.4", "w1.3", "ll4"])  # fmt: skip
    ref = {r["term"]: r for r in rg_ref["LL4"]["mselect"]}
    assert list(got["model"]) == ["w2.4", "ll4", "ll5", "w1.4", "ll3", "w1.3"]  # drc's order
    for _, row in got.iterrows():
        exp = ref[DRC_NAME[row["model"]]]
        assert_allclose(row["loglik"], exp["logLik"], "iterative")
        assert_allclose(row["aic"], exp["IC"], "iterative")
        assert_allclose(row["res_var"], exp["Res var"], "iterative")
    assert got["weight"].sum() == pytest.approx(1.0)
    assert got["converged"].all()
    assert_allclose(got.loc[got.model == "ll4", "lack_of_fit_pvalue"],
                    rg_ref["LL4"]["modelFit"]["p"], "iterative_se")  # fmt: skip


def test_bad_input(ryegrass):
    with pytest.raises(InputError, match=r"Invalid `reduced`: got a model with 60 residual df"):
        calculate_f_test({"rss": 8.3, "df": 60}, {"rss": 8.5, "df": 62})
    with pytest.raises(InputError, match=r"Invalid `criterion`: got 'cp', must be one of"):
        compare_models(ryegrass, x="conc", y="rootl", criterion="cp")
    with pytest.raises(InputError, match=r"Invalid `model`: got 'ln.4'"):
        compare_models(ryegrass, x="conc", y="rootl", models=["ln.4"])
