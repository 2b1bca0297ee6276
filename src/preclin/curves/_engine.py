"""Batched Levenberg–Marquardt least squares for concentration–response curves.

One Numba kernel fits many curves at once: the data are ragged and
concatenated (CSR style: ``x``, ``y`` and ``starts`` offsets, curve ``i`` is
``x[starts[i]:starts[i + 1]]``), the loop over curves is a ``prange``, and
every curve gets, without any Python work of its own:

* data-driven starting values (:mod:`preclin.curves._start`);
* a Levenberg–Marquardt fit (Marquardt's diagonal scaling, λ ÷ 10 on
  success, × 10 on failure) of the free parameters on the internal scale
  (log e for location parameters, so e > 0);
* convergence as in R ``nls`` / Bates & Watts: the relative offset
  (the predicted relative RSS reduction of the next Gauss–Newton step,
  gᵀ(JᵀJ)⁻¹g / RSS) below ``tol²`` (``tol`` = 1e-6, ten times tighter than
  ``nls``'s default 1e-5), or an exact fit, or a relative RSS
  change below 1e-12 together with a relative parameter change below 1e-10;
* a fallback for curves whose first fit failed or fits poorly (R² < 0.5): a
  few LM steps from each start of a grid of EC50 (5 points across the tested
  log range) × Hill (0.5, 1, 2, 4 with the start's sign), then a full fit
  from the best of them, kept if its RSS is lower (convergence breaks ties);
* the Gauss–Newton covariance σ²(JᵀJ)⁻¹ and, on request, the observed
  Hessian one 2σ²H⁻¹ with H the Hessian of the RSS (second derivatives by
  central differences of the analytic Jacobian), both on the internal scale;
* the 1-norm condition number of the correlation-scaled JᵀJ (∞ if singular),
  the RSS of the constant model (for the flatness F test) and the tested
  concentration range.

:func:`fit_arrays` is the Python entry point (validation is the caller's job);
the per-curve LM steps are in :mod:`preclin.curves._lm`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import get_num_threads, njit, prange

from preclin.curves._kernels import FAMILY_CODES, LOG_SLOTS, N_FULL
from preclin.curves._lm import (
    _accumulate,
    _cond_scaled,
    _hessian_part,
    _inverse,
    _lm,
    _plateau_counts,
)
from preclin.curves._start import dose_means, start_values

__all__ = ["STATUS_MESSAGES", "fit_arrays"]


# status codes → messages (0 = converged)
STATUS_MESSAGES = {
    0: "",
    1: "iteration limit reached without convergence",
    2: "no further decrease of the residual sum of squares; not at a stationary point",
    3: "the model gives non-finite values at the starting point",
    4: "fewer data points than free parameters",
    5: "fewer distinct concentrations than needed to estimate the curve",
    6: "the EC50 drifts outside the tested concentrations without converging (no finite"
    " least-squares solution: the data do not define the curve)",
    7: "the Hill slope diverges (|hill| > 50) without converging: the transition lies"
    " between two tested concentrations, so its steepness is not defined by the data",
}
_GRID_STEPS = 12  # LM steps from each grid start before the best is refined


@njit(cache=True, parallel=True)
def _fit_kernel(
    fam, x, lx, y, sw, has_w, starts, free_idx, free_mask, qfix, maxit, tol2, hess, grid,
    nthreads, out_q, out_cov, out_covh, out_rss, out_status, out_iter, out_rss0, out_cond,
    out_xlo, out_xhi, out_ndist, out_near,
):  # fmt: skip
    ncurve = starts.shape[0] - 1
    p = qfix.shape[0]
    pf = free_idx.shape[0]
    nblk = min(ncurve, 16 * nthreads)
    for blk in prange(nblk):
        c0 = blk * ncurve // nblk
        c1 = (blk + 1) * ncurve // nblk
        maxn = 1
        for i in range(c0, c1):
            maxn = max(maxn, starts[i + 1] - starts[i])
        ux = np.empty(maxn)
        uy = np.empty(maxn)
        jrow = np.empty(p)
        jrow2 = np.empty(p)
        A = np.empty((pf, pf))
        g = np.empty(pf)
        At = np.empty((pf, pf))
        gt = np.empty(pf)
        M = np.empty((pf, pf))
        L = np.zeros((pf, pf))
        dlt = np.empty(pf)
        qt = np.empty(p)
        ws = (jrow, A, g, At, gt, M, L, dlt, qt)
        q = np.empty(p)
        q0 = np.empty(p)
        best = np.empty(p)
        q0g = np.empty(p)
        inv = np.empty((pf, pf))
        tmp = np.empty(pf)
        ev = np.empty(pf)
        for ci in range(c0, c1):
            lo = starts[ci]
            hi = starts[ci + 1]
            n = hi - lo
            for i in range(lo, hi):  # log x, filled here so it runs in parallel
                lx[i] = math.log(x[i]) if x[i] > 0.0 else -np.inf
            for j in range(p):
                out_q[ci, j] = np.nan
            out_rss[ci] = np.nan
            out_cond[ci] = np.nan
            out_iter[ci] = 0
            # constant model and range
            sw_sum = 0.0
            sy = 0.0
            for i in range(lo, hi):
                w = sw[i] * sw[i] if has_w else 1.0
                sw_sum += w
                sy += w * y[i]
            ybar = sy / sw_sum if sw_sum > 0 else np.nan
            r0 = 0.0
            for i in range(lo, hi):
                w = sw[i] * sw[i] if has_w else 1.0
                r0 += w * (y[i] - ybar) ** 2
            out_rss0[ci] = r0
            m = dose_means(x, y, lo, hi, ux, uy) if n > 0 else 0
            out_ndist[ci] = m
            xlo = np.inf
            for k in range(m):
                if ux[k] > 0.0:
                    xlo = ux[k]
                    break
            out_xlo[ci] = xlo
            out_xhi[ci] = ux[m - 1] if m > 0 else np.nan
            if n < pf or n == 0:
                out_status[ci] = 4
                continue
            if m < 2 or (p <= 5 and m < 3 and pf > 2):
                out_status[ci] = 5
                continue
            llo = math.log(xlo) if math.isfinite(xlo) else 0.0
            lhi = math.log(out_xhi[ci]) if out_xhi[ci] > 0 else llo
            lelo = llo - math.log(1e6)
            lehi = lhi + math.log(1e6)
            start_values(fam, ux, uy, m, free_mask, qfix, q0)
            for j in range(p):
                q[j] = q0[j]
            status, rss, nit = _lm(
                fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, maxit, tol2, ws, lelo, lehi
            )
            total_it = nit
            poor = rss > 0.5 * out_rss0[ci]  # R² < 0.5: maybe a local minimum
            if (status != 0 or poor) and grid:
                # Two stages, so a hard curve costs ~20 short runs + 1 full run rather
                # than 20 full runs: a few LM steps from each grid start, then a full
                # run from the best of them.
                best_rss = rss if math.isfinite(rss) else np.inf
                best_status = status
                for j in range(p):
                    best[j] = q[j]
                cand_rss = np.inf
                for gi in range(5):
                    for hj in range(4):
                        for j in range(p):
                            q[j] = q0[j]
                        if fam <= 3:
                            if free_mask[3]:
                                q[3] = llo + (lhi - llo) * gi / 4.0
                            if free_mask[0]:
                                q[0] = q0[0] * (0.5, 1.0, 2.0, 4.0)[hj]
                            elif hj > 0:
                                continue
                        else:
                            if not (free_mask[3] and free_mask[4]):
                                continue
                            q[3] = llo + (lhi - llo) * gi / 5.0
                            q[4] = q[3] + (lhi - llo) * (hj + 1) / 5.0
                        st, rs, nit = _lm(
                            fam, x, lx, y, sw, has_w, lo, hi, free_idx, q,
                            _GRID_STEPS, tol2, ws, lelo, lehi,
                        )  # fmt: skip
                        total_it += nit
                        if math.isfinite(rs) and rs < cand_rss:
                            cand_rss = rs
                            for j in range(p):
                                q0g[j] = q[j]
                if math.isfinite(cand_rss):
                    for j in range(p):
                        q[j] = q0g[j]
                    st, rs, nit = _lm(
                        fam, x, lx, y, sw, has_w, lo, hi, free_idx, q,
                        maxit, tol2, ws, lelo, lehi,
                    )  # fmt: skip
                    total_it += nit
                    # lowest RSS wins; convergence breaks near-ties
                    better = math.isfinite(rs) and (
                        rs < best_rss * (1.0 - 1e-9)
                        or (st == 0 and best_status != 0 and rs <= best_rss * (1.0 + 1e-9))
                    )
                    if better:
                        best_rss = rs
                        best_status = st
                        for j in range(p):
                            best[j] = q[j]
                for j in range(p):
                    q[j] = best[j]
                status = best_status
                rss = _accumulate(fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, jrow, A, g)
            # else: A, g are those at q (kept current by _lm)
            out_status[ci] = status
            out_iter[ci] = total_it
            out_rss[ci] = rss
            for j in range(p):
                out_q[ci, j] = q[j]
            df = n - pf
            sig2 = rss / df if df > 0 else np.nan
            for a in range(pf):
                for b in range(pf):
                    out_cov[ci, a, b] = np.nan
                    out_covh[ci, a, b] = np.nan
            if not math.isfinite(rss):
                continue
            out_cond[ci] = np.inf
            if _inverse(A, L, inv, tmp, ev):
                out_cond[ci] = _cond_scaled(A, inv)
                for a in range(pf):
                    for b in range(pf):
                        out_cov[ci, a, b] = sig2 * inv[a, b]
            _plateau_counts(fam, ux, uy, m, q, jrow, out_near[ci])
            if hess:
                _hessian_part(fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, jrow, jrow2, qt, M)
                for a in range(pf):
                    for b in range(pf):
                        M[a, b] = A[a, b] - M[a, b]
                if _inverse(M, L, inv, tmp, ev):
                    for a in range(pf):
                        for b in range(pf):
                            out_covh[ci, a, b] = sig2 * inv[a, b]


def _writable(a: Any, dtype: Any) -> np.ndarray:
    """``a`` as a C-contiguous, writable array of ``dtype`` (a copy only if needed)."""
    return np.require(a, dtype=dtype, requirements=["C", "W"])


def fit_arrays(
    family: str,
    x: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    free: np.ndarray,
    qfix: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    hessian: bool = False,
    maxit: int = 200,
    tol: float = 1e-6,
    grid: bool = True,
) -> dict[str, Any]:
    """Fit every curve of a CSR batch; all outputs on the internal scale.

    Parameters
    ----------
    family : str
        "ll5", "w1", "w2", "bc5", "bell" or "biphasic".
    x, y : ndarray
        Concatenated concentrations (≥ 0) and responses (finite).
    starts : ndarray of int64
        Offsets, length n_curves + 1.
    free : ndarray of bool
        Which entries of the full vector are estimated.
    qfix : ndarray
        Internal values (log for location parameters) of the fixed entries.
    weights : ndarray, optional
        Case weights (the RSS is Σ w r²).
    hessian : bool
        Also compute the observed-Hessian covariance.
    maxit, tol, grid
        Iteration limit, relative-offset tolerance, grid restarts for failures.

    Returns
    -------
    dict
        ``q`` (n, p), ``cov`` / ``cov_hessian`` (n, pf, pf), ``rss``, ``rss0``,
        ``status``, ``iterations``, ``cond``, ``xlo`` (lowest positive x),
        ``xhi``, ``n_distinct``, ``n``, ``near`` (n, 2): distinct concentrations
        within 20 % of the span from the x → 0 / x → ∞ asymptote (−1: not computed).
    """
    fam = FAMILY_CODES[family]
    # C-contiguous and writable: Numba compiles a separate kernel for read-only
    # arrays (pandas' copy-on-write .to_numpy() gives those), ~30 s each
    x = _writable(x, np.float64)
    y = _writable(y, np.float64)
    starts = _writable(starts, np.int64)
    lx = np.empty_like(x)  # filled by the kernel
    free = _writable(free, np.bool_)
    free_idx = np.flatnonzero(free).astype(np.int64)
    qfix = _writable(qfix, np.float64)
    has_w = weights is not None
    sw = np.sqrt(_writable(weights, np.float64)) if has_w else np.empty(0)
    n = starts.size - 1
    p = N_FULL[family]
    pf = free_idx.size
    out = {
        "q": np.empty((n, p)),
        "cov": np.empty((n, pf, pf)),
        "cov_hessian": np.empty((n, pf, pf)),
        "rss": np.empty(n),
        "status": np.empty(n, dtype=np.int8),
        "iterations": np.empty(n, dtype=np.int32),
        "rss0": np.empty(n),
        "cond": np.empty(n),
        "xlo": np.empty(n),
        "xhi": np.empty(n),
        "n_distinct": np.empty(n, dtype=np.int32),
        "near": np.full((n, 2), -1, dtype=np.int32),
    }
    if n > 0:
        _fit_kernel(
            fam, x, lx, y, sw, has_w, starts, free_idx, free, qfix, int(maxit), float(tol) ** 2,
            bool(hessian), bool(grid), int(get_num_threads()),
            out["q"], out["cov"], out["cov_hessian"], out["rss"], out["status"],
            out["iterations"], out["rss0"], out["cond"], out["xlo"], out["xhi"],
            out["n_distinct"], out["near"],
        )  # fmt: skip
    if not hessian:
        out["cov_hessian"][:] = np.nan
    out["n"] = np.diff(starts)
    out["log_slots"] = LOG_SLOTS[family]
    return out
