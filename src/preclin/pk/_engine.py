"""Closed-form linear compartmental PK with analytic superposition.

The central concentration after a unit IV bolus of an n-compartment
mammillary model (elimination from the central compartment) is a sum of
exponentials ``Σ A_i exp(-λ_i t)``, where ``λ_i`` are the eigenvalues of the
rate matrix and

    A_i = (1/V1) Π_j (k_j1 − λ_i) / Π_{l≠i} (λ_l − λ_i)     (j: peripheral)

(Gibaldi & Perrier, *Pharmacokinetics*, 2nd ed., ch. 2 and appendix C).
First-order absorption convolves this with ``ka·exp(−ka t)``; a zero-order
infusion integrates it over the infusion. Repeated equal doses every τ sum
each exponential as a geometric series,

    Σ_{j=0}^{m} exp(−λ(s + jτ)) = exp(−λ s) · (1 − exp(−λ τ (m+1))) / (1 − exp(−λ τ)),

with ``m`` the number of earlier doses and ``s`` the time since the last one,
so the cost is O(subjects × times × exponentials), independent of the number
of doses. Checked against ``scipy.integrate.solve_ivp`` (LSODA, rtol 1e-12)
in ``reference/pk/models_ode_reference.py`` and against R deSolve for the
1-compartment b.i.d. case (``/work/shared/reference/pk``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# relative distance below which ka and an eigenvalue are treated as equal
# (then the t·exp(−λt) form is used); ~sqrt(machine epsilon) balances the
# cancellation error of the general form against the truncation error.
_DEGENERATE = 1e-7


def micro_constants(n_cpt: int, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Micro rate constants (1/h) and V1 from CL/ke, V, Q, V2, Q3, V3."""
    v1 = p["V"]
    k10 = p["ke"] if "ke" in p else p["CL"] / v1
    out = {"V1": v1, "k10": k10}
    if n_cpt >= 2:
        out["k12"] = p["Q"] / v1
        out["k21"] = p["Q"] / p["V2"]
    if n_cpt == 3:
        out["k13"] = p["Q3"] / v1
        out["k31"] = p["Q3"] / p["V3"]
    return out


