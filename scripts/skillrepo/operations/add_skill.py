"""add-skill, and remove-skill (its inverse): a whole skill with its levels."""

from __future__ import annotations

from dataclasses import dataclass

from skillrepo.model import Framework, Skill, SkillLevel
from skillrepo.operations.base import (
    LAST,
    Effect,
    Item,
    Kind,
    Operation,
    PreconditionError,
    Run,
    changed_since_added,
    level_summary,
    levels_text,
    placed,
    skill_title,
)

# Every field of a skill that add-skill sets; remove-skill (its inverse) requires each to be as it was set.
ADDED_FIELDS: tuple[str, ...] = ("id", "name", "category", "subcategory", "status", "description", "related",
                                 "guidance", "url", "replaced_by")


@dataclass(frozen=True)
class NewSkill:
    """A whole skill with its levels: what add-skill and remove-skill state."""

    code: str
    id: str
    name: str
    category: str
    subcategory: str
    description: str
    related: tuple[str, ...]
    guidance: str | None
    levels: tuple[tuple[int, str], ...]
    url: str | None = None
    after: str | None = LAST  # where it goes in the published order: after this code (None: first)


def parse(op: Operation) -> NewSkill:
    """The operation a manifest's mapping states."""
    levels = tuple((lv["level"], lv["description"]) for lv in op.get("levels", []))
    return NewSkill(op["code"], op["id"], op["name"], op["category"], op["subcategory"], op["description"],
                    tuple(op.get("related", [])), op.get("guidance"), levels, op.get("url"), op.get("after", LAST))


def added_skill(op: Operation) -> Skill:
    """The skill an add-skill operation adds."""
    new = parse(op)
    levels = {level: SkillLevel(new.code, level, text) for level, text in new.levels}
    return Skill(code=new.code, id=new.id, name=new.name, category=new.category, subcategory=new.subcategory,
                 status="active", description=new.description, related=list(new.related), guidance=new.guidance,
                 levels=levels, url=new.url)


def _add(run: Run, op: Operation) -> None:
    skill = added_skill(op)
    code = skill.code
    if code in run.fw.skills:
        raise PreconditionError(run.where, f"skill {code} already exists")
    if code in run.fw.attributes:
        raise PreconditionError(run.where, f"{code} is the code of an attribute; give the skill a code of its own")
    for other in run.fw.skills.values():
        if other.id == skill.id:
            raise PreconditionError(run.where, f"id {skill.id} is already the id of {other.code}")
    run.fw.skills = placed(run.fw.skills, code, skill, parse(op).after, run.where, "skill")
    run.effect(code, None, None, None, skill.name)
    for level in sorted(skill.levels):
        run.effect(code, level, "description", None, skill.levels[level].description)


def _remove(run: Run, op: Operation) -> None:
    """The skill must be exactly as the add-skill it undoes added it, every field and level."""
    expected = added_skill(op)
    code = expected.code
    skill = run.skill(code)
    if set(skill.levels) != set(expected.levels):
        raise PreconditionError(run.where, f"{code} is now defined at levels {levels_text(skill.levels)}, not the "
                                f"{levels_text(expected.levels)} it was added with")
    changed = changed_since_added(skill, expected, ADDED_FIELDS, "of level")
    if changed:
        raise PreconditionError(run.where, f"the {', '.join(changed)} of {code} changed since it was added")
    del run.fw.skills[code]
    run.effect(code, None, None, skill.name, None)


def _targets(op: Operation) -> set[Item]:
    return {("skill", op["code"], "*")}


def _describe_add(effect: Effect) -> str:
    if effect.level is not None:  # one of the levels the skill is added with: `after` is its text
        return f"adds {effect.skill} level {effect.level}"
    return f"adds skill {effect.skill} \"{effect.after}\""


def _describe_remove(effect: Effect) -> str:
    return f"removes skill {effect.skill}"


def _section_add(effect: Effect) -> str:
    return "new_skills" if effect.level is None else "new_levels"


def _summary_add(effect: Effect, fw: Framework) -> str:
    return skill_title(fw, effect.skill) if effect.level is None else level_summary(effect, fw)


def _summary_remove(effect: Effect, fw: Framework) -> str:
    return f"{skill_title(fw, effect.skill)}: {effect.field}"


EXAMPLE = """\
#  - op: add-skill
#    code: ABCD
#    id: <python -c "import uuid; print(uuid.uuid4())">
#    name: A new skill
#    category: Delivery and operation
#    subcategory: Technology management
#    description: |-
#      The overall description.
#    related: [ITOP]
#    after: ITMG                    # its place in the published order (null: first); without it, last
#    levels:
#      - {level: 3, description: "The skill at level 3."}
"""

ADD_SKILL = Kind("add-skill", "addSkill", "major", parse, _add, lambda op: {**op, "op": "remove-skill"}, _targets,
                 _describe_add, "new", EXAMPLE, lambda op: f"add-skill {op.get('code')}", _section_add, _summary_add)
REMOVE_SKILL = Kind("remove-skill", None, "minor", parse, _remove, lambda op: {**op, "op": "add-skill"}, _targets,
                    _describe_remove, "removed", summary=_summary_remove)
