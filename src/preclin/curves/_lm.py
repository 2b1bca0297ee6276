"""The per-curve Levenberg–Marquardt steps behind the batched engine (Numba).

Everything here works on one curve of a CSR batch (``x[lo:hi]``): the normal
equations for the free parameters (:func:`_accumulate`), a Cholesky solve, the
LM iteration with nls-style convergence (:func:`_lm`), the Hessian part of the
observed information, the condition number and the plateau counts. The loop over
curves, the grid fallback and the outputs are in :mod:`preclin.curves._engine`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from preclin.curves._kernels import eval_point


def _drop_stale_cache() -> None:
    """Numba's cache only watches the file of the cached function: when any file of
    the engine (kernels, starting values, these steps, the batch kernel) changes,
    drop the cached machine code of this module and of the engine."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    files = ("_kernels.py", "_start.py", "_lm.py", "_engine.py")
    try:
        digest = hashlib.sha256(b"".join((here / f).read_bytes() for f in files)).hexdigest()[:16]
        cache = here / "__pycache__"
        stamp = cache / "_engine.deps"
        if stamp.exists() and stamp.read_text() == digest:
            return
        for stem in ("_lm", "_engine"):
            for f in cache.glob(f"{stem}.*.nb[ic]"):
                f.unlink()
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:  # read-only install: numba recompiles or uses its own checks
        pass


_drop_stale_cache()

_B_MAX = 50.0  # |b| beyond this is a step function, not a measurable slope

_TINY = 1e-300


@njit(cache=True)
def _accumulate_ll4(x, lx, y, lo, hi, free_idx, q, A, g):
    """Fast path of :func:`_accumulate` for LL.2–LL.4 without weights (scalar sums)."""
    b = q[0]
    c = q[1]
    d = q[2]
    le = q[3]
    dc = d - c
    a00 = a10 = a11 = a20 = a21 = a22 = a30 = a31 = a32 = a33 = 0.0
    g0 = g1 = g2 = g3 = 0.0
    rss = 0.0
    for i in range(lo, hi):
        if x[i] > 0.0:
            lxe = lx[i] - le
            u = b * lxe
            u = min(max(u, -700.0), 700.0)
            if u >= 0.0:
                t = math.exp(-u)
                inv = 1.0 / (1.0 + t)
                sp = inv
                sn = t * inv
            else:
                t = math.exp(u)
                inv = 1.0 / (1.0 + t)
                sp = t * inv
                sn = inv
            dg = -dc * sp * sn
            j0 = dg * lxe
            j3 = -dg * b
        else:
            sn = 1.0 if b > 0.0 else (0.0 if b < 0.0 else 0.5)
            j0 = 0.0
            j3 = 0.0
        j1 = 1.0 - sn
        j2 = sn
        r = y[i] - (c + dc * sn)
        rss += r * r
        g0 += j0 * r
        g1 += j1 * r
        g2 += j2 * r
        g3 += j3 * r
        a00 += j0 * j0
        a10 += j1 * j0
        a11 += j1 * j1
        a20 += j2 * j0
        a21 += j2 * j1
        a22 += j2 * j2
        a30 += j3 * j0
        a31 += j3 * j1
        a32 += j3 * j2
        a33 += j3 * j3
    pf = free_idx.shape[0]
    if pf == 4:
        A[0, 0] = a00
        A[1, 0] = A[0, 1] = a10
        A[1, 1] = a11
        A[2, 0] = A[0, 2] = a20
        A[2, 1] = A[1, 2] = a21
        A[2, 2] = a22
        A[3, 0] = A[0, 3] = a30
        A[3, 1] = A[1, 3] = a31
        A[3, 2] = A[2, 3] = a32
        A[3, 3] = a33
        g[0] = g0
        g[1] = g1
        g[2] = g2
        g[3] = g3
        return rss
    full = np.empty((4, 4))
    full[0, 0] = a00
    full[1, 0] = full[0, 1] = a10
    full[1, 1] = a11
    full[2, 0] = full[0, 2] = a20
    full[2, 1] = full[1, 2] = a21
    full[2, 2] = a22
    full[3, 0] = full[0, 3] = a30
    full[3, 1] = full[1, 3] = a31
    full[3, 2] = full[2, 3] = a32
    full[3, 3] = a33
    gf = (g0, g1, g2, g3)
    for a in range(pf):
        g[a] = gf[free_idx[a]]
        for bb in range(pf):
            A[a, bb] = full[free_idx[a], free_idx[bb]]
    return rss


