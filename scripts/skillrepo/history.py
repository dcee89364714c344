"""Git is the database: the repository as it was at a commit or tag, release tags, commits of applied
change requests. Everything goes through GitPython; this module is imported only by the commands that
need history, so `check` stays fast where there is nothing to compare."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import git
from git.objects.blob import Blob
from gitdb.base import IStream  # type: ignore[import-untyped]

from skillrepo.documents import Snapshot, snapshot_of
from skillrepo.domain import MAX_CR_DIGITS
from skillrepo.errors import SkillrepoError, UsageError
from skillrepo.layout import CHANGES_DIR, FRAMEWORK_DIR
from skillrepo.yamlsource import load_bytes

TRAILER = re.compile(rf"^Change-Request:\s*(CR-[0-9]{{4,{MAX_CR_DIGITS}}})\s*$", re.M)


# The types of the objects this module hands out, for the annotations of the modules that hold them.
Repo = git.Repo
Commit = git.Commit

_OPENED: list[git.Repo] = []


def open_repo(root: Path) -> git.Repo:
    """The git repository of a framework repository; a usage error if there is none."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise UsageError(f"{root} is not in a git repository; this command reads the history") from exc
    _OPENED.append(repo)
    return repo


def close_all() -> None:
    """End the git processes GitPython keeps running, before the interpreter exits."""
    while _OPENED:
        _OPENED.pop().close()


def has_commit(repo: git.Repo) -> bool:
    """Whether HEAD names a commit (a repository just made with `git init` has none)."""
    return repo.head.is_valid()


def head_commit(repo: git.Repo) -> git.Commit:
    """The commit HEAD names; only once has_commit says there is one."""
    return repo.head.commit


def commit_time(commit: git.Commit) -> int:
    """When a commit was made, in seconds since the epoch."""
    return int(commit.committed_date)


def short_id(commit: git.Commit) -> str:
    """The first ten hex digits of a commit's hash, as messages show it."""
    return commit.hexsha[:10]


def tag_commit(tag: git.TagReference) -> git.Commit:
    """The commit a tag names."""
    return tag.commit


def has_tag(repo: git.Repo, name: str) -> bool:
    """Whether a tag of this name exists."""
    return any(t.name == name for t in repo.tags)


def is_dirty(repo: git.Repo) -> bool:
    """Whether the work tree or the index holds anything not committed, untracked files included."""
    return repo.is_dirty(untracked_files=True)


def create_tag(repo: git.Repo, name: str, message: Path) -> None:
    """An annotated tag of HEAD whose message is the file `message`, kept verbatim (its # lines are headings, not
    comments); git reads the file, so a changelog of tens of megabytes is never held in memory here."""
    repo.git.tag("-a", name, "-F", str(message), "--cleanup=verbatim")


def resolve(repo: git.Repo, ref: str) -> git.Commit:
    """The commit a ref names; a usage error if it names none."""
    try:
        commit = repo.commit(ref)
    except (git.BadName, ValueError) as exc:
        raise UsageError(f"no commit or tag named {ref!r} in this repository") from exc
    return commit


def newest_release_tag(repo: git.Repo, excluding: str | None = None) -> git.TagReference | None:
    """The newest `v*` tag (other than `excluding`), by the date of the commit it tags, then by name."""
    return next((t for t in release_tags(repo) if t.name != excluding), None)


def release_tags(repo: git.Repo) -> list[git.TagReference]:
    """Every `v*` tag that names a commit, newest first (by the date of the commit it tags, then by name)."""
    tags = []
    for tag in repo.tags:
        if not tag.name.startswith("v"):
            continue
        try:
            date = tag.commit.committed_date
        except ValueError:  # a tag of a tree or a blob is no release
            continue
        tags.append((date, tag.name, tag))
    return [t for _, _, t in sorted(tags, key=lambda e: (e[0], e[1]), reverse=True)]


def relative_prefix(repo: git.Repo, root: Path) -> str:
    top = Path(repo.working_tree_dir or root).resolve()
    rel = root.resolve().relative_to(top).as_posix()
    return "" if rel == "." else rel + "/"


