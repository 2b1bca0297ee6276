"""Benchmark: preclin's batched 4PL fits vs a scipy.optimize.curve_fit loop.

N synthetic 4PL curves (10 concentrations, 3-fold from 100 uM, x 3 replicates,
normal noise; seeded) are fitted by ``preclin.curves.fit_curve_arrays`` (with
SEs, EC50 CIs and flags) and, on a subsample, by a ``curve_fit`` loop (what
hand-written Python pipelines do). Both rates, their ratio and the largest
relative difference of the estimates where both converge are printed.

    python benchmarks/bench_fit.py                # N = 200,000 (< 1 min)
    python benchmarks/bench_fit.py --n 1000000    # the 10^6 target
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def simulate(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    conc = 100.0 * 3.0 ** -np.arange(10)
    x1 = np.repeat(conc, 3)
    bottom = rng.uniform(-5, 15, n)
    top = rng.uniform(85, 110, n)
    ic50 = np.exp(rng.uniform(np.log(0.02), np.log(20), n))
    hill = -rng.uniform(0.6, 2.5, n)
    x = np.tile(x1, n)
    truth = np.column_stack([hill, bottom, top, ic50])
    y = np.empty(x.size)
    block = 1 << 16  # curves per block: bounded temporaries
    for s in range(0, n, block):
        sl = slice(s, min(n, s + block))
        yb = bottom[sl, None] + (top - bottom)[sl, None] / (
            1 + (x1[None, :] / ic50[sl, None]) ** (-hill[sl, None])
        )
        yb += rng.normal(0, 4.0, yb.shape)
        y[sl.start * x1.size : sl.stop * x1.size] = yb.ravel()
    starts = np.arange(n + 1, dtype=np.int64) * x1.size
    return x, y, starts, truth


def scipy_loop(x, y, starts, idx):
    from scipy.optimize import curve_fit

    def prism4pl(xx, bottom, top, logic50, hill):
        return bottom + (top - bottom) / (1 + 10 ** ((logic50 - np.log10(xx)) * hill))

    out = np.full((idx.size, 4), np.nan)
    for k, i in enumerate(idx):
        xx, yy = x[starts[i] : starts[i + 1]], y[starts[i] : starts[i + 1]]
        p0 = [yy.min(), yy.max(), np.log10(np.median(xx)), -1.0]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                p, cov = curve_fit(prism4pl, xx, yy, p0=p0, maxfev=4000, xtol=1e-12, ftol=1e-12)
            np.sqrt(np.diag(cov))  # the SEs a careful loop would report
            out[k] = [p[3], p[0], p[1], 10 ** p[2]]
        except RuntimeError:
            pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="curves (default 200,000)")
    ap.add_argument("--scipy-n", type=int, default=1000, help="curves for the scipy loop")
    ap.add_argument("--seed", type=int, default=20261122)
    args = ap.parse_args()

    from numba import get_num_threads

    from preclin.curves import fit_curve_arrays

    x, y, starts, _truth = simulate(args.n, args.seed)
    fit_curve_arrays(x[:300], y[:300], starts[:11])  # JIT warm-up (cached after 1st run)

    t0, c0 = time.perf_counter(), time.process_time()
    res = fit_curve_arrays(x, y, starts)
    t_pre, c_pre = time.perf_counter() - t0, time.process_time() - c0
    rate_pre = args.n / t_pre

    rng = np.random.default_rng(args.seed + 1)
    idx = np.sort(rng.choice(args.n, size=min(args.scipy_n, args.n), replace=False))
    t0, c0 = time.perf_counter(), time.process_time()
    sp = scipy_loop(x, y, starts, idx)
    t_sp, c_sp = time.perf_counter() - t0, time.process_time() - c0
    rate_sp = idx.size / t_sp

    ours = np.column_stack([res["hill"], res["bottom"], res["top"], res["ec50"]])[idx]
    both = res["converged"][idx] & np.isfinite(sp).all(axis=1) & np.isfinite(ours).all(axis=1)
    # relative differences: hill and EC50 relative to themselves, bottom and top
    # relative to the span (a bottom of 0.004 vs 0.0044 is not a 10 % difference)
    span = np.abs(sp[both, 2] - sp[both, 1])[:, None]
    scale = np.column_stack([np.abs(sp[both, 0]), span, span, np.abs(sp[both, 3])])
    rel = np.abs(ours[both] - sp[both]) / scale
    # near-misses: one of the two stopped at a worse local optimum
    same = np.max(rel, axis=1) < 1e-3
    conv = res["converged"].mean()
    print(f"curves: {args.n:,} (10 conc x 3 replicates); preclin converged {conv:.2%}")
    print(
        f"preclin fit_curve_arrays (SEs, CIs, flags): {t_pre:8.2f} s  {rate_pre:12,.0f} curves/s"
    )
    print(
        f"scipy curve_fit loop ({idx.size:,} curves):   {t_sp:8.2f} s  {rate_sp:12,.0f} curves/s"
    )
    print(f"speed-up: {rate_pre / rate_sp:,.0f}x (wall clock, {get_num_threads()} threads)")
    cpu_pre, cpu_sp = c_pre / args.n * 1e6, c_sp / idx.size * 1e6
    print(
        f"CPU time per curve: preclin {cpu_pre:.1f} us, scipy {cpu_sp:.0f} us "
        f"({cpu_sp / cpu_pre:,.0f}x per core; a busy machine lowers the wall-clock ratio)"
    )
    print(
        f"estimates where both converge ({both.sum():,}): max relative difference "
        f"{np.max(rel[same]) if same.any() else np.nan:.2e} on {same.sum():,} curves; "
        f"{(~same).sum():,} curves at different optima"
    )
    flags = res["flags"].astype(str)
    counts = {
        f: np.char.find(flags, f).__ge__(0).mean()
        for f in sorted({*";".join(flags).split(";")} - {""})
    }
    print("flags: " + ", ".join(f"{k} {v:.2%}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
