"""Quantal (k of n responding) concentration–response fits by binomial maximum likelihood.

All curves are fitted at once: the data are padded into (curves × doses)
arrays and a Levenberg-damped Fisher-scoring iteration runs on the whole
batch (NumPy; the loop is over iterations, never over curves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln, xlogy

from preclin.core import InputError, check_option, check_scalar, require_columns
from preclin.core.validation import numeric_column, row_label, source_name
from preclin.curves._models import ModelSpec, get_model

__all__ = ["fit_quantal"]

_TINY = 1e-300


class _Batch:
    """Padded quantal data and the model's free-parameter map (e on the log scale)."""

    def __init__(self, spec, x, n, k, mask, fixed):
        self.spec, self.x, self.n, self.k, self.mask = spec, x, n, k, mask
        self.free = [p for p in spec.params if p not in fixed]
        self.fi = np.array([spec.params.index(p) for p in self.free])
        self.je = self.free.index("e")
        self.base = np.array([fixed.get(p, 0.0) for p in spec.params])
        self.const = (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)) * mask

    def theta(self, phi):
        th = np.broadcast_to(self.base, phi.shape[:-1] + self.base.shape).copy()
        th[..., self.fi] = phi
        th[..., self.fi[self.je]] = np.exp(phi[..., self.je])
        return th

    def prob(self, phi):
        return self.spec.predict(self.x, self.theta(phi))

    def loglik(self, phi):
        p = self.prob(phi)
        use = self.mask & (self.n > 0)
        bad = use & ((p <= 0) & (self.k > 0) | (p >= 1) & (self.k < self.n) | ~np.isfinite(p))
        pc = np.clip(p, 0.0, 1.0)
        ll = np.where(use, xlogy(self.k, pc) + xlogy(self.n - self.k, 1 - pc), 0.0)
        out = (ll + self.const).sum(-1)
        return np.where(bad.any(-1), -np.inf, out)

    def score_info(self, phi):
        th = self.theta(phi)
        p = self.spec.predict(self.x, th)
        jac = self.spec.jacobian(self.x, th)[..., self.fi]  # (K, R, m)
        jac[..., self.je] *= th[..., self.fi[self.je]][..., None]  # d/d log e
        pq = np.clip(p * (1 - p), _TINY, None)
        use = self.mask & (self.n > 0)
        w = np.where(use, (self.k - self.n * p) / pq, 0.0)
        v = np.where(use, self.n / pq, 0.0)
        score = np.einsum("kr,krm->km", w, jac)
        info = np.einsum("kr,krm,krj->kmj", v, jac, jac)
        return score, info


def _start(b: _Batch) -> np.ndarray:
    """Vectorised starting values from an empirical-logit regression on log dose."""
    ph = np.where(b.mask, (b.k + 0.5) / (b.n + 1.0), np.nan)
    raw = np.where(b.mask & (b.n > 0), b.k / np.maximum(b.n, 1), np.nan)
    c0 = np.clip(np.nanmin(raw, axis=1), 1e-3, 0.3) if "c" in b.free else np.full(len(ph), 0.0)
    if "c" not in b.free:
        c0 = np.full(len(ph), b.base[1])
    d0 = np.clip(np.nanmax(raw, axis=1) + 0.02, c0 + 0.1, 0.999) if "d" in b.free else None
    if d0 is None:
        d0 = np.full(len(ph), b.base[2])
    q = np.clip((ph - c0[:, None]) / (d0 - c0)[:, None], 0.01, 0.99)
    z = np.log(q / (1 - q))
    pos = b.mask & (b.x > 0)
    w = np.where(pos, b.n * q * (1 - q), 0.0)
    lx = np.log(np.where(pos, b.x, 1.0))
    sw = w.sum(1) + _TINY
    mx, mz = (w * lx).sum(1) / sw, (w * np.nan_to_num(z)).sum(1) / sw
    sxx = (w * (lx - mx[:, None]) ** 2).sum(1)
    sxz = (w * (lx - mx[:, None]) * (np.nan_to_num(z) - mz[:, None])).sum(1)
    slope = np.where(sxx > 0, sxz / np.where(sxx > 0, sxx, 1.0), 1.0)
    slope = np.where(np.abs(slope) < 0.05, 0.05, slope)
    le = np.clip(mx - mz / slope, lx.min(1) - 3, np.where(pos, lx, -np.inf).max(1) + 3)
    vals = {"b": -slope, "c": c0, "d": d0, "e": le, "f": np.ones(len(ph))}
    return np.column_stack([vals[p] for p in b.free])