def snapshot_at(repo: git.Repo, root: Path, commit: git.Commit) -> Snapshot:
    """The framework repository's data files as they were at `commit`."""
    prefix = relative_prefix(repo, root)
    files: dict[str, Callable[[], bytes]] = {}
    for top in (FRAMEWORK_DIR, CHANGES_DIR):
        try:
            tree = commit.tree / f"{prefix}{top}"
        except KeyError:
            continue
        for item in tree.traverse():
            if isinstance(item, Blob) and item.mode != Blob.link_mode:
                files[str(item.path)[len(prefix):]] = partial(_blob_bytes, repo, item.binsha)
    return snapshot_of(root, files)


def _blob_bytes(repo: git.Repo, binsha: bytes) -> bytes:
    data: bytes = repo.odb.stream(binsha).read()
    return data


def messages_since(repo: git.Repo, base: git.Commit | None) -> list[tuple[str, str]]:
    """(hexsha, message) of the commits after `base` (None: all) up to HEAD, oldest first: one `git log`, not one
    read per commit (a framework's history has tens of thousands of them)."""
    out = repo.git.log("-z", "--reverse", "--format=%H%n%B", f"{base.hexsha}..HEAD" if base is not None else "HEAD",
                       strip_newline_in_stdout=False)
    entries = []
    for record in out.split("\x00"):
        sha, _, message = record.partition("\n")
        if sha:
            entries.append((sha, message))
    return entries


def trailer_cr(message: str) -> list[str]:
    """The change requests a commit message says it applies (trailer `Change-Request: CR-NNNN`)."""
    return TRAILER.findall(message)


def paths_changed_by(commit: git.Commit) -> list[str]:
    """The paths a commit adds, changes or deletes (against its first parent)."""
    if not commit.parents:
        return [str(item.path) for item in commit.tree.traverse() if isinstance(item, Blob)]
    return [d.b_path or d.a_path or "" for d in commit.parents[0].diff(commit)]


def blob_at(commit: git.Commit, relpath: str) -> bytes | None:
    """A file's bytes at a commit, or None if it did not exist there."""
    try:
        item = commit.tree / relpath
    except KeyError:
        return None
    return item.data_stream.read() if isinstance(item, Blob) else None


def changed_since_head(repo: git.Repo, root: Path, paths: list[str]) -> dict[str, bytes | None]:
    """Of `paths`, those whose work-tree content differs from HEAD: their bytes at HEAD (None if new)."""
    if not paths or not repo.head.is_valid():
        return {}
    # Two quick questions rather than `git diff-index HEAD`, which walks HEAD's whole tree against the work tree
    # (0.15 s at ten times SFIA's size, on every check): the index against HEAD (its cached trees answer at
    # once), then the work tree against the index (git's status of each file). A path neither names holds HEAD's
    # bytes; one only the second names has the index's bytes at HEAD, the old side it reports.
    staged = _changed(repo, root, paths, "diff-index", "--cached", "HEAD")
    unstaged = _changed(repo, root, [p for p in paths if p not in staged], "diff-files")
    return {**staged, **unstaged}


def changed_between(repo: git.Repo, root: Path, old: git.Commit, new: git.Commit,
                    paths: list[str]) -> dict[str, bytes | None]:
    """Of `paths` (relative to `root`), those that differ between two commits: their bytes at `old` (None if
    absent there)."""
    if not paths:
        return {}
    return _changed(repo, root, paths, "diff-tree", old.hexsha, new.hexsha)


_NO_OBJECT = "0" * 40


def _changed(repo: git.Repo, root: Path, paths: list[str], command: str, *arguments: str) -> dict[str, bytes | None]:
    """Of `paths`, those `git COMMAND ARGUMENTS` finds changed, with their bytes on the old side (None if added).

    One command, its raw output read as it is: scoped by top directory, not one pathspec per path (git matches
    every file against every pathspec, so thousands of them were quadratic and could pass the limit of a
    command line), and the old bytes read by object id, not by looking each path up through the trees again
    (that parsed a directory of thousands of entries once per path)."""
    if not paths:
        return {}
    prefix = relative_prefix(repo, root)
    wanted = set(paths)
    scoped = [f"{prefix}{top}" for top in sorted({p.split("/", 1)[0] for p in paths})]
    out = repo.git.execute(["git", command, "-r", "-z", "--raw", "--no-renames", "--abbrev=40", *arguments, "--",
                            *scoped], strip_newline_in_stdout=False)
    fields = str(out).split("\0")
    changed: dict[str, bytes | None] = {}
    for meta, name in zip(fields[0::2], fields[1::2], strict=False):
        path = name[len(prefix):]
        if path not in wanted:
            continue
        old_id = meta.split(" ")[2]  # ":OLDMODE NEWMODE OLDID NEWID STATUS"
        changed[path] = None if old_id == _NO_OBJECT else bytes(repo.odb.stream(bytes.fromhex(old_id)).read())
    return changed


