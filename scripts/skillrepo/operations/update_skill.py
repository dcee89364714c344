"""update-skill: changes of a skill's own fields, each `{from, to}` or `{edits}`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from skillrepo.model import Framework
from skillrepo.operations.base import (Effect, Item, Kind, Operation, PreconditionError, Run, change_value,
                                       invert_change, skill_title)

SKILL_FIELDS: tuple[str, ...] = ("name", "description", "guidance", "category", "subcategory", "related")


def _apply(run: Run, op: Operation) -> None:
    skill = run.skill(op["skill"])
    changes: dict[str, Any] = {}
    if not any(key in op for key in SKILL_FIELDS):
        raise PreconditionError(run.where, f"changes nothing; name a field to change: {', '.join(SKILL_FIELDS)}")
    for key in SKILL_FIELDS:
        if key in op:
            before = getattr(skill, key)
            after = change_value(before, op[key], run.where, key)
            changes[key] = after
            run.effect(skill.code, None, key, before, after)
    run.put(replace(skill, **changes))


def _invert(op: Operation) -> Operation:
    return {"op": op["op"], "skill": op["skill"], **{k: invert_change(op[k]) for k in SKILL_FIELDS if k in op}}


def _targets(op: Operation) -> set[Item]:
    return {("skill", op["skill"], k) for k in SKILL_FIELDS if k in op}


def _describe(effect: Effect) -> str:
    if effect.field in ("name", "category", "subcategory"):
        return f"changes the {effect.field} of {effect.skill} from \"{effect.before}\" to \"{effect.after}\""
    if effect.field == "related":
        return f"changes the skills related to {effect.skill} from [{', '.join(effect.before)}] to " \
            f"[{', '.join(effect.after)}]"
    return f"changes the {effect.field} of {effect.skill}"


# The names the changelog gives the fields whose changes it only names.
_FIELD_NAMES = {"description": "overall description", "guidance": "guidance notes"}


def _section(effect: Effect) -> str:
    if effect.field == "name":
        return "renamed_skills"
    if effect.field in ("category", "subcategory"):
        return "moved_skills"
    return "related_skills" if effect.field == "related" else "changed_descriptions"


def _summary(effect: Effect, fw: Framework) -> str:
    if effect.field == "name":
        return f"{effect.skill}: \"{effect.before}\" is now \"{effect.after}\""
    if effect.field in ("category", "subcategory"):
        return f"{skill_title(fw, effect.skill)}: {effect.field} \"{effect.before}\" is now \"{effect.after}\""
    if effect.field == "related":
        return f"{skill_title(fw, effect.skill)}: related skills are now {', '.join(effect.after) or 'none'}"
    return f"{skill_title(fw, effect.skill)}: {_FIELD_NAMES.get(str(effect.field), effect.field)}"


EXAMPLE = """\
#  - op: update-skill               # any of name, description, guidance, category, subcategory, related
#    skill: ITMG
#    name: {from: IT management, to: Technology service management}
#    related: {from: [ITOP], to: [ITOP, SYSP]}
"""

UPDATE_SKILL = Kind("update-skill", "updateSkill", "minor", _apply, _invert, _targets, _describe, "changed", EXAMPLE,
                    section=_section, summary=_summary)
