"""In-vitro assays: plate layouts (96/384/1536), instrument exports (FLIPR
kinetic traces, plate-reader tables), per-well responses, normalisation to
on-plate controls, plate QC (Z′, S/B, CV, edge effects), agonist /
antagonist / allosteric analyses (through :mod:`preclin.curves` and
:mod:`preclin.receptor`) and a seeded FLIPR plate simulator."""

from preclin.assays._exports import read_endpoint, read_traces
from preclin.assays._layout import ROLES, calculate_layout, read_layout
from preclin.assays._normalise import calculate_activity
from preclin.assays._pipeline import PlateAnalysis, fit_plates
from preclin.assays._qc import calculate_plate_qc, calculate_z_prime
from preclin.assays._response import calculate_responses
from preclin.assays._simulate import SimulatedPlate, simulate_plate
from preclin.assays._wells import PLATE_FORMATS

__all__: list[str] = sorted(
    [
        "PLATE_FORMATS",
        "PlateAnalysis",
        "ROLES",
        "SimulatedPlate",
        "calculate_activity",
        "calculate_layout",
        "calculate_plate_qc",
        "calculate_responses",
        "calculate_z_prime",
        "fit_plates",
        "read_endpoint",
        "read_layout",
        "read_traces",
        "simulate_plate",
    ]
)
