"""Validation helpers used once, at each public boundary.

Two families:

* data checks on DataFrames (:func:`require_columns`, :func:`numeric_column`)
  whose errors name the file, the row and the column;
* argument checks (:func:`check_option`, :func:`check_scalar`,
  :func:`check_array`) with one message template::

      Invalid `x_unit`: got 'nmol', must be one of nM, uM, mM, M.

Row numbers: a DataFrame read by :func:`preclin.core.read_table` carries its
file name and the spreadsheet row of its first data row in ``df.attrs``
(``"source"`` and ``"first_row"``), so errors point at the row a scientist
sees in Excel (header = row 1). Frames made in Python report index labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from preclin.core.errors import InputError

__all__ = [
    "check_array",
    "check_option",
    "check_scalar",
    "numeric_column",
    "require_columns",
    "row_label",
    "source_name",
]


def source_name(df: pd.DataFrame, source: str | None = None) -> str | None:
    """The file a frame came from (``source`` wins over ``df.attrs``)."""
    if source is not None:
        return source
    value = df.attrs.get("source")
    return None if value is None else str(value)


def row_label(df: pd.DataFrame, position: int) -> Any:
    """The row a person would look for: spreadsheet row if known, else index label."""
    first = df.attrs.get("first_row")
    if first is not None and isinstance(df.index, pd.RangeIndex):
        return int(df.index[position]) + int(first)
    label = df.index[position]
    return label.item() if hasattr(label, "item") else label


def require_columns(
    df: pd.DataFrame,
    columns: Iterable[str],
    *,
    source: str | None = None,
    option: str | None = None,
) -> None:
    """Raise :class:`InputError` naming the first missing column.

    Parameters
    ----------
    df : DataFrame
    columns : iterable of str
        Columns that must be present.
    source : str, optional
        File name for the message (defaults to ``df.attrs["source"]``).
    option : str, optional
        The CLI option / keyword that names the column, for the hint.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(df).__name__}")
    present = [str(c) for c in df.columns]
    for col in columns:
        if col not in df.columns:
            available = ", ".join(present) if present else "(none)"
            fix = f"pass the right name with {option}" if option else "rename the column"
            raise InputError(
                f"no column {col!r}; the columns are {available}",
                file=source_name(df, source),
                hint=fix,
            )
    if len(df) == 0:
        raise InputError(
            "no data rows", file=source_name(df, source), hint="the table has only a header"
        )


def numeric_column(
    df: pd.DataFrame,
    column: str,
    *,
    source: str | None = None,
    allow_missing: bool = False,
    finite: bool = True,
    min_value: float | None = None,
    min_inclusive: bool = True,
    what: str | None = None,
    hint: str | None = None,
) -> np.ndarray:
    """Return ``df[column]`` as a float array, or raise naming the first bad cell.

    Text that is not a number, missing values (unless ``allow_missing``),
    ±inf (when ``finite``) and values below ``min_value`` are reported with
    file, row and column.

    Parameters
    ----------
    df : DataFrame
    column : str
    source : str, optional
        File name for messages.
    allow_missing : bool
        Keep empty cells as NaN instead of raising.
    finite : bool
        Reject ±inf.
    min_value : float, optional
        Smallest allowed value (inclusive unless ``min_inclusive=False``).
    what : str, optional
        What the column holds ("concentration"), for the message.
    hint : str, optional
        What would fix a value below ``min_value``.

    Returns
    -------
    ndarray of float64
    """
    require_columns(df, [column], source=source)
    raw = df[column]
    file = source_name(df, source)
    what = what or "value"
    if pd.api.types.is_bool_dtype(raw):
        raise InputError(
            f"{what}s must be numbers, got true/false values", file=file, column=column
        )
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
    else:
        coerced = pd.to_numeric(raw, errors="coerce")
        bad = coerced.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{raw.iloc[pos]!r} is not a number",
                file=file,
                row=row_label(df, pos),
                column=column,
                hint=f"write the {what} as a plain number (empty for missing)",
            )
        values = coerced.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(values)
    if missing.any() and not allow_missing:
        pos = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"missing {what}",
            file=file,
            row=row_label(df, pos),
            column=column,
            hint="fill the cell or remove the row",
        )
    if finite:
        inf = np.isinf(values)
        if inf.any():
            pos = int(np.flatnonzero(inf)[0])
            raise InputError(
                f"{what} is infinite ({values[pos]})",
                file=file,
                row=row_label(df, pos),
                column=column,
                hint="replace it with a finite number",
            )
    if min_value is not None:
        with np.errstate(invalid="ignore"):
            low = values < min_value if min_inclusive else values <= min_value
        if low.any():
            pos = int(np.flatnonzero(low)[0])
            bound = f">= {min_value:g}" if min_inclusive else f"> {min_value:g}"
            raise InputError(
                f"{what} {values[pos]:g} is not {bound}",
                file=file,
                row=row_label(df, pos),
                column=column,
                hint=hint,
            )
    return values


