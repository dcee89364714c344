"""Carrying out a checked plan (apply and revert): write its files at once, say what it did, commit on request."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.planning import Plan, Refusal
from skillrepo.writing import write_files


def report(plan: Plan, verb: str) -> str:
    """What a plan did, per change request, as people read it."""
    lines: list[str] = []
    for step in plan.steps:
        lines.append(f"{verb} {step.cr.id}: {step.cr.title}")
        lines += [f"  {e.describe()} ({e.impact_text()})" for e in step.effects]
    return "\n".join(lines) + "\n"


def carry_out(root: Path, plan: Plan, done: str, verb: str, trailer: str, commit: bool) -> None:
    """Write a checked plan's files at once; with commit, one commit per change request."""
    git_repo = None
    if commit:
        from skillrepo import history

        git_repo = history.open_repo(root)
        own = ["framework"] + [step.cr.source.path for step in plan.steps if step.cr.source is not None]
        dirty = history.dirty_paths(git_repo, root, own)
        if dirty:
            raise Refusal("--commit needs the files it commits to have no changes of their own; commit or stash "
                          f"these first: {', '.join(dirty)}")
    try:
        write_files(root, plan.files)
    except OSError as exc:
        if exc.filename is None:  # a write cut short (a full disk) names no file: name the repository
            exc.filename = str(root)
        raise
    sys.stdout.write(report(plan, done))
    if git_repo is not None:
        from skillrepo import history

        for step in plan.steps:
            message = f"{verb} {step.cr.id}: {step.cr.title}\n\n{trailer}: {step.cr.id}\n"
            sha = history.commit_files(git_repo, root, step.files, message)
            sys.stdout.write(f"committed {sha[:10]} {verb} {step.cr.id}: {step.cr.title}\n")
