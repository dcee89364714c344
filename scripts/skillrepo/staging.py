"""All-or-nothing writing of a whole directory, for `init` and `release`: it is built in a staging directory
beside where it goes and put in place in one rename. Each staging directory is locked (flock) by the run that
builds it, so the next run tells what a killed run left (no lock held) from a run at work, and removes it.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
_RENAME_EXCHANGE = 2  # linux/fs.h


def default_dir_mode() -> int:
    """The mode a new directory gets from this process's umask (mkdtemp gives 0700)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def missing_parents(directory: Path) -> list[Path]:
    """The directories, innermost first, that making `directory` would create (itself included)."""
    missing: list[Path] = []
    while not os.path.lexists(directory) and directory.parent != directory:
        missing.append(directory)
        directory = directory.parent
    return missing


def exists(dir_fd: int, name: str) -> bool:
    """Whether `name` exists in the directory open as `dir_fd` (a link counts, whatever it points to)."""
    try:
        os.lstat(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return False
    return True


def open_dir(path: Path, follow_links: bool = False) -> int:
    """A descriptor of a directory; never one a link leads to unless `follow_links`."""
    return os.open(path, _DIRECTORY if not follow_links else _DIRECTORY & ~os.O_NOFOLLOW)


class Staging:
    """A staging directory in the directory open as `dir_fd`, locked while this run builds it."""

    def __init__(self, parent: Path, dir_fd: int, name: str, fd: int) -> None:
        self.parent, self.dir_fd, self.name, self.fd = parent, dir_fd, name, fd

    @property
    def path(self) -> Path:
        """The staging directory's path."""
        return self.parent / self.name

    def set_mode(self, mode: int) -> None:
        """Give the staging directory the mode it keeps once in place (mkdtemp makes it 0700)."""
        os.chmod(self.name, mode, dir_fd=self.dir_fd)

    def rename_to(self, name: str) -> None:
        """Put the staging directory in place as `name`, beside it, in one rename (which replaces an empty
        directory too): a kill leaves the old or the new, whole."""
        os.rename(self.name, name, src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd)

    def close(self) -> None:
        """Remove the staging directory unless it was put in place, and give up its lock."""
        try:
            if exists(self.dir_fd, self.name):
                shutil.rmtree(self.name, dir_fd=self.dir_fd, ignore_errors=True)
        finally:
            os.close(self.fd)


def create(parent: Path, dir_fd: int, prefix: str) -> Staging:
    """A new staging directory `prefix` + 8 random characters in `parent` (open as `dir_fd`), locked by this run;
    an OSError if it cannot be made."""
    name = Path(tempfile.mkdtemp(dir=parent, prefix=prefix)).name
    try:
        fd = os.open(name, _DIRECTORY, dir_fd=dir_fd)
    except OSError:
        os.rmdir(name, dir_fd=dir_fd)
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new and ours: never held by another
    except OSError:
        os.close(fd)
        os.rmdir(name, dir_fd=dir_fd)
        raise
    return Staging(parent, dir_fd, name, fd)


def remove_abandoned(dir_fd: int, name: str, owned: Callable[[int], bool]) -> bool:
    """Remove the staging directory `name` if no running command holds its lock and `owned` (given its
    descriptor) says it is the tool's; whether it was removed. An OSError if removing it fails."""
    try:
        fd = os.open(name, _DIRECTORY, dir_fd=dir_fd)
    except OSError:
        return False  # not a directory, or not ours to open
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a command at work right now holds it (or the file system keeps no locks: leave it)
        if not owned(fd):
            return False
        shutil.rmtree(name, dir_fd=dir_fd)
    finally:
        os.close(fd)
    return True


@contextmanager
def locked(dir_fd: int) -> Iterator[None]:
    """The directory open as `dir_fd` locked while a run tidies it and puts its staging in place: two runs into
    one directory take turns (for a moment each)."""
    fcntl.flock(dir_fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(dir_fd, fcntl.LOCK_UN)


def exchange(dir_fd: int, a: str, b: str) -> bool:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); False if this system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(dir_fd, os.fsencode(a), dir_fd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not offered by this kernel or file system
        return False
    raise OSError(code, os.strerror(code), b)
