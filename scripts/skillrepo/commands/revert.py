"""`skillrepo revert CR-ID`: apply the inverse of an applied change request; all files or none."""

from __future__ import annotations

from pathlib import Path

from skillrepo.carrying import carry_out
from skillrepo.checker import check_repository
from skillrepo.crids import normalise_cr_id
from skillrepo.planning import plan_revert, refuse_unless_clean, require_clean


def run(root: Path, cr_id: str, commit: bool = False) -> int:
    """Revert one applied change request; refuse, naming them, when later ones depend on it."""
    cr_id = normalise_cr_id(cr_id)
    repo, findings = check_repository(root)
    require_clean(findings)
    plan = plan_revert(repo, cr_id)
    refuse_unless_clean(repo.snapshot, plan, f"reverting {cr_id}")
    carry_out(root, plan, "reverted", "Revert", "Reverts-Change-Request", commit)
    return 0
