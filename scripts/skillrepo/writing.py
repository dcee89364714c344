"""Writing files all at once or not at all, even if the process is killed half way.

Every new content goes to a temporary file beside its target first. Then a journal listing every move
is written to .skillrepo/journal.json, and only then are the originals put aside and the new files
moved into place. When all are in place the journal is marked committed, the originals are deleted,
and the journal goes. A failure rolls back at once; a process killed half way leaves the journal,
and the next command rolls back (not committed) or finishes (committed) before it reads anything.
Every change goes through safepaths (never through a link), and a journal is acted on only if it carries
the identity of this repository's directories that the command which wrote it recorded: a journal that a
checkout or a copy brought is refused, and nothing is touched.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

from skillrepo.layout import CHANGES_DIR, FRAMEWORK_DIR
from skillrepo.safepaths import Tree, UnsafePath, parts

STATE_DIR = ".skillrepo"
JOURNAL = f"{STATE_DIR}/journal.json"
_JOURNAL_TMP = f"{STATE_DIR}/journal.tmp"
_IGNORE = f"{STATE_DIR}/.gitignore"
# About 200 bytes a file: a write of 80,000 files, far more than a framework has.
_JOURNAL_LIMIT = 16 * 2**20

Entry = dict[str, str | None]


class ForeignJournal(UnsafePath):
    """A journal this machine's interrupted command did not write: never acted on."""


