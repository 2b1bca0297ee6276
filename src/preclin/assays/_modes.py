"""Assay modes: which curves to fit and which receptor constants to derive.

Antagonist and agonist plates: one :func:`preclin.curves.fit_curves` call for
every curve of every plate; KB through :func:`preclin.receptor.calculate_kb`.
Allosteric plates: :func:`preclin.receptor.fit_allosteric_operational` per
plate and modulator (a global fit of that modulator's agonist curves).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import FitError, InputError

__all__ = ["fit_allosteric_plates", "fit_response_curves"]

_KEYS = ["plate", "compound"]


def _usable(wells: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    sample = wells[wells["role"] == "sample"]
    ok = (~sample["saturated"].to_numpy(dtype=bool)) & np.isfinite(
        sample["percent_activity"].to_numpy(dtype=float)
    )
    return sample, ok


def _missing_rows(keys: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """Rows for curves without usable wells, with a reason."""
    nan_act = sample.groupby(_KEYS, sort=False)["percent_activity"].count() == 0
    msg = np.where(
        keys.set_index(_KEYS).index.map(nan_act).to_numpy(dtype=bool),
        "not fitted: the plate lacks usable control wells, so responses cannot be normalised",
        "not fitted: no usable wells (all saturated)",
    )
    return keys.assign(n=0, converged=False, message=msg, flags="not_converged")


def fit_response_curves(
    wells: pd.DataFrame,
    mode: str,
    unit: str | None,
    model: str,
    fix: Mapping[str, float] | None,
    ci_level: float,
    ag: dict[str, Any],
) -> pd.DataFrame:
    """IC50 / EC50 (+ KB) for every (plate, compound) in one batched fit."""
    from preclin.curves import fit_curves

    sample, ok = _usable(wells)
    keys = sample[_KEYS].drop_duplicates().reset_index(drop=True)
    if ok.any():
        fits = fit_curves(
            sample[ok], x="conc", y="percent_activity", by=_KEYS, model=model, x_unit=unit,
            fix=fix, ci_level=ci_level,
        )  # fmt: skip
    else:
        fits = pd.DataFrame(columns=[*_KEYS, "n", "converged", "message", "flags"])
    fits["plate"] = fits["plate"].astype(str)
    done = keys.merge(fits[_KEYS], on=_KEYS, how="left", indicator=True)
    lost = keys[(done["_merge"] == "left_only").to_numpy()]
    if len(lost):
        fits = pd.concat([fits, _missing_rows(lost, sample)], ignore_index=True)
        fits = keys.merge(fits, on=_KEYS, how="left")  # layout order
    if mode == "antagonist":
        fits = fits.rename(
            columns={c: c.replace("ec50", "ic50") for c in fits.columns if "ec50" in c}
        )
        _add_kb(fits, ag, unit)
    else:
        if "top" in fits.columns:
            fits["emax"] = fits["top"]
            fits["emax_se"] = fits.get("top_se", np.nan)
    pot = "ic50" if mode == "antagonist" else "ec50"
    cols = [*_KEYS, "n", "converged", "message", "flags", pot, f"{pot}_ci_low",
            f"{pot}_ci_high", f"log10_{pot}", f"log10_{pot}_se", "hill", "hill_se",
            "bottom", "bottom_se", "top", "top_se"]  # fmt: skip
    if mode == "antagonist":
        cols += ["kb", "kb_ci_low", "kb_ci_high", "agonist_conc", "agonist_ec50"]
    else:
        cols += ["emax", "emax_se"]
    cols += ["rse", "df"]
    for c in cols:
        if c not in fits.columns:
            fits[c] = np.nan
    out = fits[cols].copy()
    out["unit"] = unit
    out["message"] = out["message"].fillna("").astype(str)
    out["flags"] = out["flags"].fillna("").astype(str)
    out["converged"] = out["converged"].fillna(False).astype(bool)
    return out.reset_index(drop=True)


def _add_kb(fits: pd.DataFrame, ag: dict[str, Any], unit: str | None) -> None:
    """KB (and its interval) from the IC50 by Leff–Dougall / Cheng–Prusoff."""
    fits["agonist_conc"] = ag["conc"]
    fits["agonist_ec50"] = ag["ec50"]
    for src, dst in (("ic50", "kb"), ("ic50_ci_low", "kb_ci_low"), ("ic50_ci_high", "kb_ci_high")):
        fits[dst] = np.nan
        if ag["conc"] is None or ag["ec50"] is None or src not in fits.columns:
            continue
        from preclin.receptor import calculate_kb

        v = fits[src].to_numpy(dtype=float)
        good = np.isfinite(v) & (v > 0)
        if good.any():
            fits.loc[good, dst] = calculate_kb(
                v[good], agonist_conc=ag["conc"], agonist_ec50=ag["ec50"],
                agonist_hill=ag["hill"], method=ag["method"], unit=unit or "M",
            )  # fmt: skip


_ALLO_TERMS = ("kb", "alpha", "beta", "alpha_beta", "tau_a")


def fit_allosteric_plates(
    wells: pd.DataFrame, unit: str | None, fixed: Mapping[str, float] | None, ci_level: float
) -> pd.DataFrame:
    """Operational allosteric model per (plate, modulator)."""
    from preclin.receptor import fit_allosteric_operational

    if "agonist_conc" not in wells.columns:
        raise InputError(
            "allosteric mode needs the agonist concentration of every sample well",
            file=wells.attrs.get("layout_source"),
            column="agonist_conc",
            hint="add an agonist_conc column to the layout (conc = modulator concentration)",
        )
    sample, ok = _usable(wells)
    keys = sample[_KEYS].drop_duplicates().reset_index(drop=True)
    data = sample[ok]
    groups = dict(tuple(data.groupby(_KEYS, sort=False)))
    rows = []
    # one global fit per (plate, modulator): few, each vectorised inside
    for plate, compound in keys.itertuples(index=False):
        row: dict[str, Any] = {"plate": plate, "compound": compound}
        part = groups.get((plate, compound))
        if part is None:
            rows.append({**row, "n": 0, "converged": False, "flags": "not_converged",
                         "message": "not fitted: no usable wells"})  # fmt: skip
            continue
        try:
            fit = fit_allosteric_operational(
                part, x="agonist_conc", y="percent_activity", modulator="conc",
                x_unit=unit or "M", fixed={"tau_b": 0.0, **dict(fixed or {})},
            )  # fmt: skip
        except (InputError, FitError) as exc:
            rows.append({**row, "n": len(part), "converged": False, "flags": "not_converged",
                         "message": f"not fitted: {exc}"})  # fmt: skip
            continue
        d = fit.derived.set_index("term")
        row.update(n=fit.n, converged=fit.converged, message=fit.message,
                   flags="" if fit.converged else "not_converged")  # fmt: skip
        for term in _ALLO_TERMS:
            row[term] = d.loc[term, "estimate"]
            row[f"{term}_se"] = d.loc[term, "stderr"]
            row[f"{term}_ci_low"] = d.loc[term, "ci_low"]
            row[f"{term}_ci_high"] = d.loc[term, "ci_high"]
        row.update(rse=fit.sigma, df=fit.df)
        rows.append(row)
    out = pd.DataFrame(rows)
    for term in _ALLO_TERMS:
        for suffix in ("", "_se", "_ci_low", "_ci_high"):
            if f"{term}{suffix}" not in out.columns:
                out[f"{term}{suffix}"] = np.nan
    out["unit"] = unit
    out["message"] = out["message"].fillna("").astype(str)
    return out
