"""A seeded FLIPR plate simulator: kinetic traces + layout + the truth.

Each well's fractional response f (0 = no agonist effect, 1 = system
maximum) comes from receptor theory: a four-parameter logistic in the
antagonist concentration scaled by the agonist's occupancy-driven response at
the fixed agonist concentration (antagonist mode), a logistic agonist curve
(agonist mode), or the operational allosteric model of
:func:`preclin.receptor.calculate_allosteric_response` (allosteric mode).
The kinetic shape is the Gq → Ca²⁺ transient of
:func:`preclin.receptor.calculate_transient_shape` (fast rise after the
addition, slower decay); the traces carry dye-loading variation, cell-response
variation, read noise, an outer-ring edge effect and an optional detector
ceiling. Everything is drawn as whole (plates × reads × wells) arrays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from preclin.assays._layout import calculate_layout
from preclin.assays._normalise import MODES
from preclin.assays._wells import _ROW_INDEX, PLATE_FORMATS
from preclin.core import (
    InputError,
    Result,
    check_option,
    check_scalar,
    convert,
    make_provenance,
    make_rng,
    parse_quantity,
)

__all__ = ["SimulatedPlate", "simulate_plate"]

#: illustrative mGluR5 NAM potencies (functional KB, nM) for the antagonist example;
#: basimglurant's 1.1 nM is its reported Kd (knowledge base, R03/R04)
_NAMED_KB_NM = {"basimglurant": 1.1, "MPEP": 8.3, "MTEP": 25.0, "fenobam": 60.0}


@dataclasses.dataclass(frozen=True, kw_only=True)
class SimulatedPlate(Result):
    """A simulated plate run: traces, layout and the parameters that made them.

    Attributes
    ----------
    traces : DataFrame
        Wide kinetic traces (``plate``, ``time``, one column per well), as
        :func:`read_traces` returns them.
    layout : DataFrame
        The plate map (shared by all plates).
    truth : DataFrame
        One row per plate and compound (antagonist / agonist modes: ``ic50``
        or ``ec50``, ``hill``, ``bottom``, ``top`` in % activity, ``kb``
        for antagonists, ``unit``) or per plate and modulator (allosteric:
        ``kb``, ``alpha``, ``beta``, ``tau_a``, ``ka``, ``n``, ``unit``).
    settings : dict
        The simulation settings (mode, agonist concentration, noise, ...).
    """

    traces: pd.DataFrame
    layout: pd.DataFrame
    truth: pd.DataFrame
    settings: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The truth table."""
        return self.truth

    def _summary_lines(self) -> list[str]:
        n_p = self.traces["plate"].nunique()
        return [f"{n_p} plate(s), {len(self.layout)} wells, mode {self.settings['mode']}"]


def _truth_table(
    mode: str, names: list[str], n_plates: int, rng: np.random.Generator, unit: str, top: float,
    spec: Mapping[str, Mapping[str, float]] | None, ag: dict[str, float],
) -> pd.DataFrame:  # fmt: skip
    """Per-plate compound parameters (named ones fixed, the rest drawn)."""
    n_c = len(names)
    plate = np.repeat(np.arange(1, n_plates + 1).astype(str), n_c)
    comp = np.tile(np.asarray(names, dtype=object), n_plates)
    k = n_plates * n_c
    to_unit = float(convert(1.0, "nM", unit))
    if mode == "allosteric":
        truth = pd.DataFrame(
            {
                "plate": plate,
                "compound": comp,
                "kb": 10 ** rng.uniform(np.log10(top) - 3.5, np.log10(top) - 1.5, k),
                "alpha": 10 ** rng.uniform(-1.2, -0.3, k),
                "beta": 10 ** rng.uniform(-1.5, -0.5, k),
            }
        )
    else:
        lo, hi = np.log10(top) - 4.0, np.log10(top) - 0.7
        pot = 10 ** rng.uniform(lo, hi, k)
        hill = rng.uniform(0.8, 1.6, k)
        bottom = rng.uniform(0.0, 8.0, k)
        if mode == "antagonist":
            truth = pd.DataFrame(
                {"plate": plate, "compound": comp, "ic50": pot, "hill": -hill,
                 "bottom": bottom, "top": 100.0}
            )  # fmt: skip
            factor = _ld_factor(ag)
            for name, kb_nm in _NAMED_KB_NM.items():
                sel = truth["compound"] == name
                truth.loc[sel, ["ic50", "hill", "bottom"]] = (kb_nm * to_unit * factor, -1.0, 0.0)
        else:
            truth = pd.DataFrame(
                {"plate": plate, "compound": comp, "ec50": pot, "hill": hill,
                 "bottom": 0.0, "top": rng.uniform(40.0, 110.0, k)}
            )  # fmt: skip
    for name, params in (spec or {}).items():
        sel = truth["compound"] == name
        for key, value in params.items():
            if key not in truth.columns:
                raise InputError(
                    f"Invalid `compounds`: {name!r} sets {key!r}, must be one of "
                    f"{', '.join(c for c in truth.columns if c not in ('plate', 'compound'))}."
                )
            truth.loc[sel, key] = float(value)
    if mode == "antagonist":
        truth["kb"] = truth["ic50"] / _ld_factor(ag)
    truth["unit"] = unit
    return truth


