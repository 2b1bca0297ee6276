"""Agreement statistics against R (reference/invivo/agreement.R)."""

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError, read_table
from preclin.invivo import calculate_agreement, calculate_icc, calculate_kappa
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def ref(local_reference):
    d = local_reference / "invivo"
    return (
        json.loads((d / "agreement.json").read_text()),
        read_table(d / "agreement_data.csv"),
        read_table(d / "agreement_bins.csv"),
    )


def test_icc_and_bland_altman_match_r(ref):
    r, data, bins = ref
    a = data[["animal", "rater_a"]].rename(columns={"rater_a": "immobility_s"})
    b = data[["animal", "rater_b"]].rename(columns={"rater_b": "immobility_s"})
    res = calculate_agreement(a, b, labels=(bins["rater_a"], bins["rater_b"]))
    t = res.table.set_index("measure")
    assert_allclose(t.loc["ICC(2,1)", "estimate"], r["icc2_1"], "r_closed_form")
    assert_allclose(t.loc["ICC(2,1)", ["ci_low", "ci_high"]], r["icc2_1_ci"], "r_closed_form")
    assert_allclose(t.loc["ICC(3,1)", "estimate"], r["icc3_1"], "r_closed_form")
    assert_allclose(t.loc["ICC(3,1)", ["ci_low", "ci_high"]], r["icc3_1_ci"], "r_closed_form")
    # independent route: REML variance components of crossed random effects
    assert_allclose(t.loc["ICC(2,1)", "estimate"], r["icc2_1_lmer"], "iterative")
    assert_allclose(t.loc["ICC(3,1)", "estimate"], r["icc3_1_lmer"], "iterative")
    assert_allclose(t.loc["bias", "estimate"], r["bias"], "r_closed_form")
    assert_allclose(t.loc["bias", "stderr"], r["bias_se"], "r_closed_form")
    assert_allclose(t.loc["bias", ["ci_low", "ci_high"]], r["bias_ci"], "r_closed_form")
    assert_allclose(t.loc[["loa_low", "loa_high"], "estimate"], r["loa"], "r_closed_form")
    assert_allclose(t.loc["loa_low", ["ci_low", "ci_high"]], r["loa_low_ci"], "r_closed_form")
    assert_allclose(t.loc["loa_high", ["ci_low", "ci_high"]], r["loa_high_ci"], "r_closed_form")
    assert_allclose(t.loc["kappa", "estimate"], r["kappa"], "r_closed_form")
    assert_allclose(t.loc["kappa", "stderr"], r["kappa_se"], "r_closed_form")
    assert_allclose(t.loc["kappa", ["ci_low", "ci_high"]], r["kappa_ci"], "r_closed_form")
    assert_allclose(t.loc["kappa", "agreement"], r["kappa_po"], "r_closed_form")
    assert len(res.pairs) == 14
    assert "ICC(2,1)" in res.summary()


def test_icc_shrout_fleiss_table():
    # Shrout & Fleiss (1979) Table 2: ICC(2,1) = 0.29, ICC(3,1) = 0.71
    y = np.array(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
        dtype=float,
    )
    est = calculate_icc(y)["estimate"].to_numpy()
    assert_allclose(np.round(est, 2), [0.29, 0.71])


def test_agreement_bad_input():
    a = pd.DataFrame({"animal": ["A", "B", "C"], "immobility_s": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match="animal 'C' was scored only in the first file"):
        calculate_agreement(a, a.iloc[:2])
    with pytest.raises(InputError, match="animal 'A' appears twice"):
        calculate_agreement(a, pd.concat([a, a.iloc[[0]]], ignore_index=True))
    with pytest.raises(InputError, match="labelled 3 and 2 bins"):
        calculate_kappa(["a", "b", "a"], ["a", "b"])
    with pytest.raises(InputError, match="at least 2 subjects and 2 raters"):
        calculate_icc(np.ones((1, 2)))
