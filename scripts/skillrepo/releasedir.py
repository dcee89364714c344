"""Where `release` may write, and how a release replaces the one before it.

DIR/VERSION/ is only ever a whole release this tool built: each carries MARKER, and nothing without it is
replaced. A release is built in a staging directory beside it, locked while it is built, and put in place in
one rename (an exchange with the old release where Linux offers one). A release killed at any point leaves
DIR/VERSION/ old or new, whole; what it left beside it, the next release removes or puts back.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillrepo import staging
from skillrepo.errors import SkillrepoError, UsageError
from skillrepo.layout import printable_name
from skillrepo.planning import Refusal
from skillrepo.writing import pause_for_tests

MARKER = ".skillrepo-release"
MARKER_TEXT = b"Built by skillrepo release: the next release of this version replaces this directory whole.\n"

# Semantic versions: digits and dots, an optional -prerelease and +build. No name a version can take is a
# path of its own ("." or ".."), nor one of the repository's directories.
_DOTTED = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
VERSION = re.compile(rf"[0-9]+(?:\.[0-9]+)*(?:-{_DOTTED})?(?:\+{_DOTTED})?")
MAX_VERSION = 64

# The repository's data and tooling: a release is never written into them, nor replaces one of them.
PROTECTED = (".git", ".github", ".skillrepo", "benchmarks", "changes", "docs", "framework", "schemas", "scripts",
             "tests")
# File systems of the kernel, which hold no files of ours.
PSEUDO = ("/proc", "/sys", "/dev")

_STAGING = re.compile(r"\..+\.release-[a-z0-9_]{8}")  # what tempfile.mkdtemp makes of the prefix below
_ASIDE = ".{version}.release-old"  # where the old release waits while the new one moves in (no exchange)


def check_version(version: str) -> None:
    """Refuse a VERSION that is not a version."""
    if len(version) <= MAX_VERSION and VERSION.fullmatch(version):
        return
    shown = printable_name(version if len(version) <= MAX_VERSION else version[:MAX_VERSION] + "...")
    if version[:1] in ("v", "V") and VERSION.fullmatch(version[1:]):
        raise UsageError(f"version '{shown}': give it without the leading v ({version[1:]}); the tag is "
                         f"v{version[1:]}")
    raise UsageError(f"version '{shown}' is not a version: digits and dots, with an optional -prerelease or "
                     "+build, e.g. 1.0.0 or 2.0.0-rc.1")


def output_dir(root: Path, out: Path, version: str) -> Path:
    """DIR as an absolute path, once it is known a release may go there: refused (naming it) if it is a file,
    a link, in a file system of the kernel, or in the repository's data or tooling; or if DIR/VERSION exists
    and is not a release this tool built."""
    directory = Path(os.path.abspath(out))
    pseudo = _pseudo(directory)
    if pseudo is not None:
        raise UsageError(f"--out {_shown(out)} is in {pseudo[1:]}/, which the kernel keeps and holds no files; give "
                         "a directory of your own, e.g. dist")
    _refuse_links(root, directory, out)
    if os.path.lexists(directory) and not directory.is_dir():
        raise UsageError(f"--out {_shown(out)} is a file, not a directory; give a directory (it is created if "
                         "missing), e.g. dist")
    _refuse_inside_data(root, directory, out, version)
    existing = directory / version
    if os.path.lexists(existing) and not is_release(existing) and not _is_empty_dir(existing):
        raise Refusal(f"{_shown(existing)} exists and is not a release built by skillrepo (it has no {MARKER}); "
                      "move it away or give another --out")
    return directory


def _shown(path: Path | str) -> str:
    return printable_name(str(path))


def _pseudo(directory: Path) -> str | None:
    """The kernel's file system that `directory` is in, as given or once links are followed; or None."""
    for path in (str(directory), os.path.realpath(directory)):
        for top in PSEUDO:
            if path == top or path.startswith(top + "/"):
                return top
    return None


def _steps_from_root(root: Path, directory: Path) -> list[Path]:
    """DIR and each of its parents below the repository's root (however DIR spells the root's path); only DIR
    if it is not inside the repository."""
    real_root = os.path.realpath(root)
    steps: list[Path] = []
    for path in (directory, *directory.parents):
        if os.path.realpath(path) == real_root:
            return steps
        steps.append(path)
    return [directory]


def _refuse_links(root: Path, directory: Path, out: Path) -> None:
    """DIR itself may not be a link, nor any directory on its way from the repository (a hostile checkout can
    hold links); outside the repository, only DIR itself is looked at (/tmp may be a link)."""
    for step in reversed(_steps_from_root(root, directory)):
        if step.is_symlink():
            raise UsageError(f"--out {_shown(out)}: {_shown(step)} is a symbolic link; a release is written only "
                             "into a real directory: give the directory it points to, or another")


