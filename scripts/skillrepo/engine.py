"""The one pure engine: apply(framework, operations) -> (framework, effects), and the inverse of operations.

Nothing here reads or writes files. The input framework is never changed: the result shares what it did
not change (copy on write). A precondition that fails raises PreconditionError saying which change
request, which operation, what was expected and what is there now.
"""

from __future__ import annotations

import copy
import difflib
import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from skillrepo.errors import SkillrepoError
from skillrepo.model import Framework, ResponsibilityLevel, Skill, SkillLevel

Operation = dict[str, Any]

SKILL_FIELDS: tuple[str, ...] = ("name", "description", "guidance", "category", "subcategory", "related")
TEXT_FIELDS: frozenset[str] = frozenset({"name", "description", "guidance", "essence"})
# The fields of framework.yaml an update-framework changes (the edition is the release's, never an operation's).
FRAMEWORK_FIELDS: tuple[str, ...] = ("name", "attributes", "categories")

# The impact an operation has on people holding assessments against the old text, unless it says otherwise.
DEFAULT_IMPACT: dict[str, str] = {
    "add-skill": "major", "retire-skill": "major", "add-level": "major", "remove-level": "major",
    "update-skill": "minor", "update-level": "minor", "update-responsibility-level": "minor",
    "update-framework": "major",
}
# update-framework's default impact by field: a new name is wording; the attributes every level describes, and
# the categories skills are filed under, change what an assessment means.
FRAMEWORK_IMPACT: dict[str, str] = {"name": "minor", "attributes": "major", "categories": "major"}


class PreconditionError(SkillrepoError):
    """An operation cannot apply to the framework as it is."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Effect:
    """One thing an operation did, with the value before and after, for people and for the changelog."""

    op: str
    skill: str | None
    level: int | None
    field: str | None
    before: Any
    after: Any
    impact: str
    cr: str = ""
    index: int = 0

    def describe(self) -> str:
        """A short sentence: 'adds ITOP level 5'."""
        target = self.skill or ""
        if self.op == "add-skill":
            return f"adds skill {self.skill} \"{self.after}\""
        if self.op == "retire-skill":
            return f"retires {self.skill}, replaced by {', '.join(self.after)}"
        if self.op == "add-level":
            return f"adds {target} level {self.level}"
        if self.op == "remove-level":
            return f"removes {target} level {self.level}"
        if self.op == "update-level":
            return f"changes the description of {target} level {self.level}"
        if self.op == "update-responsibility-level":
            what = "essence" if self.field == "essence" else f"{self.field}"
            return f"changes the {what} of level of responsibility {self.level}"
        if self.op == "update-framework":
            return describe_framework_change(str(self.field), self.before, self.after)
        if self.field in ("name", "category", "subcategory"):
            return f"changes the {self.field} of {target} from \"{self.before}\" to \"{self.after}\""
        if self.field == "related":
            return f"changes the skills related to {target} from [{', '.join(self.before)}] to [{', '.join(self.after)}]"
        if self.op == "unretire-skill":
            return f"returns {self.skill} to active"
        if self.op == "remove-skill":
            return f"removes skill {self.skill}"
        return f"changes the {self.field} of {target}"


def describe_operation(op: Operation) -> str:
    """An operation as people name it: 'update-level ITOP level 3'."""
    kind = op.get("op", "?")
    if kind == "add-skill":
        return f"add-skill {op.get('code')}"
    if kind == "update-responsibility-level":
        return f"update-responsibility-level {op.get('level')}"
    if kind == "update-framework":
        return f"update-framework {', '.join(k for k in FRAMEWORK_FIELDS if k in op) or 'nothing'}"
    if "level" in op:
        return f"{kind} {op.get('skill')} level {op.get('level')}"
    return f"{kind} {op.get('skill')}"


def framework_value(fw: Framework, field: str) -> Any:
    """A field of framework.yaml as an update-framework states it; categories as [{name, subcategories}]."""
    if field == "name":
        return fw.name
    if field == "attributes":
        return list(fw.attributes)
    return [{"name": name, "subcategories": list(subs)} for name, subs in fw.categories.items()]


def framework_value_text(field: str, value: Any) -> str:
    """A value of a framework.yaml field in words: the name quoted, a list of names, categories with theirs."""
    if field == "name":
        return f"\"{value}\""
    if field == "attributes":
        return "[" + ", ".join(map(str, value)) + "]"
    return "; ".join(f"{c['name']} ({', '.join(c['subcategories'])})" for c in value)


def describe_framework_change(field: str, before: Any, after: Any) -> str:
    """An update-framework effect as a sentence: what was added, removed or reordered, never the whole list."""
    if field == "name":
        return f"changes the name of the framework from \"{before}\" to \"{after}\""
    if field == "attributes":
        return f"changes the attributes of the framework from {framework_value_text(field, before)} to " \
            f"{framework_value_text(field, after)}"
    old = {c["name"]: c["subcategories"] for c in before}
    new = {c["name"]: c["subcategories"] for c in after}
    parts = [f"adds category \"{n}\"" for n in new if n not in old]
    parts += [f"removes category \"{n}\"" for n in old if n not in new]
    parts += [f"changes the subcategories of \"{n}\"" for n in new if n in old and old[n] != new[n]]
    if [n for n in old if n in new] != [n for n in new if n in old]:
        parts.append("reorders the categories")
    return "changes the categories of the framework: " + ("; ".join(parts) or "no difference")


# The "nearest text now" hint compares windows of the text with the wanted text, each cut to NEAREST_CHARS,
# for at most NEAREST_BUDGET pairs of characters in all (SequenceMatcher costs about the product of the
# lengths): its cost stays a small multiple of the input's size, whatever the text and the edit.
NEAREST_CHARS = 200
NEAREST_BUDGET = 400_000
# Occurrences are counted up to this many: enough to say "occurs 11 times", never a quadratic count.
MAX_COUNTED = 1000


def occurrences(text: str, part: str, limit: int = MAX_COUNTED) -> int:
    """How many times `part` occurs in `text`, overlapping occurrences included ("aa" is twice in "aaa"),
    counted up to `limit`: what decides whether an edit's text is unique."""
    if not part:
        return min(len(text) + 1, limit)
    count, at = 0, text.find(part)
    while at != -1 and count < limit:
        count += 1
        at = text.find(part, at + 1)
    return count


