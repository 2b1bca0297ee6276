"""Categorical group columns with unused categories (regression: pandas 3 deprecates
``pd.Categorical(x, categories=observed)`` on such columns with a Pandas4Warning, an
error under our ``filterwarnings = error``). The numbers must equal those for the
same labels given as text, which the other stats tests check against R."""

import pandas as pd
import pytest

from preclin.stats import anova, anova2, describe, mixed_model, posthoc, rm_anova
from preclin.stats._groups_common import prepare_frame
from preclin.testing import assert_allclose

from ._groups_ref import load_case


@pytest.fixture(scope="module")
def plants(shared_reference):
    data, _, dv, between, _ = load_case(shared_reference, "plantgrowth_oneway")
    cat = data.copy()
    # user order trt2, ctrl, trt1 plus a level nobody measured, in the middle
    cat[between] = pd.Categorical(cat[between], ["trt2", "unused", "ctrl", "trt1"])
    return data, cat, dv, between


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.select_dtypes("number").reset_index(drop=True)


def test_prepare_frame_drops_unused_categories_keeps_order(plants):
    _, cat, dv, between = plants
    out = prepare_frame(cat, dv, [between])
    assert out[between].cat.categories.tolist() == ["trt2", "ctrl", "trt1"]


def test_prepare_frame_drops_category_whose_rows_have_no_response(plants):
    _, cat, dv, between = plants
    cat = cat.copy()
    cat.loc[cat[between] == "trt1", dv] = float("nan")
    with pytest.warns(Warning, match="dropped 10 row"):
        out = prepare_frame(cat, dv, [between])
    assert out[between].cat.categories.tolist() == ["trt2", "ctrl"]


def test_describe_anova_posthoc_with_unused_category_equal_text(plants):
    text, cat, dv, between = plants
    order = ["trt2", "ctrl", "trt1"]
    got = describe(cat, dv, between)
    assert got[between].astype(str).tolist() == order
    want = describe(text, dv, between).set_index(between).loc[order].reset_index()
    assert_allclose(_numbers(got), _numbers(want), "closed_form")
    assert_allclose(
        _numbers(anova(cat, dv, between)), _numbers(anova(text, dv, between)), "closed_form"
    )
    got = posthoc(cat, dv, between, method="tukey")
    want = posthoc(text, dv, between, method="tukey")
    pairs = {(a, b): i for i, (a, b) in enumerate(zip(want["group"], want["reference"]))}
    for i, (a, b) in enumerate(zip(got["group"], got["reference"])):
        j = pairs.get((a, b), pairs.get((b, a)))
        assert j is not None
        assert_allclose(got["pvalue"][i], want["pvalue"][j], "closed_form")
        assert_allclose(abs(got["estimate"][i]), abs(want["estimate"][j]), "closed_form")


def test_anova2_with_unused_category_equals_text(shared_reference):
    data = pd.read_csv(shared_reference / "stats" / "toothgrowth.csv")
    cat = data.copy()
    cat["supp"] = pd.Categorical(cat["supp"], ["OJ", "none", "VC"])
    got = anova2(cat, "len", ["supp", "dose"], ss_type=2)
    want = anova2(data, "len", ["supp", "dose"], ss_type=2)
    assert_allclose(_numbers(got), _numbers(want), "closed_form")


def test_repeated_with_unused_category_equals_text(local_reference):
    data = pd.read_csv(local_reference / "stats" / "groups_repeated_data.csv")
    order = ["vehicle", "low", "high"]
    cat = data.copy()
    cat["group"] = pd.Categorical(cat["group"], ["vehicle", "low", "mid", "high"])
    text = data.copy()
    text["group"] = pd.Categorical(text["group"], order)
    kw = {"within": "week", "subject": "rat", "between": "group"}
    got = rm_anova(cat, "sucrose_pct", **kw)
    want = rm_anova(text, "sucrose_pct", **kw)
    assert_allclose(_numbers(got), _numbers(want), "closed_form")
    got = mixed_model(cat, "sucrose_pct", **kw)
    want = mixed_model(text, "sucrose_pct", **kw)
    assert got.fixed["term"].tolist() == want.fixed["term"].tolist()
    assert_allclose(_numbers(got.fixed), _numbers(want.fixed), "closed_form")
