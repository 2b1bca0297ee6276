"""Closed-form compartmental models vs R deSolve and scipy solve_ivp references."""

import json
import math

import pandas as pd
import pytest

from preclin.core import InputError
from preclin.pk import Regimen, calculate_steady_state, simulate_pk
from preclin.testing import assert_allclose

KE = math.log(2) / 7  # basimglurant rat t1/2 7 h
BID = {"ke": KE, "V": 1.5, "ka": 1.2, "F": 0.5}


def _summary(shared_reference):
    s = pd.read_csv(shared_reference / "pk" / "onecmt_oral_bid_summary.csv")
    return dict(zip(s["quantity"], s["value"]))


def test_summary_file_parameters(shared_reference):
    # the reference file states CL, ke, t1/2 -> V = CL/ke = 1.5 L/kg
    s = _summary(shared_reference)
    assert_allclose(s["ke_per_h"], KE, rtol=1e-9)
    assert_allclose(s["CL_L_per_h_per_kg"] / s["ke_per_h"], 1.5, rtol=1e-9)


def test_onecmt_oral_bid_matches_desolve(shared_reference):
    ref = pd.read_csv(shared_reference / "pk" / "onecmt_oral_bid_conc.csv")
    reg = Regimen(dose="10mg/kg", route="oral", tau="12h", n_doses=28)
    df = simulate_pk("1cpt-oral", BID, reg, ref["time_h"])
    # the file holds 10 significant digits
    assert_allclose(df["conc"], ref["conc_desolve_lsoda_mg_per_L"], rtol=1e-8)
    assert_allclose(df["conc"], ref["conc_closed_form_mg_per_L"], rtol=1e-9)
    assert df.attrs["units"] == {"time": "h", "conc": "mg/L"}


def test_onecmt_oral_bid_steady_state(shared_reference):
    s = _summary(shared_reference)
    reg = Regimen(dose=10, route="oral", tau=12, n_doses=28)
    ss = calculate_steady_state("1cpt-oral", BID, reg)
    pairs = {
        "tmax_1": "tmax_single_dose_h",
        "cmax_1": "cmax_single_dose_mg_per_L",
        "auc_tau_1": "auc_0_tau_dose1_mg_h_per_L",
        "tmax_ss": "tmax_ss_h",
        "cmax_ss": "cmax_ss_mg_per_L",
        "cmin_ss": "cmin_ss_trough_mg_per_L",
        "cavg_ss": "cavg_ss_mg_per_L",
        "auc_tau_ss": "auc_tau_ss_mg_h_per_L",
        "accumulation_index": "accumulation_ratio_1_over_1_minus_exp_minus_ke_tau",
        "accumulation_auc": "accumulation_ratio_auc_tau_ss_over_auc_tau_dose1",
        "accumulation_cmax": "accumulation_ratio_cmax_ss_over_cmax_dose1",
        "fluctuation_pct": "peak_trough_fluctuation_pct_(cmax-cmin)/cavg",
        "time_to_90pct_ss": "time_to_90pct_ss_h_(3.32_half_lives)",
    }
    for ours, theirs in pairs.items():
        assert_allclose(getattr(ss, ours), s[theirs], rtol=1e-8, err_msg=ours)
    assert ss.method == "closed_form"


def test_numeric_steady_state_agrees_with_closed_form():
    # a 2-cpt model with a negligible peripheral compartment goes the numeric path
    reg = Regimen(dose=10, route="oral", tau=12, n_doses=2, tlag=0.5)
    a = calculate_steady_state("1cpt-oral", BID, reg)
    b = calculate_steady_state("2cpt-oral", {**BID, "Q": 1e-13, "V2": 1.0}, reg)
    assert b.method == "numeric"
    for name in ("cmax_ss", "cmin_ss", "cmax_1", "auc_tau_1"):
        assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-9, err_msg=name)
    for name in ("tmax_ss", "tmax_1"):  # flat at the peak: located to ~1e-7
        assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-6, err_msg=name)


def _cases(local):
    return pd.read_csv(local / "pk" / "models_ode_cases.csv").to_dict("records")


