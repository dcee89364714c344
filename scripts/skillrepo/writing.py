"""Writing files all at once or not at all.

Every new content goes to a temporary file beside its target first; only when all are written are they
moved into place, each original kept aside until the end. A failure at any step puts back every file
that was already replaced, so the repository is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_files(root: Path, files: dict[str, bytes | None]) -> None:
    """Write (bytes) or delete (None) every file, or, if anything fails, change none of them."""
    staged: list[tuple[Path, str | None]] = []  # (target, temporary with its new content, or None to delete)
    moved: list[tuple[Path, str | None]] = []  # (target, where its original was put aside, or None if new)
    try:
        for relpath, data in sorted(files.items()):
            target = root / relpath
            staged.append((target, None if data is None else _stage(target, data)))
        for target, tmp in staged:
            backup: str | None = None
            if target.exists():
                backup = str(target.parent / f".{target.name}.{os.getpid()}.old")
                os.replace(target, backup)
            moved.append((target, backup))
            if tmp is not None:
                os.replace(tmp, target)
    except BaseException:
        for target, backup in reversed(moved):
            if backup is not None:
                os.replace(backup, target)
            elif target.exists():
                os.unlink(target)
        raise
    finally:
        for _, tmp in staged:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
    for target, backup in moved:
        if backup is not None:
            os.unlink(backup)
    _prune_empty_dirs(root, [t for t, tmp in staged if tmp is None])


def _prune_empty_dirs(root: Path, deleted: list[Path]) -> None:
    """Remove directories that deleting files left empty (a removed skill's directory)."""
    for path in deleted:
        parent = path.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
