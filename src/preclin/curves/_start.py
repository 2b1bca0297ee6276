"""Data-driven starting values for one curve (Numba, called inside the batch kernel).

From the dose means (responses averaged at each distinct concentration):

* bottom / top: the smallest and largest dose mean (or the fixed values);
* direction: the sign of a rank correlation (Kendall's S statistic between
  concentration order and dose means; ties broken by last − first mean);
* EC50: where the dose means cross the half-effect level (c + d) / 2,
  interpolated linearly on log x; the geometric middle of the tested range
  if they never cross (and one decade beyond the end the curve is heading to
  if it has not reached half effect);
* Hill: ±1 in Prism's units (so drc's b = ∓1 for LL/W1/BC, ±1 for W2);
  LL.5 asymmetry f = 1, BC.5 hormesis f = 0;
* Prism biphasic: EC50s at the 25 % and 75 % crossings, Frac = 0.5;
  Prism bell: plateaus from the first / last dose means, Dip from the dose
  mean farthest from them, EC50s at the half-way crossings on either side.

Values fixed by the model or the user overwrite the corresponding entries.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["dose_means", "start_values"]


@njit(cache=True)
def dose_means(x, y, lo, hi, ux, uy):
    """Sorted distinct concentrations of x[lo:hi] and their mean responses.

    Fills ``ux``/``uy`` (length ≥ hi − lo) and returns the number of distinct x.
    """
    n = hi - lo
    asc = True
    desc = True
    for i in range(lo + 1, hi):
        if x[i] < x[i - 1]:
            asc = False
        elif x[i] > x[i - 1]:
            desc = False
    if asc:
        m = 0
        i = lo
        while i < hi:
            xv = x[i]
            sy = 0.0
            k = 0
            while i < hi and x[i] == xv:
                sy += y[i]
                k += 1
                i += 1
            ux[m] = xv
            uy[m] = sy / k
            m += 1
        return m
    if desc:
        m = 0
        i = hi - 1
        while i >= lo:
            xv = x[i]
            sy = 0.0
            k = 0
            while i >= lo and x[i] == xv:
                sy += y[i]
                k += 1
                i -= 1
            ux[m] = xv
            uy[m] = sy / k
            m += 1
        return m
    order = np.argsort(x[lo:hi])
    m = 0
    i = 0
    while i < n:
        xv = x[lo + order[i]]
        sy = 0.0
        k = 0
        while i < n and x[lo + order[i]] == xv:
            sy += y[lo + order[i]]
            k += 1
            i += 1
        ux[m] = xv
        uy[m] = sy / k
        m += 1
    return m


@njit(cache=True)
def _crossing(ux, uy, m, level, default):
    """log x where the dose means first cross ``level`` (positive x only)."""
    prev_l = 0.0
    prev_y = 0.0
    have = False
    for i in range(m):
        if ux[i] <= 0.0:
            continue
        lxi = math.log(ux[i])
        if have and (prev_y - level) * (uy[i] - level) <= 0.0 and uy[i] != prev_y:
            t = (level - prev_y) / (uy[i] - prev_y)
            return prev_l + t * (lxi - prev_l)
        prev_l = lxi
        prev_y = uy[i]
        have = True
    return default


@njit(cache=True)
def start_values(fam, ux, uy, m, free, qfix, q):
    """Fill the internal start vector ``q`` for family ``fam`` from m dose means."""
    # positive range on log scale
    lmin = 0.0
    lmax = 0.0
    first = True
    for i in range(m):
        if ux[i] > 0.0:
            if first:
                lmin = math.log(ux[i])
                first = False
            lmax = math.log(ux[i])
    if first:  # no positive concentration at all
        lmin = 0.0
        lmax = 0.0
    ymin = uy[0]
    ymax = uy[0]
    for i in range(m):
        ymin = min(ymin, uy[i])
        ymax = max(ymax, uy[i])
    if ymax == ymin:
        ymax = ymin + 1.0
    # Kendall S between order and dose means
    s = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            dlt = uy[j] - uy[i]
            if dlt > 0:
                s += 1.0
            elif dlt < 0:
                s -= 1.0
    if s == 0.0:
        s = uy[m - 1] - uy[0]
    direction = 1.0 if s > 0 else -1.0
    mid = 0.5 * (lmin + lmax)
    if fam <= 3:
        c = qfix[1] if not free[1] else ymin
        d = qfix[2] if not free[2] else ymax
        half = 0.5 * (c + d)
        # not reaching half effect: is the curve short of it at the top?
        reached = (uy[m - 1] - half) * (uy[0] - half) <= 0.0
        le = _crossing(ux, uy, m, half, mid)
        if not reached:
            # dose means never cross: EC50 beyond the end the curve heads to
            near_top = abs(uy[m - 1] - half) < abs(uy[0] - half)
            le = lmax + math.log(3.0) if near_top else lmin - math.log(3.0)
        b = direction if fam == 2 else -direction
        q[0] = b
        q[1] = c
        q[2] = d
        q[3] = le
        if fam == 0:
            q[4] = 1.0
        elif fam == 3:
            q[4] = 0.0
    elif fam == 5:  # biphasic
        bottom = ymin
        top = ymax
        lev1 = bottom + 0.25 * (top - bottom)
        lev2 = bottom + 0.75 * (top - bottom)
        if direction < 0:
            lev1, lev2 = lev2, lev1
        l1 = _crossing(ux, uy, m, lev1, lmin + 0.3 * (lmax - lmin))
        l2 = _crossing(ux, uy, m, lev2, lmin + 0.7 * (lmax - lmin))
        if l2 < l1:
            l1, l2 = l2, l1
        if l2 - l1 < 0.5:
            l2 = l1 + 0.5
        q[0] = bottom
        q[1] = top
        q[2] = 0.5
        q[3] = l1
        q[4] = l2
        q[5] = direction
        q[6] = direction
    else:  # bell: Plateau1 (left) -> Dip (middle) -> Plateau2 (right)
        p1 = uy[0]
        p2 = uy[m - 1]
        ref = 0.5 * (p1 + p2)
        k = 0
        dev = -1.0
        for i in range(m):
            if abs(uy[i] - ref) > dev:
                dev = abs(uy[i] - ref)
                k = i
        dip = uy[k]
        kx = math.log(ux[k]) if ux[k] > 0.0 else lmin
        l1 = _crossing(ux[: k + 1], uy[: k + 1], k + 1, 0.5 * (p1 + dip), 0.5 * (lmin + kx))
        l2 = _crossing(ux[k:], uy[k:], m - k, 0.5 * (p2 + dip), 0.5 * (kx + lmax))
        if l2 - l1 < 0.5:
            l1 = kx - 0.5
            l2 = kx + 0.5
        q[0] = p1
        q[1] = dip
        q[2] = p2
        q[3] = l1
        q[4] = l2
        q[5] = -1.0
        q[6] = -1.0
    for j in range(q.shape[0]):
        if not free[j]:
            q[j] = qfix[j]
    return m
