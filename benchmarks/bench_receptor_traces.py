"""Simulated FLIPR plates: vectorised simulate_calcium_traces vs a per-well Python loop.

Usage: .venv/bin/python benchmarks/bench_receptor_traces.py [--quick]
"""

import sys
import time

import numpy as np

from preclin.receptor import calculate_allosteric_response, simulate_calcium_traces

quick = "--quick" in sys.argv
wells = 1536 * (2 if quick else 20)
t = np.arange(0, 120, 1.0)
rng = np.random.default_rng(0)
a = 10 ** rng.uniform(0, 6, wells)
b = 10 ** rng.uniform(-1, 3, wells)
kw = {"ka": 1000.0, "kb": 1.1, "alpha": 0.5, "beta": 0.05, "tau_a": 8.0, "em": 5000.0}

t0 = time.perf_counter()
fast = simulate_calcium_traces(a, b, time=t, **kw)
t_fast = time.perf_counter() - t0

t0 = time.perf_counter()
rise, decay, onset = 2.0, 20.0, 10.0
tp = rise * decay * np.log(decay / rise) / (decay - rise)
norm = np.exp(-tp / decay) - np.exp(-tp / rise)
slow = np.empty_like(fast)
for i in range(wells):  # the obvious alternative: one well at a time
    amp = calculate_allosteric_response(a[i], b[i], **kw)[0]
    s = np.clip(t - onset, 0, None)
    slow[i] = 1000.0 + amp * np.where(
        t >= onset, (np.exp(-s / decay) - np.exp(-s / rise)) / norm, 0
    )
t_slow = time.perf_counter() - t0

assert np.allclose(fast, slow)
print(f"{wells} wells x {t.size} reads")
print(f"vectorised : {wells / t_fast:12.0f} wells/s")
print(f"per-well   : {wells / t_slow:12.0f} wells/s")
print(f"ratio      : {t_slow / t_fast:12.1f}x")
