"""Normalisation to on-plate controls and plate QC (Z′, S/B, CV, edge effects)."""

import json

import numpy as np
import pandas as pd
import pytest

from preclin.assays import (
    calculate_activity,
    calculate_layout,
    calculate_plate_qc,
    calculate_responses,
    calculate_z_prime,
    read_layout,
    simulate_plate,
)
from preclin.core import InputError
from preclin.testing import assert_allclose

CASES = ["textbook", "flipr", "marginal", "negative_z"]


@pytest.fixture(scope="module")
def qc_ref(local_reference):
    return json.loads((local_reference / "assays" / "qc_controls.json").read_text())


@pytest.mark.parametrize("case", CASES)
def test_z_prime_matches_r(qc_ref, case):
    ref = qc_ref[case]
    assert_allclose(calculate_z_prime(ref["pos"], ref["neg"]), ref["z_prime"], kind="closed_form")


def _control_plate(pos, neg, mode="antagonist"):
    """A one-row plate whose high / low controls hold the given responses."""
    high, low = ("neutral", "inhibitor") if mode == "antagonist" else ("agonist", "neutral")
    wells = [f"A{i + 1}" for i in range(len(pos) + len(neg))]
    lay = read_layout(
        pd.DataFrame({"well": wells, "role": [high] * len(pos) + [low] * len(neg)}),
        conc_unit="uM",
        plate_format=1536,
    )
    resp = pd.DataFrame({"plate": "p", "well": wells, "response": list(pos) + list(neg)})
    return calculate_activity(resp, lay, mode=mode)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("mode", ["antagonist", "agonist"])
def test_plate_qc_closed_forms_match_r(qc_ref, case, mode):
    ref = qc_ref[case]
    qc = calculate_plate_qc(_control_plate(ref["pos"], ref["neg"], mode)).iloc[0]
    for ours, theirs in [
        ("z_prime", "z_prime"),
        ("signal_to_background", "signal_to_background"),
        ("cv_high", "cv_pos"),
        ("cv_low", "cv_neg"),
        ("mean_high", "mean_pos"),
        ("sd_low", "sd_neg"),
    ]:
        assert_allclose(qc[ours], ref[theirs], kind="closed_form")
    assert qc["qc_pass"] == (ref["z_prime"] >= 0.5 and ref["signal_to_background"] >= 2
                             and ref["cv_pos"] <= 20)  # fmt: skip


def test_percent_activity_closed_form():
    act = _control_plate([100.0, 110.0], [10.0, 20.0])
    expected = 100 * (np.array([100.0, 110.0, 10.0, 20.0]) - 15.0) / 90.0
    assert_allclose(act["percent_activity"].to_numpy(), expected, kind="closed_form")
    assert (act["percent_inhibition"] + act["percent_activity"]).eq(100).all()


@pytest.fixture(scope="module")
def sim():
    return simulate_plate(384, n_plates=2, seed=3)


def test_clean_plates_pass_and_edge_effects_fail(sim):
    act = calculate_activity(calculate_responses(sim.traces), sim.layout)
    qc = calculate_plate_qc(act)
    assert qc["qc_pass"].all() and (qc["message"] == "").all()
    assert (qc["z_prime"] > 0.5).all() and ((qc["edge_ratio"] - 1).abs() < 0.05).all()
    edgy = simulate_plate(384, edge_effect=0.4, seed=3)
    qc2 = calculate_plate_qc(calculate_activity(calculate_responses(edgy.traces), edgy.layout))
    assert not qc2.loc[0, "qc_pass"] and qc2.loc[0, "edge_ratio"] < 0.7
    assert "edge ratio" in qc2.loc[0, "message"]


