"""Grubbs' test against the outliers::grubbs.test / GraphPad formulas written out in R
(reference/stats/design_effect_outliers.json)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.datasets import load_example
from preclin.stats import grubbs
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def ref(local_reference):
    path = local_reference / "stats" / "design_effect_outliers.json"
    return json.loads(path.read_text())


def _compare(got, want):
    assert got["n"] == want["n"]
    assert got["value"] == want["value"]
    assert_allclose(got["mean"], want["mean"])
    assert_allclose(got["sd"], want["sd"])
    assert_allclose(got["statistic"], want["G"])
    assert_allclose(got["g_critical"], want["G_critical"], "r_closed_form")
    assert_allclose(got["pvalue"], want["p"], "r_closed_form")
    assert bool(got["is_outlier"]) == want["is_outlier"]


@pytest.mark.parametrize("name", ["spike", "low", "clean", "two", "n3"])
def test_vectors(ref, name):
    case = ref["grubbs_vectors"][name]
    df = pd.DataFrame({"y": case["x"]})
    single = grubbs(df, "y")
    assert len(single) == 1
    _compare(single.iloc[0], case["single"])
    assert single.loc[0, "row"] == case["single"]["index"] - 1
    steps = grubbs(df, "y", iterative=True)
    assert len(steps) == len(case["iterative"])
    for (_, got), want in zip(steps.iterrows(), case["iterative"], strict=True):
        _compare(got, want)
        assert got["row"] == want["index"] - 1


def test_per_group_on_example(ref):
    cms = load_example("cms_dose_groups")
    out = grubbs(cms, "sucrose_intake_g", by="dose_mg_kg_day")
    assert list(out["dose_mg_kg_day"]) == [0, 0.5, 1, 2.5, 5, 10]
    for (_, got), (dose, want) in zip(out.iterrows(), ref["cms_grubbs"].items(), strict=True):
        assert float(dose) == got["dose_mg_kg_day"]
        _compare(got, want)
    # rows point at the spreadsheet row (header = row 1) and data are never dropped
    row = int(out.loc[0, "row"])
    assert cms["sucrose_intake_g"].iloc[row - 2] == out.loc[0, "value"]
    assert len(cms) == 60


def test_untestable_groups_are_rows_not_errors():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 4, 4, 5, 6, 7], "g": list("aabcccddd")})
    out = grubbs(df, "y", by="g").set_index("g")
    assert "at least 3 values" in out.loc["a", "message"]
    assert "at least 3 values" in out.loc["b", "message"]
    assert "SD = 0" in out.loc["c", "message"]
    assert out.loc["d", "message"] == "" and not np.isnan(out.loc["d", "pvalue"])
    assert not out["is_outlier"].any()


def test_two_by_columns():
    df = pd.DataFrame(
        {
            "y": np.r_[np.arange(6.0), 50.0, np.arange(7.0)],
            "sex": ["F"] * 7 + ["M"] * 7,
            "week": [1] * 14,
        }
    )
    out = grubbs(df, "y", by=["sex", "week"])
    assert list(out["sex"]) == ["F", "M"]
    assert out["is_outlier"].tolist() == [True, False]


def test_bad_input():
    df = pd.DataFrame({"y": [1.0, 2, 3], "g": ["a", None, "a"]})
    with pytest.raises(InputError, match=r"row 1, column 'g': missing group label"):
        grubbs(df, "y", by="g")
    with pytest.raises(InputError, match="no column 'group'"):
        grubbs(df, "y", by="group")
    with pytest.raises(InputError, match=r"Invalid `alpha`: got 2"):
        grubbs(df, "y", alpha=2)
    with pytest.raises(InputError, match=r"'bad' is not a number"):
        grubbs(pd.DataFrame({"y": [1, "bad", 3]}), "y")
