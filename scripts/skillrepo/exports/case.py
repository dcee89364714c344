"""case.json: the framework as a 1EdTech CASE 1.1 CFPackage, so that CASE tools (OpenSALT and others) load it.

CFItems for categories, subcategories, skills, skill levels, levels of responsibility, attributes and attribute
levels, each typed through CFItemTypeURI; CFAssociations `isChildOf` for the tree, `hasSkillLevel` from a skill to
its levels, `isPartOf` from an attribute level to its level of responsibility, `replacedBy` for retirements and
merges, `isRelatedTo` for related skills. Identifiers are UUIDs that stay the same across releases for the same
item; a URI is the item's page on the site when the release has a base URL (--base-url), so that a CASE tool can
link to it, else the `urn:uuid:` form of its identifier. Each record's lastChangeDateTime is when its own content
last changed (exports/lastchange.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skillrepo.exports.framework_json import ordered_attributes
from skillrepo.exports.ids import attribute_level_id, derived_id, skill_level_id
from skillrepo.exports.lastchange import LastChanges
from skillrepo.model import Framework

CASE_VERSION = "1.1"


@dataclass(frozen=True)
class ItemType:
    """A kind of CFItem, defined once in CFDefinitions.CFItemTypes and linked from each item of its kind."""

    title: str
    description: str

    @property
    def identifier(self) -> str:
        return derived_id("item-type", self.title)


# Every kind of item the package holds, in the order CFDefinitions lists them: a new kind is one entry here, and
# the items that `_Package.item` adds of it.
ITEM_TYPES: dict[str, ItemType] = {
    "category": ItemType("Category", "A group of subcategories of skills."),
    "subcategory": ItemType("Subcategory", "A group of skills within a category."),
    "skill": ItemType("Skill", "A skill, described in general and at each level at which it is practised."),
    "skill-level": ItemType("Skill level", "A skill as practised at one level of responsibility."),
    "responsibility-level": ItemType("Level of responsibility",
                                     "A generic level of responsibility, from 1 (the least) upwards."),
    "attribute": ItemType("Attribute", "An attribute the levels of responsibility are described by: a generic "
                                       "attribute, or a business skill or behavioural factor."),
    "attribute-level": ItemType("Attribute level", "An attribute as described at one level of responsibility."),
}


def _uri(identifier: str) -> str:
    return f"urn:uuid:{identifier}"


def _link(identifier: str, title: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": _uri(identifier)}


class _Package:
    """The items and associations of a CFPackage as they are added, each titled for the links to it."""

    def __init__(self, fw: Framework, times: LastChanges, site: str | None = None) -> None:
        self.doc_id = derived_id("document", fw.name)
        self.times = times
        self.site = site  # the site's absolute base URL, ending in /, when one is configured
        self.items: list[dict[str, Any]] = []
        self.associations: list[dict[str, Any]] = []
        self.titles: dict[str, str] = {self.doc_id: fw.name}
        self.uris: dict[str, str] = {self.doc_id: self.uri(self.doc_id, "index.html")}

    def uri(self, identifier: str, page: str | None) -> str:
        """Where a record can be read: its page on the site when the site's base URL is known, else its urn:uuid."""
        return f"{self.site}{page}" if self.site is not None and page is not None else _uri(identifier)

    def item(self, kind: str, identifier: str, statement: str, when: str, code: str | None = None,
             abbreviated: str | None = None, notes: str | None = None, page: str | None = None) -> None:
        """Add a CFItem of a kind of ITEM_TYPES, whose content last changed `when`, shown on the site at `page`."""
        item_type = ITEM_TYPES[kind]
        entry: dict[str, Any] = {
            "identifier": identifier, "uri": self.uri(identifier, page), "fullStatement": statement,
            "CFItemType": item_type.title, "CFItemTypeURI": _link(item_type.identifier, item_type.title),
            "language": "en", "lastChangeDateTime": when,
        }
        if code is not None:
            entry["humanCodingScheme"] = code
        if abbreviated is not None:
            entry["abbreviatedStatement"] = abbreviated
        if notes:
            entry["notes"] = notes
        self.items.append(entry)
        self.titles[identifier] = abbreviated or statement[:60]
        self.uris[identifier] = entry["uri"]

    def link(self, identifier: str) -> dict[str, str]:
        """A LinkURI to a record already added: its title, identifier and uri."""
        return {"title": self.titles[identifier], "identifier": identifier, "uri": self.uris[identifier]}

    def associate(self, kind: str, origin: str, destination: str, when: str, sequence: int | None = None) -> None:
        """Add a CFAssociation between two items already added; `when` covers both ends' titles."""
        identifier = derived_id("association", kind, origin, destination)
        entry: dict[str, Any] = {
            "identifier": identifier, "uri": _uri(identifier), "associationType": kind, "lastChangeDateTime": when,
            "originNodeURI": self.link(origin), "destinationNodeURI": self.link(destination),
        }
        if sequence is not None:
            entry["sequenceNumber"] = sequence
        self.associations.append(entry)


def _categories(fw: Framework, out: _Package) -> None:
    """The categories and subcategories, each a child of the one above it (the document for a category)."""
    when = out.times.framework("categories")  # a category's only content is its name, which is its identity
    named = max(when, out.times.framework("name"))
    for c_index, (category, subcategories) in enumerate(fw.categories.items(), 1):
        cat_id = derived_id("category", category)
        out.item("category", cat_id, category, when, abbreviated=category)
        out.associate("isChildOf", cat_id, out.doc_id, named, c_index)
        for s_index, sub in enumerate(subcategories, 1):
            sub_id = derived_id("subcategory", category, sub)
            out.item("subcategory", sub_id, sub, when, abbreviated=sub)
            out.associate("isChildOf", sub_id, cat_id, when, s_index)


