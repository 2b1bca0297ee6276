"""Guide specifications: YAML (``yaml.safe_load``) → pydantic, with line numbers.

A spec names the compounds and lists the sections in order. Every error
names the spec file and the line of the offending entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from preclin.core.errors import InputError

__all__ = [
    "SECTION_TYPES",
    "AffinitiesSection",
    "BridgeSection",
    "CurveFitSection",
    "GuideSpec",
    "MechanismSection",
    "NcaSection",
    "PkSection",
    "PkSimulationSection",
    "PlateSection",
    "ProfileSection",
    "SourcedValue",
    "SpecLines",
    "StudiesSection",
    "StudyAnalysisSection",
    "TextSection",
    "WorkflowSection",
    "read_guide_spec",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Section(_Model):
    title: str | None = None
    intro: str | None = None  # a paragraph before the section's content
    cite: list[str] = Field(default_factory=list)  # ref ids cited by the intro


class TextSection(_Section):
    """Free text: a protocol, a limitation, a conclusion (paragraphs; ``- `` bullets)."""

    type: Literal["text"]
    title: str
    body: str = ""
    box: Literal["note", "limitation", "protocol"] | None = None


class ProfileSection(_Section):
    """Compound profile rows from the store (class, target, action, ids, molar mass)."""

    type: Literal["profile"]
    compounds: list[str] | None = None


class AffinitiesSection(_Section):
    """Affinity / potency table from the store."""

    type: Literal["affinities"]
    compounds: list[str] | None = None
    targets: list[str] | None = None
    caption: str | None = None


class PkSection(_Section):
    """PK parameter table from the store."""

    type: Literal["pk"]
    compounds: list[str] | None = None
    species: list[str] | None = None
    caption: str | None = None


class StudiesSection(_Section):
    """Group results of one study from the store (as written in the source)."""

    type: Literal["studies"]
    study: str
    endpoint: str | None = None
    caption: str | None = None


class StudyAnalysisSection(_Section):
    """A behavioural study on raw data (:func:`preclin.invivo.analyze_study`)."""

    type: Literal["study_analysis"]
    study: str  # path relative to the spec, or example:<name>
    dv: list[str] | None = None
    figures: list[Literal["groups", "dose", "time_course"]] = Field(
        default_factory=lambda: ["groups", "dose", "time_course"]  # type: ignore[arg-type]
    )
    caption: str | None = None


class CurveFitSection(_Section):
    """Concentration–response fits on raw data (:func:`preclin.curves.fit_global`)."""

    type: Literal["curve_fit"]
    data: str
    x: str
    y: str
    curve: str
    curves: list[str] | None = None
    model: str = "ll4"
    x_unit: str | None = None
    y_label: str | None = None
    caption: str | None = None


class NcaSection(_Section):
    """Non-compartmental analysis on raw concentration–time data."""

    type: Literal["nca"]
    data: str
    subject: str
    time: str
    conc: str
    dose: float | str | None = None
    route: str = "extravascular"
    time_unit: str = "h"
    conc_unit: str = "ng/mL"
    dose_unit: str = "mg/kg"
    lloq: float | None = None
    caption: str | None = None


class SourcedValue(_Model):
    """A number with its source: a knowledge reference id (or ``CALC``)."""

    value: float | str
    ref: str


class _Regimen(_Model):
    dose: float | str
    route: str = "oral"
    tau: float | str | None = None
    n_doses: int = 1


class PkSimulationSection(_Section):
    """A PK (and occupancy) simulation from sourced parameters (:mod:`preclin.pk`)."""

    type: Literal["pk_simulation"]
    compound: str
    model: str
    params: dict[str, SourcedValue]
    regimen: _Regimen
    hours: float = 48.0
    conc_unit: str = "ng/mL"
    molar_mass: SourcedValue | None = None
    fu: SourcedValue | None = None
    kd: SourcedValue | None = None
    kpuu: SourcedValue | None = None
    steady_state: bool = False  # add a steady-state table (calculate_steady_state)
    caption: str | None = None


class MechanismSection(_Section):
    """A signalling-pathway diagram from :mod:`preclin.receptor` pathway data."""

    type: Literal["mechanism"]
    pathway: str
    caption: str | None = None


class _Step(_Model):
    day: float
    event: str
    test: str | None = None
    ref: str | None = None


class WorkflowSection(_Section):
    """An experimental workflow diagram from a study schedule (or an inline one)."""

    type: Literal["workflow"]
    study: str | None = None
    schedule: list[_Step] | None = None
    caption: str | None = None


class PlateSection(_Section):
    """An assay plate analysed from its files (:func:`preclin.assays.fit_plates`).

    ``traces`` and ``layout`` are files (or ``example:<name>``); ``truth``
    (optional) is the simulator's truth table, shown beside the estimates.
    ``compounds`` limits the curve table, ``figure_compounds`` the curve
    figure. ``simulated: true`` says on the page that the plate is simulated.
    """

    type: Literal["plate"]
    traces: str
    layout: str
    truth: str | None = None
    mode: Literal["antagonist", "agonist", "allosteric"] = "antagonist"
    agonist_conc: str | float | None = None
    agonist_ec50: str | float | None = None
    agonist_hill: float = 1.0
    kb_method: Literal["leff-dougall", "cheng-prusoff"] = "leff-dougall"
    endpoint: bool = False
    compounds: list[str] | None = None
    figure_compounds: list[str] | None = None
    simulated: bool = False
    caption: str | None = None


class BridgeSection(_Section):
    """A compound's translational bridge (:func:`preclin.translate.bridge`).

    ``study`` (a study file or ``example:<name>``) is analysed with
    :func:`preclin.invivo.analyze_study` and gives the efficacious doses and
    effect sizes; ``doses`` (mg/kg) may be given instead. ``figure``: the
    one-page bridge, the occupancy-vs-dose figure, or none.
    """

    type: Literal["bridge"]
    compound: str
    study: str | None = None
    dv: str | None = None
    doses: list[float] | None = None
    species: str | None = None
    repeated: bool = False
    kd: float | None = None
    adverse_dose: float | None = None
    clinical_doses: list[float] | None = None
    figure: Literal["bridge", "occupancy", "none"] = "bridge"
    caption: str | None = None


Section = Annotated[
    TextSection
    | ProfileSection
    | AffinitiesSection
    | PkSection
    | StudiesSection
    | StudyAnalysisSection
    | CurveFitSection
    | NcaSection
    | PkSimulationSection
    | MechanismSection
    | WorkflowSection
    | PlateSection
    | BridgeSection,
    Field(discriminator="type"),
]
SECTION_TYPES = (
    "text",
    "profile",
    "affinities",
    "pk",
    "studies",
    "study_analysis",
    "curve_fit",
    "nca",
    "pk_simulation",
    "mechanism",
    "workflow",
    "plate",
    "bridge",
)


class GuideSpec(_Model):
    """A comparative guide: title, compounds, and its sections in order.

    Load with :func:`read_guide_spec` (which keeps the YAML line numbers).
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, arbitrary_types_allowed=True
    )

    title: str
    subtitle: str | None = None
    summary: str | None = None
    cite: list[str] = Field(default_factory=list)
    compounds: list[str] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)
    # not part of the YAML: where the spec came from
    source: str = Field(default="<spec>", exclude=True)
    base_dir: str | None = Field(default=None, exclude=True)
    lines: SpecLines | None = Field(default=None, exclude=True, repr=False)

    def where(self, *path: str | int) -> str:
        """``"spec.yaml, line 12"`` for the deepest known entry of ``path``."""
        line = self.lines.line(path) if self.lines is not None else None
        return f"{self.source}, line {line}" if line else self.source

    def error(
        self, path: tuple[str | int, ...], message: str, hint: str | None = None
    ) -> InputError:
        """An :class:`InputError` naming the spec file and line of ``path``."""
        return InputError(message, file=self.where(*path), hint=hint)

    def resolve(self, path: tuple[str | int, ...], name: str) -> Path:
        """A data file: ``example:<name>`` (bundled) or a path relative to the spec."""
        if name.startswith("example:"):
            from preclin.datasets import example_path

            try:
                return Path(example_path(name.removeprefix("example:")))
            except (InputError, KeyError, FileNotFoundError, ValueError) as exc:
                raise self.error(path, f"no bundled example {name!r} ({exc})") from None
        p = Path(name)
        if not p.is_absolute() and self.base_dir is not None:
            p = Path(self.base_dir) / p
        if not p.exists():
            raise self.error(
                path, f"file {name!r} not found", hint="paths are relative to the spec file"
            )
        return p


