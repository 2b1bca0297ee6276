"""Anxiety tests from tracking exports: elevated plus maze, light–dark box, open field.

Tracking is long format (``animal``, ``x``, ``y`` per frame, frames in row
order within each animal), as exported by EthoVision / ANY-maze / DeepLabCut.
Zones are rectangles ``[x0, y0, x1, y1]`` or polygons ``[[x, y], ...]``.
All animals are processed at once (no Python loop per animal or frame).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, check_scalar, numeric_column, require_columns
from preclin.core.validation import source_name

__all__ = [
    "calculate_epm",
    "calculate_light_dark",
    "calculate_open_field",
    "calculate_zone_times",
]

Zones = Mapping[str, Sequence[Any]]


def _contains(zone: Sequence[Any], x: np.ndarray, y: np.ndarray, name: str) -> np.ndarray:
    pts = np.asarray(zone, dtype=float)
    if pts.ndim == 1 and pts.size == 4:
        x0, y0, x1, y1 = pts
        return (x >= min(x0, x1)) & (x < max(x0, x1)) & (y >= min(y0, y1)) & (y < max(y0, y1))
    if pts.ndim == 2 and pts.shape[1] == 2 and pts.shape[0] >= 3:
        from matplotlib.path import Path

        inside = Path(pts).contains_points(np.column_stack([x, y]))
        return inside & np.isfinite(x) & np.isfinite(y)
    raise InputError(
        f"Invalid zone {name!r}: got {zone!r}, must be [x0, y0, x1, y1] or a polygon "
        "[[x, y], [x, y], [x, y], ...]."
    )


def _prepare(
    tracking: pd.DataFrame, animal: str, x: str, y: str
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    file = source_name(tracking)
    if animal not in tracking.columns:
        tracking = tracking.assign(**{animal: "A1"})
    require_columns(tracking, [animal, x, y], source=file)
    ids = tracking[animal].astype(str).str.strip()
    codes, labels = pd.factorize(ids)
    # keep frames in row order within animal; animals as contiguous blocks
    order = np.argsort(codes, kind="stable")
    xs = numeric_column(tracking, x, what="x position", allow_missing=True)[order]
    ys = numeric_column(tracking, y, what="y position", allow_missing=True)[order]
    return codes[order], [str(v) for v in labels], xs, ys


def calculate_zone_times(
    tracking: pd.DataFrame,
    zones: Zones,
    *,
    fps: float,
    animal: str = "animal",
    x: str = "x",
    y: str = "y",
    px_per_cm: float | None = None,
) -> pd.DataFrame:
    """Time, entries and first-entry latency per animal and zone; distance travelled.

    Parameters
    ----------
    tracking : DataFrame
        ``animal``, ``x``, ``y`` per frame (rows in time order within each
        animal). Empty positions (lost tracking) are in no zone.
    zones : mapping
        Zone name → rectangle ``[x0, y0, x1, y1]`` (half-open) or polygon
        vertices. A frame belongs to the first zone (in mapping order) that
        contains it, else to ``"none"``.
    fps : float
        Frame rate.
    animal, x, y : str
        Column names.
    px_per_cm : float, optional
        Scale for the distance (cm when given, else px).

    Returns
    -------
    DataFrame
        One row per animal: ``animal``, ``frames``, ``distance``,
        ``none_time_s`` and, per zone ``z``, ``z_time_s``, ``z_entries``
        (transitions into the zone from any other zone; the start position
        is not an entry), ``z_latency_s`` (first frame in the zone, NaN if
        never).

    Examples
    --------
    >>> t = pd.DataFrame({"x": [0.5, 1.5, 1.5, 0.5, 1.5], "y": 0.5})
    >>> z = calculate_zone_times(t, {"left": [0, 0, 1, 1], "right": [1, 0, 2, 1]}, fps=1)
    >>> z[["left_time_s", "right_time_s", "right_entries", "left_entries", "distance"]]
       left_time_s  right_time_s  right_entries  left_entries  distance
    0          2.0           3.0              2             1       3.0
    """
    check_scalar("fps", fps, low=0, closed="neither")
    if not zones:
        raise InputError("Invalid `zones`: got {}, must name at least one zone.")
    codes, labels, xs, ys = _prepare(tracking, animal, x, y)
    n_anim = len(labels)
    names = list(zones)
    zone = np.full(xs.size, len(names), dtype=np.int64)  # len(names) = "none"
    for k in range(len(names) - 1, -1, -1):  # first zone wins: assign in reverse
        zone[_contains(zones[names[k]], xs, ys, names[k])] = k
    frames = np.bincount(codes, minlength=n_anim)
    counts = np.zeros((n_anim, len(names) + 1))
    np.add.at(counts, (codes, zone), 1.0)
    same = np.r_[False, codes[1:] == codes[:-1]]
    entered = same & np.r_[False, zone[1:] != zone[:-1]]
    entries = np.zeros((n_anim, len(names) + 1))
    np.add.at(entries, (codes[entered], zone[entered]), 1.0)
    step = np.hypot(np.diff(xs), np.diff(ys))
    ok = same[1:] & np.isfinite(step)
    dist = np.bincount(codes[1:][ok], weights=step[ok], minlength=n_anim)
    if px_per_cm is not None:
        check_scalar("px_per_cm", px_per_cm, low=0, closed="neither")
        dist = dist / px_per_cm
    start = np.r_[0, np.cumsum(frames)[:-1]]
    frame_no = np.arange(xs.size) - start[codes]
    out = pd.DataFrame({"animal": labels, "frames": frames, "distance": dist})
    out["none_time_s"] = counts[:, -1] / fps
    for k, name in enumerate(names):
        out[f"{name}_time_s"] = counts[:, k] / fps
        out[f"{name}_entries"] = entries[:, k].astype(int)
        first = np.full(n_anim, np.nan)
        hit = zone == k
        if hit.any():
            f = pd.Series(frame_no[hit]).groupby(codes[hit]).min()
            first[f.index.to_numpy()] = f.to_numpy() / fps
        out[f"{name}_latency_s"] = first
    return out


def _sum_prefix(z: pd.DataFrame, names: Sequence[str], prefix: str, suffix: str) -> np.ndarray:
    cols = [f"{n}{suffix}" for n in names if n.lower().startswith(prefix)]
    if not cols:
        raise InputError(
            f"Invalid `zones`: no zone name starts with {prefix!r}; got {', '.join(names)}."
        )
    return z[cols].to_numpy(dtype=float).sum(axis=1)


def calculate_epm(
    tracking: pd.DataFrame,
    zones: Zones,
    *,
    fps: float,
    animal: str = "animal",
    x: str = "x",
    y: str = "y",
) -> pd.DataFrame:
    """Elevated plus maze: open- and closed-arm time and entries.

    Parameters
    ----------
    tracking, fps, animal, x, y
        As in :func:`calculate_zone_times`.
    zones : mapping
        Arms whose names start with ``"open"`` or ``"closed"`` (e.g.
        ``open_n``, ``open_s``, ``closed_e``, ``closed_w``), optionally
        ``centre``.

    Returns
    -------
    DataFrame
        One row per animal: ``animal``, ``open_time_s``, ``closed_time_s``,
        ``open_entries``, ``closed_entries``, ``total_entries`` (open +
        closed: the activity index), ``open_time_pct`` (100 · open / (open +
        closed) time), ``open_entries_pct``.

    Examples
    --------
    >>> arms = {"open_a": [-10, -1, -1, 1], "open_b": [1, -1, 10, 1],
    ...         "closed_a": [-1, -10, 1, -1], "closed_b": [-1, 1, 1, 10]}
    >>> t = pd.DataFrame({"x": [0, 5, 5, 0, 0, 0], "y": [0, 0, 0, 0, 5, 5]})
    >>> calculate_epm(t, arms, fps=1)[["open_time_pct", "open_entries", "total_entries"]]
       open_time_pct  open_entries  total_entries
    0           50.0             1              2
    """
    z = calculate_zone_times(tracking, zones, fps=fps, animal=animal, x=x, y=y)
    names = list(zones)
    ot, ct = _sum_prefix(z, names, "open", "_time_s"), _sum_prefix(z, names, "closed", "_time_s")
    oe, ce = _sum_prefix(z, names, "open", "_entries"), _sum_prefix(z, names, "closed", "_entries")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "animal": z["animal"],
                "open_time_s": ot,
                "closed_time_s": ct,
                "open_entries": oe.astype(int),
                "closed_entries": ce.astype(int),
                "total_entries": (oe + ce).astype(int),
                "open_time_pct": np.where(ot + ct > 0, 100 * ot / (ot + ct), np.nan),
                "open_entries_pct": np.where(oe + ce > 0, 100 * oe / (oe + ce), np.nan),
            }
        )
    return out


def calculate_light_dark(
    tracking: pd.DataFrame,
    zones: Zones,
    *,
    fps: float,
    animal: str = "animal",
    x: str = "x",
    y: str = "y",
) -> pd.DataFrame:
    """Light–dark box: time in the light, transitions, latency to enter the dark.

    Parameters
    ----------
    tracking, fps, animal, x, y
        As in :func:`calculate_zone_times`.
    zones : mapping
        Must contain ``light`` and ``dark``.

    Returns
    -------
    DataFrame
        One row per animal: ``animal``, ``light_time_s``, ``dark_time_s``,
        ``light_time_pct``, ``transitions`` (entries into either
        compartment), ``latency_dark_s``.
    """
    for needed in ("light", "dark"):
        if needed not in zones:
            raise InputError(f"Invalid `zones`: must contain {needed!r}; got {', '.join(zones)}.")
    z = calculate_zone_times(tracking, zones, fps=fps, animal=animal, x=x, y=y)
    lt, dt = z["light_time_s"].to_numpy(), z["dark_time_s"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(lt + dt > 0, 100 * lt / (lt + dt), np.nan)
    return pd.DataFrame(
        {
            "animal": z["animal"],
            "light_time_s": lt,
            "dark_time_s": dt,
            "light_time_pct": pct,
            "transitions": (z["light_entries"] + z["dark_entries"]).astype(int),
            "latency_dark_s": z["dark_latency_s"],
        }
    )


def calculate_open_field(
    tracking: pd.DataFrame,
    *,
    arena: Sequence[float],
    fps: float,
    centre_fraction: float = 0.5,
    px_per_cm: float | None = None,
    animal: str = "animal",
    x: str = "x",
    y: str = "y",
) -> pd.DataFrame:
    """Open field: distance travelled, centre time and entries.

    Parameters
    ----------
    tracking, fps, animal, x, y, px_per_cm
        As in :func:`calculate_zone_times`.
    arena : [x0, y0, x1, y1]
        The arena floor.
    centre_fraction : float
        Side of the centre square as a fraction of the arena side (0.5 = the
        central 25 % of the area).

    Returns
    -------
    DataFrame
        One row per animal: ``animal``, ``distance`` (cm with ``px_per_cm``),
        ``speed`` (distance / recorded time, per s), ``centre_time_s``,
        ``centre_time_pct``, ``centre_entries``, ``centre_latency_s``.
    """
    check_scalar("centre_fraction", centre_fraction, low=0, high=1, closed="right")
    a = np.asarray(arena, dtype=float)
    if a.shape != (4,):
        raise InputError(f"Invalid `arena`: got {arena!r}, must be [x0, y0, x1, y1].")
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    hw, hh = abs(a[2] - a[0]) * centre_fraction / 2, abs(a[3] - a[1]) * centre_fraction / 2
    zones = {"centre": [cx - hw, cy - hh, cx + hw, cy + hh], "periphery": list(a)}
    z = calculate_zone_times(
        tracking, zones, fps=fps, animal=animal, x=x, y=y, px_per_cm=px_per_cm
    )
    recorded = z["frames"].to_numpy() / fps
    inside = z["centre_time_s"].to_numpy() + z["periphery_time_s"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(inside > 0, 100 * z["centre_time_s"] / inside, np.nan)
    return pd.DataFrame(
        {
            "animal": z["animal"],
            "distance": z["distance"],
            "speed": z["distance"] / recorded,
            "centre_time_s": z["centre_time_s"],
            "centre_time_pct": pct,
            "centre_entries": z["centre_entries"],
            "centre_latency_s": z["centre_latency_s"],
        }
    )
