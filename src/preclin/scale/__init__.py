"""Dask backends (optional extra ``preclin[scale]``): the batch functions of
preclin run over Parquet partitions or Dask DataFrames with the same numbers
as the local engine. Dask is imported only when a function is called."""

from preclin.scale._curves import fit_curves_dask
from preclin.scale._nca import calculate_nca_dask
from preclin.scale._population import simulate_population_dask

__all__: list[str] = sorted(
    [
        "calculate_nca_dask",
        "fit_curves_dask",
        "simulate_population_dask",
    ]
)
