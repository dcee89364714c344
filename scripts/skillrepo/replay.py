"""The history of the framework since a release, as the engine sees it: the framework at the release,
the change requests applied since in the order they were applied, and what each did.

verify compares the replay with framework/; the changelog and the mapping are its effects, grouped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skillrepo import history
from skillrepo.checker import load
from skillrepo.engine import Effect, PreconditionError, apply_all, invert
from skillrepo.model import ChangeRequest, Framework, Repository
from skillrepo.rules.lifecycle import APPLIED_STATUS


@dataclass
class Replay:
    """The framework at `base_ref` (None: before every applied change request), and what came after."""

    base_ref: str | None
    base: Framework  # the previous release, as it was published
    order: list[ChangeRequest]
    reverted: list[ChangeRequest] = field(default_factory=list)
    steps: list[tuple[ChangeRequest, list[Effect]]] = field(default_factory=list)
    result: Framework | None = None
    problem: str | None = None

    @property
    def effects(self) -> list[Effect]:
        return [e for _, effects in self.steps for e in effects]


def is_applied(cr: ChangeRequest) -> bool:
    """Whether a change request counts as applied: it has applied_in and is accepted (any other status with
    applied_in is an error, R430, and is never replayed)."""
    return cr.applied_in is not None and cr.status == APPLIED_STATUS


def applied_order(git_repo: history.Repo, root: Path, base: history.Commit | None,
                  crs: list[ChangeRequest]) -> list[ChangeRequest]:
    """The order in which change requests were applied: by commit (trailer, else the commit that set
    applied_in), then those applied in the work tree only, by number."""
    wanted = {cr.id: cr for cr in crs}
    # in the order found; a dict, so that "found already?" costs no scan. An initial change request (origin:)
    # gave the framework its first content, so it was applied before any other, whatever the commits say.
    order: dict[str, None] = dict.fromkeys(sorted(cr.id for cr in crs if cr.origin is not None))
    commits = history.messages_since(git_repo, base) if history.has_commit(git_repo) else []
    for _, message in commits:
        order.update((cr_id, None) for cr_id in history.trailer_cr(message) if cr_id in wanted)
    prefix = history.relative_prefix(git_repo, root)
    by_path = {prefix + cr.source.path: cr_id for cr_id, cr in wanted.items()
               if cr_id not in order and cr.source is not None}
    for sha, _ in commits if by_path else []:  # one diff per commit, never one read per commit and CR
        commit = history.commit_of(git_repo, sha)
        found = []
        for path in history.paths_changed_by(commit):
            cr_id = by_path.get(path)
            if cr_id is not None and cr_id not in order:
                blob = history.blob_at(commit, path)
                if blob is not None and b"\napplied_in:" in blob:
                    found.append(cr_id)
        order.update((cr_id, None) for cr_id in sorted(found))
    order.update((cr_id, None) for cr_id in sorted(wanted) if cr_id not in order)
    return [wanted[cr_id] for cr_id in order]


def _forward(replay: Replay, start: Framework) -> Replay:
    try:
        fw, effects = apply_all(start, [(cr.id, cr.operations) for cr in replay.order])
    except PreconditionError as exc:
        replay.problem = f"the change requests do not replay on {replay.base_ref or 'the first release'}: {exc}"
        return replay
    replay.steps = list(zip(replay.order, effects, strict=True))
    replay.result = fw
    return replay


def since_release(root: Path, now: Repository, base_ref: str | None, excluding: str | None = None) -> Replay:
    """Replay the change requests applied since `base_ref`, or since the newest v* tag (other than
    `excluding`, the tag of the release being built), or (with no tag) since before the first one."""
    git_repo = history.open_repo(root)
    if base_ref is None:
        tag = history.newest_release_tag(git_repo, excluding)
        base_ref = tag.name if tag is not None else None
    applied_now = [c for c in now.changes.values() if is_applied(c)]
    if base_ref is None:
        # The initial change request (origin:) gives the framework its first content: with no release yet, the
        # framework after it is the baseline, and the first release's changes are those applied after it.
        order = applied_order(git_repo, root, None, [c for c in applied_now if c.origin is None])
        try:
            fw, _ = apply_all(now.framework, [(f"undoing {cr.id}", invert(cr.operations)) for cr in reversed(order)])
        except PreconditionError as exc:
            fw = now.framework
            return Replay(None, fw, order, problem=f"the applied change requests cannot be undone in order: {exc}")
        return _forward(Replay(None, fw, order), fw)
    base_commit = history.resolve(git_repo, base_ref)
    base, _ = load(history.snapshot_at(git_repo, root, base_commit))
    applied_base = {c.id for c in base.changes.values() if is_applied(c)}
    since = [c for c in applied_now if c.id not in applied_base]
    reverted = sorted((base.changes[i] for i in applied_base if i in now.changes and now.changes[i].applied_in is None),
                      key=lambda c: c.id, reverse=True)
    try:
        start, _ = apply_all(base.framework, [(f"undoing {cr.id}", invert(cr.operations)) for cr in reverted])
    except PreconditionError as exc:
        return Replay(base_ref, base.framework, [], reverted,
                      problem=f"reverted change requests cannot be undone: {exc}")
    order = applied_order(git_repo, root, base_commit, since)
    rewritten = _rewritten(git_repo, root, base_commit, order)
    if rewritten:
        return Replay(base_ref, base.framework, order, reverted, problem="\n".join(rewritten))
    return _forward(Replay(base_ref, base.framework, order, reverted), start)


def _rewritten(git_repo: history.Repo, root: Path, base: history.Commit, order: list[ChangeRequest]) -> list[str]:
    """The change requests applied since `base` whose operations are not those of the commit that applied them:
    replaying today's would prove a framework rewritten together with them."""
    by_path = {cr.source.path: cr for cr in order if cr.source is not None}
    prefix = history.relative_prefix(git_repo, root)
    found = []
    for path, commit in sorted(history.applying_commits(git_repo, root, base, sorted(by_path)).items()):
        cr = by_path[path]
        then = history.manifest_data(history.blob_at(commit, f"{prefix}{path}"))
        if then is None or then.get("operations") != cr.operations:
            found.append(f"{path}: the operations of {cr.id} are not those of the commit that applied it "
                         f"({history.short_id(commit)}); an applied change request is a record: revert it (skillrepo "
                         f"revert {cr.id}), then change it and apply it again")
    return found
