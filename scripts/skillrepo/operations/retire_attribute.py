"""retire-attribute, and unretire-attribute (its inverse): an attribute's status."""

from __future__ import annotations

from dataclasses import replace

from skillrepo.model import Framework
from skillrepo.operations.base import (
    Effect,
    Item,
    Kind,
    Operation,
    PreconditionError,
    Run,
    attribute_label,
    attribute_title,
)


def parse(op: Operation) -> str:
    """The code of the attribute the operation retires (or returns to active)."""
    return str(op["attribute"])


def _set_status(run: Run, op: Operation, status: str) -> None:
    attribute = run.attribute(parse(op))
    if attribute.status == status:
        raise PreconditionError(run.where, f"attribute {attribute.code} is already {status}")
    run.put_attribute(replace(attribute, status=status))
    run.effect(None, None, "status", attribute.status, status, attribute=attribute.code)


def _targets(op: Operation) -> set[Item]:
    return {("attribute", op["attribute"], "status")}


def _describe(effect: Effect) -> str:
    return f"retires attribute {effect.attribute}" if effect.after == "retired" else \
        f"returns attribute {effect.attribute} to active"


def _summary(effect: Effect, fw: Framework) -> str:
    return f"{attribute_title(fw, effect.attribute)} {'retired' if effect.after == 'retired' else 'is active again'}"


EXAMPLE = """\
#  - op: retire-attribute           # kept, marked retired, so that profiles that used it can look it up
#    attribute: DIGI
"""

RETIRE_ATTRIBUTE = Kind("retire-attribute", "retireAttribute", "major", parse,
                        lambda run, op: _set_status(run, op, "retired"), lambda op: {**op, "op": "unretire-attribute"},
                        _targets, _describe, "retired", EXAMPLE, attribute_label, lambda effect: "attributes",
                        _summary)
UNRETIRE_ATTRIBUTE = Kind("unretire-attribute", None, "minor", parse, lambda run, op: _set_status(run, op, "active"),
                          lambda op: {**op, "op": "retire-attribute"}, _targets, _describe, "changed",
                          label=attribute_label, section=lambda effect: "attributes", summary=_summary)
