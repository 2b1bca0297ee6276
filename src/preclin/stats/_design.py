"""Randomised, blinded allocation of animals to groups (permuted blocks)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from preclin.core import InputError, Result, check_option, make_rng, require_columns, row_label

__all__ = ["Allocation", "randomize"]

_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))  # no I, O, 0, 1


@dataclasses.dataclass(frozen=True, kw_only=True)
class Allocation(Result):
    """A blinded allocation plan and its separate unblinding key.

    Attributes
    ----------
    allocation : DataFrame
        For the people running the study (no group names): the id column,
        the ``block_by`` columns, ``block`` (block label), ``code`` (blinded
        treatment code) and ``order`` (random running order for dosing and
        testing, 1 … N).
    key : DataFrame
        For the person holding the blind: ``code`` → ``group`` (and the id
        column when ``code_per="animal"``).
    balance : DataFrame
        Animals per block and group (rows: blocks; columns: groups; plus ``total``).
    seed : int or None
    """

    allocation: pd.DataFrame
    key: pd.DataFrame
    balance: pd.DataFrame
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        """The blinded allocation table."""
        return self.allocation

    def _title(self) -> str:
        return f"Allocation of {len(self.allocation)} animals (seed {self.seed})"

    def _summary_lines(self) -> list[str]:
        with pd.option_context("display.width", 120):
            return ["animals per block and group:", self.balance.to_string()]


def _codes(rng: np.random.Generator, count: int, length: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        code = "".join(rng.choice(_ALPHABET, length))
        if code not in seen:
            seen.add(code)
            out.append(code)
    return out


def randomize(
    animals: pd.DataFrame,
    groups: Sequence[Any],
    *,
    block_by: str | Sequence[str] | None = None,
    seed: int,
    id_col: str = "animal",
    code_per: str = "group",
) -> Allocation:
    """Allocate animals to groups at random, balanced within blocks, with blinded codes.

    Parameters
    ----------
    animals : DataFrame
        One row per animal: an id column and any blocking columns (sex, cage,
        weight class, batch …).
    groups : sequence
        Treatment group labels (e.g. ``["vehicle", "1", "3", "10", "imipramine"]``).
    block_by : str or list of str, optional
        Columns that define blocks; every combination is one block.
    seed : int
        Seed (required: the plan must be reproducible).
    id_col : str
        Column with the animal ids (unique).
    code_per : {"group", "animal"}
        One blinded code per treatment group (coded vials / cage cards), or a
        different code for every animal (the key then lists animal → group).

    Returns
    -------
    Allocation
        ``allocation`` (blinded table), ``key`` (unblinding key, keep it
        separate), ``balance`` (block × group counts).

    Notes
    -----
    Permuted blocks: within each block the animals are put in random order
    and dealt complete random permutations of the groups, so every group gets
    ⌊b/k⌋ animals of a block of b. When b is not a multiple of k, the b mod k
    leftover animals go to distinct groups chosen among those with the fewest
    animals so far in the whole study (ties broken at random), so the group
    totals never differ by more than one and every block differs from perfect
    balance by at most one animal per group. Codes are drawn from the seeded
    generator (31-character alphabet without I/O/0/1; 4 characters per group,
    6 per animal), so they carry no information about group order; anyone with
    the seed and the animal list can rebuild the key, so keep the seed with
    the key. The same inputs and seed give identical tables.

    Examples
    --------
    >>> from preclin.datasets import load_example
    >>> animals = load_example("animals")
    >>> plan = randomize(animals, ["vehicle", "1", "3", "10", "imipramine"],
    ...                  block_by="sex", seed=7)
    >>> plan.balance
          vehicle  1  3  10  imipramine  total
    sex
    F           4  4  4   4           4     20
    M           4  4  4   4           4     20
    >>> sorted(plan.allocation.columns)
    ['animal', 'block', 'code', 'order', 'sex']
    """
    code_per = check_option("code_per", code_per, ["group", "animal"])
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(f"Invalid `seed`: got {seed!r}, must be an integer >= 0.")
    rng = make_rng(int(seed))
    labels = [str(g).strip() for g in groups]
    if len(labels) < 2 or any(not g for g in labels) or len(set(labels)) != len(labels):
        raise InputError(
            f"Invalid `groups`: got {list(groups)!r}, "
            "must be at least 2 distinct, non-empty labels."
        )
    k = len(labels)
    by = [] if block_by is None else ([block_by] if isinstance(block_by, str) else list(block_by))
    require_columns(animals, [id_col, *by], option="--block-by" if by else None)
    file = animals.attrs.get("source")
    for col in [id_col, *by]:
        miss = animals[col].isna().to_numpy()
        if miss.any():
            pos = int(np.flatnonzero(miss)[0])
            raise InputError(
                f"missing {'animal id' if col == id_col else 'block value'}",
                file=file,
                row=row_label(animals, pos),
                column=col,
                hint="fill the cell or remove the animal",
            )
    ids = animals[id_col].astype(str).str.strip()
    dup = ids.duplicated().to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"animal id {ids.iloc[pos]!r} appears twice",
            file=file,
            row=row_label(animals, pos),
            column=id_col,
            hint="give every animal a unique id",
        )
    n = len(animals)
    if n < k:
        raise InputError(
            f"{n} animals for {k} groups: too few animals, need at least one per group",
            file=file,
            hint="add animals or drop groups",
        )
    frame = animals.reset_index(drop=True)
    if by:
        block_lab = frame[by].astype(str).agg(" / ".join, axis=1)
    else:
        block_lab = pd.Series("all", index=frame.index)
    assigned = np.empty(n, dtype=int)
    totals = np.zeros(k, dtype=int)
    for block in sorted(block_lab.unique()):
        members = rng.permutation(np.flatnonzero(block_lab.to_numpy() == block))
        b = len(members)
        full, rest = divmod(b, k)
        seq = [rng.permutation(k) for _ in range(full)]
        if rest:
            # leftover animals: distinct groups with the fewest animals so far
            tie_break = rng.random(k)
            order = np.lexsort((tie_break, totals))
            seq.append(rng.permutation(order[:rest]))
        treat = np.concatenate(seq) if seq else np.empty(0, dtype=int)
        assigned[members] = treat
        totals += np.bincount(treat, minlength=k)
    running = rng.permutation(n) + 1
    if code_per == "group":
        group_codes = np.array(_codes(rng, k, 4))
        code = group_codes[assigned]
        key = pd.DataFrame({"code": group_codes, "group": labels})
        key = key.sort_values("code", ignore_index=True)
    else:
        code = np.array(_codes(rng, n, 6))
        key = pd.DataFrame(
            {id_col: ids.to_numpy(), "code": code, "group": np.array(labels)[assigned]}
        )
    allocation = frame[[id_col, *by]].copy()
    allocation[id_col] = ids.to_numpy()
    allocation["block"] = block_lab.to_numpy()
    allocation["code"] = code
    allocation["order"] = running
    counts = pd.crosstab(
        pd.Series(block_lab.to_numpy(), name=" / ".join(by) if by else "block"),
        pd.Categorical(np.array(labels)[assigned], categories=labels),
        dropna=False,
    )
    counts.columns = pd.Index(labels, name=None)
    counts["total"] = counts.sum(axis=1)
    return Allocation(allocation=allocation, key=key, balance=counts, seed=int(seed))
