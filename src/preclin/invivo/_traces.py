"""Forced swim scoring from per-frame motion traces (threshold + minimum bout), batched."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar, numeric_column, row_label
from preclin.core.validation import source_name
from preclin.invivo._fst import DEFAULT_WINDOW, _labels
from preclin.invivo._runs import find_runs, runs_to_mask
from preclin.invivo._window import parse_window

__all__ = ["calculate_fst_from_traces"]


def calculate_fst_from_traces(
    traces: np.ndarray | pd.DataFrame,
    *,
    fps: float,
    threshold: float,
    min_bout_s: float = 1.0,
    window: str | Sequence[float] = DEFAULT_WINDOW,
    test_duration: float = 360.0,
    animals: Sequence[str] | None = None,
    animal: str = "animal",
    motion: str = "motion",
    time: str = "time_s",
) -> pd.DataFrame:
    """Immobility from per-frame motion traces (threshold + minimum bout), batched.

    Parameters
    ----------
    traces : ndarray (animals × frames) or DataFrame
        Motion per frame (e.g. fraction of pixels changed between frames, or
        speed from pose tracking). A DataFrame is long format with columns
        ``animal``, ``motion`` and optionally ``time_s`` (checked against
        ``fps``); frames are in row order within each animal.
    fps : float
        Frame rate. Each trace must hold ``test_duration * fps`` frames
        (± 1), otherwise the frame rate or duration is wrong.
    threshold : float
        A frame is immobile when motion < ``threshold``.
    min_bout_s : float
        Immobile runs shorter than this count as mobile (whole-test runs are
        filtered first, then clipped to the window).
    window, test_duration
        As in :func:`calculate_fst_from_events`.
    animals : sequence of str, optional
        Labels for the rows of an array (default ``A1``, ``A2``, ...).
    animal, motion, time : str
        Column names for a DataFrame input.

    Returns
    -------
    DataFrame
        One row per animal: ``animal``, ``immobility_s``, ``mobility_s``,
        ``unscored_s`` (frames without motion data inside the window),
        ``latency_s`` (first immobile bout, from test start; censored at the
        test duration), ``latency_censored``, ``n_bouts`` (immobile bouts
        overlapping the window), ``window_start_s``, ``window_stop_s``,
        ``message`` (empty, or what made a row less reliable). Frames with
        missing motion count as neither immobile nor mobile.

    Notes
    -----
    Frame :math:`i` covers :math:`[i/f, (i+1)/f)`. Immobile runs are found by
    run-length encoding the thresholded 2-D array with NumPy in one pass.

    Examples
    --------
    >>> x = np.ones((1, 360 * 10)); x[0, 1500:2100] = 0.0   # still from 150 to 210 s
    >>> r = calculate_fst_from_traces(x, fps=10, threshold=0.5)
    >>> r[["immobility_s", "latency_s", "n_bouts"]]
       immobility_s  latency_s  n_bouts
    0          60.0      150.0        1
    """
    win = parse_window(window, test_duration=test_duration)
    check_scalar("fps", fps, low=0, closed="neither")
    check_scalar("threshold", threshold)
    check_scalar("min_bout_s", min_bout_s, low=0)
    values, labels = _as_matrix(traces, fps=fps, animals=animals, cols=(animal, motion, time))
    n_frames = values.shape[1]
    expected = test_duration * fps
    if abs(n_frames - expected) > 1.0 + 1e-9:
        raise InputError(
            f"the traces have {n_frames} frames, but {test_duration:g} s at {fps:g} fps "
            f"is {expected:g} frames (frame-rate mismatch)",
            file=source_name(traces) if isinstance(traces, pd.DataFrame) else None,
            hint="pass the real `fps` and `test_duration`",
        )
    missing = np.isnan(values)
    with np.errstate(invalid="ignore"):
        still = values < threshold
    runs = find_runs(still)
    min_frames = int(np.ceil(min_bout_s * fps - 1e-9))
    runs = runs.select(runs.length >= max(min_frames, 1))
    lo, hi = win[0] * fps, win[1] * fps
    imm = runs.total_in(lo, hi) / fps
    first = np.floor(lo + 1e-9).astype(int), np.ceil(hi - 1e-9).astype(int)
    n_missing = missing[:, first[0] : first[1]].sum(axis=1)
    unscored = n_missing / fps
    mobility = (win[1] - win[0]) - imm - unscored
    latency = runs.first_start(fill=np.nan) / fps
    censored = np.isnan(latency)
    latency = np.where(censored, float(test_duration), latency)
    out = pd.DataFrame(
        {
            "animal": labels,
            "immobility_s": imm,
            "mobility_s": mobility,
            "unscored_s": unscored,
            "latency_s": latency,
            "latency_censored": censored,
            "n_bouts": runs.count_in(lo, hi).astype(int),
            "window_start_s": win[0],
            "window_stop_s": win[1],
        }
    )
    frac = n_missing / max(hi - lo, 1.0)
    out["message"] = [
        f"{int(k)} frames without motion data in the window ({100 * f:.1f}%)" if k else ""
        for k, f in zip(n_missing, frac)
    ]
    return out


def immobile_mask(
    values: np.ndarray, *, fps: float, threshold: float, min_bout_s: float
) -> np.ndarray:
    """The immobility mask after the minimum-bout filter (for plots and agreement)."""
    with np.errstate(invalid="ignore"):
        still = np.asarray(values, dtype=float) < threshold
    runs = find_runs(np.atleast_2d(still))
    runs = runs.select(runs.length >= max(int(np.ceil(min_bout_s * fps - 1e-9)), 1))
    return runs_to_mask(runs)


def _as_matrix(
    traces: np.ndarray | pd.DataFrame,
    *,
    fps: float,
    animals: Sequence[str] | None,
    cols: tuple[str, str, str],
) -> tuple[np.ndarray, list[str]]:
    animal, motion, time = cols
    if isinstance(traces, pd.DataFrame):
        file = source_name(traces)
        if animal not in traces.columns:
            traces = traces.assign(**{animal: "A1"})
        ids = _labels(traces, animal)
        m = numeric_column(traces, motion, what="motion", allow_missing=True)
        codes, labels = pd.factorize(ids)
        order = np.argsort(codes, kind="stable")
        counts = np.bincount(codes)
        if counts.min() != counts.max():
            short = int(np.argmin(counts))
            raise InputError(
                f"animal {labels[short]!r} has {counts[short]} frames, others up to "
                f"{counts.max()}",
                file=file,
                column=animal,
                hint="give every animal the same number of frames (empty motion for gaps)",
            )
        if time in traces.columns:
            t = numeric_column(traces, time, what="time")[order].reshape(len(labels), -1)
            if t.shape[1] > 1:
                step = np.diff(t, axis=1)
                bad = np.abs(step - 1.0 / fps) > 0.01 / fps
                if bad.any():
                    r, c = np.argwhere(bad)[0]
                    pos = int(order[r * t.shape[1] + c + 1])
                    raise InputError(
                        f"time step {step[r, c]:g} s does not match {fps:g} fps "
                        f"(expected {1.0 / fps:g} s; frame-rate mismatch)",
                        file=file,
                        row=row_label(traces, pos),
                        column=time,
                        hint="pass the real `fps`, or resample the trace",
                    )
        return m[order].reshape(len(labels), -1), [str(v) for v in labels]
    arr = np.asarray(traces, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise InputError(
            f"Invalid `traces`: must be 2-D (animals × frames), got shape {arr.shape}."
        )
    if np.isinf(arr).any():
        r, c = np.argwhere(np.isinf(arr))[0]
        raise InputError(f"Invalid `traces`: frame {c} of animal {r} is infinite.")
    if animals is None:
        labels = [f"A{i + 1}" for i in range(arr.shape[0])]
    else:
        labels = [str(a) for a in animals]
        if len(labels) != arr.shape[0]:
            raise InputError(
                f"Invalid `animals`: got {len(labels)} labels for {arr.shape[0]} traces."
            )
    return arr, labels
