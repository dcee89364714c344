"""update-responsibility-level: the essence and attribute texts of a level of responsibility."""

from __future__ import annotations

from dataclasses import replace

from skillrepo.model import Framework, ResponsibilityLevel
from skillrepo.operations.base import Effect, Item, Kind, Operation, PreconditionError, Run, change_value, invert_change


def _apply(run: Run, op: Operation) -> None:
    level = run.fw.levels.get(op["level"])
    if level is None:
        raise PreconditionError(run.where, f"level of responsibility {op['level']} does not exist")
    new: ResponsibilityLevel = replace(level, attributes=dict(level.attributes))
    if "essence" in op:
        new.essence = change_value(level.essence, op["essence"], run.where, "essence")
        run.effect(None, level.level, "essence", level.essence, new.essence)
    for name, change in op.get("attributes", {}).items():
        if name not in level.attributes:
            raise PreconditionError(run.where, f"level {level.level} has no attribute '{name}'")
        new.attributes[name] = change_value(level.attributes[name], change, run.where, name)
        run.effect(None, level.level, name, level.attributes[name], new.attributes[name])
    run.fw.levels[level.level] = new


def _invert(op: Operation) -> Operation:
    inverse: Operation = {"op": op["op"], "level": op["level"]}
    if "essence" in op:
        inverse["essence"] = invert_change(op["essence"])
    if "attributes" in op:
        inverse["attributes"] = {k: invert_change(v) for k, v in op["attributes"].items()}
    return inverse


def _targets(op: Operation) -> set[Item]:
    fields = (["essence"] if "essence" in op else []) + list(op.get("attributes", {}))
    return {("rl", op["level"], f) for f in fields}


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

UPDATE_RESPONSIBILITY_LEVEL = Kind("update-responsibility-level", "updateResponsibilityLevel", "minor", _apply,
                                   _invert, _targets, _describe, "changed", EXAMPLE,
                                   lambda op: f"update-responsibility-level {op.get('level')}",
                                   lambda effect: "responsibility_levels", _summary)
