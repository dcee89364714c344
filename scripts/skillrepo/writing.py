"""Writing files all at once or not at all: every file goes to a temporary beside it, then all are renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write every file, or (if any write fails) none: nothing is renamed until every temporary is written."""
    staged: list[tuple[str, Path]] = []
    try:
        for relpath, data in sorted(files.items()):
            target = root / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _default_mode() -> int:
    """The mode a new file gets from this process's umask, as `open` would give it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