CASE_NAMES = [
    "2cpt_iv",
    "2cpt_infusion",
    "2cpt_oral",
    "3cpt_iv",
    "3cpt_infusion",
    "3cpt_oral",
    "1cpt_infusion_overlap",
    "1cpt_oral_ka_eq_ke",
    "1cpt_iv_single",
]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_against_solve_ivp(local_reference, case):
    row = next(r for r in _cases(local_reference) if r["case"] == case)
    ref = pd.read_csv(local_reference / "pk" / f"models_ode_{case}.csv")
    params = json.loads(row["params_json"])
    tau = row["tau_h"]
    reg = Regimen(
        dose=row["dose_mg_per_kg"],
        route=row["route"],
        tau=math.inf if pd.isna(tau) else tau,
        n_doses=int(row["n_doses"]),
        duration=None if pd.isna(row["duration_h"]) else row["duration_h"],
    )
    df = simulate_pk(row["model"], params, reg, ref["time_h"])
    conc = ref["conc_mg_per_L"].to_numpy()
    assert_allclose(df["conc"], conc, rtol=1e-8, atol=1e-12 * conc.max())


def test_units_and_bases():
    reg_kg = Regimen(dose="10mg/kg", route="iv", weight="250g")
    reg_mg = Regimen(dose="2.5mg", route="iv", weight=0.25)
    t = [0.0, 1.0, 5.0]
    a = simulate_pk("1cpt", {"CL": "0.15L/h/kg", "V": "1.5L/kg"}, reg_kg, t)
    b = simulate_pk("1cpt", {"CL": "37.5mL/h", "V": "375mL"}, reg_kg, t)
    c = simulate_pk("1cpt-iv", {"CL": 0.0375, "V": 0.375}, reg_mg, t)
    d = simulate_pk("1cpt", {"k": "0.1/h", "V": "1.5L/kg"}, reg_kg, t, conc_unit="ng/mL")
    for other in (b, c):
        assert_allclose(other["conc"], a["conc"])
    assert_allclose(d["conc"], a["conc"] * 1000)
    assert_allclose(a["conc"][0], 10 / 1.5)


def test_engagement_columns():
    reg = Regimen(dose=10, route="oral", tau=12, n_doses=3)
    df = simulate_pk(
        "1cpt-oral", BID, reg, [1.0, 30.0], fu=0.015, kd=1.1, molar_mass=325.77, kpuu=0.5
    )
    assert list(df.columns) == ["time", "conc", "conc_unbound", "conc_unbound_brain", "occupancy"]
    cu_brain_nm = df["conc"] * 0.015 * 0.5 / 325.77 * 1e6  # mg/L -> nM
    assert_allclose(df["occupancy"], cu_brain_nm / (cu_brain_nm + 1.1))
    assert df.attrs["units"]["occupancy"] == "fraction"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "4cpt"}, r"Invalid `model`: got '4cpt', must be one of 1cpt, "),
        ({"model": "1cpt-iv"}, r"regimen's route is 'oral'"),
        ({"params": {"CL": 1.0, "V": 1.0}}, r"missing parameter\(s\) ka for model '1cpt-oral'"),
        ({"params": {**BID, "Vc": 2}}, r"Invalid parameter name: got 'Vc'"),
        ({"params": {**BID, "V": "1.5 h"}}, r"Invalid `V`: got '1.5 h', must be a volume"),
        ({"params": {**BID, "F": 1.5}}, r"Invalid `F`: got 1.5, must be in \(0, 1\]"),
        ({"params": {**BID, "CL": 0.1}}, r"either CL or ke"),
        ({"params": {**BID, "ka": -1}}, r"Invalid `ka`: got -1, must be > 0"),
        ({"times": [0, -1]}, r"Invalid `times`: element 1 is -1, must be >= 0"),
        ({"fu": 1.5}, r"Invalid `fu`: got 1.5, must be in \(0, 1\]"),
        ({"fu": 0.0}, r"Invalid `fu`: got 0.0, must be in \(0, 1\]"),
        ({"kd": 1.1}, r"without a molar mass"),
        ({"conc_unit": "nM"}, r"cannot convert mg/L to nM without a molar mass"),
        ({"conc_unit": "h"}, r"Invalid `conc_unit`: got 'h'"),
    ],
)
def test_bad_input(kwargs, match):
    call = {
        "model": "1cpt-oral",
        "params": BID,
        "regimen": Regimen(dose=10, route="oral", tau=12, n_doses=2),
        "times": [0.0, 1.0],
    }
    call.update(kwargs)
    extra = {k: call.pop(k) for k in ("fu", "kd", "conc_unit") if k in call}
    with pytest.raises(InputError, match=match):
        simulate_pk(call["model"], call["params"], call["regimen"], call["times"], **extra)


def test_mixed_basis_needs_weight():
    reg = Regimen(dose="10mg/kg", route="iv")
    with pytest.raises(InputError, match="different bases"):
        simulate_pk("1cpt", {"CL": "1L/h", "V": "1.5L/kg"}, reg, [1.0])
