"""The rule registry: every check code, its documentation, and the rule functions that find it, in one place.

Importing the rule modules registers them; `in_order()` is the order `skillrepo rules` and docs/checks.md show."""

from __future__ import annotations

from skillrepo.rules import (  # noqa: F401
    formatting,
    frozen,
    lifecycle,
    paths,
    prose,
    reading,
    record,
    references,
    state,
)
from skillrepo.rules.base import CHECKS, FAMILIES, RULES, UNIGNORABLE, Rule, in_order, severity

__all__ = ["CHECKS", "FAMILIES", "RULES", "UNIGNORABLE", "Rule", "in_order", "severity"]
