"""update-attribute: changes of an attribute's own fields, each `{from, to}` or `{edits}`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from skillrepo.domain import ATTRIBUTE_TYPES
from skillrepo.operations.add_attribute import attribute_summary
from skillrepo.operations.base import (
    Change,
    Effect,
    Item,
    Kind,
    Operation,
    PreconditionError,
    Run,
    attribute_label,
    change_value,
    invert_change,
)

ATTRIBUTE_FIELDS: tuple[str, ...] = ("name", "type", "description", "guidance", "url")


@dataclass(frozen=True)
class UpdateAttribute:
    """The attribute, and the change of each field it changes, in ATTRIBUTE_FIELDS order."""

    attribute: str
    changes: tuple[tuple[str, Change], ...]


def parse(op: Operation) -> UpdateAttribute:
    """The operation a manifest's mapping states."""
    changes = tuple((key, Change.parse(op[key])) for key in ATTRIBUTE_FIELDS if key in op)
    return UpdateAttribute(op["attribute"], changes)


def _apply(run: Run, op: Operation) -> None:
    update = parse(op)
    attribute = run.attribute(update.attribute)
    if not update.changes:
        raise PreconditionError(run.where, f"changes nothing; name a field to change: {', '.join(ATTRIBUTE_FIELDS)}")
    changes: dict[str, Any] = {}
    for key, change in update.changes:
        before = getattr(attribute, key)
        changes[key] = change_value(before, change, run.where, key)
        impact = "major" if key == "type" else None  # another kind of attribute reads every level differently
        run.effect(None, None, key, before, changes[key], impact, attribute=attribute.code)
    run.put_attribute(replace(attribute, **changes))


def _invert(op: Operation) -> Operation:
    update = parse(op)
    return {"op": op["op"], "attribute": update.attribute, **{k: invert_change(c) for k, c in update.changes}}


def _targets(op: Operation) -> set[Item]:
    return {("attribute", op["attribute"], key) for key, _ in parse(op).changes}


def _describe(effect: Effect) -> str:
    if effect.field == "name":
        return f"renames attribute {effect.attribute} from \"{effect.before}\" to \"{effect.after}\""
    if effect.field == "type":
        return f"changes the type of attribute {effect.attribute} from {ATTRIBUTE_TYPES[effect.before]} to " \
            f"{ATTRIBUTE_TYPES[effect.after]}"
    if effect.field == "url":
        return f"changes the published URL of attribute {effect.attribute} from {effect.before or 'none'} to " \
            f"{effect.after or 'none'}"
    return f"changes the {effect.field} of attribute {effect.attribute}"


EXAMPLE = """\
#  - op: update-attribute           # any of name, type, description, guidance, url
#    attribute: AUTO
#    description: {edits: [{old: "old words", new: "new words"}]}
"""

UPDATE_ATTRIBUTE = Kind("update-attribute", "updateAttribute", "minor", parse, _apply, _invert, _targets, _describe,
                        "changed", EXAMPLE, attribute_label, lambda effect: "attributes", attribute_summary)
