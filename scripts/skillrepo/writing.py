"""Writing files all at once or not at all, even if the process is killed half way.

Every new content goes to a temporary file beside its target first. Then a journal listing every move
is written to .skillrepo/journal.json, and only then are the originals put aside and the new files
moved into place. When all are in place the journal is marked committed, the originals are deleted,
and the journal goes. A failure rolls back at once; a process killed half way leaves the journal,
and the next command rolls back (not committed) or finishes (committed) before it reads anything.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from skillrepo.errors import SkillrepoError

STATE_DIR = ".skillrepo"
JOURNAL = f"{STATE_DIR}/journal.json"


def _default_mode() -> int:
    """The mode a new file gets from this process's umask, as `open` would give it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _stage(target: Path, data: bytes) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".new")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _write_journal(root: Path, entries: list[dict[str, str | None]], committed: bool) -> None:
    """Replace the journal atomically: a reader sees the old one or the new one, never half of one."""
    path = root / JOURNAL
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"committed": committed, "entries": entries}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def pause_for_tests() -> None:
    """Lets the tests kill a real process between two moves (apply's, init's); unset in normal use."""
    delay = os.environ.get("SKILLREPO_TEST_PAUSE_BETWEEN_MOVES")
    if delay:
        time.sleep(float(delay))


def write_files(root: Path, files: dict[str, bytes | None]) -> None:
    """Write (bytes) or delete (None) every file, or, if anything fails, change none of them."""
    # Each entry: the target, its new content's temporary, where its original is put aside (relative to root).
    entries: list[dict[str, str | None]] = []
    inside = root.resolve()
    for relpath in files:
        target = root / relpath
        if target.is_symlink() or not target.parent.resolve().is_relative_to(inside) or \
                target.parent.resolve() != inside / Path(relpath).parent:
            raise SkillrepoError(f"refusing to write {relpath}: a symbolic link on its way would take it outside "
                                 "its place in the repository; replace the link with a directory")
    try:
        for relpath, data in sorted(files.items()):
            target = root / relpath
            tmp = None if data is None else _stage(target, data)
            backup = f".{target.name}.{os.getpid()}.old" if target.exists() else None
            entries.append({"target": relpath, "tmp": _relative(root, tmp),
                            "backup": None if backup is None else (Path(relpath).parent / backup).as_posix()})
        _write_journal(root, entries, committed=False)
        for entry in entries:
            pause_for_tests()
            target, tmp_path, backup_path = _paths(root, entry)
            if backup_path is not None:
                os.replace(target, backup_path)
            if tmp_path is not None:
                os.replace(tmp_path, target)
        _write_journal(root, entries, committed=True)
    except BaseException:
        _roll_back(root, entries)
        (root / JOURNAL).unlink(missing_ok=True)
        _remove_state_dir(root)
        raise
    _finish(root, entries)
    _prune_empty_dirs(root, [root / str(e["target"]) for e in entries if e["tmp"] is None])


def _relative(root: Path, path: str | None) -> str | None:
    return None if path is None else Path(path).relative_to(root).as_posix()


def _paths(root: Path, entry: dict[str, str | None]) -> tuple[Path, Path | None, Path | None]:
    """An entry's target, temporary and backup as paths inside `root` (refusing any that is not)."""
    out: list[Path | None] = []
    for key in ("target", "tmp", "backup"):
        value = entry.get(key)
        path = None if value is None else (root / value)
        if path is not None and (Path(value or "").is_absolute() or ".." in Path(value or "").parts):
            raise OSError(f"{root / JOURNAL}: names a file outside the repository ({value}); remove it by hand")
        out.append(path)
    target, tmp, backup = out
    assert target is not None
    return target, tmp, backup


def _roll_back(root: Path, entries: list[dict[str, str | None]]) -> None:
    """Put every original back and remove every new file and temporary."""
    for entry in reversed(entries):
        target, tmp, backup = _paths(root, entry)
        if backup is not None and os.path.exists(backup):
            os.replace(backup, target)
        elif backup is None and tmp is not None and target.exists() and not os.path.exists(tmp):
            target.unlink()  # a new file that was already moved into place
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _finish(root: Path, entries: list[dict[str, str | None]]) -> None:
    for entry in entries:
        _, tmp, backup = _paths(root, entry)
        for leftover in (backup, tmp):
            if leftover is not None and leftover.exists():
                leftover.unlink()
    (root / JOURNAL).unlink(missing_ok=True)
    _remove_state_dir(root)


def _remove_state_dir(root: Path) -> None:
    try:
        (root / STATE_DIR).rmdir()
    except OSError:
        pass  # not empty (a lock is held) or not there


def recover(root: Path) -> str | None:
    """Finish or undo a write that a killed process left half done; say what was done, or None."""
    path = root / JOURNAL
    if not path.exists():
        return None
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        entries = journal["entries"]
        committed = bool(journal["committed"])
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # a journal cut short: nothing was moved before it was whole
        return None
    if committed:
        _finish(root, entries)
        return f"finished an interrupted write of {len(entries)} file(s)"
    _roll_back(root, entries)
    path.unlink(missing_ok=True)
    _remove_state_dir(root)
    return f"undid an interrupted write of {len(entries)} file(s); the repository is as it was before it"


def _prune_empty_dirs(root: Path, deleted: list[Path]) -> None:
    """Remove directories that deleting files left empty (a removed skill's directory)."""
    for path in deleted:
        parent = path.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
