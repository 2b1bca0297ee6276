"""GraphPad Prism's bell-shaped and biphasic dose–response models.

Both are written in Prism's own form with X = log10(x) (x = 0 is the
x → 0 limit) and registered in :data:`preclin.curves.MODELS` with the
:class:`~preclin.curves.ModelSpec` interface, so the engine, ``predict`` and
potency code treat them like the drc models. Location parameters are
concentrations ``e1``, ``e2`` (Prism's ``LogEC50_1``, ``LogEC50_2`` are their
log10).

bell (Prism "Bell-shaped dose-response")::

    Y = Dip + (Plateau1 − Dip) / (1 + 10^((LogEC50_1 − X)·nH1))
            + (Plateau2 − Dip) / (1 + 10^((X − LogEC50_2)·nH2))

biphasic (Prism "Biphasic dose-response")::

    Y = Bottom + (Top − Bottom)·[Frac / (1 + 10^((LogEC50_1 − X)·nH1))
                                 + (1 − Frac) / (1 + 10^((LogEC50_2 − X)·nH2))]

``ed(theta, level)``: for the biphasic model (monotone when both Hill slopes
have the same sign) the x at which the response has moved ``level`` % from the
x → 0 to the x → ∞ asymptote, by bisection on log x; for the bell-shaped
model, whose two asymptotes are not the ends of one transition, the ED of
the first phase, e1 · (p / (1 − p))^(1/nH1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

from preclin.curves._models import MODELS, ModelSpec, _still_bisecting, register_model

__all__ = ["PrismSpec"]

_LN10 = np.log(10.0)


def _step(x: np.ndarray, e: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1 / (1 + 10^((log10 e − log10 x)·h)) and log(x / e) (0 at x = 0, the limit)."""
    zero = x <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        lx = np.log10(np.where(zero, 1.0, x))
        a = (np.log10(e) - lx) * h * _LN10  # natural-log exponent
    a = np.where(zero, np.sign(h) * np.inf, a)
    s = expit(-a)
    lxe = np.where(zero, 0.0, (lx - np.log10(e)) * _LN10)
    return s, lxe


def _bell(x: np.ndarray, th: np.ndarray, jac: bool) -> Any:
    p1, dip, p2, e1, e2, h1, h2 = (th[..., i, None] for i in range(7))
    s1, lxe1 = _step(x, e1, h1)
    s2, lxe2 = _step(x, e2, -h2)  # 1/(1 + 10^((X − LogEC50_2)·nH2))
    y = dip + (p1 - dip) * s1 + (p2 - dip) * s2
    if not jac:
        return y
    ds1 = s1 * (1.0 - s1)  # d s1 / d log(x/e1) per unit h1
    ds2 = s2 * (1.0 - s2)
    zero = np.asarray(x) <= 0
    ds1 = np.where(zero, 0.0, ds1)
    ds2 = np.where(zero, 0.0, ds2)
    J = np.stack(
        [
            s1,
            1.0 - s1 - s2,
            s2,
            (p1 - dip) * ds1 * (-h1 / e1),
            (p2 - dip) * ds2 * (h2 / e2),
            (p1 - dip) * ds1 * lxe1,
            (p2 - dip) * ds2 * (-lxe2),
        ],
        axis=-1,
    )
    return y, J


def _biphasic(x: np.ndarray, th: np.ndarray, jac: bool) -> Any:
    bottom, top, frac, e1, e2, h1, h2 = (th[..., i, None] for i in range(7))
    s1, lxe1 = _step(x, e1, h1)
    s2, lxe2 = _step(x, e2, h2)
    span = top - bottom
    mix = frac * s1 + (1.0 - frac) * s2
    y = bottom + span * mix
    if not jac:
        return y
    zero = np.asarray(x) <= 0
    ds1 = np.where(zero, 0.0, s1 * (1.0 - s1))
    ds2 = np.where(zero, 0.0, s2 * (1.0 - s2))
    J = np.stack(
        [
            1.0 - mix,
            mix,
            span * (s1 - s2),
            span * frac * ds1 * (-h1 / e1),
            span * (1.0 - frac) * ds2 * (-h2 / e2),
            span * frac * ds1 * lxe1,
            span * (1.0 - frac) * ds2 * lxe2,
        ],
        axis=-1,
    )
    return y, J


