"""Study metadata as data: animals, groups, schedule, blinding, tests (pydantic, YAML/CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from preclin.core import InputError, read_table

if TYPE_CHECKING:
    from preclin.stats import ArriveChecklist

__all__ = [
    "Animal",
    "Blinding",
    "DoseGroup",
    "Readout",
    "ScheduleItem",
    "Study",
    "load_study",
]

Alternative = Literal["two-sided", "less", "greater"]
TEST_KINDS = ("fst", "cms", "lh", "epm", "light_dark", "open_field", "vogel", "table")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Animal(_Model):
    """One animal: identity, husbandry and its (possibly coded) group."""

    id: str
    species: str = "rat"
    strain: str | None = None
    sex: Literal["F", "M"] | None = None
    age_weeks: float | None = Field(default=None, gt=0)
    weight_g: float | None = Field(default=None, gt=0)
    cage: str | None = None
    supplier: str | None = None
    group: str | None = None
    code: str | None = None  # blinding code, resolved through Study.blinding

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, v: Any) -> Any:
        if isinstance(v, str):
            up = v.strip().upper()
            return {"FEMALE": "F", "MALE": "M"}.get(up, up)
        return v


class DoseGroup(_Model):
    """A treatment group: compound, dose, unit, route, regimen, vehicle."""

    name: str
    compound: str
    dose: float = Field(ge=0)
    unit: str = "mg/kg"
    route: str | None = None
    regimen: str | None = None
    vehicle: str | None = None
    formulation: str | None = None
    control: bool = False
    stressed: bool | None = None


class ScheduleItem(_Model):
    """One step of the schedule (day relative to the first treatment)."""

    day: float
    event: str
    test: str | None = None


class Blinding(_Model):
    """Blinding: group labels are hidden behind codes until analysis."""

    blinded_scoring: bool = True
    codes: dict[str, str] = Field(default_factory=dict)  # code -> group name


class Readout(_Model):
    """One behavioural readout of the study and how to analyse it."""

    kind: Literal["fst", "cms", "lh", "epm", "light_dark", "open_field", "vogel", "table"]
    data: str
    name: str | None = None
    format: Literal["events", "samples", "traces", "scores"] = "scores"
    dv: list[str] = Field(default_factory=list)
    alternative: Alternative | dict[str, Alternative] = "two-sided"
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("dv", mode="before")
    @classmethod
    def _dv_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @property
    def label(self) -> str:
        return self.name or self.kind

    def alternative_for(self, dv: str) -> str:
        """The declared direction for ``dv`` (two-sided unless the study file says)."""
        if isinstance(self.alternative, str):
            return self.alternative
        return self.alternative.get(dv, "two-sided")


class Study(_Model):
    """A behavioural study: what was done to which animals, and which readouts.

    Load from YAML with :func:`load_study`; ``animals`` may be a list or the
    path of a CSV (columns as :class:`Animal` fields, ``animal`` accepted for
    ``id``).
    """

    name: str
    title: str | None = None
    species: str = "rat"
    hypothesis: str | None = None
    housing: str | None = None
    ethics: str | None = None
    experimental_unit: str = "animal"
    sample_size: str | None = None  # how n was chosen (power analysis, resource equation)
    randomisation: str | None = None
    exclusion: str | None = None  # inclusion / exclusion criteria, set a priori
    animals: list[Animal]
    groups: list[DoseGroup]
    schedule: list[ScheduleItem] = Field(default_factory=list)
    blinding: Blinding | None = None
    tests: list[Readout] = Field(default_factory=list)
    base_dir: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Study:
        names = [g.name for g in self.groups]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"group {sorted(dup)[0]!r} is defined twice")
        ids = [a.id for a in self.animals]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"animal {sorted(dup)[0]!r} is listed twice")
        codes = self.blinding.codes if self.blinding else {}
        for code, group in codes.items():
            if group not in names:
                raise ValueError(f"blinding code {code!r} points to unknown group {group!r}")
        for a in self.animals:
            g = a.group if a.group is not None else codes.get(a.code or "")
            if g is None:
                raise ValueError(f"animal {a.id!r} has no group (and no known blinding code)")
            if g not in names:
                raise ValueError(f"animal {a.id!r} is in unknown group {g!r}")
        if sum(g.control for g in self.groups) > 1:
            raise ValueError("more than one group is marked control: true")
        return self

    @property
    def control(self) -> str | None:
        """Name of the control group (``control: true``; else a dose-0 group, if unique)."""
        marked = [g.name for g in self.groups if g.control]
        if marked:
            return marked[0]
        zero = [g.name for g in self.groups if g.dose == 0]
        return zero[0] if len(zero) == 1 else None

    def animal_table(self) -> pd.DataFrame:
        """One row per animal with its unblinded group and the group's treatment.

        Columns: the :class:`Animal` fields, then ``group``, ``compound``,
        ``dose``, ``unit``, ``route``, ``regimen``, ``vehicle``, ``stressed``.
        """
        codes = self.blinding.codes if self.blinding else {}
        rows = []
        groups = {g.name: g for g in self.groups}
        for a in self.animals:
            g = groups[a.group if a.group is not None else codes[a.code or ""]]
            row = a.model_dump()
            row["animal"] = row.pop("id")
            row["group"] = g.name
            row.update(
                {
                    k: getattr(g, k)
                    for k in (
                        "compound",
                        "dose",
                        "unit",
                        "route",
                        "regimen",
                        "vehicle",
                        "stressed",
                    )
                }
            )
            rows.append(row)
        out = pd.DataFrame(rows)
        out["group"] = pd.Categorical(out["group"], categories=[g.name for g in self.groups])
        return out

    def arrive_metadata(self) -> dict[str, str]:
        """What this study file reports for ARRIVE 2.0, keyed as
        :func:`preclin.stats.arrive_checklist` expects (sub-items it cannot
        know are left out, so they show as missing)."""
        t = self.animal_table()
        n = t.groupby("group", observed=False).size()
        species = ", ".join(sorted({str(v) for v in t["species"].dropna()})) or self.species
        strains = ", ".join(sorted({str(v) for v in t["strain"].dropna()}))
        sexes = ", ".join(f"{k}: {v}" for k, v in t["sex"].value_counts().sort_index().items())
        ages = t["age_weeks"].dropna()
        weights = t["weight_g"].dropna()
        suppliers = ", ".join(sorted({str(v) for v in t["supplier"].dropna()}))
        animals = "; ".join(
            part
            for part in (
                species,
                strains,
                f"sex {sexes}" if sexes else "",
                f"age {ages.min():g}–{ages.max():g} weeks" if len(ages) else "",
                f"weight {weights.min():g}–{weights.max():g} g" if len(weights) else "",
            )
            if part
        )
        details = "; ".join(
            p for p in (f"supplier {suppliers}" if suppliers else "", self.housing or "") if p
        )
        procedures = "; ".join(
            f"{g.name}: {g.compound} {g.dose:g} {g.unit}"
            + "".join(f", {v}" for v in (g.route, g.regimen, g.vehicle, g.formulation) if v)
            for g in self.groups
        )
        schedule = "; ".join(f"day {i.day:g}: {i.event}" for i in self.schedule)
        blinding = None
        if self.blinding is not None:
            blinding = f"group labels coded ({len(self.blinding.codes)} codes); scoring " + (
                "blinded" if self.blinding.blinded_scoring else "NOT blinded"
            )
        outcomes = "; ".join(
            f"{t.label}: {', '.join(t.dv) if t.dv else 'default variables'}"
            + (f" (declared direction: {t.alternative})" if t.alternative != "two-sided" else "")
            for t in self.tests
        )
        ctrl = self.control
        items = {
            "groups": f"{len(self.groups)} groups ({', '.join(g.name for g in self.groups)}); "
            + (f"control {ctrl}" if ctrl else "no control group marked"),
            "experimental_unit": self.experimental_unit,
            "sample_size": f"n per group: {', '.join(f'{k} {v}' for k, v in n.items())}; "
            f"{len(t)} animals in total",
            "sample_size_method": self.sample_size,
            "inclusion_criteria": self.exclusion,
            "randomisation": self.randomisation,
            "blinding": blinding,
            "outcome_measures": outcomes,
            "animals": animals,
            "animal_details": details,
            "procedures": procedures,
            "timing": schedule,
            "rationale": f"hypothesis: {self.hypothesis}" if self.hypothesis else None,
        }
        return {k: v for k, v in items.items() if v}

    def arrive_checklist(self) -> ArriveChecklist:
        """ARRIVE 2.0 Essential 10 checklist of what the study file reports.

        Returns
        -------
        preclin.stats.ArriveChecklist
            One row per sub-item (``item``, ``number``, ``title``, ``key``,
            ``requirement``, ``status``, ``reported``) from
            :func:`preclin.stats.arrive_checklist` fed with
            :meth:`arrive_metadata`. Statistical methods, exclusions, n per
            analysis and results come from the analysis:
            :meth:`StudyResult.arrive_checklist`.

        Examples
        --------
        >>> from preclin.datasets import example_path
        >>> chk = load_study(example_path("fst_study")).arrive_checklist()
        >>> chk.items.set_index("item").loc[["1a", "7a"], "status"].tolist()
        ['reported', 'missing']
        """
        from preclin.stats import arrive_checklist

        return arrive_checklist({"study": self.name, **self.arrive_metadata()})

    def resolve(self, path: str) -> Path:
        """A data path relative to the YAML file's folder."""
        p = Path(path)
        return p if p.is_absolute() or self.base_dir is None else Path(self.base_dir) / p


