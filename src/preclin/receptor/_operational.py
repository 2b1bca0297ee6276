"""Operational model of agonism (Black & Leff 1983): closed forms and global fits.

``E = basal + (Em − basal) · τⁿ[A]ⁿ / (([A] + KA)ⁿ + τⁿ[A]ⁿ)``

KA is the agonist's dissociation constant, τ its efficacy in the system
(receptor density / transducer), Em the system maximum and n the transducer
slope. The fits parameterise KA and τ on the log10 scale (molar), as Prism.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, check_array, check_scalar, numeric_column
from preclin.curves import fit_custom
from preclin.receptor._common import (
    ReceptorFit,
    build_fit,
    check_molar_unit,
    group_labels,
    molar_column,
    public_fixed,
)

__all__ = [
    "calculate_operational_potency",
    "calculate_operational_response",
    "fit_furchgott",
    "fit_operational",
]


def operational(a: np.ndarray, ka: Any, tau: Any, em: Any, n: Any, basal: Any) -> np.ndarray:
    """The Black–Leff equation (vectorised, any broadcastable shapes)."""
    # τⁿAⁿ / ((A+KA)ⁿ + τⁿAⁿ) = s / (1 + s) with s = (τ A / (A + KA))ⁿ
    a = np.asarray(a, float)
    s = (tau * a / (a + ka)) ** n
    return basal + (em - basal) * s / (1.0 + s)


def calculate_operational_response(
    conc: Any,
    *,
    ka: float,
    tau: float,
    em: float = 100.0,
    n: float = 1.0,
    basal: float = 0.0,
) -> np.ndarray:
    """Response predicted by the operational model of agonism.

    Parameters
    ----------
    conc : array-like
        Agonist concentrations (>= 0), in the same unit as ``ka``.
    ka : float
        Agonist dissociation constant (> 0).
    tau : float
        Efficacy τ (>= 0).
    em : float
        System maximal response Em.
    n : float
        Transducer slope (> 0).
    basal : float
        Response without agonist.

    Returns
    -------
    ndarray
        Responses, same shape as ``conc``.

    Notes
    -----
    ``E = basal + (Em − basal) τⁿ[A]ⁿ / (([A] + KA)ⁿ + τⁿ[A]ⁿ)`` (Black & Leff
    1983; Prism "Operational model – partial agonist"). Checked against the
    same equation evaluated in R to 1e-10.

    Examples
    --------
    >>> calculate_operational_response([0, 10, 1e6], ka=10.0, tau=3.0).round(4)
    array([ 0.    , 60.    , 74.9998])
    """
    a = check_array("conc", np.atleast_1d(conc), min_value=0)
    ka = check_scalar("ka", ka, low=0, closed="neither")
    tau = check_scalar("tau", tau, low=0)
    n = check_scalar("n", n, low=0, closed="neither")
    em = check_scalar("em", em)
    basal = check_scalar("basal", basal)
    return operational(a, ka, tau, em, n, basal).reshape(np.shape(conc))


def calculate_operational_potency(
    ka: Any, tau: Any, *, em: float = 100.0, n: float = 1.0, basal: float = 0.0
) -> pd.DataFrame:
    """EC50 and maximal response implied by operational-model parameters.

    Parameters
    ----------
    ka, tau : float or array-like
        Dissociation constant(s) (> 0) and efficacy (> 0), broadcast together.
    em, n, basal : float
        System maximum, transducer slope and basal response.

    Returns
    -------
    DataFrame
        One row per (ka, tau): ``ka``, ``tau``, ``ec50`` (same unit as ``ka``),
        ``emax`` (maximal response, absolute), ``relative_emax`` ((Emax −
        basal)/(Em − basal)), ``log10_tau_ka`` (log10 τ/KA, the transduction
        coefficient).

    Notes
    -----
    ``EC50 = KA / ((2 + τⁿ)^(1/n) − 1)`` and ``Emax = basal + (Em − basal)
    τⁿ/(1 + τⁿ)``; for n = 1 these are the classical identities
    ``EC50 = KA/(1 + τ)`` and ``Emax = Em τ/(1 + τ)`` (Black & Leff 1983).

    Examples
    --------
    A full (τ = 30) and a partial agonist (τ = 1):

    >>> calculate_operational_potency([1.0, 20.0], [30.0, 1.0])[["ec50", "emax"]].round(4)
         ec50     emax
    0  0.0323  96.7742
    1 10.0000  50.0000
    """
    ka_a = check_array("ka", np.atleast_1d(ka), min_value=0)
    tau_a = check_array("tau", np.atleast_1d(tau), min_value=0)
    if np.any(ka_a == 0) or np.any(tau_a == 0):
        raise InputError("Invalid `ka`/`tau`: must be > 0.")
    n = check_scalar("n", n, low=0, closed="neither")
    ka_b, tau_b = np.broadcast_arrays(ka_a, tau_a)
    tn = tau_b**n
    ec50 = ka_b / ((2.0 + tn) ** (1.0 / n) - 1.0)
    rel = tn / (1.0 + tn)
    return pd.DataFrame(
        {
            "ka": ka_b,
            "tau": tau_b,
            "ec50": ec50,
            "emax": basal + (em - basal) * rel,
            "relative_emax": rel,
            "log10_tau_ka": np.log10(tau_b / ka_b),
        }
    )


# ---------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------


def _starts(x: np.ndarray, y: np.ndarray, cc: np.ndarray, k_curves: int) -> tuple:
    basal = float(np.mean(y[x == x.min()]))
    tops = np.array([y[cc == k].max() for k in range(k_curves)])
    ec50 = np.empty(k_curves)
    for k in range(k_curves):  # a few curves: starting values only
        xs, ys = x[cc == k], y[cc == k]
        half = basal + 0.5 * (tops[k] - basal)
        pos = xs > 0
        ec50[k] = xs[pos][np.argmin(np.abs(ys[pos] - half))] if pos.any() else 1e-6
    return basal, tops, ec50


def _fit_core(
    x: np.ndarray,
    y: np.ndarray,
    ag_names: np.ndarray,
    ag_code: np.ndarray,
    cv_names: np.ndarray,
    cv_code: np.ndarray,
    curve_agonist: np.ndarray,
    fixed: dict[str, float],
    covariance: str,
    x_unit: str,
    model: str,
) -> ReceptorFit:
    ka_n, tau_n = ag_names.size, cv_names.size
    names = ["basal", "em", "n"]
    names += [f"log10_ka:{a}" for a in ag_names] + [f"log10_tau:{c}" for c in cv_names]
    ika = np.arange(3, 3 + ka_n)
    itau = np.arange(3 + ka_n, 3 + ka_n + tau_n)

    def fn(xx: np.ndarray, th: np.ndarray) -> np.ndarray:
        ka = 10.0 ** th[ika][ag_code]
        tau = 10.0 ** th[itau][cv_code]
        return operational(xx, ka, tau, th[1], th[2], th[0])

    basal, tops, ec50 = _starts(x, y, cv_code, tau_n)
    span = max(tops.max() - basal, 1e-12)
    p0 = []
    for mult in (1.05, 1.5, 3.0):  # a few values of Em
        em = basal + mult * span
        frac = np.clip((tops - basal) / (em - basal), 0.02, 0.98)
        tau = frac / (1 - frac)
        ka_curve = ec50 * (1 + tau)
        ka = np.array([np.exp(np.mean(np.log(ka_curve[curve_agonist == a]))) for a in range(ka_n)])
        p0.append(np.r_[basal, em, 1.0, np.log10(ka), np.log10(tau)])
    fixed_full = {}
    for key, value in fixed.items():
        if key in ("basal", "em", "n"):
            fixed_full[key] = value
        elif key == "log10_ka" or key == "ka":
            v = np.log10(value * _to_molar(x_unit)) if key == "ka" else value
            fixed_full.update({nm: v for nm in names if nm.startswith("log10_ka:")})
    fit = fit_custom(fn, None, x, y, np.array(p0), names=names, fixed=fixed_full, se=covariance)
    labels = [(nm.split(":")[0], nm.split(":")[1] if ":" in nm else "") for nm in names]
    back = 1.0 / _to_molar(x_unit)
    derived = []
    for a, agn in enumerate(ag_names):
        derived.append(("ka", str(agn), lambda t, i=ika[a]: back * 10 ** t[i], "log"))
    for c, cvn in enumerate(cv_names):
        ia, it = ika[curve_agonist[c]], itau[c]
        derived += [
            ("tau", str(cvn), lambda t, it=it: 10 ** t[it], "log"),
            (
                "ec50",
                str(cvn),
                lambda t, ia=ia, it=it: (
                    back * 10 ** t[ia] / ((2 + 10 ** (t[2] * t[it])) ** (1 / t[2]) - 1)
                ),
                "log",
            ),
            (
                "emax",
                str(cvn),
                lambda t, it=it: t[0] + (t[1] - t[0]) / (1 + 10 ** (-t[2] * t[it])),
                "linear",
            ),
            ("log10_tau_ka", str(cvn), lambda t, ia=ia, it=it: t[it] - t[ia], "linear"),
        ]
    return build_fit(model, fit, labels, derived, x_unit)


def _to_molar(unit: str) -> float:
    from preclin.core import convert

    return float(convert(1.0, unit, "M"))


def fit_operational(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    agonist: str,
    curve: str | None = None,
    x_unit: str = "M",
    fixed: Mapping[str, float] | None = None,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Fit the operational model to several agonists at once (shared Em, n, basal).

    Parameters
    ----------
    data : DataFrame
        Long format, one row per well / observation.
    x, y : str
        Columns of agonist concentration (>= 0, in ``x_unit``) and response.
    agonist : str
        Column naming the agonist (one KA per agonist).
    curve : str, optional
        Column naming the curve (one τ per curve); default one τ per agonist.
        Curves of one agonist in systems with different receptor reserve
        (Furchgott) share KA and differ in τ.
    x_unit : str
        Molar unit of ``x``; reported KA and EC50 are in this unit.
    fixed : mapping, optional
        Hold ``basal``, ``em``, ``n``, ``log10_ka`` (molar) or ``ka`` (in
        ``x_unit``, every agonist) at a value.
    covariance : {"gauss-newton", "hessian"}
        Covariance of the estimates (Prism / R nls, or drc's Hessian).

    Returns
    -------
    ReceptorFit
        ``params``: ``basal``, ``em``, ``n`` (shared), ``log10_ka`` per
        agonist and ``log10_tau`` per curve (group = agonist / curve);
        ``derived``: ``ka`` per agonist, and per curve ``tau``, ``ec50``,
        ``emax``, ``log10_tau_ka`` (log10 τ/KA with KA molar).

    Notes
    -----
    Identifiability: with n = 1 a single curve per agonist determines only
    its EC50 and Emax, so Em, KA and τ need either a fixed Em (e.g. the
    full agonist's or the system's maximum), a free transducer slope, or
    curves with altered receptor reserve (:func:`fit_furchgott`); otherwise
    the standard errors are NaN. Estimates and Gauss–Newton SEs agree with
    R ``nls`` of the same equation on ``reference/receptor/operational.csv``
    to 1e-4 / 1e-3.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> conc = np.tile(10.0 ** np.arange(-10, -4.5, 0.5), 2)
    >>> ag = np.repeat(["8-OH-DPAT", "buspirone"], conc.size // 2)
    >>> ka = np.where(ag == "buspirone", 2e-8, 1e-8)
    >>> tau = np.where(ag == "buspirone", 1.0, 20.0)
    >>> resp = 100 * (tau * conc) / (conc + ka + tau * conc)
    >>> df = pd.DataFrame({"conc": conc, "resp": resp, "agonist": ag})
    >>> fit = fit_operational(df, x="conc", y="resp", agonist="agonist",
    ...                       fixed={"basal": 0, "em": 100, "n": 1})
    >>> fit.derived.query("term == 'tau'")[["group", "estimate"]].round(4)
           group  estimate
    2  8-OH-DPAT      20.0
    6  buspirone       1.0
    """
    check_molar_unit("x_unit", x_unit)
    allowed = ["basal", "em", "n", "log10_ka", "ka"]
    fixed_p = public_fixed(fixed, allowed)
    xv = molar_column(data, x, x_unit)
    yv = numeric_column(data, y, what="response")
    ag_names, ag_code = group_labels(data, agonist)
    if curve is None:
        cv_names, cv_code = ag_names, ag_code
    else:
        cv_names, cv_code = group_labels(data, curve)
    curve_agonist = np.empty(cv_names.size, dtype=int)
    for k in range(cv_names.size):  # one lookup per curve
        owners = np.unique(ag_code[cv_code == k])
        if owners.size != 1:
            raise InputError(
                f"curve {cv_names[k]!r} mixes agonists {', '.join(ag_names[owners])}",
                column=curve,
                hint="give each curve one agonist",
            )
        curve_agonist[k] = owners[0]
        if np.unique(xv[cv_code == k]).size < 3:
            raise InputError(
                f"curve {cv_names[k]!r} has fewer than 3 concentrations",
                column=curve or agonist,
                hint="add concentrations or drop the curve",
            )
    return _fit_core(
        xv,
        yv,
        ag_names,
        ag_code,
        cv_names,
        cv_code,
        curve_agonist,
        fixed_p,
        covariance,
        x_unit,
        "operational",
    )


