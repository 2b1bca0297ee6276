"""``preclin plate``: plate layouts, simulated FLIPR plates and plate analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_MODES = "antagonist, agonist or allosteric"
_CURVE_COLS = {
    "antagonist": ["plate", "compound", "ic50", "ic50_ci_low", "ic50_ci_high", "hill", "top",
                   "bottom", "kb", "kb_ci_low", "kb_ci_high", "unit", "flags"],
    "agonist": ["plate", "compound", "ec50", "ec50_ci_low", "ec50_ci_high", "hill", "emax",
                "emax_se", "unit", "flags"],
    "allosteric": ["plate", "compound", "kb", "kb_ci_low", "kb_ci_high", "alpha", "beta",
                   "alpha_beta", "tau_a", "unit", "flags", "message"],
}  # fmt: skip
_QC_COLS = ["plate", "z_prime", "signal_to_background", "cv_high", "cv_low", "edge_ratio",
            "row_drift", "column_drift", "qc_pass", "message"]  # fmt: skip


def _window(text: str | None, option: str) -> tuple[float, float] | None:
    from preclin.core import InputError

    if text is None:
        return None
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError
        return float(start), float(end)
    except ValueError:
        raise InputError(
            f"Invalid `{option}`: got {text!r}, must look like start-end in seconds (e.g. 0-10)."
        ) from None


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Plates: layouts, simulated FLIPR plates, analysis with QC and receptor constants.",
        no_args_is_help=True,
    )
    app.add_typer(group, name="plate")

    @group.command("analyze")
    def analyze(
        traces: Annotated[
            Path, typer.Argument(help="Kinetic traces (wide or long) or endpoint table.")
        ],
        layout: Annotated[
            Path, typer.Option("--layout", help="Layout CSV (well, role, compound, conc, unit).")
        ],
        mode: Annotated[str, typer.Option("--mode", help=f"Assay mode: {_MODES}.")] = "antagonist",
        agonist_conc: Annotated[
            str | None,
            typer.Option(
                "--agonist-conc", help="Agonist concentration used, e.g. 3uM (antagonist mode)."
            ),
        ] = None,
        agonist_ec50: Annotated[
            str | None,
            typer.Option(
                "--agonist-ec50", help="EC50 of the agonist alone, e.g. 0.9uM (gives KB)."
            ),
        ] = None,
        agonist_hill: Annotated[
            float,
            typer.Option(
                "--agonist-hill", help="Hill slope of the agonist (Leff–Dougall; allosteric n)."
            ),
        ] = 1.0,
        agonist_ka: Annotated[
            str | None,
            typer.Option(
                "--agonist-ka", help="Allosteric mode: agonist KA from binding, held fixed."
            ),
        ] = None,
        kb_method: Annotated[
            str, typer.Option("--kb-method", help="leff-dougall or cheng-prusoff.")
        ] = "leff-dougall",
        endpoint: Annotated[
            bool,
            typer.Option(
                "--endpoint", help="The file is a plate-reader endpoint table, not traces."
            ),
        ] = False,
        method: Annotated[
            str,
            typer.Option(
                "--response", help="max_minus_baseline, max_over_baseline, max_min_ratio or auc."
            ),
        ] = "max_minus_baseline",
        baseline: Annotated[
            str, typer.Option("--baseline", help="Baseline window in s, e.g. 0-10.")
        ] = "0-10",
        window: Annotated[
            str | None,
            typer.Option(
                "--window", help="Response window in s (default: baseline end to last read)."
            ),
        ] = None,
        saturation: Annotated[
            float | None,
            typer.Option(
                "--saturation",
                help="Detector ceiling; wells reaching it are flagged and left out.",
            ),
        ] = None,
        allow_negative: Annotated[
            bool,
            typer.Option(
                "--allow-negative", help="Accept negative readings (baseline-subtracted exports)."
            ),
        ] = False,
        conc_unit: Annotated[
            str | None,
            typer.Option(
                "--conc-unit", help="Concentration unit if the layout has no unit column."
            ),
        ] = None,
        plate_format: Annotated[
            int | None, typer.Option("--format", help="96, 384 or 1536 (default: from the wells).")
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Write the curve table (.csv, .parquet, .json, .xlsx)."),
        ] = None,
        plate_qc: Annotated[
            Path | None, typer.Option("--plate-qc", help="Write the per-plate QC table.")
        ] = None,
        wells_out: Annotated[
            Path | None, typer.Option("--wells", help="Write the per-well table (% activity).")
        ] = None,
        report: Annotated[
            Path | None,
            typer.Option(
                "--report",
                help="Write a self-contained HTML report (QC, curves with CI bands, heat map).",
            ),
        ] = None,
    ) -> None:
        """Analyse plates: responses → QC (Z′, S/B, CV, edges) → curves → IC50/EC50, KB."""
        from preclin.assays import fit_plates, read_endpoint, read_layout, read_traces
        from preclin.cli._common import print_table, stderr
        from preclin.core import check_option, write_table

        check_option("mode", mode, ["antagonist", "agonist", "allosteric"])
        lay = read_layout(layout, plate_format=plate_format, conc_unit=conc_unit)
        fmt = plate_format or lay.attrs.get("plate_format")
        if endpoint:
            data = read_endpoint(traces, plate_format=fmt, allow_negative=allow_negative)
        else:
            data = read_traces(traces, plate_format=fmt, allow_negative=allow_negative)
        res = fit_plates(
            data, lay, mode=mode, agonist_conc=agonist_conc, agonist_ec50=agonist_ec50,
            agonist_hill=agonist_hill, agonist_ka=agonist_ka, kb_method=kb_method,
            method=method, baseline=_window(baseline, "--baseline") or (0.0, 10.0),
            window=_window(window, "--window"), saturation=saturation,
        )  # fmt: skip
        prov = res.provenance.to_dict() if res.provenance is not None else {}
        meta = {"settings": res.settings, "provenance": prov}
        print_table(res.plates, title="Plate QC", columns=_QC_COLS)
        cols = [c for c in _CURVE_COLS[mode] if c in res.curves.columns]
        print_table(res.curves, title=f"Curves ({mode})", columns=cols)
        for path, table in ((out, res.curves), (plate_qc, res.plates), (wells_out, res.wells)):
            if path is not None:
                write_table(table, path, metadata=meta)
                stderr().print(f"wrote {len(table)} rows to {path}")
        if report is not None:
            from preclin.report import write_plate_report

            write_plate_report(res, report, title=f"Plate analysis: {traces.name} ({mode})")
            stderr().print(f"wrote the plate report to {report}")

    @group.command("simulate")
    def simulate(
        plate_format: Annotated[int, typer.Option("--format", help="96, 384 or 1536.")] = 384,
        mode: Annotated[str, typer.Option("--mode", help=f"Assay mode: {_MODES}.")] = "antagonist",
        n_plates: Annotated[int, typer.Option("--plates", help="Number of plates.")] = 1,
        seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
        top: Annotated[
            str, typer.Option("--top", help="Top concentration (allosteric: of the agonist).")
        ] = "10uM",
        agonist_conc: Annotated[
            str, typer.Option("--agonist-conc", help="Agonist concentration (antagonist mode).")
        ] = "3uM",
        agonist_ec50: Annotated[
            str, typer.Option("--agonist-ec50", help="Agonist EC50.")
        ] = "0.9uM",
        edge_effect: Annotated[
            float, typer.Option("--edge-effect", help="Fractional signal loss in the outer ring.")
        ] = 0.0,
        read_noise: Annotated[
            float, typer.Option("--read-noise", help="Read noise SD as a fraction of F0.")
        ] = 0.01,
        out_traces: Annotated[
            Path, typer.Option("--out-traces", help="Traces file to write.")
        ] = Path("traces.csv"),
        out_layout: Annotated[
            Path, typer.Option("--out-layout", help="Layout file to write.")
        ] = Path("layout.csv"),
        out_truth: Annotated[
            Path | None, typer.Option("--out-truth", help="Truth file to write.")
        ] = None,
    ) -> None:
        """Simulate FLIPR plates (kinetic traces + layout) with a known truth."""
        from preclin.assays import simulate_plate
        from preclin.cli._common import print_table, stderr
        from preclin.core import write_table

        sim = simulate_plate(
            plate_format, mode=mode, n_plates=n_plates, seed=seed, top=top,
            agonist_conc=agonist_conc, agonist_ec50=agonist_ec50, edge_effect=edge_effect,
            read_noise=read_noise,
        )  # fmt: skip
        write_table(sim.traces, out_traces)
        keep = [c for c in ("well", "role", "compound", "conc", "unit", "agonist_conc")
                if c in sim.layout.columns]  # fmt: skip
        write_table(sim.layout[keep], out_layout)
        if out_truth is not None:
            write_table(sim.truth, out_truth)
        print_table(sim.truth, title="Truth", max_rows=20)
        stderr().print(f"wrote {out_traces} ({len(sim.traces)} reads) and {out_layout}")

    @group.command("layout")
    def layout_cmd(
        plate_format: Annotated[int, typer.Option("--format", help="96, 384 or 1536.")] = 384,
        top: Annotated[
            str, typer.Option("--top", help="Top concentration with unit, e.g. 10uM.")
        ] = "10uM",
        dilution: Annotated[
            float, typer.Option("--dilution", help="Fold dilution between points.")
        ] = 3.0,
        points: Annotated[int, typer.Option("--points", help="Concentrations per series.")] = 10,
        replicates: Annotated[int, typer.Option("--replicates", help="Series per compound.")] = 2,
        mode: Annotated[str, typer.Option("--mode", help=f"Assay mode: {_MODES}.")] = "antagonist",
        direction: Annotated[
            str, typer.Option("--direction", help="descending or ascending.")
        ] = "descending",
        compounds: Annotated[
            list[str] | None, typer.Option("--compound", help="Compound name (repeat).")
        ] = None,
        out: Annotated[Path | None, typer.Option("--out", help="Layout file to write.")] = None,
    ) -> None:
        """Generate a plate layout from a dilution scheme."""
        from preclin.assays import calculate_layout
        from preclin.cli._common import write_or_print

        lay = calculate_layout(
            plate_format, top=top, dilution=dilution, points=points, replicates=replicates,
            mode=mode, direction=direction, compounds=compounds or None,
        )  # fmt: skip
        cols = ["well", "role", "compound", "conc", "unit"]
        if "agonist_conc" in lay.columns:
            cols.append("agonist_conc")
        write_or_print(lay[cols], out, title=f"{plate_format}-well layout", max_rows=12)
