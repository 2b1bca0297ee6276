"""fit_curves_dask gives the local engine's numbers (exact equality, every column)."""

from __future__ import annotations

import sys

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from preclin.core.errors import InputError
from preclin.curves import fit_curves
from preclin.scale import fit_curves_dask

KW = {"x": "conc", "y": "response", "by": ["plate", "compound"]}


def _whole_curve_partitions(df: pd.DataFrame, n_parts: int) -> dd.DataFrame:
    """Split rows at curve boundaries into ``n_parts`` partitions (index kept)."""
    curve = df.groupby(["plate", "compound"], sort=False).ngroup().to_numpy()
    cut = np.searchsorted(curve, np.linspace(0, curve.max() + 1, n_parts + 1)[1:-1])
    frames = np.split(np.arange(len(df)), cut)
    return dd.from_map(lambda rows: df.iloc[rows], frames, meta=df.iloc[:0])


def _assert_identical(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal values and dtypes, bit for bit (Dask may hold text as ``string[pyarrow]``)."""
    assert list(got.columns) == list(want.columns)
    got = got.copy()
    for col in got.columns:
        if isinstance(got[col].dtype, pd.StringDtype) and isinstance(
            want[col].dtype, pd.StringDtype
        ):
            got[col] = got[col].astype(want[col].dtype)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def _by_curve(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by curve; hive keys as text (Dask orders their categories as it reads)."""
    frame = frame.assign(plate=frame["plate"].astype(str))
    return frame.sort_values(KW["by"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def curves(make_curves) -> pd.DataFrame:
    return make_curves(240, seed=1)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"se": "hessian", "ci_level": 0.9},
        {"model": "ll3", "fix": {"top": 100}},
        {"model": "w2.4", "x_unit": "uM"},
    ],
    ids=["ll4", "hessian", "ll3-fixed", "w2.4"],
)
def test_whole_curve_partitions_equal_local(curves, options):
    want = fit_curves(curves, **KW, **options)
    assert (~want["converged"]).sum() >= 1 and (want["flags"] != "").sum() >= 5
    got = fit_curves_dask(_whole_curve_partitions(curves, 4), **KW, **options, compute=True)
    _assert_identical(got, want)
    assert got.attrs["model"] == want.attrs["model"]


def test_lazy_result_equals_local(curves):
    lazy = fit_curves_dask(_whole_curve_partitions(curves, 3), **KW)
    assert isinstance(lazy, dd.DataFrame) and lazy.npartitions == 3
    got = lazy.compute().reset_index(drop=True)
    _assert_identical(got, fit_curves(curves, **KW))


def test_shuffle_on_partition_by_restores_local_numbers_and_order(curves):
    # interleave the curves' rows so that every partition cuts through curves
    rng = np.random.default_rng(3)
    mixed = curves.iloc[rng.permutation(len(curves))].reset_index(drop=True)
    want = fit_curves(mixed, **KW)
    parts = dd.from_pandas(mixed, npartitions=5)
    with pytest.raises(InputError, match=r"curve\(s\) span more than one partition.*partition_by"):
        fit_curves_dask(parts, **KW, compute=True)
    with pytest.raises(InputError, match=r"span more than one partition, e\.g\. plate="):
        fit_curves_dask(parts, **KW)  # lazy: checked by one pass over the keys
    got = fit_curves_dask(parts, **KW, partition_by=["compound"], compute=True)
    _assert_identical(got, want)
    lazy = fit_curves_dask(parts, **KW, partition_by="plate").compute()
    merged = want.merge(lazy, on=KW["by"], suffixes=("", "_dask"))
    assert len(merged) == len(want) == len(lazy)
    for col in ["ec50", "hill", "top", "bottom", "rss", "ec50_ci_low"]:
        np.testing.assert_array_equal(merged[f"{col}_dask"], merged[col])


def test_weights_and_unit_column(curves):
    data = curves.assign(
        w=1.0 / (1.0 + curves["conc"] ** 0.1), unit=np.where(curves["plate"] == "P1", "nM", "uM")
    )
    kw = {**KW, "weights": "w", "x_unit": "unit"}
    got = fit_curves_dask(_whole_curve_partitions(data, 2), **kw, compute=True)
    _assert_identical(got, fit_curves(data, **kw))


def test_parquet_dataset_partitioned_by_plate(curves, tmp_path):
    path = tmp_path / "curves"
    curves.to_parquet(path, partition_cols=["plate"], index=False)
    local = pd.read_parquet(path)
    want = fit_curves(local, **KW)
    got = fit_curves_dask(path, **KW, compute=True, scheduler="threads")
    # Dask lists the dataset's files in its own order: compare curve by curve
    _assert_identical(_by_curve(got), _by_curve(want))
    glob = fit_curves_dask(str(path / "plate=P2" / "*.parquet"), x="conc", y="response",
                           by="compound", compute=True)  # fmt: skip
    sub = fit_curves(local[local["plate"] == "P2"], x="conc", y="response", by="compound")
    _assert_identical(glob, sub)


def test_one_curve_without_by(curves):
    one = curves[curves["compound"] == "cpd-00000"]
    got = fit_curves_dask(dd.from_pandas(one, npartitions=2), x="conc", y="response",
                          compute=True)  # fmt: skip
    _assert_identical(got, fit_curves(one, x="conc", y="response"))


def test_bad_inputs(curves, tmp_path):
    parts = _whole_curve_partitions(curves, 2)
    with pytest.raises(InputError, match=r"no column 'dose'; the columns are plate"):
        fit_curves_dask(parts, x="dose", y="response", by="compound")
    with pytest.raises(InputError, match=r"Invalid `partition_by`: got 'conc', must be among"):
        fit_curves_dask(parts, **KW, partition_by="conc")
    with pytest.raises(InputError, match=r"Invalid `model`"):
        fit_curves_dask(parts, **KW, model="ll9")
    with pytest.raises(InputError, match=r"Invalid `source`: got a pandas DataFrame"):
        fit_curves_dask(curves, **KW)
    with pytest.raises(InputError, match=r"missing\.parquet: cannot read it as Parquet"):
        fit_curves_dask(str(tmp_path / "missing.parquet"), **KW)
    bad = curves.copy()
    bad.loc[bad.index[-1], "conc"] = -1.0
    with pytest.raises(InputError, match=r"\(partition 1\), row \d+, column 'conc'.*>= 0"):
        fit_curves_dask(_whole_curve_partitions(bad, 2), **KW, compute=True)


def test_missing_dask_names_the_extra(monkeypatch, curves):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(ImportError, match=r"pip install preclin\[scale\]"):
        fit_curves_dask("data.parquet", **KW)


def test_relative_parquet_path(curves, tmp_path, monkeypatch):
    one = curves[curves["plate"] == "P3"]
    one.to_parquet(tmp_path / "p3.parquet", index=False)
    monkeypatch.chdir(tmp_path)
    got = fit_curves_dask("p3.parquet", **KW, compute=True)
    _assert_identical(got, fit_curves(one.reset_index(drop=True), **KW))
