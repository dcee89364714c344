"""Every reference resolves: categories, skills, replacements, change requests, operation targets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from skillrepo.domain import LEVEL_NAMES, LEVELS, same_level_name
from skillrepo.findings import Finding
from skillrepo.model import Attribute, Framework, Repository, Skill
from skillrepo.names import name_key, shown, why_same
from skillrepo.rules.base import Rule, at, at_file, document, finds

RULES = document(
    Rule("R401", "unknown-category", "A skill names a category that framework.yaml does not list.",
         "category: Delivery & operations", "category: Delivery and operation"),
    Rule("R402", "unknown-subcategory", "A skill names a subcategory that its category does not have.",
         "category: Delivery and operation\nsubcategory: Data and analytics",
         "category: Delivery and operation\nsubcategory: Technology management"),
    Rule("R403", "level-without-skill", "A level file in a directory that has no skill.yaml (or, under "
         "framework/attributes/, no attribute.yaml).",
         "framework/skills/ITXX/level-3.yaml (no skill.yaml)", "framework/skills/ITXX/skill.yaml beside it"),
    Rule("R404", "related-unknown", "related names a skill that does not exist.",
         "related:\n  - ITOX", "related:\n  - ITOP"),
    Rule("R405", "related-retired", "related names a retired skill; point at what replaced it.",
         "related:\n  - OLDS  # retired, replaced by ITOP", "related:\n  - ITOP"),
    Rule("R406", "related-self", "A skill lists itself as related.", "code: ITOP\nrelated:\n  - ITOP",
         "code: ITOP\nrelated:\n  - ITMG"),
    Rule("R407", "retired-without-replacement", "A retired skill does not say what replaces it.",
         "status: retired", "status: retired\nreplaced_by:\n  - ITOP"),
    Rule("R408", "replacement-on-active", "An active skill has replaced_by, which only a retired skill has.",
         "status: active\nreplaced_by:\n  - ITOP", "status: active"),
    Rule("R409", "replaced-by-unknown", "replaced_by names a skill that does not exist.",
         "replaced_by:\n  - ITOX", "replaced_by:\n  - ITOP"),
    Rule("R410", "replaced-by-retired", "replaced_by names a skill that is itself retired; name the active skill "
         "at the end of the chain.", "replaced_by:\n  - OLDS  # retired too", "replaced_by:\n  - ITOP"),
    Rule("R411", "replacement-cycle", "Retired skills replace each other in a cycle, so nothing active replaces them.",
         "AAAA replaced_by BBBB, BBBB replaced_by AAAA", "AAAA and BBBB replaced_by ITOP"),
    Rule("R412", "duplicate-code", "Two skills, two attributes (or two change requests) have the same code (or id).",
         "framework/skills/ITOX/skill.yaml with code: ITOP beside framework/skills/ITOP/",
         "each code in one directory"),
    Rule("R413", "duplicate-name", "Two skills (or two attributes) have the same name, or names a reader takes for "
         "one: the same but "
         "for case, Unicode normalization, an invisible (zero-width) character, the kind of space, or a Cyrillic or "
         "Greek letter that looks like a Latin one.",
         "ITOP name: IT infrastructure\nITIN name: IT Infrastructure", "a distinct name for each skill"),
    Rule("R414", "duplicate-id", "Two skills (or two attributes) have the same permanent id.",
         "ITOP id: 0b6a3f4e-...\nITMG id: 0b6a3f4e-...",
         "a fresh UUID for each skill: python -c 'import uuid; print(uuid.uuid4())'"),
    Rule("R415", "cr-related-unknown", "A change request's related names a change request not in changes/ "
         "(or itself).", "related:\n  - CR-1499", "related:\n  - CR-1431"),
    Rule("R416", "cr-applies-to-unknown", "A change request's applies_to names a skill that does not exist and "
         "that no change request adds.", "applies_to:\n  - ITOX", "applies_to:\n  - ITOP"),
    Rule("R417", "operation-unknown-skill", "An operation targets a skill that does not exist and that no change "
         "request adds.", "- op: add-level\n  skill: ITOX", "- op: add-level\n  skill: ITOP"),
    Rule("R418", "operation-unknown-level", "An operation targets a level of responsibility that the framework "
         "does not define, or an attribute that does not exist and that no change request adds.",
         "- op: update-attribute-level\n  attribute: AUTX\n  level: 5", "- op: update-attribute-level\n  "
         "attribute: AUTO\n  level: 5"),
    Rule("R419", "level-name", "A level of responsibility has another level's name (a comma may stand for the "
         "slash, as publishers write them: Ensure, advise); a name of the framework's own is fine.",
         "# framework/levels/level-5.yaml\nname: Enable", "# framework/levels/level-5.yaml\nname: Ensure/advise"),
    Rule("R421", "duplicate-category", "framework.yaml lists a category twice.",
         "categories:\n  - name: People and skills\n  - name: People and skills",
         "categories:\n  - name: People and skills"),
    Rule("R422", "skill-without-levels", "An active skill is defined at no level.",
         "framework/skills/ITOP/ holding only skill.yaml", "framework/skills/ITOP/level-1.yaml ... beside it",
         severity="warning"),
    Rule("R425", "order-unknown", "framework.yaml's published order lists a skill (or attribute) that does not "
         "exist. apply keeps the order; a skill it does not list comes last.",
         "order:\n  skills: [ITSP, ITOX]", "order:\n  skills: [ITSP, ITOP]"),
    Rule("R424", "attribute-code-of-skill", "An attribute has the code of a skill: a code names one thing.",
         "# framework/attributes/ITOP/attribute.yaml\ncode: ITOP", "# framework/attributes/AUTO/attribute.yaml\n"
         "code: AUTO"),
)


def _skills_with_source(repo: Repository) -> Iterator[tuple[Skill, Any]]:
    """Every skill of the model with the document it was read from."""
    for skill in repo.framework.skills.values():
        if skill.source is not None:
            yield skill, skill.source


@finds("R421")
def duplicate_categories(repo: Repository) -> Iterator[Finding]:
    yield from _framework_file(repo.framework)


@finds("R419")
def levels(repo: Repository) -> Iterator[Finding]:
    yield from _levels(repo.framework)


@finds("R403")
def orphan_levels(repo: Repository) -> Iterator[Finding]:
    for orphan in repo.orphan_levels:
        yield at_file(orphan.path, "R403", "level file without its skill: "
                      f"framework/skills/{orphan.info.code}/skill.yaml does not exist; add it, or remove this file")
    for orphan in repo.orphan_attribute_levels:
        yield at_file(orphan.path, "R403", "level file without its attribute: "
                      f"framework/attributes/{orphan.info.code}/attribute.yaml does not exist; add it, or remove "
                      "this file")


@finds("R425")
def published_order(repo: Repository) -> Iterator[Finding]:
    doc = repo.framework.source
    data: Any = doc.data if doc is not None else None
    if doc is None or not isinstance(data, dict):
        return
    order = data.get("order", {})
    for what, dirs in (("skills", repo.skill_dirs), ("attributes", repo.attribute_dirs)):
        listed = order.get(what, [])
        for i, code in enumerate(listed):
            if code not in dirs:
                yield at(doc, ("order", what, i), "R425", f"order lists {code}, which is not one of the "
                         f"{what}; remove it (apply keeps the order: never edit it by hand)")


@finds("R424")
def attribute_codes(repo: Repository) -> Iterator[Finding]:
    for attribute in repo.framework.attributes.values():
        if attribute.source is not None and _skill_exists(repo, attribute.code):
            yield at(attribute.source, ("code",), "R424", f"{attribute.code} is also the code of the skill in "
                     f"framework/skills/{attribute.code}/; give the attribute a code of its own")


@finds("R401", "R402")
def categories(repo: Repository) -> Iterator[Finding]:
    fw = repo.framework
    if fw.source is None:
        return
    for skill, doc in _skills_with_source(repo):
        if skill.category not in fw.categories:
            yield at(doc, ("category",), "R401", f"unknown category '{skill.category}'; "
                     f"framework.yaml has: {', '.join(fw.categories)}")
        elif skill.subcategory not in fw.categories[skill.category]:
            yield at(doc, ("subcategory",), "R402", f"'{skill.subcategory}' is not a subcategory of "
                     f"'{skill.category}'; it has: {', '.join(fw.categories[skill.category])}")


@finds("R404", "R405", "R406")
def related(repo: Repository) -> Iterator[Finding]:
    for skill, doc in _skills_with_source(repo):
        for i, code in enumerate(skill.related):
            target = repo.framework.skills.get(code)
            if code == skill.code:
                yield at(doc, ("related", i), "R406", f"{code} lists itself as related; remove it")
            elif not _skill_exists(repo, code):
                yield at(doc, ("related", i), "R404", f"related skill {code} does not exist")
            elif target is not None and target.status == "retired":
                yield at(doc, ("related", i), "R405", f"related skill {code} is retired{_instead(skill, target)}")


def _instead(skill: Skill, target: Skill) -> str:
    """R405's advice: what to relate to instead of a retired skill."""
    instead = [c for c in target.replaced_by if c != skill.code and c not in skill.related]
    if skill.code in target.replaced_by:
        return f" and replaced by {skill.code} itself; remove it"
    if instead:
        return f"; relate to {', '.join(instead)} instead"
    return "; remove it (what replaces it is related already)"


