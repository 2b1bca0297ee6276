"""Study metadata: YAML + CSV → validated pydantic models."""

import pytest

from preclin.core import InputError
from preclin.datasets import example_path
from preclin.invivo import load_study

BASE = """
name: S1
animals:
  - {id: A1, sex: male, weight_g: 250, group: vehicle}
  - {id: A2, sex: F, weight_g: 240, code: X}
groups:
  - {name: vehicle, compound: vehicle, dose: 0}
  - {name: drug 1, compound: drug, dose: 1, route: i.p.}
blinding: {codes: {X: drug 1}}
"""


def test_bundled_study_unblinds_through_codes():
    s = load_study(example_path("fst_study"))
    table = s.animal_table()
    assert len(table) == 40
    assert table.groupby("group", observed=True).size().tolist() == [8] * 5
    assert s.control == "vehicle"
    assert s.tests[0].alternative_for("immobility_s") == "less"
    assert s.tests[0].alternative_for("other") == "two-sided"
    assert s.resolve(s.tests[0].data).exists()


def test_inline_study(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(BASE)
    s = load_study(p)
    t = s.animal_table().set_index("animal")
    assert t.loc["A1", "sex"] == "M"
    assert t.loc["A2", "group"] == "drug 1"
    assert t.loc["A2", "route"] == "i.p."


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("dose: 1,", "dose: -1,", r"field 'groups.1.dose': Input should be greater than or equal"),
        ("weight_g: 240", "weight_g: heavy", r"field 'animals.1.weight_g'"),
        ("{X: drug 1}", "{X: drug 2}", r"blinding code 'X' points to unknown group 'drug 2'"),
        ("id: A2", "id: A1", r"animal 'A1' is listed twice"),
        ("group: vehicle}", "group: placebo}", r"animal 'A1' is in unknown group 'placebo'"),
        ("name: S1", "name: [S1", r"s.yaml, row \d+: not valid YAML"),
        ("sex: F", "sex: F, colour: white", r"animals.1.colour': Extra inputs are not permitted"),
    ],
)
def test_bad_study_files(tmp_path, old, new, match):
    p = tmp_path / "s.yaml"
    p.write_text(BASE.replace(old, new))
    with pytest.raises(InputError, match=match):
        load_study(p)


def test_animals_csv_missing(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: S\nanimals: nothere.csv\ngroups: []\n")
    with pytest.raises(InputError, match="file not found"):
        load_study(p)
