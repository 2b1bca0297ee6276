"""The public face of the store: :class:`KnowledgeBase`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from preclin.core.errors import InputError, KnowledgeBaseError
from preclin.core.validation import check_option
from preclin.knowledge._schema import KINDS, LAYOUTS, TABLES

__all__ = ["STARTER_ORDER", "KnowledgeBase", "load_starter"]

STARTER_ORDER = ("references", "targets", "compounds", "affinities", "pk", "studies")
_QUERY_TABLES = (*TABLES, "analyses")


def _starter_path(kind: str) -> Path:
    return Path(str(resources.files("preclin.knowledge") / "data" / f"{kind}.csv"))


def load_starter(kind: str) -> pd.DataFrame:
    """The bundled starter table of ``kind``, every cell verbatim text.

    The starter knowledge base is a copy of the project's curated
    ``reference/knowledge/*.csv`` (every value with its source; see
    ``preclin/knowledge/data/README.md``).

    Parameters
    ----------
    kind : str
        compounds, targets, affinities, pk, studies or references.

    Returns
    -------
    DataFrame
        The columns of the kind's import layout; empty cells are None.

    Examples
    --------
    >>> lh = load_starter("studies").query("study_id == 'LH-seed'")
    >>> print(lh[["compound_id", "dose", "mean", "dispersion"]].to_string(index=False))
    compound_id dose mean dispersion
    alnespirone    5   13          2
    alnespirone   10   10          3
        vehicle    0    9          2
     imipramine   64 None       None
    """
    from preclin.knowledge._import import read_layout_file

    check_option("kind", kind, STARTER_ORDER)
    return read_layout_file(_starter_path(kind))


def _record(
    command: str,
    inputs: Mapping[str, str],
    parameters: Mapping[str, Any],
    seed: int | None = None,
    file: str | None = None,
) -> dict[str, Any]:
    from preclin.core.provenance import Provenance

    prov = Provenance(inputs=dict(inputs), seed=seed, parameters=dict(parameters))
    return {
        "command": command,
        "inputs": prov.inputs,
        "preclin_version": prov.versions.get("preclin"),
        "versions": prov.versions,
        "seed": seed,
        "parameters": prov.parameters,
        "file": file,
    }


class KnowledgeBase:
    """The preclin knowledge store (a DuckDB file) with atomic imports and queries.

    Parameters
    ----------
    db : path, optional
        The store file. Default: ``$PRECLIN_DB``, else
        ``platformdirs.user_data_dir("preclin")/knowledge.duckdb``.
    read_only : bool
        Open read-only (many readers may share a store; a writer excludes them).
    timeout : float
        Seconds to keep retrying while another process holds a conflicting
        lock, before raising :class:`~preclin.core.errors.KnowledgeBaseError`.
    starter : bool
        Seed a newly created store with the bundled starter knowledge base.

    Notes
    -----
    Use it as a context manager so the file lock is released::

        with KnowledgeBase("kb.duckdb") as kb:
            kb.affinities(compound="buspirone", target="HTR1A")

    Query methods return DataFrames: the import-layout columns verbatim
    (text), then normalised columns (``value_molar`` in M, ``p_affinity`` =
    −log10 M, ``mean_num``, ``n_num``, ...), then ``row_id`` (data tables) and
    ``analysis_id`` (the analysis record that produced the row).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "kb.duckdb"
    >>> with KnowledgeBase(path) as kb:
    ...     aff = kb.affinities(compound="buspirone", target="HTR1A")
    >>> print(aff[["parameter", "value", "unit", "p_affinity"]].round(2).to_string(index=False))
    parameter value unit  p_affinity
         IC50    24   nM        7.62
          pKi   7.9 None        7.90
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        timeout: float = 10.0,
        starter: bool = True,
    ) -> None:
        from preclin.core.validation import check_scalar
        from preclin.knowledge._store import Store, resolve_db_path

        check_scalar("timeout", timeout, low=0)
        self.path = resolve_db_path(db)
        self._store: Store | None = Store(self.path, read_only=read_only, timeout=timeout)
        self.read_only = read_only
        if self._store.created and starter:
            try:
                self.load_starter()
            except BaseException:
                self.close()
                raise

    # -- lifecycle --------------------------------------------------------------
    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection (and the file lock)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def store(self) -> Any:
        if self._store is None:
            raise KnowledgeBaseError(f"the KnowledgeBase {self.path} is closed")
        return self._store

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        state = "closed" if self._store is None else mode
        return f"KnowledgeBase({str(self.path)!r}, {state})"

    @property
    def schema_version(self) -> int:
        """The store's schema version (``SCHEMA_VERSION`` once opened)."""
        return int(self.store.version())

    def counts(self) -> dict[str, int]:
        """Number of rows per table (and of analysis records)."""
        return dict(self.store.counts())

    # -- imports ----------------------------------------------------------------
    def load_starter(self) -> list[int]:
        """Import the bundled starter tables (one transaction); return analysis ids."""
        return self._import_many(
            [(kind, _starter_path(kind)) for kind in STARTER_ORDER], command="kb load_starter"
        )

    def import_table(self, data: str | os.PathLike[str] | pd.DataFrame, *, kind: str) -> int:
        """Import a table atomically; return the id of its analysis record.

        Parameters
        ----------
        data : path or DataFrame
            A file in the kind's layout (CSV / TSV / Parquet / Excel / JSON),
            a DataFrame, or for ``kind="chembl"`` a ChEMBL SQLite dump and for
            ``kind="gtopdb"`` a GtoPdb ``interactions.csv``.
        kind : str
            studies, affinities, pk, compounds, targets, references, chembl
            or gtopdb.

        Returns
        -------
        int
            The analysis id; every imported row carries it in ``analysis_id``.

        Raises
        ------
        InputError
            A bad row (the message names file, row and column; nothing is
            imported), an unknown kind, a file already imported.
        KnowledgeBaseError
            The store is read-only or locked.
        """
        check_option("kind", kind, KINDS)
        if kind in ("chembl", "gtopdb"):
            from preclin.knowledge._adapters import read_chembl, read_gtopdb

            if isinstance(data, pd.DataFrame):
                raise InputError(f"Invalid `data`: kind {kind!r} needs a file path.")
            frame = read_chembl(data) if kind == "chembl" else read_gtopdb(data)
            chembl_ids = frame.attrs.get("chembl_ids")
            if chembl_ids:  # ChEMBL molecules the store knows keep the store's compound_id
                known_ids = dict(
                    self.store.con.execute(
                        "SELECT chembl_id, compound_id FROM compounds WHERE chembl_id IS NOT NULL"
                    ).fetchall()
                )
                mapped = [known_ids.get(c) for c in chembl_ids]
                frame["compound_id"] = [
                    m if m is not None else old for m, old in zip(mapped, frame["compound_id"])
                ]
            refs = frame.attrs.get("references")
            items: list[tuple[str, Any]] = []
            if refs is not None and len(refs):
                known = set(self.store.frame('SELECT ref_id FROM "references"')["ref_id"])
                refs = refs[~refs["ref_id"].isin(known)].reset_index(drop=True)
                if len(refs):
                    refs.attrs["source"] = str(data)
                    items.append(("references", refs))
            items.append(("affinities", frame))
            ids = self._import_many(items, command=f"kb import --kind {kind}", file=Path(data))
            return ids[-1]
        return self._import_many([(kind, data)], command=f"kb import --kind {kind}")[0]

    def _import_many(
        self, items: Sequence[tuple[str, Any]], *, command: str, file: Path | None = None
    ) -> list[int]:
        from preclin.core.provenance import hash_file, hash_frame
        from preclin.knowledge._import import prepare_frame, read_layout_file

        store = self.store
        if store.read_only:
            raise KnowledgeBaseError(
                f"{self.path} is open read-only; open it read-write to import."
            )
        batches: list[tuple[str, Any]] = []
        records: list[dict[str, Any]] = []
        for kind, data in items:
            if isinstance(data, pd.DataFrame):
                frame = data
                name = str(file) if file is not None else str(data.attrs.get("source", "data"))
                digest = hash_file(file) if file is not None else hash_frame(data)
            else:
                frame = read_layout_file(data)
                name, digest = str(data), hash_file(data)
            self._refuse_reimport(kind, digest, name)
            records.append(_record(command, {name: digest}, {"kind": kind}, file=name))
            src = str(frame.attrs.get("source", name))
            if kind == "affinities":
                batches.append(
                    (
                        kind,
                        lambda f=frame, s=src: prepare_frame(
                            "affinities", f, source=s, molar_masses=store.molar_masses()
                        ),
                    )
                )
            else:
                batches.append((kind, prepare_frame(kind, frame, source=src)))
        return store.write(batches, records)

    def _refuse_reimport(self, kind: str, digest: str, name: str) -> None:
        hit = self.store.frame(
            "SELECT analysis_id FROM analyses WHERE inputs LIKE ? AND parameters LIKE ? LIMIT 1",
            [f'%"{digest}"%', f'%"kind": "{kind}"%'],
        )
        if len(hit):
            raise InputError(
                f"this {kind} table was already imported (analysis {int(hit.iloc[0, 0])})",
                file=name,
                hint="importing it again would duplicate its rows",
            )

    def record_analysis(
        self,
        command: str,
        *,
        provenance: Any = None,
        rows: Mapping[str, pd.DataFrame] | None = None,
    ) -> int:
        """Record what preclin ran (and the rows it produced) in one transaction.

        Parameters
        ----------
        command : str
            The command or function, e.g. ``"preclin fit"`` or ``"fit_curves"``.
        provenance : preclin.core.Provenance, optional
            Input file hashes, versions, seed and parameters
            (:func:`preclin.core.make_provenance`).
        rows : mapping, optional
            Table kind → DataFrame in that kind's layout; validated like an
            import and tagged with the new analysis id.

        Returns
        -------
        int
            The analysis id.
        """
        from preclin.core.provenance import Provenance
        from preclin.knowledge._import import prepare_frame

        prov = provenance if provenance is not None else Provenance()
        if not isinstance(prov, Provenance):
            raise InputError(
                f"Invalid `provenance`: got {type(prov).__name__}, must be a preclin Provenance."
            )
        base = {
            "command": command,
            "inputs": prov.inputs,
            "preclin_version": prov.versions.get("preclin"),
            "versions": prov.versions,
            "seed": prov.seed,
            "parameters": prov.parameters,
        }
        if not rows:
            return int(self.store.record(base))
        batches = []
        for kind, frame in rows.items():
            check_option("kind", kind, tuple(LAYOUTS))
            batches.append(
                (kind, prepare_frame(kind, frame, molar_masses=self.store.molar_masses()))
            )
        ids = self.store.write(
            batches, [base] + [{**base, "command": f"{command} (continued)"} for _ in batches[1:]]
        )
        return int(ids[0])

    # -- queries ----------------------------------------------------------------
    def _select(self, table: str, **filters: Any) -> pd.DataFrame:
        from preclin.knowledge._query import select

        return select(self.store, table, **{k: v for k, v in filters.items() if v is not None})

    def compounds(self, *, compound: str | None = None) -> pd.DataFrame:
        """Compounds (names, synonyms, GtoPdb / ChEMBL / PubChem / CAS ids, molar mass)."""
        return self._select("compounds", compound=compound)

    def targets(self, *, target: str | None = None) -> pd.DataFrame:
        """Targets (id, name, gene symbol, family, receptor class)."""
        return self._select("targets", target=target)

    def affinities(
        self,
        *,
        compound: str | None = None,
        target: str | None = None,
        species: str | None = None,
    ) -> pd.DataFrame:
        """Affinity / potency rows; ``value_molar`` (M) and ``p_affinity`` (−log10 M)."""
        return self._select("affinities", compound=compound, target=target, species=species)

    def pk(self, *, compound: str | None = None, species: str | None = None) -> pd.DataFrame:
        """PK parameters; ``value_canonical`` in ``unit_canonical`` (h, L/kg, %, ...)."""
        return self._select("pk", compound=compound, species=species)

    def studies(
        self,
        *,
        compound: str | None = None,
        study: str | None = None,
        with_controls: bool = True,
    ) -> pd.DataFrame:
        """Study results, one row per group (with the studies' controls by default)."""
        return self._select("studies", compound=compound, study=study, with_controls=with_controls)

    def references(
        self, *, ref_id: str | Sequence[str] | None = None, cited_by: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """References, all or those with ``ref_id`` or cited by the rows of ``cited_by``."""
        from preclin.knowledge._query import cited_ref_ids

        refs = self.store.table("references")
        wanted: list[str] | None = None
        if ref_id is not None:
            wanted = [ref_id] if isinstance(ref_id, str) else list(ref_id)
        if cited_by is not None:
            wanted = (wanted or []) + cited_ref_ids(cited_by)
        if wanted is None:
            return refs
        order = {r: i for i, r in enumerate(dict.fromkeys(wanted))}
        out = refs[refs["ref_id"].isin(order)].copy()
        return out.sort_values("ref_id", key=lambda s: s.map(order)).reset_index(drop=True)

    def analyses(self) -> pd.DataFrame:
        """Analysis records: command, inputs (file → SHA-256), versions, seed, parameters."""
        return self.store.table("analyses")

    def table(self, name: str) -> pd.DataFrame:
        """A whole table by name (compounds, targets, affinities, pk, studies, references,
        analyses)."""
        check_option("table", name, _QUERY_TABLES)
        return self.store.table(name)

    def profile(self, compound: str) -> dict[str, pd.DataFrame]:
        """Everything about one compound, for a report: its compound row, affinities,
        PK, studies (with their controls) and the references they cite."""
        parts = {
            "compound": self.compounds(compound=compound),
            "affinities": self.affinities(compound=compound),
            "pk": self.pk(compound=compound),
            "studies": self.studies(compound=compound),
        }
        cited = pd.concat([p for p in parts.values() if len(p)], ignore_index=True)
        parts["references"] = (
            self.references(cited_by=cited) if len(cited) else self.references(ref_id=[])
        )
        return parts

    def check(self, *, rules: Sequence[str] | None = None) -> pd.DataFrame:
        """Run the consistency rules on the whole store (see :func:`check_tables`)."""
        from preclin.knowledge._checks import check_tables

        return check_tables(**{t: self.store.table(t) for t in TABLES}, rules=rules)

    def export(self, table: str, out: str | os.PathLike[str], *, columns: str = "layout") -> Path:
        """Write a table to ``out`` (by suffix).

        ``columns="layout"`` gives the import layout (re-importable, text
        verbatim); ``"all"`` adds the normalised columns, ``row_id`` and
        ``analysis_id``.
        """
        from preclin.core.io import write_table

        check_option("table", table, _QUERY_TABLES)
        check_option("columns", columns, ("layout", "all"))
        df = self.store.table(table)
        if columns == "layout" and table in LAYOUTS:
            df = df[list(LAYOUTS[table])]
        return write_table(df, Path(out))
