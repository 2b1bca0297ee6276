"""Power and sample size: t tests, one-way ANOVA, two proportions.

Each ``power_*`` function solves for whichever one of effect size, ``n`` or
``power`` is left as ``None`` (as R ``pwr`` does) and returns a
:class:`PowerResult`. When no effect size or SD is known, Mead's resource
equation is in :mod:`preclin.stats._resource`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from preclin.core import InputError, Result, check_option, check_scalar

__all__ = [
    "PowerResult",
    "power_anova",
    "power_from_pilot",
    "power_prop2",
    "power_ttest",
]

_ALTERNATIVES = ["two-sided", "greater", "less"]
_T_KINDS = ["two-sample", "one-sample", "paired"]
_N_MAX = 1e9


@dataclasses.dataclass(frozen=True, kw_only=True)
class PowerResult(Result):
    """A power / sample-size calculation (one unknown solved, as R ``pwr``).

    Attributes
    ----------
    test : str
        ``"t two-sample"``, ``"t one-sample"``, ``"t paired"``, ``"anova"``,
        ``"prop2 arcsine"`` or ``"prop2 normal"``.
    solved_for : str
        ``"n"``, ``"power"`` or the name of the effect size.
    effect_name : str
        ``"d"`` (Cohen's d), ``"f"`` (Cohen's f), ``"h"`` (Cohen's h) or ``"p2"``.
    effect : float
        The standardised effect size (or ``p2`` for the normal two-proportion test).
    n : float
        Per group (pairs for a paired test); not rounded: ``n_ceil`` is the
        number of animals to use.
    n_ceil : int
        ``ceil(n)`` (after removing a 1e-9 round-off), animals per group.
    power : float
    alpha : float
    alternative : str
    k : int or None
        Number of groups (ANOVA).
    effect_raw, sd : float or None
        The effect in raw units and the SD it was standardised with (pilot input).
    p1 : float or None
        Reference proportion (two-proportion tests).
    """

    test: str
    solved_for: str
    effect_name: str
    effect: float
    n: float
    n_ceil: int
    power: float
    alpha: float
    alternative: str
    k: int | None = None
    effect_raw: float | None = None
    sd: float | None = None
    p1: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row with every field (None where a field does not apply)."""
        row = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "provenance"
        }
        return pd.DataFrame([row])

    def _title(self) -> str:
        return f"Power calculation ({self.test}), solved for {self.solved_for}"

    def _summary_lines(self) -> list[str]:
        return [
            f"n = {self.n:.4g} per group -> use {self.n_ceil}; power = {self.power:.4g}; "
            f"{self.effect_name} = {self.effect:.4g}; alpha = {self.alpha:g} ({self.alternative})"
        ]


# -- validation ---------------------------------------------------------------


def _check_unknowns(**values: float | None) -> str:
    missing = [k for k, v in values.items() if v is None]
    if len(missing) != 1:
        names = ", ".join(f"`{k}`" for k in values)
        raise InputError(
            f"exactly one of {names} must be None (the unknown to solve for), "
            f"got {len(missing)} unknowns"
        )
    return missing[0]


def _check_common(alpha: float, power: float | None, n: float | None, n_min: float) -> None:
    check_scalar("alpha", alpha, low=0, high=1, closed="neither")
    if power is not None:
        check_scalar("power", power, low=0, high=1, closed="neither")
    if n is not None:
        check_scalar("n", n, low=n_min)


def _solve(func: Callable[[float], float], lo: float, hi: float, what: str) -> float:
    """Root of an increasing ``func`` in [lo, hi]; the bracket grows from lo upwards."""
    flo = func(lo)
    upper = min(hi, max(4.0 * lo, lo + 1.0))
    fup = func(upper)
    while not fup > 0 and upper < hi:
        lo, flo = upper, fup
        upper = min(hi, upper * 4.0)
        fup = func(upper)
    if not (flo <= 0 < fup):
        raise InputError(
            f"no {what} in the searched range reaches the requested power",
            hint="ask for a smaller power or a larger effect / n",
        )
    return float(optimize.brentq(func, lo, upper, xtol=1e-13, rtol=4 * np.finfo(float).eps))


