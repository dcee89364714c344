"""add-responsibility-level, and remove-responsibility-level (its inverse): a whole level of responsibility, as
framework/levels/level-N.yaml holds it."""

from __future__ import annotations

from dataclasses import dataclass

from skillrepo.model import Framework, ResponsibilityLevel
from skillrepo.operations.base import Effect, Item, Kind, Operation, PreconditionError, Run


@dataclass(frozen=True)
class NewResponsibilityLevel:
    """A level of responsibility with its name, essence and published URL: what add- and
    remove-responsibility-level state."""

    level: int
    name: str
    essence: str
    url: str | None = None


def parse(op: Operation) -> NewResponsibilityLevel:
    """The operation a manifest's mapping states."""
    return NewResponsibilityLevel(op["level"], op["name"], op["essence"], op.get("url"))


def added_level(op: Operation) -> ResponsibilityLevel:
    """The level of responsibility an add-responsibility-level adds."""
    new = parse(op)
    return ResponsibilityLevel(new.level, new.name, new.essence, new.url)


def build(level: ResponsibilityLevel) -> Operation:
    """The add-responsibility-level that adds `level` as it is."""
    op: Operation = {"op": "add-responsibility-level", "level": level.level, "name": level.name,
                     "essence": level.essence}
    if level.url is not None:
        op["url"] = level.url
    return op


def _add(run: Run, op: Operation) -> None:
    """The level must not exist."""
    level = added_level(op)
    if level.level in run.fw.levels:
        raise PreconditionError(run.where, f"level of responsibility {level.level} already exists; use "
                                "update-responsibility-level to change it")
    run.fw.levels[level.level] = level
    run.effect(None, level.level, None, None, level.name)


def _remove(run: Run, op: Operation) -> None:
    """The level must be exactly as the add-responsibility-level it undoes added it."""
    expected = added_level(op)
    level = run.fw.levels.get(expected.level)
    if level is None:
        raise PreconditionError(run.where, f"level of responsibility {expected.level} does not exist")
    changed = [key for key in ("name", "essence", "url") if getattr(level, key) != getattr(expected, key)]
    if changed:
        raise PreconditionError(run.where, f"the {', '.join(changed)} of level of responsibility {level.level} "
                                "changed since it was added")
    del run.fw.levels[level.level]
    run.effect(None, level.level, None, level.name, None)


def _targets(op: Operation) -> set[Item]:
    """The level's name, essence and URL: what update-responsibility-level may change after it."""
    return {("rl", parse(op).level, key) for key in ("name", "essence", "url")}


def _describe_add(effect: Effect) -> str:
    return f"adds level of responsibility {effect.level} \"{effect.after}\""


def _describe_remove(effect: Effect) -> str:
    return f"removes level of responsibility {effect.level} \"{effect.before}\""


def _summary(effect: Effect, fw: Framework) -> str:
    return f"level {effect.level}: {effect.after or effect.before}"


def _label(op: Operation) -> str:
    return f"{op.get('op')} {op.get('level')}"


EXAMPLE = """\
#  - op: add-responsibility-level   # a level of responsibility the framework does not have yet
#    level: 1
#    name: Follow
#    essence: What responsibility at this level means.
"""

ADD_RESPONSIBILITY_LEVEL = Kind("add-responsibility-level", "addResponsibilityLevel", "major", parse, _add,
                                lambda op: {**op, "op": "remove-responsibility-level"}, _targets, _describe_add,
                                "new", EXAMPLE, _label, lambda effect: "responsibility_levels", _summary)
REMOVE_RESPONSIBILITY_LEVEL = Kind("remove-responsibility-level", None, "major", parse, _remove,
                                   lambda op: {**op, "op": "add-responsibility-level"}, _targets, _describe_remove,
                                   "removed", label=_label, section=lambda effect: "responsibility_levels",
                                   summary=_summary)
