"""The framework in memory: plain dataclasses that the rules, the engine and the exports share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from skillrepo.documents import Document, Snapshot
from skillrepo.record import Log, from_data


@dataclass
class ResponsibilityLevel:
    level: int
    name: str
    essence: str
    url: str | None = None  # its page where the framework is published, when it came from a published file
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class AttributeLevel:
    attribute: str
    level: int
    description: str
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class Attribute:
    """An attribute every level of responsibility is read with (autonomy; a business skill or behavioural factor),
    described at the levels where it applies."""

    code: str
    id: str
    name: str
    type: str  # a key of domain.ATTRIBUTE_TYPES
    status: str
    description: str
    guidance: str | None = None
    url: str | None = None
    levels: dict[int, AttributeLevel] = field(default_factory=dict)
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
    url: str | None = None  # its page where the framework is published, when it came from a published file
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Origin:
    """Where a change request that gives the framework its first content took it from."""

    description: str
    file: str | None = None
    sha256: str | None = None

    def text(self) -> str:
        """On one line: 'read from skills.xlsx (sha256 3f2a...)'."""
        source = f"{self.file}, " if self.file else ""
        detail = f" ({source}sha256 {self.sha256})" if self.sha256 else (f" ({self.file})" if self.file else "")
        return f"{' '.join(self.description.split())}{detail}"


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
    origin: Origin | None = None
    source: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class Framework:
    name: str = ""
    edition: str = ""
    categories: dict[str, list[str]] = field(default_factory=dict)
    levels: dict[int, ResponsibilityLevel] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    source: Document | None = field(default=None, compare=False, repr=False)


def empty_framework(edition: str = "1") -> Framework:
    """The framework before any change request: no name, categories, levels, skills or attributes; only the
    edition a framework.yaml needs (operations never change it)."""
    return Framework(edition=edition)


@dataclass
class Repository:
    """The framework and its change requests, built from the documents that passed their schema."""

    framework: Framework
    changes: dict[str, ChangeRequest]
    snapshot: Snapshot
    # Codes of every skill directory with a skill.yaml, valid or not: a reference to one is not "unknown".
    skill_dirs: set[str] = field(default_factory=set)
    orphan_levels: list[Document] = field(default_factory=list)
    # Codes of every attribute directory with an attribute.yaml, and level files in a directory without one.
    attribute_dirs: set[str] = field(default_factory=set)
    orphan_attribute_levels: list[Document] = field(default_factory=list)
    # Skills and change requests whose code or id an earlier file already has; kept out of the model.
    duplicates: list[Document] = field(default_factory=list)
    # Documents that are not in the model, each for the reason `left_out` gives.
    left_out: list[Document] = field(default_factory=list)
    # changes/log.yaml: the order change requests were applied in, and the releases (empty when absent).
    log: Log = field(default_factory=Log)
    log_source: Document | None = None
    # What one rule worked out over the whole model and another needs too, by name: worked out once per check.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def left_out(doc: Document) -> str | None:
    """Why a document stays out of the model (None: it is in). Its findings already say what is wrong with it,
    and a rule reads only what the model holds, so no rule ever sees data its schema has not vouched for."""
    if not doc.loaded.usable:
        return "not read: a Y finding, or P305 for a link, says why"
    if not doc.valid:
        return "not valid against its schema: an S finding says why"
    return None


def build(snapshot: Snapshot) -> Repository:
    """The in-memory model from the documents of a snapshot that are not `left_out`."""
    repo = Repository(Framework(), {}, snapshot, _item_dirs(snapshot, "skill", "skills"),
                      attribute_dirs=_item_dirs(snapshot, "attribute", "attributes"))
    item_levels: list[Document] = []
    for doc in snapshot.documents:
        if left_out(doc) is not None:
            repo.left_out.append(doc)
        elif doc.info.kind in ("skill-level", "attribute-level"):
            item_levels.append(doc)  # added once every skill and attribute is known
        else:
            _ADD.get(doc.info.kind, _add_nothing)(repo, doc, doc.data)
    _add_levels(repo, item_levels)
    _put_in_order(repo.framework)
    return repo


def _item_dirs(snapshot: Snapshot, kind: str, directory: str) -> set[str]:
    """Codes of every skill (or attribute) directory with its skill.yaml (attribute.yaml), valid or not, or a
    link in its place."""
    dirs = {doc.info.code for doc in snapshot.documents if doc.info.kind == kind and doc.info.code}
    # A directory, or its main file, that is a symbolic link is reported as such (P305), not as missing.
    for entry in snapshot.symlinks:
        parts = entry.relpath.split("/")
        if len(parts) in (3, 4) and parts[:2] == ["framework", directory] and parts[3:] in ([], [f"{kind}.yaml"]):
            dirs.add(parts[2])
    return dirs


def _add_framework(repo: Repository, doc: Document, d: Any) -> None:
    fw = repo.framework
    fw.name, fw.edition = d["name"], d["edition"]
    for c in d["categories"]:  # a category listed twice (R421) keeps the subcategories of both
        fw.categories.setdefault(c["name"], []).extend(c["subcategories"])
    fw.source = doc


def _add_level(repo: Repository, doc: Document, d: Any) -> None:
    repo.framework.levels[d["level"]] = ResponsibilityLevel(d["level"], d["name"], d["essence"], d.get("url"), doc)


def _add_skill(repo: Repository, doc: Document, d: Any) -> None:
    if d["code"] in repo.framework.skills:
        repo.duplicates.append(doc)
        return
    repo.framework.skills[d["code"]] = Skill(
        code=d["code"], id=d["id"], name=d["name"], category=d["category"], subcategory=d["subcategory"],
        status=d["status"], description=d["description"], related=list(d["related"]),
        guidance=d.get("guidance"), replaced_by=list(d.get("replaced_by", [])), url=d.get("url"), source=doc,
    )


def _put_in_order(fw: Framework) -> None:
    """The skills and attributes in framework.yaml's published order; those it does not list (R425) after, by code."""
    order = fw.source.data.get("order", {}) if fw.source is not None and isinstance(fw.source.data, dict) else {}
    fw.skills = in_order(fw.skills, order.get("skills", []))
    fw.attributes = in_order(fw.attributes, order.get("attributes", []))


