"""Vectorised ANOVA + Dunnett vs scipy.stats.f_oneway and scipy.stats.dunnett,
study by study."""

import numpy as np
import pytest
from scipy import stats

from preclin.core import InputError
from preclin.stats import calculate_anova_dunnett
from preclin.testing import assert_allclose


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_batch_matches_scipy_study_by_study(seed, alternative):
    rng = np.random.default_rng(seed)
    y = rng.normal(10.0, 2.0, size=(12, 5, 10))
    y[:, 2:] += rng.normal(0, 1.5, size=(12, 3, 1))
    res = calculate_anova_dunnett(y, control=1, alternative=alternative)
    for i in range(len(y)):
        f = stats.f_oneway(*y[i])
        assert_allclose(res.statistic[i], f.statistic, "closed_form")
        assert_allclose(res.pvalue[i], f.pvalue, "closed_form", atol=1e-300)
        d = stats.dunnett(*y[i, [0, 2, 3, 4]], control=y[i, 1], alternative=alternative, rng=1)
        assert_allclose(res.t[i], d.statistic, "closed_form")
        assert_allclose(res.pvalue_dunnett[i], d.pvalue, rtol=0, atol=1e-4)


def test_batch_frame_and_degenerate_study():
    y = np.random.default_rng(5).normal(size=(3, 3, 4))
    y[1] = 7.0  # no variation at all in study 1
    res = calculate_anova_dunnett(y)
    assert res.valid.tolist() == [True, False, True]
    assert np.isnan(res.pvalue_dunnett[1]).all() and np.isnan(res.statistic[1])
    frame = res.to_frame()
    assert list(frame.columns) == [
        "study",
        "group",
        "estimate",
        "stderr",
        "statistic",
        "pvalue",
        "anova_statistic",
        "anova_pvalue",
        "valid",
    ]
    assert frame["group"].tolist()[:2] == [1, 2] and len(frame) == 6


@pytest.mark.parametrize(
    ("values", "match"),
    [
        (np.zeros((4, 3)), r"must have shape \(studies, groups, n\)"),
        (np.zeros((4, 3, 1)), "needs >= 2 groups of n >= 2"),
        (np.full((2, 3, 4), np.nan), "contains NaN or infinite"),
    ],
)
def test_batch_bad_input(values, match):
    with pytest.raises(InputError, match=match):
        calculate_anova_dunnett(values)


def test_batch_bad_control():
    with pytest.raises(InputError, match=r"Invalid `control`: got 3, must be in \[0, 2\]"):
        calculate_anova_dunnett(np.ones((2, 3, 4)), control=3)
