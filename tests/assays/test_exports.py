"""Instrument exports (wide/long traces, long/grid endpoints) and per-well responses."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preclin.assays import calculate_responses, read_endpoint, read_traces
from preclin.assays._wells import well_names
from preclin.core import InputError
from preclin.datasets import example_path
from preclin.testing import assert_allclose


def test_wide_and_long_traces_agree():
    wide = read_traces(example_path("flipr_traces_wide"))
    long = read_traces(example_path("flipr_traces_long"))
    pd.testing.assert_frame_equal(wide, long, check_dtype=False)
    assert list(wide.columns) == ["plate", "time", "A1", "A2", "A3", "A4", "A5"]


def test_endpoint_long_and_grid_agree():
    a = read_endpoint(example_path("plate_endpoint_long"))
    b = read_endpoint(example_path("plate_endpoint_grid"))
    key = ["plate", "well"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )
    assert len(a) == 12 and list(a.columns) == ["plate", "well", "response"]


@given(
    st.lists(st.sampled_from(list(well_names(384))), min_size=1, max_size=12, unique=True),
    st.integers(2, 6),
    st.integers(1, 3),
)
@settings(max_examples=30, deadline=None)
def test_traces_wide_long_round_trip(wells, n_t, n_p):
    rng = np.random.default_rng(len(wells) * 7 + n_t)
    rows = []
    for p in range(n_p):
        for t in range(n_t):
            rows.append(
                {"plate": f"p{p}", "time": float(t), **{w: rng.uniform(1, 9) for w in wells}}
            )
    wide = pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # any row order
    long = wide.melt(id_vars=["plate", "time"], var_name="well", value_name="rfu")
    a = read_traces(wide, plate_format=384)
    b = read_traces(long, plate_format=384)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert a["time"].is_monotonic_increasing or n_p > 1


def test_responses_match_scipy_reference(local_reference):
    ref = json.loads((local_reference / "assays" / "responses_tiny.json").read_text())
    tr = read_traces(example_path("flipr_traces_wide"))
    for method in ("max_minus_baseline", "max_over_baseline", "max_min_ratio", "auc"):
        out = calculate_responses(tr, method=method, baseline=(0, 6)).set_index("well")
        for well, vals in ref.items():
            assert_allclose(out.loc[well, "response"], vals[method], kind="closed_form")
            assert_allclose(out.loc[well, "baseline"], vals["baseline"], kind="closed_form")
            assert_allclose(out.loc[well, "peak"], vals["peak"], kind="closed_form")


def test_response_window_and_plates_with_different_times():
    tr = read_traces(example_path("flipr_traces_wide"))
    other = tr.iloc[::2].assign(plate="2")  # plate 2 read every 4 s
    both = read_traces(pd.concat([tr, other], ignore_index=True))
    out = calculate_responses(both, baseline=(0, 6), window=(6, 12))
    a1 = out.set_index(["plate", "well"]).loc[("1", "A1")]
    assert a1["peak"] == 2000.0 and a1["baseline"] == pytest.approx(1001.0)
    assert out.set_index(["plate", "well"]).loc[("2", "A1"), "peak"] == 2000.0


def test_saturated_wells_are_flagged_or_rejected():
    tr = read_traces(example_path("flipr_traces_wide"))
    out = calculate_responses(tr, baseline=(0, 6), saturation=1900)
    assert out.loc[out["saturated"], "well"].tolist() == ["A1", "A4"]
    with pytest.raises(InputError, match=r"column 'A1': well A1 \(plate 1\) reaches the detector"):
        calculate_responses(tr, baseline=(0, 6), saturation=1900, on_saturated="error")


def _csv(tmp_path, text, name="traces.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "time,A1,A2\n0,10,-3\n1,12,4\n",
            r"traces.csv, row 2, column .A2.: negative fluorescence -3 in well A2; .*negative",
        ),
        (
            "time,A1,A2\n0,10,abc\n1,12,4\n",
            r"traces.csv, row 2, column 'A2': 'abc' is not a number",
        ),
        ("time,A1,A01\n0,10,3\n1,12,4\n", r"traces.csv: well A1 has two columns"),
        (
            "time,A1,Q25\n0,10,3\n1,12,4\n",
            r"traces.csv, column 'header': well 'Q25' is not on a 384-well plate",
        ),
        ("time,A1,temp\n0,10,3\n1,12,4\n", r"column 'header': 'TEMP' is not a well name"),
        ("time,A1\n0,10\n0,12\n", r"traces.csv, row 3, column 'time': time 0 appears twice"),
        ("time,A1\n0,10\n1,\n", r"traces.csv, row 3, column 'A1': missing or non-finite reading"),
        (
            "well,time,value\nA1,0,10\nA1,0,11\n",
            r"traces.csv, row 3, column 'well': well A1 has two readings at time 0",
        ),
        (
            "well,time,value\nA1,0,10\nA1,1,11\nA2,0,5\n",
            r"traces.csv, column 'time': well A2 has no reading at time 1",
        ),
        (
            "well,time,value\nA1,0,10\nA2,0,-1\n",
            r"traces.csv, row 3, column 'value': negative fluorescence -1 in well A2",
        ),
        ("well,time,reading\nA1,0,10\n", r"traces.csv: no value column"),
    ],
)
def test_bad_traces(tmp_path, text, match):
    with pytest.raises(InputError, match=match):
        read_traces(_csv(tmp_path, text), plate_format=384)


def test_negative_traces_allowed_when_baseline_subtracted(tmp_path):
    tr = read_traces(_csv(tmp_path, "time,A1\n0,-1\n1,5\n"), allow_negative=True)
    assert tr["A1"].tolist() == [-1.0, 5.0]
    with pytest.raises(InputError, match=r"baseline <= 0, so max_over_baseline is undefined"):
        calculate_responses(tr, method="max_over_baseline", baseline=(0, 1))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"baseline": (30, 40)}, r"plate 1 has no reads in the baseline window \[30, 40\] s"),
        ({"baseline": (5, 1)}, r"Invalid `baseline`: got \(5, 1\), the start must be before"),
        ({"method": "peak"}, r"Invalid `method`: got 'peak'"),
    ],
)
def test_bad_response_settings(kwargs, match):
    tr = read_traces(example_path("flipr_traces_wide"))
    with pytest.raises(InputError, match=match):
        calculate_responses(tr, **kwargs)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("plate,row,1,2\nP1,A,1,2\nP1,A,3,4\n", r"well A1 appears twice \(plate P1\)"),
        ("plate,row,1,x\nP1,A,1,2\n", r"column 'x' is neither a well column"),
        ("row,1,2\nA,1,abc\n", r"row 2, column '2': 'abc' is not a number"),
        ("well,value\nA1,1\nA1,2\n", r"row 3: well A1 appears twice"),
    ],
)
def test_bad_endpoints(tmp_path, text, match):
    with pytest.raises(InputError, match=match):
        read_endpoint(_csv(tmp_path, text, "reader.csv"))
