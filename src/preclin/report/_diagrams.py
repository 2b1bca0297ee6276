"""Guide sections that draw diagrams from data: the signalling pathway of a
target (graph data from :mod:`preclin.receptor`) and the experimental workflow of
a study (its schedule). Figures cite the pathway's references or an analysis
record of the study file; a pathway the receptor room lacks is a marked gap."""

from __future__ import annotations

from typing import Any

from preclin.core.errors import InputError
from preclin.report._sections import Context
from preclin.report._tables import Gap, split_refs

__all__ = ["mechanism_figure", "workflow_figure"]


def mechanism_figure(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin import receptor
    from preclin.report._figures import plot_pathway

    loader = getattr(receptor, "load_pathway", None)
    if loader is None:
        return [
            Gap(
                f"Not available: the signalling diagram for {sec.pathway!r} needs pathway "
                "data from preclin.receptor (load_pathway), which this build does not "
                "provide yet. The diagram is left out rather than drawn by hand."
            )
        ]
    try:
        graph = loader(sec.pathway)
    except InputError as exc:
        raise ctx.spec.error(("sections", index, "pathway"), str(exc)) from None
    refs = list(
        dict.fromkeys(
            r
            for e in getattr(graph, "edges", ())
            for r in split_refs(getattr(e, "ref_id", ""))
            if ctx.registry.knows(r)
        )
    )
    token = ctx.registry.record(
        "preclin.receptor.load_pathway",
        f"pathway {sec.pathway!r} as graph data",
        parameters={"pathway": sec.pathway},
    )
    sources = (token, *ctx.registry.cite(refs))
    cites = ", ".join(f"[{ctx.registry.number(r)}]" for r in refs)
    title = getattr(graph, "title", sec.pathway)
    caption = sec.caption or (
        f"{title}: signalling as graph data from preclin.receptor; arrows activate, bars "
        f"inhibit. Links sourced from {cites}."
        if cites
        else f"{title}."
    )
    return [ctx.add_figure(caption, plot_pathway(graph), sources, natural=True)]


def workflow_figure(ctx: Context, index: int, sec: Any) -> list[Any]:
    from preclin.report._figures import plot_workflow

    if sec.study:
        from preclin.core.provenance import hash_file
        from preclin.invivo import load_study

        path = ctx.spec.resolve(("sections", index, "study"), sec.study)
        study = load_study(path)
        steps = list(study.schedule)
        if not steps:
            raise ctx.spec.error(
                ("sections", index, "study"),
                f"study {study.name} has no schedule",
                hint="add `schedule:` to the study file or to this section",
            )
        token = ctx.registry.record(
            "preclin.invivo.load_study",
            f"schedule of study {study.name}",
            inputs={path.name: hash_file(path)},
        )
        sources: tuple[str, ...] = (token,)
        title = study.title or study.name
    elif sec.schedule:
        refs = []
        for j, s in enumerate(sec.schedule):
            if s.ref and not ctx.registry.knows(s.ref):
                raise ctx.spec.error(
                    ("sections", index, "schedule", j, "ref"), f"unknown reference {s.ref!r}"
                )
            refs += [s.ref] if s.ref else []
        steps = list(sec.schedule)
        sources = ctx.registry.cite(list(dict.fromkeys(refs)))
        title = sec.title or "Workflow"
    else:
        raise ctx.spec.error(("sections", index), "a workflow needs `study:` or `schedule:`")
    return [
        ctx.add_figure(
            sec.caption or f"Experimental workflow: {title}.",
            plot_workflow(steps),
            sources,
            natural=True,
        )
    ]
