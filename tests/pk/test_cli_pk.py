"""``preclin pk`` commands: output, units, exit codes."""

import pandas as pd
import pytest

from preclin.cli import main
from preclin.core import read_table
from preclin.testing import assert_allclose

SIM = [
    "pk",
    "simulate",
    "--model",
    "1cpt-oral",
    "--param",
    "ka=1.2/h",
    "--param",
    "ke=0.09902102579/h",
    "--param",
    "V=1.5L/kg",
    "--param",
    "F=0.5",
    "--dose",
    "10mg/kg",
    "--tau",
    "12h",
    "--n-doses",
    "28",
]


def test_simulate_matches_reference(tmp_path, capsys, shared_reference):
    out = tmp_path / "conc.csv"
    ref = pd.read_csv(shared_reference / "pk" / "onecmt_oral_bid_conc.csv")
    times = ",".join(str(t) for t in ref["time_h"])
    code = main(
        [
            *SIM,
            "--fu",
            "0.015",
            "--kd",
            "1.1nM",
            "--mw",
            "325.77",
            "--times",
            times,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "units: time=h, conc=mg/L, conc_unbound=mg/L, occupancy=fraction" in text
    assert out.read_text().startswith("# units: time=h, conc=mg/L")
    df = read_table(out)
    assert list(df.columns) == ["time", "conc", "conc_unbound", "occupancy"]
    assert_allclose(df["conc"], ref["conc_desolve_lsoda_mg_per_L"], rtol=1e-8)


def test_hed_and_dose_for_occupancy(capsys):
    assert main(["pk", "hed", "--dose", "2.5mg/kg", "--species", "rat"]) == 0
    text = capsys.readouterr().out
    assert "0.4054" in text and "2.432" in text and "units: hed=mg/kg" in text
    args = [
        "pk",
        "dose-for-occupancy",
        "--model",
        "1cpt-oral",
        "-p",
        "ka=1.2/h",
        "-p",
        "ke=0.09902102579/h",
        "-p",
        "V=1.5L/kg",
        "-p",
        "F=0.5",
        "--tau",
        "12h",
        "--target",
        "0.8",
        "--trough",
        "--ppb",
        "98.5",
        "--kd",
        "1.1nM",
        "--mw",
        "325.77",
    ]
    assert main(args) == 0
    assert "0.6" in capsys.readouterr().out
    occ = ["pk", "occupancy", *SIM[2:-2], "--ppb", "98.5", "--kd", "1.1nM", "--mw", "325.77"]
    assert main(occ) == 0
    assert "occupancy_min" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--model", "4cpt"], "Invalid `model`: got '4cpt'"),
        (["--fu", "1.5"], r"Invalid `fu`: got 1.5"),
        (["--kd", "1.1nM"], "without a molar mass"),
        (["--conc-unit", "nM"], "without a molar mass"),
        (["--tau", "0h"], r"Invalid `tau`: got '0h', must be > 0 h"),
        (["--dose", "-1mg/kg"], r"Invalid `dose`: got '-1mg/kg', must be >= 0"),
        (["--param", "Vmax=3"], "Invalid parameter name: got 'Vmax'"),
        (["--times", "0:-1"], "Invalid `--times`"),
    ],
)
def test_bad_input_exit_2(capsys, extra, match):
    import re

    args = list(SIM)
    if extra[0] in args and extra[0] not in ("--param",):
        i = args.index(extra[0])
        args[i + 1] = extra[1]
    else:
        args += extra
    assert main(args) == 2
    err = capsys.readouterr().err
    assert re.search(match, err), err
    assert "Traceback" not in err


def test_missing_param_exit_2(capsys):
    args = [
        "pk",
        "simulate",
        "--model",
        "2cpt-iv",
        "-p",
        "CL=1L/h/kg",
        "-p",
        "V=1L/kg",
        "--dose",
        "1mg/kg",
    ]
    assert main(args) == 2
    assert "missing parameter(s) Q, V2 for model '2cpt-iv'" in capsys.readouterr().err


def test_fit_command(local_reference, tmp_path, capsys):
    data = pd.read_csv(local_reference / "pk" / "models_fit_theoph_data.csv")
    f = tmp_path / "s1.csv"
    data[data["Subject"] == 1].rename(columns={"Time": "time"}).to_csv(f, index=False)
    args = ["pk", "fit", str(f), "--model", "1cpt-oral", "--dose", "4.02mg/kg"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "0.0199" in out and "converged: True" in out  # CL = exp(-3.9159) L/h/kg
    assert main([*args, "--conc-col", "nope"]) == 2
    assert "no column 'nope'" in capsys.readouterr().err
