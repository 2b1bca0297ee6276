"""The bridge, checked by hand for basimglurant (fu, Kd, molar mass, 1-cpt oral model)."""

import math

import pytest
from scipy import integrate

from preclin.core import InputError
from preclin.knowledge import KnowledgeBase
from preclin.testing import assert_allclose
from preclin.translate import bridge

MW = 325.77  # g/mol (store: compounds.csv, R06;R57)
KD = 1.1  # nM (store: affinities.csv, R03;R04)
FU = 1 - 0.985  # 98-99 % bound -> midpoint 98.5 % (R03;R06)
F, V, KA = 0.5, 1.0, 1.0  # F from the store (rat ~50 %); V and ka the bridge's stated defaults
KE_RAT = math.log(2) / 7.0  # rat t1/2 7 h (R03;R06)


def conc(t, dose, ke, tau=None):
    """1-cpt oral, mg/L: one dose, or at steady state t h after a dose (every tau h)."""
    a = F * dose * KA / (V * (KA - ke))
    if tau is None:
        return a * (math.exp(-ke * t) - math.exp(-KA * t))
    return a * (
        math.exp(-ke * t) / (1 - math.exp(-ke * tau))
        - math.exp(-KA * t) / (1 - math.exp(-KA * tau))
    )


def occ(c_mg_l):
    cu_nm = FU * c_mg_l * 1e-3 / MW * 1e9
    return cu_nm / (cu_nm + KD)


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    with KnowledgeBase(tmp_path_factory.mktemp("kb") / "kb.duckdb") as store:
        yield store


def test_basimglurant_single_dose_by_hand(kb):
    b = bridge("basimglurant", kb=kb, doses=[1.0], species="rat")
    row = b.doses.iloc[0]
    tmax = math.log(KA / KE_RAT) / (KA - KE_RAT)
    assert_allclose(row["occupancy_max"], occ(conc(tmax, 1.0, KE_RAT)))
    assert_allclose(row["occupancy_min"], occ(conc(24.0, 1.0, KE_RAT)))
    mean = integrate.quad(lambda t: occ(conc(t, 1.0, KE_RAT)), 0, 24, epsabs=0, epsrel=1e-12)[0]
    assert_allclose(row["occupancy_mean"], mean / 24, rtol=1e-7)
    assert b.kd_nM == pytest.approx(KD) and b.molar_mass == MW
    t = b.table
    cmax = t[(t["quantity"] == "Cmax (total)")]["value"].iloc[0]
    assert_allclose(cmax, conc(tmax, 1.0, KE_RAT))
    assert t[t["section"] == "potency"]["source"].iloc[0] == "ref:R03;R04"


def test_basimglurant_steady_state_and_human_by_hand(kb):
    b = bridge("basimglurant", kb=kb, doses=[3.0], species="rat", repeated=True)
    row = b.doses.iloc[0]
    assert_allclose(row["occupancy_min"], occ(conc(0.0, 3.0, KE_RAT, tau=24.0)))
    # human t1/2: allometry through rat 7 h (0.25 kg) and monkey 20 h (5 kg), b = 0.25, 70 kg
    ln_a = (math.log(7.0 / 0.25**0.25) + math.log(20.0 / 5.0**0.25)) / 2
    t_half_h = math.exp(ln_a + 0.25 * math.log(70.0))
    t = b.table
    assert_allclose(
        t[(t["section"] == "human") & (t["quantity"] == "t1/2")]["value"].iloc[0], t_half_h
    )
    trough = t[(t["section"] == "clinical") & (t["quantity"] == "predicted occupancy (trough)")]
    ke_h = math.log(2) / t_half_h
    for dose_mg, value in zip(trough["dose"], trough["value"]):
        assert_allclose(value, occ(conc(0.0, dose_mg / 70.0, ke_h, tau=24.0)))
    assert sorted(trough["dose"]) == [0.5, 1.5]  # QUIROZ-2016 doses from the store


def test_gaps_flagged_not_failing(kb):
    b = bridge("basimglurant", kb=kb)  # no numeric efficacious dose in the store
    gaps = " | ".join(b.gaps)
    assert "no efficacious preclinical dose" in gaps
    assert "no human PK in the store" in gaps
    assert "affinity species not stated" in gaps
    assert "below 50 % at the clinical dose 0.5 mg/day" in gaps
    assert "therapeutic-index margin not estimable" in gaps
    window = bridge("alnespirone", kb=kb)
    assert any("efficacy only in a window (CMS-1999" in g for g in window.gaps)
    assert any("no affinity" in g for g in window.gaps)


def test_affinity_species_differs(kb):
    b = bridge("buspirone", kb=kb)  # pKi in rat (R12), PK only in human (R17)
    assert "affinity species differs from PK species (affinity: rat; PK: human)" in b.gaps
    assert b.kd_nM == pytest.approx(10**-7.9 * 1e9)


def test_low_occupancy_and_margin(kb):
    b = bridge("basimglurant", kb=kb, doses=[0.01], species="rat", adverse_dose=1.0)
    assert any("occupancy below 50 % at the efficacious dose" in g for g in b.gaps)
    margin = b.table[b.table["section"] == "margin"]["value"].iloc[0]
    assert_allclose(margin, 100.0)


def test_study_effect_sizes(kb):
    from preclin.datasets import example_path
    from preclin.invivo import analyze_study

    st = analyze_study(example_path("fst_study"))
    b = bridge("basimglurant", kb=kb, study=st)
    c = st.readouts[0].summaries["immobility_s"].contrasts
    eff = b.table[b.table["quantity"] == "Hedges' g vs control"]
    assert_allclose(eff["value"].to_numpy(), c["hedges_g"].abs().to_numpy()[:3])
    assert list(b.doses["efficacious"]) == [False, True, True]
    assert any("daily dose for" in q for q in b.table["quantity"])


def test_no_data_is_input_error(kb):
    with pytest.raises(InputError, match=r"no data for compound 'CHPG'"):
        bridge("CHPG", kb=kb)
    with pytest.raises(InputError, match=r"no such compound"):
        bridge("aspirin-xyz", kb=kb)
    with pytest.raises(InputError, match=r"Invalid `doses`: got -1"):
        bridge("basimglurant", kb=kb, doses=[-1.0])


def test_effect_ci_crossing_zero_keeps_its_negative_end():
    """g is oriented positive; a CI that crosses zero must not be folded by abs()."""
    from types import SimpleNamespace

    import pandas as pd

    from preclin.translate._evidence import doses_from_summary

    summary = SimpleNamespace(
        group="group",
        dv="sucrose",
        describe=pd.DataFrame({"group": ["vehicle", "x 1"], "dose": [0.0, 1.0]}),
        contrasts=pd.DataFrame(
            [
                {
                    "group": "x 1",
                    "hedges_g": -0.485,
                    "g_ci_low": -1.42,
                    "g_ci_high": 0.466,
                    "significant": False,
                    "pvalue": 0.4,
                    "reference": "vehicle",
                    "method": "dunnett",
                }
            ]
        ),
    )
    (effect,) = doses_from_summary(
        summary, species="rat", study="S", compound_ids=None, regimen=""
    )
    assert effect.g == pytest.approx(0.485)
    assert effect.g_ci_low == pytest.approx(-0.466)
    assert effect.g_ci_high == pytest.approx(1.42)
