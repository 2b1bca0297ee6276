"""``simulate_population_dask``: :func:`preclin.pk.simulate_population` in seeded blocks."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.validation import check_scalar
from preclin.scale._backend import import_dask

__all__ = ["simulate_population_dask"]


def _root_seed(seed: Any) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"Invalid `seed`: got {seed!r}, must be an integer >= 0, a "
            "numpy.random.SeedSequence or None (a Generator cannot be split reproducibly)."
        )
    return np.random.SeedSequence(int(seed))


def _simulate_blocks(
    blocks: Sequence[tuple[int, int, np.random.SeedSequence]],
    *,
    kw: dict[str, Any],
    times: np.ndarray,
    time_major: bool,
) -> Any:
    """Simulate seed blocks ``(first subject, n, seed)`` one after the other.

    Long mode: the frame of :func:`simulate_population` with subjects renumbered.
    Time-major mode: ``{column: (times, subjects) array}`` for the summaries.
    """
    from preclin.pk import simulate_population

    frames = []
    for first, n, child in blocks:
        frame = simulate_population(
            **kw, times=times, n_subjects=n, seed=np.random.default_rng(child)
        )
        frame["subject"] += first
        frame.attrs = {}  # (concat compares attrs; the parameters frame cannot be compared)
        frames.append(frame)
    if not time_major:
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    # rows are subject-major (subject 1: all times, subject 2: ...)
    return {
        col: np.concatenate([f[col].to_numpy().reshape(-1, times.size).T for f in frames], axis=1)
        for col in ("conc", "ipred")
    }


def _block_parameters(
    blocks: Sequence[tuple[int, int, np.random.SeedSequence]],
    *,
    kw: dict[str, Any],
    times: np.ndarray,
) -> pd.DataFrame:
    """Each subject's parameters (drawn before anything else, so one time point suffices)."""
    from preclin.pk import simulate_population

    kw = {**kw, "residual": None}
    frames = []
    for first, n, child in blocks:
        par = simulate_population(
            **kw, times=times[:1], n_subjects=n, seed=np.random.default_rng(child)
        ).attrs["parameters"]
        frames.append(par.assign(subject=par["subject"] + first))
    return pd.concat(frames, ignore_index=True)


