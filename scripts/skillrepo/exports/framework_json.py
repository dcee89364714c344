"""framework.json: the whole framework in one file, every item with its permanent id (schema:
schemas/release.schema.json)."""

from __future__ import annotations

from typing import Any

from skillrepo.exports.ids import skill_level_id
from skillrepo.model import Framework


def document(fw: Framework, version: str) -> dict[str, Any]:
    """The framework as one JSON document."""
    return {
        "name": fw.name,
        "edition": fw.edition,
        "version": version,
        "categories": [{"name": name, "subcategories": subs} for name, subs in fw.categories.items()],
        "levels": [{"level": lv.level, "name": lv.name, "essence": lv.essence, "url": lv.url}
                   for lv in (fw.levels[n] for n in sorted(fw.levels))],
        "skills": [
            {"code": s.code, "id": s.id, "name": s.name, "category": s.category, "subcategory": s.subcategory,
             "status": s.status, "description": s.description, "guidance": s.guidance, "url": s.url,
             "related": list(s.related),
             "replaced_by": list(s.replaced_by),
             "levels": [{"level": n, "id": skill_level_id(s.id, n), "description": s.levels[n].description}
                        for n in sorted(s.levels)]}
            for s in (fw.skills[c] for c in sorted(fw.skills))
        ],
    }
