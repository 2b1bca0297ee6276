"""Batch fitting: ``fit_curves`` (tidy DataFrame in, one row per curve out) and
``fit_curve_arrays`` (the same on CSR arrays, streamed in chunks)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core.errors import InputError
from preclin.core.validation import check_option, check_scalar, numeric_column, require_columns
from preclin.curves import _prism  # noqa: F401  (registers bell / biphasic)
from preclin.curves._engine import STATUS_MESSAGES, fit_arrays
from preclin.curves._flags import (
    EC50_CAP,
    FLAGS,
    flag_strings,
    flat_test,
    messages,
    plateau_flags,
)
from preclin.curves._kernels import LOG_SLOTS, to_internal
from preclin.curves._models import ModelSpec, get_model

__all__ = ["CHUNK", "FLAGS", "Layout", "fit_curve_arrays", "fit_curves", "make_layout"]

#: curves per engine call (bounds the memory of intermediate arrays)
CHUNK = 1 << 18
SE_KINDS = ("gauss-newton", "hessian")
_LOG10 = np.log(10.0)


@dataclass(frozen=True)
class Layout:
    """A model with the user's fixed values: which parameters are estimated."""

    spec: ModelSpec
    free: np.ndarray  # bool over the full vector
    theta_fixed: np.ndarray  # natural values of fixed entries (NaN where free)
    user_fixed: Mapping[str, float]
    columns: tuple[tuple[int, str], ...]  # (index in full vector, public name) reported

    @property
    def n_free(self) -> int:
        return int(self.free.sum())

    def public_value(self, theta: np.ndarray, idx: int) -> np.ndarray:
        v = theta[..., idx]
        return self.spec.hill_sign * v if self.spec.params[idx] == "b" else v


def make_layout(model: str, fix: Mapping[str, float] | None) -> Layout:
    """Resolve ``model`` and ``fix`` (public or drc names) into a :class:`Layout`."""
    if not isinstance(model, str):
        raise InputError(f"Invalid `model`: got {model!r}, must be a model name such as 'll4'.")
    spec = get_model(model)
    fixable = [pub for p, pub in zip(spec.params, spec.public) if p not in spec.fixed]
    user: dict[str, float] = {}
    for key, value in dict(fix or {}).items():
        name = str(key).strip()
        if name in spec.public and spec.params[spec.public.index(name)] not in spec.fixed:
            param = spec.params[spec.public.index(name)]
        elif name in spec.params and name not in spec.fixed:
            param = name
        else:
            raise InputError(f"Invalid `fix`: got {name!r}, must be one of {', '.join(fixable)}.")
        try:
            val = float(value)
        except (TypeError, ValueError):
            raise InputError(f"Invalid `fix`: {name}={value!r} is not a number.") from None
        check_scalar(f"fix {name}", val)
        if param == "b" and name != "b":
            val = val * spec.hill_sign
        if param in ("e", "e1", "e2") and not val > 0:
            raise InputError(f"Invalid `fix`: {name}={value!r} must be a concentration > 0.")
        user[param] = val
    fixed_all = {**spec.fixed, **user}
    free = np.array([p not in fixed_all for p in spec.params])
    if not free.any():
        raise InputError("Invalid `fix`: every parameter is fixed; leave at least one free.")
    theta_fixed = np.array([fixed_all.get(p, np.nan) for p in spec.params])
    columns = tuple((i, pub) for i, (p, pub) in enumerate(zip(spec.params, spec.public))
                    if p not in spec.fixed)  # fmt: skip
    return Layout(spec, free, theta_fixed, user, columns)