def applying_commits(repo: git.Repo, root: Path, base: git.Commit | None,
                     paths: list[str]) -> dict[str, git.Commit]:
    """For each manifest of `paths`, the last commit after `base` (None: all) up to HEAD that set its applied_in
    (the manifest has it there and had not at the commit before in the log): what applying it committed."""
    if not paths or not repo.head.is_valid():
        return {}
    prefix = relative_prefix(repo, root)
    wanted = {f"{prefix}{p}": p for p in paths}
    # One `git log` listing the commits that touch the manifests (merges against each parent), oldest first.
    # Paths as they are (not quoted), whatever characters the directories above the framework's have.
    out = repo.git(c="core.quotePath=false").log(
        "--reverse", "-m", "--no-renames", "--name-only", "--format=%x00%H",
        f"{base.hexsha}..HEAD" if base is not None else "HEAD", "--", *sorted(wanted), strip_newline_in_stdout=False)
    applied = {name: base is not None and manifest_applied(blob_at(base, name)) for name in wanted}
    found: dict[str, git.Commit] = {}
    for record in out.split("\x00"):
        sha, _, names = record.partition("\n")
        for name in dict.fromkeys(n for n in names.splitlines() if n in wanted):
            commit = repo.commit(sha.strip())
            now = manifest_applied(blob_at(commit, name))
            if now and not applied[name]:
                found[wanted[name]] = commit
            applied[name] = now
    return found


def manifest_data(raw: bytes | None) -> dict[str, Any] | None:
    """A manifest's top-level mapping as the strict loader reads it, or None (absent, or not a mapping)."""
    if raw is None:
        return None
    loaded = load_bytes(raw)
    return loaded.data if loaded.usable and isinstance(loaded.data, dict) else None


def manifest_applied(raw: bytes | None) -> bool:
    """Whether a manifest's bytes (None: absent) say it is applied: an applied_in key, whatever its layout."""
    data = manifest_data(raw)
    return data is not None and data.get("applied_in") is not None


def dirty_paths(repo: git.Repo, root: Path, paths: list[str]) -> list[str]:
    """Paths (files or directories) with changes not committed: staged, unstaged or untracked."""
    prefix = relative_prefix(repo, root)
    scoped: list[str | os.PathLike[str]] = [f"{prefix}{p}" for p in paths]
    found: set[str] = set()
    if repo.head.is_valid():
        found.update(d.a_path or d.b_path or "" for d in repo.head.commit.diff(None, paths=scoped))
        found.update(d.a_path or d.b_path or "" for d in repo.index.diff("HEAD", paths=scoped))
    found.update(p for p in repo.untracked_files
                 if any(p == str(s) or p.startswith(str(s).rstrip("/") + "/") for s in scoped))
    return sorted(p[len(prefix):] for p in found)


def commit_files(repo: git.Repo, root: Path, files: dict[str, bytes | None], message: str) -> str:
    """Commit exactly these file contents (None: deleted) on top of HEAD, whatever the work tree holds."""
    prefix = relative_prefix(repo, root)
    index = repo.index
    entries: list[Any] = []
    removed: list[str] = []
    for relpath, data in sorted(files.items()):
        path = f"{prefix}{relpath}"
        if data is None:
            removed.append(path)
            continue
        stream = repo.odb.store(IStream(Blob.type, len(data), io.BytesIO(data)))
        entries.append(git.BaseIndexEntry((0o100644, stream.binsha, 0, path)))
    if removed:
        index.remove(removed, working_tree=False)
    if entries:
        index.add(entries)
    try:
        commit = index.commit(message)
    except (git.GitError, OSError, ValueError) as exc:
        raise SkillrepoError(f"could not commit: {exc}") from exc
    return commit.hexsha


def merge_base(repo: git.Repo, base: git.Commit, head: git.Commit) -> git.Commit:
    """The newest common ancestor of two commits, what a pull request's diff starts from."""
    bases = [c for c in repo.merge_base(base, head) if isinstance(c, git.Commit)]
    if not bases:
        raise UsageError(f"{base.hexsha[:10]} and {head.hexsha[:10]} have no common history; "
                         "is the base the branch this one was started from?")
    return bases[0]


