"""Make the bundled example ``basimglurant_rat_pk`` (simulated, not measured).

A seeded, illustrative oral rat PK study: 6 rats, 10 mg/kg p.o., serial
samples 0.25–48 h. One-compartment model with first-order absorption;
literature-like typical values (t½ ≈ 7 h, F ≈ 0.5); log-normal between-animal
variability and a 10 % proportional residual error; values below the LLOQ
(10 ng/mL) written as "<LLOQ".

Run from the repository root::

    .venv/bin/python scripts/make_example_pk.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260722
OUT = Path(__file__).resolve().parents[1] / "src" / "preclin" / "datasets" / "data"
NAME = "basimglurant_rat_pk"

DOSE_MG_KG = 10.0
F = 0.5
CL_L_H_KG = 0.25  # systemic clearance
T_HALF_H = 7.0
KA_PER_H = 1.5
LLOQ_NG_ML = 10.0
TIMES_H = np.array([0.25, 0.5, 1, 2, 4, 6, 8, 24, 48])
N_RATS = 6


def main() -> None:
    rng = np.random.default_rng(SEED)
    ke = np.log(2) / T_HALF_H
    v = CL_L_H_KG / ke
    eta = rng.normal(0.0, [0.25, 0.2, 0.3], size=(N_RATS, 3))
    cl = CL_L_H_KG * np.exp(eta[:, 0])
    vi = v * np.exp(eta[:, 1])
    ka = KA_PER_H * np.exp(eta[:, 2])
    k = cl / vi
    t = TIMES_H[None, :]
    conc_mg_l = (
        F
        * DOSE_MG_KG
        * ka[:, None]
        / (vi[:, None] * (ka[:, None] - k[:, None]))
        * (np.exp(-k[:, None] * t) - np.exp(-ka[:, None] * t))
    )
    conc = conc_mg_l * 1000.0 * np.exp(rng.normal(0.0, 0.1, size=conc_mg_l.shape))
    text = np.where(conc < LLOQ_NG_ML, "<LLOQ", np.char.mod("%.4g", conc))
    df = pd.DataFrame(
        {
            "animal": np.repeat([f"R{i + 1}" for i in range(N_RATS)], len(TIMES_H)),
            "time_h": np.tile(TIMES_H, N_RATS),
            "conc_ng_ml": text.ravel(),
            "dose_mg_kg": DOSE_MG_KG,
        }
    )
    df.to_csv(OUT / f"{NAME}.csv", index=False)
    n_blq = int((conc < LLOQ_NG_ML).sum())
    print(f"wrote {OUT / (NAME + '.csv')}: {len(df)} rows, {n_blq} below the LLOQ")
    print("true CL/F (L/h/kg):", np.round(cl / F, 4), " t1/2 (h):", np.round(np.log(2) / k, 2))


if __name__ == "__main__":
    main()
