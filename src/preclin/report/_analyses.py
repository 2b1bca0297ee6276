"""Guide sections that ask the science rooms for results on raw data
(behavioural studies, curve fits, NCA, PK/occupancy simulations, plates,
the translation bridge); the diagram sections (mechanism, workflow) are in
:mod:`preclin.report._diagrams`. Each result becomes an analysis
record (inputs by SHA-256, versions, seed) that its table cells and figures
cite; a room that is not available yields a marked gap, never a number."""

from __future__ import annotations

from typing import Any

from preclin.core.errors import InputError
from preclin.report._diagrams import mechanism_figure, workflow_figure
from preclin.report._numbers import format_ci, format_mean_sem, format_pvalue, format_sig
from preclin.report._references import hash_parameters
from preclin.report._sections import Context, build_section
from preclin.report._tables import Cell, SectionBlock, TableBlock

__all__ = ["build_analysis_section"]


def _read(ctx: Context, index: int, key: str, name: str) -> Any:
    from preclin.core.io import read_table

    path = ctx.spec.resolve(("sections", index, key), name)
    try:
        return path, read_table(path)
    except InputError as exc:
        raise ctx.spec.error(("sections", index, key), str(exc)) from None


def _need_columns(ctx: Context, index: int, frame: Any, cols: dict[str, str], file: str) -> None:
    for key, col in cols.items():
        if col not in frame.columns:
            raise ctx.spec.error(
                ("sections", index, key),
                f"column {col!r} is not in {file}",
                hint=f"columns are {', '.join(map(str, frame.columns))}",
            )


