"""Motion traces from video by frame differencing (OpenCV, optional extra ``video``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar
from preclin.invivo._fst import DEFAULT_WINDOW
from preclin.invivo._motion import existing_file
from preclin.invivo._traces import calculate_fst_from_traces

__all__ = ["calculate_fst_from_video", "calculate_motion_from_video"]


def _cv2() -> Any:
    try:
        import cv2
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            "reading video needs OpenCV, which is not installed",
            hint="pip install 'preclin[video]' (opencv-python-headless)",
        ) from None
    return cv2


def calculate_motion_from_video(
    path: str | Path,
    *,
    diff_threshold: int = 25,
    downscale: int = 2,
    roi: Sequence[int] | None = None,
    fps: float | None = None,
) -> pd.DataFrame:
    """Per-frame motion (fraction of pixels that changed) from a video file.

    Parameters
    ----------
    path : str or Path
        Any video OpenCV's FFmpeg backend decodes (mp4, avi, mov, ...).
    diff_threshold : int
        A pixel "changed" when its grey level (0–255) differs from the
        previous frame by more than this (default 25; compression noise is
        usually below 10).
    downscale : int
        Average-pool the grey frames by this factor before differencing
        (default 2; 1 = full resolution). Speeds decoding-bound work up and
        suppresses noise.
    roi : (x, y, width, height), optional
        Region of interest in full-resolution pixels (e.g. the cylinder).
    fps : float, optional
        Expected frame rate; an InputError if the file says otherwise
        (frame-rate mismatch).

    Returns
    -------
    DataFrame
        One row per frame: ``frame``, ``time_s`` (frame / fps), ``motion``
        (fraction of ROI pixels changed since the previous frame; frame 0
        takes frame 1's value). ``attrs`` holds ``source``, ``fps``,
        ``width``, ``height``.

    Notes
    -----
    ``motion[i] = mean(|g[i] - g[i-1]| > diff_threshold)`` over the ROI,
    with ``g`` the grey frame (``cv2.cvtColor``, then ``cv2.resize`` with
    ``INTER_AREA``). Checked on a synthetic video of a moving square with a
    known trace (``tests/invivo/test_video.py``).
    """
    cv2 = _cv2()
    p = existing_file(path)
    check_scalar("diff_threshold", diff_threshold, low=0, high=255, integer=True)
    check_scalar("downscale", downscale, low=1, integer=True)
    cap = cv2.VideoCapture(str(p))
    try:
        if not cap.isOpened():
            raise InputError(
                "cannot open the video (unknown or corrupt format)",
                file=str(p),
                hint="re-encode it as H.264 mp4 or MJPG avi",
            )
        file_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        ok, frame = cap.read()
        if not ok or frame is None:
            raise InputError(
                "cannot decode any frame of the video", file=str(p), hint="re-encode it"
            )
        if fps is not None:
            check_scalar("fps", fps, low=0, closed="neither")
            if file_fps > 0 and abs(file_fps - fps) > 0.01 * fps:
                raise InputError(
                    f"the video runs at {file_fps:g} fps, not {fps:g} fps (frame-rate mismatch)",
                    file=str(p),
                    hint="drop --fps or give the video's frame rate",
                )
        rate = file_fps if file_fps > 0 else fps
        if not rate:
            raise InputError("the video has no frame rate", file=str(p), hint="pass --fps")
        height, width = frame.shape[:2]
        if roi is not None:
            x, y, w, h = (int(v) for v in roi)
            if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > width or y + h > height:
                raise InputError(
                    f"Invalid `roi`: got {tuple(roi)}, must lie inside the {width}×{height} frame."
                )
        else:
            x, y, w, h = 0, 0, width, height
        size = (max(w // downscale, 1), max(h // downscale, 1))

        def grey(img: np.ndarray) -> np.ndarray:
            g = img[y : y + h, x : x + w]
            if g.ndim == 3:
                g = cv2.cvtColor(g, cv2.COLOR_BGR2GRAY)
            if downscale > 1:
                g = cv2.resize(g, size, interpolation=cv2.INTER_AREA)
            return g

        n_pix = float(size[0] * size[1])
        prev = grey(frame)
        values = [np.nan]
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            cur = grey(frame)
            diff = cv2.absdiff(cur, prev)
            values.append(
                cv2.countNonZero(cv2.threshold(diff, diff_threshold, 255, cv2.THRESH_BINARY)[1])
                / n_pix
            )
            prev = cur
    finally:
        cap.release()
    motion = np.asarray(values)
    if motion.size > 1:
        motion[0] = motion[1]
    out = pd.DataFrame(
        {
            "frame": np.arange(motion.size),
            "time_s": np.arange(motion.size) / rate,
            "motion": motion,
        }
    )
    out.attrs.update({"source": str(p), "fps": rate, "width": width, "height": height})
    return out


def calculate_fst_from_video(
    path: str | Path,
    *,
    threshold: float = 0.01,
    min_bout_s: float = 1.0,
    window: str | Sequence[float] = DEFAULT_WINDOW,
    test_duration: float | None = None,
    diff_threshold: int = 25,
    downscale: int = 2,
    roi: Sequence[int] | None = None,
    fps: float | None = None,
) -> pd.DataFrame:
    """Score one forced-swim video: frame differencing, then threshold + minimum bout.

    Parameters
    ----------
    path : str or Path
        The video of one animal.
    threshold : float
        Immobile when the fraction of changed pixels is below this
        (default 0.01 = 1 % of the ROI; calibrate against a blinded rater
        with :func:`calculate_agreement`).
    min_bout_s, window
        As in :func:`calculate_fst_from_traces`.
    test_duration : float, optional
        Default: the video's length (frames / fps).
    diff_threshold, downscale, roi, fps
        As in :func:`calculate_motion_from_video`.

    Returns
    -------
    DataFrame
        One row, the columns of :func:`calculate_fst_from_traces`, with
        ``animal`` = the file stem.
    """
    motion = calculate_motion_from_video(
        path, diff_threshold=diff_threshold, downscale=downscale, roi=roi, fps=fps
    )
    rate = float(motion.attrs["fps"])
    duration = len(motion) / rate if test_duration is None else test_duration
    return calculate_fst_from_traces(
        motion["motion"].to_numpy()[None, :],
        fps=rate,
        threshold=threshold,
        min_bout_s=min_bout_s,
        window=window,
        test_duration=duration,
        animals=[Path(path).stem],
    )
