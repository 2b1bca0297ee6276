"""Per-trial ANCOVA / t test / two-proportion test from sufficient statistics.

Every function here works on whole batches of simulated trials at once:
arrays of shape ``(trials, arms, patients)`` with a 0/1 weight ``w`` that
marks observed patients (dropouts and padding are 0). Nothing loops over
trials in Python.

Common-slope ANCOVA ``y = a_j + b (x − x̄) + e`` per trial, from the
within-arm sums (``C`` = centred cross-products, pooled over arms)::

    b    = Σ_j Cxy_j / Σ_j Cxx_j
    SSE  = Σ_j Cyy_j − b Σ_j Cxy_j,          df = N − k − 1,  s² = SSE / df
    est  = (ȳ_j − ȳ_0) − b (x̄_j − x̄_0)
    var  = s² (1/n_j + 1/n_0 + (x̄_j − x̄_0)² / Σ_j Cxx_j)

which is exactly ordinary least squares of ``y ~ C(arm) + x`` (checked
against ``statsmodels.OLS`` to 1e-10 in ``tests/translate``). Without the
covariate the same sums give the pooled-variance contrasts of a one-way
ANOVA (for two arms: Student's two-sample t test).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import special, stats

__all__ = ["ancova_batch", "ancova_from_sums", "fused_sums", "proportions_batch"]


def ancova_batch(
    y: np.ndarray,
    x: np.ndarray | None,
    w: np.ndarray | None = None,
    *,
    control: int = 0,
    overwrite: bool = False,
) -> dict[str, np.ndarray]:
    """Contrasts of every arm vs ``control`` for a batch of trials.

    Parameters
    ----------
    y, x : ndarray, shape (trials, arms, patients)
        Outcome and baseline covariate (``x=None``: no covariate, pooled t).
        Centre them on constants first for best precision (shift-invariant).
    w : ndarray, same shape, optional
        1.0 for observed patients, 0.0 for missing ones or padding
        (None: all observed).
    control : int
        Index of the reference arm.
    overwrite : bool
        Allow ``x`` and ``y`` to be multiplied by ``w`` in place.

    Returns
    -------
    dict
        ``estimate`` (arm − control, adjusted), ``stderr``, ``statistic``
        (shape (trials, arms − 1)), ``df`` and ``slope`` (shape (trials,)) and
        ``n`` (shape (trials, arms), observed patients per arm). Trials whose
        statistics are undefined (an empty arm, df < 1, no residual
        variance) carry NaN.
    """
    if w is None:
        n = np.full(y.shape[:2], float(y.shape[2]))
    else:
        n = w.sum(axis=2)
        y = np.multiply(y, w, out=y if overwrite else None)
        if x is not None:
            x = np.multiply(x, w, out=x if overwrite else None)
    sums = {"n": n, "sy": y.sum(axis=2), "syy": np.einsum("tap,tap->ta", y, y)}
    if x is not None:
        sums.update(
            sx=x.sum(axis=2),
            sxx=np.einsum("tap,tap->ta", x, x),
            sxy=np.einsum("tap,tap->ta", x, y),
        )
    return ancova_from_sums(sums, covariate=x is not None, control=control)


def ancova_from_sums(
    sums: dict[str, np.ndarray], *, covariate: bool, control: int = 0
) -> dict[str, np.ndarray]:
    """The contrasts of :func:`ancova_batch` from per-arm raw sums (shape (trials, arms)):
    ``n``, ``sy``, ``syy`` and, with the covariate, ``sx``, ``sxx``, ``sxy``."""
    n, sy = sums["n"], sums["sy"]
    k = n.shape[1]
    treat = [j for j in range(k) if j != control]
    with np.errstate(divide="ignore", invalid="ignore"):
        my = sy / n
        cyy = (sums["syy"] - sy * my).sum(axis=1)
        diff_y = my[:, treat] - my[:, [control]]
        inv_n = 1.0 / n[:, treat] + 1.0 / n[:, [control]]
        total = n.sum(axis=1)
        if not covariate:
            df = total - k
            sse = cyy
            est = diff_y
            var_factor = inv_n
            slope = np.full(len(n), np.nan)
        else:
            sx = sums["sx"]
            mx = sx / n
            cxx = (sums["sxx"] - sx * mx).sum(axis=1)
            cxy = (sums["sxy"] - sx * my).sum(axis=1)
            slope = cxy / cxx
            sse = cyy - slope * cxy
            df = total - k - 1
            diff_x = mx[:, treat] - mx[:, [control]]
            est = diff_y - slope[:, None] * diff_x
            var_factor = inv_n + diff_x**2 / cxx[:, None]
        s2 = sse / df
        bad = (df < 1) | ~(s2 > 0) | (n.min(axis=1) < 1)
        se = np.sqrt(np.where(bad, np.nan, s2)[:, None] * var_factor)
        est = np.where(bad[:, None], np.nan, est)
        t = est / se
    return {
        "estimate": est,
        "stderr": se,
        "statistic": t,
        "df": np.where(bad, np.nan, df),
        "slope": slope,
        "n": n,
    }


@njit(cache=True)
def fused_sums(zx, z, w, has_w, a, b, bsd, benefit):  # pragma: no cover - numba
    """Per-arm raw sums of x = bsd·zx and y = a·z + b·zx − benefit in one pass.

    Returns an array (trials, arms, 6): n, Σx, Σy, Σx², Σxy, Σy² over observed
    patients (``w`` > 0 when ``has_w``). Same numbers as the NumPy path of
    :func:`ancova_batch` on the transformed arrays (tested to 1e-12).
    """
    nt, na, npat = z.shape
    out = np.zeros((nt, na, 6))
    for t in range(nt):
        for j in range(na):
            off = benefit[t, j - 1] if j > 0 else 0.0
            cnt = sx = sy = sxx = sxy = syy = 0.0
            for p in range(npat):
                if has_w and w[t, j, p] == 0.0:
                    continue
                xv = bsd * zx[t, j, p]
                yv = a * z[t, j, p] + b * zx[t, j, p] - off
                cnt += 1.0
                sx += xv
                sy += yv
                sxx += xv * xv
                sxy += xv * yv
                syy += yv * yv
            out[t, j, 0] = cnt
            out[t, j, 1] = sx
            out[t, j, 2] = sy
            out[t, j, 3] = sxx
            out[t, j, 4] = sxy
            out[t, j, 5] = syy
    return out


def sums_dict(raw: np.ndarray) -> dict[str, np.ndarray]:
    """The (trials, arms, 6) array of :func:`fused_sums` as named sums."""
    names = ("n", "sx", "sy", "sxx", "sxy", "syy")
    return {name: raw[:, :, i] for i, name in enumerate(names)}


def proportions_batch(
    r: np.ndarray, w: np.ndarray | None = None, *, control: int = 0
) -> dict[str, np.ndarray]:
    """Pooled two-proportion z tests of every arm vs ``control`` (responders ``r`` 0/1).

    ``z = (p̂_j − p̂_0) / sqrt(p̄ (1 − p̄) (1/n_j + 1/n_0))`` with the pooled
    ``p̄``: R ``prop.test(correct = FALSE)`` (its X² is z²).
    """
    if w is None:
        n = np.full(r.shape[:2], float(r.shape[2]))
        events = r.sum(axis=2)
    else:
        n = w.sum(axis=2)
        events = np.einsum("tap,tap->ta", w, r)
    k = r.shape[1]
    treat = [j for j in range(k) if j != control]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = events / n
        est = p[:, treat] - p[:, [control]]
        pooled = (events[:, treat] + events[:, [control]]) / (n[:, treat] + n[:, [control]])
        se = np.sqrt(pooled * (1 - pooled) * (1.0 / n[:, treat] + 1.0 / n[:, [control]]))
        z = est / se
    bad = ~(se > 0)
    return {
        "estimate": np.where(bad, np.nan, est),
        "stderr": np.where(bad, np.nan, se),
        "statistic": np.where(bad, np.nan, z),
        "df": np.full(len(r), np.inf),
        "n": n,
        "rate": p,
    }


def two_sided_pvalue(statistic: np.ndarray, df: np.ndarray) -> np.ndarray:
    """``2 P(T_df > |t|)`` (normal where ``df`` is infinite), NaN kept."""
    a = np.abs(statistic)
    dfb = np.broadcast_to(np.asarray(df, dtype=float)[:, None], a.shape)
    out = np.full(a.shape, np.nan)
    fin = np.isfinite(dfb) & np.isfinite(a)
    out[fin] = 2.0 * stats.t.sf(a[fin], dfb[fin])
    inf = ~np.isfinite(dfb) & np.isfinite(a)
    out[inf] = 2.0 * special.ndtr(-a[inf])
    return out
