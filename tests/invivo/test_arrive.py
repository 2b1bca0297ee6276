"""ARRIVE 2.0 Essential 10 of a study through preclin.stats.arrive_checklist: what the
study file reports, completed by the analysis (methods, n, results), and the CLI export."""

import pandas as pd
import pytest

from preclin.cli import main
from preclin.datasets import example_path
from preclin.invivo import analyze_study, load_study
from preclin.stats import ArriveChecklist, arrive_checklist


@pytest.fixture(scope="module")
def fst_checklist():
    return analyze_study(example_path("fst_study")).arrive_checklist()


def _status(chk):
    return chk.items.set_index("item")["status"]


def test_study_file_items():
    study = load_study(example_path("fst_study"))
    chk = study.arrive_checklist()
    assert isinstance(chk, ArriveChecklist) and chk.study == "FST-cpdA-01"
    status = _status(chk)
    reported = ["1a", "1b", "2a", "2b", "3a", "4a", "5", "6a", "8a", "8b", "9a", "9b", "9d"]
    assert (status[reported] == "reported").all()
    # only the analysis knows these; the study file cannot claim them
    assert (status[["3b", "3c", "7a", "10a", "10b"]] == "missing").all()
    text = chk.items.set_index("item")["reported"]
    assert "Sprague-Dawley" in text["8a"]
    assert "vehicle 8" in text["2a"] and "40 animals in total" in text["2a"]
    assert "control vehicle" in text["1a"]
    # the same as feeding the study's metadata to the stats room's generator by hand
    direct = arrive_checklist({"study": study.name, **study.arrive_metadata()})
    pd.testing.assert_frame_equal(chk.items, direct.items)


def test_analysis_completes_methods_and_results(fst_checklist):
    status = _status(fst_checklist)
    assert (status[["3b", "3c", "7a", "10a", "10b"]] == "reported").all()
    # nothing in the study file or the analysis says these: stay honest
    assert (status[["4b", "6b", "7b", "9c"]] == "missing").all()
    text = fst_checklist.items.set_index("item")["reported"]
    assert "vehicle 173 ± 8.3 SEM (n = 8)" in text["10a"]  # R: reference/invivo/study_fst.json
    assert "dunnett" in text["7a"].lower() and "software: preclin" in text["7a"]
    assert "imipramine 20 vs vehicle" in text["10b"] and "g = " in text["10b"]
    assert "basimglurant" in text["10b"]  # its dose series
    assert text["3b"].startswith("none")


def test_cms_checklist_reports_missing_weeks_mixed_model_and_window(cms_result):
    text = cms_result.arrive_checklist().items.set_index("item")["reported"]
    assert "W12 has no data in week 6" in text["3b"]
    assert "preclin.stats.mixed_model" in text["7a"] and "cms onset:" in text["7a"]
    assert "alnespirone: effective window 2.5 to 5" in text["10b"]


def test_cli_writes_checklist(tmp_path, capsys):
    out = tmp_path / "arrive.csv"
    assert main(["study", "analyze", str(example_path("fst_study")), "--arrive", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["item"].tolist()[:3] == ["1a", "1b", "2a"]
    assert "18 of 22 sub-items reported" in " ".join(capsys.readouterr().err.split())
