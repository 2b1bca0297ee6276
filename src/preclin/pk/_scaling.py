"""Interspecies scaling: body-surface-area HED (FDA 2005) and simple allometry."""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core.errors import InputError
from preclin.core.results import Result
from preclin.core.units import convert, parse_quantity
from preclin.core.validation import (
    check_option,
    check_scalar,
    numeric_column,
    require_columns,
)

_KM_TABLE = Path(__file__).parent / "data" / "fda2005_km_table.csv"
_SPECIES_ALIASES = {"monkey": "monkey (rhesus)", "rhesus": "monkey (rhesus)", "man": "human"}
DEFAULT_EXPONENTS = {"CL": 0.75, "V": 1.0, "t_half": 0.25, "ke": -0.25}


@lru_cache(maxsize=1)
def km_table() -> pd.DataFrame:
    """The FDA 2005 Km table (species, reference weight, BSA, Km, divide/multiply factors)."""
    return pd.read_csv(_KM_TABLE)


def _species_row(species: str) -> pd.Series:
    table = km_table()
    key = str(species).strip().lower()
    key = _SPECIES_ALIASES.get(key, key)
    hit = table[table["species"].str.lower() == key]
    if hit.empty:
        check_option("species", species, list(table["species"]))
    return hit.iloc[0]


@dataclasses.dataclass(frozen=True, kw_only=True)
class HedResult(Result):
    """Human equivalent dose by body surface area (FDA 2005 guidance).

    Attributes
    ----------
    species : str
    animal_dose : float
        mg/kg.
    km_animal, km_human : float
        Km = body weight / BSA (kg/m²) from the FDA table.
    hed : float
        ``animal_dose × Km_animal / Km_human`` (mg/kg): the exact ratio.
    hed_table : float
        ``animal_dose / divide_by`` with the guidance's rounded factor (mg/kg).
    hed_mg : float
        ``hed × human_weight`` (mg).
    mrsd_mg : float
        Maximum recommended starting dose ``hed_mg / safety_factor`` (mg).
    hed_exponent : float
        ``animal_dose × (W_animal / W_human)^(1 − 0.67)`` with the table's
        reference weights (mg/kg).
    human_weight, safety_factor, animal_weight, exponent : float
    """

    species: str
    animal_dose: float
    km_animal: float
    km_human: float
    hed: float
    hed_table: float
    hed_mg: float
    mrsd_mg: float
    hed_exponent: float
    human_weight: float
    safety_factor: float
    animal_weight: float
    exponent: float

    def _title(self) -> str:
        return f"Human equivalent dose from {self.animal_dose:g} mg/kg in {self.species}"


