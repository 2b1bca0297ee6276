"""``preclin fit`` end to end on the bundled example."""

import pandas as pd
import pytest

from preclin.cli import main
from preclin.datasets import example_path
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def demo():
    return str(example_path("concentration_response"))


def test_fit_demo_table_and_csv(demo, tmp_path, capsys):
    out = tmp_path / "fits.csv"
    args = ["fit", demo, "--x", "conc_uM", "--x-unit", "uM", "--y", "response",
            "--curve", "plate", "--curve", "compound", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    text = capsys.readouterr()
    assert "ec50 (uM) [95% CI]" in text.out and "basimglurant" in text.out
    assert "flat" in text.out and "wrote 20 rows" in text.err
    fits = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert len(fits) == 20 and {"ec50_ci_low", "loglik", "x_unit"} <= set(fits.columns)
    flags = dict(zip(fits.plate + "/" + fits.compound, fits["flags"].fillna("")))
    assert "flat" in flags["P1/cpd-09"] and "flat" in flags["P2/cpd-09"]
    assert "extrapolated" in flags["P2/cpd-10"] and "no_lower_plateau" in flags["P1/cpd-10"]
    assert all(flags[f"P{p}/{c}"] == "" for p in (1, 2) for c in ("basimglurant", "MPEP"))


def test_fit_fix_and_model_options(demo, capsys):
    args = ["fit", demo, "--x", "conc_uM", "--y", "response", "--curve", "plate",
            "--curve", "compound", "--fix", "hill=-1", "--fix", "bottom=0"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "-1 " in out


def test_fit_json_output_matches_python(demo, tmp_path, capsys):
    from preclin.core import read_table
    from preclin.curves import fit_curves

    out = tmp_path / "fits.json"
    args = ["fit", demo, "--x", "conc_uM", "--y", "response", "--curve", "plate",
            "--curve", "compound", "--se", "hessian", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    got = pd.read_json(out)
    ref = fit_curves(read_table(demo), x="conc_uM", y="response", by=["plate", "compound"],
                     se="hessian")  # fmt: skip
    assert_allclose(got["hill_se"], ref["hill_se"], "closed_form")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--model", "ll9"], r"Invalid `model`: got 'll9'"),
        (["--fix", "slope=1"], r"Invalid `fix`: got 'slope', must be one of hill"),
        (["--fix", "hill"], r"Invalid `--fix`: got 'hill', must look like name=value"),
        (["--se", "sandwich"], r"Invalid `se`: got 'sandwich'"),
        (["--ci", "bootstrap"], r"Invalid `ci`: got 'bootstrap'"),
    ],
)
def test_fit_bad_options_exit_2(demo, capsys, extra, message):
    import re

    args = ["fit", demo, "--x", "conc_uM", "--y", "response", *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and "Traceback" not in err


def test_fit_missing_column_names_file(demo, capsys):
    assert main(["fit", demo, "--x", "dose", "--y", "response"]) == 2
    err = capsys.readouterr().err
    assert "concentration_response.csv" in err and "no column 'dose'" in err
