"""Benchmark: many 1536-well FLIPR plates, traces → responses → QC → curves.

Times, in the same run, on plates from ``preclin.assays.simulate_plate``
(1536 wells, 46 reads, 64 antagonist curves of 10 points × 2 per plate):

* ``preclin``: one ``fit_plates`` call for all plates (array reductions over
  plates × reads × wells, vectorised QC, one batched ``fit_curves`` call for
  every curve of every plate; KB via ``preclin.receptor.calculate_kb``);
* ``pandas+scipy``: the obvious alternative on a subsample of plates — long
  traces, ``groupby`` per plate and well for max − baseline, ``groupby`` for
  the controls, Z′ and % activity, then a Python loop of
  ``scipy.optimize.curve_fit`` (4PL, top fixed at 100) per curve.

Prints plates/s and wells/s for both, the ratio, and how closely the IC50s agree.

    .venv/bin/python benchmarks/bench_plates.py            # 100 plates (10 for the loop)
    .venv/bin/python benchmarks/bench_plates.py --quick    # 20 plates (4 for the loop)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit

from preclin.assays import fit_plates, simulate_plate


def _ll3(x, hill, bottom, log_ic50):
    """4PL with top fixed at 100 (Prism form, x > 0)."""
    return bottom + (100.0 - bottom) / (1.0 + 10.0 ** ((np.log10(x) - log_ic50) * -hill))


def alternative(traces: pd.DataFrame, layout: pd.DataFrame) -> pd.DataFrame:
    """pandas groupby + scipy curve_fit loop (what a script around Prism's steps looks like)."""
    long = traces.melt(id_vars=["plate", "time"], var_name="well", value_name="rfu")
    base = long[long["time"] < 10].groupby(["plate", "well"])["rfu"].mean()
    peak = long[long["time"] >= 10].groupby(["plate", "well"])["rfu"].max()
    resp = (peak - base).rename("response").reset_index()
    df = resp.merge(layout[["well", "role", "compound", "conc"]], on="well")
    ctrl = df[df["role"].isin(["neutral", "inhibitor"])]
    stats = ctrl.groupby(["plate", "role"])["response"].agg(["mean", "std"]).unstack("role")
    hi, lo = stats[("mean", "neutral")], stats[("mean", "inhibitor")]
    z = 1 - 3 * (stats[("std", "neutral")] + stats[("std", "inhibitor")]) / (hi - lo).abs()
    df = df.merge(pd.DataFrame({"hi": hi, "lo": lo, "z": z}).reset_index(), on="plate")
    df["act"] = 100 * (df["response"] - df["lo"]) / (df["hi"] - df["lo"])
    rows = []
    for (plate, cpd), g in df[df["role"] == "sample"].groupby(["plate", "compound"]):
        x, y = g["conc"].to_numpy(), g["act"].to_numpy()
        p0 = [-1.0, 0.0, np.log10(np.median(x))]
        try:
            p, cov = curve_fit(_ll3, x, y, p0=p0, maxfev=2000)
            ic50, se = 10 ** p[2], np.sqrt(cov[2, 2])
        except RuntimeError:
            ic50, se = np.nan, np.nan
        rows.append((plate, cpd, ic50, se))
    return pd.DataFrame(rows, columns=["plate", "compound", "ic50", "log10_ic50_se"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plates", type=int, default=100)
    ap.add_argument("--loop-plates", type=int, default=10)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_plates, n_loop = (20, 4) if args.quick else (args.plates, args.loop_plates)

    t0 = time.perf_counter()
    sim = simulate_plate(1536, n_plates=n_plates, seed=1)
    t_sim = time.perf_counter() - t0
    n_wells = n_plates * (sim.traces.shape[1] - 2)
    print(f"simulated {n_plates} plates x 1536 wells ({n_wells} used wells, "
          f"{sim.traces.shape[0]} rows of reads) in {t_sim:.2f} s")  # fmt: skip

    warm = simulate_plate(1536, n_plates=1, seed=2)
    fit_plates(warm.traces, warm.layout, agonist_conc="3uM", agonist_ec50="0.9uM")  # JIT warm-up

    t0 = time.perf_counter()
    res = fit_plates(sim.traces, sim.layout, agonist_conc="3uM", agonist_ec50="0.9uM")
    t_pre = time.perf_counter() - t0
    n_curves = len(res.curves)
    print(f"preclin      : {n_plates} plates, {n_curves} curves in {t_pre:.2f} s = "
          f"{n_plates / t_pre:.1f} plates/s, {n_wells / t_pre:,.0f} wells/s, "
          f"{n_curves / t_pre:,.0f} curves/s; converged {res.curves['converged'].mean():.1%}, "
          f"plates passing QC {res.plates['qc_pass'].mean():.0%}")  # fmt: skip

    sub = sim.traces[sim.traces["plate"].astype(int) <= n_loop]
    t0 = time.perf_counter()
    alt = alternative(sub, sim.layout)
    t_alt = time.perf_counter() - t0
    w_loop = n_loop * (sim.traces.shape[1] - 2)
    print(f"pandas+scipy : {n_loop} plates, {len(alt)} curves in {t_alt:.2f} s = "
          f"{n_loop / t_alt:.2f} plates/s, {w_loop / t_alt:,.0f} wells/s")  # fmt: skip
    print(
        f"ratio (plates/s, preclin / pandas+scipy): {(n_plates / t_pre) / (n_loop / t_alt):.1f}x"
    )

    m = res.curves.merge(alt, on=["plate", "compound"], suffixes=("", "_alt"))
    ok = np.isfinite(m["ic50"]) & np.isfinite(m["ic50_alt"]) & m["flags"].eq("")
    rel = np.abs(np.log10(m.loc[ok, "ic50"] / m.loc[ok, "ic50_alt"]))
    print(f"agreement on {ok.sum()} unflagged curves: median |log10 IC50 difference| "
          f"{rel.median():.2e}, max {rel.max():.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
