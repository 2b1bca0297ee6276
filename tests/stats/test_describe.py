"""describe() against R 4.2 (shared/reference/stats, mean/sd/quantile type 7/qt)."""

import numpy as np
import pandas as pd
import pytest

from preclin.core import DataQualityWarning, InputError
from preclin.stats import describe
from preclin.testing import assert_allclose

from ._groups_ref import CASES, label, load_case

COLS = {
    "n": "n",
    "mean": "mean",
    "sd": "sd",
    "sem": "sem",
    "median": "median",
    "q1": "q1",
    "q3": "q3",
    "min": "min",
    "max": "max",
    "ci_low": "ci95_lwr",
    "ci_high": "ci95_upr",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_describe_matches_r(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    got = describe(data, dv, between)
    want = pd.DataFrame(ref["descriptives"])
    assert [label(g) for g in got[between]] == want["group"].tolist()
    for ours, theirs in COLS.items():
        assert_allclose(got[ours], want[theirs], "r_closed_form", rtol=1e-8, err_msg=ours)


def test_describe_two_factors(shared_reference):
    import json

    data = pd.read_csv(shared_reference / "stats" / "toothgrowth.csv")
    ref = json.loads((shared_reference / "stats" / "toothgrowth_twoway.json").read_text())
    got = describe(data, "len", ["supp", "dose"])
    want = pd.DataFrame(ref["cells"])
    merged = want.assign(dose=want["dose"].astype(float)).merge(got, on=["supp", "dose"])
    assert len(merged) == 6
    for col in ("n", "mean", "sd", "sem"):
        assert_allclose(merged[f"{col}_y"], merged[f"{col}_x"], "r_closed_form", rtol=1e-8)


def test_describe_single_value_group_warns():
    df = pd.DataFrame({"g": ["a", "a", "b"], "y": [1.0, 2.0, 3.0]})
    with pytest.warns(DataQualityWarning, match="n = 1"):
        out = describe(df, "y", "g")
    assert np.isnan(out.loc[1, "sd"]) and out.loc[1, "n"] == 1


def test_describe_non_numeric_names_row_and_column():
    df = pd.DataFrame({"g": ["a", "a", "b"], "y": ["1", "x", "3"]})
    df.attrs.update(source="study.csv", first_row=2)
    with pytest.raises(InputError, match=r"study.csv, row 3, column 'y': 'x' is not a number"):
        describe(df, "y", "g")


def test_describe_missing_response_dropped_with_warning():
    df = pd.DataFrame({"g": ["a", "a", "a", "b", "b"], "y": [1.0, None, 2.0, 3.0, 4.0]})
    with pytest.warns(DataQualityWarning, match="dropped 1 row"):
        out = describe(df, "y", "g")
    assert out["n"].tolist() == [2, 2]
