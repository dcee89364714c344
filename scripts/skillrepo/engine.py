"""The one pure engine: apply(framework, operations) -> (framework, effects), and the inverse of operations.

Nothing here reads or writes files. The input framework is never changed: the result shares what it did
not change (copy on write). A precondition that fails raises PreconditionError saying which change
request, which operation, what was expected and what is there now. What each operation kind means lives
in its module of skillrepo.operations; this module asks the registry.
"""

from __future__ import annotations

from skillrepo.model import Framework
from skillrepo.operations import Effect, Item, Operation, PreconditionError, Run, describe_operation, kind
from skillrepo.operations.base import nearest, occurrences

__all__ = ["Effect", "Operation", "PreconditionError", "applies", "apply", "apply_all", "describe_operation", "invert",
           "nearest", "occurrences", "overlapping", "targets", "touched"]


def apply(fw: Framework, operations: list[Operation], cr: str = "") -> tuple[Framework, list[Effect]]:
    """The framework after `operations`, and what each did; `fw` itself is left unchanged."""
    after, (effects,) = apply_all(fw, [(cr, operations)])
    return after, effects


def applies(fw: Framework, operations: list[Operation], cr: str = "") -> Framework:
    """The framework after `operations`, or the PreconditionError that stops them, without working out what each
    did (a check asks only whether a pending change request still applies)."""
    return apply_all(fw, [(cr, operations)], recording=False)[0]


def apply_all(fw: Framework, steps: list[tuple[str, list[Operation]]],
              recording: bool = True) -> tuple[Framework, list[list[Effect]]]:
    """What `apply` of each (CR id, operations) in turn gives: the framework after the last, and each step's
    effects. The framework is copied once, not once per step: a replay of thousands of change requests over
    thousands of skills would otherwise copy every skill's entry for each of them. Without `recording`, no effect
    is worked out (each step's list is empty): only the framework, or the PreconditionError."""
    run = Run(fw, "", recording)
    effects: list[list[Effect]] = []
    for cr, operations in steps:
        run.cr, run.effects = cr, []
        for index, op in enumerate(operations):
            run.index, run.op = index, op
            kind(op.get("op")).apply(run, op)
        effects.append(run.effects)
    return run.fw, effects


def invert(operations: list[Operation]) -> list[Operation]:
    """The operations that undo `operations`, in the order to apply them."""
    return [kind(op.get("op")).invert(op) for op in reversed(operations)]


def targets(op: Operation) -> set[Item]:
    """The items an operation touches: ('skill', CODE, field), ('level', CODE, N), ('attribute', CODE, field),
    ('alevel', CODE, N), ('rl', N, field), ('framework', 'framework', field)."""
    return kind(op.get("op")).targets(op)


def overlapping(a: set[Item], b: set[Item]) -> bool:
    """Whether two sets of items (from `targets`) share one: a whole skill (add-skill) holds its fields and levels,
    a whole attribute (add-attribute) its own."""
    if a & b:
        return True
    whole_a = {(item[0], item[1]) for item in a if item[0] in _WHOLE and item[2] == "*"}
    whole_b = {(item[0], item[1]) for item in b if item[0] in _WHOLE and item[2] == "*"}
    return any((_OWNER.get(item[0]), item[1]) in whole_b for item in a) or \
        any((_OWNER.get(item[0]), item[1]) in whole_a for item in b)


# The kinds of item that can be touched whole, and the item kind whose whole holds each kind of item.
_WHOLE = ("skill", "attribute")
_OWNER = {"skill": "skill", "level": "skill", "attribute": "attribute", "alevel": "attribute"}


def touched(operations: list[Operation]) -> set[Item]:
    """Every item that any of `operations` touches."""
    return set().union(*(targets(op) for op in operations))
