"""The guide's bridge section: translate.bridge numbers with sources, gaps shown, never faked."""

from __future__ import annotations

import html as htmllib
import re
import textwrap

import pytest

from preclin.report._numbers import format_ci, format_sig


def _section(html: str, title_start: str) -> str:
    start = re.search(rf"<h2>\d+\. {re.escape(title_start)}", html).start()
    end = html.index("<section", start)
    return html[start:end]


@pytest.fixture(scope="module")
def basimglurant_bridge():
    from preclin.datasets import example_path
    from preclin.invivo import analyze_study
    from preclin.report._bundled import open_store
    from preclin.translate import bridge

    study = analyze_study(example_path("fst_study"))
    with open_store(None) as kb:
        return bridge("basimglurant", kb=kb, study=study, dv="immobility_s")


def test_basimglurant_bridge_table_figure_and_gaps(seed_guides, basimglurant_bridge):
    b = basimglurant_bridge
    sec = _section(seed_guides["basimglurant"].read_text(encoding="utf-8"), "The translation gap")
    assert '<figure class="table"' in sec and '<figure class="figure"' in sec
    # every gap the bridge flagged is listed (escaped), none is filled in
    gaps = [htmllib.unescape(g) for g in re.findall(r"<li data-gap>(.*?)</li>", sec)]
    assert gaps == list(b.gaps) and gaps
    # computed values: the room's numbers, fractions as %, rounded at rendering only
    d = b.doses.set_index("dose").loc[1.0]
    assert f">{format_sig(100 * d['occupancy_mean'])}</a></td>" in sec
    assert f">{format_ci(d['g'], d['g_ci_low'], d['g_ci_high'])}</a></td>" in sec
    # store values cite references; computed ones the bridge's analysis record
    kd_row = re.search(r"<tr><td[^>]*>Potency</td>.*?</tr>", sec).group(0)
    assert 'data-source="ref:' in kd_row and ">1.1</a>" in kd_row
    occ_row = re.search(r"<tr><td[^>]*>Occupancy</td>.*?</tr>", sec).group(0)
    token = re.search(r'data-source="(analysis:A\d+)', occ_row).group(1)
    html = seed_guides["basimglurant"].read_text(encoding="utf-8")
    record = html[html.index(f'id="analysis-{token[9:]}"') :]
    assert "preclin.translate.bridge" in record[:400]
    assert re.search(r"fst_study\.\w+</code> SHA-256 <code class=\"hash\">[0-9a-f]{64}", record)


def test_alnespirone_bridge_shows_gaps_not_numbers(seed_guides):
    sec = _section(seed_guides["alnespirone"].read_text(encoding="utf-8"), "Translation bridge")
    gaps = [htmllib.unescape(g) for g in re.findall(r"<li data-gap>(.*?)</li>", sec)]
    assert any("no affinity for the primary target" in g for g in gaps)
    assert any("occupancy not computed" in g for g in gaps)
    assert ">Occupancy</td>" not in sec  # no occupancy row: nothing invented


def test_missing_bridge_is_a_gap(tmp_path, monkeypatch):
    import preclin.translate
    from preclin.report import write_guide

    monkeypatch.delattr(preclin.translate, "bridge")
    spec = tmp_path / "g.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            title: T
            compounds: [basimglurant]
            sections:
              - type: bridge
                compound: basimglurant
            """
        ),
        encoding="utf-8",
    )
    html = write_guide(spec, tmp_path / "o.html").read_text(encoding="utf-8")
    assert "Not available.</strong> The translation bridge needs" in html


def test_bridge_spec_errors_name_the_line(tmp_path):
    from preclin.core.errors import InputError
    from preclin.report import write_guide

    spec = tmp_path / "g.yaml"
    spec.write_text(
        "title: T\ncompounds: [basimglurant]\nsections:\n  - type: bridge\n    compound: nobody\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"g\.yaml, line 5: compound 'nobody' is not in the"):
        write_guide(spec, tmp_path / "o.html")
