import math

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preclin.core.errors import InputError, KnowledgeBaseError
from preclin.knowledge import LAYOUTS, KnowledgeBase, load_starter
from preclin.knowledge._import import read_layout_file
from preclin.testing import assert_allclose

STUDY = {
    "study_id": "S1",
    "compound_id": "drug",
    "dose": "1",
    "unit": "mg/kg",
    "route": "i.p.",
    "endpoint": "immobility",
    "mean": "100",
    "dispersion": "10",
    "dispersion_type": "SEM",
    "n": "8",
    "effect_vs_control": "reduced",
    "ref_id": "R01",
}


def _write(path, rows, columns=None):
    df = pd.DataFrame(rows, columns=columns)
    df.to_csv(path, index=False)
    return path


def _snapshot(path):
    with KnowledgeBase(path, read_only=True) as kb:
        return {t: kb.table(t) for t in ("compounds", "affinities", "pk", "studies", "analyses")}


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k])


def test_starter_counts_and_records(seeded):
    with KnowledgeBase(seeded, read_only=True) as kb:
        counts = kb.counts()
        analyses = kb.analyses()
    assert counts == {
        "compounds": 17,
        "targets": 10,
        "affinities": 14,
        "pk": 31,
        "studies": 39,
        "references": 65,
        "analyses": 6,
    }
    assert analyses["command"].eq("kb load_starter").all()
    assert analyses["inputs"].str.contains('"[0-9a-f]{64}"').all()  # SHA-256 of each file


def test_starter_copy_matches_shared(shared_reference):
    for kind in LAYOUTS:
        mine = load_starter(kind)
        theirs = read_layout_file(shared_reference / "knowledge" / f"{kind}.csv")
        pd.testing.assert_frame_equal(mine, theirs)


def test_messy_values_are_kept_verbatim_and_parsed_honestly(seeded):
    with KnowledgeBase(seeded, read_only=True) as kb:
        pk = kb.pk(compound="basimglurant")
        aff = kb.affinities(compound="tandospirone")
    f = pk.set_index(["species", "parameter"])
    row = f.loc[("rat", "oral bioavailability")]
    assert (row["value"], row["value_num"], row["qualifier"]) == ("~50", 50.0, "approx")
    row = f.loc[("not specified", "plasma protein binding")]
    assert row["value"] == "98-99" and math.isnan(row["value_num"])
    assert (row["value_low"], row["value_high"], row["qualifier"]) == (98.0, 99.0, "range")
    assert row["unit_canonical"] == "%" and math.isnan(row["value_canonical"])
    assert f.loc[("rat", "terminal half-life"), "value_canonical"] == 7.0
    rng = aff[aff["relation"] == "range"].iloc[0]
    assert rng["value"] == "1300-41000" and math.isnan(rng["value_molar"])


def test_affinity_normalisation_closed_form(seeded):
    with KnowledgeBase(seeded, read_only=True) as kb:
        aff = kb.affinities(compound="buspirone", target="HTR1A").set_index("parameter")
        fl = kb.pk(compound="fluoxetine").set_index("parameter")
    assert_allclose(aff.loc["IC50", "value_molar"], 24e-9, kind="closed_form")
    assert_allclose(aff.loc["IC50", "p_affinity"], -math.log10(24e-9), kind="closed_form")
    assert_allclose(aff.loc["pKi", "value_molar"], 10**-7.9, kind="closed_form")
    assert fl.loc["elimination half-life", "value"] == "1-4"  # days, a range
    assert fl.loc["elimination half-life", "unit_canonical"] == "h"


def test_mass_concentration_affinity_uses_molar_mass(seeded, tmp_path):
    f = _write(
        tmp_path / "a.csv",
        [
            {
                "compound_id": "buspirone",
                "target_id": "HTR1A",
                "parameter": "Ki",
                "value": "10",
                "unit": "ng/mL",
            }
        ],
    )
    with KnowledgeBase(seeded) as kb:
        kb.import_table(f, kind="affinities")
        got = kb.affinities(compound="buspirone").iloc[-1]
    assert_allclose(got["value_molar"], 10e-6 / 385.512, kind="closed_form")
    g = _write(
        tmp_path / "b.csv",
        [
            {
                "compound_id": "unknown-x",
                "target_id": "HTR1A",
                "parameter": "Ki",
                "value": "10",
                "unit": "ng/mL",
            }
        ],
    )
    with (
        KnowledgeBase(seeded) as kb,
        pytest.raises(
            InputError, match=r"b.csv, row 2, column 'unit': cannot convert ng/mL to M without"
        ),
    ):
        kb.import_table(g, kind="affinities")


