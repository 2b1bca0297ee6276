"""Behavioural studies as data: forced swim, chronic mild stress (sucrose
preference), learned helplessness, anxiety tests and study metadata.

Scoring is done here; every test of significance is delegated to
:mod:`preclin.stats`.
"""

from preclin.invivo._agreement import (
    AgreementResult,
    calculate_agreement,
    calculate_icc,
    calculate_kappa,
)
from preclin.invivo._fst import (
    calculate_fst_from_events,
    calculate_fst_from_samples,
    calculate_fst_from_traces,
)
from preclin.invivo._motion import calculate_motion_from_pose, read_motion_traces, read_pose_csv
from preclin.invivo._video import calculate_fst_from_video, calculate_motion_from_video

__all__ = [
    "AgreementResult",
    "calculate_agreement",
    "calculate_fst_from_events",
    "calculate_fst_from_samples",
    "calculate_fst_from_traces",
    "calculate_fst_from_video",
    "calculate_icc",
    "calculate_kappa",
    "calculate_motion_from_pose",
    "calculate_motion_from_video",
    "read_motion_traces",
    "read_pose_csv",
]
