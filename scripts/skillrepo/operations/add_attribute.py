"""add-attribute, and remove-attribute (its inverse): a whole attribute with its levels."""

from __future__ import annotations

from dataclasses import dataclass

from skillrepo.model import Attribute, AttributeLevel, Framework
from skillrepo.operations.base import (
    LAST,
    Effect,
    Item,
    Kind,
    Operation,
    PreconditionError,
    Run,
    attribute_label,
    attribute_title,
    changed_since_added,
    levels_text,
    placed,
)

# Every field of an attribute that add-attribute sets; remove-attribute (its inverse) requires each as it was set.
ADDED_FIELDS: tuple[str, ...] = ("id", "name", "type", "status", "description", "guidance", "url")


@dataclass(frozen=True)
class NewAttribute:
    """A whole attribute with its levels: what add-attribute and remove-attribute state."""

    code: str
    id: str
    name: str
    type: str
    description: str
    guidance: str | None
    url: str | None
    levels: tuple[tuple[int, str], ...]
    after: str | None = LAST  # where it goes in the published order: after this code (None: first)


def parse(op: Operation) -> NewAttribute:
    """The operation a manifest's mapping states."""
    levels = tuple((lv["level"], lv["description"]) for lv in op.get("levels", []))
    return NewAttribute(op["code"], op["id"], op["name"], op["type"], op["description"], op.get("guidance"),
                        op.get("url"), levels, op.get("after", LAST))


def added_attribute(op: Operation) -> Attribute:
    """The attribute an add-attribute operation adds."""
    new = parse(op)
    levels = {level: AttributeLevel(new.code, level, text) for level, text in new.levels}
    return Attribute(code=new.code, id=new.id, name=new.name, type=new.type, status="active",
                     description=new.description, guidance=new.guidance, url=new.url, levels=levels)


def build(attribute: Attribute) -> Operation:
    """The add-attribute that adds `attribute` as it is (active: a retired one is retired after)."""
    op: Operation = {"op": "add-attribute", "code": attribute.code, "id": attribute.id, "name": attribute.name,
                     "type": attribute.type, "description": attribute.description}
    if attribute.guidance is not None:
        op["guidance"] = attribute.guidance
    if attribute.url is not None:
        op["url"] = attribute.url
    op["levels"] = [{"level": n, "description": attribute.levels[n].description} for n in sorted(attribute.levels)]
    return op


def _add(run: Run, op: Operation) -> None:
    attribute = added_attribute(op)
    code = attribute.code
    if code in run.fw.attributes:
        raise PreconditionError(run.where, f"attribute {code} already exists")
    if code in run.fw.skills:
        raise PreconditionError(run.where, f"{code} is the code of a skill; give the attribute a code of its own")
    for other in run.fw.attributes.values():
        if other.id == attribute.id:
            raise PreconditionError(run.where, f"id {attribute.id} is already the id of attribute {other.code}")
    unknown = [n for n in attribute.levels if run.fw.levels and n not in run.fw.levels]
    if unknown:
        raise PreconditionError(run.where, f"level {unknown[0]} is not a level of responsibility of this framework")
    run.fw.attributes = placed(run.fw.attributes, code, attribute, parse(op).after, run.where, "attribute")
    run.effect(None, None, None, None, attribute.name, attribute=code)
    for level in sorted(attribute.levels):
        run.effect(None, level, "description", None, attribute.levels[level].description, attribute=code)


def _remove(run: Run, op: Operation) -> None:
    """The attribute must be exactly as the add-attribute it undoes added it, every field and level."""
    expected = added_attribute(op)
    code = expected.code
    attribute = run.attribute(code)
    if set(attribute.levels) != set(expected.levels):
        raise PreconditionError(run.where, f"attribute {code} is now described at levels "
                                f"{levels_text(attribute.levels)}, not the {levels_text(expected.levels)} it was "
                                "added with")
    changed = changed_since_added(attribute, expected, ADDED_FIELDS, "at level")
    if changed:
        raise PreconditionError(run.where, f"the {', '.join(changed)} of attribute {code} changed since it was added")
    del run.fw.attributes[code]
    run.effect(None, None, None, attribute.name, None, attribute=code)


def _targets(op: Operation) -> set[Item]:
    return {("attribute", op["code"], "*")}


def _describe_add(effect: Effect) -> str:
    if effect.level is not None:  # one of the levels the attribute is added with: `after` is its text
        return f"describes attribute {effect.attribute} at level {effect.level}"
    return f"adds attribute {effect.attribute} \"{effect.after}\""


def _describe_remove(effect: Effect) -> str:
    return f"removes attribute {effect.attribute}"


def attribute_summary(effect: Effect, fw: Framework) -> str:
    """The changelog's line for an effect on an attribute: 'AUTO Autonomy', 'AUTO Autonomy level 3: ...'."""
    title = attribute_title(fw, effect.attribute)
    if effect.level is not None:
        return f"{title} level {effect.level}"
    return title if effect.field is None else f"{title}: {effect.field}"


EXAMPLE = """\
#  - op: add-attribute              # type: generic (autonomy, influence ...) or behavioural (business skills)
#    code: ETHI
#    id: <python -c "import uuid; print(uuid.uuid4())">
#    name: Ethics
#    type: behavioural
#    description: |-
#      The overall description.
#    levels:
#      - {level: 3, description: "The attribute at level 3."}
"""

ADD_ATTRIBUTE = Kind("add-attribute", "addAttribute", "major", parse, _add, lambda op: {**op, "op": "remove-attribute"},
                     _targets, _describe_add, "new", EXAMPLE, attribute_label, lambda effect: "attributes",
                     attribute_summary)
REMOVE_ATTRIBUTE = Kind("remove-attribute", None, "minor", parse, _remove, lambda op: {**op, "op": "add-attribute"},
                        _targets, _describe_remove, "removed", label=attribute_label,
                        section=lambda effect: "attributes", summary=attribute_summary)
