"""Motion traces from pose tracking (DeepLabCut-style CSV) and from wide/long trace tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar, read_table

__all__ = ["calculate_motion_from_pose", "existing_file", "read_motion_traces", "read_pose_csv"]


def existing_file(path: str | Path) -> Path:
    """The path, if it is a non-empty file; else an InputError naming it."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"file not found: {p}", hint="check the path")
    if p.stat().st_size == 0:
        raise InputError("the file is empty", file=str(p), hint="export it again")
    return p


def read_pose_csv(path: str | Path) -> pd.DataFrame:
    """Read a single-animal DeepLabCut CSV (3-row header: scorer, bodyparts, coords).

    Parameters
    ----------
    path : str or Path
        CSV written by DeepLabCut ``analyze_videos(..., save_as_csv=True)``:
        row 1 ``scorer``, row 2 ``bodyparts``, row 3 ``coords`` (``x``, ``y``,
        ``likelihood`` per body part), then one row per frame with the frame
        number in the first column.

    Returns
    -------
    DataFrame
        One row per frame; columns a MultiIndex ``(bodypart, coord)`` with
        coord in ``x``, ``y``, ``likelihood`` (floats). ``attrs["source"]`` is
        the file name.

    Raises
    ------
    InputError
        Not a 3-row-header pose file, multi-animal (4-row) header, a body part
        without x / y / likelihood, or a cell that is not a number.
    """
    p = existing_file(path)
    try:
        head = pd.read_csv(p, header=None, nrows=4, dtype=str)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot parse the pose file ({exc})", file=str(p)) from None
    first = head.iloc[:, 0].astype(str).str.strip().str.lower().tolist()
    if first[:2] == ["scorer", "individuals"]:
        raise InputError(
            "multi-animal pose file (4-row header with 'individuals')",
            file=str(p),
            hint="export one CSV per animal",
        )
    if first[:3] != ["scorer", "bodyparts", "coords"]:
        raise InputError(
            f"not a DeepLabCut pose file: the first column starts {first[:3]}, expected "
            "scorer, bodyparts, coords",
            file=str(p),
            hint="export with DeepLabCut's save_as_csv=True",
        )
    raw = pd.read_csv(p, header=[0, 1, 2], index_col=0)
    raw.columns = pd.MultiIndex.from_tuples(
        [(str(b).strip(), str(c).strip().lower()) for _, b, c in raw.columns],
        names=["bodypart", "coord"],
    )
    parts = list(dict.fromkeys(raw.columns.get_level_values(0)))
    for part in parts:
        have = set(raw[part].columns)
        if not {"x", "y", "likelihood"} <= have:
            raise InputError(
                f"body part {part!r} has columns {sorted(have)}, needs x, y, likelihood",
                file=str(p),
            )
    values = raw.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise InputError(
            f"{raw.iat[r, c]!r} is not a number",
            file=str(p),
            row=int(r) + 4,
            column="/".join(raw.columns[c]),
        )
    values = values.reset_index(drop=True)
    values.attrs["source"] = str(p)
    return values


def _pose_array(pose: pd.DataFrame, bodyparts: Sequence[str] | None) -> np.ndarray:
    parts = list(dict.fromkeys(pose.columns.get_level_values(0)))
    if bodyparts is not None:
        for b in bodyparts:
            if b not in parts:
                raise InputError(
                    f"Invalid `bodyparts`: got {b!r}, must be among {', '.join(parts)}."
                )
        parts = list(bodyparts)
    cube = np.stack(
        [pose[p][["x", "y", "likelihood"]].to_numpy(dtype=float) for p in parts], axis=1
    )
    return cube[None]  # 1 × frames × parts × 3


