"""One writer at a time: a command that writes holds the repository's lock, and a second one is refused
with a message saying which command holds it."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillrepo.errors import SkillrepoError
from skillrepo.writing import STATE_DIR, recover

LOCK = f"{STATE_DIR}/lock"


class Busy(SkillrepoError):
    """Another command is writing to the repository."""


@contextmanager
def exclusive(root: Path, command: str) -> Iterator[None]:
    """Hold the repository's lock while writing; refuse at once if another command holds it."""
    path = root / LOCK
    path.parent.mkdir(exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another skillrepo command"
            os.close(fd)
            raise Busy(f"{holder} is writing to this repository; wait until it finishes, then run this again")
        # The holder before us may have removed the file after we opened it: lock the file that is there.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"skillrepo {command} (process {os.getpid()})".encode(), 0)
        note = recover(root)
        if note:
            sys.stderr.write(f"note: {note}\n")
        yield
    finally:
        os.unlink(path)
        os.close(fd)
        try:
            path.parent.rmdir()
        except OSError:
            pass


def recover_if_idle(root: Path) -> None:
    """Before reading: finish or undo a write a killed command left, unless a command is writing now."""
    if not (root / STATE_DIR).exists():
        return
    try:
        with exclusive(root, "recover"):
            pass
    except Busy:
        pass  # a writer is at work: it is not ours to touch
