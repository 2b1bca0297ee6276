"""The batched Levenberg–Marquardt engine on raw CSR arrays."""

import json

import numpy as np
import pandas as pd
import pytest

from preclin.curves._engine import STATUS_MESSAGES, fit_arrays
from preclin.testing import assert_allclose

LL4_FREE = np.array([True, True, True, True, False])
LL4_FIX = np.array([0.0, 0.0, 0.0, 0.0, 1.0])


@pytest.fixture(scope="module")
def ryegrass(shared_reference):
    df = pd.read_csv(shared_reference / "doseresponse" / "ryegrass.csv")
    with open(shared_reference / "doseresponse" / "drc_ryegrass.json") as fh:
        ref = json.load(fh)
    return df.conc.to_numpy(), df.rootl.to_numpy(), ref


def test_ll4_ryegrass_estimates_and_hessian_se(ryegrass):
    x, y, ref = ryegrass
    out = fit_arrays("ll5", x, y, np.array([0, x.size]), LL4_FREE, LL4_FIX, hessian=True)
    assert out["status"][0] == 0
    q = out["q"][0]
    est = [r["Estimate"] for r in ref["LL4"]["estimates"]]
    se = [r["Std. Error"] for r in ref["LL4"]["estimates"]]
    theta = q[:4].copy()
    theta[3] = np.exp(q[3])
    assert_allclose(theta, est, "iterative")
    # internal log e -> e: se(e) = e se(log e)
    got_se = np.sqrt(np.diag(out["cov_hessian"][0]))
    got_se[3] *= theta[3]
    assert_allclose(got_se, se, "iterative_se")
    assert_allclose(out["rss"][0], ref["LL4"]["modelFit"]["rss"][1], "iterative")


def test_batch_equals_single_fits(ryegrass):
    x, y, _ = ryegrass
    rng = np.random.default_rng(0)
    y2 = y + rng.normal(0, 0.3, y.size)
    xs = np.concatenate([x, x[::-1], x])
    ys = np.concatenate([y, y2[::-1], y2])
    starts = np.array([0, x.size, 2 * x.size, 3 * x.size])
    out = fit_arrays("ll5", xs, ys, starts, LL4_FREE, LL4_FIX)
    single = fit_arrays("ll5", x, y2, np.array([0, x.size]), LL4_FREE, LL4_FIX)
    assert_allclose(out["q"][1], single["q"][0], "iterative", rtol=1e-7)
    assert_allclose(out["q"][2], single["q"][0], "iterative", rtol=1e-7)
    assert (out["status"] == 0).all()


def test_too_few_points_is_a_status_not_an_error():
    x = np.array([1.0, 2.0, 3.0, 1.0, 10.0, 100.0, 1000.0, 1e4])
    y = np.array([1.0, 2.0, 3.0, 100.0, 90.0, 50.0, 10.0, 2.0])
    out = fit_arrays("ll5", x, y, np.array([0, 3, 8]), LL4_FREE, LL4_FIX)
    assert out["status"][0] == 4
    assert "fewer data points" in STATUS_MESSAGES[4]
    assert np.isnan(out["q"][0]).all()
    assert out["status"][1] == 0


def test_grid_restart_rescues_a_bad_start():
    """A steep curve whose half-effect crossing sits between two doses."""
    x = np.repeat(10.0 ** np.arange(-3, 3), 2)
    y = np.where(x < 0.5, 100.0, 0.0) + np.tile([0.3, -0.3], 6)
    out = fit_arrays("ll5", x, y, np.array([0, x.size]), LL4_FREE, LL4_FIX, maxit=200)
    assert np.isfinite(out["rss"][0])
    assert out["rss"][0] <= np.sum((y - np.where(x < 0.5, 100.0, 0.0)) ** 2) + 1e-6
