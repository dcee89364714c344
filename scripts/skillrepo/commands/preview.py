"""`skillrepo preview CR-ID`: what applying a change request would do, as effects and as a diff; writes nothing."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.crids import normalise_cr_id
from skillrepo.diffs import unified_diff
from skillrepo.documents import Snapshot
from skillrepo.domain import REVERTED_STATUS
from skillrepo.markdown import fenced, markdown_text
from skillrepo.model import ChangeRequest
from skillrepo.planning import Plan, change_request, check_result, plan_apply


def _status(path: str, snapshot: Snapshot, files: dict[str, bytes | None]) -> str:
    exists = any(d.path == path for d in snapshot.documents)
    return "deleted" if files[path] is None else ("changed" if exists else "added")


def reverted_note(cr: ChangeRequest) -> str | None:
    """What a preview says of a reverted change request: applying it needs a maintainer to accept it again."""
    if cr.status != REVERTED_STATUS:
        return None
    return "it was applied, then reverted; to apply it again, a maintainer sets its status: accepted, then applies it"


def render(plan: Plan, snapshot: Snapshot, fmt: str, problems: list[str]) -> str:
    """A plan for people (text, markdown) or machines (json)."""
    step = plan.steps[0]
    cr = step.cr
    diff = unified_diff(snapshot, plan.files)
    effects = [f"{e.describe()} ({e.impact_text()})" for e in plan.effects]
    note = reverted_note(cr)
    if fmt == "json":
        return json.dumps({
            "id": cr.id, "title": cr.title, "status": cr.status, "note": note,
            "origin": None if cr.origin is None else dataclasses.asdict(cr.origin),
            "effects": [{"op": e.op, "skill": e.skill, "attribute": e.attribute, "level": e.level, "field": e.field,
                         "impact": e.impact,
                         "text": e.describe()} for e in plan.effects],
            "files": {p: _status(p, snapshot, plan.files) for p in sorted(plan.files)},
            "problems": problems, "diff": diff,
        }, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        said = f" ({markdown_text(note)})" if note else ""
        lines = [f"### {cr.id}: {markdown_text(cr.title)}", ""]
        lines += [f"Origin: {markdown_text(cr.origin.text())}", ""] if cr.origin is not None else []
        lines += [f"Status: **{markdown_text(cr.status)}**{said}. Applying it:", ""]
        lines += [f"- {markdown_text(e)}" for e in effects] or ["- change nothing"]
        if problems:
            lines += ["", "**`skillrepo check` would then find:**", "", *fenced("", problems)]
        lines += ["", "<details><summary>Files</summary>", "", *fenced("diff", diff.rstrip("\n").split("\n")), "",
                  "</details>", ""]
        return "\n".join(lines)
    origin = [f"origin: {cr.origin.text()}"] if cr.origin is not None else []
    lines = [f"{cr.id}: {cr.title} ({cr.status})", *origin, *([note] if note else []), "applying it:"]
    lines += [f"  {e}" for e in effects] or ["  change nothing"]
    if problems:
        lines += ["and then `skillrepo check` would find:", *(f"  {p}" for p in problems)]
    return "\n".join(lines) + "\n\n" + diff


def run(root: Path, cr_id: str, fmt: str) -> int:
    """Print what applying `cr_id` would do; exit 1 if it cannot apply or would leave errors."""
    cr_id = normalise_cr_id(cr_id)
    repo, _ = check_repository(root)
    cr = change_request(repo, cr_id)
    if cr.applied_in is not None:
        sys.stdout.write(f"{cr_id} is already applied (in edition {cr.applied_in}); nothing to preview\n")
        return 0
    plan = plan_apply(repo, [cr_id], preview=True)
    problems = [f.as_text() for f in check_result(repo.snapshot, plan)]
    sys.stdout.write(render(plan, repo.snapshot, fmt, problems))
    return 1 if problems else 0