@dataclass(frozen=True)
class PrismSpec(ModelSpec):
    """A :class:`ModelSpec` for Prism's two-phase models (families "bell", "biphasic")."""

    def _fn(self) -> Any:
        return _bell if self.family == "bell" else _biphasic

    def predict(self, x: Any, theta: Any) -> np.ndarray:
        """Response at ``x`` for full parameter vector(s) ``theta`` (..., 7)."""
        return self._fn()(np.asarray(x, dtype=float), np.asarray(theta, dtype=float), False)

    def jacobian(self, x: Any, theta: Any) -> np.ndarray:
        """d response / d theta, shape (..., n, 7)."""
        th = np.asarray(theta, dtype=float)
        return self._fn()(np.asarray(x, dtype=float), th, True)[1]

    def hill(self, theta: Any) -> np.ndarray:
        """The first phase's Hill slope (nH1)."""
        return np.asarray(theta, dtype=float)[..., 5]

    def ed(self, theta: Any, level: float) -> np.ndarray:
        """ED (see the module notes: first phase for bell, whole curve for biphasic)."""
        th = np.asarray(theta, dtype=float)
        p = float(level) / 100.0
        if self.family == "bell":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.asarray(th[..., 3] * (p / (1.0 - p)) ** (1.0 / th[..., 5]))
        th2 = np.atleast_2d(th)
        y0 = self.predict(np.array([0.0]), th2)[:, 0]
        yinf = th2[:, 0] + (th2[:, 1] - th2[:, 0]) * (
            th2[:, 2] * (th2[:, 5] > 0) + (1.0 - th2[:, 2]) * (th2[:, 6] > 0)
        )
        target = y0 + p * (yinf - y0)
        sign = np.sign(yinf - y0)
        le = np.log(th2[:, 3:5])
        lo = le.min(axis=1) - 60.0
        hi = le.max(axis=1) + 60.0
        for _ in range(200):  # vectorised bisection on log x
            mid = 0.5 * (lo + hi)
            if not _still_bisecting(mid, lo, hi):
                break
            ym = self.predict(np.exp(mid)[:, None], th2)[:, 0]
            below = (ym - target) * sign < 0
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        out = np.exp(0.5 * (lo + hi))
        return np.asarray(out[0] if th.ndim == 1 else out)


def _register() -> None:
    if "bell" in MODELS and "biphasic" in MODELS:
        return
    register_model(
        PrismSpec(
            key="bell",
            drc="Prism.bell",
            family="bell",
            params=("plateau1", "dip", "plateau2", "e1", "e2", "h1", "h2"),
            fixed={},
            public=("plateau1", "dip", "plateau2", "ec50_1", "ec50_2", "hill1", "hill2"),
            hill_sign=1,
            description=(
                "Dip + (Plateau1 - Dip)/(1 + 10^((LogEC50_1 - X) nH1))"
                " + (Plateau2 - Dip)/(1 + 10^((X - LogEC50_2) nH2))  (Prism bell-shaped)"
            ),
        )
    )
    register_model(
        PrismSpec(
            key="biphasic",
            drc="Prism.biphasic",
            family="biphasic",
            params=("bottom", "top", "frac", "e1", "e2", "h1", "h2"),
            fixed={},
            public=("bottom", "top", "frac", "ec50_1", "ec50_2", "hill1", "hill2"),
            hill_sign=1,
            description=(
                "Bottom + (Top - Bottom)[Frac/(1 + 10^((LogEC50_1 - X) nH1))"
                " + (1 - Frac)/(1 + 10^((LogEC50_2 - X) nH2))]  (Prism biphasic)"
            ),
        )
    )


_register()
