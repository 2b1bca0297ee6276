"""Shared machinery of the Dask backends: lazy import, sources, whole-group partitions.

A batch function of preclin (``fit_curves``, ``calculate_nca``) treats each
group (curve, subject) on its own, so it gives the same numbers on any subset
of the table that holds whole groups. :func:`apply_by_group` runs it once per
Dask partition and makes sure every group is whole in one partition:

* ``partition_by=None``: the data are already laid out that way (a Parquet
  dataset written one plate per file, ``partition_on=[...]``, ...). This is
  checked — from the keys of the results when computing, or by one pass over
  the key columns for a lazy result — and a group found in two partitions
  raises :class:`InputError` naming it.
* ``partition_by=[cols]`` (a subset of the group keys): rows are shuffled on
  those columns (``DataFrame.shuffle``, a hash partitioning), so equal keys
  land in one partition. Every row is tagged beforehand with its partition
  number and position, and each partition is put back into the original row
  order before the batch function sees it, so the order of the points within
  a group — and therefore every floating-point sum — is the one the local
  engine sees, whatever order the shuffle delivers.
"""

from __future__ import annotations

import functools
import glob
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

__all__ = ["apply_by_group", "as_list", "import_dask", "read_source", "sample_frame"]

INSTALL_HINT = (
    "preclin.scale needs Dask: install it with `pip install preclin[scale]` "
    "(or `pip install 'dask[dataframe]>=2024.1'`)"
)
_PART, _POS = "_preclin_partition", "_preclin_position"


def import_dask() -> Any:
    """``dask.dataframe``, or an ImportError that says how to install it."""
    try:
        import dask  # noqa: F401
        import dask.dataframe as ddf_module
    except ImportError as exc:  # pragma: no cover - exercised with sys.modules patched
        raise ImportError(INSTALL_HINT) from exc
    return ddf_module


def as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def read_source(
    source: Any, columns: Sequence[str], optional: Sequence[str] = ()
) -> tuple[dd.DataFrame, str]:
    """A Dask DataFrame with only ``columns`` (checked) and those of ``optional`` that
    exist, and a name for messages."""
    dd = import_dask()
    if isinstance(source, dd.DataFrame):
        ddf, name = source, "the Dask DataFrame"
    elif isinstance(source, str | os.PathLike) or (
        isinstance(source, list | tuple)
        and source
        and all(isinstance(s, str | os.PathLike) for s in source)
    ):
        paths = [os.fspath(p) for p in (source if isinstance(source, list | tuple) else [source])]
        name = paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)"
        try:
            ddf = _read_parquet(dd, paths, columns, optional)
        except (OSError, ValueError, TypeError) as exc:
            raise InputError(
                f"cannot read it as Parquet ({type(exc).__name__}: {str(exc).splitlines()[-1]})",
                file=name,
                hint="give a Parquet file, a directory of Parquet files, a glob or a list",
            ) from None
    elif isinstance(source, pd.DataFrame):
        raise InputError(
            "Invalid `source`: got a pandas DataFrame; use the local function for a table "
            "in memory, or partition it with dask.dataframe.from_pandas(df, npartitions=...)."
        )
    else:
        raise InputError(
            f"Invalid `source`: got {type(source).__name__}, must be a Parquet path, "
            "a list of paths, a glob or a dask.dataframe.DataFrame."
        )
    present = [str(c) for c in ddf.columns]
    for col in columns:
        if col not in ddf.columns:
            raise InputError(
                f"no column {col!r}; the columns are {', '.join(present) or '(none)'}",
                file=name,
                hint="rename the column or pass the right name",
            )
    keep = list(dict.fromkeys([*columns, *(c for c in optional if c in ddf.columns)]))
    return ddf[keep], name


def _read_file(path: str, *, keep: list[str] | None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=keep).to_pandas()


def _read_parquet(
    dd: Any, paths: list[str], columns: Sequence[str], optional: Sequence[str]
) -> dd.DataFrame:
    """Parquet through pyarrow: a file or a (hive-partitioned) directory as one dataset;
    globs and lists of local files as one partition per file."""
    if any("://" in p for p in paths):
        return dd.read_parquet(paths if len(paths) > 1 else paths[0])  # fsspec URLs
    if len(paths) == 1 and not any(ch in paths[0] for ch in "*?["):
        if not os.path.exists(paths[0]):
            raise FileNotFoundError("no such file or directory")
        return dd.read_parquet(os.path.abspath(paths[0]), filesystem="arrow")
    files: list[str] = []
    for p in paths:
        found = sorted(glob.glob(p)) if any(ch in p for ch in "*?[") else [p]
        files.extend(found)
    missing = [f for f in files if not os.path.isfile(f)]
    if not files or missing:
        raise FileNotFoundError(f"no file matches {missing[0] if missing else paths[0]!r}")
    import pyarrow.parquet as pq

    meta = pq.read_schema(files[0]).empty_table().to_pandas()
    keep = [c for c in meta.columns if c in columns or c in optional]
    if len(keep) < len(set(columns)):  # a column is missing: read_source names it
        return dd.from_map(functools.partial(_read_file, keep=None), files, meta=meta)
    return dd.from_map(functools.partial(_read_file, keep=keep), files, meta=meta[keep])


