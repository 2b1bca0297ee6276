"""ARRIVE 2.0 Essential 10 checklist."""

from __future__ import annotations

import pytest

from preclin.core import InputError
from preclin.stats import arrive_checklist


def test_all_items_present_and_ordered():
    chk = arrive_checklist({})
    items = chk.items
    assert len(items) == 22
    assert items["number"].tolist() == sorted(items["number"])
    assert set(items["number"]) == set(range(1, 11))
    assert (items["status"] == "missing").all()
    assert chk.n_reported == 0
    titles = items.drop_duplicates("number")["title"].tolist()
    assert titles == [
        "Study design",
        "Sample size",
        "Inclusion and exclusion criteria",
        "Randomisation",
        "Blinding",
        "Outcome measures",
        "Statistical methods",
        "Experimental animals",
        "Experimental procedures",
        "Results",
    ]


def test_keys_ids_aliases_and_status():
    meta = {
        "study": "CMS alnespirone",
        "groups": "vehicle and 5 doses",
        "1b": "the animal",
        "randomization": "permuted blocks by cage (preclin randomize, seed 7)",
        "blinding": {"allocation": "AB", "outcome": "CD (blind)"},
        "statistical_methods": ["one-way ANOVA", "Dunnett"],
        "6b": "n/a: exploratory study",
        "sample_size": None,
    }
    chk = arrive_checklist(meta)
    status = dict(zip(chk.items["item"], chk.items["status"], strict=True))
    assert status["1a"] == status["1b"] == status["4a"] == status["5"] == "reported"
    assert status["7a"] == "reported" and status["6b"] == "not applicable"
    assert status["2a"] == "missing"
    row = chk.items.set_index("item")
    assert row.loc["5", "reported"] == "allocation: AB; outcome: CD (blind)"
    assert row.loc["7a", "reported"] == "one-way ANOVA; Dunnett"
    assert chk.study == "CMS alnespirone"
    text = chk.summary()
    assert "[x]  1a" in text and "[ ]  2a" in text and "[-]  6b" in text
    assert "6 of 22 sub-items reported; missing: 2a" in text
    assert "ARRIVE" in chk.summary(format="html")


def test_unknown_keys_rejected():
    with pytest.raises(InputError, match="unknown ARRIVE key\\(s\\): blindng"):
        arrive_checklist({"blindng": "yes"})
    with pytest.raises(InputError, match="must be a mapping"):
        arrive_checklist(["groups"])