# -- behavioural study (invivo) ---------------------------------------------------
def _study_analysis(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin.invivo import plot_dose_response, plot_groups, plot_time_course

    path = ctx.spec.resolve(("sections", index, "study"), sec.study)
    result = ctx.study_result(path, ("sections", index, "study"))
    prov = result.provenance
    token = ctx.registry.record(
        "preclin.invivo.analyze_study",
        f"study {result.study.name}: scores, group summaries, Dunnett vs control",
        inputs=prov.inputs if prov else {},
        parameters=prov.parameters if prov else {},
        versions=prov.versions if prov else None,
        seed=prov.seed if prov else None,
    )
    src = (token,)
    doses = {g.name: g for g in result.study.groups}
    blocks: list[Any] = []
    for ro in result.readouts:
        for dv, s in ro.summaries.items():
            if sec.dv and dv not in sec.dv:
                continue
            contrasts = {str(r["group"]): r for r in s.contrasts.to_dict("records")}
            rows = []
            for d in s.describe.to_dict("records"):
                g = str(d[s.group])
                grp = doses.get(g)
                c = contrasts.get(g)
                rows.append(
                    [
                        Cell(g, src),
                        Cell(f"{grp.dose:g} {grp.unit}" if grp else "", src, numeric=True),
                        Cell(str(int(d["n"])), src, numeric=True),
                        Cell(format_mean_sem(d["mean"], d["sem"]), src, numeric=True),
                        Cell(
                            format_ci(c["estimate"], c["ci_low"], c["ci_high"])
                            if c
                            else "control",
                            src,
                            numeric=c is not None,
                        ),
                        Cell(format_pvalue(c["pvalue"]) if c else "–", src, numeric=c is not None),
                        Cell(
                            format_ci(c["hedges_g"], c["g_ci_low"], c["g_ci_high"]) if c else "–",
                            src,
                            numeric=c is not None,
                        ),
                    ]
                )
            eff = s.anova.iloc[0]
            notes = [
                s.method,
                f"One-way ANOVA: F({int(eff['df'])}, {int(s.anova.iloc[1]['df'])}) = "
                f"{format_sig(eff['statistic'])}, p {_p_text(eff['pvalue'])}.",
                *ro.notes,
            ]
            table = TableBlock(
                caption=f"{result.study.title or result.study.name}: {dv} by group "
                f"(mean ± SEM; difference vs {s.control} with simultaneous 95% CI; "
                "analysed from raw data).",
                columns=[
                    "Group",
                    "Dose",
                    "n",
                    "Mean ± SEM",
                    "Δ vs control [95% CI]",
                    "p (Dunnett)",
                    "Hedges' g [95% CI]",
                ],
                rows=rows,
                notes=notes,
            )
            blocks.append(ctx.add_table(table))
            scores = ro.scores
            if ro.kind == "cms" and "week" in scores.columns:
                scores = scores[scores["week"] == scores["week"].max()]
            if "groups" in sec.figures:
                blocks.append(
                    ctx.add_figure(
                        f"{dv} by group: mean ± SEM with individual animals "
                        f"({result.study.name}).",
                        plot_groups(s, scores),
                        src,
                    )
                )
            if "dose" in sec.figures:
                by_compound: dict[str, list[str]] = {}
                for g in result.study.groups:
                    if g.dose > 0:
                        by_compound.setdefault(g.compound, []).append(g.name)
                for compound, names in by_compound.items():
                    if len(names) >= 2:
                        blocks.append(
                            ctx.add_figure(
                                f"{compound}: {dv} against dose (mean ± SEM; control band).",
                                plot_dose_response(s, compound=compound, groups=names),
                                src,
                            )
                        )
            if "time_course" in sec.figures and ro.kind == "cms":
                blocks.append(
                    ctx.add_figure(
                        f"{dv} by week (mean ± SEM per group): the CMS time course.",
                        plot_time_course(ro.scores, dv),
                        src,
                    )
                )
    if not blocks:
        raise ctx.spec.error(("sections", index, "dv"), f"no readout variable among {sec.dv}")
    return blocks


def _p_text(p: float) -> str:
    t = format_pvalue(p)
    return t if t.startswith("<") else f"= {t}"


# -- concentration–response fits (curves) -------------------------------------------
def _curve_fit(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin.curves import fit_global
    from preclin.report._figures import plot_curve_fits

    path, data = _read(ctx, index, "data", sec.data)
    _need_columns(ctx, index, data, {"x": sec.x, "y": sec.y, "curve": sec.curve}, path.name)
    names = [str(c) for c in data[sec.curve].drop_duplicates()]
    wanted = sec.curves or names
    for j, c in enumerate(wanted):
        if c not in names:
            raise ctx.spec.error(
                ("sections", index, "curves", j),
                f"curve {c!r} is not in column {sec.curve!r} of {path.name}",
                hint=f"curves are {', '.join(names[:12])}",
            )
    from preclin.core.provenance import hash_file

    token = ctx.registry.record(
        "preclin.curves.fit_global",
        f"{sec.model} fits, one per curve, of {sec.y} against {sec.x}",
        inputs={path.name: hash_file(path)},
        parameters={
            "model": sec.model,
            "x": sec.x,
            "y": sec.y,
            "curve": sec.curve,
            "curves": wanted,
            "share": [],
            "x_unit": sec.x_unit,
        },
    )
    src = (token,)
    fits, frames, rows = [], [], []
    for c in wanted:
        sub = data[data[sec.curve].astype(str) == c]
        fit = fit_global(
            sub, x=sec.x, y=sec.y, curve=sec.curve, model=sec.model, share=[], x_unit=sec.x_unit
        )
        fits.append(fit)
        frames.append(sub)
        par = {r["term"]: r for r in fit.params.to_dict("records")}
        e = fit.ec50.iloc[0]

        def pm(term: str, par: dict = par) -> str:
            r = par.get(term)
            return format_mean_sem(r["estimate"], r["stderr"]) if r else "fixed"

        rows.append(
            [
                Cell(c, src),
                Cell(str(len(sub)), src, numeric=True),
                Cell(format_ci(e["estimate"], e["ci_low"], e["ci_high"]), src, numeric=True),
                Cell(pm("hill"), src, numeric=True),
                Cell(pm("bottom"), src, numeric=True),
                Cell(pm("top"), src, numeric=True),
                Cell("yes" if fit.converged else f"no: {fit.message}", src),
            ]
        )
    unit = f" ({sec.x_unit})" if sec.x_unit else ""
    table = TableBlock(
        caption=sec.caption
        or f"Concentration–response fits ({sec.model}): EC50/IC50 with 95% CI, parameters ± SE.",
        columns=[
            "Curve",
            "n",
            f"EC50 / IC50{unit} [95% CI]",
            "Hill ± SE",
            "Bottom ± SE",
            "Top ± SE",
            "Converged",
        ],
        rows=rows,
        notes=[
            "EC50/IC50 CI: delta method on log EC50, back-transformed (drc-style); the "
            "shaded bands in the figure are 95% pointwise confidence bands of the curve."
        ],
    )
    fig = plot_curve_fits(fits, frames, x=sec.x, y=sec.y, x_unit=sec.x_unit, y_label=sec.y_label)
    return [
        ctx.add_table(table),
        ctx.add_figure(
            f"Concentration–response data ({path.name}), {sec.model} fits and 95% confidence "
            "bands.",
            fig,
            src,
        ),
    ]


# -- non-compartmental analysis (pk) -----------------------------------------------
_NCA_COLUMNS = (
    ("cmax", "Cmax ({c})"),
    ("tmax", "tmax ({t})"),
    ("auclast", "AUClast ({c}·{t})"),
    ("aucinf_obs", "AUCinf ({c}·{t})"),
    ("half_life", "t½ ({t})"),
    ("cl_obs", "CL/F"),
    ("vz_obs", "Vz/F"),
)


def _nca(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin.core.provenance import hash_file
    from preclin.pk import calculate_nca
    from preclin.report._figures import plot_concentration_time

    path, data = _read(ctx, index, "data", sec.data)
    cols = {"subject": sec.subject, "time": sec.time, "conc": sec.conc}
    if isinstance(sec.dose, str):
        cols["dose"] = sec.dose
    _need_columns(ctx, index, data, cols, path.name)
    params = {
        "subject": sec.subject,
        "time": sec.time,
        "conc": sec.conc,
        "dose": sec.dose,
        "route": sec.route,
        "time_unit": sec.time_unit,
        "conc_unit": sec.conc_unit,
        "dose_unit": sec.dose_unit,
    }
    extra = {"lloq": sec.lloq} if sec.lloq is not None else {}
    try:
        res = calculate_nca(data, **params, **extra)
    except InputError as exc:
        raise ctx.spec.error(("sections", index, "data"), str(exc)) from None
    token = ctx.registry.record(
        "preclin.pk.calculate_nca",
        "non-compartmental analysis per subject",
        inputs={path.name: hash_file(path)},
        parameters={**params, **extra},
    )
    src = (token,)
    shown = [(k, lab.format(c=sec.conc_unit, t=sec.time_unit)) for k, lab in _NCA_COLUMNS]
    rows = []
    for r in res.to_dict("records"):
        row = [Cell(str(r[sec.subject]), src)]
        row += [Cell(format_sig(r.get(k)), src, numeric=True) for k, _ in shown]
        row.append(Cell(str(r.get("message") or ""), src))
        rows.append(row)
    table = TableBlock(
        caption=sec.caption or f"Non-compartmental analysis of {path.name}, per subject.",
        columns=["Subject", *[lab for _, lab in shown], "Message"],
        rows=rows,
        notes=[
            "Linear-up / log-down trapezoids; λz from the best-fit terminal log-linear "
            "regression (PKNCA rules)."
        ],
    )
    fig = plot_concentration_time(
        data[data[sec.conc].map(_is_number)].astype({sec.conc: float}),
        subject=sec.subject,
        time=sec.time,
        conc=sec.conc,
        time_unit=sec.time_unit,
        conc_unit=sec.conc_unit,
    )
    return [
        ctx.add_table(table),
        ctx.add_figure(f"Observed concentration–time profiles ({path.name}).", fig, src),
    ]


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


# -- PK / occupancy simulation (pk) --------------------------------------------------
def _pk_simulation(ctx: Context, index: int, sec: Any) -> list[Any]:
    import numpy as np

    from preclin.pk import Regimen, calculate_steady_state, simulate_pk
    from preclin.report._figures import plot_pk_occupancy

    reg = ctx.registry
    inputs: list[tuple[str, Any, str]] = [(k, v.value, v.ref) for k, v in sec.params.items()]
    for name in ("molar_mass", "fu", "kd", "kpuu"):
        v = getattr(sec, name)
        if v is not None:
            inputs.append((name, v.value, v.ref))
    files: dict[str, str] = {}
    for name, _value, ref in inputs:
        if reg.knows(ref):
            continue
        key = ("params", name) if name in sec.params else (name,)
        if ref.startswith("example:") or "/" in ref or "." in ref:
            from preclin.core.provenance import hash_file

            path = ctx.spec.resolve(("sections", index, *key, "ref"), ref)
            files[ref] = hash_file(path)
            continue
        raise ctx.spec.error(
            ("sections", index, *key, "ref"),
            f"unknown reference {ref!r}",
            hint="use a reference id of the knowledge store, example:<name> or a data file",
        )
    kwargs: dict[str, Any] = {"conc_unit": sec.conc_unit}
    for name in ("molar_mass", "fu", "kd", "kpuu"):
        v = getattr(sec, name)
        if v is not None:
            kwargs[name] = float(v.value) if name != "kd" else v.value
    params = {k: v.value for k, v in sec.params.items()}
    try:
        regimen = Regimen(**{k: v for k, v in sec.regimen.model_dump().items() if v is not None})
        times = np.linspace(0.0, sec.hours, 241)
        profile = simulate_pk(sec.model, params, regimen, times, **kwargs)
        steady = (
            calculate_steady_state(sec.model, params, regimen, **kwargs)
            if sec.steady_state and np.isfinite(regimen.tau)
            else None
        )
    except InputError as exc:
        raise ctx.spec.error(("sections", index), str(exc)) from None
    if sec.steady_state and steady is None:
        raise ctx.spec.error(
            ("sections", index, "steady_state"), "a steady state needs a finite regimen `tau`"
        )
    every = {
        "model": sec.model,
        "params": params,
        "regimen": sec.regimen.model_dump(),
        **dict(kwargs.items()),
    }
    token = reg.record(
        "preclin.pk.simulate_pk" + (" + calculate_steady_state" if steady is not None else ""),
        f"{sec.compound}: {sec.model} profile and receptor occupancy from sourced parameters",
        inputs={"parameters (JSON)": hash_parameters(every), **files},
        parameters=every,
        refs=sorted({ref for _, _, ref in inputs if reg.knows(ref)}),
    )

    def source(ref: str) -> tuple[str, ...]:
        return reg.cite([ref]) if reg.knows(ref) else (token,)

    def label(ref: str) -> str:
        return f"[{reg.number(ref)}]" if reg.knows(ref) else f"{ref} (input of {token[9:]})"

    rows = [
        [
            Cell(name, source(ref)),
            Cell(str(value), source(ref), numeric=True),
            Cell(label(ref), source(ref)),
        ]
        for name, value, ref in inputs
    ]
    blocks: list[Any] = [
        ctx.add_table(
            TableBlock(
                caption=f"{sec.compound}: simulation inputs ({sec.model}; dose "
                f"{sec.regimen.dose} {sec.regimen.route}"
                + (
                    f" every {sec.regimen.tau} h × {sec.regimen.n_doses}"
                    if sec.regimen.tau
                    else ""
                )
                + "), each with its source.",
                columns=["Parameter", "Value", "Ref."],
                rows=rows,
            )
        )
    ]
    if steady is not None:
        src = (token,)
        d = steady.to_dict() if hasattr(steady, "to_dict") else {}
        keep = [
            (k, v)
            for k, v in d.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and k not in ("seed",)
        ]
        blocks.append(
            ctx.add_table(
                TableBlock(
                    caption=f"{sec.compound}: steady state of the regimen (simulated).",
                    columns=["Quantity", "Value"],
                    rows=[[Cell(k, src), Cell(format_sig(v), src, numeric=True)] for k, v in keep],
                )
            )
        )
    blocks.append(
        ctx.add_figure(
            f"{sec.compound}: simulated plasma concentration"
            + (" and receptor occupancy" if "occupancy" in profile.columns else "")
            + " over time.",
            plot_pk_occupancy(profile, conc_unit=sec.conc_unit, label=sec.compound),
            (token,),
        )
    )
    return blocks


def _plate(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin.assays import fit_plates, read_endpoint, read_layout, read_traces
    from preclin.core.io import read_table
    from preclin.core.provenance import hash_file
    from preclin.report._plate import plate_blocks, plate_record

    where = ("sections", index)
    traces_path = ctx.spec.resolve((*where, "traces"), sec.traces)
    layout_path = ctx.spec.resolve((*where, "layout"), sec.layout)
    try:
        layout = read_layout(layout_path)
    except InputError as exc:
        raise ctx.spec.error((*where, "layout"), str(exc)) from None
    try:
        reader = read_endpoint if sec.endpoint else read_traces
        data = reader(traces_path, plate_format=layout.attrs.get("plate_format"))
    except InputError as exc:
        raise ctx.spec.error((*where, "traces"), str(exc)) from None
    try:
        analysis = fit_plates(
            data,
            layout,
            mode=sec.mode,
            agonist_conc=sec.agonist_conc,
            agonist_ec50=sec.agonist_ec50,
            agonist_hill=sec.agonist_hill,
            kb_method=sec.kb_method,
        )
    except InputError as exc:
        raise ctx.spec.error(where, str(exc)) from None
    extra, truth = {}, None
    if sec.truth:
        truth_path = ctx.spec.resolve((*where, "truth"), sec.truth)
        truth = read_table(truth_path)
        extra[truth_path.name] = hash_file(truth_path)
    names = set(analysis.curves["compound"].astype(str))
    for key in ("compounds", "figure_compounds"):
        for j, c in enumerate(getattr(sec, key) or []):
            if c not in names:
                raise ctx.spec.error(
                    (*where, key, j),
                    f"compound {c!r} is not on the plate ({layout_path.name})",
                    hint=f"compounds are {', '.join(sorted(names)[:12])}",
                )
    token = plate_record(ctx.registry, analysis, inputs=extra)
    return plate_blocks(
        ctx,
        analysis,
        token,
        compounds=sec.compounds,
        figure_compounds=sec.figure_compounds,
        truth=truth,
        simulated=sec.simulated,
        caption=sec.caption,
        label=f"{traces_path.name}, {layout_path.name}",
    )


def _bridge(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin.report._bridge import build_bridge_blocks

    return build_bridge_blocks(ctx, index, sec)


_BUILDERS = {
    "study_analysis": ("Behavioural study", _study_analysis),
    "curve_fit": ("Concentration–response", _curve_fit),
    "nca": ("Non-compartmental analysis", _nca),
    "pk_simulation": ("Exposure and occupancy", _pk_simulation),
    "mechanism": ("Mechanism", mechanism_figure),
    "workflow": ("Experimental workflow", workflow_figure),
    "plate": ("Assay plate", _plate),
    "bridge": ("Translation bridge", _bridge),
}


def build_analysis_section(ctx: Context, index: int, sec: Any) -> SectionBlock:
    return build_section(ctx, index, sec, _BUILDERS)
