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
    attributes: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    levels: dict[int, ResponsibilityLevel] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    source: Document | None = field(default=None, compare=False, repr=False)


def empty_framework(edition: str = "1") -> Framework:
    """The framework before any change request: no name, attributes, categories, levels or skills; only the
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
    # Skills and change requests whose code or id an earlier file already has; kept out of the model.
    duplicates: list[Document] = field(default_factory=list)
    # Documents that are not in the model, each for the reason `left_out` gives.
    left_out: list[Document] = field(default_factory=list)
    # changes/log.yaml: the order change requests were applied in, and the releases (empty when absent).
    log: Log = field(default_factory=Log)
    log_source: Document | None = None


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
    repo = Repository(Framework(), {}, snapshot, _skill_dirs(snapshot))
    skill_levels: list[Document] = []
    for doc in snapshot.documents:
        if left_out(doc) is not None:
            repo.left_out.append(doc)
        elif doc.info.kind == "skill-level":
            skill_levels.append(doc)  # added once every skill is known
        else:
            _ADD.get(doc.info.kind, _add_nothing)(repo, doc, doc.data)
    _add_skill_levels(repo, skill_levels)
    return repo


def _skill_dirs(snapshot: Snapshot) -> set[str]:
    """Codes of every skill directory with a skill.yaml, valid or not, or a link in its place."""
    dirs = {doc.info.code for doc in snapshot.documents if doc.info.kind == "skill" and doc.info.code}
    # A skill directory, or a skill.yaml, that is a symbolic link is reported as such (P305), not as missing.
    for entry in snapshot.symlinks:
        parts = entry.relpath.split("/")
        if len(parts) in (3, 4) and parts[:2] == ["framework", "skills"] and parts[3:] in ([], ["skill.yaml"]):
            dirs.add(parts[2])
    return dirs


def _add_framework(repo: Repository, doc: Document, d: Any) -> None:
    fw = repo.framework
    fw.name, fw.edition, fw.attributes = d["name"], d["edition"], list(d["attributes"])
    for c in d["categories"]:  # a category listed twice (R421) keeps the subcategories of both
        fw.categories.setdefault(c["name"], []).extend(c["subcategories"])
    fw.source = doc


def _add_level(repo: Repository, doc: Document, d: Any) -> None:
    repo.framework.levels[d["level"]] = ResponsibilityLevel(d["level"], d["name"], d["essence"],
                                                            dict(d["attributes"]), doc)


def _add_skill(repo: Repository, doc: Document, d: Any) -> None:
    if d["code"] in repo.framework.skills:
        repo.duplicates.append(doc)
        return
    repo.framework.skills[d["code"]] = Skill(
        code=d["code"], id=d["id"], name=d["name"], category=d["category"], subcategory=d["subcategory"],
        status=d["status"], description=d["description"], related=list(d["related"]),
        guidance=d.get("guidance"), replaced_by=list(d.get("replaced_by", [])), url=d.get("url"), source=doc,
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
    "framework": _add_framework, "level": _add_level, "skill": _add_skill, "manifest": _add_manifest,
    "log": _add_log,
}


def _add_skill_levels(repo: Repository, skill_levels: list[Document]) -> None:
    by_dir = {s.source.info.code: s for s in repo.framework.skills.values() if s.source is not None}
    for doc in skill_levels:
        d = doc.data
        assert isinstance(d, dict)
        skill = by_dir.get(doc.info.code)
        if skill is None:
            if doc.info.code not in repo.skill_dirs:
                repo.orphan_levels.append(doc)
            continue
        if d["skill"] == skill.code:  # otherwise the file names another skill (P301)
            skill.levels[d["level"]] = SkillLevel(d["skill"], d["level"], d["description"], doc)
