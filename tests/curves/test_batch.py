"""fit_curves as a batch: same answers as single fits, any row order, any chunking."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import curve_fit

from preclin.curves import fit_curve, fit_curve_arrays, fit_curves
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def spinach(shared_reference):
    return pd.read_csv(shared_reference / "doseresponse" / "spinach.csv")


def test_spinach_batch_equals_single_fits(spinach):
    fits = fit_curves(spinach, x="DOSE", y="SLOPE", by=["HERBICIDE", "CURVE"], se="hessian")
    assert len(fits) == spinach.groupby(["HERBICIDE", "CURVE"]).ngroups
    assert fits["converged"].all()
    for row in fits.itertuples():
        part = spinach[(spinach.HERBICIDE == row.HERBICIDE) & (spinach.CURVE == row.CURVE)]
        one = fit_curve(part.DOSE, part.SLOPE, se="hessian")
        assert_allclose([row.hill, row.bottom, row.top, row.ec50], one.theta[:4] * [-1, 1, 1, 1],
                        "iterative", rtol=1e-8)  # fmt: skip
        assert_allclose([row.hill_se, row.ec50_se, row.rss, row.aic],
                        [one.row["hill_se"], one.row["ec50_se"], one.rss, one.aic],
                        "iterative", rtol=1e-8)  # fmt: skip


def test_spinach_matches_scipy_curve_fit(spinach):
    """Independent check: scipy curve_fit on the drc LL.4 equation, σ²(JᵀJ)⁻¹ SEs."""
    fits = fit_curves(spinach, x="DOSE", y="SLOPE", by=["HERBICIDE", "CURVE"])

    def ll4(x, b, c, d, e):
        with np.errstate(divide="ignore"):
            return c + (d - c) / (1 + np.exp(b * (np.log(x) - np.log(e))))

    for row in fits.itertuples():
        part = spinach[(spinach.HERBICIDE == row.HERBICIDE) & (spinach.CURVE == row.CURVE)]
        p0 = [-row.hill * 1.1, row.bottom, row.top, row.ec50 * 1.2]
        est, cov = curve_fit(ll4, part.DOSE, part.SLOPE, p0=p0, xtol=1e-12, ftol=1e-12)
        assert_allclose([-row.hill, row.bottom, row.top, row.ec50], est, "iterative")
        assert_allclose([row.hill_se, row.bottom_se, row.top_se, row.ec50_se],
                        np.sqrt(np.diag(cov)), "iterative_se")  # fmt: skip


def test_row_order_and_chunking_do_not_matter(spinach):
    a = fit_curves(spinach, x="DOSE", y="SLOPE", by=["HERBICIDE", "CURVE"])
    shuffled = spinach.sample(frac=1.0, random_state=3)
    b = fit_curves(shuffled, x="DOSE", y="SLOPE", by=["HERBICIDE", "CURVE"])
    b = b.set_index(["HERBICIDE", "CURVE"]).loc[a.set_index(["HERBICIDE", "CURVE"]).index]
    assert_allclose(b["ec50"], a["ec50"], "iterative", rtol=1e-8)
    order = spinach.sort_values(["HERBICIDE", "CURVE"])
    counts = order.groupby(["HERBICIDE", "CURVE"], sort=False).size().to_numpy()
    starts = np.concatenate([[0], np.cumsum(counts)])
    one = fit_curve_arrays(order.DOSE.to_numpy(), order.SLOPE.to_numpy(), starts)
    many = fit_curve_arrays(order.DOSE.to_numpy(), order.SLOPE.to_numpy(), starts, chunk=3)
    for key in ("ec50", "hill_se", "flags", "message", "loglik"):
        assert list(one[key]) == list(many[key])


def test_weights_match_scipy_sigma(spinach):
    """weights w minimise Σ w r² (nls convention) = curve_fit with sigma = 1/√w."""
    part = spinach[(spinach.HERBICIDE == "diuron") & (spinach.CURVE == 4)].copy()
    part["w"] = 1.0 / (0.05 + part.SLOPE)
    fits = fit_curves(part, x="DOSE", y="SLOPE", weights="w")

    def ll4(x, b, c, d, e):
        with np.errstate(divide="ignore"):
            return c + (d - c) / (1 + np.exp(b * (np.log(x) - np.log(e))))

    row = fits.iloc[0]
    p0 = [-row.hill, row.bottom, row.top, row.ec50]
    est, cov = curve_fit(ll4, part.DOSE, part.SLOPE, p0=p0, sigma=1 / np.sqrt(part.w))
    assert_allclose([-row.hill, row.bottom, row.top, row.ec50], est, "iterative")
    assert_allclose(row.ec50_se, np.sqrt(cov[3, 3]), "iterative_se")


def test_x_unit_column_and_attrs(spinach):
    fits = fit_curves(spinach, x="DOSE", y="SLOPE", by="HERBICIDE", x_unit="umol/L")
    assert (fits["x_unit"] == "umol/L").all() and fits.attrs["x_unit"] == "umol/L"


def test_curvefit_result_api(spinach):
    import json

    part = spinach[(spinach.HERBICIDE == "bentazon") & (spinach.CURVE == 1)]
    fit = fit_curve(part.DOSE, part.SLOPE, x_unit="umol/L")
    assert list(fit.params.columns) == ["name", "estimate", "stderr", "ci_low", "ci_high", "fixed"]
    assert fit.params["name"].tolist() == ["hill", "bottom", "top", "ec50"]
    assert "CurveFit: LL.4" in fit.summary() and "<table" in fit._repr_html_()
    json.dumps(fit.to_dict())
    row = fit.to_frame()
    batch = fit_curves(part, x="DOSE", y="SLOPE", x_unit="umol/L")
    assert list(row.columns) == list(batch.columns)
    assert fit.provenance is not None and fit.provenance.parameters["model"] == "ll4"
    fixed = fit_curve(part.DOSE, part.SLOPE, fix={"hill": -1})
    assert fixed.params.set_index("name").loc["hill", "fixed"]
    assert np.isnan(fixed.row["hill_se"]) and fixed.row["hill"] == -1
    assert fixed.df == fit.df + 1
