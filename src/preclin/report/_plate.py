"""Plate analyses in a report: the QC table, the per-compound table, curve
figures with confidence bands and the plate heat map, every number citing
the analysis record of :func:`preclin.assays.fit_plates` (inputs by SHA-256).

Used by the guide's ``plate`` section and by :func:`write_plate_report`
(``preclin plate analyze ... --report plate.html``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from preclin.report._numbers import format_ci, format_mean_sem, format_sig
from preclin.report._tables import Cell, Gap, Paragraphs, TableBlock

__all__ = ["fit_plate_curves", "plate_blocks", "plate_record", "write_plate_report"]

_QC_NOTE = (
    "Z′ = 1 − 3(σ_high + σ_low)/|μ_high − μ_low| (Zhang 1999); S/B = μ_high/μ_low; CV = "
    "100 σ/μ of the high (100 % activity) and low (0 %) control wells; edge ratio = "
    "median outer-ring / inner signal of replicate groups (1 = no edge effect); drifts are "
    "fractional changes across the plate. Default pass rules: Z′ ≥ 0.5, S/B ≥ 2, CV(high) "
    "≤ 20 %, |edge ratio − 1|, |row drift|, |column drift| ≤ 0.15 "
    "(preclin.assays.calculate_plate_qc)."
)


def plate_record(
    registry: Any,
    analysis: Any,
    *,
    inputs: dict[str, str] | None = None,
    description: str | None = None,
) -> str:
    """Add the analysis record of a :class:`~preclin.assays.PlateAnalysis`; its token."""
    prov = analysis.provenance
    every = dict(prov.inputs) if prov is not None else {}
    every.update(inputs or {})
    mode = analysis.settings.get("mode", "antagonist")
    return registry.record(
        "preclin.assays.fit_plates",
        description
        or f"{mode} plate analysis: responses from traces, normalisation to on-plate controls, "
        "plate QC, one batched 4PL fit per compound (preclin.curves.fit_curves)"
        + (", functional KB (preclin.receptor.calculate_kb)" if mode == "antagonist" else ""),
        inputs=every,
        parameters=dict(analysis.settings),
        versions=prov.versions if prov is not None else None,
        seed=prov.seed if prov is not None else None,
    )


def fit_plate_curves(analysis: Any, compounds: list[str], plate: Any = None) -> dict[str, Any]:
    """One :func:`preclin.curves.fit_curve` per compound for the figure's bands.

    Same wells, model, held parameters and CI level as the plate fit, so the
    drawn curve is the tabled one; a curve that cannot be fitted maps to None.
    """
    from preclin.core.errors import InputError
    from preclin.curves import fit_curve
    from preclin.report._plate_figures import sample_wells

    s = analysis.settings
    plate = analysis.wells["plate"].iloc[0] if plate is None else plate
    out: dict[str, Any] = {}
    for c in compounds:
        sub = sample_wells(analysis.wells, plate, c)
        try:
            out[c] = fit_curve(
                sub["conc"].to_numpy(dtype=float),
                sub["percent_activity"].to_numpy(dtype=float),
                model=s.get("model", "ll4"),
                fix=s.get("fix"),
                ci_level=s.get("ci_level", 0.95),
                x_unit=s.get("unit"),
            )
        except InputError:
            out[c] = None
    return out


def _qc_table(analysis: Any, src: tuple[str, ...]) -> TableBlock:
    rows = []
    for r in analysis.plates.to_dict("records"):
        rows.append(
            [
                Cell(str(r["plate"]), src),
                Cell(str(int(r["n_wells"])), src, numeric=True),
                Cell(format_sig(r["z_prime"]), src, numeric=True),
                Cell(format_sig(r["signal_to_background"]), src, numeric=True),
                Cell(format_sig(r["cv_high"]), src, numeric=True),
                Cell(format_sig(r["cv_low"]), src, numeric=True),
                Cell(format_sig(r["edge_ratio"]), src, numeric=True),
                Cell(format_sig(r["row_drift"]), src, numeric=True),
                Cell(format_sig(r["column_drift"]), src, numeric=True),
                Cell(str(int(r["n_saturated"])), src, numeric=True),
                Cell("pass" if r["qc_pass"] else "FAIL", src),
                Cell(str(r.get("message") or ""), src),
            ]
        )
    return TableBlock(
        caption="Plate quality control.",
        columns=[
            "Plate",
            "Wells",
            "Z′",
            "S/B",
            "CV high (%)",
            "CV low (%)",
            "Edge ratio",
            "Row drift",
            "Column drift",
            "Saturated",
            "QC",
            "Message",
        ],
        rows=rows,
        notes=[_QC_NOTE],
    )


def _potency_columns(mode: str, unit: str) -> list[tuple[str, str, str]]:
    """(header, kind, key) of the mode's curve-table columns."""
    u = f" ({unit})" if unit else ""
    if mode == "antagonist":
        return [
            (f"IC50{u} [95% CI]", "ci", "ic50"),
            ("Hill ± SE", "pm", "hill"),
            ("Bottom (%) ± SE", "pm", "bottom"),
            (f"KB{u} [95% CI]", "ci", "kb"),
        ]
    if mode == "agonist":
        return [
            (f"EC50{u} [95% CI]", "ci", "ec50"),
            ("Hill ± SE", "pm", "hill"),
            ("Emax (%) ± SE", "pm", "emax"),
        ]
    return [
        (f"KB{u} [95% CI]", "ci", "kb"),
        ("α [95% CI]", "ci", "alpha"),
        ("β [95% CI]", "ci", "beta"),
        ("αβ [95% CI]", "ci", "alpha_beta"),
        ("τA [95% CI]", "ci", "tau_a"),
    ]