def _tree_entries(commit: git.Commit) -> dict[str, tuple[int, str]]:
    """Every file (blob, link or submodule) of a commit's tree: repository-relative path -> (mode, object id)."""
    return {str(item.path): (item.mode, item.hexsha) for item in commit.tree.traverse()
            if isinstance(item, (Blob, git.Submodule))}


def tracked_paths(commit: git.Commit) -> list[str]:
    """Every file (blob, link or submodule) a commit tracks, repository-relative, sorted."""
    return sorted(_tree_entries(commit))


def changed_paths(old: git.Commit, new: git.Commit) -> list[str]:
    """Repository-relative paths added, changed (content or mode) or deleted from `old` to `new`, sorted.
    A rename is a deletion and an addition."""
    a, b = _tree_entries(old), _tree_entries(new)
    return sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))


def _identity(repo: Any) -> bool:
    """Whether git knows who the user is from configuration or the environment, without guessing."""
    try:
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            repo.git(c="user.useConfigOnly=true").var(ident)
    except git.GitCommandError:
        return False
    return True


def init_and_commit(staging: Path, message: str) -> bool:
    """Make a directory a git repository on main; commit all of it if the user has an identity."""
    try:
        repo = git.Repo.init(staging, initial_branch="main")
        if not _identity(repo):
            return False
        repo.git.add("--all")
        repo.git.commit("--quiet", "--no-verify", "--no-gpg-sign", "-m", message)
    except git.GitCommandError as exc:
        raise SkillrepoError(f"git failed: {' '.join(str(a) for a in exc.command)}: "
                             f"{str(exc.stderr).strip() or exc}") from exc
    return True


def commit_of(repo: git.Repo, sha: str) -> git.Commit:
    """The commit a full hash names."""
    return repo.commit(sha)


def tracked_under(root: Path, name: str) -> list[str]:
    """The paths, relative to root, that git tracks in the index or at HEAD under root/name; none outside git.

    git lists them itself, scoped to the one directory: reading the whole index in Python cost a second at ten
    times SFIA's size, on every command once .skillrepo/ exists."""
    try:
        repo = open_repo(root)
    except UsageError:
        return []
    prefix = relative_prefix(repo, root)
    scope = f"{prefix}{name}"
    listed = repo.git.execute(["git", "ls-files", "-z", "--full-name", "--", f":(literal){scope}"],
                              strip_newline_in_stdout=False)
    paths = [p for p in listed.split("\0") if p]
    if repo.head.is_valid():
        at_head = repo.git.execute(["git", "ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD", "--",
                                    f":(literal){scope}"], strip_newline_in_stdout=False)
        paths.extend(p for p in at_head.split("\0") if p)
    return [p[len(prefix):] for p in paths if p.startswith(prefix)]


def undo_commits(repo: git.Repo, root: Path, start: git.Commit, relpaths: list[str]) -> dict[str, bytes | None]:
    """Put the branch back at `start` and these paths' index entries at theirs (after a hook refused a commit);
    their contents at `start` (None: not there), for the caller to write back."""
    if repo.head.commit != start:
        repo.head.reset(start, index=False, working_tree=False)
    prefix = relative_prefix(repo, root)
    paths = [f"{prefix}{rel}" for rel in relpaths]
    if paths:
        repo.git.reset("--quiet", start.hexsha, "--", *paths)
    before: dict[str, bytes | None] = {}
    for rel, path in zip(relpaths, paths, strict=True):
        try:
            before[rel] = start.tree[path].data_stream.read()
        except KeyError:
            before[rel] = None
    return before


def hook_output(exc: BaseException) -> str | None:
    """What a commit hook printed, when a hook refused the commit that raised `exc`; else None."""
    cause = exc.__cause__
    if not isinstance(cause, git.HookExecutionError):
        return None
    parts = []
    for stream in (cause.stdout, cause.stderr):
        text = str(stream or "")
        # GitPython keeps a command's output as "\n  stdout: '<text>'": take the text back out.
        for mark in ("\n  stdout: '", "\n  stderr: '"):
            if text.startswith(mark) and text.endswith("'"):
                text = text[len(mark):-1]
        parts.append(text)
    return "\n".join(p for p in parts if p)