def fit_furchgott(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    treatment: str,
    control: str,
    x_unit: str = "M",
    fixed: Mapping[str, float] | None = None,
    covariance: str = "gauss-newton",
) -> ReceptorFit:
    """Agonist KA from curves before and after irreversible receptor inactivation.

    Parameters
    ----------
    data : DataFrame
        Long format: concentration, response and treatment label per row.
    x, y : str
        Columns of agonist concentration (in ``x_unit``) and response.
    treatment : str
        Column labelling the curve (control, and one or more levels of
        inactivation, e.g. phenoxybenzamine or EEDQ concentrations).
    control : str
        Label of the untreated curve in ``treatment``.
    x_unit : str
        Molar unit of ``x`` and of the reported KA.
    fixed : mapping, optional
        As :func:`fit_operational` (``basal``, ``em``, ``n``).
    covariance : {"gauss-newton", "hessian"}

    Returns
    -------
    ReceptorFit
        As :func:`fit_operational` (one agonist, one τ per treatment), plus
        derived ``fraction_remaining`` q = τ_treated/τ_control per treated curve.

    Notes
    -----
    The operational-model form of Furchgott's (1966) method (Prism
    "Operational model – receptor depletion"): all curves share KA, Em, n
    and basal; inactivation lowers τ to q·τ. Agrees with R ``nls`` on
    ``reference/receptor/furchgott.csv`` to 1e-4 (estimates) / 1e-3 (SEs).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> conc = np.tile(10.0 ** np.arange(-10, -3.5, 0.5), 2)
    >>> tau = np.repeat([30.0, 3.0], conc.size // 2)
    >>> resp = 100 * (tau * conc) / (conc + 1e-6 + tau * conc)
    >>> df = pd.DataFrame({"conc": conc, "resp": resp,
    ...                    "treatment": np.repeat(["control", "EEDQ"], conc.size // 2)})
    >>> fit = fit_furchgott(df, x="conc", y="resp", treatment="treatment",
    ...                     control="control", x_unit="M", fixed={"n": 1})
    >>> ka, q = fit.value("ka", "agonist"), fit.value("fraction_remaining", "EEDQ")
    >>> round(ka * 1e6, 4), round(q, 4)
    (1.0, 0.1)
    """
    require = data[treatment].astype(str) if treatment in data.columns else None
    if require is None:
        from preclin.core import require_columns

        require_columns(data, [treatment])
    if str(control) not in set(require):
        raise InputError(
            f"Invalid `control`: got {control!r}, not a value of column {treatment!r}."
        )
    if require.nunique() < 2:
        raise InputError(
            "a Furchgott analysis needs the control curve and at least one treated curve",
            column=treatment,
        )
    frame = data.assign(_agonist="agonist")
    fit = fit_operational(
        frame,
        x=x,
        y=y,
        agonist="_agonist",
        curve=treatment,
        x_unit=x_unit,
        fixed=fixed,
        covariance=covariance,
    )
    inner = fit.fit
    names = list(inner.names)
    ic = names.index(f"log10_tau:{control}")
    extra = [
        ("fraction_remaining", nm.split(":", 1)[1], lambda t, i=i: 10 ** (t[i] - t[ic]), "log")
        for i, nm in enumerate(names)
        if nm.startswith("log10_tau:") and nm != f"log10_tau:{control}"
    ]
    labels = list(zip(fit.params.term, fit.params.group, strict=True))
    out = build_fit("furchgott", inner, labels, extra, x_unit)
    derived = pd.concat([fit.derived, out.derived], ignore_index=True)
    return ReceptorFit(
        **{
            **{f: getattr(out, f) for f in out.__dataclass_fields__ if f != "derived"},
            "derived": derived,
        }
    )
