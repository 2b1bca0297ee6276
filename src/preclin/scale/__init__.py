"""Dask backends (optional extra ``preclin[scale]``): the batch functions of
preclin run over Parquet partitions or Dask DataFrames with the same numbers
as the local engine. Dask is imported only when a function is called."""

from preclin.scale._curves import fit_curves_dask

__all__: list[str] = sorted(
    [
        "fit_curves_dask",
    ]
)
