"""Occupancy (Hill–Langmuir) and the Cheng–Prusoff / Leff–Dougall corrections."""

from __future__ import annotations

from typing import Any

import numpy as np

from preclin.core import InputError, check_option, check_scalar
from preclin.receptor._common import check_molar_unit, conc_in, finish

__all__ = ["calculate_kb", "calculate_ki", "calculate_occupancy"]


def calculate_occupancy(
    conc: Any,
    kd: Any,
    *,
    hill: float = 1.0,
    competitor_conc: Any = 0.0,
    competitor_kd: Any = None,
    unit: str = "nM",
    molar_mass: float | None = None,
) -> Any:
    """Fractional receptor occupancy (Hill–Langmuir), optionally with a competitor.

    Parameters
    ----------
    conc : float, array-like or str
        Ligand concentration(s), >= 0: numbers in ``unit``, or a string with
        its unit (``"5nM"``; mass units such as ``"2ng/mL"`` need ``molar_mass``).
    kd : float or str
        Equilibrium dissociation constant of the ligand (> 0).
    hill : float
        Hill coefficient nH (> 0; 1 = law of mass action).
    competitor_conc, competitor_kd : optional
        A second ligand competing for the same site (Gaddum); needs ``hill = 1``.
    unit : str
        Molar unit of numeric inputs (default nM).
    molar_mass : float, optional
        g/mol of the ligand, to convert mass concentrations.

    Returns
    -------
    float or ndarray
        Fraction of receptors occupied by the ligand, in [0, 1).

    Notes
    -----
    ``ρ = [L]^nH / ([L]^nH + Kd^nH)``; with a competitor B (Gaddum 1937)
    ``ρ = ([L]/Kd) / (1 + [L]/Kd + [B]/KB)``. Checked against the same
    closed forms evaluated in R (``reference/receptor/fit_reference.R``) to 1e-10.

    Examples
    --------
    Basimglurant (Kd 1.1 nM) at 5 nM free:

    >>> round(calculate_occupancy("5nM", "1.1nM"), 6)
    0.819672
    >>> calculate_occupancy([0.0, 1.1, 11.0], 1.1).round(4)
    array([0.    , 0.5   , 0.9091])
    """
    check_molar_unit("unit", unit)
    c = conc_in("conc", conc, unit, molar_mass=molar_mass)
    k = conc_in("kd", kd, unit, molar_mass=molar_mass, positive=True)
    h = check_scalar("hill", hill, low=0, closed="neither")
    scalar = np.ndim(c) == 0 and np.ndim(k) == 0
    c_arr, k_arr = np.asarray(c, float), np.asarray(k, float)
    if competitor_kd is None:
        if np.any(np.asarray(competitor_conc, dtype=object) != 0):
            raise InputError(
                "Invalid `competitor_kd`: missing; a competitor concentration needs its Kd."
            )
        r = (c_arr / k_arr) ** h
        return finish(r / (1.0 + r), scalar)
    if h != 1:
        raise InputError(f"Invalid `hill`: got {hill!r}, must be 1 when a competitor is given.")
    b = conc_in("competitor_conc", competitor_conc, unit, molar_mass=molar_mass)
    kb = conc_in("competitor_kd", competitor_kd, unit, molar_mass=molar_mass, positive=True)
    scalar = scalar and np.ndim(b) == 0 and np.ndim(kb) == 0
    r = c_arr / k_arr
    return finish(r / (1.0 + r + np.asarray(b) / np.asarray(kb)), scalar)


