"""Model names and parameters: parsing, units, and the per-kg / absolute basis.

Canonical units inside the room: time h, rate constants 1/h, volumes L (or
L/kg), clearances L/h (or L/h/kg), amounts mg (or mg/kg), concentrations mg/L.
A model is computed on one *basis*: per kg (dose mg/kg with volumes L/kg) or
absolute (dose mg with volumes L). Mixed inputs are reconciled with the body
weight; without one they are an :class:`InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from preclin.core.errors import InputError
from preclin.core.units import convert, parse_quantity
from preclin.core.validation import check_option, check_scalar

MODELS = (
    "1cpt",
    "1cpt-iv",
    "1cpt-infusion",
    "1cpt-oral",
    "2cpt",
    "2cpt-iv",
    "2cpt-infusion",
    "2cpt-oral",
    "3cpt",
    "3cpt-iv",
    "3cpt-infusion",
    "3cpt-oral",
)

_ALIASES = {"V1": "V", "Q2": "Q", "k": "ke", "k10": "ke", "Ka": "ka", "KA": "ka", "f": "F"}
# name -> (per-kg canonical unit, absolute canonical unit) ; None = basis-free
_UNITS: dict[str, tuple[str, str] | str] = {
    "CL": ("L/h/kg", "L/h"),
    "Q": ("L/h/kg", "L/h"),
    "Q3": ("L/h/kg", "L/h"),
    "V": ("L/kg", "L"),
    "V2": ("L/kg", "L"),
    "V3": ("L/kg", "L"),
    "ke": "1/h",
    "ka": "1/h",
    "tlag": "h",
    "F": "",
}
_KIND = {
    "CL": "a clearance",
    "Q": "a clearance",
    "Q3": "a clearance",
    "V": "a volume",
    "V2": "a volume",
    "V3": "a volume",
    "ke": "a rate constant",
    "ka": "a rate constant",
    "tlag": "a time",
    "F": "a fraction",
}
PARAMETER_NAMES = tuple(sorted(_UNITS))


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model name."""

    n_cpt: int
    route: str | None  # None: taken from the regimen

    @property
    def required(self) -> tuple[str, ...]:
        base: tuple[str, ...] = ("CL", "V")
        if self.n_cpt >= 2:
            base += ("Q", "V2")
        if self.n_cpt == 3:
            base += ("Q3", "V3")
        if self.route == "oral":
            base += ("ka",)
        return base


def parse_model(model: str, route: str | None = None) -> ModelSpec:
    """``"2cpt-oral"`` → ModelSpec(2, "oral"); the route must agree with the regimen's."""
    name = check_option("model", str(model).lower(), MODELS)
    n_cpt = int(name[0])
    suffix = name.partition("-")[2] or None
    if suffix is not None and route is not None and suffix != route:
        raise InputError(
            f"Invalid `model`: got {model!r} but the regimen's route is {route!r}; "
            f"use '{n_cpt}cpt-{route}' or '{n_cpt}cpt'."
        )
    return ModelSpec(n_cpt, suffix or route)


def _parse_one(name: str, value: Any) -> tuple[float, bool | None]:
    """One parameter → (value in canonical unit, per_kg flag or None if basis-free)."""
    units = _UNITS[name]
    if isinstance(value, str):
        v, unit = parse_quantity(value, default_unit="1")
        if isinstance(units, tuple):
            for per_kg, target in zip((True, False), units):
                try:
                    return float(convert(v, unit, target)), per_kg
                except InputError:
                    continue
            raise InputError(
                f"Invalid `{name}`: got {value!r}, must be {_KIND[name]} "
                f"in {units[0]} or {units[1]} (or a convertible unit)."
            )
        try:
            return float(convert(v, unit, units or "1")), None
        except InputError:
            raise InputError(
                f"Invalid `{name}`: got {value!r}, must be {_KIND[name]} "
                f"({units or 'dimensionless'})."
            ) from None
    v = float(check_scalar(name, value))
    return v, None