def test_row_drift_is_detected():
    sim = simulate_plate(384, seed=4, read_noise=0.0, dye_cv=0.0, response_cv=0.0)
    tr = sim.traces.copy()
    wells = [c for c in tr.columns if c not in ("plate", "time")]
    rows = np.array([ord(w[0]) - 65 for w in wells])
    base = tr[wells].iloc[0].to_numpy()
    # a signal gain falling linearly from row A (1.0) to row P (0.7), baseline kept
    tr[wells] = base + (tr[wells].to_numpy() - base) * (1 - 0.3 * rows / 15)
    act = calculate_activity(calculate_responses(tr), sim.layout)
    qc = calculate_plate_qc(act).iloc[0]
    assert qc["row_drift"] < -0.15 and abs(qc["column_drift"]) < 0.05
    assert not qc["qc_pass"] and "row drift" in qc["message"]


def test_plate_without_controls_is_flagged_not_dropped(sim):
    resp = calculate_responses(sim.traces)
    lay = pd.concat([sim.layout.assign(plate="1"), sim.layout.assign(plate="2")])
    lay.loc[(lay["plate"] == "2") & (lay["role"] == "inhibitor"), "role"] = "empty"
    lay = read_layout(lay.drop(columns=["row", "column"]))
    act = calculate_activity(resp[~((resp["plate"] == "2") & resp["well"].isin(
        sim.layout.loc[sim.layout["role"] == "inhibitor", "well"]))], lay)  # fmt: skip
    assert act.loc[act["plate"] == "2", "percent_activity"].isna().all()
    qc = calculate_plate_qc(act).set_index("plate")
    assert qc.loc["1", "qc_pass"] and not qc.loc["2", "qc_pass"]
    assert np.isnan(qc.loc["2", "z_prime"])
    assert "fewer than 2 usable inhibitor control wells: Z′ impossible" in qc.loc["2", "message"]


def test_saturated_controls_are_left_out_and_reported(sim):
    resp = calculate_responses(
        sim.traces, saturation=float(sim.traces.iloc[:, 2:].max().max()) - 1
    )
    act = calculate_activity(resp, sim.layout)
    qc = calculate_plate_qc(act)
    assert qc["n_saturated"].sum() >= 1
    assert qc["message"].str.contains("saturated wells left out").any()


def test_layout_without_mode_controls_is_an_input_error(sim):
    lay = sim.layout.copy()
    lay.loc[lay["role"] == "inhibitor", "role"] = "empty"
    lay.attrs["source"] = "layout.csv"
    resp = calculate_responses(sim.traces)
    with pytest.raises(
        InputError,
        match=r"layout.csv, column 'role': the layout has no "
        r"'inhibitor' wells, which antagonist mode uses as the 0 %",
    ):
        calculate_activity(resp, lay)
    with pytest.raises(InputError, match=r"no 'agonist' wells, which agonist mode"):
        calculate_activity(resp, sim.layout, mode="agonist")


def test_different_well_sets_are_input_errors(sim):
    resp = calculate_responses(sim.traces)
    resp.attrs["source"] = "traces.csv"
    lay = sim.layout.copy()
    lay.attrs["source"] = "layout.csv"
    with pytest.raises(
        InputError,
        match=r"layout.csv, column 'well': well C7 \(plate 1\) is in "
        r"traces.csv but not in the layout",
    ):
        calculate_activity(resp, lay[lay["well"] != "C7"])
    with pytest.raises(
        InputError,
        match=r"traces.csv: well C7 \(plate 1, role sample\) is in "
        r"the layout but not in traces.csv",
    ):
        calculate_activity(resp[resp["well"] != "C7"], lay)
    dup = pd.concat([resp, resp.iloc[[5]]])
    with pytest.raises(InputError, match=r"well A6 appears twice \(plate 1\)"):
        calculate_activity(dup, lay)


def test_endpoint_data_normalise_too():
    lay = calculate_layout(96, top="10uM", points=10, replicates=2)
    rng = np.random.default_rng(0)
    resp = pd.DataFrame({"plate": "1", "well": lay["well"], "response": rng.uniform(1, 2, 96)})
    resp.loc[lay["role"] == "neutral", "response"] = 100.0
    resp.loc[lay["role"] == "inhibitor", "response"] = 0.0
    act = calculate_activity(resp, lay)
    np.testing.assert_allclose(act["percent_activity"], act["response"], rtol=1e-12)
