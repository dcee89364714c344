"""The operations that turn today's framework into what edited published files say (`new --from-sheet`).

Each kind of file changes only what it holds: a skills file the skills (and the categories they are filed under),
an attributes file the attributes, a levels of responsibility file the levels of responsibility. An item the file
drops is never retired silently: its retirement is written for the author to review (see RETIRE_SKILL_NOTE).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from skillrepo.diffs import text_change
from skillrepo.errors import SkillrepoError
from skillrepo.model import Attribute, Framework, Skill
from skillrepo.operations import Operation
from skillrepo.operations.update_framework import framework_value
from skillrepo.sheetread.read import SheetAttribute, SheetFramework, SheetLevel, SheetSkill

# The comments written above a retirement the files imply, for the author to decide on.
RETIRE_SKILL_NOTE = ("{code} is not in the file. Name the skills that replace it in replaced_by (check refuses the "
                     "empty list), or delete this operation to keep {code}.")
RELATED_NOTE = " {skills} relate to {code}: make them relate to what replaces it (update-skill related)."
RETIRE_ATTRIBUTE_NOTE = ("{code} is not in the file, so it would be retired. Review this operation; delete it to "
                         "keep {code}.")


def derived_operations(fw: Framework, sheet: SheetFramework) -> list[Operation]:
    """The operations that make `fw` what the files of `sheet` say; a SkillrepoError for a row no operation can
    give (a skill the framework has retired)."""
    ops: list[Operation] = []
    if sheet.has_skills:
        ops += _skill_operations(fw, sheet)
    if sheet.attributes is not None:
        ops += _attribute_operations(fw, sheet.attributes)
    if sheet.levels is not None:
        ops += [op for lv in sheet.levels.values() if (op := _level_update(fw, lv)) is not None]
    return ops


def _text(changes: dict[str, Any], key: str, before: str | None, after: str | None) -> None:
    """Records in `changes` the change of a text field (sentence-level edits where they can be), if it changed."""
    if before != after:
        changes[key] = text_change(before, after)


def _label(changes: dict[str, Any], key: str, before: Any, after: Any) -> None:
    """Records in `changes` the whole-value change of a label field (a name, a category, a type), if it changed."""
    if before != after:
        changes[key] = {"from": before, "to": after}


def _url(changes: dict[str, Any], before: str | None, after: str | None, own_page: str) -> None:
    """A URL cell changes the URL only when it holds a publisher's address other than today's: an empty cell, or
    the release site's own page for the item (what a release writes for an item without one), changes nothing."""
    if after is not None and after != before and not (before is None and after.endswith("/" + own_page)):
        changes["url"] = {"from": before, "to": after}


def _retired_in_file(codes: Sequence[tuple[str, int]], what: str, items: dict[str, Any]) -> None:
    """Refuses a row (code, row number) for an item the framework has retired: no operation makes it active."""
    for code, row in codes:
        if code in items and items[code].status != "active":
            raise SkillrepoError(f"row {row} of the {what}s file: {code} is a retired {what} of this framework, and "
                                 f"no change request brings a retired {what} back; remove the row, or give the "
                                 f"{what} a new code")


def _skill_operations(fw: Framework, sheet: SheetFramework) -> list[Operation]:
    """update-framework for categories the file adds, each skill's changes, the moves to the file's order, the new
    skills in their places, then a retirement to review for each active skill the file leaves out."""
    rows = sheet.skills
    _retired_in_file([(r.code, r.row) for r in rows], "skill", fw.skills)
    ops = _categories(fw, rows)
    for row in rows:
        if row.code in fw.skills:
            ops += _skill_changes(fw.skills[row.code], row)
    ops += moves(list(fw.skills), [r.code for r in rows if r.code in fw.skills], "move-skill", "skill")
    before: str | None = None
    for row in rows:
        if row.code not in fw.skills:
            ops.append(_new_skill(row, before))
        before = row.code
    listed = {r.code for r in rows}
    ops += [{"op": "retire-skill", "skill": code, "replaced_by": []}
            for code, skill in fw.skills.items() if skill.status == "active" and code not in listed]
    return ops