def check_option(name: str, value: Any, options: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``options``, else raise :class:`InputError`.

    >>> check_option("x_unit", "nM", ["nM", "uM"])
    'nM'
    >>> check_option("x_unit", "nmol", ["nM", "uM", "mM", "M"])
    Traceback (most recent call last):
    ...
    preclin.core.errors.InputError: Invalid `x_unit`: got 'nmol', must be one of nM, uM, mM, M.
    """
    if value in options:
        return value
    allowed = ", ".join(str(o) for o in options)
    raise InputError(f"Invalid `{name}`: got {value!r}, must be one of {allowed}.")


def check_scalar(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
    integer: bool = False,
) -> float:
    """Validate a numeric argument against an interval.

    ``closed`` is one of "both", "left", "right", "neither" (as scikit-learn's
    ``Interval``).

    >>> check_scalar("fu", 0.02, low=0, high=1, closed="right")
    0.02
    >>> check_scalar("fu", 0, low=0, high=1, closed="right")
    Traceback (most recent call last):
    ...
    preclin.core.errors.InputError: Invalid `fu`: got 0, must be in (0, 1].
    """
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"Invalid `{name}`: got {value!r}, must be {kind}.")
    if integer and not float(value).is_integer():
        raise InputError(f"Invalid `{name}`: got {value!r}, must be an integer.")
    if not np.isfinite(value):
        raise InputError(f"Invalid `{name}`: got {value!r}, must be finite.")
    left_ok = low is None or (value >= low if closed in ("both", "left") else value > low)
    right_ok = high is None or (value <= high if closed in ("both", "right") else value < high)
    if not (left_ok and right_ok):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        lb = "[" if closed in ("both", "left") and low is not None else "("
        rb = "]" if closed in ("both", "right") and high is not None else ")"
        raise InputError(f"Invalid `{name}`: got {value!r}, must be in {lb}{lo}, {hi}{rb}.")
    return int(value) if integer else cast(float, value)  # numbers pass through unchanged


def check_array(
    name: str,
    values: Any,
    *,
    ndim: int = 1,
    min_size: int = 1,
    finite: bool = True,
    min_value: float | None = None,
    allow_nan: bool = False,
) -> np.ndarray:
    """Convert an array-like argument to float64 and validate it.

    >>> check_array("conc", [0, 1, 10])
    array([ 0.,  1., 10.])
    >>> check_array("conc", [1, -1], min_value=0)
    Traceback (most recent call last):
    ...
    preclin.core.errors.InputError: Invalid `conc`: element 1 is -1, must be >= 0.
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"Invalid `{name}`: must be numbers, got {values!r:.60}.") from None
    if arr.ndim != ndim:
        raise InputError(f"Invalid `{name}`: must be {ndim}-dimensional, got shape {arr.shape}.")
    if arr.size < min_size:
        raise InputError(f"Invalid `{name}`: needs at least {min_size} values, got {arr.size}.")
    nan = np.isnan(arr)
    if nan.any() and not allow_nan:
        idx = int(np.flatnonzero(nan.ravel())[0])
        raise InputError(f"Invalid `{name}`: element {idx} is NaN, must be a number.")
    if finite and np.isinf(arr).any():
        idx = int(np.flatnonzero(np.isinf(arr).ravel())[0])
        raise InputError(f"Invalid `{name}`: element {idx} is infinite, must be finite.")
    if min_value is not None:
        with np.errstate(invalid="ignore"):
            low = arr < min_value
        if low.any():
            idx = int(np.flatnonzero(low.ravel())[0])
            raise InputError(
                f"Invalid `{name}`: element {idx} is {arr.ravel()[idx]:g}, "
                f"must be >= {min_value:g}."
            )
    return arr
