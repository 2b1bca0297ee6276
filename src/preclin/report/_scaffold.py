"""``write_guide_spec``: scaffold a guide spec for one compound from the store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["write_guide_spec"]


def _quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_guide_spec(
    compound: str,
    out: str | os.PathLike[str] | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
) -> str:
    """A starting guide spec for ``compound``: every section the store can fill.

    Parameters
    ----------
    compound : str
        Name, synonym or id known to the store.
    out : path, optional
        Write the YAML there (it is also returned).
    db : path, optional
        Knowledge store (default: the bundled starter knowledge base).

    Returns
    -------
    str
        The YAML text: title, compounds, a profile section, then affinities,
        PK and one ``studies`` section per study of the compound found in the
        store, a limitations placeholder and no analyses (add ``curve_fit``,
        ``study_analysis``, ``nca`` ... sections for raw data).

    Examples
    --------
    >>> text = write_guide_spec("basimglurant")
    >>> print(text.splitlines()[1])
    title: "basimglurant: a comparative guide"
    """
    from preclin.core.errors import InputError
    from preclin.report._bundled import open_store

    with open_store(db) as kb:
        try:
            found = kb.compounds(compound=compound)
        except InputError:
            found = []
        if not len(found):
            raise InputError(
                f"compound {compound!r} is not in the knowledge store",
                hint="see `preclin kb compounds`",
            )
        prof: dict[str, Any] = kb.profile(str(found["compound_id"].iloc[0]))
    row = prof["compound"].iloc[0]
    cid, name = str(row["compound_id"]), str(row["name"])
    lines = [
        f"# Guide spec scaffolded by `preclin guide new --compound {compound}`; edit freely.",
        f"title: {_quote(name + ': a comparative guide')}",
        f"compounds: [{_quote(cid)}]",
        "sections:",
        "  - type: profile",
    ]
    if len(prof["affinities"]):
        lines.append("  - type: affinities")
    if len(prof["pk"]):
        lines.append("  - type: pk")
    for study in dict.fromkeys(prof["studies"]["study_id"].astype(str)):
        lines += ["  - type: studies", f"    study: {_quote(study)}"]
    lines += [
        "  - type: text",
        "    title: Limitations",
        "    box: limitation",
        "    body: |",
        "      Write what the models can and cannot tell; cite references as [R01].",
    ]
    text = "\n".join(lines) + "\n"
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    return text
