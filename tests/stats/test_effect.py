"""Effect sizes with CIs against an R noncentral-t / noncentral-F inversion
(reference/stats/design_effect_outliers.json, made by design_effect_outliers.R)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.datasets import load_example
from preclin.stats import effect_size, eta_squared
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def ref(local_reference):
    path = local_reference / "stats" / "design_effect_outliers.json"
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def toothgrowth(shared_reference):
    return pd.read_csv(shared_reference / "stats" / "toothgrowth.csv")


def _check_effect(out, rows):
    assert len(out) == len(rows)
    for (_, got), want in zip(out.iterrows(), rows, strict=True):
        assert got["group"] == want["group"] and got["control"] == want["control"]
        assert got["n"] == want["n"] and got["n_control"] == want["n_control"]
        assert_allclose(got["statistic"], want["t"], "r_closed_form")
        yield got, want


@pytest.mark.parametrize("case", ["cms", "toothgrowth"])
def test_cohen_and_hedges_vs_r(ref, case, toothgrowth):
    if case == "cms":
        data, dv, col, ctrl = (
            load_example("cms_dose_groups"),
            "sucrose_intake_g",
            "dose_mg_kg_day",
            0,
        )
    else:
        data, dv, col, ctrl = toothgrowth, "len", "dose", 0.5
    rows = ref[f"{case}_effect"]
    d = effect_size(data, dv, col, control=ctrl, kind="cohen")
    for got, want in _check_effect(d, rows):
        assert got["kind"] == "cohen_d"
        assert_allclose(got["estimate"], want["d"], "r_closed_form")
        assert_allclose(
            [got["ci_low"], got["ci_high"]], [want["d_ci_low"], want["d_ci_high"]], "r_closed_form"
        )
    g = effect_size(data, dv, col, control=ctrl)
    for got, want in _check_effect(g, rows):
        assert got["kind"] == "hedges_g"
        assert_allclose(got["estimate"], want["g"], "r_closed_form")
        assert_allclose(
            [got["ci_low"], got["ci_high"]], [want["g_ci_low"], want["g_ci_high"]], "r_closed_form"
        )
    d90 = effect_size(data, dv, col, control=ctrl, kind="cohen", ci=0.9)
    for got, want in _check_effect(d90, rows):
        assert_allclose(
            [got["ci_low"], got["ci_high"]],
            [want["d_ci90_low"], want["d_ci90_high"]],
            "r_closed_form",
        )


def test_all_pairs_and_sign():
    cms = load_example("cms_dose_groups")
    out = effect_size(cms, "sucrose_intake_g", "group")
    assert len(out) == 15
    vs_ctrl = effect_size(cms, "sucrose_intake_g", "group", control="vehicle")
    first = out[out["control"] == "vehicle"].reset_index(drop=True)
    assert_allclose(first["estimate"], vs_ctrl["estimate"])
    # group minus control: the effective 5 mg/kg group is positive
    assert vs_ctrl.set_index("group").loc["5 mg/kg", "estimate"] > 0


@pytest.mark.parametrize("case", ["cms", "toothgrowth"])
def test_eta_squared_vs_r(ref, case, toothgrowth):
    if case == "cms":
        data, dv, col = load_example("cms_dose_groups"), "sucrose_intake_g", "dose_mg_kg_day"
    else:
        data, dv, col = toothgrowth, "len", "dose"
    want = ref[f"{case}_eta"]
    got = eta_squared(data, dv, col).iloc[0]
    assert_allclose(got["statistic"], want["F"], "r_closed_form")
    assert_allclose(got["eta_squared"], want["eta_squared"], "r_closed_form")
    assert_allclose(
        [got["ncp_low"], got["ncp_high"]],
        [want["ncp_ci_low"], want["ncp_ci_high"]],
        "r_closed_form",
    )
    assert_allclose(
        [got["ci_low"], got["ci_high"]], [want["ci_low"], want["ci_high"]], "r_closed_form"
    )
    one = eta_squared(data, dv, col, alternative="greater").iloc[0]
    assert_allclose(one["ci_low"], want["ci_low_one_sided"], "r_closed_form")
    assert one["ci_high"] == 1.0


def test_eta_squared_matches_shared_anova(shared_reference, toothgrowth):
    want = json.loads((shared_reference / "stats" / "toothgrowth_dose_oneway.json").read_text())
    got = eta_squared(toothgrowth, "len", "dose").iloc[0]
    assert_allclose(got["eta_squared"], want["results"]["anova"]["eta_squared"], "r_closed_form")


def test_eta_squared_lower_limit_zero_for_null_data():
    df = pd.DataFrame({"y": [1.0, 2, 3, 1.1, 2.1, 2.9], "g": list("aaabbb")})
    out = eta_squared(df, "y", "g").iloc[0]
    assert out["ci_low"] == 0 and out["ncp_low"] == 0 and out["ci_high"] > 0


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (
            {"y": [1.0, 2, 3, 4], "g": list("aabb")},
            {"control": "z"},
            r"Invalid `control`: got 'z', must be one of a, b\.",
        ),
        (
            {"y": [1.0, 2, 3], "g": list("aab")},
            {},
            r"group 'b' has 1 value\(s\), needs at least 2",
        ),
        (
            {"y": [1.0, "x", 3, 4], "g": list("aabb")},
            {},
            r"row 1, column 'y': 'x' is not a number",
        ),
        ({"y": [1.0, 2, 3, 4], "g": list("aaaa")}, {}, r"has 1 group\(s\) with data"),
        ({"y": [1.0, 2, 3, 4], "g": list("aabb")}, {"kind": "glass"}, r"Invalid `kind`"),
        ({"y": [1.0, 2, 3, 4], "g": list("aabb")}, {"ci": 95}, r"Invalid `ci`: got 95"),
    ],
)
def test_effect_size_bad_input(frame, kwargs, match):
    with pytest.raises(InputError, match=match):
        effect_size(pd.DataFrame(frame), "y", "g", **kwargs)


def test_missing_columns_named():
    with pytest.raises(InputError, match="no column 'dose'"):
        eta_squared(pd.DataFrame({"y": [1.0, 2]}), "y", "dose")
    with pytest.raises(InputError, match="no variation within groups"):
        eta_squared(pd.DataFrame({"y": [1.0, 1, 2, 2], "g": list("aabb")}), "y", "g")


def test_missing_outcome_values_are_dropped():
    df = pd.DataFrame({"y": [1.0, 2, np.nan, 3, 4, 5], "g": list("aaabbb")})
    out = effect_size(df, "y", "g")
    assert out.loc[0, "n_control"] == 2
