"""Power and sample size against R pwr / power.t.test / power.prop.test
(reference/stats/design_power.json, made by reference/stats/design_power.R)."""

from __future__ import annotations

import json

import pytest

from preclin.core import InputError
from preclin.stats import (
    power_anova,
    power_from_pilot,
    power_prop2,
    power_ttest,
    resource_equation,
)
from preclin.testing import assert_allclose

ALT = {"two.sided": "two-sided", "greater": "greater", "less": "less", "one.sided": "greater"}
KIND = {"two.sample": "two-sample", "one.sample": "one-sample", "paired": "paired"}


@pytest.fixture(scope="module")
def ref(local_reference):
    return json.loads((local_reference / "stats" / "design_power.json").read_text())


def test_ttest_power_grid(ref):
    rows = ref["t_power"]
    assert len(rows) == 360
    for r in rows:
        res = power_ttest(
            d=r["d"], n=r["n"], alpha=r["alpha"], kind=KIND[r["type"]],
            alternative=ALT[r["alternative"]],
        )
        assert_allclose(res.power, r["power"], "r_closed_form", err_msg=str(r))


def test_ttest_solve_n(ref):
    for r in ref["t_solve_n"]:
        res = power_ttest(
            d=r["d"], power=r["power"], kind=KIND[r["type"]], alternative=ALT[r["alternative"]]
        )
        assert_allclose(res.n, r["n"], "r_closed_form", err_msg=str(r))
        assert_allclose(res.n, r["pwr_default"], rtol=1e-4)


def test_ttest_solve_d(ref):
    for r in ref["t_solve_d"]:
        res = power_ttest(
            n=r["n"], power=r["power"], kind=KIND[r["type"]], alternative=ALT[r["alternative"]]
        )
        assert_allclose(res.effect, r["d"], "r_closed_form")


def test_ttest_less_gives_negative_d():
    res = power_ttest(n=10, power=0.8, alternative="less")
    assert res.effect < 0
    assert_allclose(power_ttest(d=res.effect, n=10, alternative="less").power, 0.8)


def test_example_pwr_t_test(ref):
    assert_allclose(power_ttest(d=0.8, power=0.8).n, ref["example"]["n"], "r_closed_form")


def test_pilot_raw_units(ref):
    for r in ref["t_raw"]:
        res = power_from_pilot(effect=r["delta"], sd=r["sd"], power=r["power"])
        assert_allclose(res.n, r["n"], "r_closed_form")
        assert res.sd == r["sd"]
        res10 = power_from_pilot(effect=r["delta"], sd=r["sd"], n=10)
        assert_allclose(res10.power, r["power_at_n10"], "r_closed_form")
        detect = power_from_pilot(sd=r["sd"], n=r["n"], power=r["power"])
        assert_allclose(detect.effect_raw, r["delta"], "r_closed_form")


def test_pilot_upper_confidence_sd_makes_n_larger():
    plain = power_from_pilot(effect=40, sd=30, power=0.8)
    guarded = power_from_pilot(effect=40, sd=30, power=0.8, pilot_n=6)
    assert guarded.sd > 30 and guarded.n > plain.n


def test_anova_power_grid(ref):
    for r in ref["anova_power"]:
        res = power_anova(f=r["f"], n=r["n"], k=r["k"], alpha=r["alpha"])
        assert_allclose(res.power, r["power"], "r_closed_form", err_msg=str(r))


def test_anova_solve(ref):
    for r in ref["anova_solve"]:
        assert_allclose(power_anova(f=r["f"], k=r["k"], power=0.8).n, r["n"], "r_closed_form")
        assert_allclose(power_anova(n=10, k=r["k"], power=0.8).effect, r["f_at_n10"],
                        "r_closed_form")


def test_prop2_arcsine(ref):
    for r in ref["prop2_arcsine"]:
        alt = ALT[r["alternative"]]
        res = power_prop2(p1=r["p1"], p2=r["p2"], n=20, alternative=alt)
        assert_allclose(res.effect, r["h"], "closed_form")
        assert_allclose(res.power, r["power_at_n20"], "r_closed_form")
        res = power_prop2(h=r["h"], power=0.8, alternative=alt)
        assert_allclose(res.n, r["n_for_power80"], "r_closed_form")
    for r in ref["prop2_arcsine_solve_h"]:
        assert_allclose(power_prop2(n=r["n"], power=0.8).effect, r["h"], "r_closed_form")


