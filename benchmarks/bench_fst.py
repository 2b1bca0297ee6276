"""Forced swim scoring speed: batched motion traces and video frame differencing.

    python benchmarks/bench_fst.py            # 1,000 six-minute 30-fps traces + a 6-min video
    python benchmarks/bench_fst.py --quick    # 200 traces + a 1-min video

Compares ``calculate_fst_from_traces`` (NumPy run-length over the whole
animals × frames array) with the obvious per-frame Python loop (threshold,
then a running bout counter) on a subsample, checks both give the same
immobility, and times ``calculate_motion_from_video`` on a synthetic 640×480
30-fps video (targets: >= 200 traces/s, video >= 5× real time).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from preclin.invivo import calculate_fst_from_traces, calculate_motion_from_video

FPS, SECONDS, THRESHOLD, MIN_BOUT_S = 30, 360, 0.01, 1.0


def make_traces(n: int, rng: np.random.Generator) -> np.ndarray:
    """Motion traces with random immobile stretches (Markov switching, vectorised)."""
    frames = FPS * SECONDS
    switch = rng.uniform(size=(n, frames)) < 1 / 90  # ~3-s bouts
    state = np.cumsum(switch, axis=1) % 2 == 1
    return np.where(
        state, rng.uniform(0, 0.009, (n, frames)), rng.uniform(0.011, 0.2, (n, frames))
    )


def naive_immobility(trace: np.ndarray) -> float:
    """Per-frame loop: the way a lab script scores one trace."""
    min_frames = int(np.ceil(MIN_BOUT_S * FPS))
    lo, hi = 120 * FPS, 360 * FPS
    total, run_start = 0, None
    for i in range(len(trace) + 1):
        still = i < len(trace) and trace[i] < THRESHOLD
        if still and run_start is None:
            run_start = i
        elif not still and run_start is not None:
            if i - run_start >= min_frames:
                total += max(0, min(i, hi) - max(run_start, lo))
            run_start = None
    return total / FPS


def bench_traces(n: int, n_naive: int) -> None:
    rng = np.random.default_rng(1)
    traces = make_traces(n, rng)
    t0 = time.perf_counter()
    out = calculate_fst_from_traces(traces, fps=FPS, threshold=THRESHOLD, min_bout_s=MIN_BOUT_S)
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = [naive_immobility(traces[i]) for i in range(n_naive)]
    t_naive = time.perf_counter() - t0
    np.testing.assert_allclose(out["immobility_s"].to_numpy()[:n_naive], naive, rtol=1e-12)
    rate_vec, rate_naive = n / t_vec, n_naive / t_naive
    print(f"traces: {n} x {FPS * SECONDS} frames ({FPS} fps, {SECONDS} s)")
    print(f"  preclin (vectorised)   {rate_vec:10.1f} traces/s  ({t_vec:.2f} s)")
    loop = f"{rate_naive:10.1f} traces/s  ({n_naive} traces, {t_naive:.2f} s)"
    print(f"  per-frame Python loop  {loop}")
    print(f"  ratio                  {rate_vec / rate_naive:10.1f} x   (target >= 200 traces/s: "
          f"{'met' if rate_vec >= 200 else 'NOT met'})")  # fmt: skip


def bench_video(seconds: int) -> None:
    try:
        import cv2
    except ImportError:
        print("video: OpenCV not installed (pip install 'preclin[video]'), skipped")
        return
    w, h = 640, 480
    n = seconds * FPS
    rng = np.random.default_rng(2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fst.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (w, h))
        background = rng.integers(60, 90, (h, w, 3), dtype=np.uint8)
        x, y = 300.0, 200.0
        t0 = time.perf_counter()
        for i in range(n):
            if (i // 90) % 2 == 0:  # alternate 3-s mobile / immobile
                x = float(np.clip(x + rng.normal(0, 6), 40, w - 100))
                y = float(np.clip(y + rng.normal(0, 6), 40, h - 100))
            frame = background.copy()
            cv2.ellipse(frame, (int(x), int(y)), (50, 25), 0, 0, 360, (230, 230, 230), -1)
            writer.write(frame)
        writer.release()
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        motion = calculate_motion_from_video(path)
        t_read = time.perf_counter() - t0
    fps = len(motion) / t_read
    print(f"video: {w}x{h}, {FPS} fps, {seconds} s ({n} frames; writing took {t_write:.1f} s)")
    print(f"  preclin frame differencing  {fps:8.0f} frames/s = {fps / FPS:5.1f} x real time "
          f"(target >= 5x: {'met' if fps / FPS >= 5 else 'NOT met'})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 traces and a 1-min video")
    args = ap.parse_args()
    bench_traces(200 if args.quick else 1000, 10 if args.quick else 25)
    bench_video(60 if args.quick else 360)


if __name__ == "__main__":
    main()