class SpecLines:
    """Line number (1-based) of every mapping key and list item of a YAML document."""

    def __init__(self, table: dict[tuple[str | int, ...], int]) -> None:
        self.table = table

    @classmethod
    def from_text(cls, text: str) -> SpecLines:
        table: dict[tuple[str | int, ...], int] = {}
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return cls(table)

        def walk(node: Any, path: tuple[str | int, ...]) -> None:
            table.setdefault(path, node.start_mark.line + 1)
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    sub = (*path, str(key.value))
                    table[sub] = key.start_mark.line + 1
                    walk(value, sub)
            elif isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    walk(item, (*path, i))

        if root is not None:
            walk(root, ())
        return cls(table)

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """The line of ``path``, else of its longest known prefix."""
        p = tuple(path)
        while p:
            if p in self.table:
                return self.table[p]
            p = p[:-1]
        return self.table.get(())


def _validation_message(exc: ValidationError, lines: SpecLines, source: str) -> InputError:
    errors = exc.errors()
    # a misspelt key explains its "field required" twin: report it first
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(err["loc"])
    # drop discriminator tags that are not keys of the YAML (pydantic adds them)
    path: list[str | int] = []
    for part in loc:
        candidate = (*path, part)
        if candidate in lines.table or isinstance(part, int):
            path.append(part)
        elif path and isinstance(path[-1], int) and part in SECTION_TYPES:
            continue
        else:
            path.append(part)
    line = lines.line(tuple(path))
    where = ".".join(str(p) for p in path) or "spec"
    msg = err["msg"]
    if err["type"] == "union_tag_invalid" or err["type"] == "union_tag_not_found":
        msg = f"section `type` must be one of {', '.join(SECTION_TYPES)}"
    elif err["type"] == "extra_forbidden":
        msg = f"unknown field {str(loc[-1])!r}"
    return InputError(f"{where}: {msg}", file=f"{source}, line {line}" if line else source)


