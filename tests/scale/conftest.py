"""Fixtures of the scale room: synthetic batches and a deterministic Dask scheduler."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")


@pytest.fixture(autouse=True)
def _synchronous_dask():
    """Tests run Dask's single-threaded scheduler: fast and deterministic."""
    import dask

    with dask.config.set(scheduler="synchronous"):
        yield


def _make_curves(n_curves: int, seed: int = 0, n_plates: int = 4) -> pd.DataFrame:
    """Noisy LL.4 curves (8 concentrations, duplicates), a few hard ones, long format."""
    rng = np.random.default_rng(seed)
    conc = np.repeat(10.0 ** np.arange(-3, 5), 2)  # 0.001 .. 10000, duplicates
    ec50 = 10 ** rng.uniform(-1, 2, n_curves)
    hill = rng.uniform(0.6, 2.5, n_curves)
    top = rng.normal(100, 5, n_curves)
    bottom = rng.normal(0, 5, n_curves)
    x = np.tile(conc, n_curves)
    rep = np.repeat(np.arange(n_curves), conc.size)
    mean = bottom[rep] + (top[rep] - bottom[rep]) / (1 + (x / ec50[rep]) ** hill[rep])
    y = mean + rng.normal(0, 4, x.size)
    flat = rep % 17 == 5  # flat curves
    y[flat] = rng.normal(50, 4, flat.sum())
    df = pd.DataFrame(
        {
            "plate": np.array([f"P{i % n_plates + 1}" for i in range(n_curves)])[rep],
            "compound": np.array([f"cpd-{i:05d}" for i in range(n_curves)])[rep],
            "conc": x,
            "response": y,
        }
    )
    # one curve with too few points
    return df.drop(df.index[(rep == 3) & (np.arange(x.size) % conc.size > 2)])


@pytest.fixture(scope="session")
def make_curves():
    """The synthetic-curve factory (``make_curves(n_curves, seed)``)."""
    return _make_curves
