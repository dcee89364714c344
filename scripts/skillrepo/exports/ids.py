"""Identifiers that stay the same across releases for the same item: derived, never random."""

from __future__ import annotations

import uuid

# The namespace of every derived identifier; changing it would change every identifier ever published.
NAMESPACE = uuid.UUID("5b0d6e8e-3c2a-4f0e-9a51-7f3d2c1b9e40")


def skill_level_id(skill_id: str, level: int) -> str:
    """A skill level's id: from its skill's permanent id and its level."""
    return str(uuid.uuid5(uuid.UUID(skill_id), f"level/{level}"))


def attribute_level_id(attribute_id: str, level: int) -> str:
    """An attribute level's id: from its attribute's permanent id and its level, as a skill level's is (the two
    kinds' permanent ids are distinct UUIDs, so their levels' ids are too)."""
    return skill_level_id(attribute_id, level)


def derived_id(*parts: str) -> str:
    """The id of an item that has no permanent id of its own (a category, an association)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))
