"""The pure engine, by property: for random valid sequences of operations over the bundled framework,
apply then revert is the identity, and replaying from scratch equals applying one by one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from helpers import ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from skillrepo.checker import check_repository
from skillrepo.engine import PreconditionError, applies, apply, apply_all, invert, occurrences
from skillrepo.model import Framework, Skill, SkillLevel

BUNDLED: Framework = check_repository(ROOT)[0].framework
BUNDLED_REPR = repr(BUNDLED)
WORDS = st.lists(st.sampled_from(["plans", "builds", "runs", "checks", "service", "team", "data", "risk", "users", "tools"]),
                 min_size=3, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")


# Periodic and self-overlapping texts: a tiny alphabet, repetitions of a short unit ("ab" * k, "a" * k).
TINY = st.text(alphabet="ab ", min_size=1, max_size=12)
PERIODIC = st.builds(lambda unit, times: unit * times, st.sampled_from(["a", "ab", "aba", "new ", "ab "]),
                     st.integers(1, 6))
PIECE = TINY | PERIODIC


@st.composite
def operation(draw: st.DrawFn, fw: Framework, marker: int) -> dict[str, Any]:
    """One operation that is valid on `fw`."""
    active = sorted(c for c, s in fw.skills.items() if s.status == "active")
    code = draw(st.sampled_from(sorted(fw.skills)))
    skill = fw.skills[code]
    kinds = ["add-skill", "update-skill-name", "update-skill-related", "update-responsibility-level"]
    if skill.levels:
        kinds += ["update-level", "update-level-edit", "remove-level"]
    if len(skill.levels) < len(fw.levels):
        kinds.append("add-level")
    if skill.status == "active" and len(active) > 1:
        kinds.append("retire-skill")
    kinds += ["attribute"]
    kind = draw(st.sampled_from(kinds))
    tag = f"m{marker}"
    if kind == "attribute":
        return draw(attribute_operation(fw, marker))
    if kind == "add-skill":
        levels = draw(st.lists(st.sampled_from(sorted(fw.levels)), unique=True, max_size=3))
        return {"op": "add-skill", "code": f"Z{chr(65 + marker % 26)}{chr(65 + marker // 26 % 26)}Q",
                "id": str(uuid.UUID(int=marker + 1, version=4)), "name": f"Skill {tag}", "category": skill.category,
                "subcategory": skill.subcategory, "description": draw(WORDS), "related": [code],
                "levels": [{"level": n, "description": draw(WORDS)} for n in sorted(levels)]}
    if kind == "update-skill-name":
        return {"op": "update-skill", "skill": code, "name": {"from": skill.name, "to": f"{skill.name} {tag}"}}
    if kind == "update-skill-related":
        others = [c for c in active if c != code]
        new = draw(st.lists(st.sampled_from(others), unique=True, max_size=3)) if others else []
        return {"op": "update-skill", "skill": code, "related": {"from": list(skill.related), "to": new}}
    if kind == "retire-skill":
        return {"op": "retire-skill", "skill": code, "replaced_by": [draw(st.sampled_from([c for c in active if c != code]))]}
    if kind == "update-responsibility-level":
        level = fw.levels[draw(st.sampled_from(sorted(fw.levels)))]
        return {"op": kind, "level": level.level, "essence": {"from": level.essence, "to": f"{level.essence} {tag}"}}
    if kind == "add-level":
        free = sorted(set(fw.levels) - set(skill.levels))
        return {"op": "add-level", "skill": code, "level": draw(st.sampled_from(free)), "description": draw(WORDS)}
    level = skill.levels[draw(st.sampled_from(sorted(skill.levels)))]
    if kind == "remove-level":
        return {"op": "remove-level", "skill": code, "level": level.level, "description": level.description}
    if kind == "update-level":  # a new text of words, or periodic: "ab" * k, "a" * k, a tiny alphabet
        return {"op": "update-level", "skill": code, "level": level.level,
                "description": {"from": level.description, "to": draw(WORDS | PIECE)}}
    text = level.description
    start = draw(st.integers(0, len(text) - 1))
    old = text[start:start + draw(st.integers(1, 12))]  # any slice: in a periodic text, one that overlaps itself
    new = draw(PIECE)
    result = text.replace(old, new, 1)
    if occurrences(text, old) != 1 or occurrences(result, new) != 1:
        old, new = text, f"{text} {tag}"  # the whole text always occurs once
    return {"op": "update-level", "skill": code, "level": level.level,
            "description": {"edits": [{"old": old, "new": new}]}}


@st.composite
def attribute_operation(draw: st.DrawFn, fw: Framework, marker: int) -> dict[str, Any]:
    """One operation on an attribute (or one of its levels) that is valid on `fw`."""
    code = draw(st.sampled_from(sorted(fw.attributes)))
    attribute = fw.attributes[code]
    tag = f"m{marker}"
    kinds = ["add-attribute", "update-attribute", "retire-or-unretire"]
    if attribute.levels:
        kinds += ["update-attribute-level", "remove-attribute-level"]
    if len(attribute.levels) < len(fw.levels):
        kinds.append("add-attribute-level")
    kind = draw(st.sampled_from(kinds))
    if kind == "add-attribute":
        levels = draw(st.lists(st.sampled_from(sorted(fw.levels)), unique=True, max_size=3))
        return {"op": "add-attribute", "code": f"Y{chr(65 + marker % 26)}{chr(65 + marker // 26 % 26)}Q",
                "id": str(uuid.UUID(int=marker + 500, version=4)), "name": f"Attribute {tag}",
                "type": draw(st.sampled_from(["generic", "behavioural"])), "description": draw(WORDS),
                "levels": [{"level": n, "description": draw(WORDS)} for n in sorted(levels)]}
    if kind == "update-attribute":
        other = "behavioural" if attribute.type == "generic" else "generic"
        return {"op": "update-attribute", "attribute": code, "name": {"from": attribute.name,
                                                                      "to": f"{attribute.name} {tag}"},
                "type": {"from": attribute.type, "to": other}}
    if kind == "retire-or-unretire":
        return {"op": "retire-attribute" if attribute.status == "active" else "unretire-attribute", "attribute": code}
    if kind == "add-attribute-level":
        free = sorted(set(fw.levels) - set(attribute.levels))
        return {"op": kind, "attribute": code, "level": draw(st.sampled_from(free)), "description": draw(WORDS)}
    level = attribute.levels[draw(st.sampled_from(sorted(attribute.levels)))]
    if kind == "remove-attribute-level":
        return {"op": kind, "attribute": code, "level": level.level, "description": level.description}
    return {"op": kind, "attribute": code, "level": level.level,
            "description": {"edits": [{"old": level.description, "new": f"{level.description} {tag}"}]}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_apply_then_revert_is_the_identity_and_replay_equals_step_by_step(data: st.DataObject) -> None:
    fw = BUNDLED
    ops: list[dict[str, Any]] = []
    one_by_one: list[list[Any]] = []
    for marker in range(data.draw(st.integers(1, 8), label="length")):
        op = data.draw(operation(fw, marker), label=f"op{marker}")
        fw, effects = apply(fw, [op], "CR-9999")
        assert effects, "every operation has an effect"
        ops.append(op)
        one_by_one.append(effects)
    replayed, _ = apply(BUNDLED, ops, "CR-9999")
    assert replayed == fw
    assert applies(BUNDLED, ops, "CR-9999") == fw  # the same framework, when what each did is not wanted
    # A replay of many change requests (one operation each here) copies the framework once: same result.
    all_at_once, each = apply_all(BUNDLED, [("CR-9999", [op]) for op in ops])
    assert all_at_once == fw and each == one_by_one
    assert repr(BUNDLED) == BUNDLED_REPR
    reverted, _ = apply(fw, invert(ops), "CR-9999")
    assert reverted == BUNDLED


def test_apply_never_changes_its_input() -> None:
    before = repr(BUNDLED)
    apply(BUNDLED, [{"op": "add-level", "skill": "ITMG", "level": 4, "description": "Does things."},
                    {"op": "update-skill", "skill": "ITOP", "name": {"from": "IT infrastructure", "to": "Infra"}}])
    assert repr(BUNDLED) == before


@pytest.mark.parametrize(("op", "message"), [
    ({"op": "add-level", "skill": "ITOP", "level": 5, "description": "x"},
     "CR-9 operation 1 (add-level ITOP level 5): ITOP level 5 already exists; use update-level to change it"),
    ({"op": "update-level", "skill": "ITMG", "level": 2, "description": {"from": "a", "to": "b"}},
     "CR-9 operation 1 (update-level ITMG level 2): ITMG level 2 does not exist; ITMG is defined at levels 5, 6, 7"),
    ({"op": "update-skill", "skill": "ITMG", "name": {"from": "IT services", "to": "b"}},
     "CR-9 operation 1 (update-skill ITMG): name is not the expected text; expected \"IT services\", "
     "found \"IT management\""),
    ({"op": "retire-skill", "skill": "ZZZZ", "replaced_by": ["ITOP"]},
     "CR-9 operation 1 (retire-skill ZZZZ): skill ZZZZ does not exist"),
    ({"op": "update-level", "skill": "ITOP", "level": 1, "description": {"edits": [{"old": "backups", "new": ""}]}},
     "CR-9 operation 1 (update-level ITOP level 1): edit 1 of description: the new text \"\" must occur exactly once "
     "in the result, so that the change can be reverted; include some of the words around it in both old and new"),
])
def test_a_failed_precondition_says_which_operation_what_was_expected_and_what_is_there(
        op: dict[str, Any], message: str) -> None:
    with pytest.raises(PreconditionError) as info:
        apply(BUNDLED, [op], "CR-9")
    assert str(info.value) == message
    with pytest.raises(PreconditionError) as info:
        applies(BUNDLED, [op], "CR-9")
    assert str(info.value) == message


def one_level(text: str) -> Framework:
    """A framework of one skill, ABCD, defined at level 1 by `text`."""
    skill = Skill("ABCD", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "A skill", "Cat", "Sub", "active", "About.", [],
                  levels={1: SkillLevel("ABCD", 1, text)})
    return Framework(skills={"ABCD": skill})


def edit(old: str, new: str) -> dict[str, Any]:
    return {"op": "update-level", "skill": "ABCD", "level": 1, "description": {"edits": [{"old": old, "new": new}]}}


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECE, min_size=1, max_size=4).map("".join), st.data())
@example("of new components", None)  # "new new" in "of new new new": twice, not once
def test_edits_of_periodic_texts_revert_exactly(text: str, data: st.DataObject | None) -> None:
    fw = one_level(text)
    ops: list[dict[str, Any]] = []
    steps = [("components", "new new")] if data is None else [
        (data.draw(st.sampled_from([text[i:j] for i in range(len(text)) for j in range(i + 1, len(text) + 1)])
                   if ops == [] else PIECE), data.draw(PIECE)) for _ in range(data.draw(st.integers(1, 4)))]
    for old, new in steps:
        try:
            fw, _ = apply(fw, [edit(old, new)], "CR-9999")
        except PreconditionError:
            continue
        ops.append(edit(old, new))
        after = fw.skills["ABCD"].levels[1].description
        assert occurrences(after, new) == 1
    reverted, _ = apply(fw, invert(ops), "CR-9999")
    assert reverted.skills["ABCD"].levels[1].description == text


@pytest.mark.parametrize(("text", "part", "count"), [
    ("new new new", "new new", 2), ("aaaa", "aa", 3), ("abababa", "aba", 3), ("ab ab", "ab", 2), ("abc", "d", 0),
    ("a" * 5000, "a", 1000),
])
def test_occurrences_counts_overlapping_ones_up_to_a_limit(text: str, part: str, count: int) -> None:
    assert occurrences(text, part) == count


def test_an_edit_whose_new_text_overlaps_itself_is_refused() -> None:
    with pytest.raises(PreconditionError) as info:
        apply(one_level("of new components"), [edit("components", "new new")], "CR-9")
    assert str(info.value) == (
        "CR-9 operation 1 (update-level ABCD level 1): edit 1 of description: the new text \"new new\" must occur "
        "exactly once in the result, so that the change can be reverted; include some of the words around it in "
        "both old and new")
    with pytest.raises(PreconditionError) as info:
        apply(one_level("aaa"), [edit("aa", "b")], "CR-9")
    assert "expected \"aa\" exactly once, but it occurs 2 times" in str(info.value)