def sample_frame(meta: pd.DataFrame, values: dict[str, Sequence[Any]]) -> pd.DataFrame:
    """A small valid frame with ``meta``'s dtypes (to compute an output ``meta``).

    Every column repeats one non-empty placeholder of its dtype; the columns in
    ``values`` get the given data (one group of made-up but valid numbers).
    """
    from dask.dataframe.utils import meta_nonempty

    n = len(next(iter(values.values())))
    base = meta_nonempty(meta).iloc[[0] * n].reset_index(drop=True)
    for col, val in values.items():
        base[col] = np.asarray(val)
    return base


def _tag(part: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    number = -1 if partition_info is None else int(partition_info["number"])
    return part.assign(
        **{_PART: np.full(len(part), number, dtype=np.int64), _POS: np.arange(len(part))}
    )


def _first_rows(part: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Position of each group's first row, in order of first appearance."""
    if not keys:
        return np.zeros(1 if len(part) else 0, dtype=np.int64)
    codes = part.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    return first


def _run(
    part: pd.DataFrame,
    *,
    func: Callable[[pd.DataFrame], pd.DataFrame],
    meta: pd.DataFrame,
    keys: list[str],
    tagged: bool,
    name: str,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    number = None if partition_info is None else partition_info["number"]
    if tagged:
        order = np.lexsort((part[_POS].to_numpy(), part[_PART].to_numpy()))
        part = part.iloc[order]
        tags = part[[_PART, _POS]].to_numpy()
        part = part.drop(columns=[_PART, _POS])
    if len(part) == 0:
        out = meta.copy()
    else:
        try:
            out = func(part)
        except InputError as exc:
            raise InputError(
                exc.message,
                file=f"{name} (partition {number})",
                row=exc.row,
                column=exc.column,
                hint=exc.hint,
            ) from None
    if tagged:
        first = tags[_first_rows(part, keys)] if len(part) else np.empty((0, 2), np.int64)
        out = out.assign(**{_PART: first[:, 0], _POS: first[:, 1]})
    return out


def _split_groups(ddf: dd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per (group, partition) for groups found in more than one partition."""

    def keys_of(part: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
        out = part[keys].drop_duplicates()
        return out.assign(**{_PART: -1 if partition_info is None else partition_info["number"]})

    meta = ddf._meta[keys].assign(**{_PART: np.int64(0)})
    found = ddf[keys].map_partitions(keys_of, meta=meta).compute()
    return found[found.duplicated(keys, keep=False)]


def _raise_split(split: pd.DataFrame, keys: list[str], name: str, what: str) -> None:
    if split.empty:
        return
    row = split.iloc[0]
    label = ", ".join(f"{k}={row[k]!r}" for k in keys)
    same = split[(split[keys] == row[keys]).all(axis=1)]
    parts = sorted(set(same[_PART].tolist())) if _PART in same else []
    where = f" (partitions {', '.join(map(str, parts))})" if parts else ""
    raise InputError(
        f"{len(split[keys].drop_duplicates())} {what}(s) span more than one partition, "
        f"e.g. {label}{where}",
        file=name,
        hint=f"pass partition_by={keys!r} (or a subset) to shuffle whole {what}s into one "
        "partition, or write the dataset partitioned by those columns",
    )


def apply_by_group(
    ddf: dd.DataFrame,
    func: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    keys: list[str],
    meta: pd.DataFrame,
    partition_by: str | Sequence[str] | None,
    check: bool,
    compute: bool,
    scheduler: str | None,
    name: str,
    what: str,
) -> Any:
    """Run ``func`` once per partition holding whole groups (see module docstring)."""
    shuffle_on = as_list(partition_by)
    for col in shuffle_on:
        if col not in keys:
            raise InputError(
                f"Invalid `partition_by`: got {col!r}, must be among the {what} keys "
                f"({', '.join(keys) or 'none'})."
            )
    if not keys and ddf.npartitions > 1:
        ddf = ddf.repartition(npartitions=1)  # one group: all rows together
    tagged = bool(shuffle_on)
    out_meta = meta
    if tagged:
        tag_meta = ddf._meta.assign(**{_PART: np.int64(0), _POS: np.int64(0)})
        ddf = ddf.map_partitions(_tag, meta=tag_meta).shuffle(
            on=shuffle_on, npartitions=ddf.npartitions
        )
        out_meta = meta.assign(**{_PART: np.int64(0), _POS: np.int64(0)})
    run = functools.partial(_run, func=func, meta=meta, keys=keys, tagged=tagged, name=name)
    result = ddf.map_partitions(run, meta=out_meta)
    if compute:
        frame = result.compute(scheduler=scheduler)
        if tagged:
            frame = frame.sort_values([_PART, _POS], kind="stable").drop(columns=[_PART, _POS])
        frame = frame.reset_index(drop=True)
        if check and not tagged and keys:
            split = frame[frame.duplicated(keys, keep=False)]
            _raise_split(split, keys, name, what)
        frame.attrs.update(meta.attrs)
        return frame
    if check and not tagged and keys and ddf.npartitions > 1:
        with _scheduler(scheduler):
            _raise_split(_split_groups(ddf, keys), keys, name, what)
    if tagged:
        result = result.drop(columns=[_PART, _POS])
    return result


def _scheduler(scheduler: str | None) -> Any:
    import contextlib

    import dask

    if scheduler is None:
        return contextlib.nullcontext()
    return dask.config.set(scheduler=scheduler)
