"""``preclin datasets``: list and locate the bundled examples."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Bundled example data.", no_args_is_help=True)

    @group.command("list")
    def list_() -> None:
        """List the bundled examples with the first line of their description."""
        from preclin.datasets import describe_example, list_examples

        for name in list_examples():
            first = (describe_example(name).strip().splitlines() or [""])[0].lstrip("# ")
            typer.echo(f"{name:32s} {first}")

    @group.command("path")
    def path(
        name: str = typer.Argument(..., help="Example name (see `preclin datasets list`)."),
    ) -> None:
        """Print the file path of a bundled example."""
        from preclin.datasets import example_path

        typer.echo(str(example_path(name)))

    app.add_typer(group, name="datasets")
