"""Concentration–response models, the batched fitting engine, potency and
model comparison. Models follow drc's parameterisation; outputs use Prism's
names (bottom, top, hill with its sign giving the direction, ec50)."""

from preclin.curves._models import MODELS, ModelSpec, get_model

# -- section: engine (fit_curve, fit_curves, CurveFit) ------------------------
# isort: split
from preclin.curves import _prism  # registers the Prism bell-shaped / biphasic models
from preclin.curves._batch import fit_curve_arrays, fit_curves
from preclin.curves._single import CurveFit, fit_curve

# -- end section: engine --

# -- section: inference (potency CIs, relative potency, comparison, global, quantal)
# isort: split
from preclin.curves._compare import calculate_f_test, calculate_lack_of_fit, compare_models
from preclin.curves._global import GlobalFit, fit_global
from preclin.curves._potency import calculate_ed, calculate_relative_potency, compare_parameters
from preclin.curves._quantal import fit_quantal

# -- end section: inference --

# -- section: custom (fit_custom, CustomFit: user-supplied equations) ---------
# isort: split
from preclin.curves._custom import CustomFit, fit_custom

# -- end section: custom --

# -- section: band (calculate_confidence_band: pointwise bands of any fit) ----
# isort: split
from preclin.curves._band import calculate_confidence_band

# -- end section: band --

__all__: list[str] = sorted(
    [
        "MODELS",
        "ModelSpec",
        "get_model",
        # -- engine names --
        "CurveFit",
        "fit_curve",
        "fit_curve_arrays",
        "fit_curves",
        # -- inference names --
        "GlobalFit",
        "calculate_ed",
        "calculate_f_test",
        "calculate_lack_of_fit",
        "calculate_relative_potency",
        "compare_models",
        "compare_parameters",
        "fit_global",
        "fit_quantal",
        # -- custom names --
        "CustomFit",
        "fit_custom",
        # -- band names --
        "calculate_confidence_band",
    ]
)
