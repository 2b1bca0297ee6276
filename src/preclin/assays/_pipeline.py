"""The batch path: traces (or endpoint responses) of many plates → responses →
normalisation → QC → one :func:`preclin.curves.fit_curves` call for every
curve of every plate → potency and receptor constants."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.assays._normalise import MODES, calculate_activity
from preclin.assays._qc import calculate_plate_qc
from preclin.assays._response import calculate_responses
from preclin.core import InputError, Result, check_option, make_provenance, parse_quantity

__all__ = ["PlateAnalysis", "fit_plates"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class PlateAnalysis(Result):
    """Everything a plate analysis produced.

    Attributes
    ----------
    curves : DataFrame
        One row per curve (see :func:`fit_plates`).
    plates : DataFrame
        One row per plate: QC (see :func:`calculate_plate_qc`).
    wells : DataFrame
        One row per well: layout, response and % activity.
    settings : dict
        Mode, agonist, response method and windows, model.
    """

    curves: pd.DataFrame
    plates: pd.DataFrame
    wells: pd.DataFrame
    settings: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The curve table."""
        return self.curves

    def _summary_lines(self) -> list[str]:
        n_pass = int(self.plates["qc_pass"].sum())
        n_ok = int(self.curves["converged"].sum()) if len(self.curves) else 0
        return [
            f"{len(self.plates)} plate(s), {n_pass} passed QC; "
            f"{len(self.curves)} curves, {n_ok} converged"
        ]


def _molar_text(name: str, value: str | float | None, unit: str) -> float | None:
    """A concentration argument ('3uM' or a number in ``unit``) → a number in ``unit``."""
    if value is None:
        return None
    from preclin.core.units import convert

    number, u = parse_quantity(value, default_unit=unit)
    try:
        out = float(convert(number, u, unit))
    except InputError:
        raise InputError(
            f"Invalid `{name}`: got {value!r}, must be a concentration (e.g. '3uM')."
        ) from None
    if not out > 0:
        raise InputError(f"Invalid `{name}`: got {value!r}, must be > 0.")
    return out


