"""A change request's life: only an accepted change request is ever applied."""

from __future__ import annotations

from collections.abc import Iterator

from skillrepo.findings import Finding
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, at, document, finds

APPLIED_STATUS = "accepted"  # the one status a change request with applied_in may have

RULES = document(
    Rule("R430", "applied-but-not-accepted", "A change request has applied_in but its status is not accepted "
         "(declined, deferred, withdrawn, draft or submitted). Only an accepted change request is applied; verify "
         "never replays any other, so what it did would be a change outside any change request.",
         "# changes/CR-1447/manifest.yaml\nstatus: declined\napplied_in: \"1\"",
         "# set status back to accepted, revert it, then decline it\nskillrepo revert CR-1447 --commit"),
)


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    for cr in sorted(repo.changes.values(), key=lambda c: c.id):
        if cr.applied_in is not None and cr.status != APPLIED_STATUS and cr.source is not None:
            yield at(cr.source, ("applied_in",), "R430", f"{cr.id} has applied_in \"{cr.applied_in}\" but status "
                     f"{cr.status}: only an accepted change request is applied; set status back to accepted, revert "
                     f"it (skillrepo revert {cr.id}), then set its status", key=True)
