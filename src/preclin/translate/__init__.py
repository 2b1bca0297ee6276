"""Translation: the compound bridge (potency → exposure → occupancy → efficacy →
human dose) and clinical-trial simulation (placebo response, effect size,
variability, dropout → power, assurance, winner's curse), with the discount
from an animal effect to a clinical one stated as an explicit assumption."""

from preclin.translate._bridge import BridgeResult, bridge
from preclin.translate._discount import (
    EffectPrior,
    TranslatedEffect,
    calculate_translated_effect,
    calculate_translation_sensitivity,
    make_effect_prior,
)
from preclin.translate._figures import plot_bridge, plot_occupancy_dose, plot_power_curve
from preclin.translate._size import TrialSizeResult, calculate_trial_size
from preclin.translate._trial import TrialResult, simulate_trial

__all__ = [
    "BridgeResult",
    "EffectPrior",
    "TranslatedEffect",
    "TrialResult",
    "TrialSizeResult",
    "bridge",
    "calculate_translated_effect",
    "calculate_translation_sensitivity",
    "calculate_trial_size",
    "make_effect_prior",
    "plot_bridge",
    "plot_occupancy_dose",
    "plot_power_curve",
    "simulate_trial",
]
