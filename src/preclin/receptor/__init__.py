"""Receptor theory: occupancy, Cheng–Prusoff, Schild/Gaddum, the operational
model of agonism, the operational allosteric model, radioligand binding,
signalling pathways as data and their kinetic models. Fitting goes through
:func:`preclin.curves.fit_global` and :func:`preclin.curves.fit_custom`."""

from preclin.receptor._allosteric import (
    calculate_allosteric_response,
    fit_allosteric_operational,
    fit_allosteric_shift,
)
from preclin.receptor._binding import fit_competition_binding, fit_saturation_binding
from preclin.receptor._common import ReceptorFit
from preclin.receptor._kinetics import (
    calculate_transient_shape,
    simulate_calcium_traces,
    simulate_camp_inhibition,
)
from preclin.receptor._occupancy import calculate_kb, calculate_ki, calculate_occupancy
from preclin.receptor._operational import (
    calculate_operational_potency,
    calculate_operational_response,
    fit_furchgott,
    fit_operational,
)
from preclin.receptor._pathways import Edge, Node, Pathway, load_pathway
from preclin.receptor._schild import SchildFit, fit_gaddum_schild, fit_schild

__all__ = [
    "Edge",
    "Node",
    "Pathway",
    "ReceptorFit",
    "SchildFit",
    "calculate_allosteric_response",
    "calculate_kb",
    "calculate_ki",
    "calculate_occupancy",
    "calculate_operational_potency",
    "calculate_operational_response",
    "calculate_transient_shape",
    "fit_allosteric_operational",
    "fit_allosteric_shift",
    "fit_competition_binding",
    "fit_furchgott",
    "fit_gaddum_schild",
    "fit_operational",
    "fit_saturation_binding",
    "fit_schild",
    "load_pathway",
    "simulate_calcium_traces",
    "simulate_camp_inhibition",
]
