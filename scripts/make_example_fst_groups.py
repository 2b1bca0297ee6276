"""Generate the bundled example `fst_groups.csv` (seeded, reproducible).

    python scripts/make_example_fst_groups.py

A forced-swim-like study: 5 groups × 10 rats (vehicle, a test compound at
1, 3 and 10 mg/kg i.p., imipramine 20 mg/kg as the positive control).
Immobility (s, scored in the last 4 of 6 min) is drawn from a normal
distribution with the group means below and SD 25 s, clipped to [0, 240]
and rounded to 0.1 s. Synthetic data: the numbers are illustrative.
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240611
OUT = Path(__file__).resolve().parents[1] / "src/preclin/datasets/data/fst_groups.csv"
SD = 25.0
N = 10
TRUTH = [  # group, compound, dose mg/kg, true mean immobility (s)
    ("vehicle", "vehicle", 0.0, 150.0),
    ("1mg/kg", "cpd-A", 1.0, 145.0),
    ("3mg/kg", "cpd-A", 3.0, 125.0),
    ("10mg/kg", "cpd-A", 10.0, 105.0),
    ("imipramine", "imipramine", 20.0, 95.0),
]


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = []
    rat = 0
    for group, compound, dose, mean in TRUTH:
        values = np.clip(rng.normal(mean, SD, N), 0.0, 240.0)
        for v in values:
            rat += 1
            rows.append(
                {
                    "rat": f"R{rat:02d}",
                    "group": group,
                    "compound": compound,
                    "dose_mg_kg": dose,
                    "immobility_s": round(float(v), 1),
                }
            )
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
