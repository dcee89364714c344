"""`skillrepo fmt`: rewrite files under framework/ in their canonical formatting, and give change requests LF
line endings; data never changes."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.canonical import canonical_text
from skillrepo.documents import read_snapshot
from skillrepo.writing import write_files


def run(root: Path, check_only: bool = False) -> int:
    """Format every framework file that can be read, and end the lines of every change request with LF; with
    check_only, list the ones that need it."""
    snap = read_snapshot(root)
    changed: dict[str, bytes | None] = {}
    skipped: list[str] = []
    for doc in snap.documents:
        if not doc.path.startswith("framework/"):
            if any(p.code == "F602" for p in doc.loaded.problems):  # a change request: only its line endings
                changed[doc.path] = doc.raw.replace(b"\r\n", b"\n")
            continue
        expected = canonical_text(doc)
        if expected is None:
            skipped.append(doc.path)
            continue
        data = expected.encode("utf-8")
        if not doc.has_bytes(data):
            changed[doc.path] = data
    for path in skipped:
        sys.stderr.write(f"{path}: not formatted: it cannot be read as YAML; `skillrepo check` says why\n")
    if check_only:
        for path in sorted(changed):
            sys.stdout.write(f"{path}: would be reformatted\n")
        return 1 if changed or skipped else 0
    write_files(root, changed)
    for path in sorted(changed):
        sys.stdout.write(f"{path}: reformatted\n")
    if not changed:
        sys.stdout.write("all files already formatted\n")
    return 1 if skipped else 0
