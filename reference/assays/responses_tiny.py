"""Per-well responses of the tiny FLIPR example, computed independently with numpy/scipy.

Regenerate: .venv/bin/python reference/assays/responses_tiny.py  (writes responses_tiny.json)
Baseline window 0 <= t < 6 s, response window 6 <= t <= 20 s (the default: baseline end
to last read); AUC by scipy.integrate.trapezoid of F - mean(baseline) over the window.
"""

import json
from pathlib import Path

import pandas as pd
from scipy.integrate import trapezoid

HERE = Path(__file__).parent
DATA = HERE.parents[1] / "src/preclin/datasets/data/flipr_traces_wide.csv"

df = pd.read_csv(DATA)
t = df["time"].to_numpy()
base_sel = (t >= 0) & (t < 6)
win_sel = t >= 6
out = {}
for well in ["A1", "A2", "A3", "A4", "A5"]:
    f = df[well].to_numpy(float)
    base = f[base_sel].mean()
    peak = f[win_sel].max()
    out[well] = {
        "baseline": base,
        "peak": peak,
        "max_minus_baseline": peak - base,
        "max_over_baseline": peak / base,
        "max_min_ratio": peak / f[base_sel].min(),
        "auc": trapezoid(f[win_sel] - base, t[win_sel]),
    }
(HERE / "responses_tiny.json").write_text(json.dumps(out, indent=2) + "\n")
