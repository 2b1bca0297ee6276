"""Foundations shared by every room: errors, validation, units, tables,
results and provenance. Knows no pharmacology."""

from preclin.core.errors import (
    ConvergenceWarning,
    DataQualityWarning,
    FitError,
    InputError,
    KnowledgeBaseError,
    PreclinError,
    PreclinWarning,
    exit_code_for,
)
from preclin.core.io import read_table, write_table
from preclin.core.provenance import Provenance, hash_file, hash_frame, make_provenance
from preclin.core.results import Result, jsonable
from preclin.core.rng import make_rng
from preclin.core.units import convert, parse_quantity, to_molar
from preclin.core.validation import (
    check_array,
    check_option,
    check_scalar,
    numeric_column,
    require_columns,
    row_label,
    source_name,
)

__all__ = [
    "ConvergenceWarning",
    "DataQualityWarning",
    "FitError",
    "InputError",
    "KnowledgeBaseError",
    "PreclinError",
    "PreclinWarning",
    "Provenance",
    "Result",
    "check_array",
    "check_option",
    "check_scalar",
    "convert",
    "exit_code_for",
    "hash_file",
    "hash_frame",
    "jsonable",
    "make_provenance",
    "make_rng",
    "numeric_column",
    "parse_quantity",
    "read_table",
    "require_columns",
    "row_label",
    "source_name",
    "to_molar",
    "write_table",
]
