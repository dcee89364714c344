"""update-level: the description of a skill at a level, `{from, to}` or `{edits}`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillrepo.operations.add_level import level_targets
from skillrepo.operations.base import (
    Change,
    Effect,
    Kind,
    Operation,
    PreconditionError,
    Run,
    change_value,
    invert_change,
    levels_text,
)


def build(skill: str, level: int, before: str, after: str) -> Operation:
    """The update-level replacing the whole text `before` of `skill` at `level` with `after`."""
    return {"op": "update-level", "skill": skill, "level": level, "description": {"from": before, "to": after}}


@dataclass(frozen=True)
class UpdateLevel:
    """The skill, its level, and the change of that level's description."""

    skill: str
    level: int
    description: Change


def parse(op: Operation) -> UpdateLevel:
    """The operation a manifest's mapping states."""
    return UpdateLevel(op["skill"], op["level"], Change.parse(op["description"]))


def _apply(run: Run, op: Operation) -> None:
    update = parse(op)
    skill = run.skill(update.skill)
    level = update.level
    current = skill.levels.get(level)
    if current is None:
        raise PreconditionError(run.where, f"{skill.code} level {level} does not exist; "
                                f"{skill.code} is defined at levels {levels_text(skill.levels)}")
    after = change_value(current.description, update.description, run.where, "description")
    levels = dict(skill.levels)
    levels[level] = replace(current, description=after)
    run.put(replace(skill, levels=levels))
    run.effect(skill.code, level, "description", current.description, after)


def _invert(op: Operation) -> Operation:
    update = parse(op)
    return {"op": op["op"], "skill": update.skill, "level": update.level,
            "description": invert_change(update.description)}


def _describe(effect: Effect) -> str:
    return f"changes the description of {effect.skill or ''} level {effect.level}"


EXAMPLE = """\
#  - op: update-level               # change a level description: whole texts ...
#    skill: SYSP
#    level: 3
#    description: {from: "the whole text today", to: "the whole new text"}
#
#  - op: update-level               # ... or edits: each old text occurs exactly once today
#    skill: SYSP
#    level: 4
#    description:
#      edits:
#        - {old: "monitors the estate", new: "monitors and tunes the estate"}
"""

UPDATE_LEVEL = Kind("update-level", "updateLevel", "minor", parse, _apply, _invert, level_targets, _describe, "changed",
                    EXAMPLE)
