"""Adapters: a local ChEMBL SQLite dump and a GtoPdb ``interactions.csv``.

Both return a DataFrame in the ``affinities`` layout (text cells) whose
``attrs["references"]`` holds the references they cite, ready for
:meth:`KnowledgeBase.import_table`. Columns mapped (as documented by ChEMBL's
schema and GtoPdb's download files):

ChEMBL ``activities`` (standard_type, standard_relation, standard_value,
standard_units, pchembl_value, doc_id) ⋈ ``assays`` (description,
assay_organism, tid) ⋈ ``molecule_dictionary`` (pref_name, chembl_id) ⋈
``target_dictionary`` (pref_name, organism, chembl_id); ``docs`` (pubmed_id,
doi, journal, year) when present.

GtoPdb: Ligand, Ligand ID, Target, Target ID, Target Gene Symbol, Target
Species, Type, Action, Affinity Units (pKi, pIC50, ...), Affinity High /
Median / Low, Original Affinity Relation, Assay Description, PubMed ID.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from preclin.core.errors import InputError
from preclin.knowledge._import import LINEAR_PARAMETERS, P_PARAMETERS
from preclin.knowledge._schema import LAYOUTS

__all__ = ["read_chembl", "read_gtopdb"]

_CHEMBL_TABLES = {
    "activities": (
        "activity_id",
        "assay_id",
        "molregno",
        "standard_type",
        "standard_relation",
        "standard_value",
        "standard_units",
        "pchembl_value",
        "doc_id",
    ),
    "assays": ("assay_id", "tid", "description", "assay_organism"),
    "molecule_dictionary": ("molregno", "pref_name", "chembl_id"),
    "target_dictionary": ("tid", "pref_name", "organism", "chembl_id"),
}
_MOLAR_UNITS = ("fM", "pM", "nM", "uM", "µM", "mM", "M")
_GTOPDB_COLUMNS = ("Ligand", "Target", "Target Species", "Affinity Units", "Affinity Median")


def _check_file(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"file not found: {p}", hint="check the path")
    return p


def _text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    return s or None


def _frame(records: list[dict[str, str | None]], source: str) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=list(LAYOUTS["affinities"]), dtype=object)
    df = df.astype(object).where(df.notna(), None)
    df.attrs["source"] = source
    return df


def read_chembl(
    path: str | os.PathLike[str],
    *,
    standard_types: tuple[str, ...] = ("Ki", "Kd", "IC50", "EC50"),
) -> pd.DataFrame:
    """Affinity rows from a local ChEMBL SQLite dump.

    Only activities with a ``standard_value``, one of ``standard_types`` and
    molar ``standard_units`` are read; the rest are counted in
    ``attrs["skipped"]``. The compound is the molecule's ``pref_name`` (or
    its ChEMBL id), the target the target's ``pref_name``, the species the
    assay organism (else the target organism), the reference
    ``CHEMBL_DOC:<doc_id>`` (``PMID:<id>`` when ``docs`` gives one).
    ``KnowledgeBase.import_table(path, kind="chembl")`` renames molecules
    whose ChEMBL id the store knows to that compound_id.

    Parameters
    ----------
    path : path
        The SQLite file (``chembl_XX.db``).
    standard_types : tuple of str
        Which ``standard_type`` values to keep.

    Returns
    -------
    DataFrame
        The affinities layout; ``attrs["references"]`` the cited documents.

    Raises
    ------
    InputError
        Not an SQLite file, or a needed table / column is missing.
    """
    p = _check_file(path)
    for t in standard_types:
        if t not in LINEAR_PARAMETERS:
            raise InputError(
                f"Invalid `standard_types`: got {t!r}, "
                f"must be among {', '.join(LINEAR_PARAMETERS)}."
            )
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            present = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            for table, cols in _CHEMBL_TABLES.items():
                if table not in present:
                    raise InputError(
                        f"no table {table!r} in the ChEMBL dump",
                        file=str(p),
                        hint="give a ChEMBL SQLite file (chembl_XX.db)",
                    )
                have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
                for c in cols:
                    if c not in have:
                        raise InputError(
                            f"table {table!r} has no column {c!r}",
                            file=str(p),
                            hint="give a ChEMBL SQLite file (chembl_XX.db)",
                        )
            docs = "docs" in present
            marks = ", ".join("?" * len(standard_types))
            sql = (
                "SELECT a.activity_id, a.standard_type, a.standard_relation, a.standard_value, "
                "a.standard_units, a.pchembl_value, a.doc_id, s.description, s.assay_organism, "
                "m.pref_name AS mol_name, m.chembl_id AS mol_chembl, t.pref_name AS target_name, "
                "t.organism AS target_organism, t.chembl_id AS target_chembl"
                + (", d.pubmed_id, d.doi, d.journal, d.year" if docs else "")
                + " FROM activities a JOIN assays s ON a.assay_id = s.assay_id "
                "JOIN molecule_dictionary m ON a.molregno = m.molregno "
                "JOIN target_dictionary t ON s.tid = t.tid "
                + ("LEFT JOIN docs d ON a.doc_id = d.doc_id " if docs else "")
                + f"WHERE a.standard_type IN ({marks}) ORDER BY a.activity_id"
            )
            raw = pd.read_sql_query(sql, con, params=list(standard_types))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"cannot read the ChEMBL dump ({exc})",
            file=str(p),
            hint="give a ChEMBL SQLite file (chembl_XX.db)",
        ) from None
    keep = raw["standard_value"].notna() & raw["standard_units"].isin(_MOLAR_UNITS)
    skipped = int((~keep).sum())
    raw = raw[keep].reset_index(drop=True)
    records, refs = [], {}
    for r in raw.itertuples(index=False):
        pmid = _text(getattr(r, "pubmed_id", None))
        doc = _text(r.doc_id)
        ref = f"PMID:{pmid}" if pmid else (f"CHEMBL_DOC:{doc}" if doc else None)
        if ref is not None and ref not in refs:
            bits = [_text(getattr(r, "journal", None)), _text(getattr(r, "year", None))]
            refs[ref] = {
                "ref_id": ref,
                "citation": f"ChEMBL document {_text(r.doc_id)}"
                + (f" ({', '.join(b for b in bits if b)})" if any(bits) else ""),
                "url": None,
                "doi": _text(getattr(r, "doi", None)),
                "pmid": pmid,
                "kind": "ChEMBL activity source",
                "notes": None,
            }
        records.append(
            {
                "compound_id": _text(r.mol_name) or _text(r.mol_chembl),
                "target_id": _text(r.target_name) or _text(r.target_chembl),
                "species": _text(r.assay_organism) or _text(r.target_organism),
                "system_or_assay": _text(r.description),
                "parameter": _text(r.standard_type),
                "relation": _text(r.standard_relation) or "=",
                "value": _text(r.standard_value),
                "unit": _text(r.standard_units),
                "p_value": _text(r.pchembl_value),
                "ref_id": ref,
                "confidence": "database",
                "notes": f"ChEMBL activity {_text(r.activity_id)}; "
                f"molecule {_text(r.mol_chembl)}; target {_text(r.target_chembl)}",
            }
        )
    df = _frame(records, str(p))
    df.attrs["references"] = pd.DataFrame(list(refs.values()), columns=list(LAYOUTS["references"]))
    df.attrs["skipped"] = skipped
    df.attrs["chembl_ids"] = [_text(v) for v in raw["mol_chembl"]]
    return df


def read_gtopdb(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Affinity rows from a GtoPdb ``interactions.csv`` (or ``.tsv``).

    The file's first line may be GtoPdb's ``# GtoPdb Version`` comment.
    Rows without an affinity (``Affinity Units`` or median and low/high all
    empty) are skipped and counted in ``attrs["skipped"]``. A row with only
    Affinity Low / High becomes the range ``low-high``.

    Returns
    -------
    DataFrame
        The affinities layout (parameter = Affinity Units, e.g. ``pKi``; no
        unit); ``attrs["references"]`` the cited PubMed ids.
    """
    p = _check_file(path)
    text = p.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].lstrip('"').startswith("#"):
        skip += 1
    sep = "\t" if p.suffix.lower() in (".tsv", ".tab") or "\t" in lines[skip] else ","
    try:
        raw = pd.read_csv(p, sep=sep, skiprows=skip, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot parse the GtoPdb file ({exc})", file=str(p)) from None
    for c in _GTOPDB_COLUMNS:
        if c not in raw.columns:
            raise InputError(
                f"no column {c!r} in the GtoPdb interactions file",
                file=str(p),
                hint="download interactions.csv from guidetopharmacology.org",
            )
    records: list[dict[str, str | None]] = []
    refs: dict[str, dict[str, str | None]] = {}
    skipped = 0

    def col(row: pd.Series, name: str) -> str | None:
        return _text(row[name]) if name in row.index else None

    for _, row in raw.iterrows():
        units = col(row, "Affinity Units")
        median, low, high = (
            col(row, "Affinity Median"),
            col(row, "Affinity Low"),
            col(row, "Affinity High"),
        )
        value = median or (f"{low}-{high}" if low and high else None)
        if units is None or value is None or units not in P_PARAMETERS:
            skipped += 1
            continue
        pmids = [
            x for x in (col(row, "PubMed ID") or "").replace(",", "|").split("|") if x.strip()
        ]
        ref_ids = [f"PMID:{x.strip()}" for x in pmids]
        for ref, pmid in zip(ref_ids, pmids):
            refs.setdefault(
                ref,
                {
                    "ref_id": ref,
                    "citation": f"PubMed {pmid.strip()} (via GtoPdb)",
                    "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid.strip()}/",
                    "doi": None,
                    "pmid": pmid.strip(),
                    "kind": "GtoPdb interaction source",
                    "notes": None,
                },
            )
        relation = col(row, "Original Affinity Relation") or ("=" if median else "range")
        records.append(
            {
                "compound_id": col(row, "Ligand"),
                "target_id": col(row, "Target Gene Symbol") or col(row, "Target"),
                "species": col(row, "Target Species"),
                "system_or_assay": col(row, "Assay Description"),
                "parameter": units,
                "relation": relation if median else "range",
                "value": value,
                "unit": None,
                "action_in_assay": "; ".join(
                    x for x in (col(row, "Type"), col(row, "Action")) if x
                )
                or None,
                "ref_id": ";".join(ref_ids) or None,
                "confidence": "database",
                "notes": f"GtoPdb ligand {col(row, 'Ligand ID')}; target {col(row, 'Target ID')}",
            }
        )
    df = _frame(records, str(p))
    df.attrs["references"] = pd.DataFrame(list(refs.values()), columns=list(LAYOUTS["references"]))
    df.attrs["skipped"] = skipped
    return df
