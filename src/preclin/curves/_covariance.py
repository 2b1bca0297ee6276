"""Covariance of least-squares curve parameters, and the inference problem.

Two kinds, as in the software users compare with:

* ``"gauss-newton"``: ``σ² (JᵀJ)⁻¹`` (GraphPad Prism, R ``nls``), J the
  Jacobian of the predictions w.r.t. the free parameters;
* ``"hessian"``: ``2 σ² H⁻¹`` with H the observed Hessian of the residual
  sum of squares (R drc: ``vcov.drc`` scales ``optim``'s Hessian the same way).

σ² = RSS / df with df = n − (number of free parameters).

:class:`_Problem` describes the parameters of one or more curves that share
one estimated vector β: curve k has the full drc vector
``θ_k = T_k β + offset_k`` (T_k a 0/1 selection matrix). A single fit is one
curve with T selecting its free parameters; a shared-parameter global fit
maps some β entries into several curves. Potency, relative potency and
profile intervals are written once against this description.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from preclin.curves._models import ModelSpec

__all__: list[str] = []

KINDS = ("hessian", "gauss-newton")


def _safe_inverse(mat: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric matrix, NaN-filled when it is singular.

    The matrix is equilibrated first (D·M·D with D = diag(M)^-1/2), so that
    parameters on very different scales (an EC50 of 1e-7 M next to a top of
    100) are not mistaken for a singular problem; the condition number is
    judged on the equilibrated matrix.
    """
    mat = 0.5 * (mat + mat.T)
    diag = np.diag(mat)
    if not np.all(np.isfinite(mat)) or np.any(diag <= 0):
        return np.full_like(mat, np.nan)
    d = 1.0 / np.sqrt(diag)
    scaled = mat * d[:, None] * d[None, :]
    try:
        inv = np.linalg.inv(scaled)
    except np.linalg.LinAlgError:
        return np.full_like(mat, np.nan)
    if not np.all(np.isfinite(inv)) or np.linalg.cond(scaled) > 1e14:
        return np.full_like(mat, np.nan)
    inv = inv * d[:, None] * d[None, :]
    return 0.5 * (inv + inv.T)


def numerical_hessian(
    grad: Callable[[np.ndarray], np.ndarray], beta: np.ndarray, rel_step: float = 1e-5
) -> np.ndarray:
    """Hessian by central differences of an analytic gradient (symmetrised)."""
    beta = np.asarray(beta, dtype=float)
    m = beta.size
    hess = np.empty((m, m))
    for i in range(m):  # loop over parameters (a handful), not data
        h = rel_step * max(abs(beta[i]), 1e-3)
        up, dn = beta.copy(), beta.copy()
        up[i] += h
        dn[i] -= h
        hess[:, i] = (grad(up) - grad(dn)) / (2.0 * h)
    return 0.5 * (hess + hess.T)


