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
from preclin.invivo._analysis import ReadoutResult, StudyResult, analyze_study
from preclin.invivo._anxiety import (
    calculate_epm,
    calculate_light_dark,
    calculate_open_field,
    calculate_zone_times,
)
from preclin.invivo._figures import (
    calculate_time_course,
    plot_bland_altman,
    plot_dose_response,
    plot_groups,
    plot_study,
    plot_time_course,
)
from preclin.invivo._fst import (
    calculate_fst_bins,
    calculate_fst_from_events,
    calculate_fst_from_samples,
)
from preclin.invivo._lh import calculate_lh_scores, fit_lh_binomial
from preclin.invivo._metadata import (
    Animal,
    Blinding,
    DoseGroup,
    Readout,
    ScheduleItem,
    Study,
    load_study,
)
from preclin.invivo._motion import calculate_motion_from_pose, read_motion_traces, read_pose_csv
from preclin.invivo._sucrose import calculate_responders, calculate_sucrose_preference
from preclin.invivo._summary import GroupSummary, calculate_cms_onset, summarize_groups
from preclin.invivo._traces import calculate_fst_from_traces
from preclin.invivo._video import calculate_fst_from_video, calculate_motion_from_video

__all__ = sorted(
    [
        "AgreementResult",
        "Animal",
        "GroupSummary",
        "ReadoutResult",
        "StudyResult",
        "analyze_study",
        "calculate_cms_onset",
        "summarize_groups",
        "Blinding",
        "DoseGroup",
        "Readout",
        "ScheduleItem",
        "Study",
        "calculate_agreement",
        "calculate_epm",
        "calculate_fst_bins",
        "calculate_fst_from_events",
        "calculate_fst_from_samples",
        "calculate_fst_from_traces",
        "calculate_fst_from_video",
        "calculate_icc",
        "calculate_kappa",
        "calculate_lh_scores",
        "calculate_light_dark",
        "calculate_motion_from_pose",
        "calculate_motion_from_video",
        "calculate_open_field",
        "calculate_responders",
        "calculate_sucrose_preference",
        "calculate_time_course",
        "plot_bland_altman",
        "plot_dose_response",
        "plot_groups",
        "plot_study",
        "plot_time_course",
        "calculate_zone_times",
        "fit_lh_binomial",
        "load_study",
        "read_motion_traces",
        "read_pose_csv",
    ]
)
