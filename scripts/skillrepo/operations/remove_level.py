"""remove-level: a skill's description at one level, stated in full so that it can be put back."""

from __future__ import annotations

from dataclasses import replace

from skillrepo.operations.add_level import level_targets, parse
from skillrepo.operations.base import Effect, Kind, Operation, PreconditionError, Run, short


def _apply(run: Run, op: Operation) -> None:
    removed = parse(op)
    skill = run.skill(removed.skill)
    level = removed.level
    current = skill.levels.get(level)
    if current is None:
        raise PreconditionError(run.where, f"{skill.code} level {level} does not exist")
    if current.description != removed.description:
        raise PreconditionError(run.where, f"the description of {skill.code} level {level} is not the text "
                                f"the operation removes; found \"{short(current.description)}\"")
    levels = dict(skill.levels)
    del levels[level]
    run.put(replace(skill, levels=levels))
    run.effect(skill.code, level, "description", current.description, None)


def _describe(effect: Effect) -> str:
    return f"removes {effect.skill or ''} level {effect.level}"


EXAMPLE = """\
#  - op: remove-level               # description: the text removed, so that it can be reverted
#    skill: SYSP
#    level: 5
#    description: |-
#      The whole text of the level today.
"""

REMOVE_LEVEL = Kind("remove-level", "removeLevel", "major", parse, _apply, lambda op: {**op, "op": "add-level"},
                    level_targets, _describe, "removed", EXAMPLE, section=lambda effect: "removed_levels")
