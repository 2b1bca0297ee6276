"""REML pieces of the random-intercept model y = Xβ + b_subject + e, using the
block structure of its marginal covariance (no N × N matrix is ever formed).

V = σ²_b ZZ′ + σ²_e I is block-diagonal, one block σ²_e I + σ²_b J per subject
of size n. On the direction 1 a block has eigenvalue σ²_e + nσ²_b, on its
orthogonal complement σ²_e (multiplicity n − 1), so (Sherman–Morrison)

    V⁻¹ = (I − c J) / σ²_e,   c = σ²_b / (σ²_e + n σ²_b),
    log|V| = Σ (n − 1) log σ²_e + log(σ²_e + n σ²_b),

and every product with V⁻¹, ZZ′ or I reduces to per-subject sums Z′A (one
sparse product for all subjects). ``tests/stats/test_reml.py`` checks each
piece against the dense N × N computation to 1e-10.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["Reml"]


class Reml:
    """REML log-likelihood, cov(β̂), its θ-derivatives and the observed information
    of θ = (σ²_subject, σ²_e) for a random-intercept model."""

    def __init__(self, y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> None:
        self.y = np.asarray(y, dtype=float)
        self.x = np.asarray(x, dtype=float)
        _, self.g = np.unique(np.asarray(groups), return_inverse=True)
        n_obs = len(self.y)
        self.m = int(self.g.max()) + 1
        self.size = np.bincount(self.g, minlength=self.m).astype(float)
        self.zt = sparse.csr_matrix(
            (np.ones(n_obs), (self.g, np.arange(n_obs))), shape=(self.m, n_obs)
        )

    # -- building blocks ------------------------------------------------------------

    def zsum(self, a: np.ndarray) -> np.ndarray:
        """Z′a: per-subject column sums (m × k for a of shape N × k, m for a vector)."""
        return np.asarray(self.zt @ a)

    def eigen(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-subject eigenvalue of V⁻¹ on 1 (λ = 1/(σ²_e + nσ²_b)) and μ = 1/σ²_e."""
        return 1.0 / (theta[1] + self.size * theta[0]), 1.0 / theta[1]

    def vinv_dot(self, theta: np.ndarray, a: np.ndarray) -> np.ndarray:
        """V⁻¹a without forming V: (a − c_g Σ_{subject g} a) / σ²_e."""
        c = theta[0] / (theta[1] + self.size * theta[0])
        sums = self.zsum(a)
        shrink = c[:, None] * sums if sums.ndim == 2 else c * sums
        return (a - shrink[self.g]) / theta[1]

    def logdet_v(self, theta: np.ndarray) -> float:
        return float(
            ((self.size - 1) * np.log(theta[1]) + np.log(theta[1] + self.size * theta[0])).sum()
        )

    # -- what mixed_model uses ----------------------------------------------------------

    def cov_beta(self, theta: np.ndarray, x: np.ndarray | None = None) -> np.ndarray:
        """(X′V⁻¹X)⁻¹."""
        x = self.x if x is None else x
        return np.linalg.inv(x.T @ self.vinv_dot(theta, x))

    def gls(self, theta: np.ndarray, x: np.ndarray | None = None) -> np.ndarray:
        """GLS estimate (X′V⁻¹X)⁻¹X′V⁻¹y."""
        x = self.x if x is None else x
        return np.linalg.solve(x.T @ self.vinv_dot(theta, x), x.T @ self.vinv_dot(theta, self.y))

    def loglik(self, theta: np.ndarray) -> float:
        """REML log-likelihood −½(log|V| + log|X′V⁻¹X| + r′V⁻¹r + (N − p) log 2π)."""
        vix = self.vinv_dot(theta, self.x)
        xvx = self.x.T @ vix
        beta = np.linalg.solve(xvx, vix.T @ self.y)
        r = self.y - self.x @ beta
        n, p = self.x.shape
        return -0.5 * (
            self.logdet_v(theta)
            + np.linalg.slogdet(xvx)[1]
            + float(r @ self.vinv_dot(theta, r))
            + (n - p) * np.log(2 * np.pi)
        )

    def dcov(self, theta: np.ndarray, x: np.ndarray) -> list[np.ndarray]:
        """∂C/∂θₖ = W′(∂V/∂θₖ)W with W = V⁻¹XC, C = (X′V⁻¹X)⁻¹ (∂V/∂θ = ZZ′, I)."""
        vix = self.vinv_dot(theta, x)
        w = vix @ np.linalg.inv(x.T @ vix)
        zw = self.zsum(w)
        return [zw.T @ zw, w.T @ w]

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Observed REML information of θ (analytic): y′PVᵢPVⱼPy − ½ tr(PVᵢPVⱼ).

        P = V⁻¹ − WCW′ with W = V⁻¹X, C = (X′V⁻¹X)⁻¹; V₁ = ZZ′ (= J per subject),
        V₂ = I. Everything in a block is a polynomial in J, so the traces are sums
        over subjects of λ, μ and n plus p × p products of W′W and (Z′W)′(Z′W).
        """
        lam, mu = self.eigen(theta)
        n = self.size
        w = self.vinv_dot(theta, self.x)
        c = np.linalg.inv(self.x.T @ w)

        def p_dot(a: np.ndarray) -> np.ndarray:
            return self.vinv_dot(theta, a) - w @ (c @ (w.T @ a))

        u = p_dot(self.y)  # Py = V⁻¹r
        vu = [self.zsum(u)[self.g], u]  # V₁u, V₂u
        pvu = [p_dot(v) for v in vu]
        quad = np.array([[vu[i] @ pvu[j] for j in range(2)] for i in range(2)])

        zw = self.zsum(w)
        gram = [zw.T @ zw, w.T @ w]  # W′V₁W, W′V₂W

        def zw_weighted(d: np.ndarray) -> np.ndarray:
            return zw.T @ (d[:, None] * zw)

        t1 = np.array(
            [
                [(lam**2 * n**2).sum(), (lam**2 * n).sum()],
                [(lam**2 * n).sum(), (lam**2 + (n - 1) * mu**2).sum()],
            ]
        )
        # W′(VᵢV⁻¹Vⱼ)W: JV⁻¹J = λnJ, JV⁻¹ = λJ, V⁻¹ = μI + (λ − μ)/n J
        mid = [
            [zw_weighted(lam * n), zw_weighted(lam)],
            [zw_weighted(lam), mu * gram[1] + zw_weighted((lam - mu) / n)],
        ]
        trace = np.empty((2, 2))
        for i in range(2):
            for j in range(2):
                trace[i, j] = (
                    t1[i, j] - 2 * np.trace(c @ mid[i][j]) + np.trace(c @ gram[i] @ c @ gram[j])
                )
        return quad - 0.5 * trace

    def acov_theta(self, theta: np.ndarray) -> np.ndarray:
        """Inverse observed REML information of (σ²_subject, σ²_e)."""
        return np.linalg.inv(self.information(theta))
