"""Forced swim scoring: hand-computed event logs, time samples, synthetic traces."""

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.invivo import (
    calculate_fst_from_events,
    calculate_fst_from_samples,
    calculate_fst_from_traces,
)
from preclin.testing import assert_allclose


def _log():
    # R1: bouts cross both window edges (100-130 and 350-360 counts 10 s)
    # R2: only swimming and an immobility bout entirely before the window
    return pd.DataFrame(
        {
            "animal": ["R1"] * 5 + ["R2"] * 3,
            "behavior": [
                "swimming", "immobility", "climbing", "immobility", "Immobility",
                "immobility", "swimming", "climbing",
            ],
            "start_s": [0, 100, 130, 200, 340, 10, 20, 300],
            "stop_s": [100, 130, 200, 340, 360, 20, 300, 350],
        }
    )  # fmt: skip


def test_events_hand_computed_with_clipping():
    out = calculate_fst_from_events(_log()).set_index("animal")
    # R1 immobility in [120, 360): 130-120 + 340-200 + 360-340 = 10 + 140 + 20
    assert_allclose(out.loc["R1", "immobility_s"], 170.0)
    assert_allclose(out.loc["R1", "climbing_s"], 70.0)  # 130-200
    assert_allclose(out.loc["R1", "swimming_s"], 0.0, atol=1e-12)
    assert_allclose(out.loc["R1", "latency_s"], 100.0)
    assert out.loc["R1", "n_bouts"] == 3
    assert_allclose(out.loc["R1", "unscored_s"], 0.0, atol=1e-12)
    # R2: swimming 120-300 = 180, climbing 300-350 = 50, 10 s unscored
    assert_allclose(out.loc["R2", "immobility_s"], 0.0, atol=1e-12)
    assert_allclose(out.loc["R2", "swimming_s"], 180.0)
    assert_allclose(out.loc["R2", "climbing_s"], 50.0)
    assert_allclose(out.loc["R2", "unscored_s"], 10.0)
    assert_allclose(out.loc["R2", "latency_s"], 10.0)
    assert out.loc["R2", "n_bouts"] == 0


def test_events_other_window_and_latency_min_bout():
    out = calculate_fst_from_events(_log(), window="0-6min", latency_min_bout_s=25)
    out = out.set_index("animal")
    assert_allclose(out.loc["R1", "immobility_s"], 30 + 140 + 20)
    assert_allclose(out.loc["R1", "latency_s"], 100.0)
    # R2's only immobility bout (10 s) is too short: censored at 360 s
    assert_allclose(out.loc["R2", "latency_s"], 360.0)
    assert bool(out.loc["R2", "latency_censored"])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"stop_s": (1, 90)}, r"row 1, column 'stop_s': stop 90 s is not after start 100 s"),
        ({"start_s": (2, 120)}, r"row 2.*overlaps the previous one of animal 'R1'"),
        ({"stop_s": (4, 361)}, r"row 4.*after the end of the 360 s test"),
        ({"start_s": (6, 5), "stop_s": (6, 9)}, r"row 6.*out of order"),
        ({"start_s": (0, "abc")}, r"row 0, column 'start_s': 'abc' is not a number"),
    ],
)
def test_events_bad_input(change, match):
    log = _log().astype({"start_s": object})
    for col, (row, value) in change.items():
        log.loc[row, col] = value
    with pytest.raises(InputError, match=match):
        calculate_fst_from_events(log)


def test_events_bad_window_and_blocks():
    with pytest.raises(InputError, match="after the end of the 360 s test"):
        calculate_fst_from_events(_log(), window="120-400s")
    with pytest.raises(InputError, match="must look like 120-360s"):
        calculate_fst_from_events(_log(), window="last four minutes")
    split = pd.concat([_log().iloc[:2], _log().iloc[5:], _log().iloc[2:5]], ignore_index=True)
    with pytest.raises(InputError, match="not in one block"):
        calculate_fst_from_events(split)


