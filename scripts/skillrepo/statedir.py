"""What is in .skillrepo/, the tool's working state, and whether this machine's own commands put it there.

The directory is git-ignored, but a file that git tracks is checked out anyway: a clone can bring a lock, a
journal or a link there. Nothing there is acted on unless it passes every test below.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from skillrepo.safepaths import Tree, UnsafePath
from skillrepo.writing import JOURNAL, STATE_DIR, read_journal

LOCK = f"{STATE_DIR}/lock"

# The repositories whose lock this process holds: it looked at their .skillrepo/ before it made or took it there.
HOLDING: set[Path] = set()

TRACKED = (f"git tracks this file in {STATE_DIR}/, the tool's own working state, so a checkout brought it and no "
           f"command acts on it; remove it from git (git rm -r --cached {STATE_DIR}) and delete {STATE_DIR}/")


def tracked_state_files(paths: Iterable[str]) -> list[str]:
    """Of repository-relative paths (as git lists them), those in .skillrepo/: files no commit may carry."""
    return sorted({p for p in paths if p == STATE_DIR or p.startswith(f"{STATE_DIR}/")})


def tracked(root: Path) -> list[str]:
    """The files in .skillrepo/ that git tracks, in the index or at HEAD; none outside a git repository."""
    from skillrepo import history  # only here: git is needed only when .skillrepo/ exists

    return tracked_state_files(history.tracked_under(root, STATE_DIR))


def problems(root: Path) -> list[tuple[str, str, str]]:
    """(path, code, message) for everything in .skillrepo/ the tool refuses to act on; [] if it may."""
    if not os.path.lexists(root / STATE_DIR) or root.resolve() in HOLDING:
        return []
    found = [(path, "P310", TRACKED) for path in tracked(root)]
    reported = {path for path, _, _ in found}
    with Tree(root) as tree:
        for path, why in _untrusted(tree):
            if path not in reported:
                found.append((path, "P311", why))
    return found


def _untrusted(tree: Tree) -> Iterable[tuple[str, str]]:
    """The directory, lock or journal when it is a link, not what the tool makes, or not this machine's."""
    try:
        for path, wanted in ((STATE_DIR, stat.S_ISDIR), (LOCK, stat.S_ISREG)):
            found = tree.lstat(path)
            if found is not None and not wanted(found.st_mode):
                kind = "a symbolic link" if stat.S_ISLNK(found.st_mode) else "not what the tool makes there"
                yield path, (f"{kind}; the tool never follows or uses one, as it could lead outside the "
                             f"repository; nothing was touched: delete {path}")
                return
        read_journal(tree)
    except UnsafePath as exc:
        path, _, why = str(exc).partition(": ")
        yield path, why


def refuse_untrusted(root: Path) -> None:
    """Refuse to go on, naming the first problem, if .skillrepo/ holds anything the tool will not act on."""
    for path, _code, message in problems(root):
        raise UnsafePath(f"{path}: {message}")


__all__ = ["HOLDING", "JOURNAL", "LOCK", "STATE_DIR", "problems", "refuse_untrusted", "tracked",
           "tracked_state_files"]
