"""Flags for fitted curves: the rules, vectorised over a batch.

=====================  =====================================================
flag                   raised when
=====================  =====================================================
``not_converged``      the optimiser stopped without meeting its criterion
                       (iteration limit, no further decrease, non-finite)
``flat``               a constant model is not rejected: F test of the curve
                       against the mean response, p > 0.05 (the EC50 is then
                       not reported: NaN, with the reason in ``message``)
``extrapolated``       the EC50 lies outside the tested non-zero
                       concentrations; beyond ``EC50_CAP`` (1000) × the
                       range (EC50 < lowest / 1000 or > highest × 1000) the
                       EC50, its SE and CI are NaN, with the reason in
                       ``message`` — never a plain 1e17
``no_lower_plateau``   fewer than 2 distinct tested concentrations have a
``no_upper_plateau``   fitted response within 20 % of the span from the
                       lower (upper) asymptote: the data do not define that
                       plateau (vehicle, x = 0, counts for the x → 0 side,
                       which it measures directly; drc families only)
``ill_conditioned``    the 1-norm condition number of the correlation-scaled
                       JᵀJ exceeds ``COND_MAX`` (1e8), or the covariance is
                       singular (SEs are then NaN)
=====================  =====================================================
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "COND_MAX",
    "EC50_CAP",
    "FLAGS",
    "FLAT_ALPHA",
    "PLATEAU_FRACTION",
    "PLATEAU_POINTS",
    "flag_strings",
    "messages",
]

FLAGS = (
    "not_converged",
    "flat",
    "extrapolated",
    "no_lower_plateau",
    "no_upper_plateau",
    "ill_conditioned",
)
FLAT_ALPHA = 0.05
EC50_CAP = 1000.0
PLATEAU_FRACTION = 0.2
PLATEAU_POINTS = 2
COND_MAX = 1e8

_FLAG_TEXT = {
    "flat": "flat: a constant fits as well (F test p > 0.05), so the EC50 is not reported",
    "extrapolated": "EC50 outside the tested concentrations",
    "no_lower_plateau": "the lower plateau is not reached in the tested range",
    "no_upper_plateau": "the upper plateau is not reached in the tested range",
    "ill_conditioned": "parameters poorly determined (ill-conditioned)",
}


def flat_test(
    rss: np.ndarray, rss0: np.ndarray, n_free: int, df: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """F statistic and p-value of the curve against a constant (NaN if untestable)."""
    df1 = n_free - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        fstat = ((rss0 - rss) / df1) / (rss / df)
    ok = (df > 0) & (df1 > 0) & np.isfinite(rss) & (rss0 > 0)
    fstat = np.where(ok, np.maximum(fstat, 0.0), np.nan)
    pval = stats.f.sf(np.where(ok, fstat, 1.0), max(df1, 1), np.maximum(df, 1))
    pval = np.where(ok, pval, np.nan)
    # an exact (zero-residual) curve fit to a non-constant response is not flat
    pval = np.where(ok & (rss == 0), 0.0, pval)
    return fstat, pval


def plateau_flags(theta: np.ndarray, near: np.ndarray, family: str) -> tuple[np.ndarray, ...]:
    """(no_lower_plateau, no_upper_plateau) from the engine's plateau counts.

    ``near[:, 0]`` / ``near[:, 1]``: distinct concentrations whose fitted
    response is within 20 % of the span from the x → 0 / x → ∞ asymptote
    (x = 0 counts for the x → 0 side); fewer than ``PLATEAU_POINTS`` (2)
    means that plateau is not defined by the data. −1: not computed.
    """
    n = theta.shape[0]
    if family not in ("ll5", "w1", "w2", "bc5"):
        return np.zeros(n, bool), np.zeros(n, bool)
    b, c, d = theta[:, 0], theta[:, 1], theta[:, 2]
    x0_is_d = (b < 0) if family == "w2" else (b > 0)
    y0 = np.where(x0_is_d, d, c)
    yinf = np.where(x0_is_d, c, d)
    computed = near[:, 0] >= 0
    miss_x0 = computed & (near[:, 0] < PLATEAU_POINTS)
    miss_xinf = computed & (near[:, 1] < PLATEAU_POINTS)
    decreasing = yinf < y0
    return np.where(decreasing, miss_xinf, miss_x0), np.where(decreasing, miss_x0, miss_xinf)


def flag_strings(masks: dict[str, np.ndarray]) -> np.ndarray:
    """';'-joined flag names per curve (object array), via a bit-mask lookup."""
    n = len(next(iter(masks.values())))
    code = np.zeros(n, dtype=np.int64)
    for i, name in enumerate(FLAGS):
        code |= masks[name].astype(np.int64) << i
    uniq, inv = np.unique(code, return_inverse=True)
    table = np.array(
        [";".join(name for i, name in enumerate(FLAGS) if (u >> i) & 1) for u in uniq.tolist()],
        dtype=object,
    )
    return table[inv]


def messages(
    status: np.ndarray,
    status_text: dict[int, str],
    masks: dict[str, np.ndarray],
    capped: np.ndarray,
) -> np.ndarray:
    """One readable message per curve (status, then flag explanations), via a lookup."""
    names = [f for f in FLAGS if f in _FLAG_TEXT]
    code = np.asarray(status, dtype=np.int64) << (len(names) + 1)
    for i, name in enumerate(names):
        code |= masks[name].astype(np.int64) << i
    code |= capped.astype(np.int64) << len(names)
    uniq, inv = np.unique(code, return_inverse=True)
    out = []
    for c in uniq.tolist():
        text = status_text.get(c >> (len(names) + 1), "")
        parts = [text] if text else []
        for i, name in enumerate(names):
            if (c >> i) & 1:
                msg = _FLAG_TEXT[name]
                if name == "extrapolated" and (c >> len(names)) & 1:
                    msg = (
                        f"EC50 beyond {EC50_CAP:g}x the tested concentration range: "
                        "not reported (NaN)"
                    )
                parts.append(msg)
        out.append("; ".join(parts))
    return np.array(out, dtype=object)[inv]
