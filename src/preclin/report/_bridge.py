"""The guide's ``bridge`` section: :func:`preclin.translate.bridge` side by side
(potency → exposure → occupancy → efficacy → human dose), each number with
its source (a knowledge reference, or the bridge's analysis record for
computed, assumed and given values), the gaps it flagged, and its summary
figure. Nothing is computed here; a missing room or missing data is a gap."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from preclin.core.errors import InputError
from preclin.report._numbers import format_ci, format_sig, is_missing
from preclin.report._tables import Cell, Gap, Paragraphs, TableBlock, split_refs

__all__ = ["build_bridge_blocks"]

_INNER_REFS = re.compile(r"ref:([A-Za-z]*\d+(?:;[A-Za-z]*\d+)*)")
_SECTION_NAMES = {
    "potency": "Potency",
    "pk": "PK",
    "exposure": "Exposure",
    "occupancy": "Occupancy",
    "efficacy": "Efficacy",
    "human": "Human projection",
    "clinical": "Clinical dose",
    "margin": "Margin",
}


def _number(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _value_text(r: dict[str, Any], from_store: bool) -> tuple[str, str]:
    """(value text, unit text); fractions shown as %, store values unpadded."""
    v, lo, hi = _number(r.get("value")), _number(r.get("ci_low")), _number(r.get("ci_high"))
    unit = "" if is_missing(r.get("unit")) else str(r["unit"])
    if v is None:
        return "–", unit
    if unit == "fraction":
        v, lo, hi, unit = 100 * v, *(None if b is None else 100 * b for b in (lo, hi)), "%"
    if from_store:
        return f"{v:.4g}", unit
    if lo is not None and hi is not None:
        return format_ci(v, lo, hi), unit
    return format_sig(v), unit


def _dose_text(r: dict[str, Any]) -> str:
    d = _number(r.get("dose"))
    if d is None:
        return ""
    unit = "" if is_missing(r.get("dose_unit")) else str(r["dose_unit"])
    return f"{d:g} {unit}".strip()


def _source(registry: Any, token: str, text: str) -> tuple[tuple[str, ...], str]:
    """(data-source tokens, shown text) of a bridge ``source`` string."""
    kind, _, rest = text.partition(":")
    rid = token.partition(":")[2]
    found = [r for m in _INNER_REFS.findall(text) for r in split_refs(m)]
    known = [r for r in dict.fromkeys(found) if registry.knows(r)]
    if kind == "ref":
        refs = [r for r in split_refs(rest) if registry.knows(r)]
        if refs:
            return registry.cite(refs), ", ".join(f"[{registry.number(r)}]" for r in refs)
        return (token,), f"{rest} (not in the store; {rid})"
    cites = registry.cite(known)
    refs_text = (" " + ", ".join(f"[{registry.number(r)}]" for r in known)) if known else ""
    if kind == "calc":
        return (token, *cites), f"calc: {rest.split('(')[0].strip()} ({rid}){refs_text}"
    if kind == "assumed":
        return (token, *cites), f"assumed{': ' + rest.strip() if rest.strip() else ''} ({rid})"
    return (token, *cites), f"{kind}: {rest.strip()} ({rid})"


def build_bridge_blocks(ctx: Any, index: int, sec: Any) -> list[Any]:
    """Table, gaps and figure of one compound's bridge (see module docstring)."""
    from preclin import translate

    run = getattr(translate, "bridge", None)
    if run is None:
        return [
            Gap(
                "The translation bridge needs preclin.translate.bridge, which "
                "this build does not provide; no occupancy or human dose is reported."
            )
        ]
    where = ("sections", index)
    ctx.compound_ids((*where, "compound"), [sec.compound])
    inputs: dict[str, str] = {}
    study = None
    if sec.study:
        from preclin.core.provenance import hash_file

        path = ctx.spec.resolve((*where, "study"), sec.study)
        study = ctx.study_result(path, (*where, "study"))
        inputs[path.name] = hash_file(path)
    kwargs = {
        "doses": sec.doses,
        "species": sec.species,
        "repeated": sec.repeated,
        "dv": sec.dv,
        "kd": sec.kd,
        "adverse_dose": sec.adverse_dose,
        "clinical_doses": sec.clinical_doses,
    }
    try:
        b = run(sec.compound, kb=ctx.kb, study=study, **kwargs)
    except InputError as exc:
        if "no data for compound" in str(exc):
            return [Gap(f"No translation bridge for {sec.compound}: {exc}")]
        raise ctx.spec.error(where, str(exc)) from None
    calcs = sorted({str(s) for s in b.table["source"] if not str(s).startswith("ref:")})
    token = ctx.registry.record(
        "preclin.translate.bridge",
        f"{b.compound} ({b.target}): potency, exposure, occupancy, efficacy and human "
        "projection side by side, gaps flagged",
        inputs=inputs,
        parameters={
            "compound": sec.compound,
            **{k: v for k, v in kwargs.items() if v is not None},
            "study": sec.study,
            "assumptions": b.assumptions,
            "computed": calcs,
        },
        seed=None,
    )
    rows = []
    for r in b.table.to_dict("records"):
        src_text = str(r.get("source") or "")
        tokens, shown = _source(ctx.registry, token, src_text)
        value, unit = _value_text(r, src_text.startswith("ref:"))
        note = "" if is_missing(r.get("note")) else str(r["note"])
        rows.append(
            [
                Cell(_SECTION_NAMES.get(str(r["section"]), str(r["section"])), tokens),
                Cell(str(r["quantity"]), tokens),
                Cell("" if is_missing(r.get("species")) else str(r["species"]), tokens),
                Cell(_dose_text(r), tokens, numeric=True),
                Cell(value, tokens, numeric=value != "–"),
                Cell(unit, tokens),
                Cell(shown, tokens),
                Cell(note, tokens),
            ]
        )
    assumed = "; ".join(f"{k} {v}" for k, v in b.assumptions.items() if not isinstance(v, dict))
    table = ctx.add_table(
        TableBlock(
            caption=sec.caption
            or f"The translational bridge of {b.compound} at {b.target}: each value with its "
            "source (references; calc = computed by preclin, see the analysis record).",
            columns=["Step", "Quantity", "Species", "Dose", "Value", "Unit", "Source", "Note"],
            rows=rows,
            notes=[
                "Occupancy = Cu/(Cu + Kd) with Cu = fu·C/M from a 1-compartment oral profile "
                "(preclin.pk); human t½ by allometry when the store has no human PK; "
                "fractions shown as %. Efficacy effect sizes are Hedges' g with 95% CI.",
                f"Stated assumptions: {assumed}." if assumed else "",
            ],
        )
    )
    table.notes = [n for n in table.notes if n]
    blocks: list[Any] = [table]
    if b.gaps:
        items = Markup("").join(Markup("<li data-gap>{}</li>").format(g) for g in b.gaps)
        blocks.append(
            Paragraphs(
                html=Markup(
                    "<p><strong>Gaps in the chain of evidence</strong> (flagged by "
                    'preclin.translate.bridge, {}):</p><ul class="gaps">{}</ul>'
                ).format(escape(token.partition(":")[2]), items),
                box="limitation",
            )
        )
    if sec.figure != "none":
        plot = translate.plot_bridge if sec.figure == "bridge" else translate.plot_occupancy_dose
        try:
            fig = plot(b)
        except ValueError as exc:  # a figure the room cannot draw is a gap, not a crash
            blocks.append(Gap(f"The bridge figure could not be drawn ({exc})."))
        else:
            refs = tuple(t for row in rows for t in row[0].sources if t.startswith("ref:"))
            caption = (
                f"{b.compound}: the bridge on one page — occupancy against dose, effect sizes, "
                "the human projection, key numbers and the gaps (preclin.translate.plot_bridge)."
                if sec.figure == "bridge"
                else f"{b.compound}: occupancy against dose across species with the efficacious "
                "window (preclin.translate.plot_occupancy_dose)."
            )
            blocks.append(
                ctx.add_figure(
                    caption,
                    fig,
                    (token, *dict.fromkeys(refs)),
                )
            )
    return blocks
