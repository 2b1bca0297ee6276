"""``preclin kb``: the knowledge store (init, import, query, check, export).

Exit codes: 0 success; 1 ``kb check`` found error-severity findings (or any
warning with ``--strict``); 2 bad input; 4 the store is missing, locked or
from a newer preclin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_DB_HELP = "Store file (default: $PRECLIN_DB, else the user data dir)."
_KINDS_HELP = "studies|affinities|pk|compounds|targets|references|chembl|gtopdb"
_Db = Annotated[Path | None, typer.Option("--db", help=_DB_HELP)]
_Timeout = Annotated[float, typer.Option("--timeout", help="Seconds to wait for a lock.")]


def _open_for_reading(db: Path | None, timeout: float):
    from preclin.knowledge import KnowledgeBase
    from preclin.knowledge._store import resolve_db_path

    path = resolve_db_path(db)
    if not path.exists():  # first use: create and seed, then read
        KnowledgeBase(path, timeout=timeout).close()
    return KnowledgeBase(path, read_only=True, timeout=timeout)


def _json(df) -> str:
    import json

    from preclin.core.results import jsonable

    return json.dumps(jsonable(df), ensure_ascii=False, indent=1, default=str)


def _emit(df, table: str, *, as_json: bool, all_columns: bool) -> None:
    from preclin.cli._common import print_table
    from preclin.knowledge._schema import DISPLAY

    if as_json:
        typer.echo(_json(df))
        return
    cols = list(df.columns) if all_columns else [c for c in DISPLAY[table] if c in df]
    print_table(df, title=f"{table} ({len(df)} rows)", columns=cols, max_rows=500)


def _query_command(group: typer.Typer, table: str, doc: str) -> None:
    def command(
        compound: Annotated[
            str | None, typer.Option("--compound", "-c", help="Name, synonym or id.")
        ] = None,
        target: Annotated[
            str | None, typer.Option("--target", "-t", help="Target id, name or gene.")
        ] = None,
        species: Annotated[str | None, typer.Option("--species", help="Exact species.")] = None,
        study: Annotated[
            str | None, typer.Option("--study", help="Study id (studies only).")
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON records (all columns).")
        ] = False,
        all_columns: Annotated[bool, typer.Option("--all", help="Show every column.")] = False,
        db: _Db = None,
        timeout: _Timeout = 10.0,
    ) -> None:
        from preclin.core.errors import InputError

        given = {"compound": compound, "target": target, "species": species, "study": study}
        allowed = {
            "compounds": {"compound"},
            "targets": {"target"},
            "affinities": {"compound", "target", "species"},
            "pk": {"compound", "species"},
            "studies": {"compound", "study"},
            "references": {"compound"},
            "analyses": set(),
        }[table]
        for name, value in given.items():
            if value is not None and name not in allowed:
                raise InputError(
                    f"Invalid `--{name}`: `preclin kb {table}` does not filter by it."
                )
        with _open_for_reading(db, timeout) as kb:
            if table == "references":
                df = kb.profile(compound)["references"] if compound else kb.references()
            elif table == "analyses":
                df = kb.analyses()
            else:
                df = getattr(kb, table)(**{k: v for k, v in given.items() if k in allowed})
        _emit(df, table, as_json=as_json, all_columns=all_columns)

    command.__doc__ = doc
    group.command(table)(command)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The knowledge store (DuckDB): compounds, affinities, PK, "
        "studies, references, analysis records.",
        no_args_is_help=True,
    )

    @group.command("init")
    def init(
        db: _Db = None,
        empty: Annotated[
            bool, typer.Option("--empty", help="Do not seed the starter data.")
        ] = False,
    ) -> None:
        """Create the store (seeded with the starter knowledge base) or migrate it."""
        from preclin.knowledge import KnowledgeBase

        with KnowledgeBase(db, starter=not empty) as kb:
            counts = kb.counts()
            typer.echo(f"{kb.path} (schema version {kb.schema_version})")
        typer.echo("  ".join(f"{k}: {v}" for k, v in counts.items()))

    @group.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="Table file (or ChEMBL .db / GtoPdb .csv).")],
        kind: Annotated[str, typer.Option("--kind", "-k", help=_KINDS_HELP)],
        db: _Db = None,
        timeout: _Timeout = 10.0,
    ) -> None:
        """Import a table in ONE transaction: a bad row rejects the whole file."""
        from preclin.core.validation import check_option
        from preclin.knowledge import KINDS, KnowledgeBase

        check_option("kind", kind, KINDS)
        with KnowledgeBase(db, timeout=timeout) as kb:
            aid = kb.import_table(file, kind=kind)
            rec = kb.analyses()
            n = int(rec.loc[rec["analysis_id"] == aid, "n_rows"].iloc[0])
        typer.echo(f"imported {n} rows from {file} as {kind} (analysis {aid})")

    @group.command("check")
    def check(
        rule: Annotated[list[str] | None, typer.Option("--rule", help="Only these rules.")] = None,
        strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
        db: _Db = None,
        timeout: _Timeout = 10.0,
    ) -> None:
        """Run the consistency rules; exit 1 if any error (or, with --strict, warning)."""
        from preclin.cli._common import print_table

        with _open_for_reading(db, timeout) as kb:
            found = kb.check(rules=rule or None)
        if as_json:
            typer.echo(_json(found))
        else:
            print_table(found, title=f"{len(found)} findings", max_rows=500)
        counts = found["severity"].value_counts()
        errors, warnings = int(counts.get("error", 0)), int(counts.get("warning", 0))
        typer.echo(
            f"{errors} errors, {warnings} warnings, {int(counts.get('info', 0))} info", err=True
        )
        if errors or (strict and warnings):
            raise typer.Exit(code=1)

    @group.command("export")
    def export(
        table: Annotated[
            str, typer.Argument(help="compounds|targets|affinities|pk|studies|references|analyses")
        ],
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Output file (.csv, .parquet, ...).")
        ],
        all_columns: Annotated[
            bool, typer.Option("--all", help="Add normalised columns, ids.")
        ] = False,
        db: _Db = None,
        timeout: _Timeout = 10.0,
    ) -> None:
        """Write a table (by default in its import layout, so it can be re-imported)."""
        with _open_for_reading(db, timeout) as kb:
            path = kb.export(table, out, columns="all" if all_columns else "layout")
            n = len(kb.table(table))
        typer.echo(f"wrote {n} rows to {path}")

    docs = {
        "compounds": "Compounds: names, ids (GtoPdb, ChEMBL, PubChem, CAS), class, molar mass.",
        "targets": "Targets: id, name, gene symbol, family, receptor class.",
        "affinities": "Affinities / potencies with value in M and p_affinity (-log10 M).",
        "pk": "PK parameters (value as written, parsed, and in canonical units).",
        "studies": "Study results, one row per group (with the study's controls).",
        "references": "References (all, or those cited about --compound).",
        "analyses": "Analysis records: what ran, on which inputs (SHA-256), which version.",
    }
    for table, doc in docs.items():
        _query_command(group, table, doc)
    app.add_typer(group, name="kb")
