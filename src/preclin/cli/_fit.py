"""``preclin fit``: concentration–response fits of every curve in a table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import pandas as pd

_PROGRESS_MIN = 5000  # curves: show a progress bar above this


def _profile_cis(
    data: pd.DataFrame, fits: pd.DataFrame, *, x: str, y: str, by: list[str], opts: dict[str, Any]
) -> pd.DataFrame:
    """Replace the EC50 CIs by profile-likelihood ones (C2's ``calculate_ed``)."""
    import numpy as np

    from preclin.core import InputError

    try:
        from preclin.curves import calculate_ed
    except ImportError:  # pragma: no cover - depends on the inference section
        raise InputError(
            "Invalid `--ci`: profile CIs are not available yet; use --ci delta"
        ) from None
    from preclin.curves import fit_curve

    fits = fits.copy()
    groups = data.groupby(by, sort=False, dropna=False) if by else [((), data)]
    lows, highs = [], []
    # profile likelihood refits each curve many times: an explicit opt-in, one curve at a time
    for (_, part), row in zip(groups, fits.itertuples(index=False)):
        low = high = np.nan
        if row.converged and np.isfinite(float(row.ec50)):  # type: ignore[arg-type]
            fit = fit_curve(part[x].to_numpy(float), part[y].to_numpy(float), **opts)
            ci = calculate_ed(fit, [50], interval="profile", ci_level=opts["ci_level"])
            low, high = float(ci["ci_low"].iloc[0]), float(ci["ci_high"].iloc[0])
        lows.append(low)
        highs.append(high)
    fits["ec50_ci_low"] = lows
    fits["ec50_ci_high"] = highs
    fits["ec50_ci_method"] = "profile"
    return fits


def _display(fits: pd.DataFrame, by: list[str], ci_level: float) -> pd.DataFrame:
    """The readable subset: curve ids, EC50 [CI], the shape parameters, flags."""
    import numpy as np
    import pandas as pd

    from preclin.cli._common import format_value

    unit = fits["x_unit"].dropna().unique()
    unit_txt = f" ({unit[0]})" if len(unit) == 1 and unit[0] else ""
    ec = [
        "" if not np.isfinite(e) else f"{format_value(e)} [{format_value(lo)}, {format_value(hi)}]"
        for e, lo, hi in zip(fits["ec50"], fits["ec50_ci_low"], fits["ec50_ci_high"])
    ]
    out = pd.DataFrame({c: fits[c].astype(str) for c in by})
    out[f"ec50{unit_txt} [{ci_level:.0%} CI]"] = ec
    skip = {"ec50", "model", "n", "converged", "message", "flags", "x_unit", *by}
    params = [c for c in fits.columns if c not in skip and not c.endswith("_se")]
    params = params[: params.index("log10_ec50")] if "log10_ec50" in params else params
    for c in params[:7]:
        out[c] = fits[c]
    out["flags"] = fits["flags"].str.replace(";", ", ")
    return out


def run_fit(
    data_path: Path,
    *,
    x: str,
    y: str,
    curve: list[str] | None,
    model: str,
    x_unit: str | None,
    fix: list[str] | None,
    ci: str,
    se: str,
    ci_level: float,
    weights: str | None,
    progress: bool = True,
) -> pd.DataFrame:
    """Fit every curve of ``data_path`` (the work behind ``preclin fit``, no printing)."""
    from preclin.cli._common import parse_assignments, parse_float
    from preclin.core import check_option, read_table
    from preclin.curves import fit_curves

    check_option("ci", ci, ["delta", "profile"])
    data = read_table(data_path)
    fixed = {k: parse_float(v, "--fix") for k, v in parse_assignments(fix, "--fix").items()}
    by = list(curve or [])
    bar: dict[str, Any] = {}

    def report(done: int, total: int) -> None:
        if total < _PROGRESS_MIN or not progress:
            return
        if not bar:
            from rich.progress import Progress

            from preclin.cli._common import stderr

            bar["p"] = Progress(console=stderr(), transient=True)
            bar["p"].start()
            bar["t"] = bar["p"].add_task("fitting curves", total=total)
        bar["p"].update(bar["t"], completed=done)

    try:
        fits = fit_curves(
            data, x=x, y=y, by=by or None, model=model, x_unit=x_unit, fix=fixed or None,
            se=se, ci_level=ci_level, weights=weights, progress=report,
        )  # fmt: skip
    finally:
        if bar:
            bar["p"].stop()
    if ci == "profile":
        opts = {"model": model, "fix": fixed or None, "se": se, "ci_level": ci_level}
        fits = _profile_cis(data, fits, x=x, y=y, by=by, opts=opts)
    return fits


def register(app: typer.Typer) -> None:
    @app.command("fit")
    def fit(
        data: Annotated[Path, typer.Argument(help="Table (csv, tsv, parquet, xlsx, json).")],
        x: Annotated[str, typer.Option("--x", help="Concentration column (0 = vehicle).")],
        y: Annotated[str, typer.Option("--y", help="Response column.")],
        curve: Annotated[
            list[str] | None,
            typer.Option("--curve", help="Column(s) identifying a curve (repeat the option)."),
        ] = None,
        model: Annotated[
            str,
            typer.Option(
                help="ll4 (4PL), ll2, ll3, ll5, w1.3, w1.4, w2.3, w2.4, bc5, bell, biphasic."
            ),
        ] = "ll4",
        x_unit: Annotated[
            str | None, typer.Option("--x-unit", help="Unit of --x (e.g. uM), or a column.")
        ] = None,
        fix: Annotated[
            list[str] | None,
            typer.Option("--fix", help="Hold a parameter fixed: hill=-1, bottom=0 (repeat)."),
        ] = None,
        ci: Annotated[
            str, typer.Option("--ci", help="EC50 CI: delta (log scale) or profile.")
        ] = "delta",
        se: Annotated[
            str, typer.Option("--se", help="Standard errors: gauss-newton or hessian (drc).")
        ] = "gauss-newton",
        ci_level: Annotated[float, typer.Option("--ci-level", help="Confidence level.")] = 0.95,
        weights: Annotated[
            str | None, typer.Option("--weights", help="Column of case weights.")
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Write all columns to .csv, .parquet or .json."),
        ] = None,
        max_rows: Annotated[int, typer.Option("--max-rows", help="Rows to print.")] = 40,
    ) -> None:
        """Fit a concentration-response model to every curve (one row per curve)."""
        from preclin.cli._common import print_table, stderr
        from preclin.core import write_table

        fits = run_fit(
            data, x=x, y=y, curve=curve, model=model, x_unit=x_unit, fix=fix, ci=ci, se=se,
            ci_level=ci_level, weights=weights,
        )  # fmt: skip
        by = list(curve or [])
        shown = _display(fits, by, ci_level)
        n_ok = int(fits["converged"].sum())
        title = f"{fits['model'].iloc[0] if len(fits) else model} fits: {len(fits)} curves"
        print_table(shown, title=f"{title}, {n_ok} converged", max_rows=max_rows)
        flagged = fits[fits["message"] != ""]
        con = stderr()
        for row in flagged.head(max_rows).itertuples(index=False):
            ids = ", ".join(str(getattr(row, c)) for c in by) or "curve"
            con.print(f"[bold]{ids}[/bold]: {row.message}", highlight=False)
        if out is not None:
            write_table(fits, out)
            con.print(f"wrote {len(fits)} rows to {out}")
