"""Bad input raises InputError with a message a pharmacologist can act on."""

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError
from preclin.receptor import (
    calculate_kb,
    calculate_ki,
    calculate_occupancy,
    calculate_operational_potency,
    fit_allosteric_operational,
    fit_competition_binding,
    fit_furchgott,
    fit_gaddum_schild,
    fit_operational,
    fit_saturation_binding,
    fit_schild,
    load_pathway,
    simulate_calcium_traces,
)


def schild_frame(levels):
    a = np.tile(10.0 ** np.arange(-9, -4, 0.5), len(levels))
    b = np.repeat(levels, a.size // len(levels))
    return pd.DataFrame({"a": a, "b": b, "r": 100 / (1 + 1e-7 * (1 + b / 1e-8) / a)})


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: calculate_occupancy(-1.0, 1.0), "Invalid `conc`: got -1, must be >= 0"),
        (lambda: calculate_occupancy(1.0, -1.1), "Invalid `kd`: got -1.1, must be > 0"),
        (lambda: calculate_occupancy(1.0, 0.0), "Invalid `kd`: got 0, must be > 0"),
        (lambda: calculate_occupancy(1.0, 1.0, hill=0), "Invalid `hill`"),
        (lambda: calculate_occupancy(1.0, 1.0, competitor_conc=2.0), "needs its Kd"),
        (lambda: calculate_ki(-5.0, radioligand_conc=1, kd=1), "Invalid `ic50`: got -5"),
        (lambda: calculate_ki(5.0, radioligand_conc=1, kd=-1), "Invalid `kd`"),
        (lambda: calculate_kb(12.0, agonist_ec50=900.0), "Invalid `agonist_conc`: missing"),
        (lambda: calculate_kb(12.0, agonist_conc=3000.0), "Invalid `agonist_ec50`: missing"),
        (
            lambda: calculate_kb(12.0, agonist_conc=3.0, agonist_ec50=1.0, method="gaddum"),
            "Invalid `method`: got 'gaddum', must be one of leff-dougall, cheng-prusoff",
        ),
        (
            lambda: calculate_kb("12ng/mL", agonist_conc="3uM", agonist_ec50="0.9uM"),
            "cannot convert ng/mL to nM without a molar mass",
        ),
        (
            lambda: calculate_kb("12nM", agonist_conc="3 mg", agonist_ec50="0.9uM"),
            "must be a concentration",
        ),
        (
            lambda: calculate_ki(1.0, radioligand_conc=1, kd=1, unit="ng/mL"),
            "Invalid `unit`: got 'ng/mL', must be a molar unit",
        ),
        (lambda: calculate_operational_potency(-1.0, 2.0), "Invalid `ka`"),
        (lambda: load_pathway("d2"), "Invalid `name`: got 'd2', must be one of 5ht1a, mglur5"),
        (
            lambda: simulate_calcium_traces([1.0], time=[0, 1], ka=1.0, rise=5, decay=2),
            "Invalid `rise`: got 5, must be < decay",
        ),
    ],
)
def test_argument_errors(call, match):
    with pytest.raises(InputError, match=match):
        call()


@pytest.mark.parametrize("levels", [[0.0, 1e-7], [1e-8, 1e-7, 1e-6]])
def test_schild_needs_two_antagonist_concentrations_and_a_control(levels):
    df = schild_frame(levels)
    with pytest.raises(InputError, match=r"needs a control curve .* at least 2 antagonist"):
        fit_schild(df, x="a", y="r", antagonist="b")
    with pytest.raises(InputError, match="at least 2 antagonist"):
        fit_gaddum_schild(df, x="a", y="r", antagonist="b")


def test_negative_concentration_in_data_names_row_and_column():
    df = schild_frame([0.0, 1e-8, 1e-7])
    df.loc[3, "a"] = -1e-9
    with pytest.raises(InputError, match="row 3, column 'a': agonist concentration -1e-09"):
        fit_schild(df, x="a", y="r", antagonist="b")
    df = schild_frame([0.0, 1e-8, 1e-7])
    with pytest.raises(InputError, match="Invalid `x_unit`: got 'ng/mL', must be a molar unit"):
        fit_schild(df, x="a", y="r", antagonist="b", x_unit="ng/mL")
    with pytest.raises(InputError, match="no column 'conc'"):
        fit_schild(df, x="conc", y="r", antagonist="b")


def test_fit_argument_errors():
    df = schild_frame([0.0, 1e-8, 1e-7]).assign(ag="x")
    with pytest.raises(InputError, match="Invalid `fixed`: got 'tau'"):
        fit_operational(df, x="a", y="r", agonist="ag", fixed={"tau": 1})
    with pytest.raises(InputError, match="Invalid `control`: got 'vehicle'"):
        fit_furchgott(df.assign(t="a"), x="a", y="r", treatment="t", control="vehicle")
    with pytest.raises(InputError, match="needs a control curve \\(modulator 0\\)"):
        fit_allosteric_operational(df[df.b > 0], x="a", y="r", modulator="b")
    with pytest.raises(InputError, match="give either `specific`, or `total`"):
        fit_saturation_binding(df, x="a", specific="r", total="r")
    with pytest.raises(InputError, match="needs a `specific` column"):
        fit_saturation_binding(df, x="a", total="r")
    with pytest.raises(InputError, match="Invalid `radioligand_kd`: got -1"):
        fit_competition_binding(df, x="a", y="r", radioligand_conc=1, radioligand_kd=-1)
    with pytest.raises(InputError, match="Invalid `sites`: got 3"):
        fit_competition_binding(df, x="a", y="r", radioligand_conc=1, radioligand_kd=1, sites=3)