def _categories(fw: Framework, rows: list[SheetSkill]) -> list[Operation]:
    """An update-framework adding the categories and subcategories the file files skills under and the framework
    lacks (each last in its list), or nothing."""
    categories = {name: list(subs) for name, subs in fw.categories.items()}
    for row in rows:
        subs = categories.setdefault(row.category, [])
        if row.subcategory not in subs:
            subs.append(row.subcategory)
    if categories == fw.categories:
        return []
    after = [{"name": name, "subcategories": subs} for name, subs in categories.items()]
    return [{"op": "update-framework", "categories": {"from": framework_value(fw, "categories"), "to": after}}]


def _skill_changes(skill: Skill, row: SheetSkill) -> list[Operation]:
    """update-skill for the skill's own fields the row changes, then its levels added, changed and removed."""
    changes: dict[str, Any] = {}
    _label(changes, "name", skill.name, row.name)
    _text(changes, "description", skill.description, row.description)
    _text(changes, "guidance", skill.guidance, row.guidance)
    _url(changes, skill.url, row.url, f"skills/{skill.code}.html")
    _label(changes, "category", skill.category, row.category)
    _label(changes, "subcategory", skill.subcategory, row.subcategory)
    ops: list[Operation] = [{"op": "update-skill", "skill": skill.code, **changes}] if changes else []
    today = {n: lv.description for n, lv in skill.levels.items()}
    return ops + level_operations(today, row.levels, lambda kind, n: {"op": kind, "skill": skill.code, "level": n},
                                  ("add-level", "update-level", "remove-level"))


def level_operations(today: dict[int, str], wanted: dict[int, str], head: Callable[[str, int], Operation],
                     kinds: tuple[str, str, str]) -> list[Operation]:
    """The operations (`kinds`: add, update, remove) that make an item's level texts `today` the `wanted` ones,
    level by level; `head` gives an operation's kind and target."""
    add, update, remove = kinds
    ops: list[Operation] = []
    for n in sorted(set(today) | set(wanted)):
        if n not in today:
            ops.append({**head(add, n), "description": wanted[n]})
        elif n not in wanted:
            ops.append({**head(remove, n), "description": today[n]})
        elif today[n] != wanted[n]:
            ops.append({**head(update, n), "description": text_change(today[n], wanted[n])})
    return ops


def _new_skill(row: SheetSkill, after: str | None) -> Operation:
    """The add-skill of a row whose code the framework lacks: a new permanent id, no related skills, its levels,
    after the row before it."""
    op: Operation = {"op": "add-skill", "code": row.code, "id": str(uuid.uuid4()), "name": row.name,
                     "category": row.category, "subcategory": row.subcategory, "description": row.description}
    if row.guidance is not None:
        op["guidance"] = row.guidance
    if row.url is not None:
        op["url"] = row.url
    op["related"] = []
    op["after"] = after
    op["levels"] = [{"level": n, "description": text} for n, text in sorted(row.levels.items())]
    return op


def moves(current: list[str], wanted: list[str], kind: str, key: str) -> list[Operation]:
    """The moves (few: the longest run of `wanted` already in order stays) that put the codes `wanted` in that
    order within `current`, each after the code before it in `wanted`; the codes not wanted stay where they are."""
    order = list(current)
    kept = _in_order(order, wanted)
    ops: list[Operation] = []
    for i, code in enumerate(wanted):
        if code in kept:
            continue
        after = wanted[i - 1] if i else None
        at = order.index(code)
        before = order[at - 1] if at else None
        order.pop(at)
        order.insert(order.index(after) + 1 if after is not None else 0, code)
        if before != after:
            ops.append({"op": kind, key: code, "after": {"from": before, "to": after}})
    return ops


def _in_order(order: list[str], wanted: list[str]) -> set[str]:
    """The longest subsequence of `wanted` that `order` already has in the same order."""
    position = {code: i for i, code in enumerate(order)}
    places = [position[code] for code in wanted]
    best: list[int] = []  # best[i]: the length of the longest increasing run ending at i
    came: list[int] = []
    for i, place in enumerate(places):
        prior = [j for j in range(i) if places[j] < place]
        j = max(prior, key=lambda j: best[j], default=-1)
        best.append(best[j] + 1 if j >= 0 else 1)
        came.append(j)
    out: set[str] = set()
    i = max(range(len(places)), key=lambda i: best[i], default=-1)
    while i >= 0:
        out.add(wanted[i])
        i = came[i]
    return out


