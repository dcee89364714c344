"""add-level: a skill's description at a level it does not have yet."""

from __future__ import annotations

from dataclasses import replace

from skillrepo.model import SkillLevel
from skillrepo.operations.base import Effect, Item, Kind, Operation, PreconditionError, Run


def build(skill: str, level: int, description: str) -> Operation:
    """The add-level giving `skill` at `level` the text `description`."""
    return {"op": "add-level", "skill": skill, "level": level, "description": description}


def _apply(run: Run, op: Operation) -> None:
    skill = run.skill(op["skill"])
    level = op["level"]
    if level in skill.levels:
        raise PreconditionError(run.where, f"{skill.code} level {level} already exists; "
                                "use update-level to change it")
    if level not in run.fw.levels and run.fw.levels:
        raise PreconditionError(run.where, f"level {level} is not a level of responsibility of this framework")
    levels = dict(skill.levels)
    levels[level] = SkillLevel(skill.code, level, op["description"])
    run.put(replace(skill, levels=levels))
    run.effect(skill.code, level, "description", None, op["description"])


def level_targets(op: Operation) -> set[Item]:
    """What an operation on one level of a skill touches: that level."""
    return {("level", op["skill"], op["level"])}


def _describe(effect: Effect) -> str:
    return f"adds {effect.skill or ''} level {effect.level}"


EXAMPLE = """\
#  - op: add-level                  # define a skill at a level it does not have yet
#    skill: ITOP
#    level: 5
#    description: |-
#      Provides technical leadership of ...
"""

ADD_LEVEL = Kind("add-level", "addLevel", "major", _apply, lambda op: {**op, "op": "remove-level"}, level_targets,
                 _describe, "new", EXAMPLE, section=lambda effect: "new_levels")
