import numpy as np
import pytest

from preclin.core import InputError, convert, parse_quantity, to_molar
from preclin.core.units import dimension_of
from preclin.testing import assert_allclose


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (1.0, "uM", "nM", 1000.0),
        (1.0, "µM", "nM", 1000.0),
        (1.0, "μM", "M", 1e-6),
        (250.0, "pM", "nM", 0.25),
        (1.0, "mg/mL", "ng/mL", 1e6),
        (2.0, "h", "min", 120.0),
        (1.0, "mg/kg", "ug/kg", 1000.0),
    ],
)
def test_convert(value, src, dst, expected):
    assert_allclose(convert(value, src, dst), expected)


def test_mass_molar_with_molar_mass():
    # basimglurant free base 325.77 g/mol: 1 nM = 0.32577 ng/mL
    assert_allclose(convert(1.0, "nM", "ng/mL", molar_mass=325.77), 0.32577)
    assert_allclose(
        to_molar(np.array([325.77]), "ng/mL", molar_mass=325.77), [1e-6]
    )  # 325.77 ng/mL = 1 uM
    with pytest.raises(InputError, match="without a molar mass"):
        convert(1.0, "ng/mL", "nM")
    with pytest.raises(InputError, match="cannot convert nM"):
        convert(1.0, "nM", "h")
    with pytest.raises(InputError, match="molar_mass"):
        convert(1.0, "ng/mL", "nM", molar_mass=-1)


def test_parse_quantity():
    assert parse_quantity("10mg/kg") == (10.0, "mg/kg")
    assert parse_quantity("1.5e-3 M") == (1.5e-3, "M")
    assert parse_quantity("12h") == (12.0, "h")
    assert parse_quantity(3, default_unit="nM") == (3.0, "nM")
    with pytest.raises(InputError, match="must say its unit"):
        parse_quantity("3")
    with pytest.raises(InputError, match="pint cannot parse"):
        parse_quantity("3 furlongs_per_fortnightx")
    with pytest.raises(InputError, match="must be a number and a unit"):
        parse_quantity("ten mg")


def test_dimensions():
    assert dimension_of("ng/mL") == "mass_concentration"
    assert dimension_of("M") == "molar"
    assert dimension_of("1/h") == "rate"
