"""The flag rules (documented in preclin.curves._flags) on curves built to trip them."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from preclin.curves import fit_curve, fit_curves
from preclin.curves._flags import FLAGS, flag_strings, flat_test

CONC = np.repeat(np.concatenate([[0.0], 30 * 3.0 ** -np.arange(10)]), 2)
NOISE = np.random.default_rng(11).normal(0, 2.0, CONC.size)


def _ll4(x, bottom, top, ic50, hill):
    with np.errstate(divide="ignore"):
        return bottom + (top - bottom) / (1 + np.exp(-hill * (np.log(x) - np.log(ic50))))


def _fit(ic50, hill=-1.0, bottom=0.0, top=100.0, noise=NOISE):
    return fit_curve(CONC, _ll4(CONC, bottom, top, ic50, hill) + noise)


def test_complete_curve_has_no_flags():
    fit = _fit(0.05)
    assert fit.flags == () and fit.message == "" and fit.converged
    assert fit.row["ec50_ci_low"] < 0.05 < fit.row["ec50_ci_high"]


def test_ec50_above_range_is_extrapolated_but_reported():
    fit = _fit(60.0, hill=-1.5, noise=NOISE * 0.05)
    assert {"extrapolated", "no_lower_plateau"} <= set(fit.flags)
    assert np.isfinite(fit.ec50) and fit.ec50 > CONC.max()


def test_incomplete_curve_never_reports_a_huge_ec50():
    """Only the top concentration moves: the least-squares EC50 runs away."""
    top = np.isclose(CONC, 30.0)
    y = np.where(top, 73.0 + NOISE, 100.0 + NOISE)
    fit = fit_curve(CONC, y)
    assert np.isnan(fit.ec50) or fit.ec50 < 1000 * CONC.max()
    assert "extrapolated" in fit.flags or "flat" in fit.flags or not fit.converged
    assert fit.message


def test_flat_curve():
    fit = fit_curve(CONC, 100.0 + NOISE)
    assert "flat" in fit.flags
    assert np.isnan(fit.ec50) and np.isnan(fit.row["ec50_ci_low"])
    assert "F test p > 0.05" in fit.message


def test_flat_test_is_the_extra_sum_of_squares_f_test():
    rss, rss0, n_free, df = np.array([10.0]), np.array([14.0]), 4, np.array([20])
    f, p = flat_test(rss, rss0, n_free, df)
    assert np.isclose(f[0], (4.0 / 3) / (10.0 / 20))
    assert np.isclose(p[0], stats.f.sf(f[0], 3, 20))


def test_ill_conditioned_when_parameters_are_not_identified():
    """A step between two doses: the Hill slope is not determined."""
    y = np.where(CONC > 0.2, 0.0, 100.0) + NOISE * 0.1
    fit = fit_curve(CONC, y)
    assert "ill_conditioned" in fit.flags or not fit.converged


def test_flag_strings_lookup():
    masks = {name: np.array([False, True, False]) for name in FLAGS}
    masks["flat"] = np.array([True, False, False])
    out = flag_strings(masks)
    assert out[0] == "flat" and out[2] == ""
    assert out[1] == ";".join(f for f in FLAGS if f != "flat")


@pytest.mark.parametrize("model", ["ll4", "w1.4", "w2.4", "ll5"])
def test_batch_flags_for_a_mixed_plate(model):
    rows = []
    for cpd, ic50 in [("potent", 0.05), ("weak", 60.0), ("inactive", None)]:
        y = 100.0 + NOISE if ic50 is None else _ll4(CONC, 0, 100, ic50, -1.2) + NOISE
        rows.append(pd.DataFrame({"cpd": cpd, "conc": CONC, "resp": y}))
    fits = fit_curves(pd.concat(rows), x="conc", y="resp", by="cpd", model=model)
    flags = dict(zip(fits["cpd"], fits["flags"]))
    assert "flat" in flags["inactive"]
    assert "extrapolated" in flags["weak"] or "no_lower_plateau" in flags["weak"]
    assert "flat" not in flags["potent"] and "extrapolated" not in flags["potent"]
