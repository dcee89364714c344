"""The rule table: every check code, its documentation, and the checks that find it, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from skillrepo.findings import Finding
from skillrepo.model import Repository
from skillrepo.rules import formatting, frozen, lifecycle, paths, prose, reading, references, state
from skillrepo.rules.base import Rule

CHECKS: tuple[Callable[[Repository], Iterable[Finding]], ...] = (
    paths.check,
    state.check,
    references.check,
    prose.check,
    formatting.check,
    frozen.check,
    lifecycle.check,
)

RULES: dict[str, Rule] = {
    rule.code: rule
    for module in (reading, paths, state, references, frozen, lifecycle, prose, formatting)
    for rule in module.RULES
}
