"""The NCA computation behind :func:`preclin.pk.calculate_nca`.

All of it works on padded ``(subjects × points)`` arrays (see
``_nca_engine``); there is no Python loop over subjects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.validation import check_option, check_scalar
from preclin.pk import _nca_engine as eng
from preclin.pk._nca_input import Profiles, parse_blq, read_profiles
from preclin.pk._nca_units import NcaUnits, nca_units

__all__: list[str] = []

ROUTES = ("extravascular", "iv-bolus", "iv-infusion")
AUC_METHODS = ("lin-log", "linear")

NCA_COLUMNS = [
    "n", "cmax", "tmax", "tlast", "clast", "auclast", "aumclast", "aucinf_obs", "aucinf_pred",
    "aumcinf_obs", "aucpext_obs", "lambda_z", "half_life", "r_squared", "adj_r_squared",
    "lambda_z_time_first", "lambda_z_time_last", "lambda_z_n_points", "span_ratio",
    "clast_pred", "c0", "aucivlast", "aucivinf_obs", "aucivpbextinf_obs", "dose", "cl_obs",
    "vz_obs", "vss_obs", "mrt_obs",
]  # fmt: skip


@dataclass
class _Core:
    """Everything computed for one call (arrays, one value per subject)."""

    prof: Profiles
    units: NcaUnits
    route: str
    log_down: bool
    tp: np.ndarray  # profile with time-0 point (c0 for iv-bolus)
    cp: np.ndarray
    cum_auc: np.ndarray
    ilast_p: np.ndarray
    lambda_z: np.ndarray
    values: dict[str, np.ndarray]
    messages: list[tuple[np.ndarray, Any]]


def _check_args(
    route: str,
    auc_method: str,
    duration: float | str | None,
    lloq: float | None,
    tau: float | None,
) -> None:
    check_option("route", route, ROUTES)
    check_option("auc_method", auc_method, AUC_METHODS)
    if route == "iv-infusion" and duration is None:
        raise InputError(
            "Invalid `duration`: got None, must be the infusion duration (a number or a "
            "column name) when route='iv-infusion'."
        )
    if isinstance(duration, int | float):
        check_scalar("duration", duration, low=0, closed="neither")
    if lloq is not None:
        check_scalar("lloq", lloq, low=0, closed="neither")
    if tau is not None:
        check_scalar("tau", tau, low=0, closed="neither")


def _core(
    data: pd.DataFrame,
    *,
    subject: str,
    time: str,
    conc: str,
    dose: float | str | None,
    route: str,
    duration: float | str | None,
    auc_method: str,
    blq: str | dict[str, str] | None,
    lloq: float | None,
    blq_markers: Sequence[str] | None,
    tau: float | None,
    time_unit: str,
    conc_unit: str,
    dose_unit: str,
    molar_mass: float | None,
) -> _Core:
    _check_args(route, auc_method, duration, lloq, tau)
    if isinstance(dose, int | float):
        check_scalar("dose", dose, low=0, closed="neither")
    rules = parse_blq(blq, lloq)
    units = nca_units(time_unit, conc_unit, dose_unit, molar_mass)
    prof = read_profiles(
        data, subject=subject, time=time, conc=conc, dose=dose, duration=duration,
        lloq=lloq, blq=rules, blq_markers=blq_markers,
    )  # fmt: skip
    log_down = auc_method == "lin-log"
    T, C = prof.t, prof.c
    S, M = T.shape
    rows = np.arange(S)
    idx = np.arange(M)[None, :]
    valid = ~np.isnan(C)
    n = valid.sum(axis=1)
    msgs: list[tuple[np.ndarray, Any]] = []

    # Cmax, Tmax (first maximum), Tlast, Clast
    cmax = np.where(valid, C, -np.inf).max(axis=1)
    cmax = np.where(n > 0, cmax, np.nan)
    with np.errstate(invalid="ignore"):
        imax = np.argmax(valid & (cmax[:, None] == C), axis=1)
        positive = valid & (C > 0)
    any_pos = positive.any(axis=1)
    tmax = np.where(any_pos, T[rows, imax], np.nan)
    ilast = np.where(any_pos, M - 1 - np.argmax(positive[:, ::-1], axis=1), -1)
    tlast = eng.take(T, ilast)
    clast = eng.take(C, ilast)
    msgs.append((n == 0, "no concentrations left after BLQ handling"))
    msgs.append(((n > 0) & ~any_pos, "no measurable concentration (all BLQ or zero)"))

    # terminal phase
    eligible = positive & (tmax[:, None] < T) & (idx <= ilast[:, None])
    if route == "iv-infusion":
        eligible &= prof.duration[:, None] < T
    lz = eng.fit_lambda_z(T, C, eligible)
    lam = lz["lambda_z"]
    few = any_pos & (lz["n_candidates"] < 3)
    msgs.append((few, lambda: "too few points after tmax for lambda_z (3 needed, "
                 + pd.Series(lz["n_candidates"]).astype(str) + " found)"))  # fmt: skip
    msgs.append((any_pos & ~few & ~lz["any_positive"],
                 "no terminal phase with lambda_z > 0 among the last 3+ points"))  # fmt: skip

    # profile from the dose: a time-0 point is added when the first sample is later
    add0 = n > 0
    if M > 0:
        add0 &= ~(T[:, 0] == 0)
    tp_raw = np.concatenate([np.zeros((S, 1)), T], axis=1)
    cp_raw = np.concatenate([np.zeros((S, 1)), C], axis=1)
    keep = np.concatenate([add0[:, None], valid], axis=1)
    _, tp, cp = eng.pack(keep, tp_raw, cp_raw)
    shift = add0.astype(int)
    ilast_p = np.where(ilast >= 0, ilast + shift, -1)
    cum_auc, cum_aumc = eng.cumulative_areas(tp, cp, log_down)
    auclast = np.where(any_pos, eng.take(cum_auc, ilast_p), np.where(n > 0, 0.0, np.nan))
    aumclast = np.where(any_pos, eng.take(cum_aumc, ilast_p), np.where(n > 0, 0.0, np.nan))
    with np.errstate(divide="ignore", invalid="ignore"):
        aucinf_obs = auclast + clast / lam
        aucinf_pred = auclast + lz["clast_pred"] / lam
        aumcinf_obs = aumclast + clast * tlast / lam + clast / lam**2
        aucpext_obs = 100.0 * (aucinf_obs - auclast) / aucinf_obs
    msgs.append((aucpext_obs > 20.0, "aucpext_obs > 20%: aucinf_obs is uncertain"))

    nan = np.full(S, np.nan)
    c0 = aucivlast = aucivinf_obs = aucivpbext = nan
    auc_basis, aumc_basis = aucinf_obs, aumcinf_obs
    if route == "iv-bolus":
        c0, c0_note = _back_extrapolate(tp, cp)
        msgs.append((c0_note & (n > 0), "c0 set to the first concentration (the first two "
                     "are not decreasing, so no log-linear back-extrapolation)"))  # fmt: skip
        cp = cp.copy()
        cp[:, 0] = np.where(n > 0, c0, cp[:, 0])
        cum_auc, cum_aumc = eng.cumulative_areas(tp, cp, log_down)
        aucivlast = np.where(any_pos, eng.take(cum_auc, ilast_p), nan)
        aumcivlast = np.where(any_pos, eng.take(cum_aumc, ilast_p), nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            aucivinf_obs = aucivlast + clast / lam
            aucivpbext = 100.0 * (aucivlast - auclast) / aucivinf_obs
            auc_basis = aucivinf_obs
            aumc_basis = aumcivlast + clast * tlast / lam + clast / lam**2

    dose_v = prof.dose
    no_dose = np.isnan(dose_v)
    msgs.append((no_dose & (n > 0), "no dose: cl_obs, vz_obs, vss_obs not calculated"))
    with np.errstate(divide="ignore", invalid="ignore"):
        cl_obs = units.cl_factor * dose_v / auc_basis
        vz_obs = units.volume_factor * dose_v / (lam * auc_basis)
        mrt = aumc_basis / auc_basis
        if route == "iv-infusion":
            mrt = mrt - prof.duration / 2.0
        vss = units.volume_factor * dose_v * mrt / auc_basis if route != "extravascular" else nan
        half_life = np.log(2.0) / lam
        span_ratio = (lz["time_last"] - lz["time_first"]) / half_life

    values = {
        "n": n, "cmax": cmax, "tmax": tmax, "tlast": tlast, "clast": clast,
        "auclast": auclast, "aumclast": aumclast, "aucinf_obs": aucinf_obs,
        "aucinf_pred": aucinf_pred, "aumcinf_obs": aumcinf_obs, "aucpext_obs": aucpext_obs,
        "lambda_z": lam, "half_life": half_life, "r_squared": lz["r_squared"],
        "adj_r_squared": lz["adj_r_squared"], "lambda_z_time_first": lz["time_first"],
        "lambda_z_time_last": lz["time_last"], "lambda_z_n_points": lz["n_points"],
        "span_ratio": span_ratio, "clast_pred": lz["clast_pred"], "c0": c0,
        "aucivlast": aucivlast, "aucivinf_obs": aucivinf_obs, "aucivpbextinf_obs": aucivpbext,
        "dose": dose_v, "cl_obs": cl_obs, "vz_obs": vz_obs, "vss_obs": vss, "mrt_obs": mrt,
    }  # fmt: skip
    return _Core(prof, units, route, log_down, tp, cp, cum_auc, ilast_p, lam, values, msgs)


def _back_extrapolate(tp: np.ndarray, cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """C0 for an IV bolus, PKNCA's methods in order: c0, logslope, c1.

    Column 0 of the profile is time 0 (observed or added); columns 1 and 2 are
    the first two samples after the dose.
    """
    observed0 = cp[:, 0]
    c1 = cp[:, 1] if cp.shape[1] > 1 else np.full(len(cp), np.nan)
    c2 = cp[:, 2] if cp.shape[1] > 2 else np.full(len(cp), np.nan)
    t1 = tp[:, 1] if tp.shape[1] > 1 else np.full(len(tp), np.nan)
    t2 = tp[:, 2] if tp.shape[1] > 2 else np.full(len(tp), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope_ok = (c2 < c1) & (c2 > 0)
        logslope = np.exp(np.log(c1) - (np.log(c2) - np.log(c1)) / (t2 - t1) * t1)
    c0 = np.where(slope_ok, logslope, c1)
    have0 = observed0 > 0
    c0 = np.where(have0, observed0, c0)
    return c0, ~have0 & ~slope_ok


def _messages(n_rows: int, items: list[tuple[np.ndarray, Any]]) -> pd.Series:
    out = pd.Series([""] * n_rows, dtype=object)
    for mask, text in items:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            continue
        piece = text() if callable(text) else pd.Series([text] * n_rows, dtype=object)
        piece = pd.Series(np.asarray(piece, dtype=object))
        joined = out.where(out == "", out + "; ") + piece
        out = out.where(~mask, joined)
    return out


def _partial(core: _Core, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, ...]:
    """AUC(start → end) and end-point concentrations on the dose-anchored profile."""
    tq = np.stack([start, end], axis=1)
    cq, aq = eng.conc_and_auc_at(
        core.tp, core.cp, core.cum_auc, tq,
        ilast=core.ilast_p, lambda_z=core.lambda_z, log_down=core.log_down,
    )  # fmt: skip
    return aq[:, 1] - aq[:, 0], cq


def _steady_state(core: _Core, tau: float) -> dict[str, np.ndarray]:
    """Steady state by superposition of the single-dose profile (dose every ``tau``)."""
    tp, S = core.tp, core.tp.shape[0]
    grid = np.concatenate([np.mod(tp, tau), np.zeros((S, 1)), np.full((S, 1), tau)], axis=1)
    css = _superpose(core, grid, tau)
    with np.errstate(invalid="ignore"):
        order = np.argsort(np.where(np.isnan(grid), np.inf, grid), axis=1, kind="stable")
    grid = np.take_along_axis(grid, order, axis=1)
    css = np.take_along_axis(css, order, axis=1)
    finite = ~np.isnan(css)
    ok = finite.any(axis=1) & ~np.isnan(css[:, :1]).any(axis=1)
    imax = np.argmax(np.where(finite, css, -np.inf), axis=1)
    rows = np.arange(S)
    cmax = np.where(ok, css[rows, imax], np.nan)
    tmax = np.where(ok, grid[rows, imax], np.nan)
    cmin = np.where(ok, np.where(finite, css, np.inf).min(axis=1), np.nan)
    auc_tau, _ = _partial(core, np.zeros(S), np.full(S, tau))
    tlast = eng.take(core.tp, core.ilast_p)
    n_rep = int(np.ceil(np.nanmax(tlast, initial=0.0) / tau)) + 1
    end = np.full(S, n_rep * tau)
    auc_to_end, c_end = _partial(core, np.zeros(S), end)
    with np.errstate(divide="ignore", invalid="ignore"):
        auctau_ss = auc_to_end + c_end[:, 1] / core.lambda_z
    return {
        "auctau_ss": auctau_ss,
        "cmax_ss": cmax,
        "tmax_ss": tmax,
        "cmin_ss": cmin,
        "cavg_ss": auctau_ss / tau,
        "accumulation_ratio": auctau_ss / auc_tau,
    }


def _superpose(core: _Core, grid: np.ndarray, tau: float) -> np.ndarray:
    """Css(g) = Σ_n C(g + nτ) (n ≥ 0), the tail after n_rep doses summed geometrically."""
    S, G = grid.shape
    tlast = eng.take(core.tp, core.ilast_p)
    n_rep = int(np.ceil(np.nanmax(tlast, initial=0.0) / tau)) + 1
    shifts = tau * np.arange(n_rep)
    tq = (grid[:, None, :] + shifts[None, :, None]).reshape(S, n_rep * G)
    cq, _ = eng.conc_and_auc_at(
        core.tp, core.cp, core.cum_auc, tq,
        ilast=core.ilast_p, lambda_z=core.lambda_z, log_down=core.log_down,
    )  # fmt: skip
    total = cq.reshape(S, n_rep, G).sum(axis=1)
    lam = core.lambda_z[:, None]
    clast = eng.take(core.cp, core.ilast_p)[:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        tail = clast * np.exp(-lam * (grid + n_rep * tau - tlast[:, None]))
        tail = tail / (1.0 - np.exp(-lam * tau))
    return np.where(np.isnan(grid), np.nan, total + tail)