def _ec50(layout: Layout, theta: np.ndarray, cov_nat: np.ndarray) -> tuple[np.ndarray, ...]:
    """EC50 and its delta-method SE (from the free-parameter covariance)."""
    spec = layout.spec
    names = [pub for _, pub in layout.columns]
    free_idx = np.flatnonzero(layout.free)
    if "ec50" in names:
        idx = spec.public.index("ec50")
        ec50 = theta[:, idx]
        grad = np.zeros_like(theta)
        grad[:, idx] = 1.0
    else:
        ok = np.isfinite(theta).all(axis=1)
        ec50 = np.full(theta.shape[0], np.nan)
        grad = np.full_like(theta, np.nan)
        if ok.any():
            with np.errstate(all="ignore"):
                step = 4096
                rows = np.flatnonzero(ok)
                for s in range(0, rows.size, step):  # bounded memory for bisection models
                    r = rows[s : s + step]
                    ec50[r] = spec.ed(theta[r], 50.0)
                    grad[r] = spec.ed_gradient(theta[r], 50.0)
    g = grad[:, free_idx]
    with np.errstate(invalid="ignore"):
        var = np.einsum("ni,nij,nj->n", g, cov_nat, g)
        se = np.sqrt(np.where(var >= 0, var, np.nan))
    return ec50, se


