"""Pathway graphs and the kinetic models (Ca2+ transient vs solve_ivp; cAMP steady state)."""

import csv

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from preclin.receptor import (
    calculate_allosteric_response,
    calculate_transient_shape,
    load_pathway,
    simulate_calcium_traces,
    simulate_camp_inhibition,
)
from preclin.testing import assert_allclose


@pytest.mark.parametrize("name", ["5ht1a", "mglur5", "5-HT1A", "mGluR5"])
def test_pathway_frames_and_references(name, shared_reference):
    p = load_pathway(name)
    edges, nodes = p.to_frame("edges"), p.to_frame("nodes")
    assert list(edges.columns) == [
        "source",
        "target",
        "sign",
        "label",
        "ref_id",
        "source_type",
        "target_type",
    ]
    assert list(nodes.columns) == ["id", "label", "type"]
    assert set(edges.source) | set(edges.target) <= set(nodes.id)
    with open(shared_reference / "knowledge" / "references.csv", newline="") as fh:
        known = {row["ref_id"] for row in csv.DictReader(fh)}
    assert set(edges.ref_id) - {""} <= known
    assert p.to_dict()["name"] == p.name


def test_pathway_content():
    e = load_pathway("5ht1a").to_frame()
    assert (e.query("source == 'gio_alpha' and target == 'ac'").sign == "-").all()
    assert (e.query("source == 'gbg' and target == 'girk'").sign == "+").all()
    m = load_pathway("mglur5").to_frame()
    assert {"ip3", "dag"} <= set(m.query("source == 'plcb'").target)
    assert (m.query("source == 'nam'").sign == "-").all()


def test_transient_shape_solves_the_release_ode():
    rise, decay, onset = 1.5, 12.0, 5.0
    t = np.linspace(0, 80, 161)

    def rhs(s, c):
        return [np.exp(-s / rise) - c[0] / decay]

    sol = solve_ivp(rhs, (0, 75), [0.0], t_eval=t[t >= onset] - onset, rtol=1e-11, atol=1e-13)
    shape = calculate_transient_shape(t, onset=onset, rise=rise, decay=decay)
    after = shape[t >= onset]
    # same curve up to the normalising constant: compare after scaling at s = 10
    k = int(np.flatnonzero(t[t >= onset] - onset == 10.0)[0])
    assert_allclose(after / after[k], sol.y[0] / sol.y[0][k], "r_closed_form", atol=1e-8)
    peak = rise * decay * np.log(decay / rise) / (decay - rise)
    assert_allclose(
        calculate_transient_shape([onset + peak], onset=onset, rise=rise, decay=decay), [1.0]
    )
    assert (shape[t < onset] == 0).all()


def test_calcium_traces_follow_the_allosteric_model():
    peak_t = 10 + 2 * 20 * np.log(10) / 18
    t = np.r_[np.arange(0, 60, 1.0), peak_t]
    a = np.array([0.0, 10, 100, 1000, 1000])
    b = np.array([0.0, 0, 0, 0, 30])
    kw = {
        "ka": 1000.0,
        "kb": 1.1,
        "alpha": 0.5,
        "beta": 0.05,
        "tau_a": 8.0,
        "em": 5000.0,
        "basal": 0.0,
    }
    tr = simulate_calcium_traces(a, b, time=t, **kw)
    assert tr.shape == (5, t.size)
    assert_allclose(tr[:, -1] - 1000.0, calculate_allosteric_response(a, b, **kw))
    assert_allclose(tr[:, 0], 1000.0)
    noisy = simulate_calcium_traces(a, b, time=t, noise_sd=20.0, seed=3, **kw)
    again = simulate_calcium_traces(a, b, time=t, noise_sd=20.0, seed=3, **kw)
    assert_allclose(noisy, again)
    assert 10 < np.std(noisy[:, :10] - 1000.0) < 30


def test_camp_partial_vs_full_agonist():
    a = 10.0 ** np.arange(-2, 5.0)
    full = simulate_camp_inhibition(a, ka=10.0, tau=30.0, camp_stimulated=100, camp_basal=10)
    part = simulate_camp_inhibition(a, ka=20.0, tau=1.0, camp_stimulated=100, camp_basal=10)
    assert (np.diff(full) < 0).all() and (np.diff(part) < 0).all()
    assert_allclose(full[-1], 100 - 90 * 30 * 1e4 / (1e4 + 10 + 30 * 1e4))
    assert part[-1] > 50 > full[-1]
