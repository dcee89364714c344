"""The operations of an applied change request are frozen: changing them is refused against HEAD, and against
the newest release that published the request as applied."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from skillrepo.findings import Finding
from skillrepo.model import ChangeRequest, Repository
from skillrepo.rules.base import Rule, at, document, finds
from skillrepo.yamlsource import load_bytes

if TYPE_CHECKING:
    from skillrepo import history

RULES = document(
    Rule("R423", "applied-operations-changed", "The operations of a change request that was already applied at "
         "HEAD, or in a release, were changed. What an applied request did is history: before a release, revert "
         "it, change it, apply it again; once a release published it, propose the change in a new request.",
         "# changes/CR-1432/manifest.yaml, applied_in: \"1\"\n  - op: add-level\n    level: 6  # was 5",
         "skillrepo revert CR-1432 --commit; edit the operations, set status: accepted again, commit;\n"
         "skillrepo apply CR-1432 --commit"),
)


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    applied = {cr.source.path: cr for cr in repo.changes.values()
               if cr.applied_in is not None and cr.source is not None}
    if not applied or not _in_git(repo):
        return
    from skillrepo import history  # only here: the rest of check needs no git

    git_repo = history.open_repo(repo.snapshot.root)
    at_head = history.changed_since_head(git_repo, repo.snapshot.root, sorted(applied))
    for path, head_bytes in at_head.items():
        cr = applied.get(path)
        if cr is None or cr.source is None or head_bytes is None:
            continue
        before = load_bytes(head_bytes)
        if not before.usable or not isinstance(before.data, dict) or "applied_in" not in before.data:
            continue  # not applied at HEAD: its operations may still change
        if before.data.get("operations") != cr.operations:
            yield at(cr.source, ("operations",), "R423", f"the operations of {cr.id}, applied in edition "
                     f"{before.data['applied_in']}, changed since HEAD; revert it first (skillrepo revert {cr.id}), "
                     "then change it and apply it again", key=True)
    if history.has_commit(git_repo):
        yield from _against_releases(git_repo, repo, applied, at_head)


def _against_releases(git_repo: history.Repo, repo: Repository, applied: dict[str, ChangeRequest],
                      at_head: dict[str, bytes | None]) -> Iterator[Finding]:
    """Each applied request against the newest release tag that has it applied: one diff per tag with HEAD,
    and a manifest read only where it differs (where it does not, the comparison with HEAD above holds)."""
    from skillrepo import history

    head = history.head_commit(git_repo)
    # What HEAD holds of each: applied there unless the work tree changed it from a HEAD that was not.
    remaining = {p: p not in at_head or history.manifest_applied(at_head[p]) for p in applied}
    for tag in history.release_tags(git_repo):
        if not remaining:
            return
        differ = history.changed_between(git_repo, repo.snapshot.root, history.tag_commit(tag), head,
                                         sorted(remaining))
        for path, applied_at_head in list(remaining.items()):
            if path not in differ:
                if applied_at_head:
                    del remaining[path]  # the same bytes at the tag as at HEAD, compared above
                continue
            then = history.manifest_data(differ[path])
            if then is None or then.get("applied_in") is None:
                continue  # not applied in this release: an older one may have published it
            del remaining[path]
            cr = applied[path]
            if then.get("operations") != cr.operations and cr.source is not None:
                yield at(cr.source, ("operations",), "R423", f"the operations of {cr.id} are not those release "
                         f"{tag.name} published it with (applied in edition {then['applied_in']}); a published "
                         "change request is a record: propose the change in a new change request", key=True)


def _in_git(repo: Repository) -> bool:
    root = repo.snapshot.root.resolve()
    return any((p / ".git").exists() for p in (root, *root.parents))
