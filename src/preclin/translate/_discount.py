"""From an animal effect size to an expected clinical effect: an explicit discount model.

The model is deliberately simple and always shown::

    human SMD = preclinical SMD (e.g. Hedges' g, forced swim) × shrinkage
    shrinkage ~ Beta with a stated mean and SD (an assumption, not an estimate)
    preclinical SMD ~ Normal(g, SE from its CI)
    expected difference in points = human SMD × SD of the clinical scale

It carries the uncertainty of both factors into a prior for the assurance of
:func:`simulate_trial` and into a sensitivity table of power against the
shrinkage factor.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import InputError, Result, check_scalar, make_rng

_Z975 = float(stats.norm.isf(0.025))


@dataclasses.dataclass(frozen=True, kw_only=True)
class EffectPrior(Result):
    """A normal prior on the clinical SMD (for assurance).

    Attributes
    ----------
    mean_smd, sd_smd : float
    label : str
        Where the prior comes from (shown in every output).
    """

    mean_smd: float
    sd_smd: float
    label: str = "normal prior on the SMD"

    @property
    def discount_text(self) -> str | None:
        return None

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws of the SMD."""
        return rng.normal(self.mean_smd, self.sd_smd, size)

    def describe(self) -> str:
        return f"SMD ~ Normal({self.mean_smd:g}, {self.sd_smd:g}) ({self.label})"


def make_effect_prior(mean_smd: float, sd_smd: float, *, label: str = "") -> EffectPrior:
    """A validated :class:`EffectPrior` (``mean_smd`` >= 0, ``sd_smd`` >= 0).

    Examples
    --------
    >>> make_effect_prior(0.3, 0.1, label="pooled antidepressant trials").describe()
    'SMD ~ Normal(0.3, 0.1) (pooled antidepressant trials)'
    """
    m = float(check_scalar("mean_smd", mean_smd, low=0))
    s = float(check_scalar("sd_smd", sd_smd, low=0))
    return EffectPrior(mean_smd=m, sd_smd=s, label=label or "normal prior on the SMD")


