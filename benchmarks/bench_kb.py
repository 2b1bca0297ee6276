"""Knowledge store import throughput: preclin's validated, normalised, atomic import
vs the obvious alternative (pandas.read_csv + DataFrame.to_sql into SQLite, no validation).

    python benchmarks/bench_kb.py [--n 20000] [--quick]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from preclin.knowledge import LAYOUTS, KnowledgeBase


def make_csv(path: Path, n: int) -> Path:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({c: [""] * n for c in LAYOUTS["affinities"]})
    df["compound_id"] = [f"cmpd-{i % 500}" for i in range(n)]
    df["target_id"] = [f"T{i % 40}" for i in range(n)]
    df["species"] = rng.choice(["human", "rat", "mouse"], n)
    df["parameter"] = rng.choice(["Ki", "IC50", "pKi"], n)
    df["relation"] = "="
    vals = rng.lognormal(3, 2, n)
    df["value"] = np.where(df["parameter"] == "pKi", np.round(9 - np.log10(vals), 2), vals)
    df["value"] = df["value"].map(lambda v: f"{v:.4g}")
    df.loc[::50, "value"] = "~12"
    df["unit"] = np.where(df["parameter"] == "pKi", "", "nM")
    df.to_csv(path, index=False)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n = 2_000 if args.quick else args.n
    with tempfile.TemporaryDirectory() as tmp:
        csv = make_csv(Path(tmp) / "aff.csv", n)
        with KnowledgeBase(Path(tmp) / "warm.duckdb", starter=False) as kb:  # imports, pint
            kb.import_table(make_csv(Path(tmp) / "w.csv", 50), kind="affinities")
        t0 = time.perf_counter()
        with KnowledgeBase(Path(tmp) / "kb.duckdb", starter=False) as kb:
            kb.import_table(csv, kind="affinities")
        t_preclin = time.perf_counter() - t0
        t0 = time.perf_counter()
        con = sqlite3.connect(Path(tmp) / "plain.sqlite")
        pd.read_csv(csv, dtype=str).to_sql("affinities", con, index=False)
        con.commit()
        con.close()
        t_plain = time.perf_counter() - t0
    print(f"rows: {n}")
    print(f"preclin import (validate, parse, pint, one transaction): {n / t_preclin:,.0f} rows/s")
    print(f"pandas.read_csv + to_sql (SQLite, no validation):        {n / t_plain:,.0f} rows/s")
    print(f"ratio preclin / plain: {t_plain / t_preclin:.2f}x the rate")


if __name__ == "__main__":
    main()
