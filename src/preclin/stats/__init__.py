"""Group statistics, dose-finding, power and study design (pingouin-style flat
functions on long-format DataFrames, returning tidy DataFrames)."""

# -- section: groups (describe, one-way, post-hoc, two-way, repeated) --------
# -- end section: groups --

# -- section: design (dose-finding, outliers, effect sizes, power, design) ---
# -- end section: design --

__all__: list[str] = sorted(
    [
        # -- groups names --
        # -- design names --
    ]
)
