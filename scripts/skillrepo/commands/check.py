"""`skillrepo check`: the selected rules over the whole repository; exit 1 on errors (and warnings with --strict)."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.findings import ERROR
from skillrepo.reporters import REPORTERS
from skillrepo.rules.selection import resolve


def run(root: Path, fmt: str = "text", strict: bool = False, select: str | None = None,
        ignore: str | None = None, use_cache: bool = True) -> int:
    """Check the repository at `root` and print the findings in the chosen format; keep per-file results in
    .skillrepo/cache/ for the next check (unless `use_cache` is off)."""
    repo, findings = check_repository(root, resolve(root, select, ignore), use_cache, keep_results=True)
    sys.stdout.write(REPORTERS[fmt](findings, len(repo.snapshot.documents)))
    failing = [f for f in findings if strict or f.severity == ERROR]
    return 1 if failing else 0
