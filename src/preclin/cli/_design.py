"""``preclin design``: randomised blinded allocation and the ARRIVE checklist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _read_yaml(path: Path) -> object:
    import yaml

    from preclin.core import InputError

    if not path.exists():
        raise InputError(f"file not found: {path}", hint="check the path")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        raise InputError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=str(path), row=row
        ) from None


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Study design: randomisation with blinding codes, ARRIVE checklist.",
        no_args_is_help=True,
    )

    @group.command("randomize")
    def randomize_cmd(
        animals: Annotated[Path, typer.Argument(help="Table of animals (CSV / Excel / ...).")],
        groups: str = typer.Option(..., "--groups", help="Comma-separated group labels."),
        seed: int = typer.Option(..., "--seed", help="Seed (required: the plan is reproducible)."),
        block_by: str | None = typer.Option(
            None, "--block-by", help="Comma-separated blocking columns (e.g. sex,cage)."
        ),
        id_col: str = typer.Option("animal", "--id-col", help="Column with the animal ids."),
        code_per: str = typer.Option("group", "--code-per", help="group | animal."),
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the blinded allocation here.")
        ] = None,
        key: Annotated[
            Path | None,
            typer.Option("--key", help="Write the unblinding key (keep it from the testers)."),
        ] = None,
    ) -> None:
        """Allocate animals to groups in permuted blocks with blinded codes."""
        from preclin.cli._common import print_table, stderr, stdout
        from preclin.core import InputError, read_table, write_table
        from preclin.stats import randomize

        if key is not None and out is not None and key.resolve() == out.resolve():
            raise InputError("--key and --out must be different files (the key unblinds)")
        data = read_table(animals)
        labels = [g.strip() for g in groups.split(",")]
        blocks = None if block_by is None else [b.strip() for b in block_by.split(",")]
        plan = randomize(
            data, labels, block_by=blocks, seed=seed, id_col=id_col, code_per=code_per
        )
        if out is not None:
            write_table(plan.allocation, out)
            stderr().print(
                f"wrote the blinded allocation ({len(plan.allocation)} animals) to {out}"
            )
        else:
            print_table(plan.allocation, title="Blinded allocation", max_rows=60)
        if key is not None:
            write_table(plan.key, key)
            stderr().print(f"wrote the unblinding key to {key}")
        else:
            stderr().print("no --key given: the unblinding key was not saved")
        balance = plan.balance.reset_index()
        print_table(balance, title=f"Animals per block and group (seed {seed})")
        stdout().print(
            f"{len(plan.allocation)} animals, {len(labels)} groups, "
            f"{len(plan.balance)} block(s); codes per {code_per}"
        )

    @group.command("arrive")
    def arrive_cmd(
        study: Annotated[Path, typer.Argument(help="Study metadata (YAML): ARRIVE item -> text.")],
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the checklist table here.")
        ] = None,
    ) -> None:
        """ARRIVE 2.0 Essential 10 checklist: which items the study reports."""
        from preclin.cli._common import stdout
        from preclin.core import InputError, write_table
        from preclin.stats import arrive_checklist

        meta = _read_yaml(study)
        if not isinstance(meta, dict):
            raise InputError("the YAML must be a mapping of ARRIVE items to text", file=str(study))
        try:
            chk = arrive_checklist(meta)
        except InputError as exc:
            raise InputError(exc.message, file=str(study), hint=exc.hint) from None
        if out is not None:
            write_table(chk.items, out)
        stdout().print(chk.summary(), markup=False, highlight=False)

    app.add_typer(group, name="design")
