import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preclin.core import InputError, numeric_column, read_table, require_columns, write_table
from preclin.core.validation import check_array, check_option, check_scalar


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_read_csv_remembers_source_and_rows(tmp_path):
    p = _write(tmp_path, "d.csv", "# comment\nconc,resp\n1,2\n3,abc\n")
    df = read_table(p)
    assert df.attrs["source"] == str(p)
    assert df.attrs["first_row"] == 3
    with pytest.raises(InputError, match=r"d\.csv, row 4, column 'resp': 'abc' is not a number"):
        numeric_column(df, "resp")


def test_semicolon_and_tsv(tmp_path):
    df = read_table(_write(tmp_path, "d.csv", "a;b\n1;2\n"))
    assert list(df.columns) == ["a", "b"]
    df = read_table(_write(tmp_path, "d.tsv", "a\tb\n1\t2\n"))
    assert df["b"].tolist() == [2]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "the file is empty"),
        ("a,b\n", "header but no rows"),
        ("a,a\n1,2\n", "duplicate column"),
    ],
)
def test_bad_files(tmp_path, text, match):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=match):
        read_table(p)


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"unknown table format '\.foo'"):
        read_table(_write(tmp_path, "x.foo", "a\n1\n"))


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".json", ".xlsx"])
def test_roundtrip(tmp_path, suffix):
    df = pd.DataFrame({"id": ["a", "b"], "x": [1.5, np.nan], "n": [1, 2]})
    p = write_table(df, tmp_path / f"t{suffix}")
    back = read_table(p)
    assert back["id"].tolist() == ["a", "b"]
    assert back["x"].iloc[0] == 1.5 and np.isnan(back["x"].iloc[1])


def test_json_with_metadata(tmp_path):
    import json

    p = write_table(pd.DataFrame({"x": [np.nan]}), tmp_path / "m.json", metadata={"unit": "uM"})
    payload = json.loads(p.read_text())
    assert payload == {"metadata": {"unit": "uM"}, "rows": [{"x": None}]}


def test_require_columns_names_alternatives():
    df = pd.DataFrame({"conc": [1.0], "resp": [2.0]})
    with pytest.raises(
        InputError, match=r"no column 'response'; the columns are conc, resp; pass"
    ):
        require_columns(df, ["conc", "response"], source="p.csv", option="--y")


def test_numeric_column_checks():
    df = pd.DataFrame({"c": [1.0, -2.0, np.inf, np.nan]})
    with pytest.raises(InputError, match="row 1, column 'c': concentration -2 is not >= 0"):
        numeric_column(df.iloc[:2], "c", min_value=0, what="concentration")
    with pytest.raises(InputError, match="is infinite"):
        numeric_column(df.iloc[[0, 2]], "c")
    with pytest.raises(InputError, match="missing value"):
        numeric_column(df.iloc[[0, 3]], "c")
    out = numeric_column(df.iloc[[0, 3]], "c", allow_missing=True)
    assert np.isnan(out[1])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=5)),
        min_size=1,
        max_size=20,
    )
)
def test_numeric_column_property(values):
    """Any mixture of numbers and text either parses to exactly the numbers or names a bad row."""
    df = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    try:
        out = numeric_column(df, "v")
    except InputError as exc:
        assert "column 'v'" in str(exc)
        assert exc.row is not None
    else:
        assert out.shape == (len(values),)
        assert np.all(np.isfinite(out))


def test_argument_checks():
    assert check_option("model", "ll4", ["ll4", "ll5"]) == "ll4"
    with pytest.raises(
        InputError, match=r"^Invalid `model`: got 'll9', must be one of ll4, ll5\.$"
    ):
        check_option("model", "ll9", ["ll4", "ll5"])
    with pytest.raises(InputError, match=r"must be in \(0, 1\]"):
        check_scalar("fu", 1.5, low=0, high=1, closed="right")
    with pytest.raises(InputError, match="must be an integer"):
        check_scalar("n", 2.5, integer=True)
    with pytest.raises(InputError, match="must be a number"):
        check_scalar("n", "three")
    with pytest.raises(InputError, match="element 0 is NaN"):
        check_array("y", [np.nan])
