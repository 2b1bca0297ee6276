"""Individual fitting vs R nls(SSfol) on the Theoph data."""

import math

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.pk import Regimen, fit_pk, simulate_pk
from preclin.testing import assert_allclose


@pytest.mark.parametrize("subject", [1, 2, 5, 12])
def test_matches_r_nls_ssfol(local_reference, subject):
    data = pd.read_csv(local_reference / "pk" / "models_fit_theoph_data.csv")
    ref = pd.read_csv(local_reference / "pk" / "models_fit_theoph_nls.csv").set_index("subject")
    r = ref.loc[subject]
    d = data[data["Subject"] == subject]
    fit = fit_pk(
        d["Time"],
        d["conc"],
        model="1cpt-oral",
        regimen=Regimen(dose=r["dose_mg_per_kg"], route="oral"),
    )
    assert fit.converged and fit.df == r["df"]
    e = fit.estimates
    p = fit.parameters.set_index("parameter")
    # nls parameters are log-scale: compare exp(.) on the natural scale
    assert_allclose(e["CL"], math.exp(r["log_cl"]), "iterative")
    assert_allclose(e["ka"], math.exp(r["log_ka"]), "iterative")
    assert_allclose(e["CL"] / e["V"], math.exp(r["log_ke"]), "iterative")
    assert_allclose(p.loc["CL", "log_stderr"], r["log_cl_se"], "iterative_se")
    assert_allclose(p.loc["ka", "log_stderr"], r["log_ka_se"], "iterative_se")
    assert_allclose(fit.sigma, r["sigma"], "iterative_se")
    assert fit.rss <= r["rss"] * (1 + 1e-9)


def test_recovers_noiseless_two_compartment():
    reg = Regimen(dose=10, route="iv", tau=24, n_doses=2)
    true = {"CL": 0.5, "V": 2.0, "Q": 1.2, "V2": 5.0}
    t = np.array([0.1, 0.25, 0.5, 1, 2, 4, 6, 8, 12, 24, 24.5, 26, 30, 36, 48])
    c = simulate_pk("2cpt-iv", true, reg, t)["conc"].to_numpy()
    fit = fit_pk(
        t,
        c * np.exp(0.0),
        model="2cpt-iv",
        regimen=reg,
        error="log",
        start={"CL": 0.8, "V": 1.5, "Q": 0.6, "V2": 8.0},
    )
    for k, v in true.items():
        assert_allclose(fit.estimates[k], v, "iterative")


def test_bad_input():
    reg = Regimen(dose=1, route="oral")
    with pytest.raises(InputError, match="one per time"):
        fit_pk([1, 2, 3], [1, 2], model="1cpt-oral", regimen=reg)
    with pytest.raises(InputError, match=r"too few observations \(2\) for 3 parameters"):
        fit_pk([1, 2], [1, 2], model="1cpt-oral", regimen=reg)
    with pytest.raises(InputError, match="Invalid `start`: got None"):
        fit_pk([1, 2, 3, 4, 5, 6], [1, 2, 3, 2, 1, 1], model="2cpt-oral", regimen=reg)
    with pytest.raises(InputError, match="Invalid `error`: got 'poisson'"):
        fit_pk([1, 2, 3, 4], [1, 2, 1, 1], model="1cpt-oral", regimen=reg, error="poisson")
