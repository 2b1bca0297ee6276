"""``preclin receptor`` commands: output, files, and exit 2 on bad input."""

import json

import pandas as pd
import pytest

from preclin.cli import main


def test_cheng_prusoff_functional_and_binding(capsys):
    assert (
        main(
            [
                "receptor",
                "cheng-prusoff",
                "--ic50",
                "12nM",
                "--agonist-conc",
                "3uM",
                "--agonist-ec50",
                "0.9uM",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "KB (Leff–Dougall)" in out and "2.769" in out and "8.558" in out
    assert (
        main(
            [
                "receptor",
                "cheng-prusoff",
                "--ic50",
                "24nM",
                "--radioligand-conc",
                "1nM",
                "--kd",
                "1nM",
            ]
        )
        == 0
    )
    assert "12" in capsys.readouterr().out


def test_occupancy(capsys):
    assert main(["receptor", "occupancy", "--conc", "5nM", "--kd", "1.1nM"]) == 0
    assert "0.8197" in capsys.readouterr().out


def test_schild_writes_json_and_csv(local_reference, tmp_path, capsys):
    data = str(local_reference / "receptor" / "schild.csv")
    args = [
        "receptor",
        "schild",
        data,
        "--x",
        "agonist_M",
        "--y",
        "response",
        "--antagonist",
        "antagonist_M",
    ]
    assert main([*args, "--out", str(tmp_path / "s.json")]) == 0
    res = json.loads((tmp_path / "s.json").read_text())
    assert abs(res["pa2"] - 8.2928) < 1e-3
    assert main([*args, "--out", str(tmp_path / "s.csv")]) == 0
    assert list(pd.read_csv(tmp_path / "s.csv").term) == ["slope", "intercept", "pa2", "pkb"]
    assert "Schild regression" in capsys.readouterr().out


def test_pathway_csv(tmp_path):
    assert main(["receptor", "pathway", "mglur5", "--out", str(tmp_path / "e.csv")]) == 0
    edges = pd.read_csv(tmp_path / "e.csv")
    assert {"source", "target", "sign", "ref_id"} <= set(edges.columns)
    assert main(["receptor", "pathway", "5ht1a", "--nodes"]) == 0


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ["cheng-prusoff", "--ic50", "12nM", "--agonist-conc", "3uM"],
            "needs --agonist-conc and --agonist-ec50",
        ),
        (
            [
                "cheng-prusoff",
                "--ic50",
                "12ng/mL",
                "--agonist-conc",
                "3uM",
                "--agonist-ec50",
                "1uM",
            ],
            "without a molar mass",
        ),
        (
            [
                "cheng-prusoff",
                "--ic50",
                "12nM",
                "--agonist-conc",
                "3uM",
                "--agonist-ec50",
                "1uM",
                "--kd",
                "1nM",
            ],
            "not both",
        ),
        (["occupancy", "--conc", "-5nM", "--kd", "1.1nM"], "Invalid `conc`"),
        (["pathway", "gaba"], "Invalid `name`"),
    ],
)
def test_bad_input_exit_2(args, match, capsys):
    assert main(["receptor", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and match in err and "Traceback" not in err


def test_schild_with_one_antagonist_concentration_exit_2(tmp_path, capsys):
    df = pd.DataFrame(
        {"a": [1e-9, 1e-8, 1e-7] * 2, "b": [0.0] * 3 + [1e-8] * 3, "r": [1.0, 50, 90, 0.5, 30, 80]}
    )
    df.to_csv(tmp_path / "d.csv", index=False)
    code = main(
        [
            "receptor",
            "schild",
            str(tmp_path / "d.csv"),
            "--x",
            "a",
            "--y",
            "r",
            "--antagonist",
            "b",
        ]
    )
    assert code == 2
    assert "at least 2 antagonist concentrations" in capsys.readouterr().err
