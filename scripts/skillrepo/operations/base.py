"""What every operation kind shares: the run that applies them, effects, preconditions and text changes.

A change of a text field is `{from, to}` (the whole value) or `{edits}` (each old text occurs exactly once);
both check their precondition against the value today and invert to the change that undoes them.
"""

from __future__ import annotations

import copy
import difflib
import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from skillrepo.domain import rewrite
from skillrepo.errors import SkillrepoError
from skillrepo.model import Attribute, Framework, Skill

Operation = dict[str, Any]
# An item an operation touches: ('skill', CODE, field), ('level', CODE, N), ('attribute', CODE, field),
# ('alevel', CODE, N), ('rl', N, field), ('framework', 'framework', field).
Item = tuple[Any, ...]


class PreconditionError(SkillrepoError):
    """An operation cannot apply to the framework as it is."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class UnknownOperation(SkillrepoError):
    """An operation names a kind no module defines."""


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
    why: str = ""  # why the impact is what it is, when it is not the kind's default: "keeps 3 of 40 words"
    attribute: str | None = None  # the attribute's code, for an effect on an attribute (then `skill` is None)

    def describe(self) -> str:
        """A short sentence: 'adds ITOP level 5'."""
        from skillrepo.operations import kind  # the registry imports every kind, and each kind this module

        return kind(self.op).describe(self)

    def impact_text(self) -> str:
        """The impact as people read it: 'minor', or 'major: keeps 3 of 40 words'."""
        return f"{self.impact}: {self.why}" if self.why else self.impact


@dataclass(frozen=True)
class Kind:
    """Everything about one operation kind: its schema branch, how it applies, inverts, what it touches, its
    default impact and the words for it and its effects."""

    name: str
    schema: str | None  # the manifest schema's $defs branch; None for a kind only an inverse produces
    impact: str
    parse: Callable[[Operation], object]  # the manifest's mapping as the kind's frozen dataclass
    apply: Callable[[Run, Operation], None]
    invert: Callable[[Operation], Operation]
    targets: Callable[[Operation], set[Item]]
    describe: Callable[[Effect], str]
    change: str  # how a page of changes files it: new, removed, retired or changed
    example: str = ""  # the commented example in the manifest `new` writes
    label: Callable[[Operation], str] = field(default=lambda op: skill_label(op))
    # The changelog's section for an effect of this kind, and its one-line summary there.
    section: Callable[[Effect], str] = field(default=lambda effect: "changed_descriptions")
    summary: Callable[[Effect, Framework], str] = field(default=lambda effect, fw: level_summary(effect, fw))


def skill_label(op: Operation) -> str:
    """An operation on a skill (or one of its levels) as people name it: 'update-level ITOP level 3'."""
    if "level" in op:
        return f"{op.get('op', '?')} {op.get('skill')} level {op.get('level')}"
    return f"{op.get('op', '?')} {op.get('skill')}"


class Run:
    """Applies operations one by one over a copy-on-write framework, recording effects."""

    def __init__(self, fw: Framework, cr: str, recording: bool = True) -> None:
        self.fw = replace(fw, skills=dict(fw.skills), levels=dict(fw.levels), attributes=dict(fw.attributes))
        self.cr = cr
        self.recording = recording  # False: only whether the operations apply is wanted, not what they did
        self.effects: list[Effect] = []
        self.index = 0
        self.op: Operation = {}

    @property
    def where(self) -> str:
        from skillrepo.operations import describe_operation

        prefix = f"{self.cr} " if self.cr else ""
        return f"{prefix}operation {self.index + 1} ({describe_operation(self.op)})"

    def effect(self, skill: str | None, level: int | None, field: str | None, before: Any, after: Any,
               impact: str | None = None, attribute: str | None = None) -> None:
        """Records what the current operation did; its `impact:` wins over a rewrite (major) and the kind's
        default."""
        if not self.recording:
            return  # weighing a rewrite's words is most of what applying an edit costs
        from skillrepo.operations import kind

        why = "" if self.op.get("impact") or impact else rewrite(field, before, after) or ""
        chosen = self.op.get("impact") or impact or ("major" if why else kind(self.op["op"]).impact)
        self.effects.append(Effect(self.op["op"], skill, level, field, before, after, chosen, self.cr, self.index,
                                   why, attribute))

    def skill(self, code: str) -> Skill:
        """The skill `code` as it is now, or a PreconditionError."""
        skill = self.fw.skills.get(code)
        if skill is None:
            raise PreconditionError(self.where, f"skill {code} does not exist")
        return skill

    def put(self, skill: Skill) -> None:
        self.fw.skills[skill.code] = skill

    def attribute(self, code: str) -> Attribute:
        """The attribute `code` as it is now, or a PreconditionError."""
        attribute = self.fw.attributes.get(code)
        if attribute is None:
            raise PreconditionError(self.where, f"attribute {code} does not exist")
        return attribute

    def put_attribute(self, attribute: Attribute) -> None:
        self.fw.attributes[attribute.code] = attribute


# What `after` is when an operation does not give it: the item goes last in the published order.
LAST = "<last>"


def placed(items: dict[str, Any], code: str, item: Any, after: str | None, where: str, what: str) -> dict[str, Any]:
    """`items` (in the published order) with `item` under `code`, after the code `after` (None: first; LAST: last);
    a PreconditionError if `after` is not one of them."""
    rest = {k: v for k, v in items.items() if k != code}
    if after == LAST:
        return rest | {code: item}
    if after is not None and after not in rest:
        raise PreconditionError(where, f"{after} is not a {what} of the framework, so nothing can come after it")
    out: dict[str, Any] = {} if after is not None else {code: item}
    for key, value in rest.items():
        out[key] = value
        if key == after:
            out[code] = item
    return out


def preceding(items: dict[str, Any], code: str) -> str | None:
    """The code before `code` in the published order (None when it is first)."""
    before: str | None = None
    for key in items:
        if key == code:
            return before
        before = key
    return before


def changed_since_added(now: Any, added: Any, fields: tuple[str, ...], level_words: str) -> list[str]:
    """What of a skill (or attribute) differs from how its add- operation added it: each field, then each level's
    description ("description of level 3", or as `level_words` names it); the levels themselves must agree."""
    changed = [key for key in fields if getattr(now, key) != getattr(added, key)]
    return changed + [f"description {level_words} {n}" for n in sorted(now.levels)
                      if now.levels[n].description != added.levels[n].description]


def skill_title(fw: Framework, code: str | None) -> str:
    """A skill as the changelog names it: 'ITOP IT infrastructure', or the bare code of one that is gone."""
    skill = fw.skills.get(code or "")
    return f"{code} {skill.name}" if skill is not None else str(code)


def attribute_title(fw: Framework, code: str | None) -> str:
    """An attribute as the changelog names it: 'AUTO Autonomy', or the bare code of one that is gone."""
    attribute = fw.attributes.get(code or "")
    return f"{code} {attribute.name}" if attribute is not None else str(code)


def attribute_label(op: Operation) -> str:
    """An operation on an attribute (or one of its levels) as people name it: 'update-attribute-level AUTO level 3'."""
    code = op.get("attribute", op.get("code"))
    return f"{op.get('op', '?')} {code}" + (f" level {op.get('level')}" if "level" in op else "")


def level_summary(effect: Effect, fw: Framework) -> str:
    """The changelog's summary of an effect on one level of a skill: 'ITOP IT infrastructure level 5'."""
    return f"{skill_title(fw, effect.skill)} level {effect.level}"


