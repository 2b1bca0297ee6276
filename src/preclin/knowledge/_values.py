"""Honest parsing of the numbers people write in tables.

Curated tables hold values such as ``"~50"``, ``"98-99"``, ``"1.380 (SD 0.46)"``,
``"up to 10"`` or ``"mean 24.5 (10-60)"``. The store keeps the text verbatim
and, next to it, the numbers the text honestly states: a central value only
when one is written, a low / high bound for ranges, and a ``qualifier`` saying
how to read them. Nothing is invented: a range has no central value.

=========================  =====  =====  =====  ===========  ===============
text                       num    low    high   qualifier    dispersion
=========================  =====  =====  =====  ===========  ===============
``24``                     24                   (empty)
``~50``                    50                   approx
``98-99``                         98     99     range
``1.380 (SD 0.46)``        1.38                 (empty)      0.46 SD
``97 (mean)``              97                   mean
``10-30 (mean 20)``        20     10     30     mean
``mean 24.5 (10-60)``      24.5   10     60     mean
``up to 10``                             10     up_to
``<5`` / ``>30000``                      5 /    below/above
                                  30000
``2-3 (IR); 5 (ER)``                            multiple
=========================  =====  =====  =====  ===========  ===============
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from preclin.core.errors import InputError

__all__ = ["ACCEPTED_FORMS", "ParsedValue", "parse_value", "parse_values"]

ACCEPTED_FORMS = (
    "12, ~12, 10-20, 12 (SD 3), 12 (mean), 10-30 (mean 20), mean 12 (10-20), up to 12, <12, >12"
)

_U = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_S = r"[-+−]?" + _U
_DASH = r"\s*(?:-|–|—|to)\s*"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("exact", re.compile(rf"^({_S})$")),
    ("approx", re.compile(rf"^(?:~|≈|ca\.?|approx\.?|about)\s*({_U})$", re.I)),
    ("range", re.compile(rf"^({_U}){_DASH}({_U})$", re.I)),
    ("dispersion", re.compile(rf"^({_S})\s*\(\s*(SD|SEM|SE)\s*[:=]?\s*({_U})\s*\)$", re.I)),
    ("mean", re.compile(rf"^({_S})\s*\(\s*mean\s*\)$", re.I)),
    ("range_mean", re.compile(rf"^({_U}){_DASH}({_U})\s*\(\s*mean\s*({_U})\s*\)$", re.I)),
    ("mean_range", re.compile(rf"^mean\s*({_U})\s*\(\s*({_U}){_DASH}({_U})\s*\)$", re.I)),
    ("up_to", re.compile(rf"^(?:up to|≤|<=)\s*({_U})$", re.I)),
    ("below", re.compile(rf"^<\s*({_U})$")),
    ("above", re.compile(rf"^(?:>|≥|>=)\s*({_U})$")),
]
_LABELLED = re.compile(r"^(.+?)\s*\(([^()]*)\)$")


@dataclass(frozen=True)
class ParsedValue:
    """The numbers a value text states (``None`` where it states none)."""

    num: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    dispersion: float | None = None
    dispersion_type: str | None = None


def _f(text: str) -> float:
    return float(text.replace("−", "-"))


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedValue | None:
    t = " ".join(text.split())
    for kind, pat in _PATTERNS:
        m = pat.match(t)
        if not m:
            continue
        g = m.groups()
        if kind == "exact":
            return ParsedValue(num=_f(g[0]))
        if kind == "approx":
            return ParsedValue(num=_f(g[0]), qualifier="approx")
        if kind == "range":
            lo, hi = _f(g[0]), _f(g[1])
            return ParsedValue(low=lo, high=hi, qualifier="range") if lo <= hi else None
        if kind == "dispersion":
            dtype = "SEM" if g[1].upper() in ("SEM", "SE") else "SD"
            return ParsedValue(num=_f(g[0]), dispersion=_f(g[2]), dispersion_type=dtype)
        if kind == "mean":
            return ParsedValue(num=_f(g[0]), qualifier="mean")
        if kind == "range_mean":
            lo, hi, mean = _f(g[0]), _f(g[1]), _f(g[2])
            return ParsedValue(num=mean, low=lo, high=hi, qualifier="mean") if lo <= hi else None
        if kind == "mean_range":
            mean, lo, hi = _f(g[0]), _f(g[1]), _f(g[2])
            return ParsedValue(num=mean, low=lo, high=hi, qualifier="mean") if lo <= hi else None
        if kind == "up_to":
            return ParsedValue(high=_f(g[0]), qualifier="up_to")
        if kind == "below":
            return ParsedValue(high=_f(g[0]), qualifier="below")
        return ParsedValue(low=_f(g[0]), qualifier="above")
    parts = [p.strip() for p in t.split(";")]
    if len(parts) > 1:
        for part in parts:
            m = _LABELLED.match(part)
            if not m or _parse(m.group(1)) is None:
                return None
        return ParsedValue(qualifier="multiple")
    return None


def parse_value(text: str | float | None) -> ParsedValue | None:
    """Parse one value text; ``None`` if it is not in an accepted form.

    Examples
    --------
    >>> parse_value("~50")
    ParsedValue(num=50.0, low=None, high=None, qualifier='approx', dispersion=None,
                dispersion_type=None)
    >>> parse_value("98-99").low, parse_value("98-99").high
    (98.0, 99.0)
    >>> parse_value("not stated") is None
    True
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ParsedValue()
    if isinstance(text, int | float):
        return ParsedValue(num=float(text))
    s = str(text).strip()
    if not s:
        return ParsedValue()
    return _parse(s)


