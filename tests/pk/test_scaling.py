"""Body-surface-area HED (FDA 2005 worked cases) and allometry (R lm)."""

import math

import pandas as pd
import pytest

from preclin.core import InputError
from preclin.pk import calculate_hed, fit_allometry
from preclin.testing import assert_allclose


def test_km_table_is_the_shared_copy(shared_reference):
    from preclin.pk._scaling import km_table

    shared = pd.read_csv(shared_reference / "pk" / "fda2005_km_table.csv")
    pd.testing.assert_frame_equal(km_table(), shared)


def _exact_to_10_digits(actual, desired, msg):
    # the file holds 10 significant digits: exact means within half a unit of the 10th
    half_ulp = 0.5 * 10.0 ** (math.floor(math.log10(abs(desired))) - 9)
    assert abs(actual - desired) <= half_ulp * (1 + 1e-9), (msg, actual, desired)
    assert_allclose(actual, desired, rtol=5e-10, err_msg=msg)


def test_hed_worked_examples_exactly(shared_reference):
    ref = pd.read_csv(shared_reference / "pk" / "hed_worked_examples.csv")
    pairs = {
        "hed": "hed_mg_per_kg_exact_Km_ratio",
        "hed_table": "hed_mg_per_kg_divide_by_table",
        "hed_mg": "hed_mg_60kg_exact",
        "mrsd_mg": "mrsd_mg_60kg_safety10",
        "hed_exponent": "hed_mg_per_kg_exponent_0.33_refweights",
    }
    for row in ref.to_dict("records"):
        r = calculate_hed(row["animal_dose_mg_per_kg"], row["species"])
        assert r.km_animal == row["Km_animal"]
        for ours, theirs in pairs.items():
            _exact_to_10_digits(getattr(r, ours), row[theirs], f"{row['case']}: {ours}")


def test_hed_units_and_aliases():
    a = calculate_hed("2500ug/kg", "RAT")
    b = calculate_hed(2.5, "Rat")
    assert a.hed == b.hed and calculate_hed(1, "monkey").species == "Monkey (rhesus)"


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((1.0, "hamsterdam"), r"Invalid `species`: got 'hamsterdam', must be one of Human"),
        ((-1.0, "rat"), r"Invalid `dose`: got -1.0, must be >= 0 mg/kg"),
        (("1 mg/L", "rat"), r"Invalid `dose`: got '1 mg/L', must be in mg/kg"),
    ],
)
def test_hed_bad_input(args, match):
    with pytest.raises(InputError, match=match):
        calculate_hed(*args)


@pytest.mark.parametrize("fit", ["free", "fixed_0.75"])
def test_allometry_matches_r_lm(local_reference, fit):
    data = pd.read_csv(local_reference / "pk" / "models_allometry_data.csv")
    ref = pd.read_csv(local_reference / "pk" / "models_allometry_lm.csv").set_index("fit").loc[fit]
    r = fit_allometry(data, exponent=None if fit == "free" else 0.75)
    for name in (
        "coefficient",
        "exponent",
        "log_coefficient_stderr",
        "predicted",
        "ci_low",
        "ci_high",
    ):
        assert_allclose(getattr(r, name), ref[name], "r_closed_form", err_msg=name)
    assert r.df == ref["df"] and r.extrapolated
    if fit == "free":
        assert_allclose(r.exponent_stderr, ref["exponent_stderr"], "r_closed_form")


def test_allometry_two_species_uses_default_exponent():
    # basimglurant t1/2: rat 7 h (0.25 kg), monkey 20 h (5 kg); b = 0.25 fixed
    # by hand: ln a = mean(ln 7 - 0.25 ln 0.25, ln 20 - 0.25 ln 5); t1/2(70) = a 70^0.25
    la = ((math.log(7) - 0.25 * math.log(0.25)) + (math.log(20) - 0.25 * math.log(5))) / 2
    d = pd.DataFrame({"weight_kg": [0.25, 5.0], "value": [7.0, 20.0]})
    r = fit_allometry(d, parameter="t_half")
    assert_allclose(r.predicted, math.exp(la) * 70**0.25)
    assert r.exponent_fixed and r.df == 1


def test_allometry_bad_input():
    with pytest.raises(InputError, match="at least 2 species"):
        fit_allometry(pd.DataFrame({"weight_kg": [1.0], "value": [2.0]}))
    with pytest.raises(InputError, match="exponent must be fixed"):
        fit_allometry(
            pd.DataFrame({"weight_kg": [1.0, 2.0], "value": [2.0, 3.0]}), parameter="Vmax"
        )
    with pytest.raises(InputError, match=r"column 'value': body weight|column 'weight_kg'"):
        fit_allometry(pd.DataFrame({"weight_kg": [1.0, -2.0], "value": [2.0, 3.0]}))
