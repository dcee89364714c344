"""add-attribute-level, and remove-attribute-level (each the other's inverse): an attribute's whole description
at one level of responsibility."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillrepo.model import AttributeLevel
from skillrepo.operations.add_attribute import attribute_summary
from skillrepo.operations.base import (
    Effect,
    Item,
    Kind,
    Operation,
    PreconditionError,
    Run,
    attribute_label,
    levels_text,
    short,
)


@dataclass(frozen=True)
class AttributeLevelText:
    """An attribute, one level and the attribute's whole text there."""

    attribute: str
    level: int
    description: str


def parse(op: Operation) -> AttributeLevelText:
    """The operation a manifest's mapping states."""
    return AttributeLevelText(op["attribute"], op["level"], op["description"])


def attribute_level_targets(op: Operation) -> set[Item]:
    """What an operation on one level of an attribute touches: that level."""
    return {("alevel", op["attribute"], op["level"])}


def _add(run: Run, op: Operation) -> None:
    added = parse(op)
    attribute = run.attribute(added.attribute)
    if added.level in attribute.levels:
        raise PreconditionError(run.where, f"attribute {attribute.code} is already described at level {added.level}; "
                                "use update-attribute-level to change it")
    if added.level not in run.fw.levels and run.fw.levels:
        raise PreconditionError(run.where, f"level {added.level} is not a level of responsibility of this framework")
    levels = dict(attribute.levels)
    levels[added.level] = AttributeLevel(attribute.code, added.level, added.description)
    run.put_attribute(replace(attribute, levels=levels))
    run.effect(None, added.level, "description", None, added.description, attribute=attribute.code)


def _remove(run: Run, op: Operation) -> None:
    removed = parse(op)
    attribute = run.attribute(removed.attribute)
    current = attribute.levels.get(removed.level)
    if current is None:
        raise PreconditionError(run.where, f"attribute {attribute.code} is not described at level {removed.level}; "
                                f"it is at levels {levels_text(attribute.levels)}")
    if current.description != removed.description:
        raise PreconditionError(run.where, f"the description of attribute {attribute.code} at level {removed.level} "
                                f"is not the text the operation removes; found \"{short(current.description)}\"")
    levels = dict(attribute.levels)
    del levels[removed.level]
    run.put_attribute(replace(attribute, levels=levels))
    run.effect(None, removed.level, "description", current.description, None, attribute=attribute.code)


def _describe_add(effect: Effect) -> str:
    return f"describes attribute {effect.attribute} at level {effect.level}"


def _describe_remove(effect: Effect) -> str:
    return f"removes the description of attribute {effect.attribute} at level {effect.level}"


EXAMPLE = """\
#  - op: add-attribute-level        # describe an attribute at a level it is not described at yet
#    attribute: LEAD
#    level: 2
#    description: |-
#      What the attribute means at this level.
"""
REMOVE_EXAMPLE = """\
#  - op: remove-attribute-level     # description: the text removed, so that it can be reverted
#    attribute: LEAD
#    level: 2
#    description: |-
#      The whole text of the level today.
"""

ADD_ATTRIBUTE_LEVEL = Kind("add-attribute-level", "addAttributeLevel", "major", parse, _add,
                           lambda op: {**op, "op": "remove-attribute-level"}, attribute_level_targets, _describe_add,
                           "new", EXAMPLE, attribute_label, lambda effect: "attributes", attribute_summary)
REMOVE_ATTRIBUTE_LEVEL = Kind("remove-attribute-level", "removeAttributeLevel", "major", parse, _remove,
                              lambda op: {**op, "op": "add-attribute-level"}, attribute_level_targets,
                              _describe_remove, "removed", REMOVE_EXAMPLE, attribute_label,
                              lambda effect: "attributes", attribute_summary)
