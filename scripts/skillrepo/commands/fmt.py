"""`skillrepo fmt`: rewrite files under framework/ in their canonical formatting, and give change requests LF
line endings; data never changes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from skillrepo.canonical import canonical_text
from skillrepo.documents import Document, data_file_bytes, document, read_snapshot
from skillrepo.errors import UsageError
from skillrepo.layout import CHANGES_DIR, FRAMEWORK_DIR, Entry, classify, printable_name
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


def _named(root: Path, paths: list[str]) -> tuple[list[Document], list[Entry]]:
    """The framework documents and the change request files among `paths` (as the commit hook passes them,
    relative to the current directory): only these are read. A path that is no data file, or is gone, is passed
    over; one outside the repository is refused."""
    docs: list[Document] = []
    others: list[Entry] = []
    for relpath in sorted({repository_path(root, path) for path in paths}):
        if relpath.startswith(f"{FRAMEWORK_DIR}/"):
            raw = data_file_bytes(root, relpath)
            doc = None if raw is None else document(relpath, raw)
            docs.extend([doc] if doc is not None else [])
        elif relpath.startswith(f"{CHANGES_DIR}/"):
            others.append(Entry(relpath))
    return docs, others


def repository_path(root: Path, path: str) -> str:
    """A path given on the command line as the repository names it (framework/skills/ITOP/level-5.yaml)."""
    absolute = os.path.normpath(os.path.join(os.getcwd(), path))  # never resolved: a link is not followed
    relpath = os.path.relpath(absolute, os.path.normpath(root.absolute()))
    if relpath == ".." or relpath.startswith(f"..{os.sep}") or os.path.isabs(relpath):
        raise UsageError(f"{printable_name(path)}: not inside the repository {printable_name(str(root))}; give "
                         "paths of files under its framework/ or changes/")
    return Path(relpath).as_posix()


def run(root: Path, check_only: bool = False, paths: list[str] | None = None) -> int:
    """Format every framework file that can be read, and end the lines of every change request with LF; with
    check_only, list the ones that need it. Only framework/ is parsed; with `paths` (the files a commit stages),
    only those files are read."""
    if paths:
        documents, others = _named(root, paths)
    else:
        snap = read_snapshot(root, under=f"{FRAMEWORK_DIR}/")
        documents, others = snap.documents, snap.passed_over  # listed by read_snapshot's walk: walked once
    changed = _line_endings(root, others)
    skipped: list[str] = []
    for doc in documents:
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
