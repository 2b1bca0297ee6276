"""Free drug and occupancy, checked by hand for basimglurant in rat."""

import math

import pytest

from preclin.core import InputError
from preclin.pk import (
    Regimen,
    calculate_dose_for_occupancy,
    calculate_fu,
    calculate_occupancy,
    calculate_steady_state,
)
from preclin.testing import assert_allclose

MW = 325.77  # g/mol, basimglurant free base (C18H13ClFN3)
P = {"ke": math.log(2) / 7, "V": 1.5, "ka": 1.2, "F": 0.5}


def test_basimglurant_by_hand():
    """By hand: 98.5 % bound -> fu = 0.015.

    Total 1 mg/L = 1e-3 g/L / 325.77 g/mol = 3.0696504e-6 M = 3069.6504 nM.
    Unbound = 0.015 * 3069.6504 = 46.0447555 nM. Occupancy = 46.0448 / (46.0448 + 1.1)
    = 0.9766676. Trough at 10 mg/kg b.i.d. (reference Cmin,ss 1.592539187 mg/L):
    unbound 73.32808 nM -> occupancy 73.32808 / 74.42808 = 0.98522063.
    """
    fu = calculate_fu(98.5)
    assert_allclose(fu, 0.015)
    cu_nm = fu * 1e-3 / MW * 1e9
    assert_allclose(cu_nm, 46.0447555023, rtol=1e-9)
    assert_allclose(
        calculate_occupancy(1.0, conc_unit="mg/L", kd=1.1, fu=fu, molar_mass=MW),
        cu_nm / (cu_nm + 1.1),
    )
    assert_allclose(
        calculate_occupancy(1000.0, conc_unit="ng/mL", kd="1100pM", fu=fu, molar_mass=MW),
        0.9766676062,
        rtol=1e-9,
    )
    reg = Regimen(dose="10mg/kg", route="oral", tau="12h", n_doses=28)
    ss = calculate_steady_state("1cpt-oral", P, reg, fu=fu, kd=1.1, molar_mass=MW)
    assert_allclose(ss.occupancy_min, 0.9852206313, rtol=1e-9)
    assert ss.occupancy_min < ss.occupancy_mean < ss.occupancy_max


def test_brain_kpuu_and_molar_conc():
    a = calculate_occupancy(100.0, conc_unit="nM", kd=1.1, fu=0.02, kpuu=0.5)
    assert_allclose(a, 1.0 / 2.1)


@pytest.mark.parametrize("metric", ["trough", "peak", "average_conc", "mean"])
def test_dose_for_occupancy_hits_target(metric):
    reg = Regimen(dose="1mg/kg", route="oral", tau="12h", n_doses=2)
    res = calculate_dose_for_occupancy(
        "1cpt-oral", P, reg, 0.8, kd=1.1, fu=0.015, molar_mass=MW, metric=metric
    )
    got = {"trough": res.occupancy_min, "peak": res.occupancy_max, "mean": res.occupancy_mean}.get(
        metric
    )
    if got is not None:
        assert_allclose(got, 0.8, rtol=1e-9)
    if metric == "trough":
        # by hand: Cu = 4 Kd = 4.4 nM -> total 293.33 nM = 0.0955592 mg/L; Cmin,ss per
        # mg/kg = 0.1592539187 -> 0.600043 mg/kg
        assert_allclose(res.dose, 0.0955592 / 0.1592539187, rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fu": 1.2}, r"Invalid `fu`: got 1.2, must be in \(0, 1\]"),
        ({"fu": -0.1}, r"Invalid `fu`: got -0.1"),
        ({"molar_mass": None}, r"without a molar mass"),
        ({"kd": "1.1 ng/mL"}, r"Invalid `kd_unit`: got 'ng/mL', must be a molar unit"),
        ({"kd": 0}, r"Invalid `kd`: got 0, must be > 0"),
        ({"conc_unit": "h"}, r"Invalid `conc_unit`: got 'h'"),
    ],
)
def test_bad_input(kwargs, match):
    call = {"conc_unit": "ng/mL", "kd": 1.1, "fu": 0.015, "molar_mass": MW}
    call.update(kwargs)
    with pytest.raises(InputError, match=match):
        calculate_occupancy(10.0, **call)


def test_negative_conc_and_bad_target():
    with pytest.raises(InputError, match=r"Invalid `conc`: element 0 is -1"):
        calculate_occupancy(-1.0, conc_unit="nM", kd=1.1)
    with pytest.raises(InputError, match=r"Invalid `target`: got 1.0, must be in \(0, 1\)"):
        calculate_dose_for_occupancy(
            "1cpt-oral",
            P,
            Regimen(dose=1, tau=12, n_doses=2),
            1.0,
            kd=1.1,
            fu=0.015,
            molar_mass=MW,
        )
