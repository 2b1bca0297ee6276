"""Each room's public surface is explicit, sorted and importable (as httpx tests it)."""

import importlib
import pkgutil

import pytest

import preclin

ROOMS = [
    m.name for m in pkgutil.iter_modules(preclin.__path__) if m.ispkg and m.name not in ("cli",)
]


@pytest.mark.parametrize("room", ROOMS)
def test_all_is_sorted_and_resolves(room):
    mod = importlib.import_module(f"preclin.{room}")
    names = getattr(mod, "__all__", None)
    if names is None:
        pytest.skip(f"preclin.{room} is not built yet")
    assert list(names) == sorted(names), f"preclin.{room}.__all__ is not sorted"
    for name in names:
        assert hasattr(mod, name), f"preclin.{room}.{name} is in __all__ but missing"
    public = {n for n in dir(mod) if not n.startswith("_")}
    leaked = {
        n
        for n in public - set(names)
        if not isinstance(getattr(mod, n), type(importlib))  # submodules are fine
    }
    leaked -= {"annotations"}
    assert not leaked, f"preclin.{room} exposes names not in __all__: {sorted(leaked)}"
