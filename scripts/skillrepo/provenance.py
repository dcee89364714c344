"""Where each part of the framework came from: for one item, every applied change request that changed it (its
history) and, for a text, the change request behind each sentence (its blame), from one replay of every applied
change request from the empty framework (replay.from_empty). Nothing here reads or writes files.

An item is a skill (its own fields), a skill at a level, an attribute, an attribute at a level, or a level of
responsibility, written `L5` or `level 5`.

Blame's rules, sentence by sentence (sentences as diffs.sentences cuts them, compared without the spaces after
them, matched as diffs.text_change matches them):
- text added (with a skill, an attribute, a level): every sentence's first and last change request is the one
  that added it;
- an edit (`edits`, each applied in turn): a sentence kept unchanged keeps both; a sentence changed or added gets
  last = that change request, and first = that change request too, unless it replaces exactly one sentence (one
  for one): then it keeps that sentence's first;
- a whole rewrite (`from`/`to`): every sentence's last = that change request, and first = that change request
  unless the identical sentence was in the text before (then that sentence's first).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from skillrepo.diffs import sentences
from skillrepo.engine import Effect, targets
from skillrepo.errors import SkillrepoError
from skillrepo.layout import printable_name
from skillrepo.model import ChangeRequest, Framework, Repository
from skillrepo.operations import Item, describe_operation
from skillrepo.replay import Replay, from_empty

# The statuses of change requests a reviewer is shown apart: what was already refused.
REFUSED_STATUSES = ("declined", "withdrawn")
# Fields whose changes history shows word by word (the others, labels and lists, its effect's words say in full).
TEXT_FIELDS = frozenset({"description", "guidance", "essence"})

_RESPONSIBILITY = re.compile(r"[Ll](?:evel)?[ -]?([0-9]+)")
_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() takes '²', which int() refuses


@dataclass(frozen=True)
class Subject:
    """One item people ask about: kind is skill, skill-level, attribute, attribute-level or responsibility-level."""

    kind: str
    code: str | None
    level: int | None

    @property
    def label(self) -> str:
        """The item as people name it: 'ITOP', 'ITOP level 5', 'attribute AUTO', 'level of responsibility 5'."""
        if self.kind == "responsibility-level":
            return f"level of responsibility {self.level}"
        head = f"attribute {self.code}" if self.kind == "attribute" else str(self.code)
        return f"{head} level {self.level}" if self.level is not None and self.code else head

    @property
    def text_field(self) -> str:
        """The field blame attributes: a level of responsibility's essence, anything else's description."""
        return "essence" if self.kind == "responsibility-level" else "description"

    def concerns(self, e: Effect) -> bool:
        """Whether an effect changed this item (a whole skill or attribute removed removes its levels too)."""
        if self.kind == "responsibility-level":
            return e.skill is None and e.attribute is None and e.level == self.level
        code = e.skill if self.kind.startswith("skill") else e.attribute
        if code != self.code:
            return False
        return e.level == self.level or (self.level is not None and e.level is None and e.field is None
                                         and e.after is None)

    def targeted_by(self, item: Item) -> bool:
        """Whether an item from engine.targets is this item (or holds it whole)."""
        kind, target, detail = item
        if self.kind == "responsibility-level":
            return bool(kind == "rl" and target == self.level)
        whole, part = ("skill", "level") if self.kind.startswith("skill") else ("attribute", "alevel")
        if target != self.code:
            return False
        if self.level is None:
            return bool(kind == whole)
        return bool((kind == part and detail == self.level) or (kind == whole and detail == "*"))


def subject(fw: Framework, replay: Replay, item: str, level: str | None) -> Subject:
    """The item `ITEM [LEVEL]` names, or a one-line SkillrepoError saying what exists."""
    text = printable_name(item.strip())  # shown in messages: no control character reaches the terminal
    found = _RESPONSIBILITY.fullmatch(text)
    if text.lower() == "level" or found:
        if found and level is not None:
            raise SkillrepoError(f"{text} is a level of responsibility: give no LEVEL after it")
        return _responsibility(fw, found[1] if found else level)
    if _DIGITS.fullmatch(text):
        raise SkillrepoError(f"{text} alone is ambiguous: write L{text} (or level {text}) for the level of "
                             f"responsibility, or a skill or attribute code and then the level (ITOP {text})")
    code = text.upper()
    skills, attributes = _known(fw, replay, "skill"), _known(fw, replay, "attribute")
    if code in skills and code in attributes:
        raise SkillrepoError(f"{code} is both a skill and an attribute (check reports it); rename one of them first")
    if code not in skills and code not in attributes:
        raise SkillrepoError(_unknown(text, skills, attributes))
    kind = "skill" if code in skills else "attribute"
    if level is None:
        return Subject(kind, code, None)
    number = _number(level)
    levels = _levels(fw, replay, kind, code)
    if number not in levels:
        raise SkillrepoError(f"{code} has no level {number}; it is described at levels "
                             f"{', '.join(map(str, sorted(levels))) or 'none'}")
    return Subject(f"{kind}-level", code, number)


def _number(level: str) -> int:
    if not _DIGITS.fullmatch(level.strip()):
        raise SkillrepoError(f"LEVEL is a number from 1 to 7, not '{printable_name(level)}'")
    return int(level)


def _responsibility(fw: Framework, level: str | None) -> Subject:
    if level is None:
        raise SkillrepoError("say which level of responsibility: L5, or level 5")
    number = _number(level)
    if number not in fw.levels:
        raise SkillrepoError(f"there is no level of responsibility {number}; the levels are "
                             f"{', '.join(f'L{n}' for n in sorted(fw.levels)) or 'none yet'}")
    return Subject("responsibility-level", None, number)


def _known(fw: Framework, replay: Replay, kind: str) -> set[str]:
    """The codes of the skills (or attributes) there are, or that any applied change request touched."""
    now = set(fw.skills if kind == "skill" else fw.attributes)
    return now | {c for e in replay.effects if (c := e.skill if kind == "skill" else e.attribute) is not None}


def _levels(fw: Framework, replay: Replay, kind: str, code: str) -> set[int]:
    """The levels a skill (or attribute) is described at, or was by any applied change request."""
    items: dict[str, Any] = dict(fw.skills if kind == "skill" else fw.attributes)
    now = set(items[code].levels) if code in items else set()
    return now | {e.level for e in replay.effects
                  if e.level is not None and (e.skill if kind == "skill" else e.attribute) == code}


def _unknown(text: str, skills: set[str], attributes: set[str]) -> str:
    near = difflib.get_close_matches(text.upper(), sorted(skills | attributes), n=3)
    if near:
        return f"{text} is not a skill or an attribute; did you mean {' or '.join(near)}?"
    return (f"{text} is not a skill or an attribute; the skills are {', '.join(sorted(skills)) or 'none'}, the "
            f"attributes {', '.join(sorted(attributes)) or 'none'}, and a level of responsibility is L1 to L7")


@dataclass(frozen=True)
class Step:
    """An applied change request that changed the item, with the effects concerned, in the order applied."""

    cr: ChangeRequest
    effects: tuple[Effect, ...]


@dataclass(frozen=True)
class Refused:
    """A declined or withdrawn change request whose operations targeted the item, with those operations."""

    cr: ChangeRequest
    operations: tuple[str, ...]


def history(replay: Replay, changes: dict[str, ChangeRequest], item: Subject) -> tuple[list[Step], list[Refused]]:
    """Every applied change request that changed `item`, oldest first; then the declined and withdrawn ones
    whose operations targeted it, by id."""
    steps = [Step(cr, found) for cr, effects in replay.steps
             if (found := tuple(e for e in effects if item.concerns(e)))]
    refused = []
    for cr_id in sorted(changes):
        cr = changes[cr_id]
        if cr.status in REFUSED_STATUSES:
            ops = tuple(describe_operation(op) for op in cr.operations
                        if any(item.targeted_by(t) for t in targets(op)))
            if ops:
                refused.append(Refused(cr, ops))
    return steps, refused


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text (with the spaces after it), the change request that first introduced it and the
    one that last changed it."""

    text: str
    first: str
    last: str


