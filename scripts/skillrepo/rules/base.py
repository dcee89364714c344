"""What a rule is, and the small helpers every rule uses to point at a node."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skillrepo.documents import Document
from skillrepo.findings import ERROR, Finding


@dataclass(frozen=True)
class Rule:
    """A check's documentation: stable code, name, severity, what it finds, a wrong example and its fix."""

    code: str
    name: str
    summary: str
    wrong: str
    right: str
    severity: str = ERROR


def at(doc: Document, path: tuple[Any, ...], code: str, message: str, key: bool = False) -> Finding:
    """A finding at the node (or, with key=True, the key) at `path` in a document."""
    loaded = doc.loaded
    pos = loaded.key_positions.get(path) if key else None
    line, col = pos or loaded.position(path)
    return Finding(doc.path, line, col, code, message)


def at_file(path: str, code: str, message: str) -> Finding:
    """A finding about a whole file (or a file that is missing)."""
    return Finding(path, 1, 1, code, message)
