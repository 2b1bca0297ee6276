"""Pharmacokinetics and target engagement: NCA, compartmental models,
virtual populations, occupancy, interspecies scaling."""

# -- section: nca --------------------------------------------------------------
# -- end section: nca --

# -- section: models (regimens, compartments, populations, occupancy, scaling) -
# -- end section: models --

__all__: list[str] = sorted(
    [
        # -- nca names --
        # -- models names --
    ]
)
