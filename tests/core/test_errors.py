import pytest

from preclin.core import errors


def test_tree_and_codes():
    assert issubclass(errors.InputError, errors.PreclinError)
    assert issubclass(errors.InputError, ValueError)
    assert issubclass(errors.FitError, RuntimeError)
    assert issubclass(errors.ConvergenceWarning, errors.PreclinWarning)
    assert issubclass(errors.DataQualityWarning, UserWarning)
    codes = [
        c.code
        for c in (
            errors.PreclinError,
            errors.InputError,
            errors.FitError,
            errors.KnowledgeBaseError,
            errors.PreclinWarning,
            errors.ConvergenceWarning,
            errors.DataQualityWarning,
        )
    ]
    assert len(set(codes)) == len(codes)
    assert errors.InputError.code == "INPUT"


def test_input_error_is_one_line_with_location():
    e = errors.InputError(
        "negative concentration -3",
        file="a.csv",
        row=4,
        column="conc",
        hint="use >= 0\n(0 = vehicle)",
    )
    assert (
        str(e) == "a.csv, row 4, column 'conc': negative concentration -3; use >= 0 (0 = vehicle)"
    )
    assert "\n" not in str(e)
    assert (e.file, e.row, e.column) == ("a.csv", 4, "conc")


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (errors.InputError("x"), 2),
        (errors.FitError("x"), 3),
        (errors.KnowledgeBaseError("x"), 4),
        (RuntimeError("x"), 1),
    ],
)
def test_exit_codes(exc, code):
    assert errors.exit_code_for(exc) == code
