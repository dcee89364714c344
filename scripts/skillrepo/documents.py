"""Reading the repository's data files: every file strictly loaded, once, with its positions."""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillrepo.domain import MAX_FILE_BYTES, MAX_REPOSITORY_BYTES
from skillrepo.errors import SkillrepoError, UsageError
from skillrepo.findings import Finding
from skillrepo.layout import FRAMEWORK_DIR, Entry, PathInfo, classify, path_problem, printable_name, walk
from skillrepo.resultcache import FileStatus, ResultCache, entry_key
from skillrepo.yamlsource import MAX_LOG_NODES, MAX_NODES, Loaded, load_bytes, too_large


class Document:
    """One data file: where it is, what kind it is, what the strict loader made of its bytes, and a digest of them.

    A file read from disk does not keep its bytes: most are never needed again, and at the scale of a real
    framework they would double the memory a check takes. `raw` reads them again when they are needed (a
    finding's position, a manifest that apply edits) and refuses if they changed since."""

    __slots__ = ("path", "info", "loaded", "valid", "schema_findings", "size", "digest", "derived", "shares", "cached",
                 "stat", "_raw", "_source")

    def __init__(self, path: str, info: PathInfo, raw: bytes, loaded: Loaded,
                 source: Callable[[], bytes] | Path | None = None, digest: bytes | None = None,
                 size: int | None = None) -> None:
        """`source` reads the bytes again (from a git blob, or, as a repository's root, from the file there); without
        one, the bytes are kept. With
        `digest` and `size` (known from the result cache), `raw` is not needed: the bytes were not read."""
        self.path, self.info, self.loaded = path, info, loaded
        self.valid = False  # set once the file passes its schema
        self.schema_findings: list[Finding] | None = None  # None until validated; kept so a file is validated once
        self.size = len(raw) if size is None else size
        self.digest = _digest(raw) if digest is None else digest
        # What rules work out from this file's content alone (JSON values, by name): kept with it by the cache.
        self.derived: dict[str, Any] = {}
        self.shares = False  # `derived` is one mapping shared by files with the same results: copied before a change
        # With the result cache in use: how many derived results its entry held (-1: none; None: no cache).
        self.cached: int | None = None
        self.stat: str | None = None  # "size mtime ctime inode key" when read, if old enough to vouch for its bytes
        self._raw: bytes | None = None if source is not None else raw
        self._source = source
        if source is not None and loaded._text is not None:
            loaded._text = self._reread  # positions, when asked for, come from the bytes read again

    @property
    def data(self) -> object:
        return self.loaded.data

    @property
    def raw(self) -> bytes:
        """The file's bytes, as they were when it was loaded."""
        return self._raw if self._raw is not None else self._reread()

    @property
    def cache_key(self) -> str:
        """What the result cache keeps this file's results by."""
        return entry_key(self.info.kind, self.path, self.digest)

    def derive(self, name: str, compute: Callable[[], Any]) -> Any:
        """What `compute` works out from this file's content alone (a JSON value), worked out once and cached."""
        if name not in self.derived:
            self.keep(name, compute())
        return self.derived[name]

    def keep(self, name: str, value: Any) -> None:
        """Keep what a rule worked out from this file's content alone (a JSON value), for this run and the cache."""
        if self.shares:
            self.derived, self.shares = dict(self.derived), False
        self.derived[name] = value

    def has_bytes(self, data: bytes) -> bool:
        """Whether the file, as loaded, holds exactly `data`."""
        return len(data) == self.size and _digest(data) == self.digest

    def _reread(self) -> bytes:
        assert self._source is not None
        try:
            read = self._source() if callable(self._source) else _read_again(self._source / self.path)
        except OSError as exc:
            raise SkillrepoError(f"{self.path}: cannot be read again ({exc.strerror or exc}); run the command "
                                 "again") from exc
        if not self.has_bytes(read):
            raise SkillrepoError(f"{self.path}: changed while this command was running; run the command again")
        return read


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class Snapshot:
    """All of a repository's files as read at one moment: documents, and what is not a data file."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    unknown: list[Entry] = field(default_factory=list)
    symlinks: list[Entry] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, why), found reading it
    bad_names: list[tuple[str, str]] = field(default_factory=list)  # (path shown escaped, why), never read
    # Readable entries outside read_snapshot's `under`: listed by the one walk, neither read nor loaded.
    passed_over: list[Entry] = field(default_factory=list)

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


# Open flags for a data file: never through a symbolic link (one put in place after the walk looked), and
# without waiting on a FIFO; what is opened is then checked to be a regular file before a byte is read.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_again(path: Path) -> bytes:
    """A data file read again: what `_read_data_file` reads, or nothing if it is now too large."""
    read = _read_data_file(path)
    return b"" if isinstance(read, int) else read


def _read_data_file(path: Path) -> bytes | int:
    """A regular file's bytes, or its size if that is over MAX_FILE_BYTES (then it is not read at all).

    Raises OSError when it cannot be opened, is a link, or is not a regular file."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            return st.st_size
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:  # the file may grow while it is read: never more than the limit and a byte
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks) if size <= MAX_FILE_BYTES else max(size, os.fstat(fd).st_size)
    finally:
        os.close(fd)


