import pandas as pd
import pytest

from preclin.core.errors import InputError
from preclin.knowledge import RULES, KnowledgeBase, check_tables, load_starter


def _studies(rows):
    base = {
        "study_id": "S",
        "endpoint": "escape failures",
        "model": "",
        "unit": "mg/kg",
        "dispersion_type": "SEM",
        "n": "10",
        "ref_id": "R1",
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def _rules(found):
    return found["rule"].tolist()


def test_lh_seed_triggers_the_contradiction_rule():
    lh = load_starter("studies").query("study_id == 'LH-seed'")
    found = check_tables(studies=lh)
    hit = found[found["rule"] == "claim_contradicted"]
    assert len(hit) == 1 and hit["severity"].iloc[0] == "warning"
    assert "alnespirone 5 mg/kg/day" in hit["message"].iloc[0]
    assert "mean 13 vs control vehicle 9" in hit["message"].iloc[0]
    rules = set(found["rule"])
    assert {"control_missing", "dispersion_unstated", "n_missing", "mean_missing"} <= rules
    lh_ctrl = found[found["rule"] == "control_missing"]["message"].iloc[0]
    assert "helpless (shocked + vehicle) control" in lh_ctrl


def test_lh_seed_with_the_seed_claim_of_protection_is_an_error():
    lh = load_starter("studies").query("study_id == 'LH-seed'").copy()
    drug = lh["compound_id"] == "alnespirone"
    lh.loc[drug, "effect_vs_control"] = "protected against helplessness"
    hit = check_tables(studies=lh, rules=["claim_contradicted"])
    assert hit["severity"].tolist() == ["error", "error"]  # 13 and 10 failures vs 9
    assert "is worse than control" in hit["message"].iloc[0]


@pytest.mark.parametrize(
    ("treated", "claim", "expected"),
    [
        ("5", "protection", "error"),  # fewer failures is better: 5 < 9 supports protection
        ("13", "protection", "error"),
        ("13", "no effect", "warning"),
        ("10", "no effect", None),  # within the stated ± 2
        ("13", "increased escape failures", None),  # a harm claim, and numbers agree
        ("5", "worsened", "error"),
    ],
)
def test_claim_rule_positive_and_negative(treated, claim, expected):
    df = _studies(
        [
            {
                "compound_id": "vehicle",
                "dose": "0",
                "mean": "9",
                "dispersion": "2",
                "effect_vs_control": "control",
            },
            {
                "compound_id": "drug",
                "dose": "1",
                "mean": treated,
                "dispersion": "2",
                "effect_vs_control": claim,
            },
        ]
    )
    found = check_tables(studies=df, rules=["claim_contradicted"])
    if treated == "5" and claim == "protection":
        assert found.empty  # supported
        return
    assert found["severity"].tolist() == ([expected] if expected else [])


def test_claim_rule_uses_endpoint_direction():
    df = _studies(
        [
            {"compound_id": "vehicle", "dose": "0", "mean": "60", "effect_vs_control": "control"},
            {
                "compound_id": "drug",
                "dose": "1",
                "mean": "40",
                "effect_vs_control": "reversed deficit",
            },
        ]
    ).assign(endpoint="sucrose preference", dispersion_type="SD")
    assert _rules(check_tables(studies=df, rules=["claim_contradicted"])) == ["claim_contradicted"]
    df.loc[1, "mean"] = "75"
    assert check_tables(studies=df, rules=["claim_contradicted"]).empty
    df["endpoint"] = "some score"  # unknown direction: no judgement
    df.loc[1, "mean"] = "40"
    assert check_tables(studies=df, rules=["claim_contradicted"]).empty


def test_complete_groups_pass_every_study_rule():
    df = _studies(
        [
            {
                "compound_id": "vehicle",
                "dose": "0",
                "mean": "9",
                "dispersion": "2",
                "effect_vs_control": "control",
            },
            {
                "compound_id": "drug",
                "dose": "1",
                "mean": "4",
                "dispersion": "2",
                "effect_vs_control": "protection",
            },
        ]
    )
    assert check_tables(studies=df).empty


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"dispersion_type": "±"}, "dispersion_unstated"),
        ({"n": None}, "n_missing"),
        ({"unit": "mg/kq"}, "unit_not_convertible"),
    ],
)
def test_study_rules_positive(change, rule):
    df = _studies(
        [
            {
                "compound_id": "vehicle",
                "dose": "0",
                "mean": "9",
                "dispersion": "2",
                "effect_vs_control": "control",
            },
            {
                "compound_id": "drug",
                "dose": "1",
                "mean": "4",
                "dispersion": "2",
                "effect_vs_control": "protection",
                **change,
            },
        ]
    )
    found = check_tables(studies=df)
    assert _rules(found) == [rule]
    assert "row 1" in found["rows"].iloc[0]


