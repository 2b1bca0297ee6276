"""calculate_confidence_band vs R drc predict(interval = "confidence") and CurveFit.predict."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from preclin.core.errors import InputError
from preclin.curves import calculate_confidence_band, fit_curve, fit_global
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def ryegrass(shared_reference):
    return pd.read_csv(shared_reference / "doseresponse" / "ryegrass.csv")


@pytest.fixture(scope="module")
def drc_ll4(shared_reference):
    with open(shared_reference / "doseresponse" / "drc_ryegrass.json") as fh:
        return json.load(fh)["LL4"]


def test_ryegrass_band_matches_drc(ryegrass, drc_ll4):
    # predict(m, data.frame(conc = c(1, 3, 10)), interval = 'confidence')
    assert "c(1, 3, 10)" in drc_ll4["predict_call"]
    fit = fit_global(
        ryegrass.assign(c="1"), x="conc", y="rootl", curve="c", share=[], covariance="hessian"
    )
    band = calculate_confidence_band(fit, [1.0, 3.0, 10.0])
    ref = drc_ll4["predict"]
    assert_allclose(band["prediction"], [r["Prediction"] for r in ref], "iterative")
    assert_allclose(band["ci_low"], [r["Lower"] for r in ref], "iterative_se")
    assert_allclose(band["ci_high"], [r["Upper"] for r in ref], "iterative_se")
    assert list(band["curve"]) == ["1"] * 3


def test_one_curve_global_fit_equals_curvefit_predict(ryegrass):
    x = np.geomspace(0.3, 30, 25)
    single = fit_curve(ryegrass["conc"], ryegrass["rootl"], se="hessian")
    glob = fit_global(
        ryegrass.assign(c="1"), x="conc", y="rootl", curve="c", share=[], covariance="hessian"
    )
    want = single.predict(x, interval="confidence")
    got = calculate_confidence_band(glob, x)
    for col in ("prediction", "ci_low", "ci_high"):
        assert_allclose(got[col], want[col], "iterative")
    assert_allclose(got["stderr"], want["stderr"], "iterative_se")
    # a CurveFit itself is accepted too
    again = calculate_confidence_band(single, x)
    assert_allclose(again["ci_high"], want["ci_high"], "closed_form")


def test_shared_parameters_by_finite_differences():
    """Band of a 2-curve fit sharing bottom/top = delta method with numeric gradients."""
    from preclin.curves._global import problem_of
    from preclin.datasets import load_example

    df = load_example("concentration_response")
    two = df[df.compound.isin(["MPEP", "basimglurant"]) & (df.plate == "P1")]
    fit = fit_global(two, x="conc_uM", y="response", curve="compound", share=["bottom", "top"])
    x = np.array([0.003, 0.03, 0.3])
    band = calculate_confidence_band(fit, x, curve="MPEP", ci_level=0.9)
    prob = problem_of(fit)
    k = prob.curve("MPEP")

    def mean(beta):
        return prob.spec.predict(x, prob.theta_of(beta)[k])

    grad = np.empty((x.size, prob.beta.size))
    for j in range(prob.beta.size):
        h = 1e-6 * max(abs(prob.beta[j]), 1e-3)
        up, dn = prob.beta.copy(), prob.beta.copy()
        up[j] += h
        dn[j] -= h
        grad[:, j] = (mean(up) - mean(dn)) / (2 * h)
    se = np.sqrt(np.einsum("gi,ij,gj->g", grad, fit.vcov, grad))
    assert_allclose(band["stderr"], se, "iterative_se")
    from scipy import stats

    t = stats.t.ppf(0.95, fit.df)
    assert_allclose(band["ci_high"] - band["prediction"], t * se, "iterative_se")
    assert set(band["curve"]) == {"MPEP"}


def test_bad_input(ryegrass):
    fit = fit_global(ryegrass.assign(c="1"), x="conc", y="rootl", curve="c", share=[])
    with pytest.raises(InputError, match=r"Invalid `curve`: got 'nope', must be one of 1\."):
        calculate_confidence_band(fit, [1.0], curve="nope")
    with pytest.raises(InputError, match="x"):
        calculate_confidence_band(fit, [-1.0])
    with pytest.raises(InputError, match="ci_level"):
        calculate_confidence_band(fit, [1.0], ci_level=1.5)
    with pytest.raises(InputError, match="expected a fit result"):
        calculate_confidence_band(object(), [1.0])