@contextmanager
def _kept_for_good() -> Iterator[None]:
    """Around reading a repository: what is read holds no reference cycles and lives as long as the command,
    yet at ten times SFIA's size it is millions of objects that Python's cyclic collector would walk again
    and again (a fifth of verify's time). The collector is paused while they are made, and they are then set
    aside (gc.freeze) so that later collections look only at what comes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def read_snapshot(root: Path, under: str = "", results: ResultCache | None = None) -> Snapshot:
    """Read and strictly load every data file under framework/ and changes/ (only those whose path starts with
    `under`, when it is given: the others are neither read nor loaded, only listed in `passed_over`). A file whose
    bytes `results` holds is not loaded again: its cached result is used.

    Symbolic links are listed, never followed; a file over MAX_FILE_BYTES is not read, only its size is."""
    with _kept_for_good():
        return _read_snapshot(root, under, results)


def data_file_bytes(root: Path, relpath: str) -> bytes | None:
    """The bytes of a data file as read_snapshot reads them (never through a link), or None when it cannot be read
    or is over MAX_FILE_BYTES: `check` says why."""
    try:
        read = _read_data_file(root / relpath)
    except OSError:
        return None
    return None if isinstance(read, int) else read


def refuse_over_budget(where: str, total: int) -> None:
    """Refuse, before it takes the memory, a repository whose data files add up to more than a command holds."""
    if total > MAX_REPOSITORY_BYTES:
        raise SkillrepoError(f"{where}: the data files under framework/ and changes/ add up to {total:,} bytes, "
                             f"over the limit of {MAX_REPOSITORY_BYTES:,} that skillrepo holds in memory (a "
                             "framework the size of SFIA takes 7 MB); remove what is not the framework's, or "
                             "split it into several repositories")


def _data_files(root: Path, entries: list[Entry]) -> tuple[dict[str, PathInfo], dict[str, FileStatus]]:
    """The kind of each data file among `entries`, and its status (nothing is read), for the budget and the result
    cache: its size, "size mtime ctime inode", and when it last changed (an os.stat_result each would take 12 MB
    at 10x)."""
    infos: dict[str, PathInfo] = {}
    found: dict[str, FileStatus] = {}
    top = f"{root}/"  # joined as text: a Path per file would cost as much as the lstat
    for entry in entries:
        if entry.problem is not None or entry.is_symlink:
            continue
        info = classify(entry.relpath)
        if info is None:
            continue
        infos[entry.relpath] = info
        try:
            st = os.lstat(top + entry.relpath)
        except OSError:
            continue  # reading it says why
        found[entry.relpath] = (st.st_size, f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}",
                                max(st.st_mtime_ns, st.st_ctime_ns))
    return infos, found


def _data_bytes(statuses: dict[str, FileStatus]) -> int:
    """The bytes the data files hold, from their sizes on disk; a file over MAX_FILE_BYTES is never read, and
    counts for nothing."""
    return sum(size for size, _, _ in statuses.values() if size <= MAX_FILE_BYTES)


def _read_snapshot(root: Path, under: str, results: ResultCache | None) -> Snapshot:
    snap = Snapshot(root)
    entries = walk(root)
    infos, statuses = _data_files(root, entries)
    refuse_over_budget(printable_name(str(root)), _data_bytes(statuses))
    for entry in entries:
        if not entry.relpath.startswith(under):
            if entry.problem is None and not entry.is_symlink:
                snap.passed_over.append(entry)
            continue
        if entry.problem is not None:
            (snap.bad_names if entry.bad_name else snap.unreadable).append((entry.relpath, entry.problem))
            continue
        if entry.is_symlink:
            snap.symlinks.append(entry)
            continue
        info = infos.get(entry.relpath)
        if info is None:
            snap.unknown.append(entry)
            continue
        if results is not None:
            known = _known(root, entry.relpath, info, statuses.get(entry.relpath), results)
            if known is not None:
                snap.documents.append(known)
                continue
        try:
            read = _read_data_file(root / entry.relpath)
        except OSError as exc:
            reason = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
            snap.unreadable.append((entry.relpath, reason))
            continue
        if isinstance(read, int):
            snap.documents.append(Document(entry.relpath, info, b"", too_large(read)))
        else:
            doc = _loaded(root, entry.relpath, info, read, results)
            if results is not None:
                doc.stat = results.status(statuses.get(entry.relpath), doc.cache_key)
            snap.documents.append(doc)
    if results is not None:
        results.read()
    return snap


def _known(root: Path, relpath: str, info: PathInfo, st: FileStatus | None,
           results: ResultCache) -> Document | None:
    """A data file as the result cache holds it, without reading it: its status is the one recorded with its
    bytes' key. None when it must be read."""
    key = None if st is None else results.known(relpath, st)
    cached = None if key is None else results.restore(key, relpath, max_nodes(info))
    if key is None or cached is None or st is None:
        return None
    digest = bytes.fromhex(key.rsplit("/", 1)[1])
    doc = Document(relpath, info, b"", cached[0], root, digest, st[0])
    doc.schema_findings, doc.derived, doc.shares = cached[1], cached[2], cached[3]
    doc.valid = cached[1] is not None and not cached[1]
    doc.cached, doc.stat = len(doc.derived), results.recorded(relpath)
    return doc


