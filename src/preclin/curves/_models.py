"""Concentration–response models in drc's parameterisation (NumPy reference).

This module is the contract between the fitting engine (Numba kernels that
must agree with it), potency calculations (ED values and their gradients for
delta-method CIs), global fits and quantal fits.

Families and their full parameter vectors (drc order)::

    ll5  (b, c, d, e, f)  f(x) = c + (d − c) / (1 + exp(b (log x − log e)))^f
    w1   (b, c, d, e)     f(x) = c + (d − c) · exp(−exp(b (log x − log e)))
    w2   (b, c, d, e)     f(x) = c + (d − c) · (1 − exp(−exp(b (log x − log e))))
    bc5  (b, c, d, e, f)  f(x) = c + (d − c + f·x) / (1 + exp(b (log x − log e)))

Models are families with some parameters fixed, exactly as in drc:
LL.2 = ll5 with c = 0, d = 1, f = 1; LL.3 = ll5 with c = 0, f = 1;
LL.4 = ll5 with f = 1; LL.5 = ll5; W1.3 / W2.3 fix c = 0; BC.5 = bc5.

Public (Prism-style) names: ``bottom`` = c, ``top`` = d, ``hill`` = the slope
with its sign giving the direction (negative = decreasing for d > c):
``hill = −b`` for ll5, w1 and bc5, ``hill = +b`` for w2 (whose b < 0 means
decreasing). ``ec50`` is e where e is the ED50 (LL.2–LL.4); elsewhere e is
reported as ``xmid`` and the ED50 is computed.

x = 0 (vehicle) is valid and evaluated as the x → 0 limit, as drc does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit

__all__ = ["MODELS", "ModelSpec", "get_model", "register_model"]

_U_CLIP = 700.0


def _u(x: np.ndarray, b: Any, e: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """u = b (log x − log e) with the x = 0 limit; also log(x/e) and a zero mask."""
    x = np.asarray(x, dtype=float)
    zero = x <= 0
    with np.errstate(divide="ignore"):
        lxe = np.where(zero, 0.0, np.log(np.where(zero, 1.0, x))) - np.log(e)
    b = np.asarray(b, dtype=float)
    u = b * lxe
    # x -> 0: log x -> -inf, so u -> -inf * sign(b)
    u = np.where(zero, -np.sign(b) * np.inf, u)
    u = np.clip(u, -_U_CLIP, _U_CLIP)
    lxe = np.where(zero, 0.0, lxe)  # derivative terms vanish at the limit
    return u, lxe, zero


# ---------------------------------------------------------------------------
# Family implementations: value and Jacobian w.r.t. the full vector
# ---------------------------------------------------------------------------


def _ll5(x: np.ndarray, th: np.ndarray, jac: bool) -> Any:
    b, c, d, e, f = (th[..., i, None] for i in range(5))
    u, lxe, zero = _u(x, b, e)
    sp = np.logaddexp(0.0, u)  # log(1 + exp(u))
    g = np.exp(-f * sp)
    y = c + (d - c) * g
    if not jac:
        return y
    dg_du = -f * expit(u) * g
    dg_du = np.where(zero, 0.0, dg_du)
    J = np.stack(
        [
            (d - c) * dg_du * lxe,
            1.0 - g,
            g,
            (d - c) * dg_du * (-b / e),
            (d - c) * (-sp) * g * np.where(zero & (b < 0), 0.0, 1.0),
        ],
        axis=-1,
    )
    return y, J


def _w(x: np.ndarray, th: np.ndarray, jac: bool, second: bool) -> Any:
    b, c, d, e = (th[..., i, None] for i in range(4))
    u, lxe, zero = _u(x, b, e)
    with np.errstate(over="ignore"):
        eu = np.exp(u)
        g1 = np.exp(-eu)  # exp(-exp(u))
        dg1 = -np.exp(u - eu)  # d/du exp(-exp(u))
    g, dg = (1.0 - g1, -dg1) if second else (g1, dg1)
    y = c + (d - c) * g
    if not jac:
        return y
    dg = np.where(zero, 0.0, dg)
    J = np.stack([(d - c) * dg * lxe, 1.0 - g, g, (d - c) * dg * (-b / e)], axis=-1)
    return y, J


def _bc5(x: np.ndarray, th: np.ndarray, jac: bool) -> Any:
    b, c, d, e, f = (th[..., i, None] for i in range(5))
    x = np.asarray(x, dtype=float)
    u, lxe, zero = _u(x, b, e)
    h = expit(-u)  # 1 / (1 + exp(u))
    num = d - c + f * x
    y = c + num * h
    if not jac:
        return y
    dh_du = np.where(zero, 0.0, -h * (1.0 - h))
    J = np.stack([num * dh_du * lxe, 1.0 - h, h, num * dh_du * (-b / e), x * h + 0.0 * b], axis=-1)
    return y, J


_FAMILIES = {
    "ll5": (("b", "c", "d", "e", "f"), _ll5),
    "w1": (("b", "c", "d", "e"), lambda x, th, jac: _w(x, th, jac, second=False)),
    "w2": (("b", "c", "d", "e"), lambda x, th, jac: _w(x, th, jac, second=True)),
    "bc5": (("b", "c", "d", "e", "f"), _bc5),
}


# ---------------------------------------------------------------------------
# ED values (drc ED(type = "relative", reference = "control"))
# ---------------------------------------------------------------------------


def _ed_closed(family: str, th: np.ndarray, level: float) -> np.ndarray | None:
    """Closed-form ED for level % of the way from the x→0 asymptote to the x→∞ one."""
    p = level / 100.0
    b, e = th[..., 0], th[..., 3]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if family == "ll5":
            f = th[..., 4]
            # x→0 asymptote is d when b > 0, c when b < 0
            q = np.where(b > 0, 1.0 - p, p)  # fraction g must reach
            return e * (q ** (-1.0 / f) - 1.0) ** (1.0 / b)
        if family == "w1":
            # b > 0: x→0 gives d; g = exp(-exp(u)) falls from 1 to 0
            q = np.where(b > 0, 1.0 - p, p)
            return e * np.exp(np.log(-np.log(q)) / b)
        if family == "w2":
            # b < 0: x→0 gives d; g = 1 - exp(-exp(u)) falls from 1 to 0
            q = np.where(b < 0, 1.0 - p, p)
            return e * np.exp(np.log(-np.log(1.0 - q)) / b)
    return None


def _still_bisecting(mid: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> bool:
    """False once every finite interval has shrunk to adjacent floats (more halvings
    cannot move it: ~55 steps instead of a fixed 200)."""
    return bool((np.isfinite(mid) & (mid != lo) & (mid != hi)).any())


def _ed_bisect(spec: ModelSpec, th: np.ndarray, level: float) -> np.ndarray:
    """ED by bisection on log x (models without a closed form, e.g. BC.5).

    The target is ``d + level/100 · (c − d)`` (drc's relative ED from the
    control level d), searched above the hormetic peak.
    """
    th = np.atleast_2d(th)
    c, d, e = th[:, 1], th[:, 2], th[:, 3]
    target = d + level / 100.0 * (c - d)
    lo = np.log(e) - 40.0
    hi = np.log(e) + 40.0
    # start above the peak: scan a grid for the maximum of the response
    grid = np.linspace(-40.0, 40.0, 801)
    xs = np.exp(np.log(e)[:, None] + grid[None, :])
    ys = spec.predict(xs, th)  # (curves, grid): families broadcast over leading axes
    lo = np.log(xs[np.arange(th.shape[0]), np.argmax(ys * np.sign(d - c)[:, None], axis=1)])
    sign = np.sign(d - c)
    for _ in range(200):  # bisection, vectorised over curves
        mid = 0.5 * (lo + hi)
        if not _still_bisecting(mid, lo, hi):
            break
        ym = spec.predict(np.exp(mid)[:, None], th)[:, 0]
        above = (ym - target) * sign > 0
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.exp(0.5 * (lo + hi))


# ---------------------------------------------------------------------------
# Model specifications
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    """One concentration–response model: a family with some parameters fixed.

    Attributes
    ----------
    key : str
        preclin name ("ll4").
    drc : str
        drc name ("LL.4").
    family : str
        "ll5", "w1", "w2" or "bc5" (Numba kernels switch on it).
    params : tuple of str
        The family's full parameter vector in drc order.
    fixed : mapping
        Family parameters this model fixes (LL.3: c = 0, f = 1).
    public : tuple of str
        Output name of each entry of ``params`` (same order).
    hill_sign : int
        ``hill = hill_sign * b``.
    description : str
        The equation in words.
    """

    key: str
    drc: str
    family: str
    params: tuple[str, ...]
    fixed: Mapping[str, float]
    public: tuple[str, ...]
    hill_sign: int
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_params(self) -> int:
        return len(self.params)

    @property
    def free(self) -> tuple[str, ...]:
        """Parameters the model estimates (before any user-fixed ones)."""
        return tuple(p for p in self.params if p not in self.fixed)

    def full_theta(
        self, free_values: Any, user_fixed: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """Assemble the full vector from estimates of the free parameters."""
        fixed = {**self.fixed, **(user_fixed or {})}
        vals = iter(np.asarray(free_values, dtype=float).ravel())
        return np.array([fixed[p] if p in fixed else next(vals) for p in self.params])

    def predict(self, x: Any, theta: Any) -> np.ndarray:
        """Response at ``x`` for full parameter vector(s) ``theta`` (..., p)."""
        th = np.asarray(theta, dtype=float)
        fn = _FAMILIES[self.family][1]
        return fn(np.asarray(x, dtype=float), th, False)

    def jacobian(self, x: Any, theta: Any) -> np.ndarray:
        """d response / d theta, shape (..., n, p), w.r.t. the full vector."""
        th = np.asarray(theta, dtype=float)
        fn = _FAMILIES[self.family][1]
        return fn(np.asarray(x, dtype=float), th, True)[1]

    def ed(self, theta: Any, level: float) -> np.ndarray:
        """x at which the response has moved ``level`` % from the x→0 asymptote.

        drc ``ED(m, level, type = "relative", reference = "control")``.
        """
        th = np.asarray(theta, dtype=float)
        out = _ed_closed(self.family, th, float(level))
        if out is None:
            out = _ed_bisect(self, th, float(level))
            if th.ndim == 1:
                out = out[0]
        return np.asarray(out)

    def ed_gradient(self, theta: Any, level: float, rel_step: float = 1e-6) -> np.ndarray:
        """d ED / d theta (full vector) by central differences on each parameter."""
        th = np.asarray(theta, dtype=float)
        p = th.shape[-1]
        h = rel_step * np.maximum(np.abs(th), 1e-8)  # step for each entry
        # all 2p shifted vectors in one call (one bisection for models without a
        # closed form): stack[k, ..., :] shifts parameter k % p up (k < p) or down
        eye = np.eye(p)
        shift = np.concatenate([eye, -eye])[(slice(None),) + (None,) * (th.ndim - 1)]
        stack = th[None] + shift * h[None]
        ed = np.asarray(self.ed(stack.reshape(-1, p), level)).reshape(2 * p, *th.shape[:-1])
        return np.moveaxis((ed[:p] - ed[p:]), 0, -1) / (2 * h)

    def hill(self, theta: Any) -> np.ndarray:
        """Prism-style slope (negative = decreasing)."""
        return self.hill_sign * np.asarray(theta, dtype=float)[..., 0]


MODELS: dict[str, ModelSpec] = {}


def register_model(spec: ModelSpec) -> ModelSpec:
    """Add a model to :data:`MODELS` (used for the Prism bell-shaped / biphasic models)."""
    MODELS[spec.key] = spec
    return spec


def get_model(name: str) -> ModelSpec:
    """Look up a model by preclin key ("ll4") or drc name ("LL.4"), case-insensitive."""
    key = name.strip().lower()
    for spec in MODELS.values():
        if key in (spec.key, spec.drc.lower(), spec.drc.lower().replace(".", "")):
            return spec
    from preclin.core.validation import check_option

    check_option("model", name, sorted(MODELS))
    raise AssertionError  # pragma: no cover  (check_option raised)


_LL = ("b", "c", "d", "e", "f")
_W = ("b", "c", "d", "e")
for _key, _drc, _fixed, _e_name in [
    ("ll2", "LL.2", {"c": 0.0, "d": 1.0, "f": 1.0}, "ec50"),
    ("ll3", "LL.3", {"c": 0.0, "f": 1.0}, "ec50"),
    ("ll4", "LL.4", {"f": 1.0}, "ec50"),
    ("ll5", "LL.5", {}, "xmid"),
]:
    register_model(
        ModelSpec(
            key=_key,
            drc=_drc,
            family="ll5",
            params=_LL,
            fixed=_fixed,
            public=("hill", "bottom", "top", _e_name, "asymmetry"),
            hill_sign=-1,
            description="c + (d - c) / (1 + exp(b (log x - log e)))^f",
        )
    )
for _key, _drc, _fam, _fixed, _sign, _eq in [
    ("w1.3", "W1.3", "w1", {"c": 0.0}, -1, "c + (d - c) exp(-exp(b (log x - log e)))"),
    ("w1.4", "W1.4", "w1", {}, -1, "c + (d - c) exp(-exp(b (log x - log e)))"),
    ("w2.3", "W2.3", "w2", {"c": 0.0}, 1, "c + (d - c) (1 - exp(-exp(b (log x - log e))))"),
    ("w2.4", "W2.4", "w2", {}, 1, "c + (d - c) (1 - exp(-exp(b (log x - log e))))"),
]:
    register_model(
        ModelSpec(
            key=_key,
            drc=_drc,
            family=_fam,
            params=_W,
            fixed=_fixed,
            public=("hill", "bottom", "top", "xmid"),
            hill_sign=_sign,
            description=_eq,
        )
    )
register_model(
    ModelSpec(
        key="bc5",
        drc="BC.5",
        family="bc5",
        params=_LL,
        fixed={},
        public=("hill", "bottom", "top", "xmid", "hormesis"),
        hill_sign=-1,
        description="c + (d - c + f x) / (1 + exp(b (log x - log e)))  (Brain-Cousens hormesis)",
    )
)
