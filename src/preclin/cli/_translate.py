"""``preclin trial simulate|size`` and ``preclin translate COMPOUND`` (the bridge)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from preclin.cli._common import print_table, stderr

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Bridge: {{ b.compound }}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f4f4f4}.gap{color:#8b0000}
.src{font-family:monospace;font-size:11px;color:#555}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Bridge: {{ b.compound }} ({{ b.target }})</h1>
<p>Affinity used for occupancy: {{ "%.3g"|format(b.kd_nM) }} nM; molar mass
{{ b.molar_mass }} g/mol. Every number names its source: <code>ref:</code> a reference in the
knowledge store, <code>calc:</code> computed by preclin (with its inputs),
<code>user:</code> given on the command line, <code>[assumed]</code> a stated default.</p>
<h2>Gaps</h2>
<ul>{% for g in b.gaps %}<li class="gap">{{ g }}</li>
{% else %}<li>none flagged</li>{% endfor %}</ul>
<h2>Assumptions</h2>
<ul>{% for k, v in b.assumptions.items() %}<li>{{ k }}: {{ v }}</li>{% endfor %}</ul>
{{ figure|safe }}
<h2>Table</h2>
<table><tr>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for r in rows %}<tr>{% for c in columns %}<td{% if c == "source" %} class="src"{% endif %}>
{{ r[c] }}</td>{% endfor %}</tr>{% endfor %}</table>
<p class="src">preclin {{ version }}</p>
</body></html>
"""


def _fmt(v: Any) -> str:
    from preclin.cli._common import format_value

    return format_value(v)


def render_bridge_html(b: Any) -> str:
    """A small self-contained HTML page of a bridge (Jinja2, autoescaped; inline SVG)."""
    import io

    import jinja2
    import matplotlib

    from preclin._version import __version__
    from preclin.translate import plot_bridge

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "bridge"}):
        plot_bridge(b).savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.find("<svg") :]
    env = jinja2.Environment(autoescape=True)
    rows = [{c: _fmt(v) for c, v in r.items()} for r in b.table.to_dict(orient="records")]
    return env.from_string(_HTML).render(
        b=b, rows=rows, columns=list(b.table.columns), figure=svg, version=__version__
    )