@dataclass(frozen=True)
class _Problem:
    """Estimated vector β of one or more curves of one model (see module docstring)."""

    spec: ModelSpec
    beta: np.ndarray  # (m,)
    vcov: np.ndarray  # (m, m)
    df: float  # residual df; np.inf → normal quantiles (quantal fits)
    curves: tuple[str, ...]
    T: np.ndarray  # (K, p, m)
    offset: np.ndarray  # (K, p)
    names: tuple[str, ...] = ()  # label of each β entry
    x: np.ndarray | None = None  # (n,) data, for profiling and refits
    y: np.ndarray | None = None
    curve_index: np.ndarray | None = None  # (n,) curve of each observation
    weights: np.ndarray | None = None
    rss: float = np.nan
    x_unit: str | None = None

    @property
    def theta(self) -> np.ndarray:
        """Full parameter vectors, (K, p)."""
        return np.einsum("kpm,m->kp", self.T, self.beta) + self.offset

    def theta_of(self, beta: np.ndarray) -> np.ndarray:
        return np.einsum("kpm,m->kp", self.T, beta) + self.offset

    def curve(self, name: str) -> int:
        return self.curves.index(name)

    def with_vcov(self, vcov: np.ndarray) -> _Problem:
        return replace(self, vcov=np.asarray(vcov, dtype=float))

    # -- least squares pieces (continuous data) ------------------------------
    def predict(self, beta: np.ndarray) -> np.ndarray:
        th = self.theta_of(beta)[self.curve_index]  # (n, p)
        return self.spec.predict(self.x[:, None], th)[:, 0]

    def residuals(self, beta: np.ndarray) -> np.ndarray:
        r = self.y - self.predict(beta)
        return r if self.weights is None else r * np.sqrt(self.weights)

    def jacobian(self, beta: np.ndarray) -> np.ndarray:
        """d prediction / d β, (n, m) (weighted by √w when weights are set)."""
        th = self.theta_of(beta)[self.curve_index]
        jfull = self.spec.jacobian(self.x[:, None], th)[:, 0, :]  # (n, p)
        jac = np.einsum("np,npm->nm", jfull, self.T[self.curve_index])
        return jac if self.weights is None else jac * np.sqrt(self.weights)[:, None]

    def rss_of(self, beta: np.ndarray) -> float:
        r = self.residuals(beta)
        return float(r @ r)

    def rss_gradient(self, beta: np.ndarray) -> np.ndarray:
        return -2.0 * self.jacobian(beta).T @ self.residuals(beta)

    def covariance(self, kind: str = "hessian") -> np.ndarray:
        """σ²(JᵀJ)⁻¹ or 2σ²H⁻¹ at β (continuous data)."""
        s2 = self.rss_of(self.beta) / self.df
        if kind == "gauss-newton":
            jac = self.jacobian(self.beta)
            return s2 * _safe_inverse(jac.T @ jac)
        hess = numerical_hessian(self.rss_gradient, self.beta)
        return 2.0 * s2 * _safe_inverse(hess)


def single_problem(
    spec: ModelSpec,
    theta: np.ndarray,
    free: np.ndarray,
    vcov: np.ndarray | None,
    df: float,
    *,
    x: np.ndarray | None = None,
    y: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    name: str = "1",
    x_unit: str | None = None,
) -> _Problem:
    """A one-curve problem from a full θ and a free mask over ``spec.params``."""
    theta = np.asarray(theta, dtype=float)
    free = np.asarray(free, dtype=bool)
    idx = np.flatnonzero(free)
    T = np.zeros((1, theta.size, idx.size))
    T[0, idx, np.arange(idx.size)] = 1.0
    offset = np.where(free, 0.0, theta)[None, :]
    beta = theta[idx]
    m = idx.size
    vc = np.full((m, m), np.nan) if vcov is None else np.asarray(vcov, dtype=float)
    n = None if x is None else np.asarray(x, dtype=float)
    prob = _Problem(
        spec=spec,
        beta=beta,
        vcov=vc,
        df=float(df),
        curves=(name,),
        T=T,
        offset=offset,
        names=tuple(spec.params[i] for i in idx),
        x=n,
        y=None if y is None else np.asarray(y, dtype=float),
        curve_index=None if n is None else np.zeros(n.size, dtype=int),
        weights=None if weights is None else np.asarray(weights, dtype=float),
        x_unit=x_unit,
    )
    if prob.x is not None and prob.y is not None:
        prob = replace(prob, rss=prob.rss_of(beta))
    return prob


def calculate_covariance(
    spec: ModelSpec,
    x: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    free: np.ndarray,
    *,
    kind: str = "hessian",
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Covariance of the free parameters of one least-squares curve fit.

    ``kind="gauss-newton"`` gives σ²(JᵀJ)⁻¹, ``kind="hessian"`` 2σ²H⁻¹ (drc).
    """
    free = np.asarray(free, dtype=bool)
    x = np.asarray(x, dtype=float)
    df = x.size - int(free.sum())
    prob = single_problem(spec, theta, free, None, df, x=x, y=y, weights=weights)
    return prob.covariance(kind)
