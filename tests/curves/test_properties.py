"""Property: a fit to noiseless data from any model returns the generating parameters."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preclin.curves import fit_curve, get_model

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _check(model, theta, conc):
    spec = get_model(model)
    y = spec.predict(conc, theta)
    fit = fit_curve(conc, y, model=model)
    got = fit.theta
    if model == "biphasic" and got[3] > got[4]:  # the two phases can be listed either way
        got = got[[0, 1, 2, 4, 3, 6, 5]]
        got[2] = 1.0 - got[2]
    scale = np.abs(theta).max()
    assert fit.converged, fit.message
    np.testing.assert_allclose(got, theta, rtol=1e-6, atol=1e-6 * scale)


@st.composite
def ll_params(draw):
    sign = draw(st.sampled_from([-1.0, 1.0]))
    b = sign * draw(st.floats(0.5, 3.0))
    c = draw(st.floats(-10.0, 20.0))
    d = draw(st.floats(80.0, 120.0))
    e = float(np.exp(draw(st.floats(np.log(0.01), np.log(10.0)))))
    return b, c, d, e


def _conc(e, n=13, fold=3.0, vehicle=True):
    x = e * fold ** (np.arange(n) - n // 2)
    return np.concatenate([[0.0], x]) if vehicle else x


@pytest.mark.parametrize("model", ["ll2", "ll3", "ll4", "w1.4", "w2.4"])
@SETTINGS
@given(p=ll_params())
def test_drc_models_recover_parameters(model, p):
    b, c, d, e = p
    spec = get_model(model)
    full = {"b": b, "c": c, "d": d, "e": e, "f": 1.0}
    if model == "ll2":
        full.update(c=0.0, d=1.0)
    if model == "ll3":
        full.update(c=0.0)
    theta = np.array([full[name] for name in spec.params])
    _check(model, theta, _conc(e))


@SETTINGS
@given(p=ll_params(), f=st.floats(0.5, 2.0))
def test_ll5_recovers_parameters(p, f):
    b, c, d, e = p
    _check("ll5", np.array([b, c, d, e, f]), _conc(e, n=17, fold=2.5))


@SETTINGS
@given(
    p1=st.floats(0.0, 20.0),
    dip=st.floats(80.0, 120.0),
    p2=st.floats(0.0, 20.0),
    le1=st.floats(-3.0, 0.0),
    sep=st.floats(1.5, 3.0),
    h1=st.floats(0.8, 2.0),
    h2=st.floats(0.8, 2.0),
)
def test_bell_recovers_parameters(p1, dip, p2, le1, sep, h1, h2):
    e1 = 10.0**le1
    e2 = e1 * 10.0**sep
    theta = np.array([p1, dip, p2, e1, e2, -h1, -h2])
    conc = e1 * 10.0 ** np.arange(-2.0, sep + 2.01, 0.25)
    _check("bell", theta, conc)


@SETTINGS
@given(
    bottom=st.floats(0.0, 10.0),
    top=st.floats(90.0, 110.0),
    frac=st.floats(0.3, 0.7),
    le1=st.floats(-3.0, 0.0),
    sep=st.floats(1.5, 3.0),
    h=st.floats(0.8, 2.0),
    sign=st.sampled_from([-1.0, 1.0]),
)
def test_biphasic_recovers_parameters(bottom, top, frac, le1, sep, h, sign):
    e1 = 10.0**le1
    e2 = e1 * 10.0**sep
    theta = np.array([bottom, top, frac, e1, e2, sign * h, sign * h * 1.3])
    conc = e1 * 10.0 ** np.arange(-2.0, sep + 2.01, 0.25)
    _check("biphasic", theta, conc)
