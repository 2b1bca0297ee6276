"""Spec errors name the file and line; hostile names are escaped."""

from __future__ import annotations

import textwrap

import pytest

from preclin.core.errors import InputError
from preclin.report import read_guide_spec, write_guide, write_guide_spec


def _spec(tmp_path, text: str):
    p = tmp_path / "g.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_bundled_specs_validate():
    for name in ("alnespirone", "azapirones", "basimglurant"):
        spec = read_guide_spec(name)
        assert spec.sections and spec.source == f"{name}.yaml"


def test_missing_compound_names_the_line(tmp_path):
    p = _spec(
        tmp_path,
        """\
        title: T
        compounds: [buspirone]
        sections:
          - type: profile
          - type: affinities
            compounds:
              - buspirone
              - notacompound
        """,
    )
    with pytest.raises(InputError, match=r"g\.yaml, line 8: compound 'notacompound' is not in"):
        write_guide(p, tmp_path / "o.html")


def test_missing_file_and_column_name_the_line(tmp_path):
    p = _spec(
        tmp_path,
        """\
        title: T
        compounds: [basimglurant]
        sections:
          - type: curve_fit
            data: nothere.csv
            x: conc
            y: response
            curve: compound
        """,
    )
    with pytest.raises(InputError, match=r"g\.yaml, line 5: file 'nothere.csv' not found"):
        write_guide(p, tmp_path / "o.html")
    p = _spec(
        tmp_path,
        """\
        title: T
        compounds: [basimglurant]
        sections:
          - type: curve_fit
            data: example:concentration_response
            x: conc_nM
            y: response
            curve: compound
        """,
    )
    with pytest.raises(InputError, match=r"g\.yaml, line 6: column 'conc_nM' is not in"):
        write_guide(p, tmp_path / "o.html")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (
            "title: T\ncompounds: [x]\nsections:\n  - type: nope\n",
            r"g\.yaml, line 4: sections.0.*type. must be one of",
        ),
        (
            "title: T\ncompounds: [x]\nsections:\n  - type: studies\n    stdy: A\n",
            r"g\.yaml, line 5: .*unknown field 'stdy'",
        ),
        ("title: [unclosed\n", r"g\.yaml, line \d+: not valid YAML"),
        (
            "title: T\ncompounds: [buspirone]\nsections:\n  - type: studies\n    study: NOPE\n",
            r"g\.yaml, line 5: study 'NOPE' is not in the knowledge store",
        ),
        (
            "title: T\ncompounds: [buspirone]\nsections:\n  - type: text\n    title: x\n"
            "    body: see [R999]\n",
            r"g\.yaml, line 6: cites R999",
        ),
    ],
)
def test_bad_specs(tmp_path, body, match):
    p = tmp_path / "g.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        write_guide(p, tmp_path / "o.html")


def test_hostile_names_are_escaped(tmp_path):
    import pandas as pd

    from preclin.knowledge import KnowledgeBase

    db = tmp_path / "kb.duckdb"
    evil = '<script>alert("x")</script>'
    with KnowledgeBase(db) as kb:
        comp = pd.DataFrame(
            [{"compound_id": "evil", "name": evil, "synonyms": "\"quoted\" 'name'",
              "drug_class": "<b>bold</b>", "action": "x", "action_ref": "R01"}]
        )  # fmt: skip
        kb.import_table(comp, kind="compounds")
    p = _spec(
        tmp_path,
        """\
        title: "Guide for <script>alert('t')</script>"
        compounds: [evil]
        sections:
          - type: profile
          - type: text
            title: "<img src=x onerror=alert(1)>"
            body: "a <script>b</script> [R01]"
        """,
    )
    html = write_guide(p, tmp_path / "o.html", db=db).read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&#34;quoted&#34; &#39;name&#39;" in html


def test_scaffold_round_trip(tmp_path):
    out = tmp_path / "bas.yaml"
    write_guide_spec("RO4917523", out)  # a synonym
    spec = read_guide_spec(out)
    assert spec.compounds == ["basimglurant"]
    assert [s.type for s in spec.sections][:3] == ["profile", "affinities", "pk"]
    html = write_guide(spec, tmp_path / "bas.html").read_text(encoding="utf-8")
    assert "QUIROZ-2016" in html
    with pytest.raises(InputError, match="compound 'nope' is not in the knowledge store"):
        write_guide_spec("nope")