def _skills(fw: Framework, out: _Package) -> None:
    """The skills, each a child of its subcategory, and their levels, each a child of its skill and one of the
    skill's levels (hasSkillLevel)."""
    times = out.times
    for code, skill in fw.skills.items():  # in the published order
        out.item("skill", skill.id, skill.description, times.skill(code, "name", "description", "guidance"), code,
                 skill.name, skill.guidance, f"skills/{code}.html")
        parent = derived_id("subcategory", skill.category, skill.subcategory)
        placed = times.skill(code, "name", "category", "subcategory")
        if parent not in out.titles:  # a subcategory the framework does not list hangs from the document
            parent, placed = out.doc_id, max(placed, times.framework("name"))
        out.associate("isChildOf", skill.id, parent, placed)
        for n in sorted(skill.levels):
            level_id, linked = skill_level_id(skill.id, n), times.level_added(code, n)
            out.item("skill-level", level_id, skill.levels[n].description, times.level(code, n), f"{code}{n}",
                     f"{skill.name} level {n}", page=f"skills/{code}.html#level-{n}")
            out.associate("isChildOf", level_id, skill.id, linked, n)
            out.associate("hasSkillLevel", skill.id, level_id, linked, n)


def _responsibility_levels(fw: Framework, out: _Package) -> None:
    """The levels of responsibility, children of the document after the categories."""
    start = len(fw.categories)
    for n in sorted(fw.levels):
        level = fw.levels[n]
        rl_id = derived_id("responsibility-level", str(n))
        out.item("responsibility-level", rl_id, level.essence, out.times.responsibility(n, "name", "essence"),
                 f"L{n}", level.name, page=f"levels/{n}.html")
        named = max(out.times.responsibility(n, "name"), out.times.framework("name"))  # what the link shows
        out.associate("isChildOf", rl_id, out.doc_id, named, start + n)


def _attributes(fw: Framework, out: _Package) -> None:
    """The attributes, children of the document after the levels of responsibility, active and retired as skills
    are; each level of one a child of its attribute and part of its level of responsibility."""
    times, start = out.times, len(fw.categories) + len(fw.levels)
    for index, attribute in enumerate(ordered_attributes(fw), 1):
        code = attribute.code
        out.item("attribute", attribute.id, attribute.description,
                 times.attribute(code, "name", "description", "guidance"), code, attribute.name, attribute.guidance,
                 f"attributes/{code}.html")
        out.associate("isChildOf", attribute.id, out.doc_id, max(times.attribute(code, "name"),
                                                                 times.framework("name")), start + index)
        for n in sorted(attribute.levels):
            level_id, linked = attribute_level_id(attribute.id, n), times.attribute_level_added(code, n)
            out.item("attribute-level", level_id, attribute.levels[n].description, times.attribute_level(code, n),
                     f"{code}{n}", f"{attribute.name} level {n}", page=f"attributes/{code}.html#level-{n}")
            out.associate("isChildOf", level_id, attribute.id, linked, n)
            # Not hasSkillLevel: an attribute is no skill, and its levels are no proficiency levels of it but a
            # part of what each level of responsibility means, which isPartOf says; a tool that lists a skill's
            # levels through hasSkillLevel would otherwise list Autonomy among the skills.
            rl_id = derived_id("responsibility-level", str(n))
            if rl_id in out.titles:
                out.associate("isPartOf", level_id, rl_id, max(linked, times.responsibility(n, "name")))


def _relations(fw: Framework, out: _Package) -> None:
    """The related and replacing skills."""
    times = out.times
    for code in sorted(fw.skills):
        skill = fw.skills[code]
        for field, kind, others in (("related", "isRelatedTo", skill.related),
                                    ("status", "replacedBy", skill.replaced_by)):
            for other in others:
                if other in fw.skills:
                    when = max(times.skill(code, "name", field), times.skill(other, "name"))
                    out.associate(kind, skill.id, fw.skills[other].id, when)


def package(fw: Framework, version: str, times: LastChanges, site: str | None = None) -> dict[str, Any]:
    """The CFPackage of a framework at a release, each record stamped with when its content last changed; the
    uri of the document and of each skill, level and attribute its page on the site at `site` (an absolute base
    URL ending in /), when one is given, else its urn:uuid."""
    out = _Package(fw, times, site)
    _categories(fw, out)
    _skills(fw, out)
    _responsibility_levels(fw, out)
    _attributes(fw, out)
    _relations(fw, out)
    document = {  # its version is the release's, so it changes with every release
        "identifier": out.doc_id, "uri": out.uris[out.doc_id], "creator": fw.name, "title": fw.name,
        "lastChangeDateTime": times.release, "version": version, "adoptionStatus": "Adopted", "language": "en",
        "caseVersion": CASE_VERSION,
    }
    item_types = [
        {"identifier": t.identifier, "uri": _uri(t.identifier), "title": t.title, "description": t.description,
         "hierarchyCode": str(i), "lastChangeDateTime": times.first}  # the same since the first release
        for i, t in enumerate(ITEM_TYPES.values(), 1)]
    return {"CFDocument": document, "CFItems": out.items, "CFAssociations": out.associations,
            "CFDefinitions": {"CFItemTypes": item_types}}
