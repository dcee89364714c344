"""`skillrepo status`: every change request by status; for accepted ones not yet applied, whether each
applies cleanly, is stale, or conflicts with another."""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillrepo.checker import check_repository
from skillrepo.domain import CR_STATUSES, REVERTED_STATUS
from skillrepo.engine import PreconditionError, apply, touched
from skillrepo.findings import ERROR
from skillrepo.model import ChangeRequest, Framework
from skillrepo.operations.base import describe_item
from skillrepo.record import first_published

# A change request's conflicts are listed up to LISTED ids, the rest counted: the output stays linear in the
# number of change requests, even when hundreds of them change the same text.
LISTED = 3
# Change requests with identical operations behave alike, so each group of them is tried once against another
# group; of the groups changing one item, each is tried against the TRIED before and after it (in id order), the
# others are counted as not tried.
TRIED = 50
# A reverted change request is not waiting to be applied: what would make it so is a maintainer's decision.
HEADING_NOTES = {REVERTED_STATUS: " (applied, then undone; to apply one again, set its status: accepted)"}


@dataclass
class Pending:
    """An accepted change request not yet applied, and how it stands against today's framework."""

    cr: ChangeRequest
    stale: str | None = None
    conflicts: dict[str, str] = field(default_factory=dict)  # the first LISTED other CR ids (by id) -> why
    conflict_count: int = 0  # every change request it conflicts with
    untried: int = 0  # at least this many others change the same items but were not tried against it

    def state(self) -> str:
        return "stale" if self.stale else ("conflicting" if self.conflict_count else "applies cleanly")


def _applies(fw: Framework, crs: list[ChangeRequest]) -> Framework | None:
    try:
        for cr in crs:
            fw, _ = apply(fw, cr.operations, cr.id)
    except PreconditionError:
        return None
    return fw


def _same(a: Framework, b: Framework, items: set[tuple[Any, ...]]) -> bool:
    """Whether two results of applying the same change requests agree on `items`, all that they can change."""
    return all(a.levels.get(item[1]) == b.levels.get(item[1]) if item[0] == "rl"
               else a.skills.get(item[1]) == b.skills.get(item[1]) for item in items)


@dataclass
class _Group:
    """Change requests with identical operations, in id order: each behaves as the first does."""

    crs: list[ChangeRequest]
    items: list[tuple[Any, ...]]  # sorted
    conflicts: list[tuple[_Group, str]] = field(default_factory=list)
    untried: int = 0


def _groups(fresh: list[ChangeRequest]) -> list[_Group]:
    by_key: dict[str, _Group] = {}
    for cr in fresh:
        key = json.dumps(cr.operations, sort_keys=True, ensure_ascii=False, default=str)
        group = by_key.get(key)
        if group is None:
            by_key[key] = _Group([cr], sorted(touched(cr.operations), key=repr))
        else:
            group.crs.append(cr)
    return list(by_key.values())


def _conflict(fw: Framework, a: _Group, b: _Group) -> bool:
    """Whether the change requests of two groups conflict: either order fails, or the orders disagree."""
    first, second = a.crs[0], b.crs[0]
    ab, ba = _applies(fw, [first, second]), _applies(fw, [second, first])
    return ab is None or ba is None or not _same(ab, ba, set(a.items) | set(b.items))


def _try_pairs(fw: Framework, groups: list[_Group]) -> None:
    """Record each group's conflicts with the groups sharing an item with it: of an item's groups, in id order,
    each pair at most TRIED apart is tried once; the change requests of groups further away are counted as
    not tried."""
    by_item: dict[tuple[Any, ...], list[_Group]] = {}
    for group in groups:
        for item in group.items:
            by_item.setdefault(item, []).append(group)
    done: set[tuple[int, int]] = set()
    for group in groups:
        if len(group.crs) > 1 and _applies(fw, [group.crs[0], group.crs[0]]) is None:
            group.conflicts.append((group, f"both change {describe_item(group.items[0])}"))
    for item, sharing in by_item.items():
        # Members of the groups before each position: those outside a group's band were not tried with it.
        before = [0, *itertools.accumulate(len(g.crs) for g in sharing)]
        for index, group in enumerate(sharing):
            low, high = max(0, index - TRIED), min(len(sharing), index + TRIED + 1)
            group.untried = max(group.untried, before[low] + before[-1] - before[high])
            for other in sharing[index + 1:high]:
                pair = (min(id(group), id(other)), max(id(group), id(other)))
                if pair in done:
                    continue
                done.add(pair)
                if _conflict(fw, group, other):
                    why = f"both change {describe_item(item)}"
                    group.conflicts.append((other, why))
                    other.conflicts.append((group, why))


