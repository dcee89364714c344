"""Planning changes to a repository in memory: apply and revert change requests, as file contents.

A plan holds every file to write or delete, per change request, and the effects; nothing is written
here. The result of a plan is checked with every rule of `check` before anyone writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skillrepo.checker import check_snapshot
from skillrepo.crids import nearest_cr_ids
from skillrepo.documents import Snapshot, overlay
from skillrepo.domain import REVERTED_STATUS
from skillrepo.engine import Effect, PreconditionError, apply, apply_all, invert, overlapping, touched
from skillrepo.errors import SkillrepoError
from skillrepo.findings import ERROR, Finding
from skillrepo.layout import LOG_FILE
from skillrepo.manifests import mark_reverted, set_applied_in
from skillrepo.model import ChangeRequest, Framework, Repository
from skillrepo.record import render, with_applied, without
from skillrepo.serialize import file_changes

# A change request not applied that does not apply (R431, R432) never stops applying or reverting another: a
# preview leaves its own request unapplied over what it gives, and `apply` refuses a stale request itself, naming
# its precondition; `check` (the hook, CI) is where a stale accepted request is an error.
NOT_APPLYING = frozenset({"R431", "R432"})


class Refusal(SkillrepoError):
    """A command refuses to do what was asked; nothing was written."""


@dataclass
class Step:
    """One change request's part of a plan: its files, its effects."""

    cr: ChangeRequest
    files: dict[str, bytes | None]
    effects: list[Effect]


@dataclass
class Plan:
    """What applying or reverting change requests would do, in order."""

    before: Framework
    after: Framework
    steps: list[Step] = field(default_factory=list)

    @property
    def files(self) -> dict[str, bytes | None]:
        merged: dict[str, bytes | None] = {}
        for step in self.steps:
            merged.update(step.files)
        return merged

    @property
    def effects(self) -> list[Effect]:
        return [e for step in self.steps for e in step.effects]


def change_request(repo: Repository, cr_id: str) -> ChangeRequest:
    """A change request by id; refused with what exists when it does not."""
    cr = repo.changes.get(cr_id)
    if cr is None and any(d.info.cr == cr_id for d in repo.snapshot.documents if d.info.kind == "manifest"):
        raise Refusal(f"changes/{cr_id}/manifest.yaml has errors; `skillrepo check` shows them, fix them first")
    if cr is None:
        near = ", ".join(nearest_cr_ids(cr_id, repo.changes)) or "none: changes/ is empty"
        raise Refusal(f"{cr_id} is not in changes/ (no changes/{cr_id}/manifest.yaml); the nearest are: {near}")
    return cr


def require_clean(findings: list[Finding]) -> None:
    """Refuse to plan over a repository that `check` finds errors in."""
    errors = [f for f in findings if f.severity == ERROR and f.code not in NOT_APPLYING]
    if errors:
        listing = "\n".join(f.as_text() for f in errors[:20])
        raise Refusal(f"the repository has {len(errors)} error(s); fix them first (skillrepo check):\n{listing}")


def plan_apply(repo: Repository, cr_ids: list[str], preview: bool = False) -> Plan:
    """Apply each change request in order in memory; refuse any that is not accepted or already applied."""
    fw = repo.framework
    plan = Plan(fw, fw)
    seen: set[str] = set()
    log = repo.log
    for cr_id in cr_ids:
        cr = change_request(repo, cr_id)
        if cr_id in seen:
            raise Refusal(f"{cr_id} is named twice")
        seen.add(cr_id)
        if cr.applied_in is not None:
            raise Refusal(f"{cr_id} is already applied (in edition {cr.applied_in}); nothing to do")
        if cr.status == REVERTED_STATUS and not preview:
            raise Refusal(f"{cr_id} was reverted; to apply it again, a maintainer sets its status: accepted in "
                          f"changes/{cr_id}/manifest.yaml (a decision), then applies it")
        if cr.status != "accepted" and not preview:
            raise Refusal(f"{cr_id} is {cr.status}, not accepted; only an accepted change request can be applied")
        new, effects = apply(plan.after, cr.operations, cr_id)
        files = file_changes(plan.after, new)
        if not preview:
            assert cr.source is not None
            files[cr.source.path] = set_applied_in(cr.source, repo.framework.edition)
            log = with_applied(log, cr.id, cr.operations)
            files[LOG_FILE] = render(log)  # each step's log holds those before it: the last one is written
        plan.steps.append(Step(cr, files, effects))
        plan.after = new
    return plan


