"""Forced swim test (Porsolt) scoring from event logs, time samples and motion traces.

Three inputs, one output shape (one row per animal):

* event logs: one row per behavioural bout (``start_s``, ``stop_s``);
* time sampling: one row per sampled interval (per second or per 5 s);
* motion traces: animals × frames (pixel-change fraction, speed), scored
  with a mobility threshold and a minimum immobility bout.

Everything is vectorised over animals (and frames); no Python loop per
animal, bout or frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar, numeric_column, require_columns, row_label
from preclin.core.validation import source_name
from preclin.invivo._window import parse_window

__all__ = [
    "calculate_fst_bins",
    "calculate_fst_from_events",
    "calculate_fst_from_samples",
]

FST_BEHAVIOURS = ("immobility", "swimming", "climbing")
DEFAULT_WINDOW = (120.0, 360.0)


def _labels(df: pd.DataFrame, column: str) -> pd.Series:
    require_columns(df, [column], source=source_name(df))
    lab = df[column]
    missing = lab.isna() | (lab.astype(str).str.strip() == "")
    if missing.any():
        pos = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError(
            "missing label",
            file=source_name(df),
            row=row_label(df, pos),
            column=column,
            hint="fill the cell or remove the row",
        )
    return lab.astype(str).str.strip()


def _check_sorted_and_disjoint(
    df: pd.DataFrame, animal: pd.Series, start: np.ndarray, stop: np.ndarray, cols: tuple[str, str]
) -> None:
    """Within an animal, rows must be chronological and must not overlap."""
    same = animal.to_numpy()[1:] == animal.to_numpy()[:-1]
    back = same & (start[1:] < start[:-1])
    if back.any():
        pos = int(np.flatnonzero(back)[0]) + 1
        raise InputError(
            f"event out of order: starts at {start[pos]:g} s, before the previous event "
            f"of animal {animal.iloc[pos]!r} ({start[pos - 1]:g} s)",
            file=source_name(df),
            row=row_label(df, pos),
            column=cols[0],
            hint="sort the events of each animal by start time",
        )
    overlap = same & (start[1:] < stop[:-1] - 1e-9)
    if overlap.any():
        pos = int(np.flatnonzero(overlap)[0]) + 1
        raise InputError(
            f"event overlaps the previous one of animal {animal.iloc[pos]!r} "
            f"(starts at {start[pos]:g} s, previous stops at {stop[pos - 1]:g} s)",
            file=source_name(df),
            row=row_label(df, pos),
            column=cols[0],
            hint="behaviours are mutually exclusive: fix the start or the previous stop",
        )
    # animals must be contiguous blocks, else "sorted" is meaningless
    codes = pd.factorize(animal)[0]
    change = np.flatnonzero(np.diff(codes) != 0) + 1
    firsts = codes[np.r_[0, change]]
    if len(np.unique(firsts)) != len(firsts):
        seen = pd.Series(firsts).duplicated().to_numpy()
        pos = int(np.r_[0, change][np.flatnonzero(seen)[0]])
        raise InputError(
            f"events of animal {animal.iloc[pos]!r} are not in one block",
            file=source_name(df),
            row=row_label(df, pos),
            column=None,
            hint="sort the log by animal, then by start time",
        )


def _finish(
    animals: Sequence[str],
    durations: dict[str, np.ndarray],
    latency: np.ndarray,
    censored: np.ndarray,
    n_bouts: np.ndarray,
    window: tuple[float, float],
    extra: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    out = pd.DataFrame({"animal": list(animals)})
    for beh, values in durations.items():
        out[f"{beh}_s"] = values
    scored = np.sum(list(durations.values()), axis=0) if durations else 0.0
    out["unscored_s"] = np.clip((window[1] - window[0]) - scored, 0.0, None)
    out["latency_s"] = latency
    out["latency_censored"] = censored
    out["n_bouts"] = n_bouts.astype(int)
    for name, values in (extra or {}).items():
        out[name] = values
    out["window_start_s"] = window[0]
    out["window_stop_s"] = window[1]
    return out


def calculate_fst_from_events(
    events: pd.DataFrame,
    *,
    window: str | Sequence[float] = DEFAULT_WINDOW,
    test_duration: float = 360.0,
    animal: str = "animal",
    behavior: str = "behavior",
    start: str = "start_s",
    stop: str = "stop_s",
    immobility: str = "immobility",
    latency_min_bout_s: float = 0.0,
) -> pd.DataFrame:
    """Durations of each behaviour inside a window, from an event log.

    Parameters
    ----------
    events : DataFrame
        One row per bout: ``animal``, ``behavior``, ``start_s``, ``stop_s``
        (seconds from the start of the test). Within an animal, bouts must be
        in chronological order and must not overlap (behaviours are mutually
        exclusive, as in a BORIS or Observer state-event export).
    window : str or (float, float)
        Scoring window in s, default the last 4 min of a 6-min test
        (``(120, 360)`` or ``"120-360s"``).
    test_duration : float
        Length of the test in s (events may not end after it).
    animal, behavior, start, stop : str
        Column names.
    immobility : str
        The behaviour label that means immobility (for the latency).
    latency_min_bout_s : float
        Only immobility bouts at least this long count for the latency.

    Returns
    -------
    DataFrame
        One row per animal (in order of first appearance): ``animal``;
        ``<behaviour>_s`` for immobility, swimming, climbing and any other
        behaviour in the log (s inside the window; bouts crossing the window
        edges are clipped, not dropped); ``unscored_s`` (window time no bout
        covers); ``latency_s`` (start of the first immobility bout, from test
        start; the test duration if there is none); ``latency_censored``
        (no immobility bout); ``n_bouts`` (immobility bouts overlapping the
        window); ``window_start_s``, ``window_stop_s``.

    Notes
    -----
    Duration in window :math:`[w_0, w_1)` of a bout :math:`[a, b)` is
    :math:`\\max(0, \\min(b, w_1) - \\max(a, w_0))`, summed per animal and
    behaviour. Checked against hand-computed logs in ``tests/invivo/test_fst.py``.

    Examples
    --------
    >>> ev = pd.DataFrame({"animal": ["R1"] * 3,
    ...                    "behavior": ["swimming", "immobility", "climbing"],
    ...                    "start_s": [0, 100, 200], "stop_s": [100, 200, 360]})
    >>> calculate_fst_from_events(ev)[["immobility_s", "climbing_s", "latency_s"]]
       immobility_s  climbing_s  latency_s
    0          80.0       160.0      100.0
    """
    win = parse_window(window, test_duration=test_duration)
    check_scalar("latency_min_bout_s", latency_min_bout_s, low=0)
    file = source_name(events)
    require_columns(events, [animal, behavior, start, stop], source=file)
    ids = _labels(events, animal)
    beh = _labels(events, behavior).str.lower()
    a = numeric_column(events, start, what="start time", min_value=0)
    b = numeric_column(events, stop, what="stop time", min_value=0)
    bad = b <= a
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"stop {b[pos]:g} s is not after start {a[pos]:g} s",
            file=file,
            row=row_label(events, pos),
            column=stop,
            hint="swap or fix the times",
        )
    late = b > test_duration + 1e-9
    if late.any():
        pos = int(np.flatnonzero(late)[0])
        raise InputError(
            f"event ends at {b[pos]:g} s, after the end of the {test_duration:g} s test",
            file=file,
            row=row_label(events, pos),
            column=stop,
            hint="fix the time or pass the real `test_duration`",
        )
    _check_sorted_and_disjoint(events, ids, a, b, (start, stop))

    codes, animals = pd.factorize(ids)
    n = len(animals)
    inside = np.clip(np.minimum(b, win[1]) - np.maximum(a, win[0]), 0.0, None)
    behaviours = list(FST_BEHAVIOURS) + sorted(set(beh) - set(FST_BEHAVIOURS))
    bcodes = pd.Categorical(beh, categories=behaviours).codes
    totals = np.zeros((len(behaviours), n))
    np.add.at(totals, (bcodes, codes), inside)
    durations = {name: totals[i] for i, name in enumerate(behaviours)}

    imm = (beh == immobility.lower()).to_numpy()
    qualifying = imm & ((b - a) >= latency_min_bout_s - 1e-12)
    latency = np.full(n, float(test_duration))
    if qualifying.any():
        first = pd.Series(a[qualifying]).groupby(codes[qualifying]).min()
        latency[first.index.to_numpy()] = first.to_numpy()
    censored = latency >= test_duration
    n_bouts = np.bincount(codes[imm & (inside > 0)], minlength=n)
    return _finish(list(animals), durations, latency, censored, n_bouts, win)


def calculate_fst_from_samples(
    samples: pd.DataFrame,
    *,
    interval: float = 5.0,
    window: str | Sequence[float] = DEFAULT_WINDOW,
    test_duration: float = 360.0,
    animal: str = "animal",
    time: str = "time_s",
    behavior: str = "behavior",
    immobility: str = "immobility",
) -> pd.DataFrame:
    """Durations and counts from time sampling (one predominant behaviour per interval).

    Parameters
    ----------
    samples : DataFrame
        One row per sampled interval: ``animal``, ``time_s`` (start of the
        interval, s from test start) and ``behavior`` (the predominant
        behaviour, as in the 5-s time-sampling method of Detke & Lucki).
    interval : float
        Length of each sampling interval in s (1 for per-second scoring, 5
        for the modified FST).
    window, test_duration, animal, behavior, immobility
        As in :func:`calculate_fst_from_events`.
    time : str
        Column with the start of each interval (s).

    Returns
    -------
    DataFrame
        The columns of :func:`calculate_fst_from_events` (each interval is a
        bout of length ``interval``; intervals crossing the window edges count
        in proportion), plus ``<behaviour>_count`` (intervals whose start lies
        inside the window; 48 intervals for 5-s sampling of the last 4 min).

    Examples
    --------
    >>> s = pd.DataFrame({"animal": "R1", "time_s": [120, 125, 130, 355],
    ...                   "behavior": ["immobility", "swimming", "immobility", "climbing"]})
    >>> calculate_fst_from_samples(s)[["immobility_s", "immobility_count", "climbing_s"]]
       immobility_s  immobility_count  climbing_s
    0          10.0                 2         5.0
    """
    win = parse_window(window, test_duration=test_duration)
    check_scalar("interval", interval, low=0, closed="neither")
    file = source_name(samples)
    require_columns(samples, [animal, time, behavior], source=file)
    ids = _labels(samples, animal)
    t = numeric_column(samples, time, what="sample time", min_value=0)
    late = t + interval > test_duration + 1e-9
    if late.any():
        pos = int(np.flatnonzero(late)[0])
        raise InputError(
            f"interval starting at {t[pos]:g} s runs past the end of the {test_duration:g} s test",
            file=file,
            row=row_label(samples, pos),
            column=time,
            hint="check `interval` and `test_duration`",
        )
    frame = pd.DataFrame({"a": ids.to_numpy(), "t": np.round(t / interval, 6)})
    dup = frame.duplicated().to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"two samples for animal {ids.iloc[pos]!r} at {t[pos]:g} s",
            file=file,
            row=row_label(samples, pos),
            column=time,
            hint="keep one behaviour per interval",
        )
    events = pd.DataFrame(
        {animal: ids.to_numpy(), behavior: samples[behavior].to_numpy(), "s": t, "e": t + interval}
    )
    events = events.iloc[np.lexsort((t, pd.factorize(ids)[0]))].reset_index(drop=True)
    events.attrs = dict(samples.attrs)
    out = calculate_fst_from_events(
        events,
        window=win,
        test_duration=test_duration,
        animal=animal,
        behavior=behavior,
        start="s",
        stop="e",
        immobility=immobility,
    )
    beh = events[behavior].astype(str).str.strip().str.lower()
    in_win = (events["s"] >= win[0] - 1e-9) & (events["s"] < win[1] - 1e-9)
    counts = pd.crosstab(events.loc[in_win, animal], beh[in_win])
    for name in [c[:-2] for c in out.columns if c.endswith("_s") and c[:-2] in set(beh)] + list(
        FST_BEHAVIOURS
    ):
        col = counts[name] if name in counts.columns else pd.Series(dtype=float)
        out[f"{name}_count"] = col.reindex(out["animal"]).fillna(0).astype(int).to_numpy()
    return out


def calculate_fst_bins(
    events: pd.DataFrame,
    *,
    bin_s: float = 5.0,
    window: str | Sequence[float] = DEFAULT_WINDOW,
    test_duration: float = 360.0,
    animal: str = "animal",
    behavior: str = "behavior",
    start: str = "start_s",
    stop: str = "stop_s",
) -> pd.DataFrame:
    """The behaviour at the midpoint of each time bin, from an event log (for κ).

    Parameters
    ----------
    events : DataFrame
        An event log as for :func:`calculate_fst_from_events` (validated the
        same way).
    bin_s : float
        Bin length in s; bins tile the window from its start.
    window, test_duration, animal, behavior, start, stop
        As in :func:`calculate_fst_from_events`.

    Returns
    -------
    DataFrame
        One row per animal and bin: ``animal``, ``time_s`` (bin start),
        ``behavior`` (lower case; ``"unscored"`` where no bout covers the
        midpoint).

    Examples
    --------
    >>> ev = pd.DataFrame({"animal": "R1", "behavior": ["swimming", "immobility"],
    ...                    "start_s": [0, 130], "stop_s": [130, 360]})
    >>> calculate_fst_bins(ev, bin_s=5, window="120-140s")["behavior"].tolist()
    ['swimming', 'swimming', 'immobility', 'immobility']
    """
    win = parse_window(window, test_duration=test_duration)
    check_scalar("bin_s", bin_s, low=0, closed="neither")
    calculate_fst_from_events(
        events, window=win, test_duration=test_duration, animal=animal, behavior=behavior,
        start=start, stop=stop,
    )  # fmt: skip  # validation only
    ids = _labels(events, animal)
    codes, animals = pd.factorize(ids)
    a = numeric_column(events, start)
    b = numeric_column(events, stop)
    beh = _labels(events, behavior).str.lower().to_numpy()
    span = float(test_duration) + 1.0
    mids = np.arange(win[0], win[1] - 1e-9, bin_s) + bin_s / 2
    n_a, n_b = len(animals), mids.size
    grid = (np.arange(n_a)[:, None] * span + mids[None, :]).ravel()
    starts = codes * span + a  # sorted: animals are blocks, events chronological
    order = np.argsort(starts, kind="stable")
    idx = np.searchsorted(starts[order], grid, side="right") - 1
    ok = idx >= 0
    ev_i = order[np.clip(idx, 0, None)]
    row_animal = np.repeat(np.arange(n_a), n_b)
    ok &= (codes[ev_i] == row_animal) & (codes[ev_i] * span + b[ev_i] > grid)
    labels = np.where(ok, beh[ev_i], "unscored")
    return pd.DataFrame(
        {
            "animal": np.repeat(np.asarray(animals, dtype=object), n_b),
            "time_s": np.tile(mids - bin_s / 2, n_a),
            "behavior": labels,
        }
    )
