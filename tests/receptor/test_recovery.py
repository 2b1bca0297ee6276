"""On noiseless simulated data every receptor fit recovers its generating parameters (1e-6)."""

import numpy as np
import pandas as pd
import pytest

from preclin.receptor import (
    calculate_allosteric_response,
    calculate_operational_response,
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

TOL = 1e-6


def est(fit):
    return fit.params.set_index(["term", "group"]).estimate


@pytest.mark.parametrize("slope", [1.0, 0.8])
def test_schild_and_gaddum(slope):
    a = np.tile(10.0 ** np.arange(-10, -2.4, 0.5), 4)
    b = np.repeat([0.0, 3e-9, 3e-8, 3e-7], a.size // 4)
    ec = 2e-7 * (1 + (b * 10**8.5) ** slope)
    df = pd.DataFrame({"a": a, "b": b, "r": 4 + 90 / (1 + (ec / a) ** 0.9)})
    s = fit_schild(df, x="a", y="r", antagonist="b")
    assert_allclose([s.slope, s.pa2], [slope, 8.5], rtol=TOL)
    g = est(fit_gaddum_schild(df, x="a", y="r", antagonist="b"))
    assert_allclose(g.to_numpy(), [4, 94, 0.9, np.log10(2e-7), 8.5, slope], rtol=TOL)


def test_operational_with_transducer_slope_and_furchgott():
    a = 10.0 ** np.arange(-10, -3.4, 0.5)
    rows = []
    for ag, ka, tau in (("full", 1e-7, 40.0), ("partial", 5e-8, 0.8)):
        y = calculate_operational_response(a, ka=ka, tau=tau, em=120.0, n=1.5, basal=5.0)
        rows.append(pd.DataFrame({"x": a, "y": y, "ag": ag}))
    fit = fit_operational(pd.concat(rows), x="x", y="y", agonist="ag")
    e = est(fit)
    assert_allclose([e["em", ""], e["n", ""], e["basal", ""]], [120, 1.5, 5], rtol=TOL)
    assert_allclose(
        [e["log10_ka", "full"], e["log10_tau", "partial"]], [-7, np.log10(0.8)], rtol=TOL
    )
    rows = [
        pd.DataFrame(
            {"x": a, "t": t, "y": calculate_operational_response(a, ka=3e-6, tau=tau, em=100.0)}
        )
        for t, tau in (("ctl", 60.0), ("pbz", 1.5))
    ]
    f = fit_furchgott(
        pd.concat(rows), x="x", y="y", treatment="t", control="ctl", x_unit="M", fixed={"basal": 0}
    )
    assert_allclose(f.value("ka", "agonist"), 3e-6, rtol=TOL)
    assert_allclose(f.value("fraction_remaining", "pbz"), 1.5 / 60, rtol=TOL)


def test_allosteric_models():
    a = np.tile(10.0 ** np.arange(-1, 6.1, 0.5), 5)
    b = np.repeat([0.0, 1, 3, 10, 30], a.size // 5)
    r = calculate_allosteric_response(
        a, b, ka=1000.0, kb=1.1, alpha=0.5, beta=0.05, tau_a=8.0, em=100.0, n=1.2, basal=3.0
    )
    df = pd.DataFrame({"a": a, "b": b, "r": r})
    fit = fit_allosteric_operational(
        df, x="a", y="r", modulator="b", x_unit="nM", fixed={"log10_ka": -6}
    )
    assert_allclose(
        [fit.value(t) for t in ("kb", "alpha", "beta", "tau_a")], [1.1, 0.5, 0.05, 8.0], rtol=TOL
    )
    assert_allclose([fit.value("n"), fit.value("em"), fit.value("basal")], [1.2, 100, 3], rtol=TOL)
    ec = 30 * (1 + b / 20) / (1 + 5 * b / 20)  # a PAM of affinity
    df = pd.DataFrame({"a": a, "b": b, "r": 10 + 80 / (1 + (ec / a) ** 1.3)})
    s = fit_allosteric_shift(df, x="a", y="r", modulator="b", x_unit="nM")
    assert_allclose([s.value(t) for t in ("ec50", "kb", "alpha")], [30, 20, 5], rtol=TOL)


@pytest.mark.parametrize("depletion", [False, True])
def test_saturation(depletion):
    lt = np.array([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10])
    bmax, kd, ns, bg = 0.6, 0.4, 0.08, 0.01
    if depletion:
        qa = 1 + ns
        qb = qa * kd + bmax - lt
        f = (-qb + np.sqrt(qb**2 + 4 * qa * lt * kd)) / (2 * qa)
        tot, nsb = bmax * f / (kd + f) + ns * f + bg, ns * lt / qa + bg
    else:
        tot, nsb = bmax * lt / (kd + lt) + ns * lt + bg, ns * lt + bg
    df = pd.DataFrame({"L": lt, "t": tot, "n": nsb})
    fit = fit_saturation_binding(df, x="L", total="t", nonspecific="n", depletion=depletion)
    assert_allclose(est(fit).to_numpy(), [bmax, kd, ns, bg], rtol=TOL)
    spec = fit_saturation_binding(df.assign(s=tot - nsb), x="L", specific="s")
    if not depletion:
        assert_allclose([spec.value("bmax"), spec.value("kd")], [bmax, kd], rtol=TOL)


def test_competition():
    i = 10.0 ** np.arange(-2, 5.1, 0.5)
    f = 1 + 2.0 / 0.5
    y1 = 20 + 980 / (1 + i / (7 * f))
    one = fit_competition_binding(
        pd.DataFrame({"i": i, "y": y1}), x="i", y="y", radioligand_conc=2.0, radioligand_kd=0.5
    )
    assert_allclose(one.value("ki"), 7.0, rtol=TOL)
    y2 = 20 + 980 * (0.3 / (1 + i / (1 * f)) + 0.7 / (1 + i / (500 * f)))
    two = fit_competition_binding(
        pd.DataFrame({"i": i, "y": y2}),
        x="i",
        y="y",
        radioligand_conc=2.0,
        radioligand_kd=0.5,
        sites="compare",
    )
    assert two.model == "competition_two_site"
    assert_allclose(
        [two.value("ki_high"), two.value("ki_low"), two.value("fraction_high")],
        [1.0, 500.0, 0.3],
        rtol=TOL,
    )
