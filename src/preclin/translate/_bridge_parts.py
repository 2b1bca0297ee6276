"""Assembling the bridge table section by section (called by :func:`bridge`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError
from preclin.translate._evidence import DoseEffect, SpeciesPK, normalise_species, ref_source

_HUMAN_GRID_MG = np.geomspace(0.05, 500.0, 61)


def _calc(fn: str, notes: list[str], extra: str = "") -> str:
    inner = "; ".join(notes + ([extra] if extra else []))
    return f"calc:{fn}({inner})"


def assemble(
    *,
    compound: str,
    comp: pd.DataFrame,
    prof: dict[str, pd.DataFrame],
    kd: float | None,
    per_species: dict[str, SpeciesPK],
    shared: SpeciesPK,
    evidence: list[DoseEffect],
    window: list[str],
    human: SpeciesPK | None,
    human_src: str,
    assume: dict[str, float],
    weights: dict[str, float],
    adverse_dose: float | None,
    clinical_doses: Any,
) -> Any:
    from preclin.translate._bridge import (
        COLUMNS,
        BridgeResult,
        _occupancy,
        _params,
        _pick_affinity,
        _row,
    )

    rows: list[dict] = []
    gaps: list[str] = []
    target = str(comp["primary_target_id"].iloc[0]) if len(comp) else ""
    mw = float(comp["molar_mass"].iloc[0]) if len(comp) else math.nan
    if not math.isfinite(mw):
        gaps.append("no molar mass in the store: occupancy from mass concentrations impossible")

    # -- potency ------------------------------------------------------------------
    aff = prof["affinities"]
    for _, a in aff.iterrows():
        value = float(a["value_molar"]) * 1e9 if pd.notna(a["value_molar"]) else math.nan
        rows.append(
            _row(
                "potency",
                f"{a['parameter']} at {a['target_id']}",
                value,
                "nM",
                ref_source(a["ref_id"]),
                species=a["species"],
                note=f"{a['relation']} {a['value']} {a['unit'] or ''}; {a['system_or_assay']}",
            )
        )
    picked = _pick_affinity(aff, target) if len(aff) and target else None
    aff_species = "unspecified"
    if kd is not None:
        kd_nm, kd_src = float(kd), "user:kd"
    elif picked is not None:
        kd_nm, kd_src, aff_species = picked[0], picked[1], normalise_species(picked[2])
    else:
        kd_nm, kd_src = math.nan, ""
        gaps.append(f"no affinity for the primary target {target or '?'}: occupancy not computed")
    pk_species = sorted(s for s in per_species if s != "human")
    pk_all = sorted(per_species)
    if math.isfinite(kd_nm) and kd is None:
        if aff_species == "unspecified":
            gaps.append(
                f"affinity species not stated (PK species: {', '.join(pk_all) or 'none'}): "
                "species differences in Kd are ignored"
            )
        elif pk_all and aff_species not in pk_all:
            gaps.append(
                f"affinity species differs from PK species (affinity: {aff_species}; "
                f"PK: {', '.join(pk_all)})"
            )

    # -- PK as stored -----------------------------------------------------------------
    for sp in [*pk_species, *(["human"] if "human" in per_species else []), "unspecified"]:
        p = shared if sp == "unspecified" else per_species[sp]
        for name, val in (("t1/2", p.t_half), ("F", p.F), ("fu", p.fu), ("V", p.V), ("CL", p.CL)):
            if val is not None:
                note = "species not stated: used for every species" if sp == "unspecified" else ""
                rows.append(
                    _row("pk", name, val.value, val.unit, val.source, species=sp, note=note)
                )
    if "human" not in per_species:
        gaps.append(
            "no human PK in the store: human t1/2 "
            + ("scaled by allometry; V, F and fu taken from the animals" if human else "unknown")
        )

    def fu_of(sp: str) -> tuple[float, str]:
        p = per_species.get(sp)
        val = (p.fu if p is not None else None) or shared.fu
        if val is None:
            gaps.append(f"no protein binding for {sp}: total drug used (fu = 1)")
            return 1.0, "fu 1 [assumed]"
        return val.value, f"fu {val.text()}"

    # -- animal doses: exposure, occupancy, efficacy ------------------------------------
    dose_rows = []
    for e in evidence:
        pk = per_species.get(e.species)
        occ: dict[str, float] = {}
        if pk is None or (pk.t_half is None and (pk.CL is None or pk.V is None)):
            if f"no PK for {e.species}" not in " ".join(gaps):
                gaps.append(f"no PK for {e.species}: exposure at its doses not computed")
        elif math.isfinite(kd_nm) and math.isfinite(mw):
            params, notes = _params(pk, assume)
            fu, fu_note = fu_of(e.species)
            occ = _occupancy(params, e.dose, e.repeated, e.tau, kd_nm, fu, mw)
            how = f"steady state, every {e.tau:g} h" if e.repeated else "one dose, 0-24 h"
            src_pk = _calc(
                "calculate_steady_state" if e.repeated else "simulate_pk", notes, f"{how}"
            )
            src_occ = _calc(
                "calculate_occupancy",
                [f"Kd {kd_nm:.4g} nM [{kd_src}]", fu_note, f"M {mw:g} g/mol", how],
            )
            common = {"species": e.species, "dose": e.dose, "dose_unit": e.dose_unit}
            rows.append(_row("exposure", "Cmax (total)", occ["cmax"], "mg/L", src_pk, **common))
            rows.append(_row("exposure", "Cavg (total)", occ["cavg"], "mg/L", src_pk, **common))
            cu = occ["cavg"] * fu / mw * 1e6
            rows.append(_row("exposure", "Cavg (unbound)", cu, "nM", src_pk, **common))
            for key, label in (
                ("occupancy_min", "trough"),
                ("occupancy_mean", "mean"),
                ("occupancy_max", "peak"),
            ):
                rows.append(
                    _row(
                        "occupancy",
                        f"occupancy ({label})",
                        occ[key],
                        "fraction",
                        src_occ,
                        **common,
                    )
                )
        eff_note = f"{e.study}: {e.endpoint}; {e.text}".strip("; ")
        rows.append(
            _row(
                "efficacy",
                "Hedges' g vs control" if math.isfinite(e.g) else "effect vs control",
                e.g,
                "SMD" if math.isfinite(e.g) else "",
                e.source,
                species=e.species,
                dose=e.dose,
                dose_unit=e.dose_unit,
                ci_low=e.g_ci_low,
                ci_high=e.g_ci_high,
                note=("efficacious; " if e.efficacious else "not efficacious; ") + eff_note,
            )
        )
        dose_rows.append(
            {
                "species": e.species,
                "dose": e.dose,
                "efficacious": e.efficacious,
                "occupancy_min": occ.get("occupancy_min", math.nan),
                "occupancy_mean": occ.get("occupancy_mean", math.nan),
                "occupancy_max": occ.get("occupancy_max", math.nan),
                "g": e.g,
                "g_ci_low": e.g_ci_low,
                "g_ci_high": e.g_ci_high,
                "study": e.study,
            }
        )
    doses = pd.DataFrame(
        dose_rows,
        columns=[
            "species",
            "dose",
            "efficacious",
            "occupancy_min",
            "occupancy_mean",
            "occupancy_max",
            "g",
            "g_ci_low",
            "g_ci_high",
            "study",
        ],
    )
    effective = doses[doses["efficacious"].astype(bool)] if len(doses) else doses
    if effective.empty:
        gaps.append("no efficacious preclinical dose with a number (give doses= or study=)")
    else:
        low = effective.sort_values("dose").iloc[0]
        if math.isfinite(low["occupancy_mean"]) and low["occupancy_mean"] < 0.5:
            gaps.append(
                f"occupancy below 50 % at the efficacious dose ({low['dose']:g} mg/kg "
                f"{low['species']}: mean {low['occupancy_mean']:.0%})"
            )
        if not np.isfinite(effective["g"].to_numpy(dtype=float)).any():
            gaps.append("no behavioural effect size with a CI (the store gives text only)")
    for s in window:
        gaps.append(f"efficacy only in a window ({s}: higher doses ineffective)")

    # -- human projection -----------------------------------------------------------------
    human_rows = pd.DataFrame(
        columns=["dose_mg", "occupancy_min", "occupancy_mean", "occupancy_max", "clinical"]
    )
    if human is not None and human.t_half is not None:
        rows.append(
            _row("human", "t1/2", human.t_half.value, "h", human.t_half.source, species="human")
        )
        if human.fu is None:
            human.fu = shared.fu
        params, notes = _params(human, assume)
        fu, fu_note = (human.fu.value, f"fu {human.fu.text()}") if human.fu else (1.0, "fu 1")
        hw = weights["human"]
        if math.isfinite(kd_nm) and math.isfinite(mw):
            from scipy import optimize

            from preclin.translate._bridge import Exposure

            expo = Exposure(params, True, 24.0)
            src_h = _calc(
                "simulate_pk+calculate_occupancy",
                [
                    *notes,
                    fu_note,
                    f"Kd {kd_nm:.4g} nM",
                    f"{hw:g} kg",
                    "once daily, steady state",
                    "mean occupancy",
                ],
            )
            if not effective.empty and math.isfinite(effective["occupancy_mean"].min()):
                low = effective.sort_values("dose").iloc[0]
                goal = float(low["occupancy_mean"])

                def gap(log_mg: float) -> float:
                    return (
                        float(expo.at(math.exp(log_mg) / hw, kd_nm, fu, mw)["occupancy_mean"][0])
                        - goal
                    )

                lo, hi = math.log(1e-4), math.log(1e5)
                if gap(lo) < 0 < gap(hi):
                    mg = math.exp(optimize.brentq(gap, lo, hi, xtol=1e-12))
                    rows.append(
                        _row(
                            "human",
                            f"daily dose for {goal:.0%} mean occupancy",
                            mg,
                            "mg/day",
                            src_h,
                            species="human",
                            note=f"matches {low['dose']:g} mg/kg in {low['species']}",
                        )
                    )
            clin = list(clinical_doses) if clinical_doses is not None else _clinical(prof)
            all_doses = np.unique(np.concatenate([_HUMAN_GRID_MG, np.asarray(clin, dtype=float)]))
            occ = expo.at(all_doses / hw, kd_nm, fu, mw)
            human_rows = pd.DataFrame(
                {
                    "dose_mg": all_doses,
                    "occupancy_min": occ["occupancy_min"],
                    "occupancy_mean": occ["occupancy_mean"],
                    "occupancy_max": occ["occupancy_max"],
                    "clinical": np.isin(all_doses, clin),
                }
            )
            src_c = _calc(
                "simulate_pk+calculate_occupancy", [*notes, fu_note, f"{hw:g} kg", "once daily"]
            )
            for mg in clin:
                o = human_rows[human_rows["dose_mg"] == mg].iloc[0]
                for key, label in (("occupancy_min", "trough"), ("occupancy_mean", "mean")):
                    rows.append(
                        _row(
                            "clinical",
                            f"predicted occupancy ({label})",
                            o[key],
                            "fraction",
                            src_c,
                            species="human",
                            dose=mg,
                            dose_unit="mg/day",
                        )
                    )
                if o["occupancy_mean"] < 0.5:
                    gaps.append(
                        f"predicted mean occupancy below 50 % at the clinical dose {mg:g} mg/day "
                        f"({o['occupancy_mean']:.0%})"
                    )
    else:
        gaps.append(f"no human dose projection ({human_src})")
    if not effective.empty:
        from preclin.pk import calculate_hed

        low = effective.sort_values("dose").iloc[0]
        try:
            hed = calculate_hed(
                float(low["dose"]), str(low["species"]), human_weight=weights["human"]
            )
            rows.append(
                _row(
                    "human",
                    "HED (body surface area)",
                    hed.hed_mg,
                    "mg",
                    f"calc:calculate_hed({low['dose']:g} mg/kg {low['species']})",
                    species="human",
                    note="FDA 2005 Km scaling, for comparison",
                )
            )
        except InputError as exc:  # a species outside the FDA table is a gap
            gaps.append(f"no HED: {exc}")

    # -- margin ---------------------------------------------------------------------------------
    if adverse_dose is not None and not effective.empty:
        low = effective.sort_values("dose").iloc[0]
        rows.append(
            _row(
                "margin",
                "adverse / efficacious dose",
                adverse_dose / low["dose"],
                "x",
                f"calc:ratio(user:adverse_dose {adverse_dose:g} mg/kg; {low['dose']:g})",
                species=low["species"],
            )
        )
    else:
        gaps.append("no adverse-effect dose-response: therapeutic-index margin not estimable")
    table = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("dose", "value", "ci_low", "ci_high"):
        table[c] = pd.to_numeric(table[c], errors="coerce").astype(float)
    return BridgeResult(
        compound=compound,
        target=target,
        kd_nM=kd_nm,
        molar_mass=mw,
        table=table,
        doses=doses,
        human=human_rows,
        gaps=tuple(dict.fromkeys(gaps)),
        assumptions={
            "model": "1-compartment oral, linear",
            "ka (1/h)": assume["ka"],
            "V (L/kg) where missing": assume["V"],
            "F where missing": assume["F"],
            "body weights (kg)": {k: weights[k] for k in sorted(weights)},
            "human regimen": "once daily to steady state",
        },
    )


def _clinical(prof: dict[str, pd.DataFrame]) -> list[float]:
    """Daily human doses (mg) of the compound's human studies in the store."""
    st = prof["studies"]
    if st.empty:
        return []
    human = st[(st["species"].str.lower() == "human") & ~st["is_control"].astype(bool)]
    human = human[human["unit"].fillna("").str.lower().eq("mg/day") & human["dose_num"].notna()]
    return sorted({float(d) for d in human["dose_num"] if float(d) > 0})
