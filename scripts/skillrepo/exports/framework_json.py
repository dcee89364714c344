"""framework.json: the whole framework in one file, every item with its permanent id (schema:
schemas/release.schema.json)."""

from __future__ import annotations

from typing import Any

from skillrepo.domain import ATTRIBUTE_TYPES
from skillrepo.exports.ids import attribute_level_id, skill_level_id
from skillrepo.model import Attribute, Framework


def ordered_attributes(fw: Framework) -> list[Attribute]:
    """Every attribute, active and retired, in the published order (framework.yaml's order.attributes)."""
    return list(fw.attributes.values())


def document(fw: Framework, version: str) -> dict[str, Any]:
    """The framework as one JSON document."""
    return {
        "name": fw.name,
        "edition": fw.edition,
        "version": version,
        "categories": [{"name": name, "subcategories": subs} for name, subs in fw.categories.items()],
        "levels": [{"level": lv.level, "name": lv.name, "essence": lv.essence, "url": lv.url}
                   for lv in (fw.levels[n] for n in sorted(fw.levels))],
        "attributes": [_attribute(a) for a in ordered_attributes(fw)],
        "skills": [
            {"code": s.code, "id": s.id, "name": s.name, "category": s.category, "subcategory": s.subcategory,
             "status": s.status, "description": s.description, "guidance": s.guidance, "url": s.url,
             "related": list(s.related),
             "replaced_by": list(s.replaced_by),
             "levels": [{"level": n, "id": skill_level_id(s.id, n), "description": s.levels[n].description}
                        for n in sorted(s.levels)]}
            for s in fw.skills.values()  # in the published order
        ],
    }


def _attribute(a: Attribute) -> dict[str, Any]:
    return {"code": a.code, "id": a.id, "name": a.name, "type": a.type, "type_label": ATTRIBUTE_TYPES[a.type],
            "status": a.status, "description": a.description, "guidance": a.guidance, "url": a.url,
            "levels": [{"level": n, "id": attribute_level_id(a.id, n), "description": a.levels[n].description}
                       for n in sorted(a.levels)]}
