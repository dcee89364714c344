"""The history of the framework since a release, as the engine sees it: the framework at the release,
the change requests applied since in the order they were applied, and what each did.

The order and the releases come from changes/log.yaml, so a checkout replays from its files alone (a shallow
clone, no tags); a git REF given by the user (`--base`, `--since`) is read from the history instead. verify
compares the replay from the empty framework with framework/; the changelog and the mapping are its effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skillrepo import history
from skillrepo.checker import load
from skillrepo.engine import Effect, PreconditionError, apply_all, invert
from skillrepo.model import ChangeRequest, Framework, Repository, empty_framework
from skillrepo.record import Log, Release, kept_prefix, order_at
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


def _forward(replay: Replay, start: Framework, missing: list[str] | None = None) -> Replay:
    if missing:
        replay.problem = f"{missing[0]} is recorded in changes/log.yaml as applied but is not in changes/"
        return replay
    try:
        fw, effects = apply_all(start, [(cr.id, cr.operations) for cr in replay.order])
    except PreconditionError as exc:
        replay.problem = f"the change requests do not replay on {replay.base_ref or 'the empty framework'}: {exc}"
        return replay
    replay.steps = list(zip(replay.order, effects, strict=True))
    replay.result = fw
    return replay


def previous_release(log: Log, excluding: str | None = None) -> Release | None:
    """The last release recorded before `excluding` (the release being built), or the last of all."""
    versions = [r.version for r in log.releases]
    end = versions.index(excluding) if excluding in versions else len(versions)
    return log.releases[end - 1] if end else None


def _replayed(now: Repository, ids: list[str], start: Framework) -> tuple[Framework, list[list[Effect]]]:
    """`start` with the change requests `ids` applied in order; PreconditionError names the one that fails."""
    missing = [cr_id for cr_id in ids if cr_id not in now.changes]
    if missing:
        raise PreconditionError(missing[0], "is recorded in changes/log.yaml but not in changes/")
    return apply_all(start, [(cr_id, now.changes[cr_id].operations) for cr_id in ids])


def from_empty(now: Repository) -> Replay:
    """Every change request changes/log.yaml records as applied, replayed in its order from the empty framework."""
    return _forward(Replay(None, empty_framework(), [now.changes[i] for i in now.log.order if i in now.changes]),
                    empty_framework(), missing=[i for i in now.log.order if i not in now.changes])


def _first_release(now: Repository) -> Replay:
    """What the first release publishes: the initial change requests (origin:, applied first) give the
    framework its first content, which is the baseline; its changes are those applied after them."""
    order = [i for i in now.log.order if i in now.changes]
    first = 0
    while first < len(order) and now.changes[order[first]].origin is not None:
        first += 1
    try:
        base, _ = _replayed(now, order[:first], empty_framework())
    except PreconditionError as exc:
        return Replay(None, empty_framework(), [], problem=f"the initial change requests do not replay: {exc}")
    return _forward(Replay(None, base, [now.changes[i] for i in order[first:]]), base,
                    missing=[i for i in now.log.order if i not in now.changes])


def since_release(root: Path, now: Repository, base_ref: str | None, excluding: str | None = None) -> Replay:
    """Replay the change requests applied since `base_ref` (a git ref), or since the last release
    changes/log.yaml records (other than `excluding`, the release being built), or since the empty framework."""
    if base_ref is not None:
        return _since_ref(root, now, base_ref)
    previous = previous_release(now.log, excluding)
    if previous is None:
        return _first_release(now)
    held, current = order_at(now.log, previous.version), now.log.order
    same = kept_prefix(held, current)
    ref = f"v{previous.version}"
    try:
        base, _ = _replayed(now, held, empty_framework())
        start, _ = _replayed(now, current[:same], empty_framework())
    except PreconditionError as exc:
        return Replay(ref, empty_framework(), [], problem=f"the change requests of {ref} do not replay: {exc}")
    kept = set(current[:same])
    reverted = [now.changes[i] for i in reversed(held) if i not in kept and i in now.changes]
    replay = _forward(Replay(ref, base, [now.changes[i] for i in current[same:]], reverted), start)
    replay.steps = _undoing(base, start, reverted) + replay.steps
    return replay


def _undoing(base: Framework, start: Framework,
             reverted: list[ChangeRequest]) -> list[tuple[ChangeRequest, list[Effect]]]:
    """What undoing the reverted change requests did to the release, each as a step of its own (so that the
    changelog says what went), when undoing them in turn gives the framework the replay starts from."""
    try:
        undone, effects = apply_all(base, [(cr.id, invert(cr.operations)) for cr in reverted])
    except PreconditionError:
        return []
    return list(zip(reverted, effects, strict=True)) if undone == start else []


def _since_ref(root: Path, now: Repository, base_ref: str) -> Replay:
    """The replay since a git ref: the framework as committed there, and what was applied since, from the
    history (the trailers and commits that set applied_in)."""
    git_repo = history.open_repo(root)
    applied_now = [c for c in now.changes.values() if is_applied(c)]
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