def _default_mode() -> int:
    """The mode a new file gets from this process's umask, as `open` would give it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _stage(tree: Tree, relpath: str, data: bytes) -> str:
    """Write `data` to a new temporary file beside `relpath`; its repository-relative path."""
    directory, _, name = relpath.rpartition("/")
    before = tree.lstat(relpath)
    fd, tmp = tree.create_temp(directory, f".{name}.", ".new")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), before.st_mode & 0o7777 if before is not None else _default_mode())
            os.fsync(f.fileno())
    except BaseException:
        tree.unlink(tmp, missing_ok=True)
        raise
    return tmp


def make_state_dir(tree: Tree) -> None:
    """Make .skillrepo/ with a .gitignore of everything in it: git never lists the lock or a journal as a change,
    whatever the repository's own .gitignore says (a release --tag needs a clean work tree)."""
    with tree.directory(STATE_DIR, create=True):
        pass
    try:
        fd = tree.open(_IGNORE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("# made by skillrepo: its working state is never committed\n*\n")


def remove_state_dir(tree: Tree) -> None:
    """Remove .skillrepo/ if nothing but its .gitignore is left in it (no lock held, no journal)."""
    try:
        with tree.directory(STATE_DIR) as fd:
            names = os.listdir(fd)
    except (OSError, UnsafePath):
        return  # not there, or not the tool's to remove
    if set(names) <= {".gitignore"}:
        tree.unlink(_IGNORE, missing_ok=True)
        tree.rmdir(STATE_DIR)


def _identity(tree: Tree, create: bool = False) -> dict[str, list[int]]:
    """(device, inode) of the root and of .skillrepo/: a checkout or a copy cannot reproduce them."""
    with tree.directory(STATE_DIR, create) as fd:
        st = os.fstat(fd)
    return {"root": list(tree.identity()), "state": [st.st_dev, st.st_ino]}


def _write_journal(root: Path, entries: list[Entry], committed: bool) -> None:
    """Replace the journal atomically: a reader sees the old one or the new one, never half of one."""
    with Tree(root) as tree:
        text = json.dumps({"committed": committed, "entries": entries, "identity": _identity(tree, create=True)})
        try:
            fd = tree.open(_JOURNAL_TMP, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            tree.replace(_JOURNAL_TMP, JOURNAL)
        finally:
            tree.unlink(_JOURNAL_TMP, missing_ok=True)


def pause_for_tests() -> None:
    """Lets the tests kill a real process between two moves (apply's, init's, release's); unset in normal use.
    Set to `step`, it says `paused` on stderr and waits for a line on stdin (or its end) before going on."""
    how = os.environ.get("SKILLREPO_TEST_PAUSE_BETWEEN_MOVES")
    if how == "step":
        # A handshake rather than a delay: the test kills at a known point, never at a guessed time.
        sys.stderr.write("paused\n")
        sys.stderr.flush()
        sys.stdin.readline()
    elif how:
        time.sleep(float(how))


def _refuse_links(tree: Tree, relpath: str) -> None:
    """Refuse a target that is a link, or that a link on its way would move out of its place."""
    found = tree.lstat(relpath)  # walks every directory on the way with O_NOFOLLOW: a link there is refused
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise UnsafePath(f"{relpath}: a symbolic link; the tool never writes through one, as it could lead "
                         "outside the repository: replace the link with a file")


def write_files(root: Path, files: dict[str, bytes | None]) -> None:
    """Write (bytes) or delete (None) every file, or, if anything fails, change none of them."""
    # Each entry: the target, its new content's temporary, where its original is put aside (relative to root).
    entries: list[Entry] = []
    with Tree(root) as tree:
        for relpath in files:
            _refuse_links(tree, relpath)
        try:
            for relpath, data in sorted(files.items()):
                tmp = None if data is None else _stage(tree, relpath, data)
                directory, _, name = relpath.rpartition("/")
                backup = f".{name}.{os.getpid()}.old" if tree.exists(relpath) else None
                entries.append({"target": relpath, "tmp": tmp,
                                "backup": None if backup is None else f"{directory}/{backup}".lstrip("/")})
            _write_journal(root, entries, committed=False)
            for entry in entries:
                pause_for_tests()
                if entry["backup"] is not None:
                    tree.replace(str(entry["target"]), entry["backup"])
                if entry["tmp"] is not None:
                    tree.replace(entry["tmp"], str(entry["target"]))
            _write_journal(root, entries, committed=True)
        except BaseException:
            _roll_back(tree, entries)
            tree.unlink(JOURNAL, missing_ok=True)
            remove_state_dir(tree)
            raise
        _finish(tree, entries)
        _prune_empty_dirs(tree, [str(e["target"]) for e in entries if e["tmp"] is None])


def _roll_back(tree: Tree, entries: list[Entry]) -> None:
    """Put every original back and remove every new file and temporary."""
    for entry in reversed(entries):
        target, tmp, backup = str(entry["target"]), entry["tmp"], entry["backup"]
        if backup is not None and tree.exists(backup):
            tree.replace(backup, target)
        elif backup is None and tmp is not None and tree.exists(target) and not tree.exists(tmp):
            tree.unlink(target)  # a new file that was already moved into place
        if tmp is not None:
            tree.unlink(tmp, missing_ok=True)


def _finish(tree: Tree, entries: list[Entry]) -> None:
    for entry in entries:
        for leftover in (entry["backup"], entry["tmp"]):
            if leftover is not None:
                tree.unlink(leftover, missing_ok=True)
    tree.unlink(JOURNAL, missing_ok=True)
    remove_state_dir(tree)  # stays if a lock is held


def read_journal(tree: Tree) -> tuple[bool, list[Entry]] | None:
    """The journal (committed?, entries) if there is one; ForeignJournal unless this machine's command wrote it."""
    found = tree.lstat(JOURNAL)
    if found is None:
        return None
    if found.st_size > _JOURNAL_LIMIT:
        raise _foreign(f"it is larger than any journal this tool writes ({_JOURNAL_LIMIT // 2**20} MB)")
    try:
        journal: Any = json.loads(tree.read_bytes(JOURNAL))
        identity, entries, committed = journal["identity"], journal["entries"], journal["committed"]
        ours = _identity(tree)
    except FileNotFoundError:
        return None  # the command that wrote it finished meanwhile
    except OSError as exc:
        raise _foreign(f"it cannot be read ({exc.strerror})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise _foreign("it is not a journal this tool writes") from exc
    if identity != ours:
        raise _foreign("it was written for another directory (a checkout or a copy brought it)")
    if not isinstance(entries, list) or not all(_well_formed(e) for e in entries):
        raise _foreign("it names files that are not a write's own")
    for entry in entries:  # every path checked before anything is moved: a link anywhere refuses it all
        for value in entry.values():
            try:
                if value is not None:
                    _refuse_links(tree, value)
            except UnsafePath as exc:
                raise ForeignJournal(f"{JOURNAL}: names {value}, but {exc}; nothing was touched") from exc
    return bool(committed), entries


def _foreign(why: str) -> ForeignJournal:
    return ForeignJournal(f"{JOURNAL}: not left by an interrupted skillrepo command on this machine: {why}; nothing "
                          f"was touched: if no command of yours was interrupted here, delete {STATE_DIR}/")


def _well_formed(entry: Any) -> bool:
    """An entry as write_files makes one: a target under framework/ or changes/ (all the tool writes), and its
    temporary and put-aside original beside it with the names it gives them, nothing else."""
    if not isinstance(entry, dict) or set(entry) != {"target", "tmp", "backup"} or \
            not isinstance(entry["target"], str) or entry["target"].split("/")[0] not in (FRAMEWORK_DIR, CHANGES_DIR):
        return False
    try:
        parts(entry["target"])
    except UnsafePath:
        return False  # absolute, or with `..`
    directory, _, name = entry["target"].rpartition("/")
    prefix = f"{directory}/.{name}." if directory else f".{name}."
    return all(v is None or (isinstance(v, str) and v.startswith(prefix) and "/" not in v[len(prefix):])
               for v in (entry["tmp"], entry["backup"]))


def recover(root: Path) -> str | None:
    """Finish or undo a write that a killed process left half done; say what was done, or None."""
    with Tree(root) as tree:
        journal = read_journal(tree)
        if journal is None:
            return None
        committed, entries = journal
        if committed:
            _finish(tree, entries)
            return f"finished an interrupted write of {len(entries)} file(s)"
        _roll_back(tree, entries)
        tree.unlink(JOURNAL, missing_ok=True)
        remove_state_dir(tree)
    return f"undid an interrupted write of {len(entries)} file(s); the repository is as it was before it"


def _prune_empty_dirs(tree: Tree, deleted: list[str]) -> None:
    """Remove directories that deleting files left empty (a removed skill's directory)."""
    for path in deleted:
        parent = path.rpartition("/")[0]
        while parent and tree.is_empty_dir(parent):
            tree.rmdir(parent)
            parent = parent.rpartition("/")[0]