@dataclasses.dataclass(frozen=True, kw_only=True)
class TranslatedEffect(Result):
    """A preclinical effect size carried to a clinical scale through a stated discount.

    Attributes
    ----------
    preclinical_g, preclinical_se : float
        Animal SMD (absolute value, benefit direction) and its SE.
    source : str
        Where the animal effect came from (``ref:...`` or ``calc:...``).
    shrinkage_mean, shrinkage_sd : float
        Mean and SD of the Beta prior on the shrinkage factor.
    shrinkage_a, shrinkage_b : float
        Its Beta parameters.
    mean_smd : float
        Expected clinical SMD ``g × E[shrinkage]``.
    smd_ci_low, smd_ci_high : float
        2.5 % and 97.5 % quantiles of the clinical SMD (Monte Carlo, 10^5 draws).
    scale, scale_sd : str, float
        Clinical scale and its between-patient SD (points).
    mean_points, points_ci_low, points_ci_high : float
        The same in points of the scale.
    discount_text : str
        One line stating the assumption (printed in every output that uses it).
    """

    preclinical_g: float
    preclinical_se: float
    source: str
    shrinkage_mean: float
    shrinkage_sd: float
    shrinkage_a: float
    shrinkage_b: float
    mean_smd: float
    smd_ci_low: float
    smd_ci_high: float
    scale: str
    scale_sd: float
    mean_points: float
    points_ci_low: float
    points_ci_high: float
    discount_text: str

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws of the clinical SMD (animal SMD × shrinkage)."""
        g = rng.normal(self.preclinical_g, self.preclinical_se, size)
        s = rng.beta(self.shrinkage_a, self.shrinkage_b, size)
        return g * s

    def describe(self) -> str:
        return self.discount_text

    def _title(self) -> str:
        return "Translated effect (animal SMD x shrinkage)"

    def _summary_lines(self) -> list[str]:
        return [
            f"assumption: {self.discount_text}",
            f"expected {self.scale} difference {self.mean_points:.3g} points "
            f"(95 % interval {self.points_ci_low:.3g} to {self.points_ci_high:.3g}; "
            f"SD {self.scale_sd:g})",
        ]


def calculate_translated_effect(
    preclinical_g: float,
    *,
    ci_low: float | None = None,
    ci_high: float | None = None,
    stderr: float | None = None,
    shrinkage_mean: float = 0.2,
    shrinkage_sd: float = 0.1,
    scale: str = "MADRS",
    scale_sd: float = 8.0,
    source: str = "",
    seed: int = 0,
) -> TranslatedEffect:
    """Carry an animal effect size to an expected clinical difference, assumption shown.

    Parameters
    ----------
    preclinical_g : float
        Animal SMD (e.g. Hedges' g of immobility vs vehicle); its sign is
        ignored (the benefit direction is taken).
    ci_low, ci_high : float, optional
        Its 95 % CI (the SE is the half-width / 1.96), or give ``stderr``.
    stderr : float, optional
    shrinkage_mean, shrinkage_sd : float
        Mean and SD of the Beta prior on the factor that shrinks an animal SMD
        to a clinical one. The defaults (0.2 ± 0.1) are an **illustrative
        assumption**, not an estimate: they map a rodent forced-swim g of about
        1.5 to a clinical SMD of about 0.3, the order of magnitude of pooled
        antidepressant-placebo differences (SMD ≈ 0.3). Change them and look
        at :func:`calculate_translation_sensitivity`.
    scale, scale_sd : str, float
        Clinical scale and its between-patient SD in points (default MADRS, 8).
    source : str
        Where ``preclinical_g`` came from (shown).
    seed : int
        Seed of the Monte-Carlo quantiles.

    Returns
    -------
    TranslatedEffect
        Usable as ``prior=`` of :func:`simulate_trial`.

    Notes
    -----
    ``SMD_h = g̃ · s`` with ``g̃ ~ N(|g|, SE²)`` and ``s ~ Beta(a, b)``,
    ``a = m κ``, ``b = (1 − m) κ``, ``κ = m (1 − m) / v² − 1`` (mean m, SD v);
    ``E[SMD_h] = |g| m`` exactly (independence); quantiles by Monte Carlo.

    Examples
    --------
    >>> t = calculate_translated_effect(1.58, ci_low=0.47, ci_high=2.66)
    >>> round(t.mean_smd, 3), round(t.mean_points, 3)
    (0.316, 2.528)
    >>> t.discount_text[:60]
    'human SMD = preclinical SMD 1.58 x shrinkage ~ Beta(mean 0.2'
    """
    g = abs(float(check_scalar("preclinical_g", preclinical_g)))
    if stderr is not None:
        se = float(check_scalar("stderr", stderr, low=0))
    elif ci_low is not None and ci_high is not None:
        lo, hi = float(check_scalar("ci_low", ci_low)), float(check_scalar("ci_high", ci_high))
        if hi < lo:
            raise InputError(f"Invalid `ci_high`: got {hi:g}, must be >= ci_low ({lo:g}).")
        se = (hi - lo) / (2 * _Z975)
    else:
        se = 0.0
    m = float(check_scalar("shrinkage_mean", shrinkage_mean, low=0, high=1, closed="neither"))
    v = float(check_scalar("shrinkage_sd", shrinkage_sd, low=0, closed="neither"))
    kappa = m * (1 - m) / (v * v) - 1
    if kappa <= 0:
        raise InputError(
            f"Invalid `shrinkage_sd`: got {v:g}, must be < sqrt(m (1 - m)) = "
            f"{math.sqrt(m * (1 - m)):.3g} for a Beta prior with mean {m:g}."
        )
    ssd = float(check_scalar("scale_sd", scale_sd, low=0, closed="neither"))
    text = (
        f"human SMD = preclinical SMD {g:.3g} x shrinkage ~ Beta(mean {m:g}, sd {v:g})"
        f"{f' [{source}]' if source else ''}; the shrinkage is an assumption, not an estimate"
    )
    out = TranslatedEffect(
        preclinical_g=g,
        preclinical_se=se,
        source=source,
        shrinkage_mean=m,
        shrinkage_sd=v,
        shrinkage_a=m * kappa,
        shrinkage_b=(1 - m) * kappa,
        mean_smd=g * m,
        smd_ci_low=math.nan,
        smd_ci_high=math.nan,
        scale=scale,
        scale_sd=ssd,
        mean_points=g * m * ssd,
        points_ci_low=math.nan,
        points_ci_high=math.nan,
        discount_text=text,
    )
    draws = out.draw(make_rng(seed), 100_000)
    lo_q, hi_q = np.quantile(draws, [0.025, 0.975])
    return dataclasses.replace(
        out,
        smd_ci_low=float(lo_q),
        smd_ci_high=float(hi_q),
        points_ci_low=float(lo_q) * ssd,
        points_ci_high=float(hi_q) * ssd,
    )


def calculate_translation_sensitivity(
    preclinical_g: float,
    *,
    shrinkage: Sequence[float] = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5),
    n: int = 150,
    scale_sd: float = 8.0,
    **design: Any,
) -> pd.DataFrame:
    """Power of a trial against the assumed shrinkage of the animal effect.

    Parameters
    ----------
    preclinical_g : float
        Animal SMD (sign ignored).
    shrinkage : sequence of float
        Shrinkage factors to try, each in (0, 1].
    n : int
        Patients per arm.
    scale_sd : float
        SD of the clinical scale (points).
    **design
        Other arguments of :func:`simulate_trial` (``arms``, ``analysis``,
        ``baseline_corr``, ``dropout``, ``alpha``, ...).

    Returns
    -------
    DataFrame
        One row per shrinkage: ``shrinkage``, ``human_smd``, ``effect_points``,
        ``power_analytic``, ``n``, ``assumption``.

    Examples
    --------
    >>> tab = calculate_translation_sensitivity(1.5, shrinkage=[0.1, 0.2], n=150,
    ...                                         analysis="ttest")
    >>> print(tab[["shrinkage", "human_smd", "power_analytic"]].round(3).to_string(index=False))
     shrinkage  human_smd  power_analytic
           0.1       0.15           0.253
           0.2       0.30           0.736
    """
    from preclin.translate._design import analytic_power, design_arguments, make_design

    g = abs(float(check_scalar("preclinical_g", preclinical_g)))
    factors = [
        float(check_scalar("shrinkage", s, low=0, high=1, closed="right")) for s in shrinkage
    ]
    if not factors:
        raise InputError("Invalid `shrinkage`: needs at least one factor.")
    kw = design_arguments(design, fixed=("sd",))
    rows = []
    for s in factors:
        d = make_design(n=n, effect=None, effect_smd=g * s, sd=scale_sd, **kw)
        rows.append(
            {
                "shrinkage": s,
                "human_smd": g * s,
                "effect_points": g * s * scale_sd,
                "power_analytic": float(analytic_power(d).min()),
                "n": int(n),
                "assumption": f"human SMD = {g:.3g} x {s:g} (assumed shrinkage)",
            }
        )
    return pd.DataFrame(rows)