def test_missing_control_and_unit_mismatch():
    df = _studies([{"compound_id": "drug", "dose": "1", "mean": "4", "dispersion": "2"}])
    assert _rules(check_tables(studies=df)) == ["control_missing"]
    df = _studies(
        [
            {
                "compound_id": "placebo",
                "dose": "0",
                "unit": "mg/day",
                "effect_vs_control": "control",
            },
            {"compound_id": "drug", "dose": "1", "unit": "h"},
        ]
    )
    found = check_tables(studies=df, rules=["unit_not_convertible"])
    assert "do not convert into each other" in found["message"].iloc[0]


def test_affinity_rules():
    aff = pd.DataFrame(
        [
            {
                "compound_id": "a",
                "target_id": "T",
                "species": "rat",
                "parameter": "Ki",
                "value": "1",
                "unit": "nM",
                "p_value": "9",
                "ref_id": "R1",
            },
            {
                "compound_id": "b",
                "target_id": "T",
                "species": "rat",
                "parameter": "pKi",
                "value": "8",
                "unit": None,
                "p_value": "8",
                "ref_id": "R1",
            },
        ]
    )
    assert check_tables(affinities=aff).empty
    mixed = aff.assign(species=["rat", "human"])
    found = check_tables(affinities=mixed)
    assert _rules(found) == ["species_mixed"]
    assert "human: b (row 1); rat: a (row 0)" in found["message"].iloc[0]
    ic50 = aff.assign(parameter=["IC50", "pKi"])
    assert _rules(check_tables(affinities=ic50)) == ["parameter_mixed"]
    bad_unit = aff.assign(unit=["mg/kg", None])
    assert _rules(check_tables(affinities=bad_unit)) == ["unit_not_convertible"]


def test_p_value_mismatch_and_unknown_references(seeded):
    with KnowledgeBase(seeded) as kb:
        kb.import_table(
            pd.DataFrame(
                [
                    {
                        "compound_id": "x",
                        "target_id": "HTR1A",
                        "species": "rat",
                        "parameter": "Ki",
                        "value": "10",
                        "unit": "nM",
                        "p_value": "9",
                        "ref_id": "R99",
                    }
                ]
            ),
            kind="affinities",
        )
        found = kb.check(rules=["p_value_mismatch", "reference_unknown"])
    assert _rules(found) == ["p_value_mismatch", "reference_unknown"]
    assert "stated p-value 9 but 10 nM gives 8.00" in found["message"].iloc[0]
    assert "cites R99, not in references" in found["message"].iloc[1]


def test_starter_store_has_no_errors_and_known_warnings(seeded):
    with KnowledgeBase(seeded, read_only=True) as kb:
        found = kb.check()
    assert not (found["severity"] == "error").any()
    assert set(found["rule"]) <= set(RULES)
    assert {"claim_contradicted", "species_mixed", "n_missing"} <= set(found["rule"])
    assert not (found["rule"] == "p_value_mismatch").any()  # the curated p-values agree
    assert not (found["rule"] == "reference_unknown").any()


def test_bad_arguments():
    with pytest.raises(InputError, match="Invalid `rules`: got 'nope'"):
        check_tables(rules=["nope"])
    with pytest.raises(InputError, match="Invalid `studies`: got list, must be a DataFrame"):
        check_tables(studies=[1, 2])
