"""add-level: a skill's description at a level it does not have yet."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillrepo.model import SkillLevel
from skillrepo.operations.base import Effect, Item, Kind, Operation, PreconditionError, Run


@dataclass(frozen=True)
class LevelText:
    """A skill, one of its levels and that level's whole description: what add-level and remove-level state."""

    skill: str
    level: int
    description: str


def parse(op: Operation) -> LevelText:
    """The operation a manifest's mapping states."""
    return LevelText(op["skill"], op["level"], op["description"])


def build(skill: str, level: int, description: str) -> Operation:
    """The add-level giving `skill` at `level` the text `description`."""
    return {"op": "add-level", "skill": skill, "level": level, "description": description}


def _apply(run: Run, op: Operation) -> None:
    added = parse(op)
    skill = run.skill(added.skill)
    level = added.level
    if level in skill.levels:
        raise PreconditionError(run.where, f"{skill.code} level {level} already exists; "
                                "use update-level to change it")
    if level not in run.fw.levels and run.fw.levels:
        raise PreconditionError(run.where, f"level {level} is not a level of responsibility of this framework")
    levels = dict(skill.levels)
    levels[level] = SkillLevel(skill.code, level, added.description)
    run.put(replace(skill, levels=levels))
    run.effect(skill.code, level, "description", None, added.description)


def level_targets(op: Operation) -> set[Item]:
    """What an operation on one level of a skill touches: that level."""
    return {("level", op["skill"], op["level"])}  # the same keys in add-, update- and remove-level


def _describe(effect: Effect) -> str:
    return f"adds {effect.skill or ''} level {effect.level}"


EXAMPLE = """\
#  - op: add-level                  # define a skill at a level it does not have yet
#    skill: ITOP
#    level: 5
#    description: |-
#      Provides technical leadership of ...
"""

ADD_LEVEL = Kind("add-level", "addLevel", "major", parse, _apply, lambda op: {**op, "op": "remove-level"},
                 level_targets, _describe, "new", EXAMPLE, section=lambda effect: "new_levels")
