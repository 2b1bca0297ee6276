"""Benchmark: vectorised calculate_nca over many subjects vs per-subject loops.

Times, in the same run and on the same simulated data (one-compartment oral
profiles, 12 samples, proportional noise):

* ``preclin``: one ``calculate_nca`` call for all subjects (padded arrays);
* ``loop-numpy``: the obvious alternative, a Python loop over subjects doing
  the same NCA on 1-D arrays (lin-up/log-down AUC, PKNCA λz selection with
  ``np.polyfit`` per candidate window) — as per-subject NCA code is written;
* ``loop-preclin``: ``calculate_nca`` called once per subject (groupby).

Prints subjects/s for each and the ratios, and checks the numbers agree.

    .venv/bin/python benchmarks/bench_nca.py            # 20 000 subjects
    .venv/bin/python benchmarks/bench_nca.py --quick    # 2 000 subjects
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from preclin.pk import calculate_nca

TIMES = np.array([0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24, 36, 48])


def simulate(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ke = np.log(2) / rng.uniform(3, 12, n)
    ka = rng.uniform(0.5, 3, n)
    v = rng.uniform(1, 4, n)
    t = TIMES[None, :]
    c = 5 * ka[:, None] / (v[:, None] * (ka[:, None] - ke[:, None]))
    c = c * (np.exp(-ke[:, None] * t) - np.exp(-ka[:, None] * t))
    c = c * np.exp(rng.normal(0, 0.1, c.shape)) * 1000
    return pd.DataFrame(
        {"id": np.repeat(np.arange(n), TIMES.size), "t": np.tile(TIMES, n), "c": c.ravel()}
    )


def nca_one(t: np.ndarray, c: np.ndarray) -> tuple[float, float, float]:
    """Per-subject NCA on 1-D arrays: auclast, lambda_z, aucinf_obs."""
    t = np.r_[0.0, t]
    c = np.r_[0.0, c]
    auc = 0.0
    for i in range(t.size - 1):
        dt = t[i + 1] - t[i]
        if c[i + 1] < c[i] and c[i + 1] > 0:
            auc += dt * (c[i] - c[i + 1]) / np.log(c[i] / c[i + 1])
        else:
            auc += dt * (c[i] + c[i + 1]) / 2
    imax = int(np.argmax(c))
    tt, lc = t[imax + 1 :], np.log(c[imax + 1 :])
    fits = []
    for k in range(3, tt.size + 1):
        x, y = tt[-k:], lc[-k:]
        slope, icpt = np.polyfit(x, y, 1)
        r2 = 1 - np.sum((y - (icpt + slope * x)) ** 2) / np.sum((y - y.mean()) ** 2)
        fits.append((k, -slope, 1 - (1 - r2) * (k - 1) / (k - 2)))
    best = max(f[2] for f in fits)
    ok = [f for f in fits if f[1] > 0 and f[2] > best - 1e-4]
    lam = max(ok)[1] if ok else np.nan
    return auc, lam, auc + c[-1] / lam


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 000 subjects")
    parser.add_argument("-n", type=int, default=None, help="number of subjects")
    args = parser.parse_args()
    n = args.n or (2_000 if args.quick else 20_000)
    df = simulate(n)
    print(f"{n} subjects x {TIMES.size} samples")

    # warm-up: imports and pint's unit registry load once per process (~0.5 s)
    calculate_nca(df[df["id"] < 5], subject="id", time="t", conc="c", dose=5.0)
    t0 = time.perf_counter()
    res = calculate_nca(df, subject="id", time="t", conc="c", dose=5.0)
    t_vec = time.perf_counter() - t0

    t0 = time.perf_counter()
    tv = df["t"].to_numpy().reshape(n, TIMES.size)
    cv = df["c"].to_numpy().reshape(n, TIMES.size)
    loop = np.array([nca_one(tv[i], cv[i]) for i in range(n)])
    t_loop = time.perf_counter() - t0

    m = min(n, 300)  # calculate_nca per subject is slow: time a subset, scale the rate
    t0 = time.perf_counter()
    for _, g in df[df["id"] < m].groupby("id"):
        calculate_nca(g, subject="id", time="t", conc="c", dose=5.0)
    t_each = (time.perf_counter() - t0) * n / m

    for name, col in (("auclast", 0), ("lambda_z", 1), ("aucinf_obs", 2)):
        err = np.nanmax(np.abs(res[name].to_numpy() / loop[:, col] - 1))
        print(f"  max relative difference {name:10s} preclin vs loop-numpy: {err:.1e}")
    rate = n / t_vec
    print(f"preclin (vectorised):   {rate:12,.0f} subjects/s  ({t_vec:.3f} s)")
    print(f"loop-numpy:             {n / t_loop:12,.0f} subjects/s  ({t_loop:.3f} s)")
    print(f"loop-preclin (groupby): {n / t_each:12,.0f} subjects/s  (scaled from {m})")
    print(f"speed-up vs loop-numpy: {t_loop / t_vec:.1f}x; vs loop-preclin: {t_each / t_vec:.0f}x")


if __name__ == "__main__":
    main()
