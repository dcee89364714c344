"""`skillrepo rules`: every check code, its severity and what it finds."""

from __future__ import annotations

import sys

from skillrepo.rules import RULES


def run() -> int:
    for rule in RULES.values():
        sys.stdout.write(f"{rule.code}  {rule.name:<28} {rule.severity:<8} {rule.summary}\n")
    return 0
