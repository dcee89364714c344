"""The first content of a framework as operations: what an initial change request holds, so that every framework
is the replay of its change requests from the empty framework (model.empty_framework)."""

from __future__ import annotations

import json
from typing import Any

from skillrepo.domain import MAX_FILE_BYTES
from skillrepo.model import Framework, Skill
from skillrepo.operations import Operation
from skillrepo.operations.add_attribute import build as add_attribute
from skillrepo.operations.add_responsibility_level import build as add_responsibility_level
from skillrepo.operations.update_framework import FRAMEWORK_FIELDS, framework_value

# What one initial change request's operations may take, as _yaml_size counts: half of what a file may hold, so
# that its manifest (the operations as YAML, with its prose) stays well under MAX_FILE_BYTES.
PART_BUDGET = MAX_FILE_BYTES // 2


def initial_operations(fw: Framework) -> list[Operation]:
    """The operations that build exactly `fw` (all but its edition) from the empty framework: framework.yaml's
    fields, each level of responsibility, each attribute with its levels, then each skill with its levels, the
    attributes and the skills in the published order (each added last)."""
    return [op for group in _groups(fw) for op in group]


def initial_parts(fw: Framework, budget: int = PART_BUDGET) -> list[list[Operation]]:
    """initial_operations(fw) cut, in order, into parts of at most `budget` bytes each as _yaml_size counts (one
    part if all fit): the first starts with the framework's fields and levels; a skill is never cut apart."""
    parts: list[list[Operation]] = []
    used = 0
    for group in _groups(fw):
        size = sum(_yaml_size(op) for op in group)
        if not parts or (used + size > budget and used > 0):
            parts.append([])
            used = 0
        parts[-1] += group
        used += size
    return parts


def _yaml_size(op: Operation) -> int:
    """At least the bytes a manifest takes for `op`, from its JSON in one pass: YAML folds a text at about 100
    columns and indents each line (at most 10 spaces: an eighth more), and writes a line break as a blank line
    (two indented lines). ASCII escapes already count 6 bytes for a character UTF-8 writes in 2 or 3."""
    text = json.dumps(op)
    return len(text) + len(text) // 8 + 24 * text.count("\\n")


def _groups(fw: Framework) -> list[list[Operation]]:
    """The operations in the groups a part never cuts: framework.yaml's fields with the levels and the attributes,
    then each skill."""
    empty = Framework()
    changes = {key: {"from": framework_value(empty, key), "to": framework_value(fw, key)}
               for key in FRAMEWORK_FIELDS if framework_value(fw, key) != framework_value(empty, key)}
    head: list[Operation] = [{"op": "update-framework", **changes}] if changes else []
    head += [add_responsibility_level(fw.levels[n]) for n in sorted(fw.levels)]
    for attribute in fw.attributes.values():
        head.append(add_attribute(attribute))
        if attribute.status == "retired":
            head.append({"op": "retire-attribute", "attribute": attribute.code})
    return [head, *(_skill_operations(skill) for skill in fw.skills.values())]  # in the published order


def part_skills(operations: list[Operation]) -> list[str]:
    """The codes of the skills a part adds, in order."""
    return [str(op["code"]) for op in operations if op.get("op") == "add-skill"]


def _skill_operations(skill: Skill) -> list[Operation]:
    """add-skill with every level; then retire-skill for a retired skill (add-skill adds an active one)."""
    op: dict[str, Any] = {"op": "add-skill", "code": skill.code, "id": skill.id, "name": skill.name,
                          "category": skill.category, "subcategory": skill.subcategory,
                          "description": skill.description}
    if skill.guidance is not None:
        op["guidance"] = skill.guidance
    if skill.url is not None:
        op["url"] = skill.url
    op["related"] = list(skill.related)
    op["levels"] = [{"level": n, "description": skill.levels[n].description} for n in sorted(skill.levels)]
    if skill.status != "retired":
        return [op]
    return [op, {"op": "retire-skill", "skill": skill.code, "replaced_by": list(skill.replaced_by)}]
