"""Read-side SQL: filters by compound / target / species, references of rows."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from preclin.core.errors import InputError

if TYPE_CHECKING:
    from preclin.knowledge._store import Store

__all__ = ["cited_ref_ids", "resolve_compound", "resolve_target", "select"]

_SPLIT = re.compile(r"\s*[;,|]\s*")


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _suggest(text: str, options: list[str], what: str, flag: str) -> InputError:
    close = difflib.get_close_matches(text, options, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else f"list them with `preclin kb {what}`"
    return InputError(f"Invalid `{flag}`: got {text!r}, no such {what[:-1]} in the store; {hint}")


def resolve_compound(store: Store, text: str) -> list[str]:
    """compound_ids whose id, name, synonym, ChEMBL / PubChem / GtoPdb id or CAS is ``text``."""
    want = _norm(text)
    comp = store.frame(
        "SELECT compound_id, name, synonyms, chembl_id, pubchem_cid, gtopdb_ligand_id, cas "
        "FROM compounds"
    )
    hits: list[str] = []
    for row in comp.itertuples(index=False):
        names = [row.compound_id, row.name, row.chembl_id, row.pubchem_cid, row.cas]
        names += _SPLIT.split(row.synonyms) if isinstance(row.synonyms, str) else []
        if any(isinstance(n, str) and _norm(n) == want for n in names):
            hits.append(str(row.compound_id))
    ids = store.frame(
        "SELECT DISTINCT compound_id FROM (SELECT compound_id FROM affinities UNION ALL "
        "SELECT compound_id FROM pk UNION ALL SELECT compound_id FROM studies) "
        "WHERE lower(compound_id) = ?",
        [want],
    )["compound_id"].tolist()
    out = list(dict.fromkeys(hits + ids))
    if not out:
        every = comp["compound_id"].tolist() + comp["name"].dropna().tolist()
        raise _suggest(text, every, "compounds", "compound")
    return out


def resolve_target(store: Store, text: str) -> list[str]:
    """target_ids whose id, name or gene symbol is ``text`` (case-insensitive)."""
    want = _norm(text)
    tg = store.frame("SELECT target_id, name, gene_symbol FROM targets")
    hits = [
        r.target_id
        for r in tg.itertuples(index=False)
        if any(
            isinstance(n, str) and _norm(n) == want for n in (r.target_id, r.name, r.gene_symbol)
        )
    ]
    ids = store.frame(
        "SELECT DISTINCT target_id FROM affinities WHERE lower(target_id) = ?", [want]
    )["target_id"].tolist()
    out = list(dict.fromkeys(hits + ids))
    if not out:
        raise _suggest(text, tg["target_id"].tolist() + tg["name"].tolist(), "targets", "target")
    return out


def select(
    store: Store,
    table: str,
    *,
    compound: str | None = None,
    target: str | None = None,
    species: str | None = None,
    study: str | None = None,
    with_controls: bool = True,
) -> pd.DataFrame:
    """Rows of ``table`` matching the filters, in insertion order."""
    where: list[str] = []
    params: list[Any] = []
    if compound is not None:
        ids = resolve_compound(store, compound)
        marks = ", ".join("?" * len(ids))
        if table == "studies" and with_controls:
            where.append(
                f"study_id IN (SELECT study_id FROM studies WHERE compound_id IN ({marks}))"
            )
        else:
            where.append(f"compound_id IN ({marks})")
        params += ids
    if target is not None:
        ids = resolve_target(store, target)
        where.append(
            f"{'target_id' if table != 'compounds' else 'primary_target_id'} IN "
            f"({', '.join('?' * len(ids))})"
        )
        params += ids
    if species is not None:
        where.append("lower(species) = ?")
        params.append(_norm(species))
    if study is not None:
        where.append("lower(study_id) = ?")
        params.append(_norm(study))
    order = "row_id" if table in ("affinities", "pk", "studies") else "rowid"
    sql = f'SELECT * FROM "{table}"'
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.frame(sql + f" ORDER BY {order}", params)


def cited_ref_ids(frame: pd.DataFrame) -> list[str]:
    """The reference ids cited by a frame's ``ref_id`` / ``ref_ids`` / ``*_ref`` columns."""
    out: list[str] = []
    for col in frame.columns:
        if col in ("ref_id", "ref_ids") or str(col).endswith("_ref"):
            for cell in frame[col].dropna():
                out.extend(p for p in _SPLIT.split(str(cell)) if p)
    return list(dict.fromkeys(out))
