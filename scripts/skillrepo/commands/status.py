"""`skillrepo status`: every change request by status; for accepted ones not yet applied, whether each
applies cleanly, is stale, or conflicts with another."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from skillrepo.checker import check_repository
from skillrepo.domain import CR_STATUSES
from skillrepo.findings import ERROR
from skillrepo.engine import PreconditionError, apply, targets
from skillrepo.model import ChangeRequest, Framework


@dataclass
class Pending:
    """An accepted change request not yet applied, and how it stands against today's framework."""

    cr: ChangeRequest
    stale: str | None = None
    conflicts: dict[str, str] = field(default_factory=dict)  # other CR id -> why


def _applies(fw: Framework, crs: list[ChangeRequest]) -> Framework | None:
    try:
        for cr in crs:
            fw, _ = apply(fw, cr.operations, cr.id)
    except PreconditionError:
        return None
    return fw


def assess(fw: Framework, pending: list[ChangeRequest]) -> list[Pending]:
    """Stale and conflicting pending change requests; only pairs that touch a common item are tried."""
    results = {cr.id: Pending(cr) for cr in pending}
    for cr in pending:
        try:
            apply(fw, cr.operations, cr.id)
        except PreconditionError as exc:
            results[cr.id].stale = str(exc)
    by_item: dict[tuple[Any, ...], list[ChangeRequest]] = {}
    for cr in pending:
        if results[cr.id].stale is None:
            for item in set().union(*(targets(op) for op in cr.operations)) if cr.operations else set():
                by_item.setdefault(item, []).append(cr)
    pairs: dict[tuple[str, str], tuple[ChangeRequest, ChangeRequest, tuple[Any, ...]]] = {}
    for item, crs in by_item.items():
        for a, b in combinations(sorted(crs, key=lambda c: c.id), 2):
            pairs.setdefault((a.id, b.id), (a, b, item))
    for (a_id, b_id), (a, b, item) in sorted(pairs.items()):
        ab, ba = _applies(fw, [a, b]), _applies(fw, [b, a])
        if ab is None or ba is None or ab != ba:
            why = f"both change {_item(item)}"
            results[a_id].conflicts[b_id] = why
            results[b_id].conflicts[a_id] = why
    return [results[cr.id] for cr in pending]


def _item(item: tuple[Any, ...]) -> str:
    kind, target, detail = item
    if kind == "level":
        return f"{target} level {detail}"
    if kind == "rl":
        return f"the {detail} of level of responsibility {target}"
    if kind == "framework":
        return f"the framework's {detail}"
    return f"{target}" if detail == "*" else f"the {detail} of {target}"


def run(root: Path, fmt: str = "text") -> int:
    repo, findings = check_repository(root)
    broken = sorted({f.path for f in findings if f.severity == ERROR and f.path.startswith("changes/")})
    if broken:
        sys.stderr.write(f"note: {len(broken)} change request file(s) have errors and are left out: "
                         f"{', '.join(broken)} (skillrepo check shows why)\n")
    crs = sorted(repo.changes.values(), key=lambda c: c.id)
    pending = [c for c in crs if c.status == "accepted" and c.applied_in is None]
    assessed = assess(repo.framework, pending)
    if fmt == "json":
        rows: list[dict[str, Any]] = [
            {"id": c.id, "title": c.title, "status": c.status, "applied_in": c.applied_in} for c in crs]
        by_id = {p.cr.id: p for p in assessed}
        for row in rows:
            p = by_id.get(str(row["id"]))
            if p is not None:
                row["state"] = "stale" if p.stale else ("conflicting" if p.conflicts else "applies cleanly")
                row["stale"] = p.stale
                row["conflicts"] = p.conflicts
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    out: list[str] = []
    if assessed:
        out.append("accepted, not applied:")
        for p in assessed:
            state = f"stale: {p.stale}" if p.stale else (
                "conflicts with " + "; ".join(f"{o} ({why})" for o, why in sorted(p.conflicts.items()))
                if p.conflicts else "applies cleanly")
            out.append(f"  {p.cr.id}  {p.cr.title}\n      {state}")
    applied = [c for c in crs if c.applied_in is not None]
    if applied:
        out.append("applied:")
        out += [f"  {c.id}  {c.title}  (edition {c.applied_in})" for c in applied]
    for status in CR_STATUSES:
        group = [c for c in crs if c.status == status and c.applied_in is None and status != "accepted"]
        if group:
            out.append(f"{status}:")
            out += [f"  {c.id}  {c.title}" for c in group]
    sys.stdout.write("\n".join(out or ["no change requests"]) + "\n")
    return 0