def _promising(words: list[str], wanted: str, size: int, windows: int, keep: int) -> list[int]:
    """The starts of the `keep` windows of `size` words sharing the most words with `wanted`, earliest first
    among equals; linear in the number of words."""
    vocabulary = set(wanted.split(" "))
    shared = [0]
    for word in words:
        shared.append(shared[-1] + (word in vocabulary))
    best = heapq.nsmallest(keep, range(windows), key=lambda s: (shared[s] - shared[s + size], s))
    return sorted(best)


def _window(words: list[str], start: int, size: int) -> tuple[str, bool]:
    """The `size` words from `start`, joined, cut to NEAREST_CHARS (and whether it was cut)."""
    parts: list[str] = []
    length = -1
    for word in itertools.islice(words, start, start + size):
        if length >= NEAREST_CHARS:
            return " ".join(parts)[:NEAREST_CHARS], True
        parts.append(word)
        length += len(word) + 1
    joined = " ".join(parts)
    return (joined[:NEAREST_CHARS], True) if len(joined) > NEAREST_CHARS else (joined, False)


def nearest(text: str, wanted: str) -> tuple[str, bool]:
    """The passage of `text` most like `wanted`, so an author can see what moved, and whether the search was
    cut short (only the most promising windows compared, or only their first NEAREST_CHARS characters)."""
    words = text.split(" ")
    size = max(1, wanted.count(" ") + 1)
    windows = max(1, len(words) - size + 1)
    target = wanted[:NEAREST_CHARS]
    cut = len(wanted) > NEAREST_CHARS
    keep = max(1, NEAREST_BUDGET // max(1, len(target) ** 2))
    starts: Iterable[int] = range(windows)
    if windows > keep:
        starts, cut = _promising(words, wanted, size, windows, keep), True
    best, best_ratio = "", -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for start in starts:
        candidate, shortened = _window(words, start, size)
        cut = cut or shortened
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best, cut


def _short(text: str, limit: int = 160) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LENGTHEN = "; lengthen it until it is unique"


def _found(count: int) -> str:
    if count == 0:
        return "does not occur"
    return f"occurs {count} times" if count < MAX_COUNTED else f"occurs {MAX_COUNTED:,} times or more"


def _hint(text: str, old: str) -> str:
    passage, cut = nearest(text, old)
    return f"; nearest text now{' (search cut short)' if cut else ''}: \"{_short(passage)}\""


def change_value(current: Any, change: Any, where: str, field: str) -> Any:
    """The new value of a field given its change ({from, to} or {edits}); checks the precondition."""
    if "edits" in change:
        if not isinstance(current, str):
            raise PreconditionError(where, f"{field} has no text to edit")
        text = current
        for n, edit in enumerate(change["edits"], 1):
            old, new = edit["old"], edit["new"]
            count = occurrences(text, old)
            if count != 1:
                raise PreconditionError(where, f"edit {n} of {field}: expected \"{_short(old)}\" exactly once, "
                                        f"but it {_found(count)}{_hint(text, old) if count == 0 else _LENGTHEN}")
            text = text.replace(old, new, 1)
            if not new or occurrences(text, new) != 1:
                raise PreconditionError(where, f"edit {n} of {field}: the new text \"{_short(new)}\" must occur "
                                        "exactly once in the result, so that the change can be reverted; include "
                                        "some of the words around it in both old and new")
        return text
    if current != change["from"]:
        if isinstance(current, str) and isinstance(change["from"], str):
            raise PreconditionError(where, f"{field} is not the expected text; expected \"{_short(change['from'])}\", "
                                    f"found \"{_short(current)}\"")
        raise PreconditionError(where, f"{field} is {_render(current)}, expected {_render(change['from'])}")
    return copy.deepcopy(change["to"])


def _render(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return f"\"{_short(str(value))}\""


def invert_change(change: Any) -> Any:
    """The change that undoes `change`."""
    if "edits" in change:
        return {"edits": [{"old": e["new"], "new": e["old"]} for e in reversed(change["edits"])]}
    return {"from": copy.deepcopy(change["to"]), "to": copy.deepcopy(change["from"])}


# Every field of a skill that add-skill sets; remove-skill (its inverse) requires each to be as it was set.
ADDED_FIELDS: tuple[str, ...] = ("id", "name", "category", "subcategory", "status", "description", "related",
                                 "guidance", "replaced_by")


def added_skill(op: Operation) -> Skill:
    """The skill an add-skill operation adds."""
    code = op["code"]
    levels = {lv["level"]: SkillLevel(code, lv["level"], lv["description"]) for lv in op.get("levels", [])}
    return Skill(code=code, id=op["id"], name=op["name"], category=op["category"], subcategory=op["subcategory"],
                 status="active", description=op["description"], related=list(op.get("related", [])),
                 guidance=op.get("guidance"), levels=levels)


class _Apply:
    """Applies operations one by one over a copy-on-write framework, recording effects."""

    def __init__(self, fw: Framework, cr: str) -> None:
        self.fw = replace(fw, skills=dict(fw.skills), levels=dict(fw.levels))
        self.cr = cr
        self.effects: list[Effect] = []
        self.index = 0
        self.op: Operation = {}

    @property
    def where(self) -> str:
        prefix = f"{self.cr} " if self.cr else ""
        return f"{prefix}operation {self.index + 1} ({describe_operation(self.op)})"

    def effect(self, skill: str | None, level: int | None, field: str | None, before: Any, after: Any) -> None:
        impact = self.op.get("impact") or DEFAULT_IMPACT.get(self.op["op"], "minor")
        self.effects.append(Effect(self.op["op"], skill, level, field, before, after, impact, self.cr, self.index))

    def skill(self, code: str) -> Skill:
        skill = self.fw.skills.get(code)
        if skill is None:
            raise PreconditionError(self.where, f"skill {code} does not exist")
        return skill

    def put(self, skill: Skill) -> None:
        self.fw.skills[skill.code] = skill

    # The operations.

    def add_skill(self, op: Operation) -> None:
        code = op["code"]
        if code in self.fw.skills:
            raise PreconditionError(self.where, f"skill {code} already exists")
        for other in self.fw.skills.values():
            if other.id == op["id"]:
                raise PreconditionError(self.where, f"id {op['id']} is already the id of {other.code}")
        skill = added_skill(op)
        self.put(skill)
        self.effect(code, None, None, None, op["name"])
        for level in sorted(skill.levels):
            self.effect(code, level, "description", None, skill.levels[level].description)

    def remove_skill(self, op: Operation) -> None:
        """The inverse of add-skill: the skill must be exactly as the operation added it, every field and level."""
        code = op["code"]
        skill = self.skill(code)
        expected = added_skill(op)
        if set(skill.levels) != set(expected.levels):
            raise PreconditionError(self.where, f"{code} is now defined at levels {_levels(skill.levels)}, not the "
                                    f"{_levels(expected.levels)} it was added with")
        changed = [key for key in ADDED_FIELDS if getattr(skill, key) != getattr(expected, key)]
        changed += [f"description of level {n}" for n in sorted(skill.levels)
                    if skill.levels[n].description != expected.levels[n].description]
        if changed:
            raise PreconditionError(self.where, f"the {', '.join(changed)} of {code} changed since it was added")
        del self.fw.skills[code]
        self.effect(code, None, None, skill.name, None)

    def update_skill(self, op: Operation) -> None:
        skill = self.skill(op["skill"])
        changes: dict[str, Any] = {}
        if not any(key in op for key in SKILL_FIELDS):
            raise PreconditionError(self.where, f"changes nothing; name a field to change: {', '.join(SKILL_FIELDS)}")
        for key in SKILL_FIELDS:
            if key in op:
                before = getattr(skill, key)
                after = change_value(before, op[key], self.where, key)
                changes[key] = after
                self.effect(skill.code, None, key, before, after)
        self.put(replace(skill, **changes))

    def retire_skill(self, op: Operation) -> None:
        skill = self.skill(op["skill"])
        if skill.status == "retired":
            raise PreconditionError(self.where, f"{skill.code} is already retired")
        self.put(replace(skill, status="retired", replaced_by=list(op["replaced_by"])))
        self.effect(skill.code, None, "status", "active", list(op["replaced_by"]))

    def unretire_skill(self, op: Operation) -> None:
        """The inverse of retire-skill."""
        skill = self.skill(op["skill"])
        if skill.status != "retired" or skill.replaced_by != list(op["replaced_by"]):
            raise PreconditionError(self.where, f"{skill.code} is not retired with replaced_by "
                                    f"[{', '.join(op['replaced_by'])}]")
        self.put(replace(skill, status="active", replaced_by=[]))
        self.effect(skill.code, None, "status", list(op["replaced_by"]), "active")

    def add_level(self, op: Operation) -> None:
        skill = self.skill(op["skill"])
        level = op["level"]
        if level in skill.levels:
            raise PreconditionError(self.where, f"{skill.code} level {level} already exists; "
                                    "use update-level to change it")
        if level not in self.fw.levels and self.fw.levels:
            raise PreconditionError(self.where, f"level {level} is not a level of responsibility of this framework")
        levels = dict(skill.levels)
        levels[level] = SkillLevel(skill.code, level, op["description"])
        self.put(replace(skill, levels=levels))
        self.effect(skill.code, level, "description", None, op["description"])

    def update_level(self, op: Operation) -> None:
        skill = self.skill(op["skill"])
        level = op["level"]
        current = skill.levels.get(level)
        if current is None:
            raise PreconditionError(self.where, f"{skill.code} level {level} does not exist; "
                                    f"{skill.code} is defined at levels {_levels(skill.levels)}")
        after = change_value(current.description, op["description"], self.where, "description")
        levels = dict(skill.levels)
        levels[level] = replace(current, description=after)
        self.put(replace(skill, levels=levels))
        self.effect(skill.code, level, "description", current.description, after)

    def remove_level(self, op: Operation) -> None:
        skill = self.skill(op["skill"])
        level = op["level"]
        current = skill.levels.get(level)
        if current is None:
            raise PreconditionError(self.where, f"{skill.code} level {level} does not exist")
        if current.description != op["description"]:
            raise PreconditionError(self.where, f"the description of {skill.code} level {level} is not the text "
                                    f"the operation removes; found \"{_short(current.description)}\"")
        levels = dict(skill.levels)
        del levels[level]
        self.put(replace(skill, levels=levels))
        self.effect(skill.code, level, "description", current.description, None)

    def update_responsibility_level(self, op: Operation) -> None:
        level = self.fw.levels.get(op["level"])
        if level is None:
            raise PreconditionError(self.where, f"level of responsibility {op['level']} does not exist")
        new: ResponsibilityLevel = replace(level, attributes=dict(level.attributes))
        if "essence" in op:
            new.essence = change_value(level.essence, op["essence"], self.where, "essence")
            self.effect(None, level.level, "essence", level.essence, new.essence)
        for name, change in op.get("attributes", {}).items():
            if name not in level.attributes:
                raise PreconditionError(self.where, f"level {level.level} has no attribute '{name}'")
            new.attributes[name] = change_value(level.attributes[name], change, self.where, name)
            self.effect(None, level.level, name, level.attributes[name], new.attributes[name])
        self.fw.levels[level.level] = new

    def update_framework(self, op: Operation) -> None:
        """framework.yaml's name, attributes or categories: each `from` must be today's value, exactly."""
        if not any(key in op for key in FRAMEWORK_FIELDS):
            raise PreconditionError(self.where, "changes nothing; name a field to change: "
                                    f"{', '.join(FRAMEWORK_FIELDS)}")
        for key in FRAMEWORK_FIELDS:
            if key not in op:
                continue
            before = framework_value(self.fw, key)
            if before != op[key]["from"]:
                raise PreconditionError(self.where, f"the framework's {key} is {framework_value_text(key, before)}, "
                                        f"expected {framework_value_text(key, op[key]['from'])}")
            after = copy.deepcopy(op[key]["to"])
            if key == "categories":
                names = [c["name"] for c in after]
                twice = sorted({n for n in names if names.count(n) > 1})
                if twice:
                    raise PreconditionError(self.where, f"the new categories list {', '.join(twice)} twice")
                self.fw.categories = {c["name"]: list(c["subcategories"]) for c in after}
            elif key == "attributes":
                self.fw.attributes = list(after)
            else:
                self.fw.name = after
            impact = self.op.get("impact") or FRAMEWORK_IMPACT[key]
            self.effects.append(Effect(self.op["op"], None, None, key, before, after, impact, self.cr, self.index))


_HANDLERS: dict[str, Callable[[_Apply, Operation], None]] = {
    "add-skill": _Apply.add_skill,
    "remove-skill": _Apply.remove_skill,
    "update-skill": _Apply.update_skill,
    "retire-skill": _Apply.retire_skill,
    "unretire-skill": _Apply.unretire_skill,
    "add-level": _Apply.add_level,
    "update-level": _Apply.update_level,
    "remove-level": _Apply.remove_level,
    "update-responsibility-level": _Apply.update_responsibility_level,
    "update-framework": _Apply.update_framework,
}


def _levels(levels: Iterable[int]) -> str:
    numbers = sorted(levels)
    return ", ".join(map(str, numbers)) if numbers else "none"


def apply(fw: Framework, operations: list[Operation], cr: str = "") -> tuple[Framework, list[Effect]]:
    """The framework after `operations`, and what each did; `fw` itself is left unchanged."""
    after, (effects,) = apply_all(fw, [(cr, operations)])
    return after, effects


def apply_all(fw: Framework, steps: list[tuple[str, list[Operation]]]) -> tuple[Framework, list[list[Effect]]]:
    """What `apply` of each (CR id, operations) in turn gives: the framework after the last, and each step's
    effects. The framework is copied once, not once per step: a replay of thousands of change requests over
    thousands of skills would otherwise copy every skill's entry for each of them."""
    run = _Apply(fw, "")
    effects: list[list[Effect]] = []
    for cr, operations in steps:
        run.cr, run.effects = cr, []
        for index, op in enumerate(operations):
            run.index, run.op = index, op
            _HANDLERS[op["op"]](run, op)
        effects.append(run.effects)
    return run.fw, effects


def invert(operations: list[Operation]) -> list[Operation]:
    """The operations that undo `operations`, in the order to apply them."""
    inverse: list[Operation] = []
    for op in reversed(operations):
        kind = op["op"]
        if kind == "add-skill":
            inverse.append({**op, "op": "remove-skill"})
        elif kind == "remove-skill":
            inverse.append({**op, "op": "add-skill"})
        elif kind == "retire-skill":
            inverse.append({**op, "op": "unretire-skill"})
        elif kind == "unretire-skill":
            inverse.append({**op, "op": "retire-skill"})
        elif kind == "add-level":
            inverse.append({**op, "op": "remove-level"})
        elif kind == "remove-level":
            inverse.append({**op, "op": "add-level"})
        elif kind == "update-skill":
            inverse.append({"op": kind, "skill": op["skill"],
                            **{k: invert_change(op[k]) for k in SKILL_FIELDS if k in op}})
        elif kind == "update-level":
            inverse.append({"op": kind, "skill": op["skill"], "level": op["level"],
                            "description": invert_change(op["description"])})
        elif kind == "update-responsibility-level":
            inv: Operation = {"op": kind, "level": op["level"]}
            if "essence" in op:
                inv["essence"] = invert_change(op["essence"])
            if "attributes" in op:
                inv["attributes"] = {k: invert_change(v) for k, v in op["attributes"].items()}
            inverse.append(inv)
        elif kind == "update-framework":
            inverse.append({"op": kind, **{k: invert_change(op[k]) for k in FRAMEWORK_FIELDS if k in op}})
    return inverse


def targets(op: Operation) -> set[tuple[Any, ...]]:
    """The items an operation touches: ('skill', CODE, field), ('level', CODE, N), ('rl', N, field),
    ('framework', 'framework', field)."""
    kind = op["op"]
    if kind in ("add-skill", "remove-skill"):
        return {("skill", op["code"], "*")}
    if kind in ("retire-skill", "unretire-skill"):
        return {("skill", op["skill"], "status")}
    if kind == "update-skill":
        return {("skill", op["skill"], k) for k in SKILL_FIELDS if k in op}
    if kind in ("add-level", "update-level", "remove-level"):
        return {("level", op["skill"], op["level"])}
    if kind == "update-framework":
        return {("framework", "framework", k) for k in FRAMEWORK_FIELDS if k in op}
    fields = (["essence"] if "essence" in op else []) + list(op.get("attributes", {}))
    return {("rl", op["level"], f) for f in fields}


def overlapping(a: set[tuple[Any, ...]], b: set[tuple[Any, ...]]) -> bool:
    """Whether two sets of items (from `targets`) share one: a whole skill (add-skill) holds its fields and levels."""
    if a & b:
        return True
    whole_a = {item[1] for item in a if item[0] == "skill" and item[2] == "*"}
    whole_b = {item[1] for item in b if item[0] == "skill" and item[2] == "*"}
    return any(item[0] in ("skill", "level") and item[1] in whole_b for item in a) or \
        any(item[0] in ("skill", "level") and item[1] in whole_a for item in b)


def touched(operations: list[Operation]) -> set[tuple[Any, ...]]:
    """Every item that any of `operations` touches."""
    return set().union(*(targets(op) for op in operations))
