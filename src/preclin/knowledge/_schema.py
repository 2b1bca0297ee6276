"""The store's tables, their import layouts and the ordered migrations.

Every table keeps the columns of its import layout **verbatim as text**
(so an export gives back the rows that were imported) and, next to them,
normalised columns with distinct names (numbers parsed honestly, units
converted with pint). ``schema_version`` records each migration applied;
opening an older store applies the missing steps in one transaction.
"""

from __future__ import annotations

__all__ = [
    "DATA_TABLES",
    "DISPLAY",
    "KEYS",
    "KINDS",
    "LAYOUTS",
    "MIGRATIONS",
    "NORMALISED",
    "REQUIRED",
    "SCHEMA_VERSION",
    "TABLES",
]

# The import layout of each kind (the columns of reference/knowledge/*.csv).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "references": ("ref_id", "citation", "url", "doi", "pmid", "kind", "notes"),
    "targets": (
        "target_id",
        "name",
        "gene_symbol",
        "family",
        "receptor_class",
        "notes",
        "ref_ids",
    ),
    "compounds": (
        "compound_id",
        "name",
        "synonyms",
        "drug_class",
        "primary_target_id",
        "action",
        "action_ref",
        "molecular_formula",
        "molar_mass_g_mol",
        "molar_mass_ref",
        "status_note",
        "gtopdb_ligand_id",
        "chembl_id",
        "pubchem_cid",
        "cas",
        "id_ref",
        "confidence",
        "notes",
    ),
    "affinities": (
        "compound_id",
        "target_id",
        "species",
        "system_or_assay",
        "radioligand_or_agonist",
        "parameter",
        "relation",
        "value",
        "unit",
        "p_value",
        "action_in_assay",
        "ref_id",
        "confidence",
        "notes",
    ),
    "pk": (
        "compound_id",
        "species",
        "parameter",
        "value",
        "unit",
        "route",
        "dose",
        "population_or_condition",
        "ref_id",
        "confidence",
        "notes",
    ),
    "studies": (
        "study_id",
        "compound_id",
        "dose",
        "unit",
        "route",
        "regimen",
        "species",
        "strain",
        "sex",
        "model",
        "endpoint",
        "mean",
        "dispersion",
        "dispersion_type",
        "n",
        "effect_vs_control",
        "ref_id",
        "confidence",
        "notes",
    ),
}

# The columns `preclin kb <table>` shows by default (`--all` shows every column).
DISPLAY: dict[str, list[str]] = {
    "compounds": [
        "compound_id",
        "name",
        "drug_class",
        "primary_target_id",
        "action",
        "molar_mass_g_mol",
        "chembl_id",
        "pubchem_cid",
    ],
    "targets": ["target_id", "name", "family", "receptor_class"],
    "affinities": [
        "row_id",
        "compound_id",
        "target_id",
        "species",
        "parameter",
        "relation",
        "value",
        "unit",
        "p_affinity",
        "ref_id",
    ],
    "pk": [
        "row_id",
        "compound_id",
        "species",
        "parameter",
        "value",
        "unit",
        "route",
        "dose",
        "ref_id",
    ],
    "studies": [
        "row_id",
        "study_id",
        "compound_id",
        "dose",
        "unit",
        "species",
        "endpoint",
        "mean",
        "dispersion",
        "dispersion_type",
        "n",
        "effect_vs_control",
        "ref_id",
    ],
    "references": ["ref_id", "citation", "doi", "pmid"],
    "analyses": ["analysis_id", "command", "n_rows", "seed", "preclin_version", "inputs"],
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "references": ("ref_id", "citation"),
    "targets": ("target_id", "name"),
    "compounds": ("compound_id", "name"),
    "affinities": ("compound_id", "target_id", "parameter", "value"),
    "pk": ("compound_id", "species", "parameter", "value", "unit"),
    "studies": ("study_id", "compound_id", "endpoint"),
}