def _record(result: Pending, group: _Group) -> None:
    """A change request's conflicts, from those of its group: the first LISTED ids, and the count."""
    found: list[tuple[str, str]] = []
    for other, why in group.conflicts:
        members = [c.id for c in other.crs[:LISTED + 1] if c.id != result.cr.id][:LISTED]
        found += [(cr_id, why) for cr_id in members]
        result.conflict_count += len(other.crs) - (1 if other is group else 0)
    result.conflicts = dict(sorted(found)[:LISTED])
    result.untried = group.untried


def assess(fw: Framework, pending: list[ChangeRequest]) -> list[Pending]:
    """Stale and conflicting pending change requests; only change requests that touch a common item are tried
    together, once for each group of identical ones."""
    results = {cr.id: Pending(cr) for cr in pending}
    for cr in pending:
        try:
            apply(fw, cr.operations, cr.id)
        except PreconditionError as exc:
            results[cr.id].stale = str(exc)
    groups = _groups([cr for cr in pending if results[cr.id].stale is None])
    _try_pairs(fw, groups)
    for group in groups:
        for cr in group.crs:
            _record(results[cr.id], group)
    return [results[cr.id] for cr in pending]


def _conflicts_text(p: Pending) -> str:
    """'conflicts with CR-a, CR-b, CR-c and 597 more (both change ITOP level 3)', or each with its own reason."""
    more = f" and {p.conflict_count - len(p.conflicts)} more" if p.conflict_count > len(p.conflicts) else ""
    whys = set(p.conflicts.values())
    if len(whys) == 1:
        return f"conflicts with {', '.join(p.conflicts)}{more} ({whys.pop()})"
    return "conflicts with " + "; ".join(f"{o} ({why})" for o, why in p.conflicts.items()) + more


def _state_text(p: Pending) -> str:
    if p.stale:
        return f"stale: {p.stale}"
    state = _conflicts_text(p) if p.conflict_count else "applies cleanly"
    return state + (f"; not tried against {p.untried} more that change the same items" if p.untried else "")


def run(root: Path, fmt: str = "text") -> int:
    repo, findings = check_repository(root)
    broken = sorted({f.path for f in findings if f.severity == ERROR and f.path.startswith("changes/")})
    if broken:
        sys.stderr.write(f"note: {len(broken)} change request file(s) have errors and are left out: "
                         f"{', '.join(broken)} (skillrepo check shows why)\n")
    crs = sorted(repo.changes.values(), key=lambda c: c.id)
    pending = [c for c in crs if c.status == "accepted" and c.applied_in is None]
    assessed = assess(repo.framework, pending)
    published = first_published(repo.log)
    if fmt == "json":
        rows: list[dict[str, Any]] = [
            {"id": c.id, "title": c.title, "status": c.status, "applied_in": c.applied_in,
             "published_in": published.get(c.id)} for c in crs]
        by_id = {p.cr.id: p for p in assessed}
        for row in rows:
            p = by_id.get(str(row["id"]))
            if p is not None:
                row["state"] = p.state()
                row["stale"] = p.stale
                row["conflicts"] = p.conflicts
                row["conflict_count"] = p.conflict_count
                row["not_tried"] = p.untried
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    out: list[str] = []
    if assessed:
        out.append("accepted, not applied:")
        for p in assessed:
            out.append(f"  {p.cr.id}  {p.cr.title}\n      {_state_text(p)}")
    applied = [c for c in crs if c.applied_in is not None]
    if applied:
        out.append("applied:")
        for c in applied:
            release = f"published in {published[c.id]}" if c.id in published else "not yet in a release"
            out.append(f"  {c.id}  {c.title}  ({release})")
            out += [f"      origin: {c.origin.text()}"] if c.origin is not None else []
    for status in CR_STATUSES:
        group = [c for c in crs if c.status == status and c.applied_in is None and status != "accepted"]
        if group:
            out.append(f"{status}{HEADING_NOTES.get(status, '')}:")
            out += [f"  {c.id}  {c.title}" for c in group]
    sys.stdout.write("\n".join(out or ["no change requests"]) + "\n")
    return 0
