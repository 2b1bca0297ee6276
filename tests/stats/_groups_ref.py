"""Loading the shared R reference cases for the group-comparison tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

CASES = {
    # case file: (data csv, dv, between, control)
    "plantgrowth_oneway": ("plantgrowth.csv", "weight", "group", "ctrl"),
    "toothgrowth_dose_oneway": ("toothgrowth.csv", "len", "dose", 0.5),
}


def load_case(root: Path, case: str) -> tuple[pd.DataFrame, dict, str, str, object]:
    csv, dv, between, control = CASES[case]
    data = pd.read_csv(root / "stats" / csv)
    ref = json.loads((root / "stats" / f"{case}.json").read_text())
    return data, ref["results"], dv, between, control


def label(value: object) -> str:
    """Group labels as R prints them (1.0 → '1')."""
    return format(value, "g") if isinstance(value, float) else str(value)
