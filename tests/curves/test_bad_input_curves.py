"""Bad input: one-line InputErrors naming file / row / column; bad curves in a batch are rows."""

import numpy as np
import pandas as pd
import pytest

from preclin.core import InputError, read_table
from preclin.curves import fit_curve, fit_curves

CONC = np.repeat([0.0, 0.01, 0.1, 1.0, 10.0, 100.0], 2)
RESP = 100 / (1 + CONC / 1.0) + np.tile([1.0, -1.0], 6)


def _frame():
    return pd.DataFrame({"cpd": "A", "conc": CONC, "resp": RESP})


def _csv(tmp_path, text):
    p = tmp_path / "plate.csv"
    p.write_text(text)
    return read_table(p)


def test_missing_column():
    with pytest.raises(InputError, match=r"no column 'dose'; the columns are cpd, conc, resp"):
        fit_curves(_frame(), x="dose", y="resp")


def test_text_in_numbers_names_file_row_column(tmp_path):
    df = _csv(tmp_path, "conc,resp\n0,100\n1,abc\n10,5\n")
    with pytest.raises(InputError, match=r"plate.csv, row 3, column 'resp': 'abc' is not a num"):
        fit_curves(df, x="conc", y="resp")


def test_negative_concentration(tmp_path):
    df = _csv(tmp_path, "conc,resp\n0,100\n-1,50\n10,5\n")
    with pytest.raises(InputError, match=r"row 3, column 'conc': concentration -1 is not >= 0"):
        fit_curves(df, x="conc", y="resp")


@pytest.mark.parametrize("bad", ["", "inf"])
def test_nan_or_inf_response(tmp_path, bad):
    df = _csv(tmp_path, f"conc,resp\n0,100\n1,{bad}\n10,5\n")
    with pytest.raises(InputError, match=r"row 3, column 'resp': (missing|.*infinite)"):
        fit_curves(df, x="conc", y="resp")


def test_unknown_model_template():
    with pytest.raises(InputError, match=r"^Invalid `model`: got 'll9', must be one of bc5"):
        fit_curve(CONC, RESP, model="ll9")


def test_bad_fix_name_and_value():
    with pytest.raises(InputError, match=r"Invalid `fix`: got 'slope', must be one of hill, bot"):
        fit_curve(CONC, RESP, fix={"slope": 1})
    with pytest.raises(InputError, match=r"Invalid `fix`: ec50=-2 must be a concentration > 0"):
        fit_curve(CONC, RESP, fix={"ec50": -2})
    with pytest.raises(InputError, match=r"Invalid `fix`: got 'asymmetry'"):
        fit_curve(CONC, RESP, model="ll4", fix={"asymmetry": 1})


def test_single_fit_too_few_points():
    with pytest.raises(InputError, match=r"3 data points but model 'll4' has 4 free parameters"):
        fit_curve([0.1, 1, 10], [90, 50, 10])


def test_single_fit_one_distinct_concentration():
    with pytest.raises(InputError, match=r"all concentrations are equal \(1\)"):
        fit_curve([1, 1, 1, 1, 1], [90, 50, 10, 5, 4])


def test_single_fit_negative_and_length():
    with pytest.raises(InputError, match=r"Invalid `conc`: element 1 is -1, must be >= 0"):
        fit_curve([0, -1, 2, 3, 4], [1, 2, 3, 4, 5])
    with pytest.raises(InputError, match=r"Invalid `response`: has 4 values but `conc` has 5"):
        fit_curve([0, 1, 2, 3, 4], [1, 2, 3, 4])
    with pytest.raises(InputError, match=r"Invalid `response`: element 2 is NaN"):
        fit_curve([0, 1, 2, 3, 4], [1, 2, np.nan, 4, 5])


def test_bad_unit():
    with pytest.raises(InputError, match=r"Invalid unit: got 'nmolx'"):
        fit_curves(_frame(), x="conc", y="resp", x_unit="nmolx")


def test_duplicated_curve_ids_with_different_units():
    df = pd.concat([_frame(), _frame()], ignore_index=True)
    df["unit"] = ["uM"] * 12 + ["nM"] * 12
    with pytest.raises(InputError, match=r"row 12, column .unit.: one curve has concentrat"):
        fit_curves(df, x="conc", y="resp", by="cpd", x_unit="unit")
    df.loc[12:, "cpd"] = "B"
    fits = fit_curves(df, x="conc", y="resp", by="cpd", x_unit="unit")
    assert fits["x_unit"].tolist() == ["uM", "nM"]


def test_batch_bad_curves_are_rows():
    good = _frame()
    short = pd.DataFrame({"cpd": "short", "conc": [0.1, 1.0, 10.0], "resp": [90.0, 50, 10]})
    one = pd.DataFrame({"cpd": "one-conc", "conc": [1.0] * 6, "resp": np.arange(6.0)})
    fits = fit_curves(pd.concat([short, good, one]), x="conc", y="resp", by="cpd")
    assert fits["cpd"].tolist() == ["short", "A", "one-conc"]
    assert fits["converged"].tolist() == [False, True, False]
    assert fits.loc[0, "message"] == "fewer data points than free parameters"
    assert "fewer distinct concentrations" in fits.loc[2, "message"]
    assert np.isnan(fits.loc[0, "ec50"]) and fits.loc[0, "flags"] == "not_converged"
    assert fits.loc[1, "flags"] == ""
