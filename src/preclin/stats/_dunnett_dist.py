"""The distribution of Dunnett's many-to-one statistics, by deterministic quadrature.

For comparisons of treatments i = 1..q with one control, the t statistics
Tᵢ = Zᵢ / S share the pooled SD, S ~ χ_ν/√ν, and the control mean, so
corr(Zᵢ, Zⱼ) = λᵢλⱼ with λᵢ = √(nᵢ / (nᵢ + n₀)). Writing
Zᵢ = λᵢ Z₀ + √(1 − λᵢ²) Eᵢ with independent standard normals makes the
multivariate-t probability a two-dimensional integral (Dunnett 1955)::

    P(max |Tᵢ| ≥ c) = E_{S, Z₀} [ 1 − Πᵢ (1 − qᵢ) ],
    qᵢ = Φ((−cS − λᵢZ₀)/rᵢ) + Φ((−cS + λᵢZ₀)/rᵢ),   rᵢ = √(1 − λᵢ²)

(one-sided "greater": qᵢ = Φ((−cS + λᵢZ₀)/rᵢ)). Z₀ is integrated with
Gauss–Hermite nodes and U = νS²/2 ~ Gamma(ν/2) with generalised Gauss–Laguerre
nodes from the Golub–Welsch eigenproblem (probability weights, so no Γ(ν/2)
overflow for large ν). 48 × 48 nodes give about 1e-12 absolute error
against adaptive quadrature; results agree with R ``multcomp`` / ``mvtnorm``
and ``scipy.stats.dunnett`` (both randomised) to their own accuracy, 1e-5.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import linalg, special

__all__ = ["dunnett_sf", "dunnett_sf_grid"]

N_NODES = 48


@lru_cache(maxsize=64)
def _s_nodes(df: float, n: int = N_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and probability weights for S = sqrt(χ²_ν / ν)."""
    if not np.isfinite(df):
        return np.ones(1), np.ones(1)
    alpha = df / 2.0 - 1.0
    k = np.arange(n, dtype=float)
    diag = 2.0 * k + alpha + 1.0
    off = np.sqrt(k[1:] * (k[1:] + alpha))
    nodes, vecs = linalg.eigh_tridiagonal(diag, off)
    weights = vecs[0, :] ** 2
    return np.sqrt(2.0 * nodes / df), weights / weights.sum()


@lru_cache(maxsize=4)
def _z_nodes(n: int = N_NODES) -> tuple[np.ndarray, np.ndarray]:
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / w.sum()


def dunnett_sf(
    c: np.ndarray | float,
    lam: np.ndarray,
    df: float,
    alternative: str = "two-sided",
) -> np.ndarray:
    """Upper-tail probability of Dunnett's max statistic, vectorised over ``c``.

    Parameters
    ----------
    c : array
        Observed statistics (``|t|`` is used for two-sided).
    lam : array, shape (q,) or broadcastable to c.shape + (q,)
        λᵢ = √(nᵢ / (nᵢ + n₀)) of the comparisons in the family.
    df : float
        Residual degrees of freedom (``np.inf`` for a known variance).
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: P(max Tᵢ ≥ c); ``"less"``: P(min Tᵢ ≤ c).

    Returns
    -------
    ndarray
        Adjusted p-values, same shape as ``c``.
    """
    c = np.asarray(c, dtype=float)
    lam = np.asarray(lam, dtype=float)
    if alternative == "less":
        c = -c
    if alternative == "two-sided":
        c = np.abs(c)
    power = 1.0
    if lam.ndim == 1 and lam.size > 1 and np.all(lam == lam[0]):
        # equal λ (balanced design): the product of q equal factors is a power
        power, lam = float(lam.size), lam[:1]
    s, ws = _s_nodes(float(df))
    z, wz = _z_nodes()
    r = np.sqrt(1.0 - lam**2)
    lam_e = lam[..., None, None, :]  # (..., 1, 1, q)
    r_e = r[..., None, None, :]
    cs = c[..., None, None, None] * s[:, None, None]  # (..., ns, 1, 1)
    lz = lam_e * z[:, None]  # (..., 1, nz, q)
    with np.errstate(divide="ignore"):
        q = special.ndtr((-cs + lz) / r_e)
        if alternative == "two-sided":
            q = q + special.ndtr((-cs - lz) / r_e)
        tail = -np.expm1(power * np.log1p(-np.minimum(q, 1.0)).sum(axis=-1))
    p = np.einsum("...ij,i,j->...", tail, ws, wz)
    return np.clip(p, 0.0, 1.0)


def dunnett_sf_grid(
    c: np.ndarray, q: int, df: float, alternative: str = "two-sided", *, grid: int = 400
) -> np.ndarray:
    """Balanced-design p-values for many statistics at once.

    With equal group sizes λ = 1/√2 for every comparison, so the adjusted
    p-value depends only on (q, ν, c): it is evaluated exactly on a grid of
    ``grid`` values of c and interpolated (monotone cubic on the normal-quantile
    scale Φ⁻¹(p)). Statistics beyond the grid are evaluated directly.
    Interpolation error about 1e-7 (checked in the tests against direct evaluation).
    """
    c = np.asarray(c, dtype=float)
    x = np.abs(c) if alternative == "two-sided" else (-c if alternative == "less" else c)
    side = "greater" if alternative != "two-sided" else alternative
    lam = np.full(q, np.sqrt(0.5))
    interp, first, last = _grid(q, float(df), side, grid)
    out = np.empty_like(x)
    inside = (x >= first) & (x <= last)
    out[inside] = special.ndtr(-interp(x[inside]))
    rest = ~inside
    if rest.any():
        out[rest] = dunnett_sf(x[rest], lam, df, side)
    return np.clip(out, 0.0, 1.0)


@lru_cache(maxsize=32)
def _grid(q: int, df: float, side: str, grid: int):  # type: ignore[no-untyped-def]
    """Monotone interpolant of Φ⁻¹(p) against c for one (q, df, side), cached."""
    from scipy.interpolate import PchipInterpolator

    lam = np.full(q, np.sqrt(0.5))
    lo = 0.0 if side == "two-sided" else -8.0
    hi = 12.0 if not np.isfinite(df) or df > 30 else 40.0
    # denser where p changes fastest: uniform in sqrt-space of (c - lo)
    knots = lo + (hi - lo) * np.linspace(0.0, 1.0, grid) ** 1.5
    p_knots = dunnett_sf(knots, lam, df, side)
    good = (p_knots > 1e-300) & (p_knots < 1.0)
    # on the normal-quantile scale of p the curve is nearly a straight line
    interp = PchipInterpolator(knots[good], -special.ndtri(p_knots[good]), extrapolate=False)
    return interp, float(knots[good][0]), float(knots[good][-1])