@pytest.mark.parametrize(
    ("rows", "columns", "kind", "match"),
    [
        ([STUDY], None, "nope", r"Invalid `kind`: got 'nope', must be one of affinities, chembl"),
        (
            [{k: v for k, v in STUDY.items() if k != "endpoint"}],
            None,
            "studies",
            r"no column 'endpoint'; the studies layout needs study_id, compound_id, endpoint",
        ),
        (
            [{**STUDY, "dispersion type": "SD"}],
            None,
            "studies",
            r"unknown column 'dispersion type' for kind 'studies'",
        ),
        (
            [STUDY, {**STUDY, "mean": "about a hundred"}],
            None,
            "studies",
            r"row 3, column 'mean': 'about a hundred' is not a number",
        ),
        (
            [{**STUDY, "n": "7.5"}],
            None,
            "studies",
            r"row 2, column 'n': n = 7.5 is not a positive",
        ),
        (
            [{**STUDY, "unit": "mg/kq"}],
            None,
            "studies",
            r"column 'unit': unit 'mg/kq' is not a unit pint can convert",
        ),
        ([{**STUDY, "endpoint": ""}], None, "studies", r"row 2, column 'endpoint': missing"),
        (
            [{"compound_id": "a", "name": "A"}, {"compound_id": "a", "name": "B"}],
            None,
            "compounds",
            r"row 3, column 'compound_id': duplicate compound_id 'a'",
        ),
        (
            [{"compound_id": "a", "target_id": "T", "parameter": "Ki", "value": "5", "unit": "h"}],
            None,
            "affinities",
            r"row 2, column 'unit': unit 'h' is not a concentration",
        ),
        (
            [{"compound_id": "a", "target_id": "T", "parameter": "Emax", "value": "5"}],
            None,
            "affinities",
            r"parameter 'Emax' is not an affinity or potency",
        ),
        (
            [{"compound_id": "a", "target_id": "T", "parameter": "Ki", "value": "5"}],
            None,
            "affinities",
            r"Ki needs a concentration unit",
        ),
        (
            [
                {
                    "compound_id": "a",
                    "target_id": "T",
                    "parameter": "pKi",
                    "value": "7",
                    "unit": "nM",
                }
            ],
            None,
            "affinities",
            r"pKi is on the -log10\(M\) scale and takes no unit",
        ),
        (
            [{"compound_id": "a", "name": "A", "molar_mass_g_mol": "-3"}],
            None,
            "compounds",
            r"molar mass -3 is not > 0",
        ),
    ],
)
def test_bad_input_rejects_whole_file(seeded, tmp_path, rows, columns, kind, match):
    f = _write(tmp_path / "bad.csv", rows, columns)
    before = _snapshot(seeded)
    with KnowledgeBase(seeded) as kb, pytest.raises(InputError, match=match):
        kb.import_table(f, kind=kind)
    _same(before, _snapshot(seeded))


def test_duplicate_id_against_store_names_row(seeded, tmp_path):
    f = _write(
        tmp_path / "c.csv",
        [{"compound_id": "new", "name": "n"}, {"compound_id": "buspirone", "name": "b"}],
    )
    before = _snapshot(seeded)
    with (
        KnowledgeBase(seeded) as kb,
        pytest.raises(
            InputError,
            match=r"c.csv, row 3, column 'compound_id': duplicate compound_id 'buspirone'",
        ),
    ):
        kb.import_table(f, kind="compounds")
    _same(before, _snapshot(seeded))


def test_reimport_same_file_refused(seeded, tmp_path):
    f = _write(tmp_path / "s.csv", [STUDY])
    with KnowledgeBase(seeded) as kb:
        aid = kb.import_table(f, kind="studies")
        with pytest.raises(InputError, match=rf"already imported \(analysis {aid}\)"):
            kb.import_table(f, kind="studies")
        assert (kb.studies(study="S1")["analysis_id"] == aid).all()


