"""simulate_population_dask: reproducible whatever the partitions, equal to
simulate_population block by block, exact percentiles over the whole population."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from preclin.core.errors import InputError
from preclin.pk import Regimen, calculate_occupancy, simulate_population
from preclin.scale import simulate_population_dask

REG = Regimen(dose="10mg/kg", route="oral", tau="12h", n_doses=4)
PARAMS = {"CL": 0.15, "V": 1.5, "ka": 1.2, "F": 0.5}
OMEGA = {"CL": 0.3, "V": 0.25, "ka": 0.4}
TIMES = np.array([0.5, 1, 2, 4, 8, 12, 24, 36, 48.5])
KW = {
    "omega_kind": "cv",
    "correlation": {("CL", "V"): 0.4},
    "residual": {"proportional": 0.1, "additive": 0.05},
    "kd": 30.0,
    "kd_unit": "nM",
    "molar_mass": 300.0,
    "fu": 0.2,
}


def _dask(n, **kw):
    return simulate_population_dask("1cpt-oral", PARAMS, OMEGA, REG, TIMES, n_subjects=n,
                                    **KW, **kw)  # fmt: skip


def _local(n, seed):
    return simulate_population("1cpt-oral", PARAMS, OMEGA, REG, TIMES, n_subjects=n, seed=seed,
                               **KW)  # fmt: skip


def _child(seed, i, n_blocks):
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(n_blocks)[i])


def test_same_numbers_for_1_2_4_partitions_and_schedulers():
    runs = [
        _dask(700, seed=5, block_size=100, npartitions=k, compute=True, scheduler=s)
        for k, s in [(1, "synchronous"), (2, "threads"), (4, "synchronous"), (None, "threads")]
    ]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(other, runs[0], check_exact=True)
        pd.testing.assert_frame_equal(
            other.attrs["parameters"], runs[0].attrs["parameters"], check_exact=True
        )
    different = _dask(700, seed=6, block_size=100, npartitions=2, compute=True)
    assert not np.array_equal(different["conc"], runs[0]["conc"])


def test_one_block_equals_simulate_population_with_the_child_seed():
    got = _dask(250, seed=9, compute=True)  # default block_size 4096: one block
    want = _local(250, _child(9, 0, 1))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(
        got.attrs["parameters"], want.attrs["parameters"], check_exact=True
    )
    summ = _dask(250, seed=9, summary=(5, 50, 95))
    local = simulate_population("1cpt-oral", PARAMS, OMEGA, REG, TIMES, n_subjects=250,
                                seed=_child(9, 0, 1), summary=(5, 50, 95), **KW)  # fmt: skip
    pd.testing.assert_frame_equal(summ, local, check_exact=True)


def test_blocks_concatenate_per_block_populations_and_percentiles_are_exact():
    n, size = 530, 128  # 5 blocks, the last one short
    lazy = _dask(n, seed=3, block_size=size, npartitions=3)
    got = lazy.compute().reset_index(drop=True)
    blocks = []
    for i in range(5):
        frame = _local(min(size, n - i * size), _child(3, i, 5))
        frame.attrs = {}
        blocks.append(frame.assign(subject=frame["subject"] + i * size))
    want = pd.concat(blocks, ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)

    q = (2.5, 10, 50, 90, 97.5)
    # tiny max_block_bytes: percentiles over several time blocks
    summ = _dask(n, seed=3, block_size=size, npartitions=2, summary=q, max_block_bytes=3 * 8 * n)
    expected = {}
    for var in ("conc", "ipred"):
        wide = want.pivot(index="time", columns="subject", values=var).loc[TIMES].to_numpy()
        expected[var] = np.percentile(wide, q, axis=1).T
    # occupancy is monotone in ipred: simulate_population reports it at the ipred percentiles
    expected["occupancy"] = calculate_occupancy(
        expected["ipred"].ravel(), conc_unit="mg/L", kd=30.0, kd_unit="nM", fu=0.2,
        molar_mass=300.0,
    ).reshape(expected["ipred"].shape)  # fmt: skip
    for var, value in expected.items():
        np.testing.assert_array_equal(summ[[f"{var}_p{x:g}" for x in q]].to_numpy(), value)
    assert summ.attrs["units"]["conc_p50"] == "mg/L"
    assert len(summ.attrs["parameters"]) == n


def test_distribution_matches_simulate_population_with_the_same_seed():
    # different draws (one stream vs spawned blocks), same distribution: the sample
    # quantiles of log CL agree within Monte-Carlo error (n = 4000, 5 blocks)
    got = _dask(4000, seed=1, block_size=800, summary=(50,)).attrs["parameters"]
    want = _local(4000, 1).attrs["parameters"]
    for name in ("CL", "V", "ka"):
        a, b = np.log(got[name]), np.log(want[name])
        se = np.sqrt(a.var() / a.size + b.var() / b.size)
        assert abs(a.mean() - b.mean()) < 4 * se
        assert abs(a.std() / b.std() - 1) < 4 / np.sqrt(a.size)  # SE of the ratio ~ 1/sqrt(n)


def test_bad_arguments():
    with pytest.raises(InputError, match=r"Invalid `seed`: got Generator.*SeedSequence or None"):
        _dask(10, seed=np.random.default_rng(1))
    with pytest.raises(InputError, match=r"npartitions"):
        _dask(10, seed=1, block_size=5, npartitions=3)
    with pytest.raises(InputError, match=r"block_size"):
        _dask(10, seed=1, block_size=0)
    with pytest.raises(InputError, match=r"Invalid `omega` name: got 'Q'"):
        simulate_population_dask("1cpt-oral", PARAMS, {"Q": 0.3}, REG, TIMES, seed=1)


def test_seed_none_is_recorded():
    a = _dask(20, seed=None, compute=True)
    b = _dask(20, seed=np.random.SeedSequence(a.attrs["seed"]), compute=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
