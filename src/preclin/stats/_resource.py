"""Animals per group by Mead's resource equation (NC3Rs), the fallback when no
effect size or SD is known for a power calculation (:mod:`preclin.stats._power`)."""

from __future__ import annotations

import dataclasses
import math

from preclin.core import Result, check_scalar

__all__ = ["ResourceEquationResult", "resource_equation"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ResourceEquationResult(Result):
    """Mead's resource equation (NC3Rs): E = N - k between ``e_min`` and ``e_max``.

    Attributes
    ----------
    k : int
        Number of groups.
    n_min, n_max : int
        Smallest and largest whole number of animals per group with
        ``e_min <= E <= e_max``.
    total_min, total_max : int
        ``k * n_min`` and ``k * n_max``.
    e_at_n_min, e_at_n_max : int
        Error degrees of freedom E = N - k at those sizes.
    """

    k: int
    n_min: int
    n_max: int
    total_min: int
    total_max: int
    e_at_n_min: int
    e_at_n_max: int

    def _title(self) -> str:
        return "Resource equation (E = N - k)"

    def _summary_lines(self) -> list[str]:
        return [f"{self.n_min} to {self.n_max} animals per group for {self.k} groups"]


def resource_equation(k: int, *, e_min: int = 10, e_max: int = 20) -> ResourceEquationResult:
    """Animals per group by Mead's resource equation (NC3Rs guidance).

    Parameters
    ----------
    k : int
        Number of groups (>= 2).
    e_min, e_max : int
        Acceptable range of error degrees of freedom E = N − k (10 to 20).

    Returns
    -------
    ResourceEquationResult
        Fields k, n_min, n_max, total_min, total_max, e_at_n_min, e_at_n_max.

    Notes
    -----
    For a one-way design with n animals in each of k groups, E = k·n − k =
    k(n − 1), so ``n_min = ceil(e_min / k + 1)`` and ``n_max = floor(e_max / k + 1)``
    (Arifin & Zahiruddin 2017, Malays J Med Sci 24:101). When no whole n
    fits (k > e_max - e_min), ``n_max < n_min``: use ``n_min``. The equation is
    a fallback when no effect size or SD is known; prefer a power calculation.

    Examples
    --------
    >>> r = resource_equation(4)
    >>> r.n_min, r.n_max
    (4, 6)
    """
    check_scalar("k", k, low=2, integer=True)
    check_scalar("e_min", e_min, low=1, integer=True)
    check_scalar("e_max", e_max, low=e_min, integer=True)
    n_min = math.ceil(e_min / k + 1)
    n_max = math.floor(e_max / k + 1)
    return ResourceEquationResult(
        k=int(k),
        n_min=n_min,
        n_max=n_max,
        total_min=k * n_min,
        total_max=k * n_max,
        e_at_n_min=k * (n_min - 1),
        e_at_n_max=k * (n_max - 1),
    )