# Natural keys (unique); data tables get an integer ``row_id`` instead.
KEYS: dict[str, str] = {
    "references": "ref_id",
    "targets": "target_id",
    "compounds": "compound_id",
    "affinities": "row_id",
    "pk": "row_id",
    "studies": "row_id",
}

# Normalised columns (name, SQL type) stored next to the layout columns.
NORMALISED: dict[str, tuple[tuple[str, str], ...]] = {
    "references": (),
    "targets": (),
    "compounds": (("molar_mass", "DOUBLE"),),
    "affinities": (
        ("value_num", "DOUBLE"),
        ("value_low", "DOUBLE"),
        ("value_high", "DOUBLE"),
        ("qualifier", "VARCHAR"),
        ("value_molar", "DOUBLE"),
        ("p_affinity", "DOUBLE"),
    ),
    "pk": (
        ("value_num", "DOUBLE"),
        ("value_low", "DOUBLE"),
        ("value_high", "DOUBLE"),
        ("qualifier", "VARCHAR"),
        ("value_dispersion", "DOUBLE"),
        ("value_dispersion_type", "VARCHAR"),
        ("value_canonical", "DOUBLE"),
        ("unit_canonical", "VARCHAR"),
    ),
    "studies": (
        ("dose_num", "DOUBLE"),
        ("dose_low", "DOUBLE"),
        ("dose_high", "DOUBLE"),
        ("dose_qualifier", "VARCHAR"),
        ("mean_num", "DOUBLE"),
        ("dispersion_num", "DOUBLE"),
        ("dispersion_kind", "VARCHAR"),
        ("n_num", "INTEGER"),
        ("is_control", "BOOLEAN"),
    ),
}

TABLES = ("compounds", "targets", "affinities", "pk", "studies", "references")
DATA_TABLES = ("affinities", "pk", "studies")
# What ``import_table`` accepts (the layouts plus the two database adapters).
KINDS = ("affinities", "chembl", "compounds", "gtopdb", "pk", "references", "studies", "targets")


def _q(name: str) -> str:
    return f'"{name}"'


def _create(table: str) -> list[str]:
    cols: list[str] = []
    steps: list[str] = []
    if KEYS[table] == "row_id":
        steps.append(f"CREATE SEQUENCE seq_{table} START 1")
        cols.append(f"row_id BIGINT PRIMARY KEY DEFAULT nextval('seq_{table}')")
    for c in LAYOUTS[table]:
        key = " PRIMARY KEY" if KEYS[table] == c else ""
        cols.append(f"{_q(c)} VARCHAR{key}")
    cols.extend(f"{_q(c)} {t}" for c, t in NORMALISED[table])
    steps.append(f"CREATE TABLE {_q(table)} (\n  " + ",\n  ".join(cols) + "\n)")
    return steps


def _v1() -> list[str]:
    steps = [
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR)",
    ]
    for table in TABLES:
        steps.extend(_create(table))
    return steps


def _v2() -> list[str]:
    steps = [
        "CREATE SEQUENCE seq_analyses START 1",
        """CREATE TABLE analyses (
  analysis_id BIGINT PRIMARY KEY DEFAULT nextval('seq_analyses'),
  command VARCHAR NOT NULL,
  inputs VARCHAR,
  preclin_version VARCHAR,
  versions VARCHAR,
  seed BIGINT,
  parameters VARCHAR,
  n_rows INTEGER,
  recorded_at TIMESTAMP DEFAULT current_timestamp
)""",
    ]
    steps.extend(f"ALTER TABLE {_q(t)} ADD COLUMN analysis_id BIGINT" for t in TABLES)
    return steps


# (version, description, SQL steps) in order; never edit a released step, append a new one.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "compounds, targets, affinities, pk, studies, references", _v1()),
    (2, "analysis records (analyses table; analysis_id on every row)", _v2()),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
