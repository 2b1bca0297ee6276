"""Video scoring: a synthetic video of a moving square reproduces its known trace."""

import numpy as np
import pytest

from preclin.core import InputError
from preclin.invivo import calculate_fst_from_video, calculate_motion_from_video
from preclin.testing import assert_allclose

cv2 = pytest.importorskip("cv2")

W, H, SQ, STEP, FPS, SECONDS = 160, 120, 20, 4, 10, 20


def _truth():
    """Mobile flag per frame (frame i moved since frame i-1) and the square's x position."""
    n = FPS * SECONDS
    moving = np.zeros(n, dtype=bool)
    for a, b in [(1, 30), (55, 58), (90, 140), (170, 200)]:
        moving[a:b] = True
    x = np.zeros(n, dtype=int)
    pos, direction = 20, 1
    for i in range(1, n):
        if moving[i]:
            if not (0 <= pos + direction * STEP <= W - SQ):
                direction = -direction
            pos += direction * STEP
        x[i] = pos
    x[0] = 20
    return moving, x


def _write(path, fourcc, x):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), FPS, (W, H))
    assert writer.isOpened()
    for xi in x:
        frame = np.zeros((H, W, 3), dtype=np.uint8)
        frame[40 : 40 + SQ, xi : xi + SQ] = (255, 255, 255)
        writer.write(frame)
    writer.release()


def test_lossless_video_reproduces_the_trace_exactly(tmp_path):
    moving, x = _truth()
    path = tmp_path / "rat07.avi"
    _write(path, "FFV1", x)
    m = calculate_motion_from_video(path, downscale=2, diff_threshold=25)
    assert m.attrs["fps"] == FPS
    assert len(m) == FPS * SECONDS
    # a 10 × 10 square (after 2× pooling) moving 2 px changes 2 · 2 · 10 pixels of 80 × 60
    expected = np.where(moving, 2 * (STEP // 2) * (SQ // 2) / ((W // 2) * (H // 2)), 0.0)
    expected[0] = expected[1]
    assert_allclose(m["motion"].to_numpy(), expected, atol=1e-12)


def test_compressed_video_recovers_immobility_to_the_frame(tmp_path):
    moving, x = _truth()
    path = tmp_path / "rat08.mp4"
    _write(path, "mp4v", x)
    out = calculate_fst_from_video(
        path, threshold=0.004, min_bout_s=0.1, window="5-20s", fps=FPS
    ).iloc[0]
    still = ~moving
    still[0] = still[1]
    assert out["animal"] == "rat08"
    assert_allclose(out["immobility_s"], still[5 * FPS :].sum() / FPS)
    assert_allclose(out["latency_s"], np.argmax(still) / FPS)


def test_bad_video(tmp_path):
    junk = tmp_path / "broken.mp4"
    junk.write_bytes(b"\x00\x01not a video" * 100)
    with pytest.raises(InputError, match=r"broken.mp4: cannot (open|decode)"):
        calculate_motion_from_video(junk)
    _, x = _truth()
    path = tmp_path / "rat09.avi"
    _write(path, "FFV1", x)
    with pytest.raises(InputError, match=r"runs at 10 fps, not 30 fps \(frame-rate mismatch\)"):
        calculate_motion_from_video(path, fps=30)
    with pytest.raises(InputError, match=r"after the end of the 20 s test"):
        calculate_fst_from_video(path)  # default window 120-360 s on a 20-s video
    with pytest.raises(InputError, match=r"file not found"):
        calculate_motion_from_video(tmp_path / "missing.mp4")
