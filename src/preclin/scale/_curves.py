"""``fit_curves_dask``: :func:`preclin.curves.fit_curves` over Dask partitions."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from preclin.scale._backend import apply_by_group, as_list, read_source, sample_frame

__all__ = ["fit_curves_dask"]

# one made-up, well-defined decreasing curve: only used to learn the output dtypes
_SAMPLE_X = [0.0, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]
_SAMPLE_Y = [100.0, 99.0, 91.0, 50.0, 9.0, 1.0, 0.2]


def fit_curves_dask(
    source: Any,
    *,
    x: str,
    y: str,
    by: str | Sequence[str] | None = None,
    model: str = "ll4",
    x_unit: str | None = None,
    fix: Mapping[str, float] | None = None,
    se: str = "gauss-newton",
    ci_level: float = 0.95,
    weights: str | None = None,
    partition_by: str | Sequence[str] | None = None,
    check: bool = True,
    compute: bool = False,
    scheduler: str | None = None,
) -> Any:
    """Fit every curve of a partitioned table with :func:`preclin.curves.fit_curves`.

    Each Dask partition is fitted by the local batched engine, so memory is
    bounded by the largest partition and the numbers are the local engine's.

    Parameters
    ----------
    source : str, path, list of paths or dask.dataframe.DataFrame
        A Parquet file, directory (also hive-partitioned, e.g. written with
        ``partition_cols=["plate"]``) or glob, or a Dask DataFrame; one row
        per observation (long format). Only the needed columns are read.
    x, y, by, model, x_unit, fix, se, ci_level, weights
        As in :func:`preclin.curves.fit_curves` (``x_unit`` a unit or the
        name of a column).
    partition_by : str or list of str, optional
        Columns among ``by`` to shuffle on so that every curve lies in one
        partition (a hash partitioning: rows with equal values of these
        columns land together). ``None`` (default): the partitions must
        already hold whole curves — for instance one plate per file, or a
        dataset written with ``partition_cols`` among ``by``.
    check : bool
        With ``partition_by=None``, verify that no curve spans two
        partitions (free when ``compute=True``: the keys of the results are
        checked; one pass over the ``by`` columns for a lazy result) and
        raise :class:`~preclin.core.errors.InputError` naming one if it does.
    compute : bool
        Return a pandas DataFrame (computed) instead of a lazy Dask one.
    scheduler : str, optional
        Dask scheduler for the computation (``"threads"``, ``"processes"``,
        ``"synchronous"``); default: Dask's current one (a distributed
        ``Client`` if one is active).

    Returns
    -------
    dask.dataframe.DataFrame or pandas.DataFrame
        The columns of :func:`preclin.curves.fit_curves`, one row per curve
        (``by`` columns; ``model``, ``n``, ``converged``, ``message``,
        ``flags``; each parameter and ``<name>_se``; ``ec50``, ``ec50_se``,
        ``log10_ec50``, ``log10_ec50_se``, ``ec50_ci_low``,
        ``ec50_ci_high``; ``rse``, ``df``, ``rss``, ``loglik``, ``aic``;
        ``x_unit``: all None, of object dtype, when no unit is given — cast it
        with ``.astype("string")`` before ``to_parquet``). Computed, the rows
        are in order of first appearance in the source (partition after
        partition) with a fresh ``RangeIndex``,
        exactly as :func:`~preclin.curves.fit_curves` on the concatenated
        table; lazily, partition after partition (after a shuffle, in the
        shuffle's order) with each partition's own index.

    Notes
    -----
    A curve's fit depends only on its own points (the engine fits curves
    independently and starts from data-driven values), so fitting partitions
    that hold whole curves gives the same numbers as one call on the whole
    table: ``tests/scale/test_curves.py`` checks every column at exact
    equality. The order of the points within a curve is kept (also after a
    shuffle), so even the floating-point sums are the same.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from preclin.datasets import load_example
    >>> df = load_example("concentration_response")
    >>> parts = dd.from_pandas(df, npartitions=3)       # splits inside curves
    >>> fits = fit_curves_dask(parts, x="conc_uM", y="response",
    ...     by=["plate", "compound"], x_unit="uM", partition_by="compound",
    ...     compute=True, scheduler="synchronous")
    >>> fits[["plate", "compound", "ec50", "hill"]].head(3).round(3)
      plate      compound   ec50   hill
    0    P1  basimglurant  0.039 -1.157
    1    P1          MPEP  0.035 -0.815
    2    P1          MTEP  0.089 -1.210
    """
    from preclin.curves import fit_curves

    keys = as_list(by)
    extra = [weights] if weights else []
    unit_col = [x_unit] if isinstance(x_unit, str) else []
    ddf, name = read_source(source, [*keys, x, y, *extra], optional=unit_col)
    kw: dict[str, Any] = {
        "x": x, "y": y, "by": keys or None, "model": model, "x_unit": x_unit, "fix": fix,
        "se": se, "ci_level": ci_level, "weights": weights,
    }  # fmt: skip
    values: dict[str, Sequence[Any]] = {x: _SAMPLE_X, y: _SAMPLE_Y}
    if weights:
        values[weights] = [1.0] * len(_SAMPLE_X)
    # the output dtypes, from one made-up curve; this also validates the arguments
    meta = fit_curves(sample_frame(ddf._meta, values), **kw).iloc[:0]
    return apply_by_group(
        ddf,
        functools.partial(_fit_partition, kw=kw),
        keys=keys,
        meta=meta,
        partition_by=partition_by,
        check=check,
        compute=compute,
        scheduler=scheduler,
        name=name,
        what="curve",
    )


def _fit_partition(part: pd.DataFrame, *, kw: dict[str, Any]) -> pd.DataFrame:
    from preclin.curves import fit_curves

    return fit_curves(part, **kw)
