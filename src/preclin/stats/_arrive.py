"""ARRIVE 2.0 "Essential 10" checklist from study metadata."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pandas as pd

from preclin.core import InputError, Result

__all__ = ["ArriveChecklist", "arrive_checklist"]

# (sub-item, item number, item title, friendly key, what must be reported)
# Paraphrased from Percie du Sert et al. (2020) PLoS Biol 18:e3000410, the
# ARRIVE guidelines 2.0 (CC BY 4.0), Essential 10.
_ITEMS: tuple[tuple[str, int, str, str, str], ...] = (
    (
        "1a",
        1,
        "Study design",
        "groups",
        "The groups being compared, including control groups; if no control group, the rationale.",
    ),
    (
        "1b",
        1,
        "Study design",
        "experimental_unit",
        "The experimental unit (e.g. a single animal, litter or cage of animals).",
    ),
    (
        "2a",
        2,
        "Sample size",
        "sample_size",
        "The exact number of experimental units allocated to each group and the total number "
        "in each experiment; also the total number of animals used.",
    ),
    (
        "2b",
        2,
        "Sample size",
        "sample_size_method",
        "How the sample size was decided; details of any a priori sample size calculation.",
    ),
    (
        "3a",
        3,
        "Inclusion and exclusion criteria",
        "inclusion_criteria",
        "Criteria used for including and excluding animals (or units, data points) during the "
        "experiment, and whether they were set a priori; if none, say so.",
    ),
    (
        "3b",
        3,
        "Inclusion and exclusion criteria",
        "exclusions",
        "For each group, any animals, units or data points excluded and why; or state that "
        "there were no exclusions.",
    ),
    (
        "3c",
        3,
        "Inclusion and exclusion criteria",
        "n_per_analysis",
        "For each analysis, the exact value of n in each group.",
    ),
    (
        "4a",
        4,
        "Randomisation",
        "randomisation",
        "Whether randomisation was used to allocate units to groups, with the method of "
        "generating the sequence.",
    ),
    (
        "4b",
        4,
        "Randomisation",
        "confounders",
        "The strategy used to minimise confounders such as the order of treatments and "
        "measurements or animal/cage location; if confounders were not controlled, say so.",
    ),
    (
        "5",
        5,
        "Blinding",
        "blinding",
        "Who was aware of the group allocation at the different stages (allocation, conduct, "
        "outcome assessment, data analysis).",
    ),
    (
        "6a",
        6,
        "Outcome measures",
        "outcome_measures",
        "A clear definition of all outcome measures assessed (e.g. cell death, behaviour).",
    ),
    (
        "6b",
        6,
        "Outcome measures",
        "primary_outcome",
        "For hypothesis-testing studies, the primary outcome measure (the one used to "
        "determine the sample size).",
    ),
    (
        "7a",
        7,
        "Statistical methods",
        "statistical_methods",
        "The statistical methods used for each analysis, including the software.",
    ),
    (
        "7b",
        7,
        "Statistical methods",
        "assumptions",
        "Methods used to check whether the data met the assumptions of the statistical "
        "approach, and what was done if they did not.",
    ),
    (
        "8a",
        8,
        "Experimental animals",
        "animals",
        "Species, strain and substrain, sex, age or developmental stage, and weight if relevant.",
    ),
    (
        "8b",
        8,
        "Experimental animals",
        "animal_details",
        "Further information on provenance, health / immune status, genetic modification "
        "status, genotype and previous procedures.",
    ),
    (
        "9a",
        9,
        "Experimental procedures",
        "procedures",
        "For each group, including controls: what was done, how it was done and what was used.",
    ),
    ("9b", 9, "Experimental procedures", "timing", "When and how often."),
    ("9c", 9, "Experimental procedures", "setting", "Where (including acclimatisation periods)."),
    ("9d", 9, "Experimental procedures", "rationale", "Why (the rationale for procedures)."),
    (
        "10a",
        10,
        "Results",
        "descriptive_statistics",
        "For each experiment and group, summary / descriptive statistics with a measure of "
        "variability where applicable (e.g. mean and SD, or median and range).",
    ),
    (
        "10b",
        10,
        "Results",
        "effect_sizes",
        "If applicable, the effect size with a confidence interval.",
    ),
)

_ALIASES = {"randomization": "randomisation", "blinding_masking": "blinding"}


@dataclasses.dataclass(frozen=True, kw_only=True)
class ArriveChecklist(Result):
    """ARRIVE 2.0 Essential 10 status of a study description.

    Attributes
    ----------
    items : DataFrame
        One row per sub-item: ``item`` ("1a" …), ``number`` (1–10),
        ``title``, ``key`` (the metadata key that reports it), ``requirement``
        (what must be reported), ``status`` ("reported", "missing" or
        "not applicable"), ``reported`` (the text given, or empty).
    study : str
        The study's name (``metadata["study"]``, or empty).
    """

    items: pd.DataFrame
    study: str

    def to_frame(self) -> pd.DataFrame:
        """The checklist, one row per sub-item."""
        return self.items

    @property
    def n_reported(self) -> int:
        """Sub-items reported or marked not applicable."""
        return int((self.items["status"] != "missing").sum())

    def _title(self) -> str:
        name = f" for {self.study}" if self.study else ""
        return f"ARRIVE 2.0 Essential 10{name}"

    def summary(self, format: str = "text") -> str:
        """Text: one line per sub-item (``[x]`` reported, ``[ ]`` missing, ``[-]`` n/a)."""
        if format != "text":
            return super().summary(format=format)
        mark = {"reported": "[x]", "missing": "[ ]", "not applicable": "[-]"}
        lines = [self._title()]
        current = None
        for row in self.items.itertuples(index=False):
            if row.number != current:
                current = row.number
                lines.append(f"{row.number}. {row.title}")
            lines.append(f"  {mark[row.status]} {row.item:>3} {row.requirement}")
            if row.reported:
                lines.append(f"          -> {row.reported}")
        missing = self.items.loc[self.items["status"] == "missing", "item"].tolist()
        lines.append(
            f"{self.n_reported} of {len(self.items)} sub-items reported"
            + (f"; missing: {', '.join(missing)}" if missing else "; complete")
        )
        return "\n".join(lines)


def arrive_checklist(metadata: Mapping[str, Any]) -> ArriveChecklist:
    """Check a study description against the ARRIVE 2.0 Essential 10.

    Parameters
    ----------
    metadata : mapping
        Study metadata (e.g. a parsed YAML file). Keys are either sub-item ids
        (``"1a"``, ``"2b"``, ``"5"`` …) or the friendly keys listed in the
        ``key`` column of the output (``groups``, ``experimental_unit``,
        ``sample_size``, ``sample_size_method``, ``randomisation``,
        ``blinding``, ``statistical_methods`` …); values are text (lists and
        mappings are joined). A value starting with ``"n/a"`` or ``"not
        applicable"`` marks the item not applicable. ``study`` names the study.
        Other keys raise :class:`InputError` (a misspelt key would otherwise
        silently count as missing).

    Returns
    -------
    ArriveChecklist
        ``.items`` / ``.to_frame()``: one row per sub-item (columns item,
        number, title, key, requirement, status, reported); ``.summary()`` is
        a printable checklist.

    Notes
    -----
    Item texts paraphrase Percie du Sert et al. (2020), *PLoS Biol*
    18:e3000410 (ARRIVE 2.0, CC BY 4.0). The check is about presence, not
    quality: a reported item still needs a human read.

    Examples
    --------
    >>> chk = arrive_checklist({"study": "CMS alnespirone", "groups": "vehicle, 0.5-10 mg/kg",
    ...                         "experimental_unit": "the animal", "5": "n/a: pilot"})
    >>> chk.n_reported, len(chk.items)
    (3, 22)
    >>> chk.items.loc[chk.items["item"] == "5", "status"].item()
    'not applicable'
    """
    if not isinstance(metadata, Mapping):
        raise InputError(
            f"study metadata must be a mapping of item → text, got {type(metadata).__name__}"
        )
    by_id = {row[0]: row for row in _ITEMS}
    by_key = {row[3]: row[0] for row in _ITEMS}
    given: dict[str, str] = {}
    unknown = []
    for raw_key, value in metadata.items():
        key = str(raw_key).strip()
        if key == "study":
            continue
        key = _ALIASES.get(key.lower(), key.lower())
        item = key if key in by_id else by_key.get(key)
        if item is None:
            unknown.append(str(raw_key))
            continue
        given[item] = _as_text(value)
    if unknown:
        raise InputError(
            f"unknown ARRIVE key(s): {', '.join(unknown)}",
            hint="use sub-item ids (1a, 2b, 5, ...) or the keys listed by arrive_checklist",
        )
    rows = []
    for item, number, title, key, requirement in _ITEMS:
        text = given.get(item, "")
        low = text.lower()
        if not text:
            status = "missing"
        elif low.startswith(("n/a", "na:", "not applicable")):
            status = "not applicable"
        else:
            status = "reported"
        rows.append(
            {
                "item": item,
                "number": number,
                "title": title,
                "key": key,
                "requirement": requirement,
                "status": status,
                "reported": text,
            }
        )
    return ArriveChecklist(items=pd.DataFrame(rows), study=str(metadata.get("study", "") or ""))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_as_text(v) for v in value)
    return " ".join(str(value).split())
