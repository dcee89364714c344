"""update-responsibility-level: the name, essence or published URL of a level of responsibility."""

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
)

RESPONSIBILITY_LEVEL_FIELDS: tuple[str, ...] = ("name", "essence", "url")


@dataclass(frozen=True)
class UpdateResponsibilityLevel:
    """The level, and the change of each field it changes, in RESPONSIBILITY_LEVEL_FIELDS order."""

    level: int
    changes: tuple[tuple[str, Change], ...]


def parse(op: Operation) -> UpdateResponsibilityLevel:
    """The operation a manifest's mapping states."""
    return UpdateResponsibilityLevel(op["level"], tuple((key, Change.parse(op[key]))
                                                        for key in RESPONSIBILITY_LEVEL_FIELDS if key in op))


def _apply(run: Run, op: Operation) -> None:
    update = parse(op)
    level = run.fw.levels.get(update.level)
    if level is None:
        raise PreconditionError(run.where, f"level of responsibility {update.level} does not exist")
    if not update.changes:
        raise PreconditionError(run.where, "changes nothing; name a field to change: "
                                f"{', '.join(RESPONSIBILITY_LEVEL_FIELDS)}")
    changes: dict[str, Any] = {}
    for key, change in update.changes:
        before = getattr(level, key)
        changes[key] = change_value(before, change, run.where, key)
        run.effect(None, level.level, key, before, changes[key])
    run.fw.levels[level.level] = replace(level, **changes)


def _invert(op: Operation) -> Operation:
    update = parse(op)
    return {"op": op["op"], "level": update.level, **{k: invert_change(c) for k, c in update.changes}}


def _targets(op: Operation) -> set[Item]:
    update = parse(op)
    return {("rl", update.level, key) for key, _ in update.changes}


def _describe(effect: Effect) -> str:
    what = "published URL" if effect.field == "url" else effect.field
    return f"changes the {what} of level of responsibility {effect.level}"


def _summary(effect: Effect, fw: Framework) -> str:
    return f"level {effect.level}: {effect.field}"


EXAMPLE = """\
#  - op: update-responsibility-level   # any of name, essence, url
#    level: 5
#    essence: {edits: [{old: "old words", new: "new words"}]}
"""

UPDATE_RESPONSIBILITY_LEVEL = Kind("update-responsibility-level", "updateResponsibilityLevel", "minor", parse, _apply,
                                   _invert, _targets, _describe, "changed", EXAMPLE,
                                   lambda op: f"update-responsibility-level {op.get('level')}",
                                   lambda effect: "responsibility_levels", _summary)
