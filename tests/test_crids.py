"""Change request ids as people write them, and the nearest ids to one that is not there."""

from __future__ import annotations

import pytest
from skillrepo.crids import nearest_cr_ids, normalise_cr_id


@pytest.mark.parametrize("spelled", ["1501", "cr-1501", "CR1501", "#1501", "CR-1501", " cr 1501 ", "Cr-01501"])
def test_every_spelling_means_one_id(spelled: str) -> None:
    assert normalise_cr_id(spelled) == "CR-1501"


@pytest.mark.parametrize("text", ["CR-ab", "", "#", "CR-", "1" * 40, "CR-١٥٠١"])
def test_what_is_no_id_is_kept_for_the_refusal_to_name(text: str) -> None:
    assert normalise_cr_id(text) == text


def test_nearest_by_number_else_by_spelling() -> None:
    known = ["CR-1431", "CR-1432", "CR-1434", "CR-1447", "CR-2000"]
    assert nearest_cr_ids("CR-1440", known) == ["CR-1432", "CR-1434", "CR-1447"]
    assert nearest_cr_ids("CR-143x", known, count=1)[0].startswith("CR-143")
    assert nearest_cr_ids("CR-1440", []) == []
