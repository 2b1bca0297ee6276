"""write_plate_report and `preclin plate analyze ... --report`."""

from __future__ import annotations

import re

import pytest

from preclin.core.errors import InputError

from ._html import CellParser

EVIL = '<script>alert("x")</script>'


class _Page(CellParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tables = 0
        self.svgs = 0
        self.records: set[str] = set()
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        a = dict(attrs)
        self.tables += tag == "table"
        self.svgs += tag == "svg"
        self.scripts += tag == "script"
        if a.get("data-analysis"):
            self.records.add(a["data-analysis"])


def _parse(path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


@pytest.fixture(scope="module")
def hostile_plate(tmp_path_factory):
    """The bundled plate with MPEP renamed to a script tag."""
    import pandas as pd

    from preclin.datasets import example_path

    d = tmp_path_factory.mktemp("plate")
    lay = pd.read_csv(example_path("flipr_basimglurant_layout"))
    lay["compound"] = lay["compound"].replace({"MPEP": EVIL})
    layout = d / "layout.csv"
    lay.to_csv(layout, index=False)
    return example_path("flipr_basimglurant_traces"), layout


@pytest.fixture(scope="module")
def hostile_analysis(hostile_plate):
    from preclin.assays import fit_plates, read_layout, read_traces

    traces, layout = hostile_plate
    return fit_plates(
        read_traces(traces), read_layout(layout), agonist_conc="3uM", agonist_ec50="0.9uM"
    )


def test_report_parses_and_every_number_is_sourced(hostile_analysis, tmp_path):
    from preclin.report import write_plate_report

    out = write_plate_report(
        hostile_analysis, tmp_path / "p.html", compounds=["basimglurant", EVIL], simulated=True
    )
    page = _parse(out)
    assert page.tables == 2  # QC + curves
    assert page.svgs >= 2  # curve figure + heat map
    assert page.scripts == 0
    numeric = [(a, t) for a, t in page.cells if re.search(r"\d", t)]
    assert len(numeric) > 16 * 4
    for attrs, text in numeric:
        tokens = (attrs.get("data-source") or "").split()
        assert tokens, f"cell {text!r} has no data-source"
        for tok in tokens:
            kind, _, key = tok.partition(":")
            assert kind == "analysis" and key in page.records, tok
    html = out.read_text(encoding="utf-8")
    for col in (
        "Z′",
        "S/B",
        "CV high (%)",
        "Edge ratio",
        "IC50 (nM) [95% CI]",
        "KB (nM) [95% CI]",
    ):
        assert f'<th scope="col">{col}</th>' in html
    assert "This plate is simulated" in html
    assert re.search(r'<code class="hash">[0-9a-f]{64}</code>', html)


def test_script_in_a_compound_name_is_escaped(hostile_analysis, tmp_path):
    from preclin.report import write_plate_report

    out = write_plate_report(hostile_analysis, tmp_path / "p.html", compounds=[EVIL])
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # the table cell
    assert "&lt;script&gt;" in html.split('<figure class="figure"')[1]  # the SVG legend


def test_bad_arguments(hostile_analysis, tmp_path):
    from preclin.report import write_plate_report

    with pytest.raises(InputError, match=r"Invalid `compounds`: got 'nobody'"):
        write_plate_report(hostile_analysis, tmp_path / "p.html", compounds=["nobody"])
    with pytest.raises(InputError, match=r"Invalid `analysis`: got dict, must be a PlateAnalysis"):
        write_plate_report({}, tmp_path / "p.html")


def test_cli_report_option(hostile_plate, tmp_path, capsys):
    from preclin.cli import main

    traces, layout = hostile_plate
    out, report = tmp_path / "results.csv", tmp_path / "plate.html"
    code = main(
        ["plate", "analyze", str(traces), "--layout", str(layout), "--mode", "antagonist",
         "--agonist-conc", "3uM", "--agonist-ec50", "0.9uM", "--out", str(out),
         "--report", str(report)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert out.exists()
    page = _parse(report)
    assert page.tables == 2 and page.svgs >= 2 and page.scripts == 0
    assert "wrote the plate report" in capsys.readouterr().err
