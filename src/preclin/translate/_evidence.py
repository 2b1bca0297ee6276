"""Reading a compound's evidence out of the knowledge store for the bridge.

Turns the store's verbatim rows into numbers with their source
(``ref:R03;R06``), and says which ones had to be assumed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from preclin.core import InputError, convert

_UNSPECIFIED = ("not specified", "not stated", "unspecified", "", "none", "nan")
_SPECIES = {
    "cynomolgus monkey": "monkey",
    "rhesus monkey": "monkey",
    "monkey": "monkey",
    "rat": "rat",
    "mouse": "mouse",
    "dog": "dog",
    "human": "human",
    "man": "human",
}
# default body weights (kg) for allometry: stated as assumptions in the bridge
BODY_WEIGHTS = {"mouse": 0.025, "rat": 0.25, "monkey": 5.0, "dog": 10.0, "human": 70.0}
_NEGATIVE = re.compile(r"\b(no|not|ineffective|without)\b", re.IGNORECASE)


def normalise_species(text: Any) -> str:
    """``"cynomolgus monkey"`` → ``"monkey"``; unstated → ``"unspecified"``."""
    s = str(text).strip().lower() if text is not None else ""
    if s in _UNSPECIFIED or s.startswith(("not stated", "not specified")):
        return "unspecified"
    return _SPECIES.get(s, s)


def ref_source(refs: Any) -> str:
    return f"ref:{refs}" if isinstance(refs, str) and refs else "ref:?"


@dataclass
class Value:
    """A number, its unit, and where it came from."""

    value: float
    unit: str
    source: str
    assumed: bool = False

    def text(self) -> str:
        tag = "assumed" if self.assumed else self.source
        return " ".join(p for p in (f"{self.value:.4g}", self.unit, f"[{tag}]") if p)


@dataclass
class SpeciesPK:
    """PK parameters of one species (each a :class:`Value` or None)."""

    species: str
    t_half: Value | None = None
    F: Value | None = None
    fu: Value | None = None
    V: Value | None = None
    CL: Value | None = None
    notes: list[str] = field(default_factory=list)


def _number(row: pd.Series) -> float:
    """The store's canonical value, or the midpoint of a range (converted)."""
    v = row.get("value_canonical")
    if v is not None and not pd.isna(v):
        return float(v)
    lo, hi = row.get("value_low"), row.get("value_high")
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return math.nan
    mid = (float(lo) + float(hi)) / 2.0
    unit, canon = row.get("unit"), row.get("unit_canonical")
    if isinstance(unit, str) and isinstance(canon, str) and unit != canon:
        try:
            return float(convert(mid, unit, canon))
        except InputError:  # a unit the store could not convert: leave it out
            return math.nan
    return mid


def read_pk(pk: pd.DataFrame) -> tuple[dict[str, SpeciesPK], SpeciesPK]:
    """Per-species PK from the store's rows, plus the species-unspecified values."""
    out: dict[str, SpeciesPK] = {}
    shared = SpeciesPK("unspecified")
    for _, row in pk.iterrows():
        sp = normalise_species(row.get("species"))
        target = shared if sp == "unspecified" else out.setdefault(sp, SpeciesPK(sp))
        name = str(row.get("parameter", "")).lower()
        value = _number(row)
        if math.isnan(value):
            continue
        src = ref_source(row.get("ref_id"))
        unit = str(row.get("unit_canonical") or row.get("unit") or "")
        if "half-life" in name and unit == "h":
            target.t_half = target.t_half or Value(value, "h", src)
        elif ("bioavailability" in name or "oral availability" in name) and unit == "%":
            target.F = target.F or Value(value / 100.0, "", src)
        elif "protein binding" in name and unit == "%":
            target.fu = target.fu or Value(1.0 - value / 100.0, "", src)
        elif "volume of distribution" in name and unit == "L/kg":
            target.V = target.V or Value(value, "L/kg", src)
        elif "clearance" in name and unit == "L/h/kg":
            target.CL = target.CL or Value(value, "L/h/kg", src)
    return out, shared


