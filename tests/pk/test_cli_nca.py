"""``preclin nca``: output files, printed table, bad input → exit 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from preclin.cli import main
from preclin.datasets import example_path, load_example
from preclin.pk import calculate_nca
from preclin.testing import assert_allclose

ARGS = ["--subject", "animal", "--time", "time_h", "--conc", "conc_ng_ml"]


@pytest.fixture(scope="module")
def example():
    return str(example_path("basimglurant_rat_pk"))


def test_nca_example_writes_csv_and_prints(example, tmp_path, capsys):
    out = tmp_path / "nca.csv"
    opts = ["--dose", "dose_mg_kg", "--route", "oral", "--lloq", "10", "--partial", "0-24"]
    code = main(["nca", example, *ARGS, *opts, "--tau", "24", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "NCA of basimglurant_rat_pk.csv" in printed.out
    assert "L/h/kg" in printed.out and "R6" in printed.out
    got = pd.read_csv(out)
    ref = calculate_nca(load_example("basimglurant_rat_pk"), subject="animal", time="time_h",
                        conc="conc_ng_ml", dose="dose_mg_kg", lloq=10, partial_aucs=[(0, 24)],
                        tau=24)  # fmt: skip
    assert list(got.columns) == list(ref.columns)
    for col in ("cmax", "auclast", "aucinf_obs", "cl_obs", "auc_0_24", "auctau_ss"):
        assert_allclose(got[col], ref[col], rtol=1e-12)


def test_nca_json_has_units(example, tmp_path):
    out = tmp_path / "nca.json"
    assert main(["nca", example, *ARGS, "--dose", "10", "--lloq", "10", "-o", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert payload["metadata"]["units"]["cl_obs"] == "L/h/kg"
    assert payload["metadata"]["settings"]["route"] == "extravascular"
    assert len(payload["rows"]) == 6


def test_nca_iv_bolus_alias(local_reference, capsys):
    data = str(local_reference / "pk" / "nca_indometh.csv")
    code = main(["nca", data, "--subject", "Subject", "--time", "time", "--conc", "conc",
                 "--dose", "25", "--route", "iv", "--conc-unit", "ug/mL", "--dose-unit", "mg",
                 "--all"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "route iv-bolus" in out and "aucivinf_obs" in out


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ([], r"row 19, column 'conc_ng_ml': '<LLOQ' is not a number"),
        (["--lloq", "10", "--dose", "dose_mg"], r"no column 'dose_mg'"),
        (["--lloq", "10", "--route", "rectal"], r"Invalid `route`: got 'rectal'"),
        (["--lloq", "10", "--partial", "0:24"], r"Invalid `--partial`: got '0:24'"),
        (["--lloq", "10", "--dose", "10", "--conc-unit", "nM", "--dose-unit", "mg"],
         r"unit mismatch"),
    ],
)  # fmt: skip
def test_nca_bad_input_exit_2(example, capsys, extra, pattern):
    import re

    assert main(["nca", example, *ARGS, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert re.search(pattern, err), err
