"""retire-skill, and unretire-skill (its inverse): a skill's status, with the skills that replace it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillrepo.model import Framework
from skillrepo.operations.base import Effect, Item, Kind, Operation, PreconditionError, Run, skill_title


@dataclass(frozen=True)
class Retirement:
    """A skill and the skills that replace it: what retire-skill and unretire-skill state."""

    skill: str
    replaced_by: tuple[str, ...]


def parse(op: Operation) -> Retirement:
    """The operation a manifest's mapping states."""
    return Retirement(op["skill"], tuple(op["replaced_by"]))


def _retire(run: Run, op: Operation) -> None:
    retirement = parse(op)
    skill = run.skill(retirement.skill)
    if skill.status == "retired":
        raise PreconditionError(run.where, f"{skill.code} is already retired")
    run.put(replace(skill, status="retired", replaced_by=list(retirement.replaced_by)))
    run.effect(skill.code, None, "status", "active", list(retirement.replaced_by))


def _unretire(run: Run, op: Operation) -> None:
    retirement = parse(op)
    skill = run.skill(retirement.skill)
    if skill.status != "retired" or skill.replaced_by != list(retirement.replaced_by):
        raise PreconditionError(run.where, f"{skill.code} is not retired with replaced_by "
                                f"[{', '.join(retirement.replaced_by)}]")
    run.put(replace(skill, status="active", replaced_by=[]))
    run.effect(skill.code, None, "status", list(retirement.replaced_by), "active")


def _targets(op: Operation) -> set[Item]:
    return {("skill", op["skill"], "status")}


def _describe_retire(effect: Effect) -> str:
    return f"retires {effect.skill}, replaced by {', '.join(effect.after)}"


def _describe_unretire(effect: Effect) -> str:
    return f"returns {effect.skill} to active"


def _summary_retire(effect: Effect, fw: Framework) -> str:
    return f"{effect.skill} retired, replaced by {', '.join(skill_title(fw, c) for c in effect.after)}"


def _summary_unretire(effect: Effect, fw: Framework) -> str:
    return f"{effect.skill} is active again"


EXAMPLE = """\
#  - op: retire-skill               # a merge is a retirement replaced by the skill it merged into
#    skill: SYSP
#    replaced_by: [ITOP]
"""

RETIRE_SKILL = Kind("retire-skill", "retireSkill", "major", parse, _retire, lambda op: {**op, "op": "unretire-skill"},
                    _targets, _describe_retire, "retired", EXAMPLE,
                    section=lambda effect: "retired_skills", summary=_summary_retire)
UNRETIRE_SKILL = Kind("unretire-skill", None, "minor", parse, _unretire, lambda op: {**op, "op": "retire-skill"},
                      _targets, _describe_unretire, "changed",
                      section=lambda effect: "retired_skills", summary=_summary_unretire)