def _attribute_operations(fw: Framework, rows: list[SheetAttribute]) -> list[Operation]:
    """Each attribute's changes, the moves to the file's order, the new attributes in their places, then a
    retirement to review for each active attribute the file leaves out."""
    _retired_in_file([(r.code, r.row) for r in rows], "attribute", fw.attributes)
    ops: list[Operation] = []
    for row in rows:
        if row.code in fw.attributes:
            ops += _attribute_changes(fw.attributes[row.code], row)
    ops += moves(list(fw.attributes), [r.code for r in rows if r.code in fw.attributes], "move-attribute",
                 "attribute")
    before: str | None = None
    for row in rows:
        if row.code not in fw.attributes:
            ops.append(_new_attribute(row, before))
        before = row.code
    listed = {r.code for r in rows}
    ops += [{"op": "retire-attribute", "attribute": code}
            for code, attribute in fw.attributes.items() if attribute.status == "active" and code not in listed]
    return ops


def _attribute_changes(attribute: Attribute, row: SheetAttribute) -> list[Operation]:
    """update-attribute for the attribute's own fields the row changes, then its levels."""
    changes: dict[str, Any] = {}
    _label(changes, "name", attribute.name, row.name)
    _label(changes, "type", attribute.type, row.type)
    _text(changes, "description", attribute.description, row.description)
    _text(changes, "guidance", attribute.guidance, row.guidance)
    _url(changes, attribute.url, row.url, f"attributes/{attribute.code}.html")
    code = attribute.code
    ops: list[Operation] = [{"op": "update-attribute", "attribute": code, **changes}] if changes else []
    today = {n: lv.description for n, lv in attribute.levels.items()}
    return ops + level_operations(today, row.levels, lambda kind, n: {"op": kind, "attribute": code, "level": n},
                                  ("add-attribute-level", "update-attribute-level", "remove-attribute-level"))


def _new_attribute(row: SheetAttribute, after: str | None) -> Operation:
    """The add-attribute of a row whose code the framework lacks: a new permanent id, its levels, after the row
    before it."""
    op: Operation = {"op": "add-attribute", "code": row.code, "id": str(uuid.uuid4()), "name": row.name,
                     "type": row.type, "description": row.description}
    if row.guidance is not None:
        op["guidance"] = row.guidance
    if row.url is not None:
        op["url"] = row.url
    op["after"] = after
    op["levels"] = [{"level": n, "description": text} for n, text in sorted(row.levels.items())]
    return op


def _level_update(fw: Framework, column: SheetLevel) -> Operation | None:
    """The update-responsibility-level giving a level the file's guiding phrase, essence and URL, or None."""
    level = fw.levels.get(column.level)
    if level is None:
        raise SkillrepoError(f"level {column.level} is not a level of responsibility of this framework")
    changes: dict[str, Any] = {}
    _label(changes, "name", level.name, column.name)
    _text(changes, "essence", level.essence, column.essence)
    _url(changes, level.url, column.url, f"levels/{column.level}.html")
    return {"op": "update-responsibility-level", "level": column.level, **changes} if changes else None


def touched_skills(ops: list[Operation]) -> list[str]:
    """The codes of the skills the operations touch, in the order they first do."""
    codes = [op.get("skill", op.get("code")) for op in ops if op["op"] in _SKILL_KINDS]
    return list(dict.fromkeys(str(c) for c in codes))


_SKILL_KINDS = frozenset({"update-skill", "add-level", "update-level", "remove-level", "move-skill", "add-skill",
                          "retire-skill"})


def review_notes(fw: Framework, ops: list[Operation]) -> dict[tuple[str, str], str]:
    """What the author must decide on each retirement the files imply, by the operation's kind and code: the
    comment the draft holds above it."""
    notes: dict[tuple[str, str], str] = {}
    for op in ops:
        if op["op"] == "retire-skill":
            code = str(op["skill"])
            relating = [c for c, s in fw.skills.items() if code in s.related and s.status == "active"]
            notes[("retire-skill", code)] = RETIRE_SKILL_NOTE.format(code=code) + (
                RELATED_NOTE.format(skills=", ".join(relating), code=code) if relating else "")
        elif op["op"] == "retire-attribute":
            code = str(op["attribute"])
            notes[("retire-attribute", code)] = RETIRE_ATTRIBUTE_NOTE.format(code=code)
    return notes
