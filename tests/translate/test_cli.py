"""``preclin trial`` and ``preclin translate``: output, files, exit codes."""

import json

import pytest

from preclin.cli import main
from preclin.datasets import example_path


def test_trial_simulate_json(tmp_path, capsys):
    out = tmp_path / "power.json"
    code = main(
        [
            "trial",
            "simulate",
            "--n",
            "150",
            "--effect-smd",
            "0.3",
            "--dropout",
            "0.2",
            "--n-sim",
            "2000",
            "--seed",
            "1",
            "--analysis",
            "ttest",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "power =" in printed and "discount: none" in printed
    res = json.loads(out.read_text())
    assert res["n_sim"] == 2000 and 0.55 < res["power"] < 0.72
    assert res["assumptions"]["dropout"] == 0.2


def test_trial_simulate_with_animal_effect(capsys):
    code = main(
        [
            "trial",
            "simulate",
            "--animal-g",
            "1.58",
            "--animal-ci",
            "0.47,2.66",
            "--n-sim",
            "500",
            "--seed",
            "2",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "shrinkage ~ Beta(mean 0.2, sd 0.1)" in printed and "assurance" in printed
    assert "Power if the shrinkage assumption is wrong" in printed


def test_trial_size(capsys):
    code = main(
        [
            "trial",
            "size",
            "--effect-smd",
            "0.3",
            "--power",
            "0.8",
            "--analysis",
            "ttest",
            "--n-sim",
            "0",
        ]
    )
    assert code == 0
    assert "176 per arm" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["trial", "simulate", "--effect-smd", "-0.3"], "Invalid `effect_smd`"),
        (["trial", "simulate", "--effect-smd", "0.3", "--placebo-sd", "-8"], "Invalid `sd`"),
        (["trial", "simulate", "--effect-smd", "0.3", "--dropout", "1"], "Invalid `dropout`"),
        (["trial", "simulate", "--effect-smd", "0.3", "--n", "1"], "Invalid `n`"),
        (["trial", "size", "--effect-smd", "-0.3"], "Invalid `effect_smd`"),
    ],
)
def test_bad_input_exit_2(argv, match, capsys):
    assert main(argv) == 2
    assert match in capsys.readouterr().err


def test_translate_html_and_gaps(tmp_path, capsys):
    db = tmp_path / "kb.duckdb"
    out = tmp_path / "bridge.html"
    code = main(
        [
            "translate",
            "basimglurant",
            "--db",
            str(db),
            "--out",
            str(out),
            "--study",
            str(example_path("fst_study")),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "gap: no human PK in the store" in printed
    assert "[ref:R03;R06]" in printed  # sources survive rich markup
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "ref:R03;R04" in page
    assert main(["translate", "CHPG", "--db", str(db)]) == 2
    assert "no data for compound 'CHPG'" in capsys.readouterr().err
    assert main(["translate", "nonexistent-x", "--db", str(db)]) == 2
