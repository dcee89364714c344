"""The model as files: the data of each framework file, and the files that differ between two frameworks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skillrepo import canonical
from skillrepo.layout import (
    FRAMEWORK_FILE,
    attribute_level_path,
    attribute_path,
    level_path,
    skill_level_path,
    skill_path,
)
from skillrepo.model import Attribute, AttributeLevel, Framework, ResponsibilityLevel, Skill, SkillLevel
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


def attribute_data(attribute: Attribute) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": attribute.code, "id": attribute.id, "name": attribute.name, "type": attribute.type,
        "status": attribute.status, "description": attribute.description,
    }
    if attribute.guidance is not None:
        data["guidance"] = attribute.guidance
    if attribute.url is not None:
        data["url"] = attribute.url
    return data


def attribute_level_data(level: AttributeLevel) -> dict[str, Any]:
    return {"attribute": level.attribute, "level": level.level, "description": level.description}


def level_data(level: ResponsibilityLevel) -> dict[str, Any]:
    data: dict[str, Any] = {"level": level.level, "name": level.name, "essence": level.essence}
    if level.url is not None:
        data["url"] = level.url
    return data


def framework_data(fw: Framework) -> dict[str, Any]:
    """framework.yaml's data: name, edition, categories (in order) with their subcategories, and the published
    order of the skills and attributes."""
    return {"name": fw.name, "edition": fw.edition,
            "categories": [{"name": name, "subcategories": list(subs)} for name, subs in fw.categories.items()],
            "order": {"skills": list(fw.skills), "attributes": list(fw.attributes)}}


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
        if old is not new:
            _item_changes(out, code, old, new, _SKILL_FILES)
    for code in before.attributes.keys() | after.attributes.keys():
        old_a, new_a = before.attributes.get(code), after.attributes.get(code)
        if old_a is not new_a:
            _item_changes(out, code, old_a, new_a, _ATTRIBUTE_FILES)
    for number in before.levels.keys() | after.levels.keys():
        old_rl, new_rl = before.levels.get(number), after.levels.get(number)
        if new_rl is None:
            out[level_path(number)] = None  # removed by undoing its add-responsibility-level
        elif old_rl is not new_rl and (old_rl is None or old_rl != new_rl):
            out[level_path(number)] = render(level_path(number), "level", level_data(new_rl))
    return out


@dataclass(frozen=True)
class _Files:
    """How a skill or an attribute is written: its file, its level files, and the kinds and data of each."""

    kind: str
    path: Callable[[str], str]
    data: Callable[[Any], dict[str, Any]]
    level_path: Callable[[str, int], str]
    level_data: Callable[[Any], dict[str, Any]]


_SKILL_FILES = _Files("skill", skill_path, skill_data, skill_level_path, skill_level_data)
_ATTRIBUTE_FILES = _Files("attribute", attribute_path, attribute_data, attribute_level_path, attribute_level_data)


def _item_changes(out: dict[str, bytes | None], code: str, old: Skill | Attribute | None,
                  new: Skill | Attribute | None, files: _Files) -> None:
    """The files of one skill (or attribute) to write or delete, into `out`."""
    if new is None:
        assert old is not None
        out[files.path(code)] = None
        for level in old.levels:
            out[files.level_path(code, level)] = None
        return
    if old is None or files.data(old) != files.data(new):
        out[files.path(code)] = render(files.path(code), files.kind, files.data(new))
    old_levels: dict[int, Any] = dict(old.levels) if old is not None else {}
    for level in old_levels.keys() | new.levels.keys():
        a, b = old_levels.get(level), new.levels.get(level)
        path = files.level_path(code, level)
        if b is None:
            out[path] = None
        elif a is None or a.description != b.description:
            out[path] = render(path, f"{files.kind}-level", files.level_data(b))
