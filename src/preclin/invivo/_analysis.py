"""``analyze_study``: score every readout of a study, unblind, summarise by group."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from preclin.core import DataQualityWarning, InputError, Result, make_provenance, read_table
from preclin.invivo._metadata import Readout, Study, load_study
from preclin.invivo._summary import GroupSummary, calculate_cms_onset, summarize_groups

if TYPE_CHECKING:
    from preclin.stats import ArriveChecklist

__all__ = ["ReadoutResult", "StudyResult", "analyze_study"]

DEFAULT_DV = {
    "fst": ["immobility_s"],
    "cms": ["preference_pct"],
    "lh": ["failures_total", "failures_s1", "itc_total"],
    "epm": ["open_time_pct", "open_entries_pct", "total_entries"],
    "light_dark": ["light_time_pct", "transitions"],
    "open_field": ["distance", "centre_time_pct"],
}


@dataclass(frozen=True, kw_only=True)
class ReadoutResult(Result):
    """One readout of a study: per-animal scores and a summary per variable.

    Attributes
    ----------
    name, kind : str
    scores : DataFrame
        One row per animal (per animal and week for CMS) with the unblinded
        ``group`` and the treatment columns of the study.
    summaries : dict of str → GroupSummary
    extra : dict of str → DataFrame
        Readout-specific tables: CMS ``onset``, ``responders``, ``weekly``;
        LH ``binomial``.
    notes : list of str
        What a reader must know (missing animals or weeks, censored values).
    """

    name: str
    kind: str
    scores: pd.DataFrame
    summaries: dict[str, GroupSummary]
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        frames = [s.to_frame().assign(dv=dv) for dv, s in self.summaries.items()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _title(self) -> str:
        return f"{self.name} ({self.kind})"

    def _summary_lines(self) -> list[str]:
        return [s.method for s in list(self.summaries.values())[:1]] + self.notes


@dataclass(frozen=True, kw_only=True)
class StudyResult(Result):
    """All readouts of a study, with its metadata.

    Attributes
    ----------
    study : Study
    readouts : list of ReadoutResult
    """

    study: Study
    readouts: list[ReadoutResult]

    def to_frame(self) -> pd.DataFrame:
        frames = [r.to_frame().assign(readout=r.name) for r in self.readouts]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def to_dict(self) -> dict[str, Any]:
        from preclin.core import jsonable

        return {
            "study": self.study.model_dump(exclude={"base_dir"}),
            "readouts": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "notes": r.notes,
                    "scores": jsonable(r.scores),
                    "summaries": {
                        dv: {
                            "method": s.method,
                            "control": s.control,
                            "alternative": s.alternative,
                            "describe": jsonable(s.describe),
                            "anova": jsonable(s.anova),
                            "contrasts": jsonable(s.contrasts),
                            "dose_window": None
                            if s.dose_window is None
                            else jsonable(s.dose_window),
                            "med": None if s.med is None else jsonable(s.med),
                        }
                        for dv, s in r.summaries.items()
                    },
                    "extra": {k: jsonable(v) for k, v in r.extra.items()},
                }
                for r in self.readouts
            ],
            "provenance": jsonable(self.provenance),
        }

    def _title(self) -> str:
        return f"Study {self.study.name}: {len(self.readouts)} readout(s)"

    def arrive_checklist(self) -> ArriveChecklist:
        """ARRIVE 2.0 Essential 10 checklist from the study file plus this analysis.

        Returns
        -------
        preclin.stats.ArriveChecklist
            :func:`preclin.stats.arrive_checklist` of
            :meth:`Study.arrive_metadata` completed with what the analysis
            knows: exclusions (3b: animals or sessions without data), the n of
            each group per analysis (3c), each analysis method and the
            software (7a), mean ± SEM per group (10a) and each contrast vs
            control with Hedges' g and its 95 % CI, plus the dose windows (10b).
            Items neither knows (e.g. 4b confounders, 7b assumption checks)
            stay ``missing``.

        Examples
        --------
        >>> from preclin.datasets import example_path
        >>> chk = analyze_study(example_path("fst_study")).arrive_checklist()
        >>> chk.items.set_index("item").loc[["3c", "7a", "10a", "10b"], "status"].tolist()
        ['reported', 'reported', 'reported', 'reported']
        """
        from preclin import __version__
        from preclin.invivo._summary import _window_lines
        from preclin.stats import arrive_checklist

        meta = self.study.arrive_metadata()
        methods, ns, desc, effects, dropped = [], [], [], [], []
        for r in self.readouts:
            dropped.extend(n for n in r.notes if "no data" in n)
            for dv, s in r.summaries.items():
                label = f"{r.name} {dv}"
                methods.append(f"{label}: {s.method}")
                d = s.describe
                groups, n, mean, sem = d[s.group], d["n"].astype(int), d["mean"], d["sem"]
                ns.append(f"{label}: " + ", ".join(f"{g} {k}" for g, k in zip(groups, n)))
                desc.append(
                    f"{label}: "
                    + "; ".join(
                        f"{g} {m:.4g} ± {e:.2g} SEM (n = {k})"
                        for g, m, e, k in zip(groups, mean, sem, n)
                    )
                )
                parts = [
                    f"{row.group} vs {s.control}: diff {row.estimate:.3g}, p = {row.pvalue:.2g}, "
                    f"g = {row.hedges_g:.2g} [{row.g_ci_low:.2g}, {row.g_ci_high:.2g}]"
                    for row in s.contrasts.itertuples()
                ]
                parts += _window_lines(s.dose_window, s.med)
                effects.append(f"{label}: " + "; ".join(parts))
            if "onset" in r.extra and len(r.extra["onset"]):
                methods.append(f"{r.name} onset: {r.extra['onset']['multiplicity'].iloc[0]}")
            methods.extend(f"{r.name}: {n}" for n in r.notes if n.startswith("mixed model"))
        methods.append(f"software: preclin {__version__} (statistics in preclin.stats)")
        meta.update(
            {
                "exclusions": " | ".join(dropped)
                or "none: every animal of the study file has data in every readout",
                "n_per_analysis": " | ".join(ns),
                "statistical_methods": " | ".join(methods),
                "descriptive_statistics": " | ".join(desc),
                "effect_sizes": " | ".join(effects),
            }
        )
        return arrive_checklist({"study": self.study.name, **{k: v for k, v in meta.items() if v}})

    def summary(self, format: str = "text") -> str:
        if format != "text":
            return super().summary(format)
        parts = [self._title()]
        for r in self.readouts:
            for s in r.summaries.values():
                parts.append(s.summary())
            parts.extend(r.notes)
        return "\n\n".join(parts)


def _score(spec: Readout, study: Study, path: Path) -> tuple[pd.DataFrame, list[str]]:
    from preclin import invivo as iv

    opt = dict(spec.options)
    notes: list[str] = []
    if spec.kind == "fst" and spec.format in ("events", "samples", "traces"):
        if spec.format == "traces":
            raw = iv.read_motion_traces(path, fps=opt.get("fps"))
        else:
            raw = read_table(path)
        fn = {
            "events": iv.calculate_fst_from_events,
            "samples": iv.calculate_fst_from_samples,
            "traces": iv.calculate_fst_from_traces,
        }[spec.format]
        scores = fn(raw, **opt)
        n_cens = int(scores["latency_censored"].sum())
        if n_cens:
            notes.append(f"{n_cens} animal(s) never immobile: latency censored at test end")
        return scores, notes
    if spec.kind == "cms":
        raw = read_table(path)
        keys = ("animal", "week", "sucrose", "water", "body_weight", "capacity", "baseline_week")
        kw = {k: opt[k] for k in keys if k in opt}
        scores = iv.calculate_sucrose_preference(raw, **kw)
        for a, w in scores.attrs.get("missing", []):
            notes.append(
                f"animal {a} has no data in week {w:g} (kept: the mixed model and "
                "weekly tests use its other weeks)"
            )
        return scores, notes
    if spec.kind == "lh":
        raw = read_table(path)
        kw = {k: opt[k] for k in ("cutoff_s", "criterion", "criterion_session") if k in opt}
        if "cutoff_s" not in kw:
            raise InputError("an lh readout needs options: {cutoff_s: ...}", file=str(path))
        return iv.calculate_lh_scores(raw, **kw), notes
    if spec.kind in ("epm", "light_dark", "open_field"):
        raw = read_table(path)
        zones = opt.get("zones")
        if isinstance(zones, str):
            import yaml

            zones = yaml.safe_load(study.resolve(zones).read_text(encoding="utf-8"))
        fps = opt.get("fps")
        if fps is None:
            raise InputError(f"a {spec.kind} readout needs options: {{fps: ...}}", file=str(path))
        if spec.kind == "open_field":
            return iv.calculate_open_field(raw, arena=opt["arena"], fps=fps), notes
        fn = iv.calculate_epm if spec.kind == "epm" else iv.calculate_light_dark
        return fn(raw, zones, fps=fps), notes
    return read_table(path), notes  # scores / vogel / table: one row per animal already


def _analyze_readout(spec: Readout, study: Study) -> ReadoutResult:
    path = study.resolve(spec.data)
    scores, notes = _score(spec, study, path)
    animals = study.animal_table()
    if "animal" not in scores.columns:
        raise InputError("no column 'animal'", file=str(path), hint="name the animal column")
    scores = scores.assign(animal=scores["animal"].astype(str))
    unknown = sorted(set(scores["animal"]) - set(animals["animal"]))
    if unknown:
        raise InputError(
            f"animal {unknown[0]!r} is not in the study's animal list",
            file=str(path),
            column="animal",
            hint="add it to the animals table or fix the id",
        )
    absent = sorted(set(animals["animal"]) - set(scores["animal"]))
    if absent:
        notes.append(f"no data for {len(absent)} animal(s): {', '.join(absent)}")
    drop = [c for c in ("group", "compound", "dose", "stressed") if c in scores.columns]
    treat = animals[["animal", "group", "compound", "dose", "unit", "stressed"]]
    merged = scores.drop(columns=drop).merge(treat, on="animal", how="left")
    dvs = spec.dv or DEFAULT_DV.get(spec.kind, [])
    control = spec.options.get("control", study.control)

    def summarize(frame: pd.DataFrame, dv: str) -> GroupSummary:
        return summarize_groups(
            frame,
            dv,
            control=control,
            alternative=spec.alternative_for(dv),
            dose="dose",
            compound="compound",
        )

    summaries: dict[str, GroupSummary] = {}
    extra: dict[str, pd.DataFrame] = {}
    if spec.kind == "cms":
        dv = dvs[0]
        weeks = spec.options.get("treatment_weeks")
        per_week = merged
        stressed = merged[merged["stressed"].fillna(True).astype(bool)]
        onset = calculate_cms_onset(
            stressed, dv=dv, control=control, weeks=weeks,
            alternative=spec.alternative_for(dv) if spec.alternative_for(dv) != "two-sided"
            else "greater",
        )  # fmt: skip
        extra["onset"] = onset
        extra["weekly"] = onset.attrs["weekly"]
        final = float(max(weeks)) if weeks else float(per_week["week"].max())
        cutoff = float(spec.options.get("cutoff", 65.0))
        from preclin.invivo._sucrose import calculate_responders

        resp = calculate_responders(
            merged[["animal", "group", "week", dv]], cutoff=cutoff, dv=dv,
            stress_week=spec.options.get("stress_week"), final_week=final,
        )  # fmt: skip
        extra["responders"] = resp
        mm = _cms_mixed_model(merged, dv, weeks)
        if mm is not None:
            extra["mixed_model_tests"] = mm.tests
            extra["mixed_model_fixed"] = mm.fixed
            notes.append(
                f"mixed model (group × week, random intercept per animal, REML, Satterthwaite "
                f"df; preclin.stats.mixed_model): {mm.n} observations of {mm.n_subjects} "
                "animals; animals with missing weeks are kept"
                + ("" if mm.converged else f"; NOT converged: {mm.message}")
            )
        last = merged[merged["week"] == final]
        summaries[dv] = summarize(last, dv)
        return ReadoutResult(name=spec.label, kind=spec.kind, scores=merged,
                             summaries=summaries, extra=extra, notes=notes)  # fmt: skip
    for dv in dvs:
        if dv not in merged.columns:
            raise InputError(
                f"readout {spec.label!r} has no variable {dv!r}; it has "
                f"{', '.join(c for c in merged.columns if c not in treat.columns)}",
                file=str(path),
                hint="fix `dv` in the study file",
            )
        with warnings.catch_warnings():
            warnings.simplefilter("error", DataQualityWarning)
            try:
                summaries[dv] = summarize(merged, dv)
            except DataQualityWarning as w:
                notes.append(f"{dv}: {w}")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DataQualityWarning)
                    summaries[dv] = summarize(merged, dv)
    if spec.kind == "lh" and spec.options.get("binomial", True):
        from preclin.invivo._lh import fit_lh_binomial

        binom = fit_lh_binomial(merged, control=control)
        extra["binomial"] = binom
        disp = float(binom["dispersion"].iloc[0]) if len(binom) else float("nan")
        if disp > 1.5:
            notes.append(
                f"binomial model: dispersion {disp:.2g} > 1.5 (animals differ more than a "
                "binomial allows); its SEs are too small, rely on the group analysis"
            )
    return ReadoutResult(
        name=spec.label, kind=spec.kind, scores=merged, summaries=summaries, extra=extra,
        notes=notes,
    )  # fmt: skip


def _cms_mixed_model(data: pd.DataFrame, dv: str, weeks: list[float] | None) -> Any:
    """Group × week mixed model over the treatment weeks (None if stats lacks it)."""
    from preclin import stats

    fit = getattr(stats, "mixed_model", None)
    if fit is None:  # pragma: no cover - only while the stats room is being built
        return None
    sub = data if not weeks else data[data["week"].isin(weeks)]
    sub = sub[sub[dv].notna()].copy()
    sub["group"] = sub["group"].astype(str)
    return fit(sub, dv, subject="animal", within="week", between="group")


def analyze_study(study: Study | str | Path) -> StudyResult:
    """Score, unblind and summarise every readout of a study.

    Parameters
    ----------
    study : Study or path
        A :class:`Study` or the path of its YAML file (:func:`load_study`).

    Returns
    -------
    StudyResult
        One :class:`ReadoutResult` per entry of ``tests`` in the study file:
        per-animal scores joined with the unblinded groups, a
        :class:`GroupSummary` per variable (mean ± SEM, ANOVA, Dunnett vs
        control — one-sided only when the study file declares
        ``alternative`` — and Hedges' g), CMS onset / responders, LH binomial
        model; notes on missing animals or weeks. ``provenance`` records the
        SHA-256 of the study file and of every data file.

    Examples
    --------
    >>> from preclin.datasets import example_path
    >>> res = analyze_study(example_path("fst_study"))
    >>> fst = res.readouts[0].summaries["immobility_s"]
    >>> fst.contrasts.loc[fst.contrasts["significant"], "group"].tolist()
    ['basimglurant 1', 'basimglurant 3', 'imipramine 20']
    """
    path = None
    if not isinstance(study, Study):
        path = Path(study)
        study = load_study(path)
    if not study.tests:
        raise InputError("the study lists no readouts under `tests:`", file=str(path))
    readouts = [_analyze_readout(spec, study) for spec in study.tests]
    files = ([path] if path else []) + [study.resolve(t.data) for t in study.tests]
    prov = make_provenance(*[f for f in files if Path(f).exists()],
                           parameters={"study": study.name})  # fmt: skip
    return StudyResult(study=study, readouts=readouts, provenance=prov)
