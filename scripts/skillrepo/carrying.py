"""Carrying out a checked plan (apply and revert): write its files at once, say what it did, commit on request."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from skillrepo.errors import SkillrepoError
from skillrepo.planning import Plan, Refusal
from skillrepo.writing import write_files

if TYPE_CHECKING:
    import git


def report(plan: Plan, verb: str) -> str:
    """What a plan did, per change request, as people read it."""
    lines: list[str] = []
    for step in plan.steps:
        lines.append(f"{verb} {step.cr.id}: {step.cr.title}")
        lines += [f"  {e.describe()} ({e.impact})" for e in step.effects]
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
    from skillrepo.locking import lent_to_children

    start = git_repo.head.commit
    try:
        with lent_to_children():  # the commit's hooks (skillrepo fmt, check) run inside this command's lock
            committed = _commit_each(git_repo, root, plan, verb, trailer)
    except SkillrepoError as exc:
        _undo(git_repo, root, start, plan.files)
        raise SkillrepoError(f"{_why(exc)}; nothing is committed: the files, the index and the branch are as "
                             f"they were{_printed(exc)}") from exc
    sys.stdout.write(report(plan, done) + committed)


def _commit_each(git_repo: git.Repo, root: Path, plan: Plan, verb: str, trailer: str) -> str:
    """One commit per change request, each through the repository's hooks; what was committed, a line each."""
    from skillrepo import history

    lines = ""
    for step in plan.steps:
        message = f"{verb} {step.cr.id}: {step.cr.title}\n\n{trailer}: {step.cr.id}\n"
        sha = history.commit_files(git_repo, root, step.files, message)
        lines += f"committed {sha[:10]} {verb} {step.cr.id}: {step.cr.title}\n"
    return lines


def _undo(git_repo: git.Repo, root: Path, start: git.Commit, files: dict[str, bytes | None]) -> None:
    """After a commit refused (by a hook): the branch, the index and the files as they were before, which
    --commit made sure were those of `start` (no changes of their own)."""
    from skillrepo import history

    prefix = history.relative_prefix(git_repo, root)
    if git_repo.head.commit != start:
        git_repo.head.reset(start, index=False, working_tree=False)
    paths = [f"{prefix}{rel}" for rel in sorted(files)]
    git_repo.git.reset("--quiet", start.hexsha, "--", *paths)
    before: dict[str, bytes | None] = {}
    for rel, path in zip(sorted(files), paths):
        try:
            before[rel] = start.tree[path].data_stream.read()
        except KeyError:
            before[rel] = None
    write_files(root, before)


def _why(exc: SkillrepoError) -> str:
    """Which hook refused the commit, when a hook did: pre-commit marks each of its hooks Passed or Failed."""
    import git

    cause = exc.__cause__
    if not isinstance(cause, git.HookExecutionError):
        return str(exc).split("\n")[0]
    failed = [line.split("...")[0].strip(" .") for line in _output(cause).splitlines() if line.endswith("Failed")]
    named = f" ({', '.join(failed)})" if failed else ""
    return f"the commit's pre-commit hook failed{named}"


def _printed(exc: SkillrepoError) -> str:
    """What the failing hook printed, indented under the error line."""
    import git

    cause = exc.__cause__
    if not isinstance(cause, git.HookExecutionError):
        return ""
    lines = [line for line in _output(cause).splitlines() if line.strip()]
    return "".join(f"\n  {line}" for line in lines[:40])


def _output(cause: git.HookExecutionError) -> str:
    # GitPython keeps a command's output as "\n  stdout: '<text>'": take the text back out.
    parts = []
    for field in (cause.stdout, cause.stderr):
        text = str(field or "")
        for mark in ("\n  stdout: '", "\n  stderr: '"):
            if text.startswith(mark) and text.endswith("'"):
                text = text[len(mark):-1]
        parts.append(text)
    return "\n".join(p for p in parts if p)
