"""Units at the boundary, with pint.

Inputs say their units (``x_unit="nM"``, ``dose_unit="mg/kg"``); this module
converts them once, and inside a room works in one canonical unit per quantity:

=====================  ==========
quantity               canonical
=====================  ==========
concentration          M (mol/L)
mass concentration     mg/L
time                   h
dose                   mg/kg
volume / weight        L/kg
clearance              L/h/kg
=====================  ==========

Mass ↔ molar concentration needs a molar mass (g/mol); without one the
conversion is an :class:`~preclin.core.errors.InputError`, never a guess.
Conversion factors are computed once per unit pair and cached, so converting
a million values costs one NumPy multiply.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from preclin.core.errors import InputError

if TYPE_CHECKING:
    import pint

__all__ = [
    "CONCENTRATION_UNITS",
    "MASS_CONCENTRATION_UNITS",
    "convert",
    "dimension_of",
    "normalise_unit",
    "parse_quantity",
    "to_molar",
    "ureg",
]

CONCENTRATION_UNITS = ("fM", "pM", "nM", "uM", "µM", "mM", "M")
MASS_CONCENTRATION_UNITS = (
    "pg/mL",
    "ng/mL",
    "ug/mL",
    "µg/mL",
    "mg/mL",
    "ng/L",
    "ug/L",
    "mg/L",
    "g/L",
)

_ALIASES = {
    "μM": "µM",  # greek mu → micro sign
    "umol/L": "uM",
    "µmol/L": "uM",
    "nmol/L": "nM",
    "mmol/L": "mM",
    "pmol/L": "pM",
    "mol/L": "M",
    "hr": "h",
    "hrs": "h",
    "hours": "h",
    "min": "min",
    "mins": "min",
}


@lru_cache(maxsize=1)
def ureg() -> pint.UnitRegistry:
    """The one pint registry (created on first use; pint is slow to import)."""
    import pint

    reg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    if "percent" not in reg:
        reg.define("percent = 0.01 = %")
    return reg


def normalise_unit(unit: str) -> str:
    """Spellings scientists use → pint spellings (µ, μ and u all mean micro)."""
    u = unit.strip()
    u = _ALIASES.get(u, u)
    return u.replace("μ", "u").replace("µ", "u")


@lru_cache(maxsize=512)
def _parse_unit(unit: str) -> Any:
    reg = ureg()
    import pint

    try:
        return reg.parse_units(normalise_unit(unit))
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        AttributeError,
        TypeError,
        ValueError,
        AssertionError,
    ) as exc:
        raise InputError(f"Invalid unit: got {unit!r}, pint cannot parse it ({exc}).") from None


def dimension_of(unit: str) -> str:
    """A short name for a unit's dimension: 'molar', 'mass_concentration', 'time', ...

    >>> dimension_of("nM"), dimension_of("ng/mL"), dimension_of("h")
    ('molar', 'mass_concentration', 'time')
    """
    u = _parse_unit(unit)
    dims = dict(u.dimensionality)
    table = {
        "molar": {"[substance]": 1, "[length]": -3},
        "mass_concentration": {"[mass]": 1, "[length]": -3},
        "time": {"[time]": 1},
        "mass": {"[mass]": 1},
        "volume": {"[length]": 3},
        "dose": {},
        "rate": {"[time]": -1},
    }
    for name, d in table.items():
        if dims == d:
            return "dimensionless" if name == "dose" else name
    return str(u.dimensionality)


@lru_cache(maxsize=1024)
def _factor(from_unit: str, to_unit: str, molar_mass: float | None) -> float:
    import pint

    reg = ureg()
    src = _parse_unit(from_unit)
    dst = _parse_unit(to_unit)
    q = reg.Quantity(1.0, src)
    try:
        return float(q.to(dst).magnitude)
    except pint.errors.DimensionalityError:
        pass
    d_src, d_dst = dimension_of(from_unit), dimension_of(to_unit)
    pair = {d_src, d_dst}
    if pair == {"molar", "mass_concentration"}:
        if molar_mass is None:
            raise InputError(
                f"cannot convert {from_unit} to {to_unit} without a molar mass",
                hint="give the molar mass in g/mol (e.g. --mw 325.77)",
            )
        if d_src == "mass_concentration":
            grams_per_l = q.to("g/L").magnitude
            molar = grams_per_l / molar_mass
            return float(reg.Quantity(molar, "mol/L").to(dst).magnitude)
        molar = q.to("mol/L").magnitude
        return float(reg.Quantity(molar * molar_mass, "g/L").to(dst).magnitude)
    raise InputError(f"cannot convert {from_unit} ({d_src}) to {to_unit} ({d_dst})")


def convert(values: Any, from_unit: str, to_unit: str, *, molar_mass: float | None = None) -> Any:
    """Convert numbers (scalar or array) between units.

    Parameters
    ----------
    values : float or array-like
    from_unit, to_unit : str
        pint-parsable units; µ/μ/u all mean micro (``"uM"``, ``"µg/mL"``).
    molar_mass : float, optional
        g/mol; needed between molar and mass concentrations.

    Examples
    --------
    >>> convert(1.0, "uM", "nM")
    1000.0
    >>> round(convert(100.0, "ng/mL", "nM", molar_mass=325.77), 4)
    306.9650
    """
    if molar_mass is not None and not (np.isfinite(molar_mass) and molar_mass > 0):
        raise InputError(f"Invalid `molar_mass`: got {molar_mass!r}, must be > 0 (g/mol).")
    mm = None if molar_mass is None else float(molar_mass)
    if normalise_unit(from_unit) == normalise_unit(to_unit):
        return values if np.isscalar(values) else np.asarray(values, dtype=float)
    f = _factor(normalise_unit(from_unit), normalise_unit(to_unit), mm)
    if np.isscalar(values):
        return float(values) * f  # type: ignore[arg-type]
    return np.asarray(values, dtype=float) * f


def to_molar(values: Any, unit: str, *, molar_mass: float | None = None) -> Any:
    """Convert a concentration (molar or mass) to mol/L.

    >>> to_molar(3.0, "uM")
    3e-06
    """
    return convert(values, unit, "M", molar_mass=molar_mass)


_QTY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def parse_quantity(text: str | float, *, default_unit: str | None = None) -> tuple[float, str]:
    """Split ``"10mg/kg"`` into ``(10.0, "mg/kg")``.

    Parameters
    ----------
    text : str or float
        A number followed by an optional unit (``"1.1nM"``, ``"12 h"``,
        ``"0.099/h"``).
    default_unit : str, optional
        Used when no unit is written; without it a bare number is an error.

    Examples
    --------
    >>> parse_quantity("1.1nM")
    (1.1, 'nM')
    >>> parse_quantity("0.099/h")
    (0.099, '1/h')
    """
    if isinstance(text, int | float):
        if default_unit is None:
            raise InputError(
                f"Invalid quantity: got {text!r}, must say its unit (e.g. '10mg/kg')."
            )
        return float(text), default_unit
    m = _QTY.match(str(text))
    if not m:
        raise InputError(
            f"Invalid quantity: got {text!r}, must be a number and a unit (e.g. '10mg/kg')."
        )
    value = float(m.group(1))
    unit = m.group(2)
    if unit.startswith("/"):
        unit = "1" + unit
    if not unit:
        if default_unit is None:
            raise InputError(
                f"Invalid quantity: got {text!r}, must say its unit (e.g. '10mg/kg')."
            )
        unit = default_unit
    _parse_unit(unit)  # validate now, with a clear message
    return value, unit