def _percentile_rows(block: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.percentile(block, q, axis=1).T


def simulate_population_dask(
    model: str,
    params: Mapping[str, Any],
    omega: Mapping[str, float],
    regimen: Any,
    times: Any,
    *,
    n_subjects: int = 100,
    omega_kind: str = "cv",
    correlation: Mapping[tuple[str, str], float] | None = None,
    residual: Mapping[str, float] | None = None,
    seed: int | np.random.SeedSequence | None = None,
    summary: Sequence[float] | None = None,
    conc_unit: str = "mg/L",
    molar_mass: float | None = None,
    fu: float | None = None,
    kd: float | str | None = None,
    kd_unit: str = "nM",
    kpuu: float | None = None,
    block_size: int = 4096,
    npartitions: int | None = None,
    max_block_bytes: int = 64 * 2**20,
    compute: bool = False,
    scheduler: str | None = None,
) -> Any:
    """Simulate a virtual population over Dask partitions, reproducibly.

    The subjects are cut into seed blocks of ``block_size``; block ``i`` is
    simulated by :func:`preclin.pk.simulate_population` with its own random
    stream ``numpy.random.SeedSequence(seed).spawn(n_blocks)[i]``. A
    partition simulates whole blocks, so the numbers depend on ``seed``,
    ``n_subjects`` and ``block_size`` — never on ``npartitions``, the
    scheduler or the number of workers.

    Parameters
    ----------
    model, params, omega, regimen, times, n_subjects, omega_kind, correlation, residual, \
conc_unit, molar_mass, fu, kd, kd_unit, kpuu
        As in :func:`preclin.pk.simulate_population`.
    seed : int, numpy.random.SeedSequence or None
        Root of the block seeds. ``None`` draws fresh entropy (recorded in
        ``attrs["seed"]`` of a computed result so the run can be repeated).
    summary : sequence of float, optional
        Percentiles (0–100): return one row per time with the exact
        percentiles over all subjects (``numpy.percentile``, linear
        interpolation), as :func:`~preclin.pk.simulate_population`.
    block_size : int
        Subjects per random stream (the unit of reproducibility: change it
        and the population changes).
    npartitions : int, optional
        Dask partitions (each a run of consecutive blocks); default one per
        block.
    max_block_bytes : int
        Memory of one percentile task: times are summarised in blocks of
        ``max_block_bytes / (8 n_subjects)`` time points.
    compute : bool
        Without ``summary``: return a pandas DataFrame instead of a lazy Dask
        one. With ``summary`` the (small) result is always computed.
    scheduler : str, optional
        Dask scheduler (``"threads"``, ``"processes"``, ``"synchronous"``);
        default: Dask's current one.

    Returns
    -------
    dask.dataframe.DataFrame or pandas.DataFrame
        The columns of :func:`~preclin.pk.simulate_population`: without
        ``summary`` ``subject`` (1..n), ``time``, ``ipred``, ``conc`` and,
        if requested, ``conc_unbound``, ``conc_unbound_brain``,
        ``occupancy``; with ``summary`` ``time`` and ``conc_p<q>`` (and
        ``ipred_p<q>``, ``occupancy_p<q>``). A computed result carries
        ``attrs["units"]``, ``attrs["parameters"]`` (each subject's
        parameters) and ``attrs["seed"]`` (the root entropy).

    Notes
    -----
    With ``n_subjects <= block_size`` (one block) the result equals
    ``simulate_population(..., seed=numpy.random.default_rng(
    numpy.random.SeedSequence(seed).spawn(1)[0]))`` exactly; with more
    blocks it equals the concatenation of those per-block populations
    (subjects renumbered), and the percentiles are those of the
    concatenated population (``tests/scale/test_population.py``). Block
    streams are independent by construction of ``SeedSequence.spawn``. The
    result is not the same draw as ``simulate_population(seed=seed)``, whose
    one stream cannot be split across workers; it has the same distribution.

    Memory: a partition holds its subjects × times long table while it runs.
    Percentiles need every subject at a time point, so the (times ×
    subjects) arrays of ``conc`` (and ``ipred``) are rechunked from subject
    blocks to time blocks of about ``max_block_bytes``; Dask's local
    schedulers keep those arrays (8 bytes × times × subjects each) until
    every time block is summarised, a distributed cluster spreads (and may
    spill) them over its workers.

    Examples
    --------
    >>> from preclin.pk import Regimen
    >>> reg = Regimen(dose="10mg/kg", route="oral", tau="12h", n_doses=28)
    >>> pop = simulate_population_dask("1cpt-oral", {"CL": 0.1485, "V": 1.5,
    ...     "ka": 1.2, "F": 0.5}, {"CL": 0.3, "V": 0.3}, reg, [12.0, 324.0],
    ...     n_subjects=3000, block_size=1000, seed=1, summary=(5, 50, 95),
    ...     scheduler="synchronous")
    >>> list(pop.columns)
    ['time', 'conc_p5', 'conc_p50', 'conc_p95']
    >>> (pop["conc_p5"] < pop["conc_p50"]).all()
    np.True_
    """
    import_dask()
    import dask
    from dask import delayed

    from preclin.pk import simulate_population

    n = int(check_scalar("n_subjects", n_subjects, low=1, integer=True))
    size = int(check_scalar("block_size", block_size, low=1, integer=True))
    root = _root_seed(seed)
    n_blocks = -(-n // size)
    parts = n_blocks if npartitions is None else npartitions
    parts = int(check_scalar("npartitions", parts, low=1, high=n_blocks, integer=True))
    kw: dict[str, Any] = {
        "model": model, "params": params, "omega": omega, "regimen": regimen,
        "omega_kind": omega_kind, "correlation": correlation, "residual": residual,
        "conc_unit": conc_unit, "molar_mass": molar_mass, "fu": fu, "kd": kd,
        "kd_unit": kd_unit, "kpuu": kpuu,
    }  # fmt: skip
    # one subject, all times: checks every argument and gives the output columns and units
    probe = simulate_population(**kw, times=times, n_subjects=1, seed=0, summary=summary)
    t = probe["time"].to_numpy(dtype=float)  # the checked times (one subject: one row each)
    children = root.spawn(n_blocks)
    blocks = [(b * size, min(size, n - b * size), children[b]) for b in range(n_blocks)]
    groups = [list(g) for g in np.array_split(np.arange(n_blocks), parts)]
    per_part = [[blocks[b] for b in g] for g in groups]
    params_task = [delayed(_block_parameters)(p, kw=kw, times=t) for p in per_part]
    attrs = {"units": probe.attrs["units"], "seed": root.entropy}

    if summary is None:
        dd = import_dask()
        meta = probe.iloc[:0].copy()
        meta.attrs = {}
        lazy = dd.from_map(
            functools.partial(_simulate_blocks, kw=kw, times=t, time_major=False),
            per_part,
            meta=meta,
            enforce_metadata=False,
        )
        if not compute:
            return lazy
        frame = lazy.compute(scheduler=scheduler).reset_index(drop=True)
        par = dask.compute(*params_task, scheduler=scheduler)
        frame.attrs = {**attrs, "parameters": pd.concat(par, ignore_index=True)}
        return frame

    import dask.array as da

    q = np.asarray([float(x) for x in summary], dtype=float)
    sims = [
        delayed(_simulate_blocks, pure=True)(p, kw=kw, times=t, time_major=True) for p in per_part
    ]
    widths = [sum(b[1] for b in p) for p in per_part]
    rows = max(1, int(max_block_bytes // (8 * n)))
    has_noise = residual is not None and any(float(v) > 0 for v in dict(residual).values())
    wanted = ["conc"] + (["ipred"] if has_noise or kd is not None else [])
    arrays = []
    for var in wanted:
        full = da.concatenate(
            [
                da.from_delayed(sim[var], shape=(t.size, w), dtype=float)
                for sim, w in zip(sims, widths)
            ],
            axis=1,
        ).rechunk((rows, n))
        arrays.append(
            full.map_blocks(_percentile_rows, q, chunks=(full.chunks[0], (q.size,)), dtype=float)
        )
    pct = dask.compute(*arrays, scheduler=scheduler)
    par = dask.compute(*params_task, scheduler=scheduler)
    values = dict(zip(wanted, pct))
    if kd is not None:
        from preclin.pk import calculate_occupancy

        occ_kw = {
            "conc_unit": conc_unit, "kd": kd, "kd_unit": kd_unit,
            "fu": 1.0 if fu is None else fu, "kpuu": 1.0 if kpuu is None else kpuu,
            "molar_mass": molar_mass,
        }  # fmt: skip
        # occupancy is monotone in concentration: its percentiles are at the ipred ones
        ip = values["ipred"]
        values["occupancy"] = calculate_occupancy(ip.ravel(), **occ_kw).reshape(ip.shape)
    labels = [f"p{x:g}" for x in q]
    cols = {
        f"{var}_{lab}": arr[:, j] for var, arr in values.items() for j, lab in enumerate(labels)
    }
    out = pd.DataFrame({"time": t, **cols})
    out = out[list(probe.columns)]
    out.attrs = {**attrs, "parameters": pd.concat(par, ignore_index=True)}
    return out
