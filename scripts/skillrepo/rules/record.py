"""changes/log.yaml agrees with the manifests: it lists every applied change request, each once, with the
operations it was applied with, and each release once."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from skillrepo.findings import Finding
from skillrepo.layout import LOG_FILE
from skillrepo.model import ChangeRequest, Repository
from skillrepo.record import operations_digest
from skillrepo.rules.base import Rule, at, document, finds
from skillrepo.rules.lifecycle import APPLIED_STATUS

RULES = document(
    Rule("R440", "applied-not-logged", "A change request is applied (accepted, with applied_in) but changes/log.yaml "
         "does not list it. `skillrepo apply` records every change request it applies there, in order; verify "
         "replays that order, so a request applied by hand would be a change outside any change request.",
         "# changes/CR-1501/manifest.yaml\napplied_in: \"1\"\n# changes/log.yaml does not list CR-1501",
         "# remove applied_in, undo its edits to framework/, then\nskillrepo apply CR-1501 --commit"),
    Rule("R441", "logged-not-applied", "changes/log.yaml lists a change request that is not applied: it is not in "
         "changes/, has no applied_in, or is not accepted; or it lists one twice.",
         "applied:\n  - cr: CR-1501\n    operations: 0123456789abcdef\n# and CR-1501 has no applied_in",
         "# revert with skillrepo revert CR-1501, which removes it from the log"),
    Rule("R442", "applied-operations-differ", "The operations of an applied change request are not those it was "
         "applied with (changes/log.yaml keeps their digest). What an applied request did is a record: revert it, "
         "change it, apply it again.",
         "# CR-1501 was applied, then its operations were edited",
         "# restore its operations (git checkout), then\nskillrepo revert CR-1501 --commit\n# edit, accept, apply"),
    Rule("R443", "release-twice", "changes/log.yaml records a version twice.",
         "releases:\n  - version: 1.0.0\n  - version: 1.0.0", "# each version is released once"),
)


def _applied(cr: ChangeRequest) -> bool:
    return cr.applied_in is not None and cr.status == APPLIED_STATUS


@finds("R440", "R441", "R442")
def check(repo: Repository) -> Iterator[Finding]:
    logged = {entry.cr: i for i, entry in enumerate(repo.log.applied)}
    for cr in sorted(repo.changes.values(), key=lambda c: c.id):
        if _applied(cr) and cr.id not in logged and cr.source is not None:
            yield at(cr.source, ("applied_in",), "R440", f"{cr.id} is applied but {LOG_FILE} does not list it: only "
                     "skillrepo apply applies a change request; remove applied_in, undo what it changed by hand, and "
                     f"run skillrepo apply {cr.id}", key=True)
    doc = repo.log_source
    seen: set[str] = set()
    unread = {d.info.cr for d in repo.left_out + repo.duplicates if d.info.kind == "manifest"}
    for i, entry in enumerate(repo.log.applied):
        assert doc is not None  # the log lists something, so it was read
        listed = repo.changes.get(entry.cr)
        where = ("applied", i, "cr")
        if entry.cr in seen:
            yield at(doc, where, "R441", f"{entry.cr} is listed twice; a change request is applied once")
        elif entry.cr in unread or (listed is not None and listed.applied_in is not None and not _applied(listed)):
            pass  # its manifest's own findings (Y, S, P) or R430 say what is wrong with it
        elif listed is None or listed.applied_in is None:
            state = "is not in changes/" if listed is None else "has no applied_in"
            yield at(doc, where, "R441", f"{entry.cr} is listed as applied but {state}; a change request leaves "
                     "the log only through skillrepo revert: restore its manifest as it was applied, then revert it")
        elif listed.source is not None and _digest(listed) != entry.operations:
            yield at(listed.source, ("operations",), "R442", f"the operations of {listed.id} are not those it was "
                     f"applied with ({LOG_FILE} keeps their digest, {entry.operations}); an applied change request is "
                     f"a record: restore them, revert it (skillrepo revert {listed.id}), then change it and apply it "
                     "again", key=True)
        seen.add(entry.cr)


def _digest(cr: ChangeRequest) -> str:
    """The digest of a change request's operations, worked out once per content of its manifest."""
    assert cr.source is not None
    digest: str = cr.source.derive("operations_digest", partial(operations_digest, cr.operations))
    return digest


@finds("R443")
def releases(repo: Repository) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, release in enumerate(repo.log.releases):
        if release.version in seen and repo.log_source is not None:
            yield at(repo.log_source, ("releases", i, "version"), "R443",
                     f"version {release.version} is recorded twice; each version is released once")
        seen.add(release.version)
