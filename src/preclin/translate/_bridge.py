"""The compound bridge: potency → exposure → occupancy → efficacy → human dose."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, Result, check_scalar
from preclin.translate._evidence import (
    BODY_WEIGHTS,
    DoseEffect,
    SpeciesPK,
    Value,
    doses_from_store,
    doses_from_summary,
    in_window,
    normalise_species,
    read_pk,
    ref_source,
)

COLUMNS = [
    "section",
    "quantity",
    "species",
    "dose",
    "dose_unit",
    "value",
    "unit",
    "ci_low",
    "ci_high",
    "source",
    "note",
]
_AFFINITY_ORDER = {"kd": 0, "ki": 1, "pkd": 2, "pki": 3, "kb": 4, "ic50": 5, "pic50": 6}


@dataclasses.dataclass(frozen=True, kw_only=True)
class BridgeResult(Result):
    """A compound's evidence side by side, every number with its source.

    Attributes
    ----------
    compound, target : str
    kd_nM : float
        Affinity used for occupancy (nM; NaN if none).
    molar_mass : float
    table : DataFrame
        Columns ``section`` (potency, pk, exposure, occupancy, efficacy, human,
        clinical, margin), ``quantity``, ``species``, ``dose``, ``dose_unit``,
        ``value``, ``unit``, ``ci_low``, ``ci_high``, ``source`` (``ref:R03`` from
        the store, ``calc:<function>(inputs)`` computed, ``assumed:`` stated
        default, ``user:`` given), ``note``.
    doses : DataFrame
        One row per animal dose: ``species``, ``dose``, ``efficacious``,
        ``occupancy_min``, ``occupancy_mean``, ``occupancy_max``, ``g``,
        ``g_ci_low``, ``g_ci_high``, ``study``.
    human : DataFrame
        Predicted human occupancy against daily dose (mg/day): ``dose_mg``,
        ``occupancy_min``, ``occupancy_mean``, ``occupancy_max``, ``clinical``.
    gaps : tuple of str
        What is missing or weak (rendered, never an exception).
    assumptions : dict
        Every assumed value (ka, V, body weights, ...) and the model used.
    """

    compound: str
    target: str
    kd_nM: float
    molar_mass: float
    table: pd.DataFrame = dataclasses.field(repr=False)
    doses: pd.DataFrame = dataclasses.field(repr=False)
    human: pd.DataFrame = dataclasses.field(repr=False)
    gaps: tuple[str, ...] = ()
    assumptions: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _title(self) -> str:
        return f"Bridge for {self.compound} ({self.target})"

    def _summary_lines(self) -> list[str]:
        lines = [f"gap: {g}" for g in self.gaps]
        lines += [f"assumed: {k} = {v}" for k, v in self.assumptions.items()]
        return lines

    def summary(self, format: str = "text") -> str:
        if format != "text":
            return super().summary(format)
        cols = ["section", "quantity", "species", "dose", "value", "unit", "source"]
        with pd.option_context("display.width", 200, "display.max_colwidth", 70):
            body = self.table[cols].to_string(
                index=False, float_format=lambda v: f"{v:.4g}", na_rep=""
            )
        return "\n".join([self._title(), body, *self._summary_lines()])


def _row(section: str, quantity: str, value: float, unit: str, source: str, **kw: Any) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(section=section, quantity=quantity, value=value, unit=unit, source=source)
    row.update(kw)
    return row


def _pick_affinity(aff: pd.DataFrame, target: str) -> tuple[float, str, str] | None:
    """(Kd in nM, source, species) by preference Kd > Ki > pKd > pKi > IC50."""
    rows = aff[(aff["target_id"] == target) & (aff["relation"].fillna("=") == "=")]
    rows = rows[rows["value_molar"].notna() & (rows["value_molar"] > 0)]
    if rows.empty:
        return None
    order = rows["parameter"].str.lower().map(_AFFINITY_ORDER).fillna(9)
    best = rows.loc[order.sort_values(kind="stable").index[0]]
    return float(best["value_molar"]) * 1e9, ref_source(best["ref_id"]), str(best["species"])


def _params(pk: SpeciesPK, assume: dict[str, float]) -> tuple[dict[str, float], list[str]]:
    """1-cpt oral parameters (ke, V, ka, F) and a text per parameter (source or assumed)."""
    notes = []
    params: dict[str, float] = {}
    if pk.CL is not None and pk.V is not None:
        params["CL"] = pk.CL.value
        notes.append(f"CL {pk.CL.text()}")
    else:
        params["ke"] = math.log(2) / pk.t_half.value  # type: ignore[union-attr]
        notes.append(f"ke = ln2/t1/2, t1/2 {pk.t_half.text()}")  # type: ignore[union-attr]
    for name, val, default, unit in (
        ("V", pk.V, assume["V"], "L/kg"),
        ("F", pk.F, assume["F"], ""),
    ):
        if val is None:
            params[name] = default
            notes.append(f"{name} {default:g} {unit} [assumed]".replace("  ", " "))
        else:
            params[name] = val.value
            notes.append(f"{name} {val.text()}")
    params["ka"] = assume["ka"]
    notes.append(f"ka {assume['ka']:g} /h [assumed]")
    return params, notes


class Exposure:
    """Concentration profile per 1 mg/kg of a 1-cpt oral model (linear PK scales with dose).

    ``repeated``: the steady-state interval (a regimen long enough that
    ``e^{−λz n τ} < 1e−17``); else the first ``tau`` hours after one dose.
    Profiles come from :func:`preclin.pk.simulate_pk` on a 961-point grid
    (quadratic spacing, dense after the dose); peaks and troughs from
    :func:`preclin.pk.calculate_steady_state` (closed form).
    """

    def __init__(self, params: dict[str, float], repeated: bool, tau: float) -> None:
        from preclin.pk import Regimen, calculate_steady_state, simulate_pk

        self.repeated, self.tau = repeated, tau
        self.ss = calculate_steady_state(
            "1cpt-oral", params, Regimen(dose=1.0, route="oral", tau=tau, n_doses=2)
        )
        self.u = tau * np.linspace(0.0, 1.0, 961) ** 2  # dense early: absorption phase
        if repeated:
            n = math.ceil(40.0 / (self.ss.lambda_z * tau)) + 1
            reg = Regimen(dose=1.0, route="oral", tau=tau, n_doses=n)
            times = (n - 1) * tau + self.u
        else:
            reg, times = Regimen(dose=1.0, route="oral"), self.u
        self.c1 = simulate_pk("1cpt-oral", params, reg, times)["conc"].to_numpy()

    def at(self, dose: Any, kd: float, fu: float, mw: float) -> dict[str, np.ndarray]:
        """Cmax, Cavg (mg/L) and trough / time-averaged / peak occupancy for dose(s) in mg/kg."""
        from scipy.integrate import simpson

        from preclin.pk import calculate_occupancy

        d = np.atleast_1d(np.asarray(dose, dtype=float))
        kw = {"conc_unit": "mg/L", "kd": kd, "fu": fu, "molar_mass": mw}
        if self.repeated:
            cmax, cmin, cavg = self.ss.cmax_ss, self.ss.cmin_ss, self.ss.cavg_ss
        else:
            cmax, cmin = self.ss.cmax_1, float(self.c1[-1])
            cavg = self.ss.auc_tau_1 / self.tau
        occ = calculate_occupancy((d[:, None] * self.c1[None, :]).ravel(), **kw)
        occ = occ.reshape(len(d), -1)
        return {
            "cmax": d * cmax,
            "cavg": d * cavg,
            "occupancy_min": calculate_occupancy(d * cmin, **kw),
            "occupancy_mean": simpson(occ, x=self.u, axis=1) / self.tau,
            "occupancy_max": calculate_occupancy(d * cmax, **kw),
        }


def _occupancy(
    params: dict, dose: float, repeated: bool, tau: float, kd: float, fu: float, mw: float
) -> dict[str, float]:
    """Trough / mean / peak occupancy: steady state (repeated) or 0–``tau`` h after one dose."""
    out = Exposure(params, repeated, tau).at(dose, kd, fu, mw)
    return {k: float(v[0]) for k, v in out.items()}


def _human_pk(
    per_species: dict[str, SpeciesPK], shared: SpeciesPK, weights: dict[str, float]
) -> tuple[SpeciesPK | None, str]:
    """Human PK from the store, else t½ scaled by allometry (b = 0.25) from animals."""
    from preclin.pk import fit_allometry

    if "human" in per_species and per_species["human"].t_half is not None:
        return per_species["human"], "store"
    animals = [s for s, p in per_species.items() if s != "human" and p.t_half is not None]
    animals = [s for s in animals if s in weights]
    if len(animals) < 2:
        return None, "fewer than 2 species with a half-life: no allometric scaling"
    data = pd.DataFrame(
        {
            "weight_kg": [weights[s] for s in animals],
            "value": [per_species[s].t_half.value for s in animals],  # type: ignore[union-attr]
        }
    )
    fit = fit_allometry(data, parameter="t_half", target_weight=weights["human"])
    inputs = ", ".join(
        f"{s} {per_species[s].t_half.value:g} h at {weights[s]:g} kg"  # type: ignore[union-attr]
        for s in animals
    )
    src = f"calc:fit_allometry(t_half; {inputs}; b={fit.exponent:g})"
    first = per_species[animals[0]]
    human = SpeciesPK(
        "human",
        t_half=Value(fit.predicted, "h", src),
        F=first.F if first.F is None else Value(first.F.value, "", "assumed: as " + animals[0]),
        fu=shared.fu,
        V=first.V,
    )
    return human, src


def bridge(
    compound: str,
    *,
    kb: Any,
    doses: Sequence[float] | None = None,
    species: str | None = None,
    repeated: bool = False,
    study: Any = None,
    dv: str | None = None,
    kd: float | None = None,
    adverse_dose: float | None = None,
    ka: float = 1.0,
    volume: float = 1.0,
    bioavailability: float = 1.0,
    body_weights: dict[str, float] | None = None,
    clinical_doses: Sequence[float] | None = None,
) -> BridgeResult:
    """The translational bridge of one compound, gaps flagged rather than failing.

    Parameters
    ----------
    compound : str
        Name, id or synonym in the knowledge store.
    kb : KnowledgeBase
        An open :class:`preclin.knowledge.KnowledgeBase` (anything with its
        ``profile(compound)``). Passed in, not opened here: ``translate`` sits
        above ``knowledge`` in the room order and does not import it.
    doses : sequence of float, optional
        Efficacious animal doses (mg/kg, oral) to bridge, in ``species``.
    species : str, optional
        Species of ``doses`` / ``study`` (default: the study's, else the first
        species with PK in the store).
    repeated : bool
        ``doses`` given once daily to steady state (else one dose, 0–24 h).
    study : StudyResult or GroupSummary, optional
        An analysed behavioural study (``preclin.invivo``): its dose groups of
        the compound give the efficacious doses and Hedges' g with CIs.
    dv : str, optional
        Readout of ``study`` (default: the first).
    kd : float, optional
        Affinity in nM (overrides the store).
    adverse_dose : float, optional
        Lowest animal dose (mg/kg) with an adverse effect, for the margin.
    ka, volume, bioavailability : float
        Stated defaults for what the store lacks: absorption rate (1/h),
        volume (L/kg) and oral F.
    body_weights : dict, optional
        kg per species for allometry (default rat 0.25, monkey 5, human 70, ...).
    clinical_doses : sequence of float, optional
        Daily human doses (mg) to predict occupancy for (default: those of the
        compound's human studies in the store).

    Returns
    -------
    BridgeResult

    Raises
    ------
    InputError
        Unknown compound, or a compound with no affinity, PK or study data.

    Notes
    -----
    Exposure: 1-compartment oral model ``C(t) = F D ka / (V (ka − ke))
    (e^{−ke t} − e^{−ka t})`` with ``ke = ln 2 / t½`` (:func:`preclin.pk.simulate_pk`,
    :func:`preclin.pk.calculate_steady_state`); occupancy ``Cu / (Cu + Kd)``
    with ``Cu = fu C / M`` (:func:`preclin.pk.calculate_occupancy`). Human t½
    by simple allometry with b = 0.25 (:func:`preclin.pk.fit_allometry`) when
    the store has no human PK; the human dose for the animal's time-averaged
    occupancy by :func:`preclin.pk.calculate_dose_for_occupancy`
    (``metric="mean"``, once daily). HED by body surface area
    (:func:`preclin.pk.calculate_hed`) is shown beside it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from preclin.knowledge import KnowledgeBase
    >>> with KnowledgeBase(pathlib.Path(tempfile.mkdtemp()) / "kb.duckdb") as kb:
    ...     b = bridge("basimglurant", kb=kb, doses=[1.0], species="rat")
    >>> round(float(b.doses["occupancy_max"].iloc[0]), 3)
    0.942
    >>> "no human PK in the store" in " ".join(b.gaps)
    True
    """
    if not hasattr(kb, "profile"):
        raise InputError(
            f"Invalid `kb`: got {type(kb).__name__}, must be an open preclin KnowledgeBase."
        )
    from preclin.translate._bridge_parts import assemble

    check_scalar("ka", ka, low=0, closed="neither")
    check_scalar("volume", volume, low=0, closed="neither")
    check_scalar("bioavailability", bioavailability, low=0, high=1, closed="right")
    if kd is not None:
        check_scalar("kd", kd, low=0, closed="neither")
    if adverse_dose is not None:
        check_scalar("adverse_dose", adverse_dose, low=0, closed="neither")
    prof = kb.profile(compound)  # InputError for an unknown compound
    comp = prof["compound"]
    cid = str(comp["compound_id"].iloc[0]) if len(comp) else compound
    ids = {cid} | set(prof["affinities"].get("compound_id", pd.Series()).dropna())
    own = prof["studies"][prof["studies"]["compound_id"].isin(ids)]
    if (
        not len(prof["affinities"])
        and not len(prof["pk"])
        and not len(own)
        and doses is None
        and study is None
    ):
        raise InputError(
            f"no data for compound {compound!r}: no affinity, PK or study rows in the store",
            hint="import some (preclin kb import) or pass doses=/study=",
        )
    weights = {**BODY_WEIGHTS, **(body_weights or {})}
    assume = {"ka": float(ka), "V": float(volume), "F": float(bioavailability)}
    per_species, shared = read_pk(prof["pk"])
    evidence = doses_from_store(prof["studies"], ids)
    if study is not None:
        summary, study_species, study_name, regimen = _summary_of(study, dv)
        sp = species or study_species or "rat"
        evidence = doses_from_summary(
            summary, species=sp, study=study_name, compound_ids=ids, regimen=regimen
        ) + [e for e in evidence if e.study != study_name]
    if doses is not None:
        sp = normalise_species(species) if species else next(iter(per_species), "rat")
        for d in doses:
            check_scalar("doses", d, low=0, closed="neither")
        evidence = [
            DoseEffect(
                sp,
                float(d),
                "mg/kg",
                repeated,
                24.0,
                True,
                "user",
                "given as efficacious",
                source="user:doses",
            )
            for d in doses
        ] + evidence
    human, human_src = _human_pk(per_species, shared, weights)
    return assemble(
        compound=cid,
        comp=comp,
        prof=prof,
        kd=kd,
        per_species=per_species,
        shared=shared,
        evidence=evidence,
        window=in_window(evidence),
        human=human,
        human_src=human_src,
        assume=assume,
        weights=weights,
        adverse_dose=adverse_dose,
        clinical_doses=clinical_doses,
    )


def _summary_of(study: Any, dv: str | None) -> tuple[Any, str | None, str, str]:
    """(GroupSummary, species, study name, regimen text) from a StudyResult or GroupSummary."""
    if hasattr(study, "readouts"):
        for r in study.readouts:
            if r.summaries:
                key = dv if dv is not None else next(iter(r.summaries))
                if key in r.summaries:
                    regimen = " ".join(str(g.regimen or "") for g in study.study.groups)
                    return r.summaries[key], study.study.species, study.study.name, regimen
        raise InputError(f"Invalid `dv`: got {dv!r}, not a readout of the study.")
    if hasattr(study, "contrasts"):
        return study, None, f"study ({study.dv})", ""
    raise InputError(
        f"Invalid `study`: got {type(study).__name__}, must be an invivo StudyResult or "
        "GroupSummary."
    )