def describe_item(item: Item) -> str:
    """An item from `targets` in words: 'ITOP level 3', 'the name of ITOP'."""
    kind, target, detail = item
    if kind == "level":
        return f"{target} level {detail}"
    if kind == "rl":
        return f"the {detail} of level of responsibility {target}"
    if kind == "alevel":
        return f"attribute {target} at level {detail}"
    if kind == "attribute":
        return f"attribute {target}" if detail == "*" else f"the {detail} of attribute {target}"
    if kind == "framework":
        return f"the framework's {detail}"
    return f"{target}" if detail == "*" else f"the {detail} of {target}"


def levels_text(levels: Iterable[int]) -> str:
    """Level numbers in words: '3, 4' or 'none'."""
    numbers = sorted(levels)
    return ", ".join(map(str, numbers)) if numbers else "none"


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


def short(text: str, limit: int = 160) -> str:
    """`text` on one line, cut to `limit` characters."""
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LENGTHEN = "; lengthen it until it is unique"


def _found(count: int) -> str:
    if count == 0:
        return "does not occur"
    return f"occurs {count} times" if count < MAX_COUNTED else f"occurs {MAX_COUNTED:,} times or more"


def _hint(text: str, old: str) -> str:
    passage, cut = nearest(text, old)
    return f"; nearest text now{' (search cut short)' if cut else ''}: \"{short(passage)}\""


@dataclass(frozen=True)
class Change:
    """A change of one field: the whole value `{from, to}`, or `{edits}` (pairs of old and new text)."""

    before: Any = None
    after: Any = None
    edits: tuple[tuple[str, str], ...] | None = None

    @staticmethod
    def parse(change: Any) -> Change:
        """The change a manifest states as a mapping."""
        if "edits" in change:
            return Change(edits=tuple((edit["old"], edit["new"]) for edit in change["edits"]))
        return Change(change["from"], change["to"])


def _edited(current: str, edits: tuple[tuple[str, str], ...], where: str, field: str) -> str:
    text = current
    for n, (old, new) in enumerate(edits, 1):
        count = occurrences(text, old)
        if count != 1:
            raise PreconditionError(where, f"edit {n} of {field}: expected \"{short(old)}\" exactly once, "
                                    f"but it {_found(count)}{_hint(text, old) if count == 0 else _LENGTHEN}")
        text = text.replace(old, new, 1)
        if not new or occurrences(text, new) != 1:
            raise PreconditionError(where, f"edit {n} of {field}: the new text \"{short(new)}\" must occur "
                                    "exactly once in the result, so that the change can be reverted; include "
                                    "some of the words around it in both old and new")
    return text


def change_value(current: Any, change: Change, where: str, field: str) -> Any:
    """The new value of a field given its change; checks the precondition."""
    if change.edits is not None:
        if not isinstance(current, str):
            raise PreconditionError(where, f"{field} has no text to edit")
        return _edited(current, change.edits, where, field)
    if current != change.before:
        if isinstance(current, str) and isinstance(change.before, str):
            raise PreconditionError(where, f"{field} is not the expected text; expected \"{short(change.before)}\", "
                                    f"found \"{short(current)}\"")
        raise PreconditionError(where, f"{field} is {_render(current)}, expected {_render(change.before)}")
    return copy.deepcopy(change.after)


def _render(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return f"\"{short(str(value))}\""


def invert_change(change: Change) -> dict[str, Any]:
    """The change that undoes `change`, as a manifest states it."""
    if change.edits is not None:
        return {"edits": [{"old": new, "new": old} for old, new in reversed(change.edits)]}
    return {"from": copy.deepcopy(change.after), "to": copy.deepcopy(change.before)}