@finds("R407", "R408", "R422")
def status(repo: Repository) -> Iterator[Finding]:
    for skill, doc in _skills_with_source(repo):
        if skill.status == "retired" and not skill.replaced_by:
            yield at(doc, ("status",), "R407", f"retired skill {skill.code} has no replaced_by; "
                     "list the skills that replace it")
        if skill.status == "active" and skill.replaced_by:
            yield at(doc, ("replaced_by",), "R408", "replaced_by is only for a retired skill; remove it, "
                     "or set status: retired", key=True)
        if skill.status == "active" and not skill.levels:
            yield at(doc, ("code",), "R422", f"{skill.code} is defined at no level; add a level-N.yaml file")


@finds("R409", "R410")
def replacements(repo: Repository) -> Iterator[Finding]:
    fw = repo.framework
    in_cycle = {code for cycle in _find_cycles(fw) for code in cycle}
    for skill, doc in _skills_with_source(repo):
        for i, code in enumerate(skill.replaced_by):
            target = fw.skills.get(code)
            if not _skill_exists(repo, code):
                yield at(doc, ("replaced_by", i), "R409", f"replacement {code} does not exist")
            elif target is not None and target.status == "retired" and skill.code not in in_cycle:
                yield at(doc, ("replaced_by", i), "R410", f"replacement {code} is itself retired; name what "
                         f"replaces it ({', '.join(target.replaced_by) or 'an active skill'})")