def register(app: typer.Typer) -> None:
    trial = typer.Typer(
        help="Clinical-trial simulation: power, assurance, winner's curse, sample size.",
        no_args_is_help=True,
    )

    arms_o = typer.Option(2, "--arms", help="Arms including placebo.")
    smd_o = typer.Option(None, "--effect-smd", help="Drug benefit over placebo in SD units.")
    pts_o = typer.Option(None, "--effect", help="Drug benefit over placebo in points.")
    sd_o = typer.Option(8.0, "--placebo-sd", "--sd", help="Between-patient SD of the change.")
    pr_o = typer.Option(-10.0, "--placebo-response", help="Mean placebo change (points).")
    rho_o = typer.Option(0.0, "--baseline-corr", help="Correlation of baseline with change.")
    site_o = typer.Option(0.0, "--site-sd", help="SD of random site effects (points).")
    nsite_o = typer.Option(1, "--n-sites", help="Number of sites.")
    drop_o = typer.Option(0.0, "--dropout", help="Dropout probability, [0, 1).")
    mech_o = typer.Option("mcar", "--dropout-mechanism", help="mcar or mar (early response).")
    end_o = typer.Option("continuous", "--endpoint", help="continuous or responder (>= 50 %).")
    an_o = typer.Option("ancova", "--analysis", help="ancova or ttest.")
    alpha_o = typer.Option(0.05, "--alpha", help="Two-sided significance level.")
    mult_o = typer.Option("bonferroni", "--multiplicity", help="bonferroni, dunnett or none.")
    seed_o = typer.Option(None, "--seed", help="Random seed (reproducible output).")
    json_out_o = typer.Option(None, "--out", help="Write the result as JSON.")
    db_o = typer.Option(None, "--db", help="Knowledge store (DuckDB file).")
    dose_o = typer.Option(None, "--dose", help="Efficacious animal dose in mg/kg (repeatable).")
    study_o = typer.Option(
        None, "--study", help="A study YAML (preclin study analyze) for effect sizes."
    )
    bridge_out_o = typer.Option(
        None, "--out", help="Write the bridge: .html (page), .csv/.parquet/.xlsx (table), .json."
    )
    figure_o = typer.Option(None, "--figure", help="Save the bridge figure (png/svg/pdf).")

    @trial.command("simulate")
    def simulate(
        n: int = typer.Option(150, "--n", help="Patients randomised per arm."),
        arms: int = arms_o,
        effect_smd: float | None = smd_o,
        effect: float | None = pts_o,
        sd: float = sd_o,
        placebo_response: float = pr_o,
        baseline_corr: float = rho_o,
        site_sd: float = site_o,
        n_sites: int = nsite_o,
        dropout: float = drop_o,
        dropout_mechanism: str = mech_o,
        endpoint: str = end_o,
        analysis: str = an_o,
        alpha: float = alpha_o,
        multiplicity: str = mult_o,
        n_sim: int = typer.Option(10000, "--n-sim", help="Simulated trials."),
        seed: int | None = seed_o,
        prior_sd: float | None = typer.Option(
            None, "--prior-sd", help="SD of a normal prior on the SMD (assurance)."
        ),
        animal_g: float | None = typer.Option(
            None, "--animal-g", help="Animal effect size (Hedges' g) to translate."
        ),
        animal_ci: str | None = typer.Option(None, "--animal-ci", help="Its 95 % CI: low,high."),
        shrinkage: float = typer.Option(0.2, "--shrinkage", help="Assumed mean shrinkage."),
        shrinkage_sd: float = typer.Option(0.1, "--shrinkage-sd", help="Its SD (Beta prior)."),
        out: Path | None = json_out_o,
    ) -> None:
        """Simulate many trials at once: power (MC SE), assurance, winner's curse."""
        import json

        from preclin.cli._common import parse_float
        from preclin.core import InputError
        from preclin.translate import (
            calculate_translated_effect,
            make_effect_prior,
            simulate_trial,
        )

        prior: Any = None
        if animal_g is not None:
            lo = hi = None
            if animal_ci is not None:
                parts = animal_ci.split(",")
                if len(parts) != 2:
                    raise InputError(
                        f"Invalid `--animal-ci`: got {animal_ci!r}, must be low,high."
                    )
                lo, hi = (parse_float(p, "--animal-ci") for p in parts)
            prior = calculate_translated_effect(
                animal_g,
                ci_low=lo,
                ci_high=hi,
                shrinkage_mean=shrinkage,
                shrinkage_sd=shrinkage_sd,
                scale_sd=sd,
                source="user:--animal-g",
            )
        elif prior_sd is not None:
            if effect_smd is None:
                raise InputError("--prior-sd needs --effect-smd (the prior mean)")
            prior = make_effect_prior(effect_smd, prior_sd, label="user:--prior-sd")
        res = simulate_trial(
            n,
            arms=arms,
            effect=effect,
            effect_smd=effect_smd,
            sd=sd,
            placebo_response=placebo_response,
            baseline_corr=baseline_corr,
            site_sd=site_sd,
            n_sites=n_sites,
            dropout=dropout,
            dropout_mechanism=dropout_mechanism,
            endpoint=endpoint,
            analysis=analysis,
            alpha=alpha,
            multiplicity=multiplicity,
            prior=prior,
            n_sim=n_sim,
            seed=seed,
        )
        cols = [
            "arm",
            "n",
            "effect",
            "effect_smd",
            "power",
            "power_stderr",
            "power_analytic",
            "estimate_given_success",
            "mean_completers",
        ]
        print_table(res.arms_table, title=res._title(), columns=cols)
        for line in res._summary_lines():
            typer.echo(line)
        if animal_g is not None:
            from preclin.translate import calculate_translation_sensitivity

            sens = calculate_translation_sensitivity(
                animal_g,
                n=n,
                scale_sd=sd,
                arms=arms,
                baseline_corr=baseline_corr,
                dropout=dropout,
                analysis=analysis,
                alpha=alpha,
                multiplicity=multiplicity,
            )
            print_table(
                sens,
                title="Power if the shrinkage assumption is wrong (closed form)",
                columns=["shrinkage", "human_smd", "effect_points", "power_analytic"],
            )
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(res.to_dict(), indent=2, sort_keys=True), encoding="utf-8")
            stderr().print(f"wrote {out}")

    @trial.command("size")
    def size(
        effect_smd: float = typer.Option(..., "--effect-smd", help="Benefit in SD units."),
        power: float = typer.Option(0.8, "--power", help="Target power."),
        arms: int = arms_o,
        sd: float = sd_o,
        baseline_corr: float = rho_o,
        site_sd: float = site_o,
        n_sites: int = nsite_o,
        dropout: float = drop_o,
        endpoint: str = end_o,
        analysis: str = an_o,
        alpha: float = alpha_o,
        multiplicity: str = mult_o,
        n_sim: int = typer.Option(10000, "--n-sim", help="Trials to check the answer (0: skip)."),
        seed: int | None = seed_o,
    ) -> None:
        """Patients per arm for a target power: closed form, checked by simulation."""
        from preclin.translate import calculate_trial_size

        res = calculate_trial_size(
            effect_smd,
            power=power,
            arms=arms,
            sd=sd,
            baseline_corr=baseline_corr,
            site_sd=site_sd,
            n_sites=n_sites,
            dropout=dropout,
            endpoint=endpoint,
            analysis=analysis,
            alpha=alpha,
            multiplicity=multiplicity,
            n_sim=n_sim,
            seed=seed,
        )
        cols = [
            "n_completers",
            "n_per_arm",
            "n_total",
            "power_analytic",
            "power_simulated",
            "power_stderr",
            "achieved",
        ]
        print_table(res.to_frame(), title=res._title(), columns=cols)
        for line in res._summary_lines():
            typer.echo(line)

    app.add_typer(trial, name="trial")

    @app.command("translate")
    def translate(
        compound: str = typer.Argument(..., help="Compound name, id or synonym in the store."),
        db: Path | None = db_o,
        dose: list[float] | None = dose_o,
        species: str | None = typer.Option(None, "--species", help="Species of --dose/--study."),
        repeated: bool = typer.Option(False, "--repeated", help="--dose daily to steady state."),
        study: Path | None = study_o,
        kd: float | None = typer.Option(
            None, "--kd", help="Affinity in nM (overrides the store)."
        ),
        adverse_dose: float | None = typer.Option(
            None, "--adverse-dose", help="Lowest animal dose (mg/kg) with an adverse effect."
        ),
        out: Path | None = bridge_out_o,
        figure: Path | None = figure_o,
    ) -> None:
        """The translational bridge of a compound: potency, exposure, occupancy, efficacy,
        human dose, with every number's source and the gaps flagged."""
        import json

        from preclin.knowledge import KnowledgeBase
        from preclin.translate import bridge

        summary = None
        if study is not None:
            from preclin.invivo import analyze_study

            summary = analyze_study(study)
        with KnowledgeBase(db, read_only=db is not None and db.exists()) as kb:
            b = bridge(
                compound,
                kb=kb,
                doses=dose or None,
                species=species,
                repeated=repeated,
                study=summary,
                kd=kd,
                adverse_dose=adverse_dose,
            )
        cols = [
            "section",
            "quantity",
            "species",
            "dose",
            "value",
            "unit",
            "ci_low",
            "ci_high",
            "source",
        ]
        from rich.markup import escape

        legend: dict[str, str] = {}

        def short(src: str) -> str:  # long calc: sources get a numbered legend below
            if "(" not in src:
                return escape(src)
            key = legend.setdefault(src, f"[{len(legend) + 1}]")
            return escape(f"{src.split('(')[0]} {key}")

        shown = b.table.assign(source=b.table["source"].map(short), note=None)
        print_table(shown, title=b._title(), columns=cols, max_rows=80)
        for src, key in legend.items():
            typer.echo(f"{key} {src}")
        for g in b.gaps:
            typer.echo(f"gap: {g}")
        for k, v in b.assumptions.items():
            typer.echo(f"assumed: {k} = {v}")
        if figure is not None:
            from preclin.translate import plot_bridge

            figure.parent.mkdir(parents=True, exist_ok=True)
            plot_bridge(b).savefig(
                figure, metadata={"Date": None} if figure.suffix == ".svg" else None
            )
            stderr().print(f"wrote {figure}")
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            suffix = out.suffix.lower()
            if suffix in (".html", ".htm"):
                out.write_text(render_bridge_html(b), encoding="utf-8")
            elif suffix == ".json":
                out.write_text(json.dumps(b.to_dict(), indent=2, sort_keys=True), encoding="utf-8")
            else:
                from preclin.core.io import write_table

                write_table(b.table, out)
            stderr().print(f"wrote {out}")