def _read_animals(value: Any, base: Path, file: str) -> Any:
    if not isinstance(value, str):
        return value
    table = read_table(base / value)
    table = table.rename(columns={"animal": "id"})
    if "id" not in table.columns:
        raise InputError(
            "no column 'id' (or 'animal')", file=str(base / value), hint="name the animal column"
        )
    table["id"] = table["id"].astype(str)
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return records


def load_study(path: str | Path) -> Study:
    """Read and validate a study description (YAML).

    Parameters
    ----------
    path : str or Path
        A YAML file (read with ``yaml.safe_load``). ``animals`` may be a list
        of mappings or the path of a CSV beside the YAML file; test ``data``
        paths are relative to the YAML file.

    Returns
    -------
    Study

    Raises
    ------
    InputError
        Unreadable YAML, or a field that fails validation (the message names
        the file and the field, e.g. ``groups.2.dose``).

    Examples
    --------
    >>> from preclin.datasets import example_path
    >>> s = load_study(example_path("fst_study"))
    >>> s.name, len(s.animals), s.control
    ('FST-cpdA-01', 40, 'vehicle')
    """
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(f"file not found: {p}", hint="check the path")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        raise InputError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=str(p), row=row
        ) from None
    if not isinstance(raw, dict):
        raise InputError(
            "the study file must be a YAML mapping (name:, animals:, groups:, ...)", file=str(p)
        )
    raw = dict(raw)
    raw["animals"] = _read_animals(raw.get("animals"), p.parent, str(p))
    raw.setdefault("base_dir", str(p.parent))
    try:
        return Study.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        where = f"field {loc!r}: " if loc else ""
        raise InputError(f"{where}{msg}", file=str(p), hint="fix the study file") from None
