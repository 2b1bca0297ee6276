"""The one tolerance policy for comparing with reference software.

======================  =========  ===========================================
kind                    rtol       used for
======================  =========  ===========================================
``"closed_form"``       1e-10      our own closed forms vs exact values
``"r_closed_form"``     1e-6       R's closed-form statistics (aov, t tests)
``"iterative"``         1e-4       parameters from another program's fit
``"iterative_se"``      1e-3       SEs and CIs from another program's fit
======================  =========  ===========================================

Zero-valued expectations need an explicit ``atol``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["TOLERANCES", "assert_allclose"]

TOLERANCES: dict[str, float] = {
    "closed_form": 1e-10,
    "r_closed_form": 1e-6,
    "iterative": 1e-4,
    "iterative_se": 1e-3,
}


def assert_allclose(
    actual: Any,
    desired: Any,
    kind: str = "closed_form",
    *,
    rtol: float | None = None,
    atol: float = 0.0,
    err_msg: str = "",
) -> None:
    """``numpy.testing.assert_allclose`` with the project's tolerance for ``kind``.

    >>> assert_allclose(1.00001, 1.0, "iterative")
    >>> assert_allclose(1.001, 1.0, "iterative")
    Traceback (most recent call last):
    ...
    AssertionError: ...
    """
    if kind not in TOLERANCES:
        raise ValueError(f"Invalid `kind`: got {kind!r}, must be one of {', '.join(TOLERANCES)}.")
    tol = TOLERANCES[kind] if rtol is None else rtol
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float),
        np.asarray(desired, dtype=float),
        rtol=tol,
        atol=atol,
        err_msg=err_msg or f"tolerance {kind} (rtol={tol:g}, atol={atol:g})",
    )
