"""Carrying out a checked plan (apply and revert): write its files at once, say what it did, commit on request."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.errors import SkillrepoError
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
    if git_repo is None:
        sys.stdout.write(report(plan, done))
        return
    from skillrepo import history
    from skillrepo.locking import lent_to_children

    start = history.head_commit(git_repo)
    try:
        with lent_to_children():  # the commit's hooks (skillrepo fmt, check) run inside this command's lock
            committed = ""
            for step in plan.steps:  # one commit per change request, each through the repository's hooks
                message = f"{verb} {step.cr.id}: {step.cr.title}\n\n{trailer}: {step.cr.id}\n"
                sha = history.commit_files(git_repo, root, step.files, message)
                committed += f"committed {sha[:10]} {verb} {step.cr.id}: {step.cr.title}\n"
    except SkillrepoError as exc:
        write_files(root, history.undo_commits(git_repo, root, start, sorted(plan.files)))
        raise SkillrepoError(f"{_why(exc)}; nothing is committed: the files, the index and the branch are as "
                             f"they were{_printed(exc)}") from exc
    sys.stdout.write(report(plan, done) + committed)


def _why(exc: SkillrepoError) -> str:
    """Which hook refused the commit, when a hook did: pre-commit marks each of its hooks Passed or Failed."""
    from skillrepo import history

    output = history.hook_output(exc)
    if output is None:
        return str(exc).split("\n")[0]
    failed = [line.split("...")[0].strip(" .") for line in output.splitlines() if line.endswith("Failed")]
    named = f" ({', '.join(failed)})" if failed else ""
    return f"the commit's pre-commit hook failed{named}"


def _printed(exc: SkillrepoError) -> str:
    """What the failing hook printed, indented under the error line."""
    from skillrepo import history

    lines = [line for line in (history.hook_output(exc) or "").splitlines() if line.strip()]
    return "".join(f"\n  {line}" for line in lines[:40])
