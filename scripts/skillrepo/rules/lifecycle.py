"""A change request's life: only an accepted change request is ever applied."""

from __future__ import annotations

from collections.abc import Iterator

from skillrepo.domain import REVERTED_STATUS
from skillrepo.engine import PreconditionError, applies
from skillrepo.findings import WARNING, Finding
from skillrepo.manifests import PROPOSAL_PLACEHOLDER
from skillrepo.model import Repository
from skillrepo.rules import references
from skillrepo.rules.base import Rule, at, document, finds

APPLIED_STATUS = "accepted"  # the one status a change request with applied_in may have

RULES = document(
    Rule("R430", "applied-but-not-accepted", "A change request has applied_in but its status is not accepted "
         "(reverted, declined, deferred, withdrawn, draft or submitted). Only an accepted change request is applied; "
         "verify never replays any other, so what it did would be a change outside any change request. `revert` "
         "removes applied_in as it sets status: reverted; a reverted request with applied_in was never reverted.",
         "# changes/CR-1447/manifest.yaml\nstatus: declined\napplied_in: \"1\"",
         "# set status back to accepted, revert it, then decline it\nskillrepo revert CR-1447 --commit"),
    Rule("R431", "accepted-no-longer-applies", "An accepted change request that is not applied no longer applies to "
         "the framework as it is: a precondition of one of its operations fails (the text it edits changed since). "
         "`apply` would refuse it; check finds it first, in the hook and in CI.",
         "# changes/CR-1450/manifest.yaml (status: accepted)\n- old: \"text that is no longer there\"",
         "- old: \"the text as it is now\""),
    Rule("R432", "pending-does-not-apply", "A draft or submitted change request does not apply to the framework as "
         "it is: a precondition of one of its operations fails. Update it before it is accepted.",
         "# changes/CR-1450/manifest.yaml (status: draft)\n- old: \"text that is no longer there\"",
         "- old: \"the text as it is now\"", severity=WARNING),
    Rule("R433", "template-placeholder", "A submitted or accepted change request still has the placeholder text "
         "`skillrepo new` writes in its proposal: what should change, and why, was never said.",
         "status: submitted\nproposal: |-\n  What should change, and why. Mention skills as ...",
         "status: submitted\nproposal: |-\n  The level 3 description no longer mentions automation ...",
         severity=WARNING),
)

# The placeholder sentence of the proposal `skillrepo new` writes (tests keep it in the template).
DECIDING_STATUSES = ("submitted", "accepted")

PENDING_STATUSES = {"accepted": "R431", "draft": "R432", "submitted": "R432"}


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    for cr in sorted(repo.changes.values(), key=lambda c: c.id):
        if cr.applied_in is not None and cr.status != APPLIED_STATUS and cr.source is not None:
            yield at(cr.source, ("applied_in",), "R430", f"{cr.id} has applied_in \"{cr.applied_in}\" but status "
                     f"{cr.status}: only an accepted change request is applied; {_undo(cr.id, cr.status)}", key=True)


def _undo(cr_id: str, status: str) -> str:
    """What to do about an applied change request whose status says otherwise."""
    if status == REVERTED_STATUS:  # set by hand: revert, which sets it, also removes applied_in and undoes the CR
        return f"set status back to accepted, then revert it with skillrepo revert {cr_id}, which sets reverted"
    return f"set status back to accepted, revert it (skillrepo revert {cr_id}), then set its status"


@finds("R431", "R432")
def pending_apply(repo: Repository) -> Iterator[Finding]:
    """Each change request not yet applied, applied once to today's framework (never one pair against another)."""
    # A change request whose operations name what does not exist is already an error (R415-R418): applying it
    # would only say so twice.
    broken = {f.path for f in references.change_reference_findings(repo)}
    for cr in sorted(repo.changes.values(), key=lambda c: c.id):
        code = PENDING_STATUSES.get(cr.status)
        if code is None or cr.applied_in is not None or cr.source is None or cr.source.path in broken:
            continue
        try:
            applies(repo.framework, cr.operations, cr.id)
        except PreconditionError as exc:
            what = "no longer applies" if code == "R431" else "does not apply"
            yield at(cr.source, ("operations",), code, f"{cr.id} is {cr.status} but {what} to the framework: {exc}; "
                     f"update its operations to the text as it is now", key=True)


@finds("R433")
def placeholders(repo: Repository) -> Iterator[Finding]:
    """A submitted or accepted change request whose proposal is still the `new` template's placeholder."""
    for cr in sorted(repo.changes.values(), key=lambda c: c.id):
        if cr.status in DECIDING_STATUSES and PROPOSAL_PLACEHOLDER in (cr.proposal or "") and cr.source is not None:
            yield at(cr.source, ("proposal",), "R433", f"{cr.id} is {cr.status} but its proposal is still the "
                     f"placeholder of skillrepo new (\"{PROPOSAL_PLACEHOLDER}\"); say what should change and why")