def _refuse_inside_data(root: Path, directory: Path, out: Path, version: str) -> None:
    real_root = Path(os.path.realpath(root))
    real_dir = Path(os.path.realpath(directory))
    target = real_dir / version
    if real_root == target or real_root.is_relative_to(target):
        raise UsageError(f"--out {_shown(out)}: {_shown(directory / version)} would replace the repository itself; "
                         "give another --out, e.g. dist")
    for place in (real_dir, target):
        if place.is_relative_to(real_root) and place != real_root:
            first = place.relative_to(real_root).parts[0]
            if first in PROTECTED:
                raise UsageError(f"--out {_shown(out)}: {_shown(directory / version)} would be inside the "
                                 f"repository's {first}/, which a release never writes to; give another --out, "
                                 "e.g. dist")


def _is_empty_dir(path: Path) -> bool:
    """An empty directory (not a link): replacing it loses nothing."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and not os.listdir(path)
    except OSError:
        return False


def is_release(path: Path) -> bool:
    """Whether `path` is a directory (not a link) that this tool built as a release."""
    try:
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode):
            return False
        fd = os.open(path / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(MARKER_TEXT) + 1) == MARKER_TEXT
    finally:
        os.close(fd)


@contextmanager
def staged(directory: Path, version: str) -> Iterator[Path]:
    """A staging directory beside DIR/VERSION that becomes DIR/VERSION whole if the block ends without an error;
    removed otherwise. Each file is written there as it is made, so no release is held in memory."""
    created = staging.missing_parents(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        dir_fd = staging.open_dir(directory)
    except OSError as exc:
        _remove_empty(created)
        raise Refusal(f"--out {_shown(directory)}: cannot create or open it ({exc.strerror or exc}); give a "
                      "directory you can write to") from exc
    done = False
    try:
        with staging.locked(dir_fd):
            _tidy(dir_fd, directory)
            built = _make_staging(dir_fd, directory, version)
        try:
            yield built.path
            built.set_mode(staging.default_dir_mode())
            with staging.locked(dir_fd):
                _put_in_place(built, version)
            done = True
        finally:
            built.close()
    finally:
        os.close(dir_fd)
        if not done:
            _remove_empty(created)


def _remove_empty(created: list[Path]) -> None:
    """Remove the directories a release that failed created, if they are still empty: nothing changed."""
    for directory in created:
        try:
            directory.rmdir()
        except OSError:
            return


def _make_staging(dir_fd: int, directory: Path, version: str) -> staging.Staging:
    """A new staging directory in DIR, marked as the tool's, locked while this release runs."""
    try:
        built = staging.create(directory, dir_fd, f".{version}.release-")
    except OSError as exc:
        raise Refusal(f"--out {_shown(directory)}: cannot write there ({exc.strerror or exc}); give a directory "
                      "you can write to") from exc
    try:
        marker = os.open(MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666, dir_fd=built.fd)
        try:
            os.write(marker, MARKER_TEXT)
        finally:
            os.close(marker)
    except BaseException:
        built.close()
        raise
    return built


def _put_in_place(built: staging.Staging, version: str) -> None:
    """Make the staged release DIR/VERSION in one rename; the old one, if any, goes."""
    dir_fd, directory, name = built.dir_fd, built.parent, built.name
    if not staging.exists(dir_fd, version) or _is_empty_dir(directory / version):
        built.rename_to(version)
        return
    if not is_release(directory / version):  # checked up front too; something may have put it there since
        raise Refusal(f"{_shown(directory / version)} exists and is not a release built by skillrepo (it has no "
                      f"{MARKER}); move it away or give another --out")
    if staging.exchange(dir_fd, name, version):
        pause_for_tests()
        shutil.rmtree(name, dir_fd=dir_fd)  # the old release now
        return
    # No exchange on this system: the old release moves aside first. Killed between the two renames, the next
    # release puts it back (see _tidy).
    aside = _ASIDE.format(version=version)
    os.rename(version, aside, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    pause_for_tests()
    built.rename_to(version)
    shutil.rmtree(aside, dir_fd=dir_fd)


def _tidy(dir_fd: int, directory: Path) -> None:
    """Finish or undo what killed releases left in DIR: an old release set aside is put back (if the new one
    never arrived) or removed; a staging directory no running release holds is removed."""
    for entry in sorted(os.listdir(dir_fd)):
        if entry.endswith(".release-old") and entry.startswith("."):
            version = entry[1:-len(".release-old")]
            if not VERSION.fullmatch(version) or not is_release(directory / entry):
                continue
            if staging.exists(dir_fd, version):
                shutil.rmtree(entry, dir_fd=dir_fd)
            else:
                os.rename(entry, version, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        elif _STAGING.fullmatch(entry) and _remove_abandoned(dir_fd, directory, entry):
            sys.stderr.write(f"note: removed {_shown(directory / entry)}, left by a release that was interrupted\n")


def _remove_abandoned(dir_fd: int, directory: Path, name: str) -> bool:
    """Remove a staging directory if no running release holds its lock and it is the tool's (marked, or
    empty: killed before its marker was written)."""
    try:
        return staging.remove_abandoned(dir_fd, name, lambda fd: is_release(directory / name) or not os.listdir(fd))
    except OSError as exc:
        raise SkillrepoError(f"{_shown(directory / name)}: cannot remove what an interrupted release left "
                             f"({exc.strerror or exc}); remove it by hand") from exc