_CONC_UNITS = ("M", "mM", "uM", "nM", "pM")
_CONC_KEYS = ("ic50", "ec50", "kb")


def display_unit(unit: str, values: Any) -> tuple[str, float]:
    """(unit, factor): the molar unit in which the median of ``values`` is 1–1000.

    Display only (the tables keep the room's numbers; this scales them once
    with :func:`preclin.core.units.convert`, then rounds).
    """
    import numpy as np

    from preclin.core.errors import InputError
    from preclin.core.units import convert

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not unit or not v.size:
        return unit, 1.0
    med = float(np.median(v))
    for cand in _CONC_UNITS:
        try:
            f = float(convert(1.0, unit, cand))
        except InputError:
            return unit, 1.0
        if med * f >= 1.0:
            return cand, f
    return "pM", float(convert(1.0, unit, "pM"))


def _value(r: dict[str, Any], kind: str, key: str, factor: float = 1.0) -> str:
    f = factor if key in _CONC_KEYS else 1.0

    def g(k: str) -> Any:
        v = r.get(k)
        return v * f if isinstance(v, int | float) else v

    if kind == "ci":
        return format_ci(g(key), g(f"{key}_ci_low"), g(f"{key}_ci_high"))
    return format_mean_sem(g(key), g(f"{key}_se"))


def _curve_table(
    analysis: Any,
    src: tuple[str, ...],
    compounds: list[str] | None,
    truth: Any,
    caption: str | None,
) -> TableBlock:
    s = analysis.settings
    mode = str(s.get("mode", "antagonist"))
    curves = analysis.curves
    if compounds:
        curves = curves[curves["compound"].astype(str).isin(compounds)]
    several = analysis.plates.shape[0] > 1
    pot = {"antagonist": "ic50", "agonist": "ec50"}.get(mode) or "kb"
    unit, factor = display_unit(str(s.get("unit") or ""), curves.get(pot, []))
    cols = _potency_columns(mode, unit)
    known = {}
    if truth is not None and pot != "kb" and pot in truth.columns:
        known = {str(k): v for k, v in zip(truth["compound"], truth[pot], strict=True)}
    header = [*(["Plate"] if several else []), "Compound", "n"]
    header += [h for h, _, _ in cols]
    if known:
        header.append(f"Simulated {pot.upper()}{f' ({unit})' if unit else ''}")
    header.append("Flags")
    rows = []
    for r in curves.to_dict("records"):
        row = [Cell(str(r["plate"]), src)] if several else []
        row += [Cell(str(r["compound"]), src), Cell(str(int(r["n"])), src, numeric=True)]
        row += [Cell(_value(r, kind, key, factor), src, numeric=True) for _, kind, key in cols]
        if known:
            t = known.get(str(r["compound"]))
            row.append(Cell(format_sig(None if t is None else t * factor), src, numeric=True))
        flags = str(r.get("flags") or "").replace(";", ", ")
        if not r["converged"]:
            flags = f"not converged: {r.get('message')}" + (f" ({flags})" if flags else "")
        row.append(Cell(flags or "–", src))
        rows.append(row)
    notes = []
    if mode == "antagonist":
        ag = f"{s.get('agonist_conc')} (EC50 {s.get('agonist_ec50')}, n {s.get('agonist_hill')})"
        notes.append(
            "IC50 CI: delta method on log IC50, back-transformed; % activity relative to the "
            "on-plate neutral (agonist) and inhibitor controls, top held at 100 %. "
            f"KB by {s.get('kb_method', 'leff-dougall')} at agonist {ag}: KB = IC50 / "
            "((2 + ([A]/EC50)ⁿ)^(1/n) − 1); the KB interval maps the IC50 interval through the "
            "same formula ([A] and EC50 taken as known)."
        )
    elif mode == "agonist":
        notes.append(
            "EC50 CI: delta method on log EC50; Emax as % of the on-plate agonist control."
        )
    if known:
        notes.append("Simulated: the value the plate simulator was given (truth file).")
    return TableBlock(
        caption=caption or f"Curves ({mode} mode): potency with 95% CI, parameters ± SE, flags.",
        columns=header,
        rows=rows,
        notes=notes,
    )


