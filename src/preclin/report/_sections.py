"""Guide sections built from the knowledge store (profile, affinities, PK,
study tables) and from the spec's own text. Values from the store are shown
as written in the source; each cell carries its reference."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from preclin.report._numbers import format_sig, is_missing
from preclin.report._references import Registry, text_to_html
from preclin.report._tables import (
    Cell,
    FigureBlock,
    Gap,
    Paragraphs,
    SectionBlock,
    TableBlock,
    split_refs,
)

if TYPE_CHECKING:
    import pandas as pd

    from preclin.report._spec import GuideSpec

__all__ = ["Context", "build_section", "build_store_section", "build_text_section"]


@dataclass
class Context:
    """Everything one guide build shares: the spec, the store, the registry."""

    spec: GuideSpec
    kb: Any
    registry: Registry
    sections: list[SectionBlock] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    n_tables: int = 0
    n_figures: int = 0
    cache: dict[Any, Any] = field(default_factory=dict)

    def compound(self, name: str) -> Any:
        """The store's rows for a compound name, synonym or id (queried once per build)."""
        key = ("compound", name)
        if key not in self.cache:
            self.cache[key] = self.kb.compounds(compound=name)
        return self.cache[key]

    def study_result(self, path: Any, where: tuple[str | int, ...]) -> Any:
        """:func:`preclin.invivo.analyze_study` of ``path``, once per guide build."""
        from preclin.core.errors import InputError

        key = ("study", str(path))
        if key not in self.cache:
            from preclin.invivo import analyze_study

            try:
                self.cache[key] = analyze_study(path)
            except InputError as exc:
                raise self.spec.error(where, str(exc)) from None
        return self.cache[key]

    def add_table(self, table: TableBlock) -> TableBlock:
        self.n_tables += 1
        table.number = self.n_tables
        for f in table.findings:
            self.findings.append({**f, "anchor": table.anchor, "where": f"Table {table.number}"})
        return table

    def add_figure(
        self, caption: str, fig: Any, sources: tuple[str, ...], *, natural: bool = False
    ) -> FigureBlock:
        """A numbered inline-SVG figure; ``natural``: never shown wider than its own size
        (diagrams, whose text should stay the size of the page's text)."""
        from preclin.report._figures import figure_to_svg

        self.n_figures += 1
        svg = figure_to_svg(fig, salt=f"fig{self.n_figures}")
        if natural:
            px = round(96 * float(fig.get_size_inches()[0]))
            svg = svg.replace("<svg", f'<svg style="max-width: {min(px, 680)}px"', 1)
        return FigureBlock(caption=caption, svg=svg, sources=sources, number=self.n_figures)

    def compound_ids(self, path: tuple[str | int, ...], names: list[str]) -> list[str]:
        """Store ids of ``names`` (names, synonyms or ids); unknown → InputError at the line."""
        ids = []
        from preclin.core.errors import InputError

        for i, name in enumerate(names):
            try:
                found = self.compound(name)
            except InputError:
                found = []
            if not len(found):
                raise self.spec.error(
                    (*path, i) if path and path[-1] == "compounds" else path,
                    f"compound {name!r} is not in the knowledge store",
                    hint="check the spelling, or import it with `preclin kb import --kind "
                    "compounds`",
                )
            ids.append(str(found["compound_id"].iloc[0]))
        return ids


def _text(v: Any) -> str:
    return "" if is_missing(v) else str(v).strip()


def _ref_cell(registry: Registry, refs: list[str]) -> Cell:
    tokens = registry.cite(refs)
    return Cell(", ".join(f"[{registry.number(r)}]" for r in refs), tokens)


def _findings(found: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {str(k): str(v) for k, v in row.items()}
        for row in found[["rule", "severity", "table", "rows", "message"]].to_dict("records")
    ]


def _check(ctx: Context, **tables: pd.DataFrame) -> list[dict[str, str]]:
    from preclin.knowledge import check_tables

    return _findings(check_tables(**tables, references=ctx.kb.references()))  # type: ignore[arg-type]


def build_text_section(ctx: Context, index: int, sec: Any) -> SectionBlock:
    unknown: list[str] = []
    html = text_to_html(sec.body, ctx.registry, unknown=unknown)
    if unknown:
        raise ctx.spec.error(
            ("sections", index, "body"),
            f"cites {', '.join(sorted(set(unknown)))}, not in the knowledge store's references",
        )
    block = Paragraphs(html=html, box=sec.box)
    return SectionBlock(sec.title, f"section-{index + 1}", [block])


