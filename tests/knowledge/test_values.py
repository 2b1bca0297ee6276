import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from preclin.core.errors import InputError
from preclin.knowledge import parse_value
from preclin.knowledge._values import parse_values


@pytest.mark.parametrize(
    ("text", "num", "low", "high", "qualifier"),
    [
        ("24", 24, None, None, None),
        ("-9.04", -9.04, None, None, None),
        ("~50", 50, None, None, "approx"),
        ("98-99", None, 98, 99, "range"),
        ("1300-41000", None, 1300, 41000, "range"),
        ("0.8-1.0", None, 0.8, 1.0, "range"),
        ("97 (mean)", 97, None, None, "mean"),
        ("10-30 (mean 20)", 20, 10, 30, "mean"),
        ("mean 24.5 (10-60)", 24.5, 10, 60, "mean"),
        ("up to 10", None, None, 10, "up_to"),
        ("<5", None, None, 5, "below"),
        (">30000", None, 30000, None, "above"),
        ("2-3 (IR); 5 (ER)", None, None, None, "multiple"),
        ("", None, None, None, None),
    ],
)
def test_parse_value_forms(text, num, low, high, qualifier):
    p = parse_value(text)
    assert (p.num, p.low, p.high, p.qualifier) == (num, low, high, qualifier)


def test_parse_value_dispersion():
    p = parse_value("1.380 (SD 0.46)")
    assert (p.num, p.dispersion, p.dispersion_type) == (1.38, 0.46, "SD")
    assert parse_value("5 (SEM 1)").dispersion_type == "SEM"


@pytest.mark.parametrize("text", ["not stated in abstract", "abc", "5-2", "1e5 mg", "NaN", "a; b"])
def test_parse_value_rejects(text):
    assert parse_value(text) is None


def test_parse_values_names_the_cell():
    s = pd.Series(["1", "~2", "twelve"], dtype=object)
    with pytest.raises(
        InputError, match=r"f.csv, row 4, column 'value': 'twelve' is not a number"
    ):
        parse_values(s, column="value", file="f.csv", rows=np.array([2, 3, 4]))
    with pytest.raises(InputError, match="'~2' is not a number; write it as a plain number"):
        parse_values(s[:2], column="mean", file="f.csv", rows=np.array([2, 3]), plain=True)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_plain_numbers_round_trip(x):
    assert parse_value(repr(x)).num == x


@given(
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_ranges_never_invent_a_centre(a, b):
    lo, hi = sorted((a, b))
    p = parse_value(f"{lo!r}-{hi!r}")
    assert p.num is None and p.low == lo and p.high == hi
    assert not math.isnan(p.low)
