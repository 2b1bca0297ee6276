"""The frozen result base class every single-object result derives from.

Results are immutable (``@dataclass(frozen=True)``) and offer
``to_frame()``, ``to_dict()`` (JSON-safe), ``summary()`` (text or HTML) and
``_repr_html_()`` for Jupyter, plus a ``provenance`` field.

Subclasses declare their own fields and usually override :meth:`to_frame`
and :meth:`_summary_lines`.
"""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any

import numpy as np
import pandas as pd

from preclin.core.provenance import Provenance

__all__ = ["Result", "jsonable"]


def jsonable(value: Any) -> Any:
    """Convert NumPy / pandas / dataclass values into plain JSON types (NaN → None)."""
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, Provenance):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Result:
    """Base of all single-object results.

    Attributes
    ----------
    provenance : Provenance or None
        Inputs (SHA-256), versions, seed and settings that produced the result.
    """

    provenance: Provenance | None = dataclasses.field(default=None, repr=False, compare=False)

    # -- subclass hooks -------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row of the scalar fields (subclasses return their natural table)."""
        row = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "provenance" and np.isscalar(getattr(self, f.name))
        }
        return pd.DataFrame([row])

    def _title(self) -> str:
        return type(self).__name__

    def _summary_lines(self) -> list[str]:
        return []

    # -- shared behaviour -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-safe Python types (NaN → None)."""
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def summary(self, format: str = "text") -> str:
        """A readable summary: ``format="text"`` (default) or ``"html"``."""
        frame = self.to_frame()
        lines = self._summary_lines()
        if format == "html":
            notes = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
            return (
                f"<div class='preclin-result'><h4>{html.escape(self._title())}</h4>"
                f"{frame.to_html(index=False, na_rep='', float_format=lambda v: f'{v:.4g}')}"
                f"{notes}</div>"
            )
        if format != "text":
            from preclin.core.validation import check_option

            check_option("format", format, ["text", "html"])
        with pd.option_context("display.width", 120, "display.max_columns", 40):
            body = frame.to_string(index=False, float_format=lambda v: f"{v:.4g}")
        return "\n".join([self._title(), body, *lines])

    def _repr_html_(self) -> str:
        return self.summary(format="html")

    def __str__(self) -> str:
        return self.summary()
