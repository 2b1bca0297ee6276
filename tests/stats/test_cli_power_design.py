"""``preclin power`` and ``preclin design`` commands."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from preclin.cli import main
from preclin.datasets import example_path


@pytest.fixture(scope="module")
def ref(local_reference):
    return json.loads((local_reference / "stats" / "design_power.json").read_text())


def test_power_n_from_raw_effect(capsys, ref):
    assert main(["power", "--test", "t2", "--effect", "40", "--sd", "30", "--power", "0.8"]) == 0
    out = capsys.readouterr().out
    want = next(r for r in ref["t_raw"] if r["delta"] == 40)
    assert f"n = {want['n']:.4g} per group -> use 10" in out


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--test", "t2", "--effect", "0.8", "--power", "0.8"], "use 26"),
        (["--test", "t2", "--effect", "1", "--n", "10"], "power = 0.562"),
        (["--test", "paired", "--effect", "1", "--power", "0.8"], "t paired"),
        (["--test", "anova", "--effect", "0.4", "--k", "4", "--power", "0.8"], "use 19"),
        (["--test", "prop2", "--p1", "0.2", "--p2", "0.5", "--power", "0.8"], "use 38"),
        (
            [
                "--test",
                "prop2",
                "--p1",
                "0.2",
                "--p2",
                "0.5",
                "--power",
                "0.8",
                "--method",
                "normal",
            ],
            "use 39",
        ),
        (["--test", "resource", "--k", "4"], "4 to 6 animals per group"),
        (["--test", "t1", "--n", "10", "--power", "0.8"], "solved for d"),
    ],
)
def test_power_variants(capsys, args, text):
    assert main(["power", *args]) == 0
    assert text in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--effect", "-1", "--n", "10"], "Invalid `--effect`: got -1"),
        (["--effect", "40", "--sd", "-30", "--n", "10"], "Invalid `--sd`: got -30"),
        (["--effect", "1", "--power", "1.5"], r"Invalid `power`: got 1.5"),
        (["--effect", "1", "--n", "1"], r"Invalid `n`: got 1"),
        (["--effect", "1"], "exactly one of"),
        (["--test", "anova", "--effect", "0.4", "--n", "5"], "needs --k"),
        (["--test", "t3", "--effect", "1", "--n", "5"], r"Invalid `test`: got 't3'"),
    ],
)
def test_power_bad_input_exit_2(capsys, args, match):
    import re

    assert main(["power", *args]) == 2
    err = capsys.readouterr().err
    assert re.search(match, err) and "Traceback" not in err


def test_randomize_writes_files_reproducibly(tmp_path, capsys):
    animals = str(example_path("animals"))
    outs = []
    for run in range(2):
        alloc, key = tmp_path / f"a{run}.csv", tmp_path / f"k{run}.csv"
        args = [
            "design",
            "randomize",
            animals,
            "--groups",
            "vehicle,1,3,10,imipramine",
            "--block-by",
            "sex",
            "--seed",
            "7",
            "--out",
            str(alloc),
            "--key",
            str(key),
        ]
        assert main(args) == 0
        outs.append((alloc.read_bytes(), key.read_bytes()))
    assert outs[0] == outs[1]
    table = pd.read_csv(tmp_path / "a0.csv")
    key = pd.read_csv(tmp_path / "k0.csv")
    assert len(table) == 40 and "group" not in table.columns
    full = table.merge(key, on="code")
    assert (pd.crosstab(full["sex"], full["group"]).to_numpy() == 4).all()
    assert "Animals per block and group" in capsys.readouterr().out


def test_randomize_bad_input(tmp_path, capsys):
    animals = str(example_path("animals"))
    assert (
        main(
            [
                "design",
                "randomize",
                animals,
                "--groups",
                "a,b",
                "--block-by",
                "litter",
                "--seed",
                "1",
            ]
        )
        == 2
    )
    assert "no column 'litter'" in capsys.readouterr().err
    few = tmp_path / "few.csv"
    few.write_text("animal,sex\nA1,F\nA2,M\n")
    assert main(["design", "randomize", str(few), "--groups", "a,b,c", "--seed", "1"]) == 2
    assert "2 animals for 3 groups" in capsys.readouterr().err
    assert (
        main(["design", "randomize", str(tmp_path / "nope.csv"), "--groups", "a,b", "--seed", "1"])
        == 2
    )
    assert "file not found" in capsys.readouterr().err


def test_arrive(tmp_path, capsys):
    study = tmp_path / "study.yaml"
    study.write_text("study: CMS\ngroups: vehicle and 5 doses\nblinding: coded vials\n")
    out = tmp_path / "checklist.csv"
    assert main(["design", "arrive", str(study), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "2 of 22 sub-items reported" in text
    assert pd.read_csv(out)["status"].value_counts()["reported"] == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("blindng: yes\n")
    assert main(["design", "arrive", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "unknown ARRIVE key(s): blindng" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("groups: [a\n")
    assert main(["design", "arrive", str(broken)]) == 2
    assert "not valid YAML" in capsys.readouterr().err
