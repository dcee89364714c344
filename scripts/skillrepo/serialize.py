"""The model as files: the data of each framework file, and the files that differ between two frameworks."""

from __future__ import annotations

from typing import Any

from skillrepo import canonical
from skillrepo.layout import FRAMEWORK_FILE, level_path, skill_level_path, skill_path
from skillrepo.model import Framework, ResponsibilityLevel, Skill, SkillLevel
from skillrepo.schemas import property_order


def skill_data(skill: Skill) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": skill.code, "id": skill.id, "name": skill.name, "category": skill.category,
        "subcategory": skill.subcategory, "status": skill.status, "description": skill.description,
    }
    if skill.guidance is not None:
        data["guidance"] = skill.guidance
    if skill.url is not None:
        data["url"] = skill.url
    data["related"] = list(skill.related)
    if skill.replaced_by:
        data["replaced_by"] = list(skill.replaced_by)
    return data


def skill_level_data(level: SkillLevel) -> dict[str, Any]:
    return {"skill": level.skill, "level": level.level, "description": level.description}


def level_data(level: ResponsibilityLevel) -> dict[str, Any]:
    return {"level": level.level, "name": level.name, "essence": level.essence, "attributes": dict(level.attributes)}


def framework_data(fw: Framework) -> dict[str, Any]:
    """framework.yaml's data: name, edition, attributes, and categories (in order) with their subcategories."""
    return {"name": fw.name, "edition": fw.edition, "attributes": list(fw.attributes),
            "categories": [{"name": name, "subcategories": list(subs)} for name, subs in fw.categories.items()]}


def render(path: str, kind: str, data: dict[str, Any]) -> bytes:
    """A framework file's canonical bytes."""
    return canonical.dump(path, kind, data, property_order(kind)).encode("utf-8")


def file_changes(before: Framework, after: Framework) -> dict[str, bytes | None]:
    """The framework files to write (bytes) or delete (None) to go from `before` to `after`."""
    out: dict[str, bytes | None] = {}
    if framework_data(before) != framework_data(after):  # only an update-framework changes it
        out[FRAMEWORK_FILE] = render(FRAMEWORK_FILE, "framework", framework_data(after))
    for code in before.skills.keys() | after.skills.keys():
        old, new = before.skills.get(code), after.skills.get(code)
        if old is new:
            continue
        if new is None:
            assert old is not None
            out[skill_path(code)] = None
            for level in old.levels:
                out[skill_level_path(code, level)] = None
            continue
        if old is None or skill_data(old) != skill_data(new):
            out[skill_path(code)] = render(skill_path(code), "skill", skill_data(new))
        old_levels = old.levels if old is not None else {}
        for level in old_levels.keys() | new.levels.keys():
            a, b = old_levels.get(level), new.levels.get(level)
            path = skill_level_path(code, level)
            if b is None:
                out[path] = None
            elif a is None or a.description != b.description:
                out[path] = render(path, "skill-level", skill_level_data(b))
    for number in before.levels.keys() | after.levels.keys():
        old_rl, new_rl = before.levels.get(number), after.levels.get(number)
        if new_rl is None:
            out[level_path(number)] = None  # removed by undoing its add-responsibility-level
        elif old_rl is not new_rl and (old_rl is None or old_rl != new_rl):
            out[level_path(number)] = render(level_path(number), "level", level_data(new_rl))
    return out
