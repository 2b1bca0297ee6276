"""`preclin study analyze`, `preclin fst score`, `preclin fst agreement` (exit codes, outputs)."""

import json

import pandas as pd

from preclin.cli import main
from preclin.datasets import example_path


def test_study_analyze_writes_json_and_figures(tmp_path, capsys):
    out = tmp_path / "results.json"
    figs = tmp_path / "figs"
    assert main(["study", "analyze", str(example_path("fst_study")), "--out", str(out),
                 "--figures", str(figs)]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "immobility_s" in text and "173 ± 8.3" in text
    payload = json.loads(out.read_text())
    assert payload["study"]["name"] == "FST-cpdA-01"
    assert len(list(figs.glob("*.svg"))) >= 4


def test_fst_score_formats(tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["fst", "score", str(example_path("fst_events")), "--out", str(out)]) == 0
    scores = pd.read_csv(out)
    assert len(scores) == 40 and "immobility_s" in scores.columns
    assert main(["fst", "score", str(example_path("fst_traces")), "--fps", "10",
                 "--threshold", "0.015"]) == 0  # fmt: skip
    assert "R02" in capsys.readouterr().out


def test_fst_agreement_with_kappa(capsys):
    assert main(["fst", "agreement", str(example_path("fst_events")),
                 str(example_path("fst_rater_b"))]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "ICC(2,1)" in out and "kappa" in out


def test_cli_bad_input_exit_2(tmp_path, capsys):
    traces = str(example_path("fst_traces"))
    assert main(["fst", "score", traces, "--fps", "30", "--threshold", "0.01"]) == 2
    assert "fst_traces.csv, row 3, column 'time_s'" in capsys.readouterr().err
    assert main(["fst", "score", traces]) == 2
    assert "pass --fps" in capsys.readouterr().err
    assert main(["fst", "score", str(example_path("fst_events")), "--window", "0-400s"]) == 2
    assert "after the end of the 360 s test" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("animal,behavior,start_s,stop_s\nR1,swimming,0,100\nR1,immobility,90,200\n")
    assert main(["fst", "score", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv, row 3, column 'start_s': event overlaps the previous one" in err
    video = tmp_path / "v.mp4"
    video.write_bytes(b"garbage" * 50)
    assert main(["fst", "score", str(video)]) == 2
    err = capsys.readouterr().err
    assert "v.mp4: cannot" in err or "needs OpenCV" in err
    assert main(["study", "analyze", str(tmp_path / "none.yaml")]) == 2
