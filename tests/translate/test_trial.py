"""Trial simulation vs R closed forms (reference/translate/trial_power.json) and
the per-trial ANCOVA vs statsmodels OLS."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from preclin.core import InputError, make_rng
from preclin.testing import assert_allclose
from preclin.translate import (
    calculate_translated_effect,
    calculate_trial_size,
    make_effect_prior,
    simulate_trial,
)
from preclin.translate._ancova import ancova_batch, proportions_batch
from preclin.translate._design import make_design, simulate_patients

N_SIM = 20_000
SEEDS = [1, 2, 3]


@pytest.fixture(scope="module")
def ref(local_reference):
    return json.loads((local_reference / "translate" / "trial_power.json").read_text())


def _within(sim, expected, se, k=4.0):
    """Simulated power within k Monte-Carlo SEs of the closed form."""
    assert abs(sim - expected) < k * se, f"{sim} vs {expected} (4 SE = {k * se:.4f})"


@pytest.mark.parametrize("seed", SEEDS)
def test_ttest_power_converges_to_pwr(ref, seed):
    r = ref["ttest"]
    res = simulate_trial(r["n"], effect_smd=r["d"], analysis="ttest", n_sim=N_SIM, seed=seed)
    se = math.sqrt(r["power_pwr"] * (1 - r["power_pwr"]) / N_SIM)
    _within(res.power, r["power_pwr"], se)
    # the closed form is pwr's upper tail (R to 1e-6)
    assert_allclose(res.power_analytic, r["power_upper_tail"], "r_closed_form")


@pytest.mark.parametrize("seed", SEEDS)
def test_ancova_power_converges_to_analytic(ref, seed):
    r = ref["ancova"]
    res = simulate_trial(r["n"], effect_smd=r["d"], baseline_corr=r["rho"], n_sim=N_SIM, seed=seed)
    assert_allclose(res.power_analytic, r["power"], "r_closed_form")
    _within(res.power, r["power"], math.sqrt(r["power"] * (1 - r["power"]) / N_SIM))


@pytest.mark.parametrize("seed", SEEDS)
def test_mcar_dropout_matches_completers(ref, seed):
    r = ref["ttest_dropout"]
    res = simulate_trial(
        r["n"], effect_smd=r["d"], dropout=r["dropout"], analysis="ttest", n_sim=N_SIM, seed=seed
    )
    # completers are Binomial(150, 0.8), not exactly 120: a small extra spread
    _within(res.power, r["power_pwr"], math.sqrt(0.25 / N_SIM))
    assert abs(res.arms_table["mean_completers"].iloc[0] - 120) < 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_responder_power_converges_to_power_prop_test(ref, seed):
    r = ref["responder"]
    res = simulate_trial(r["n"], effect_smd=0.3, endpoint="responder", n_sim=N_SIM, seed=seed)
    p = r["power_prop_test"]
    assert_allclose(res.power_analytic, p, "r_closed_form")
    _within(res.power, p, math.sqrt(p * (1 - p) / N_SIM))
    assert_allclose(res.true_effect, r["p_drug"] - r["p_placebo"], "r_closed_form")


@pytest.mark.parametrize("seed", SEEDS)
def test_three_arms_bonferroni(ref, seed):
    r = ref["three_arm"]
    res = simulate_trial(
        r["n"], arms=3, effect_smd=r["d"], analysis="ttest", n_sim=N_SIM, seed=seed
    )
    tab = res.arms_table
    assert_allclose(tab["power_analytic"], r["power_per_arm"], "r_closed_form")
    for p in tab["power"]:
        _within(p, r["power_per_arm"], math.sqrt(0.25 / N_SIM))
    assert res.power >= tab["power"].max()


@pytest.mark.parametrize("seed", SEEDS)
def test_site_heterogeneity_matches_approximation(seed):
    """Random sites (SD 4, 10 sites) add site_sd² (1 − 1/S) to the contrast's variance."""
    res = simulate_trial(
        150, effect_smd=0.3, site_sd=4.0, n_sites=10, analysis="ttest", n_sim=N_SIM, seed=seed
    )
    plain = simulate_trial(150, effect_smd=0.3, analysis="ttest", n_sim=N_SIM, seed=seed)
    assert res.power_analytic < plain.power_analytic
    _within(res.power, res.power_analytic, math.sqrt(0.25 / N_SIM))


