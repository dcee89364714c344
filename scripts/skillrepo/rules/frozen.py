"""The operations of an applied change request are frozen: changing them is refused against HEAD."""

from __future__ import annotations

from collections.abc import Iterator

from skillrepo.findings import Finding
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, at
from skillrepo.yamlsource import load_bytes

RULES: tuple[Rule, ...] = (
    Rule("R423", "applied-operations-changed", "The operations of a change request that was already applied at "
         "HEAD were changed. What an applied request did is history: revert it, change it, apply it again.",
         "# changes/CR-1432/manifest.yaml, applied_in: \"1\"\n  - op: add-level\n    level: 6  # was 5",
         "skillrepo revert CR-1432 --commit; edit the operations; skillrepo apply CR-1432 --commit"),
)


def check(repo: Repository) -> Iterator[Finding]:
    applied = {cr.source.path: cr for cr in repo.changes.values()
               if cr.applied_in is not None and cr.source is not None}
    if not applied or not _in_git(repo):
        return
    from skillrepo import history  # only here: the rest of check needs no git

    git_repo = history.open_repo(repo.snapshot.root)
    for path, head_bytes in history.changed_since_head(git_repo, repo.snapshot.root, sorted(applied)).items():
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


def _in_git(repo: Repository) -> bool:
    root = repo.snapshot.root.resolve()
    return any((p / ".git").exists() for p in (root, *root.parents))