def _fit(b: _Batch, phi: np.ndarray, max_iter: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Levenberg-damped Fisher scoring on all curves at once."""
    K, m = phi.shape
    lam = np.full(K, 1e-3)
    ll = b.loglik(phi)
    done = np.zeros(K, bool)
    eye = np.eye(m)
    for _ in range(max_iter):
        score, info = b.score_info(phi)
        dinfo = np.einsum("kii->ki", info)[:, :, None] * eye + 1e-12 * eye
        with np.errstate(all="ignore"):
            try:
                step = np.linalg.solve(info + lam[:, None, None] * dinfo, score[..., None])[..., 0]
            except np.linalg.LinAlgError:
                step = np.zeros_like(phi)
        step = np.where(np.isfinite(step), step, 0.0)
        step[done] = 0.0
        new = phi + step
        with np.errstate(all="ignore"):
            ll_new = b.loglik(new)
        better = (ll_new >= ll) & np.isfinite(ll_new) & ~done
        small = np.abs(ll_new - ll) <= 1e-13 * (1 + np.abs(ll))
        decrement = np.einsum("km,km->k", step, score)
        phi = np.where(better[:, None], new, phi)
        done |= better & (small | (np.abs(decrement) < 1e-18))
        done |= ~better & (lam > 1e12)
        ll = np.where(better, ll_new, ll)
        lam = np.where(better, lam / 10, lam * 10)
        if done.all():
            break
    score, info = b.score_info(phi)
    conv = np.isfinite(ll) & (np.abs(score) * (np.abs(phi) + 1) < 1e-4).all(1)
    return phi, conv


def _observed_info(b: _Batch, phi: np.ndarray) -> np.ndarray:
    """−∂²logLik/∂φ² by central differences of the analytic score (loop over parameters)."""
    K, m = phi.shape
    out = np.empty((K, m, m))
    for j in range(m):
        h = 1e-5 * np.maximum(np.abs(phi[:, j]), 1e-2)
        up, dn = phi.copy(), phi.copy()
        up[:, j] += h
        dn[:, j] -= h
        out[:, :, j] = -(b.score_info(up)[0] - b.score_info(dn)[0]) / (2 * h)[:, None]
    return 0.5 * (out + np.swapaxes(out, 1, 2))


def _counts(data, col, what) -> np.ndarray:
    vals = numeric_column(data, col, min_value=0.0, what=what,
                          hint="counts must be whole numbers >= 0")  # fmt: skip
    frac = np.flatnonzero(vals != np.round(vals))
    if frac.size:
        raise InputError(f"{what} {vals[frac[0]]:g} is not a whole number",
                         file=source_name(data), row=row_label(data, int(frac[0])), column=col,
                         hint="counts must be whole numbers >= 0")  # fmt: skip
    return vals


def fit_quantal(
    data: pd.DataFrame,
    *,
    x: str,
    n: str,
    k: str,
    by: str | Sequence[str] | None = None,
    model: str = "ll2",
    fixed: Mapping[str, float] | None = None,
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Fit quantal dose–response curves (k of n responding) by binomial maximum likelihood.

    Parameters
    ----------
    data : DataFrame
        One row per dose group: dose, number of subjects, number responding.
    x, n, k : str
        Columns: dose (≥ 0), subjects (whole number ≥ 0), responders (0 ≤ k ≤ n).
    by : str or list of str, optional
        Columns identifying separate curves.
    model : str
        ``"ll2"`` (bottom 0, top 1: drc's usual quantal model), ``"ll3"`` (top =
        upper limit free), ``"ll4"`` (bottom = background response free too), or
        any other model key.
    fixed : mapping, optional
        Public parameter names held at values, e.g. ``{"top": 1}`` with
        ``model="ll4"`` for background mortality with a top of 1.
    ci_level : float
        Level of the Wald (hill, bottom, top) and log-scale (ec50) intervals.

    Returns
    -------
    DataFrame
        One row per curve: the ``by`` columns, ``model``, for each of
        ``hill``, ``bottom``, ``top``, ``ec50``: the estimate and
        ``<name>_stderr``, ``<name>_ci_low``, ``<name>_ci_high`` (NaN SE for
        fixed parameters), ``log10_ec50``, ``loglik`` (with the binomial
        coefficients, as R's ``glm``), ``aic``, ``n`` (subjects), ``n_doses``
        (dose groups used), ``converged``, ``message``, ``flags``
        (";"-separated: ``zero_dose_responders_ignored``,
        ``ill_conditioned``, ``extrapolated``, ``top_above_1``).

    Notes
    -----
    Maximises Σ [k log p + (n − k) log(1 − p)] with p = c + (d − c)/(1 +
    exp(b (log x − log e))) (hill = −b > 0 for rising curves); SEs from the
    inverse observed information (drc uses the Hessian), normal quantiles.
    With the bottom fixed at 0 (ll2, ll3) a zero-dose row has p = 0 whatever
    the parameters: it carries no information and is left out; if it has
    responders (background response) the row is flagged — use ``model="ll4"``
    to estimate the background. LL.2 on log dose is exactly the logistic GLM
    ``glm(cbind(k, n − k) ~ log(x), binomial)``: hill = slope, log ec50 =
    −intercept/slope; agrees with R ``glm`` + ``MASS::dose.p`` and with an R
    ``optim`` fit for LL.3/LL.4 to 1e-4 (estimates) and 1e-3 (SEs).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"dose": [1, 2, 4, 8, 16], "n": [20] * 5, "dead": [1, 4, 9, 15, 19]})
    >>> r = fit_quantal(d, x="dose", n="n", k="dead")
    >>> r[["hill", "ec50", "ec50_ci_low", "ec50_ci_high", "converged"]].round(3)
       hill   ec50  ec50_ci_low  ec50_ci_high  converged
    0  1.98  4.306        3.296         5.625       True
    """
    spec: ModelSpec = get_model(model)
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    by_cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    require_columns(data, [x, n, k, *by_cols])
    xv = numeric_column(data, x, min_value=0.0, what="dose", hint="doses must be >= 0")
    nv = _counts(data, n, "subject count")
    kv = _counts(data, k, "responder count")
    over = np.flatnonzero(kv > nv)
    if over.size:
        i = int(over[0])
        raise InputError(f"{kv[i]:g} responders out of {nv[i]:g} subjects (k > n)",
                         file=source_name(data), row=row_label(data, i), column=k,
                         hint=f"check the {k!r} and {n!r} columns")  # fmt: skip
    fixed_d = dict(spec.fixed)
    free_public = {spec.public[spec.params.index(p)]: p for p in spec.free}
    for name, value in (fixed or {}).items():
        check_option("fixed", name, list(free_public))
        fixed_d[free_public[name]] = float(value) * (spec.hill_sign if name == "hill" else 1)
    if "e" in fixed_d:
        raise InputError("Invalid `fixed`: got 'ec50', must leave the ec50 free.")

    # curves and padding (no loop over curves)
    if by_cols:
        gid = data.groupby(by_cols, sort=True, dropna=False).ngroup().to_numpy()
        keys = data[by_cols].drop_duplicates().sort_values(by_cols).reset_index(drop=True)
    else:
        gid = np.zeros(len(data), int)
        keys = pd.DataFrame(index=[0])
    drop_zero = fixed_d.get("c") == 0.0
    use = ~(drop_zero & (xv == 0))
    zero_resp = np.bincount(gid, weights=((xv == 0) & (kv > 0) & ~use).astype(float),
                            minlength=len(keys)) > 0  # fmt: skip
    K = len(keys)
    pos = pd.Series(gid).groupby(gid).cumcount().to_numpy()
    R = int(pos.max()) + 1
    X, N, Kc = np.ones((K, R)), np.zeros((K, R)), np.zeros((K, R))
    M = np.zeros((K, R), bool)
    X[gid, pos], N[gid, pos], Kc[gid, pos], M[gid, pos] = np.where(xv > 0, xv, 0.0), nv, kv, use
    batch = _Batch(spec, X, N, Kc, M, fixed_d)
    m = len(batch.free)
    n_doses = M.sum(1)
    n_pos = (M & (X > 0)).sum(1)
    enough = (n_doses >= m) & (n_pos >= 2)
    phi0 = _start(batch)
    phi, conv = _fit(batch, phi0)
    info = _observed_info(batch, phi)
    with np.errstate(all="ignore"):
        good = enough & np.isfinite(info).all((1, 2))
        cond = np.where(good, np.linalg.cond(np.where(good[:, None, None], info, np.eye(m))),
                        np.inf)  # fmt: skip
        ok_info = good & (cond < 1e12)
        vcov = np.linalg.inv(np.where(ok_info[:, None, None], info, np.eye(m)))
        vcov[~ok_info] = np.nan
        se_phi = np.sqrt(np.einsum("kii->ki", vcov))
        se_phi[np.einsum("kii->ki", vcov) < 0] = np.nan
    theta = batch.theta(phi)
    ll = batch.loglik(phi)
    zq = stats.norm.ppf(0.5 + ci_level / 2)
    out = keys.copy()
    out["model"] = spec.key
    for pub, drc in (("hill", "b"), ("bottom", "c"), ("top", "d"), ("ec50", "e")):
        if drc not in spec.params:
            continue
        val = theta[:, spec.params.index(drc)] * (spec.hill_sign if pub == "hill" else 1)
        se = np.full(K, np.nan)
        if drc in batch.free:
            se = se_phi[:, batch.free.index(drc)]
        if drc == "e":
            out["ec50"], out["ec50_stderr"] = val, val * se
            out["ec50_ci_low"], out["ec50_ci_high"] = val * np.exp(-zq * se), val * np.exp(zq * se)
            out["log10_ec50"] = np.log10(val)
        else:
            out[pub], out[f"{pub}_stderr"] = val, se
            out[f"{pub}_ci_low"], out[f"{pub}_ci_high"] = val - zq * se, val + zq * se
    out["loglik"] = ll
    out["aic"] = -2 * ll + 2 * m
    out["n"] = (N * M).sum(1).astype(int)
    out["n_doses"] = n_doses
    conv = conv & enough
    out["converged"] = conv
    xmax = np.where(M & (X > 0), X, 0).max(1)
    xmin = np.where(M & (X > 0), X, np.inf).min(1)
    flags = [
        (zero_resp, "zero_dose_responders_ignored"),
        (~ok_info & enough, "ill_conditioned"),
        ((theta[:, 3] < xmin) | (theta[:, 3] > xmax), "extrapolated"),
        (theta[:, 2] > 1, "top_above_1"),
    ]
    out["flags"] = [";".join(name for mask, name in flags if mask[i]) for i in range(K)]
    msg = np.where(conv, "converged", "did not converge")
    msg = np.where(enough, msg, f"too few doses for {m} parameters")
    msg = np.where(ok_info | ~enough, msg, np.char.add(msg, "; information matrix singular"))
    msg = np.where(zero_resp, np.char.add(msg, "; zero-dose responders ignored (bottom fixed "
                                                "at 0: fit ll4 for background)"), msg)  # fmt: skip
    out["message"] = msg
    for col in out.columns:
        if col.endswith(("_stderr", "_ci_low", "_ci_high")):
            out.loc[~conv, col] = np.nan  # no uncertainty without a converged optimum
        if col in ("hill", "ec50", "log10_ec50"):
            out.loc[~enough, col] = np.nan
    cols = [c for c in out.columns if c not in ("converged", "message", "flags")]
    return out[[*cols, "converged", "message", "flags"]]
