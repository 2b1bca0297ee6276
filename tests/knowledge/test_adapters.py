import math
import sqlite3

import pytest

from preclin.core.errors import InputError
from preclin.knowledge import KnowledgeBase, read_chembl, read_gtopdb
from preclin.testing import assert_allclose


@pytest.fixture
def chembl_db(local_reference, tmp_path):
    path = tmp_path / "chembl_mini.db"
    con = sqlite3.connect(path)
    con.executescript((local_reference / "knowledge" / "chembl_mini.sql").read_text())
    con.close()
    return path


@pytest.fixture
def gtopdb_csv(local_reference):
    return local_reference / "knowledge" / "gtopdb_interactions_mini.csv"


def test_read_chembl_maps_documented_columns(chembl_db):
    df = read_chembl(chembl_db)
    assert df.attrs["skipped"] == 2  # no value; ug.mL-1 units ('Inhibition' is not selected)
    assert df["value"].tolist() == ["15", "3.2", "10000"]
    assert df["relation"].tolist() == ["=", "=", ">"]
    assert df["species"].tolist() == ["Homo sapiens", "Homo sapiens", "Rattus norvegicus"]
    assert df["ref_id"].tolist() == ["PMID:8501234", "PMID:8501234", None]
    refs = df.attrs["references"]
    assert refs.set_index("ref_id").loc["PMID:8501234", "doi"] == "10.1000/example.1990"


def test_import_chembl_normalises_and_keeps_store_names(seeded, chembl_db):
    with KnowledgeBase(seeded) as kb:
        aid = kb.import_table(chembl_db, kind="chembl")
        table = kb.table("affinities")
        rows = table[table["analysis_id"] == aid]
        refs = kb.references(cited_by=rows)
        found = kb.check(rules=["p_value_mismatch"])
    assert rows["compound_id"].tolist() == ["buspirone", "serotonin", "buspirone"]  # CHEMBL49/39
    assert_allclose(rows["p_affinity"].iloc[0], -math.log10(15e-9), kind="closed_form")
    assert_allclose(rows["value_molar"].iloc[2], 1e-5, kind="closed_form")
    assert refs["ref_id"].tolist() == ["PMID:8501234"]
    assert found.empty  # pchembl_value agrees with -log10(standard_value) to 0.01


def test_read_gtopdb(gtopdb_csv):
    df = read_gtopdb(gtopdb_csv)
    assert df.attrs["skipped"] == 1
    assert df["compound_id"].tolist() == ["buspirone", "8-OH-DPAT", "buspirone"]
    assert df["value"].tolist() == ["7.7", "8.8-9.4", "6.6"]
    assert df["relation"].tolist() == ["=", "range", "="]
    assert df["ref_id"].tolist() == ["PMID:2862927", "PMID:1839284;PMID:2862927", None]


def test_import_gtopdb(seeded, gtopdb_csv):
    with KnowledgeBase(seeded) as kb:
        aid = kb.import_table(gtopdb_csv, kind="gtopdb")
        bus = kb.affinities(compound="buspirone")
        rows = bus[bus["analysis_id"] == aid]
        n_refs = kb.counts()["references"]
    assert rows["target_id"].tolist() == ["HTR1A", "DRD2"]
    assert_allclose(rows["value_molar"].tolist(), [10**-7.7, 10**-6.6], kind="closed_form")
    assert n_refs == 65 + 2


@pytest.mark.parametrize("kind", ["chembl", "gtopdb"])
def test_adapters_bad_files(tmp_path, kind, seeded):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    reader = read_chembl if kind == "chembl" else read_gtopdb
    match = "cannot read the ChEMBL dump" if kind == "chembl" else "no column 'Ligand'"
    with pytest.raises(InputError, match=match):
        reader(bad)
    with pytest.raises(InputError, match="file not found"):
        reader(tmp_path / "missing.db")
    with KnowledgeBase(seeded) as kb, pytest.raises(InputError, match="needs a file path"):
        import pandas as pd

        kb.import_table(pd.DataFrame({"a": [1]}), kind=kind)


def test_chembl_missing_table(tmp_path):
    path = tmp_path / "x.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE activities (activity_id INTEGER)")
    con.close()
    with pytest.raises(InputError, match="table 'activities' has no column 'assay_id'"):
        read_chembl(path)
    other = tmp_path / "y.db"
    sqlite3.connect(other).close()
    with pytest.raises(InputError, match="no table 'activities' in the ChEMBL dump"):
        read_chembl(other)
