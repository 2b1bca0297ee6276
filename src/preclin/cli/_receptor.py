"""``preclin receptor``: Cheng–Prusoff, occupancy, Schild analysis, pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

_MW_HELP = "Molar mass (g/mol), to convert mass concentrations (ng/mL)."


def _unit_of(text: str, default: str = "nM") -> str:
    from preclin.core import parse_quantity
    from preclin.core.units import dimension_of

    _, unit = parse_quantity(text, default_unit=default)
    return unit if dimension_of(unit) == "molar" else default


def _write_result(result, out: Path | None, table) -> None:
    import json

    from preclin.cli._common import stderr
    from preclin.core import write_table

    if out is None:
        return
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(result.to_dict(), indent=1, default=str) + "\n")
    else:
        write_table(table, out)
    stderr().print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Receptor theory: Cheng–Prusoff, occupancy, Schild analysis, pathways.",
        no_args_is_help=True,
    )
    app.add_typer(group, name="receptor")

    @group.command("cheng-prusoff")
    def cheng_prusoff(
        ic50: Annotated[str, typer.Option("--ic50", help="IC50 with its unit, e.g. 12nM.")],
        agonist_conc: Annotated[
            str | None, typer.Option("--agonist-conc", help="Agonist concentration [A].")
        ] = None,
        agonist_ec50: Annotated[
            str | None, typer.Option("--agonist-ec50", help="EC50 of the agonist alone.")
        ] = None,
        hill: Annotated[
            float, typer.Option("--hill", help="Agonist Hill slope (Leff–Dougall).")
        ] = 1.0,
        radioligand_conc: Annotated[
            str | None, typer.Option("--radioligand-conc", help="Binding: radioligand [L].")
        ] = None,
        kd: Annotated[str | None, typer.Option("--kd", help="Binding: radioligand Kd.")] = None,
        mw: Annotated[float | None, typer.Option("--mw", help=_MW_HELP)] = None,
    ) -> None:
        """Ki from a binding IC50, or a functional KB from an antagonist IC50."""
        import math

        import pandas as pd

        from preclin.cli._common import print_table
        from preclin.core import InputError
        from preclin.receptor import calculate_kb, calculate_ki

        unit = _unit_of(ic50)
        binding = radioligand_conc is not None or kd is not None
        functional = agonist_conc is not None or agonist_ec50 is not None
        if binding and functional:
            raise InputError(
                "give either --radioligand-conc and --kd (binding Ki) or --agonist-conc and "
                "--agonist-ec50 (functional KB), not both"
            )
        if binding:
            if radioligand_conc is None or kd is None:
                raise InputError("a binding Ki needs both --radioligand-conc and --kd")
            ki = calculate_ki(ic50, radioligand_conc=radioligand_conc, kd=kd, unit=unit,
                              molar_mass=mw)  # fmt: skip
            rows = [("Ki (Cheng–Prusoff)", ki)]
        else:
            if agonist_conc is None or agonist_ec50 is None:
                raise InputError(
                    "a functional KB needs --agonist-conc and --agonist-ec50 "
                    "(or give --radioligand-conc and --kd for a binding Ki)"
                )
            kw: dict[str, Any] = {
                "agonist_conc": agonist_conc,
                "agonist_ec50": agonist_ec50,
                "unit": unit,
            }
            kw["molar_mass"] = mw
            rows = [
                ("KB (Leff–Dougall)", calculate_kb(ic50, agonist_hill=hill, **kw)),
                ("KB (Cheng–Prusoff)", calculate_kb(ic50, method="cheng-prusoff", **kw)),
            ]
        from preclin.core import convert

        table = pd.DataFrame(
            {
                "quantity": [r[0] for r in rows],
                "value": [r[1] for r in rows],
                "unit": unit,
                "p_affinity": [-math.log10(convert(r[1], unit, "M")) for r in rows],
            }
        )
        print_table(table, title=f"IC50 {ic50}")

    @group.command("occupancy")
    def occupancy(
        conc: Annotated[str, typer.Option("--conc", help="Free ligand concentration, e.g. 5nM.")],
        kd: Annotated[str, typer.Option("--kd", help="Kd (or Ki), e.g. 1.1nM.")],
        hill: Annotated[float, typer.Option("--hill", help="Hill coefficient.")] = 1.0,
        mw: Annotated[float | None, typer.Option("--mw", help=_MW_HELP)] = None,
    ) -> None:
        """Fractional receptor occupancy (Hill–Langmuir)."""
        import pandas as pd

        from preclin.cli._common import print_table
        from preclin.receptor import calculate_occupancy

        occ = calculate_occupancy(conc, kd, hill=hill, unit=_unit_of(kd), molar_mass=mw)
        table = pd.DataFrame(
            {"conc": [conc], "kd": [kd], "hill": [hill], "occupancy": [occ],
             "occupancy_pct": [100 * occ]}
        )  # fmt: skip
        print_table(table, title="Receptor occupancy")

    @group.command("schild")
    def schild(
        data: Annotated[Path, typer.Argument(help="Long table: one row per well.")],
        x: Annotated[str, typer.Option("--x", help="Agonist concentration column.")],
        y: Annotated[str, typer.Option("--y", help="Response column.")],
        antagonist: Annotated[
            str, typer.Option("--antagonist", help="Antagonist concentration column (0 = none).")
        ],
        x_unit: Annotated[str, typer.Option("--x-unit", help="Unit of --x (M, uM, nM).")] = "M",
        antagonist_unit: Annotated[
            str | None, typer.Option("--antagonist-unit", help="Unit of --antagonist.")
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the result (.json) or table (.csv).")
        ] = None,
    ) -> None:
        """Schild analysis: EC50 shifts → dose ratios → pA2 and Schild slope."""
        from preclin.cli._common import print_table, stdout
        from preclin.core import read_table
        from preclin.receptor import fit_schild

        frame = read_table(data)
        res = fit_schild(
            frame, x=x, y=y, antagonist=antagonist, x_unit=x_unit,
            antagonist_unit=antagonist_unit,
        )  # fmt: skip
        print_table(res.curves, title="Agonist curves")
        print_table(res.regression, title="Schild regression")
        if res.message:
            stdout().print(res.message)
        _write_result(res, out, res.regression)

    @group.command("pathway")
    def pathway(
        name: Annotated[str, typer.Argument(help="5ht1a or mglur5.")],
        nodes: Annotated[bool, typer.Option("--nodes", help="List nodes, not edges.")] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the table (.csv, .parquet, .json).")
        ] = None,
    ) -> None:
        """A signalling cascade as a table of edges (or nodes)."""
        from preclin.cli._common import write_or_print
        from preclin.receptor import load_pathway

        p = load_pathway(name)
        table = p.to_frame("nodes" if nodes else "edges")
        write_or_print(table, out, title=p.title)
