"""preclin.curves.fit_custom (the fitter behind every receptor model) vs scipy curve_fit."""

import numpy as np
import pytest
from scipy.optimize import curve_fit

from preclin.core import InputError
from preclin.curves import fit_custom
from preclin.testing import assert_allclose

X = np.array([0.1, 0.3, 1, 3, 10, 30, 0.1, 0.3, 1, 3, 10, 30])
NOISE = np.array([3, -5, 8, -2, 6, -9, -4, 7, -6, 5, -3, 2.0])
Y = 1000 * X / (1.5 + X) + NOISE


def hyperbola(x, t):
    return t[0] * x / (t[1] + x)


def jac(x, t):
    return np.column_stack([x / (t[1] + x), -t[0] * x / (t[1] + x) ** 2])


@pytest.mark.parametrize("analytic", [True, False])
def test_matches_curve_fit(analytic):
    fit = fit_custom(hyperbola, jac if analytic else None, X, Y, [500, 1], names=["bmax", "kd"])
    p, cov = curve_fit(lambda x, a, b: a * x / (b + x), X, Y, p0=[500, 1])
    assert_allclose(fit.theta, p, "iterative")
    assert_allclose(np.sqrt(np.diag(fit.vcov)), np.sqrt(np.diag(cov)), "iterative_se")
    w = 1 / (1 + X)
    fw = fit_custom(hyperbola, None, X, Y, [500, 1], names=["bmax", "kd"], weights=w)
    pw, cw = curve_fit(lambda x, a, b: a * x / (b + x), X, Y, p0=[500, 1], sigma=1 / np.sqrt(w))
    assert_allclose(fw.theta, pw, "iterative")
    assert_allclose(np.sqrt(np.diag(fw.vcov)), np.sqrt(np.diag(cw)), "iterative_se")


def test_hessian_equals_gauss_newton_for_a_linear_model_and_fixed_bounds():
    lin = fit_custom(lambda x, t: t[0] + t[1] * x, None, X, Y, [0, 1], names=["a", "b"])
    hes = fit_custom(lambda x, t: t[0] + t[1] * x, None, X, Y, [0, 1], names=["a", "b"],
                     se="hessian")  # fmt: skip
    assert_allclose(hes.vcov, lin.vcov, "iterative_se")
    fx = fit_custom(hyperbola, jac, X, Y, [500, 1], names=["bmax", "kd"], fixed={"kd": 1.5})
    assert fx.df == X.size - 1 and fx.stderr["kd"] == 0 and fx.estimates["kd"] == 1.5
    bd = fit_custom(hyperbola, jac, X, Y, [500, 1], names=["bmax", "kd"],
                    bounds={"kd": (0, 1.0)})  # fmt: skip
    assert_allclose(bd.estimates["kd"], 1.0, atol=1e-8)


def test_bad_arguments():
    with pytest.raises(InputError, match="Invalid `p0`: got shape"):
        fit_custom(hyperbola, None, X, Y, [1, 2, 3], names=["bmax", "kd"])
    with pytest.raises(InputError, match="Invalid `se`"):
        fit_custom(hyperbola, None, X, Y, [1, 2], names=["bmax", "kd"], se="sandwich")
    with pytest.raises(InputError, match="2 observations for 2 free parameters"):
        fit_custom(hyperbola, None, X[:2], Y[:2], [1, 2], names=["bmax", "kd"])
