"""Quantal (binomial) fits against R glm + MASS::dose.p (LL.2) and an R optim fit (LL.3/LL.4)."""

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.curves import fit_quantal
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def selenium(shared_reference):
    return pd.read_csv(shared_reference / "doseresponse" / "selenium.csv")


@pytest.fixture(scope="module")
def ref(local_reference):
    with open(local_reference / "curves" / "inference_quantal_selenium.json") as fh:
        return json.load(fh)


def test_ll2_is_the_logistic_glm(selenium, ref):
    got = fit_quantal(selenium, x="conc", n="total", k="dead", by="type")
    assert list(got["type"]) == [1, 2, 3, 4]
    exp = pd.DataFrame([ref["ll2"][str(t)] for t in (1, 2, 3, 4)])
    assert got["converged"].all()
    assert_allclose(got["hill"], exp["slope"], "iterative")
    assert_allclose(got["hill_stderr"], exp["slope_se"], "iterative_se")
    assert_allclose(got["ec50"], exp["ed50"], "iterative")
    assert_allclose(got["ec50_stderr"], exp["ed50"] * exp["log_ed50_se"], "iterative_se")
    z = 1.959963984540054
    assert_allclose(got["ec50_ci_low"], np.exp(exp["log_ed50"] - z * exp["log_ed50_se"]),
                    "iterative_se")  # fmt: skip
    assert_allclose(got["loglik"], exp["logLik"], "iterative")
    assert_allclose(got["aic"], exp["AIC"], "iterative")
    assert (got["n_doses"] == exp["n_rows"]).all()
    # every type has deaths at dose 0: those rows cannot be fitted with bottom = 0
    assert (got["flags"] == "zero_dose_responders_ignored").all()
    assert got["message"].str.contains("fit ll4 for background").all()
    assert got["bottom"].eq(0).all() and got["bottom_stderr"].isna().all()


@pytest.mark.parametrize(("model", "types"), [("ll3", [2]), ("ll4", [2, 4])])
def test_ll3_ll4_match_r_optim(selenium, ref, model, types):
    got = fit_quantal(selenium, x="conc", n="total", k="dead", by="type", model=model)
    got = got.set_index("type")
    for t in types:
        exp = ref[model][str(t)]
        row = got.loc[t]
        est = dict(zip(exp["terms"], exp["estimate"], strict=True))
        se = dict(zip(exp["terms"], exp["se"], strict=True))
        assert row["converged"]
        assert_allclose(row["hill"], -est["b"], "iterative")
        assert_allclose(row["hill_stderr"], se["b"], "iterative_se")
        assert_allclose(row["top"], est["d"], "iterative")
        assert_allclose(row["top_stderr"], se["d"], "iterative_se")
        assert_allclose(row["ec50"], exp["e"], "iterative")
        assert_allclose(row["ec50_stderr"], exp["e_se"], "iterative_se")
        assert_allclose(row["loglik"], exp["logLik"], "iterative")
        if model == "ll4":
            assert_allclose(row["bottom"], est["c"], "iterative")
            assert_allclose(row["bottom_stderr"], se["c"], "iterative_se")
    # curves where the upper limit runs off are flagged rows, not errors
    bad = [t for t in (1, 2, 3, 4) if t not in types and not (model == "ll3" and t == 4)]
    assert not got.loc[bad, "converged"].any()
    assert got.loc[bad, "hill_stderr"].isna().all()


def test_background_with_top_fixed(selenium):
    got = fit_quantal(selenium, x="conc", n="total", k="dead", by="type", model="ll4",
                      fixed={"top": 1})  # fmt: skip
    assert got["converged"].all()
    assert (got["top"] == 1).all() and got["top_stderr"].isna().all()
    assert (got["bottom"] > 0).all() and (got["flags"] == "").all()


def test_bad_counts(selenium):
    bad = selenium.copy()
    bad.loc[3, "dead"] = 200
    with pytest.raises(InputError, match=r"row 3, column 'dead': 200 responders out of 159"):
        fit_quantal(bad, x="conc", n="total", k="dead", by="type")
    bad = selenium.copy()
    bad.loc[2, "total"] = -1
    with pytest.raises(InputError, match=r"row 2, column 'total': subject count -1 is not >= 0"):
        fit_quantal(bad, x="conc", n="total", k="dead", by="type")
    bad = selenium.copy().astype({"dead": float})
    bad.loc[5, "dead"] = 2.5
    with pytest.raises(InputError, match=r"row 5, column 'dead': responder count 2.5 is not"):
        fit_quantal(bad, x="conc", n="total", k="dead", by="type")
    with pytest.raises(InputError, match=r"Invalid `fixed`: got 'slope'"):
        fit_quantal(selenium, x="conc", n="total", k="dead", model="ll4", fixed={"slope": 1})


def test_too_few_doses_is_a_row(selenium):
    tiny = pd.DataFrame({"type": 9, "conc": [10.0], "total": [20], "dead": [5]})
    got = fit_quantal(pd.concat([selenium, tiny], ignore_index=True), x="conc", n="total",
                      k="dead", by="type")  # fmt: skip
    row = got.set_index("type").loc[9]
    assert not row["converged"] and "too few doses" in row["message"]
    assert got.set_index("type").loc[[1, 2, 3, 4], "converged"].all()
