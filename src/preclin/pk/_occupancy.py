"""Target engagement: free drug, brain Kp,uu, receptor occupancy.

The free-drug hypothesis: only unbound drug reaches and binds the target, so

    Cu = fu · C,          Cu,brain = Kp,uu · Cu,
    occupancy = Cu,site / (Cu,site + Kd)     (one-site, law of mass action)

with concentrations converted to mol/L with the molar mass
(:func:`preclin.core.units.convert`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from preclin.core.errors import InputError
from preclin.core.units import convert, dimension_of, parse_quantity
from preclin.core.validation import check_array, check_scalar


def calculate_fu(protein_binding: float) -> float:
    """Unbound fraction from plasma protein binding in percent.

    Parameters
    ----------
    protein_binding : float
        Percentage bound, in [0, 100).

    Returns
    -------
    float
        ``fu = 1 − binding/100``.

    Examples
    --------
    >>> round(calculate_fu(98.5), 12)
    0.015
    """
    pb = check_scalar("protein_binding", protein_binding, low=0, high=100, closed="left")
    return 1.0 - float(pb) / 100.0


def check_fu(fu: Any) -> float:
    """fu must lie in (0, 1]."""
    if isinstance(fu, bool) or not isinstance(fu, int | float | np.integer | np.floating):
        raise InputError(f"Invalid `fu`: got {fu!r}, must be a number in (0, 1].")
    if not (0 < float(fu) <= 1):
        raise InputError(
            f"Invalid `fu`: got {fu!r}, must be in (0, 1] "
            "(a fraction; 98.5 % bound is fu = 0.015)."
        )
    return float(fu)


def kd_molar(kd: float | str, kd_unit: str = "nM") -> float:
    """Kd (or Ki) in mol/L; ``kd`` may carry its unit (``"1.1nM"``)."""
    if isinstance(kd, str):
        value, unit = parse_quantity(kd, default_unit=kd_unit)
    else:
        value, unit = float(check_scalar("kd", kd)), kd_unit
    if not value > 0:
        raise InputError(f"Invalid `kd`: got {kd!r}, must be > 0.")
    if dimension_of(unit) != "molar":
        raise InputError(
            f"Invalid `kd_unit`: got {unit!r}, must be a molar unit (pM, nM, uM, mM, M)."
        )
    return float(convert(value, unit, "M"))


def _molar_factor(conc_unit: str, molar_mass: float | None) -> float:
    """Factor from ``conc_unit`` to mol/L (mass units need the molar mass)."""
    dim = dimension_of(conc_unit)
    if dim not in ("molar", "mass_concentration"):
        raise InputError(
            f"Invalid `conc_unit`: got {conc_unit!r}, must be a concentration (ng/mL, mg/L, nM)."
        )
    if dim == "mass_concentration" and molar_mass is None:
        raise InputError(
            f"cannot compare a concentration in {conc_unit} with a molar Kd without a molar mass",
            hint="give molar_mass in g/mol (basimglurant 325.77; --mw 325.77)",
        )
    return float(convert(1.0, conc_unit, "M", molar_mass=molar_mass))


def calculate_occupancy(
    conc: Any,
    *,
    conc_unit: str,
    kd: float | str,
    kd_unit: str = "nM",
    fu: float = 1.0,
    kpuu: float = 1.0,
    molar_mass: float | None = None,
) -> Any:
    """Receptor occupancy from total plasma concentrations (free-drug hypothesis).

    Parameters
    ----------
    conc : float or array-like
        Total plasma concentration(s), >= 0, in ``conc_unit``.
    conc_unit : str
        ``"mg/L"``, ``"ng/mL"``, ``"nM"``, ... (mass units need ``molar_mass``).
    kd : float or str
        Equilibrium dissociation constant (or Ki) of the drug at the target,
        a number in ``kd_unit`` or a string with its unit (``"1.1nM"``).
    kd_unit : str
        Molar unit of a numeric ``kd`` (default nM).
    fu : float
        Unbound fraction in plasma, in (0, 1] (see :func:`calculate_fu`).
    kpuu : float
        Unbound brain-to-plasma ratio Kp,uu (> 0; 1 = free drug equilibrates).
    molar_mass : float, optional
        g/mol, for mass concentrations (basimglurant 325.77).

    Returns
    -------
    float or ndarray
        Fractional occupancy in [0, 1).

    Notes
    -----
    ``occupancy = Cu / (Cu + Kd)`` with ``Cu = Kp,uu · fu · C`` in mol/L: the
    Langmuir / Hill–Langmuir isotherm with Hill slope 1.

    Examples
    --------
    Basimglurant, 1 mg/L total in rat plasma, 98.5 % bound, Kd 1.1 nM:

    >>> occ = calculate_occupancy(1.0, conc_unit="mg/L", kd=1.1, fu=0.015, molar_mass=325.77)
    >>> round(occ, 4)
    0.9767
    """
    scalar = np.isscalar(conc)
    c = check_array("conc", np.atleast_1d(conc), min_value=0)
    fu = check_fu(fu)
    kpuu = float(check_scalar("kpuu", kpuu, low=0, closed="neither"))
    kd_m = kd_molar(kd, kd_unit)
    cu = c * (_molar_factor(conc_unit, molar_mass) * fu * kpuu)
    occ = cu / (cu + kd_m)
    return float(occ[0]) if scalar else occ


def conc_for_occupancy(
    target: float,
    *,
    conc_unit: str,
    kd: float | str,
    kd_unit: str = "nM",
    fu: float = 1.0,
    kpuu: float = 1.0,
    molar_mass: float | None = None,
) -> float:
    """Total plasma concentration (in ``conc_unit``) giving occupancy ``target``.

    Inverse of :func:`calculate_occupancy`: ``C = Kd·θ/(1−θ) / (fu·Kp,uu)``.

    >>> round(conc_for_occupancy(0.8, conc_unit="nM", kd=1.1, fu=0.015), 4)
    293.3333
    """
    theta = float(check_scalar("target", target, low=0, high=1, closed="neither"))
    fu = check_fu(fu)
    kpuu = float(check_scalar("kpuu", kpuu, low=0, closed="neither"))
    cu_molar = kd_molar(kd, kd_unit) * theta / (1.0 - theta)
    return cu_molar / (fu * kpuu) / _molar_factor(conc_unit, molar_mass)
