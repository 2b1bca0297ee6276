"""Descriptive statistics per group: mean ± SD / SEM, t-based CI, quartiles."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import DataQualityWarning, InputError, check_scalar, source_name
from preclin.stats._groups_common import as_list, group_levels, prepare_frame

__all__ = ["describe"]

_COLUMNS = [
    "n",
    "mean",
    "sd",
    "sem",
    "ci_low",
    "ci_high",
    "median",
    "q1",
    "q3",
    "min",
    "max",
]


def describe(
    data: pd.DataFrame,
    dv: str,
    by: str | Sequence[str],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean ± SD / SEM, t-based confidence interval and quartiles per group.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per animal (or well, or observation).
    dv : str
        Response column (numbers; empty cells are dropped with a
        :class:`~preclin.core.DataQualityWarning`).
    by : str or list of str
        Group column(s). Groups are ordered by categorical order, by sorted
        value for numeric columns, otherwise by first appearance.
    confidence : float
        Level of the confidence interval for the mean (default 0.95).

    Returns
    -------
    DataFrame
        One row per group with columns: the ``by`` column(s), ``n``, ``mean``,
        ``sd`` (n - 1 denominator), ``sem`` (sd / sqrt(n)), ``ci_low``,
        ``ci_high`` (mean ± t(1 - α/2, n - 1) · sem), ``median``, ``q1``,
        ``q3`` (quantile type 7, R's default), ``min``, ``max``. A group
        with a single value gets NaN sd / sem / CI and a
        :class:`~preclin.core.DataQualityWarning`.

    Notes
    -----
    Agrees with R 4.2 ``mean``, ``sd``, ``quantile(type = 7)`` and
    ``mean ± qt(0.975, n - 1) * sd / sqrt(n)`` to 1e-10 relative
    (``tests/stats/test_describe.py``, PlantGrowth and ToothGrowth).

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> d = describe(load_example("fst_groups"), "immobility_s", by="group")
    >>> d[["group", "n", "mean", "sem", "ci_low", "ci_high"]].round(1)
            group   n   mean  sem  ci_low  ci_high
    0     vehicle  10  137.1  6.1   123.2    151.0
    1      1mg/kg  10  138.5  6.3   124.4    152.7
    2      3mg/kg  10  126.5  5.5   114.1    138.9
    3     10mg/kg  10   97.4  9.4    76.2    118.7
    4  imipramine  10   85.3  6.1    71.5     99.1
    """
    factors = as_list(by, "by")
    if not factors:
        raise InputError("Invalid `by`: got [], must name at least one group column.")
    check_scalar("confidence", confidence, low=0, high=1, closed="neither")
    frame = prepare_frame(data, dv, factors)
    levels = {f: group_levels(frame[f]) for f in factors}
    keys = [pd.Categorical(frame[f], categories=levels[f]) for f in factors]
    rows = []
    single: list[str] = []
    for key, sub in frame.groupby(keys, observed=True, sort=True):
        x = sub[dv].to_numpy(dtype=float)
        n = len(x)
        key_t = key if isinstance(key, tuple) else (key,)
        row: dict[str, object] = dict(zip(factors, key_t))
        mean = float(x.mean())
        if n >= 2:
            sd = float(x.std(ddof=1))
            sem = sd / np.sqrt(n)
            half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sem
        else:
            sd = sem = half = np.nan
            single.append("/".join(str(k) for k in key_t))
        q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75])
        row.update(
            n=n,
            mean=mean,
            sd=sd,
            sem=sem,
            ci_low=mean - half,
            ci_high=mean + half,
            median=float(med),
            q1=float(q1),
            q3=float(q3),
            min=float(x.min()),
            max=float(x.max()),
        )
        rows.append(row)
    if single:
        file = source_name(data)
        where = f"{file}: " if file else ""
        warnings.warn(
            f"{where}group(s) {', '.join(single)} have n = 1: sd, sem and CI are undefined (NaN)",
            DataQualityWarning,
            stacklevel=2,
        )
    out = pd.DataFrame(rows, columns=[*factors, *_COLUMNS])
    out["n"] = out["n"].astype(int)
    return out
