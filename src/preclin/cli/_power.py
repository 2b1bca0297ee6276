"""``preclin power``: power and sample size (t tests, ANOVA, two proportions)."""

from __future__ import annotations

from typing import Any

import typer

_TESTS = ["t1", "t2", "paired", "anova", "prop2", "resource"]
_KIND = {"t1": "one-sample", "t2": "two-sample", "paired": "paired"}


def run_power(
    *,
    test: str,
    effect: float | None,
    sd: float | None,
    n: float | None,
    power: float | None,
    alpha: float,
    alternative: str,
    k: int | None,
    p1: float | None,
    p2: float | None,
    method: str,
    pilot_n: int | None,
) -> Any:
    """Validate the options and call the stats room (no printing)."""
    from preclin.core import InputError, check_option
    from preclin.stats import (
        power_anova,
        power_from_pilot,
        power_prop2,
        power_ttest,
        resource_equation,
    )

    check_option("test", test, _TESTS)
    check_option("alternative", alternative, ["two-sided", "greater", "less"])
    if effect is not None and effect < 0:
        raise InputError(
            f"Invalid `--effect`: got {effect:g}, must be >= 0 "
            "(give the direction with --alternative)."
        )
    if sd is not None and sd <= 0:
        raise InputError(f"Invalid `--sd`: got {sd:g}, must be > 0.")
    if test == "resource":
        if k is None:
            raise InputError("--test resource needs --k (the number of groups)")
        return resource_equation(k)
    if test in _KIND:
        kind = _KIND[test]
        if sd is not None:
            return power_from_pilot(
                effect,
                sd,
                n,
                power,
                alpha=alpha,
                kind=kind,
                alternative=alternative,
                pilot_n=pilot_n,
            )
        if pilot_n is not None:
            raise InputError("--pilot-n needs --sd (the pilot SD) and --effect in raw units")
        d = None if effect is None else (-effect if alternative == "less" else effect)
        return power_ttest(d, n, power, alpha=alpha, kind=kind, alternative=alternative)
    if test == "anova":
        if k is None:
            raise InputError("--test anova needs --k (the number of groups)")
        if sd is not None:
            raise InputError("--test anova takes Cohen's f as --effect, not --sd")
        return power_anova(effect, n, power, k=k, alpha=alpha)
    h = None if effect is None else (-effect if alternative == "less" else effect)
    return power_prop2(
        h, n, power, p1=p1, p2=p2, alpha=alpha, alternative=alternative, method=method
    )


def register(app: typer.Typer) -> None:
    @app.command("power")
    def power_cmd(
        test: str = typer.Option(
            "t2", "--test", help="t1 | t2 | paired | anova | prop2 | resource."
        ),
        effect: float | None = typer.Option(
            None,
            "--effect",
            help="Effect to detect: raw difference with --sd, else Cohen's d (t), f (anova) "
            "or h (prop2). Leave out to solve for it.",
        ),
        sd: float | None = typer.Option(None, "--sd", help="SD in raw units (e.g. from a pilot)."),
        n: float | None = typer.Option(
            None, "--n", help="Animals per group (leave out to solve)."
        ),
        power: float | None = typer.Option(None, "--power", help="Power in (0, 1)."),
        alpha: float = typer.Option(0.05, "--alpha", help="Significance level."),
        alternative: str = typer.Option(
            "two-sided", "--alternative", help="two-sided | greater | less."
        ),
        k: int | None = typer.Option(None, "--k", help="Number of groups (anova, resource)."),
        p1: float | None = typer.Option(None, "--p1", help="Proportion in group 1 (prop2)."),
        p2: float | None = typer.Option(None, "--p2", help="Proportion in group 2 (prop2)."),
        method: str = typer.Option("arcsine", "--method", help="prop2: arcsine | normal."),
        pilot_n: int | None = typer.Option(
            None, "--pilot-n", help="Pilot n per group: use the upper 80% confidence SD."
        ),
    ) -> None:
        """Power, sample size or detectable effect: leave exactly one of --effect, --n,
        --power out.

        Example: preclin power --test t2 --effect 40 --sd 30 --power 0.8
        """
        from preclin.cli._common import print_table, stdout

        res = run_power(
            test=test,
            effect=effect,
            sd=sd,
            n=n,
            power=power,
            alpha=alpha,
            alternative=alternative,
            k=k,
            p1=p1,
            p2=p2,
            method=method,
            pilot_n=pilot_n,
        )
        frame = res.to_frame()
        frame = frame[[c for c in frame.columns if frame[c].notna().all()]]
        print_table(frame, title=res._title())
        for line in res._summary_lines():
            stdout().print(line)
