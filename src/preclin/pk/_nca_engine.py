"""Array kernels of the NCA: every function works on all subjects at once.

Profiles are padded 2-D arrays ``(subjects × points)``, sorted by time within
a row and left-aligned; padding is NaN. No function here loops over subjects
in Python: loops, where there are any, run over the (small) number of points
or query times.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def pack(valid: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Left-align the ``valid`` entries of each row; the rest becomes NaN.

    Returns ``(counts, packed_1, packed_2, ...)``.
    """
    n_rows = valid.shape[0]
    counts = valid.sum(axis=1)
    width = max(int(counts.max(initial=0)), 1)
    rows, _ = np.nonzero(valid)
    cols = (np.cumsum(valid, axis=1) - 1)[valid]
    out: list[np.ndarray] = [counts]
    for a in arrays:
        p = np.full((n_rows, width), np.nan)
        p[rows, cols] = a[valid]
        out.append(p)
    return tuple(out)


def take(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``a[i, idx[i]]`` for every row, NaN where ``idx`` is negative."""
    safe = np.clip(idx, 0, a.shape[1] - 1)
    out = np.take_along_axis(a, safe[:, None], axis=1)[:, 0]
    return np.where(idx >= 0, out, np.nan)


def _log_down(c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (c2 < c1) & (c2 > 0)


def segment_areas(
    t1: np.ndarray, c1: np.ndarray, t2: np.ndarray, c2: np.ndarray, log_down: bool
) -> tuple[np.ndarray, np.ndarray]:
    """AUC and AUMC of the segments ``(t1, c1) → (t2, c2)``.

    Linear trapezoid, or the exact integral of the exponential through both
    points where the concentration falls and both are > 0 (``log_down``).
    """
    dt = t2 - t1
    auc = dt * (c1 + c2) / 2.0
    aumc = dt * (t1 * c1 + t2 * c2) / 2.0
    if log_down:
        use = _log_down(c1, c2)
        if use.any():
            with np.errstate(divide="ignore", invalid="ignore"):
                lr = np.log(np.where(use, c1 / np.where(use, c2, 1.0), 2.0))
                k = lr / dt
                auc_log = dt * (c1 - c2) / lr
                aumc_log = (t1 * c1 - t2 * c2) / k + (c1 - c2) / k**2
            auc = np.where(use, auc_log, auc)
            aumc = np.where(use, aumc_log, aumc)
    return auc, aumc


def cumulative_areas(t: np.ndarray, c: np.ndarray, log_down: bool) -> tuple[np.ndarray, ...]:
    """Cumulative AUC and AUMC from the first point to each point (NaN padding → NaN)."""
    seg_auc, seg_aumc = segment_areas(t[:, :-1], c[:, :-1], t[:, 1:], c[:, 1:], log_down)
    zeros = np.zeros((t.shape[0], 1))
    cum_auc = np.concatenate([zeros, np.cumsum(np.nan_to_num(seg_auc), axis=1)], axis=1)
    cum_aumc = np.concatenate([zeros, np.cumsum(np.nan_to_num(seg_aumc), axis=1)], axis=1)
    pad = np.isnan(c)
    cum_auc[pad] = np.nan
    cum_aumc[pad] = np.nan
    return cum_auc, cum_aumc


def fit_lambda_z(
    t: np.ndarray,
    c: np.ndarray,
    eligible: np.ndarray,
    *,
    min_points: int = 3,
    adj_r2_factor: float = 1e-4,
) -> dict[str, np.ndarray]:
    """Terminal log-linear regression with PKNCA's automatic point selection.

    Candidate windows are the last ``k`` eligible points, ``k = min_points..m``.
    All windows of all subjects are scored at once from cumulative sums taken
    from the end of each profile; the chosen window is then refitted with
    centred (two-pass) sums for accuracy.

    Returns arrays (one value per row): ``lambda_z``, ``r_squared``,
    ``adj_r_squared``, ``n_points``, ``time_first``, ``time_last``,
    ``clast_pred``, ``n_candidates`` (eligible points), ``any_positive``.
    """
    n_rows = t.shape[0]
    # reversed packing: column j holds the (j+1)-th eligible point from the end
    rev = eligible[:, ::-1]
    m, tr, cr = pack(rev, t[:, ::-1], c[:, ::-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        x = tr - tr[:, :1]  # centred at the last eligible time (≤ 0)
        y = np.log(cr) - np.log(cr[:, :1])
    k = np.arange(1, x.shape[1] + 1, dtype=float)[None, :]
    sx = np.cumsum(x, axis=1)
    sy = np.cumsum(y, axis=1)
    sxx = np.cumsum(x * x, axis=1) - sx * sx / k
    sxy = np.cumsum(x * y, axis=1) - sx * sy / k
    syy = np.cumsum(y * y, axis=1) - sy * sy / k
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
        r2 = np.where(syy > 0, sxy * sxy / (sxx * syy), np.nan)
        adj = 1.0 - (1.0 - r2) * (k - 1.0) / (k - 2.0)
    too_small = k < max(min_points, 3)
    adj = np.where(too_small, np.nan, adj)
    slope = np.where(too_small, np.nan, slope)
    best = np.where(np.isnan(adj), -np.inf, adj).max(axis=1, initial=-np.inf)
    with np.errstate(invalid="ignore"):
        ok = (slope < 0) & (adj > best[:, None] - adj_r2_factor)
    any_ok = ok.any(axis=1)
    # most points among the acceptable windows
    k_best = np.where(any_ok, x.shape[1] - np.argmax(ok[:, ::-1], axis=1), 0)

    # two-pass refit of the chosen window
    w = (np.arange(x.shape[1])[None, :] < k_best[:, None]) & ~np.isnan(x)
    kb = np.where(any_ok, k_best, np.nan).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        xm = np.where(w, x, 0.0).sum(axis=1) / kb
        ym = np.where(w, y, 0.0).sum(axis=1) / kb
        dx = np.where(w, x - xm[:, None], 0.0)
        dy = np.where(w, y - ym[:, None], 0.0)
        cxx = (dx * dx).sum(axis=1)
        cxy = (dx * dy).sum(axis=1)
        cyy = (dy * dy).sum(axis=1)
        b = cxy / cxx
        resid = dy - b[:, None] * dx
        rss = (resid * resid).sum(axis=1)
        r2_fit = 1.0 - rss / cyy
        adj_fit = 1.0 - (1.0 - r2_fit) * (kb - 1.0) / (kb - 2.0)
        intercept = ym - b * xm  # log(c / clast) at t = tlast
        clast_pred = cr[:, 0] * np.exp(intercept)
    rows = np.arange(n_rows)
    first_idx = np.where(any_ok, k_best - 1, 0)
    nan = np.full(n_rows, np.nan)
    return {
        "lambda_z": np.where(any_ok, -b, nan),
        "r_squared": np.where(any_ok, r2_fit, nan),
        "adj_r_squared": np.where(any_ok, adj_fit, nan),
        "n_points": np.where(any_ok, k_best, 0),
        "time_first": np.where(any_ok, tr[rows, first_idx], nan),
        "time_last": np.where(any_ok, tr[:, 0], nan),
        "clast_pred": np.where(any_ok, clast_pred, nan),
        "n_candidates": m,
        "any_positive": any_ok,
    }


def left_index(t: np.ndarray, tq: np.ndarray) -> np.ndarray:
    """For each query, the index of the last sample with ``t <= tq`` in its row (-1: none).

    One lexicographic sort of samples and queries together (row, time, samples
    before queries), so the cost is O(N log N) whatever the profile length.
    """
    n_rows = t.shape[0]
    data = ~np.isnan(t)
    r_d, _ = np.nonzero(data)
    r_q = np.repeat(np.arange(n_rows), tq.shape[1])
    rows = np.concatenate([r_d, r_q])
    times = np.concatenate([t[data], tq.ravel()])
    kind = np.concatenate([np.zeros(r_d.size, np.int8), np.ones(r_q.size, np.int8)])
    order = np.lexsort((kind, times, rows))
    is_data = (kind[order] == 0).astype(np.int64)
    seen = np.cumsum(is_data)
    before_row = np.concatenate([[0], np.cumsum(data.sum(axis=1))])[rows[order]]
    count = seen - before_row
    out = np.empty(rows.size, dtype=np.int64)
    out[order] = count
    return out[r_d.size :].reshape(tq.shape) - 1


def conc_and_auc_at(
    t: np.ndarray,
    c: np.ndarray,
    cum_auc: np.ndarray,
    tq: np.ndarray,
    *,
    ilast: np.ndarray,
    lambda_z: np.ndarray,
    log_down: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Concentration and AUC from the first point, at query times ``tq`` (rows × q).

    Inside the observed range the concentration is interpolated like PKNCA's
    ``interp.extrap.conc`` (linear, or log-linear on falling segments with
    both ends > 0 under lin-up/log-down); after tlast it is extrapolated as
    ``clast·exp(-λz (t - tlast))`` (NaN without λz) and the AUC adds the exact
    integral of that exponential. Before the first point: NaN.
    """
    n_rows, width = t.shape
    rows = np.arange(n_rows)[:, None]
    j = left_index(t, tq)
    jl = np.clip(j, 0, width - 1)
    jr = np.clip(j + 1, 0, width - 1)
    t1, c1, a1 = t[rows, jl], c[rows, jl], cum_auc[rows, jl]
    t2, c2 = t[rows, jr], c[rows, jr]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (tq - t1) / (t2 - t1)
        c_lin = c1 + frac * (c2 - c1)
        if log_down:
            use = _log_down(c1, c2)
            c_log = np.exp(np.log(c1) + frac * (np.log(c2) - np.log(c1)))
            cq = np.where(use, c_log, c_lin)
        else:
            cq = c_lin
    cq = np.where(tq == t1, c1, cq)
    part, _ = segment_areas(t1, c1, tq, cq, log_down)
    part = np.where(tq == t1, 0.0, part)
    aq = a1 + part
    # after tlast: exponential extrapolation
    il = np.clip(ilast, 0, width - 1)
    tlast = np.where(ilast >= 0, t[rows[:, 0], il], np.nan)[:, None]
    clast = np.where(ilast >= 0, c[rows[:, 0], il], np.nan)[:, None]
    alast = np.where(ilast >= 0, cum_auc[rows[:, 0], il], np.nan)[:, None]
    lz = lambda_z[:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        after = tq > tlast
        decay = np.exp(-lz * (tq - tlast))
        c_ext = clast * decay
        a_ext = alast + clast / lz * (1.0 - decay)
    cq = np.where(after, c_ext, cq)
    aq = np.where(after, a_ext, aq)
    before = (j < 0) | np.isnan(tq)
    cq = np.where(before, np.nan, cq)
    aq = np.where(before, np.nan, aq)
    return cq, aq
