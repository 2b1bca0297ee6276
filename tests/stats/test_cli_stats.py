"""`preclin stats`: one JSON document, a readable summary, exit 2 on bad input."""

import json

import pandas as pd
import pytest

from preclin.cli import main
from preclin.datasets import example_path
from preclin.stats import describe, posthoc
from preclin.testing import assert_allclose

KEYS = {"describe", "anova", "welch", "kruskal", "posthoc"}


def test_stats_one_way_json_and_summary(tmp_path, capsys):
    out = tmp_path / "res.json"
    path = example_path("fst_groups")
    code = main(
        [
            "stats",
            str(path),
            "--dv",
            "immobility_s",
            "--between",
            "group",
            "--control",
            "vehicle",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "mean ± SEM (n)" in text and "dunnett" in text and "Welch ANOVA" in text
    doc = json.loads(out.read_text())
    assert set(doc) >= KEYS
    data = pd.read_csv(path)
    want = posthoc(data, "immobility_s", "group", control="vehicle")
    got = pd.DataFrame(doc["posthoc"])
    assert list(got.columns) == list(want.columns)
    assert_allclose(got["pvalue"], want["pvalue"], "closed_form")
    assert [r["n"] for r in doc["describe"]] == describe(data, "immobility_s", "group")[
        "n"
    ].tolist()
    assert doc["anova"][0]["source"] == "group" and doc["anova"][1]["source"] == "Residual"


@pytest.mark.parametrize("method", ["tukey", "games-howell", "dunn"])
def test_stats_other_posthoc(method, tmp_path):
    out = tmp_path / "res.json"
    code = main(
        [
            "stats",
            str(example_path("fst_groups")),
            "--dv",
            "immobility_s",
            "--between",
            "group",
            "--posthoc",
            method,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = json.loads(out.read_text())["posthoc"]
    assert len(rows) == 10 and rows[0]["method"] == method


def test_stats_repeated_has_mixed(local_reference, tmp_path):
    out = tmp_path / "rm.json"
    code = main(
        [
            "stats",
            str(local_reference / "stats" / "groups_repeated_data.csv"),
            "--dv",
            "sucrose_pct",
            "--between",
            "group",
            "--within",
            "week",
            "--subject",
            "rat",
            "--control",
            "vehicle",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads(out.read_text())
    assert KEYS | {"mixed"} <= set(doc)
    assert [t["source"] for t in doc["mixed"]["tests"]] == ["group", "week", "group:week"]
    assert doc["anova"][1]["eps_gg"] == pytest.approx(0.662597843593209, rel=1e-8)
    assert {r["week"] for r in doc["posthoc"]} == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--control", "placebo"], "Invalid `control`: got 'placebo'"),
        (["--posthoc", "scheffe"], "Invalid `posthoc`: got 'scheffe'"),
        (["--posthoc", "tukey", "--alternative", "less"], "must be two-sided for tukey"),
        (["--within", "week"], "needs both --within"),
    ],
)
def test_stats_bad_options_exit_2(extra, message, capsys):
    code = main(
        [
            "stats",
            str(example_path("fst_groups")),
            "--dv",
            "immobility_s",
            "--between",
            "group",
            *extra,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_stats_bad_data_exit_2(tmp_path, capsys):
    bad = tmp_path / "fst.csv"
    bad.write_text("group,immobility_s\nvehicle,120\nvehicle,abc\ndrug,90\ndrug,80\n")
    assert main(["stats", str(bad), "--dv", "immobility_s", "--between", "group"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, row 3, column 'immobility_s': 'abc' is not a number" in err
    one = tmp_path / "one.csv"
    one.write_text("group,immobility_s\nvehicle,120\nvehicle,110\ndrug,90\n")
    assert main(["stats", str(one), "--dv", "immobility_s", "--between", "group"]) == 2
    assert "group 'drug' has n = 1, needs n >= 2" in capsys.readouterr().err