@njit(cache=True)
def _accumulate(fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, jrow, A, g):
    """RSS at q; A = JᵀWJ and g = JᵀWr over the free parameters."""
    pf = free_idx.shape[0]
    jk = 2 if free_idx[pf - 1] == 4 else 1
    if fam == 0 and jk == 1 and not has_w and q[4] == 1.0:
        return _accumulate_ll4(x, lx, y, lo, hi, free_idx, q, A, g)
    for a in range(pf):
        g[a] = 0.0
        for b in range(pf):
            A[a, b] = 0.0
    rss = 0.0
    for i in range(lo, hi):
        f = eval_point(fam, x[i], lx[i], q, jrow, jk)
        r = y[i] - f
        if has_w:
            w = sw[i]
            r *= w
            for a in range(pf):
                jrow[free_idx[a]] *= w
        rss += r * r
        for a in range(pf):
            ja = jrow[free_idx[a]]
            g[a] += ja * r
            for b in range(a + 1):
                A[a, b] += ja * jrow[free_idx[b]]
    for a in range(pf):
        for b in range(a):
            A[b, a] = A[a, b]
    return rss


@njit(cache=True)
def _cholesky_solve(M, rhs, L, out):
    """Solve M out = rhs for SPD M (p ≤ 7); False if M is not positive definite."""
    p = M.shape[0]
    for i in range(p):
        for j in range(i + 1):
            s = M[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            if i == j:
                if not (s > 0.0) or not math.isfinite(s):
                    return False
                L[i, i] = math.sqrt(s)
            else:
                L[i, j] = s / L[j, j]
    for i in range(p):
        s = rhs[i]
        for k in range(i):
            s -= L[i, k] * out[k]
        out[i] = s / L[i, i]
    for i in range(p - 1, -1, -1):
        s = out[i]
        for k in range(i + 1, p):
            s -= L[k, i] * out[k]
        out[i] = s / L[i, i]
    return True


@njit(cache=True)
def _inverse(M, L, out, tmp, e):
    """out = M⁻¹ for SPD M (one Cholesky factorisation); False if not positive definite."""
    p = M.shape[0]
    for j in range(p):
        e[j] = 0.0
    if not _cholesky_solve(M, e, L, tmp):
        return False
    for j in range(p):
        # solve L Lᵀ col = unit_j with the factor already in L
        for i in range(p):
            s = 1.0 if i == j else 0.0
            for k in range(i):
                s -= L[i, k] * tmp[k]
            tmp[i] = s / L[i, i]
        for i in range(p - 1, -1, -1):
            s = tmp[i]
            for k in range(i + 1, p):
                s -= L[k, i] * tmp[k]
            tmp[i] = s / L[i, i]
        for i in range(p):
            out[i, j] = tmp[i]
    return True


@njit(cache=True)
def _cond_scaled(A, inv):
    """1-norm condition number of the unit-diagonal scaling of A, given A⁻¹."""
    p = A.shape[0]
    na = 0.0
    ni = 0.0
    for j in range(p):
        ca = 0.0
        ci = 0.0
        for i in range(p):
            s = math.sqrt(A[i, i] * A[j, j])
            ca += abs(A[i, j]) / s
            ci += abs(inv[i, j]) * s
        na = max(na, ca)
        ni = max(ni, ci)
    c = na * ni
    return c if math.isfinite(c) else np.inf


@njit(cache=True)
def _lm(fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, maxit, tol2, ws, lelo, lehi):
    """Levenberg–Marquardt from q (updated in place). Returns (status, rss, iterations).

    Stops with status 6 when a location parameter (log e) leaves [lelo, lehi].
    """
    pf = free_idx.shape[0]
    jrow, A, g, At, gt, M, L, dlt, qt = ws
    rss = _accumulate(fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, jrow, A, g)
    if not math.isfinite(rss):
        return 3, rss, 0
    scale = 0.0
    for i in range(lo, hi):
        scale += y[i] * y[i]
    lam = 1e-3
    for it in range(maxit):
        if rss <= 1e-28 * (scale + _TINY):
            return 0, rss, it
        dmax = 0.0
        for a in range(pf):
            dmax = max(dmax, A[a, a])
        floor = 1e-12 * dmax + _TINY
        for a in range(pf):
            for b in range(pf):
                M[a, b] = A[a, b]
            M[a, a] += lam * max(A[a, a], floor)
        if not _cholesky_solve(M, g, L, dlt):
            lam *= 10.0
            if lam > 1e16:
                return 2, rss, it
            continue
        pred = 0.0
        for a in range(pf):
            pred += g[a] * dlt[a]
        if lam <= 1e-2 and pred <= tol2 * rss:
            return 0, rss, it
        for j in range(q.shape[0]):
            qt[j] = q[j]
        for a in range(pf):
            qt[free_idx[a]] += dlt[a]
        rss_t = _accumulate(fam, x, lx, y, sw, has_w, lo, hi, free_idx, qt, jrow, At, gt)
        if math.isfinite(rss_t) and rss_t <= rss:
            small = True
            for a in range(pf):
                k = free_idx[a]
                if abs(dlt[a]) > 1e-10 * (abs(qt[k]) + 1e-10):
                    small = False
            rel = (rss - rss_t) / (rss_t + _TINY)
            for j in range(q.shape[0]):
                q[j] = qt[j]
            for a in range(pf):
                g[a] = gt[a]
                for b in range(pf):
                    A[a, b] = At[a, b]
            rss = rss_t
            if fam <= 3:
                if q[3] < lelo or q[3] > lehi:
                    return 6, rss, it + 1
                if abs(q[0]) > _B_MAX:
                    return 7, rss, it + 1
            elif q[3] < lelo or q[3] > lehi or q[4] < lelo or q[4] > lehi:
                return 6, rss, it + 1
            if small and rel <= 1e-12:
                return 0, rss, it + 1
            lam = max(lam * 0.1, 1e-12)
        else:
            lam *= 10.0
            if lam > 1e16:
                # stalled: accept if the Gauss-Newton offset is nls-small (1e-5)
                for a in range(pf):
                    for b in range(pf):
                        M[a, b] = A[a, b]
                if _cholesky_solve(M, g, L, dlt):
                    pred = 0.0
                    for a in range(pf):
                        pred += g[a] * dlt[a]
                    if pred <= 1e-10 * rss:
                        return 0, rss, it + 1
                return 2, rss, it + 1
    # iteration limit: an EC50 drifting outside the tested range is a runaway (6)
    out_lo = lelo + 13.815510557964274  # log(1e6): back to the tested range
    out_hi = lehi - 13.815510557964274
    if q[3] < out_lo or q[3] > out_hi:
        return 6, rss, maxit
    return 1, rss, maxit


@njit(cache=True)
def _hessian_part(fam, x, lx, y, sw, has_w, lo, hi, free_idx, q, jrow, jrow2, qt, M):
    """M = Σ w r ∇²f over free parameters, by central differences of the Jacobian."""
    pf = free_idx.shape[0]
    for a in range(pf):
        for b in range(pf):
            M[a, b] = 0.0
    for a in range(pf):
        k = free_idx[a]
        h = 1e-5 * max(abs(q[k]), 0.1)
        for i in range(lo, hi):
            f = eval_point(fam, x[i], lx[i], q, jrow, 0)
            r = y[i] - f
            w = sw[i] * sw[i] if has_w else 1.0
            for j in range(q.shape[0]):
                qt[j] = q[j]
            qt[k] = q[k] + h
            eval_point(fam, x[i], lx[i], qt, jrow, 2)
            qt[k] = q[k] - h
            eval_point(fam, x[i], lx[i], qt, jrow2, 2)
            for b in range(pf):
                kb = free_idx[b]
                M[a, b] += w * r * (jrow[kb] - jrow2[kb]) / (2.0 * h)
    for a in range(pf):
        for b in range(a):
            s = 0.5 * (M[a, b] + M[b, a])
            M[a, b] = s
            M[b, a] = s


@njit(cache=True)
def _plateau_counts(fam, ux, uy, m, q, jrow, near):
    """Distinct concentrations whose fitted response is within 20 % of the span
    from the x → 0 asymptote (near[0]; x = 0 counts) and from the x → ∞ one (near[1])."""
    near[0] = -1
    near[1] = -1
    if fam > 3:
        return
    y0 = eval_point(fam, 0.0, -np.inf, q, jrow, 0)
    b = q[0]
    x0_is_d = (b < 0) if fam == 2 else (b > 0)
    yinf = q[1] if x0_is_d else q[2]
    span = yinf - y0
    if not (abs(span) > 0.0) or not math.isfinite(span):
        return
    n0 = 0
    ninf = 0
    for k in range(m):
        if ux[k] <= 0.0:
            n0 += 1
            continue
        f = eval_point(fam, ux[k], math.log(ux[k]), q, jrow, 0)
        moved = (f - y0) / span
        if moved <= 0.2:
            n0 += 1
        if moved >= 0.8:
            ninf += 1
    near[0] = n0
    near[1] = ninf
