"""The first content of a framework as operations: what an initial change request holds, so that every framework
is the replay of its change requests from the empty framework (model.empty_framework)."""

from __future__ import annotations

from typing import Any

from skillrepo.model import Framework, Skill
from skillrepo.operations import Operation
from skillrepo.operations.add_responsibility_level import build as add_responsibility_level
from skillrepo.operations.update_framework import FRAMEWORK_FIELDS, framework_value


def initial_operations(fw: Framework) -> list[Operation]:
    """The operations that build exactly `fw` (all but its edition) from the empty framework: framework.yaml's
    fields, each level of responsibility, then each skill by code with its levels."""
    empty = Framework()
    changes = {key: {"from": framework_value(empty, key), "to": framework_value(fw, key)}
               for key in FRAMEWORK_FIELDS if framework_value(fw, key) != framework_value(empty, key)}
    ops: list[Operation] = [{"op": "update-framework", **changes}] if changes else []
    ops += [add_responsibility_level(fw.levels[n]) for n in sorted(fw.levels)]
    for code in sorted(fw.skills):
        ops += _skill_operations(fw.skills[code])
    return ops


def _skill_operations(skill: Skill) -> list[Operation]:
    """add-skill with every level; then retire-skill for a retired skill (add-skill adds an active one)."""
    op: dict[str, Any] = {"op": "add-skill", "code": skill.code, "id": skill.id, "name": skill.name,
                          "category": skill.category, "subcategory": skill.subcategory,
                          "description": skill.description}
    if skill.guidance is not None:
        op["guidance"] = skill.guidance
    op["related"] = list(skill.related)
    op["levels"] = [{"level": n, "description": skill.levels[n].description} for n in sorted(skill.levels)]
    if skill.status != "retired":
        return [op]
    return [op, {"op": "retire-skill", "skill": skill.code, "replaced_by": list(skill.replaced_by)}]
