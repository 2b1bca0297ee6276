"""``preclin guide``: comparative guides (build, new, list).

Exit codes: 0 success; 2 bad input (a spec line naming a missing compound,
file, column or reference; ``--pdf`` without WeasyPrint); 4 a store that is
missing or locked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_DB_HELP = "Knowledge store (read-only; default: the bundled starter knowledge base)."


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Comparative guides: YAML spec → one self-contained HTML (or PDF) file.",
        no_args_is_help=True,
    )

    @group.command("build")
    def build(
        spec: Annotated[str, typer.Argument(help="Spec YAML file, or a bundled guide name.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="Output file (.html / .pdf).")],
        pdf: Annotated[bool, typer.Option("--pdf", help="Write a PDF (WeasyPrint).")] = False,
        db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    ) -> None:
        """Build a guide: run its analyses, render tables, figures and references."""
        from preclin.report import write_guide

        path = write_guide(spec, out, db=db, pdf=pdf)
        typer.echo(str(path))

    @group.command("new")
    def new(
        compound: Annotated[str, typer.Option("--compound", "-c", help="Name, synonym or id.")],
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write the spec here (else print).")
        ] = None,
        db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    ) -> None:
        """Scaffold a guide spec for a compound from what the store knows."""
        from preclin.report import write_guide_spec

        text = write_guide_spec(compound, out, db=db)
        if out is None:
            typer.echo(text, nl=False)
        else:
            typer.echo(str(out))

    @group.command("list")
    def list_() -> None:
        """List the bundled guide specs."""
        import yaml

        from preclin.report._bundled import bundled_guides

        for name, path in bundled_guides().items():
            title = yaml.safe_load(path.read_text(encoding="utf-8")).get("title", "")
            typer.echo(f"{name:<14} {title}")
            typer.echo(f"{'':<14} {path}")

    app.add_typer(group, name="guide")
