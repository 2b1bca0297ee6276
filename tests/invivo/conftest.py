"""Shared, session-scoped analyses of the bundled studies (the CMS mixed model is slow)."""

import pytest

from preclin.datasets import example_path
from preclin.invivo import analyze_study


@pytest.fixture(scope="session")
def cms_result():
    return analyze_study(example_path("cms_study"))
