"""``preclin nca``: non-compartmental analysis of a concentration–time table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pandas as pd

_ROUTES = {
    "oral": "extravascular",
    "po": "extravascular",
    "extravascular": "extravascular",
    "sc": "extravascular",
    "ip": "extravascular",
    "iv": "iv-bolus",
    "iv-bolus": "iv-bolus",
    "iv-infusion": "iv-infusion",
}
_SHOWN = [
    "n", "cmax", "tmax", "tlast", "auclast", "aucinf_obs", "aucivinf_obs", "aucpext_obs",
    "half_life", "lambda_z_n_points", "adj_r_squared", "c0", "cl_obs", "vz_obs", "vss_obs",
]  # fmt: skip
_SS = ["auctau_ss", "cmax_ss", "cmin_ss", "cavg_ss", "accumulation_ratio"]


def _dose_arg(text: str | None) -> float | str | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # a column name


def _partials(items: list[str] | None) -> list[tuple[float, float]]:
    from preclin.core.errors import InputError

    out: list[tuple[float, float]] = []
    for item in items or []:
        start, sep, end = item.partition("-")
        try:
            if not sep:
                raise ValueError
            out.append((float(start), float(end)))
        except ValueError:
            raise InputError(
                f"Invalid `--partial`: got {item!r}, must look like start-end (e.g. 0-24)."
            ) from None
    return out


def _print(res: pd.DataFrame, subject: str, show_all: bool, title: str) -> None:
    from rich.table import Table

    from preclin.cli._common import format_value, stdout

    units = res.attrs.get("units", {})
    if show_all:
        cols = list(res.columns)
    else:
        extra = [c for c in res.columns if c.startswith("auc_") or c in _SS]
        cols = [subject, *[c for c in _SHOWN if c in res.columns], *extra, "message"]
        cols = [c for c in cols if c == subject or c == "message" or res[c].notna().any()]
    if len(cols) > 15 or len(res) == 1:
        # parameters as rows, subjects as columns (reads like a PK report table)
        table = Table(title=title, header_style="bold")
        table.add_column("parameter")
        table.add_column("unit")
        for sid in res[subject]:
            table.add_column(str(sid), overflow="fold")
        for c in cols:
            if c == subject:
                continue
            table.add_row(c, units.get(c, ""), *(format_value(v) for v in res[c]))
    else:
        table = Table(title=title, header_style="bold")
        for c in cols:
            unit = units.get(c)
            table.add_column(f"{c}\n{unit}" if unit else c, overflow="fold")
        for row in res[cols].itertuples(index=False):
            table.add_row(*(format_value(v) for v in row))
    stdout().print(table)


def register(app: typer.Typer) -> None:
    @app.command("nca")
    def nca(
        data: Annotated[Path, typer.Argument(help="Long table: one row per sample.")],
        subject: Annotated[str, typer.Option("--subject", help="Subject id column.")],
        time: Annotated[str, typer.Option("--time", help="Time-after-dose column.")],
        conc: Annotated[str, typer.Option("--conc", help="Concentration column.")],
        dose: Annotated[
            str | None, typer.Option("--dose", help="Dose column, or one dose for all.")
        ] = None,
        route: Annotated[
            str, typer.Option("--route", help="oral (extravascular), iv (bolus), iv-infusion.")
        ] = "oral",
        duration: Annotated[
            str | None, typer.Option("--duration", help="Infusion duration or its column.")
        ] = None,
        auc_method: Annotated[
            str, typer.Option("--auc-method", help="lin-log (linear up/log down) or linear.")
        ] = "lin-log",
        lloq: Annotated[
            float | None,
            typer.Option("--lloq", help="LLOQ: values below and '<LLOQ'/'BLQ' text are BLQ."),
        ] = None,
        blq: Annotated[
            str | None,
            typer.Option("--blq", help="BLQ rule for all positions: zero, drop or lloq/2."),
        ] = None,
        blq_marker: Annotated[
            list[str] | None,
            typer.Option("--blq-marker", help="Text meaning below the LLOQ (repeatable)."),
        ] = None,
        partial: Annotated[
            list[str] | None,
            typer.Option("--partial", help="Partial AUC start-end, e.g. 0-24 (repeatable)."),
        ] = None,
        tau: Annotated[
            float | None,
            typer.Option("--tau", help="Dosing interval: steady state by superposition."),
        ] = None,
        time_unit: Annotated[str, typer.Option("--time-unit", help="Time unit.")] = "h",
        conc_unit: Annotated[
            str, typer.Option("--conc-unit", help="Concentration unit.")
        ] = "ng/mL",
        dose_unit: Annotated[str, typer.Option("--dose-unit", help="Dose unit.")] = "mg/kg",
        molar_mass: Annotated[
            float | None, typer.Option("--molar-mass", help="g/mol (molar ↔ mass units).")
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", "-o", help="Write all columns (.csv, .parquet, .json)."),
        ] = None,
        show_all: Annotated[bool, typer.Option("--all", help="Print every column.")] = False,
    ) -> None:
        """Non-compartmental analysis (PKNCA rules), one row per subject."""
        from preclin.cli._common import stderr
        from preclin.core.io import read_table, write_table
        from preclin.core.provenance import hash_file
        from preclin.core.validation import check_option
        from preclin.pk import calculate_nca

        key = route.strip().lower()
        check_option("route", key, list(_ROUTES))

        df = read_table(data)
        res = calculate_nca(
            df,
            subject=subject,
            time=time,
            conc=conc,
            dose=_dose_arg(dose),
            route=_ROUTES[key],
            duration=_dose_arg(duration),
            auc_method=auc_method,
            blq=blq,
            lloq=lloq,
            blq_markers=blq_marker,
            partial_aucs=_partials(partial),
            tau=tau,
            time_unit=time_unit,
            conc_unit=conc_unit,
            dose_unit=dose_unit,
            molar_mass=molar_mass,
        )
        settings = res.attrs["settings"]
        title = (
            f"NCA of {data.name}: {len(res)} subjects, route {settings['route']}, "
            f"AUC {settings['auc_method']}"
        )
        if out is not None:
            meta = {
                "units": res.attrs["units"],
                "settings": settings,
                "input": {str(data): hash_file(data)},
            }
            write_table(res, out, metadata=meta)
        _print(res, subject, show_all, title)
        if out is not None:
            stderr().print(f"wrote {len(res)} rows to {out}")
