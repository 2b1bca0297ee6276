"""Behavioural studies as data: forced swim, chronic mild stress (sucrose
preference), learned helplessness, anxiety tests and study metadata.

Scoring is done here; every test of significance is delegated to
:mod:`preclin.stats`.
"""

from preclin.invivo._fst import (
    calculate_fst_from_events,
    calculate_fst_from_samples,
    calculate_fst_from_traces,
)

__all__ = [
    "calculate_fst_from_events",
    "calculate_fst_from_samples",
    "calculate_fst_from_traces",
]
