"""Benchmark: per-group Grubbs tests and effect-size CIs on many groups.

    python benchmarks/bench_design.py           # 5 000 groups (Grubbs), 60 groups (d CIs)
    python benchmarks/bench_design.py --quick   # 1 000 / 30

preclin: ``grubbs(data, dv, by=...)`` and ``effect_size(..., kind="cohen")``
(all pairs) on the whole table at once. Alternative: the obvious loop, one
group / pair at a time (pandas groupby + NumPy + SciPy for Grubbs; SciPy
``brentq`` on ``nct.cdf`` for each CI). Both give the same numbers (checked).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import optimize, stats

from preclin.stats import effect_size, grubbs


def grubbs_loop(df: pd.DataFrame) -> pd.Series:
    out = {}
    for key, sub in df.groupby("g", sort=False):
        y = sub["y"].to_numpy()
        n = len(y)
        g = np.max(np.abs(y - y.mean())) / y.std(ddof=1)
        t = stats.t.isf(0.05 / (2 * n), n - 2)
        out[key] = g > (n - 1) / np.sqrt(n) * np.sqrt(t * t / (n - 2 + t * t))
    return pd.Series(out)


def d_ci_loop(df: pd.DataFrame) -> list[float]:
    groups = [sub["y"].to_numpy() for _, sub in df.groupby("g", sort=False)]
    lows = []
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            a, b = groups[i], groups[j]
            t = stats.ttest_ind(b, a).statistic
            df_ = len(a) + len(b) - 2
            lo = optimize.brentq(
                lambda x, t=t, df_=df_: stats.nct.cdf(t, df_, x) - 0.975, t - 8, t + 8
            )
            lows.append(lo * np.sqrt(1 / len(a) + 1 / len(b)))
    return lows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--pairs-groups", type=int, default=60)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.groups, args.pairs_groups = 1000, 30
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"g": np.repeat(np.arange(args.groups), 10), "y": rng.normal(size=args.groups * 10)}
    )
    t0 = time.perf_counter()
    ours = grubbs(df, "y", by="g")
    t1 = time.perf_counter()
    loop = grubbs_loop(df)
    t2 = time.perf_counter()
    assert (ours["is_outlier"].to_numpy() == loop.to_numpy()).all()
    r1, r2 = args.groups / (t1 - t0), args.groups / (t2 - t1)
    print(f"grubbs: preclin {r1:,.0f} groups/s, loop {r2:,.0f} groups/s, ratio {r1 / r2:.1f}x")

    k = args.pairs_groups
    df = pd.DataFrame({"g": np.repeat(np.arange(k), 10), "y": rng.normal(size=k * 10)})
    npairs = k * (k - 1) // 2
    t0 = time.perf_counter()
    ours = effect_size(df, "y", "g", kind="cohen")
    t1 = time.perf_counter()
    lows = d_ci_loop(df)
    t2 = time.perf_counter()
    np.testing.assert_allclose(ours["ci_low"], lows, rtol=1e-6)
    r1, r2 = npairs / (t1 - t0), npairs / (t2 - t1)
    print(f"d CIs : preclin {r1:,.0f} pairs/s, loop {r2:,.0f} pairs/s, ratio {r1 / r2:.1f}x")


if __name__ == "__main__":
    main()
