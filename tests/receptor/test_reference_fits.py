"""Receptor fits vs independent R nls fits of the same equations.

Data: reference/receptor/*.csv (make_data.py, fixed seed); expected values:
reference/receptor/nls_results.json (fit_reference.R, R nls Gauss-Newton SEs).
"""

import json

import pandas as pd
import pytest

from preclin.receptor import (
    fit_allosteric_operational,
    fit_allosteric_shift,
    fit_competition_binding,
    fit_furchgott,
    fit_gaddum_schild,
    fit_operational,
    fit_saturation_binding,
    fit_schild,
)
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def ref(local_reference):
    return json.loads((local_reference / "receptor" / "nls_results.json").read_text())


def csv(local_reference, name):
    return pd.read_csv(local_reference / "receptor" / f"{name}.csv")


def check(fit, r, mapping):
    """mapping: our (term, group) → R coefficient name."""
    for (term, group), rname in mapping.items():
        row = fit.params[(fit.params.term == term) & (fit.params.group == group)].iloc[0]
        assert_allclose(row.estimate, r["estimate"][rname], "iterative", err_msg=rname)
        assert_allclose(row.stderr, r["stderr"][rname], "iterative_se", err_msg=rname)
    assert_allclose(fit.rss, r["rss"], "iterative")
    assert fit.df == r["df"]
    assert_allclose(fit.loglik, r["loglik"], "iterative")
    assert_allclose(fit.aic, r["aic"], "iterative")


def test_schild_regression_matches_r(local_reference, ref):
    r = ref["schild"]
    s = fit_schild(
        csv(local_reference, "schild"), x="agonist_M", y="response", antagonist="antagonist_M"
    )
    assert_allclose(s.curves.ec50, r["ec50"], "iterative")
    assert_allclose(s.curves.dose_ratio, r["dose_ratio"], "iterative")
    reg = s.regression.set_index("term")
    assert_allclose(reg.loc["slope", "estimate"], r["slope"], "iterative")
    assert_allclose(reg.loc["slope", "stderr"], r["slope_se"], "iterative_se")
    assert_allclose(reg.loc["slope", ["ci_low", "ci_high"]], r["slope_ci"], "iterative_se")
    assert_allclose(reg.loc["intercept", "estimate"], r["intercept"], "iterative")
    assert_allclose(reg.loc["pa2", "estimate"], r["pa2"], "iterative")
    assert_allclose(reg.loc["pa2", "stderr"], r["pa2_se"], "iterative_se")
    assert_allclose(reg.loc["pkb", "estimate"], r["pkb"], "iterative")
    assert_allclose(reg.loc["pkb", "stderr"], r["pkb_se"], "iterative_se")
    assert s.n == 3 and s.df == 1


def test_gaddum_schild_matches_r(local_reference, ref):
    fit = fit_gaddum_schild(
        csv(local_reference, "schild"), x="agonist_M", y="response", antagonist="antagonist_M"
    )
    names = ["bottom", "top", "hill", "log10_ec50", "pa2", "schild_slope"]
    check(fit, ref["gaddum_schild"], {(n, ""): n for n in names})
    assert fit.converged


def test_operational_matches_r(local_reference, ref):
    fit = fit_operational(
        csv(local_reference, "operational"),
        x="conc_M",
        y="response",
        agonist="agonist",
        fixed={"em": 100, "basal": 0},
    )
    check(fit, ref["operational"], {
        ("n", ""): "n",
        ("log10_ka", "8-OH-DPAT"): "lk1", ("log10_ka", "buspirone"): "lk2",
        ("log10_tau", "8-OH-DPAT"): "lt1", ("log10_tau", "buspirone"): "lt2",
    })  # fmt: skip
    # the partial agonist has the lower efficacy and the lower Emax
    d = fit.derived.set_index(["term", "group"]).estimate
    assert d["emax", "buspirone"] < d["emax", "8-OH-DPAT"]


def test_furchgott_matches_r(local_reference, ref):
    r = ref["furchgott"]
    fit = fit_furchgott(
        csv(local_reference, "furchgott"),
        x="conc_M",
        y="response",
        treatment="treatment",
        control="control",
        fixed={"basal": 0},
    )
    check(fit, r, {
        ("em", ""): "em", ("n", ""): "n", ("log10_ka", "agonist"): "lk",
        ("log10_tau", "EEDQ"): "lt1", ("log10_tau", "control"): "lt2",
    })  # fmt: skip
    assert_allclose(fit.value("fraction_remaining", "EEDQ"), r["fraction_remaining"], "iterative")


def test_allosteric_operational_matches_r(local_reference, ref):
    fit = fit_allosteric_operational(
        csv(local_reference, "allosteric"), x="agonist_nM", y="response", modulator="nam_nM",
        x_unit="nM", fixed={"log10_ka": -6.0},
    )  # fmt: skip
    names = ["basal", "em", "n", "log10_kb", "log10_alpha", "log10_beta", "log10_tau_a"]
    check(fit, ref["allosteric"], {(n, ""): n for n in names})
    # a NAM: alpha*beta < 1, KB in nM near the generating 1.1 nM
    assert fit.value("alpha_beta") < 1
    assert 0.8 < fit.value("kb") < 1.5


def test_allosteric_shift_matches_r(local_reference, ref):
    fit = fit_allosteric_shift(
        csv(local_reference, "allosteric_shift"),
        x="agonist_nM",
        y="response",
        modulator="modulator_nM",
        x_unit="nM",
    )
    names = ["bottom", "top", "hill", "log10_ec50", "log10_kb", "log10_alpha"]
    check(fit, ref["allosteric_shift"], {(n, ""): n for n in names})


@pytest.mark.parametrize("depletion", [False, True])
def test_saturation_matches_r(local_reference, ref, depletion):
    name = "saturation_depletion" if depletion else "saturation"
    x = "ligand_total_nM" if depletion else "ligand_nM"
    fit = fit_saturation_binding(
        csv(local_reference, name),
        x=x,
        total="total",
        nonspecific="nonspecific",
        depletion=depletion,
    )
    check(fit, ref[name], {(n, ""): n for n in ["bmax", "kd", "ns", "background"]})


def test_competition_one_and_two_sites_match_r(local_reference, ref):
    df = csv(local_reference, "competition")
    kw = {"x": "competitor_nM", "y": "bound", "radioligand_conc": "1nM", "radioligand_kd": "1nM"}
    one = fit_competition_binding(df, sites=1, **kw)
    check(one, ref["competition_one"], {(n, ""): n for n in ["bottom", "top", "log10_ki"]})
    two = fit_competition_binding(df, sites=2, **kw)
    names = ["bottom", "top", "log10_ki_high", "log10_ki_low", "fraction_high"]
    check(two, ref["competition_two"], {(n, ""): n for n in names})
    best = fit_competition_binding(df, sites="compare", **kw)
    f = ref["competition_f"]
    assert_allclose(best.comparison.statistic.iloc[1], f["statistic"], "iterative")
    assert_allclose(best.comparison.pvalue.iloc[1], f["pvalue"], "iterative_se")
    assert best.model == "competition_two_site"