def fit_curve_arrays(
    x: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    *,
    model: str = "ll4",
    fix: Mapping[str, float] | None = None,
    se: str = "gauss-newton",
    ci_level: float = 0.95,
    weights: np.ndarray | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    keep: bool = False,
) -> dict[str, Any]:
    """Fit many curves given as concatenated arrays (the engine behind :func:`fit_curves`).

    Parameters
    ----------
    x, y : array_like
        Concentrations (≥ 0, finite) and responses (finite) of all curves, concatenated
        curve after curve.
    starts : array_like of int
        Offsets: curve ``i`` is ``x[starts[i]:starts[i + 1]]`` (length n_curves + 1).
    model, fix, se, ci_level, weights
        As in :func:`fit_curves` (``weights`` an array aligned with ``x``).
    chunk : int
        Curves per engine call; intermediate memory is O(chunk).
    progress : callable, optional
        ``progress(done, total)`` after each chunk.
    keep : bool
        Also return the internal arrays (``theta``, covariances) for single fits.

    Returns
    -------
    dict
        Column name → array, one entry per curve, in the order of
        :func:`fit_curves` (without the ``by`` columns and ``x_unit``).
    """
    layout = make_layout(model, fix)
    check_option("se", se, SE_KINDS)
    check_scalar("ci_level", ci_level, low=0, high=1, closed="neither")
    x = np.ascontiguousarray(x, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    n_curves = starts.size - 1
    parts: list[dict[str, Any]] = []
    chunk = max(1, int(chunk))
    for c0 in range(0, max(n_curves, 1), chunk):
        c1 = min(n_curves, c0 + chunk)
        lo, hi = starts[c0], starts[c1]
        sub = starts[c0 : c1 + 1] - lo
        w = None if weights is None else weights[lo:hi]
        parts.append(_fit_chunk(layout, x[lo:hi], y[lo:hi], sub, w, se, ci_level, keep))
        if progress is not None:
            progress(c1, n_curves)
        if n_curves == 0:
            break
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _fit_chunk(
    layout: Layout,
    x: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    weights: np.ndarray | None,
    se: str,
    ci_level: float,
    keep: bool,
) -> dict[str, Any]:
    spec = layout.spec
    fam = spec.family
    qfix = to_internal(fam, np.nan_to_num(layout.theta_fixed, nan=1.0))
    out = fit_arrays(
        fam, x, y, starts, layout.free, qfix, weights=weights, hessian=(se == "hessian") or keep
    )
    n = out["n"]
    status = out["status"].astype(np.int64)
    from preclin.curves._kernels import to_natural

    theta = to_natural(fam, out["q"])
    free_idx = np.flatnonzero(layout.free)
    pf = free_idx.size
    # internal (log e) -> natural covariance: D cov D with D = d theta / d q
    dq = np.ones((theta.shape[0], pf))
    for j, k in enumerate(free_idx):
        if k in LOG_SLOTS[fam]:
            dq[:, j] = theta[:, k]
    cov_int = out["cov_hessian"] if se == "hessian" else out["cov"]
    cov_nat = cov_int * dq[:, :, None] * dq[:, None, :]
    se_free = np.sqrt(np.abs(np.diagonal(cov_nat, axis1=1, axis2=2)))
    se_free = np.where(np.isfinite(se_free), se_free, np.nan)
    rss = out["rss"]
    df = n - pf
    with np.errstate(divide="ignore", invalid="ignore"):
        rse = np.where(df > 0, np.sqrt(rss / np.where(df > 0, df, 1)), np.nan)
        loglik = -0.5 * n * (np.log(2 * np.pi) + np.log(rss / n) + 1.0)
        if weights is not None and n.sum() > 0:
            lw = np.add.reduceat(np.log(weights), starts[:-1]) if len(x) else 0.0
            loglik = loglik + 0.5 * np.where(n > 0, lw, 0.0)
    aic = -2.0 * loglik + 2.0 * (pf + 1)

    ec50, ec50_se = _ec50(layout, theta, cov_nat)
    # flags
    xlo, xhi = out["xlo"], out["xhi"]
    fitted = (status < 4) | (status >= 6)  # a fit was attempted (4, 5: too little data)
    _, p_flat = flat_test(rss, out["rss0"], pf, df)
    no_lower, no_upper = plateau_flags(theta, out["near"], fam)
    with np.errstate(invalid="ignore"):
        masks = {
            "not_converged": status != 0,
            "flat": fitted & (p_flat > 0.05),
            "extrapolated": fitted & ((ec50 < xlo) | (ec50 > xhi)),
            "no_lower_plateau": fitted & no_lower,
            "no_upper_plateau": fitted & no_upper,
            "ill_conditioned": fitted
            & (df > 0)
            & ((out["cond"] > 1e8) | ~np.isfinite(se_free).all(axis=1)),
        }
        capped = fitted & ((ec50 < xlo / EC50_CAP) | (ec50 > xhi * EC50_CAP))
    hide = capped | masks["flat"] | ~np.isfinite(ec50) | (status != 0)
    # not converged: the parameters are the last iterate, without SEs
    se_free = np.where((status == 0)[:, None], se_free, np.nan)
    msg = messages(status, STATUS_MESSAGES, masks, capped)
    ec50_se = np.where(status == 0, ec50_se, np.nan)
    cols: dict[str, Any] = {
        "model": np.full(theta.shape[0], spec.key, dtype=object),
        "n": n.astype(np.int64),
        "converged": status == 0,
        "message": msg,
        "flags": flag_strings(masks),
    }
    se_full = np.full(theta.shape, np.nan)
    se_full[:, free_idx] = se_free
    for idx, pub in layout.columns:
        val = layout.public_value(theta, idx)
        s = se_full[:, idx]
        if pub == "ec50":
            val = np.where(hide, np.nan, val)
            s = np.where(hide, np.nan, s)
        cols[pub] = val
        cols[f"{pub}_se"] = s
    ec50 = np.where(hide, np.nan, ec50)
    ec50_se = np.where(hide, np.nan, ec50_se)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        l10 = np.log10(ec50)
        l10_se = ec50_se / (ec50 * _LOG10)
        # t quantiles once per distinct df (a batch has few)
        udf, inv = np.unique(np.where(df > 0, df, 1), return_inverse=True)
        tq = stats.t.ppf(0.5 + ci_level / 2.0, udf)[inv]
        tq = np.where(df > 0, tq, np.nan)
        ci_low = 10.0 ** (l10 - tq * l10_se)
        ci_high = 10.0 ** (l10 + tq * l10_se)
    cols["ec50"] = ec50
    cols["ec50_se"] = ec50_se
    cols["log10_ec50"] = l10
    cols["log10_ec50_se"] = l10_se
    cols["ec50_ci_low"] = ci_low
    cols["ec50_ci_high"] = ci_high
    cols["rse"] = rse
    cols["df"] = df.astype(np.int64)
    cols["rss"] = rss
    cols["loglik"] = loglik
    cols["aic"] = aic
    if keep:
        cols["_theta"] = theta
        cols["_cov_gn"] = out["cov"] * dq[:, :, None] * dq[:, None, :]
        cols["_cov_hessian"] = out["cov_hessian"] * dq[:, :, None] * dq[:, None, :]
        cols["_status"] = status
        cols["_p_flat"] = p_flat
        cols["_cond"] = out["cond"]
        cols["_xlo"] = xlo
        cols["_xhi"] = xhi
        cols["_n_distinct"] = out["n_distinct"]
    return cols


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return [str(b) for b in by]


def fit_curves(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    by: str | Sequence[str] | None = None,
    model: str = "ll4",
    x_unit: str | None = None,
    fix: Mapping[str, float] | None = None,
    se: str = "gauss-newton",
    ci_level: float = 0.95,
    weights: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Fit a concentration–response model to every curve of a tidy table.

    One batched Levenberg–Marquardt run (Numba, all curves at once) with
    data-driven starting values and grid restarts for hard curves; a bad
    curve is a row with ``converged=False`` and a ``message``, never an
    exception.

    Parameters
    ----------
    data : DataFrame
        One row per observation (long format).
    x, y : str
        Columns with the concentration (≥ 0; 0 = vehicle, evaluated as the
        x → 0 limit) and the response.
    by : str or list of str, optional
        Columns identifying a curve (plate, compound, ...). None: one curve.
    model : str
        "ll4" (default; drc LL.4 = Prism's four-parameter logistic), "ll2",
        "ll3", "ll5", "w1.3", "w1.4", "w2.3", "w2.4", "bc5", "bell",
        "biphasic" (drc names such as "LL.4" also work).
    x_unit : str, optional
        Unit of ``x`` (e.g. "uM"): a unit name, or the name of a column
        holding one unit per row (each curve must use one unit). Reported
        in the ``x_unit`` column; EC50s are in this unit.
    fix : dict, optional
        Parameters held at a value, by output name or drc name:
        ``{"hill": -1, "bottom": 0}``.
    se : {"gauss-newton", "hessian"}
        Standard errors from σ²(JᵀJ)⁻¹ (R ``nls``, Prism, scipy; default) or
        from the observed Hessian of the RSS, 2σ²H⁻¹ (what drc reports).
    ci_level : float
        Level of the EC50 confidence interval.
    weights : str, optional
        Column of case weights w (the fit minimises Σ w r²; R ``nls`` convention).
    progress : callable, optional
        ``progress(done, total)`` called after each chunk of curves.

    Returns
    -------
    DataFrame
        One row per curve, in order of first appearance:

        * the ``by`` columns;
        * ``model``, ``n`` (points), ``converged``, ``message`` (empty if all
          is well), ``flags`` (``;``-joined: not_converged, flat,
          extrapolated, no_lower_plateau, no_upper_plateau, ill_conditioned);
        * each estimated or user-fixed parameter and its SE (``<name>_se``,
          NaN when fixed): for LL.2–LL.4 ``hill``, ``bottom``, ``top``,
          ``ec50``; LL.5 adds ``asymmetry`` and reports e as ``xmid``;
          Weibull ``hill``, ``bottom``, ``top``, ``xmid``; BC.5 adds
          ``hormesis``; bell ``plateau1``, ``dip``, ``plateau2``,
          ``ec50_1``, ``ec50_2``, ``hill1``, ``hill2``; biphasic ``bottom``,
          ``top``, ``frac``, ``ec50_1``, ``ec50_2``, ``hill1``, ``hill2``;
        * ``ec50``, ``ec50_se`` (delta method), ``log10_ec50``,
          ``log10_ec50_se``, ``ec50_ci_low``, ``ec50_ci_high`` (t interval on
          the log scale with the residual df, back-transformed);
        * ``rse`` (residual SE), ``df``, ``rss``, ``loglik`` (normal, as R
          ``logLik``), ``aic`` (−2 logLik + 2 (p + 1), as drc);
        * ``x_unit``.

    Notes
    -----
    Models are drc's (``f(x) = c + (d − c) / (1 + exp(b (log x − log e)))``
    for LL.4); ``hill`` is Prism's slope, negative for a decreasing curve
    (``hill = −b`` for LL, W1, BC; ``+b`` for W2). The EC50 is the ED50
    relative to the x → 0 asymptote (drc ``ED(..., type = "relative")``).
    Estimates agree with R drc 3.2.0 ``drm`` to 1e-4 and SEs (``se =
    "hessian"``) to 1e-3 on ryegrass and S.alba; the Gauss–Newton SEs agree
    with R ``nls``. Flags and the EC50 reporting rules are in
    :mod:`preclin.curves._flags` (an EC50 more than 1000× beyond the tested
    range is NaN with a message, never a plain number).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> df = load_example("concentration_response")
    >>> fits = fit_curves(df, x="conc_uM", y="response", by=["plate", "compound"],
    ...                   x_unit="uM")
    >>> fits[["compound", "ec50", "hill", "flags"]].head(3).round(3)
           compound   ec50   hill flags
    0  basimglurant  0.039 -1.157
    1          MPEP  0.035 -0.815
    2          MTEP  0.089 -1.210
    >>> for row in fits.loc[fits["flags"] != ""].itertuples():
    ...     print(row.plate, row.compound, row.flags)
    P1 cpd-09 flat;ill_conditioned
    P1 cpd-10 no_lower_plateau
    P2 cpd-09 not_converged;flat;ill_conditioned
    P2 cpd-10 not_converged;extrapolated;no_lower_plateau;ill_conditioned
    """
    by_cols = _as_list(by)
    check_option("se", se, SE_KINDS)
    layout = make_layout(model, fix)
    unit_col = x_unit if isinstance(x_unit, str) and x_unit in data.columns else None
    require_columns(data, [x, y, *by_cols] + ([weights] if weights else []))
    if x_unit is not None and unit_col is None:
        from preclin.core.units import dimension_of

        dimension_of(x_unit)  # raises InputError for a unit pint cannot parse
    xv = numeric_column(
        data, x, what="concentration", min_value=0.0,
        hint="concentrations must be >= 0 (0 = vehicle); fix the sign or drop the row",
    )  # fmt: skip
    yv = numeric_column(data, y, what="response")
    wv = None
    if weights:
        wv = numeric_column(data, weights, what="weight", min_value=0.0, min_inclusive=False)
    if by_cols:
        codes = data.groupby(by_cols, sort=False, dropna=False).ngroup().to_numpy()
    else:
        codes = np.zeros(len(data), dtype=np.int64)
    n_curves = int(codes.max()) + 1 if codes.size else 0
    if codes.size and np.all(codes[1:] >= codes[:-1]):
        order = None
    else:
        order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=n_curves)
    starts = np.concatenate([[0], np.cumsum(counts)])
    if order is not None:
        xv, yv = xv[order], yv[order]
        wv = None if wv is None else wv[order]
    first = (order if order is not None else np.arange(len(data)))[starts[:-1]]
    result = fit_curve_arrays(
        xv, yv, starts, model=model, fix=fix, se=se, ci_level=ci_level, weights=wv,
        progress=progress,
        chunk=CHUNK if progress is None else max(2048, min(CHUNK, n_curves // 50 + 1)),
    )  # fmt: skip
    frame = pd.DataFrame(result)
    if by_cols:
        keys = data[by_cols].iloc[first].reset_index(drop=True)
        frame = pd.concat([keys, frame], axis=1)
    if unit_col is not None:
        units = data[unit_col].astype(str).to_numpy()
        per = units if order is None else units[order]
        mixed = np.flatnonzero(per[1:] != per[:-1]) + 1
        mixed = mixed[np.isin(mixed, starts[1:-1], invert=True)]
        if mixed.size:
            pos = int((order if order is not None else np.arange(len(data)))[mixed[0]])
            from preclin.core.validation import row_label, source_name

            raise InputError(
                "one curve has concentrations in more than one unit "
                f"({per[mixed[0] - 1]!r} and {per[mixed[0]]!r})",
                file=source_name(data),
                row=row_label(data, pos),
                column=unit_col,
                hint="convert to one unit per curve or give the curves different ids",
            )
        frame["x_unit"] = per[starts[:-1]] if n_curves else []
    else:
        frame["x_unit"] = x_unit
    frame.attrs["x_unit"] = x_unit if unit_col is None else f"column {unit_col}"
    frame.attrs["model"] = layout.spec.key
    return frame
