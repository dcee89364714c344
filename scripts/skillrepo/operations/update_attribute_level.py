"""update-attribute-level: an attribute's description at a level, `{from, to}` or `{edits}`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillrepo.operations.add_attribute import attribute_summary
from skillrepo.operations.add_attribute_level import attribute_level_targets
from skillrepo.operations.base import (
    Change,
    Effect,
    Kind,
    Operation,
    PreconditionError,
    Run,
    attribute_label,
    change_value,
    invert_change,
    levels_text,
)


@dataclass(frozen=True)
class UpdateAttributeLevel:
    """The attribute, the level, and the change of the attribute's text there."""

    attribute: str
    level: int
    description: Change


def parse(op: Operation) -> UpdateAttributeLevel:
    """The operation a manifest's mapping states."""
    return UpdateAttributeLevel(op["attribute"], op["level"], Change.parse(op["description"]))


def build(attribute: str, level: int, before: str, after: str) -> Operation:
    """The update-attribute-level replacing the whole text `before` of `attribute` at `level` with `after`."""
    return {"op": "update-attribute-level", "attribute": attribute, "level": level,
            "description": {"from": before, "to": after}}


def _apply(run: Run, op: Operation) -> None:
    update = parse(op)
    attribute = run.attribute(update.attribute)
    current = attribute.levels.get(update.level)
    if current is None:
        raise PreconditionError(run.where, f"attribute {attribute.code} is not described at level {update.level}; "
                                f"it is at levels {levels_text(attribute.levels)}")
    after = change_value(current.description, update.description, run.where, "description")
    levels = dict(attribute.levels)
    levels[update.level] = replace(current, description=after)
    run.put_attribute(replace(attribute, levels=levels))
    run.effect(None, update.level, "description", current.description, after, attribute=attribute.code)


def _invert(op: Operation) -> Operation:
    update = parse(op)
    return {"op": op["op"], "attribute": update.attribute, "level": update.level,
            "description": invert_change(update.description)}


def _describe(effect: Effect) -> str:
    return f"changes the description of attribute {effect.attribute} at level {effect.level}"


EXAMPLE = """\
#  - op: update-attribute-level     # whole texts (from/to) or edits, as update-level
#    attribute: AUTO
#    level: 3
#    description: {edits: [{old: "old words", new: "new words"}]}
"""

UPDATE_ATTRIBUTE_LEVEL = Kind("update-attribute-level", "updateAttributeLevel", "minor", parse, _apply, _invert,
                              attribute_level_targets, _describe, "changed", EXAMPLE, attribute_label,
                              lambda effect: "attributes", attribute_summary)
