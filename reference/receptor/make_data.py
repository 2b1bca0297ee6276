"""Simulate the receptor reference data sets (fixed seed) and write them as CSV.

Run from the repository root:  .venv/bin/python reference/receptor/make_data.py
Then fit them independently in R:  Rscript reference/receptor/fit_reference.R

The equations here are written out independently of ``preclin.receptor``
(plain NumPy), with the generating parameters in ``truth.json``.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
rng = np.random.default_rng(20261122)
truth = {}


def write(name, df):
    df.to_csv(HERE / f"{name}.csv", index=False, float_format="%.10g")


# Schild: 4PL agonist curves shifted by a competitive antagonist (molar).
t = {"bottom": 2.0, "top": 98.0, "hill": 1.1, "ec50": 1e-7, "pa2": 8.3, "slope": 1.0}
a = np.repeat(10.0 ** np.arange(-10, -2.9, 0.5), 2)
rows = []
for b in (0.0, 1e-8, 1e-7, 1e-6):
    ec = t["ec50"] * (1 + (b * 10 ** t["pa2"]) ** t["slope"])
    y = t["bottom"] + (t["top"] - t["bottom"]) / (1 + (ec / a) ** t["hill"])
    rows.append(pd.DataFrame({"agonist_M": a, "antagonist_M": b, "response": y}))
df = pd.concat(rows, ignore_index=True)
df["response"] += rng.normal(0, 3.0, len(df))
write("schild", df)
truth["schild"] = t

# Operational model: full (8-OH-DPAT-like) and partial (buspirone-like) agonist.
t = {
    "em": 100.0,
    "basal": 0.0,
    "n": 1.0,
    "ka": {"8-OH-DPAT": 3e-8, "buspirone": 2e-8},
    "tau": {"8-OH-DPAT": 30.0, "buspirone": 1.5},
}
a = np.repeat(10.0 ** np.arange(-11, -4.9, 0.5), 2)
rows = []
for ag in ("8-OH-DPAT", "buspirone"):
    ka, tau = t["ka"][ag], t["tau"][ag]
    y = t["basal"] + (t["em"] - t["basal"]) * (tau * a) ** t["n"] / (
        (a + ka) ** t["n"] + (tau * a) ** t["n"]
    )
    rows.append(pd.DataFrame({"agonist": ag, "conc_M": a, "response": y}))
df = pd.concat(rows, ignore_index=True)
df["response"] += rng.normal(0, 2.5, len(df))
write("operational", df)
truth["operational"] = t

# Furchgott: one agonist before and after irreversible inactivation.
t = {"em": 100.0, "basal": 0.0, "n": 1.2, "ka": 1e-6, "tau": {"control": 50.0, "EEDQ": 2.0}}
a = np.repeat(10.0 ** np.arange(-10, -2.9, 0.5), 2)
rows = []
for tr, tau in t["tau"].items():
    s = (tau * a / (a + t["ka"])) ** t["n"]
    rows.append(pd.DataFrame({"treatment": tr, "conc_M": a, "response": t["em"] * s / (1 + s)}))
df = pd.concat(rows, ignore_index=True)
df["response"] += rng.normal(0, 2.0, len(df))
write("furchgott", df)
truth["furchgott"] = t

# Operational allosteric model: a NAM (basimglurant-like) against an agonist (nM).
t = {
    "basal": 3.0,
    "em": 100.0,
    "n": 1.0,
    "ka": 1000.0,
    "kb": 1.1,
    "alpha": 0.5,
    "beta": 0.05,
    "tau_a": 8.0,
    "tau_b": 0.0,
}
a = np.repeat(10.0 ** np.arange(0, 6.1, 0.5), 2)
rows = []
for b in (0.0, 1.0, 3.0, 10.0, 30.0):
    act = t["tau_a"] * a * (t["kb"] + t["alpha"] * t["beta"] * b) + t["tau_b"] * b * t["ka"]
    occ = a * t["kb"] + t["ka"] * t["kb"] + t["ka"] * b + t["alpha"] * a * b
    y = t["basal"] + (t["em"] - t["basal"]) * act ** t["n"] / (act ** t["n"] + occ ** t["n"])
    rows.append(pd.DataFrame({"agonist_nM": a, "nam_nM": b, "response": y}))
df = pd.concat(rows, ignore_index=True)
df["response"] += rng.normal(0, 2.0, len(df))
write("allosteric", df)
truth["allosteric"] = t

# Allosteric EC50 shift (nM).
t = {"bottom": 0.0, "top": 100.0, "hill": 1.0, "ec50": 100.0, "kb": 300.0, "alpha": 0.03}
a = np.repeat(10.0 ** np.arange(-1, 6.1, 0.5), 2)
rows = []
for b in (0.0, 100.0, 1000.0, 10000.0):
    ec = t["ec50"] * (1 + b / t["kb"]) / (1 + t["alpha"] * b / t["kb"])
    y = t["bottom"] + (t["top"] - t["bottom"]) / (1 + (ec / a) ** t["hill"])
    rows.append(pd.DataFrame({"agonist_nM": a, "modulator_nM": b, "response": y}))
df = pd.concat(rows, ignore_index=True)
df["response"] += rng.normal(0, 2.5, len(df))
write("allosteric_shift", df)
truth["allosteric_shift"] = t

# Saturation binding: total and nonspecific (nM ligand, cpm).
t = {"bmax": 1200.0, "kd": 1.1, "ns": 8.0, "background": 30.0}
L = np.repeat([0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0], 3)
tot = t["bmax"] * L / (t["kd"] + L) + t["ns"] * L + t["background"]
nsb = t["ns"] * L + t["background"]
df = pd.DataFrame(
    {
        "ligand_nM": L,
        "total": tot + rng.normal(0, 20, L.size),
        "nonspecific": nsb + rng.normal(0, 20, L.size),
    }
)
write("saturation", df)
truth["saturation"] = t

# Saturation binding with ligand depletion (everything in nM of the assay volume).
t = {"bmax": 0.8, "kd": 0.5, "ns": 0.05, "background": 0.0}
Lt = np.repeat([0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4], 2)
qa = 1 + t["ns"]
qb = qa * t["kd"] + t["bmax"] - Lt
F = (-qb + np.sqrt(qb**2 + 4 * qa * Lt * t["kd"])) / (2 * qa)
tot = t["bmax"] * F / (t["kd"] + F) + t["ns"] * F
Fn = Lt / qa
df = pd.DataFrame(
    {
        "ligand_total_nM": Lt,
        "total": tot + rng.normal(0, 0.01, Lt.size),
        "nonspecific": t["ns"] * Fn + rng.normal(0, 0.01, Lt.size),
    }
)
write("saturation_depletion", df)
truth["saturation_depletion"] = t

# Competition binding, two sites ([L] = 1 nM, Kd = 1 nM).
t = {
    "bottom": 50.0,
    "top": 2000.0,
    "ki_high": 2.0,
    "ki_low": 300.0,
    "fraction_high": 0.4,
    "L": 1.0,
    "kd": 1.0,
}
i = np.repeat(10.0 ** np.arange(-2, 5.1, 0.5), 2)
f = 1 + t["L"] / t["kd"]
s = t["fraction_high"] / (1 + i / (t["ki_high"] * f)) + (1 - t["fraction_high"]) / (
    1 + i / (t["ki_low"] * f)
)
y = t["bottom"] + (t["top"] - t["bottom"]) * s
df = pd.DataFrame({"competitor_nM": i, "bound": y + rng.normal(0, 30, i.size)})
write("competition", df)
truth["competition"] = t

(HERE / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")
print("wrote", sorted(p.name for p in HERE.glob("*.csv")))
