"""Well names, generated layouts and layout files."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preclin.assays import PLATE_FORMATS, calculate_layout, read_layout
from preclin.assays._wells import parse_wells, row_labels, well_names
from preclin.core import InputError
from preclin.datasets import example_path


@pytest.mark.parametrize(("fmt", "last"), [(96, "H12"), (384, "P24"), (1536, "AF48")])
def test_well_names_per_format(fmt, last):
    names = well_names(fmt)
    assert len(names) == fmt and names[0] == "A1" and names[-1] == last
    parsed = parse_wells(names, fmt)
    n_rows, n_cols = PLATE_FORMATS[fmt]
    assert parsed["row"].max() == n_rows - 1 and parsed["col"].max() == n_cols - 1
    assert parsed["well"].tolist() == list(names)


def test_padded_and_lower_case_wells_are_canonical():
    assert parse_wells(["a01", " B12 ", "AF048"], None)["well"].tolist() == ["A1", "B12", "AF48"]
    assert parse_wells(["A1", "P24"], None).attrs["plate_format"] == 384


@pytest.mark.parametrize(
    ("wells", "fmt", "match"),
    [
        (["A1", "Q25"], 384, r"well 'Q25' is not on a 384-well plate \(A1..P24\)"),
        (["I1"], 96, r"well 'I1' is not on a 96-well plate \(A1..H12\)"),
        (["AG1"], 1536, r"'AG1' is not on a 1536-well plate"),
        (["1A"], None, r"'1A' is not a well name"),
        (["A0"], None, r"'A0' is not a well name"),
    ],
)
def test_bad_wells(wells, fmt, match):
    with pytest.raises(InputError, match=match):
        parse_wells(wells, fmt, file="layout.csv")


@given(st.lists(st.tuples(st.integers(0, 31), st.integers(1, 48)), min_size=1, max_size=30))
@settings(max_examples=50, deadline=None)
def test_parse_wells_round_trip(cells):
    labels = row_labels(32)
    names = [f"{labels[r]}{c:02d}" for r, c in cells]
    parsed = parse_wells(names, 1536)
    assert parsed["row"].tolist() == [r for r, _ in cells]
    assert parsed["col"].tolist() == [c - 1 for _, c in cells]


@pytest.mark.parametrize(
    ("fmt", "counts"),
    [
        (96, {"sample": 80, "neutral": 8, "inhibitor": 8}),
        (384, {"sample": 320, "neutral": 32, "inhibitor": 32}),
        (1536, {"sample": 1280, "neutral": 64, "inhibitor": 64, "empty": 128}),
    ],
)
def test_generated_layout_counts(fmt, counts):
    lay = calculate_layout(fmt, top="10uM", dilution=3, points=10, replicates=2)
    assert lay["role"].value_counts().to_dict() == counts
    assert len(lay) == fmt and lay.attrs["plate_format"] == fmt
    # every compound: 10 concentrations x 2 replicates, 3-fold from 10 uM
    per = lay[lay["role"] == "sample"].groupby("compound")["conc"]
    assert (per.size() == 20).all()
    first = np.sort(lay.loc[lay["compound"] == "cpd-01", "conc"].unique())[::-1]
    np.testing.assert_allclose(first, 10.0 / 3.0 ** np.arange(10), rtol=1e-12)


def test_generated_layout_direction_units_and_controls():
    lay = calculate_layout(
        96, top="1uM", dilution=2, points=8, replicates=1, direction="ascending",
        unit="nM", controls={"neutral": [1], "inhibitor": [2]},
    )  # fmt: skip
    row_a = lay[(lay["row"] == "A") & (lay["role"] == "sample")]
    assert row_a["conc"].tolist() == pytest.approx(1000.0 / 2.0 ** np.arange(8)[::-1])
    assert set(lay["unit"]) == {"nM"}
    assert set(lay.loc[lay["column"] == 2, "role"]) == {"inhibitor"}


def test_allosteric_layout():
    lay = calculate_layout(
        384, top="100uM", points=10, replicates=2, mode="allosteric",
        modulator_concs=[0, 0.1, 1], compounds=["nam"],
    )  # fmt: skip
    s = lay[lay["role"] == "sample"]
    assert sorted(s["conc"].unique()) == [0, 0.1, 1]
    assert s.groupby("conc")["agonist_conc"].nunique().eq(10).all()
    assert set(lay["role"]) == {"sample", "neutral", "agonist", "empty"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"points": 30}, r"Invalid `points`: got 30, a 384-well plate has only 20"),
        ({"compounds": [f"c{i}" for i in range(20)]}, r"40 dilution series do not fit"),
        ({"controls": {"neutral": [25]}}, r"neutral column 25 is not on the plate"),
        ({"dilution": 1}, r"Invalid `dilution`"),
        ({"direction": "up"}, r"Invalid `direction`: got 'up'"),
    ],
)
def test_generated_layout_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        calculate_layout(384, top="10uM", **kwargs)


def test_read_layout_example_and_aliases():
    lay = read_layout(example_path("plate_layout_tiny"))
    assert lay["role"].tolist() == ["neutral", "sample", "sample", "sample", "inhibitor", "empty"]
    df = pd.DataFrame(
        {"well": ["A01", "A2", "A3"], "role": ["Vehicle", "max_inhibition", "agonist-only"]}
    )
    out = read_layout(df, conc_unit="nM")
    assert out["role"].tolist() == ["neutral", "inhibitor", "agonist"]
    assert out["well"].tolist() == ["A1", "A2", "A3"]


def _write(tmp_path, text):
    p = tmp_path / "layout.csv"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "well,role,compound,conc,unit\nA1,sample,x,1,uM\nA1,neutral,,,uM\n",
            r"layout.csv, column 'well': well A1 appears more than once \(rows 2 and 3\)",
        ),
        (
            "well,role,compound,conc,unit\nA1,sample,x,1,uM\nA2,sample,x,10,nM\n",
            r"layout.csv, row 3, column 'unit': mixed units \(uM, nM\)",
        ),
        (
            "well,role,compound,conc,unit\nA1,sample,,1,uM\n",
            r"layout.csv, row 2, column 'compound': sample well A1 has no compound",
        ),
        (
            "well,role,compound,conc,unit\nA1,sample,x,,uM\n",
            r"row 2, column 'conc': sample well A1 has no concentration",
        ),
        (
            "well,role,compound,conc,unit\nA1,sample,x,-1,uM\n",
            r"row 2, column 'conc': concentration -1 is not >= 0",
        ),
        (
            "well,role,compound,conc,unit\nA1,control,x,1,uM\n",
            r"row 2, column 'role': unknown role 'control' \(well A1\)",
        ),
        (
            "well,role,compound,conc,unit\nQ25,sample,x,1,uM\n",
            r"layout.csv, row 2, column 'well': well 'Q25' is not on a 384-well plate",
        ),
        ("well,role,compound,conc\nA1,sample,x,1\n", r"the layout has no 'unit' column"),
        ("well,compound,conc\nA1,x,1\n", r"no column 'role'"),
    ],
)
def test_read_layout_bad_files(tmp_path, text, match):
    with pytest.raises(InputError, match=match):
        read_layout(_write(tmp_path, text), plate_format=384)
