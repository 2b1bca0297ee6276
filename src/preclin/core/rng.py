"""Seeded randomness: every random function takes ``seed`` (or an ``rng``)."""

from __future__ import annotations

import numpy as np

from preclin.core.errors import InputError

__all__ = ["make_rng"]


def make_rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A NumPy ``Generator`` from a seed (int ≥ 0), an existing generator, or None.

    >>> make_rng(7).integers(0, 100, 3).tolist() == make_rng(7).integers(0, 100, 3).tolist()
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"Invalid `seed`: got {seed!r}, must be an integer >= 0.")
    return np.random.default_rng(int(seed))
