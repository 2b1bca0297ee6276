"""The one exception and warning tree of preclin.

Every class has a stable ``code`` (a short upper-case string) that interfaces
map to exit codes and HTTP statuses; messages may be reworded, codes never.

Exceptions::

    PreclinError (Exception)                 code PRECLIN
    ├── InputError (also ValueError)         code INPUT        CLI exit 2
    │     bad data or arguments: names the file, row and column and says
    │     what would fix it
    ├── FitError (also RuntimeError)         code FIT          CLI exit 3
    │     a fit could not even be attempted (a batch never raises it: a
    │     bad curve is a flagged row)
    └── KnowledgeBaseError                   code KB           CLI exit 4
          the knowledge store is missing, locked, or would be corrupted

Warnings::

    PreclinWarning (UserWarning)             code PRECLIN_WARNING
    ├── ConvergenceWarning                   code CONVERGENCE
    └── DataQualityWarning                   code DATA_QUALITY
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConvergenceWarning",
    "DataQualityWarning",
    "FitError",
    "InputError",
    "KnowledgeBaseError",
    "PreclinError",
    "PreclinWarning",
    "exit_code_for",
]


class PreclinError(Exception):
    """Base class of every error preclin raises on purpose."""

    code: str = "PRECLIN"
    exit_code: int = 1


def _location(file: str | None, row: Any, column: str | None) -> str:
    parts: list[str] = []
    if file is not None:
        parts.append(str(file))
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts)


class InputError(PreclinError, ValueError):
    """Bad input: a file, a column, a value or an argument preclin cannot use.

    The message is one line: where (file, row, column), what is wrong, and
    what would fix it.

    Parameters
    ----------
    message : str
        What is wrong (without the location).
    file, row, column : optional
        Where. ``row`` is the spreadsheet row number for files read with
        :func:`preclin.core.read_table` (header = row 1), otherwise the
        DataFrame index label.
    hint : str, optional
        What would fix it.

    Examples
    --------
    >>> str(InputError("'abc' is not a number", file="plate.csv", row=7,
    ...                column="response", hint="fix or empty the cell"))
    "plate.csv, row 7, column 'response': 'abc' is not a number; fix or empty the cell"
    """

    code = "INPUT"
    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: Any = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.hint = hint
        where = _location(file, row, column)
        text = f"{where}: {message}" if where else message
        if hint:
            text = f"{text}; {hint}"
        super().__init__(" ".join(text.split()))


class FitError(PreclinError, RuntimeError):
    """A fit that cannot be attempted at all (single-fit API only)."""

    code = "FIT"
    exit_code = 3


class KnowledgeBaseError(PreclinError):
    """The knowledge store is missing, locked, or an import would corrupt it."""

    code = "KB"
    exit_code = 4


class PreclinWarning(UserWarning):
    """Base class of preclin's warnings."""

    code: str = "PRECLIN_WARNING"


class ConvergenceWarning(PreclinWarning):
    """An optimiser stopped without meeting its convergence criterion."""

    code = "CONVERGENCE"


class DataQualityWarning(PreclinWarning):
    """Data that can be used but deserve a second look (a fallback was taken)."""

    code = "DATA_QUALITY"


def exit_code_for(exc: BaseException) -> int:
    """The CLI exit code for an exception: 2 for bad input, 1 for anything unknown."""
    if isinstance(exc, PreclinError):
        return exc.exit_code
    return 1