def intro_block(ctx: Context, index: int, sec: Any) -> Paragraphs | None:
    if not sec.intro and not sec.cite:
        return None
    for j, r in enumerate(sec.cite):
        if not ctx.registry.knows(r):
            raise ctx.spec.error(("sections", index, "cite", j), f"unknown reference {r!r}")
    text = (sec.intro or "") + (
        " [" + ";".join(sec.cite) + "]" if sec.cite and "[" not in (sec.intro or "") else ""
    )
    unknown: list[str] = []
    html = text_to_html(text, ctx.registry, unknown=unknown)
    if unknown:
        raise ctx.spec.error(
            ("sections", index, "intro"), f"cites unknown reference(s) {', '.join(unknown)}"
        )
    return Paragraphs(html=html)


def _profile(ctx: Context, index: int, sec: Any) -> list[Any]:
    path = ("sections", index, "compounds") if sec.compounds else ("compounds",)
    ids = ctx.compound_ids(path, sec.compounds or list(ctx.spec.compounds))
    rows = []
    reg = ctx.registry
    for cid in ids:
        c = ctx.compound(cid).iloc[0]
        act = tuple(reg.cite(split_refs(c.get("action_ref"))))
        mm = tuple(reg.cite(split_refs(c.get("molar_mass_ref"))))
        ids_ref = tuple(reg.cite(split_refs(c.get("id_ref"))))
        every = tuple(dict.fromkeys(act + mm + ids_ref))
        refs = [t.partition(":")[2] for t in every]
        rows.append(
            [
                Cell(_text(c["name"]), every),
                Cell(_text(c.get("synonyms")), ids_ref or every),
                Cell(_text(c.get("drug_class")), act or every),
                Cell(_text(c.get("primary_target_id")), act or every),
                Cell(_text(c.get("action")), act or every),
                Cell(_text(c.get("molecular_formula")), mm or every),
                Cell(_text(c.get("molar_mass_g_mol")), mm or every, numeric=True),
                Cell(_text(c.get("status_note")), every),
                _ref_cell(reg, refs),
            ]
        )
    table = TableBlock(
        caption="Compound profiles (knowledge store; values as written in the sources).",
        columns=[
            "Compound",
            "Synonyms",
            "Class",
            "Primary target",
            "Action",
            "Formula",
            "Molar mass (g/mol)",
            "Status",
            "Ref.",
        ],
        rows=rows,
    )
    return [ctx.add_table(table)]


def _per_compound(ctx: Context, index: int, sec: Any, query: Any) -> tuple[list[str], Any]:
    """The section's compound ids and ``query(compound=id)`` for each, stacked."""
    import pandas as pd

    path = ("sections", index, "compounds") if sec.compounds else ("compounds",)
    ids = ctx.compound_ids(path, sec.compounds or list(ctx.spec.compounds))
    frames = [query(compound=c) for c in ids]
    found = [f for f in frames if len(f)]
    return ids, pd.concat(found, ignore_index=True) if found else frames[0]


def _affinities(ctx: Context, index: int, sec: Any) -> list[Any]:
    ids, aff = _per_compound(ctx, index, sec, ctx.kb.affinities)
    if sec.targets:
        aff = aff[aff["target_id"].isin(sec.targets)]
    if not len(aff):
        return [Gap(f"No affinities in the knowledge store for {', '.join(ids)}.")]
    reg = ctx.registry
    rows = []
    for r in aff.to_dict("records"):
        refs = split_refs(r.get("ref_id"))
        src = reg.cite(refs)
        rel = _text(r.get("relation"))
        value = " ".join(
            x
            for x in (rel if rel not in ("", "=") else "", _text(r["value"]), _text(r["unit"]))
            if x
        )
        rows.append(
            [
                Cell(_text(r["compound_id"]), src),
                Cell(_text(r["target_id"]), src),
                Cell(_text(r.get("species")), src),
                Cell(_text(r.get("system_or_assay")), src),
                Cell(_text(r["parameter"]), src),
                Cell(value, src, numeric=True),
                Cell(format_sig(r.get("p_affinity")), src, numeric=True),
                _ref_cell(reg, refs),
            ]
        )
    table = TableBlock(
        caption=sec.caption
        or "Affinities and potencies (values as written; p = −log10 of the molar value, "
        "computed by the store from the written value).",
        columns=[
            "Compound",
            "Target",
            "Species",
            "Assay",
            "Parameter",
            "Value",
            "p(affinity)",
            "Ref.",
        ],
        rows=rows,
        findings=_check(ctx, affinities=aff),
    )
    return [ctx.add_table(table)]