def plate_blocks(
    ctx: Any,
    analysis: Any,
    token: str,
    *,
    compounds: list[str] | None = None,
    figure_compounds: list[str] | None = None,
    truth: Any = None,
    simulated: bool = False,
    caption: str | None = None,
    label: str = "",
) -> list[Any]:
    """QC table, curve table, curve figure (with bands) and heat map of a plate analysis.

    ``ctx`` is anything with ``add_table`` / ``add_figure`` (the guide's context).
    """
    from preclin.report._plate_figures import plot_plate_curves, plot_plate_map

    src = (token,)
    rid = token.partition(":")[2]
    blocks: list[Any] = []
    if simulated:
        blocks.append(
            Paragraphs(
                html=_escape(
                    f"This plate is simulated ({label or 'preclin.assays.simulate_plate'}): "
                    "synthetic kinetic traces with known potencies, not measurements. It shows "
                    "the analysis, not the compounds' real potencies."
                ),
                box="note",
            )
        )
    blocks.append(ctx.add_table(_qc_table(analysis, src)))
    blocks.append(ctx.add_table(_curve_table(analysis, src, compounds, truth, caption)))
    mode = str(analysis.settings.get("mode", "antagonist"))
    names = [str(c) for c in analysis.curves["compound"].drop_duplicates()]
    shown = [c for c in (figure_compounds or names[:6]) if c in names]
    sim = " (simulated plate)" if simulated else ""
    if mode != "allosteric" and shown:
        fits = fit_plate_curves(analysis, shown)
        pot = {"antagonist": "ic50"}.get(mode, "ec50")
        unit = str(analysis.settings.get("unit") or "")
        shown_unit = display_unit(unit, analysis.curves.get(pot, []))
        blocks.append(
            ctx.add_figure(
                f"Concentration–response on the plate{sim}: wells (% activity), fitted "
                f"{analysis.settings.get('model', 'll4')} curves and 95% pointwise confidence "
                f"bands (preclin.curves.fit_curve on the same wells and settings as {rid}).",
                plot_plate_curves(analysis, fits, x_display=shown_unit),
                src,
            )
        )
    elif mode == "allosteric":
        blocks.append(
            Gap("Curve figures are not drawn for allosteric plates (global operational fits).")
        )
    blocks.append(
        ctx.add_figure(
            f"Plate map{sim}: raw response and % activity per well (○ neutral, □ inhibitor "
            "controls); edge effects and drifts show as gradients.",
            plot_plate_map(analysis),
            src,
        )
    )
    return blocks


def _escape(text: str) -> Any:
    from markupsafe import Markup, escape

    return Markup("<p>{}</p>").format(escape(text))


