"""Closed forms vs the same formulas evaluated in R (fit_reference.R, 1e-10) and identities."""

import json

import numpy as np
import pytest

from preclin.receptor import (
    calculate_allosteric_response,
    calculate_kb,
    calculate_ki,
    calculate_occupancy,
    calculate_operational_potency,
    calculate_operational_response,
)
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def closed(local_reference):
    return json.loads((local_reference / "receptor" / "nls_results.json").read_text())["closed"]


def test_cheng_prusoff_and_leff_dougall_match_r(closed):
    ic50 = np.array([12.0, 24, 300])
    a, ec, nh = np.array([3000.0, 100, 10]), np.array([900.0, 50, 30]), [1, 1.5, 0.8]
    ki = calculate_ki(ic50, radioligand_conc=np.array([1.0, 2, 0.5]), kd=np.array([1, 1.1, 2]))
    assert_allclose(ki, closed["ki"])
    assert_allclose(
        calculate_kb(ic50, agonist_conc=a, agonist_ec50=ec, method="cheng-prusoff"),
        closed["kb_cp"],
    )
    ld = [
        calculate_kb(ic50[i], agonist_conc=a[i], agonist_ec50=ec[i], agonist_hill=nh[i])
        for i in range(3)
    ]
    assert_allclose(ld, closed["kb_ld"])


def test_leff_dougall_equals_cheng_prusoff_for_unit_slope():
    kw = {"agonist_conc": [10.0, 300.0], "agonist_ec50": [30.0, 3.0]}
    assert_allclose(
        calculate_kb([5.0, 7.0], **kw), calculate_kb([5.0, 7.0], method="cheng-prusoff", **kw)
    )


def test_units_are_converted():
    assert_allclose(
        calculate_kb("12nM", agonist_conc="3uM", agonist_ec50="900nM"), 12 / (1 + 3000 / 900)
    )
    assert_allclose(
        calculate_kb("0.012uM", agonist_conc=3, agonist_ec50=0.9, unit="uM") * 1000,
        12 / (1 + 3000 / 900),
    )
    # 3.2577 ng/mL of a 325.77 g/mol drug is 10 nM
    assert_allclose(calculate_occupancy("3.2577ng/mL", 10.0, molar_mass=325.77), 0.5)


def test_occupancy_matches_r(closed):
    occ = [calculate_occupancy(c, 1.1, hill=h) for c, h in [(5, 1), (1.1, 1.5), (0.3, 0.7)]]
    assert_allclose(occ, closed["occupancy"])
    assert_allclose(
        calculate_occupancy(5.0, 1.1, competitor_conc=40.0, competitor_kd=12.0),
        closed["occupancy_gaddum"],
    )


def test_operational_matches_r_and_identities(closed):
    y = calculate_operational_response([0.0, 1, 10, 100], ka=20.0, tau=7.0, n=1.3, basal=3.0)
    assert_allclose(y, closed["operational"])
    p = calculate_operational_potency(20.0, 7.0, n=1.3)
    assert_allclose(p.ec50.iloc[0], closed["op_ec50"])
    # n = 1: EC50 = KA/(1 + tau), Emax = Em tau/(1 + tau)
    ka, tau = np.array([1e-8, 3e-6, 5.0]), np.array([30.0, 0.5, 2.0])
    p = calculate_operational_potency(ka, tau, em=80.0)
    assert_allclose(p.ec50, ka / (1 + tau))
    assert_allclose(p.emax, 80.0 * tau / (1 + tau))
    # the response at the EC50 is half of Emax, for any n
    for n in (0.7, 1.0, 2.5):
        p = calculate_operational_potency(ka, tau, em=80.0, n=n)
        for i in range(3):
            half = calculate_operational_response(
                p.ec50.iloc[i], ka=ka[i], tau=tau[i], em=80.0, n=n
            )
            assert_allclose(half, p.emax.iloc[i] / 2)


def test_allosteric_matches_r_and_reduces_to_operational(closed):
    y = calculate_allosteric_response(
        [1.0, 100, 1000, 100],
        [0.0, 10, 10, 1000],
        ka=1000.0,
        kb=10.0,
        alpha=0.3,
        beta=0.05,
        tau_a=30.0,
        tau_b=0.5,
        n=1.2,
        basal=2.0,
    )
    assert_allclose(y, closed["allosteric"])
    a = np.array([0.0, 3.0, 300.0])
    assert_allclose(
        calculate_allosteric_response(a, 0.0, ka=50.0, kb=1.0, tau_a=4.0, n=1.4),
        calculate_operational_response(a, ka=50.0, tau=4.0, n=1.4),
    )
    # alpha = beta = 1 and tau_b = 0: a neutral modulator changes nothing
    assert_allclose(
        calculate_allosteric_response(a, 1e4, ka=50.0, kb=1.0, tau_a=4.0)[1:],
        calculate_operational_response(a, ka=50.0, tau=4.0)[1:],
    )
