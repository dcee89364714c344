"""A framework's first content as a change request: add-responsibility-level, the empty framework, the
operations that build a framework from it, and the initial change requests of the bundled repository."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from skillrepo import engine
from skillrepo.domain import LEVEL_NAMES
from skillrepo.model import Framework, ResponsibilityLevel, empty_framework
from skillrepo.operations import PreconditionError

ATTRIBUTES = ["Autonomy", "Influence", "Complexity", "Knowledge", "Business skills"]


def _level_op(level: int = 3, **changes: Any) -> dict[str, Any]:
    op = {"op": "add-responsibility-level", "level": level, "name": LEVEL_NAMES[level],
          "essence": "Applies known methods to familiar work.",
          "attributes": {name: f"{name} at level {level}." for name in ATTRIBUTES}}
    return {**op, **changes}


def _named() -> Framework:
    """A framework with a name and attributes, and no level yet."""
    return replace(empty_framework(), name="A framework", attributes=list(ATTRIBUTES))


def test_add_responsibility_level_adds_the_level_and_its_inverse_removes_it() -> None:
    fw = _named()
    after, effects = engine.apply(fw, [_level_op()], "CR-0001")
    level = after.levels[3]
    assert (level.level, level.name, level.essence) == (3, "Apply", "Applies known methods to familiar work.")
    assert list(level.attributes) == ATTRIBUTES
    assert [e.describe() for e in effects] == ["adds level of responsibility 3 \"Apply\""]
    assert effects[0].impact == "major"
    assert fw.levels == {}, "the input framework is left as it was"
    back, undone = engine.apply(after, engine.invert([_level_op()]))
    assert back == fw
    assert [e.describe() for e in undone] == ["removes level of responsibility 3 \"Apply\""]
    assert engine.targets(_level_op()) == engine.targets(engine.invert([_level_op()])[0])


@pytest.mark.parametrize(("fw", "op", "message"), [
    (replace(_named(), levels={3: ResponsibilityLevel(3, "Apply", "Old.", {a: "x" for a in ATTRIBUTES})}), _level_op(),
     "CR-0001 operation 1 (add-responsibility-level 3): level of responsibility 3 already exists; use "
     "update-responsibility-level to change it"),
    (_named(), _level_op(attributes={**{a: "x" for a in ATTRIBUTES[:4]}, "Busines skills": "x"}),
     "CR-0001 operation 1 (add-responsibility-level 3): attribute 'Busines skills' is not one of the framework's "
     "attributes; did you mean 'Business skills'?"),
    (_named(), _level_op(attributes={**{a: "x" for a in ATTRIBUTES}, "Ethics": "x"}),
     "CR-0001 operation 1 (add-responsibility-level 3): attribute 'Ethics' is not one of the framework's "
     "attributes: Autonomy, Influence, Complexity, Knowledge, Business skills"),
    (_named(), _level_op(attributes={"Autonomy": "x"}),
     "CR-0001 operation 1 (add-responsibility-level 3): attributes lacks Influence, Complexity, Knowledge, Business "
     "skills; describe every attribute the framework names"),
    (empty_framework(), _level_op(),
     "CR-0001 operation 1 (add-responsibility-level 3): attribute 'Autonomy' is not one of the framework's "
     "attributes (the framework names no attributes yet: add them first with update-framework)"),
], ids=["exists", "misspelt-attribute", "unknown-attribute", "missing-attributes", "no-attributes-yet"])
def test_add_responsibility_level_refuses_what_does_not_apply(fw: Framework, op: dict[str, Any], message: str) -> None:
    with pytest.raises(PreconditionError) as raised:
        engine.apply(fw, [op], "CR-0001")
    assert str(raised.value) == message


def test_remove_responsibility_level_refuses_a_level_changed_since_it_was_added() -> None:
    after, _ = engine.apply(_named(), [_level_op()])
    edit = {"op": "update-responsibility-level", "level": 3, "essence": {"edits": [{"old": "known", "new": "proven"}]}}
    changed, _ = engine.apply(after, [edit])
    with pytest.raises(PreconditionError, match=r"the essence of level of responsibility 3 changed since it was added"):
        engine.apply(changed, engine.invert([_level_op()]))


def test_the_empty_framework_has_nothing_but_an_edition() -> None:
    fw = empty_framework()
    assert (fw.name, fw.attributes, fw.categories, fw.levels, fw.skills) == ("", [], {}, {}, {})
    assert fw.edition == "1" and empty_framework("3").edition == "3"


def test_update_framework_names_the_empty_framework_from_null_and_says_so() -> None:
    op = {"op": "update-framework", "name": {"from": None, "to": "A framework"}}
    after, effects = engine.apply(empty_framework(), [op])
    assert after.name == "A framework"
    assert effects[0].describe() == "names the framework \"A framework\""
    with pytest.raises(PreconditionError, match=r"the framework's name is \"A framework\", expected not set"):
        engine.apply(after, [op])
    back, _ = engine.apply(after, engine.invert([op]))
    assert back == empty_framework()
