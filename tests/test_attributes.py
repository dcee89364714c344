"""Attributes as data: their operations' preconditions and inverses, and a change request that describes a new
attribute and edits an existing one, from preview to revert, as a maintainer runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import committed_copy, git, run_in_process, write_files
from skillrepo.checker import check_repository
from skillrepo.engine import PreconditionError, apply, invert
from test_engine import BUNDLED

NEW_ID = "6f1c0a2e-9b7d-4e3a-8c5f-2d1e0b9a7c64"


def _ethics(**changes: Any) -> dict[str, Any]:
    op = {"op": "add-attribute", "code": "ETHI", "id": NEW_ID, "name": "Ethics", "type": "behavioural",
          "description": "Acts with integrity and fairness in all work.",
          "levels": [{"level": 3, "description": "Follows the organisation's code of conduct."}]}
    return {**op, **changes}


@pytest.mark.parametrize(("op", "message"), [
    (_ethics(code="AUTO"), "attribute AUTO already exists"),
    (_ethics(code="ITOP"), "ITOP is the code of a skill; give the attribute a code of its own"),
    (_ethics(id="3c1f6f0e-8a52-4f0d-9b6e-1d2a7c4e5b01"),
     "id 3c1f6f0e-8a52-4f0d-9b6e-1d2a7c4e5b01 is already the id of attribute AUTO"),
    ({"op": "update-attribute", "attribute": "AUTO"},
     "changes nothing; name a field to change: name, type, description, guidance, url"),
    ({"op": "update-attribute", "attribute": "AUTX", "name": {"from": "A", "to": "B"}}, "attribute AUTX does not exist"),
    ({"op": "add-attribute-level", "attribute": "AUTO", "level": 3, "description": "More."},
     "attribute AUTO is already described at level 3; use update-attribute-level to change it"),
    ({"op": "remove-attribute-level", "attribute": "AUTO", "level": 3, "description": "Not the text."},
     "the description of attribute AUTO at level 3 is not the text the operation removes; found \"Works with general "
     "direction, deciding how to approach assigned tasks. Identifies and deals with issues as they arise, plans own "
     "work to meet agreed milestones…\""),
    ({"op": "update-attribute-level", "attribute": "AUTO", "level": 3,
      "description": {"edits": [{"old": "no such words", "new": "x"}]}},
     "edit 1 of description: expected \"no such words\" exactly once, but it does not occur; nearest text now: "),
], ids=["code-taken", "skill-code", "id-taken", "nothing", "unknown", "level-exists", "removed-text", "edit-missing"])
def test_an_attribute_operation_that_does_not_apply_says_why(op: dict[str, Any], message: str) -> None:
    with pytest.raises(PreconditionError) as raised:
        apply(BUNDLED, [op], "CR-9")
    assert raised.value.problem.startswith(message)


def test_retiring_an_attribute_keeps_it_and_its_inverse_returns_it() -> None:
    op = {"op": "retire-attribute", "attribute": "BUSK"}
    after, effects = apply(BUNDLED, [op], "CR-9")
    assert after.attributes["BUSK"].status == "retired" and len(after.attributes["BUSK"].levels) == 7
    assert [(e.describe(), e.impact, e.attribute, e.skill) for e in effects] == [
        ("retires attribute BUSK", "major", "BUSK", None)]
    with pytest.raises(PreconditionError, match="attribute BUSK is already retired"):
        apply(after, [op], "CR-9")
    back, undone = apply(after, invert([op]))
    assert back == BUNDLED
    assert [(e.describe(), e.impact) for e in undone] == [("returns attribute BUSK to active", "minor")]


def test_a_new_type_is_a_major_change() -> None:
    op = {"op": "update-attribute", "attribute": "BUSK", "type": {"from": "behavioural", "to": "generic"}}
    _, effects = apply(BUNDLED, [op], "CR-9")
    assert [(e.describe(), e.impact) for e in effects] == [
        ("changes the type of attribute BUSK from Business skills/Behavioural factors to Attributes", "major")]


CR = """\
id: CR-1500
title: Describe ethics, and sharpen autonomy at level 3
status: accepted
applies_to: []
operations:
  - op: add-attribute
    code: ETHI
    id: 6f1c0a2e-9b7d-4e3a-8c5f-2d1e0b9a7c64
    name: Ethics
    type: behavioural
    description: Acts with integrity and fairness in all work.
    levels:
      - {level: 3, description: "Follows the organisation's code of conduct and raises concerns."}
      - {level: 5, description: "Sets an example of fair conduct and guides others through dilemmas."}
  - op: update-attribute-level
    attribute: AUTO
    level: 3
    description:
      edits:
        - {old: "deciding how to approach", new: "choosing how to approach"}
"""


def _cli(root: Path, *args: str) -> tuple[int, str]:
    result = run_in_process(*args, cwd=root)
    assert "Traceback" not in result.stdout + result.stderr
    return result.returncode, result.stdout + result.stderr


def test_a_change_request_on_attributes_previews_applies_verifies_and_reverts(tmp_path: Path) -> None:
    root = committed_copy(tmp_path / "repo")
    before = {p: (root / p).read_bytes() for p in ("framework/attributes/AUTO/level-3.yaml",)}
    write_files(root, {"changes/CR-1500/manifest.yaml": CR})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Accept CR-1500")
    code, out = _cli(root, "preview", "CR-1500")
    assert code == 0
    for line in ("adds attribute ETHI \"Ethics\"", "describes attribute ETHI at level 3",
                 "describes attribute ETHI at level 5", "changes the description of attribute AUTO at level 3"):
        assert line in out, out
    code, out = _cli(root, "apply", "CR-1500", "--commit")
    assert code == 0, out
    assert (root / "framework/attributes/ETHI/attribute.yaml").read_text().splitlines()[1:6] == [
        "code: ETHI", f"id: {NEW_ID}", "name: Ethics", "type: behavioural", "status: active"]
    assert "choosing how to approach" in (root / "framework/attributes/AUTO/level-3.yaml").read_text()
    assert sorted(p.name for p in (root / "framework/attributes/ETHI").iterdir()) == [
        "attribute.yaml", "level-3.yaml", "level-5.yaml"]
    assert check_repository(root)[1] == []
    assert _cli(root, "verify")[0] == 0
    code, out = _cli(root, "changelog")
    assert "## Attributes" in out and "ETHI Ethics" in out and "AUTO Autonomy level 3" in out, out
    code, out = _cli(root, "revert", "CR-1500")
    assert code == 0, out
    assert not (root / "framework/attributes/ETHI").exists()
    assert {p: (root / p).read_bytes() for p in before} == before
