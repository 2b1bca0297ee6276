"""``calculate_nca_dask``: :func:`preclin.pk.calculate_nca` over Dask partitions."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from preclin.scale._backend import apply_by_group, read_source, sample_frame

__all__ = ["calculate_nca_dask"]

# one made-up oral profile: only used to learn the output dtypes
_SAMPLE_T = [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0]
_SAMPLE_C = [0.0, 40.0, 80.0, 60.0, 35.0, 12.0, 4.0, 0.5]


def calculate_nca_dask(
    source: Any,
    *,
    subject: str,
    time: str,
    conc: str,
    dose: float | str | None = None,
    route: str = "extravascular",
    duration: float | str | None = None,
    auc_method: str = "lin-log",
    blq: str | dict[str, str] | None = None,
    lloq: float | None = None,
    blq_markers: Sequence[str] | None = None,
    partial_aucs: Sequence[Sequence[float]] | None = None,
    tau: float | None = None,
    time_unit: str = "h",
    conc_unit: str = "ng/mL",
    dose_unit: str = "mg/kg",
    molar_mass: float | None = None,
    partition_by: str | None = None,
    check: bool = True,
    compute: bool = False,
    scheduler: str | None = None,
) -> Any:
    """Non-compartmental analysis of a partitioned table with :func:`preclin.pk.calculate_nca`.

    Parameters
    ----------
    source : str, path, list of paths or dask.dataframe.DataFrame
        A Parquet file, directory or glob, or a Dask DataFrame; one row per
        sample. Only the needed columns are read.
    subject, time, conc, dose, route, duration, auc_method, blq, lloq, blq_markers, \
partial_aucs, tau, time_unit, conc_unit, dose_unit, molar_mass
        As in :func:`preclin.pk.calculate_nca`.
    partition_by : str, optional
        The ``subject`` column, to shuffle the rows so that each subject lies
        in one partition. ``None`` (default): partitions must already hold
        whole subjects (checked, see ``check``).
    check : bool
        With ``partition_by=None``, verify that no subject spans two
        partitions and raise :class:`~preclin.core.errors.InputError` naming
        one if it does (free with ``compute=True``; one pass over the subject
        column for a lazy result).
    compute : bool
        Return a pandas DataFrame instead of a lazy Dask one.
    scheduler : str, optional
        Dask scheduler (``"threads"``, ``"processes"``, ``"synchronous"``);
        default: Dask's current one.

    Returns
    -------
    dask.dataframe.DataFrame or pandas.DataFrame
        The columns of :func:`preclin.pk.calculate_nca`, one row per subject
        (``<subject>``, ``n``, ``cmax``, ``tmax``, ``tlast``, ``clast``,
        ``auclast``, ``aumclast``, ``aucinf_obs``, ``aucinf_pred``,
        ``aumcinf_obs``, ``aucpext_obs``, ``lambda_z``, ``half_life``,
        ``r_squared``, ``adj_r_squared``, ``lambda_z_time_first``,
        ``lambda_z_time_last``, ``lambda_z_n_points``, ``span_ratio``,
        ``clast_pred``, ``c0``, ``aucivlast``, ``aucivinf_obs``,
        ``aucivpbextinf_obs``, ``dose``, ``cl_obs``, ``vz_obs``,
        ``vss_obs``, ``mrt_obs``, the partial-AUC and steady-state columns if
        asked, ``message``). Computed: in order of first appearance with a
        ``RangeIndex`` and the same ``attrs["units"]`` / ``attrs["settings"]``,
        exactly as :func:`~preclin.pk.calculate_nca` on the concatenated
        table.

    Notes
    -----
    NCA is per subject, so partitions holding whole subjects give the same
    numbers as one call on the whole table (``tests/scale/test_nca.py``
    checks every column at exact equality). Rows keep their order within a
    subject, also after a shuffle (samples must be in time order, as for
    :func:`~preclin.pk.calculate_nca`).

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from preclin.datasets import load_example
    >>> df = load_example("basimglurant_rat_pk")
    >>> res = calculate_nca_dask(dd.from_pandas(df, npartitions=2), subject="animal",
    ...     time="time_h", conc="conc_ng_ml", dose="dose_mg_kg", lloq=10,
    ...     partition_by="animal", compute=True, scheduler="synchronous")
    >>> res[["animal", "cmax", "half_life"]].head(3).round(2)
      animal    cmax  half_life
    0     R1  1726.0      12.60
    1     R2  2090.0       5.37
    2     R3  1565.0       6.29
    """
    from preclin.pk import calculate_nca

    extra = [c for c in (dose, duration) if isinstance(c, str)]
    ddf, name = read_source(source, [subject, time, conc, *extra])
    kw: dict[str, Any] = {
        "subject": subject, "time": time, "conc": conc, "dose": dose, "route": route,
        "duration": duration, "auc_method": auc_method, "blq": blq, "lloq": lloq,
        "blq_markers": blq_markers, "partial_aucs": partial_aucs, "tau": tau,
        "time_unit": time_unit, "conc_unit": conc_unit, "dose_unit": dose_unit,
        "molar_mass": molar_mass,
    }  # fmt: skip
    values: dict[str, Sequence[Any]] = {time: _SAMPLE_T, conc: _SAMPLE_C}
    for col in extra:
        values[col] = [1.0] * len(_SAMPLE_T)
    # the output dtypes and attrs, from one made-up profile; this also checks the arguments
    meta = calculate_nca(sample_frame(ddf._meta, values), **kw).iloc[:0]
    return apply_by_group(
        ddf,
        functools.partial(_nca_partition, kw=kw),
        keys=[subject],
        meta=meta,
        partition_by=partition_by,
        check=check,
        compute=compute,
        scheduler=scheduler,
        name=name,
        what="subject",
    )


def _nca_partition(part: pd.DataFrame, *, kw: dict[str, Any]) -> pd.DataFrame:
    from preclin.pk import calculate_nca

    return calculate_nca(part, **kw)