def blame(replay: Replay, item: Subject) -> list[Sentence]:
    """The item's text now, sentence by sentence, each with its first and last change request (the module's
    rules); one pass over the replay's effects."""
    return attributed(item, ((cr, e) for cr, effects in replay.steps for e in effects if item.concerns(e)))


def attributed(item: Subject, changes: Iterable[tuple[ChangeRequest, Effect]]) -> list[Sentence]:
    """The attribution of `item`'s text once each (change request, effect) concerning it is applied in turn."""
    lines: list[Sentence] = []
    for cr, e in changes:
        lines = _after(lines, e, cr.operations[e.index], item.text_field, cr.id)
    return lines


def _after(lines: list[Sentence], e: Effect, op: dict[str, Any], field: str, cr: str) -> list[Sentence]:
    """The attribution once effect `e` (of operation `op`, change request `cr`) has been applied."""
    if e.field is None:  # the whole item added (its text is the operation's) or removed
        return added(op.get(field) if e.after is not None else None, cr)
    if e.field != field:
        return lines
    if e.before is None or e.after is None:
        return added(e.after, cr)
    change = op.get(field)
    if isinstance(change, dict) and "edits" in change:
        return edited(lines, e.before, [(edit["old"], edit["new"]) for edit in change["edits"]], cr)
    return rewritten(lines, e.after, cr)