def in_order(items: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    """`items` (by code) in the order `codes` lists them; those it does not list after, in their own order."""
    listed = {code: items[code] for code in codes if code in items}
    return listed | {code: item for code, item in items.items() if code not in listed}


def _add_attribute(repo: Repository, doc: Document, d: Any) -> None:
    if d["code"] in repo.framework.attributes:
        repo.duplicates.append(doc)
        return
    repo.framework.attributes[d["code"]] = Attribute(
        code=d["code"], id=d["id"], name=d["name"], type=d["type"], status=d["status"], description=d["description"],
        guidance=d.get("guidance"), url=d.get("url"), source=doc,
    )


def _add_manifest(repo: Repository, doc: Document, d: Any) -> None:
    if d["id"] in repo.changes:
        repo.duplicates.append(doc)
        return
    repo.changes[d["id"]] = ChangeRequest(
        id=d["id"], title=d["title"], status=d["status"], applies_to=list(d["applies_to"]),
        related=list(d.get("related", [])), operations=list(d["operations"]), proposal=d.get("proposal"),
        decision=d.get("decision"), outcome=d.get("outcome"), applied_in=d.get("applied_in"),
        origin=_origin(d.get("origin")), source=doc,
    )


def _add_log(repo: Repository, doc: Document, d: Any) -> None:
    repo.log, repo.log_source = from_data(d), doc


def _origin(d: Any) -> Origin | None:
    return None if d is None else Origin(d["description"], d.get("file"), d.get("sha256"))


def _add_nothing(repo: Repository, doc: Document, d: Any) -> None:
    """Documents of other kinds (none today) are checked but hold nothing the model keeps."""


_ADD: dict[str, Callable[[Repository, Document, Any], None]] = {
    "framework": _add_framework, "level": _add_level, "skill": _add_skill, "attribute": _add_attribute,
    "manifest": _add_manifest,
    "log": _add_log,
}


def _add_levels(repo: Repository, item_levels: list[Document]) -> None:
    """Each skill's and attribute's level files, into the item of their directory; a file whose directory has
    no item file is an orphan, one that names another item is left to P301."""
    fw = repo.framework
    skills = {s.source.info.code: s for s in fw.skills.values() if s.source is not None}
    attributes = {a.source.info.code: a for a in fw.attributes.values() if a.source is not None}
    for doc in item_levels:
        d = doc.data
        assert isinstance(d, dict)
        if doc.info.kind == "skill-level":
            skill = skills.get(doc.info.code)
            if skill is None and doc.info.code not in repo.skill_dirs:
                repo.orphan_levels.append(doc)
            elif skill is not None and d["skill"] == skill.code:
                skill.levels[d["level"]] = SkillLevel(d["skill"], d["level"], d["description"], doc)
            continue
        attribute = attributes.get(doc.info.code)
        if attribute is None and doc.info.code not in repo.attribute_dirs:
            repo.orphan_attribute_levels.append(doc)
        elif attribute is not None and d["attribute"] == attribute.code:
            attribute.levels[d["level"]] = AttributeLevel(d["attribute"], d["level"], d["description"], doc)
