"""update-responsibility-level: the essence and attribute texts of a level of responsibility."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillrepo.model import Framework, ResponsibilityLevel
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
)


@dataclass(frozen=True)
class UpdateResponsibilityLevel:
    """The level, the change of its essence (if any) and of each attribute it changes, in the manifest's order."""

    level: int
    essence: Change | None
    attributes: tuple[tuple[str, Change], ...]


def parse(op: Operation) -> UpdateResponsibilityLevel:
    """The operation a manifest's mapping states."""
    essence = Change.parse(op["essence"]) if "essence" in op else None
    return UpdateResponsibilityLevel(op["level"], essence,
                                     tuple((k, Change.parse(v)) for k, v in op.get("attributes", {}).items()))


def _apply(run: Run, op: Operation) -> None:
    update = parse(op)
    level = run.fw.levels.get(update.level)
    if level is None:
        raise PreconditionError(run.where, f"level of responsibility {update.level} does not exist")
    new: ResponsibilityLevel = replace(level, attributes=dict(level.attributes))
    if update.essence is not None:
        new.essence = change_value(level.essence, update.essence, run.where, "essence")
        run.effect(None, level.level, "essence", level.essence, new.essence)
    for name, change in update.attributes:
        if name not in level.attributes:
            raise PreconditionError(run.where, f"level {level.level} has no attribute '{name}'")
        new.attributes[name] = change_value(level.attributes[name], change, run.where, name)
        run.effect(None, level.level, name, level.attributes[name], new.attributes[name])
    run.fw.levels[level.level] = new


def _invert(op: Operation) -> Operation:
    update = parse(op)
    inverse: Operation = {"op": op["op"], "level": update.level}
    if update.essence is not None:
        inverse["essence"] = invert_change(update.essence)
    if "attributes" in op:
        inverse["attributes"] = {k: invert_change(v) for k, v in update.attributes}
    return inverse


def _targets(op: Operation) -> set[Item]:
    update = parse(op)
    fields = (["essence"] if update.essence is not None else []) + [name for name, _ in update.attributes]
    return {("rl", update.level, f) for f in fields}


def _describe(effect: Effect) -> str:
    return f"changes the {effect.field} of level of responsibility {effect.level}"


def _summary(effect: Effect, fw: Framework) -> str:
    return f"level {effect.level}: {effect.field}"


EXAMPLE = """\
#  - op: update-responsibility-level
#    level: 5
#    essence: {edits: [{old: "old words", new: "new words"}]}
#    attributes:
#      Autonomy: {edits: [{old: "old words", new: "new words"}]}
"""

UPDATE_RESPONSIBILITY_LEVEL = Kind("update-responsibility-level", "updateResponsibilityLevel", "minor", parse, _apply,
                                   _invert, _targets, _describe, "changed", EXAMPLE,
                                   lambda op: f"update-responsibility-level {op.get('level')}",
                                   lambda effect: "responsibility_levels", _summary)