def _findings(analysis: Any) -> list[dict[str, str]]:
    """Data-quality notes of a plate analysis: failed plates, failed fits, flags."""
    out = []
    for r in analysis.plates.to_dict("records"):
        if not r["qc_pass"]:
            out.append(
                {"severity": "error", "rule": "plate_failed_qc", "where": "Table 1",
                 "anchor": "table-1", "message": f"plate {r['plate']}: {r.get('message')}"}
            )  # fmt: skip
    for r in analysis.curves.to_dict("records"):
        flags = [f for f in str(r.get("flags") or "").split(";") if f and f != "plate_failed_qc"]
        if not r["converged"] or flags:
            out.append(
                {"severity": "warning" if not r["converged"] else "info",
                 "rule": "not_converged" if not r["converged"] else flags[0],
                 "where": "Table 2", "anchor": "table-2",
                 "message": f"plate {r['plate']}, {r['compound']}: "
                 + (str(r.get("message")) or ", ".join(flags))}
            )  # fmt: skip
    return out


def write_plate_report(
    analysis: Any,
    out: str | os.PathLike[str],
    *,
    title: str | None = None,
    compounds: list[str] | None = None,
    inputs: dict[str, str | os.PathLike[str]] | None = None,
    simulated: bool = False,
) -> Path:
    """Write a self-contained HTML report of a plate analysis.

    Parameters
    ----------
    analysis : PlateAnalysis
        From :func:`preclin.assays.fit_plates`.
    out : path
        The HTML file to write.
    title : str, optional
        Page title (default: "Plate analysis (<mode> mode)").
    compounds : list of str, optional
        Compounds drawn in the curve figure (default: the first six); the
        table lists every curve.
    inputs : dict, optional
        Further input files (name → path) hashed into the analysis record
        (traces and layout read with the :mod:`preclin.assays` readers are
        recorded from the analysis's provenance already).
    simulated : bool
        Say on the page that the plate is simulated.

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    The page holds data-quality notes (failed plates, failed fits, flags),
    the plate QC table (Z′, S/B, CVs, edge ratio, drifts, pass), the
    per-curve table (potency with 95% CI, Hill and plateau ± SE, KB in
    antagonist mode, flags), a concentration–response figure with 95%
    confidence bands (:meth:`preclin.curves.CurveFit.predict`), the plate
    heat map, and the analysis record (inputs by SHA-256, versions,
    settings) that every number's ``data-source`` points to. Text is
    HTML-escaped (Jinja2 autoescape); figures are inline SVG, so the file
    needs nothing else.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from preclin.assays import fit_plates, read_layout, read_traces
    >>> from preclin.datasets import example_path
    >>> res = fit_plates(read_traces(example_path("flipr_basimglurant_traces")),
    ...                  read_layout(example_path("flipr_basimglurant_layout")),
    ...                  agonist_conc="3uM", agonist_ec50="0.9uM")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "plate.html"
    >>> write_plate_report(res, out, compounds=["basimglurant", "MPEP"]).name
    'plate.html'
    """
    import pandas as pd

    from preclin.core import InputError, check_option
    from preclin.core.provenance import hash_file
    from preclin.report._references import Registry
    from preclin.report._render import render_page
    from preclin.report._sections import Context
    from preclin.report._tables import SectionBlock

    if not all(hasattr(analysis, a) for a in ("curves", "plates", "wells", "settings")):
        raise InputError(
            f"Invalid `analysis`: got {type(analysis).__name__}, must be a PlateAnalysis "
            "(preclin.assays.fit_plates)."
        )
    names = [str(c) for c in analysis.curves["compound"].drop_duplicates()]
    for c in compounds or []:
        check_option("compounds", c, names)
    registry = Registry(pd.DataFrame({"ref_id": pd.Series([], dtype=str)}))
    ctx = Context(spec=None, kb=None, registry=registry)  # type: ignore[arg-type]
    extra = {name: hash_file(Path(p)) for name, p in (inputs or {}).items()}
    token = plate_record(registry, analysis, inputs=extra)
    blocks = plate_blocks(ctx, analysis, token, figure_compounds=compounds, simulated=simulated)
    mode = analysis.settings.get("mode", "antagonist")
    prov = analysis.provenance
    files = [Path(k).name for k in (prov.inputs if prov is not None else {})]
    html = render_page(
        title=title or f"Plate analysis ({mode} mode)",
        subtitle=analysis._summary_lines()[0],
        source=", ".join(files) or "data frames",
        compounds=names,
        sections=[SectionBlock("Plate analysis", "section-1", blocks)],
        registry=registry,
        findings=_findings(analysis),
        n_tables=ctx.n_tables,
        n_figures=ctx.n_figures,
    )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
