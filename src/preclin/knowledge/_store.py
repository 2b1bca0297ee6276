"""The DuckDB knowledge store: opening, locking, migrations, atomic imports.

Concurrency (DuckDB's model, made explicit): one process may hold a store
read-write; any number of processes may hold it read-only, but not while a
writer has it. preclin opens read-only whenever it only reads, and on a lock
conflict retries for ``timeout`` seconds, then raises
:class:`~preclin.core.errors.KnowledgeBaseError` naming the store and the
holder. Every import runs in ONE transaction: a failure anywhere (a bad row,
a crash, a kill) leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from preclin.core.errors import InputError, KnowledgeBaseError
from preclin.knowledge._schema import KEYS, LAYOUTS, MIGRATIONS, NORMALISED, SCHEMA_VERSION, TABLES

__all__ = ["ENV_VAR", "Store", "default_db_path", "resolve_db_path"]

ENV_VAR = "PRECLIN_DB"
# Test hooks: callables run inside the import transaction just before COMMIT.
_BEFORE_COMMIT: list[Callable[[], None]] = []


def default_db_path() -> Path:
    """``$PRECLIN_DB`` if set, else ``<user data dir>/preclin/knowledge.duckdb``.

    >>> default_db_path().name.endswith(".duckdb")
    True
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("preclin")) / "knowledge.duckdb"