def calculate_ki(
    ic50: Any,
    *,
    radioligand_conc: Any,
    kd: Any,
    unit: str = "nM",
    molar_mass: float | None = None,
) -> Any:
    """Inhibition constant Ki from a binding IC50 (Cheng–Prusoff).

    Parameters
    ----------
    ic50 : float, array-like or str
        IC50 of the competitor in a radioligand binding assay (> 0).
    radioligand_conc : float or str
        Free radioligand concentration [L] (>= 0).
    kd : float or str
        Kd of the radioligand (> 0).
    unit : str
        Molar unit of numeric inputs and of the result (default nM).
    molar_mass : float, optional
        g/mol, to convert mass concentrations of the competitor.

    Returns
    -------
    float or ndarray
        Ki in ``unit``.

    Notes
    -----
    ``Ki = IC50 / (1 + [L]/Kd)`` (Cheng & Prusoff 1973, competitive binding at
    one site, no ligand depletion). Agrees with R (closed form) to 1e-10.

    Examples
    --------
    Buspirone IC50 24 nM against [3H]8-OH-DPAT at 1 nM (Kd 1 nM):

    >>> calculate_ki("24nM", radioligand_conc="1nM", kd="1nM")
    12.0
    """
    check_molar_unit("unit", unit)
    ic = conc_in("ic50", ic50, unit, molar_mass=molar_mass, positive=True)
    lig = conc_in("radioligand_conc", radioligand_conc, unit)
    k = conc_in("kd", kd, unit, positive=True)
    scalar = all(np.ndim(v) == 0 for v in (ic, lig, k))
    return finish(np.asarray(ic) / (1.0 + np.asarray(lig) / np.asarray(k)), scalar)


def calculate_kb(
    ic50: Any,
    *,
    agonist_conc: Any = None,
    agonist_ec50: Any = None,
    agonist_hill: float = 1.0,
    method: str = "leff-dougall",
    unit: str = "nM",
    molar_mass: float | None = None,
) -> Any:
    """Functional antagonist dissociation constant KB from an IC50.

    Parameters
    ----------
    ic50 : float, array-like or str
        Antagonist IC50 measured against a fixed agonist concentration (> 0).
    agonist_conc : float or str
        Agonist concentration [A] used in the assay (> 0). Required.
    agonist_ec50 : float or str
        EC50 of the agonist alone (> 0). Required.
    agonist_hill : float
        Hill slope n of the agonist curve (> 0); only used by Leff–Dougall.
    method : {"leff-dougall", "cheng-prusoff"}
        Leff & Dougall (1993) general form, or the Cheng–Prusoff form
        (exact for n = 1).
    unit : str
        Molar unit of numeric inputs and of the result (default nM).
    molar_mass : float, optional
        g/mol of the antagonist, to convert a mass-concentration IC50.

    Returns
    -------
    float or ndarray
        KB in ``unit``.

    Notes
    -----
    Cheng–Prusoff: ``KB = IC50 / (1 + [A]/EC50)``.
    Leff–Dougall: ``KB = IC50 / ((2 + ([A]/EC50)^n)^(1/n) − 1)``, identical for
    n = 1. Assumes competitive (surmountable) antagonism; for an allosteric
    modulator the result is an apparent KB. Agrees with the same formulas
    evaluated in R to 1e-10.

    Examples
    --------
    >>> round(calculate_kb("12nM", agonist_conc="3uM", agonist_ec50="0.9uM"), 6)
    2.769231
    >>> round(calculate_kb(12, agonist_conc=3000, agonist_ec50=900, agonist_hill=1.5), 6)
    3.962291
    """
    check_molar_unit("unit", unit)
    method = check_option("method", method, ["leff-dougall", "cheng-prusoff"])
    if agonist_conc is None or agonist_ec50 is None:
        missing = "agonist_conc" if agonist_conc is None else "agonist_ec50"
        raise InputError(
            f"Invalid `{missing}`: missing; a functional KB needs the agonist concentration "
            "used in the assay and the agonist's EC50 (for a binding IC50 use calculate_ki)."
        )
    ic = conc_in("ic50", ic50, unit, molar_mass=molar_mass, positive=True)
    a = conc_in("agonist_conc", agonist_conc, unit, positive=True)
    e = conc_in("agonist_ec50", agonist_ec50, unit, positive=True)
    n = check_scalar("agonist_hill", agonist_hill, low=0, closed="neither")
    scalar = all(np.ndim(v) == 0 for v in (ic, a, e))
    ratio = np.asarray(a) / np.asarray(e)
    cp = method == "cheng-prusoff"
    denom = 1.0 + ratio if cp else (2.0 + ratio**n) ** (1.0 / n) - 1.0
    return finish(np.asarray(ic) / denom, scalar)