def calculate_hed(
    dose: float | str,
    species: str,
    *,
    human_weight: float = 60.0,
    safety_factor: float = 10.0,
    exponent: float = 0.33,
    animal_weight: float | None = None,
) -> HedResult:
    """Human equivalent dose (HED) and MRSD by body-surface-area scaling.

    Parameters
    ----------
    dose : float or str
        Animal dose in mg/kg (or a string with a unit, ``"2500ug/kg"``).
    species : str
        A species of the FDA 2005 table (case-insensitive; ``"monkey"`` means
        rhesus).
    human_weight : float
        kg (60 in the guidance).
    safety_factor : float
        Divides the HED in mg for the MRSD (10 by default).
    exponent : float
        ``1 − b`` of the weight-based conversion ``HED = dose·(Wa/Wh)^(1−b)``
        (b = 0.67 → 0.33).
    animal_weight : float, optional
        kg; default the table's reference weight.

    Returns
    -------
    HedResult

    Notes
    -----
    FDA CDER (2005) *Estimating the Maximum Safe Starting Dose in Initial
    Clinical Trials*, Table 1. Reproduces every worked case of
    ``shared/reference/pk/hed_worked_examples.csv`` to 1e-10 relative.

    Examples
    --------
    >>> r = calculate_hed(2.5, "rat")
    >>> round(r.hed, 6), round(r.hed_table, 6), round(r.mrsd_mg, 6)
    (0.405405, 0.403226, 2.432432)
    """
    if isinstance(dose, str):
        v, unit = parse_quantity(dose, default_unit="mg/kg")
        try:
            d = float(convert(v, unit, "mg/kg"))
        except InputError:
            raise InputError(f"Invalid `dose`: got {dose!r}, must be in mg/kg.") from None
    else:
        d = float(check_scalar("dose", dose))
    if d < 0:
        raise InputError(f"Invalid `dose`: got {dose!r}, must be >= 0 mg/kg.")
    row = _species_row(species)
    human = _species_row("human")
    hw = float(check_scalar("human_weight", human_weight, low=0, closed="neither"))
    sf = float(check_scalar("safety_factor", safety_factor, low=1))
    ex = float(check_scalar("exponent", exponent))
    aw = (
        float(row["ref_body_weight_kg"])
        if animal_weight is None
        else float(check_scalar("animal_weight", animal_weight, low=0, closed="neither"))
    )
    km_a, km_h = float(row["Km"]), float(human["Km"])
    hed = d * km_a / km_h
    divide = row["divide_animal_dose_by"]
    hed_table = d / float(divide) if pd.notna(divide) else d * km_a / km_h
    return HedResult(
        species=str(row["species"]),
        animal_dose=d,
        km_animal=km_a,
        km_human=km_h,
        hed=hed,
        hed_table=hed_table,
        hed_mg=hed * hw,
        mrsd_mg=hed * hw / sf,
        hed_exponent=d * (aw / hw) ** ex,
        human_weight=hw,
        safety_factor=sf,
        animal_weight=aw,
        exponent=ex,
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class AllometryResult(Result):
    """``Y = a · W^b`` fitted on log–log scale across species.

    Attributes
    ----------
    parameter : str
    n : int
        Number of species (rows).
    coefficient, exponent : float
        a (value at 1 kg) and b.
    exponent_fixed : bool
        True when b was fixed (then only a is estimated).
    log_coefficient_stderr, exponent_stderr : float
        Standard errors of ln a and b (NaN when not estimable).
    df : int
        Residual degrees of freedom.
    target_weight : float
        kg.
    predicted, ci_low, ci_high : float
        Predicted value at ``target_weight`` and its confidence interval
        (back-transformed from the log scale; NaN with df = 0).
    level : float
    extrapolated : bool
        True when ``target_weight`` lies outside the species' weights.
    """

    parameter: str
    n: int
    coefficient: float
    exponent: float
    exponent_fixed: bool
    log_coefficient_stderr: float
    exponent_stderr: float
    df: int
    target_weight: float
    predicted: float
    ci_low: float
    ci_high: float
    level: float
    extrapolated: bool

    def _title(self) -> str:
        return f"Allometry of {self.parameter}: {self.coefficient:.4g} · W^{self.exponent:.3g}"


def fit_allometry(
    data: pd.DataFrame,
    *,
    parameter: str = "CL",
    weight: str = "weight_kg",
    value: str = "value",
    exponent: float | None = None,
    target_weight: float = 70.0,
    level: float = 0.95,
) -> AllometryResult:
    """Simple allometry across species: ``ln Y = ln a + b ln W``.

    Parameters
    ----------
    data : DataFrame
        One row per species with body weight (kg) and the parameter value.
    parameter : str
        Name of the parameter (``"CL"``, ``"V"``, ``"t_half"``, ``"ke"`` have
        default exponents 0.75, 1, 0.25, −0.25).
    weight, value : str
        Column names.
    exponent : float, optional
        Fix b. Default: fitted by least squares with >= 3 species, the
        parameter's default exponent with 2 species.
    target_weight : float
        Body weight to predict for (kg, default 70).
    level : float
        Confidence level of the interval on the prediction.

    Returns
    -------
    AllometryResult

    Notes
    -----
    Ordinary least squares on log–log scale; the CI of the prediction uses
    the t distribution with ``n − p`` df (the CI of the fitted line at the
    target weight). Agrees with R ``lm(log(y) ~ log(w))`` and
    ``predict(..., interval = "confidence")`` (``reference/pk/models_allometry.R``)
    to 1e-10.

    Examples
    --------
    Basimglurant t½: 7 h in rat (0.25 kg), 20 h in cynomolgus monkey (5 kg);
    exponent 0.25 fixed:

    >>> d = pd.DataFrame({"weight_kg": [0.25, 5.0], "value": [7.0, 20.0]})
    >>> r = fit_allometry(d, parameter="t_half")
    >>> round(r.predicted, 2), r.exponent, r.extrapolated
    (33.28, 0.25, True)
    """
    require_columns(data, [weight, value])
    w = numeric_column(data, weight, min_value=0, min_inclusive=False, what="body weight")
    y = numeric_column(data, value, min_value=0, min_inclusive=False, what=str(parameter))
    n = len(w)
    if n < 2 or np.unique(w).size < 2:
        raise InputError(
            "allometry needs at least 2 species with different body weights",
            hint="add a second species",
        )
    tw = float(check_scalar("target_weight", target_weight, low=0, closed="neither"))
    lv = float(check_scalar("level", level, low=0, high=1, closed="neither"))
    lx, ly = np.log(w), np.log(y)
    if exponent is None and n < 3:
        if parameter not in DEFAULT_EXPONENTS:
            raise InputError(
                f"with 2 species the exponent must be fixed: give exponent= (no default "
                f"for {parameter!r}; defaults exist for {', '.join(DEFAULT_EXPONENTS)})"
            )
        exponent = DEFAULT_EXPONENTS[parameter]
    x0 = math.log(tw)
    if exponent is not None:
        b = float(check_scalar("exponent", exponent))
        resid_all = ly - b * lx
        la = float(resid_all.mean())
        df = n - 1
        s2 = float(((resid_all - la) ** 2).sum() / df) if df > 0 else math.nan
        se_la = math.sqrt(s2 / n) if df > 0 else math.nan
        se_b = math.nan
        se_pred = se_la
        fixed = True
    else:
        xm = lx.mean()
        sxx = float(((lx - xm) ** 2).sum())
        b = float(((lx - xm) * (ly - ly.mean())).sum() / sxx)
        la = float(ly.mean() - b * xm)
        df = n - 2
        resid = ly - la - b * lx
        s2 = float((resid**2).sum() / df) if df > 0 else math.nan
        se_b = math.sqrt(s2 / sxx) if df > 0 else math.nan
        se_la = math.sqrt(s2 * (1 / n + xm * xm / sxx)) if df > 0 else math.nan
        se_pred = math.sqrt(s2 * (1 / n + (x0 - xm) ** 2 / sxx)) if df > 0 else math.nan
        fixed = False
    pred_log = la + b * x0
    if df > 0:
        tq = float(stats.t.ppf(0.5 + lv / 2, df))
        lo, hi = math.exp(pred_log - tq * se_pred), math.exp(pred_log + tq * se_pred)
    else:
        lo = hi = math.nan
    return AllometryResult(
        parameter=str(parameter),
        n=n,
        coefficient=math.exp(la),
        exponent=b,
        exponent_fixed=fixed,
        log_coefficient_stderr=se_la,
        exponent_stderr=se_b,
        df=df,
        target_weight=tw,
        predicted=math.exp(pred_log),
        ci_low=lo,
        ci_high=hi,
        level=lv,
        extrapolated=bool(tw < w.min() or tw > w.max()),
    )