def test_read_only_and_missing_paths(seeded, tmp_path):
    with (
        KnowledgeBase(seeded, read_only=True) as kb,
        pytest.raises(KnowledgeBaseError, match="open read-only"),
    ):
        kb.import_table(pd.DataFrame([STUDY]), kind="studies")
    with pytest.raises(InputError, match=r"Invalid `db`: the directory .*nodir' does not exist"):
        KnowledgeBase(tmp_path / "nodir" / "kb.duckdb")
    with pytest.raises(KnowledgeBaseError, match="no knowledge store at"):
        KnowledgeBase(tmp_path / "absent.duckdb", read_only=True)
    with pytest.raises(InputError, match="which is a directory"):
        KnowledgeBase(tmp_path)
    with pytest.raises(InputError, match=r"Invalid `timeout`"):
        KnowledgeBase(seeded, timeout=-1)


def test_not_a_store_and_newer_schema(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE x (a INT)")
    con.close()
    with pytest.raises(KnowledgeBaseError, match="not a preclin knowledge store"):
        KnowledgeBase(other)
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(KnowledgeBaseError, match="cannot open the knowledge store"):
        KnowledgeBase(junk)
    newer = tmp_path / "newer.duckdb"
    KnowledgeBase(newer, starter=False).close()
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_version VALUES (99, 'future')")
    con.close()
    with pytest.raises(KnowledgeBaseError, match="schema version 99, newer than"):
        KnowledgeBase(newer)


def test_old_store_is_migrated(tmp_path):
    from preclin.knowledge._schema import MIGRATIONS, SCHEMA_VERSION

    old = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(old))
    for statement in MIGRATIONS[0][2]:
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (1, 'v1')")
    con.execute("INSERT INTO compounds (compound_id, name) VALUES ('x', 'old compound')")
    con.close()
    with KnowledgeBase(old, read_only=True) as kb:  # a reader migrates it too
        assert kb.schema_version == SCHEMA_VERSION == 2
        comp = kb.compounds()
        assert comp["name"].tolist() == ["old compound"]
        assert comp["analysis_id"].isna().all()
    with KnowledgeBase(old) as kb:
        kb.import_table(pd.DataFrame([STUDY]), kind="studies")
        assert kb.counts()["studies"] == 1


def test_export_round_trip_starter(seeded, tmp_path):
    for kind in LAYOUTS:
        out = tmp_path / f"{kind}.csv"
        with KnowledgeBase(seeded, read_only=True) as kb:
            kb.export(kind, out)
        pd.testing.assert_frame_equal(
            read_layout_file(out).reset_index(drop=True), load_starter(kind), check_like=False
        )


def test_hostile_names_survive_byte_exact(empty, tmp_path):
    names = [
        '<script>alert("x")</script>',
        'O\'Brien "quoted"',
        "  padded  ",
        "NA",
        "null",
        "a,b;c",
        "line\nbreak",
        "ünïcödé µM ±",
        "=cmd()",
    ]
    rows = [{"compound_id": f"c{i}", "name": n, "synonyms": n} for i, n in enumerate(names)]
    f = _write(tmp_path / "hostile.csv", rows)
    out = tmp_path / "out.csv"
    with KnowledgeBase(empty) as kb:
        kb.import_table(f, kind="compounds")
        assert kb.compounds()["name"].tolist() == names
        assert kb.compounds(compound='<script>alert("x")</script>')["compound_id"].tolist() == [
            "c0"
        ]
        kb.export("compounds", out)
    assert read_layout_file(out)["name"].tolist() == names


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s.strip() != "")
_num = st.one_of(
    st.integers(-(10**6), 10**6).map(str), st.floats(-1e6, 1e6, allow_nan=False).map(repr)
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            _text,
            _text,
            _num,
            st.sampled_from(["SEM", "SD", None]),
            st.one_of(st.none(), st.integers(1, 500).map(str)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_round_trip_generated_studies(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("rt") / "kb.duckdb"
    frame = pd.DataFrame(
        [
            {
                "study_id": s,
                "compound_id": c,
                "endpoint": "score",
                "mean": m,
                "dispersion_type": d,
                "n": n,
            }
            for s, c, m, d, n in rows
        ],
        columns=list(LAYOUTS["studies"]),
    )
    frame = frame.astype(object).where(frame.notna(), None)
    out = path.parent / "out.csv"
    with KnowledgeBase(path, starter=False) as kb:
        kb.import_table(frame, kind="studies")
        got = kb.studies()[list(LAYOUTS["studies"])]
        kb.export("studies", out)
    pd.testing.assert_frame_equal(got, frame)
    back = read_layout_file(out)
    back.attrs = {}
    pd.testing.assert_frame_equal(back, frame)