def _n_ceil(n: float) -> int:
    return math.ceil(n - 1e-9)


# -- t tests ------------------------------------------------------------------


def _nct_cdf(x: float, nu: float, ncp: float) -> float:
    """P(T' <= x); SciPy returns NaN deep in a tail, where the answer is 0 or 1."""
    value = float(stats.nct.cdf(x, nu, ncp))
    if math.isnan(value):
        return 0.0 if x < ncp else 1.0
    return value


def _nct_sf(x: float, nu: float, ncp: float) -> float:
    value = float(stats.nct.sf(x, nu, ncp))
    if math.isnan(value):
        return 1.0 if x < ncp else 0.0
    return value


def _t_power(d: float, n: float, alpha: float, kind: str, alternative: str) -> float:
    groups = 2.0 if kind == "two-sample" else 1.0
    nu = (n - 1.0) * groups
    ncp = math.sqrt(n / groups) * d
    if alternative == "two-sided":
        q = stats.t.isf(alpha / 2, nu)
        return _nct_sf(q, nu, ncp) + _nct_cdf(-q, nu, ncp)
    if alternative == "greater":
        return _nct_sf(stats.t.isf(alpha, nu), nu, ncp)
    return _nct_cdf(stats.t.ppf(alpha, nu), nu, ncp)


def power_ttest(
    d: float | None = None,
    n: float | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
    kind: str = "two-sample",
    alternative: str = "two-sided",
) -> PowerResult:
    """Power of a t test, or the n or Cohen's d that gives a power (one unknown).

    Parameters
    ----------
    d : float or None
        Cohen's d (difference / SD; for ``kind="paired"`` the mean difference
        over the SD of the differences, d_z). Negative for ``alternative="less"``.
    n : float or None
        Animals per group (pairs for paired, subjects for one-sample), >= 2.
    power : float or None
        In (0, 1).
    alpha : float
        Significance level, in (0, 1).
    kind : {"two-sample", "one-sample", "paired"}
    alternative : {"two-sided", "greater", "less"}

    Returns
    -------
    PowerResult
        ``to_frame()`` columns: test, solved_for, effect_name, effect, n,
        n_ceil, power, alpha, alternative (and k, effect_raw, sd, p1 = None).

    Notes
    -----
    Noncentral t: df = (n - 1)·g, ncp = d·sqrt(n/g), g = 2 for two samples;
    two-sided power counts both rejection tails,
    P(T' > t_{1-α/2}) + P(T' < -t_{1-α/2}). Agrees with R ``pwr::pwr.t.test``
    (and ``stats::power.t.test(strict = TRUE)``) to 1e-6 over a grid of d, n,
    α, kinds and alternatives (``reference/stats/design_power.json``); n and d
    are solved with Brent's method to ~1e-12 (pwr's own ``uniroot`` stops at
    ~1e-4).

    Examples
    --------
    >>> res = power_ttest(d=0.8, power=0.8)
    >>> round(res.n, 4), res.n_ceil
    (25.5246, 26)
    >>> round(power_ttest(d=1.0, n=10).power, 4)
    0.5620
    """
    kind = check_option("kind", kind, _T_KINDS)
    alternative = check_option("alternative", alternative, _ALTERNATIVES)
    unknown = _check_unknowns(d=d, n=n, power=power)
    _check_common(alpha, power, n, 2)
    if d is not None:
        check_scalar("d", d)
        if alternative == "two-sided":
            d = abs(d)
    sign = -1.0 if alternative == "less" else 1.0
    if unknown == "power":
        power = _t_power(d, n, alpha, kind, alternative)  # type: ignore[arg-type]
    elif unknown == "n":
        if d == 0 or (alternative != "two-sided" and np.sign(d) != sign):
            raise InputError(
                f"Invalid `d`: got {d!r}, must be {'< 0' if sign < 0 else '> 0'} "
                f"to reach a power with alternative {alternative!r}."
            )
        n = _solve(
            lambda x: _t_power(d, x, alpha, kind, alternative) - power, 2 + 1e-10, _N_MAX, "n"
        )
    else:
        lo, hi = (1e-10, 100.0)
        d = sign * _solve(
            lambda x: _t_power(sign * x, n, alpha, kind, alternative) - power, lo, hi, "d"
        )
    return PowerResult(
        test=f"t {kind}",
        solved_for=unknown,
        effect_name="d",
        effect=float(d),
        n=float(n),
        n_ceil=_n_ceil(n),
        power=float(power),
        alpha=float(alpha),
        alternative=alternative,
    )