def _pk(ctx: Context, index: int, sec: Any) -> list[Any]:
    ids, pk = _per_compound(ctx, index, sec, ctx.kb.pk)
    if sec.species:
        pk = pk[pk["species"].isin(sec.species)]
    if not len(pk):
        return [Gap(f"No PK parameters in the knowledge store for {', '.join(ids)}.")]
    reg = ctx.registry
    rows = []
    for r in pk.to_dict("records"):
        refs = split_refs(r.get("ref_id"))
        src = reg.cite(refs)
        rows.append(
            [
                Cell(_text(r["compound_id"]), src),
                Cell(_text(r["species"]), src),
                Cell(_text(r["parameter"]), src),
                Cell(
                    " ".join(x for x in (_text(r["value"]), _text(r["unit"])) if x),
                    src,
                    numeric=True,
                ),
                Cell(_text(r.get("route")), src),
                Cell(_text(r.get("dose")), src, numeric=True),
                Cell(_text(r.get("population_or_condition")), src),
                _ref_cell(reg, refs),
            ]
        )
    table = TableBlock(
        caption=sec.caption or "Pharmacokinetic parameters (values as written in the sources).",
        columns=[
            "Compound",
            "Species",
            "Parameter",
            "Value",
            "Route",
            "Dose",
            "Population",
            "Ref.",
        ],
        rows=rows,
        findings=_check(ctx, pk=pk),
    )
    return [ctx.add_table(table)]


def _studies(ctx: Context, index: int, sec: Any) -> list[Any]:
    st = ctx.kb.studies(study=sec.study)
    if not len(st):
        raise ctx.spec.error(
            ("sections", index, "study"),
            f"study {sec.study!r} is not in the knowledge store",
            hint="see `preclin kb studies`",
        )
    if sec.endpoint:
        st = st[st["endpoint"] == sec.endpoint]
    reg = ctx.registry
    rows = []
    for r in st.to_dict("records"):
        refs = split_refs(r.get("ref_id"))
        src = reg.cite(refs)
        mean, disp = _text(r.get("mean")), _text(r.get("dispersion"))
        value = f"{mean} ± {disp}" if mean and disp else (mean or "not given")
        dtype = _text(r.get("dispersion_type"))
        rows.append(
            [
                Cell(_text(r["compound_id"]), src),
                Cell(
                    " ".join(x for x in (_text(r.get("dose")), _text(r.get("unit"))) if x),
                    src,
                    numeric=True,
                ),
                Cell(_text(r.get("route")), src),
                Cell(_text(r.get("endpoint")), src),
                Cell(value, src, numeric=bool(mean)),
                Cell(dtype or "–", src),
                Cell(_text(r.get("n")) or "not given", src, numeric=bool(_text(r.get("n")))),
                Cell(_text(r.get("effect_vs_control")), src),
                _ref_cell(reg, refs),
            ]
        )
    first = st.iloc[0]
    model = _text(first.get("model"))
    species = " ".join(x for x in (_text(first.get("strain")), _text(first.get("species"))) if x)
    table = TableBlock(
        caption=sec.caption
        or f"Study {sec.study}: {model} in {species} (group results as written in the source).",
        columns=[
            "Group",
            "Dose",
            "Route",
            "Endpoint",
            "Mean ± dispersion",
            "Dispersion",
            "n",
            "Effect vs control (as claimed)",
            "Ref.",
        ],
        rows=rows,
        findings=_check(ctx, studies=st),
    )
    return [ctx.add_table(table)]


_STORE_BUILDERS = {
    "profile": ("Compound profile", _profile),
    "affinities": ("Affinities", _affinities),
    "pk": ("Pharmacokinetics", _pk),
    "studies": ("Study results from the literature", _studies),
}


def build_store_section(ctx: Context, index: int, sec: Any) -> SectionBlock:
    return build_section(ctx, index, sec, _STORE_BUILDERS)


def build_section(ctx: Context, index: int, sec: Any, builders: dict[str, Any]) -> SectionBlock:
    """The section ``sec`` from ``builders[sec.type]`` (default title, builder)."""
    default_title, builder = builders[sec.type]
    blocks: list[Any] = []
    intro = intro_block(ctx, index, sec)
    if intro is not None:
        blocks.append(intro)
    blocks.extend(builder(ctx, index, sec))
    return SectionBlock(sec.title or default_title, f"section-{index + 1}", blocks)