def calculate_motion_from_pose(
    pose: pd.DataFrame | np.ndarray,
    *,
    fps: float,
    bodyparts: Sequence[str] | None = None,
    p_cutoff: float = 0.6,
    px_per_cm: float | None = None,
) -> pd.DataFrame | np.ndarray:
    """Per-frame speed from pose tracking: a motion trace for FST scoring.

    Parameters
    ----------
    pose : DataFrame or ndarray
        A frame from :func:`read_pose_csv` (one animal), or an array of shape
        (animals, frames, body parts, 3) holding x, y, likelihood (batch).
    fps : float
        Frame rate of the video that was tracked.
    bodyparts : sequence of str, optional
        Body parts to use (DataFrame input; default all).
    p_cutoff : float
        Points with likelihood below this are ignored (DeepLabCut's
        ``pcutoff``, default 0.6).
    px_per_cm : float, optional
        Scale; speeds in cm/s when given, else px/s.

    Returns
    -------
    DataFrame or ndarray
        For a DataFrame: one row per frame with ``frame``, ``time_s``,
        ``motion`` (mean speed over the reliable body parts). For an array:
        animals × frames speeds. Frames where no body part is reliable in
        this and the previous frame are NaN (unscored).

    Notes
    -----
    Speed of part :math:`j` at frame :math:`i` is
    :math:`f\\sqrt{(x_{i}-x_{i-1})^2 + (y_{i}-y_{i-1})^2}`; frame 0 takes
    frame 1's value.

    Examples
    --------
    >>> cube = np.zeros((1, 4, 1, 3)); cube[..., 2] = 1.0
    >>> cube[0, :, 0, 0] = [0, 3, 6, 6]            # x moves 3 px per frame, then stops
    >>> calculate_motion_from_pose(cube, fps=10).tolist()
    [[30.0, 30.0, 30.0, 0.0]]
    """
    check_scalar("fps", fps, low=0, closed="neither")
    check_scalar("p_cutoff", p_cutoff, low=0, high=1)
    if px_per_cm is not None:
        check_scalar("px_per_cm", px_per_cm, low=0, closed="neither")
    as_frame = isinstance(pose, pd.DataFrame)
    cube = _pose_array(pose, bodyparts) if as_frame else np.asarray(pose, dtype=float)
    if cube.ndim != 4 or cube.shape[-1] != 3 or cube.shape[1] < 2:
        raise InputError(
            "Invalid `pose`: must have shape (animals, frames >= 2, body parts, 3), "
            f"got {cube.shape}."
        )
    xy = cube[..., :2].copy()
    ok = cube[..., 2] >= p_cutoff
    xy[~ok] = np.nan
    step = np.sqrt(np.sum(np.diff(xy, axis=1) ** 2, axis=-1)) * fps  # a × (f-1) × parts
    good = np.isfinite(step)
    count = good.sum(axis=-1)
    total = np.where(good, step, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    speed = np.concatenate([speed[:, :1], speed], axis=1)
    if px_per_cm is not None:
        speed = speed / px_per_cm
    if not as_frame:
        return speed
    n = speed.shape[1]
    out = pd.DataFrame({"frame": np.arange(n), "time_s": np.arange(n) / fps, "motion": speed[0]})
    out.attrs["source"] = pose.attrs.get("source")
    return out


def read_motion_traces(path: str | Path, *, fps: float | None = None) -> pd.DataFrame:
    """Read a table of motion traces into long format (animal, frame, [time_s], motion).

    Two layouts are recognised: long (columns ``animal`` and ``motion``, plus
    ``frame`` or ``time_s``) and wide (one column per animal, optionally a
    ``frame`` or ``time_s`` column; e.g. an EthoVision "activity" export).
    A DeepLabCut pose CSV is read with :func:`read_pose_csv` and turned into
    speed with :func:`calculate_motion_from_pose` (needs ``fps``).

    Returns
    -------
    DataFrame
        Long format with ``animal``, ``frame``, ``motion`` (and ``time_s`` if
        the file has it), ``attrs["source"]`` set.
    """
    p = existing_file(path)
    first_cell = p.read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")[0]
    if first_cell.strip().lower() == "scorer":
        if fps is None:
            raise InputError("a pose file needs the frame rate", file=str(p), hint="pass --fps")
        motion = cast(pd.DataFrame, calculate_motion_from_pose(read_pose_csv(p), fps=fps))
        motion.insert(0, "animal", p.stem)
        motion.attrs["source"] = str(p)
        return motion
    df = read_table(p)
    if "motion" in df.columns:
        if "animal" not in df.columns:
            df.insert(0, "animal", p.stem)
        if "frame" not in df.columns:
            df["frame"] = df.groupby("animal").cumcount()
        return df
    index_cols = [c for c in ("frame", "time_s") if c in df.columns]
    animals = [c for c in df.columns if c not in index_cols]
    long = df.melt(id_vars=index_cols, value_vars=animals, var_name="animal", value_name="motion")
    if "frame" not in long.columns:
        long["frame"] = long.groupby("animal").cumcount()
    long.attrs = dict(df.attrs)
    first = long.attrs.pop("first_row", None)
    if first is not None:  # index = the spreadsheet row of each value, for error messages
        long.index = np.tile(np.arange(len(df)) + int(first), len(animals))
    return long
