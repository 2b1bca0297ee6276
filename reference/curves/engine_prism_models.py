"""Independent reference fits of Prism's bell-shaped and biphasic models.

Synthetic noisy data (seeded) are fitted with scipy.optimize.least_squares on
the equations exactly as GraphPad documents them (X = log10 concentration,
LogEC50 parameters); SEs are sigma^2 (J'J)^-1 from scipy's Jacobian at the optimum,
transformed from LogEC50 to EC50 by the delta method. Nothing from preclin is used.

Regenerate: python reference/curves/engine_prism_models.py  (writes engine_prism_models.json)
"""

import json
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares


def bell(p, X):
    plateau1, dip, plateau2, logec50_1, logec50_2, nh1, nh2 = p
    span1 = plateau1 - dip
    span2 = plateau2 - dip
    section1 = span1 / (1 + 10 ** ((logec50_1 - X) * nh1))
    section2 = span2 / (1 + 10 ** ((X - logec50_2) * nh2))
    return dip + section1 + section2


def biphasic(p, X):
    bottom, top, frac, logec50_1, logec50_2, nh1, nh2 = p
    span = top - bottom
    section1 = span * frac / (1 + 10 ** ((logec50_1 - X) * nh1))
    section2 = span * (1 - frac) / (1 + 10 ** ((logec50_2 - X) * nh2))
    return bottom + section1 + section2


CASES = {
    "bell": (bell, [5.0, 100.0, 12.0, np.log10(0.05), np.log10(20.0), -1.3, -0.9]),
    "biphasic": (biphasic, [2.0, 98.0, 0.4, np.log10(0.01), np.log10(5.0), 1.2, 0.8]),
}


def main() -> None:
    rng = np.random.default_rng(20261123)
    out = {"software": "scipy.optimize.least_squares (method='lm', xtol=ftol=gtol=1e-14)"}
    conc = np.repeat(10.0 ** np.arange(-4, 3.01, 0.5), 3)
    X = np.log10(conc)
    for name, (fn, truth) in CASES.items():
        y = fn(truth, X) + rng.normal(0, 3.0, X.size)
        start = np.array(truth) * 1.1
        res = least_squares(lambda p: fn(p, X) - y, start, method="lm",
                            xtol=1e-14, ftol=1e-14, gtol=1e-14)  # fmt: skip
        p = res.x
        n, k = X.size, p.size
        rss = float(np.sum(res.fun**2))
        sigma2 = rss / (n - k)
        cov = sigma2 * np.linalg.inv(res.jac.T @ res.jac)
        # LogEC50 -> EC50 (delta method) for entries 3 and 4
        g = np.ones(k)
        est = p.copy()
        for i in (3, 4):
            est[i] = 10 ** p[i]
            g[i] = est[i] * np.log(10)
        cov_nat = cov * g[:, None] * g[None, :]
        out[name] = {
            "conc": conc.tolist(),
            "response": y.tolist(),
            "truth_prism": list(map(float, truth)),
            "estimate": est.tolist(),
            "std_error": np.sqrt(np.diag(cov_nat)).tolist(),
            "rss": rss,
            "df": n - k,
            "names": ["p1/bottom", "dip/top", "p2/frac", "EC50_1", "EC50_2", "nH1", "nH2"],
        }
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