def test_responder_also_near_pwr_2p(ref):
    r = ref["responder"]
    res = simulate_trial(r["n"], effect_smd=0.3, endpoint="responder", n_sim=N_SIM, seed=1)
    _within(res.power, r["power_pwr_2p"], math.sqrt(0.25 / N_SIM))


def test_type_one_error():
    res = simulate_trial(50, effect_smd=0.0, analysis="ttest", n_sim=N_SIM, seed=5)
    # success is one-directional: alpha / 2
    _within(res.power, 0.025, math.sqrt(0.025 * 0.975 / N_SIM))


@pytest.mark.parametrize("seed", [11, 12])
def test_ancova_matches_statsmodels(seed):
    """Per-trial estimate and SE equal statsmodels OLS y ~ C(arm) + baseline (1e-10)."""
    design = make_design(
        n=[30, 25, 28],
        arms=3,
        effect=None,
        effect_smd=[0.3, 0.5],
        sd=8.0,
        placebo_response=-10.0,
        baseline_mean=30.0,
        baseline_sd=4.0,
        baseline_corr=0.4,
        site_sd=2.0,
        n_sites=4,
        dropout=0.2,
        dropout_mechanism="mar",
        dropout_slope=1.0,
        early_corr=0.6,
        endpoint="continuous",
        responder_threshold=0.5,
        analysis="ancova",
        alpha=0.05,
        multiplicity="none",
    )
    benefit = np.tile(np.array(design.benefit), (4, 1))
    x, y, w = simulate_patients(design, make_rng(seed), 4, benefit)
    for covariate in (True, False):
        res = ancova_batch(y.copy(), x.copy() if covariate else None, w)
        for t in range(4):
            rows = []
            for a in range(3):
                obs = w[t, a] > 0
                rows.append(pd.DataFrame({"y": y[t, a, obs], "x": x[t, a, obs], "arm": a}))
            df = pd.concat(rows)
            exog = pd.get_dummies(df["arm"], prefix="arm", drop_first=True, dtype=float)
            if covariate:
                exog["x"] = df["x"]
            fit = sm.OLS(df["y"], sm.add_constant(exog)).fit()
            assert_allclose(res["estimate"][t], fit.params[["arm_1", "arm_2"]])
            assert_allclose(res["stderr"][t], fit.bse[["arm_1", "arm_2"]])
            assert res["df"][t] == fit.df_resid


def test_proportions_match_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    rng = make_rng(3)
    r = (rng.random((5, 2, 40)) < np.array([0.3, 0.5])[:, None]).astype(float)
    res = proportions_batch(r)
    for t in range(5):
        z, _ = proportions_ztest(r[t, [1, 0]].sum(axis=1), [40, 40])
        assert_allclose(res["statistic"][t, 0], z)


def test_winners_curse_and_assurance():
    res = simulate_trial(
        60, effect_smd=0.3, prior=make_effect_prior(0.3, 0.15), n_sim=5000, seed=4
    )
    assert res.exaggeration_ratio > 1.2  # underpowered trials exaggerate
    assert 0 < res.assurance < 1 and math.isfinite(res.assurance_stderr)
    assert "Normal(0.3, 0.15)" in res.summary()


def test_discount_shown_everywhere():
    t = calculate_translated_effect(1.58, ci_low=0.47, ci_high=2.66, source="calc:test")
    res = simulate_trial(150, prior=t, n_sim=1000, seed=1)
    assert res.to_frame()["discount"].iloc[0] == t.discount_text
    assert "shrinkage" in res.summary() and "assumption" in res.summary()
    assert_allclose(res.arms_table["effect_smd"].iloc[0], 1.58 * 0.2)


