"""What differs between framework/ and the replay of every applied change request from the empty framework: a
difference was made outside any change request (verify reports it, release refuses it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillrepo.diffs import marked_items, marked_sides
from skillrepo.domain import rewrite
from skillrepo.engine import Effect
from skillrepo.layout import (
    FRAMEWORK_FILE,
    attribute_level_path,
    attribute_path,
    level_path,
    skill_level_path,
    skill_path,
)
from skillrepo.model import Attribute, ChangeRequest, Framework, Repository, ResponsibilityLevel, Skill
from skillrepo.replay import Replay, from_empty, is_applied, since_release
from skillrepo.serialize import attribute_data, skill_data

# An item as effects name it: (skill code, level, field), or ("attribute:CODE", level, field) for an attribute;
# None where it does not apply.
Item = tuple[str | None, int | None, str | None]
# The effect field that changes a skill's key in skill.yaml, where they differ (a retirement sets both).
_SKILL_FIELDS = {"replaced_by": "status"}


@dataclass(frozen=True)
class Difference:
    """One thing framework/ has otherwise than the replay: where, what, the items whose change requests could
    have made it, and the value expected (the replay's) and found (framework/'s), as text; None: no such thing."""

    path: str
    what: str
    items: tuple[Item, ...]
    expected: str | list[str] | None
    found: str | list[str] | None


class LastTouched:
    """The change request that last touched each item in a replay (a skill's field or level, a level of
    responsibility's field, a field of framework.yaml), from the effects of its steps."""

    def __init__(self, steps: list[tuple[ChangeRequest, list[Effect]]]) -> None:
        self.last: dict[Item, tuple[int, str]] = {}
        n = 0
        for cr, effects in steps:
            for e in effects:
                n += 1
                self.last[(_owner(e), e.level, e.field)] = (n, cr.id)
                if e.field == "code" and isinstance(e.after, str):  # a new code: the skill under it came from here
                    self.last[(e.after, None, None)] = (n, cr.id)

    def of(self, items: tuple[Item, ...]) -> str | None:
        """The last change request that touched any of `items`, or None."""
        found = [self.last[i] for i in items if i in self.last]
        return max(found)[1] if found else None


def _owner(effect: Effect) -> str | None:
    """What an effect's item is about, as Item names it: a skill's code, or an attribute's."""
    return f"attribute:{effect.attribute}" if effect.attribute is not None else effect.skill


def _value(value: Any) -> str | list[str] | None:
    """A value of the framework as text to compare word by word, or a list to compare item by item."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _line(value: str | list[str] | None) -> str:
    """A value on one line: a text's spaces and line breaks as one space, a list's items joined by commas."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    return " ".join(value.split())


def _framework(replayed: Framework, now: Framework) -> list[Difference]:
    """Every field of framework.yaml but the edition (a release's, not a change request's) that differs."""
    out = [Difference(FRAMEWORK_FILE, f"{key} changed", ((None, None, key),), _value(getattr(replayed, key)),
                      _value(getattr(now, key))) for key in ("name",)
           if getattr(replayed, key) != getattr(now, key)]
    a, b = replayed.categories, now.categories
    item = ((None, None, "categories"),)
    names = _value(list(a)), _value(list(b))
    out += [Difference(FRAMEWORK_FILE, f'category "{n}" added', item, *names) for n in b if n not in a]
    out += [Difference(FRAMEWORK_FILE, f'category "{n}" removed', item, *names) for n in a if n not in b]
    if [n for n in a if n in b] != [n for n in b if n in a]:
        out.append(Difference(FRAMEWORK_FILE, "order of the categories changed", item, *names))
    out += [Difference(FRAMEWORK_FILE, f'subcategories of category "{n}" changed', item, _value(a[n]), _value(b[n]))
            for n in b if n in a and a[n] != b[n]]
    for what in ("skills", "attributes"):
        expected, found = list(getattr(replayed, what)), list(getattr(now, what))
        if expected != found and sorted(expected) == sorted(found):  # one added or removed is its own difference
            out.append(Difference(FRAMEWORK_FILE, f"order of the {what} changed", ((None, None, "order"),), expected,
                                  found))
    return out


def _skill(code: str, a: Skill | None, b: Skill | None) -> list[Difference]:
    """What differs in one skill: the skill itself, its fields, its levels."""
    return _item(code, code, a, b, skill_path, skill_level_path, skill_data, "skill")


def _attribute(code: str, a: Attribute | None, b: Attribute | None) -> list[Difference]:
    """What differs in one attribute: the attribute itself, its fields, its levels."""
    return _item(f"attribute:{code}", code, a, b, attribute_path, attribute_level_path, attribute_data, "attribute")


def _item(owner: str, code: str, a: Any, b: Any, path: Callable[[str], str], level_file: Callable[[str, int], str],
          data: Callable[[Any], dict[str, Any]], what: str) -> list[Difference]:
    whole: Item = (owner, None, None)
    if a is None or b is None:
        return [Difference(path(code), f"{what} {code} {'added' if a is None else 'removed'}", (whole,),
                           f"{code} {a.name}" if a else None, f"{code} {b.name}" if b else None)]
    da, db = data(a), data(b)
    out = [Difference(path(code), f"{key} changed", ((owner, None, _SKILL_FIELDS.get(key, key)), whole),
                      _value(da.get(key)), _value(db.get(key))) for key in sorted(da.keys() | db.keys())
           if da.get(key) != db.get(key)]
    for level in sorted(a.levels.keys() | b.levels.keys()):
        la, lb = a.levels.get(level), b.levels.get(level)
        ea, eb = la.description if la else None, lb.description if lb else None
        if ea != eb:
            change = "level added" if la is None else "level removed" if lb is None else "description changed"
            out.append(Difference(level_file(code, level), change,
                                  ((owner, level, "description"), (owner, level, None), whole), ea, eb))
    return out


def _responsibility_level(number: int, a: ResponsibilityLevel, b: ResponsibilityLevel) -> list[Difference]:
    """What differs in one level of responsibility: its name, its essence, its URL."""
    whole: Item = (None, number, None)
    return [Difference(level_path(number), f"{key} changed", ((None, number, key), whole), getattr(a, key),
                       getattr(b, key)) for key in ("name", "essence", "url") if getattr(a, key) != getattr(b, key)]


def framework_differences(replayed: Framework, now: Framework) -> list[Difference]:
    """Every file and field where the framework differs from the replay of its change requests."""
    out = _framework(replayed, now)
    for code in sorted(replayed.skills.keys() | now.skills.keys()):
        out += _skill(code, replayed.skills.get(code), now.skills.get(code))
    for code in sorted(replayed.attributes.keys() | now.attributes.keys()):
        out += _attribute(code, replayed.attributes.get(code), now.attributes.get(code))
    for number in sorted(replayed.levels.keys() & now.levels.keys()):  # one missing is check's business (P306)
        out += _responsibility_level(number, replayed.levels[number], now.levels[number])
    return out


def shown(d: Difference, last: LastTouched) -> str:
    """A difference as verify prints it: what and where, the change request that last touched it, and the
    value expected and found, word by word."""
    cr = last.of(d.items)
    head = f"{d.path}: {d.what} outside any CR ({f'last changed by {cr}' if cr else 'no CR replayed changed it'})"
    a, b = d.expected, d.found
    if isinstance(a, list) and isinstance(b, list):
        expected, found = marked_items(a, b)
    elif not isinstance(a, str) or not isinstance(b, str):
        expected, found = _line(a), _line(b)
    elif rewrite(None, a, b):  # the few words kept would only break up the two texts
        expected, found = f"[-{_line(a)}-]", f"{{+{_line(b)}+}}"
    else:
        expected, found = marked_sides(a, b)
        if expected == found:
            found += "  (they differ in spaces or line breaks only)"
    return f"{head}\n  expected: {expected}\n  found:    {found}"


def differences(replayed: Framework, now: Framework, steps: list[tuple[ChangeRequest, list[Effect]]]) -> list[str]:
    """Every difference between framework/ and the replay of its change requests (whose `steps` say which
    touched what), as verify prints it."""
    found = framework_differences(replayed, now)
    if not found:
        return []
    last = LastTouched(steps)
    return [shown(d, last) for d in found]


def problems(root: Path, now: Repository, base_ref: str | None = None) -> tuple[Replay, list[str], str]:
    """(the replay, what differs, which change requests were replayed): every change request changes/log.yaml
    records, from the empty framework; with `base_ref`, those applied since that git ref, on the framework there."""
    replay = since_release(root, now, base_ref) if base_ref is not None else from_empty(now)
    found = [replay.problem] if replay.problem else []
    found += [f"{cr.source.path if cr.source else cr.id}: {cr.id} has applied_in but status {cr.status}, so it is "
              "not replayed (R430)" for cr in sorted(now.changes.values(), key=lambda c: c.id)
              if cr.applied_in is not None and not is_applied(cr)]
    if replay.result is not None:
        found += differences(replay.result, now.framework, replay.steps)
    ids = [c.id for c in replay.order]
    names = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "") if ids else "none"
    undone = f", undoing {', '.join(c.id for c in replay.reverted)}" if replay.reverted else ""
    if base_ref is not None:
        return replay, found, f"the {len(replay.order)} change request(s) applied since {base_ref} ({names}{undone})"
    return replay, found, f"the {len(replay.order)} change request(s) applied ({names}) from the empty framework"
