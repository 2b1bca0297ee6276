"""Scoring windows ("120-360s", (120, 360)) and test durations, validated once."""

from __future__ import annotations

import re
from collections.abc import Sequence

from preclin.core import InputError, check_scalar

__all__ = ["Window", "parse_window"]

_PATTERN = re.compile(
    r"^\s*([0-9]*\.?[0-9]+)\s*(s|min)?\s*(?:-|:|to|,)\s*([0-9]*\.?[0-9]+)\s*(s|min)?\s*$"
)

Window = tuple[float, float]


def parse_window(
    window: str | Sequence[float], *, test_duration: float, name: str = "window"
) -> Window:
    """Parse and check a scoring window in seconds.

    Accepts ``(120, 360)``, ``"120-360"``, ``"120-360s"`` or ``"2-6min"``.
    The window must lie inside ``[0, test_duration]``.

    >>> parse_window("120-360s", test_duration=360)
    (120.0, 360.0)
    >>> parse_window("2-6min", test_duration=360)
    (120.0, 360.0)
    >>> parse_window((0, 400), test_duration=360)
    Traceback (most recent call last):
    ...
    preclin.core.errors.InputError: Invalid `window`: got (0, 400), ends at 400 s, after ...
    """
    check_scalar("test_duration", test_duration, low=0, closed="neither")
    if isinstance(window, str):
        m = _PATTERN.match(window)
        if m is None:
            raise InputError(
                f"Invalid `{name}`: got {window!r}, must look like 120-360s or 2-6min."
            )
        lo, u1, hi, u2 = m.groups()
        unit = u2 or u1 or "s"
        factor = 60.0 if unit == "min" else 1.0
        f_lo = factor if (u1 or unit) == "min" else 1.0
        bounds = (float(lo) * f_lo, float(hi) * factor)
    else:
        try:
            lo_v, hi_v = (float(v) for v in window)
        except (TypeError, ValueError):
            raise InputError(
                f"Invalid `{name}`: got {window!r}, must be two numbers (start, stop) in s."
            ) from None
        bounds = (lo_v, hi_v)
    lo_f, hi_f = bounds
    if not (lo_f >= 0 and hi_f > lo_f):
        raise InputError(f"Invalid `{name}`: got {window!r}, must have 0 <= start < stop (in s).")
    if hi_f > float(test_duration) + 1e-9:
        raise InputError(
            f"Invalid `{name}`: got {window!r}, ends at {hi_f:g} s, after the end of the "
            f"{float(test_duration):g} s test; shorten the window or give the real "
            "`test_duration`."
        )
    return bounds