_COLUMNS = ("num", "low", "high", "qualifier", "dispersion", "dispersion_type")


def parse_values(
    values: pd.Series,
    *,
    column: str,
    file: str | None,
    rows: np.ndarray,
    plain: bool = False,
) -> pd.DataFrame:
    """Parse a text column into the :class:`ParsedValue` columns (vectorised).

    Parameters
    ----------
    values : Series of str or None
    column, file : for the error message
    rows : ndarray
        The row label (spreadsheet row) of each value.
    plain : bool
        Only plain numbers are accepted (means, SDs, n).

    Raises
    ------
    InputError
        Naming the first cell whose text is in no accepted form.
    """
    n = len(values)
    out = pd.DataFrame(
        {
            "num": np.full(n, np.nan),
            "low": np.full(n, np.nan),
            "high": np.full(n, np.nan),
            "qualifier": pd.Series([None] * n, dtype=object),
            "dispersion": np.full(n, np.nan),
            "dispersion_type": pd.Series([None] * n, dtype=object),
        }
    )
    if n == 0:
        return out
    text = values.astype(object).where(values.notna(), None)
    fast = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    empty = np.array([t is None or str(t).strip() == "" for t in text], dtype=bool)
    fast_ok = ~np.isnan(fast)
    out["num"] = np.where(fast_ok, fast, np.nan)
    todo = np.flatnonzero(~fast_ok & ~empty)
    for pos in todo:
        raw = str(text.iloc[pos])
        parsed = None if plain else parse_value(raw)
        if parsed is None:
            forms = "a plain number" if plain else f"one of: {ACCEPTED_FORMS}"
            raise InputError(
                f"{raw!r} is not a number",
                file=file,
                row=rows[pos],
                column=column,
                hint=f"write it as {forms}; leave it empty if unknown and put words in 'notes'",
            )
        for col in _COLUMNS:
            value = getattr(parsed, col)
            if value is not None:
                out.at[pos, col] = value
    inf = np.isinf(out["num"].to_numpy(dtype=float))
    if inf.any():
        first = int(np.flatnonzero(inf)[0])
        raise InputError(
            "value is infinite",
            file=file,
            row=rows[first],
            column=column,
            hint="write a finite number",
        )
    return out
