"""The Numba kernels agree with the NumPy reference models (_models.py, _prism.py)."""

import numpy as np
import pytest

from preclin.curves import MODELS
from preclin.curves._kernels import LOG_SLOTS, jacobian_q, predict_q, to_internal
from preclin.testing import assert_allclose

FAMILIES = ["ll5", "w1", "w2", "bc5", "bell", "biphasic"]


def _random_theta(family, rng, m):
    if family in ("bell", "biphasic"):
        th = np.column_stack(
            [
                rng.uniform(-10, 10, m),
                rng.uniform(50, 120, m),
                rng.uniform(0.1, 0.9, m) if family == "biphasic" else rng.uniform(-5, 5, m),
                np.exp(rng.uniform(-4, 0, m)),
                np.exp(rng.uniform(0, 4, m)),
                rng.choice([-1, 1], m) * rng.uniform(0.3, 3, m),
                rng.choice([-1, 1], m) * rng.uniform(0.3, 3, m),
            ]
        )
        return th
    b = rng.choice([-1, 1], m) * rng.uniform(0.2, 4, m)
    cols = [b, rng.uniform(-5, 5, m), rng.uniform(5, 100, m), np.exp(rng.uniform(-3, 3, m))]
    if family in ("ll5", "bc5"):
        cols.append(rng.uniform(0.3, 3, m) if family == "ll5" else rng.uniform(-2, 2, m))
    return np.column_stack(cols)


def _spec(family):
    return next(s for s in MODELS.values() if s.family == family)


@pytest.mark.parametrize("family", FAMILIES)
def test_kernels_match_reference_models(family):
    rng = np.random.default_rng(7)
    x = np.concatenate([[0.0], np.exp(rng.uniform(-8, 8, 40))])
    th = _random_theta(family, rng, 25)
    spec = _spec(family)
    q = to_internal(family, th)
    ref_y = spec.predict(x, th)
    ref_j = spec.jacobian(x, th)
    got_y = predict_q(family, x, q)
    got_j = jacobian_q(family, x, q).copy()
    for s in LOG_SLOTS[family]:  # d/d log e -> d/d e
        got_j[..., s] /= th[:, None, s]
    assert_allclose(got_y, ref_y, "closed_form", rtol=1e-9, atol=1e-12)
    assert_allclose(got_j, ref_j, "closed_form", rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("family", ["bell", "biphasic"])
def test_prism_jacobian_matches_finite_differences(family):
    rng = np.random.default_rng(3)
    spec = _spec(family)
    x = np.concatenate([[0.0], np.exp(rng.uniform(-6, 6, 15))])
    th = _random_theta(family, rng, 1)[0]
    jac = spec.jacobian(x, th)
    for i in range(7):
        h = 1e-6 * max(abs(th[i]), 1e-3)
        up, dn = th.copy(), th.copy()
        up[i] += h
        dn[i] -= h
        num = (spec.predict(x, up) - spec.predict(x, dn)) / (2 * h)
        np.testing.assert_allclose(jac[:, i], num, rtol=1e-6, atol=1e-7)


def test_prism_bell_matches_prism_equation():
    """Prism's bell-shaped equation typed in directly (X = log10 conc)."""
    spec = MODELS["bell"]
    p1, dip, p2, e1, e2, h1, h2 = 10.0, 80.0, 5.0, 0.1, 30.0, -1.2, -0.8
    x = np.array([0.001, 0.05, 1.0, 20.0, 500.0])
    X = np.log10(x)
    y = (
        dip
        + (p1 - dip) / (1 + 10 ** ((np.log10(e1) - X) * h1))
        + (p2 - dip) / (1 + 10 ** ((X - np.log10(e2)) * h2))
    )
    assert_allclose(spec.predict(x, [p1, dip, p2, e1, e2, h1, h2]), y, "closed_form")