def test_deterministic_and_chunking_invariant():
    a = simulate_trial(40, effect_smd=0.4, n_sim=500, seed=9, keep_trials=True)
    b = simulate_trial(40, effect_smd=0.4, n_sim=500, seed=9, keep_trials=True)
    pd.testing.assert_frame_equal(a.trials, b.trials)
    assert a.power == b.power


def test_trial_size_matches_pwr(ref):
    res = calculate_trial_size(0.3, analysis="ttest", n_sim=4000, seed=1)
    assert_allclose(res.n_completers, ref["ttest"]["n_for_80"], "iterative")
    assert res.n_per_arm == 176 and res.achieved
    drop = calculate_trial_size(0.3, analysis="ttest", dropout=0.2, n_sim=0)
    assert drop.n_per_arm == math.ceil(drop.n_completers / 0.8)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"effect_smd": -0.3}, r"Invalid `effect_smd`: got -0.3, must be in \[0, inf\)"),
        ({"effect_smd": 0.3, "sd": -8}, r"Invalid `sd`: got -8, must be in \(0, inf\)"),
        ({"effect_smd": 0.3, "dropout": 1.0}, r"Invalid `dropout`: got 1.0, must be in \[0, 1\)"),
        ({"effect_smd": 0.3, "n": 1}, r"Invalid `n`: got 1, must be in \[2, inf\)"),
        ({"effect_smd": 0.3, "arms": 1}, r"Invalid `arms`: got 1"),
        ({"effect": 2.0, "effect_smd": 0.3}, r"either `effect`"),
        ({}, r"give the drug effect"),
        ({"effect_smd": 0.3, "analysis": "mmrm"}, r"Invalid `analysis`: got 'mmrm'"),
        ({"effect_smd": 0.3, "site_sd": -1}, r"Invalid `site_sd`"),
    ],
)
def test_bad_input(kwargs, match):
    kwargs = {"n_sim": 100, **kwargs}
    with pytest.raises(InputError, match=match):
        simulate_trial(**kwargs)


def test_bad_size_input():
    with pytest.raises(InputError, match=r"Invalid `effect_smd`: got -0.3"):
        calculate_trial_size(-0.3)
    with pytest.raises(InputError, match=r"Invalid `power`: got 1.2"):
        calculate_trial_size(0.3, power=1.2)


@pytest.mark.parametrize("analysis", ["ancova", "ttest"])
def test_fused_path_equals_numpy_path(analysis):
    """The Numba one-pass sums give the same contrasts as the NumPy arrays (same draws)."""
    from preclin.translate._ancova import ancova_from_sums, sums_dict
    from preclin.translate._design import simulate_chunk, simulate_sums

    design = make_design(
        n=[40, 35],
        arms=2,
        effect=2.0,
        effect_smd=None,
        sd=8.0,
        placebo_response=-10.0,
        baseline_mean=30.0,
        baseline_sd=4.0,
        baseline_corr=0.5,
        site_sd=0.0,
        n_sites=1,
        dropout=0.2,
        dropout_mechanism="mcar",
        dropout_slope=1.0,
        early_corr=0.6,
        endpoint="continuous",
        responder_threshold=0.5,
        analysis=analysis,
        alpha=0.05,
        multiplicity="none",
    )
    benefit = np.full((50, 1), 2.0)
    fast = ancova_from_sums(
        sums_dict(simulate_sums(design, make_rng(7), 50, benefit)),
        covariate=analysis == "ancova",
    )
    x, y, w = simulate_chunk(design, make_rng(7), 50, benefit)
    slow = ancova_batch(y, x if analysis == "ancova" else None, w)
    for key in ("estimate", "stderr", "df"):
        assert_allclose(fast[key], slow[key], rtol=1e-12)