@finds("R413", "R414")
def duplicate_names_and_ids(repo: Repository) -> Iterator[Finding]:
    skills = [skill for skill, _ in _skills_with_source(repo)]
    attributes = [a for a in repo.framework.attributes.values() if a.source is not None]
    for items, kind in ((skills, "skill"), (attributes, "attribute")):
        yield from _duplicates(items, kind)


def _duplicates(items: list[Skill] | list[Attribute], kind: str) -> Iterator[Finding]:
    """R413 and R414 among skills, or among attributes: each item whose name or id another has."""
    names: dict[str, list[Any]] = {}
    ids: dict[str, list[Any]] = {}
    for item in items:
        names.setdefault(name_key(item.name), []).append(item)
        ids.setdefault(item.id, []).append(item)
    for what, code, index in (("name", "R413", names), ("id", "R414", ids)):
        for group in index.values():
            for item in group if len(group) > 1 else []:
                other = next(s for s in group if s is not item)
                if item.source is not None and other.source is not None:
                    yield at(item.source, (what,), code, _duplicate(what, getattr(item, what), getattr(other, what),
                                                                    other.source.path, kind))


@finds("R412")
def duplicate_codes(repo: Repository) -> Iterator[Finding]:
    for dup in repo.duplicates:
        what = "code" if dup.info.kind in ("skill", "attribute") else "id"
        value = dup.data[what] if isinstance(dup.data, dict) else "?"
        owner = next(d.path for d in repo.snapshot.documents
                     if d.valid and d.info.kind == dup.info.kind and isinstance(d.data, dict)
                     and d.data.get(what) == value and d is not dup)
        yield at(dup, (what,), "R412", f"{what} {value} is also the {what} of {owner}; each needs its own")


@finds("R411")
def replacement_cycles(repo: Repository) -> Iterator[Finding]:
    yield from _cycles(repo.framework)


@finds("R415", "R416", "R417", "R418")
def change_references(repo: Repository) -> Iterator[Finding]:
    yield from change_reference_findings(repo)


def change_reference_findings(repo: Repository) -> list[Finding]:
    """R415-R418 over the repository, worked out once: R431's rule asks for them too."""
    if "change_references" not in repo.shared:
        repo.shared["change_references"] = list(_changes(repo))
    found: list[Finding] = repo.shared["change_references"]
    return found


def _framework_file(fw: Framework) -> Iterator[Finding]:
    if fw.source is None:
        return
    seen: set[str] = set()
    data: Any = fw.source.data
    for i, category in enumerate(data["categories"]):
        if category["name"] in seen:
            yield at(fw.source, ("categories", i, "name"), "R421",
                     f"category '{category['name']}' is listed twice; list each category once")
        seen.add(category["name"])


def _levels(fw: Framework) -> Iterator[Finding]:
    for level in fw.levels.values():
        doc = level.source
        if doc is None:
            continue
        expected = LEVEL_NAMES.get(level.level)
        # A framework may name its levels its own way; only another level's name is a mistake (5 named Enable).
        other = next((n for n, name in LEVEL_NAMES.items() if n != level.level and same_level_name(level.name, name)),
                     None)
        if expected is not None and other is not None and doc.info.level == level.level:
            yield at(doc, ("name",), "R419", f"level {level.level} is named {level.name}, the name of level {other}; "
                     f"write name: {expected}, or a name of your framework's own")


