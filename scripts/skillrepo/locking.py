"""One writer at a time: a command that writes holds the repository's lock exclusively, a command that publishes
what it reads (release, changelog) holds it shared; either is refused at once, with the holder named, while
the other kind holds it. The lock is a file in .skillrepo/, opened without following a link."""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillrepo.errors import SkillrepoError
from skillrepo.layout import printable_name
from skillrepo.safepaths import Tree, UnsafePath
from skillrepo.statedir import HOLDING, JOURNAL, LOCK, STATE_DIR, refuse_untrusted
from skillrepo.writing import make_state_dir, recover, remove_state_dir

# A writer passes its child processes (the commit hooks its commit runs: `skillrepo fmt`, `skillrepo check`) an
# unguessable token; only its digest is in the lock file, so no file a checkout brings can match a token, and a
# process without the holder's token in its environment is refused as before.
TOKEN_ENV = "SKILLREPO_LOCK_TOKEN"
_TOKEN_MARK = "token-sha256: "


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Busy(SkillrepoError):
    """Another command is writing to the repository (or, for a writer, publishing from it)."""


class Unrecoverable(SkillrepoError):
    """An interrupted write is left, and it cannot be finished or undone here (a read-only checkout)."""


@contextmanager
def exclusive(root: Path, command: str) -> Iterator[None]:
    """Hold the repository's lock while writing; refuse at once if another command holds it."""
    if inside_holder(root):
        yield  # a child of the holder (its commit's hooks): the holder's lock covers it
        return
    with _held(root, fcntl.LOCK_EX, f"skillrepo {command} (process {os.getpid()}) is writing to this repository"):
        note = recover(root)
        if note:
            sys.stderr.write(f"note: {note}\n")
        yield


@contextmanager
def shared(root: Path, command: str) -> Iterator[None]:
    """Hold the repository's lock alongside other readers while publishing; refuse at once while one writes."""
    if inside_holder(root):
        yield
        return
    with _held(root, fcntl.LOCK_SH, f"skillrepo {command} (process {os.getpid()}) is publishing from this "
               "repository"):
        yield


@contextmanager
def _held(root: Path, mode: int, holder: str) -> Iterator[None]:
    if os.path.lexists(root / STATE_DIR):  # before anything is made there: a checkout may have brought it
        refuse_untrusted(root)
    if mode == fcntl.LOCK_SH and os.statvfs(root).f_flag & os.ST_RDONLY:
        yield  # a read-only file system: no writer can be at work, and no lock file can be made
        return
    with Tree(root) as tree:
        fd = _acquire(tree, mode, holder)
        HOLDING.add(root.resolve())
        try:
            yield
        finally:
            HOLDING.discard(root.resolve())
            _release(tree, fd, mode)


_token = secrets.token_hex(32)  # this process's: a child given it runs inside this process's lock


@contextmanager
def lent_to_children() -> Iterator[None]:
    """Let the processes started meanwhile (a commit's hooks) run inside the lock this process holds."""
    before = os.environ.get(TOKEN_ENV)
    os.environ[TOKEN_ENV] = _token
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TOKEN_ENV, None)
        else:
            os.environ[TOKEN_ENV] = before


def _lock_token_digest(content: str) -> str | None:
    for line in content.splitlines()[1:2]:
        if line.startswith(_TOKEN_MARK):
            return line[len(_TOKEN_MARK):]
    return None


def inside_holder(root: Path) -> bool:
    """Whether this process was started by the command holding the repository's lock, which passed it its
    token: the lock is held by someone and its file holds the digest of the token in our environment."""
    token = os.environ.get(TOKEN_ENV)
    if not token or not os.path.lexists(root / LOCK):
        return False
    try:
        with Tree(root) as tree:
            fd = tree.open(LOCK, os.O_RDONLY, 0)
    except (OSError, UnsafePath):
        return False
    try:
        if _lock_token_digest(os.pread(fd, 1000, 0).decode("utf-8", "replace")) != _digest(token):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True  # held, by the holder that wrote our token's digest
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False  # a lock file left behind: nobody holds it
    finally:
        os.close(fd)


def _acquire(tree: Tree, mode: int, holder: str) -> int:
    """The lock's descriptor, locked in `mode`: the file that is at .skillrepo/lock, never a link."""
    while True:
        try:
            make_state_dir(tree)
            fd = tree.open(LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SkillrepoError(f"{LOCK}: cannot take the repository's lock ({exc.strerror}); run this where the "
                                 "repository can be written") from exc
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            # Control characters escaped: the file is the tool's, but a hand or an archive may have put it there.
            first = os.pread(fd, 300, 0).decode("utf-8", "replace").strip().split("\n")[0]
            other = printable_name(first.strip()) or \
                "another skillrepo command is using this repository"
            os.close(fd)
            raise Busy(f"{other}; wait until it finishes, then run this again") from None
        # The holder before us may have removed the file after we opened it: lock the file that is there.
        found, ours = tree.lstat(LOCK), os.fstat(fd)
        if found is not None and (found.st_dev, found.st_ino) == (ours.st_dev, ours.st_ino):
            break
        os.close(fd)
    if mode == fcntl.LOCK_EX or ours.st_size == 0:  # readers leave the first reader's name
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder}\n{_TOKEN_MARK}{_digest(_token)}\n".encode(), 0)
    return fd


def _release(tree: Tree, fd: int, mode: int) -> None:
    """Unlock; the last holder removes the lock file and .skillrepo/ (if nothing else is there)."""
    try:
        if mode == fcntl.LOCK_SH:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another reader still holds it: the last one removes it
        tree.unlink(LOCK, missing_ok=True)
    finally:
        os.close(fd)
    remove_state_dir(tree)


def recover_if_idle(root: Path) -> None:
    """Before reading: finish or undo a write a killed command left, unless a command is writing now. Nothing is
    made on disk unless a journal is there."""
    if not os.path.lexists(root / STATE_DIR) or root.resolve() in HOLDING or inside_holder(root):
        return
    refuse_untrusted(root)
    with Tree(root) as tree:
        if not tree.exists(JOURNAL):
            return  # a lock only: a command is at work, or one was killed before its journal; nothing to undo
    try:
        with exclusive(root, "recover"):
            pass
    except Busy:
        pass  # a writer is at work: it is not ours to touch
    except UnsafePath:
        raise
    except (SkillrepoError, OSError) as exc:
        cause = exc if isinstance(exc, OSError) else exc.__cause__
        why = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(exc)
        raise Unrecoverable(f"{JOURNAL}: a write that was interrupted is left, and it cannot be undone here ({why}); "
                            "the files may be half written: run skillrepo check where the repository can be "
                            "written") from exc
