"""Make the bundled examples for dose-finding and study design (seeded, synthetic).

* ``cms_dose_groups.csv``: a chronic-mild-stress-like sucrose-intake dose series
  with an inverted U (vehicle-stressed, 0.5, 1, 2.5, 5, 10 mg/kg/day; only
  2.5 and 5 effective, the shape reported for alnespirone).
* ``animals.csv``: 40 animals (ids, sex, cage, body weight) for the
  randomisation example.

Run: ``.venv/bin/python scripts/make_example_stats_design.py``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "preclin" / "datasets" / "data"
SEED = 20260705

# true group means of week-5 sucrose intake (g / 1 h test) in stressed rats
DOSES = [0.0, 0.5, 1.0, 2.5, 5.0, 10.0]
MEANS = [8.0, 8.3, 8.9, 11.8, 12.4, 9.0]
SD = 1.8
N_PER_GROUP = 10


def make_cms(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    animal = 0
    for dose, mean in zip(DOSES, MEANS, strict=True):
        values = rng.normal(mean, SD, N_PER_GROUP)
        for v in values:
            animal += 1
            rows.append(
                {
                    "animal": f"R{animal:03d}",
                    "group": "vehicle" if dose == 0 else f"{dose:g} mg/kg",
                    "dose_mg_kg_day": dose,
                    "sucrose_intake_g": round(float(v), 2),
                }
            )
    return pd.DataFrame(rows)


def make_animals(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i in range(40):
        sex = "F" if i < 20 else "M"
        cage = f"C{i // 5 + 1:02d}"
        weight = rng.normal(230.0 if sex == "F" else 310.0, 15.0)
        rows.append(
            {"animal": f"A{i + 1:03d}", "sex": sex, "cage": cage, "weight_g": round(weight, 1)}
        )
    return pd.DataFrame(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    make_cms(rng).to_csv(OUT / "cms_dose_groups.csv", index=False)
    make_animals(rng).to_csv(OUT / "animals.csv", index=False)


if __name__ == "__main__":
    main()