def read_guide_spec(path: str | Path) -> GuideSpec:
    """Read and validate a guide specification (YAML).

    Parameters
    ----------
    path : str or Path
        A YAML file, read with ``yaml.safe_load``; data paths inside it are
        relative to its folder (or ``example:<name>`` for bundled examples).
        The name of a bundled guide (``preclin guide list``) also works.

    Returns
    -------
    GuideSpec

    Raises
    ------
    InputError
        A missing file, bad YAML or an invalid entry; the message names the
        file and the line.

    Examples
    --------
    >>> spec = read_guide_spec("basimglurant")
    >>> spec.compounds[0], spec.sections[0].type
    ('basimglurant', 'profile')
    """
    from preclin.report._bundled import bundled_guide_path

    p = Path(path)
    if not p.exists() and p.suffix == "" and bundled_guide_path(str(path)) is not None:
        p = bundled_guide_path(str(path))  # type: ignore[assignment]
    if not p.exists():
        raise InputError(f"guide spec {str(path)!r} not found", hint="see `preclin guide list`")
    text = p.read_text(encoding="utf-8")
    lines = SpecLines.from_text(text)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{p.name}, line {mark.line + 1}" if mark is not None else p.name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"not valid YAML: {problem}", file=where) from None
    if not isinstance(raw, dict):
        raise InputError(
            "a guide spec must be a YAML mapping (title, compounds, sections)", file=p.name
        )
    try:
        spec = GuideSpec.model_validate(raw)
    except ValidationError as exc:
        raise _validation_message(exc, lines, p.name) from None
    return spec.model_copy(
        update={"source": p.name, "base_dir": str(p.resolve().parent), "lines": lines}
    )


GuideSpec.model_rebuild()
