"""``preclin study`` and ``preclin fst``: behavioural studies from raw scores to group tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".m4v", ".mpg", ".mpeg", ".wmv")


def _group_table(summary: Any) -> Any:
    """Mean ± SEM (n) with the contrast vs control, for printing."""
    import pandas as pd

    d = summary.describe
    c = summary.contrasts.set_index(summary.contrasts["group"].astype(str))
    rows = []
    for _, r in d.iterrows():
        g = str(r[summary.group])
        row = {
            "group": g,
            "n": int(r["n"]),
            "mean ± SEM": f"{r['mean']:.4g} ± {r['sem']:.2g}",
        }
        if g in c.index:
            p = float(c.loc[g, "pvalue"])
            row["diff vs control"] = float(c.loc[g, "estimate"])
            row["p (adj.)"] = p
            row["Hedges g"] = float(c.loc[g, "hedges_g"])
            row[""] = "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
        else:
            row["diff vs control"] = None
            row["p (adj.)"] = None
            row["Hedges g"] = None
            row[""] = "control"
        rows.append(row)
    return pd.DataFrame(rows)


def _detect_format(path: Path) -> str:
    from preclin.core import read_table

    if path.suffix.lower() in VIDEO_SUFFIXES:
        return "video"
    head = path.read_text(encoding="utf-8-sig", errors="replace").split("\n", 1)[0]
    if head.split(",")[0].strip().lower() == "scorer":
        return "pose"
    cols = set(read_table(path).columns)
    if {"start_s", "stop_s"} <= cols:
        return "events"
    if {"time_s", "behavior"} <= cols:
        return "samples"
    return "traces"


def register(app: typer.Typer) -> None:
    study = typer.Typer(help="Behavioural studies described in a YAML file.", no_args_is_help=True)
    fst = typer.Typer(help="Forced swim test scoring and rater agreement.", no_args_is_help=True)

    @study.command("analyze")
    def analyze(
        study_file: Annotated[Path, typer.Argument(help="Study description (YAML).")],
        out: Annotated[
            Path | None, typer.Option("--out", help="Write all results as JSON.")
        ] = None,
        figures: Annotated[
            Path | None,
            typer.Option("--figures", help="Write one SVG per figure into this folder."),
        ] = None,
        arrive: Annotated[
            Path | None,
            typer.Option(
                "--arrive",
                help="Write the ARRIVE 2.0 Essential 10 checklist (study file + analysis) "
                "as a table (.csv, .tsv, .xlsx).",
            ),
        ] = None,
    ) -> None:
        """Score, unblind and summarise every readout of a study (Dunnett vs control)."""
        from preclin.cli._common import print_table, stderr, stdout, write_json
        from preclin.invivo import analyze_study, plot_study
        from preclin.invivo._summary import _window_lines

        res = analyze_study(study_file)
        con = stdout()
        con.print(f"[bold]{res.study.name}[/bold] {res.study.title or ''}")
        for r in res.readouts:
            for dv, s in r.summaries.items():
                print_table(_group_table(s), title=f"{r.name}: {dv}")
                con.print(s.method)
                for line in _window_lines(s.dose_window, s.med):
                    con.print(f"dose window: {line}")
            for k, v in r.extra.items():
                if k == "onset":
                    print_table(
                        v[["group", "onset_week", "n_weeks_tested"]], title=f"{r.name}: onset"
                    )
                    con.print(str(v["multiplicity"].iloc[0]))
                elif k == "binomial":
                    print_table(
                        v[["group", "reference", "odds_ratio", "or_ci_low", "or_ci_high",
                           "pvalue", "dispersion"]],
                        title=f"{r.name}: binomial GLM of failures",
                    )  # fmt: skip
            for note in r.notes:
                con.print(f"note: {note}")
        if out is not None:
            write_json(res.to_dict(), out)
        if figures is not None:
            figures.mkdir(parents=True, exist_ok=True)
            figs = plot_study(res)
            for name, fig in figs.items():
                fig.savefig(figures / f"{name}.svg", metadata={"Date": None})
            stderr().print(f"wrote {len(figs)} figures to {figures}")
        if arrive is not None:
            from preclin.core import write_table

            chk = res.arrive_checklist()
            write_table(chk.items, arrive)
            stderr().print(f"wrote {arrive}: " + chk.summary().splitlines()[-1])

    @fst.command("score")
    def score(
        source: Annotated[
            Path,
            typer.Argument(
                help="Event log, time samples, motion traces / pose CSV, or a video file."
            ),
        ],
        window: Annotated[
            str, typer.Option("--window", help="Scoring window, e.g. 120-360s.")
        ] = "120-360s",
        test_duration: Annotated[
            float | None,
            typer.Option(
                "--test-duration", help="Test length in s (default 360; video: its length)."
            ),
        ] = None,
        kind: Annotated[
            str, typer.Option("--format", help="auto, events, samples, traces, pose or video.")
        ] = "auto",
        threshold: Annotated[
            float | None,
            typer.Option("--threshold", help="Traces/video: immobile when motion < threshold."),
        ] = None,
        min_bout: Annotated[
            float, typer.Option("--min-bout", help="Minimum immobile bout (s).")
        ] = 1.0,
        fps: Annotated[
            float | None, typer.Option("--fps", help="Frame rate (traces / pose).")
        ] = None,
        interval: Annotated[
            float, typer.Option("--interval", help="Samples: interval length (s).")
        ] = 5.0,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the scores (csv/xlsx/json).")
        ] = None,
    ) -> None:
        """Immobility / swimming / climbing in a window, one row per animal."""
        from preclin import invivo as iv
        from preclin.cli._common import write_or_print
        from preclin.core import InputError, check_option, read_table

        check_option("format", kind, ["auto", "events", "samples", "traces", "pose", "video"])
        if not source.is_file():
            raise InputError(f"file not found: {source}", hint="check the path")
        fmt = _detect_format(source) if kind == "auto" else kind
        duration = 360.0 if test_duration is None else test_duration
        if fmt == "events":
            df = iv.calculate_fst_from_events(
                read_table(source), window=window, test_duration=duration
            )
        elif fmt == "samples":
            df = iv.calculate_fst_from_samples(
                read_table(source), interval=interval, window=window, test_duration=duration
            )
        elif fmt == "video":
            df = iv.calculate_fst_from_video(
                source, threshold=0.01 if threshold is None else threshold,
                min_bout_s=min_bout, window=window, test_duration=test_duration, fps=fps,
            )  # fmt: skip
        else:
            if fps is None:
                raise InputError("motion traces need the frame rate", file=str(source),
                                 hint="pass --fps")  # fmt: skip
            if threshold is None:
                raise InputError(
                    "motion traces need a mobility threshold",
                    file=str(source),
                    hint="pass --threshold (calibrate it against a rater)",
                )
            traces = iv.read_motion_traces(source, fps=fps)
            df = iv.calculate_fst_from_traces(
                traces, fps=fps, threshold=threshold, min_bout_s=min_bout, window=window,
                test_duration=duration,
            )  # fmt: skip
        meta = {"source": str(source), "format": fmt, "window": window}
        write_or_print(df, out, title=f"FST scores ({fmt}, window {window})", metadata=meta)

    @fst.command("agreement")
    def agreement(
        rater_a: Annotated[Path, typer.Argument(help="Rater A: event log or per-animal scores.")],
        rater_b: Annotated[
            Path, typer.Argument(help="Rater B (or automatic scores), same animals.")
        ],
        dv: Annotated[str, typer.Option("--dv", help="Variable to compare.")] = "immobility_s",
        window: Annotated[
            str, typer.Option("--window", help="Scoring window for logs.")
        ] = "120-360s",
        bin_s: Annotated[
            float, typer.Option("--bin", help="Bin length (s) for Cohen's kappa.")
        ] = 5.0,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the agreement table.")
        ] = None,
    ) -> None:
        """ICC(2,1), ICC(3,1), Bland–Altman and (for two event logs) Cohen's κ on time bins."""
        from preclin import invivo as iv
        from preclin.cli._common import write_or_print
        from preclin.core import read_table

        tables, logs = [], []
        for path in (rater_a, rater_b):
            t = read_table(path)
            if {"start_s", "stop_s"} <= set(t.columns):
                logs.append(t)
                t = iv.calculate_fst_from_events(t, window=window)
            tables.append(t)
        labels = None
        if len(logs) == 2:
            labels = tuple(
                iv.calculate_fst_bins(lg, bin_s=bin_s, window=window)["behavior"] for lg in logs
            )
        res = iv.calculate_agreement(tables[0], tables[1], dv=dv, labels=labels)  # type: ignore[arg-type]
        write_or_print(res.table, out, title=res._title())
        typer.echo(res._summary_lines()[0])

    app.add_typer(study, name="study")
    app.add_typer(fst, name="fst")
