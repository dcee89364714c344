"""Reading the repository's data files: every file strictly loaded, once, with its positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skillrepo.errors import UsageError
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
