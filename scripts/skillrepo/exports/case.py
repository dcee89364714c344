"""case.json: the framework as a 1EdTech CASE 1.1 CFPackage, so that CASE tools (OpenSALT and others) load it.

CFItems for categories, subcategories, skills and skill levels; CFAssociations `isChildOf` for the tree,
`replacedBy` for retirements and merges, `isRelatedTo` for related skills. Identifiers are UUIDs that stay
the same across releases for the same item; URIs are `urn:uuid:` forms of them.
"""

from __future__ import annotations

from typing import Any

from skillrepo.exports.ids import derived_id, skill_level_id
from skillrepo.model import Framework

ITEM_TYPES = ("Category", "Subcategory", "Skill", "Skill level")


def _uri(identifier: str) -> str:
    return f"urn:uuid:{identifier}"


def _link(identifier: str, title: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": _uri(identifier)}


class _Package:
    """The items and associations of a CFPackage as they are added, each titled for the links to it."""

    def __init__(self, fw: Framework, timestamp: str) -> None:
        self.doc_id = derived_id("document", fw.name)
        self.doc_link = _link(self.doc_id, fw.name)
        self.timestamp = timestamp
        self.items: list[dict[str, Any]] = []
        self.associations: list[dict[str, Any]] = []
        self.titles: dict[str, str] = {self.doc_id: fw.name}

    def item(self, identifier: str, statement: str, kind: str, code: str | None = None,
             abbreviated: str | None = None, notes: str | None = None) -> None:
        """Add a CFItem."""
        entry: dict[str, Any] = {
            "identifier": identifier, "uri": _uri(identifier), "CFDocumentURI": self.doc_link,
            "fullStatement": statement, "CFItemType": kind, "language": "en", "lastChangeDateTime": self.timestamp,
        }
        if code is not None:
            entry["humanCodingScheme"] = code
        if abbreviated is not None:
            entry["abbreviatedStatement"] = abbreviated
        if notes:
            entry["notes"] = notes
        self.items.append(entry)
        self.titles[identifier] = abbreviated or statement[:60]

    def associate(self, kind: str, origin: str, destination: str, sequence: int | None = None) -> None:
        """Add a CFAssociation between two items already added."""
        identifier = derived_id("association", kind, origin, destination)
        entry: dict[str, Any] = {
            "identifier": identifier, "uri": _uri(identifier), "CFDocumentURI": self.doc_link,
            "associationType": kind, "lastChangeDateTime": self.timestamp,
            "originNodeURI": _link(origin, self.titles[origin]),
            "destinationNodeURI": _link(destination, self.titles[destination]),
        }
        if sequence is not None:
            entry["sequenceNumber"] = sequence
        self.associations.append(entry)


def _tree(fw: Framework, out: _Package) -> None:
    """The categories, subcategories, skills and skill levels, each a child of the one above it."""
    doc_id, item, associate, titles = out.doc_id, out.item, out.associate, out.titles
    for c_index, (category, subcategories) in enumerate(fw.categories.items(), 1):
        cat_id = derived_id("category", category)
        item(cat_id, category, "Category", abbreviated=category)
        associate("isChildOf", cat_id, doc_id, c_index)
        for s_index, sub in enumerate(subcategories, 1):
            sub_id = derived_id("subcategory", category, sub)
            item(sub_id, sub, "Subcategory", abbreviated=sub)
            associate("isChildOf", sub_id, cat_id, s_index)
    for code in sorted(fw.skills):
        skill = fw.skills[code]
        item(skill.id, skill.description, "Skill", code, skill.name, skill.guidance)
        parent = derived_id("subcategory", skill.category, skill.subcategory)
        associate("isChildOf", skill.id, parent if parent in titles else doc_id)
        for n in sorted(skill.levels):
            level_id = skill_level_id(skill.id, n)
            item(level_id, skill.levels[n].description, "Skill level", f"{code}{n}", f"{skill.name} level {n}")
            associate("isChildOf", level_id, skill.id, n)


def _relations(fw: Framework, out: _Package) -> None:
    """The related and replacing skills."""
    associate = out.associate
    for code in sorted(fw.skills):
        skill = fw.skills[code]
        for other in skill.related:
            if other in fw.skills:
                associate("isRelatedTo", skill.id, fw.skills[other].id)
        for other in skill.replaced_by:
            if other in fw.skills:
                associate("replacedBy", skill.id, fw.skills[other].id)


def package(fw: Framework, version: str, timestamp: str) -> dict[str, Any]:
    """The CFPackage of a framework; `timestamp` (ISO 8601, UTC) is every item's lastChangeDateTime."""
    out = _Package(fw, timestamp)
    _tree(fw, out)
    _relations(fw, out)
    doc_id, items, associations = out.doc_id, out.items, out.associations
    document = {
        "identifier": doc_id, "uri": _uri(doc_id), "creator": fw.name, "title": fw.name,
        "lastChangeDateTime": timestamp, "version": version, "adoptionStatus": "Adopted", "language": "en",
        "CFPackageURI": _link(doc_id, fw.name),
    }
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": [
            {"identifier": derived_id("item-type", t), "uri": _uri(derived_id("item-type", t)), "title": t,
             "description": t, "hierarchyCode": str(i), "lastChangeDateTime": timestamp}
            for i, t in enumerate(ITEM_TYPES, 1)]},
    }
