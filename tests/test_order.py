"""The published order is data: framework.yaml keeps it, change requests place and move skills and attributes in
it, and the skills sheet numbers its rows by it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import run_in_process
from skillrepo.checker import check_repository
from skillrepo.engine import PreconditionError, apply, invert
from skillrepo.exports import sheets
from test_engine import BUNDLED


def _skill(code: str, **changes: Any) -> dict[str, Any]:
    op = {"op": "add-skill", "code": code, "id": "0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a", "name": "Cloud operations",
          "category": "Delivery and operation", "subcategory": "Technology management",
          "description": "Runs services on cloud platforms.", "related": []}
    return {**op, **changes}


@pytest.mark.parametrize(("after", "position"), [(None, 0), ("ITOP", 6), ("USUP", 16)])
def test_a_new_skill_goes_where_its_after_says(after: str | None, position: int) -> None:
    fw, _ = apply(BUNDLED, [_skill("CLOP", after=after)], "CR-9")
    assert list(fw.skills).index("CLOP") == position
    assert list(fw.skills)[:position] == list(BUNDLED.skills)[:position]


def test_a_new_skill_cannot_take_an_attributes_code() -> None:
    with pytest.raises(PreconditionError, match="AUTO is the code of an attribute; give the skill a code of its own"):
        apply(BUNDLED, [_skill("AUTO")], "CR-9")


def test_without_after_a_new_skill_goes_last_and_after_an_unknown_code_is_refused() -> None:
    fw, _ = apply(BUNDLED, [_skill("CLOP")], "CR-9")
    assert list(fw.skills)[-1] == "CLOP"
    with pytest.raises(PreconditionError, match="ITOX is not a skill of the framework, so nothing can come after it"):
        apply(BUNDLED, [_skill("CLOP", after="ITOX")], "CR-9")


def test_move_skill_checks_where_it_is_and_its_inverse_puts_it_back() -> None:
    move = {"op": "move-skill", "skill": "USUP", "after": {"from": "TEST", "to": None}}
    fw, effects = apply(BUNDLED, [move], "CR-9")
    assert list(fw.skills)[:2] == ["USUP", "ASUP"]
    assert [(e.describe(), e.impact) for e in effects] == [
        ("moves USUP from after TEST to first in the published order", "minor")]
    back, _ = apply(fw, invert([move]))
    assert list(back.skills) == list(BUNDLED.skills)
    with pytest.raises(PreconditionError, match="USUP comes first, not after TEST"):
        apply(fw, [move], "CR-9")
    with pytest.raises(PreconditionError, match="ASUP cannot come after itself"):
        apply(BUNDLED, [{"op": "move-skill", "skill": "ASUP", "after": {"from": None, "to": "ASUP"}}], "CR-9")


def test_move_attribute_reorders_the_attributes() -> None:
    move = {"op": "move-attribute", "attribute": "BUSK", "after": {"from": "AUTO", "to": "KNGE"}}
    fw, _ = apply(BUNDLED, [move], "CR-9")
    assert list(fw.attributes) == ["AUTO", "COMP", "INFL", "KNGE", "BUSK"]
    _, rows = sheets.attribute_rows(fw, lambda code: code)
    assert [r[7] for r in rows] == ["AUTO", "COMP", "INFL", "KNGE", "BUSK"]


PUBLISHED = ["ITSP", "ISCO", "ASUP"]  # not alphabetical, not grouped by category


def test_init_keeps_the_files_order_and_a_release_gives_it_back(tmp_path: Path) -> None:
    header = list(sheets.SKILL_HEADER)
    rows = []
    for n, (code, category) in enumerate(zip(PUBLISHED, ["Strategy", "Change", "Strategy"], strict=True), start=1):
        row: list[Any] = [""] * len(header)
        row[0], row[header.index("Code")], row[header.index("Skill")] = n, code, f"Skill {code}"
        row[header.index("Category")], row[header.index("Subcategory")] = category, "General"
        row[header.index("Overall description")] = f"What {code} is about."
        row[1 + 2], row[header.index("Level 3 description")] = 3, f"{code} at level 3."
        rows.append(row)
    (tmp_path / "skills.csv").write_bytes(sheets.to_csv(header, rows))
    result = run_in_process("init", "new", "--from-sheet", "skills.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    repo, findings = check_repository(tmp_path / "new")
    assert findings == [] and list(repo.framework.skills) == PUBLISHED
    assert "  skills:\n    - ITSP\n    - ISCO\n    - ASUP\n" in (tmp_path / "new/framework/framework.yaml").read_text()
    _, again = sheets.skill_rows(repo.framework, lambda code: code)
    assert [(r[0], r[8]) for r in again] == [(1, "ITSP"), (2, "ISCO"), (3, "ASUP")]
