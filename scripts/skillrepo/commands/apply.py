"""`skillrepo apply CR-ID ...`: plan every change request in memory, check the result, write all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.carrying import carry_out, report
from skillrepo.checker import check_repository
from skillrepo.crids import normalise_cr_id
from skillrepo.diffs import unified_diff
from skillrepo.planning import plan_apply, refuse_unless_clean, require_clean


def run(root: Path, cr_ids: list[str], dry_run: bool = False, commit: bool = False) -> int:
    """Apply change requests in order; exit 1, writing nothing, if any cannot apply."""
    cr_ids = [normalise_cr_id(c) for c in cr_ids]
    repo, findings = check_repository(root)
    require_clean(findings)
    plan = plan_apply(repo, cr_ids)
    refuse_unless_clean(repo.snapshot, plan, f"applying {', '.join(cr_ids)}")
    if dry_run:
        sys.stdout.write(report(plan, "would apply") + "\n" + unified_diff(repo.snapshot, plan.files))
        return 0
    carry_out(root, plan, "applied", "Apply", "Change-Request", commit)
    return 0
