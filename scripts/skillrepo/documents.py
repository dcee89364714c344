"""Reading the repository's data files: every file strictly loaded, once, with its positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skillrepo.errors import UsageError
from skillrepo.findings import Finding
from skillrepo.layout import FRAMEWORK_DIR, Entry, PathInfo, classify, walk
from skillrepo.yamlsource import Loaded, load_bytes


@dataclass
class Document:
    """One data file: where it is, what kind it is, its bytes and what the strict loader made of them."""

    path: str
    info: PathInfo
    raw: bytes
    loaded: Loaded
    valid: bool = False  # set once the file passes its schema
    schema_findings: list[Finding] | None = None  # None until validated; kept so a file is validated once

    @property
    def data(self) -> object:
        return self.loaded.data


@dataclass
class Snapshot:
    """All of a repository's files as read at one moment: documents, and what is not a data file."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    unknown: list[Entry] = field(default_factory=list)
    symlinks: list[Entry] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Document]:
        return [d for d in self.documents if d.info.kind == kind]


def find_root(start: Path) -> Path:
    """The framework repository containing `start`: the nearest directory with a framework/ directory."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / FRAMEWORK_DIR).is_dir():
            return candidate
    raise UsageError(
        f"not a framework repository: no {FRAMEWORK_DIR}/ directory in {start} or any parent; "
        "run inside a framework repository or pass --repo DIR"
    )


def read_snapshot(root: Path) -> Snapshot:
    """Read and strictly load every data file under framework/ and changes/."""
    snap = Snapshot(root)
    for entry in walk(root):
        if entry.is_symlink:
            snap.symlinks.append(entry)
            continue
        info = classify(entry.relpath)
        if info is None:
            snap.unknown.append(entry)
            continue
        try:
            raw = (root / entry.relpath).read_bytes()
        except OSError as exc:
            snap.unreadable.append((entry.relpath, exc.strerror or str(exc)))
            continue
        snap.documents.append(Document(entry.relpath, info, raw, load_bytes(raw)))
    return snap


def document(relpath: str, raw: bytes) -> Document | None:
    """A data file's document from its bytes, or None if the path is not one of a data file."""
    info = classify(relpath)
    return None if info is None else Document(relpath, info, raw, load_bytes(raw))


def snapshot_of(root: Path, files: dict[str, bytes]) -> Snapshot:
    """A snapshot from file contents held in memory (a commit's tree, say)."""
    snap = Snapshot(root)
    for relpath in sorted(files):
        doc = document(relpath, files[relpath])
        if doc is None:
            snap.unknown.append(Entry(relpath))
        else:
            snap.documents.append(doc)
    return snap


def overlay(snapshot: Snapshot, files: dict[str, bytes | None]) -> Snapshot:
    """The snapshot with some files written (bytes) or deleted (None); unchanged documents are shared."""
    out = Snapshot(snapshot.root, unknown=list(snapshot.unknown), symlinks=list(snapshot.symlinks),
                   unreadable=list(snapshot.unreadable))
    out.documents = [d for d in snapshot.documents if d.path not in files]
    for relpath, raw in files.items():
        if raw is not None:
            doc = document(relpath, raw)
            if doc is None:
                out.unknown.append(Entry(relpath))
            else:
                out.documents.append(doc)
    out.documents.sort(key=lambda d: d.path)
    return out
