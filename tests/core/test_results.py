import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from preclin.core import Result, make_provenance, make_rng
from preclin.core.errors import InputError


@dataclasses.dataclass(frozen=True, kw_only=True)
class Toy(Result):
    ec50: float
    values: np.ndarray


def test_result_is_frozen_and_serialisable(tmp_path):
    p = tmp_path / "in.csv"
    p.write_text("a\n1\n")
    r = Toy(ec50=float("nan"), values=np.arange(3), provenance=make_provenance(p, seed=3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.ec50 = 1.0  # type: ignore[misc]
    d = r.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["ec50"] is None and d["values"] == [0, 1, 2]
    assert d["provenance"]["seed"] == 3
    assert len(d["provenance"]["inputs"][str(p)]) == 64
    assert isinstance(r.to_frame(), pd.DataFrame)
    assert "Toy" in r.summary() and "<table" in r._repr_html_()
    with pytest.raises(InputError, match="format"):
        r.summary(format="pdf")


def test_provenance_of_frames_is_content_hash():
    a = make_provenance(pd.DataFrame({"x": [1, 2]}))
    b = make_provenance(pd.DataFrame({"x": [1, 2]}))
    c = make_provenance(pd.DataFrame({"x": [1, 3]}))
    assert a.inputs == b.inputs != c.inputs


def test_rng():
    assert make_rng(1).random() == make_rng(1).random()
    with pytest.raises(InputError, match="seed"):
        make_rng(-1)
