"""Virtual populations: zero variability = typical profile; log-normal percentiles."""

import math

import numpy as np
import pytest
from scipy import stats

from preclin.core import InputError
from preclin.pk import Regimen, simulate_pk, simulate_population
from preclin.testing import assert_allclose

P = {"CL": 0.1485, "V": 1.5, "ka": 1.2, "F": 0.5}
REG = Regimen(dose=10, route="oral", tau=12, n_doses=10)
T = np.arange(0.0, 150.0, 2.5)


def test_zero_variability_equals_typical():
    typical = simulate_pk("1cpt-oral", P, REG, T)["conc"].to_numpy()
    pop = simulate_population("1cpt-oral", P, {"CL": 0.0, "V": 0.0}, REG, T, n_subjects=3)
    assert list(pop.columns) == ["subject", "time", "ipred", "conc"]
    for _, g in pop.groupby("subject"):
        assert_allclose(g["conc"], typical, atol=1e-300)
    summ = simulate_population(
        "1cpt-oral", P, {"CL": 0.0}, REG, T, n_subjects=5, summary=(5, 50, 95)
    )
    for col in ("conc_p5", "conc_p50", "conc_p95"):
        assert_allclose(summ[col], typical, atol=1e-300)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lognormal_percentiles_match_theory(seed):
    # 1-cpt IV bolus with ke fixed and V log-normal: C(t) = D/V exp(-ke t) is
    # log-normal with median D/V_typ exp(-ke t) and log-SD omega, so
    # q_p = median * exp(z_p * omega). The sample quantile of the log has
    # SE = omega * sqrt(p (1-p) / n) / phi(z_p); tolerance 4 SE.
    n, cv = 20000, 0.3
    omega = math.sqrt(math.log1p(cv * cv))
    reg = Regimen(dose=10, route="iv")
    t = np.array([0.0, 5.0, 20.0])
    summ = simulate_population(
        "1cpt",
        {"ke": 0.1, "V": 1.5},
        {"V": cv},
        reg,
        t,
        n_subjects=n,
        seed=seed,
        summary=(5, 50, 95),
    )
    median = 10 / 1.5 * np.exp(-0.1 * t)
    for p in (5, 50, 95):
        z = stats.norm.ppf(p / 100)
        se = omega * math.sqrt(p / 100 * (1 - p / 100) / n) / stats.norm.pdf(z)
        log_err = np.log(summ[f"conc_p{p}"].to_numpy()) - np.log(median * np.exp(z * omega))
        assert np.all(np.abs(log_err) < 4 * se), (p, log_err, se)


def test_parameter_draws_and_correlation():
    pop = simulate_population(
        "1cpt-oral",
        P,
        {"CL": 0.3, "V": 0.2},
        REG,
        [1.0],
        n_subjects=40000,
        seed=7,
        correlation={("CL", "V"): 0.6},
    )
    par = pop.attrs["parameters"]
    eta_cl, eta_v = np.log(par["CL"] / P["CL"]), np.log(par["V"] / P["V"])
    w_cl, w_v = math.sqrt(math.log1p(0.09)), math.sqrt(math.log1p(0.04))
    n = len(par)
    assert abs(eta_cl.std() - w_cl) < 4 * w_cl / math.sqrt(2 * n)
    assert abs(np.median(eta_cl)) < 4 * 1.2533 * w_cl / math.sqrt(n)
    r = np.corrcoef(eta_cl, eta_v)[0, 1]
    assert abs(r - 0.6) < 4 * (1 - 0.36) / math.sqrt(n)
    assert abs(eta_v.std() - w_v) < 4 * w_v / math.sqrt(2 * n)


def test_summary_equals_tidy_percentiles_across_blocks():
    kw = {"n_subjects": 500, "seed": 11, "residual": {"proportional": 0.1, "additive": 0.01}}
    tidy = simulate_population(
        "2cpt-oral", {**P, "Q": 0.3, "V2": 2.0}, {"CL": 0.3, "ka": 0.4}, REG, T, **kw
    )
    summ = simulate_population(
        "2cpt-oral",
        {**P, "Q": 0.3, "V2": 2.0},
        {"CL": 0.3, "ka": 0.4},
        REG,
        T,
        summary=(5, 50, 95),
        max_block_bytes=500 * 8 * 7,
        **kw,
    )
    wide = tidy.pivot(index="time", columns="subject", values="conc").to_numpy()
    for p in (5, 50, 95):
        assert_allclose(summ[f"conc_p{p}"], np.percentile(wide, p, axis=1))
    wide_ip = tidy.pivot(index="time", columns="subject", values="ipred").to_numpy()
    assert_allclose(summ["ipred_p50"], np.median(wide_ip, axis=1))


def test_occupancy_percentiles_and_lag_variability():
    summ = simulate_population(
        "1cpt-oral",
        {**P, "tlag": 0.5},
        {"CL": 0.3, "tlag": 0.2},
        REG,
        T,
        n_subjects=300,
        seed=3,
        summary=(50,),
        fu=0.015,
        kd=1.1,
        molar_mass=325.77,
    )
    cu_nm = summ["ipred_p50"] * 0.015 / 325.77 * 1e6
    assert_allclose(summ["occupancy_p50"], cu_nm / (cu_nm + 1.1))


def test_deterministic_seed():
    a = simulate_population("1cpt-oral", P, {"CL": 0.3}, REG, T, n_subjects=50, seed=5)
    b = simulate_population("1cpt-oral", P, {"CL": 0.3}, REG, T, n_subjects=50, seed=5)
    assert a.equals(b)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"omega": {"Vmax": 0.3}}, r"Invalid `omega` name: got 'Vmax'"),
        ({"omega": {"CL": -0.3}}, r"Invalid `omega\['CL'\]`: got -0.3"),
        ({"n_subjects": 0}, r"Invalid `n_subjects`: got 0"),
        ({"residual": {"exponential": 0.1}}, r"Invalid `residual`: got 'exponential'"),
        ({"correlation": {("CL", "ka"): 0.5}}, r"Invalid `correlation` pair"),
        ({"omega_kind": "sd"}, r"Invalid `omega_kind`: got 'sd'"),
        ({"summary": (5, 150)}, r"Invalid `summary`: got 150.0"),
    ],
)
def test_bad_input(kwargs, match):
    call = {"omega": {"CL": 0.3, "V": 0.3}, "n_subjects": 10}
    call.update(kwargs)
    with pytest.raises(InputError, match=match):
        simulate_population("1cpt-oral", P, regimen=REG, times=T, **call)
