"""Build a guide from its spec and render it: one self-contained HTML file
(Jinja2, autoescape on, inline SVG figures and CSS) or a PDF (WeasyPrint)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from preclin.report._spec import GuideSpec
    from preclin.report._tables import SectionBlock

__all__ = ["BuiltGuide", "build_guide", "render_html", "render_page", "write_guide"]

ROUNDING_NOTE = (
    "Computed values (from analyses of raw data) are rounded only here, at rendering: "
    "estimates to 3 significant figures, a mean's SEM (or SD) and a CI's bounds to the "
    "decimal place of the estimate, p-values to 2 significant figures (< 0.001 below). "
    "Literature values are shown as written in their source. Hover over a value to see its "
    "source; click it to jump to the reference or the analysis record."
)


@dataclass
class BuiltGuide:
    """A built guide before rendering: its sections, references, records, findings."""

    spec: GuideSpec
    sections: list[SectionBlock]
    references: list[dict[str, Any]]
    analyses: list[Any]
    findings: list[dict[str, str]]
    registry: Any
    n_tables: int
    n_figures: int
    summary: Any = None
    quality: tuple[str, str] = (
        "The consistency rules of the knowledge store (preclin kb check) were run on every "
        "table of this guide; they found:",
        "The consistency rules of the knowledge store found nothing to flag in this guide's "
        "tables.",
    )


def build_guide(spec: GuideSpec, kb: Any) -> BuiltGuide:
    """Run every section of ``spec`` against the store ``kb`` (read-only)."""
    from preclin.report._analyses import build_analysis_section
    from preclin.report._references import Registry, text_to_html
    from preclin.report._sections import Context, build_store_section, build_text_section

    registry = Registry(kb.references())
    ctx = Context(spec=spec, kb=kb, registry=registry)
    ctx.compound_ids(("compounds",), list(spec.compounds))
    for j, r in enumerate(spec.cite):
        if not registry.knows(r):
            raise spec.error(("cite", j), f"unknown reference {r!r}")
    summary = None
    if spec.summary:
        unknown: list[str] = []
        summary = text_to_html(
            spec.summary + (" [" + ";".join(spec.cite) + "]" if spec.cite else ""),
            registry,
            unknown=unknown,
        )
        if unknown:
            raise spec.error(("summary",), f"cites unknown reference(s) {', '.join(unknown)}")
    for i, sec in enumerate(spec.sections):
        if sec.type == "text":
            block = build_text_section(ctx, i, sec)
        elif sec.type in ("profile", "affinities", "pk", "studies"):
            block = build_store_section(ctx, i, sec)
        else:
            block = build_analysis_section(ctx, i, sec)
        ctx.sections.append(block)
    built = BuiltGuide(
        spec=spec,
        sections=ctx.sections,
        references=registry.reference_list(),
        analyses=registry.analyses,
        findings=ctx.findings,
        registry=registry,
        n_tables=ctx.n_tables,
        n_figures=ctx.n_figures,
        summary=summary,
    )
    return built


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("preclin.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_html(built: BuiltGuide) -> str:
    """The guide as one self-contained HTML document (string)."""
    from importlib import resources

    from preclin._version import __version__

    css = (resources.files("preclin.report") / "templates" / "guide.css").read_text("utf-8")
    reg = built.registry
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(built.findings, key=lambda f: order.get(f["severity"], 3))
    template = _environment().get_template("guide.html.j2")
    return template.render(
        guide=built,
        spec=built.spec,
        summary=built.summary,
        css=Markup(css),
        findings=findings,
        rounding_note=ROUNDING_NOTE,
        quality_intro=built.quality[0],
        quality_none=built.quality[1],
        version=__version__,
        svg=lambda text: Markup(text),  # our own matplotlib output (text escaped by it)
        title_of=reg.title_of,
        href_of=reg.href_of,
    )


def render_page(
    *,
    title: str,
    sections: list[SectionBlock],
    registry: Any,
    findings: list[dict[str, str]],
    n_tables: int,
    n_figures: int,
    subtitle: str | None = None,
    source: str = "",
    compounds: list[str] | None = None,
) -> str:
    """A page in the guide's layout from ready sections (e.g. a plate report)."""
    from types import SimpleNamespace

    spec = SimpleNamespace(
        title=title, subtitle=subtitle, compounds=list(compounds or []), source=source
    )
    built = BuiltGuide(
        spec=spec,  # type: ignore[arg-type]
        sections=sections,
        references=registry.reference_list(),
        analyses=registry.analyses,
        findings=findings,
        registry=registry,
        n_tables=n_tables,
        n_figures=n_figures,
        quality=(
            "Checks of this analysis (plate QC, convergence, curve flags) found:",
            "Every plate passed QC and every curve converged without flags.",
        ),
    )
    return render_html(built)


def write_guide(
    spec: GuideSpec | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    pdf: bool = False,
) -> Path:
    """Build a guide from its spec and write it as HTML (or PDF).

    Parameters
    ----------
    spec : GuideSpec, path or bundled name
        A spec (see :func:`read_guide_spec`), its YAML file, or the name of a
        bundled guide (``"alnespirone"``, ``"azapirones"``, ``"basimglurant"``).
    out : path
        Output file (``.html``; with ``pdf=True`` the PDF).
    db : path, optional
        A knowledge store (opened read-only). Default: a cached copy of the
        bundled starter knowledge base.
    pdf : bool
        Write a PDF with WeasyPrint (``pip install preclin[pdf]``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        A spec that names a missing compound, file, column or reference (the
        message names the spec line), or ``pdf=True`` without WeasyPrint.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "guide.html"
    >>> write_guide("azapirones", out).name
    'guide.html'
    """
    from preclin.report._bundled import open_store
    from preclin.report._spec import GuideSpec, read_guide_spec

    if pdf:
        from preclin.report._pdf import require_weasyprint

        require_weasyprint()
    the_spec = spec if isinstance(spec, GuideSpec) else read_guide_spec(Path(spec))
    with open_store(db) as kb:
        built = build_guide(the_spec, kb)
    html = render_html(built)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if pdf:
        from preclin.report._pdf import write_pdf

        write_pdf(html, path)
    else:
        path.write_text(html, encoding="utf-8")
    return path