def test_samples_five_second_counts():
    # 5-s sampling over the whole test: R1 immobile in every interval from 240 s on
    t = np.arange(0, 360, 5.0)
    beh = np.where(t >= 240, "immobility", np.where(t < 180, "swimming", "climbing"))
    s = pd.DataFrame({"animal": "R1", "time_s": t, "behavior": beh})
    out = calculate_fst_from_samples(s).iloc[0]
    assert out["immobility_count"] == 24
    assert out["climbing_count"] == 12
    assert out["swimming_count"] == 12
    assert_allclose(out["immobility_s"], 120.0)
    assert_allclose(out["latency_s"], 240.0)
    per_second = calculate_fst_from_samples(
        pd.DataFrame({"animal": "R1", "time_s": np.arange(360.0), "behavior": "immobility"}),
        interval=1,
    )
    assert_allclose(per_second["immobility_s"].iloc[0], 240.0)
    with pytest.raises(InputError, match="two samples for animal 'R1' at 5 s"):
        calculate_fst_from_samples(pd.concat([s, s.iloc[[1]]], ignore_index=True))
    with pytest.raises(InputError, match="runs past the end"):
        calculate_fst_from_samples(s.assign(time_s=t + 3))


def _synthetic_traces(rng, n=6, fps=30, duration=360):
    """Random immobile intervals (frames) for each animal, noise above/below threshold."""
    frames = int(duration * fps)
    truth = np.zeros((n, frames), dtype=bool)
    for i in range(n):
        pos = 0
        while pos < frames:
            mobile = int(rng.integers(30, 600))
            still = int(rng.integers(30, 900))  # >= 1 s: survives min_bout_s=1
            truth[i, pos + mobile : pos + mobile + still] = True
            pos += mobile + still
    motion = np.where(
        truth, rng.uniform(0, 0.009, truth.shape), rng.uniform(0.011, 0.2, truth.shape)
    )
    return truth, motion


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_traces_recover_known_intervals_to_the_frame(seed):
    rng = np.random.default_rng(seed)
    fps = 30
    truth, motion = _synthetic_traces(rng, fps=fps)
    out = calculate_fst_from_traces(motion, fps=fps, threshold=0.01, min_bout_s=1.0)
    expected = truth[:, 120 * fps :].sum(axis=1) / fps
    assert_allclose(out["immobility_s"], expected)
    assert_allclose(out["mobility_s"], 240 - expected)
    first = np.argmax(truth, axis=1) / fps
    assert_allclose(out["latency_s"], first)


def test_traces_min_bout_and_long_frame_input():
    fps = 10
    x = np.ones(3600)
    x[1300:1305] = 0.0  # 0.5 s: too short, mobile
    x[2000:2100] = 0.0  # 10 s
    x[3550:] = 0.0  # 5 s up to the end, clipped at 360 s
    long = pd.DataFrame({"animal": "R9", "time_s": np.arange(3600) / fps, "motion": x})
    out = calculate_fst_from_traces(long, fps=fps, threshold=0.5, min_bout_s=1.0).iloc[0]
    assert out["animal"] == "R9"
    assert_allclose(out["immobility_s"], 15.0)
    assert out["n_bouts"] == 2
    assert_allclose(out["latency_s"], 200.0)
    x2 = x.copy()
    x2[2500:2510] = np.nan
    out2 = calculate_fst_from_traces(x2, fps=fps, threshold=0.5)
    assert_allclose(out2["unscored_s"].iloc[0], 1.0)
    assert "10 frames without motion data" in out2["message"].iloc[0]


def test_traces_frame_rate_mismatch():
    with pytest.raises(InputError, match=r"9000 frames, but 360 s at 30 fps is 10800"):
        calculate_fst_from_traces(np.zeros((2, 9000)), fps=30, threshold=0.1)
    long = pd.DataFrame({"animal": "R1", "time_s": np.arange(3600) / 25.0, "motion": 1.0})
    with pytest.raises(InputError, match=r"row 1, column 'time_s'.*does not match 10 fps"):
        calculate_fst_from_traces(long, fps=10, threshold=0.5)