def added(text: str | None, cr: str) -> list[Sentence]:
    """A text that arrives whole: every sentence is `cr`'s."""
    return [Sentence(s, cr, cr) for s in sentences(text or "")]


def edited(lines: list[Sentence], before: str, edits: list[tuple[str, str]], cr: str) -> list[Sentence]:
    """The attribution of `before` (as `lines` has it) once each edit (old, new) is applied in turn: the
    sentences before and after the edited passage stay where they are; those of the passage are matched."""
    text = before
    for old, new in edits:
        at = text.find(old)
        text = text[:at] + new + text[at + len(old):]
        now = sentences(text)
        ends = list(itertools.accumulate(len(line.text) for line in lines))
        head = _kept(lines, now, [end <= at for end in ends])
        starts = [end - len(line.text) for end, line in zip(ends, lines, strict=True)]
        tail = _kept(lines[::-1], now[::-1], [start >= at + len(old) for start in reversed(starts)])
        tail = min(tail, len(lines) - head, len(now) - head)
        middle = _matched(lines[head:len(lines) - tail], now[head:len(now) - tail], cr)
        lines = lines[:head] + middle + lines[len(lines) - tail:]
    return lines


def _kept(lines: list[Sentence], now: list[str], outside: list[bool]) -> int:
    """How many of `lines`, from the first, lie outside the edited passage and are `now`'s, unchanged."""
    n = 0
    while n < len(lines) and n < len(now) and outside[n] and lines[n].text == now[n]:
        n += 1
    return n


def _matched(lines: list[Sentence], now: list[str], cr: str) -> list[Sentence]:
    """The edited passage's sentences `now`, attributed against `lines` (the passage before) by one edit of
    `cr`: kept ones keep both, one replacing one keeps its first, the rest are `cr`'s."""
    old = [line.text.strip() for line in lines]
    new = [s.strip() for s in now]
    out: list[Sentence] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [replace(line, text=s) for line, s in zip(lines[i1:i2], now[j1:j2], strict=True)]
        elif tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
            out.append(Sentence(now[j1], lines[i1].first, cr))
        else:
            out += [Sentence(s, cr, cr) for s in now[j1:j2]]
    return out