def applied_since(repo: Repository, cr: ChangeRequest) -> list[ChangeRequest]:
    """The change requests applied after `cr`, in the order changes/log.yaml records."""
    order = repo.log.order
    later = order[order.index(cr.id) + 1:] if cr.id in order else []
    return [repo.changes[i] for i in later if i in repo.changes]


def plan_revert(repo: Repository, cr_id: str) -> Plan:
    """Apply the inverse of an applied change request; refuse, naming them, if change requests applied since
    changed what it did: every later one must replay without it to the framework the revert leaves."""
    cr = change_request(repo, cr_id)
    if cr.applied_in is None:
        again = " (it was reverted already)" if cr.status == REVERTED_STATUS else ""
        raise Refusal(f"{cr_id} is not applied{again}; nothing to revert")
    later = applied_since(repo, cr)
    items = touched(cr.operations)
    blamed = [other.id for other in later if overlapping(touched(other.operations), items)]
    blame = f"; applied change requests that changed the same items since: {', '.join(blamed)} (revert them " \
        "first)" if blamed else ""
    try:
        new, effects = apply(repo.framework, invert(cr.operations), f"reverting {cr_id}")
    except PreconditionError as exc:
        raise Refusal(f"cannot revert {cr_id}: {exc.problem}{blame}") from exc
    if blamed:
        _refuse_unless_later_replay(repo.framework, new, cr, later, blame)
    files = file_changes(repo.framework, new)
    assert cr.source is not None
    files[cr.source.path] = mark_reverted(cr.source, cr.status)
    files[LOG_FILE] = render(without(repo.log, cr.id))
    plan = Plan(repo.framework, new, [Step(cr, files, effects)])
    return plan


def _refuse_unless_later_replay(now: Framework, reverted: Framework, cr: ChangeRequest,
                                later: list[ChangeRequest], blame: str) -> None:
    """Refuse a revert unless undoing the later change requests, then `cr`, then replaying the later ones gives
    `reverted`: otherwise a later one could no longer be replayed (verify, release) or reverted."""
    steps = [(f"undoing {o.id}", invert(o.operations)) for o in reversed(later)]
    steps += [(f"reverting {cr.id}", invert(cr.operations))] + [(o.id, o.operations) for o in later]
    try:
        replayed, _ = apply_all(now, steps)
    except PreconditionError as exc:
        raise Refusal(f"cannot revert {cr.id}: without it, {exc}{blame}") from exc
    if replayed != reverted:
        raise Refusal(f"cannot revert {cr.id}: without it, the change requests applied since would give another "
                      f"framework than the revert does{blame}")


def check_result(snapshot: Snapshot, plan: Plan) -> list[Finding]:
    """The errors `check` would find in the repository once the plan is written."""
    _, findings = check_snapshot(overlay(snapshot, plan.files))
    return [f for f in findings if f.severity == ERROR and f.code not in NOT_APPLYING]


def refuse_unless_clean(snapshot: Snapshot, plan: Plan, what: str) -> None:
    """Refuse a plan whose result `check` finds errors in, listing them."""
    errors = check_result(snapshot, plan)
    if errors:
        listing = "\n".join(f.as_text() for f in errors[:20])
        raise Refusal(f"{what} would leave the repository with {len(errors)} error(s); nothing was written:\n"
                      f"{listing}")
