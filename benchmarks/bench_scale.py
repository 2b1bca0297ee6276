"""Benchmark: fit_curves_dask over a partitioned Parquet dataset vs fit_curves in memory.

N synthetic LL.4 curves (8 concentrations x 2 replicates, seeded noise) are
written as a Parquet dataset of F files (whole curves per file) in a temporary
directory. Then, each in its own process (so the peak RSS is its own):

* ``dask``:  ``fit_curves_dask(directory, ...)`` on Dask's threaded (or
  processes) scheduler, results written to Parquet partition by partition
  (memory bounded by a few partitions);
* ``local``: ``pandas.read_parquet(directory)`` then ``fit_curves`` on the
  concatenated table (memory grows with N).

Prints curves/s for both, the ratio, each process's peak RSS, and checks that
the two result tables are identical (every column, bit for bit).

    python benchmarks/bench_scale.py --quick     # N = 50,000
    python benchmarks/bench_scale.py             # N = 1,000,000 (several minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

KW = {"x": "conc", "y": "response", "by": ["plate", "curve"], "x_unit": "uM"}


def write_dataset(path: Path, n: int, files: int, seed: int) -> int:
    """N curves in ``files`` Parquet files (whole curves each); returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    conc = np.repeat(10.0 ** np.arange(-3, 5), 2)
    path.mkdir(parents=True, exist_ok=True)
    rows = 0
    for f, ids in enumerate(np.array_split(np.arange(n), files)):
        k = ids.size
        ec50 = 10 ** rng.uniform(-1, 2, k)
        hill = rng.uniform(0.6, 2.5, k)
        top = rng.normal(100, 5, k)
        bottom = rng.normal(0, 5, k)
        y = bottom[:, None] + (top - bottom)[:, None] / (
            1 + (conc[None, :] / ec50[:, None]) ** hill[:, None]
        )
        y += rng.normal(0, 4, y.shape)
        table = pa.table(
            {
                "plate": np.repeat(ids // 384, conc.size).astype(np.int32),
                "curve": np.repeat(ids, conc.size),
                "conc": np.tile(conc, k),
                "response": y.ravel(),
            }
        )
        pq.write_table(table, path / f"part-{f:04d}.parquet")
        rows += table.num_rows
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def run_dask(data: Path, out: Path, scheduler: str) -> dict:
    from preclin.scale import fit_curves_dask

    fit_curves_dask(data, x="conc", y="response", by="curve")  # warm up (compile, meta)
    t0 = time.perf_counter()
    lazy = fit_curves_dask(data, **KW, check=False)
    lazy.to_parquet(out, write_index=False, compute_kwargs={"scheduler": scheduler})
    return {"seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb()}


def run_local(data: Path, out: Path) -> dict:
    import pandas as pd

    from preclin.curves import fit_curves

    small = pd.read_parquet(next(data.glob("*.parquet"))).head(160)
    fit_curves(small, **KW)  # warm up
    t0 = time.perf_counter()
    table = pd.read_parquet(data)
    result = fit_curves(table, **KW)
    seconds = time.perf_counter() - t0
    result.to_parquet(out / "result.parquet", index=False)
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def compare(dask_out: Path, local_out: Path) -> tuple[int, int]:
    """(rows, mismatching cells) between the two result tables, matched by curve."""
    import pandas as pd

    a = pd.read_parquet(dask_out).sort_values("curve").reset_index(drop=True)
    b = pd.read_parquet(local_out).sort_values("curve").reset_index(drop=True)
    bad = 0
    for col in b.columns:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if x.dtype.kind == "f":
            bad += int((~((x == y) | (np.isnan(x) & np.isnan(y)))).sum())
        else:
            bad += int((x.astype(str) != y.astype(str)).sum())
    return len(b), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of curves")
    parser.add_argument("--files", type=int, default=16, help="Parquet files (partitions)")
    parser.add_argument("--quick", action="store_true", help="N = 50,000")
    parser.add_argument("--scheduler", default="threads", choices=["threads", "processes"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=["dask", "local"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode == "dask":
        print(json.dumps(run_dask(args.data, args.out, args.scheduler)))
        return
    if args.mode == "local":
        print(json.dumps(run_local(args.data, args.out)))
        return

    n = 50_000 if args.quick else args.n
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = tmp_path / "curves"
        t0 = time.perf_counter()
        rows = write_dataset(data, n, args.files, args.seed)
        size = sum(p.stat().st_size for p in data.glob("*.parquet")) / 2**20
        print(f"dataset: {n:,} curves, {rows:,} rows, {args.files} files, {size:.0f} MiB "
              f"(written in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
        stats = {}
        for mode in ("dask", "local"):
            out = tmp_path / f"out-{mode}"
            out.mkdir()
            cmd = [sys.executable, __file__, "--mode", mode, "--data", str(data),
                   "--out", str(out), "--scheduler", args.scheduler]  # fmt: skip
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)
            stats[mode] = json.loads(res.stdout.strip().splitlines()[-1])
        checked, bad = compare(tmp_path / "out-dask", tmp_path / "out-local" / "result.parquet")
    d, loc = stats["dask"], stats["local"]
    print(f"fit_curves_dask ({args.scheduler}): {n / d['seconds']:>10,.0f} curves/s "
          f"({d['seconds']:.1f} s), peak RSS {d['peak_rss_mb']:,.0f} MiB")  # fmt: skip
    print(f"fit_curves (in memory):   {n / loc['seconds']:>10,.0f} curves/s "
          f"({loc['seconds']:.1f} s), peak RSS {loc['peak_rss_mb']:,.0f} MiB")  # fmt: skip
    print(f"ratio (dask / local rate): {loc['seconds'] / d['seconds']:.2f}x; "
          f"peak RSS ratio {d['peak_rss_mb'] / loc['peak_rss_mb']:.2f}")  # fmt: skip
    print(f"identical results: {checked:,} curves, {bad} differing cells")


if __name__ == "__main__":
    main()
