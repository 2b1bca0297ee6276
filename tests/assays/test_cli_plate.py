"""``preclin plate``: analyze / simulate / layout, and one-line errors with exit 2."""

import pandas as pd
import pytest

from preclin.cli import main
from preclin.datasets import example_path


def test_layout_simulate_analyze(tmp_path, capsys):
    lay = tmp_path / "layout.csv"
    args = ["plate", "layout", "--format", "384", "--top", "10uM", "--dilution", "3"]
    assert main([*args, "--points", "10", "--replicates", "2", "--out", str(lay)]) == 0
    assert len(pd.read_csv(lay)) == 384
    t, ly, truth = tmp_path / "t.csv", tmp_path / "l.csv", tmp_path / "truth.csv"
    assert (
        main(
            [
                "plate",
                "simulate",
                "--format",
                "384",
                "--mode",
                "antagonist",
                "--seed",
                "1",
                "--out-traces",
                str(t),
                "--out-layout",
                str(ly),
                "--out-truth",
                str(truth),
            ]
        )
        == 0
    )
    res, qc = tmp_path / "results.csv", tmp_path / "qc.csv"
    code = main(["plate", "analyze", str(t), "--layout", str(ly), "--mode", "antagonist",
                 "--agonist-conc", "3uM", "--agonist-ec50", "0.9uM", "--out", str(res),
                 "--plate-qc", str(qc)])  # fmt: skip
    assert code == 0
    curves, plates = pd.read_csv(res), pd.read_csv(qc)
    assert len(curves) == 16 and {"ic50", "ic50_ci_low", "kb", "hill", "flags"} <= set(curves)
    assert plates.loc[0, "qc_pass"] and plates.loc[0, "z_prime"] > 0.5
    out = capsys.readouterr().out
    assert "basimglurant" in out and "Plate QC" in out


def test_analyze_bundled_example_json(tmp_path):
    out = tmp_path / "r.json"
    tr, lay = example_path("flipr_basimglurant_traces"), example_path("flipr_basimglurant_layout")
    code = main(["plate", "analyze", str(tr), "--layout", str(lay), "--agonist-conc", "3uM",
                 "--agonist-ec50", "0.9uM", "--out", str(out)])  # fmt: skip
    assert code == 0 and '"provenance"' in out.read_text()


def _bad(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


@pytest.mark.parametrize(
    ("layout", "match"),
    [
        ("well,role,compound,conc,unit\nQ25,sample,x,1,uM\n",
         "layout.csv, row 2, column 'well': well 'Q25' is not on a 384-well plate"),
        ("well,role,compound,conc,unit\nA1,sample,x,1,uM\nA2,neutral,,,uM\n",
         "the layout has no 'inhibitor' wells"),
    ],
)  # fmt: skip
def test_analyze_bad_input_exits_2_with_one_line(tmp_path, capsys, layout, match):
    traces = _bad(tmp_path, "traces.csv", "time,A1,A2\n0,10,10\n12,30,20\n")
    code = main(["plate", "analyze", traces, "--layout", _bad(tmp_path, "layout.csv", layout),
                 "--format", "384"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and match in err and len(err.strip().splitlines()) == 1


def test_analyze_well_sets_differ(tmp_path, capsys):
    traces = _bad(tmp_path, "traces.csv", "time,A1,A2,A3\n0,10,10,5\n12,30,20,5\n")
    lay = _bad(tmp_path, "layout.csv",
               "well,role,compound,conc,unit\nA1,neutral,,,uM\nA2,inhibitor,,,uM\n")  # fmt: skip
    assert main(["plate", "analyze", traces, "--layout", lay]) == 2
    assert "well A3 (plate 1) is in" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--baseline", "0to10"], "Invalid `--baseline`: got '0to10'"),
        (["--mode", "inverse"], "Invalid `mode`: got 'inverse'"),
        (["--agonist-conc", "3kg"], "Invalid `agonist_conc`: got '3kg', must be a concentration"),
    ],
)
def test_analyze_bad_options(capsys, args, match):
    code = main(["plate", "analyze", str(example_path("flipr_traces_wide")), "--layout",
                 str(example_path("plate_layout_tiny")), *args])  # fmt: skip
    assert code == 2 and match in capsys.readouterr().err


def test_analyze_endpoint_table(tmp_path):
    lay = tmp_path / "layout.csv"
    assert main(["plate", "layout", "--format", "96", "--top", "10uM", "--out", str(lay)]) == 0
    layout = pd.read_csv(lay)
    conc = layout["conc"].fillna(0).to_numpy()
    act = (layout["role"] == "neutral") * 100.0 + (layout["role"] == "sample") * 100 / (
        1 + conc / 0.3
    )
    reads = tmp_path / "reader.csv"
    pd.DataFrame({"well": layout["well"], "value": 20 + 5 * act}).to_csv(reads, index=False)
    out = tmp_path / "r.csv"
    assert main(["plate", "analyze", str(reads), "--layout", str(lay), "--endpoint",
                 "--out", str(out)]) == 0  # fmt: skip
    assert pd.read_csv(out)["ic50"].round(6).eq(0.3).all()


def test_simulate_and_analyze_allosteric(tmp_path):
    t, ly = tmp_path / "t.csv", tmp_path / "l.csv"
    assert main(["plate", "simulate", "--mode", "allosteric", "--top", "100uM", "--seed", "2",
                 "--out-traces", str(t), "--out-layout", str(ly)]) == 0  # fmt: skip
    out = tmp_path / "r.csv"
    assert main(["plate", "analyze", str(t), "--layout", str(ly), "--mode", "allosteric",
                 "--agonist-ka", "9.9uM", "--out", str(out)]) == 0  # fmt: skip
    r = pd.read_csv(out)
    assert r.loc[0, "kb_ci_low"] < 0.1055 < r.loc[0, "kb_ci_high"]
