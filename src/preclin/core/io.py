"""Table readers and writers: CSV / TSV / Parquet / Excel / JSON ↔ DataFrame.

:func:`read_table` returns a DataFrame whose ``attrs`` remember the file
(``"source"``) and the spreadsheet row of the first data row
(``"first_row"``), so that later validation can point at the exact cell.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError

__all__ = ["TABLE_SUFFIXES", "read_table", "write_table"]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".parquet", ".pq", ".xlsx", ".xlsm", ".json")


def _check_path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}", hint="check the path")
    if p.is_dir():
        raise InputError(f"{p} is a directory, not a table file")
    if p.stat().st_size == 0:
        raise InputError("the file is empty", file=str(p), hint="export the table again")
    return p


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    comment: str | None = "#",
    dtype: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Read a table file into a DataFrame that remembers where it came from.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (comma or semicolon, sniffed), ``.tsv`` / ``.tab`` / ``.txt``
        (tab or sniffed), ``.parquet``, ``.xlsx`` (first sheet unless
        ``sheet``), ``.json`` (records or columns).
    sheet : str or int, optional
        Excel sheet name or index.
    comment : str or None
        Lines starting with this in text files are ignored.
    dtype : dict, optional
        Passed to the reader (e.g. ``{"well": str}``).

    Returns
    -------
    DataFrame
        With a fresh RangeIndex, column names stripped of white space,
        ``attrs["source"]`` = the file name and ``attrs["first_row"]`` = the
        spreadsheet row of the first data row (2 for a one-line header;
        comment lines before the header are counted).

    Raises
    ------
    InputError
        File missing or empty, unknown suffix, a header without rows,
        duplicate column names, or a file the parser cannot read.
    """
    p = _check_path(path)
    suffix = p.suffix.lower()
    first_row = 2
    try:
        if suffix in (".csv", ".tsv", ".tab", ".txt"):
            text = p.read_text(encoding="utf-8-sig")
            if not text.strip():
                raise InputError("the file is empty", file=str(p), hint="export the table again")
            lines = text.splitlines()
            skipped = 0
            if comment:
                while skipped < len(lines) and (
                    lines[skipped].startswith(comment) or not lines[skipped].strip()
                ):
                    skipped += 1
            first_row = skipped + 2
            sep = _sniff_delimiter("\n".join(lines[skipped:]), suffix)
            if skipped < len(lines):
                header = [h.strip() for h in next(csv.reader([lines[skipped]], delimiter=sep))]
                seen = {h for h in header if header.count(h) > 1}
                if seen:
                    raise InputError(
                        f"duplicate column name {sorted(seen)[0]!r}",
                        file=str(p),
                        hint="give each column its own name",
                    )
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                comment=None,
                skiprows=skipped,
                dtype=dtype,
                skipinitialspace=True,
            )
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(p)
            first_row = 1
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(p, sheet_name=0 if sheet is None else sheet, dtype=dtype)
        elif suffix == ".json":
            with p.open(encoding="utf-8") as fh:
                payload = json.load(fh)
            df = pd.DataFrame(payload)
            first_row = 1
        else:
            raise InputError(
                f"unknown table format {suffix!r}",
                file=str(p),
                hint="use .csv, .tsv, .parquet, .xlsx or .json",
            )
    except InputError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot parse the table ({msg})", file=str(p)) from None
    except (ValueError, OSError, KeyError, json.JSONDecodeError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot read the table ({msg})", file=str(p)) from None

    df.columns = [str(c).strip() for c in df.columns]
    dupes = df.columns[df.columns.duplicated()].unique().tolist()
    if dupes:
        raise InputError(
            f"duplicate column name {dupes[0]!r}",
            file=str(p),
            hint="give each column its own name",
        )
    if len(df) == 0:
        raise InputError("the table has a header but no rows", file=str(p))
    df = df.reset_index(drop=True)
    df.attrs["source"] = str(p)
    df.attrs["first_row"] = first_row
    return df


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def write_table(
    df: pd.DataFrame, path: str | Path, *, metadata: dict[str, Any] | None = None
) -> Path:
    """Write a DataFrame by the file's suffix: csv, tsv, parquet, xlsx or json.

    JSON is ``{"metadata": ..., "rows": [records]}`` when ``metadata`` is
    given, else a list of records; NaN becomes ``null``. Parquet stores
    ``metadata`` in the schema's key-value metadata.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    p.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        df.to_csv(p, index=False)
    elif suffix in (".tsv", ".tab", ".txt"):
        df.to_csv(p, index=False, sep="\t")
    elif suffix in (".parquet", ".pq"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        if metadata:
            meta = dict(table.schema.metadata or {})
            meta[b"preclin"] = json.dumps(_jsonable(metadata)).encode()
            table = table.replace_schema_metadata(meta)
        pq.write_table(table, p)
    elif suffix in (".xlsx", ".xlsm"):
        df.to_excel(p, index=False)
    elif suffix == ".json":
        records = _jsonable(df.to_dict(orient="records"))
        payload: Any = {"metadata": _jsonable(metadata), "rows": records} if metadata else records
        p.write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    else:
        raise InputError(
            f"Invalid `out`: got {p.name!r}, must end in .csv, .tsv, .parquet, .xlsx or .json."
        )
    return p
