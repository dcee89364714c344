"""Files inside the repository, reached from its root one component at a time, never through a link.

Every directory on a path is opened with O_NOFOLLOW relative to the one before it (openat), and every change
(write, rename, unlink, mkdir, rmdir, lock) is made relative to its parent's descriptor. So a symbolic link
that a clone brings, or a path with `..` in a file someone committed, can never make a write land outside
the repository: the link is refused, with its path, and nothing is changed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from skillrepo.errors import SkillrepoError

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafePath(SkillrepoError):
    """A path the tool will not act on: through a link, not a directory, or not inside the repository."""


def parts(relpath: str) -> list[str]:
    """The components of a repository-relative path; refused if absolute, empty, or with `.` or `..`."""
    names = relpath.split("/")
    if relpath.startswith("/") or any(n in ("", ".", "..") for n in names) or "\0" in relpath:
        raise UnsafePath(f"{relpath}: not a path inside the repository; the tool only acts on its own files there")
    return names


@contextmanager
def _named(root: Path, relpath: str, other: str | None = None) -> Iterator[None]:
    """Name the whole path in an error of a call made relative to a directory's descriptor, which names only
    the last component: a message must say which file of the repository it is about."""
    try:
        yield
    except OSError as exc:
        if exc.errno is None or isinstance(exc, UnsafePath):
            raise
        raise OSError(exc.errno, exc.strerror, str(root / relpath), None,
                      None if other is None else str(root / other)) from exc


class Tree:
    """The repository's root directory, held open: every path is resolved from it without following a link."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def close(self) -> None:
        """Close the root's descriptor."""
        os.close(self.fd)

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def identity(self) -> tuple[int, int]:
        """The root directory's (device, inode): what no checkout or copy of the repository reproduces."""
        st = os.fstat(self.fd)
        return st.st_dev, st.st_ino

    @contextmanager
    def directory(self, relpath: str, create: bool = False) -> Iterator[int]:
        """A descriptor of a directory inside the root (the root itself for ""); made if missing and `create`."""
        fd = os.dup(self.fd)
        try:
            walked: list[str] = []
            for name in parts(relpath) if relpath else []:
                walked.append(name)
                parent, fd = fd, -1
                fd = self._step(parent, name, "/".join(walked), create)  # closes `parent`, even if it fails
            yield fd
        finally:
            if fd >= 0:
                os.close(fd)

    def _step(self, fd: int, name: str, walked: str, create: bool) -> int:
        """Open `name` in the directory `fd` (closing `fd`), refusing a link or a file on the way."""
        try:
            try:
                return os.open(name, _DIR, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                # Made meanwhile by another command: open what is there (a link is still refused).
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=fd)
                return os.open(name, _DIR, dir_fd=fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise self._refusal(fd, name, walked) from exc
            raise
        finally:
            os.close(fd)

    def _refusal(self, fd: int, name: str, walked: str) -> UnsafePath:
        try:
            link = stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)
        except OSError:
            link = True  # gone meanwhile: say the worse of the two
        if link:
            return UnsafePath(f"{walked}: a symbolic link; the tool never writes through one, as it could lead "
                              "outside the repository: replace the link with a directory")
        return UnsafePath(f"{walked}: not a directory; move the file away, then run this again")

    @contextmanager
    def parent(self, relpath: str, create: bool = False) -> Iterator[tuple[int, str]]:
        """The descriptor of a path's directory and the path's last name: what every change is made with."""
        names = parts(relpath)
        with self.directory("/".join(names[:-1]), create) as fd:
            yield fd, names[-1]

    def lstat(self, relpath: str) -> os.stat_result | None:
        """The path's own status (a link's, not its target's), or None if nothing is there."""
        try:
            with self.parent(relpath) as (fd, name):
                return os.stat(name, dir_fd=fd, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return None

    def exists(self, relpath: str) -> bool:
        """Whether anything (a link included) is at the path."""
        return self.lstat(relpath) is not None

    def open(self, relpath: str, flags: int, mode: int = 0o666) -> int:
        """Open a file inside the root; a link as the last name is refused like one on the way."""
        with self.parent(relpath, create=bool(flags & os.O_CREAT)) as (fd, name):
            try:
                with _named(self.root, relpath):
                    return os.open(name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=fd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise self._refusal(fd, name, relpath) from exc
                raise

    def read_bytes(self, relpath: str) -> bytes:
        """A file's bytes, read without following a link."""
        fd = self.open(relpath, os.O_RDONLY)
        with os.fdopen(fd, "rb") as f:
            return f.read()

    def create_temp(self, directory: str, prefix: str, suffix: str) -> tuple[int, str]:
        """A new file (mode 0600) with a name no other has, in a directory made if missing: (fd, its path)."""
        while True:
            relpath = f"{directory}/{prefix}{secrets.token_hex(4)}{suffix}" if directory else \
                      f"{prefix}{secrets.token_hex(4)}{suffix}"
            try:
                return self.open(relpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), relpath
            except FileExistsError:
                continue

    def replace(self, src: str, dst: str) -> None:
        """Move a file over another in one step; a link at either end is moved or replaced, never followed."""
        with self.parent(src) as (src_fd, src_name), self.parent(dst) as (dst_fd, dst_name), \
                _named(self.root, src, dst):
            os.replace(src_name, dst_name, src_dir_fd=src_fd, dst_dir_fd=dst_fd)

    def unlink(self, relpath: str, missing_ok: bool = False) -> None:
        """Remove a file (or a link itself)."""
        try:
            with self.parent(relpath) as (fd, name), _named(self.root, relpath):
                os.unlink(name, dir_fd=fd)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def rmdir(self, relpath: str) -> bool:
        """Remove an empty directory; False if it is not there, not empty, or a link."""
        try:
            with self.parent(relpath) as (fd, name):
                os.rmdir(name, dir_fd=fd)
        except (OSError, UnsafePath):
            return False
        return True

    def is_empty_dir(self, relpath: str) -> bool:
        """Whether the path is a directory (not a link to one) with nothing in it."""
        try:
            with self.directory(relpath) as fd:
                return not os.listdir(fd)
        except (OSError, UnsafePath):
            return False
