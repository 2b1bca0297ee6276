"""A parallel-group trial design: validated once, then simulated chunk by chunk."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from preclin.core import InputError, check_option, check_scalar

ANALYSES = ("ancova", "ttest")
ENDPOINTS = ("continuous", "responder")
DROPOUT_MECHANISMS = ("mcar", "mar")
MULTIPLICITY = ("bonferroni", "dunnett", "none")

# Gauss–Hermite nodes for E[expit(a + b Z)], Z ~ N(0, 1) (MAR dropout calibration)
_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(64)
_GH_W = _GH_W / _GH_W.sum()


@dataclasses.dataclass(frozen=True)
class Design:
    """Everything that defines one simulated trial (validated)."""

    n: tuple[int, ...]  # per arm, placebo first
    benefit: tuple[float, ...]  # per drug arm, points (placebo change − drug change)
    sd: float
    placebo_response: float
    baseline_mean: float
    baseline_sd: float
    baseline_corr: float
    site_sd: float
    n_sites: int
    dropout: float
    dropout_mechanism: str
    dropout_slope: float
    early_corr: float
    endpoint: str
    responder_threshold: float
    analysis: str
    alpha: float
    multiplicity: str

    @property
    def arms(self) -> int:
        return len(self.n)

    @property
    def alpha_per_test(self) -> float:
        q = self.arms - 1
        return self.alpha / q if self.multiplicity == "bonferroni" else self.alpha

    def dropout_intercept(self) -> float:
        """Logit intercept a with E[expit(a + s Z)] = dropout (MAR); logit(p) for MCAR."""
        p = self.dropout
        if p == 0:
            return -math.inf
        if self.dropout_mechanism == "mcar" or self.dropout_slope == 0:
            return float(special.logit(p))
        s = self.dropout_slope

        def gap(a: float) -> float:
            return float((special.expit(a + s * _GH_Z) * _GH_W).sum() - p)

        return float(optimize.brentq(gap, -50.0, 50.0, xtol=1e-12))

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["n"] = list(self.n)
        out["benefit"] = list(self.benefit)
        return out


def _per_arm(name: str, value: Any, count: int, *, low: float, integer: bool = False) -> list:
    values = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    if len(values) == 1:
        values = values * count
    if len(values) != count:
        raise InputError(f"Invalid `{name}`: got {len(values)} values, must be 1 or {count}.")
    return [check_scalar(name, v, low=low, integer=integer) for v in values]


# The design arguments of :func:`simulate_trial` and their defaults.
DESIGN_DEFAULTS: dict[str, Any] = {
    "arms": 2,
    "sd": 8.0,
    "placebo_response": -10.0,
    "baseline_mean": 30.0,
    "baseline_sd": 4.0,
    "baseline_corr": 0.0,
    "site_sd": 0.0,
    "n_sites": 1,
    "dropout": 0.0,
    "dropout_mechanism": "mcar",
    "dropout_slope": 1.0,
    "early_corr": 0.6,
    "endpoint": "continuous",
    "responder_threshold": 0.5,
    "analysis": "ancova",
    "alpha": 0.05,
    "multiplicity": "bonferroni",
}


def design_arguments(design: dict[str, Any], *, fixed: Sequence[str] = ()) -> dict[str, Any]:
    """:data:`DESIGN_DEFAULTS` updated by ``design``; names in ``fixed`` the caller sets."""
    defaults = {k: v for k, v in DESIGN_DEFAULTS.items() if k not in fixed}
    unknown = set(design) - set(defaults)
    if unknown:
        raise InputError(f"Invalid argument(s) {', '.join(sorted(unknown))} for the trial design.")
    return {**defaults, **design}


def make_design(
    *,
    n: int | Sequence[int],
    arms: int,
    effect: float | Sequence[float] | None,
    effect_smd: float | Sequence[float] | None,
    sd: float,
    placebo_response: float,
    baseline_mean: float,
    baseline_sd: float,
    baseline_corr: float,
    site_sd: float,
    n_sites: int,
    dropout: float,
    dropout_mechanism: str,
    dropout_slope: float,
    early_corr: float,
    endpoint: str,
    responder_threshold: float,
    analysis: str,
    alpha: float,
    multiplicity: str,
) -> Design:
    """Validate the arguments of :func:`simulate_trial` once (InputError on bad input)."""
    arms = int(check_scalar("arms", arms, low=2, integer=True))
    sizes = _per_arm("n", n, arms, low=2, integer=True)
    sd = float(check_scalar("sd", sd, low=0, closed="neither"))
    if effect is not None and effect_smd is not None:
        raise InputError("give either `effect` (points) or `effect_smd`, not both")
    if effect is None and effect_smd is None:
        raise InputError("Invalid `effect_smd`: got None, give the drug effect (effect_smd=0.3)")
    if effect is not None:
        benefit = _per_arm("effect", effect, arms - 1, low=0)
    else:
        benefit = [v * sd for v in _per_arm("effect_smd", effect_smd, arms - 1, low=0)]
    check_scalar("placebo_response", placebo_response)
    check_scalar("baseline_mean", baseline_mean)
    bsd = float(check_scalar("baseline_sd", baseline_sd, low=0))
    rho = float(check_scalar("baseline_corr", baseline_corr, low=-1, high=1, closed="neither"))
    check_scalar("site_sd", site_sd, low=0)
    n_sites = int(check_scalar("n_sites", n_sites, low=1, integer=True))
    check_scalar("dropout", dropout, low=0, high=1, closed="left")
    mech = check_option("dropout_mechanism", str(dropout_mechanism).lower(), DROPOUT_MECHANISMS)
    check_scalar("dropout_slope", dropout_slope)
    check_scalar("early_corr", early_corr, low=-1, high=1)
    endpoint = check_option("endpoint", endpoint, ENDPOINTS)
    check_scalar("responder_threshold", responder_threshold, low=0, high=1, closed="neither")
    analysis = check_option("analysis", analysis, ANALYSES)
    check_scalar("alpha", alpha, low=0, high=1, closed="neither")
    multiplicity = check_option("multiplicity", multiplicity, MULTIPLICITY)
    if analysis == "ancova" and bsd == 0 and endpoint == "continuous":
        raise InputError(
            "Invalid `baseline_sd`: got 0, ANCOVA on baseline needs baseline_sd > 0",
            hint="or use analysis='ttest'",
        )
    return Design(
        n=tuple(int(v) for v in sizes),
        benefit=tuple(float(v) for v in benefit),
        sd=sd,
        placebo_response=float(placebo_response),
        baseline_mean=float(baseline_mean),
        baseline_sd=bsd,
        baseline_corr=rho,
        site_sd=float(site_sd),
        n_sites=n_sites,
        dropout=float(dropout),
        dropout_mechanism=mech,
        dropout_slope=float(dropout_slope),
        early_corr=float(early_corr),
        endpoint=endpoint,
        responder_threshold=float(responder_threshold),
        analysis=analysis,
        alpha=float(alpha),
        multiplicity=multiplicity,
    )


def simulate_chunk(
    design: Design, rng: np.random.Generator, trials: int, benefit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Patient-level data for ``trials`` trials: baseline x, change y, observed weight w.

    ``benefit`` has shape (trials, arms − 1) in points. Arrays have shape
    (trials, arms, max n); ``w`` is None when every patient is observed, else
    0/1 (dropouts and padding of unequal arms are 0). ``x`` and ``y`` are
    returned *centred* on ``baseline_mean`` and ``placebo_response`` (the
    analyses are shift-invariant; add them back for absolute scores).
    """
    k, m = design.arms, max(design.n)
    shape = (trials, k, m)
    x = rng.standard_normal(shape)  # z_x, becomes the centred baseline in place
    y = rng.standard_normal(shape)  # z, becomes the centred change in place
    rho = design.baseline_corr
    # patient deviation with unit SD and corr(baseline, change) = rho, in place
    y *= math.sqrt(1.0 - rho * rho)
    if rho != 0.0:
        y += rho * x
    early = None
    if design.dropout > 0 and design.dropout_mechanism == "mar":
        r = design.early_corr
        early = rng.standard_normal(shape)
        early *= math.sqrt(1.0 - r * r)
        early += r * y
    y *= design.sd
    y[:, 1:, :] -= benefit[:, :, None]
    if design.site_sd > 0 and design.n_sites > 1:
        u = rng.normal(0.0, design.site_sd, size=(trials, design.n_sites))
        site = rng.integers(0, design.n_sites, size=shape)
        y += np.take_along_axis(u, site.reshape(trials, -1), axis=1).reshape(shape)
    elif design.site_sd > 0:
        y += rng.normal(0.0, design.site_sd, size=(trials, 1, 1))
    x *= design.baseline_sd
    w = None
    if design.dropout > 0:
        u01 = rng.random(shape)
        if early is None:
            w = (u01 >= design.dropout).astype(float)
        else:
            # a worse early response (less improvement = larger change) raises the risk
            early *= design.dropout_slope
            early += design.dropout_intercept()
            w = (u01 >= special.expit(early)).astype(float)
    if len(set(design.n)) > 1:
        if w is None:
            w = np.ones(shape)
        for j, nj in enumerate(design.n):
            w[:, j, nj:] = 0.0
    return x, y, w


