"""``preclin stats``: group comparisons of one response in a long table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

_POSTHOC = {
    "dunnett": "dunnett",
    "dunnett-stepdown": "dunnett-stepdown",
    "tukey": "tukey",
    "games-howell": "games-howell",
    "dunn": "dunn",
    "t": "t",
}


def run_stats(
    data_path: Path,
    *,
    dv: str,
    between: str,
    control: str | None,
    posthoc_method: str | None,
    alternative: str,
    within: str | None,
    subject: str | None,
) -> dict[str, Any]:
    """Compute the JSON document of ``preclin stats`` (no printing)."""
    from preclin.core import InputError, check_option, hash_file, jsonable, read_table
    from preclin.stats import anova, describe, kruskal, posthoc, welch_anova

    check_option("alternative", alternative, ["two-sided", "less", "greater"])
    if posthoc_method is not None:
        check_option("posthoc", posthoc_method, list(_POSTHOC))
    if (within is None) != (subject is None):
        raise InputError(
            "a repeated-measures design needs both --within (e.g. week) and --subject (e.g. rat)"
        )
    data = read_table(data_path)
    method = posthoc_method or ("dunnett" if control is not None else "tukey")
    if method in ("tukey", "games-howell") and alternative != "two-sided":
        raise InputError(
            f"Invalid `alternative`: got {alternative!r}, must be two-sided for {method}."
        )
    doc: dict[str, Any] = {
        "input": {"file": str(data_path), "sha256": hash_file(data_path)},
        "settings": {
            "dv": dv,
            "between": between,
            "control": control,
            "posthoc": method,
            "alternative": alternative,
            "within": within,
            "subject": subject,
        },
    }

    def run_posthoc(frame: Any) -> Any:
        return posthoc(frame, dv, between, method=method, control=control, alternative=alternative)

    if within is None:
        anova_table = anova(data, dv, between)  # validates first: describe tolerates n = 1
        doc["describe"] = describe(data, dv, between)
        doc["anova"] = anova_table
        doc["welch"] = welch_anova(data, dv, between)
        doc["kruskal"] = kruskal(data, dv, between)
        doc["posthoc"] = run_posthoc(data)
    else:
        from preclin.stats import mixed_model, rm_anova

        doc["describe"] = describe(data, dv, [between, within])
        doc["anova"] = rm_anova(data, dv, within=within, subject=str(subject), between=between)
        fit = mixed_model(data, dv, between=between, within=within, subject=str(subject))
        doc["mixed"] = {"fixed": fit.fixed, "tests": fit.tests, "variance": fit.variance}
        per_time = []
        for level in doc["describe"][within].drop_duplicates():
            part = data[data[within] == level]
            ph = run_posthoc(part)
            ph.insert(0, within, level)
            per_time.append(ph)
        import pandas as pd

        doc["posthoc"] = pd.concat(per_time, ignore_index=True)
        doc["welch"] = []
        doc["kruskal"] = []
    return jsonable(doc)


def _p(value: Any, prefix: str = "") -> str:
    if value is None:
        return ""
    v = float(value)
    if v < 1e-4:
        return f"{prefix.rstrip(' =')} < 0.0001".strip()
    return f"{prefix}{v:.4f}"


def _print_summary(doc: dict[str, Any]) -> None:
    from rich.table import Table

    from preclin.cli._common import format_value, stdout

    s = doc["settings"]
    con = stdout()
    by = [s["between"]] + ([s["within"]] if s["within"] else [])
    table = Table(title=f"{s['dv']}: mean ± SEM (n)", header_style="bold")
    for col in by:
        table.add_column(col)
    table.add_column("mean ± SEM (n)", justify="right")
    table.add_column("95% CI", justify="right")
    for r in doc["describe"]:
        sem = "" if r["sem"] is None else f" ± {format_value(r['sem'])}"
        ci = (
            ""
            if r["ci_low"] is None
            else (f"{format_value(r['ci_low'])} to {format_value(r['ci_high'])}")
        )
        table.add_row(*(str(r[c]) for c in by), f"{format_value(r['mean'])}{sem} ({r['n']})", ci)
    con.print(table)
    resid = [r for r in doc["anova"] if r["source"] == "Residual"]
    for row in doc["anova"]:
        if row.get("statistic") is None:
            continue
        df_den = row.get("df_denom", resid[0]["df"] if resid else None)
        dfs = (
            f"{format_value(row['df'])}, {format_value(df_den)}"
            if df_den is not None
            else (format_value(row["df"]))
        )
        gg = ""
        if row.get("eps_gg") is not None:
            gg = f"; Greenhouse–Geisser ε = {row['eps_gg']:.3f}, {_p(row['pvalue_gg'], 'p = ')}"
        con.print(
            f"ANOVA {row['source']}: F({dfs}) = {format_value(row['statistic'])}, "
            f"{_p(row['pvalue'], 'p = ')}{gg}"
        )
    for key, name, letter in (("welch", "Welch ANOVA", "F"), ("kruskal", "Kruskal–Wallis", "H")):
        for row in doc.get(key) or []:
            df_den = row.get("df_denom")
            dfs = format_value(row["df"]) + (
                f", {format_value(df_den)}" if df_den is not None else ""
            )
            con.print(
                f"{name}: {letter}({dfs}) = {format_value(row['statistic'])}, "
                f"{_p(row['pvalue'], 'p = ')}"
            )
    for row in (doc.get("mixed") or {}).get("tests", []):
        con.print(
            f"mixed model {row['source']}: F({format_value(row['df'])}, "
            f"{format_value(row['df_denom'])}) = {format_value(row['statistic'])}, "
            f"{_p(row['pvalue'], 'p = ')}"
        )
    ph = doc["posthoc"]
    if ph:
        first = ph[0]
        table = Table(
            title=f"{first['method']} ({first['alternative']}, adjusted p: {first['padjust']})",
            header_style="bold",
        )
        cols = ([s["within"]] if s["within"] else []) + ["group", "reference"]
        for col in [*cols, "difference", "95% CI", "p (adj.)"]:
            table.add_column(col, justify="right" if col not in cols else "left")
        for r in ph:
            ci = f"{format_value(r['ci_low'])} to {format_value(r['ci_high'])}"
            if r["ci_low"] is None and r["ci_high"] is None:
                ci = ""
            table.add_row(
                *(str(r[c]) for c in cols), format_value(r["estimate"]), ci, _p(r["pvalue"])
            )
        con.print(table)


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats_command(
        data: Annotated[Path, typer.Argument(help="Long table: one row per animal (and time).")],
        dv: Annotated[str, typer.Option("--dv", help="Response column, e.g. immobility_s.")],
        between: Annotated[str, typer.Option("--between", help="Group column, e.g. group.")],
        control: Annotated[
            str | None,
            typer.Option("--control", help="Control group (e.g. vehicle): Dunnett vs control."),
        ] = None,
        posthoc: Annotated[
            str | None,
            typer.Option(
                "--posthoc",
                help="dunnett, dunnett-stepdown, tukey, games-howell, dunn or t "
                "(default: dunnett with --control, else tukey).",
            ),
        ] = None,
        alternative: Annotated[
            str,
            typer.Option("--alternative", help="two-sided, less or greater (group vs control)."),
        ] = "two-sided",
        within: Annotated[
            str | None,
            typer.Option("--within", help="Repeated factor (e.g. week); needs --subject."),
        ] = None,
        subject: Annotated[
            str | None,
            typer.Option("--subject", help="Animal id column for repeated measures (e.g. rat)."),
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write all results as JSON.")
        ] = None,
    ) -> None:
        """Compare groups: mean ± SEM, ANOVA, Welch, Kruskal–Wallis and post-hoc tests
        (with --within/--subject: repeated-measures ANOVA and a linear mixed model)."""
        from preclin.cli._common import write_json

        doc = run_stats(
            data,
            dv=dv,
            between=between,
            control=control,
            posthoc_method=posthoc,
            alternative=alternative,
            within=within,
            subject=subject,
        )
        _print_summary(doc)
        if out is not None:
            write_json(doc, out)
