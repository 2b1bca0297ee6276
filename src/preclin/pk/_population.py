"""Virtual populations: log-normal between-subject variability + residual error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.core.rng import make_rng
from preclin.core.validation import check_option, check_scalar
from preclin.pk import _engine
from preclin.pk._models import Setup, add_engagement, check_times, conc_factor, make_setup
from preclin.pk._occupancy import calculate_occupancy, check_fu
from preclin.pk._regimen import Regimen

_RESIDUAL = ("proportional", "additive")


def _omega_matrix(
    names: list[str],
    omega: Mapping[str, float],
    kind: str,
    correlation: Mapping[tuple[str, str], float] | None,
) -> np.ndarray:
    """Covariance matrix of the log-parameters (ω²)."""
    kind = check_option("omega_kind", kind, ["cv", "variance"])
    var = np.empty(len(names))
    for i, name in enumerate(names):
        v = float(check_scalar(f"omega[{name!r}]", omega[name], low=0))
        var[i] = np.log1p(v * v) if kind == "cv" else v
    cov = np.diag(var)
    for key, rho in (correlation or {}).items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise InputError(
                f"Invalid `correlation` key: got {key!r}, must be a pair like ('CL', 'V')."
            )
        a, b = key
        if a not in names or b not in names or a == b:
            raise InputError(
                f"Invalid `correlation` pair {key!r}: both must be distinct names in `omega` "
                f"({', '.join(names)})."
            )
        r = float(check_scalar(f"correlation[{key!r}]", rho, low=-1, high=1))
        i, j = names.index(a), names.index(b)
        cov[i, j] = cov[j, i] = r * np.sqrt(var[i] * var[j])
    return cov


def _chol(cov: np.ndarray) -> np.ndarray:
    """Cholesky factor that tolerates zero variances (semi-definite Ω)."""
    w, v = np.linalg.eigh(cov)
    if w.min() < -1e-12 * max(1.0, w.max()):
        raise InputError(
            "Invalid `correlation`: the implied covariance matrix is not positive "
            "semi-definite; lower the correlations."
        )
    return v * np.sqrt(np.clip(w, 0.0, None))


def _residual(residual: Mapping[str, float] | None) -> tuple[float, float]:
    if residual is None:
        return 0.0, 0.0
    if not isinstance(residual, Mapping):
        raise InputError(
            "Invalid `residual`: must be a mapping like {'proportional': 0.1, 'additive': 0.01}."
        )
    prop = add = 0.0
    for key, value in residual.items():
        check_option("residual", key, _RESIDUAL)
        sd = float(check_scalar(f"residual[{key!r}]", value, low=0))
        if key == "proportional":
            prop = sd
        else:
            add = sd
    return prop, add


def _evaluate_time_major(
    setup: Setup, times: np.ndarray, values: Mapping[str, np.ndarray], out: np.ndarray
) -> np.ndarray:
    """Concentrations (n_times, n_subjects), using the shared-grid kernel when possible."""
    r = setup.regimen
    if setup.spec.route == "infusion" or "tlag" in values:
        out[...] = setup.evaluate(times, values).T
        return out
    lam, c, d, _ = setup.terms(values)
    grid = _engine.grid_index(times, r.start, r.tau, r.n_doses, setup.tlag)
    _engine.superpose_grid(
        *grid,
        float(r.tau) if np.isfinite(r.tau) else np.inf,
        np.ascontiguousarray(lam),
        np.ascontiguousarray(c),
        np.ascontiguousarray(d),
        bool(d.any()),
        out,
    )
    return out


def simulate_population(
    model: str,
    params: Mapping[str, Any],
    omega: Mapping[str, float],
    regimen: Regimen,
    times: Any,
    *,
    n_subjects: int = 100,
    omega_kind: str = "cv",
    correlation: Mapping[tuple[str, str], float] | None = None,
    residual: Mapping[str, float] | None = None,
    seed: int | np.random.Generator | None = None,
    summary: Sequence[float] | None = None,
    conc_unit: str = "mg/L",
    molar_mass: float | None = None,
    fu: float | None = None,
    kd: float | str | None = None,
    kd_unit: str = "nM",
    kpuu: float | None = None,
    max_block_bytes: int = 64 * 2**20,
) -> pd.DataFrame:
    """Simulate a virtual population with log-normal between-subject variability.

    Parameters
    ----------
    model, params, regimen, times
        As for :func:`simulate_pk`; ``params`` are the typical (median) values.
    omega : mapping
        Parameter name → between-subject variability of that parameter
        (``{"CL": 0.3, "V": 0.3, "ka": 0.3}``): a CV (fraction) by default,
        or the variance ω² of log(parameter) with ``omega_kind="variance"``.
        ``P_i = P_typical · exp(η_i)``, ``η ~ N(0, Ω)``; with a CV,
        ``ω² = ln(1 + CV²)``.
    n_subjects : int
        Number of virtual subjects.
    omega_kind : {"cv", "variance"}
    correlation : mapping, optional
        ``{("CL", "V"): 0.5}``: correlations between the η's.
    residual : mapping, optional
        ``{"proportional": σp, "additive": σa}`` (σa in ``conc_unit``):
        ``conc = ipred · (1 + σp ε1) + σa ε2``. Combined error = both keys.
    seed : int or Generator, optional
        Same seed → same population and same numbers.
    summary : sequence of float, optional
        Percentiles (0–100), e.g. ``(5, 50, 95)``: return one row per time
        with the percentiles over subjects instead of one row per subject ×
        time. Computed exactly (``numpy.percentile``, linear interpolation)
        over blocks of time points, so memory stays at about
        ``max_block_bytes`` whatever the number of subjects × times.
    conc_unit, molar_mass, fu, kd, kd_unit, kpuu
        As for :func:`simulate_pk`; occupancy is computed from ``ipred``.
    max_block_bytes : int
        Memory budget of one block of concentrations (summary mode).

    Returns
    -------
    DataFrame
        Without ``summary``: ``subject`` (1..n), ``time`` (h), ``ipred``
        (individual prediction), ``conc`` (with residual error), and if
        requested ``conc_unbound``, ``conc_unbound_brain``, ``occupancy``.
        With ``summary``: ``time`` and ``conc_p<q>`` (and
        ``ipred_p<q>``, ``occupancy_p<q>``) per percentile ``q``.
        ``attrs["parameters"]`` holds each subject's parameters;
        ``attrs["units"]`` the units.

    Notes
    -----
    All subjects are evaluated at once by the compiled closed-form kernel
    (parallel over subjects; cost independent of the number of doses). With
    zero variability every subject equals :func:`simulate_pk`; with
    variability the sample percentiles of a log-normal parameter converge to
    ``P_typical · exp(z_q ω)`` (tested within 4 Monte-Carlo standard errors).

    Examples
    --------
    >>> reg = Regimen(dose="10mg/kg", route="oral", tau="12h", n_doses=28)
    >>> pop = simulate_population("1cpt-oral", {"CL": 0.1485, "V": 1.5, "ka": 1.2,
    ...     "F": 0.5}, {"CL": 0.3, "V": 0.3, "ka": 0.3}, reg, [12.0, 324.0],
    ...     n_subjects=2000, seed=1, summary=(5, 50, 95))
    >>> list(pop.columns)
    ['time', 'conc_p5', 'conc_p50', 'conc_p95']
    """
    setup = make_setup(model, params, regimen)
    t = check_times(times)
    n = int(check_scalar("n_subjects", n_subjects, low=1, integer=True))
    if not isinstance(omega, Mapping):
        raise InputError("Invalid `omega`: must be a mapping like {'CL': 0.3, 'V': 0.3}.")
    variable = dict(setup.values)
    if setup.spec.route == "oral" and setup.tlag > 0:
        variable["tlag"] = setup.tlag
    names = list(omega)
    for name in names:
        if name not in variable:
            raise InputError(
                f"Invalid `omega` name: got {name!r}, must be one of "
                f"{', '.join(sorted(variable))} (the model's parameters)."
            )
    cov = _omega_matrix(names, omega, omega_kind, correlation)
    prop, add = _residual(residual)
    if fu is not None:
        check_fu(fu)
    rng = make_rng(seed)
    z = rng.standard_normal((n, len(names)))
    prop_rng, add_rng = (np.random.default_rng(int(x)) for x in rng.integers(2**63 - 1, size=2))
    eta = z @ _chol(cov).T
    values = {k: np.full(n, v) for k, v in variable.items()}
    for i, name in enumerate(names):
        values[name] = variable[name] * np.exp(eta[:, i])
    factor = conc_factor(conc_unit, molar_mass)
    param_frame = pd.DataFrame({"subject": np.arange(1, n + 1), **values})
    units = {"time": "h", "ipred": conc_unit, "conc": conc_unit}

    def noisy(ipred: np.ndarray) -> np.ndarray:
        # ipred is time-major (times, subjects): blocks of times draw the same
        # numbers as one pass
        if prop == 0.0 and add == 0.0:
            return ipred
        out = ipred.copy()
        if prop:
            out *= 1.0 + prop * prop_rng.standard_normal(ipred.shape)
        if add:
            out += add * add_rng.standard_normal(ipred.shape)
        return out

    if summary is None:
        ipred = _evaluate_time_major(setup, t, values, np.empty((t.size, n))) * factor
        conc = noisy(ipred)
        df = pd.DataFrame(
            {
                "subject": np.repeat(np.arange(1, n + 1), t.size),
                "time": np.tile(t, n),
                "ipred": ipred.T.ravel(),
                "conc": conc.T.ravel(),
            }
        )
        df.attrs["units"] = units
        df = add_engagement(
            df.rename(columns={"conc": "_obs", "ipred": "conc"}),
            conc_unit=conc_unit,
            fu=fu,
            kd=kd,
            kd_unit=kd_unit,
            kpuu=kpuu,
            molar_mass=molar_mass,
        ).rename(columns={"conc": "ipred"})
        df.insert(3, "conc", df.pop("_obs"))
        df.attrs["units"] = {
            **units,
            **{k: v for k, v in df.attrs["units"].items() if k != "conc"},
        }
        df.attrs["parameters"] = param_frame
        return df

    q = np.asarray(
        [check_scalar("summary", float(x), low=0, high=100) for x in summary], dtype=float
    )
    block = max(1, int(max_block_bytes // (8 * n)))
    cols: dict[str, list[np.ndarray]] = {}
    labels = [f"p{x:g}" for x in q]
    has_noise = prop > 0 or add > 0
    occ_kw = None
    if kd is not None:
        occ_kw = {
            "conc_unit": conc_unit,
            "kd": kd,
            "kd_unit": kd_unit,
            "fu": 1.0 if fu is None else fu,
            "kpuu": 1.0 if kpuu is None else kpuu,
            "molar_mass": molar_mass,
        }
    buf = np.empty((min(block, t.size), n))
    for start in range(0, t.size, block):
        tb = t[start : start + block]
        ipred = _evaluate_time_major(setup, tb, values, buf[: tb.size])
        ipred *= factor
        pcts = {"conc": np.percentile(noisy(ipred), q, axis=1)}
        if has_noise or occ_kw is not None:
            pcts["ipred"] = np.percentile(ipred, q, axis=1)
        if occ_kw is not None:
            # occupancy is monotone in concentration: its percentiles are the
            # occupancy at the ipred percentiles
            pcts["occupancy"] = calculate_occupancy(pcts["ipred"].ravel(), **occ_kw).reshape(
                pcts["ipred"].shape
            )
        for var, pct in pcts.items():
            for label, row in zip(labels, pct):
                cols.setdefault(f"{var}_{label}", []).append(row)
    out = pd.DataFrame({"time": t, **{k: np.concatenate(v) for k, v in cols.items()}})
    out.attrs["units"] = {
        "time": "h",
        **{k: ("fraction" if k.startswith("occupancy") else conc_unit) for k in cols},
    }
    out.attrs["parameters"] = param_frame
    return out
