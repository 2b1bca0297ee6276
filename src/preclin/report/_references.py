"""Numbered references and analysis records of one guide.

References are numbered in order of first citation; analysis records
(``A1``, ``A2``, ...) in order of first use. Both end up in the guide, so
every ``data-source`` token resolves to an entry of the page.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

__all__ = ["AnalysisRecord", "Registry", "text_to_html"]

_CITE = re.compile(r"\[((?:R\d+|CALC)(?:\s*[;,]\s*(?:R\d+|CALC))*)\]")


@dataclass
class AnalysisRecord:
    """What preclin ran for a guide: function, inputs (SHA-256), versions, seed."""

    id: str
    function: str
    description: str
    inputs: dict[str, str]
    parameters: dict[str, Any]
    versions: dict[str, str]
    seed: int | None = None
    refs: list[str] = field(default_factory=list)


class Registry:
    """References (from the knowledge store) and analysis records of a guide."""

    def __init__(self, references: Any) -> None:
        # references: the store's references table (DataFrame)
        self._known = {str(r["ref_id"]): dict(r) for r in references.to_dict(orient="records")}
        self.order: list[str] = []
        self.analyses: list[AnalysisRecord] = []

    # -- references ------------------------------------------------------------
    def knows(self, ref_id: str) -> bool:
        return ref_id in self._known

    def cite(self, ref_ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Register references (first citation fixes the number); return tokens."""
        for r in ref_ids:
            if r not in self.order:
                self.order.append(r)
        return tuple(f"ref:{r}" for r in ref_ids)

    def number(self, ref_id: str) -> int:
        return self.order.index(ref_id) + 1

    def reference_list(self) -> list[dict[str, Any]]:
        out = []
        for i, r in enumerate(self.order, start=1):
            row = self._known.get(r)
            out.append(
                {
                    "number": i,
                    "ref_id": r,
                    "citation": (row or {}).get("citation")
                    or f"{r} (not in the knowledge store's references table)",
                    "doi": _clean((row or {}).get("doi")),
                    "pmid": _clean((row or {}).get("pmid")),
                    "url": _clean((row or {}).get("url")),
                    "kind": _clean((row or {}).get("kind")),
                    "known": row is not None,
                }
            )
        return out

    # -- analysis records -------------------------------------------------------
    def record(
        self,
        function: str,
        description: str,
        *,
        inputs: dict[str, str] | None = None,
        parameters: dict[str, Any] | None = None,
        versions: dict[str, str] | None = None,
        seed: int | None = None,
        refs: list[str] | None = None,
    ) -> str:
        """Add an analysis record; return its token ``analysis:A<n>``."""
        from preclin.core.provenance import Provenance

        rec = AnalysisRecord(
            id=f"A{len(self.analyses) + 1}",
            function=function,
            description=description,
            inputs={Path(k).name: v for k, v in (inputs or {}).items()},
            parameters=_jsonable(parameters or {}),
            versions=dict(versions or Provenance().versions),
            seed=seed,
            refs=list(refs or []),
        )
        if rec.refs:
            self.cite(rec.refs)
        self.analyses.append(rec)
        return f"analysis:{rec.id}"

    def title_of(self, token: str) -> str:
        """Tooltip text for a source token."""
        kind, _, key = token.partition(":")
        if kind == "ref":
            row = self._known.get(key, {})
            cit = str(row.get("citation") or key)
            return f"[{self.number(key)}] {cit}" if key in self.order else cit
        for rec in self.analyses:
            if rec.id == key:
                files = ", ".join(f"{k} (SHA-256 {v[:12]}…)" for k, v in rec.inputs.items())
                return f"Analysis {rec.id}: {rec.function}" + (f" on {files}" if files else "")
        return token

    def href_of(self, token: str) -> str:
        kind, _, key = token.partition(":")
        return f"#ref-{key}" if kind == "ref" else f"#analysis-{key}"


def hash_parameters(parameters: dict[str, Any]) -> str:
    """SHA-256 of a JSON-canonical parameter set (the input of a simulation)."""
    text = json.dumps(_jsonable(parameters), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _clean(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


def _jsonable(obj: Any) -> Any:
    from preclin.core.results import jsonable

    return json.loads(json.dumps(jsonable(obj), default=str))


def text_to_html(text: str, registry: Registry, *, unknown: list[str] | None = None) -> Markup:
    """Paragraphs (blank-line separated) and ``- `` bullets; ``[R03]`` → numbered links.

    Everything is HTML-escaped; only the citation links and the paragraph /
    list tags are markup. Unknown reference ids are appended to ``unknown``.
    """
    parts: list[Markup] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith("- ") for ln in lines):
            items = Markup("").join(
                Markup("<li>{}</li>").format(_cite_line(ln[2:], registry, unknown)) for ln in lines
            )
            parts.append(Markup("<ul>{}</ul>").format(items))
        else:
            parts.append(
                Markup("<p>{}</p>").format(_cite_line(" ".join(lines), registry, unknown))
            )
    return Markup("\n").join(parts)


def _cite_line(line: str, registry: Registry, unknown: list[str] | None) -> Markup:
    out = Markup("")
    pos = 0
    for m in _CITE.finditer(line):
        out += escape(line[pos : m.start()])
        ids = [r.strip() for r in re.split(r"[;,]", m.group(1)) if r.strip()]
        if unknown is not None:
            unknown.extend(r for r in ids if not registry.knows(r))
        registry.cite(ids)
        links = Markup(", ").join(
            Markup('<a class="cite" href="#ref-{}" data-source="ref:{}">{}</a>').format(
                r, r, registry.number(r)
            )
            for r in ids
        )
        out += Markup("[{}]").format(links)
        pos = m.end()
    out += escape(line[pos:])
    return out
