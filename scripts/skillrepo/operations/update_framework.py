"""update-framework: framework.yaml's name or categories, each stated as a whole value."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from skillrepo.model import Framework
from skillrepo.operations.base import Change, Effect, Item, Kind, Operation, PreconditionError, Run, invert_change

# The fields of framework.yaml an update-framework changes (the edition is the release's, never an operation's).
FRAMEWORK_FIELDS: tuple[str, ...] = ("name", "categories")
# The default impact by field: a new name is wording; the categories skills are filed under change what an
# assessment means.
FRAMEWORK_IMPACT: dict[str, str] = {"name": "minor", "categories": "major"}


@dataclass(frozen=True)
class UpdateFramework:
    """The whole-value change of each field of framework.yaml it changes, in FRAMEWORK_FIELDS order."""

    changes: tuple[tuple[str, Change], ...]


def parse(op: Operation) -> UpdateFramework:
    """The operation a manifest's mapping states."""
    return UpdateFramework(tuple((key, Change.parse(op[key])) for key in FRAMEWORK_FIELDS if key in op))


def framework_value(fw: Framework, field: str) -> Any:
    """A field of framework.yaml as an update-framework states it; categories as [{name, subcategories}]; the
    name of the empty framework (before its first change request) as null."""
    if field == "name":
        return fw.name or None
    return [{"name": name, "subcategories": list(subs)} for name, subs in fw.categories.items()]


def framework_value_text(field: str, value: Any) -> str:
    """A value of a framework.yaml field in words: the name quoted, a list of names, categories with theirs."""
    if field == "name":
        return "not set" if value is None else f"\"{value}\""
    return "; ".join(f"{c['name']} ({', '.join(c['subcategories'])})" for c in value) or "none"


def describe_framework_change(field: str, before: Any, after: Any) -> str:
    """An update-framework effect as a sentence: what was added, removed or reordered, never the whole list."""
    if field == "name":
        if before is None or after is None:
            return f"{'names' if after is not None else 'removes the name of'} the framework " \
                f"\"{after if after is not None else before}\""
        return f"changes the name of the framework from \"{before}\" to \"{after}\""
    old = {c["name"]: c["subcategories"] for c in before}
    new = {c["name"]: c["subcategories"] for c in after}
    parts = [f"adds category \"{n}\"" for n in new if n not in old]
    parts += [f"removes category \"{n}\"" for n in old if n not in new]
    parts += [f"changes the subcategories of \"{n}\"" for n in new if n in old and old[n] != new[n]]
    if [n for n in old if n in new] != [n for n in new if n in old]:
        parts.append("reorders the categories")
    return "changes the categories of the framework: " + ("; ".join(parts) or "no difference")


def _set(run: Run, key: str, after: Any) -> None:
    if key == "categories":
        names = [c["name"] for c in after]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise PreconditionError(run.where, f"the new categories list {', '.join(twice)} twice")
        run.fw.categories = {c["name"]: list(c["subcategories"]) for c in after}
    else:
        run.fw.name = after or ""  # undoing the first content leaves the empty framework's name


def _apply(run: Run, op: Operation) -> None:
    """Each `from` must be today's value, exactly."""
    update = parse(op)
    if not update.changes:
        raise PreconditionError(run.where, f"changes nothing; name a field to change: {', '.join(FRAMEWORK_FIELDS)}")
    for key, change in update.changes:
        before = framework_value(run.fw, key)
        if before != change.before:
            raise PreconditionError(run.where, f"the framework's {key} is {framework_value_text(key, before)}, "
                                    f"expected {framework_value_text(key, change.before)}")
        after = copy.deepcopy(change.after)
        _set(run, key, after)
        run.effect(None, None, key, before, after, FRAMEWORK_IMPACT[key])


def _invert(op: Operation) -> Operation:
    return {"op": op["op"], **{key: invert_change(change) for key, change in parse(op).changes}}


def _targets(op: Operation) -> set[Item]:
    return {("framework", "framework", key) for key, _ in parse(op).changes}


def _describe(effect: Effect) -> str:
    return describe_framework_change(str(effect.field), effect.before, effect.after)


def _summary(effect: Effect, fw: Framework) -> str:
    if effect.field == "name" and effect.before is None:
        return f"The framework is named \"{effect.after}\""
    if effect.field == "name":
        return f"The framework: \"{effect.before}\" is now \"{effect.after}\""
    return f"The framework's {effect.field}: {_describe(effect).split(' of the framework', 1)[1].lstrip(': ')}"


def _label(op: Operation) -> str:
    return f"update-framework {', '.join(k for k in FRAMEWORK_FIELDS if k in op) or 'nothing'}"


EXAMPLE = """\
#  - op: update-framework           # name or categories: framework.yaml's, whole values
#    name: {from: Open Digital Skills Framework, to: Open Digital Skills}
"""

UPDATE_FRAMEWORK = Kind("update-framework", "updateFramework", "major", parse, _apply, _invert, _targets, _describe,
                        "changed", EXAMPLE, _label,
                        lambda effect: "framework", _summary)
