"""Shared validation for the group-comparison functions (one place, used once
at each public boundary): columns, numeric response, group order, group sizes."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import (
    DataQualityWarning,
    InputError,
    numeric_column,
    require_columns,
    row_label,
    source_name,
)

__all__ = ["Groups", "as_list", "check_labels", "group_levels", "prepare_frame", "prepare_groups"]


def as_list(value: str | Sequence[str] | None, name: str) -> list[str]:
    """``"a"`` → ``["a"]``; validates that column names are strings."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str):
            raise InputError(f"Invalid `{name}`: got {item!r}, must be a column name (text).")
    return items


def check_labels(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`InputError` at the first empty cell of a group column."""
    for col in columns:
        missing = data[col].isna().to_numpy()
        if missing.any():
            pos = int(np.flatnonzero(missing)[0])
            raise InputError(
                "missing group label",
                file=source_name(data),
                row=row_label(data, pos),
                column=col,
                hint="fill the cell or remove the row",
            )


def group_levels(series: pd.Series) -> list[Any]:
    """Level order: categorical order, sorted numbers, else order of first appearance."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna().unique())
        return [c for c in series.cat.categories if c in present]
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return sorted(values.unique().tolist())
    return list(pd.unique(values))


def prepare_frame(
    data: pd.DataFrame, dv: str, factors: Sequence[str], *, what: str = "response"
) -> pd.DataFrame:
    """Validate columns, coerce ``dv`` to float, drop rows without a response.

    Categorical factor columns come back without unused categories (their
    order is kept). Rows with an empty response are dropped with a :class:`DataQualityWarning`
    (never silently); an empty group label is an :class:`InputError`.
    """
    if not isinstance(dv, str):
        raise InputError(f"Invalid `dv`: got {dv!r}, must be a column name (text).")
    require_columns(data, [dv, *factors])
    values = numeric_column(data, dv, allow_missing=True, what=what)
    file = source_name(data)
    check_labels(data, factors)
    out = data[list(dict.fromkeys(factors))].copy()
    out[dv] = values
    keep = ~np.isnan(values)
    if not keep.all():
        n_drop = int((~keep).sum())
        first = row_label(data, int(np.flatnonzero(~keep)[0]))
        where = f"{file}: " if file else ""
        warnings.warn(
            f"{where}dropped {n_drop} row(s) with an empty {dv!r} (first at row {first})",
            DataQualityWarning,
            stacklevel=3,
        )
        out = out.loc[keep]
    for col in dict.fromkeys(factors):
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            # Levels nobody observed (or whose rows were all dropped above) are
            # removed here, once, keeping the user's order: pd.Categorical(x,
            # categories=observed) on a categorical with extra levels is
            # deprecated (Pandas4Warning) and would add empty groups.
            out[col] = out[col].cat.remove_unused_categories()
    out.attrs = dict(data.attrs)
    return out


@dataclass(frozen=True)
class Groups:
    """One-way layout: level labels, per-group arrays, and the pooled design."""

    labels: list[Any]
    samples: list[np.ndarray]
    dv: str
    between: str
    source: str | None

    @property
    def n(self) -> np.ndarray:
        return np.array([len(s) for s in self.samples], dtype=float)

    @property
    def k(self) -> int:
        return len(self.samples)

    def index_of(self, label: Any, name: str = "control") -> int:
        """Position of a level; matches numbers given as text (CLI) too."""
        for i, lab in enumerate(self.labels):
            if lab == label or str(lab) == str(label):
                return i
        text = str(label)
        try:
            as_float = float(text)
        except ValueError:
            as_float = None
        if as_float is not None:
            for i, lab in enumerate(self.labels):
                if isinstance(lab, int | float | np.number) and float(lab) == as_float:
                    return i
        levels = ", ".join(str(lab) for lab in self.labels)
        raise InputError(
            f"Invalid `{name}`: got {label!r}, must be one of {levels}.",
        )


def prepare_groups(
    data: pd.DataFrame,
    dv: str,
    between: str,
    *,
    min_n: int = 2,
    min_groups: int = 2,
    need_variance: bool = True,
) -> Groups:
    """Validate a one-way layout and split the response by group.

    Raises :class:`InputError` for fewer than ``min_groups`` groups, a group
    with fewer than ``min_n`` values, or (``need_variance``) a response with no
    variation within groups at all (every test statistic would be 0/0).
    """
    if not isinstance(between, str):
        raise InputError(f"Invalid `between`: got {between!r}, must be one column name (text).")
    frame = prepare_frame(data, dv, [between])
    file = source_name(data)
    levels = group_levels(frame[between])
    if len(levels) < min_groups:
        raise InputError(
            f"needs at least {min_groups} groups, found {len(levels)}",
            file=file,
            column=between,
            hint="check the group column",
        )
    codes = pd.Categorical(frame[between], categories=levels).codes
    values = frame[dv].to_numpy(dtype=float)
    samples = [values[codes == i] for i in range(len(levels))]
    for lab, s in zip(levels, samples):
        if len(s) < min_n:
            raise InputError(
                f"group {lab!r} has n = {len(s)}, needs n >= {min_n}",
                file=file,
                column=between,
                hint="add data or remove the group",
            )
    if need_variance:
        within = sum(float(((s - s.mean()) ** 2).sum()) for s in samples)
        scale = max(float(np.abs(values).max()), 1.0)
        if within <= (1e-13 * scale) ** 2 * len(values):
            raise InputError(
                f"the values of {dv!r} do not vary within any group "
                "(all equal), so no test statistic can be computed",
                file=file,
                column=dv,
                hint="check that the right column was chosen",
            )
    return Groups(labels=levels, samples=samples, dv=dv, between=between, source=file)