def resolve_db_path(db: str | os.PathLike[str] | None) -> Path:
    """The store path: ``db`` if given, else :func:`default_db_path`.

    The default directory is created; an explicit path whose directory does
    not exist is an :class:`InputError` (a typo should not create folders).
    """
    if db is None:
        path = default_db_path()
        explicit = bool(os.environ.get(ENV_VAR))
    else:
        path = Path(db).expanduser()
        explicit = True
    if path.is_dir():
        raise InputError(
            f"Invalid `db`: got {str(path)!r}, which is a directory; give a file path "
            "such as kb.duckdb."
        )
    if not path.parent.exists():
        if explicit:
            raise InputError(
                f"Invalid `db`: the directory {str(path.parent)!r} does not exist; "
                "create it or choose another path."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _connect(path: Path, *, read_only: bool, timeout: float) -> Any:
    import duckdb

    deadline = time.monotonic() + max(timeout, 0.0)
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            msg = str(exc)
            locked = "lock" in msg.lower()
            if locked and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
                continue
            if locked:
                holder = msg.split("Conflicting lock is held in", 1)[-1].split(".")[0].strip()
                raise KnowledgeBaseError(
                    f"the knowledge store {path} is locked by another process ({holder}); "
                    f"waited {timeout:g} s. Wait for it to finish, or raise the timeout."
                ) from None
            if "different configuration" in msg:
                raise KnowledgeBaseError(
                    f"the knowledge store {path} is already open in this process with another "
                    "mode; close that KnowledgeBase first."
                ) from None
            raise KnowledgeBaseError(f"cannot open the knowledge store {path}: {msg}") from None


class Store:
    """A connection to one store file (internal; the public face is KnowledgeBase)."""

    def __init__(self, path: Path, *, read_only: bool, timeout: float) -> None:
        self.path = path
        self.read_only = read_only
        self.timeout = timeout
        self.created = not path.exists()
        if read_only and self.created:
            raise KnowledgeBaseError(
                f"no knowledge store at {path}; create it with `preclin kb init --db {path}`."
            )
        self.con = _connect(path, read_only=read_only, timeout=timeout)
        try:
            version = self.version()
            if version > SCHEMA_VERSION:
                raise KnowledgeBaseError(
                    f"the knowledge store {path} has schema version {version}, newer than this "
                    f"preclin understands ({SCHEMA_VERSION}); upgrade preclin."
                )
            if version < SCHEMA_VERSION:
                if read_only:
                    self.con.close()
                    Store(path, read_only=False, timeout=timeout).close()
                    self.con = _connect(path, read_only=True, timeout=timeout)
                else:
                    self.migrate()
        except BaseException:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()

    # -- schema -----------------------------------------------------------------
    def version(self) -> int:
        try:
            row = self.con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
        except Exception as exc:
            import duckdb

            if not isinstance(exc, duckdb.CatalogException):
                raise KnowledgeBaseError(
                    f"{self.path} is not a preclin knowledge store: {exc}"
                ) from None
            tables = self.con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()[0]
            if tables and tables[0]:
                raise KnowledgeBaseError(
                    f"{self.path} is a DuckDB file but not a preclin knowledge store "
                    "(no schema_version table); choose another --db path."
                ) from None
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self, upto: int | None = None) -> int:
        """Apply the missing migrations (all in one transaction); return the new version."""
        current = self.version()
        target = SCHEMA_VERSION if upto is None else upto
        steps = [m for m in MIGRATIONS if current < m[0] <= target]
        if not steps:
            return current
        self.con.execute("BEGIN TRANSACTION")
        try:
            for version, description, sql in steps:
                for statement in sql:
                    self.con.execute(statement)
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, ?)", [version, description]
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return target

    # -- reading ----------------------------------------------------------------
    def frame(self, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
        """Run a query; text columns come back as object dtype with None for NULL."""
        df = self.con.execute(sql, list(params)).df()
        for c in df.columns:
            if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object:
                df[c] = pd.Series(
                    [None if v is None or v is pd.NA or v != v else v for v in df[c]],
                    index=df.index,
                    dtype=object,
                )
        return df

    def table(self, name: str) -> pd.DataFrame:
        order = "row_id" if KEYS.get(name) == "row_id" else "rowid"
        if name == "analyses":
            order = "analysis_id"
        return self.frame(f'SELECT * FROM "{name}" ORDER BY {order}')

    def molar_masses(self) -> dict[str, float]:
        rows = self.con.execute(
            "SELECT compound_id, molar_mass FROM compounds WHERE molar_mass IS NOT NULL"
        ).fetchall()
        return {str(k): float(v) for k, v in rows}

    # -- writing ----------------------------------------------------------------
    def write(
        self,
        batches: list[tuple[str, pd.DataFrame | Callable[[], pd.DataFrame]]],
        records: list[dict[str, Any]],
    ) -> list[int]:
        """Insert prepared batches in ONE transaction; one analysis record per batch.

        A batch may be a callable (run inside the transaction, after the
        batches before it, so affinities can see the molar masses of
        compounds imported in the same call). Returns the analysis ids.
        """
        if self.read_only:
            raise KnowledgeBaseError(
                f"{self.path} is open read-only; open it read-write to import."
            )
        ids: list[int] = []
        self.con.execute("BEGIN TRANSACTION")
        try:
            for (table, frame), record in zip(batches, records, strict=True):
                df = frame() if callable(frame) else frame
                ids.append(self._insert(table, df, record))
            for hook in list(_BEFORE_COMMIT):
                hook()
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return ids

    def _insert_analysis(self, record: dict[str, Any], n_rows: int) -> int:
        """Add one row to ``analyses`` (inside the caller's transaction); its id."""
        return self.con.execute(
            "INSERT INTO analyses (command, inputs, preclin_version, versions, seed, "
            "parameters, n_rows) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING analysis_id",
            [
                record["command"],
                json.dumps(record.get("inputs", {}), sort_keys=True),
                record.get("preclin_version"),
                json.dumps(record.get("versions", {}), sort_keys=True),
                record.get("seed"),
                json.dumps(record.get("parameters", {}), sort_keys=True, default=str),
                n_rows,
            ],
        ).fetchall()[0][0]

    def _insert(self, table: str, df: pd.DataFrame, record: dict[str, Any]) -> int:
        key = KEYS[table]
        self.con.register("_incoming", df)
        try:
            if key != "row_id":
                existing = {
                    r[0]
                    for r in self.con.execute(
                        f'SELECT t.{key} FROM "{table}" t JOIN _incoming i USING ({key})'
                    ).fetchall()
                }
                if existing:
                    pos = next(i for i, v in enumerate(df[key]) if v in existing)
                    rows = df.attrs.get("rows")
                    raise InputError(
                        f"duplicate {key} {df[key].iloc[pos]!r}: the store already has it",
                        file=record.get("file"),
                        row=rows[pos] if rows is not None else pos,
                        column=key,
                        hint="remove the row, or import into another store",
                    )
            aid = self._insert_analysis(record, len(df))
            if len(df):
                cols = [*LAYOUTS[table], *(c for c, _ in NORMALISED[table])]
                types = dict.fromkeys(LAYOUTS[table], "VARCHAR") | dict(NORMALISED[table])
                select = ", ".join(f'CAST("{c}" AS {types[c]})' for c in cols)
                names = ", ".join(f'"{c}"' for c in cols)
                self.con.execute(
                    f'INSERT INTO "{table}" ({names}, analysis_id) '
                    f"SELECT {select}, {int(aid)} FROM _incoming"
                )
        finally:
            self.con.unregister("_incoming")
        return int(aid)

    def record(self, record: dict[str, Any]) -> int:
        """An analysis record without rows (its own transaction)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            aid = self._insert_analysis(record, 0)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return int(aid)

    def counts(self) -> dict[str, int]:
        out = {}
        for t in (*TABLES, "analyses"):
            row = self.con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0]
            out[t] = int(row[0]) if row else 0
        return out
