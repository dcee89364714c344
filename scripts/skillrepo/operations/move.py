"""move-skill and move-attribute: an item's place in the published order (the order of every export), each its
own inverse with `after` swapped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skillrepo.model import Framework
from skillrepo.operations.add_attribute import attribute_summary
from skillrepo.operations.base import (
    Effect,
    Kind,
    Operation,
    PreconditionError,
    Run,
    attribute_label,
    placed,
    preceding,
    skill_title,
)


@dataclass(frozen=True)
class Move:
    """The item, the code it comes after today and the code it is to come after (None: first)."""

    code: str
    before: str | None
    after: str | None


def _parse(key: str) -> Any:
    return lambda op: Move(op[key], op["after"]["from"], op["after"]["to"])


def _mover(key: str, what: str) -> Any:
    def apply(run: Run, op: Operation) -> None:
        move: Move = _parse(key)(op)
        items: dict[str, Any] = getattr(run.fw, f"{what}s")
        if move.code not in items:
            raise PreconditionError(run.where, f"{what} {move.code} does not exist")
        now = preceding(items, move.code)
        if now != move.before:
            raise PreconditionError(run.where, f"{move.code} comes {_place(now)}, not {_place(move.before)}")
        if move.after == move.code:
            raise PreconditionError(run.where, f"{move.code} cannot come after itself")
        setattr(run.fw, f"{what}s", placed(items, move.code, items[move.code], move.after, run.where, what))
        run.effect(move.code if what == "skill" else None, None, "order", move.before, move.after,
                   attribute=move.code if what == "attribute" else None)
    return apply


def _place(after: str | None) -> str:
    return "first" if after is None else f"after {after}"


def _invert(op: Operation) -> Operation:
    return {**op, "after": {"from": op["after"]["to"], "to": op["after"]["from"]}}


def _describe(effect: Effect) -> str:
    code = effect.skill or effect.attribute
    return f"moves {code} from {_place(effect.before)} to {_place(effect.after)} in the published order"


def _summary_skill(effect: Effect, fw: Framework) -> str:
    return f"{skill_title(fw, effect.skill)}: now {_place(effect.after)}"


def _targets(key: str, kind: str) -> Any:
    return lambda op: {(kind, op[key], "order")}


SKILL_EXAMPLE = """\
#  - op: move-skill                 # its place in the published order: after another code (null: first)
#    skill: ITMG
#    after: {from: ITOP, to: ITSP}
"""
ATTRIBUTE_EXAMPLE = """\
#  - op: move-attribute
#    attribute: BUSK
#    after: {from: KNGE, to: AUTO}
"""

MOVE_SKILL = Kind("move-skill", "moveSkill", "minor", _parse("skill"), _mover("skill", "skill"), _invert,
                  _targets("skill", "skill"), _describe, "changed", SKILL_EXAMPLE,
                  section=lambda effect: "moved_skills", summary=_summary_skill)
MOVE_ATTRIBUTE = Kind("move-attribute", "moveAttribute", "minor", _parse("attribute"),
                      _mover("attribute", "attribute"), _invert, _targets("attribute", "attribute"), _describe,
                      "changed", ATTRIBUTE_EXAMPLE, attribute_label, lambda effect: "attributes", attribute_summary)
