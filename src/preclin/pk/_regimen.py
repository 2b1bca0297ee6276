"""Dosing regimens as data: what is given, how, how often, how many times.

A :class:`Regimen` is a frozen dataclass. Quantities may be given as numbers
in the canonical unit (mg/kg or mg, hours) or as strings with a unit
(``"10mg/kg"``, ``"12h"``, ``"30min"``); they are converted once, here.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from preclin.core.errors import InputError
from preclin.core.units import convert, parse_quantity
from preclin.core.validation import check_option, check_scalar

ROUTES = ("iv", "infusion", "oral")
_ROUTE_ALIASES = {
    "iv_bolus": "iv",
    "bolus": "iv",
    "i.v.": "iv",
    "po": "oral",
    "p.o.": "oral",
    "iv_infusion": "infusion",
}


def _dose_value(value: Any) -> tuple[float, str]:
    """A dose → (value, "mg/kg") or (value, "mg")."""
    if isinstance(value, str):
        v, unit = parse_quantity(value)
    else:
        v, unit = float(check_scalar("dose", value)), "mg/kg"
    if v < 0 or not math.isfinite(v):
        raise InputError(f"Invalid `dose`: got {value!r}, must be >= 0.")
    for canonical in ("mg/kg", "mg"):
        try:
            return float(convert(v, unit, canonical)), canonical
        except InputError:
            continue
    raise InputError(
        f"Invalid `dose`: got {value!r}, must be a mass per body weight (mg/kg) or a mass (mg)."
    )


def _time_value(name: str, value: Any, *, allow_inf: bool = False) -> float:
    """A duration → hours."""
    if isinstance(value, str):
        v, unit = parse_quantity(value, default_unit="h")
        try:
            hours = float(convert(v, unit, "h"))
        except InputError:
            raise InputError(
                f"Invalid `{name}`: got {value!r}, must be a time (e.g. '12h')."
            ) from None
        return hours
    if allow_inf and isinstance(value, float) and math.isinf(value) and value > 0:
        return math.inf
    return float(check_scalar(name, value))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Regimen:
    """A dosing regimen: ``n_doses`` equal doses every ``tau`` hours.

    Parameters
    ----------
    dose : float or str
        Amount per administration: a number in mg/kg, or a string with its
        unit (``"10mg/kg"``, ``"250ug/kg"``, ``"2.5mg"``). Stored as mg/kg or
        mg (see ``dose_unit``).
    route : {"oral", "iv", "infusion"}
        ``"iv"`` is an IV bolus; ``"infusion"`` needs ``duration``.
        Aliases: ``"po"``, ``"bolus"``, ``"iv_bolus"``, ``"iv_infusion"``.
    tau : float or str, optional
        Dosing interval (h, or a string such as ``"12h"``); required when
        ``n_doses > 1``.
    n_doses : int
        Number of doses (default 1).
    start : float or str
        Time of the first dose (h, default 0).
    duration : float or str, optional
        Infusion duration (h); only for ``route="infusion"``.
    bioavailability : float, optional
        Oral F in (0, 1]. May instead be a model parameter ``F`` (not both).
    tlag : float or str, optional
        Oral absorption lag (h). May instead be a model parameter ``tlag``.
    weight : float or str, optional
        Body weight (kg, or ``"250g"``) to turn mg/kg into mg (and per-kg
        volumes into litres).

    Attributes
    ----------
    dose_unit : str
        ``"mg/kg"`` or ``"mg"``.

    Examples
    --------
    >>> r = Regimen(dose="10mg/kg", route="oral", tau="12h", n_doses=28, weight="250g")
    >>> r.dose, r.dose_unit, r.tau, r.amount_mg
    (10.0, 'mg/kg', 12.0, 2.5)
    >>> r.dose_times()[:3]
    array([ 0., 12., 24.])
    """

    dose: float | str
    route: str = "oral"
    tau: float | str = math.inf
    n_doses: int = 1
    start: float | str = 0.0
    duration: float | str | None = None
    bioavailability: float | None = None
    tlag: float | str | None = None
    weight: float | str | None = None
    dose_unit: str = "mg/kg"

    def __post_init__(self) -> None:
        put = object.__setattr__
        route = _ROUTE_ALIASES.get(str(self.route).lower(), str(self.route).lower())
        check_option("route", route, ROUTES)
        put(self, "route", route)
        if isinstance(self.dose, str):
            value, unit = _dose_value(self.dose)
        else:
            value, unit = _dose_value(self.dose)
            unit = check_option("dose_unit", self.dose_unit, ["mg/kg", "mg"])
        put(self, "dose", value)
        put(self, "dose_unit", unit)
        n = check_scalar("n_doses", self.n_doses, low=1, integer=True)
        put(self, "n_doses", int(n))
        tau = _time_value("tau", self.tau, allow_inf=True)
        if n > 1 and not math.isfinite(tau):
            raise InputError(f"Invalid `tau`: got {self.tau!r}, must be given when n_doses > 1.")
        if not tau > 0:
            raise InputError(f"Invalid `tau`: got {self.tau!r}, must be > 0 h.")
        put(self, "tau", tau)
        start = _time_value("start", self.start)
        if start < 0:
            raise InputError(f"Invalid `start`: got {self.start!r}, must be >= 0 h.")
        put(self, "start", start)
        if route == "infusion":
            if self.duration is None:
                raise InputError(
                    "Invalid `duration`: got None, must be given for an infusion (e.g. '30min')."
                )
            dur = _time_value("duration", self.duration)
            if not dur > 0:
                raise InputError(f"Invalid `duration`: got {self.duration!r}, must be > 0 h.")
            put(self, "duration", dur)
        elif self.duration is not None:
            raise InputError(
                f"Invalid `duration`: got {self.duration!r}, only an infusion has a duration."
            )
        if self.bioavailability is not None:
            if route != "oral":
                raise InputError("Invalid `bioavailability`: only an oral dose has one.")
            f = check_scalar(
                "bioavailability", self.bioavailability, low=0, high=1, closed="right"
            )
            put(self, "bioavailability", float(f))
        if self.tlag is not None:
            if route != "oral":
                raise InputError("Invalid `tlag`: only an oral dose has an absorption lag.")
            lag = _time_value("tlag", self.tlag)
            if lag < 0:
                raise InputError(f"Invalid `tlag`: got {self.tlag!r}, must be >= 0 h.")
            put(self, "tlag", lag)
        if self.weight is not None:
            if isinstance(self.weight, str):
                v, unit = parse_quantity(self.weight, default_unit="kg")
                try:
                    w = float(convert(v, unit, "kg"))
                except InputError:
                    raise InputError(
                        f"Invalid `weight`: got {self.weight!r}, must be a mass (e.g. '250g')."
                    ) from None
            else:
                w = float(check_scalar("weight", self.weight))
            if not w > 0:
                raise InputError(f"Invalid `weight`: got {self.weight!r}, must be > 0 kg.")
            put(self, "weight", w)

    @property
    def amount_mg(self) -> float:
        """Dose per administration in mg (needs ``weight`` for a mg/kg dose)."""
        if self.dose_unit == "mg":
            return self.dose
        if self.weight is None:
            raise InputError(
                "a mg/kg dose needs a body weight to give an amount in mg",
                hint="set weight (e.g. weight='250g' or --weight 0.25kg)",
            )
        return self.dose * self.weight

    @property
    def dose_per_kg(self) -> float:
        """Dose per administration in mg/kg (needs ``weight`` for a mg dose)."""
        if self.dose_unit == "mg/kg":
            return self.dose
        if self.weight is None:
            raise InputError(
                "a dose in mg needs a body weight to give mg/kg",
                hint="set weight (e.g. weight='250g' or --weight 0.25kg)",
            )
        return self.dose / self.weight

    def dose_times(self) -> np.ndarray:
        """Times of the doses (h)."""
        tau = 0.0 if not math.isfinite(self.tau) else self.tau
        return self.start + tau * np.arange(self.n_doses, dtype=float)

    def with_dose(self, dose: float) -> Regimen:
        """The same regimen with another dose (in ``dose_unit``)."""
        return dataclasses.replace(self, dose=float(dose))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (an infinite ``tau`` becomes None)."""
        from preclin.core.results import jsonable

        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}