def _cubic_roots(a2: np.ndarray, a1: np.ndarray, a0: np.ndarray) -> np.ndarray:
    """Three real roots of λ³ − a2 λ² + a1 λ − a0 (trigonometric form + Newton polish)."""
    p = a1 - a2**2 / 3.0
    q = -2.0 * a2**3 / 27.0 + a2 * a1 / 3.0 - a0
    r = np.sqrt(np.maximum(-p / 3.0, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        arg = np.clip(-q / (2.0 * r**3), -1.0, 1.0)
    phi = np.arccos(arg) / 3.0
    k = np.arange(3)[None, :]
    roots = 2.0 * r[:, None] * np.cos(phi[:, None] - 2.0 * np.pi * k / 3.0) + a2[:, None] / 3.0
    for _ in range(2):  # Newton polish
        f = ((roots - a2[:, None]) * roots + a1[:, None]) * roots - a0[:, None]
        df = (3.0 * roots - 2.0 * a2[:, None]) * roots + a1[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            step = np.where(df != 0, f / df, 0.0)
        roots = roots - step
    return np.sort(roots, axis=1)[:, ::-1]


def disposition(n_cpt: int, p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues λ (n, n_cpt), descending, and unit-bolus coefficients A (1/volume)."""
    m = micro_constants(n_cpt, p)
    v1, k10 = m["V1"], m["k10"]
    n = v1.shape[0]
    if n_cpt == 1:
        return k10.reshape(n, 1).astype(float), (1.0 / v1).reshape(n, 1).astype(float)
    if n_cpt == 2:
        k12, k21 = m["k12"], m["k21"]
        s = k10 + k12 + k21
        prod = k10 * k21
        alpha = 0.5 * (s + np.sqrt(s * s - 4.0 * prod))
        beta = prod / alpha
        lam = np.stack([alpha, beta], axis=1)
        back = [k21]
    else:
        k12, k21, k13, k31 = m["k12"], m["k21"], m["k13"], m["k31"]
        a2 = k10 + k12 + k13 + k21 + k31
        a1 = k10 * k21 + k10 * k31 + k21 * k31 + k21 * k13 + k31 * k12
        a0 = k10 * k21 * k31
        lam = _cubic_roots(a2, a1, a0)
        back = [k21, k31]
    num = np.ones_like(lam)
    for kb in back:
        num = num * (kb[:, None] - lam)
    den = np.ones_like(lam)
    for i in range(n_cpt):
        for j in range(n_cpt):
            if i != j:
                den[:, i] *= lam[:, j] - lam[:, i]
    return lam, num / den / v1[:, None]


def route_terms(
    route: str,
    lam: np.ndarray,
    a: np.ndarray,
    amount: np.ndarray,
    *,
    ka: np.ndarray | None = None,
    f: np.ndarray | None = None,
    duration: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exponents and coefficients of one dose's response for a route.

    Returns ``(lam, c, d)``: C(t) = Σ c_k e^{−lam_k t} + Σ d_k t e^{−lam_k t}
    (bolus, oral), or for an infusion c_k = R·A_k/λ_k, used by the infusion kernel.
    """
    amount = amount[:, None]
    if route == "iv":
        return lam, amount * a, np.zeros_like(a)
    if route == "infusion":
        rate = amount / float(duration)  # type: ignore[arg-type]
        return lam, rate * a / lam, np.zeros_like(a)
    if ka is None or f is None:
        raise TypeError("oral terms need ka and F")
    kk = ka[:, None]
    diff = kk - lam
    degenerate = np.abs(diff) <= _DEGENERATE * kk
    scale = f[:, None] * amount * kk * a
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(degenerate, 0.0, scale / np.where(degenerate, 1.0, diff))
    d = np.where(degenerate, scale, 0.0)
    c_ka = -c.sum(axis=1, keepdims=True)
    lam_all = np.concatenate([lam, kk], axis=1)
    c_all = np.concatenate([c, c_ka], axis=1)
    d_all = np.concatenate([d, np.zeros_like(c_ka)], axis=1)
    return lam_all, c_all, d_all


@njit(cache=True)
def _geo(lam: float, tau: float, count: int) -> float:
    """Σ_{u=0}^{count-1} exp(−λ τ u)."""
    if count <= 0:
        return 0.0
    if count == 1:
        return 1.0
    return math.expm1(-lam * tau * count) / math.expm1(-lam * tau)


@njit(cache=True)
def _geo1(lam: float, tau: float, count: int) -> float:
    """Σ_{u=0}^{count-1} u·exp(−λ τ u)."""
    if count <= 1:
        return 0.0
    r = math.exp(-lam * tau)
    m = count - 1
    return r * (1.0 - (m + 1) * r**m + m * r ** (m + 1)) / (1.0 - r) ** 2


@njit(cache=True)
def _superpose_rows(
    i0, i1, times, t0, tau, n_doses, tlag, lam, c, d, has_d, last, out
):  # pragma: no cover
    """Bolus / oral: out[i, j] = Σ_doses Σ_k (c + d·t) e^{−λ t} for rows i0 ≤ i < i1.

    With ``last`` the times count from the last of ``n_doses`` doses.
    """
    nk = lam.shape[1]
    nt = times.shape[0]
    finite_tau = math.isfinite(tau)
    pre = finite_tau and n_doses > 1 and n_doses <= 4 * nt
    for i in range(i0, i1):
        g0 = np.empty((nk, n_doses if pre else 1))
        if pre:
            for k in range(nk):
                for m in range(n_doses):
                    g0[k, m] = _geo(lam[i, k], tau, m + 1)
        for j in range(nt):
            tp = times[j] - t0 - tlag[i]
            m = 0
            if last and tp < 0.0 and n_doses > 1:  # the last dose is still in its lag
                m = n_doses - 2
                tp = tp + tau
            elif last:
                m = n_doses - 1
            if tp < 0.0:
                out[i, j] = 0.0
                continue
            if last:
                pass
            elif finite_tau:
                m = min(n_doses - 1, math.floor(tp / tau))
            s = tp - m * tau if (m > 0 and not last) else tp
            acc = 0.0
            for k in range(nk):
                lk = lam[i, k]
                e = math.exp(-lk * s)
                g = g0[k, m] if pre else _geo(lk, tau, m + 1)
                acc += c[i, k] * e * g
                if has_d and d[i, k] != 0.0:
                    acc += d[i, k] * e * (s * g + tau * _geo1(lk, tau, m + 1))
            out[i, j] = acc


@njit(cache=True)
def _superpose_infusion_rows(
    i0, i1, times, t0, tau, n_doses, dur, lam, c, last, out
):  # pragma: no cover
    """Zero-order infusions of duration ``dur``: c_k = R·A_k/λ_k, rows i0 ≤ i < i1.

    With ``last`` the times count from the start of the last of ``n_doses`` infusions.
    """
    nk = lam.shape[1]
    nt = times.shape[0]
    finite_tau = math.isfinite(tau)
    for i in range(i0, i1):
        for j in range(nt):
            tp = times[j] - t0
            if tp < 0.0:
                out[i, j] = 0.0
                continue
            if last:
                m = n_doses - 1
                s = tp
                if s >= dur:
                    kc = m
                    sc = s - dur
                else:
                    behind = math.ceil((dur - s) / tau)
                    kc = m - behind
                    sc = s + behind * tau - dur
            else:
                m = 0  # last dose started
                if finite_tau:
                    m = min(n_doses - 1, math.floor(tp / tau))
                kc = -1  # last dose completed
                if tp >= dur:
                    kc = 0
                    if finite_tau:
                        kc = min(n_doses - 1, math.floor((tp - dur) / tau))
                s = tp - m * tau if m > 0 else tp
                sc = tp - dur - kc * tau if kc > 0 else tp - dur
            running = m - kc
            acc = 0.0
            for k in range(nk):
                lk = lam[i, k]
                term = 0.0
                if kc >= 0:
                    term += -math.expm1(-lk * dur) * math.exp(-lk * sc) * _geo(lk, tau, kc + 1)
                if running == 1:
                    term += -math.expm1(-lk * s)
                elif running > 1:
                    term += running - math.exp(-lk * s) * _geo(lk, tau, running)
                acc += c[i, k] * term
            out[i, j] = acc


# Below this many (subject × time × exponential) terms one thread is faster:
# starting numba's thread pool costs ~20 µs on an idle machine and milliseconds
# on a busy one, which dominated scalar calls (quadrature, root finding, fits).
_PARALLEL_MIN_WORK = 200_000


@njit(parallel=True, cache=True)
def _superpose_parallel(
    times, t0, tau, n_doses, tlag, lam, c, d, has_d, last, out
):  # pragma: no cover
    for i in prange(lam.shape[0]):
        _superpose_rows(i, i + 1, times, t0, tau, n_doses, tlag, lam, c, d, has_d, last, out)


@njit(parallel=True, cache=True)
def _superpose_infusion_parallel(
    times, t0, tau, n_doses, dur, lam, c, last, out
):  # pragma: no cover
    for i in prange(lam.shape[0]):
        _superpose_infusion_rows(i, i + 1, times, t0, tau, n_doses, dur, lam, c, last, out)


def _parallel(lam: np.ndarray, times: np.ndarray) -> bool:
    return lam.shape[0] > 1 and lam.size * times.shape[0] >= _PARALLEL_MIN_WORK


def evaluate(
    route: str,
    times: np.ndarray,
    lam: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    *,
    t0: float,
    tau: float,
    n_doses: int,
    tlag: np.ndarray,
    duration: float | None,
    out: np.ndarray | None = None,
    last: bool = False,
) -> np.ndarray:
    """Concentrations (n_subjects, n_times) for the given terms and regimen.

    With ``last=True`` the times are counted from the last of ``n_doses`` doses
    (steady state: a very large ``n_doses``), avoiding huge absolute times.
    """
    # writable too: a read-only array (pandas .to_numpy()) would compile another kernel
    times = np.require(times, dtype=float, requirements=["C", "W"])
    n = lam.shape[0]
    if out is None:
        out = np.empty((n, times.shape[0]))
    lam = np.ascontiguousarray(lam, dtype=float)
    c = np.ascontiguousarray(c, dtype=float)
    parallel = _parallel(lam, times)
    if route == "infusion":
        args = (times, float(t0), float(tau), int(n_doses), float(duration), lam, c, last, out)
        if parallel:
            _superpose_infusion_parallel(*args)
        else:
            _superpose_infusion_rows(0, n, *args)
    else:
        d = np.ascontiguousarray(d, dtype=float)
        tl = np.ascontiguousarray(np.broadcast_to(tlag, (n,)), dtype=float)
        argv = (
            times,
            float(t0),
            float(tau),
            int(n_doses),
            tl,
            lam,
            c,
            d,
            bool(d.any()),
            last,
            out,
        )
        if parallel:
            _superpose_parallel(*argv)
        else:
            _superpose_rows(0, n, *argv)
    return out


@njit(parallel=True, cache=True)
def superpose_grid(s_u, m_u, s_idx, m_idx, active, tau, lam, c, d, has_d, out):  # pragma: no cover
    """Bolus / oral on a shared time grid, written time-major: out[j, i].

    Every subject shares the (time since last dose, doses so far) pairs of the
    grid (common lag time), so the exponentials are computed once per unique
    ``s`` and geometric factors once per unique ``m``: cost per element is a
    few multiply-adds.
    """
    n, nk = lam.shape
    nt = s_idx.shape[0]
    nu = s_u.shape[0]
    nm = m_u.shape[0]
    for i in prange(n):
        e = np.empty((nk, nu))
        g = np.empty((nk, nm))
        g1 = np.zeros((nk, nm))
        for k in range(nk):
            lk = lam[i, k]
            for u in range(nu):
                e[k, u] = math.exp(-lk * s_u[u])
            for u in range(nm):
                g[k, u] = _geo(lk, tau, m_u[u] + 1)
                if has_d:
                    g1[k, u] = _geo1(lk, tau, m_u[u] + 1)
        for j in range(nt):
            if not active[j]:
                out[j, i] = 0.0
                continue
            su = s_idx[j]
            mu = m_idx[j]
            acc = 0.0
            for k in range(nk):
                acc += c[i, k] * e[k, su] * g[k, mu]
                if has_d and d[i, k] != 0.0:
                    acc += d[i, k] * e[k, su] * (s_u[su] * g[k, mu] + tau * g1[k, mu])
            out[j, i] = acc


def grid_index(
    times: np.ndarray, t0: float, tau: float, n_doses: int, tlag: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unique times-since-last-dose and dose counts of a grid (same for all subjects)."""
    tp = times - t0 - tlag
    active = tp >= 0
    tpa = np.where(active, tp, 0.0)
    if math.isfinite(tau):
        m = np.minimum(n_doses - 1, np.floor(tpa / tau)).astype(np.int64)
    else:
        m = np.zeros(times.shape, dtype=np.int64)
    s = np.where(m > 0, tpa - m * (tau if math.isfinite(tau) else 0.0), tpa)
    s_u, s_idx = np.unique(s, return_inverse=True)
    m_u, m_idx = np.unique(m, return_inverse=True)
    return s_u, m_u, s_idx.astype(np.int64), m_idx.astype(np.int64), active
