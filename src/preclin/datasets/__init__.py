"""Small bundled example data, and :func:`load_example`.

Every file in ``preclin/datasets/data/`` is an example, named by its file
stem; a sidecar ``<name>.md`` describes it (origin, seed, the command or
script that generated it, licence). Only public, small, redistributable data
live here.

>>> "concentration_response" in list_examples()
True
"""

from preclin.datasets._examples import (
    describe_example,
    example_path,
    list_examples,
    load_example,
)

__all__ = ["describe_example", "example_path", "list_examples", "load_example"]
