"""Post-hoc comparisons against R 4.2 (TukeyHSD, multcomp::glht Dunnett single-step
and adjusted("free"), Games-Howell, Dunn, pooled t + p.adjust;
shared/reference/stats)."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from preclin.core import InputError
from preclin.stats import posthoc
from preclin.stats._dunnett_dist import dunnett_sf, dunnett_sf_grid
from preclin.testing import assert_allclose

from ._groups_ref import CASES, label, load_case

R8 = {"kind": "r_closed_form", "rtol": 1e-8}
ALT = {"two-sided": "dunnett", "less": "dunnett_less", "greater": "dunnett_greater"}


def _pair(frame: pd.DataFrame) -> list[str]:
    return [f"{label(g)} - {label(r)}" for g, r in zip(frame["group"], frame["reference"])]


def _norm(comparisons) -> list[str]:
    return [c.replace(" ", "").replace("-", " - ") for c in comparisons]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("alternative", sorted(ALT))
def test_dunnett_single_step_and_stepdown_match_multcomp(shared_reference, case, alternative):
    data, ref, dv, between, control = load_case(shared_reference, case)
    want_block = ref.get(ALT[alternative])
    if want_block is None:
        pytest.skip(f"{case} has no {ALT[alternative]} reference")
    want = pd.DataFrame(want_block["comparisons"])
    got = posthoc(data, dv, between, control=control, alternative=alternative)
    assert _pair(got) == _norm(want["comparison"])
    assert_allclose(got["estimate"], want["estimate"], **R8)
    assert_allclose(got["stderr"], want["se"], **R8)
    assert_allclose(got["statistic"], want["t"], **R8)
    assert (got["df"] == want_block["df"]).all()
    assert_allclose(got["pvalue"], want["p_adj_single_step"], rtol=0, atol=1e-4)
    # simultaneous intervals: R's critical value comes from a randomised qmvt with
    # abseps 1e-3, so compare the implied critical values to that accuracy
    crit = abs(want_block["critical_value_95"])
    if alternative != "less":
        r_crit = (want["estimate"] - want["lwr"]) / want["se"]
        assert_allclose(r_crit, crit, **R8)
        assert_allclose((got["estimate"] - got["ci_low"]) / got["stderr"], crit, atol=5e-4)
    if alternative != "greater":
        assert_allclose((got["ci_high"] - got["estimate"]) / got["stderr"], crit, atol=5e-4)
    if alternative == "greater":
        assert np.isinf(got["ci_high"]).all()
    if alternative == "less":
        assert np.isinf(got["ci_low"]).all()
    down = posthoc(
        data, dv, between, control=control, alternative=alternative, method="dunnett-stepdown"
    )
    assert_allclose(down["pvalue"], want["p_adj_stepdown_free"], rtol=0, atol=1e-4)
    assert (down["pvalue"] <= got["pvalue"] + 1e-4).all()


@pytest.mark.parametrize("case", sorted(CASES))
def test_tukey_kramer_matches_tukeyhsd(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    want = pd.DataFrame(ref["tukey"])
    got = posthoc(data, dv, between, method="tukey")
    assert _pair(got) == _norm(want["comparison"])
    assert_allclose(got["estimate"], want["diff"], **R8)
    assert_allclose(got["pvalue"], want["p_adj"], "iterative", atol=1e-10)
    assert_allclose(got["ci_low"], want["lwr"], **R8)
    assert_allclose(got["ci_high"], want["upr"], **R8)


@pytest.mark.parametrize("case", sorted(CASES))
def test_games_howell_matches_r(shared_reference, case):
    data, ref, dv, between, _ = load_case(shared_reference, case)
    want = pd.DataFrame(ref["games_howell"])
    got = posthoc(data, dv, between, method="games-howell")
    assert _pair(got) == _norm(want["comparison"])
    assert_allclose(got["estimate"], want["diff"], **R8)
    assert_allclose(got["stderr"], want["se"], **R8)
    assert_allclose(got["df"], want["df"], **R8)
    assert_allclose(np.sqrt(2) * got["statistic"].abs(), want["q"], **R8)
    assert_allclose(got["pvalue"], want["p_adj"], rtol=1e-6, atol=1e-10)
    assert_allclose(got["ci_low"], want["lwr"], "r_closed_form")
    assert_allclose(got["ci_high"], want["upr"], "r_closed_form")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("family", ["all", "control"])
@pytest.mark.parametrize("padjust", ["bonferroni", "holm", "sidak"])
def test_dunn_matches_r(shared_reference, case, family, padjust):
    data, ref, dv, between, control = load_case(shared_reference, case)
    key = "kruskal_dunn_all_pairs" if family == "all" else "kruskal_dunn_vs_control"
    want = pd.DataFrame(ref[key]["dunn"])
    got = posthoc(
        data,
        dv,
        between,
        method="dunn",
        control=control if family == "control" else None,
        padjust=padjust,
    )
    # R's all-pairs table is earlier - later; ours is later - earlier (as TukeyHSD)
    sign = -1.0 if family == "all" else 1.0
    assert_allclose(sign * got["estimate"], want["mean_rank_diff"], **R8)
    assert_allclose(sign * got["statistic"], want["z"], **R8)
    # R computes Sidak as 1 - (1 - p)^m, which loses ~1e-16 absolute for tiny p
    assert_allclose(got["pvalue"], want[f"p_{padjust}"], rtol=1e-8, atol=1e-15)
    assert got["df"].isna().all() and (got["padjust"] == padjust).all()


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("padjust", ["bonferroni", "sidak", "holm", "holm-sidak", "none"])
def test_pooled_t_vs_control_matches_p_adjust(shared_reference, case, padjust):
    data, ref, dv, between, control = load_case(shared_reference, case)
    want = pd.DataFrame(ref["many_to_one_pooled"])
    got = posthoc(data, dv, between, method="t", control=control, padjust=padjust)
    assert _pair(got) == _norm(want["comparison"])
    assert_allclose(got["statistic"], want["t"], **R8)
    assert_allclose(got["stderr"], want["se"], **R8)
    col = "p_unadj" if padjust == "none" else f"p_{padjust.replace('-', '_')}"
    assert_allclose(got["pvalue"], want[col], rtol=1e-8, atol=1e-15)


def test_pooled_t_bonferroni_interval_is_t_interval_at_alpha_over_m(shared_reference):
    data, _, dv, between, control = load_case(shared_reference, "plantgrowth_oneway")
    got = posthoc(data, dv, between, method="t", control=control, padjust="bonferroni")
    crit = stats.t.isf(0.05 / 4, 27)
    assert_allclose(got["ci_high"] - got["estimate"], crit * got["stderr"], "closed_form")


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_dunnett_matches_scipy_unbalanced(alternative):
    rng = np.random.default_rng(7)
    sizes = [(0, 8), (0.9, 6), (1.4, 10), (-0.3, 7)]
    parts = [
        pd.DataFrame({"g": f"g{i}", "y": rng.normal(m, 1, n)}) for i, (m, n) in enumerate(sizes)
    ]
    df = pd.concat(parts, ignore_index=True)
    got = posthoc(df, "y", "g", control="g0", alternative=alternative)
    samples = [p["y"].to_numpy() for p in parts]
    res = stats.dunnett(*samples[1:], control=samples[0], alternative=alternative, rng=1)
    ci = res.confidence_interval()
    assert_allclose(got["statistic"], res.statistic, "closed_form")
    assert_allclose(got["pvalue"], res.pvalue, rtol=0, atol=1e-4)
    finite = np.isfinite(got["ci_low"])
    assert_allclose(got["ci_low"][finite], np.asarray(ci.low)[finite], rtol=0, atol=2e-3)


# -- the Dunnett distribution by quadrature ---------------------------------------


def _adaptive(c, lam, df):
    lam = np.asarray(lam)
    r = np.sqrt(1 - lam**2)

    def inner(s):
        def f(z):
            q = special.ndtr((-c * s - lam * z) / r) + special.ndtr((-c * s + lam * z) / r)
            return stats.norm.pdf(z) * (1 - np.prod(1 - q))

        return integrate.quad(f, -10, 10, epsabs=1e-11, limit=100)[0]

    dens = stats.chi(df, scale=1 / np.sqrt(df)).pdf
    return integrate.quad(lambda s: inner(s) * dens(s), 0, np.inf, epsabs=1e-12, limit=200)[0]


@pytest.mark.parametrize(("c", "lam", "df"), [(2.4, [0.5, 0.8], 12)])
def test_dunnett_quadrature_matches_adaptive_integration(c, lam, df):
    assert_allclose(dunnett_sf(c, np.array(lam), df), _adaptive(c, lam, df), rtol=0, atol=1e-9)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_dunnett_grid_interpolation_matches_direct(alternative):
    t = np.linspace(-6, 6, 97)
    direct = dunnett_sf(t, np.full(4, np.sqrt(0.5)), 45, alternative)
    assert_allclose(dunnett_sf_grid(t, 4, 45, alternative), direct, rtol=0, atol=1e-6)


# -- bad input -----------------------------------------------------------------


def _toy():
    return pd.DataFrame({"g": list("vvvaaabbb"), "y": [1, 2, 3, 2, 3, 5, 4, 6, 9.0]})


def test_control_not_a_group():
    with pytest.raises(InputError, match=r"Invalid `control`: got 'vehicle', must be one of v"):
        posthoc(_toy(), "y", "g", control="vehicle")


def test_dunnett_needs_control():
    with pytest.raises(InputError, match="Dunnett's test needs a control group"):
        posthoc(_toy(), "y", "g", method="dunnett")


def test_one_sided_tukey_rejected():
    with pytest.raises(InputError, match="must be two-sided for tukey"):
        posthoc(_toy(), "y", "g", method="tukey", alternative="less")


def test_padjust_only_for_dunn_and_t():
    with pytest.raises(InputError, match="use padjust only with method 'dunn' or 't'"):
        posthoc(_toy(), "y", "g", control="v", padjust="holm")


def test_group_with_n1():
    with pytest.raises(InputError, match="group 'b' has n = 1"):
        posthoc(_toy().iloc[:7], "y", "g", control="v")


def test_all_equal_dunn():
    df = _toy().assign(y=1.0)
    with pytest.raises(InputError, match="all values of 'y' are equal"):
        posthoc(df, "y", "g", method="dunn")
    with pytest.raises(InputError, match="do not vary within any group"):
        posthoc(df, "y", "g", method="tukey")


def test_numeric_control_given_as_text(shared_reference):
    data, _, dv, between, _ = load_case(shared_reference, "toothgrowth_dose_oneway")
    got = posthoc(data, dv, between, control="0.5")
    assert (got["reference"] == 0.5).all()
