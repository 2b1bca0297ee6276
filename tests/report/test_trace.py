"""Every number in a seed guide's tables traces to a reference or an analysis record."""

from __future__ import annotations

import re

import pytest

from ._html import CellParser

SEED_GUIDES = ("alnespirone", "azapirones", "basimglurant")


class _Guide(CellParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.ref_items: dict[str, str | None] = {}
        self.records: set[str] = set()
        self.findings: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "li" and a.get("data-ref"):
            self.ref_items[a["data-ref"]] = a.get("value")
        if a.get("data-analysis"):
            self.records.add(a["data-analysis"])
        if tag == "li" and a.get("data-rule"):
            self.findings.append(a["data-rule"])
        if tag == "svg":
            self.svgs += 1


def _parse(path) -> _Guide:
    p = _Guide()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.mark.parametrize("name", SEED_GUIDES)
def test_every_numeric_cell_has_a_resolvable_source(seed_guides, name):
    g = _parse(seed_guides[name])
    numeric = [(a, t) for a, t in g.cells if re.search(r"\d", t)]
    assert len(numeric) > 20
    for attrs, text in numeric:
        tokens = (attrs.get("data-source") or "").split()
        assert tokens, f"{name}: cell {text!r} has no data-source"
        for tok in tokens:
            kind, _, key = tok.partition(":")
            if kind == "ref":
                assert key in g.ref_items, f"{name}: {text!r} cites {key}, not in the list"
                assert f"ref-{key}" in g.ids
            else:
                assert kind == "analysis", tok
                assert key in g.records, f"{name}: {text!r} cites record {key}, not in appendix"
    # references are numbered 1..n in order
    numbers = [int(v) for v in g.ref_items.values()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_lh_table_shows_its_finding(seed_guides):
    g = _parse(seed_guides["alnespirone"])
    assert "claim_contradicted" in g.findings
    assert "control_missing" in g.findings
    html = seed_guides["alnespirone"].read_text(encoding="utf-8")
    assert "Data-quality notes for Table" in html
    assert "helpless (shocked + vehicle) control" in html


def test_basimglurant_guide_has_six_figures_and_analysis_records(seed_guides):
    g = _parse(seed_guides["basimglurant"])
    assert g.svgs >= 6
    assert len(g.records) >= 4
    html = seed_guides["basimglurant"].read_text(encoding="utf-8")
    sha = re.findall(r'<code class="hash">([0-9a-f]{64})</code>', html)
    assert len(sha) >= 3


def test_guides_are_deterministic(seed_guides, tmp_path):
    from preclin.report import write_guide

    again = write_guide("azapirones", tmp_path / "a.html")
    assert again.read_bytes() == seed_guides["azapirones"].read_bytes()