def rewritten(lines: list[Sentence], after: str, cr: str) -> list[Sentence]:
    """A whole rewrite by `cr`: every sentence last changed by it, first introduced by it unless the identical
    sentence was there before."""
    firsts: dict[str, str] = {}
    for line in lines:
        firsts.setdefault(line.text.strip(), line.first)
    return [Sentence(s, firsts.get(s.strip(), cr), cr) for s in sentences(after)]


def current_text(fw: Framework, item: Subject) -> str | None:
    """The item's text in the framework now (None: it is not there now)."""
    if item.kind == "responsibility-level":
        rl = fw.levels.get(item.level or 0)
        return rl.essence if rl is not None else None
    holders: dict[str, Any] = dict(fw.skills if item.kind.startswith("skill") else fw.attributes)
    holder = holders.get(item.code or "")
    if holder is None:
        return None
    if item.level is None:
        return str(holder.description)
    level = holder.levels.get(item.level)
    return str(level.description) if level is not None else None


def replayed(repo: Repository) -> tuple[Replay, Framework]:
    """Every applied change request replayed once from the empty framework, and the framework it gives; a
    SkillrepoError if they do not replay (verify says more)."""
    replay = from_empty(repo)
    if replay.problem is not None or replay.result is None:
        raise SkillrepoError(f"{(replay.problem or 'nothing replayed').splitlines()[0]}; run skillrepo verify")
    return replay, replay.result


def subject_of(e: Effect) -> Subject | None:
    """The item an effect changed (None: the framework's own fields)."""
    if e.attribute is not None:
        return Subject("attribute" if e.level is None else "attribute-level", e.attribute, e.level)
    if e.skill is not None:
        return Subject("skill" if e.level is None else "skill-level", e.skill, e.level)
    return Subject("responsibility-level", None, e.level) if e.level is not None else None


class Provenance:
    """Every item's history and blame from one replay, its effects filed by item in one pass, so that asking
    about every item of a release costs that pass and each item's own effects, never a scan per item."""

    def __init__(self, replay: Replay) -> None:
        self._crs = [cr for cr, _ in replay.steps]
        self._filed: dict[Subject, list[tuple[int, int, Effect]]] = {}
        # A whole skill or attribute removed removes its levels too (Subject.concerns): filed by its code.
        self._removed: dict[tuple[str, str], list[tuple[int, int, Effect]]] = {}
        self.changed: dict[str, dict[Subject, None]] = {}  # by change request, the items it changed, in order
        at = 0
        for n, (cr, effects) in enumerate(replay.steps):
            items = self.changed.setdefault(cr.id, {})
            for e in effects:
                found = subject_of(e)
                at += 1
                if found is None:
                    continue
                items[found] = None
                self._filed.setdefault(found, []).append((at, n, e))
                if found.code is not None and found.level is None and e.field is None and e.after is None:
                    self._removed.setdefault((found.kind, found.code), []).append((at, n, e))

    def _effects(self, item: Subject) -> list[tuple[int, int, Effect]]:
        mine = self._filed.get(item, [])
        if item.code is None or item.level is None:
            return mine
        whole = self._removed.get((item.kind.removesuffix("-level"), item.code), [])
        return sorted(mine + whole, key=lambda t: t[0]) if whole else mine

    def history(self, item: Subject) -> list[Step]:
        """Every applied change request that changed `item`, oldest first, with its effects on it."""
        return [Step(self._crs[n], tuple(e for _, _, e in group))
                for n, group in itertools.groupby(self._effects(item), key=lambda t: t[1])]

    def blame(self, item: Subject) -> list[Sentence]:
        """`item`'s text sentence by sentence, each with its first and last change request (as blame())."""
        return attributed(item, ((self._crs[n], e) for _, n, e in self._effects(item)))
