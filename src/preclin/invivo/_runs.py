"""Run-length logic on 2-D boolean arrays (animals × frames), vectorised.

No Python loop per animal or per frame: runs are found with one ``np.diff``
over the padded array, filtered by length, clipped to a window and summed
per row with ``np.bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Runs", "find_runs", "runs_to_mask"]


@dataclass(frozen=True)
class Runs:
    """Runs of ``True`` in a 2-D mask: row, start (inclusive), stop (exclusive)."""

    row: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    n_rows: int
    n_cols: int

    @property
    def length(self) -> np.ndarray:
        return self.stop - self.start

    def select(self, keep: np.ndarray) -> Runs:
        return Runs(self.row[keep], self.start[keep], self.stop[keep], self.n_rows, self.n_cols)

    def overlap(self, lo: float, hi: float) -> np.ndarray:
        """Length of each run inside ``[lo, hi)`` (runs crossing the edges are clipped)."""
        return np.clip(np.minimum(self.stop, hi) - np.maximum(self.start, lo), 0, None)

    def total_in(self, lo: float, hi: float) -> np.ndarray:
        """Per row: summed run length inside ``[lo, hi)``."""
        return np.bincount(self.row, weights=self.overlap(lo, hi), minlength=self.n_rows)

    def count_in(self, lo: float, hi: float) -> np.ndarray:
        """Per row: number of runs that overlap ``[lo, hi)``."""
        hit = self.overlap(lo, hi) > 0
        return np.bincount(self.row[hit], minlength=self.n_rows)

    def first_start(self, fill: float = np.nan) -> np.ndarray:
        """Per row: start of the first run (``fill`` where a row has none)."""
        out = np.full(self.n_rows, fill, dtype=float)
        if self.row.size:
            rows, first = np.unique(self.row, return_index=True)
            out[rows] = self.start[first]
        return out


def find_runs(mask: np.ndarray) -> Runs:
    """Runs of ``True`` along axis 1 of a 2-D boolean array.

    >>> r = find_runs(np.array([[0, 1, 1, 0, 1], [1, 1, 0, 0, 0]], dtype=bool))
    >>> r.row.tolist(), r.start.tolist(), r.stop.tolist()
    ([0, 0, 1], [1, 4, 0], [3, 5, 2])
    """
    m = np.asarray(mask, dtype=bool)
    n_rows, n_cols = m.shape
    padded = np.zeros((n_rows, n_cols + 2), dtype=np.int8)
    padded[:, 1:-1] = m
    d = np.diff(padded, axis=1)
    # row-major order: within each row, starts and stops alternate, so they pair up
    r_start, c_start = np.nonzero(d == 1)
    _, c_stop = np.nonzero(d == -1)
    return Runs(r_start, c_start, c_stop, n_rows, n_cols)


def runs_to_mask(runs: Runs) -> np.ndarray:
    """Rebuild the 2-D boolean mask from runs (inverse of :func:`find_runs`)."""
    delta = np.zeros((runs.n_rows, runs.n_cols + 1), dtype=np.int32)
    np.add.at(delta, (runs.row, runs.start), 1)
    np.add.at(delta, (runs.row, runs.stop), -1)
    return np.cumsum(delta, axis=1)[:, :-1] > 0
