"""Randomised blinded allocation: properties (balance, completeness, reproducibility)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preclin.core import InputError
from preclin.datasets import load_example
from preclin.stats import randomize

GROUPS = ["vehicle", "1", "3", "10", "imipramine"]


def _unblind(plan, id_col="animal"):
    if "group" in plan.key and id_col in plan.key:
        return plan.allocation.merge(plan.key[[id_col, "group"]], on=id_col)
    return plan.allocation.merge(plan.key, on="code")


def test_example_balanced_by_sex_and_complete():
    animals = load_example("animals")
    plan = randomize(animals, GROUPS, block_by="sex", seed=7)
    alloc = plan.allocation
    assert sorted(alloc["animal"]) == sorted(animals["animal"])
    assert "group" not in alloc.columns
    assert sorted(alloc["order"]) == list(range(1, 41))
    full = _unblind(plan)
    counts = pd.crosstab(full["sex"], full["group"])
    assert (counts.to_numpy() == 4).all()
    assert len(plan.key) == 5 and plan.key["code"].is_unique
    assert all(len(c) == 4 for c in plan.key["code"])


def test_same_seed_identical_files(tmp_path):
    animals = load_example("animals")
    paths = []
    for run in range(2):
        plan = randomize(animals, GROUPS, block_by=["sex", "cage"], seed=11)
        a, k = tmp_path / f"alloc{run}.csv", tmp_path / f"key{run}.csv"
        plan.allocation.to_csv(a, index=False)
        plan.key.to_csv(k, index=False)
        paths.append((a.read_bytes(), k.read_bytes()))
    assert paths[0] == paths[1]


def test_different_seeds_differ():
    animals = load_example("animals")
    plans = [randomize(animals, GROUPS, block_by="sex", seed=s) for s in range(5)]
    groups = [tuple(_unblind(p).sort_values("animal")["group"]) for p in plans]
    assert len(set(groups)) == 5
    codes = [tuple(p.key["code"]) for p in plans]
    assert len(set(codes)) == 5


def test_codes_per_animal():
    animals = load_example("animals")
    plan = randomize(animals, GROUPS, seed=3, code_per="animal")
    assert plan.allocation["code"].is_unique and len(plan.key) == 40
    assert set(plan.key.columns) == {"animal", "code", "group"}
    assert plan.key["group"].value_counts().tolist() == [8] * 5


def test_remainder_spread_across_groups():
    # cages of 5 animals, 3 groups: 2 leftovers per cage go to the groups with fewest so far
    animals = load_example("animals")
    plan = randomize(animals, ["a", "b", "c"], block_by="cage", seed=1)
    bal = plan.balance.drop(columns="total")
    assert (bal.max(axis=1) - bal.min(axis=1)).max() <= 1
    totals = bal.sum()
    assert totals.max() - totals.min() <= 1 and totals.sum() == 40


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=3, max_value=60),
    k=st.integers(min_value=2, max_value=6),
    n_blocks=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_properties(n, k, n_blocks, seed):
    if n < k:
        return
    rng = np.random.default_rng(seed)
    animals = pd.DataFrame(
        {"id": [f"X{i}" for i in range(n)], "blk": rng.integers(0, n_blocks, n).astype(str)}
    )
    groups = [f"g{i}" for i in range(k)]
    plan = randomize(animals, groups, block_by="blk", seed=seed, id_col="id")
    full = plan.allocation.merge(plan.key, on="code")
    # every animal exactly once
    assert sorted(full["id"]) == sorted(animals["id"]) and len(full) == n
    # balanced within blocks: each group gets floor(b/k) or ceil(b/k)
    tab = pd.crosstab(full["blk"], pd.Categorical(full["group"], categories=groups))
    sizes = tab.sum(axis=1)
    assert (tab.ge(sizes // k, axis=0)).all().all()
    assert (tab.le(-(-sizes // k), axis=0)).all().all()
    totals = tab.sum()
    assert totals.max() - totals.min() <= 1
    # reproducible
    again = randomize(animals, groups, block_by="blk", seed=seed, id_col="id")
    pd.testing.assert_frame_equal(plan.allocation, again.allocation)


def test_summary_mentions_balance():
    plan = randomize(load_example("animals"), GROUPS, block_by="sex", seed=7)
    assert "animals per block and group" in plan.summary()
    assert plan.to_frame() is plan.allocation


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"groups": ["a"]}, r"Invalid `groups`"),
        ({"groups": ["a", "a"]}, r"Invalid `groups`"),
        ({"block_by": "litter"}, r"no column 'litter'.*pass the right name with --block-by"),
        ({"seed": "x"}, r"Invalid `seed`: got 'x'"),
        ({"seed": -1}, r"Invalid `seed`: got -1"),
        ({"code_per": "cage"}, r"Invalid `code_per`"),
        ({"id_col": "rat"}, r"no column 'rat'"),
    ],
)
def test_bad_arguments(kwargs, match):
    args = {"groups": ["a", "b"], "seed": 1, **kwargs}
    with pytest.raises(InputError, match=match):
        randomize(load_example("animals"), **args)


def test_bad_data():
    few = pd.DataFrame({"animal": ["A1", "A2"], "sex": ["F", "M"]})
    with pytest.raises(InputError, match="2 animals for 5 groups: too few animals"):
        randomize(few, GROUPS, seed=1)
    dup = pd.DataFrame({"animal": ["A1", "A1", "A2"]})
    with pytest.raises(InputError, match=r"row 1, column 'animal': animal id 'A1' appears twice"):
        randomize(dup, ["a", "b"], seed=1)
    gap = pd.DataFrame({"animal": ["A1", "A2", "A3"], "sex": ["F", None, "M"]})
    with pytest.raises(InputError, match=r"row 1, column 'sex': missing block value"):
        randomize(gap, ["a", "b"], block_by="sex", seed=1)
