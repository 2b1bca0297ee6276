"""``preclin pk``: simulate regimens, occupancy, dose for a target occupancy, HED."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from preclin.cli._common import parse_assignments, print_table, stderr

_PARAM_HELP = (
    "Model parameter name=value with its unit, repeatable: CL=0.15L/h/kg (or ke=0.099/h), "
    "V=1.5L/kg, Q=, V2=, Q3=, V3= (L/h/kg, L/kg or L/h, L), ka=1.2/h, F=0.5, tlag=0.25h."
)


def _regimen(
    model: str,
    dose: str,
    tau: str | None,
    n_doses: int,
    route: str | None,
    duration: str | None,
    weight: str | None,
) -> Any:
    from preclin.core.errors import InputError
    from preclin.core.validation import check_option
    from preclin.pk import MODELS, Regimen

    check_option("model", model.lower(), MODELS)
    suffix = model.lower().partition("-")[2]
    if route is None:
        if not suffix:
            raise InputError(
                f"Invalid `--route`: model {model!r} has no route; add --route oral|iv|infusion "
                "or use e.g. 1cpt-oral."
            )
        route = suffix
    return Regimen(
        dose=dose,
        route=route,
        tau=tau if tau is not None else float("inf"),
        n_doses=n_doses,
        duration=duration,
        weight=weight,
    )


def _times(spec: str | None, regimen: Any) -> Any:
    import math

    import numpy as np

    from preclin.core.errors import InputError

    if spec is None:
        tau = regimen.tau if math.isfinite(regimen.tau) else 24.0
        end = regimen.start + regimen.n_doses * tau
        return np.arange(0.0, end + 0.25, 0.5)
    try:
        if ":" in spec:
            parts = [float(x) for x in spec.split(":")]
            if len(parts) != 3 or parts[2] <= 0:
                raise ValueError
            start, stop, step = parts
            n = math.floor((stop - start) / step + 1e-9) + 1
            return start + step * np.arange(n)
        return np.array([float(x) for x in spec.split(",")])
    except ValueError:
        raise InputError(
            f"Invalid `--times`: got {spec!r}, must be start:stop:step (h) or a comma list."
        ) from None


def _echo_units(units: dict[str, str]) -> str:
    line = "units: " + ", ".join(f"{k}={v}" for k, v in units.items())
    typer.echo(line)
    return line


def _write(df: Any, out: Path | None, units_line: str, metadata: dict[str, Any]) -> None:
    if out is None:
        return
    from preclin.core.io import write_table

    if out.suffix.lower() == ".csv":
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(f"# {units_line}\n")
            df.to_csv(fh, index=False)
    else:
        write_table(df, out, metadata=metadata)
    stderr().print(f"wrote {len(df)} rows to {out}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Pharmacokinetic models, target occupancy and human dose scaling.",
        no_args_is_help=True,
    )

    model_opt = typer.Option(
        ..., "--model", help="1cpt|2cpt|3cpt with route: 1cpt-oral, 2cpt-iv, 3cpt-infusion."
    )
    param_opt = typer.Option(..., "--param", "-p", help=_PARAM_HELP)
    dose_opt = typer.Option(..., "--dose", help="Dose per administration: 10mg/kg or 2.5mg.")
    tau_opt = typer.Option(None, "--tau", help="Dosing interval with unit, e.g. 12h.")
    n_opt = typer.Option(1, "--n-doses", help="Number of doses.")
    route_opt = typer.Option(None, "--route", help="oral, iv or infusion (if not in --model).")
    dur_opt = typer.Option(None, "--duration", help="Infusion duration, e.g. 30min.")
    weight_opt = typer.Option(
        None, "--weight", help="Body weight (e.g. 0.25kg): mg/kg <-> mg, L/kg <-> L."
    )
    fu_opt = typer.Option(None, "--fu", help="Unbound fraction in plasma, (0, 1].")
    ppb_opt = typer.Option(
        None, "--ppb", help="Plasma protein binding in % (98.5 -> fu 0.015); instead of --fu."
    )
    kd_opt = typer.Option(None, "--kd", help="Kd or Ki at the target with unit, e.g. 1.1nM.")
    mw_opt = typer.Option(None, "--mw", help="Molar mass in g/mol (basimglurant 325.77).")
    kpuu_opt = typer.Option(None, "--kpuu", help="Unbound brain/plasma ratio Kp,uu.")
    out_opt = typer.Option(
        None, "--out", "-o", help="Write the profile (.csv with a '# units:' line, .json...)"
    )
    unit_opt = typer.Option("mg/L", "--conc-unit", help="Concentration unit: mg/L, ng/mL, nM.")

    def _fu(fu: float | None, ppb: float | None) -> float | None:
        from preclin.core.errors import InputError
        from preclin.pk import calculate_fu

        if fu is not None and ppb is not None:
            raise InputError("give either --fu or --ppb, not both")
        return calculate_fu(ppb) if ppb is not None else fu

    @group.command("simulate")
    def simulate(
        model: str = model_opt,
        param: list[str] = param_opt,
        dose: str = dose_opt,
        tau: str | None = tau_opt,
        n_doses: int = n_opt,
        route: str | None = route_opt,
        duration: str | None = dur_opt,
        weight: str | None = weight_opt,
        times: str | None = typer.Option(
            None,
            "--times",
            help="Times in h: start:stop:step (inclusive) or 0,1,2; default every 0.5 h "
            "over the regimen.",
        ),
        fu: float | None = fu_opt,
        ppb: float | None = ppb_opt,
        kd: str | None = kd_opt,
        mw: float | None = mw_opt,
        kpuu: float | None = kpuu_opt,
        conc_unit: str = unit_opt,
        out: Path | None = out_opt,
    ) -> None:
        """Concentration (and unbound conc., occupancy) over time for a dosing regimen.

        Output columns: time (h), conc (--conc-unit), conc_unbound (--conc-unit, with
        --fu/--ppb), conc_unbound_brain (with --kpuu), occupancy (fraction, with --kd).
        """
        from preclin.pk import simulate_pk

        reg = _regimen(model, dose, tau, n_doses, route, duration, weight)
        df = simulate_pk(
            model,
            parse_assignments(param, "--param"),
            reg,
            _times(times, reg),
            conc_unit=conc_unit,
            molar_mass=mw,
            fu=_fu(fu, ppb),
            kd=kd,
            kpuu=kpuu,
        )
        line = _echo_units(df.attrs["units"])
        print_table(df, max_rows=25)
        _write(df, out, line, {"units": df.attrs["units"], "regimen": reg.to_dict()})

    @group.command("occupancy")
    def occupancy(
        model: str = model_opt,
        param: list[str] = param_opt,
        dose: str = dose_opt,
        tau: str = typer.Option(..., "--tau", help="Dosing interval with unit, e.g. 12h."),
        route: str | None = route_opt,
        duration: str | None = dur_opt,
        weight: str | None = weight_opt,
        fu: float | None = fu_opt,
        ppb: float | None = ppb_opt,
        kd: str = typer.Option(..., "--kd", help="Kd or Ki with unit, e.g. 1.1nM."),
        mw: float | None = mw_opt,
        kpuu: float | None = kpuu_opt,
        conc_unit: str = unit_opt,
    ) -> None:
        """Steady-state exposure and occupancy over one interval (trough, mean, peak)."""
        from preclin.pk import calculate_steady_state

        reg = _regimen(model, dose, tau, 2, route, duration, weight)
        res = calculate_steady_state(
            model,
            parse_assignments(param, "--param"),
            reg,
            conc_unit=conc_unit,
            molar_mass=mw,
            fu=_fu(fu, ppb),
            kd=kd,
            kpuu=kpuu,
        )
        _echo_units({"conc": conc_unit, "time": "h", "occupancy": "fraction"})
        frame = res.to_frame().T.reset_index()
        frame.columns = ["quantity", "value"]
        print_table(frame, max_rows=60)

    @group.command("dose-for-occupancy")
    def dose_for_occupancy(
        model: str = model_opt,
        param: list[str] = param_opt,
        target: float = typer.Option(..., "--target", help="Target occupancy in (0, 1)."),
        tau: str = typer.Option(..., "--tau", help="Dosing interval with unit, e.g. 12h."),
        dose: str = typer.Option(
            "1mg/kg", "--dose", help="Reference dose; only its unit is kept (mg/kg or mg)."
        ),
        metric: str = typer.Option(
            "trough",
            "--metric",
            help="trough (Cmin,ss), peak (Cmax,ss), average_conc (Cavg,ss) or mean "
            "(occupancy averaged over the interval).",
        ),
        trough: bool = typer.Option(False, "--trough", help="Shorthand for --metric trough."),
        route: str | None = route_opt,
        duration: str | None = dur_opt,
        weight: str | None = weight_opt,
        fu: float | None = fu_opt,
        ppb: float | None = ppb_opt,
        kd: str = typer.Option(..., "--kd", help="Kd or Ki with unit, e.g. 1.1nM."),
        mw: float | None = mw_opt,
        kpuu: float | None = kpuu_opt,
    ) -> None:
        """Dose per administration that reaches a target steady-state occupancy."""
        from preclin.pk import calculate_dose_for_occupancy

        reg = _regimen(model, dose, tau, 2, route, duration, weight)
        fu_v = _fu(fu, ppb)
        res = calculate_dose_for_occupancy(
            model,
            parse_assignments(param, "--param"),
            reg,
            target,
            kd=kd,
            fu=1.0 if fu_v is None else fu_v,
            kpuu=1.0 if kpuu is None else kpuu,
            molar_mass=mw,
            metric="trough" if trough else metric,
        )
        _echo_units({"dose": res.dose_unit, "tau": "h", "conc": "mg/L", "occupancy": "fraction"})
        frame = res.to_frame().T.reset_index()
        frame.columns = ["quantity", "value"]
        print_table(frame, max_rows=60)

    @group.command("hed")
    def hed(
        dose: str = typer.Option(..., "--dose", help="Animal dose in mg/kg, e.g. 2.5mg/kg."),
        species: str = typer.Option(..., "--species", help="Species of the FDA 2005 table."),
        human_weight: float = typer.Option(60.0, "--human-weight", help="Human weight (kg)."),
        safety_factor: float = typer.Option(10.0, "--safety-factor", help="MRSD safety factor."),
    ) -> None:
        """Human equivalent dose by body surface area (FDA 2005) and MRSD.

        Output: hed and hed_table (mg/kg; exact Km ratio and the table's rounded
        factor), hed_mg (mg for --human-weight), mrsd_mg (mg), hed_exponent (mg/kg,
        weight^0.33 with reference weights).
        """
        from preclin.pk import calculate_hed

        res = calculate_hed(dose, species, human_weight=human_weight, safety_factor=safety_factor)
        _echo_units({"hed": "mg/kg", "hed_table": "mg/kg", "hed_mg": "mg", "mrsd_mg": "mg"})
        frame = res.to_frame().T.reset_index()
        frame.columns = ["quantity", "value"]
        print_table(frame, max_rows=60)

    data_arg = typer.Argument(..., help="Table with one subject's times and concentrations.")
    start_opt = typer.Option(
        None, "--start", help="Starting value name=number (canonical units), repeatable."
    )
    fixed_opt = typer.Option(
        None, "--fixed", help="Fixed parameter name=number, e.g. F=0.5; repeatable."
    )

    @group.command("fit")
    def fit(
        data: Path = data_arg,
        model: str = model_opt,
        dose: str = dose_opt,
        tau: str | None = tau_opt,
        n_doses: int = n_opt,
        route: str | None = route_opt,
        duration: str | None = dur_opt,
        time_col: str = typer.Option("time", "--time-col", help="Time column (h)."),
        conc_col: str = typer.Option(
            "conc", "--conc-col", help="Concentration column (mg/L on the dose's basis)."
        ),
        start: list[str] | None = start_opt,
        fixed: list[str] | None = fixed_opt,
        error: str = typer.Option("additive", "--error", help="additive or log residuals."),
    ) -> None:
        """Fit a compartmental model to one subject (least squares, SEs and 95 % CIs).

        Output columns: parameter, estimate, stderr, log_stderr, ci_low, ci_high
        (canonical units: L/h or L/h/kg, L or L/kg, 1/h; CL and V are CL/F, V/F unless
        F is fixed).
        """
        from preclin.cli._common import parse_float
        from preclin.core.io import read_table
        from preclin.core.validation import numeric_column
        from preclin.pk import fit_pk

        df = read_table(data)
        t = numeric_column(df, time_col, min_value=0, what="time")
        c = numeric_column(df, conc_col, min_value=0, what="concentration")
        reg = _regimen(model, dose, tau, n_doses, route, duration, None)
        st = {k: parse_float(v, "--start") for k, v in parse_assignments(start, "--start").items()}
        fx = {k: parse_float(v, "--fixed") for k, v in parse_assignments(fixed, "--fixed").items()}
        res = fit_pk(
            t, c, model=model, regimen=reg, start=st or None, fixed=fx or None, error=error
        )
        _echo_units({"time": "h", "conc": "mg/L", "CL": "L/h(/kg)", "V": "L(/kg)", "ka": "1/h"})
        print_table(res.to_frame())
        for line in res._summary_lines():
            typer.echo(line)

    app.add_typer(group, name="pk")