@dataclass
class DoseEffect:
    """One tested dose of the compound in an animal study."""

    species: str
    dose: float
    dose_unit: str
    repeated: bool
    tau: float
    efficacious: bool
    study: str
    endpoint: str
    g: float = math.nan
    g_ci_low: float = math.nan
    g_ci_high: float = math.nan
    text: str = ""
    source: str = ""


def _regimen_kind(unit: str, regimen: str) -> tuple[bool, float]:
    text = f"{unit} {regimen}".lower()
    if "b.i.d" in text or "bid" in text.split():
        return True, 12.0
    if "/day" in text or "daily" in text or "repeated" in text or "week" in text:
        return True, 24.0
    return False, 24.0


def doses_from_store(studies: pd.DataFrame, compound_ids: set[str]) -> list[DoseEffect]:
    """Animal dose groups of the compound with numeric mg/kg doses."""
    out = []
    for _, row in studies.iterrows():
        if row.get("compound_id") not in compound_ids or bool(row.get("is_control")):
            continue
        sp = normalise_species(row.get("species"))
        unit = str(row.get("unit") or "")
        dose = row.get("dose_num")
        if sp in ("human", "unspecified") or dose is None or pd.isna(dose):
            continue
        if not unit.startswith("mg/kg"):
            continue
        repeated, tau = _regimen_kind(unit, str(row.get("regimen") or ""))
        effect = str(row.get("effect_vs_control") or "")
        out.append(
            DoseEffect(
                species=sp,
                dose=float(dose),
                dose_unit="mg/kg",
                repeated=repeated,
                tau=tau,
                efficacious=bool(effect) and not _NEGATIVE.search(effect),
                study=str(row.get("study_id")),
                endpoint=f"{row.get('model')}: {row.get('endpoint')}",
                text=effect,
                source=ref_source(row.get("ref_id")),
            )
        )
    return out


def doses_from_summary(
    summary: Any, *, species: str, study: str, compound_ids: set[str] | None, regimen: str
) -> list[DoseEffect]:
    """Dose groups (with Hedges' g and its CI) from an invivo GroupSummary."""
    desc = summary.describe
    if "dose" not in desc.columns:
        return []
    dose_of = dict(zip(desc[summary.group].astype(str), desc["dose"]))
    repeated, tau = _regimen_kind("", regimen)
    out = []
    for _, c in summary.contrasts.iterrows():
        name = str(c["group"])
        if compound_ids is not None and not any(
            cid.lower() in name.lower() for cid in compound_ids
        ):
            continue
        dose = dose_of.get(name)
        if dose is None or pd.isna(dose):
            continue
        sign = -1.0 if float(c["hedges_g"]) < 0 else 1.0
        out.append(
            DoseEffect(
                species=normalise_species(species),
                dose=float(dose),
                dose_unit="mg/kg",
                repeated=repeated,
                tau=tau,
                efficacious=bool(c.get("significant", False)),
                study=study,
                endpoint=summary.dv,
                # oriented so that the effect is positive; the CI flips with it (an
                # interval that crosses zero keeps its negative end)
                g=sign * float(c["hedges_g"]),
                g_ci_low=min(sign * float(c["g_ci_low"]), sign * float(c["g_ci_high"])),
                g_ci_high=max(sign * float(c["g_ci_low"]), sign * float(c["g_ci_high"])),
                text=f"p = {float(c['pvalue']):.3g} ({c.get('method', '')} vs {c['reference']})",
                source=f"calc:invivo.summarize_groups({study}, {summary.dv})",
            )
        )
    return out


def in_window(doses: list[DoseEffect]) -> list[str]:
    """Studies where a higher dose lost the effect of a lower one (inverted U)."""
    flagged = []
    for study in dict.fromkeys(d.study for d in doses):
        ds = sorted((d for d in doses if d.study == study), key=lambda d: d.dose)
        eff = [d.dose for d in ds if d.efficacious]
        if eff and any(not d.efficacious and d.dose > max(eff) for d in ds):
            flagged.append(study)
    return flagged
