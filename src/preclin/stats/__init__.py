"""Group statistics, dose-finding, power and study design (pingouin-style flat
functions on long-format DataFrames, returning tidy DataFrames)."""

# -- section: groups (describe, one-way, post-hoc, two-way, repeated) --------
from preclin.stats._batch import BatchAnovaDunnett, calculate_anova_dunnett
from preclin.stats._describe import describe
from preclin.stats._oneway import (
    anova,
    brown_forsythe_anova,
    homoscedasticity,
    kruskal,
    normality_residuals,
    welch_anova,
)
from preclin.stats._posthoc import posthoc
from preclin.stats._repeated import MixedModelResult, mixed_model, rm_anova
from preclin.stats._twoway import anova2, simple_effects

# isort: split
# -- end section: groups --

# -- section: design (dose-finding, outliers, effect sizes, power, design) ---
from preclin.stats._arrive import ArriveChecklist, arrive_checklist
from preclin.stats._design import Allocation, randomize
from preclin.stats._dose import (
    DoseWindowResult,
    dose_window,
    minimum_effective_dose,
    williams_test,
)
from preclin.stats._effect import effect_size, eta_squared
from preclin.stats._outliers import grubbs
from preclin.stats._power import (
    PowerResult,
    power_anova,
    power_from_pilot,
    power_prop2,
    power_ttest,
)
from preclin.stats._resource import ResourceEquationResult, resource_equation

# -- end section: design --

__all__: list[str] = sorted(
    [
        # -- groups names --
        "BatchAnovaDunnett",
        "MixedModelResult",
        "anova",
        "anova2",
        "brown_forsythe_anova",
        "calculate_anova_dunnett",
        "describe",
        "homoscedasticity",
        "kruskal",
        "mixed_model",
        "normality_residuals",
        "posthoc",
        "rm_anova",
        "simple_effects",
        "welch_anova",
        # -- design names --
        "Allocation",
        "ArriveChecklist",
        "arrive_checklist",
        "randomize",
        "DoseWindowResult",
        "dose_window",
        "minimum_effective_dose",
        "williams_test",
        "effect_size",
        "eta_squared",
        "grubbs",
        "PowerResult",
        "ResourceEquationResult",
        "power_anova",
        "power_from_pilot",
        "power_prop2",
        "power_ttest",
        "resource_equation",
    ]
)
