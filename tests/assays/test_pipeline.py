"""The batch path: simulated truth recovered exactly (noiseless) and within CIs (coverage);
KB by the closed forms; failed plates flagged, never aborting the others."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from preclin.assays import (
    calculate_layout,
    fit_plates,
    read_endpoint,
    read_layout,
    read_traces,
    simulate_plate,
)
from preclin.core import InputError
from preclin.datasets import example_path
from preclin.receptor import calculate_kb
from preclin.testing import assert_allclose

QUIET = {"read_noise": 0.0, "dye_cv": 0.0, "response_cv": 0.0}
NAMES = ["basimglurant", "MPEP", "MTEP", "fenobam"] + [f"cpd-{i:02d}" for i in range(5, 17)]


def _merge(res, sim):
    return res.curves.merge(sim.truth, on=["plate", "compound"], suffixes=("", "_true"))


@pytest.mark.parametrize("method", ["max_minus_baseline", "max_over_baseline", "auc"])
def test_noiseless_antagonist_plate_is_recovered_exactly(method):
    sim = simulate_plate(384, seed=5, **QUIET)
    res = fit_plates(
        sim.traces, sim.layout, agonist_conc="3uM", agonist_ec50="0.9uM", method=method
    )
    m = _merge(res, sim)
    assert m["converged"].all() and len(m) == 16
    for ours, truth in [("ic50", "ic50_true"), ("hill", "hill_true"), ("kb", "kb_true")]:
        assert_allclose(m[ours].to_numpy(), m[truth].to_numpy(), kind="iterative")
    assert_allclose(m["bottom"].to_numpy(), m["bottom_true"].to_numpy(), kind="iterative",
                    atol=1e-8)  # fmt: skip
    assert res.plates.loc[0, "qc_pass"]


def test_noiseless_agonist_plate_is_recovered_exactly():
    sim = simulate_plate(384, mode="agonist", seed=6, **QUIET)
    m = _merge(fit_plates(sim.traces, sim.layout, mode="agonist"), sim)
    assert m["converged"].all()
    for ours, truth in [("ec50", "ec50_true"), ("hill", "hill_true"), ("emax", "top_true")]:
        assert_allclose(m[ours].to_numpy(), m[truth].to_numpy(), kind="iterative")


def test_noiseless_allosteric_plate_is_recovered_exactly():
    sim = simulate_plate(384, mode="allosteric", top="100uM", seed=2, **QUIET)
    res = fit_plates(sim.traces, sim.layout, mode="allosteric", agonist_ka="9.9uM")
    m = _merge(res, sim)
    assert m["converged"].all()
    for term in ("kb", "alpha", "beta", "tau_a"):
        assert_allclose(m[term].to_numpy(), m[f"{term}_true"].to_numpy(), kind="iterative")


def test_allosteric_plate_with_noise_covers_truth():
    sim = simulate_plate(384, mode="allosteric", top="100uM", seed=2)
    m = _merge(fit_plates(sim.traces, sim.layout, mode="allosteric", agonist_ka="9.9uM"), sim)
    for term in ("kb", "alpha", "beta", "tau_a"):
        assert (m[f"{term}_ci_low"] <= m[f"{term}_true"]).all()
        assert (m[f"{term}_true"] <= m[f"{term}_ci_high"]).all()


@pytest.mark.parametrize("seed", [11, 12])
def test_coverage_of_ic50_kb_and_hill(seed):
    """208 replicate curves (13 plates x 16 compounds) in one batched fit: the 95 % CIs
    cover the simulator's IC50 and KB on >= 95 % of curves (measured 99-100 %), and the
    Hill slope's t interval on >= 93 % (measured 94-97 %: nominal 95 % minus one binomial
    SE of 1.5 % for 208 curves)."""
    spec = {n: {"ic50": 0.1, "hill": -1.0, "bottom": 0.0} for n in NAMES}
    sim = simulate_plate(384, n_plates=13, seed=seed, compounds=spec)
    res = fit_plates(sim.traces, sim.layout, agonist_conc="3uM", agonist_ec50="0.9uM")
    m = _merge(res, sim)
    assert len(m) == 208 and m["converged"].all()
    assert m["ic50_true"].between(m["ic50_ci_low"], m["ic50_ci_high"]).mean() >= 0.95
    assert m["kb_true"].between(m["kb_ci_low"], m["kb_ci_high"]).mean() >= 0.95
    q = stats.t.ppf(0.975, m["df"])
    hill_in = (m["hill"] - m["hill_true"]).abs() <= q * m["hill_se"]
    assert hill_in.mean() >= 0.93
    # nearly unbiased: max - baseline picks the largest noisy read, which lifts flat traces
    # a little more than peaked ones (measured bias -0.005 log10 units, ~1 %)
    err = np.log10(m["ic50"]) + 1.0
    assert abs(err.mean()) < 0.02


@pytest.mark.parametrize(("hill", "method"), [(1.0, "leff-dougall"), (1.5, "leff-dougall"),
                                              (1.5, "cheng-prusoff")])  # fmt: skip
def test_kb_is_the_closed_form(hill, method):
    sim = simulate_plate(384, seed=7)
    res = fit_plates(sim.traces, sim.layout, agonist_conc="3uM", agonist_ec50="900nM",
                     agonist_hill=hill, kb_method=method)  # fmt: skip
    c = res.curves
    r = 3.0 / 0.9
    denom = 1 + r if method == "cheng-prusoff" else (2 + r**hill) ** (1 / hill) - 1
    for ours, src in [
        ("kb", "ic50"),
        ("kb_ci_low", "ic50_ci_low"),
        ("kb_ci_high", "ic50_ci_high"),
    ]:
        assert_allclose(c[ours].to_numpy(), c[src].to_numpy() / denom, kind="closed_form")
    assert (c["agonist_conc"] == 3.0).all() and (c["agonist_ec50"] == 0.9).all()


def test_kb_function_matches_r_closed_forms(local_reference):
    ref = json.loads((local_reference / "assays" / "kb_closed_form.json").read_text())
    for case in ref["cases"]:
        args = {k: case[k] for k in ("agonist_conc", "agonist_ec50", "agonist_hill")}
        ld = calculate_kb(case["ic50"], unit="uM", **args)
        cp = calculate_kb(case["ic50"], unit="uM", method="cheng-prusoff", **args)
        assert_allclose(ld, case["kb_leff_dougall"], kind="r_closed_form")
        assert_allclose(cp, case["kb_cheng_prusoff"], kind="r_closed_form")


def test_failed_plate_never_aborts_the_others():
    sim = simulate_plate(384, n_plates=3, seed=8)
    lay = pd.concat([sim.layout.assign(plate=str(p)) for p in (1, 2, 3)], ignore_index=True)
    lay.loc[(lay["plate"] == "2") & (lay["role"] == "inhibitor"), "role"] = "empty"
    lay = read_layout(lay.drop(columns=["row", "column"]))
    tr = sim.traces.copy()
    # plate 3: a strong edge effect on the outer ring (fails QC, still fitted)
    outer = [w for w in tr.columns[2:] if w[0] in "AP" or w[1:] in ("1", "24")]
    p3 = tr["plate"] == "3"
    base = tr.loc[p3 & (tr["time"] == 0), outer].to_numpy()
    tr.loc[p3, outer] = base + (tr.loc[p3, outer].to_numpy() - base) * 0.5
    res = fit_plates(tr, lay, agonist_conc="3uM", agonist_ec50="0.9uM")
    qc = res.plates.set_index("plate")
    assert list(qc["qc_pass"]) == [True, False, False]
    assert "Z′ impossible" in qc.loc["2", "message"] and "edge ratio" in qc.loc["3", "message"]
    c = res.curves
    assert len(c) == 48
    p1, p2, p3 = (c[c["plate"] == p] for p in ("1", "2", "3"))
    assert p1["converged"].all() and not p1["flags"].str.contains("plate_failed_qc").any()
    assert not p2["converged"].any() and p2["ic50"].isna().all()
    assert p2["message"].str.contains("lacks usable control wells").all()
    # an edge-damaged plate is still fitted (a curve may fail: a flagged row, not an error)
    assert p3["converged"].sum() >= 14 and p3["flags"].str.contains("plate_failed_qc").all()


def test_saturated_wells_are_left_out_of_fits():
    sim = simulate_plate(384, seed=9)
    ceiling = float(sim.traces.iloc[:, 2:].to_numpy().max()) * 0.97
    res = fit_plates(sim.traces, sim.layout, saturation=ceiling)
    sat = res.wells[res.wells["saturated"]]
    assert len(sat) > 0
    n_sample_sat = sat[sat["role"] == "sample"].groupby("compound").size()
    by = res.curves.set_index("compound")["n"]
    for cpd, k in n_sample_sat.items():
        assert by[cpd] == 20 - k
    assert "saturated wells left out" in res.plates.loc[0, "message"]


def test_endpoint_tables_go_through_the_same_path():
    lay = calculate_layout(96, top="10uM", points=10, replicates=2)
    conc = lay["conc"].to_numpy()
    act = np.where(lay["role"] == "neutral", 100.0, 0.0)
    s = (lay["role"] == "sample").to_numpy()
    act[s] = 100.0 / (1 + conc[s] / 0.2)
    grid = pd.DataFrame({"plate": "P1", "well": lay["well"], "value": 50 + 10 * act})
    res = fit_plates(read_endpoint(grid), lay)
    assert_allclose(res.curves["ic50"].to_numpy(), np.full(4, 0.2), kind="iterative")


def test_bundled_example_analysis():
    traces = read_traces(example_path("flipr_basimglurant_traces"))
    layout = read_layout(example_path("flipr_basimglurant_layout"))
    truth = pd.read_csv(example_path("flipr_basimglurant_truth"))
    res = fit_plates(traces, layout, agonist_conc="3uM", agonist_ec50="0.9uM")
    assert res.plates["qc_pass"].all()
    m = res.curves.merge(truth.assign(plate=truth["plate"].astype(str)), on=["plate", "compound"])
    assert m.loc[m["compound"] == "basimglurant", "kb_ci_low"].item() <= 0.0011
    assert m.loc[m["compound"] == "basimglurant", "kb_ci_high"].item() >= 0.0011


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mode": "inverse"}, r"Invalid `mode`: got 'inverse'"),
        ({"agonist_conc": "3 kg"}, r"Invalid `agonist_conc`: got '3 kg', must be a concentration"),
        ({"agonist_ec50": "-1uM"}, r"Invalid `agonist_ec50`: got '-1uM', must be > 0"),
        ({"kb_method": "schild"}, r"Invalid `kb_method`: got 'schild'"),
    ],
)
def test_bad_arguments(kwargs, match):
    sim = simulate_plate(96, seed=1)
    with pytest.raises(InputError, match=match):
        fit_plates(sim.traces, sim.layout, **kwargs)


def test_allosteric_mode_needs_agonist_concentrations():
    sim = simulate_plate(96, seed=1)
    lay = sim.layout.copy()
    lay.loc[lay["role"] == "inhibitor", "role"] = "agonist"
    with pytest.raises(InputError, match=r"column 'agonist_conc': allosteric mode needs"):
        fit_plates(sim.traces, lay, mode="allosteric")