def _ld_factor(ag: dict[str, float]) -> float:
    """IC50 / KB for a competitive antagonist (Leff & Dougall 1993)."""
    from preclin.receptor import calculate_kb

    return 1.0 / calculate_kb(
        1.0, agonist_conc=ag["conc"], agonist_ec50=ag["ec50"], agonist_hill=ag["hill"], unit="M"
    )


def simulate_plate(
    plate_format: int = 384,
    *,
    mode: str = "antagonist",
    n_plates: int = 1,
    compounds: Mapping[str, Mapping[str, float]] | None = None,
    top: str = "10uM",
    dilution: float = 3.0,
    points: int = 10,
    replicates: int = 2,
    agonist_conc: str = "3uM",
    agonist_ec50: str = "0.9uM",
    agonist_hill: float = 1.0,
    modulator_concs: tuple[float, ...] = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0),
    read_noise: float = 0.01,
    dye_cv: float = 0.05,
    response_cv: float = 0.02,
    edge_effect: float = 0.0,
    amplitude: float = 3.0,
    f0: float = 2000.0,
    interval: float = 2.0,
    duration: float = 90.0,
    t_add: float = 10.0,
    rise: float = 2.0,
    decay: float = 20.0,
    saturation: float | None = None,
    seed: int | None = 0,
) -> SimulatedPlate:
    """Simulate FLIPR calcium-mobilisation plates with a known truth.

    Parameters
    ----------
    plate_format : {96, 384, 1536}
    mode : {"antagonist", "agonist", "allosteric"}
        Antagonist: compounds pre-incubated, then ``agonist_conc`` of agonist
        (neutral wells: vehicle + agonist; inhibitor wells: full block).
        Agonist: compounds added alone (neutral: buffer; agonist wells: a
        maximal reference agonist). Allosteric: agonist dilution series
        (``top``, ``dilution``) at each of ``modulator_concs`` (in the unit of
        ``top``) of one NAM per row block.
    n_plates : int
        Plates sharing one layout; unnamed compounds get new parameters on
        every plate.
    compounds : mapping, optional
        Parameters of named compounds, e.g. ``{"basimglurant": {"ic50":
        0.005}}`` (in the unit of ``top``; keys as in ``truth``). Default
        compound names: basimglurant, MPEP, MTEP, fenobam, then ``cpd-05``...
        (antagonist), ``cpd-01``... (agonist), ``nam-01``... (allosteric).
    top, dilution, points, replicates
        The dilution scheme (see :func:`calculate_layout`).
    agonist_conc, agonist_ec50, agonist_hill
        The fixed agonist concentration (antagonist mode) and the agonist's
        own curve; in allosteric mode ``agonist_ec50`` and ``agonist_hill``
        set KA = EC50 (1 + τ) and the transducer slope n, with τ chosen so the
        control curve has this EC50.
    read_noise : float
        SD of each read, as a fraction of the well's baseline F0.
    dye_cv, response_cv : float
        Well-to-well CV of F0 (dye loading) and of the response amplitude.
    edge_effect : float
        Fractional loss of response amplitude in the outer ring of wells.
    amplitude : float
        ΔF/F0 at the system maximum (f = 1).
    f0, interval, duration, t_add : float
        Baseline fluorescence, read interval (s), read duration (s) and time
        of the agonist addition (s).
    rise, decay : float
        Time constants (s) of the Gq → Ca²⁺ transient
        (:func:`preclin.receptor.calculate_transient_shape`).
    saturation : float, optional
        Detector ceiling: reads are clipped here.
    seed : int, optional

    Returns
    -------
    SimulatedPlate
        ``traces``, ``layout``, ``truth``, ``settings``.

    Notes
    -----
    Read ``r`` of well ``w``: ``F = F0_w (1 + amplitude · g_w · f_w · s(t_r))
    + ε`` with ``F0_w = f0 · LogNormal(dye_cv)``, ``g_w = (1 − edge_effect ·
    outer_w) · LogNormal(response_cv)``, ``ε ~ N(0, (read_noise · F0_w)²)`` and
    ``s`` the unit-height Ca²⁺ transient of
    :func:`preclin.receptor.calculate_transient_shape`. Antagonist samples: ``f = f_A ·
    (bottom + (top − bottom) / (1 + (c/IC50)^−hill)) / 100`` with ``f_A =
    [A]ⁿ / ([A]ⁿ + EC50ⁿ)``; the truth's ``kb`` is the Leff–Dougall KB of the
    IC50 (:func:`preclin.receptor.calculate_kb`). With all noise terms 0
    the analysis recovers the truth exactly.

    Examples
    --------
    >>> sim = simulate_plate(384, seed=1)
    >>> sim.traces.shape
    (46, 386)
    >>> sim.truth.loc[0, ["compound", "ic50", "kb", "unit"]].to_dict()
    {'compound': 'basimglurant', 'ic50': 0.00476..., 'kb': 0.0011, 'unit': 'uM'}
    """
    check_option("mode", mode, list(MODES))
    fmt = int(check_option("format", int(plate_format), list(PLATE_FORMATS)))
    n_plates = int(check_scalar("n_plates", n_plates, low=1, integer=True))
    for name, value in (
        ("read_noise", read_noise), ("dye_cv", dye_cv), ("response_cv", response_cv),
        ("amplitude", amplitude), ("f0", f0),
    ):  # fmt: skip
        check_scalar(name, value, low=0)
    check_scalar("edge_effect", edge_effect, low=0, high=1, closed="left")
    check_scalar("interval", interval, low=0, closed="neither")
    check_scalar("duration", duration, low=0, closed="neither")
    rng = make_rng(seed)
    top_value, unit = parse_quantity(top)
    ag = {
        "conc": float(convert(*parse_quantity(agonist_conc), "M")),
        "ec50": float(convert(*parse_quantity(agonist_ec50), "M")),
        "hill": float(check_scalar("agonist_hill", agonist_hill, low=0, closed="neither")),
    }
    n_rows, n_cols = PLATE_FORMATS[fmt]
    # layout and compound names
    probe = calculate_layout(
        fmt, top=top, dilution=dilution, points=points, replicates=replicates, mode=mode,
        modulator_concs=modulator_concs if mode == "allosteric" else None,
    )  # fmt: skip
    if mode == "allosteric":
        per_cpd = len(modulator_concs) * replicates
        n_free = n_cols - int(probe.loc[probe["role"] != "sample", "column"].nunique())
        slots = n_rows * (n_free // points)
        names = [f"nam-{i + 1:02d}" for i in range(max(1, slots // per_cpd))]
    else:
        n_cpd = int(probe.loc[probe["role"] == "sample", "compound"].nunique())
        if mode == "antagonist":
            named = list(_NAMED_KB_NM)[: min(4, n_cpd)]
            names = named + [f"cpd-{i + 1:02d}" for i in range(len(named), n_cpd)]
        else:
            names = [f"cpd-{i + 1:02d}" for i in range(n_cpd)]
    for name in compounds or {}:
        if name not in names:
            raise InputError(
                f"Invalid `compounds`: {name!r} is not on the plate; the compounds are "
                f"{', '.join(names[:6])}{', ...' if len(names) > 6 else ''}."
            )
    layout = calculate_layout(
        fmt, top=top, dilution=dilution, points=points, replicates=replicates, mode=mode,
        compounds=names, modulator_concs=modulator_concs if mode == "allosteric" else None,
    )  # fmt: skip
    truth = _truth_table(mode, names, n_plates, rng, unit, top_value, compounds, ag)
    f = _fractions(mode, layout, truth, names, n_plates, ag, unit)  # (P, W)
    # kinetic traces
    time = np.arange(0.0, duration + 0.5 * interval, interval)
    from preclin.receptor import calculate_transient_shape

    shape = calculate_transient_shape(time, onset=t_add, rise=rise, decay=decay)
    n_w = len(layout)
    row = layout["row"].map(_ROW_INDEX).to_numpy()
    col = layout["column"].to_numpy() - 1
    outer = (row == 0) | (row == n_rows - 1) | (col == 0) | (col == n_cols - 1)
    f0_w = (
        f0 * rng.lognormal(0.0, dye_cv, (n_plates, n_w))
        if dye_cv
        else np.full((n_plates, n_w), float(f0))
    )
    gain = (1.0 - edge_effect * outer)[None, :] * (
        rng.lognormal(0.0, response_cv, (n_plates, n_w)) if response_cv else 1.0
    )
    signal = f0_w[:, None, :] * (1.0 + amplitude * (gain * f)[:, None, :] * shape[None, :, None])
    if read_noise:
        signal += rng.standard_normal(signal.shape) * (read_noise * f0_w)[:, None, :]
    if saturation is not None:
        check_scalar("saturation", saturation, low=0, closed="neither")
        np.minimum(signal, saturation, out=signal)
    np.maximum(signal, 0.0, out=signal)
    empty = (layout["role"] == "empty").to_numpy()
    wells = layout["well"].to_numpy()[~empty]
    values = signal[:, :, ~empty].reshape(n_plates * time.size, -1)
    traces = pd.DataFrame(values, columns=list(wells))
    traces.insert(0, "time", np.tile(time, n_plates))
    traces.insert(0, "plate", np.repeat(np.arange(1, n_plates + 1).astype(str), time.size))
    traces.attrs.update(plate_format=fmt, preclin_traces=True)
    settings = {
        "mode": mode, "plate_format": fmt, "n_plates": n_plates, "top": top,
        "dilution": dilution, "points": points, "replicates": replicates,
        "agonist_conc": agonist_conc, "agonist_ec50": agonist_ec50, "agonist_hill": agonist_hill,
        "read_noise": read_noise, "dye_cv": dye_cv, "response_cv": response_cv,
        "edge_effect": edge_effect, "amplitude": amplitude, "f0": f0, "interval": interval,
        "duration": duration, "t_add": t_add, "rise": rise, "decay": decay,
        "saturation": saturation,
        "baseline_window": [0.0, t_add],
    }  # fmt: skip
    if mode == "allosteric":
        settings["modulator_concs"] = list(modulator_concs)
    return SimulatedPlate(
        traces=traces,
        layout=layout,
        truth=truth,
        settings=settings,
        provenance=make_provenance(
            seed=seed if isinstance(seed, int) else None, parameters=settings
        ),
    )


def _fractions(
    mode: str, layout: pd.DataFrame, truth: pd.DataFrame, names: list[str], n_plates: int,
    ag: dict[str, float], unit: str,
) -> np.ndarray:  # fmt: skip
    """Fractional response f (plates × wells) of every well."""
    n_w = len(layout)
    role = layout["role"].to_numpy()
    cpd = pd.Categorical(layout["compound"], categories=names).codes  # -1 for controls
    conc = layout["conc"].to_numpy(dtype=float)
    idx = np.arange(n_plates)[:, None] * len(names) + np.maximum(cpd, 0)[None, :]  # (P, W)
    sample = (role == "sample")[None, :]
    f = np.zeros((n_plates, n_w))
    if mode == "allosteric":
        from preclin.receptor import calculate_allosteric_response

        n = ag["hill"]
        tau = 10.0
        # KA such that the control curve's EC50 is agonist_ec50: EC50 = KA / (1 + τⁿ)^(1/n)
        ka = ag["ec50"] * (1.0 + tau**n) ** (1.0 / n)
        to_m = float(convert(1.0, unit, "M"))
        a = np.nan_to_num(layout["agonist_conc"].to_numpy(dtype=float)) * to_m
        b = np.nan_to_num(conc) * to_m
        f = np.zeros((n_plates, n_w))
        codes = np.where(sample[0], cpd, -1)
        # one call per (plate, modulator): few, each vectorised over its wells
        for k, (kb, al, be) in enumerate(truth[["kb", "alpha", "beta"]].to_numpy()):
            p, c = divmod(k, len(names))
            sel = codes == c
            f[p, sel] = calculate_allosteric_response(
                a[sel], b[sel], ka=ka, kb=kb * to_m, alpha=al, beta=be, tau_a=tau, n=n, em=1.0
            )
        a_max = float(np.nanmax(a))
        f_max = float(
            calculate_allosteric_response(a_max, 0.0, ka=ka, kb=1.0, tau_a=tau, n=n, em=1.0)[0]
        )
        f[:, role == "agonist"] = f_max
        truth["ka"] = ka / to_m
        truth["tau_a"] = tau
        truth["n"] = n
        return f
    c = conc[None, :]
    bottom = truth["bottom"].to_numpy()[idx]
    topv = truth["top"].to_numpy()[idx]
    hill = truth["hill"].to_numpy()[idx]
    pot = truth["ic50" if mode == "antagonist" else "ec50"].to_numpy()[idx]
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        act = bottom + (topv - bottom) / (1.0 + (c / pot) ** (-hill))
    act = np.where(c > 0, act, np.where(hill < 0, topv, bottom))
    if mode == "antagonist":
        fa = ag["conc"] ** ag["hill"] / (ag["conc"] ** ag["hill"] + ag["ec50"] ** ag["hill"])
        f = np.where(sample, fa * act / 100.0, 0.0)
        f[:, role == "neutral"] = fa
        f[:, role == "agonist"] = fa
    else:
        f = np.where(sample, act / 100.0, 0.0)
        f[:, role == "agonist"] = 1.0
    return f
