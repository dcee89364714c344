"""Writing change request manifests: new ones in full, and `applied_in` set or removed in place.

A manifest is written by people, with comments; setting `applied_in` changes that one line and keeps every
other byte as it was, so that apply then revert gives the file back byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from skillrepo import canonical
from skillrepo.documents import Document
from skillrepo.errors import SkillrepoError
from skillrepo.layout import manifest_path
from skillrepo.schemas import load_schema, property_order


def operation_key_order() -> list[str]:
    """Keys of an operation in the order people read them: op, its target, then its content."""
    defs = load_schema("manifest")["$defs"]
    order: list[str] = ["op", "skill", "code", "level"]
    for name in ("addSkill", "updateSkill", "retireSkill", "addLevel", "updateLevel", "removeLevel",
                 "updateResponsibilityLevel"):
        for key in defs[name]["properties"]:
            if key not in order and key not in ("impact", "note"):
                order.append(key)
    return order + ["impact", "note"]


def render_manifest(data: dict[str, Any]) -> bytes:
    """A whole manifest in the canonical formatting (what `import` writes)."""
    path = manifest_path(data["id"])
    nested = {"operations": operation_key_order(), "levels": ["level", "description"],
              "description": ["from", "to", "edits"], "edits": ["old", "new"]}
    return canonical.dump(path, "manifest", data, property_order("manifest"), nested).encode("utf-8")


def set_applied_in(doc: Document, edition: str) -> bytes:
    """The manifest's bytes with `applied_in: "<edition>"` added just above `operations:`."""
    text = doc.raw.decode("utf-8")
    lines = text.split("\n")
    line = f"applied_in: {json.dumps(edition)}"
    if ("applied_in",) in doc.loaded.key_positions:
        raise SkillrepoError(f"{doc.path}: applied_in is already set")
    key = doc.loaded.key_positions.get(("operations",))
    if key is None or key[1] != 1:
        raise SkillrepoError(f"{doc.path}: cannot find the top-level operations: key to put applied_in above it")
    at = key[0] - 1
    while at > 0 and lines[at - 1].startswith("#"):
        at -= 1  # keep a comment above operations: with its key
    lines.insert(at, line)
    return "\n".join(lines).encode("utf-8")


def remove_applied_in(doc: Document) -> bytes:
    """The manifest's bytes without its one-line `applied_in:`."""
    key = doc.loaded.key_positions.get(("applied_in",))
    value = doc.loaded.positions.get(("applied_in",))
    if key is None or value is None or key[0] != value[0] or key[1] != 1:
        raise SkillrepoError(f"{doc.path}: applied_in must be one top-level line, applied_in: \"<edition>\"")
    lines = doc.raw.decode("utf-8").split("\n")
    del lines[key[0] - 1]
    return "\n".join(lines).encode("utf-8")


NEW_TEMPLATE = """\
# yaml-language-server: $schema=../../schemas/manifest.schema.json
id: {id}
title: {title}
status: draft
applies_to: {applies_to}
related: []
proposal: |-
  What should change, and why. Mention skills as "IT infrastructure (ITOP)" and other change requests
  as CR#1432.
# decision: and outcome: are written by a maintainer when the request is decided.
operations: []
# Each operation below is an example; copy what you need into the list above (replacing []).
#
#  - op: add-level                  # define a skill at a level it does not have yet
#    skill: ITOP
#    level: 5
#    description: |-
#      Provides technical leadership of ...
#
#  - op: update-level               # change a level description: whole texts ...
#    skill: SYSP
#    level: 3
#    description: {{from: "the whole text today", to: "the whole new text"}}
#
#  - op: update-level               # ... or edits: each old text occurs exactly once today
#    skill: SYSP
#    level: 4
#    description:
#      edits:
#        - {{old: "monitors the estate", new: "monitors and tunes the estate"}}
#
#  - op: remove-level               # description: the text removed, so that it can be reverted
#    skill: SYSP
#    level: 5
#    description: |-
#      The whole text of the level today.
#
#  - op: add-skill
#    code: ABCD
#    id: <python -c "import uuid; print(uuid.uuid4())">
#    name: A new skill
#    category: Delivery and operation
#    subcategory: Technology management
#    description: |-
#      The overall description.
#    related: [ITOP]
#    levels:
#      - {{level: 3, description: "The skill at level 3."}}
#
#  - op: update-skill               # any of name, description, guidance, category, subcategory, related
#    skill: ITMG
#    name: {{from: IT management, to: Technology service management}}
#    related: {{from: [ITOP], to: [ITOP, SYSP]}}
#
#  - op: retire-skill               # a merge is a retirement replaced by the skill it merged into
#    skill: SYSP
#    replaced_by: [ITOP]
#
#  - op: update-responsibility-level
#    level: 5
#    essence: {{edits: [{{old: "old words", new: "new words"}}]}}
#    attributes:
#      Autonomy: {{edits: [{{old: "old words", new: "new words"}}]}}
#
#  - op: update-framework           # any of name, attributes, categories: framework.yaml's, whole values
#    name: {{from: Open Digital Skills Framework, to: Open Digital Skills}}
"""


def new_manifest(cr_id: str, title: str, applies_to: list[str]) -> bytes:
    """A draft manifest with commented examples of every operation."""
    codes = "[" + ", ".join(applies_to) + "]"
    return NEW_TEMPLATE.format(id=cr_id, title=canonical.scalar(title), applies_to=codes).encode("utf-8")
