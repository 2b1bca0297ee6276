"""Consistency rules for knowledge tables (the store's, or a guide's).

Each rule has a name, a severity (error / warning / info) and yields findings
whose message names the rows. Rules read the import-layout columns, so they
work on store tables and on plain DataFrames in the same layout alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.validation import check_option

__all__ = ["RULES", "check_tables"]

RULES: dict[str, tuple[str, str]] = {
    "claim_contradicted": (
        "error",
        "a group's stated effect vs control disagrees with its mean and the control's mean "
        "(error: an effect claimed in the wrong direction; warning: 'no effect' claimed while "
        "the means differ by more than the stated ±)",
    ),
    "control_missing": (
        "warning",
        "a study endpoint with treated groups has no control row, a control without a mean "
        "while treated groups have one, or a learned-helplessness study without both a "
        "non-shocked and a helpless (shocked + vehicle) control",
    ),
    "mean_missing": ("info", "a treated group states an effect but gives no mean"),
    "dispersion_unstated": ("warning", "a ± value whose type (SEM or SD) is not stated"),
    "n_missing": ("warning", "a group mean without its n"),
    "unit_not_convertible": (
        "error",
        "a unit pint cannot parse, an affinity unit that is not a concentration, or dose "
        "units in one comparison that do not convert into each other",
    ),
    "species_mixed": ("warning", "affinities at one target from different (or unstated) species"),
    "parameter_mixed": ("info", "Ki / Kd and IC50 / EC50 values mixed at one target"),
    "p_value_mismatch": ("warning", "a stated p-value (−log10 M) that disagrees with the value"),
    "reference_unknown": ("warning", "a cited reference id that is not in the references table"),
}

_LOWER_BETTER = re.compile(
    r"escape failure|immobility|madrs|ham-?[ad]|adams|anxiety score|failures", re.I
)
_HIGHER_BETTER = re.compile(
    r"sucrose|punished respond|response rate|responder|open[- ]arm|preference", re.I
)
_NONE = re.compile(
    r"\bno (?:significant )?(?:protection|effect|improvement|difference|change|reversal)"
    r"|\bineffective\b|\bnot (?:different|significant|superior|met|effective)|\bdid not\b"
    r"|\bfailed\b|\bno significant\b",
    re.I,
)
_HARM = re.compile(r"\bworsen|\bimpair|\bexacerbat|\baggravat", re.I)
_BENEFIT = re.compile(
    r"protect|revers|improv|rescu|superior|anxiolytic|antidepressant|\beffective\b|benefit",
    re.I,
)
_UP = re.compile(r"\bincreas", re.I)
_DOWN = re.compile(r"\breduc|\bdecreas|\blower", re.I)
_UNSTATED = re.compile(r"^\s*$|not (?:stated|specified|given)|unknown|unstated", re.I)
_SPLIT = re.compile(r"\s*[;,|]\s*")


def _s(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _label(df: pd.DataFrame, i: Any) -> str:
    i = int(i)
    if "row_id" in df.columns:
        return f"row_id {df['row_id'].iloc[i]}"
    rows = df.attrs.get("rows")
    if rows is not None and len(rows) == len(df):
        return f"row {rows[i]}"
    return f"row {df.index[i]}"


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def _better(endpoint: str) -> str | None:
    if _LOWER_BETTER.search(endpoint):
        return "lower"
    if _HIGHER_BETTER.search(endpoint):
        return "higher"
    return None


def _polarity(claim: str, better: str | None) -> str | None:
    if not claim or claim.strip().lower() == "control":
        return None
    if _NONE.search(claim):
        return "none"
    if _HARM.search(claim):
        return "harm"
    if better is not None and (_UP.search(claim) or _DOWN.search(claim)):
        up = bool(_UP.search(claim)) and not _DOWN.search(claim)
        return "benefit" if (better == "higher") == up else "harm"
    if _BENEFIT.search(claim):
        return "benefit"
    return None


def _is_control(df: pd.DataFrame) -> np.ndarray:
    if "is_control" in df.columns:
        return df["is_control"].fillna(False).to_numpy(dtype=bool)
    comp = df["compound_id"].map(_s).str.match(r"(?i)^(vehicle|placebo|saline|control|sham)\b")
    eff = df.get("effect_vs_control", pd.Series([""] * len(df))).map(_s).str.strip().str.lower()
    return (comp | (eff.to_numpy() == "control")).to_numpy(dtype=bool)


def _group_name(df: pd.DataFrame, i: Any) -> str:
    i = int(i)
    dose = _s(df["dose"].iloc[i]) if "dose" in df.columns else ""
    unit = _s(df["unit"].iloc[i]) if "unit" in df.columns else ""
    return f"{_s(df['study_id'].iloc[i])} {_s(df['compound_id'].iloc[i])} {dose} {unit}".strip()


def _studies(df: pd.DataFrame) -> Iterator[tuple[str, ...]]:
    mean = _num(df, "mean_num") if "mean_num" in df else _num(df, "mean")
    disp = _num(df, "dispersion_num") if "dispersion_num" in df else _num(df, "dispersion")
    n = _num(df, "n_num") if "n_num" in df else _num(df, "n")
    ctrl = _is_control(df)
    dtype = df.get("dispersion_type", pd.Series([None] * len(df))).map(_s)
    kind = (
        df["dispersion_kind"].map(_s)
        if "dispersion_kind" in df
        else dtype.map(
            lambda t: (
                "SEM"
                if re.search(r"\bSEM?\b", t) and not re.search(r"\bSD\b", t)
                else ("SD" if re.search(r"\bSD\b", t) and not re.search(r"\bSEM?\b", t) else "")
            )
        )
    )
    for i in np.flatnonzero(~np.isnan(disp) & (kind.to_numpy() == "")):
        yield (
            "dispersion_unstated",
            _label(df, i),
            f"{_group_name(df, i)}: ± {disp[i]:g} with type {dtype.iloc[i] or '(empty)'!r}; "
            "state SEM or SD (they differ by √n)",
        )
    for i in np.flatnonzero(~np.isnan(mean) & np.isnan(n)):
        yield (
            "n_missing",
            _label(df, i),
            f"{_group_name(df, i)}: mean {mean[i]:g} without n; an SEM cannot become an SD "
            "(or a CI) without it",
        )
    keys = df["study_id"].map(_s) + "\x1f" + df["endpoint"].map(_s)
    for _, grp in pd.Series(np.arange(len(df))).groupby(keys.to_numpy(), sort=False):
        idx = grp.to_numpy()
        study, endpoint = _s(df["study_id"].iloc[idx[0]]), _s(df["endpoint"].iloc[idx[0]])
        treated = idx[~ctrl[idx]]
        controls = idx[ctrl[idx]]
        if len(treated) == 0:
            continue
        model = " ".join(_s(df["model"].iloc[i]) for i in idx) if "model" in df else ""
        labels = ", ".join(_label(df, i) for i in idx)
        if len(controls) == 0:
            yield (
                "control_missing",
                labels,
                f"{study} / {endpoint}: treated groups but no control row",
            )
        elif np.isnan(mean[controls]).all() and (~np.isnan(mean[treated])).any():
            yield (
                "control_missing",
                labels,
                f"{study} / {endpoint}: treated means given but no control mean",
            )
        if re.search(r"learned helplessness", model, re.I) and len(controls) < 2:
            yield (
                "control_missing",
                labels,
                f"{study} / {endpoint}: learned helplessness needs a non-shocked control and a "
                f"helpless (shocked + vehicle) control; {len(controls)} control row(s) given, "
                "so protection cannot be judged against the helpless baseline",
            )
        claims = df["effect_vs_control"].map(_s) if "effect_vs_control" in df else None
        better = _better(endpoint)
        for i in treated:
            claim = claims.iloc[i] if claims is not None else ""
            pol = _polarity(claim, better)
            if np.isnan(mean[i]):
                if pol in ("benefit", "harm"):
                    yield (
                        "mean_missing",
                        _label(df, i),
                        f"{_group_name(df, i)}: claims {claim!r} without a mean",
                    )
                continue
            with_mean = controls[~np.isnan(mean[controls])]
            if pol is None or better is None or len(with_mean) != 1:
                continue
            c = with_mean[0]
            d = mean[i] - mean[c]
            worse = d > 0 if better == "lower" else d < 0
            spread = np.nanmax([disp[i], disp[c], 0.0])
            where = (
                f"{_group_name(df, i)}: claims {claim!r} but mean {mean[i]:g} vs control "
                f"{_s(df['compound_id'].iloc[c])} {mean[c]:g} ({endpoint}: {better} is "
                "better)"
            )
            rows = f"{_label(df, i)}, {_label(df, c)}"
            if pol == "benefit" and d != 0 and worse:
                yield ("claim_contradicted", rows, "error", where + " is worse than control")
            elif pol == "harm" and d != 0 and not worse:
                yield ("claim_contradicted", rows, "error", where + " is better than control")
            elif pol == "none" and abs(d) > spread and worse:
                yield (
                    "claim_contradicted",
                    rows,
                    "warning",
                    where + f" is worse by {abs(d):g}, more than the stated ± ({spread:g}): "
                    "the numbers show worsening, or the control is not the right comparator",
                )


def _units(table: str, df: pd.DataFrame) -> Iterator[tuple[str, str, str]]:
    from preclin.core.units import dimension_of

    if "unit" not in df.columns:
        return
    units = df["unit"].map(_s)
    dims: dict[str, str | None] = {}
    for u in units.unique():
        if not u:
            continue
        try:
            dims[u] = dimension_of(u if u != "%" else "percent")
        except InputError:
            dims[u] = None
    for i in np.flatnonzero(units.map(lambda u: bool(u) and dims.get(u) is None).to_numpy()):
        yield (
            "unit_not_convertible",
            _label(df, i),
            f"{table}: unit {units.iloc[i]!r} is not a unit pint can convert",
        )
    if table == "affinities" and "parameter" in df.columns:
        lin = ~df["parameter"].map(_s).str.startswith("p").to_numpy()
        bad = (
            lin
            & units.map(lambda u: dims.get(u) not in ("molar", "mass_concentration")).to_numpy()
        )
        for i in np.flatnonzero(bad):
            yield (
                "unit_not_convertible",
                _label(df, i),
                f"affinities: {_s(df['parameter'].iloc[i])} in {units.iloc[i] or '(no unit)'!r}"
                " does not convert to M",
            )
    if table == "studies":
        keys = df["study_id"].map(_s) + "\x1f" + df["endpoint"].map(_s)
        for _, idx in pd.Series(np.arange(len(df))).groupby(keys.to_numpy(), sort=False):
            groups = {dims.get(units.iloc[i]) for i in idx if units.iloc[i]}
            if len(groups - {None}) > 1:
                yield (
                    "unit_not_convertible",
                    ", ".join(_label(df, i) for i in idx),
                    f"studies {_s(df['study_id'].iloc[int(idx.iloc[0])])}: dose units "
                    f"{sorted({units.iloc[i] for i in idx if units.iloc[i]})} do not convert "
                    "into each other, so the doses cannot be compared",
                )


def _affinities(df: pd.DataFrame) -> Iterator[tuple[str, str, str]]:
    species = df["species"].map(_s) if "species" in df else pd.Series([""] * len(df))
    norm = species.map(lambda s: "unstated" if _UNSTATED.search(s) else s.strip().lower())
    param = df["parameter"].map(_s)
    for target, grp in pd.Series(np.arange(len(df))).groupby(df["target_id"].map(_s).to_numpy()):
        idx = grp.to_numpy()
        kinds = set(norm.iloc[idx])
        if len(kinds) > 1:
            detail = "; ".join(
                f"{k}: "
                + ", ".join(
                    f"{_s(df['compound_id'].iloc[i])} ({_label(df, i)})"
                    for i in idx
                    if norm.iloc[i] == k
                )
                for k in sorted(kinds)
            )
            yield (
                "species_mixed",
                ", ".join(_label(df, i) for i in idx),
                f"affinities at {target} come from different or unstated species ({detail}); "
                "compare within one species",
            )
        fam = {"K" if p.lstrip("p").startswith("K") else "C50" for p in param.iloc[idx]}
        if len(fam) > 1:
            yield (
                "parameter_mixed",
                ", ".join(_label(df, i) for i in idx),
                f"affinities at {target} mix Ki/Kd with IC50/EC50 "
                f"({', '.join(sorted(set(param.iloc[idx])))}); IC50 depends on assay "
                "conditions (Cheng–Prusoff)",
            )
    if "p_value" in df.columns:
        stated = _num(df, "p_value")
        calc = _num(df, "p_affinity")
        off = np.abs(stated - calc) > 0.01
        bad = np.flatnonzero(~np.isnan(stated) & ~np.isnan(calc) & off)
        for i in bad:
            yield (
                "p_value_mismatch",
                _label(df, i),
                f"affinities {_s(df['compound_id'].iloc[i])} at {_s(df['target_id'].iloc[i])}:"
                f" stated p-value {stated[i]:g} but {_s(df['value'].iloc[i])} "
                f"{_s(df['unit'].iloc[i])} gives {calc[i]:.2f}",
            )


def _references(tables: dict[str, pd.DataFrame]) -> Iterator[tuple[str, str, str]]:
    known = set(tables["references"]["ref_id"].map(_s))
    for table, df in tables.items():
        if table == "references":
            continue
        for col in [c for c in df.columns if c in ("ref_id", "ref_ids") or c.endswith("_ref")]:
            for i, cell in enumerate(df[col].map(_s)):
                missing = [r for r in _SPLIT.split(cell) if r and r not in known]
                if missing:
                    yield (
                        table,
                        _label(df, i),
                        f"{table} {col} cites {', '.join(missing)}, not in references",
                    )


def check_tables(
    *,
    studies: pd.DataFrame | None = None,
    affinities: pd.DataFrame | None = None,
    pk: pd.DataFrame | None = None,
    compounds: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    references: pd.DataFrame | None = None,
    rules: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run the consistency rules on knowledge tables.

    Parameters
    ----------
    studies, affinities, pk, compounds, targets, references : DataFrame, optional
        Tables in the import layouts (store tables also carry normalised
        columns, which are used when present).
    rules : sequence of str, optional
        Rule names (see ``RULES``); default all.

    Returns
    -------
    DataFrame
        One row per finding: ``rule``, ``severity`` (error / warning / info),
        ``table``, ``rows`` (the rows concerned: ``row_id`` for store rows,
        spreadsheet row for files, else index) and ``message``; errors first.

    Examples
    --------
    >>> from preclin.knowledge import load_starter
    >>> found = check_tables(studies=load_starter("studies"), rules=["claim_contradicted"])
    >>> print(found["message"].iloc[0])
    LH-seed alnespirone 5 mg/kg/day: claims 'no protection (vehicle 9 ± 2)' but mean 13
    vs control vehicle 9 (escape failures: lower is better) is worse by 4, more than the
    stated ± (2): the numbers show worsening, or the control is not the right comparator
    """
    chosen = (
        list(RULES) if rules is None else [check_option("rules", r, list(RULES)) for r in rules]
    )
    tables = {
        k: v
        for k, v in {
            "studies": studies,
            "affinities": affinities,
            "pk": pk,
            "compounds": compounds,
            "targets": targets,
            "references": references,
        }.items()
        if v is not None
    }
    for name, df in tables.items():
        if not isinstance(df, pd.DataFrame):
            raise InputError(f"Invalid `{name}`: got {type(df).__name__}, must be a DataFrame.")
    found: list[dict[str, str]] = []

    def add(rule: str, table: str, rows: str, message: str, severity: str | None = None) -> None:
        if rule in chosen:
            found.append(
                {
                    "rule": rule,
                    "severity": severity or RULES[rule][0],
                    "table": table,
                    "rows": rows,
                    "message": message,
                }
            )

    producers: list[tuple[str, Callable[[], Iterator[tuple[Any, ...]]]]] = []
    if "studies" in tables:
        producers.append(("studies", lambda: _studies(tables["studies"])))
    if "affinities" in tables:
        producers.append(("affinities", lambda: _affinities(tables["affinities"])))
    for t in ("studies", "affinities", "pk"):
        if t in tables:
            producers.append((t, functools.partial(_units, t, tables[t])))
    for table, produce in producers:
        for item in produce():
            if len(item) == 4:
                rule, rows, severity, message = item
                add(rule, table, rows, message, severity)
            else:
                rule, rows, message = item
                add(rule, table, rows, message)
    if "references" in tables:
        for table, rows, message in _references(tables):
            add("reference_unknown", table, rows, message)
    out = pd.DataFrame(found, columns=["rule", "severity", "table", "rows", "message"])
    order = {"error": 0, "warning": 1, "info": 2}
    out = out.sort_values("severity", key=lambda s: s.map(order), kind="stable")
    return out.reset_index(drop=True)
