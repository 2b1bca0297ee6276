"""Number formatting for guides: the ONLY place preclin rounds numbers.

Every room returns full-precision floats; a guide rounds them once, here,
when it turns them into text. The rules (also printed in each guide's
"About the numbers" note):

* **Computed estimates** (means, fitted parameters, NCA values, simulated
  concentrations) are shown to **3 significant figures**
  (``38.75 → "38.8"``, ``0.03812 → "0.0381"``, ``172.99 → "173"``), in
  plain notation between 0.001 and 10⁶, else as ``1.23e-05``.
* **A mean ± SEM (or ± SD)** shows the mean to 3 significant figures and
  its dispersion **to the same decimal place** as the mean, so the two line
  up (``38.75 ± 4.644 → "38.8 ± 4.6"``, ``172.99 ± 8.35 → "173 ± 8"``); a
  dispersion that would round to zero keeps one significant figure.
* **A confidence interval** uses the decimals of its estimate
  (``0.0381 [0.0302, 0.0481]``).
* **p-values** get 2 significant figures, and ``< 0.001`` below 0.001.
* **Literature values** from the knowledge store are shown **as written in
  the source** (their text, never re-rounded, never padded with digits the
  source did not give).

Examples
--------
>>> format_sig(38.75), format_sig(0.038123), format_sig(172.99), format_sig(12345.0)
('38.8', '0.0381', '173', '12300')
>>> format_mean_sem(38.75, 4.6435)
'38.8 ± 4.6'
>>> format_pvalue(0.000012), format_pvalue(0.0392)
('< 0.001', '0.039')
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "decimals_for",
    "format_ci",
    "format_mean_sem",
    "format_pvalue",
    "format_sig",
    "is_missing",
]

_MISSING = "–"


def is_missing(x: Any) -> bool:
    """True for None, NaN, pandas NA and empty text."""
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    try:
        return bool(math.isnan(float(x)))
    except (TypeError, ValueError):
        return False


def decimals_for(x: float, sig: int = 3) -> int:
    """Decimal places that show ``x`` to ``sig`` significant figures (≥ 0).

    >>> decimals_for(38.75), decimals_for(0.0381), decimals_for(1234.0)
    (1, 4, 0)
    """
    if x == 0 or not math.isfinite(x):
        return max(sig - 1, 0)
    return max(sig - 1 - math.floor(math.log10(abs(x))), 0)


def _fixed(x: float, decimals: int) -> str:
    text = f"{x:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_sig(x: Any, sig: int = 3) -> str:
    """``x`` to ``sig`` significant figures (``"–"`` when missing)."""
    if is_missing(x):
        return _MISSING
    v = float(x)
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    if mag < -3 or mag >= 6:
        return f"{v:.{sig - 1}e}"
    rounded = round(v, sig - 1 - mag)
    # rounding can carry into the next power of ten (999.6 → 1000)
    mag2 = math.floor(math.log10(abs(rounded))) if rounded else mag
    return _fixed(rounded, max(sig - 1 - mag2, 0))


def format_mean_sem(mean: Any, sem: Any, sig: int = 3) -> str:
    """``mean ± sem``: mean to ``sig`` significant figures, sem to the same decimals."""
    if is_missing(mean):
        return _MISSING
    m = float(mean)
    text = format_sig(m, sig)
    if "e" in text:  # very large / small: both in scientific notation
        return text if is_missing(sem) else f"{text} ± {format_sig(sem, 2)}"
    if is_missing(sem):
        return text
    s = float(sem)
    dec = decimals_for(m, sig)
    s_text = _fixed(round(s, dec), dec)
    if float(s_text) == 0 and s > 0:
        s_text = format_sig(s, 1)
    return f"{text} ± {s_text}"


def format_ci(estimate: Any, low: Any, high: Any, sig: int = 3) -> str:
    """``estimate [low, high]`` with the estimate's decimals on the bounds."""
    if is_missing(estimate):
        return _MISSING
    est = format_sig(estimate, sig)
    if is_missing(low) or is_missing(high):
        return est
    if "e" in est:
        return f"{est} [{format_sig(low, sig)}, {format_sig(high, sig)}]"
    dec = decimals_for(float(estimate), sig)

    def bound(b: Any) -> str:
        if not math.isfinite(float(b)):  # one-sided intervals
            return format_sig(b)
        t = _fixed(round(float(b), dec), dec)
        return t if float(t) != 0 or float(b) == 0 else format_sig(b, 1)

    return f"{est} [{bound(low)}, {bound(high)}]"


def format_pvalue(p: Any) -> str:
    """2 significant figures; ``"< 0.001"`` below 0.001."""
    if is_missing(p):
        return _MISSING
    v = float(p)
    if v < 0.001:
        return "< 0.001"
    return format_sig(v, 2)
