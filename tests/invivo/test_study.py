"""Study-level analyses of the bundled examples vs independent computations (R, scipy)."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from preclin.core import InputError
from preclin.datasets import example_path, load_example
from preclin.invivo import analyze_study, load_study
from preclin.testing import assert_allclose


@pytest.fixture(scope="module")
def fst_result():
    return analyze_study(example_path("fst_study"))


def test_fst_study_matches_r(fst_result, local_reference):
    r = json.loads((local_reference / "invivo" / "study_fst.json").read_text())
    rd = fst_result.readouts[0]
    for dv, key in (("immobility_s", "imm"), ("swimming_s", "swim")):
        s = rd.summaries[dv]
        assert_allclose(s.describe["mean"], r[key]["mean"], "r_closed_form")
        assert_allclose(s.describe["sem"], r[key]["sem"], "r_closed_form")
        assert s.describe["n"].tolist() == r[key]["n"]
        assert_allclose(s.anova["statistic"].iloc[0], r[key]["F"], "r_closed_form")
        assert_allclose(s.anova["pvalue"].iloc[0], r[key]["pvalue_anova"], "r_closed_form")
        assert_allclose(s.contrasts["estimate"], r[key]["dunnett_estimate"], "r_closed_form")
        assert_allclose(s.contrasts["statistic"], r[key]["dunnett_t"], "r_closed_form")
        # multcomp's p-values come from randomised integration (mvtnorm): 1e-4 absolute
        assert_allclose(s.contrasts["pvalue"], r[key]["dunnett_p"], rtol=0, atol=1e-4)
    assert_allclose(rd.summaries["latency_s"].describe["mean"], r["latency_mean"], "r_closed_form")
    assert fst_result.provenance is not None
    assert len(fst_result.provenance.inputs) == 2
    payload = json.dumps(fst_result.to_dict())
    assert "immobility_s" in payload


def test_cms_study_matches_scipy(cms_result):
    rd = cms_result.readouts[0]
    raw = load_example("cms_sucrose")
    raw["pref"] = 100 * raw["sucrose_g"] / (raw["sucrose_g"] + raw["water_g"])
    last = raw[raw["week"] == 8]
    order = [g.name for g in load_study(example_path("cms_study")).groups]
    samples = [last.loc[last["group"] == g, "pref"].to_numpy() for g in order]
    f = stats.f_oneway(*samples)
    s = rd.summaries["preference_pct"]
    assert_allclose(s.anova["statistic"].iloc[0], f.statistic, "r_closed_form")
    assert_allclose(s.describe["mean"], [x.mean() for x in samples], "closed_form")
    onset = rd.extra["onset"].set_index("group")["onset_week"]
    assert onset["alnespirone 2.5"] <= onset["imipramine 10"]
    assert np.isnan(onset["alnespirone 10"])  # outside the inverted-U window
    assert any("W12" in n and "week 6" in n for n in rd.notes)
    tests = rd.extra["mixed_model_tests"]
    assert tests["source"].tolist() == ["group", "week", "group:week"]
    assert any("278 observations of 56 animals" in n for n in rd.notes)  # 2 missing weeks kept
    resp = rd.extra["responders"]
    stressed_vehicle = resp[resp["group"] == "stressed vehicle"]
    assert stressed_vehicle["responder"].sum() <= 2


def test_lh_and_epm_studies_match_pandas_and_scipy():
    rd = analyze_study(example_path("lh_study")).readouts[0]
    raw = load_example("lh_trials")
    raw["fail"] = raw["latency_s"].isna() | (raw["latency_s"] >= 10)
    per = raw.groupby(["animal", "group"], as_index=False)["fail"].sum()
    order = [g.name for g in load_study(example_path("lh_study")).groups]
    samples = [per.loc[per["group"] == g, "fail"].to_numpy(float) for g in order]
    s = rd.summaries["failures_total"]
    assert_allclose(s.anova["statistic"].iloc[0], stats.f_oneway(*samples).statistic,
                    "r_closed_form")  # fmt: skip
    assert_allclose(s.describe["sem"], [stats.sem(x) for x in samples], "closed_form")
    assert (rd.extra["binomial"]["dispersion"] > 1).all()
    ep = analyze_study(example_path("epm_study")).readouts[0]
    d = ep.summaries["open_time_pct"].describe.set_index("group")["mean"]
    assert d["diazepam 2"] > d["vehicle"]


def test_study_bad_inputs(tmp_path):
    text = example_path("fst_study").read_text()
    data = example_path("fst_events").parent
    bad = tmp_path / "s.yaml"
    bad.write_text(text.replace("animals: fst_animals.csv", f"animals: {data}/fst_animals.csv")
                   .replace("data: fst_events.csv", f"data: {data}/fst_events.csv")
                   .replace("dv: [immobility_s,", "dv: [immobile_seconds,"))  # fmt: skip
    with pytest.raises(InputError, match="has no variable 'immobile_seconds'"):
        analyze_study(bad)
    ev = pd.read_csv(data / "fst_events.csv")
    ev.loc[ev["animal"] == "R01", "animal"] = "R99"
    ev.to_csv(tmp_path / "ev.csv", index=False)
    bad.write_text(text.replace("animals: fst_animals.csv", f"animals: {data}/fst_animals.csv")
                   .replace("data: fst_events.csv", "data: ev.csv"))  # fmt: skip
    with pytest.raises(InputError, match="animal 'R99' is not in the study's animal list"):
        analyze_study(bad)


def test_vogel_summary_table_study(tmp_path):
    # a conflict test scored elsewhere: one row per animal with punished licks
    rng = np.random.default_rng(3)
    groups = ["vehicle"] * 6 + ["buspirone 3"] * 6 + ["diazepam 2"] * 6
    licks = np.r_[rng.normal(40, 8, 6), rng.normal(55, 8, 6), rng.normal(90, 8, 6)].round(0)
    ids = [f"V{i:02d}" for i in range(18)]
    pd.DataFrame({"animal": ids, "punished_licks": licks}).to_csv(tmp_path / "v.csv", index=False)
    animals = "\n".join(f"  - {{id: {a}, group: {g}}}" for a, g in zip(ids, groups))
    (tmp_path / "s.yaml").write_text(
        "name: VOGEL\nanimals:\n" + animals + "\ngroups:\n"
        "  - {name: vehicle, compound: vehicle, dose: 0, control: true}\n"
        "  - {name: buspirone 3, compound: buspirone, dose: 3}\n"
        "  - {name: diazepam 2, compound: diazepam, dose: 2}\n"
        "tests:\n  - {kind: vogel, data: v.csv, dv: punished_licks, alternative: greater}\n"
    )
    s = analyze_study(tmp_path / "s.yaml").readouts[0].summaries["punished_licks"]
    samples = [licks[:6], licks[6:12], licks[12:]]
    assert_allclose(s.anova["statistic"].iloc[0], stats.f_oneway(*samples).statistic,
                    "r_closed_form")  # fmt: skip
    ref = stats.dunnett(samples[1], samples[2], control=samples[0], alternative="greater")
    assert_allclose(s.contrasts["statistic"], ref.statistic, "r_closed_form")


def test_med_per_compound_through_stats(fst_result):
    """Each compound's dose series (control = dose 0) goes to the stats room's MED."""
    med = fst_result.readouts[0].summaries["immobility_s"].med
    assert set(med["compound"]) == {"basimglurant"}  # imipramine (one dose) is not a series
    # independent: pooled-variance t of each dose vs vehicle over vehicle + basimglurant groups
    scores = fst_result.readouts[0].scores
    sub = scores[scores["compound"].isin(["vehicle", "basimglurant"])]
    g = sub.groupby("dose")["immobility_s"]
    n, m, v = g.size(), g.mean(), g.var()
    s2 = float(((n - 1) * v).sum() / (n.sum() - len(n)))
    t = (m.loc[[3.0, 1.0, 0.3]] - m.loc[0.0]) / np.sqrt(
        s2 * (1 / n.loc[[3.0, 1.0, 0.3]] + 1 / n[0.0])
    )
    p = stats.t.cdf(t, n.sum() - len(n))
    assert_allclose(med["pvalue"], p, "closed_form", rtol=1e-9)