def test_prop2_normal(ref):
    for r in ref["prop2_normal"]:
        alt = ALT[r["alternative"]]
        kw = {"p1": r["p1"], "alternative": alt, "method": "normal"}
        assert_allclose(power_prop2(p2=r["p2"], n=20, **kw).power, r["power_at_n20"],
                        "r_closed_form")
        assert_allclose(power_prop2(p2=r["p2"], power=0.8, **kw).n, r["n_for_power80"],
                        "r_closed_form")
        assert_allclose(power_prop2(n=30, power=0.8, **kw).effect, r["p2_at_n30"],
                        "r_closed_form")


@pytest.mark.parametrize(
    ("k", "n_min", "n_max"), [(2, 6, 11), (3, 5, 7), (4, 4, 6), (5, 3, 5), (10, 2, 3)]
)
def test_resource_equation(k, n_min, n_max):
    # E = k (n - 1) in [10, 20] (NC3Rs; Arifin & Zahiruddin 2017, Table 1)
    r = resource_equation(k)
    assert (r.n_min, r.n_max) == (n_min, n_max)
    assert 10 <= r.e_at_n_min <= 20 and 10 <= r.e_at_n_max <= 20


def test_result_frame_and_summary():
    res = power_ttest(d=0.8, power=0.8)
    frame = res.to_frame()
    assert list(frame.columns)[:4] == ["test", "solved_for", "effect_name", "effect"]
    assert frame.loc[0, "n_ceil"] == 26
    assert "use 26" in res.summary()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"d": 0.8}, "exactly one of `d`, `n`, `power` must be None"),
        ({"d": 0.8, "n": 10, "power": 0.8}, "exactly one"),
        ({"d": 0.8, "power": 1.2}, r"Invalid `power`: got 1.2, must be in \(0, 1\)"),
        ({"d": 0.8, "power": 0}, r"Invalid `power`"),
        ({"d": 0.8, "n": 1}, r"Invalid `n`: got 1, must be in \[2, inf\)"),
        ({"d": 0.8, "n": 10, "alpha": 1.5}, r"Invalid `alpha`"),
        ({"d": 0.8, "n": 10, "kind": "welch"}, r"Invalid `kind`: got 'welch'"),
        ({"d": 0, "power": 0.8}, r"Invalid `d`: got 0"),
    ],
)
def test_ttest_bad_input(kwargs, match):
    with pytest.raises(InputError, match=match):
        power_ttest(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"effect": -5, "sd": 3, "n": 10}, r"Invalid `effect`: got -5, must be in \[0, inf\)"),
        ({"effect": 5, "sd": -3, "n": 10}, r"Invalid `sd`: got -3, must be in \(0, inf\)"),
        ({"effect": 5, "sd": 0, "n": 10}, r"Invalid `sd`"),
        ({"effect": 5, "n": 10}, r"Invalid `sd`: got None"),
        ({"effect": 5, "sd": 3, "n": 10, "pilot_n": 1}, r"Invalid `pilot_n`"),
    ],
)
def test_pilot_bad_input(kwargs, match):
    with pytest.raises(InputError, match=match):
        power_from_pilot(**kwargs)


def test_other_bad_input():
    with pytest.raises(InputError, match=r"Invalid `k`: got 1"):
        power_anova(f=0.4, n=10, k=1)
    with pytest.raises(InputError, match=r"Invalid `f`: got -0.1"):
        power_anova(f=-0.1, n=10, k=3)
    with pytest.raises(InputError, match=r"Invalid `p1`: got 1.5"):
        power_prop2(p1=1.5, p2=0.5, n=10)
    with pytest.raises(InputError, match="method 'normal' needs p1"):
        power_prop2(p2=0.5, n=10, method="normal")
    with pytest.raises(InputError, match="reaches the requested power"):
        power_prop2(p1=0.5, n=3, power=0.99, method="normal")
    with pytest.raises(InputError, match=r"Invalid `k`"):
        resource_equation(1)