def power_from_pilot(
    effect: float | None = None,
    sd: float | None = None,
    n: float | None = None,
    power: float | None = None,
    *,
    alpha: float = 0.05,
    kind: str = "two-sample",
    alternative: str = "two-sided",
    pilot_n: int | None = None,
    sd_confidence: float = 0.8,
) -> PowerResult:
    """Power or sample size from a raw effect and a pilot study's SD.

    Parameters
    ----------
    effect : float or None
        Smallest difference worth detecting, in the outcome's units (>= 0;
        ``None`` to solve for the detectable difference).
    sd : float
        The pilot SD (> 0), same units.
    n, power : float or None
        As :func:`power_ttest` (exactly one of effect, n, power is None).
    alpha, kind, alternative
        As :func:`power_ttest`.
    pilot_n : int, optional
        Animals per group in the pilot. When given, the SD is replaced by its
        one-sided upper ``sd_confidence`` confidence limit
        sd·sqrt(df / χ²_{1-c, df}) with df = ``pilot_n - 1`` (Browne 1995),
        a guard against the optimistic SD of a small pilot.
    sd_confidence : float
        Confidence for that upper limit (default 0.8).

    Returns
    -------
    PowerResult
        As :func:`power_ttest`, with ``effect_raw`` (difference in units) and
        ``sd`` (the SD used) filled.

    Notes
    -----
    d = effect / sd, then :func:`power_ttest`; this is R
    ``power.t.test(delta = effect, sd = sd, strict = TRUE)`` (checked to 1e-6).

    Examples
    --------
    >>> res = power_from_pilot(effect=40, sd=30, power=0.8)
    >>> round(res.n, 3), res.n_ceil
    (9.889, 10)
    """
    if sd is None:
        raise InputError("Invalid `sd`: got None, must be a number > 0.")
    check_scalar("sd", sd, low=0, closed="neither")
    if effect is not None:
        check_scalar("effect", effect, low=0)
    used_sd = float(sd)
    if pilot_n is not None:
        check_scalar("pilot_n", pilot_n, low=2, integer=True)
        check_scalar("sd_confidence", sd_confidence, low=0, high=1, closed="neither")
        df = pilot_n - 1
        used_sd = used_sd * math.sqrt(df / stats.chi2.ppf(1 - sd_confidence, df))
    sign = -1.0 if alternative == "less" else 1.0
    d = None if effect is None else sign * effect / used_sd
    res = power_ttest(d, n, power, alpha=alpha, kind=kind, alternative=alternative)
    return dataclasses.replace(res, effect_raw=abs(res.effect) * used_sd, sd=used_sd)


# -- ANOVA ----------------------------------------------------------------------


def _anova_power(f: float, k: int, n: float, alpha: float) -> float:
    df1, df2 = k - 1.0, (n - 1.0) * k
    lam = k * n * f * f
    return float(stats.ncf.sf(stats.f.isf(alpha, df1, df2), df1, df2, lam))