def _skill_exists(repo: Repository, code: str) -> bool:
    return code in repo.framework.skills or code in repo.skill_dirs


def _duplicate(what: str, value: str, other: str, path: str, kind: str = "skill") -> str:
    """R413/R414's words: the same name (or id), or one that looks the same, and why."""
    why = why_same(value, other) if what == "name" else None
    if why is None:
        return f"{what} {value} is also the {what} of {path}; each {kind} needs its own"
    return (f"{what} {shown(value)} looks like the {what} of {path} ({shown(other)}): they {why}; each {kind} needs "
            "its own")


def _find_cycles(fw: Framework) -> list[list[str]]:
    """Cycles of replacement among retired skills, each as its codes starting from the smallest."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(fw.skills):
        chain: list[str] = []
        code: str | None = start
        while code is not None and code not in chain and code not in done:
            chain.append(code)
            skill = fw.skills.get(code)
            retired = skill is not None and skill.status == "retired" and skill.replaced_by
            code = skill.replaced_by[0] if retired and skill is not None else None
        if code is not None and code in chain:
            cycle = chain[chain.index(code):]
            first = cycle.index(min(cycle))
            cycles.append(cycle[first:] + cycle[:first])
        done.update(chain)
    return cycles


def _cycles(fw: Framework) -> Iterator[Finding]:
    for cycle in _find_cycles(fw):
        source = fw.skills[cycle[0]].source
        if source is not None:
            loop = " -> ".join([*cycle, cycle[0]])
            yield at(source, ("replaced_by",), "R411", f"retired skills replace each other in a cycle ({loop}); "
                     "name an active skill", key=True)


def _changes(repo: Repository) -> Iterator[Finding]:
    fw = repo.framework
    added = {op.get("code") for cr in repo.changes.values() for op in cr.operations if op.get("op") == "add-skill"}
    added_attributes = _added_attributes(repo)
    for cr in repo.changes.values():
        if cr.source is None:
            continue
        doc = cr.source
        for i, ref in enumerate(cr.related):
            if ref == cr.id:
                yield at(doc, ("related", i), "R415", f"{cr.id} lists itself as related; remove it")
            elif ref not in repo.changes and not _cr_dir_exists(repo, ref):
                yield at(doc, ("related", i), "R415", f"related change request {ref} is not in changes/")
        for i, code in enumerate(cr.applies_to):
            if not _skill_exists(repo, code) and code not in added:
                yield at(doc, ("applies_to", i), "R416", f"applies_to names {code}, a skill that does not exist "
                         "and that no change request adds")
        for i, op in enumerate(cr.operations):
            yield from _operation(repo, fw, doc, i, op, added, added_attributes)


def _added_attributes(repo: Repository) -> set[Any]:
    """The codes of the attributes some change request adds."""
    return {op.get("code") for cr in repo.changes.values() for op in cr.operations if op.get("op") == "add-attribute"}


def _cr_dir_exists(repo: Repository, cr_id: str) -> bool:
    return any(d.info.cr == cr_id for d in repo.snapshot.documents if d.info.kind == "manifest")


def _operation(repo: Repository, fw: Framework, doc: Any, i: int, op: dict[str, Any],
               added: set[Any], added_attributes: set[Any]) -> Iterator[Finding]:
    kind = op["op"]
    if kind != "update-responsibility-level" and kind != "add-skill":
        code = op.get("skill")
        if isinstance(code, str) and not _skill_exists(repo, code) and code not in added:
            yield at(doc, ("operations", i, "skill"), "R417", f"operation {i + 1} ({kind}) targets {code}, a skill "
                     "that does not exist and that no change request adds")
    for key in ("related", "replaced_by"):
        for j, code in enumerate(op.get(key) or [] if isinstance(op.get(key), list) else []):
            if not _skill_exists(repo, code) and code not in added:
                yield at(doc, ("operations", i, key, j), "R417", f"operation {i + 1} ({kind}) names {code}, a skill "
                         "that does not exist and that no change request adds")
    if kind == "update-responsibility-level":
        level = op.get("level")
        if level not in fw.levels and level in LEVELS and fw.levels:
            yield at(doc, ("operations", i, "level"), "R418", f"operation {i + 1} targets level {level}, which "
                     "framework/levels/ does not define")
    code = op.get("attribute")
    if isinstance(code, str) and code not in fw.attributes and code not in repo.attribute_dirs and \
            code not in added_attributes:
        yield at(doc, ("operations", i, "attribute"), "R418", f"operation {i + 1} ({kind}) targets attribute {code}, "
                 "which does not exist and which no change request adds")
