"""Trial simulation: preclin's vectorised ANCOVA vs a loop of statsmodels OLS fits.

10^5 simulated two-arm trials, n = 150 per arm, ANCOVA on baseline
(``simulate_trial``: data generation + per-trial analysis from sufficient
statistics), against the obvious alternative: one ``statsmodels.OLS`` fit per
trial, timed on a subsample in the same run and extrapolated. The subsample's
estimates are checked to agree (1e-10).

    python benchmarks/bench_trial.py            # 10^5 trials, 300 statsmodels fits
    python benchmarks/bench_trial.py --quick    # 10^4 trials, 100 fits
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import statsmodels.api as sm

from preclin.core import make_rng
from preclin.translate import simulate_trial
from preclin.translate._ancova import ancova_batch
from preclin.translate._design import make_design, simulate_patients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^4 trials, 100 fits")
    parser.add_argument("--trials", type=int, default=None)
    parser.add_argument("--fits", type=int, default=None)
    args = parser.parse_args()
    trials = args.trials or (10_000 if args.quick else 100_000)
    fits = args.fits or (100 if args.quick else 300)
    n = 150

    simulate_trial(n, effect_smd=0.3, baseline_corr=0.5, n_sim=1000, seed=0)  # warm-up
    t0 = time.perf_counter()
    res = simulate_trial(n, effect_smd=0.3, baseline_corr=0.5, n_sim=trials, seed=1)
    t_pre = time.perf_counter() - t0

    design = make_design(
        n=n,
        arms=2,
        effect=None,
        effect_smd=0.3,
        sd=8.0,
        placebo_response=-10.0,
        baseline_mean=30.0,
        baseline_sd=4.0,
        baseline_corr=0.5,
        site_sd=0.0,
        n_sites=1,
        dropout=0.0,
        dropout_mechanism="mcar",
        dropout_slope=1.0,
        early_corr=0.6,
        endpoint="continuous",
        responder_threshold=0.5,
        analysis="ancova",
        alpha=0.05,
        multiplicity="none",
    )
    x, y, _ = simulate_patients(design, make_rng(2), fits, np.full((fits, 1), 2.4))
    arm = np.repeat([0.0, 1.0], n)
    t0 = time.perf_counter()
    est_sm = np.empty(fits)
    for t in range(fits):
        exog = sm.add_constant(np.column_stack([arm, x[t].ravel()]))
        fit = sm.OLS(y[t].ravel(), exog).fit()
        est_sm[t] = fit.params[1]
    t_sm = time.perf_counter() - t0
    est = ancova_batch(y, x, None)["estimate"][:, 0]
    agree = float(np.max(np.abs(est - est_sm) / np.abs(est_sm)))

    rate_pre = trials / t_pre
    rate_sm = fits / t_sm
    print(
        f"preclin simulate_trial: {trials} trials (2 x {n} patients, ANCOVA) in {t_pre:.2f} s"
        f" -> {rate_pre:,.0f} trials/s (power {res.power:.4f} +/- {res.power_stderr:.4f})"
    )
    print(
        f"statsmodels OLS loop:   {fits} trials in {t_sm:.2f} s -> {rate_sm:,.0f} trials/s"
        f" (analysis only; {trials} trials would take {trials / rate_sm:.0f} s)"
    )
    print(
        f"ratio (preclin incl. data generation / statsmodels analysis only): "
        f"{rate_pre / rate_sm:,.0f}x; max relative difference of estimates {agree:.1e}"
    )


if __name__ == "__main__":
    main()
