"""The framework in memory: plain dataclasses that the rules, the engine and the exports share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillrepo.documents import Document, Snapshot


@dataclass
class ResponsibilityLevel:
    level: int
    name: str
    essence: str
    attributes: dict[str, str]
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class SkillLevel:
    skill: str
    level: int
    description: str
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class Skill:
    code: str
    id: str
    name: str
    category: str
    subcategory: str
    status: str
    description: str
    related: list[str]
    guidance: str | None = None
    replaced_by: list[str] = field(default_factory=list)
    levels: dict[int, SkillLevel] = field(default_factory=dict)
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class ChangeRequest:
    id: str
    title: str
    status: str
    applies_to: list[str]
    related: list[str]
    operations: list[dict[str, Any]]
    proposal: str | None = None
    decision: str | None = None
    outcome: str | None = None
    applied_in: str | None = None
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class Framework:
    name: str = ""
    edition: str = ""
    attributes: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    levels: dict[int, ResponsibilityLevel] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class Repository:
    """The framework and its change requests, built from the documents that passed their schema."""

    framework: Framework
    changes: dict[str, ChangeRequest]
    snapshot: Snapshot
    # Codes of every skill directory with a skill.yaml, valid or not: a reference to one is not "unknown".
    skill_dirs: set[str] = field(default_factory=set)
    orphan_levels: list[Document] = field(default_factory=list)
    # Skills and change requests whose code or id an earlier file already has; kept out of the model.
    duplicates: list[Document] = field(default_factory=list)


def build(snapshot: Snapshot) -> Repository:
    """The in-memory model from the valid documents of a snapshot."""
    fw = Framework()
    changes: dict[str, ChangeRequest] = {}
    skill_dirs: set[str] = set()
    skill_levels: list[Document] = []
    duplicates: list[Document] = []
    for doc in snapshot.documents:
        kind = doc.info.kind
        if kind == "skill" and doc.info.code:
            skill_dirs.add(doc.info.code)
        if not doc.valid:
            continue
        d: Any = doc.data
        if kind == "framework":
            fw.name, fw.edition, fw.attributes = d["name"], d["edition"], list(d["attributes"])
            for c in d["categories"]:  # a category listed twice (R421) keeps the subcategories of both
                fw.categories.setdefault(c["name"], []).extend(c["subcategories"])
            fw.source = doc
        elif kind == "level":
            fw.levels[d["level"]] = ResponsibilityLevel(d["level"], d["name"], d["essence"], dict(d["attributes"]), doc)
        elif kind == "skill" and d["code"] in fw.skills:
            duplicates.append(doc)
        elif kind == "manifest" and d["id"] in changes:
            duplicates.append(doc)
        elif kind == "skill":
            fw.skills[d["code"]] = Skill(
                code=d["code"], id=d["id"], name=d["name"], category=d["category"], subcategory=d["subcategory"],
                status=d["status"], description=d["description"], related=list(d["related"]),
                guidance=d.get("guidance"), replaced_by=list(d.get("replaced_by", [])), source=doc,
            )
        elif kind == "skill-level":
            skill_levels.append(doc)
        elif kind == "manifest":
            changes[d["id"]] = ChangeRequest(
                id=d["id"], title=d["title"], status=d["status"], applies_to=list(d["applies_to"]),
                related=list(d.get("related", [])), operations=list(d["operations"]), proposal=d.get("proposal"),
                decision=d.get("decision"), outcome=d.get("outcome"), applied_in=d.get("applied_in"), source=doc,
            )
    # A skill directory, or a skill.yaml, that is a symbolic link is reported as such (P305), not as missing.
    for entry in snapshot.symlinks:
        parts = entry.relpath.split("/")
        if len(parts) in (3, 4) and parts[:2] == ["framework", "skills"] and parts[3:] in ([], ["skill.yaml"]):
            skill_dirs.add(parts[2])
    repo = Repository(fw, changes, snapshot, skill_dirs, duplicates=duplicates)
    by_dir = {s.source.info.code: s for s in fw.skills.values() if s.source is not None}
    for doc in skill_levels:
        d = doc.data
        assert isinstance(d, dict)
        skill = by_dir.get(doc.info.code)
        if skill is None:
            if doc.info.code not in skill_dirs:
                repo.orphan_levels.append(doc)
            continue
        if d["skill"] == skill.code:  # otherwise the file names another skill (P301)
            skill.levels[d["level"]] = SkillLevel(d["skill"], d["level"], d["description"], doc)
    return repo