def fit_plates(
    data: pd.DataFrame,
    layout: pd.DataFrame,
    *,
    mode: str = "antagonist",
    agonist_conc: str | float | None = None,
    agonist_ec50: str | float | None = None,
    agonist_hill: float = 1.0,
    agonist_ka: str | float | None = None,
    kb_method: str = "leff-dougall",
    method: str = "max_minus_baseline",
    baseline: Sequence[float] = (0.0, 10.0),
    window: Sequence[float] | None = None,
    saturation: float | None = None,
    model: str = "ll4",
    fix: Mapping[str, float] | None = None,
    ci_level: float = 0.95,
    allosteric_fixed: Mapping[str, float] | None = None,
    qc: Mapping[str, float] | None = None,
) -> PlateAnalysis:
    """Analyse many plates at once: responses, QC, curves and receptor constants.

    Parameters
    ----------
    data : DataFrame
        Kinetic traces (:func:`read_traces`, any number of plates) or
        per-well responses (``plate``, ``well``, ``response``, e.g. from
        :func:`read_endpoint`).
    layout : DataFrame
        From :func:`read_layout` / :func:`calculate_layout`.
    mode : {"antagonist", "agonist", "allosteric"}
        Antagonist: IC50 of % activity vs compound concentration (at the
        fixed ``agonist_conc``) and the functional KB. Agonist: EC50 and Emax
        (% of the on-plate agonist control, i.e. relative to the reference
        agonist). Allosteric: per modulator, the operational allosteric model
        fitted globally to the agonist curves at all modulator
        concentrations (layout column ``agonist_conc``).
    agonist_conc, agonist_ec50 : str or float, optional
        Antagonist mode: the agonist concentration used and the agonist's
        EC50 (``"3uM"``, or numbers in the layout's unit); with both, KB is
        reported.
    agonist_hill : float
        Hill slope of the agonist curve (Leff–Dougall); in allosteric mode
        the transducer slope n, held fixed.
    agonist_ka : str or float, optional
        Allosteric mode: the agonist's dissociation constant KA (from
        binding), held fixed; functional data alone rarely determine KA for a
        full agonist (Leach et al. 2007), so without it the fit usually
        reports non-identifiable parameters.
    kb_method : {"leff-dougall", "cheng-prusoff"}
    method, baseline, window, saturation
        Response from traces (see :func:`calculate_responses`).
    model : str
        Curve model for :func:`preclin.curves.fit_curves` (default 4PL).
    fix : mapping, optional
        Held curve parameters. Default: the asymptote the on-plate controls
        define — ``{"top": 100}`` for antagonist plates (no antagonist = the
        neutral control) and ``{"bottom": 0}`` for agonist plates (no agonist =
        the neutral control) — so partial antagonists and partial agonists
        keep a free plateau; ``{}`` frees all four parameters.
    ci_level : float
        Level of the confidence intervals.
    allosteric_fixed : mapping, optional
        Further held parameters of the allosteric model (default ``tau_b`` =
        0, ``n`` = ``agonist_hill``, ``log10_ka`` from ``agonist_ka``; see
        :func:`preclin.receptor.fit_allosteric_operational`).
    qc : mapping, optional
        QC thresholds passed to :func:`calculate_plate_qc`.

    Returns
    -------
    PlateAnalysis
        ``curves``: one row per plate and compound — ``plate``,
        ``compound``, ``n``, ``converged``, ``message``, ``flags``
        (``plate_failed_qc`` added for plates that failed QC), then for
        antagonist mode ``ic50``, ``ic50_ci_low``, ``ic50_ci_high``,
        ``log10_ic50``, ``log10_ic50_se``, ``hill``, ``hill_se``, ``bottom``,
        ``top``, ``kb``, ``kb_ci_low``, ``kb_ci_high``, ``agonist_conc``,
        ``agonist_ec50``; for agonist mode ``ec50``, its CI and log10 SE,
        ``hill``, ``emax`` (= top, % of the agonist control), ``emax_se``,
        ``bottom``; for allosteric mode ``kb``, ``alpha``, ``beta``,
        ``alpha_beta``, ``tau_a`` with ``<name>_se``, ``<name>_ci_low``,
        ``<name>_ci_high``; and ``rse``, ``df``, ``unit``, ``plate_qc_pass``.
        ``plates``: the QC table; ``wells``: the normalised wells.

    Notes
    -----
    One :func:`preclin.curves.fit_curves` call fits all curves of all plates
    (antagonist / agonist modes). KB = IC50 / ((2 + ([A]/EC50)ⁿ)^(1/n) − 1)
    (Leff & Dougall 1993; Cheng–Prusoff for n = 1) via
    :func:`preclin.receptor.calculate_kb`; the KB interval is the IC50
    interval mapped through the same formula ([A] and EC50 taken as known).
    Allosteric fits call :func:`preclin.receptor.fit_allosteric_operational`
    once per plate and modulator. Curves of a plate without usable controls
    are rows with ``converged=False`` and a message; plates that fail QC are
    fitted and flagged, never dropped.

    Examples
    --------
    >>> from preclin.assays import read_layout, read_traces
    >>> from preclin.datasets import example_path
    >>> traces = read_traces(example_path("flipr_basimglurant_traces"))
    >>> layout = read_layout(example_path("flipr_basimglurant_layout"))
    >>> res = fit_plates(traces, layout, agonist_conc="3uM", agonist_ec50="0.9uM")
    >>> res.curves.loc[0, ["compound", "ic50", "kb", "unit"]].to_dict()
    {'compound': 'basimglurant', 'ic50': 0.00..., 'kb': 0.00..., 'unit': 'uM'}
    """
    check_option("mode", mode, list(MODES))
    check_option("kb_method", kb_method, ["leff-dougall", "cheng-prusoff"])
    if "response" in data.columns and "well" in data.columns:
        responses = data
    else:
        responses = calculate_responses(
            data, method=method, baseline=baseline, window=window, saturation=saturation
        )
    wells = calculate_activity(responses, layout, mode=mode)
    plates = calculate_plate_qc(wells, **dict(qc or {}))
    unit = str(layout["unit"].iloc[0]) if "unit" in layout.columns else None
    if mode == "allosteric":
        from preclin.assays._modes import fit_allosteric_plates

        held: dict[str, float] = {"tau_b": 0.0, "n": float(agonist_hill)}
        ka = _molar_text("agonist_ka", agonist_ka, unit or "M")
        if ka is not None:
            from preclin.core.units import convert

            held["log10_ka"] = float(np.log10(convert(ka, unit or "M", "M")))
        held.update(dict(allosteric_fixed or {}))
        curves = fit_allosteric_plates(wells, unit, held, ci_level)
    else:
        from preclin.assays._modes import fit_response_curves

        ag = {
            "conc": _molar_text("agonist_conc", agonist_conc, unit or "M"),
            "ec50": _molar_text("agonist_ec50", agonist_ec50, unit or "M"),
            "hill": agonist_hill,
            "method": kb_method,
        }
        if fix is None:
            fix = {"top": 100.0} if mode == "antagonist" else {"bottom": 0.0}
        curves = fit_response_curves(wells, mode, unit, model, fix, ci_level, ag)
    qc_pass = plates.set_index("plate")["qc_pass"]
    curves["plate_qc_pass"] = curves["plate"].map(qc_pass).fillna(False).astype(bool)
    failed = ~curves["plate_qc_pass"]
    curves.loc[failed, "flags"] = np.where(
        curves.loc[failed, "flags"].astype(str) == "",
        "plate_failed_qc",
        curves.loc[failed, "flags"].astype(str) + ";plate_failed_qc",
    )
    settings = {
        "mode": mode, "agonist_conc": agonist_conc, "agonist_ec50": agonist_ec50,
        "agonist_hill": agonist_hill, "agonist_ka": agonist_ka, "kb_method": kb_method,
        "method": method,
        "baseline": list(baseline), "window": None if window is None else list(window),
        "saturation": saturation, "model": model, "fix": fix,
        "ci_level": ci_level, "unit": unit,
    }  # fmt: skip
    return PlateAnalysis(
        curves=curves,
        plates=plates,
        wells=wells,
        settings=settings,
        provenance=make_provenance(data, layout, parameters=settings),
    )
