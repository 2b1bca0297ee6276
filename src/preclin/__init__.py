"""preclin — a workbench for preclinical pharmacology.

Rooms (import them explicitly; heavy dependencies load on first use)::

    preclin.core      errors, validation, units, tables, results, provenance
    preclin.curves    concentration-response models and the batched fitting engine
    preclin.stats     group comparisons, post-hoc tests, dose-finding, power, design
    preclin.receptor  receptor theory: occupancy, Cheng-Prusoff, Schild, operational models
    preclin.assays    plates, instrument exports, normalisation, QC, assay modes
    preclin.invivo    behavioural tests as data
    preclin.pk        NCA, compartmental models, populations, occupancy, scaling
    preclin.translate the compound bridge and clinical-trial simulation
    preclin.knowledge the DuckDB knowledge store
    preclin.datasets  bundled example data
    preclin.report    figures, tables, guides
"""

from __future__ import annotations

import importlib
from typing import Any

from preclin._version import __version__

_ROOMS = (
    "assays",
    "core",
    "curves",
    "datasets",
    "invivo",
    "knowledge",
    "pk",
    "receptor",
    "report",
    "stats",
    "testing",
    "translate",
)

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _ROOMS:
        return importlib.import_module(f"preclin.{name}")
    raise AttributeError(f"module 'preclin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_ROOMS])