def _loaded(root: Path, relpath: str, info: PathInfo, raw: bytes, results: ResultCache | None) -> Document:
    """A data file read from disk as a document: loaded from its bytes, or what the cache holds for them. The
    repository's root is how it is read again: no path or callable kept per file."""
    digest = _digest(raw)
    if results is None:
        return Document(relpath, info, raw, load_bytes(raw, max_nodes(info)), root, digest)
    key = entry_key(info.kind, relpath, digest)
    cached = results.restore(key, relpath, max_nodes(info))
    if cached is None:
        doc = Document(relpath, info, raw, load_bytes(raw, max_nodes(info)), root, digest)
    else:
        doc = Document(relpath, info, raw, cached[0], root, digest)
        doc.schema_findings, doc.derived, doc.shares = cached[1], cached[2], cached[3]
        doc.valid = cached[1] is not None and not cached[1]
    doc.cached = -1 if cached is None else len(doc.derived)
    return doc


def max_nodes(info: PathInfo) -> int:
    """How many values a data file of this kind may hold."""
    return MAX_LOG_NODES if info.kind == "log" else MAX_NODES


def document(relpath: str, raw: bytes, source: Callable[[], bytes] | None = None) -> Document | None:
    """A data file's document from its bytes, or None if the path is not one of a data file. With `source`,
    how to read the bytes again, the document does not keep them."""
    info = classify(relpath)
    return None if info is None else Document(relpath, info, raw, load_bytes(raw, max_nodes(info)), source)


def snapshot_of(root: Path, files: dict[str, bytes] | dict[str, Callable[[], bytes]]) -> Snapshot:
    """A snapshot from file contents held in memory, or from how to read each (a commit's blobs, say: then
    each is read once to load it, and again only if its bytes are needed)."""
    with _kept_for_good():
        return _snapshot_of(root, files)


def _snapshot_of(root: Path, files: dict[str, bytes] | dict[str, Callable[[], bytes]]) -> Snapshot:
    snap = Snapshot(root)
    total = 0
    for relpath in sorted(files):
        problem = path_problem(relpath)
        if problem is not None:
            snap.bad_names.append((printable_name(relpath), problem))
            continue
        content = files[relpath]
        doc = document(relpath, content) if isinstance(content, bytes) else document(relpath, content(), content)
        total += doc.size if doc is not None and doc.size <= MAX_FILE_BYTES else 0
        refuse_over_budget(f"{printable_name(str(root))} (as committed)", total)  # blobs: read one by one
        if doc is None:
            snap.unknown.append(Entry(relpath))
        else:
            snap.documents.append(doc)
    return snap


def overlay(snapshot: Snapshot, files: dict[str, bytes | None]) -> Snapshot:
    """The snapshot with some files written (bytes) or deleted (None); unchanged documents are shared."""
    out = Snapshot(snapshot.root, unknown=list(snapshot.unknown), symlinks=list(snapshot.symlinks),
                   unreadable=list(snapshot.unreadable), bad_names=list(snapshot.bad_names))
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
