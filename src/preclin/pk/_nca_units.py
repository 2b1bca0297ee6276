"""Units of the NCA output, from the input's time, concentration and dose units."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from preclin.core.errors import InputError
from preclin.core.units import convert, dimension_of, normalise_unit, ureg

__all__: list[str] = []


@dataclass(frozen=True)
class NcaUnits:
    """Unit strings of every output and the factors dose/(conc·time) → CL, dose/conc → V."""

    time: str
    conc: str
    dose: str
    auc: str
    aumc: str
    rate: str
    cl: str
    volume: str
    cl_factor: float
    volume_factor: float

    def table(self, columns: list[str]) -> dict[str, str]:
        """Column → unit for the columns that have one."""
        by_kind = {
            "time": self.time,
            "conc": self.conc,
            "auc": self.auc,
            "aumc": self.aumc,
            "rate": self.rate,
            "cl": self.cl,
            "volume": self.volume,
            "dose": self.dose,
            "percent": "%",
        }
        out: dict[str, str] = {}
        for col in columns:
            kind = _KIND.get(col)
            if kind is None and col.startswith("auc_"):
                kind = "auc"
            if kind is not None:
                out[col] = by_kind[kind]
        return out


_KIND = {
    "cmax": "conc",
    "tmax": "time",
    "tlast": "time",
    "clast": "conc",
    "auclast": "auc",
    "aumclast": "aumc",
    "aucinf_obs": "auc",
    "aucinf_pred": "auc",
    "aumcinf_obs": "aumc",
    "aucpext_obs": "percent",
    "lambda_z": "rate",
    "half_life": "time",
    "lambda_z_time_first": "time",
    "lambda_z_time_last": "time",
    "clast_pred": "conc",
    "c0": "conc",
    "aucivlast": "auc",
    "aucivinf_obs": "auc",
    "aucivpbextinf_obs": "percent",
    "dose": "dose",
    "cl_obs": "cl",
    "vz_obs": "volume",
    "vss_obs": "volume",
    "mrt_obs": "time",
    "auctau_ss": "auc",
    "cmax_ss": "conc",
    "tmax_ss": "time",
    "cmin_ss": "conc",
    "cavg_ss": "conc",
    "time": "time",
    "conc_ss": "conc",
}


def _dims(unit: str) -> dict[str, float]:
    return dict(ureg().parse_units(normalise_unit(unit)).dimensionality)


@lru_cache(maxsize=64)
def nca_units(
    time_unit: str, conc_unit: str, dose_unit: str, molar_mass: float | None = None
) -> NcaUnits:
    """Check the three input units and derive the output units.

    Clearance is reported in L/h and volumes in L, per kg when the dose is
    per body weight (``mg/kg`` → L/h/kg, L/kg).
    """
    if dimension_of(time_unit) != "time":
        raise InputError(f"Invalid `time_unit`: got {time_unit!r}, must be a time (h, min, d).")
    conc_dim = dimension_of(conc_unit)
    if conc_dim not in ("molar", "mass_concentration"):
        raise InputError(
            f"Invalid `conc_unit`: got {conc_unit!r}, must be a concentration "
            "(ng/mL, ug/mL, mg/L, nM, uM)."
        )
    dose_dims = {k: v for k, v in _dims(dose_unit).items() if v != 0}
    per_kg = dose_dims in ({}, {"[substance]": 1, "[mass]": -1})
    if not per_kg and dose_dims not in ({"[mass]": 1}, {"[substance]": 1}):
        raise InputError(
            f"Invalid `dose_unit`: got {dose_unit!r}, must be an amount (mg, ug, nmol) "
            "or an amount per body weight (mg/kg, umol/kg)."
        )
    dose_is_molar = "[substance]" in dose_dims
    conc_is_molar = conc_dim == "molar"
    conc_factor = 1.0
    conc_eff = conc_unit
    if dose_is_molar != conc_is_molar:
        target = "M" if dose_is_molar else "mg/L"
        if molar_mass is None:
            raise InputError(
                f"unit mismatch: a dose in {dose_unit} and concentrations in {conc_unit} "
                "give no clearance without a molar mass",
                hint="give molar_mass in g/mol (CLI --molar-mass), or matching units",
            )
        conc_factor = float(convert(1.0, conc_unit, target, molar_mass=molar_mass))
        conc_eff = target
    reg = ureg()
    suffix = "/kg" if per_kg else ""
    cl_unit, v_unit = f"L/h{suffix}", f"L{suffix}"
    d, ce, tu = (normalise_unit(u) for u in (dose_unit, conc_eff, time_unit))
    q_cl = reg.Quantity(1.0, f"({d})/(({ce})*{tu})")
    q_v = reg.Quantity(1.0, f"({d})/({ce})")
    cl_factor = float(q_cl.to(cl_unit).magnitude) / conc_factor
    v_factor = float(q_v.to(v_unit).magnitude) / conc_factor
    t, c = time_unit, conc_unit
    return NcaUnits(
        time=t,
        conc=c,
        dose=dose_unit,
        auc=f"{t}*{c}",
        aumc=f"{t}^2*{c}",
        rate=f"1/{t}",
        cl=cl_unit,
        volume=v_unit,
        cl_factor=cl_factor,
        volume_factor=v_factor,
    )
