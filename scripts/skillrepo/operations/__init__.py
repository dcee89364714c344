"""The operation kinds a change request may hold, one module each, and the registry everything asks.

Adding a kind is its module here, its branch in schemas/manifest.schema.json and its section in
docs/operations.md (a test keeps the three in agreement).
"""

from __future__ import annotations

from skillrepo.operations.add_attribute import ADD_ATTRIBUTE, REMOVE_ATTRIBUTE
from skillrepo.operations.add_attribute_level import ADD_ATTRIBUTE_LEVEL, REMOVE_ATTRIBUTE_LEVEL
from skillrepo.operations.add_level import ADD_LEVEL
from skillrepo.operations.add_responsibility_level import ADD_RESPONSIBILITY_LEVEL, REMOVE_RESPONSIBILITY_LEVEL
from skillrepo.operations.add_skill import ADD_SKILL, REMOVE_SKILL
from skillrepo.operations.base import Effect, Item, Kind, Operation, PreconditionError, Run, UnknownOperation
from skillrepo.operations.move import MOVE_ATTRIBUTE, MOVE_SKILL
from skillrepo.operations.remove_level import REMOVE_LEVEL
from skillrepo.operations.retire_attribute import RETIRE_ATTRIBUTE, UNRETIRE_ATTRIBUTE
from skillrepo.operations.retire_skill import RETIRE_SKILL, UNRETIRE_SKILL
from skillrepo.operations.update_attribute import UPDATE_ATTRIBUTE
from skillrepo.operations.update_attribute_level import UPDATE_ATTRIBUTE_LEVEL
from skillrepo.operations.update_framework import UPDATE_FRAMEWORK
from skillrepo.operations.update_level import UPDATE_LEVEL
from skillrepo.operations.update_responsibility_level import UPDATE_RESPONSIBILITY_LEVEL
from skillrepo.operations.update_skill import UPDATE_SKILL

__all__ = ["KINDS", "AUTHORED", "EXAMPLES", "Effect", "Item", "Kind", "Operation", "PreconditionError", "Run",
           "UnknownOperation", "kind", "describe_operation"]

# Every kind, in the schema's order; the inverses that only revert produces follow the kind they undo.
KINDS: dict[str, Kind] = {k.name: k for k in (
    ADD_SKILL, REMOVE_SKILL, UPDATE_SKILL, RETIRE_SKILL, UNRETIRE_SKILL, MOVE_SKILL, ADD_LEVEL, UPDATE_LEVEL,
    REMOVE_LEVEL, ADD_RESPONSIBILITY_LEVEL, REMOVE_RESPONSIBILITY_LEVEL, UPDATE_RESPONSIBILITY_LEVEL, ADD_ATTRIBUTE,
    REMOVE_ATTRIBUTE, UPDATE_ATTRIBUTE, RETIRE_ATTRIBUTE, UNRETIRE_ATTRIBUTE, MOVE_ATTRIBUTE, ADD_ATTRIBUTE_LEVEL,
    UPDATE_ATTRIBUTE_LEVEL, REMOVE_ATTRIBUTE_LEVEL, UPDATE_FRAMEWORK)}
# The kinds a manifest may hold: those with a branch in the manifest schema.
AUTHORED: tuple[Kind, ...] = tuple(k for k in KINDS.values() if k.schema is not None)
# The order `new` shows the examples in: the everyday level changes first.
EXAMPLES: tuple[Kind, ...] = (ADD_LEVEL, UPDATE_LEVEL, REMOVE_LEVEL, ADD_SKILL, UPDATE_SKILL, RETIRE_SKILL,
                              UPDATE_RESPONSIBILITY_LEVEL, UPDATE_ATTRIBUTE_LEVEL, ADD_ATTRIBUTE_LEVEL,
                              REMOVE_ATTRIBUTE_LEVEL, UPDATE_ATTRIBUTE, ADD_ATTRIBUTE, RETIRE_ATTRIBUTE,
                              MOVE_SKILL, MOVE_ATTRIBUTE, UPDATE_FRAMEWORK, ADD_RESPONSIBILITY_LEVEL)


def kind(name: object) -> Kind:
    """The kind called `name`, or UnknownOperation (never a silent default)."""
    found = KINDS.get(name) if isinstance(name, str) else None
    if found is None:
        raise UnknownOperation(f"unknown operation kind {name!r}; the kinds are: {', '.join(KINDS)}")
    return found


def describe_operation(op: Operation) -> str:
    """An operation as people name it: 'update-level ITOP level 3'."""
    return kind(op.get("op")).label(op)
