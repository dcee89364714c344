"""Files the tool ships with: the schemas, and the levels of responsibility and attributes a new framework starts
from."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(packaged: str, source: str) -> Path:
    """Inside the installed package, or (for an editable install) in the source tree."""
    inside = _PACKAGE / packaged
    return inside if inside.is_dir() else _PACKAGE.parent.parent / source


def schema_dir() -> Path:
    """The JSON Schemas, one per kind of file."""
    return _shipped("schemas", "schemas")


def starter_attributes_dir() -> Path:
    """The attributes (CODE/attribute.yaml and CODE/level-N.yaml) that `init` gives a new framework."""
    return _shipped("starter_attributes", "framework/attributes")


def starter_levels_dir() -> Path:
    """The levels of responsibility (level-1.yaml ... level-7.yaml) that `init` gives a new framework."""
    return _shipped("starter", "framework/levels")
