"""Benchmark: one-way ANOVA + Dunnett for many simulated studies.

    python benchmarks/bench_stats.py            # 100 000 studies (5 groups, n = 10)
    python benchmarks/bench_stats.py --quick    # 10 000 studies

preclin: ``calculate_anova_dunnett`` on the whole (studies, groups, n) array in
one call (cold: includes building the Dunnett grid). Alternative: a Python
loop of ``scipy.stats.f_oneway`` + ``scipy.stats.dunnett`` per study, timed
on a subsample (it is ~10^4 times slower) and extrapolated as studies per
second. Both runs use the same data; the p-values are compared on the subsample.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from preclin.stats import calculate_anova_dunnett


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--loop", type=int, default=200, help="studies in the scipy loop")
    parser.add_argument("--quick", action="store_true", help="10 000 studies, loop of 50")
    args = parser.parse_args()
    if args.quick:
        args.studies, args.loop = 10_000, 50
    rng = np.random.default_rng(2024)
    y = rng.normal(150.0, 25.0, size=(args.studies, 5, 10))
    y[:, 1:] -= np.array([0.0, 10.0, 30.0, 45.0])[None, :, None]

    t0 = time.perf_counter()
    res = calculate_anova_dunnett(y)
    t_vec = time.perf_counter() - t0

    m = min(args.loop, args.studies)
    t0 = time.perf_counter()
    p_loop = np.empty((m, 4))
    f_loop = np.empty(m)
    for i in range(m):
        f_loop[i] = stats.f_oneway(*y[i]).pvalue
        p_loop[i] = stats.dunnett(*y[i, 1:], control=y[i, 0], rng=i).pvalue
    t_loop = time.perf_counter() - t0

    rate_vec = args.studies / t_vec
    rate_loop = m / t_loop
    print(f"studies: {args.studies} (5 groups x n = 10), ANOVA + Dunnett vs group 0")
    print(
        f"preclin calculate_anova_dunnett (one call): {rate_vec:12,.0f} studies/s ({t_vec:.2f} s)"
    )
    print(
        f"scipy f_oneway + dunnett loop ({m} studies): {rate_loop:12,.0f} studies/s "
        f"({t_loop:.2f} s)"
    )
    print(f"speed-up: {rate_vec / rate_loop:,.0f}x")
    print(f"max |p_anova - scipy|   = {np.abs(res.pvalue[:m] - f_loop).max():.2e}")
    print(
        f"max |p_dunnett - scipy| = {np.abs(res.pvalue_dunnett[:m] - p_loop).max():.2e} "
        "(scipy integrates randomly)"
    )
    print(
        f"power per dose (Dunnett, alpha 0.05): "
        f"{np.round((res.pvalue_dunnett < 0.05).mean(axis=0), 3).tolist()}"
    )


if __name__ == "__main__":
    main()
