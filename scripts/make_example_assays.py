"""Generate the bundled assay examples (tiny format examples + a simulated FLIPR plate).

    .venv/bin/python scripts/make_example_assays.py

Tiny, hand-written examples of every accepted format (no randomness):

* ``plate_layout_tiny.csv``     — layout: well, role, compound, conc, unit
* ``flipr_traces_wide.csv``     — kinetic traces, wide: time, A1..A5
* ``flipr_traces_long.csv``     — the same traces, long: plate, well, time, value
* ``plate_endpoint_long.csv``   — endpoint readings, long: plate, well, value
* ``plate_endpoint_grid.csv``   — endpoint readings as a plate map: plate, row, 1..6

and one simulated 384-well basimglurant FLIPR antagonist plate
(``preclin.assays.simulate_plate``, seed 20261123):
``flipr_basimglurant_traces.csv``, ``flipr_basimglurant_layout.csv``,
``flipr_basimglurant_truth.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from preclin.assays import simulate_plate

DATA = Path(__file__).resolve().parents[1] / "src/preclin/datasets/data"
SEED = 20261123

TINY_MD = """# {title}
Tiny hand-made example of an accepted `preclin.assays` input format (no randomness),
made by `scripts/make_example_assays.py`. {body}
"""


def _md(name: str, title: str, body: str) -> None:
    (DATA / f"{name}.md").write_text(TINY_MD.format(title=title, body=body), encoding="utf-8")


def tiny() -> None:
    layout = pd.DataFrame(
        {
            "well": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "role": ["neutral", "sample", "sample", "sample", "inhibitor", "empty"],
            "compound": ["", "cpd", "cpd", "cpd", "", ""],
            "conc": [np.nan, 10.0, 1.0, 0.1, np.nan, np.nan],
            "unit": "uM",
        }
    )
    layout.to_csv(DATA / "plate_layout_tiny.csv", index=False)
    _md(
        "plate_layout_tiny",
        "Plate layout (one row per well)",
        "Columns: `well`, `role` (sample, neutral = vehicle + agonist, inhibitor = "
        "max-inhibition control, agonist = agonist-only, blank, empty), `compound`, `conc`, "
        "`unit` (one unit per layout). Optional: `plate` (one map per plate), "
        "`agonist_conc` (allosteric plates).",
    )
    time = np.arange(0.0, 22.0, 2.0)  # 11 reads, addition at 6 s
    base = {"A1": 1000.0, "A2": 1010.0, "A3": 990.0, "A4": 1005.0, "A5": 995.0}
    jitter = {
        "A1": [0, 2, 1], "A2": [0, -2, -1], "A3": [0, 1, -1], "A4": [0, 1, 2], "A5": [0, -1, 1],
    }  # fmt: skip
    frac = {"A1": 1.0, "A2": 0.05, "A3": 0.5, "A4": 0.9, "A5": 0.02}
    shape = np.array([0.6, 1.0, 0.9, 0.75, 0.6, 0.5, 0.4, 0.35])
    wide = {"time": time}
    for w, f0 in base.items():
        after = np.round(f0 * (1.0 + 1.0 * frac[w] * shape))
        wide[w] = np.concatenate([f0 + np.array(jitter[w], float), after])
    wide_df = pd.DataFrame(wide)
    wide_df.insert(0, "plate", "1")
    wide_df.to_csv(DATA / "flipr_traces_wide.csv", index=False)
    _md(
        "flipr_traces_wide",
        "FLIPR kinetic traces, wide form",
        "One row per read: `plate` (optional), `time` (s), then one column per well "
        "(A1..A5 of `plate_layout_tiny`). Baseline reads at 0-4 s, agonist added at 6 s.",
    )
    long = wide_df.melt(id_vars=["plate", "time"], var_name="well", value_name="value")
    long[["plate", "well", "time", "value"]].to_csv(DATA / "flipr_traces_long.csv", index=False)
    _md(
        "flipr_traces_long",
        "FLIPR kinetic traces, long form",
        "One row per well and read: `plate` (optional), `well`, `time` (s), `value` "
        "(also accepted: rfu, fluorescence, signal, counts). Same data as `flipr_traces_wide`.",
    )
    ep = pd.DataFrame(
        {
            "plate": ["P1"] * 6 + ["P2"] * 6,
            "well": ["A1", "A2", "A3", "B1", "B2", "B3"] * 2,
            "value": [120.0, 118.0, 64.0, 12.0, 11.0, 40.0, 130.0, 125.0, 70.0, 10.0, 13.0, 45.0],
        }
    )
    ep.to_csv(DATA / "plate_endpoint_long.csv", index=False)
    _md(
        "plate_endpoint_long",
        "Plate-reader endpoint table, long form",
        "One row per well: `plate` (optional), `well`, `value`.",
    )
    grid = ep.assign(row=ep["well"].str[0], col=ep["well"].str[1:].astype(int)).pivot(
        index=["plate", "row"], columns="col", values="value"
    )
    grid.columns = [str(c) for c in grid.columns]
    grid.reset_index().to_csv(DATA / "plate_endpoint_grid.csv", index=False)
    _md(
        "plate_endpoint_grid",
        "Plate-reader endpoint table, plate-map grid",
        "The plate map a reader prints: `plate` (optional), `row` (letter), then one column "
        "per plate column (`1`, `2`, ...). Same data as `plate_endpoint_long`.",
    )


def flipr() -> None:
    sim = simulate_plate(384, mode="antagonist", edge_effect=0.03, seed=SEED)
    traces = sim.traces.copy()
    wells = [c for c in traces.columns if c not in ("plate", "time")]
    traces[wells] = traces[wells].round(1)
    traces.to_csv(DATA / "flipr_basimglurant_traces.csv", index=False)
    sim.layout[["well", "role", "compound", "conc", "unit"]].to_csv(
        DATA / "flipr_basimglurant_layout.csv", index=False
    )
    sim.truth.to_csv(DATA / "flipr_basimglurant_truth.csv", index=False, float_format="%.6g")
    s = sim.settings
    common = (
        "Simulated with `preclin.assays.simulate_plate(384, mode='antagonist', "
        f"edge_effect=0.03, seed={SEED})` by `scripts/make_example_assays.py` (synthetic; "
        "potencies illustrative, basimglurant's KB set to its reported Kd 1.1 nM)."
    )
    (DATA / "flipr_basimglurant_traces.md").write_text(
        "# Simulated 384-well FLIPR antagonist plate: mGluR5 NAMs vs glutamate (traces)\n"
        f"{common}\nHEK293-mGluR5a cells, Fluo-4; compounds pre-incubated, then glutamate "
        f"{s['agonist_conc']} (EC50 {s['agonist_ec50']}, ≈ EC77) added at {s['t_add']:g} s; "
        f"reads every {s['interval']:g} s to {s['duration']:g} s. Wide form: `plate`, `time` "
        "(s), one column per well (fluorescence counts, 0.1 precision). Baseline window "
        f"0-{s['t_add']:g} s. Layout: `flipr_basimglurant_layout`; truth: "
        "`flipr_basimglurant_truth`.\n",
        encoding="utf-8",
    )
    (DATA / "flipr_basimglurant_layout.md").write_text(
        "# Layout of the simulated 384-well FLIPR antagonist plate\n"
        f"{common}\nColumns 1 and 23: neutral (vehicle + glutamate); 2 and 24: inhibitor "
        "(max inhibition); columns 3-22: 16 compounds × 10 concentrations (3-fold from 10 µM) "
        "× 2 replicates. Columns: `well`, `role`, `compound`, `conc`, `unit`.\n",
        encoding="utf-8",
    )
    (DATA / "flipr_basimglurant_truth.md").write_text(
        "# Truth of the simulated 384-well FLIPR antagonist plate\n"
        f"{common}\nOne row per compound: `ic50`, `hill` (Prism sign), `bottom`, `top` "
        "(% activity), `kb` (Leff-Dougall functional KB of the IC50 at glutamate 3 µM, "
        "EC50 0.9 µM, n 1), `unit`.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    tiny()
    flipr()
    print(f"wrote examples to {DATA}")
