"""The NumPy model definitions against drc 3.2.0 (ryegrass) and finite differences."""

import json

import numpy as np
import pytest

from preclin.curves import MODELS, get_model
from preclin.testing import assert_allclose

# the drc families (the Prism bell / biphasic models have 7 parameters: test_kernels.py)
DRC_MODELS = sorted(k for k, s in MODELS.items() if s.family in ("ll5", "w1", "w2", "bc5"))
DRC_KEYS = [("LL4", "ll4"), ("LL.3", "ll3"), ("LL.5", "ll5"), ("W1.4", "w1.4"), ("W2.4", "w2.4")]


@pytest.fixture(scope="module")
def ryegrass(shared_reference):
    with open(shared_reference / "doseresponse" / "drc_ryegrass.json") as fh:
        return json.load(fh)


def _theta(block, spec):
    est = {r["term"].split(":")[0]: r["Estimate"] for r in block["estimates"]}
    return spec.full_theta([est[p] for p in spec.free])


@pytest.mark.parametrize(("ref_key", "model"), DRC_KEYS)
def test_ed_matches_drc(ryegrass, ref_key, model):
    """drc ED(m, c(10, 50, 90)) evaluated at drc's own estimates (closed forms)."""
    spec = get_model(model)
    th = _theta(ryegrass[ref_key], spec)
    expected = [r["Estimate"] for r in ryegrass[ref_key]["ED_delta"]]
    got = [spec.ed(th, level) for level in (10, 50, 90)]
    assert_allclose(got, expected, "r_closed_form")


def test_predict_matches_drc(ryegrass):
    spec = get_model("LL.4")
    th = _theta(ryegrass["LL4"], spec)
    expected = [r["Prediction"] for r in ryegrass["LL4"]["predict"]]
    assert_allclose(spec.predict([1.0, 3.0, 10.0], th), expected, "r_closed_form")


@pytest.mark.parametrize("key", DRC_MODELS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_jacobian_matches_finite_differences(key, sign):
    spec = MODELS[key]
    x = np.array([0.0, 0.01, 0.3, 1.0, 3.0, 10.0, 300.0])
    th = np.array([1.3 * sign, 0.5, 7.0, 3.0, 0.8][: spec.n_params])
    jac = spec.jacobian(x, th)
    num = np.empty_like(jac)
    for i in range(spec.n_params):
        h = 1e-6 * max(abs(th[i]), 1e-3)
        up, dn = th.copy(), th.copy()
        up[i] += h
        dn[i] -= h
        num[:, i] = (spec.predict(x, up) - spec.predict(x, dn)) / (2 * h)
    np.testing.assert_allclose(jac, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("key", DRC_MODELS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("level", [10.0, 50.0, 80.0])
def test_ed_is_the_level_crossing(key, sign, level):
    """At ED(level) the response has moved level % from the x→0 value toward the x→∞ value."""
    spec = MODELS[key]
    th = np.array([1.3 * sign, 0.5, 7.0, 3.0, 0.8][: spec.n_params])
    if spec.family == "bc5" and sign < 0:
        pytest.skip("BC.5 hormesis is defined for decreasing curves (b > 0)")
    th = spec.full_theta([th[spec.params.index(p)] for p in spec.free])
    y0, yinf = spec.predict(np.array([0.0, 1e12]), th)
    if spec.family == "bc5":
        yinf = th[1]  # c: the x→∞ asymptote (f·x/(1+exp u) → 0 as x → ∞)
    x = spec.ed(th, level)
    assert_allclose(
        spec.predict(np.atleast_1d(x), th), [y0 + level / 100 * (yinf - y0)], rtol=1e-8
    )


def test_x_zero_is_the_limit():
    spec = get_model("ll4")
    for b in (1.5, -1.5):
        th = np.array([b, 0.5, 7.0, 3.0, 1.0])
        assert_allclose(spec.predict([0.0], th), spec.predict([1e-300], th))


def test_get_model_names():
    assert get_model("LL.4") is get_model("ll4") is get_model("LL4")
    from preclin.core import InputError

    with pytest.raises(InputError, match=r"Invalid `model`: got 'll9'"):
        get_model("ll9")


def test_hill_sign_gives_direction():
    for key, b in (("ll4", 2.0), ("w1.4", 2.0), ("w2.4", -2.0)):
        spec = get_model(key)
        th = spec.full_theta([b, 0.0, 1.0, 1.0])
        y = spec.predict([0.01, 100.0], th)
        assert y[1] < y[0] and spec.hill(th) < 0
