"""Provenance: which inputs (by SHA-256), which versions, which seed.

Deterministic by design: no wall-clock time, so the same inputs and seed
give byte-identical output files.
"""

from __future__ import annotations

import contextlib
import hashlib
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Provenance", "hash_file", "hash_frame", "make_provenance"]


def hash_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_frame(df: Any) -> str:
    """SHA-256 of a DataFrame's content (columns, dtypes-independent values, order)."""
    import pandas as pd

    h = hashlib.sha256()
    h.update("\x1f".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from preclin._version import __version__

    out = {"preclin": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "scipy", "pandas"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


@dataclass(frozen=True)
class Provenance:
    """Where a result came from.

    Attributes
    ----------
    inputs : dict
        Input name (file path or "data") → SHA-256 hex digest.
    versions : dict
        preclin, Python, NumPy, SciPy, pandas versions.
    seed : int or None
        The seed of any randomness.
    parameters : dict
        The call's settings (model, options), JSON-safe.
    """

    inputs: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=_versions)
    seed: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "inputs": dict(self.inputs),
            "versions": dict(self.versions),
            "seed": self.seed,
            "parameters": dict(self.parameters),
        }


def make_provenance(
    *inputs: Any, seed: int | None = None, parameters: dict[str, Any] | None = None
) -> Provenance:
    """Build a :class:`Provenance` from files (paths) and/or DataFrames.

    A DataFrame read with :func:`preclin.core.read_table` is recorded under
    its file name with the file's hash; other frames under ``data[i]``.
    """
    import pandas as pd

    hashes: dict[str, str] = {}
    for i, item in enumerate(inputs):
        if isinstance(item, str | Path):
            hashes[str(item)] = hash_file(item)
        elif isinstance(item, pd.DataFrame):
            src = item.attrs.get("source")
            if src and Path(src).exists():
                hashes[str(src)] = hash_file(src)
            else:
                hashes[f"data[{i}]"] = hash_frame(item)
        elif item is not None:
            raise TypeError(f"cannot hash input of type {type(item).__name__}")
    return Provenance(inputs=hashes, seed=seed, parameters=dict(parameters or {}))