def fast_path(design: Design) -> bool:
    """Designs whose trials reduce to per-arm sums in one fused pass (no sites, MCAR)."""
    return (
        design.endpoint == "continuous"
        and design.site_sd == 0
        and (design.dropout == 0 or design.dropout_mechanism == "mcar")
    )


def simulate_sums(
    design: Design, rng: np.random.Generator, trials: int, benefit: np.ndarray
) -> np.ndarray:
    """Per-arm raw sums (trials, arms, 6) of the same model as :func:`simulate_chunk`
    (continuous endpoint, no site effects, MCAR dropout), fused in one Numba pass."""
    from preclin.translate._ancova import fused_sums

    k, m = design.arms, max(design.n)
    shape = (trials, k, m)
    zx = rng.standard_normal(shape)
    z = rng.standard_normal(shape)
    w = np.ones((1, 1, 1))
    has_w = design.dropout > 0 or len(set(design.n)) > 1
    if has_w:
        w = (
            (rng.random(shape) >= design.dropout).astype(float)
            if design.dropout > 0
            else (np.ones(shape))
        )
        for j, nj in enumerate(design.n):
            w[:, j, nj:] = 0.0
    rho = design.baseline_corr
    a = design.sd * math.sqrt(1.0 - rho * rho)
    return fused_sums(
        zx,
        z,
        w,
        has_w,
        a,
        design.sd * rho,
        design.baseline_sd,
        np.ascontiguousarray(benefit, dtype=float),
    )


