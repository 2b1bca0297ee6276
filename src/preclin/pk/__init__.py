"""Pharmacokinetics and target engagement: NCA, compartmental models,
virtual populations, occupancy, interspecies scaling."""

# -- section: nca --------------------------------------------------------------
from preclin.pk._nca import calculate_nca, calculate_superposition

# -- end section: nca --

# -- section: models (regimens, compartments, populations, occupancy, scaling) -
# isort: split
from preclin.pk._fit import PKFitResult, fit_pk
from preclin.pk._models import simulate_pk
from preclin.pk._occupancy import calculate_fu, calculate_occupancy
from preclin.pk._params import MODELS
from preclin.pk._population import simulate_population
from preclin.pk._regimen import Regimen
from preclin.pk._scaling import AllometryResult, HedResult, calculate_hed, fit_allometry
from preclin.pk._steady import (
    DoseForOccupancyResult,
    SteadyStateResult,
    calculate_dose_for_occupancy,
    calculate_steady_state,
)

# -- end section: models --

__all__: list[str] = sorted(
    [
        # -- nca names --
        "calculate_nca",
        "calculate_superposition",
        # -- models names --
        "AllometryResult",
        "DoseForOccupancyResult",
        "HedResult",
        "MODELS",
        "PKFitResult",
        "Regimen",
        "SteadyStateResult",
        "calculate_dose_for_occupancy",
        "calculate_fu",
        "calculate_hed",
        "calculate_occupancy",
        "calculate_steady_state",
        "fit_allometry",
        "fit_pk",
        "simulate_pk",
        "simulate_population",
    ]
)
