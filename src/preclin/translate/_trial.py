"""Clinical-trial simulation: power, assurance and the winner's curse, vectorised."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, Result, check_scalar, make_provenance, make_rng
from preclin.translate._ancova import (
    ancova_batch,
    ancova_from_sums,
    proportions_batch,
    sums_dict,
    two_sided_pvalue,
)
from preclin.translate._design import (
    Design,
    analytic_power,
    fast_path,
    make_design,
    simulate_chunk,
    simulate_sums,
)

_CHUNK_ELEMENTS = 1 << 17  # patients per chunk: arrays stay cache-sized (1 MB)


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrialResult(Result):
    """Simulated operating characteristics of a parallel-group trial.

    Attributes
    ----------
    power : float
        Fraction of simulated trials that succeed (at least one drug arm
        significantly better than placebo after the multiplicity adjustment)
        at the fixed effect.
    power_stderr : float
        Monte-Carlo SE ``sqrt(p (1 − p) / n_sim)``.
    power_analytic : float
        Closed-form approximation (NaN where none applies, e.g. with more than
        one drug arm for "any arm").
    assurance, assurance_stderr : float
        Probability of success averaged over the effect prior (NaN without one).
    estimate_given_success : float
        Mean estimated benefit of the best arm in the successful trials (points,
        or risk difference for responders): the winner's curse.
    true_effect : float
        The benefit it should be compared with (points or risk difference).
    exaggeration_ratio : float
        ``estimate_given_success / true_effect`` (type M error).
    n_sim, arms : int
    endpoint, analysis, multiplicity : str
    arms_table : DataFrame
        One row per drug arm: ``arm``, ``n``, ``effect``, ``effect_smd``,
        ``power``, ``power_stderr``, ``power_analytic``, ``mean_estimate``,
        ``estimate_given_success``, ``mean_completers``, ``discount``.
    assumptions : dict
        Every input of the design (SDs, correlations, dropout model, prior and
        discount), shown in :meth:`summary`.
    trials : DataFrame or None
        One row per simulated trial and drug arm (``keep_trials=True``):
        ``trial``, ``arm``, ``true_effect``, ``estimate``, ``stderr``,
        ``statistic``, ``df``, ``pvalue``, ``success``.
    """

    power: float
    power_stderr: float
    power_analytic: float
    assurance: float
    assurance_stderr: float
    estimate_given_success: float
    true_effect: float
    exaggeration_ratio: float
    n_sim: int
    arms: int
    endpoint: str
    analysis: str
    multiplicity: str
    arms_table: pd.DataFrame = dataclasses.field(repr=False)
    assumptions: dict[str, Any] = dataclasses.field(repr=False)
    trials: pd.DataFrame | None = dataclasses.field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-arm table (with the discount assumption as a column)."""
        return self.arms_table.copy()

    def _title(self) -> str:
        return (
            f"Trial simulation: {self.arms} arms, {self.endpoint} endpoint, {self.analysis}, "
            f"{self.n_sim} trials"
        )

    def _summary_lines(self) -> list[str]:
        lines = [
            f"power = {self.power:.4f} (MC SE {self.power_stderr:.4f}); "
            f"analytic approximation {self.power_analytic:.4f}",
        ]
        if math.isfinite(self.assurance):
            lines.append(
                f"assurance (probability of success under the prior) = {self.assurance:.4f} "
                f"(MC SE {self.assurance_stderr:.4f})"
            )
        lines.append(
            f"winner's curse: mean estimate in successful trials {self.estimate_given_success:.4g}"
            f" vs true {self.true_effect:.4g} (exaggeration x{self.exaggeration_ratio:.3g})"
        )
        lines.append("assumptions: " + _assumption_text(self.assumptions))
        return lines


def _assumption_text(a: dict[str, Any]) -> str:
    keys = (
        "sd",
        "placebo_response",
        "baseline_corr",
        "site_sd",
        "n_sites",
        "dropout",
        "dropout_mechanism",
        "alpha",
        "multiplicity",
    )
    parts = [f"{k}={a[k]}" for k in keys if k in a]
    parts.append(f"discount: {a.get('discount') or 'none (effect given directly)'}")
    if a.get("prior") and a.get("prior") != a.get("discount"):
        parts.append(f"prior: {a['prior']}")
    return "; ".join(parts)


