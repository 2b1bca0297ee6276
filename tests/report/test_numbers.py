"""Rounding happens only at rendering, by one documented rule."""

from __future__ import annotations

import math

import pytest

from preclin.report._numbers import format_ci, format_mean_sem, format_pvalue, format_sig


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (38.75, "38.8"),
        (0.038123, "0.0381"),
        (172.99, "173"),
        (12345.0, "12300"),
        (999.6, "1000"),
        (-0.0004, "-4.00e-04"),
        (-0.0012, "-0.00120"),
        (0.0, "0"),
        (1.2e-5, "1.20e-05"),
        (math.nan, "–"),
        (None, "–"),
    ],
)
def test_three_significant_figures(x, text):
    assert format_sig(x) == text


@pytest.mark.parametrize(
    ("mean", "sem", "text"),
    [
        (38.75, 4.6435, "38.8 ± 4.6"),
        (172.9875, 8.346972, "173 ± 8"),
        (0.012345, 0.004567, "0.0123 ± 0.0046"),
        (80.125788, 1.472309, "80.1 ± 1.5"),
        (100.0, 0.02, "100 ± 0.02"),  # would round to 0: keeps one significant figure
        (5.0, math.nan, "5.00"),
    ],
)
def test_mean_sem_same_decimals(mean, sem, text):
    assert format_mean_sem(mean, sem) == text


def test_ci_and_pvalues():
    assert format_ci(0.038859, 0.031286, 0.048265) == "0.0389 [0.0313, 0.0483]"
    assert format_pvalue(0.000012) == "< 0.001"
    assert format_pvalue(0.12206) == "0.12"
    assert format_pvalue(0.0039249) == "0.0039"
    assert format_ci(-29.71, -math.inf, 7.712) == "-29.7 [−∞, 7.7]"  # one-sided


def test_rooms_do_not_round(seed_guides):
    """The rendered table shows the rounded text of the room's full-precision result."""
    import re

    from preclin.datasets import example_path
    from preclin.invivo import analyze_study

    s = analyze_study(example_path("fst_study")).readouts[0].summaries["immobility_s"]
    row = s.describe.iloc[0]
    assert row["mean"] != round(row["mean"], 3)  # the room hands over full precision
    html = seed_guides["basimglurant"].read_text(encoding="utf-8")
    expected = format_mean_sem(row["mean"], row["sem"])
    assert re.search(rf">{re.escape(expected)}</a></td>", html)