def _check_range(name: str, v: float, raw: Any) -> None:
    if name == "F":
        if not (0 < v <= 1):
            raise InputError(f"Invalid `F`: got {raw!r}, must be in (0, 1].")
    elif name == "tlag":
        if v < 0:
            raise InputError(f"Invalid `tlag`: got {raw!r}, must be >= 0 h.")
    elif not (v > 0 and math.isfinite(v)):
        raise InputError(f"Invalid `{name}`: got {raw!r}, must be > 0.")


@dataclass(frozen=True)
class ParsedParams:
    """Parameters in canonical units with the basis they were given on.

    ``values`` maps canonical names to floats; ``per_kg`` maps names of
    volumes/clearances to True (L/kg, L/h/kg), False (L, L/h) or None (a bare
    number: same basis as the dose).
    """

    values: dict[str, float]
    per_kg: dict[str, bool | None]


def parse_params(spec: ModelSpec, params: Mapping[str, Any]) -> ParsedParams:
    """Validate names, units and ranges; ``ke`` with ``V`` stands for ``CL = ke·V``."""
    if not isinstance(params, Mapping):
        raise InputError(f"Invalid `params`: got {type(params).__name__}, must be a mapping.")
    values: dict[str, float] = {}
    per_kg: dict[str, bool | None] = {}
    for raw_name, raw in params.items():
        name = _ALIASES.get(str(raw_name), str(raw_name))
        if name not in _UNITS:
            allowed = ", ".join(PARAMETER_NAMES)
            raise InputError(
                f"Invalid parameter name: got {raw_name!r}, must be one of {allowed}."
            )
        if name in values:
            raise InputError(f"Invalid `params`: {name!r} is given twice (check aliases).")
        v, basis = _parse_one(name, raw)
        _check_range(name, v, raw)
        values[name] = v
        per_kg[name] = basis
    if "ke" in values and "CL" in values:
        raise InputError("Invalid `params`: give either CL or ke (with V), not both.")
    if spec.route != "oral":
        for name in ("ka", "F", "tlag"):
            if name in values:
                raise InputError(
                    f"Invalid parameter {name!r} for a {spec.route or 'non-oral'} dose: "
                    "it only applies to oral absorption."
                )
    need = [n for n in spec.required if n not in values and not (n == "CL" and "ke" in values)]
    if need:
        label = f"{spec.n_cpt}cpt-{spec.route}"
        raise InputError(
            f"missing parameter(s) {', '.join(need)} for model {label!r}",
            hint=f"give {', '.join(spec.required)} (CL may be replaced by ke)",
        )
    extra = [
        n
        for n in values
        if n not in spec.required and n not in ("ke", "F", "tlag") and n not in ("CL",)
    ]
    if extra:
        raise InputError(
            f"Invalid parameter(s) {', '.join(extra)} for a {spec.n_cpt}-compartment model."
        )
    return ParsedParams(values=values, per_kg=per_kg)


def resolve_basis(
    parsed: ParsedParams, dose: float, dose_unit: str, weight: float | None
) -> tuple[dict[str, float], float, bool]:
    """Put parameters and dose on one basis.

    Returns ``(values, dose_amount, per_kg)``: if every volume/clearance and the
    dose are per kg (or bare numbers with a per-kg dose) the basis is per kg;
    otherwise everything is converted to absolute units with ``weight``.
    """
    dose_per_kg = dose_unit == "mg/kg"
    flags = [f for n, f in parsed.per_kg.items() if f is not None and isinstance(_UNITS[n], tuple)]
    all_same = all(f == dose_per_kg for f in flags)
    values = dict(parsed.values)
    if all_same:
        per_kg = dose_per_kg
        amount = dose
    else:
        if weight is None:
            raise InputError(
                "the dose and the volumes/clearances are on different bases (per kg vs absolute)",
                hint="give the body weight (weight='250g' / --weight 0.25kg) or use one basis",
            )
        per_kg = False
        amount = dose * weight if dose_per_kg else dose
        for n, f in parsed.per_kg.items():
            if isinstance(_UNITS[n], tuple) and (f is True or (f is None and dose_per_kg)):
                values[n] = values[n] * weight
    return values, amount, per_kg


def as_arrays(values: Mapping[str, Any], n: int) -> dict[str, np.ndarray]:
    """Broadcast scalar or per-subject parameters to float arrays of length n."""
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in values.items()}
