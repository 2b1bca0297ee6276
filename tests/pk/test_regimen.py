"""Dosing regimens: parsing, units, validation."""

import math

import numpy as np
import pytest

from preclin.core import InputError
from preclin.pk import Regimen


def test_units_are_converted_once():
    r = Regimen(dose="250ug/kg", route="po", tau="720min", n_doses=3, tlag="15min")
    assert r.route == "oral" and r.dose_unit == "mg/kg"
    assert r.dose == pytest.approx(0.25) and r.tau == 12.0 and r.tlag == 0.25
    np.testing.assert_array_equal(r.dose_times(), [0.0, 12.0, 24.0])


def test_mg_per_kg_with_weight():
    r = Regimen(dose="10mg/kg", weight="250g")
    assert r.amount_mg == 2.5 and r.dose_per_kg == 10.0
    r2 = Regimen(dose="2.5mg", weight=0.25, route="iv")
    assert r2.dose_unit == "mg" and r2.dose_per_kg == 10.0


def test_single_dose_and_infusion():
    r = Regimen(dose=1.0, route="infusion", duration="30min")
    assert r.duration == 0.5 and math.isinf(r.tau) and r.n_doses == 1
    assert r.to_dict()["tau"] is None
    assert r.with_dose(2.0).dose == 2.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dose": -1}, r"Invalid `dose`: got -1, must be >= 0"),
        ({"dose": "10 nM"}, r"Invalid `dose`: got '10 nM', must be a mass per body weight"),
        ({"dose": 1, "tau": 0, "n_doses": 2}, r"Invalid `tau`: got 0, must be > 0 h"),
        ({"dose": 1, "tau": "-2h", "n_doses": 2}, r"Invalid `tau`: got '-2h', must be > 0 h"),
        ({"dose": 1, "n_doses": 2}, r"Invalid `tau`: got inf, must be given when n_doses > 1"),
        ({"dose": 1, "n_doses": 0}, r"Invalid `n_doses`: got 0, must be in \[1, inf\)"),
        ({"dose": 1, "route": "im"}, r"Invalid `route`: got 'im', must be one of iv, infusion"),
        ({"dose": 1, "route": "infusion"}, r"must be given for an infusion"),
        ({"dose": 1, "duration": 1}, r"only an infusion has a duration"),
        ({"dose": 1, "route": "iv", "tlag": 1}, r"only an oral dose has an absorption lag"),
        ({"dose": 1, "bioavailability": 0}, r"Invalid `bioavailability`: got 0"),
        ({"dose": 1, "weight": "3 h"}, r"Invalid `weight`: got '3 h', must be a mass"),
        ({"dose": 1, "tau": "12 parsecs", "n_doses": 2}, r"must be a time"),
        ({"dose": 1, "tau": "12 fortnits", "n_doses": 2}, r"Invalid unit"),
    ],
)
def test_bad_regimen(kwargs, match):
    with pytest.raises(InputError, match=match):
        Regimen(**kwargs)


def test_amount_needs_weight():
    with pytest.raises(InputError, match="needs a body weight"):
        _ = Regimen(dose=10).amount_mg
