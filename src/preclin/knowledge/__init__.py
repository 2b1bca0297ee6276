"""The knowledge store: compounds, targets, affinities, PK, study results,
references and analysis records in one DuckDB file.

The only room with SQL. It stores and checks; it computes no pharmacology.

>>> from preclin.knowledge import KnowledgeBase, check_tables, load_starter
"""

from preclin.knowledge._adapters import read_chembl, read_gtopdb
from preclin.knowledge._base import KnowledgeBase, load_starter
from preclin.knowledge._checks import RULES, check_tables
from preclin.knowledge._schema import KINDS, LAYOUTS, SCHEMA_VERSION, TABLES
from preclin.knowledge._store import default_db_path
from preclin.knowledge._values import ParsedValue, parse_value

__all__ = [  # noqa: RUF022 (plain sorted(), as tests/test_exported_members.py checks)
    "KINDS",
    "KnowledgeBase",
    "LAYOUTS",
    "ParsedValue",
    "RULES",
    "SCHEMA_VERSION",
    "TABLES",
    "check_tables",
    "default_db_path",
    "load_starter",
    "parse_value",
    "read_chembl",
    "read_gtopdb",
]
