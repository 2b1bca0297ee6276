"""The study analysis hands each compound's dose series to preclin.stats (dose window with
the inverted-U test, MED), checked on the bundled CMS study (alnespirone-like 5-HT1A agonist:
only 2.5 and 5 mg/kg/day restore sucrose preference) against R multcomp
(reference/invivo/study_cms_dose.*)."""

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from preclin.invivo import plot_dose_response, plot_study, summarize_groups
from preclin.stats import dose_window, minimum_effective_dose
from preclin.testing import assert_allclose

DV = "preference_pct"


@pytest.fixture(scope="module")
def cms(cms_result):
    readout = next(r for r in cms_result.readouts if r.kind == "cms")
    return readout, readout.summaries[DV]


@pytest.fixture(scope="module")
def r_ref(local_reference):
    return json.loads((local_reference / "invivo" / "study_cms_dose.json").read_text())


def test_cms_window_is_inverted_u(cms):
    _, s = cms
    win = s.dose_window
    assert set(win["compound"]) == {"alnespirone"}  # imipramine (one dose) is not a series
    vs = win[win["kind"] == "vs_control"]
    assert vs["dose"].tolist() == [1.0, 2.5, 5.0, 10.0]
    assert vs["effective"].tolist() == [False, True, True, False]
    assert vs["role"].tolist() == ["", "lowest effective", "highest effective", ""]
    assert win["non_monotone"].all()
    # the fixed-sequence MED stops at the ineffective top dose: no MED, hence the window
    assert not s.med["is_med"].any() and s.med["tested"].tolist() == [True, False, False, False]
    lines = s._summary_lines()
    assert any("alnespirone: effective window 2.5 to 5" in x and "inverted U" in x for x in lines)
    assert "preclin.stats.dose_window" in s.method


def test_cms_window_matches_r_multcomp(cms, r_ref):
    _, s = cms
    vs = s.dose_window[s.dose_window["kind"] == "vs_control"]
    assert_allclose(vs["dose"], r_ref["doses"][1:], "closed_form")
    assert_allclose(vs["mean"], r_ref["mean"][1:], "r_closed_form")
    assert_allclose(vs["estimate"], r_ref["dunnett_estimate"], "r_closed_form")
    assert_allclose(vs["stderr"], r_ref["dunnett_se"], "r_closed_form")
    assert_allclose(vs["statistic"], r_ref["dunnett_t"], "r_closed_form")
    # both integrate the multivariate t numerically (QMC): absolute agreement
    assert_allclose(vs["pvalue"], r_ref["dunnett_p"], "iterative_se", atol=2e-5)
    down = s.dose_window[s.dose_window["kind"] == "downturn"].iloc[0]
    best = int(np.argmin(r_ref["downturn_p_holm"]))
    assert down["term"] == f"{r_ref['downturn_dose_low'][best]:g} vs " + (
        f"{r_ref['downturn_dose_high'][best]:g}"
    )
    assert_allclose(down["statistic"], r_ref["downturn_t"][best], "r_closed_form")
    assert_allclose(down["pvalue"], r_ref["downturn_p_holm"][best], "r_closed_form")


def test_cms_window_equals_direct_stats_call(cms):
    readout, s = cms
    last = readout.scores[readout.scores["week"] == readout.scores["week"].max()]
    series = last[
        last["group"].astype(str).eq("stressed vehicle") | last["compound"].eq("alnespirone")
    ]
    direct = dose_window(series, DV, "dose", alternative="greater").to_frame()
    got = s.dose_window.drop(columns=["compound", "non_monotone"])
    num = direct.select_dtypes("number").columns
    assert_allclose(got[num], direct[num], "closed_form")
    assert got["term"].tolist() == direct["term"].tolist()
    med = minimum_effective_dose(series, DV, "dose", alternative="greater")
    assert_allclose(s.med[med.columns[:-3]], med[med.columns[:-3]], "closed_form")


def test_dose_response_figure_shades_the_window(cms, cms_result):
    matplotlib.use("Agg")
    _, s = cms
    fig = plot_dose_response(s, compound="alnespirone")
    spans = [p for p in fig.axes[0].patches if p.get_label() == "effective window"]
    assert len(spans) == 1
    x = spans[0].get_x()
    assert_allclose([x, x + spans[0].get_width()], [2.5 / 1.25, 5.0 * 1.25], "closed_form")
    figs = plot_study(cms_result)
    assert any(k.endswith("_dose_alnespirone") for k in figs)


def test_no_effective_dose_no_shading():
    rng = np.random.default_rng(3)
    doses = np.repeat([0.0, 1.0, 3.0, 10.0], 6)
    data = pd.DataFrame(
        {
            "group": [f"d{d:g}" for d in doses],
            "compound": np.where(doses == 0, "vehicle", "x"),
            "dose": doses,
            "y": rng.normal(10, 1, len(doses)),
        }
    )
    s = summarize_groups(data, "y", control="d0", alternative="greater", dose="dose",
                         compound="compound")  # fmt: skip
    assert not s.dose_window["effective"].fillna(False).astype(bool).any()
    matplotlib.use("Agg")
    fig = plot_dose_response(s, compound="x")
    assert not [p for p in fig.axes[0].patches if p.get_label() == "effective window"]
