"""Numba kernels of the concentration–response families (value + Jacobian per point).

They must agree with the NumPy reference in :mod:`preclin.curves._models`
(and :mod:`preclin.curves._prism` for the Prism bell-shaped / biphasic
models); ``tests/curves/test_kernels.py`` checks them on random inputs.

The kernels work on the *internal* vector ``q``: the family's full parameter
vector with every location parameter (``e``; ``e1``/``e2`` for the Prism
models) replaced by its natural logarithm, which keeps it positive during a
fit. The Jacobian is returned with respect to ``q`` (so the ``e`` column is
d f / d log e = e · d f / d e).

Families (``FAMILY_CODES``) and their internal vectors::

    0 ll5       (b, c, d, log e, f)
    1 w1        (b, c, d, log e)
    2 w2        (b, c, d, log e)
    3 bc5       (b, c, d, log e, f)
    4 bell      (plateau1, dip, plateau2, log e1, log e2, h1, h2)
    5 biphasic  (bottom, top, frac, log e1, log e2, h1, h2)

x = 0 (vehicle) is evaluated as the x → 0 limit (log x = −inf).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = ["FAMILY_CODES", "LOG_SLOTS", "N_FULL", "eval_point", "jacobian_q", "predict_q"]

FAMILY_CODES = {"ll5": 0, "w1": 1, "w2": 2, "bc5": 3, "bell": 4, "biphasic": 5}
N_FULL = {"ll5": 5, "w1": 4, "w2": 4, "bc5": 5, "bell": 7, "biphasic": 7}
#: indices of the full vector that are fitted on the log scale
LOG_SLOTS = {"ll5": (3,), "w1": (3,), "w2": (3,), "bc5": (3,), "bell": (3, 4), "biphasic": (3, 4)}

_UMAX = 700.0


@njit(cache=True, inline="always")
def _sig(u):
    """(expit(u), expit(-u)) without overflow; u may be ±inf."""
    if u >= 0.0:
        t = math.exp(-u)
        return 1.0 / (1.0 + t), t / (1.0 + t)
    t = math.exp(u)
    return t / (1.0 + t), 1.0 / (1.0 + t)


@njit(cache=True, inline="always")
def _uval(b, lx, le, zero):
    """u = b (log x − log e) with the x = 0 limit, clipped to ±700 as _models does."""
    if zero:
        if b > 0.0:
            return -_UMAX
        if b < 0.0:
            return _UMAX
        return 0.0
    u = b * (lx - le)
    if u > _UMAX:
        return _UMAX
    if u < -_UMAX:
        return -_UMAX
    return u


_FM = {"nsz", "arcp", "contract", "reassoc", "afn"}


@njit(cache=True, fastmath=_FM)
def eval_point(fam, x, lx, q, jrow, want_jac):
    """Response at one point; fills ``jrow`` (d f / d q) when ``want_jac`` > 0.

    ``want_jac`` = 1 skips the LL.5 asymmetry column (f fixed); 2 fills all.
    """
    zero = x <= 0.0
    if fam == 0 or fam == 3:
        b = q[0]
        c = q[1]
        d = q[2]
        le = q[3]
        f = q[4]
        u = _uval(b, lx, le, zero)
        s_pos, s_neg = _sig(u)  # expit(u), expit(-u)
        if fam == 0:
            if f == 1.0:
                g = s_neg
                dg_du = -s_pos * s_neg
            else:
                sp = u + math.log1p(math.exp(-u)) if u > 0.0 else math.log1p(math.exp(u))
                g = math.exp(-f * sp)
                dg_du = -f * s_pos * g
            y = c + (d - c) * g
            if want_jac:
                lxe = 0.0 if zero else lx - le
                if zero:
                    dg_du = 0.0
                jrow[0] = (d - c) * dg_du * lxe
                jrow[1] = 1.0 - g
                jrow[2] = g
                jrow[3] = (d - c) * dg_du * (-b)
                if want_jac > 1:  # the f column (skipped when f is fixed)
                    if zero and b < 0.0:
                        jrow[4] = 0.0
                    else:
                        sp = u + math.log1p(math.exp(-u)) if u > 0.0 else math.log1p(math.exp(u))
                        jrow[4] = (d - c) * (-sp) * g
            return y
        # bc5
        num = d - c + f * x
        h = s_neg
        y = c + num * h
        if want_jac:
            lxe = 0.0 if zero else lx - le
            dh_du = 0.0 if zero else -h * s_pos
            jrow[0] = num * dh_du * lxe
            jrow[1] = 1.0 - h
            jrow[2] = h
            jrow[3] = num * dh_du * (-b)
            jrow[4] = x * h
        return y
    if fam == 1 or fam == 2:
        b = q[0]
        c = q[1]
        d = q[2]
        le = q[3]
        u = _uval(b, lx, le, zero)
        eu = math.exp(u)
        g1 = math.exp(-eu)
        dg1 = -math.exp(u - eu)
        if fam == 1:
            g = g1
            dg = dg1
        else:
            g = 1.0 - g1
            dg = -dg1
        y = c + (d - c) * g
        if want_jac:
            lxe = 0.0 if zero else lx - le
            if zero:
                dg = 0.0
            jrow[0] = (d - c) * dg * lxe
            jrow[1] = 1.0 - g
            jrow[2] = g
            jrow[3] = (d - c) * dg * (-b)
        return y
    # Prism models: s1 = 1/(1 + (e1/x)^h1), a rising step for h1 > 0
    le1 = q[3]
    le2 = q[4]
    h1 = q[5]
    h2 = q[6]
    # z1 = h1 (log x - log e1): s1 = expit(z1)
    z1 = _uval(h1, lx, le1, zero)
    a1, a1n = _sig(z1)
    lxe1 = 0.0 if zero else lx - le1
    ds1 = 0.0 if zero else a1 * a1n
    if fam == 4:
        p1 = q[0]
        dip = q[1]
        p2 = q[2]
        # Section2 = Span2 / (1 + (x/e2)^h2) = Span2 * expit(-z2), z2 = h2 (log x - log e2)
        z2 = _uval(h2, lx, le2, zero)
        a2, a2n = _sig(z2)
        lxe2 = 0.0 if zero else lx - le2
        ds2 = 0.0 if zero else -a2 * a2n  # d expit(-z2) / d z2
        s1 = a1
        s2 = a2n
        y = dip + (p1 - dip) * s1 + (p2 - dip) * s2
        if want_jac:
            jrow[0] = s1
            jrow[1] = 1.0 - s1 - s2
            jrow[2] = s2
            jrow[3] = (p1 - dip) * ds1 * (-h1)
            jrow[4] = (p2 - dip) * ds2 * (-h2)
            jrow[5] = (p1 - dip) * ds1 * lxe1
            jrow[6] = (p2 - dip) * ds2 * lxe2
        return y
    bottom = q[0]
    top = q[1]
    frac = q[2]
    z2 = _uval(h2, lx, le2, zero)
    a2, a2n = _sig(z2)
    lxe2 = 0.0 if zero else lx - le2
    ds2 = 0.0 if zero else a2 * a2n
    span = top - bottom
    mix = frac * a1 + (1.0 - frac) * a2
    y = bottom + span * mix
    if want_jac:
        jrow[0] = 1.0 - mix
        jrow[1] = mix
        jrow[2] = span * (a1 - a2)
        jrow[3] = span * frac * ds1 * (-h1)
        jrow[4] = span * (1.0 - frac) * ds2 * (-h2)
        jrow[5] = span * frac * ds1 * lxe1
        jrow[6] = span * (1.0 - frac) * ds2 * lxe2
    return y


@njit(cache=True, parallel=True)
def _predict_rows(fam, x, q, out_y, out_j, want_jac):
    m = q.shape[0]
    n = x.shape[0]
    for k in prange(m):
        jrow = np.empty(q.shape[1])
        for i in range(n):
            xi = x[i]
            lx = math.log(xi) if xi > 0.0 else -np.inf
            out_y[k, i] = eval_point(fam, xi, lx, q[k], jrow, 2 if want_jac else 0)
            if want_jac:
                for j in range(q.shape[1]):
                    out_j[k, i, j] = jrow[j]


def _call(family: str, x, q, want_jac: bool):
    # C-contiguous and writable: read-only inputs would compile another kernel
    x = np.require(np.asarray(x, dtype=float).ravel(), requirements=["C", "W"])
    q = np.asarray(q, dtype=float)
    single = q.ndim == 1
    q2 = np.require(np.atleast_2d(q), requirements=["C", "W"])
    out_y = np.empty((q2.shape[0], x.size))
    out_j = np.empty((q2.shape[0], x.size, q2.shape[1]) if want_jac else (1, 1, 1))
    _predict_rows(FAMILY_CODES[family], x, q2, out_y, out_j, want_jac)
    if single:
        return out_y[0], out_j[0]
    return out_y, out_j


def predict_q(family: str, x, q) -> np.ndarray:
    """Responses at ``x`` for internal vector(s) ``q`` (shape (p,) or (m, p))."""
    return _call(family, x, q, False)[0]


def jacobian_q(family: str, x, q) -> np.ndarray:
    """d f / d q at ``x``: shape (n, p) or (m, n, p)."""
    return _call(family, x, q, True)[1]


def to_internal(family: str, theta) -> np.ndarray:
    """Full natural vector(s) → internal (log of the location parameters)."""
    q = np.array(theta, dtype=float, copy=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        for s in LOG_SLOTS[family]:
            q[..., s] = np.log(q[..., s])
    return q


def to_natural(family: str, q) -> np.ndarray:
    """Internal vector(s) → full natural vector(s)."""
    th = np.array(q, dtype=float, copy=True)
    with np.errstate(over="ignore"):
        for s in LOG_SLOTS[family]:
            th[..., s] = np.exp(th[..., s])
    return th
