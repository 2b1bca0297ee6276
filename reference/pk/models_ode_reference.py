"""Reference concentrations for preclin.pk compartmental models, by ODE integration.

Independent of preclin's closed forms: the mammillary ODE system (amounts in
depot, central, peripheral compartments) is integrated with
``scipy.integrate.solve_ivp`` (LSODA, rtol 1e-12, atol 1e-14), restarting at
every dose and every infusion end. Writes ``models_ode_cases.csv`` (one row per
case: model, route, parameters, regimen) and ``models_ode_<case>.csv``
(time_h, conc_mg_per_L).

Regenerate:  .venv/bin/python reference/pk/models_ode_reference.py
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

HERE = Path(__file__).parent

CASES = [
    # name, n_cpt, route, params, dose (mg/kg), tau, n_doses, duration, times
    (
        "2cpt_iv",
        2,
        "iv",
        {"CL": 0.5, "V": 2.0, "Q": 1.2, "V2": 5.0},
        10.0,
        24.0,
        5,
        None,
        np.r_[0:24:0.5, 24, 24.25, 30, 47.9, 48:150:1.5],
    ),
    (
        "2cpt_infusion",
        2,
        "infusion",
        {"CL": 0.5, "V": 2.0, "Q": 1.2, "V2": 5.0},
        10.0,
        12.0,
        6,
        1.5,
        np.r_[0:80:0.25, 100, 120],
    ),
    (
        "2cpt_oral",
        2,
        "oral",
        {"CL": 0.5, "V": 2.0, "Q": 1.2, "V2": 5.0, "ka": 0.8, "F": 0.6, "tlag": 0.25},
        10.0,
        12.0,
        10,
        None,
        np.r_[0:130:0.5, 150, 200],
    ),
    (
        "3cpt_iv",
        3,
        "iv",
        {"CL": 0.6, "V": 1.5, "Q": 1.0, "V2": 4.0, "Q3": 0.15, "V3": 10.0},
        5.0,
        24.0,
        4,
        None,
        np.r_[0:24:0.25, 24:200:2],
    ),
    (
        "3cpt_infusion",
        3,
        "infusion",
        {"CL": 0.6, "V": 1.5, "Q": 1.0, "V2": 4.0, "Q3": 0.15, "V3": 10.0},
        5.0,
        8.0,
        9,
        2.0,
        np.r_[0:100:0.5],
    ),
    (
        "3cpt_oral",
        3,
        "oral",
        {"CL": 0.6, "V": 1.5, "Q": 1.0, "V2": 4.0, "Q3": 0.15, "V3": 10.0, "ka": 1.5, "F": 0.7},
        5.0,
        12.0,
        14,
        None,
        np.r_[0:200:0.5, 250, 300],
    ),
    (
        "1cpt_infusion_overlap",
        1,
        "infusion",
        {"CL": 0.15, "V": 1.5},
        10.0,
        12.0,
        4,
        16.0,
        np.r_[0:80:0.5],
    ),
    (
        "1cpt_oral_ka_eq_ke",
        1,
        "oral",
        {"CL": 0.15, "V": 1.5, "ka": 0.1, "F": 0.5},
        10.0,
        12.0,
        6,
        None,
        np.r_[0:100:0.5],
    ),
    ("1cpt_iv_single", 1, "iv", {"CL": 0.15, "V": 1.5}, 10.0, None, 1, None, np.r_[0:48:0.5]),
]


def rhs_factory(n_cpt, p, rate_fn):
    v1 = p["V"]
    k10 = p["CL"] / v1
    k12 = p.get("Q", 0.0) / v1
    k21 = p.get("Q", 0.0) / p.get("V2", 1.0)
    k13 = p.get("Q3", 0.0) / v1
    k31 = p.get("Q3", 0.0) / p.get("V3", 1.0)
    ka = p.get("ka", 0.0)

    def rhs(t, y):
        depot, a1, a2, a3 = y
        dd = -ka * depot
        d1 = rate_fn(t) + ka * depot - (k10 + k12 + k13) * a1 + k21 * a2 + k31 * a3
        d2 = k12 * a1 - k21 * a2
        d3 = k13 * a1 - k31 * a3
        return [dd, d1, d2, d3]

    return rhs


def simulate(n_cpt, route, p, dose, tau, n_doses, duration, times):
    tau = tau or 1e9
    starts = [k * tau for k in range(n_doses)]
    lag = p.get("tlag", 0.0)
    events = sorted(
        set(
            [s + lag for s in starts]
            + ([s + duration for s in starts] if route == "infusion" else [])
            + [float(times.max()) + 1.0]
        )
    )
    rate = 0.0 if route != "infusion" else dose / duration

    def rate_fn(t):
        if route != "infusion":
            return 0.0
        running = sum(1 for s in starts if s <= t < s + duration)
        return rate * running

    y = np.zeros(4)
    out = np.full(times.shape, np.nan)
    boundaries = [0.0, *[e for e in events if e > 0]]
    for a, b in itertools.pairwise(boundaries):
        # doses at time a
        for s in starts:
            if abs(s + lag - a) < 1e-12 and route in ("iv", "oral"):
                if route == "iv":
                    y[1] += dose
                else:
                    y[0] += dose * p.get("F", 1.0)
        mask = (times >= a) & (times < b)
        if b - a <= 0:
            continue
        # the infusion rate is constant within a segment
        mid_rate = rate_fn(0.5 * (a + b))
        seg_rhs = rhs_factory(n_cpt, p, lambda t, r=mid_rate: r)
        t_eval = np.r_[times[mask], b]
        sol = solve_ivp(seg_rhs, (a, b), y, method="LSODA", rtol=1e-12, atol=1e-14, t_eval=t_eval)
        out[mask] = sol.y[1, :-1] / p["V"]
        y = sol.y[:, -1].copy()
    return out


def main() -> None:
    rows = []
    for name, n_cpt, route, p, dose, tau, n_doses, duration, times in CASES:
        times = np.asarray(times, dtype=float)
        conc = simulate(n_cpt, route, p, dose, tau, n_doses, duration, times)
        pd.DataFrame({"time_h": times, "conc_mg_per_L": conc}).to_csv(
            HERE / f"models_ode_{name}.csv", index=False, float_format="%.17g"
        )
        rows.append(
            {
                "case": name,
                "model": f"{n_cpt}cpt-{route}",
                "route": route,
                "params_json": json.dumps(p),
                "dose_mg_per_kg": dose,
                "tau_h": tau if tau is not None else "",
                "n_doses": n_doses,
                "duration_h": duration if duration is not None else "",
            }
        )
    pd.DataFrame(rows).to_csv(HERE / "models_ode_cases.csv", index=False)


if __name__ == "__main__":
    main()
