"""Non-compartmental analysis: :func:`calculate_nca`, :func:`calculate_superposition`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.validation import check_scalar
from preclin.pk._nca_core import NCA_COLUMNS, _core, _messages, _partial, _steady_state, _superpose

__all__ = ["calculate_nca", "calculate_superposition"]


def _check_partials(partial_aucs: Sequence[Sequence[float]] | None) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for item in partial_aucs or []:
        try:
            start, end = (float(v) for v in item)
        except (TypeError, ValueError):
            raise InputError(
                f"Invalid `partial_aucs`: got {item!r}, must be (start, end) pairs of numbers."
            ) from None
        if not (np.isfinite(start) and np.isfinite(end) and 0 <= start < end):
            raise InputError(f"Invalid `partial_aucs`: got {item!r}, must have 0 <= start < end.")
        out.append((start, end))
    return out


def _label(x: float) -> str:
    return f"{x:g}".replace("+", "")


def calculate_nca(
    data: pd.DataFrame,
    *,
    subject: str,
    time: str,
    conc: str,
    dose: float | str | None = None,
    route: str = "extravascular",
    duration: float | str | None = None,
    auc_method: str = "lin-log",
    blq: str | dict[str, str] | None = None,
    lloq: float | None = None,
    blq_markers: Sequence[str] | None = None,
    partial_aucs: Sequence[Sequence[float]] | None = None,
    tau: float | None = None,
    time_unit: str = "h",
    conc_unit: str = "ng/mL",
    dose_unit: str = "mg/kg",
    molar_mass: float | None = None,
) -> pd.DataFrame:
    """Non-compartmental analysis of single-dose concentration–time data, per subject.

    All subjects are computed at once on padded arrays (no Python loop over
    subjects). A subject whose terminal phase cannot be estimated gets NaN
    and a ``message``; it never stops the batch.

    Parameters
    ----------
    data : DataFrame
        Long table, one row per sample. Rows of a subject must be in
        increasing time order (they need not be contiguous).
    subject, time, conc : str
        Column names. Times are hours (or ``time_unit``) after the dose,
        ``>= 0``. Concentrations are ``>= 0``; empty cells are dropped; text
        markers such as ``"<LLOQ"``/``"BLQ"`` are accepted only when ``lloq``
        or ``blq_markers`` is given.
    dose : float or str, optional
        The dose (same for all) or the column holding each subject's dose.
        Without it ``cl_obs``, ``vz_obs`` and ``vss_obs`` are NaN (with a
        message).
    route : {"extravascular", "iv-bolus", "iv-infusion"}
        For extravascular doses ``cl_obs`` and ``vz_obs`` are CL/F and Vz/F.
    duration : float or str, optional
        Infusion duration (or its column); required for ``"iv-infusion"``.
    auc_method : {"lin-log", "linear"}
        ``"lin-log"`` = linear up / log down (PKNCA ``"lin up/log down"``):
        log trapezoid where the concentration falls and both ends are > 0.
    blq : str or dict, optional
        Handling of values below the LLOQ (text markers, numbers below
        ``lloq``, and zeros) by position: ``{"first": "zero", "middle":
        "drop", "last": "drop"}`` (default; before the first measurable
        value → 0, between measurable values → dropped, after the last →
        dropped). Each rule is ``"zero"``, ``"drop"`` or ``"lloq/2"``; a
        single string applies to all three positions.
    lloq : float, optional
        Lower limit of quantification (concentration unit); numbers below it
        are BLQ, and text markers become allowed.
    blq_markers : sequence of str, optional
        Text meaning "below the LLOQ" (default when ``lloq`` is given:
        ``<LLOQ, <LOQ, BLQ, BQL, BLOQ, <LOD, ND, NQ`` and anything starting
        with ``<``; case-insensitive).
    partial_aucs : sequence of (start, end), optional
        Adds ``auc_<start>_<end>`` columns (PKNCA ``aucint``-like:
        interpolation inside the data as the AUC method; after tlast
        extrapolation with ``clast·exp(-λz·Δt)``, flagged in ``message``).
    tau : float, optional
        Dosing interval: adds the steady state predicted by superposition of
        the single-dose profile (linear PK assumed): ``auctau_ss``,
        ``cmax_ss``, ``tmax_ss``, ``cmin_ss``, ``cavg_ss``,
        ``accumulation_ratio`` (``auctau_ss / AUC(0–tau)`` of the single dose).
    time_unit, conc_unit, dose_unit : str
        Units of the inputs (pint spellings; ``µ``/``u`` both mean micro).
    molar_mass : float, optional
        g/mol, needed when the dose is a mass and concentrations molar (or
        the reverse).

    Returns
    -------
    DataFrame
        One row per subject (first-appearance order), columns:

        - ``<subject>``: the subject id (the input's column name);
        - ``n``: samples used after BLQ handling;
        - ``cmax``, ``tmax`` (first maximum), ``tlast``, ``clast``: observed;
        - ``auclast``, ``aumclast``: from the dose (time 0, concentration 0
          added when the first sample is later) to tlast;
        - ``aucinf_obs``, ``aucinf_pred``: ``auclast + clast/λz`` with the
          observed / predicted clast; ``aumcinf_obs``; ``aucpext_obs`` (%);
        - ``lambda_z``, ``half_life``, ``r_squared``, ``adj_r_squared``,
          ``lambda_z_time_first``, ``lambda_z_time_last``,
          ``lambda_z_n_points``, ``span_ratio``
          (``(time_last - time_first) / half_life``), ``clast_pred``;
        - ``c0``, ``aucivlast``, ``aucivinf_obs``, ``aucivpbextinf_obs`` (%):
          IV bolus only (NaN otherwise): C0 back-extrapolated as PKNCA
          (observed C(0) if > 0, else log-linear through the first two
          samples if they fall, else the first sample) and the AUCs with C0
          at time 0;
        - ``dose``; ``cl_obs`` (CL, or CL/F for extravascular), ``vz_obs``
          (Vz or Vz/F), ``vss_obs`` (IV only, ``MRT·CL``), ``mrt_obs``
          (``AUMCinf/AUCinf``, minus ``duration/2`` for infusions); for IV
          bolus these use ``aucivinf_obs`` and the matching AUMC;
        - ``auc_<start>_<end>`` and the steady-state columns if asked;
        - ``message``: why values are NaN or flagged ("" when none).

        ``df.attrs["units"]`` maps each column to its unit: times in
        ``time_unit``, concentrations in ``conc_unit``, AUC in
        ``time_unit*conc_unit``, ``lambda_z`` in ``1/time_unit``, CL in L/h
        and volumes in L (L/h/kg and L/kg when the dose is per kg).
        ``df.attrs["settings"]`` records route, AUC method, BLQ rules, LLOQ.

    Raises
    ------
    InputError
        Missing columns, text in numbers (without an LLOQ rule), negative
        concentrations, times < 0, duplicated or unsorted times within a
        subject, a dose that changes within a subject, incompatible units.

    Notes
    -----
    AUC by the linear trapezoid :math:`\\Delta t (C_1 + C_2)/2`, or on
    falling segments with ``"lin-log"`` the log trapezoid
    :math:`\\Delta t (C_1 - C_2)/\\ln(C_1/C_2)`; AUMC likewise (exact
    integral of :math:`t\\,C(t)` under the same interpolation).

    λz is the negative slope of :math:`\\ln C` on :math:`t` by least squares
    over the last *k* ≥ 3 positive samples after tmax (tmax excluded, and
    after the end of an infusion). As in PKNCA ``pk.calc.half.life``
    (``adj.r.squared.factor = 1e-4``, ``min.hl.points = 3``,
    ``allow.tmax.in.half.life = FALSE``): among windows with λz > 0 and
    adjusted R² greater than the best adjusted R² minus 1e-4, the one with
    most points. :math:`R^2_{adj} = 1 - (1 - R^2)(k - 1)/(k - 2)`.

    Agrees with PKNCA on R's ``Indometh`` (IV bolus) to 1e-6 relative
    for every reported parameter, with the same λz points, and with closed
    forms on noiseless one-compartment profiles (``tests/pk/test_nca.py``).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> df = load_example("basimglurant_rat_pk")
    >>> res = calculate_nca(df, subject="animal", time="time_h", conc="conc_ng_ml",
    ...                     dose="dose_mg_kg", lloq=10, conc_unit="ng/mL",
    ...                     dose_unit="mg/kg")
    >>> res[["animal", "n", "cmax", "tmax", "half_life", "lambda_z_n_points"]].round(2)
      animal  n    cmax  tmax  half_life  lambda_z_n_points
    0     R1  9  1726.0   4.0      12.60                  3
    1     R2  8  2090.0   2.0       5.37                  4
    2     R3  9  1565.0   2.0       6.29                  5
    3     R4  8  1543.0   2.0       5.89                  4
    4     R5  9  1833.0   2.0       8.04                  5
    5     R6  9  1894.0   1.0       8.16                  3
    >>> res[["aucinf_obs", "cl_obs", "vz_obs"]].iloc[0].round(3).tolist()
    [34123.226, 0.293, 5.327]
    >>> res.attrs["units"]["cl_obs"], res.attrs["units"]["auclast"]
    ('L/h/kg', 'h*ng/mL')
    """
    parts = _check_partials(partial_aucs)
    core = _core(
        data, subject=subject, time=time, conc=conc, dose=dose, route=route,
        duration=duration, auc_method=auc_method, blq=blq, lloq=lloq,
        blq_markers=blq_markers, tau=tau, time_unit=time_unit, conc_unit=conc_unit,
        dose_unit=dose_unit, molar_mass=molar_mass,
    )  # fmt: skip
    S = len(core.prof.subjects)
    cols: dict[str, Any] = {subject: core.prof.subjects.to_numpy()}
    cols.update({name: core.values[name] for name in NCA_COLUMNS})
    msgs = list(core.messages)
    tlast = core.values["tlast"]
    for start, end in parts:
        name = f"auc_{_label(start)}_{_label(end)}"
        auc, _ = _partial(core, np.full(S, start), np.full(S, end))
        cols[name] = auc
        with np.errstate(invalid="ignore"):
            after = end > tlast
        msgs.append((after & ~np.isnan(auc), f"{name} extrapolated after tlast"))
        msgs.append((after & np.isnan(auc), f"{name} needs lambda_z (end after tlast)"))
    if tau is not None:
        ss = _steady_state(core, float(tau))
        cols.update(ss)
        msgs.append((np.isnan(ss["auctau_ss"]) & (core.values["n"] > 0),
                     "steady state needs lambda_z"))  # fmt: skip
    cols["message"] = _messages(S, msgs).to_numpy()
    out = pd.DataFrame(cols)
    out["n"] = out["n"].astype("int64")
    out["lambda_z_n_points"] = out["lambda_z_n_points"].astype("int64")
    out.attrs["units"] = core.units.table(list(out.columns))
    out.attrs["settings"] = {
        "route": route,
        "auc_method": auc_method,
        "blq": dict(_blq_rules(blq, lloq)),
        "lloq": lloq,
        "tau": tau,
        "time_unit": time_unit,
        "conc_unit": conc_unit,
        "dose_unit": dose_unit,
    }
    return out


def _blq_rules(blq: str | dict[str, str] | None, lloq: float | None) -> dict[str, str]:
    from preclin.pk._nca_input import parse_blq

    return parse_blq(blq, lloq)


def calculate_superposition(
    data: pd.DataFrame,
    *,
    subject: str,
    time: str,
    conc: str,
    tau: float,
    times: Sequence[float] | None = None,
    route: str = "extravascular",
    auc_method: str = "lin-log",
    blq: str | dict[str, str] | None = None,
    lloq: float | None = None,
    blq_markers: Sequence[str] | None = None,
    time_unit: str = "h",
    conc_unit: str = "ng/mL",
) -> pd.DataFrame:
    """Steady-state profile predicted from single-dose data by superposition.

    :math:`C_{ss}(t) = \\sum_{n \\ge 0} C(t + n\\tau)` for :math:`0 \\le t
    \\le \\tau`, where :math:`C` is the single-dose profile interpolated as
    the AUC method and extrapolated after tlast with
    :math:`C_{last} e^{-\\lambda_z (t - t_{last})}` (λz chosen as in
    :func:`calculate_nca`); the infinite tail is summed as a geometric series.
    Assumes linear, time-invariant PK and the same dose every ``tau``.

    Parameters
    ----------
    data, subject, time, conc, route, auc_method, blq, lloq, blq_markers,
    time_unit, conc_unit
        As :func:`calculate_nca`.
    tau : float
        Dosing interval (``time_unit``).
    times : sequence of float, optional
        Times within ``[0, tau]`` at which to predict; default: the sample
        times folded into the interval (``t mod tau``) plus 0 and ``tau``,
        per subject.

    Returns
    -------
    DataFrame
        Long, one row per subject and time: ``<subject>``, ``time``,
        ``conc_ss`` (NaN without λz), ``message``; ``attrs["units"]``.

    Notes
    -----
    The area under :math:`C_{ss}` over one interval equals the single-dose
    AUC(0–∞) (checked numerically in the tests; ``auctau_ss`` of
    :func:`calculate_nca`). Checked against the closed-form one-compartment
    steady state of ``reference/pk/onecmt_oral_bid_summary.csv``.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> df = load_example("basimglurant_rat_pk")
    >>> ss = calculate_superposition(df[df.animal == "R3"], subject="animal",
    ...                              time="time_h", conc="conc_ng_ml", tau=24,
    ...                              times=[0, 2, 24], lloq=10)
    >>> ss.round(1)
      animal  time  conc_ss message
    0     R3   0.0    141.2
    1     R3   2.0   1680.0
    2     R3  24.0    141.2
    """
    check_scalar("tau", tau, low=0, closed="neither")
    core = _core(
        data, subject=subject, time=time, conc=conc, dose=None, route=route,
        duration=None, auc_method=auc_method, blq=blq, lloq=lloq, blq_markers=blq_markers,
        tau=tau, time_unit=time_unit, conc_unit=conc_unit, dose_unit="mg", molar_mass=None,
    )  # fmt: skip
    S = len(core.prof.subjects)
    if times is None:
        tp = core.tp
        grid = np.concatenate([np.mod(tp, tau), np.zeros((S, 1)), np.full((S, 1), tau)], axis=1)
        grid = np.sort(grid, axis=1)
        dup = np.zeros_like(grid, dtype=bool)
        dup[:, 1:] = grid[:, 1:] == grid[:, :-1]
        grid = np.where(dup, np.nan, grid)
    else:
        g = np.asarray(times, dtype=float)
        if g.ndim != 1 or g.size == 0 or np.any(~np.isfinite(g)) or g.min() < 0 or g.max() > tau:
            raise InputError(
                f"Invalid `times`: got {list(times)!r:.60}, must be numbers in [0, tau]."
            )
        grid = np.broadcast_to(g, (S, g.size)).copy()
    css = _superpose(core, grid, float(tau))
    note = _messages(S, [(np.isnan(core.lambda_z), "no lambda_z: steady state not predicted")])
    keep = ~np.isnan(grid)
    rows = np.nonzero(keep)[0]
    out = pd.DataFrame(
        {
            subject: core.prof.subjects.to_numpy()[rows],
            "time": grid[keep],
            "conc_ss": css[keep],
            "message": note.to_numpy()[rows],
        }
    )
    out.attrs["units"] = core.units.table(list(out.columns))
    return out