def power_anova(
    f: float | None = None,
    n: float | None = None,
    power: float | None = None,
    *,
    k: int,
    alpha: float = 0.05,
) -> PowerResult:
    """Power of a balanced one-way ANOVA F test, or its n or Cohen's f.

    Parameters
    ----------
    f : float or None
        Cohen's f = SD of the group means / within-group SD (>= 0).
    n : float or None
        Animals per group, >= 2.
    power : float or None
    k : int
        Number of groups, >= 2.
    alpha : float

    Returns
    -------
    PowerResult
        Columns as :func:`power_ttest`, ``k`` filled, ``effect_name = "f"``.

    Notes
    -----
    Noncentral F with df1 = k - 1, df2 = k(n - 1), λ = k·n·f². Agrees with R
    ``pwr::pwr.anova.test`` to 1e-6.

    Examples
    --------
    >>> round(power_anova(f=0.4, k=4, power=0.8).n, 3)
    18.043
    """
    unknown = _check_unknowns(f=f, n=n, power=power)
    check_scalar("k", k, low=2, integer=True)
    _check_common(alpha, power, n, 2)
    if f is not None:
        check_scalar("f", f, low=0)
    if unknown == "power":
        power = _anova_power(f, k, n, alpha)  # type: ignore[arg-type]
    elif unknown == "n":
        if f == 0:
            raise InputError("Invalid `f`: got 0, must be > 0 to reach a power.")
        n = _solve(lambda x: _anova_power(f, k, x, alpha) - power, 2 + 1e-10, _N_MAX, "n")
    else:
        f = _solve(lambda x: _anova_power(x, k, n, alpha) - power, 1e-10, 100.0, "f")
    return PowerResult(
        test="anova",
        solved_for=unknown,
        effect_name="f",
        effect=float(f),  # type: ignore[arg-type]
        n=float(n),  # type: ignore[arg-type]
        n_ceil=_n_ceil(n),  # type: ignore[arg-type]
        power=float(power),  # type: ignore[arg-type]
        alpha=float(alpha),
        alternative="greater",
        k=int(k),
    )


# -- two proportions ----------------------------------------------------------------


def _h(p1: float, p2: float) -> float:
    return 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))


def _arcsine_power(h: float, n: float, alpha: float, alternative: str) -> float:
    shift = h * math.sqrt(n / 2)
    if alternative == "two-sided":
        z = stats.norm.isf(alpha / 2)
        return float(stats.norm.sf(z - shift) + stats.norm.cdf(-z - shift))
    if alternative == "greater":
        return float(stats.norm.sf(stats.norm.isf(alpha) - shift))
    return float(stats.norm.cdf(stats.norm.ppf(alpha) - shift))


def _normal_power(p1: float, p2: float, n: float, alpha: float, alternative: str) -> float:
    sides = 2 if alternative == "two-sided" else 1
    z = stats.norm.isf(alpha / sides)
    diff = abs(p1 - p2)
    pbar = (p1 + p2) / 2
    se1 = math.sqrt(2 * pbar * (1 - pbar))
    se = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    power = special.ndtr((math.sqrt(n) * diff - z * se1) / se)
    if sides == 2:
        power += special.ndtr(-(math.sqrt(n) * diff + z * se1) / se)
    return float(power)


