"""Generate the bundled example `concentration_response.csv` (seeded, reproducible).

    python scripts/make_example_concentration_response.py

Two 96-well-style plates × 10 compounds = 20 inhibition curves in % activity:
10 concentrations (3-fold from 30 µM) in duplicate plus 4 vehicle wells
(conc 0) per compound. Truth: 4PL (Prism form) with the parameters below;
compound "cpd-09" is inactive (flat) and "cpd-10" is incomplete (IC50 above
the top concentration). Noise: normal, SD 4 % activity.
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261122
OUT = Path(__file__).resolve().parents[1] / "src/preclin/datasets/data/concentration_response.csv"

TRUTH = {  # compound: (bottom, top, log10 IC50 [uM], hill)
    "basimglurant": (2.0, 100.0, np.log10(0.038), -1.1),
    "MPEP": (0.0, 100.0, np.log10(0.036), -1.0),
    "MTEP": (3.0, 98.0, np.log10(0.11), -1.2),
    "fenobam": (5.0, 100.0, np.log10(0.25), -0.9),
    "cpd-05": (10.0, 100.0, np.log10(1.5), -1.5),
    "cpd-06": (0.0, 95.0, np.log10(0.008), -0.8),
    "cpd-07": (20.0, 100.0, np.log10(3.0), -2.0),
    "cpd-08": (0.0, 102.0, np.log10(0.5), -1.0),
    "cpd-09": (100.0, 100.0, 0.0, -1.0),
    "cpd-10": (0.0, 100.0, np.log10(80.0), -1.0),
}


def main() -> None:
    rng = np.random.default_rng(SEED)
    conc = 30.0 / 3.0 ** np.arange(10)
    rows = []
    for plate in ("P1", "P2"):
        for compound, (bottom, top, logec, hill) in TRUTH.items():
            xs = np.concatenate([np.repeat(conc, 2), np.zeros(4)])
            with np.errstate(divide="ignore"):
                mean = bottom + (top - bottom) / (1 + 10 ** ((logec - np.log10(xs)) * hill))
            mean = np.where(xs == 0, top, mean)
            y = mean + rng.normal(0, 4.0, xs.size)
            for x, v in zip(xs, y):
                rows.append(
                    {"plate": plate, "compound": compound, "conc_uM": x, "response": round(v, 2)}
                )
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
