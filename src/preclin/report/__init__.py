"""The report room: comparative guides generated from data.

A guide is a YAML specification (compounds and sections) that preclin turns
into one self-contained HTML file (or a PDF): compound profiles, affinity and
PK tables from the knowledge store, study tables with their data-quality
findings, analyses of attached raw data (asked of the science rooms, never
computed here), figures as inline SVG, numbered references and an appendix of
analysis records. Every number in a table names its source.
:func:`write_plate_report` writes the same kind of page for one plate analysis.

>>> from preclin.report import read_guide_spec, write_guide
"""

from preclin.report._figures import (
    plot_concentration_time,
    plot_curve_fits,
    plot_pathway,
    plot_pk_occupancy,
    plot_workflow,
)
from preclin.report._plate import write_plate_report
from preclin.report._plate_figures import plot_plate_curves, plot_plate_map
from preclin.report._render import write_guide
from preclin.report._scaffold import write_guide_spec
from preclin.report._spec import GuideSpec, read_guide_spec

__all__ = [
    "GuideSpec",
    "plot_concentration_time",
    "plot_curve_fits",
    "plot_pathway",
    "plot_pk_occupancy",
    "plot_plate_curves",
    "plot_plate_map",
    "plot_workflow",
    "read_guide_spec",
    "write_guide",
    "write_guide_spec",
    "write_plate_report",
]
