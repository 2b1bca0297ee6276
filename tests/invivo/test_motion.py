"""Pose-tracking CSVs (DeepLabCut 3-row header) and trace tables → motion traces."""

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.invivo import (
    calculate_fst_from_traces,
    calculate_motion_from_pose,
    read_motion_traces,
    read_pose_csv,
)
from preclin.testing import assert_allclose


def _write_dlc(path, x_snout, x_tail, like_tail=None):
    n = len(x_snout)
    like_tail = np.ones(n) if like_tail is None else like_tail
    header = [
        "scorer," + ",".join(["DLC_resnet50_fstJun1shuffle1_100000"] * 6),
        "bodyparts,snout,snout,snout,tailbase,tailbase,tailbase",
        "coords,x,y,likelihood,x,y,likelihood",
    ]
    rows = [f"{i},{x_snout[i]},{50.0},{0.99},{x_tail[i]},{80.0},{like_tail[i]}" for i in range(n)]
    path.write_text("\n".join(header + rows) + "\n")


def test_dlc_csv_speed_and_scoring(tmp_path):
    fps, n = 10, 3600
    x = np.zeros(n)
    move = np.ones(n, dtype=bool)
    move[1500:2500] = False  # still 150-250 s
    x[1:] = np.cumsum(np.where(move[1:], 2.0, 0.0))  # 2 px/frame = 20 px/s
    like = np.ones(n)
    like[100:110] = 0.1  # tail base lost for 1 s: snout alone carries the speed
    path = tmp_path / "rat01DLC.csv"
    _write_dlc(path, x, x, like)
    pose = read_pose_csv(path)
    assert list(pose.columns.get_level_values(0).unique()) == ["snout", "tailbase"]
    motion = calculate_motion_from_pose(pose, fps=fps, px_per_cm=4.0)
    assert_allclose(motion["motion"].to_numpy()[1:1500], 5.0)  # 20 px/s / 4 px/cm
    assert_allclose(motion["motion"].to_numpy()[1501:2500], 0.0, atol=1e-12)
    traces = read_motion_traces(path, fps=fps)
    out = calculate_fst_from_traces(traces, fps=fps, threshold=1.0).iloc[0]
    assert out["animal"] == "rat01DLC"
    assert_allclose(out["immobility_s"], 100.0)
    assert_allclose(out["latency_s"], 150.0)


def test_pose_batch_array_matches_frame_path(tmp_path):
    rng = np.random.default_rng(4)
    cube = rng.uniform(0, 100, size=(3, 50, 2, 3))
    cube[..., 2] = rng.uniform(0.5, 1.0, size=(3, 50, 2))
    batch = calculate_motion_from_pose(cube, fps=30, p_cutoff=0.6)
    cols = pd.MultiIndex.from_product([["a", "b"], ["x", "y", "likelihood"]])
    single = calculate_motion_from_pose(
        pd.DataFrame(cube[1].reshape(50, 6), columns=cols), fps=30, p_cutoff=0.6
    )
    assert_allclose(batch[1], single["motion"].to_numpy())
    # independent: per-part hypot, averaged over reliable parts
    ok = cube[1, :, :, 2] >= 0.6
    sp = np.hypot(*np.moveaxis(np.diff(cube[1, :, :, :2], axis=0), -1, 0)) * 30
    both = ok[1:] & ok[:-1]
    with np.errstate(invalid="ignore"):
        ref = np.where(both, sp, 0).sum(1) / both.sum(1)
    assert_allclose(batch[1, 1:], ref)


def test_pose_bad_files(tmp_path):
    bad = tmp_path / "plain.csv"
    bad.write_text("frame,x,y\n0,1,2\n")
    with pytest.raises(InputError, match="not a DeepLabCut pose file"):
        read_pose_csv(bad)
    multi = tmp_path / "multi.csv"
    multi.write_text("scorer,s,s\nindividuals,m1,m1\nbodyparts,a,a\ncoords,x,y\n0,1,2\n")
    with pytest.raises(InputError, match="multi-animal"):
        read_pose_csv(multi)
    text = tmp_path / "text.csv"
    _write_dlc(text, np.zeros(3), np.zeros(3))
    text.write_text(text.read_text().replace("\n1,0.0", "\n1,abc"))
    with pytest.raises(InputError, match=r"row 5, column 'snout/x': 'abc' is not a number"):
        read_pose_csv(text)
    with pytest.raises(InputError, match="needs the frame rate"):
        read_motion_traces(text)


def test_wide_trace_table(tmp_path):
    path = tmp_path / "activity.csv"
    t = np.arange(3600) / 10
    pd.DataFrame({"time_s": t, "R1": (t < 200).astype(float), "R2": 1.0}).to_csv(path, index=False)
    long = read_motion_traces(path)
    out = calculate_fst_from_traces(long, fps=10, threshold=0.5).set_index("animal")
    assert_allclose(out.loc["R1", "immobility_s"], 160.0)
    assert_allclose(out.loc["R2", "immobility_s"], 0.0, atol=1e-12)
