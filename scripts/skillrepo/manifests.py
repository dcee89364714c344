"""Writing change request manifests: new ones in full, and `applied_in` and `status` set or removed in place.

A manifest is written by people, with comments; setting `applied_in` changes that one line and keeps every
other byte as it was, so that apply then revert gives the file back byte for byte (but for the status revert sets).
"""

from __future__ import annotations

import json
from typing import Any

from skillrepo import canonical
from skillrepo.documents import Document
from skillrepo.domain import REVERTED_STATUS
from skillrepo.errors import SkillrepoError
from skillrepo.layout import manifest_path
from skillrepo.operations import AUTHORED, EXAMPLES
from skillrepo.schemas import load_schema, property_order

# The first words of the proposal `new` writes: a decided change request still holding them says nothing (R433).
PROPOSAL_PLACEHOLDER = "What should change, and why."


def operation_key_order() -> list[str]:
    """Keys of an operation in the order people read them: op, its target, then its content."""
    defs = load_schema("manifest")["$defs"]
    order: list[str] = ["op", "skill", "attribute", "code", "level", "id", "name", "type"]
    for kind in AUTHORED:
        for key in defs[str(kind.schema)]["properties"]:
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


def mark_reverted(doc: Document, was: str) -> bytes:
    """The manifest's bytes with its one-line `applied_in:` removed and `status: <was>` made `status: reverted`,
    the rest (comments, quotes, layout) as it was."""
    lines = doc.raw.decode("utf-8").split("\n")
    row, start, end, quote = _status_value(doc, lines, was)
    line = lines[row - 1]
    lines[row - 1] = f"{line[:start]}{quote}{REVERTED_STATUS}{quote}{line[end:]}"
    del lines[_applied_in_line(doc) - 1]  # another line than the status's, so rows above are still right
    return "\n".join(lines).encode("utf-8")


def _applied_in_line(doc: Document) -> int:
    """The line of the manifest's `applied_in: "<edition>"`; refused unless it is one top-level line."""
    key = doc.loaded.key_positions.get(("applied_in",))
    value = doc.loaded.positions.get(("applied_in",))
    if key is None or value is None or key[0] != value[0] or key[1] != 1:
        raise SkillrepoError(f"{doc.path}: applied_in must be one top-level line, applied_in: \"<edition>\"")
    return key[0]


def _status_value(doc: Document, lines: list[str], was: str) -> tuple[int, int, int, str]:
    """Where the top-level status value `was` is written (line, its span in it, its quote if any): plain or quoted on
    the key's line; any other spelling (a block scalar, an escape) is refused, as nothing could keep its bytes."""
    key = doc.loaded.key_positions.get(("status",))
    value = doc.loaded.positions.get(("status",))
    if key is not None and value is not None and key[0] == value[0] and key[1] == 1:
        row, column = value
        rest = lines[row - 1][column - 1:]
        for quote in ("", '"', "'"):
            spelled = f"{quote}{was}{quote}"
            if rest.startswith(spelled) and not rest[len(spelled):len(spelled) + 1].strip(" #"):
                return row, column - 1, column - 1 + len(spelled), quote
    raise SkillrepoError(f"{doc.path}: status must be one top-level line, status: {was}, for revert to set it to "
                         f"{REVERTED_STATUS}; write it so, then revert again")


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
"""


def new_manifest(cr_id: str, title: str, applies_to: list[str]) -> bytes:
    """A draft manifest with commented examples of every operation."""
    codes = "[" + ", ".join(applies_to) + "]"
    head = NEW_TEMPLATE.format(id=cr_id, title=canonical.scalar(title), applies_to=codes)
    return (head + "#\n" + "#\n".join(k.example for k in EXAMPLES)).encode("utf-8")
