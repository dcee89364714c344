"""`skillrepo fmt`: rewrite files under framework/ in their canonical formatting, and give change requests LF
line endings; data never changes."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.canonical import canonical_text
from skillrepo.documents import data_file_bytes, read_snapshot
from skillrepo.layout import CHANGES_DIR, FRAMEWORK_DIR, Entry, classify
from skillrepo.writing import write_files


def _line_endings(root: Path, entries: list[Entry]) -> dict[str, bytes | None]:
    """The change requests (and the log) among `entries` written with CRLF, each with LF instead: only their bytes
    are read, never parsed, since fmt changes nothing else in them (changes/ is most of a repository's bytes)."""
    out: dict[str, bytes | None] = {}
    for entry in entries:
        if not entry.relpath.startswith(f"{CHANGES_DIR}/"):
            continue
        if classify(entry.relpath) is None:
            continue
        raw = data_file_bytes(root, entry.relpath)
        if raw is not None and b"\r\n" in raw:
            out[entry.relpath] = raw.replace(b"\r\n", b"\n")
    return out


def run(root: Path, check_only: bool = False) -> int:
    """Format every framework file that can be read, and end the lines of every change request with LF; with
    check_only, list the ones that need it. Only framework/ is parsed."""
    snap = read_snapshot(root, under=f"{FRAMEWORK_DIR}/")
    changed = _line_endings(root, snap.passed_over)  # listed by read_snapshot's walk: the tree is walked once
    skipped: list[str] = []
    for doc in snap.documents:
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