def simulate_patients(
    design: Design, rng: np.random.Generator, trials: int, benefit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As :func:`simulate_chunk` on the absolute scale, with an explicit weight array."""
    x, y, w = simulate_chunk(design, rng, trials, benefit)
    x += design.baseline_mean
    y += design.placebo_response
    return x, y, np.ones(x.shape) if w is None else w


def responder_rates(design: Design) -> np.ndarray:
    """P(change ≤ −threshold · baseline) per arm under the normal model (no dropout)."""
    thr = design.responder_threshold
    var = (
        design.sd**2
        + design.site_sd**2
        + (thr * design.baseline_sd) ** 2
        + 2 * thr * design.baseline_corr * design.sd * design.baseline_sd
    )
    mean0 = design.placebo_response + thr * design.baseline_mean
    means = np.array([mean0, *(mean0 - b for b in design.benefit)])
    return special.ndtr(-means / math.sqrt(var))


def analytic_power(design: Design, n: Sequence[float] | None = None) -> np.ndarray:
    """Closed-form power per drug arm (favourable direction), dropout as lost completers.

    Continuous: noncentral t with ``df = N − k − 1`` (ANCOVA) or ``N − k`` and
    residual SD ``sqrt(σ²(1 − ρ²) + σ_site²)`` (ANCOVA) or ``sqrt(σ² + σ_site²)``.
    Responder: the normal approximation of R ``power.prop.test``.
    """
    sizes = np.asarray(design.n if n is None else n, dtype=float) * (1.0 - design.dropout)
    k = design.arms
    a = design.alpha_per_test
    if design.endpoint == "responder":
        from preclin.stats import power_prop2

        rates = responder_rates(design)
        out = []
        for j in range(1, k):
            nn = 2.0 / (1.0 / sizes[0] + 1.0 / sizes[j])  # harmonic mean of the two arms
            if rates[j] == rates[0]:
                out.append(a / 2)
                continue
            res = power_prop2(
                p1=float(rates[0]), p2=float(rates[j]), n=nn, alpha=a, method="normal"
            )
            out.append(res.power)
        return np.array(out)
    rho2 = design.baseline_corr**2 if design.analysis == "ancova" else 0.0
    # random sites: a contrast keeps site_sd² (1 − 1/S) per patient (patients spread at random)
    site_var = design.site_sd**2 * (1.0 - 1.0 / design.n_sites)
    resid = math.sqrt(design.sd**2 * (1.0 - rho2) + site_var)
    df = sizes.sum() - k - (1 if design.analysis == "ancova" else 0)
    crit = stats.t.isf(a / 2, df)
    out = []
    for j in range(1, k):
        ncp = design.benefit[j - 1] / resid / math.sqrt(1.0 / sizes[0] + 1.0 / sizes[j])
        out.append(float(stats.nct.sf(crit, df, ncp)) if ncp > 0 else a / 2)
    return np.array(out)
