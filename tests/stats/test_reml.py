"""The block-diagonal (Sherman–Morrison) REML pieces of mixed_model equal the dense
N × N computation (the textbook formulas, kept here as the reference) to 1e-10, and
the analytic information equals a numerical Hessian of the dense log-likelihood."""

import numpy as np
import pytest

from preclin.stats._reml import Reml
from preclin.testing import assert_allclose


class _DenseReml:
    """y = Xβ + Zb + e with V = σ²_b ZZ′ + σ²_e I, every matrix N × N."""

    def __init__(self, y, x, groups):
        self.y, self.x = y, x
        self.z = (groups[:, None] == np.unique(groups)[None, :]).astype(float)
        self.dv = [self.z @ self.z.T, np.eye(len(y))]

    def v(self, theta):
        return theta[0] * self.dv[0] + theta[1] * self.dv[1]

    def cov_beta(self, theta, x=None):
        x = self.x if x is None else x
        return np.linalg.inv(x.T @ np.linalg.inv(self.v(theta)) @ x)

    def loglik(self, theta):
        v = self.v(theta)
        vi = np.linalg.inv(v)
        xvx = self.x.T @ vi @ self.x
        beta = np.linalg.solve(xvx, self.x.T @ vi @ self.y)
        r = self.y - self.x @ beta
        n, p = self.x.shape
        return -0.5 * (
            np.linalg.slogdet(v)[1]
            + np.linalg.slogdet(xvx)[1]
            + r @ vi @ r
            + (n - p) * np.log(2 * np.pi)
        )

    def dcov(self, theta, x):
        vi = np.linalg.inv(self.v(theta))
        w = vi @ x @ np.linalg.inv(x.T @ vi @ x)
        return [w.T @ d @ w for d in self.dv]

    def p(self, theta):
        vi = np.linalg.inv(self.v(theta))
        return vi - vi @ self.x @ self.cov_beta(theta) @ self.x.T @ vi

    def information(self, theta):
        p = self.p(theta)
        py = p @ self.y
        out = np.empty((2, 2))
        for i, di in enumerate(self.dv):
            for j, dj in enumerate(self.dv):
                out[i, j] = py @ di @ p @ dj @ py - 0.5 * np.trace(p @ di @ p @ dj)
        return out

    def numerical_information(self, theta):
        h = 1e-4 * theta
        hess = np.empty((2, 2))
        for i in range(2):
            for j in range(2):
                ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
                hess[i, j] = (
                    self.loglik(theta + ei + ej)
                    - self.loglik(theta + ei - ej)
                    - self.loglik(theta - ei + ej)
                    + self.loglik(theta - ei - ej)
                ) / (4 * h[i] * h[j])
        return -hess


def _design(seed: int):
    """7 animals in 2 groups, 1–5 times each (unbalanced, one animal measured once),
    treatment coding, and the same model in sum coding; ids not in sorted order."""
    rng = np.random.default_rng(seed)
    sizes = [4, 5, 1, 3, 5, 2, 4]
    ids = np.repeat([30, 12, 7, 55, 3, 41, 20], sizes)
    group = np.repeat([0, 0, 0, 1, 1, 1, 1], sizes)
    time = np.concatenate([np.arange(k) % 3 for k in sizes])
    x = np.column_stack(
        [np.ones(len(ids)), group, time == 1, time == 2, group * (time == 1), group * (time == 2)]
    ).astype(float)
    x_sum = x.copy()
    x_sum[:, 1:] = x[:, 1:] - x[:, 1:].mean(axis=0)  # same column space
    b = rng.normal(0, 2.0, 7)
    y = x @ rng.normal(0, 3, x.shape[1]) + np.repeat(b, sizes) + rng.normal(0, 1.0, len(ids))
    order = rng.permutation(len(ids))  # rows need not be grouped by animal
    return y[order], x[order], x_sum[order], ids[order]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("theta", [(4.0, 1.0), (0.3, 2.5), (1e-3, 1.0)])
def test_block_reml_equals_dense(seed, theta):
    y, x, x_sum, ids = _design(seed)
    theta = np.array(theta)
    fast, dense = Reml(y, x, ids), _DenseReml(y, x, ids)
    assert_allclose(fast.loglik(theta), dense.loglik(theta), "closed_form")
    assert_allclose(fast.cov_beta(theta), dense.cov_beta(theta), "closed_form")
    assert_allclose(fast.cov_beta(theta, x_sum), dense.cov_beta(theta, x_sum), "closed_form")
    for xx in (x, x_sum):
        for got, want in zip(fast.dcov(theta, xx), dense.dcov(theta, xx)):
            assert_allclose(got, want, "closed_form", atol=1e-12 * np.abs(want).max())
    vi = np.linalg.inv(dense.v(theta))
    assert_allclose(fast.vinv_dot(theta, y), vi @ y, "closed_form")
    want_beta = np.linalg.solve(x.T @ vi @ x, x.T @ vi @ y)
    assert_allclose(fast.gls(theta), want_beta, "closed_form")
    assert_allclose(fast.information(theta), dense.information(theta), "closed_form")
    assert_allclose(fast.acov_theta(theta), np.linalg.inv(dense.information(theta)), "closed_form")


def test_analytic_information_equals_numerical_hessian():
    y, x, _, ids = _design(3)
    theta = np.array([2.0, 1.5])
    got = Reml(y, x, ids).information(theta)
    want = _DenseReml(y, x, ids).numerical_information(theta)
    assert_allclose(got, want, "iterative", rtol=1e-5)
