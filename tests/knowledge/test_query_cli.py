import json

import pandas as pd
import pytest

from preclin.cli import main
from preclin.core.errors import InputError
from preclin.knowledge import KnowledgeBase, default_db_path
from preclin.knowledge._import import read_layout_file


def test_filters_resolve_names_synonyms_and_ids(seeded):
    with KnowledgeBase(seeded, read_only=True) as kb:
        by_synonym = kb.compounds(compound="Buspar")
        by_chembl = kb.compounds(compound="CHEMBL49")
        assert (
            by_synonym["compound_id"].tolist()
            == by_chembl["compound_id"].tolist()
            == ["buspirone"]
        )
        aff = kb.affinities(target="5-HT1A receptor", species="rat")
        assert aff["compound_id"].tolist() == ["buspirone", "8-OH-DPAT"]
        lh = kb.studies(compound="alnespirone", with_controls=True)
        assert "vehicle" in set(lh["compound_id"])
        assert "vehicle" not in set(
            kb.studies(compound="alnespirone", with_controls=False)["compound_id"]
        )
        with pytest.raises(InputError, match=r"got 'buspiron', .*did you mean buspirone"):
            kb.affinities(compound="buspiron")
        with pytest.raises(InputError, match="Invalid `table`: got 'x'"):
            kb.table("x")


def test_profile_for_a_report(seeded):
    with KnowledgeBase(seeded, read_only=True) as kb:
        prof = kb.profile("basimglurant")
    assert set(prof) == {"compound", "affinities", "pk", "studies", "references"}
    assert prof["compound"]["molar_mass"].iloc[0] == 325.77
    assert len(prof["pk"]) == 5
    assert {"R03", "R04", "R06", "R07"} <= set(prof["references"]["ref_id"])
    assert prof["references"]["citation"].notna().all()


def test_record_analysis_links_rows(empty, tmp_path):
    from preclin.core import make_provenance

    data = tmp_path / "input.csv"
    data.write_text("x,y\n1,2\n")
    prov = make_provenance(data, seed=7, parameters={"model": "ll4"})
    rows = pd.DataFrame(
        [
            {
                "study_id": "FST-1",
                "compound_id": "vehicle",
                "endpoint": "immobility",
                "mean": "150",
                "n": "10",
            }
        ]
    )
    with KnowledgeBase(empty) as kb:
        aid = kb.record_analysis("preclin study", provenance=prov, rows={"studies": rows})
        bare = kb.record_analysis("preclin fit", provenance=prov)
        rec = kb.analyses().set_index("analysis_id")
        assert kb.studies()["analysis_id"].tolist() == [aid]
    assert rec.loc[aid, "seed"] == 7 and rec.loc[bare, "n_rows"] == 0
    assert json.loads(rec.loc[aid, "inputs"]) == {str(data): prov.inputs[str(data)]}
    assert json.loads(rec.loc[aid, "parameters"]) == {"model": "ll4"}


def test_default_path_follows_env(isolated_env):
    assert default_db_path() == isolated_env


def test_cli_init_query_json_export(isolated_env, tmp_path, capsys):
    assert main(["kb", "init"]) == 0
    out = capsys.readouterr().out
    assert f"{isolated_env} (schema version 2)" in out and "studies: 39" in out
    assert (
        main(["kb", "affinities", "--compound", "buspirone", "--target", "HTR1A", "--json"]) == 0
    )
    records = json.loads(capsys.readouterr().out)
    assert [r["value"] for r in records] == ["24", "7.9"]
    assert main(["kb", "studies", "--study", "LH-seed"]) == 0
    assert "escape failures" in capsys.readouterr().out
    out_csv = tmp_path / "pk.csv"
    assert main(["kb", "export", "pk", "--out", str(out_csv)]) == 0
    assert len(read_layout_file(out_csv)) == 31
    assert main(["kb", "references", "--compound", "MTEP"]) == 0
    assert "R23" in capsys.readouterr().out


def test_cli_import_check_and_errors(tmp_path, capsys):
    db = tmp_path / "kb.duckdb"
    good = tmp_path / "s.csv"
    good.write_text(
        "study_id,compound_id,endpoint,mean,dispersion,dispersion_type,n,"
        "effect_vs_control\nS,vehicle,escape failures,9,1,SEM,8,control\n"
        "S,drug,escape failures,14,1,SEM,8,protection\n"
    )
    assert main(["kb", "init", "--db", str(db), "--empty"]) == 0
    assert main(["kb", "check", "--db", str(db)]) == 0
    assert main(["kb", "import", str(good), "--kind", "studies", "--db", str(db)]) == 0
    assert "imported 2 rows" in capsys.readouterr().out
    assert main(["kb", "check", "--db", str(db), "--json"]) == 1  # protection contradicted
    found = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in found] == ["claim_contradicted"]
    bad = tmp_path / "bad.csv"
    bad.write_text("study_id,compound_id,endpoint,mean\nS2,x,e,1\nS2,y,e,lots\n")
    assert main(["kb", "import", str(bad), "--kind", "studies", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith(
        "row 3, column 'mean': 'lots' is not a number; write it as a "
        "plain number; leave it empty if unknown and put words in "
        "'notes'"
    )
    assert main(["kb", "import", str(bad), "--kind", "nope", "--db", str(db)]) == 2
    assert main(["kb", "studies", "--db", str(tmp_path / "no" / "kb.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["kb", "pk", "--target", "HTR1A", "--db", str(db)]) == 2
    assert main(["kb", "export", "nope", "--out", str(tmp_path / "x.csv"), "--db", str(db)]) == 2
    assert main(["kb", "studies", "--db", str(db)]) == 0
    with KnowledgeBase(db, read_only=True) as kb:
        assert len(kb.studies()) == 2
