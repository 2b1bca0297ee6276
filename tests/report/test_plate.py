"""The guide's plate section: fit_plates numbers, QC, figures, traceable to the files."""

from __future__ import annotations

import hashlib
import re
import textwrap
from pathlib import Path

import pytest

from preclin.core.errors import InputError
from preclin.report._numbers import format_ci, format_sig


@pytest.fixture(scope="module")
def plate_analysis():
    from preclin.assays import fit_plates, read_layout, read_traces
    from preclin.datasets import example_path

    return fit_plates(
        read_traces(example_path("flipr_basimglurant_traces")),
        read_layout(example_path("flipr_basimglurant_layout")),
        agonist_conc="3uM",
        agonist_ec50="0.9uM",
    )


def _section(html: str, title_start: str) -> str:
    start = re.search(rf"<h2>\d+\. {re.escape(title_start)}", html).start()
    end = html.index("<section", start)
    return html[start:end]


def test_plate_section_shows_fit_plates_numbers(seed_guides, plate_analysis):
    html = seed_guides["basimglurant"].read_text(encoding="utf-8")
    sec = _section(html, "FLIPR IC50 and KB from a simulated 384-well plate")
    assert "This plate is simulated" in sec
    assert "Not available" not in sec
    assert "IC50 (nM) [95% CI]" in sec and "KB (nM) [95% CI]" in sec
    for col in ("Z′", "S/B", "CV high (%)", "Edge ratio", "QC"):
        assert f'<th scope="col">{col}</th>' in sec
    qc = plate_analysis.plates.iloc[0]
    assert f">{format_sig(qc['z_prime'])}</a></td>" in sec
    row = plate_analysis.curves.set_index("compound").loc["basimglurant"]
    # the table shows the room's numbers, only scaled uM -> nM and rounded
    ic50 = format_ci(1e3 * row["ic50"], 1e3 * row["ic50_ci_low"], 1e3 * row["ic50_ci_high"])
    kb = format_ci(1e3 * row["kb"], 1e3 * row["kb_ci_low"], 1e3 * row["kb_ci_high"])
    assert f">{ic50}</a></td>" in sec and f">{kb}</a></td>" in sec
    assert "no_upper_plateau" in sec  # flags reach the page
    assert sec.count('<figure class="figure"') == 2  # curves with bands + heat map
    assert "confidence bands" in sec


def test_plate_record_hashes_the_files(seed_guides):
    from preclin.datasets import example_path

    html = seed_guides["basimglurant"].read_text(encoding="utf-8")
    sec = _section(html, "FLIPR IC50 and KB from a simulated 384-well plate")
    token = re.search(r'data-source="analysis:(A\d+)"', sec).group(1)
    record = html[html.index(f'id="analysis-{token}"') :]
    record = record[: record.index("</div>")]
    assert "preclin.assays.fit_plates" in record
    for name in ("traces", "layout", "truth"):
        path = example_path(f"flipr_basimglurant_{name}")
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        assert f'flipr_basimglurant_{name}.csv</code> SHA-256 <code class="hash">{digest}' in (
            record
        )


def test_band_figure_uses_the_tabled_fit(plate_analysis):
    from preclin.report._plate import fit_plate_curves

    fits = fit_plate_curves(plate_analysis, ["basimglurant", "MTEP"])
    table = plate_analysis.curves.set_index("compound")
    for name, fit in fits.items():
        assert abs(fit.ec50 / table.loc[name, "ic50"] - 1) < 1e-4


def test_unknown_plate_compound_names_the_line(tmp_path):
    from preclin.report import write_guide

    spec = tmp_path / "g.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            title: T
            compounds: [basimglurant]
            sections:
              - type: plate
                traces: example:flipr_basimglurant_traces
                layout: example:flipr_basimglurant_layout
                figure_compounds:
                  - basimglurant
                  - nobody
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"g\.yaml, line 9: compound 'nobody' is not on the"):
        write_guide(spec, tmp_path / "o.html")
