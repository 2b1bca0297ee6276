"""calculate_nca: bad input, BLQ rules, flagged subjects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preclin.core import InputError, read_table
from preclin.pk import calculate_nca, calculate_superposition
from preclin.testing import assert_allclose


def _frame(**extra):
    df = pd.DataFrame(
        {
            "id": ["a"] * 6 + ["b"] * 6,
            "t": [0.5, 1, 2, 4, 8, 24] * 2,
            "c": [5.0, 9, 7, 4, 2, 0.5, 4, 8, 6, 3, 1.5, 0.4],
        }
    )
    for k, v in extra.items():
        df[k] = v
    return df


def _nca(df, **kw):
    kw.setdefault("subject", "id")
    kw.setdefault("time", "t")
    kw.setdefault("conc", "c")
    return calculate_nca(df, **kw)


def test_error_names_file_row_column(tmp_path):
    path = tmp_path / "pk.csv"
    df = _frame()
    df.loc[3, "c"] = -1.0
    df.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"pk\.csv, row 5, column 'c': negative concentration -1"):
        _nca(read_table(path))


def test_duplicated_time():
    df = _frame()
    df.loc[2, "t"] = 1.0
    with pytest.raises(InputError, match=r"row 2, column 't': duplicated time 1 for subject 'a'"):
        _nca(df)


def test_unsorted_time():
    df = _frame()
    df.loc[[7, 8], "t"] = [2.0, 1.0]
    with pytest.raises(InputError, match=r"row 8, column 't': time is earlier than .*sort"):
        _nca(df)


def test_time_before_dose():
    df = _frame()
    df.loc[0, "t"] = -0.5
    with pytest.raises(InputError, match=r"column 't': time -0.5 is not >= 0; .*before the dose"):
        _nca(df)


def test_missing_time():
    df = _frame()
    df.loc[4, "t"] = np.nan
    with pytest.raises(InputError, match=r"row 4, column 't': missing time"):
        _nca(df)


def test_blq_marker_without_lloq():
    df = _frame()
    df["c"] = df["c"].astype(object)
    df.loc[5, "c"] = "<LLOQ"
    with pytest.raises(InputError, match=r"column 'c': '<LLOQ' is not a number; .*lloq"):
        _nca(df)


def test_text_that_is_not_a_marker():
    df = _frame()
    df["c"] = df["c"].astype(object)
    df.loc[5, "c"] = "n/a?"
    with pytest.raises(InputError, match=r"'n/a\?' is not a number; write the concentration"):
        _nca(df, lloq=0.1)


def test_missing_dose_column():
    with pytest.raises(InputError, match=r"no column 'dose_mg'"):
        _nca(_frame(), dose="dose_mg")


def test_dose_changes_within_subject():
    df = _frame(dose=[10.0] * 11 + [20.0])
    with pytest.raises(InputError, match=r"row 11, column 'dose': dose changes within a subject"):
        _nca(df, dose="dose")


def test_missing_dose_gives_nan_and_message():
    df = _frame(dose=[10.0] * 6 + [np.nan] * 6)
    res = _nca(df, dose="dose")
    assert np.isfinite(res["cl_obs"].iloc[0]) and res["message"].iloc[0] == ""
    assert np.isnan(res["cl_obs"].iloc[1]) and np.isnan(res["vz_obs"].iloc[1])
    assert "no dose" in res["message"].iloc[1]
    assert np.isfinite(res["aucinf_obs"].iloc[1])
    res = _nca(_frame())  # no dose at all
    assert res["cl_obs"].isna().all() and res["message"].str.contains("no dose").all()


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"dose_unit": "mg", "conc_unit": "nM"}, r"unit mismatch: a dose in mg and conc"),
        ({"conc_unit": "h"}, r"Invalid `conc_unit`: got 'h'"),
        ({"time_unit": "mL"}, r"Invalid `time_unit`: got 'mL'"),
        ({"dose_unit": "mL"}, r"Invalid `dose_unit`: got 'mL'"),
        ({"route": "oral"}, r"Invalid `route`: got 'oral', must be one of extravascular"),
        ({"auc_method": "log"}, r"Invalid `auc_method`: got 'log'"),
        ({"route": "iv-infusion"}, r"Invalid `duration`: got None"),
        ({"blq": "keep"}, r"Invalid `blq`: got 'keep'"),
        ({"blq": "lloq/2"}, r"'lloq/2' needs `lloq`"),
        ({"lloq": -1}, r"Invalid `lloq`: got -1"),
        ({"partial_aucs": [(4, 2)]}, r"Invalid `partial_aucs`: got \(4, 2\)"),
        ({"tau": 0}, r"Invalid `tau`: got 0"),
    ],
)
def test_bad_arguments(kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        _nca(_frame(), **kwargs)


def test_molar_concentrations_with_molar_mass():
    df = _frame()
    mass = _nca(df, dose=10.0, conc_unit="ng/mL", dose_unit="mg/kg")
    mm = 325.77
    molar = _nca(df.assign(c=df["c"] / mm * 1000), dose=10.0, conc_unit="nM",
                 dose_unit="mg/kg", molar_mass=mm)  # fmt: skip
    assert_allclose(molar["cl_obs"], mass["cl_obs"])
    assert molar.attrs["units"]["cl_obs"] == "L/h/kg"


def test_too_few_points_for_lambda_z_is_a_flagged_row():
    df = pd.concat(
        [_frame(), pd.DataFrame({"id": "c", "t": [0.5, 1, 2, 4], "c": [1.0, 5, 3, 2]})],
        ignore_index=True,
    )
    res = _nca(df, dose=1.0)
    row = res.iloc[2]
    assert np.isnan(row["lambda_z"]) and np.isnan(row["aucinf_obs"]) and np.isnan(row["cl_obs"])
    assert row["lambda_z_n_points"] == 0
    assert "too few points after tmax for lambda_z (3 needed, 2 found)" in row["message"]
    assert np.isfinite(row["auclast"]) and row["cmax"] == 5
    assert res["lambda_z"].iloc[:2].notna().all()


def test_rising_terminal_phase_is_flagged():
    df = pd.DataFrame({"id": 1, "t": [1.0, 2, 3, 4, 5], "c": [9.0, 1, 2, 3, 4]})
    row = _nca(df).iloc[0]
    assert np.isnan(row["lambda_z"])
    assert "no terminal phase with lambda_z > 0" in row["message"]


def test_all_blq_subject():
    df = pd.DataFrame({"id": 1, "t": [1.0, 2, 4], "c": ["<LLOQ", "BLQ", "<LLOQ"]})
    row = _nca(df, lloq=1.0).iloc[0]
    assert row["cmax"] == 0 and row["auclast"] == 0 and np.isnan(row["tmax"])
    assert "no measurable concentration" in row["message"]


def test_single_row_subjects_and_empty_profile():
    df = pd.DataFrame({"id": [1, 2], "t": [1.0, 1.0], "c": [3.0, np.nan]})
    res = _nca(df)
    assert res["n"].tolist() == [1, 0]
    assert "no concentrations left" in res["message"].iloc[1]
    assert "too few points" in res["message"].iloc[0]


# -- BLQ rules (PKNCA clean.conc.blq-like) ------------------------------------------------


def _blq_frame():
    return pd.DataFrame(
        {
            "id": 1,
            "t": [0.0, 0.5, 1, 2, 4, 8, 12, 24],
            "c": ["<LLOQ", "3", "10", "BLQ", "6", "3", "1.5", "<LLOQ"],
        }
    )


def _trap(t, c):  # independent: numpy's linear trapezoid
    return float(np.trapezoid(np.asarray(c, float), np.asarray(t, float)))


def test_blq_default_first_zero_middle_drop_last_drop():
    row = _nca(_blq_frame(), lloq=1.0, auc_method="linear").iloc[0]
    assert row["n"] == 6  # t=0 (→0), 0.5, 1, 4, 8, 12
    assert row["tlast"] == 12 and row["clast"] == 1.5
    assert_allclose(row["auclast"], _trap([0, 0.5, 1, 4, 8, 12], [0, 3, 10, 6, 3, 1.5]))


def test_blq_all_zero():
    row = _nca(_blq_frame(), lloq=1.0, auc_method="linear", blq="zero").iloc[0]
    assert row["n"] == 8
    assert row["tlast"] == 12  # zeros never count as the last measurable value
    assert_allclose(row["auclast"], _trap([0, 0.5, 1, 2, 4, 8, 12], [0, 3, 10, 0, 6, 3, 1.5]))


def test_blq_half_lloq_and_numbers_below_lloq():
    df = _blq_frame()
    df.loc[6, "c"] = "0.8"  # a number below the LLOQ is BLQ too (now the last BLQs)
    row = _nca(df, lloq=2.0, auc_method="linear", blq={"middle": "lloq/2", "last": "lloq/2"})
    row = row.iloc[0]
    assert row["n"] == 8
    assert row["tlast"] == 24 and row["clast"] == 1.0
    assert_allclose(
        row["auclast"],
        _trap([0, 0.5, 1, 2, 4, 8, 12, 24], [0, 3, 10, 1, 6, 3, 1, 1]),
    )


def test_custom_markers_without_lloq():
    df = _blq_frame()
    df["c"] = df["c"].replace({"<LLOQ": "bql", "BLQ": "bql"})
    row = _nca(df, blq_markers=["BQL"], auc_method="linear").iloc[0]
    assert row["n"] == 6


def test_superposition_bad_times():
    with pytest.raises(InputError, match=r"Invalid `times`"):
        calculate_superposition(_frame(), subject="id", time="t", conc="c", tau=12,
                                times=[0, 13])  # fmt: skip


# -- robustness: any valid table gives one row per subject, never an exception ----------

_conc = st.one_of(st.just(0.0), st.just(np.nan), st.floats(1e-3, 1e4))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_conc, min_size=1, max_size=9), min_size=1, max_size=6))
def test_any_profiles_give_one_row_each(profiles):
    frames = [
        pd.DataFrame({"id": i, "t": np.arange(len(p)) * 1.5 + 0.5, "c": p})
        for i, p in enumerate(profiles)
    ]
    df = pd.concat(frames, ignore_index=True)
    res = _nca(df, dose=1.0, partial_aucs=[(0, 4)], tau=6)
    assert len(res) == len(profiles)
    assert (res["n"] <= [len(p) for p in profiles]).all()
    no_lz = res["lambda_z"].isna()
    assert (res.loc[no_lz & (res["n"] > 0), "message"] != "").all()
    assert (res["lambda_z"].dropna() > 0).all()
    ok = res["aucinf_obs"].notna()
    assert (res.loc[ok, "aucinf_obs"] >= res.loc[ok, "auclast"]).all()
