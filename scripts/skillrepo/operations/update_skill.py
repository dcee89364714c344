"""update-skill: changes of a skill's own fields, each `{from, to}` or `{edits}`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from skillrepo.model import Framework
from skillrepo.operations.base import (
    Change,
    Effect,
    Item,
    Kind,
    Operation,
    PreconditionError,
    Run,
    change_value,
    invert_change,
    skill_title,
)

SKILL_FIELDS: tuple[str, ...] = ("name", "description", "guidance", "url", "category", "subcategory", "related")


@dataclass(frozen=True)
class UpdateSkill:
    """The skill, and the change of each field it changes, in SKILL_FIELDS order."""

    skill: str
    changes: tuple[tuple[str, Change], ...]


def parse(op: Operation) -> UpdateSkill:
    """The operation a manifest's mapping states."""
    return UpdateSkill(op["skill"], tuple((key, Change.parse(op[key])) for key in SKILL_FIELDS if key in op))


def _apply(run: Run, op: Operation) -> None:
    update = parse(op)
    skill = run.skill(update.skill)
    changes: dict[str, Any] = {}
    if not update.changes:
        raise PreconditionError(run.where, f"changes nothing; name a field to change: {', '.join(SKILL_FIELDS)}")
    for key, change in update.changes:
        before = getattr(skill, key)
        after = change_value(before, change, run.where, key)
        changes[key] = after
        run.effect(skill.code, None, key, before, after)
    run.put(replace(skill, **changes))


def _invert(op: Operation) -> Operation:
    update = parse(op)
    return {"op": op["op"], "skill": update.skill, **{k: invert_change(c) for k, c in update.changes}}


def _targets(op: Operation) -> set[Item]:
    return {("skill", op["skill"], key) for key, _ in parse(op).changes}


def _describe(effect: Effect) -> str:
    if effect.field in ("name", "category", "subcategory"):
        return f"changes the {effect.field} of {effect.skill} from \"{effect.before}\" to \"{effect.after}\""
    if effect.field == "url":
        return f"changes the published URL of {effect.skill} from {effect.before or 'none'} to {effect.after or 'none'}"
    if effect.field == "related":
        return f"changes the skills related to {effect.skill} from [{', '.join(effect.before)}] to " \
            f"[{', '.join(effect.after)}]"
    return f"changes the {effect.field} of {effect.skill}"


# The names the changelog gives the fields whose changes it only names.
_FIELD_NAMES = {"description": "overall description", "guidance": "guidance notes", "url": "published URL"}


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
#  - op: update-skill               # any of name, description, guidance, url, category, subcategory, related
#    skill: ITMG
#    name: {from: IT management, to: Technology service management}
#    related: {from: [ITOP], to: [ITOP, SYSP]}
"""

UPDATE_SKILL = Kind("update-skill", "updateSkill", "minor", parse, _apply, _invert, _targets, _describe, "changed",
                    EXAMPLE, section=_section, summary=_summary)
