"""A plan's files against the snapshot they change, as the unified diff git shows."""

from __future__ import annotations

import difflib

from skillrepo.documents import Snapshot


def unified_diff(snapshot: Snapshot, files: dict[str, bytes | None]) -> str:
    """The files' changes as one unified diff, as git shows it."""
    current = {d.path: d for d in snapshot.documents}
    out: list[str] = []
    for path in sorted(files):
        doc = current.get(path)
        old = doc.raw if doc is not None else None
        new = files[path]
        a = old.decode("utf-8", "replace").splitlines(keepends=True) if old is not None else []
        b = new.decode("utf-8", "replace").splitlines(keepends=True) if new is not None else []
        out.extend(difflib.unified_diff(a, b, f"a/{path}" if old is not None else "/dev/null",
                                        f"b/{path}" if new is not None else "/dev/null"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)
