"""Kinetic models of the two cascades: Gq → Ca²⁺ transients and Gi → cAMP inhibition.

The Ca²⁺ transient of each well is a difference of exponentials whose
height is the operational allosteric response to the well's agonist and
modulator concentrations, so a simulated FLIPR plate has known truth
(KA, KB, α, β, τ) that an analysis must recover.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from preclin.core import InputError, check_array, check_scalar, make_rng
from preclin.receptor._allosteric import calculate_allosteric_response
from preclin.receptor._operational import operational

__all__ = ["calculate_transient_shape", "simulate_calcium_traces", "simulate_camp_inhibition"]


def calculate_transient_shape(time: Any, *, onset: float, rise: float, decay: float) -> np.ndarray:
    """Unit-height Ca²⁺ transient: a difference of exponentials, 0 before ``onset``.

    Parameters
    ----------
    time : array-like
        Times (s).
    onset : float
        Time of agonist addition (s).
    rise, decay : float
        Rise and decay time constants (s), ``0 < rise < decay``.

    Returns
    -------
    ndarray
        ``g(t) = (e^(−s/decay) − e^(−s/rise)) / (e^(−s*/decay) − e^(−s*/rise))``
        for ``s = t − onset >= 0`` (else 0), maximal (= 1) at
        ``s* = rise·decay·ln(decay/rise)/(decay − rise)``.

    Notes
    -----
    g is the solution of ``dC/dt = S(t) − C/decay`` with an IP3-driven
    release ``S ∝ e^(−s/rise)`` (checked against ``scipy.integrate.solve_ivp``
    to 1e-6 in ``tests/receptor/test_kinetics.py``).

    Examples
    --------
    >>> calculate_transient_shape([0, 10, 12.0, 40], onset=10, rise=1, decay=10).round(4)
    array([0.    , 0.    , 0.9807, 0.0714])
    """
    t = check_array("time", np.atleast_1d(time))
    onset = check_scalar("onset", onset)
    rise = check_scalar("rise", rise, low=0, closed="neither")
    decay = check_scalar("decay", decay, low=0, closed="neither")
    if not rise < decay:
        raise InputError(f"Invalid `rise`: got {rise!r}, must be < decay ({decay!r}).")
    s = np.clip(t - onset, 0.0, None)
    peak = rise * decay * np.log(decay / rise) / (decay - rise)
    norm = np.exp(-peak / decay) - np.exp(-peak / rise)
    return np.where(t >= onset, (np.exp(-s / decay) - np.exp(-s / rise)) / norm, 0.0)


def simulate_calcium_traces(
    agonist_conc: Any,
    modulator_conc: Any = 0.0,
    *,
    time: Any,
    ka: float,
    kb: float = 1.0,
    alpha: float = 1.0,
    beta: float = 1.0,
    tau_a: float = 10.0,
    tau_b: float = 0.0,
    em: float = 10000.0,
    n: float = 1.0,
    basal: float = 0.0,
    f0: float = 1000.0,
    onset: float = 10.0,
    rise: float = 2.0,
    decay: float = 20.0,
    noise_sd: float = 0.0,
    seed: int | None = None,
) -> np.ndarray:
    """Simulated FLIPR Ca²⁺ fluorescence traces, one row per well.

    Parameters
    ----------
    agonist_conc, modulator_conc : array-like
        Agonist and modulator (NAM/PAM) concentration of each well (>= 0,
        broadcast together to ``(wells,)``), in the units of ``ka``/``kb``.
    time : array-like
        Read times (s), ``(times,)``.
    ka, kb, alpha, beta, tau_a, tau_b, em, n, basal : float
        Operational allosteric model (see
        :func:`calculate_allosteric_response`); ``em`` and ``basal`` in
        fluorescence units (peak ΔF above baseline).
    f0 : float
        Baseline fluorescence.
    onset, rise, decay : float
        Agonist addition time and transient time constants (s).
    noise_sd : float
        SD of Gaussian read noise (0 = noiseless).
    seed : int, optional
        Seed for the noise.

    Returns
    -------
    ndarray
        ``(wells, times)`` fluorescence ``F = f0 + ΔF·g(t)`` with ``ΔF`` the
        model response of the well and ``g`` :func:`calculate_transient_shape`
        (so max − baseline = ΔF when a read falls on the peak time).

    Examples
    --------
    >>> t = np.arange(0, 60, 1.0)
    >>> tr = simulate_calcium_traces([0.0, 1.0, 100.0], time=t, ka=1.0, tau_a=10, em=1000.0)
    >>> tr.shape, (tr.max(axis=1) - 1000.0).round(0)
    ((3, 60), array([  0., 834., 907.]))
    """
    a = check_array("agonist_conc", np.atleast_1d(agonist_conc), min_value=0)
    b = check_array("modulator_conc", np.atleast_1d(modulator_conc), min_value=0)
    noise_sd = check_scalar("noise_sd", noise_sd, low=0)
    a, b = np.broadcast_arrays(a, b)
    amp = calculate_allosteric_response(
        a, b, ka=ka, kb=kb, alpha=alpha, beta=beta, tau_a=tau_a, tau_b=tau_b, em=em, n=n,
        basal=basal,
    )  # fmt: skip
    shape = calculate_transient_shape(time, onset=onset, rise=rise, decay=decay)
    traces = f0 + amp[:, None] * shape[None, :]
    if noise_sd > 0:
        traces = traces + make_rng(seed).normal(0.0, noise_sd, traces.shape)
    return traces


def simulate_camp_inhibition(
    agonist_conc: Any,
    *,
    ka: float,
    tau: float,
    n: float = 1.0,
    camp_stimulated: float = 100.0,
    camp_basal: float = 0.0,
    noise_sd: float = 0.0,
    seed: int | None = None,
) -> np.ndarray:
    """Steady-state cAMP under forskolin with a Gi/o-coupled agonist (5-HT1A).

    Parameters
    ----------
    agonist_conc : array-like
        Agonist concentrations (>= 0), in the unit of ``ka``.
    ka, tau, n : float
        Operational-model affinity, efficacy and transducer slope of the
        agonist for inhibiting adenylyl cyclase.
    camp_stimulated, camp_basal : float
        cAMP with forskolin alone, and the floor reached at full inhibition.
    noise_sd : float
        SD of Gaussian assay noise.
    seed : int, optional

    Returns
    -------
    ndarray
        ``cAMP = stimulated − (stimulated − basal)·I`` with ``I = τⁿAⁿ /
        ((A + KA)ⁿ + τⁿAⁿ)``: a partial agonist (small τ) inhibits less,
        a full agonist reaches ``basal``.

    Examples
    --------
    8-OH-DPAT-like (τ = 30) vs buspirone-like (τ = 1) at a saturating 10 µM:

    >>> simulate_camp_inhibition([0, 1e4], ka=10.0, tau=30.0).round(2)
    array([100.  ,   3.23])
    >>> simulate_camp_inhibition([1e4], ka=20.0, tau=1.0).round(2)
    array([50.05])
    """
    a = check_array("agonist_conc", np.atleast_1d(agonist_conc), min_value=0)
    ka = check_scalar("ka", ka, low=0, closed="neither")
    tau = check_scalar("tau", tau, low=0)
    n = check_scalar("n", n, low=0, closed="neither")
    noise_sd = check_scalar("noise_sd", noise_sd, low=0)
    inhibition = operational(a, ka, tau, 1.0, n, 0.0)
    out = camp_stimulated - (camp_stimulated - camp_basal) * inhibition
    if noise_sd > 0:
        out = out + make_rng(seed).normal(0.0, noise_sd, out.shape)
    return out
