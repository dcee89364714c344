"""What a rule is, and the small helpers every rule uses to point at a node."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skillrepo.documents import Document
from skillrepo.findings import ERROR, Finding

if TYPE_CHECKING:
    from skillrepo.model import Repository


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


# The family of a code is its letter; a code whose letter has no title here cannot be registered, so a new family
# cannot drop out of `skillrepo rules` and docs/checks.md.
FAMILIES: dict[str, str] = {
    "Y": "Reading YAML", "S": "Schema", "P": "Paths and files", "R": "References", "T": "Mentions in prose",
    "F": "Formatting",
}

# Errors that stop a file being read: its data never reaches the model, so these are reported whatever a
# selection says (ignoring them would let a check pass over a file it never read).
UNIGNORABLE = frozenset({*(f"Y{n:03d}" for n in range(1, 15)), "P305"})

RULES: dict[str, Rule] = {}
"""Every check code, in the order `skillrepo rules` and docs/checks.md show them."""

CheckFunction = Callable[["Repository"], Iterable[Finding]]
CHECKS: list[tuple[frozenset[str], CheckFunction]] = []
"""The registered rule functions, each with the codes it may emit, in the order they run."""


def document(*rules: Rule) -> tuple[Rule, ...]:
    """Register the documentation and severity of codes (those the loader and schemas find are only documented)."""
    for rule in rules:
        if rule.code in RULES:
            raise ValueError(f"check code {rule.code} is registered twice")
        if rule.code[:1] not in FAMILIES:
            raise ValueError(f"check code {rule.code} is of no family: add its letter to FAMILIES")
        RULES[rule.code] = rule
    return rules


def finds(*codes: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a rule function, which emits only the given (documented) codes; checker runs it."""
    for code in codes:
        if code not in RULES:
            raise ValueError(f"rule function emits {code}, which is not documented")

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append((frozenset(codes), function))
        return function

    return register


def in_order() -> list[Rule]:
    """Every registered code, family by family (in FAMILIES' order), by code within a family: what `skillrepo
    rules` and docs/checks.md show, whatever order the rule modules happened to be imported in."""
    families = list(FAMILIES)
    return sorted(RULES.values(), key=lambda rule: (families.index(rule.code[0]), rule.code))


def severity(code: str) -> str:
    """The severity of a registered code; an unregistered code is a bug in the tool, never a finding."""
    rule = RULES.get(code)
    if rule is None:
        raise LookupError(f"finding with check code {code}, which is not registered")
    return rule.severity