def _run(
    design: Design,
    rng: np.random.Generator,
    n_sim: int,
    smd_draws: np.ndarray | None,
    chunk_size: int | None,
    keep: bool,
) -> dict[str, Any]:
    """Simulate ``n_sim`` trials in chunks; success per trial and arm, estimates."""
    q = design.arms - 1
    m = max(design.n)
    chunk = chunk_size or max(1, _CHUNK_ELEMENTS // (design.arms * m))
    fixed = np.asarray(design.benefit, dtype=float)
    crit_alpha = design.alpha_per_test
    success = np.zeros((n_sim, q), dtype=bool)
    estimate = np.full((n_sim, q), np.nan)
    completers = np.zeros((n_sim, design.arms))
    truth = np.zeros((n_sim, q))
    kept: dict[str, list[np.ndarray]] = {k: [] for k in ("se", "t", "df", "p")}
    fast = fast_path(design)
    for start in range(0, n_sim, chunk):
        c = min(chunk, n_sim - start)
        if smd_draws is None:
            benefit = np.broadcast_to(fixed, (c, q))
        else:
            benefit = np.repeat(smd_draws[start : start + c, None] * design.sd, q, axis=1)
        if fast:  # one fused Numba pass from normals to per-arm sums
            raw = simulate_sums(design, rng, c, benefit)
            res = ancova_from_sums(sums_dict(raw), covariate=design.analysis == "ancova")
        elif design.endpoint == "responder":
            x, y, w = simulate_chunk(design, rng, c, benefit)
            thr = design.responder_threshold
            y += thr * x  # centred scale: responder iff y + thr·x <= −(placebo + thr·baseline)
            cut = -(design.placebo_response + thr * design.baseline_mean)
            res = proportions_batch((y <= cut).astype(float), w)
        else:
            x, y, w = simulate_chunk(design, rng, c, benefit)
            xx = x if design.analysis == "ancova" else None
            res = ancova_batch(y, xx, w, overwrite=True)
        p = two_sided_pvalue(res["statistic"], res["df"])
        if design.multiplicity == "dunnett" and q > 1:
            p = _dunnett(res["statistic"], res["df"])
        sl = slice(start, start + c)
        # benefit orientation: placebo change − drug change (positive favours the drug)
        estimate[sl] = -res["estimate"] if design.endpoint == "continuous" else res["estimate"]
        success[sl] = (p < crit_alpha) & (estimate[sl] > 0)
        completers[sl] = res["n"]
        truth[sl] = benefit
        if keep:
            kept["se"].append(res["stderr"])
            kept["t"].append(np.abs(res["statistic"]) * np.sign(estimate[sl]))
            kept["df"].append(np.broadcast_to(res["df"][:, None], (c, q)))
            kept["p"].append(p)
    out: dict[str, Any] = {
        "success": success,
        "estimate": estimate,
        "completers": completers,
        "truth": truth,
    }
    if keep:
        out.update({k: np.concatenate(v) for k, v in kept.items()})
    return out


def _dunnett(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Single-step Dunnett p-values (equal-allocation correlation) at the median df."""
    from preclin.stats._dunnett_dist import dunnett_sf_grid  # the stats room's kernel

    out = np.full(t.shape, np.nan)
    ok = np.isfinite(t).all(axis=1)
    if ok.any():
        dfm = float(np.median(df[ok]))
        out[ok] = dunnett_sf_grid(t[ok], t.shape[1], dfm, "two-sided")
    return out


def _true_effect_scale(design: Design) -> np.ndarray:
    """True effect per drug arm on the estimate's scale (points or risk difference)."""
    if design.endpoint == "responder":
        from preclin.translate._design import responder_rates

        rates = responder_rates(design)
        return rates[1:] - rates[0]
    return np.asarray(design.benefit)


def simulate_trial(
    n: int | Sequence[int] = 150,
    *,
    arms: int = 2,
    effect: float | Sequence[float] | None = None,
    effect_smd: float | Sequence[float] | None = None,
    sd: float = 8.0,
    placebo_response: float = -10.0,
    baseline_mean: float = 30.0,
    baseline_sd: float = 4.0,
    baseline_corr: float = 0.0,
    site_sd: float = 0.0,
    n_sites: int = 1,
    dropout: float = 0.0,
    dropout_mechanism: str = "mcar",
    dropout_slope: float = 1.0,
    early_corr: float = 0.6,
    endpoint: str = "continuous",
    responder_threshold: float = 0.5,
    analysis: str = "ancova",
    alpha: float = 0.05,
    multiplicity: str = "bonferroni",
    prior: Any = None,
    n_sim: int = 10_000,
    seed: int | None = None,
    chunk_size: int | None = None,
    keep_trials: bool = False,
) -> TrialResult:
    """Simulate many parallel-group trials at once: power, assurance, winner's curse.

    Parameters
    ----------
    n : int or sequence of int
        Patients randomised per arm (placebo first), >= 2.
    arms : int
        Number of arms including placebo (>= 2).
    effect, effect_smd : float or sequence
        Drug benefit over placebo per drug arm, in points (``effect``: placebo
        change − drug change, >= 0) or in units of ``sd`` (``effect_smd``).
        With ``prior`` they may be omitted (the prior mean is used for power).
    sd : float
        Between-patient SD of the change from baseline (points, > 0).
    placebo_response : float
        Mean change from baseline on placebo (points; negative = improvement,
        as for MADRS / HAM-D / HAM-A).
    baseline_mean, baseline_sd : float
        Baseline score distribution (normal).
    baseline_corr : float
        Correlation of baseline with the change, in (−1, 1).
    site_sd : float
        SD of random site effects on the change (placebo-response
        heterogeneity); patients are spread at random over ``n_sites`` sites.
    n_sites : int
    dropout : float
        Probability that a patient has no primary endpoint, in [0, 1).
    dropout_mechanism : {"mcar", "mar"}
        MCAR, or MAR-like: ``logit P(drop) = a + dropout_slope · early`` where
        ``early`` is a standardised early response correlated ``early_corr``
        with the final change (worse early response → more dropout); ``a`` is
        solved so that the average dropout equals ``dropout``.
    dropout_slope, early_corr : float
    endpoint : {"continuous", "responder"}
        Change from baseline, or responder (reduction >= ``responder_threshold``
        × baseline, default 50 %).
    responder_threshold : float
    analysis : {"ancova", "ttest"}
        Continuous endpoint: ANCOVA on baseline or pooled t test (completers).
        The responder endpoint uses the pooled two-proportion z test.
    alpha : float
        Two-sided significance level; success also needs the estimate to
        favour the drug.
    multiplicity : {"bonferroni", "dunnett", "none"}
        Adjustment across drug arms (ignored with one drug arm).
    prior : EffectPrior or TranslatedEffect, optional
        Distribution of the true SMD (all drug arms share each draw) for the
        assurance; its description (and any discount assumption) is reported.
    n_sim : int
        Simulated trials (>= 100).
    seed : int, optional
    chunk_size : int, optional
        Trials per chunk (default: about 2 million patients per chunk).
    keep_trials : bool
        Keep the per-trial table (memory: n_sim × (arms − 1) rows).

    Returns
    -------
    TrialResult
        ``to_frame()`` has one row per drug arm (columns listed in
        :class:`TrialResult`).

    Notes
    -----
    Trials are simulated as arrays (trials × arms × patients) in chunks of
    about 10^5 patients; each trial is analysed from its sufficient statistics
    (see ``translate._ancova``), so no model is fitted per trial. For a
    continuous endpoint without site effects and with MCAR dropout, one Numba
    pass turns the normal draws into the per-arm sums (same numbers as the
    array path, tested to 1e-12). ``multiplicity="dunnett"`` uses the
    equal-allocation Dunnett distribution of :mod:`preclin.stats` at the
    median residual df of the batch (exact without dropout and equal arms).
    The analysis is on completers (observed cases); sites are not modelled in
    the analysis (they inflate the residual variance). Patient change
    ``y = placebo_response − benefit_j + sd (ρ z_x + sqrt(1 − ρ²) z) + u_site``,
    baseline ``x = μ_b + σ_b z_x``.
    Power converges to R ``pwr.t.test`` (t test), the noncentral-t ANCOVA
    approximation with residual variance σ²(1 − ρ²) and ``df = N − k − 1``, and
    R ``power.prop.test`` (responders) within Monte-Carlo error
    (``reference/translate``).

    Examples
    --------
    >>> res = simulate_trial(175, effect_smd=0.3, analysis="ttest", n_sim=2000, seed=1)
    >>> round(res.power_analytic, 3)
    0.799
    >>> abs(res.power - res.power_analytic) < 4 * res.power_stderr
    True
    """
    n_sim = int(check_scalar("n_sim", n_sim, low=100, integer=True))
    if chunk_size is not None:
        chunk_size = int(check_scalar("chunk_size", chunk_size, low=1, integer=True))
    if prior is not None and not hasattr(prior, "draw"):
        raise InputError(
            f"Invalid `prior`: got {type(prior).__name__}, must be an EffectPrior or "
            "TranslatedEffect (preclin.translate)."
        )
    if effect is None and effect_smd is None and prior is not None:
        effect_smd = float(prior.mean_smd)
    design = make_design(
        n=n,
        arms=arms,
        effect=effect,
        effect_smd=effect_smd,
        sd=sd,
        placebo_response=placebo_response,
        baseline_mean=baseline_mean,
        baseline_sd=baseline_sd,
        baseline_corr=baseline_corr,
        site_sd=site_sd,
        n_sites=n_sites,
        dropout=dropout,
        dropout_mechanism=dropout_mechanism,
        dropout_slope=dropout_slope,
        early_corr=early_corr,
        endpoint=endpoint,
        responder_threshold=responder_threshold,
        analysis=analysis,
        alpha=alpha,
        multiplicity=multiplicity,
    )
    rng = make_rng(seed)
    run = _run(design, rng, n_sim, None, chunk_size, keep_trials)
    any_success = run["success"].any(axis=1)
    power = float(any_success.mean())
    per_arm = run["success"].mean(axis=0)
    analytic = analytic_power(design)
    true_scale = _true_effect_scale(design)
    best = np.argmax(true_scale)
    wins = run["success"][:, best]
    est_success = float(run["estimate"][wins, best].mean()) if wins.any() else math.nan
    assurance = assurance_se = math.nan
    if prior is not None:
        draws = np.asarray(prior.draw(rng, n_sim), dtype=float)
        prun = _run(design, rng, n_sim, draws, chunk_size, False)
        ok = prun["success"].any(axis=1)
        assurance = float(ok.mean())
        assurance_se = math.sqrt(assurance * (1 - assurance) / n_sim)
    discount = getattr(prior, "discount_text", None) if prior is not None else None
    q = design.arms - 1
    table = pd.DataFrame(
        {
            "arm": np.arange(1, q + 1),
            "n": list(design.n[1:]),
            "effect": list(design.benefit),
            "effect_smd": [b / design.sd for b in design.benefit],
            "power": per_arm,
            "power_stderr": np.sqrt(per_arm * (1 - per_arm) / n_sim),
            "power_analytic": analytic,
            "true_effect": true_scale,
            "mean_estimate": np.nanmean(run["estimate"], axis=0),
            "estimate_given_success": [
                float(run["estimate"][run["success"][:, j], j].mean())
                if run["success"][:, j].any()
                else math.nan
                for j in range(q)
            ],
            "mean_completers": run["completers"][:, 1:].mean(axis=0),
            "discount": discount or "none (effect given directly)",
        }
    )
    assumptions = design.as_dict()
    assumptions.update(
        {
            "n_sim": n_sim,
            "seed": seed,
            "discount": discount,
            "prior": None if prior is None else prior.describe(),
            "benefit_orientation": "placebo change - drug change (positive favours the drug)",
        }
    )
    trials = None
    if keep_trials:
        trials = pd.DataFrame(
            {
                "trial": np.repeat(np.arange(n_sim), q),
                "arm": np.tile(np.arange(1, q + 1), n_sim),
                "true_effect": run["truth"].ravel(),
                "estimate": run["estimate"].ravel(),
                "stderr": run["se"].ravel(),
                "statistic": run["t"].ravel(),
                "df": run["df"].ravel(),
                "pvalue": run["p"].ravel(),
                "success": run["success"].ravel(),
            }
        )
    return TrialResult(
        power=power,
        power_stderr=math.sqrt(power * (1 - power) / n_sim),
        power_analytic=float(analytic[0]) if q == 1 else math.nan,
        assurance=assurance,
        assurance_stderr=assurance_se,
        estimate_given_success=est_success,
        true_effect=float(true_scale[best]),
        exaggeration_ratio=est_success / float(true_scale[best])
        if true_scale[best] > 0
        else math.nan,
        n_sim=n_sim,
        arms=design.arms,
        endpoint=design.endpoint,
        analysis=design.analysis if design.endpoint == "continuous" else "prop2 z",
        multiplicity=design.multiplicity,
        arms_table=table,
        assumptions=assumptions,
        trials=trials,
        provenance=make_provenance(seed=seed, parameters=assumptions),
    )
