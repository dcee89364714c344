"""framework.json: the whole framework in one file, every item with its permanent id and its lifecycle across
the releases (schema: schemas/release.schema.json). An item removed or retired stays in the file, marked, so that
whoever holds an old profile can still look it up."""

from __future__ import annotations

from typing import Any

from skillrepo.domain import ATTRIBUTE_TYPES
from skillrepo.exports.ids import attribute_level_id, skill_level_id
from skillrepo.exports.lastchange import LastChanges
from skillrepo.exports.lifecycle import Key, Life, lives, states
from skillrepo.model import Attribute, Framework, Repository, Skill


def ordered_attributes(fw: Framework) -> list[Attribute]:
    """Every attribute, active and retired, in the published order (framework.yaml's order.attributes)."""
    return list(fw.attributes.values())


def skill_content(s: Skill) -> dict[str, Any]:
    """A skill's own content as framework.json gives it, without its levels (they have lives of their own)."""
    return {"code": s.code, "id": s.id, "name": s.name, "category": s.category, "subcategory": s.subcategory,
            "status": s.status, "description": s.description, "guidance": s.guidance, "url": s.url,
            "related": list(s.related), "replaced_by": list(s.replaced_by)}


def attribute_content(a: Attribute) -> dict[str, Any]:
    """An attribute's own content as framework.json gives it, without its levels."""
    return {"code": a.code, "id": a.id, "name": a.name, "type": a.type, "type_label": ATTRIBUTE_TYPES[a.type],
            "status": a.status, "description": a.description, "guidance": a.guidance, "url": a.url}


def contents(fw: Framework) -> dict[Key, dict[str, Any]]:
    """Every item's content, by its lifecycle key, in the published order."""
    found: dict[Key, dict[str, Any]] = {}
    for lv in (fw.levels[n] for n in sorted(fw.levels)):
        found["rl", lv.level] = {"level": lv.level, "name": lv.name, "essence": lv.essence, "url": lv.url}
    for a in ordered_attributes(fw):
        found["attribute", a.code] = attribute_content(a)
        for n in sorted(a.levels):
            found["alevel", a.code, n] = {"level": n, "id": attribute_level_id(a.id, n),
                                          "description": a.levels[n].description}
    for s in fw.skills.values():  # in the published order
        found["skill", s.code] = skill_content(s)
        for n in sorted(s.levels):
            found["level", s.code, n] = {"level": n, "id": skill_level_id(s.id, n),
                                         "description": s.levels[n].description}
    return found


def lifecycles(repo: Repository, version: str) -> dict[Key, Life]:
    """Each item's life over the releases up to `version` (the release being built)."""
    return lives(states(repo, version), contents)


def _entry(key: Key, life: Life, times: LastChanges, found: dict[Key, Life],
           levels: dict[Key, list[Key]]) -> dict[str, Any]:
    """An item's entry: its content (its levels' entries for a skill or an attribute), then its lifecycle."""
    entry = dict(life.content)
    if key[0] in ("skill", "attribute"):
        entry["levels"] = [_entry(k, found[k], times, found, levels) for k in levels.get(key, [])]
    entry["lifecycle"] = {
        "introduced": life.introduced, "last_changed": life.last_changed, "retired": life.retired,
        "removed": life.removed, "change_requests": times.change_requests(key), "digest": life.digest}
    return entry


def _levels_by_item(found: dict[Key, Life]) -> dict[Key, list[Key]]:
    """The keys of each skill's (or attribute's) levels, by level number: one pass, never a scan per item."""
    owner = {"level": "skill", "alevel": "attribute"}
    out: dict[Key, list[Key]] = {}
    for key in found:
        if key[0] in owner:
            out.setdefault((owner[key[0]], key[1]), []).append(key)
    for keys in out.values():
        keys.sort(key=lambda k: k[2])
    return out


def document(fw: Framework, version: str, found: dict[Key, Life], times: LastChanges) -> dict[str, Any]:
    """The framework as one JSON document: today's items in the published order, then those removed (by code)."""
    levels = _levels_by_item(found)

    def of(kind: str) -> list[dict[str, Any]]:
        keys = [k for k in published if k[0] == kind]
        keys += sorted(k for k in found if k[0] == kind and found[k].removed is not None)
        return [_entry(k, found[k], times, found, levels) for k in keys]

    published = contents(fw)
    return {
        "name": fw.name,
        "edition": fw.edition,
        "version": version,
        "categories": [{"name": name, "subcategories": subs} for name, subs in fw.categories.items()],
        "levels": of("rl"),
        "attributes": of("attribute"),
        "skills": of("skill"),
    }