def power_prop2(
    h: float | None = None,
    n: float | None = None,
    power: float | None = None,
    *,
    p1: float | None = None,
    p2: float | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    method: str = "arcsine",
) -> PowerResult:
    """Power of a two-proportion comparison (e.g. responders per group).

    Parameters
    ----------
    h : float or None
        Cohen's h = 2·asin(√p2) − 2·asin(√p1) (``method="arcsine"``); computed
        from ``p1`` and ``p2`` when both are given.
    n : float or None
        Animals per group.
    power : float or None
    p1, p2 : float, optional
        The two proportions, in (0, 1). ``method="normal"`` needs ``p1`` and
        solves for ``p2`` (> p1) when ``p2`` is None.
    alpha : float
    alternative : {"two-sided", "greater", "less"}
        ``"less"`` only with the arcsine method; ``"greater"`` means one-sided
        for the normal method.
    method : {"arcsine", "normal"}
        Arcsine (Cohen's h, R ``pwr::pwr.2p.test``) or the normal
        approximation on raw proportions (R ``power.prop.test(strict = TRUE)``).

    Returns
    -------
    PowerResult
        ``effect_name`` is ``"h"`` (arcsine) or ``"p2"`` (normal); ``p1`` filled
        when given.

    Notes
    -----
    Arcsine: power = Φ(h·√(n/2) − z_{1−α/2}) + Φ(−h·√(n/2) − z_{1−α/2}).
    Normal: power = Φ((√n·|p1−p2| − z·√(2p̄q̄)) / √(p1q1+p2q2)) plus the
    other tail. Both agree with R to 1e-6 (``reference/stats/design_power.json``).

    Examples
    --------
    >>> round(power_prop2(p1=0.2, p2=0.5, power=0.8).n, 3)
    37.909
    >>> round(power_prop2(p1=0.2, p2=0.5, power=0.8, method="normal").n, 3)
    38.48
    """
    method = check_option("method", method, ["arcsine", "normal"])
    alternative = check_option("alternative", alternative, _ALTERNATIVES)
    for name, value in (("p1", p1), ("p2", p2)):
        if value is not None:
            check_scalar(name, value, low=0, high=1, closed="neither")
    if method == "normal":
        if p1 is None:
            raise InputError("Invalid `p1`: got None, method 'normal' needs p1 (and p2 or n).")
        if alternative == "less":
            raise InputError(
                "Invalid `alternative`: got 'less', must be one of two-sided, greater "
                "for method 'normal'."
            )
        unknown = _check_unknowns(p2=p2, n=n, power=power)
        _check_common(alpha, power, n, 1)
        if unknown == "power":
            power = _normal_power(p1, p2, n, alpha, alternative)  # type: ignore[arg-type]
        elif unknown == "n":
            if p1 == p2:
                raise InputError("Invalid `p2`: equals p1, no n reaches a power.")
            n = _solve(
                lambda x: _normal_power(p1, p2, x, alpha, alternative) - power,  # type: ignore[arg-type]
                1.0,
                1e7,
                "n",
            )
        else:
            p2 = _solve(
                lambda q: _normal_power(p1, q, n, alpha, alternative) - power,  # type: ignore[arg-type]
                p1 + 1e-9,
                1 - 1e-9,
                "p2",
            )
        effect_name, effect = "p2", p2
    else:
        if p1 is not None and p2 is not None:
            if h is not None:
                raise InputError("give either `h` or both `p1` and `p2`, not both")
            h = _h(p1, p2)
        unknown = _check_unknowns(h=h, n=n, power=power)
        _check_common(alpha, power, n, 2)
        if h is not None:
            check_scalar("h", h)
            if alternative == "two-sided":
                h = abs(h)
        sign = -1.0 if alternative == "less" else 1.0
        if unknown == "power":
            power = _arcsine_power(h, n, alpha, alternative)  # type: ignore[arg-type]
        elif unknown == "n":
            if h == 0 or (alternative != "two-sided" and np.sign(h) != sign):
                raise InputError(f"Invalid `h`: got {h!r}, cannot reach a power with it.")
            n = _solve(
                lambda x: _arcsine_power(h, x, alpha, alternative) - power,  # type: ignore[arg-type]
                2 + 1e-10,
                _N_MAX,
                "n",
            )
        else:
            h = sign * _solve(
                lambda x: _arcsine_power(sign * x, n, alpha, alternative) - power,  # type: ignore[arg-type]
                1e-10,
                math.pi,
                "h",
            )
        effect_name, effect = "h", h
    return PowerResult(
        test=f"prop2 {method}",
        solved_for=unknown,
        effect_name=effect_name,
        effect=float(effect),  # type: ignore[arg-type]
        n=float(n),  # type: ignore[arg-type]
        n_ceil=_n_ceil(n),  # type: ignore[arg-type]
        power=float(power),  # type: ignore[arg-type]
        alpha=float(alpha),
        alternative=alternative,
        p1=None if p1 is None else float(p1),
    )
