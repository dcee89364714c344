"""Per-file results kept between runs: what the strict loader made of a data file, its schema findings, and what
rules derive from its content alone, so that a check after a one-file change reads and validates one file.

A result is a pure function of a file's bytes, its kind and the tool, so an entry is keyed by a digest of the
bytes (and the kind and depth of the path), and the whole cache by everything else that could change a result:
the tool's version and the digest of its source and schemas, Python's, PyYAML's, libyaml's and jsonschema's
versions. Cross-file rules always run on the whole model; only their per-text work is kept (`Document.derived`).

A file whose status (size, modification and change time, inode) is the one recorded with its bytes' key is not
read at all, as git's index goes by; a status is recorded only once the file's last change is a second older than
the check, so a change made in the same clock tick as a check is always read.

The cache is data a command reads, in `.skillrepo/cache/`, which a checkout can bring like anything else: every
shard carries a keyed digest (BLAKE2b) made with a secret that lives outside the repository, in the user's cache
directory, so a shard that this user's commands did not write (planted, copied, truncated, edited) is ignored,
never trusted. A shard's body is in Python's `marshal` format (never pickle: only values, never objects that run
code), and it is unmarshalled only once its keyed digest is verified, as marshal's documentation asks: a payload
that a checkout brings is never parsed at all. marshal reads three times as fast as JSON and keeps the sharing
of texts it was written with. Each is replaced whole (write beside, then rename), so two commands
at once each see a whole shard; a write that fails leaves the cache as it was, and the command goes on.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import marshal
import os
import secrets
import stat
import sys
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from skillrepo import __version__
from skillrepo.findings import Finding
from skillrepo.safepaths import Tree, UnsafePath
from skillrepo.writing import JOURNAL, STATE_DIR, make_state_dir
from skillrepo.yamlsource import Loaded, YamlProblem

CACHE_DIR = f"{STATE_DIR}/cache"
FORMAT = 2  # 1 was JSON
MAX_SHARDS = 64  # a one-file change rewrites one shard: at 10x, 1/64 of the cache
FILES_PER_SHARD = 512  # a small repository has one shard (a check writes one file), a large one 64
_MAGIC = b"skillrepo-cache 2\n"
# A shard is read whole; the data files it describes are at most MAX_REPOSITORY_BYTES in all, so a shard far over
# that share is not the tool's (an entry costs about what its file's YAML does).
MAX_SHARD_BYTES = 64 * 2**20
_KEY_BYTES = 32
NO_CACHE_ENV = "SKILLREPO_NO_CACHE"
_LOCK = f"{STATE_DIR}/lock"

# [usable, data, implicit, problems, schema findings, derived]; an empty list or dict is written as 0, so that a
# warm check does not hold three empty lists per file (schema findings: None when the file was not validated).
Record = list[Any]
# The loaded file, its schema findings (None: not validated), its derived results, and whether that mapping is
# shared with other files (then copied before it changes).
Restored = tuple[Loaded, "list[Finding] | None", dict[str, Any], bool]
# A file's size, "size mtime_ns ctime_ns inode" as recorded, and when it last changed (the later of the two, ns).
FileStatus = tuple[int, str, int]
Shard = tuple[dict[str, Record], dict[str, str]]  # entries by key; "size mtime ctime inode key" by path


def _clock() -> int:
    """Now, in nanoseconds since the epoch, as file times are kept."""
    return time.time_ns()


def disabled_by_environment() -> bool:
    """Whether SKILLREPO_NO_CACHE asks every command to run without the cache."""
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def entry_key(kind: str, relpath: str, digest: bytes) -> str:
    """What an entry is found by: the content's digest, the kind of file and how deep its path is (the canonical
    formatting's schema line depends on it)."""
    return f"{kind}/{relpath.count('/')}/{digest.hex()}"


class ResultCache:
    """The entries read from `.skillrepo/cache/` at the start of a command, and which documents missed."""

    def __init__(self, secret: bytes, stamp: str) -> None:
        self.secret, self.stamp = secret, stamp
        self.entries: dict[str, Record] = {}  # by entry_key; an entry is taken out when a document uses it
        # path -> "size mtime_ns ctime_ns inode key": the file's status when its bytes had that key, as git's
        # index keeps it. Kept only for a file whose last change (ctime) was over a second before the check began,
        # so a change in the same clock tick as the reading, which could leave the status as it was, is read.
        self.paths: dict[str, str] = {}
        self.since_ns = _clock() - 1_000_000_000
        self.alike: dict[tuple[Any, ...], dict[str, Any]] = {}  # derived results that are all 0 or ""
        self.stale: list[str] = []  # the keys of entries no file has now, once every file is read
        self.files: list[str] = []  # the names of the shards found

    def known(self, relpath: str, st: FileStatus) -> str | None:
        """The key of a file's bytes without reading them, if its status is the one recorded with them."""
        seen = self.paths.get(relpath)
        status, _, key = seen.rpartition(" ") if isinstance(seen, str) else ("", "", "")
        if status != st[1] or key not in self.entries:
            return None
        return key

    def read(self) -> None:
        """Every file is read: what is left are entries no file has now. Note them (their shards are rewritten
        without them when anything is kept) and let the rest go."""
        self.stale = list(self.entries)
        self.entries = {}

    def recorded(self, relpath: str) -> str | None:
        """The status recorded for a file (with its key), as `known` found it."""
        return self.paths.get(relpath)

    def status(self, st: FileStatus | None, key: str) -> str | None:
        """What to record of a file's status with its entry's key: None for one changed too recently to vouch
        for it."""
        if st is None or st[2] >= self.since_ns:
            return None
        return f"{st[1]} {key}"

    def restore(self, key: str, path: str, max_nodes: int) -> Restored | None:
        """The loaded file, its schema findings (None: not validated) and its derived results, if cached."""
        record = self.entries.pop(key, None)  # what is left once every file is read: entries no file has now
        if record is None:
            return None
        try:
            usable, data, implicit, problems, schema, derived = record
            loaded = Loaded.restored(
                data, bool(usable), {tuple(p): (tag, text) for p, tag, text in implicit or ()},
                [YamlProblem(line, col, code, message) for line, col, code, message in problems or ()], max_nodes)
            findings = None if schema is None else [Finding(path, line, col, code, message)
                                                    for line, col, code, message in schema or ()]
            derived = derived or {}
            if not isinstance(derived, dict):
                return None
        except (TypeError, ValueError):
            return None  # authentic but not of this shape: a bug, never a wrong result
        if any(value not in (0, "") for value in derived.values()):
            return loaded, findings, derived, False
        # Most files: formatted, no mention. One mapping for all of them (one each was 4 MB at 10x).
        return loaded, findings, self.alike.setdefault(tuple(derived.items()), derived), True

    def save(self, root: Path, documents: Iterable[Any]) -> None:
        """Write the shards that gained, changed or lost an entry, each holding the entries of the documents given."""
        kept = [doc for doc in documents if doc.cached is not None]
        count = shard_count(len(kept))
        by_shard: dict[str, list[Any]] = {}
        dirty = {_shard_of(key, count) for key in self.stale}  # entries no file has now: rewritten without them
        for doc in kept:
            shard = _shard_of(doc.digest.hex(), count)
            by_shard.setdefault(shard, []).append(doc)
            if doc.cached != len(doc.derived) or self.paths.get(doc.path) != doc.stat:
                dirty.add(shard)  # a new file, a result worked out since, or a status to vouch for it now
        # Shards of another layout (the repository grew or shrank past a size): every entry goes to its shard now.
        other = [name for name in self.files if not name.endswith(f"-of-{count:02d}{SUFFIX}")]
        if other:
            dirty |= set(by_shard)
        shards: dict[str, Shard] = {}
        for name in dirty:
            docs = [(doc, record) for doc in by_shard.get(name, []) if (record := _record(doc)) is not None]
            shards[name] = ({doc.cache_key: record for doc, record in docs},
                            {doc.path: doc.stat for doc, _ in docs if doc.stat is not None})
        if shards or other:
            _write_shards(root, shards, other, self.secret, self.stamp)


def open_cache(root: Path) -> ResultCache | None:
    """The cache of the repository at `root` with every shard that is this user's and of this tool; None when
    there is no secret to check them with (then nothing is cached)."""
    secret = _secret()
    if secret is None:
        return None
    found = ResultCache(secret, _stamp())
    collecting = gc.isenabled()
    gc.disable()  # millions of values, none in a cycle: the collector would walk them again and again
    try:
        with Tree(root) as tree, tree.directory(CACHE_DIR) as fd:
            found.files = names = [n for n in os.listdir(fd) if n in SHARD_NAMES or n in _FORMER_NAMES]
            for name in names:
                if name in _FORMER_NAMES:
                    continue  # an earlier format's: removed at the next write
                shard = _read_shard(fd, name, secret, found.stamp)
                if shard is not None:
                    found.entries.update(shard[0])
                    found.paths.update(shard[1])
    except (OSError, UnsafePath):
        pass  # no cache yet, or not one the tool reads: start empty
    finally:
        if collecting:
            gc.enable()
    return found


def writer_at_work(root: Path) -> bool:
    """Whether a command holds the repository's lock or left a journal: files may be half written, so no result
    is kept then."""
    return any(os.path.lexists(root / path) for path in (_LOCK, JOURNAL))


def _layouts() -> frozenset[str]:
    """Every name a shard can have (127 of them): nothing else in the directory is read or removed."""
    counts = [2**n for n in range(MAX_SHARDS.bit_length())]
    return frozenset(f"{i:02d}-of-{count:02d}{SUFFIX}" for count in counts for i in range(count))


SUFFIX = ".shard"
SHARD_NAMES = _layouts()
# The names of FORMAT 1's (JSON) shards: never read, removed when a check next keeps results.
_FORMER_NAMES = frozenset(name.replace(SUFFIX, ".json") for name in SHARD_NAMES)


def shard_count(files: int) -> int:
    """How many shards the results of `files` data files are kept in: a power of two, one per 512 files or so."""
    count = 1
    while count < MAX_SHARDS and count * FILES_PER_SHARD < files:
        count *= 2
    return count


def _shard_of(key: str, count: int) -> str:
    """The shard an entry (by its key, or a digest in hex) is kept in, of `count`."""
    return f"{int(key.rsplit('/', 1)[-1][:2], 16) % count:02d}-of-{count:02d}{SUFFIX}"


def _record(doc: Any) -> Record | None:
    """A document's entry, or None if its values are not plain data (a date YAML read from an unquoted value)."""
    loaded = doc.loaded
    schema = None if doc.schema_findings is None else [[f.line, f.column, f.code, f.message]
                                                       for f in doc.schema_findings]
    record = [loaded.usable, loaded.data, [[list(p), tag, text] for p, (tag, text) in loaded.implicit.items()] or 0,
              [[p.line, p.column, p.code, p.message] for p in loaded.problems] or 0,
              schema if schema is None else schema or 0, doc.derived or 0]
    try:
        _encode(record)
    except ValueError:
        return None
    return record


def _encode(value: Any) -> bytes:
    """Values as marshal writes them, which it reads back exactly (types, order, shared texts); ValueError for a
    value it cannot write (a date YAML read from an unquoted value)."""
    return marshal.dumps(value)


def _decode(payload: bytes) -> Any:
    """A shard's body, once its digest is verified (marshal reads only what this user's commands wrote)."""
    return marshal.loads(payload)


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=secret, digest_size=32, person=b"skillrepo-cache").hexdigest().encode()


def _read_shard(directory: int, name: str, secret: bytes, stamp: str) -> Shard | None:
    """A shard's entries and statuses if it is whole, this user's (its keyed digest matches) and of this tool."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=directory)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SHARD_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            head, mac = f.read(len(_MAGIC)), f.read(65)
            payload = f.read(st.st_size + 1)  # never a buffer of the limit's size, nor a copy of the whole file
    except OSError:
        return None
    finally:
        os.close(fd)
    if head != _MAGIC or len(mac) != 65 or not hmac.compare_digest(mac[:64], _mac(secret, payload)):
        return None
    try:
        body = _decode(payload)
    except (ValueError, EOFError, TypeError, RecursionError):
        return None
    if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("stamp") != stamp \
            or body.get("shard") != name or not isinstance(body.get("entries"), dict) \
            or not isinstance(body.get("paths"), dict):
        return None
    return body["entries"], body["paths"]


def _write_shards(root: Path, shards: dict[str, Shard], other: list[str], secret: bytes, stamp: str) -> None:
    """Replace each shard whole, then remove the `other` shards (of another layout, or no shard of the tool's
    at all); a cache that cannot be written (read-only, a link in the way) is left alone."""
    try:
        with Tree(root) as tree:
            make_state_dir(tree)
            for name, shard in sorted(shards.items()):
                _write_shard(tree, name, shard, secret, stamp)
            for name in other:
                tree.unlink(f"{CACHE_DIR}/{name}", missing_ok=True)
    except (OSError, UnsafePath):
        return


def _write_shard(tree: Tree, name: str, shard: Shard, secret: bytes, stamp: str) -> None:
    entries, paths = shard
    payload = shard_payload(name, dict(sorted(entries.items())), paths, stamp)
    fd, tmp = tree.create_temp(CACHE_DIR, f".{name}.", ".new")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + _mac(secret, payload) + b"\n" + payload)
        tree.replace(tmp, f"{CACHE_DIR}/{name}")
    except BaseException:
        with contextlib.suppress(OSError, UnsafePath):
            tree.unlink(tmp, missing_ok=True)
        raise


def shard_payload(name: str, entries: dict[str, Record], paths: dict[str, str], stamp: str) -> bytes:
    """A shard's body: its format, the stamp and name it was written for, its entries and statuses."""
    return marshal.dumps({"format": FORMAT, "stamp": stamp, "shard": name, "entries": entries, "paths": paths})


def stamp_inputs() -> tuple[list[str], list[Path]]:
    """What a per-file result depends on besides the file: versions (the tool's, Python's, PyYAML's, libyaml's,
    jsonschema's), and the files of the tool's source and its schemas."""
    import yaml

    from skillrepo.resources import schema_dir

    versions = [__version__, sys.version, yaml.__version__, _libyaml_version(), _version_of("jsonschema")]
    package = Path(__file__).resolve().parent
    return versions, sorted(package.rglob("*.py")) + sorted(schema_dir().glob("*.json"))


@cache
def _stamp() -> str:
    """A digest of everything besides a file's bytes that a per-file result depends on."""
    versions, files = stamp_inputs()
    digest = hashlib.blake2b(digest_size=16)
    for part in versions:
        digest.update(f"{part}\0".encode())
    for path in files:
        digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _libyaml_version() -> str:
    from yaml import _yaml

    return str(_yaml.get_version_string())


def _version_of(name: str) -> str:
    """An installed package's version, from the name of its dist-info directory beside it, found without
    importing it (a warm check never needs jsonschema; importlib.metadata would cost 13 ms); the metadata's own
    answer if there is no such directory."""
    from importlib.util import find_spec

    spec = find_spec(name)
    origin = None if spec is None or spec.origin is None else Path(spec.origin).resolve().parent.parent
    found = [] if origin is None else sorted(origin.glob(f"{name}-*.dist-info"))
    if len(found) == 1:
        return found[0].name
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _key_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "skillrepo"
    try:
        return Path.home() / ".cache" / "skillrepo"
    except (RuntimeError, KeyError):
        return None


def _secret() -> bytes | None:
    """This user's secret for the cache's keyed digests, made once; None if it cannot be read or made."""
    directory = _key_dir()
    if directory is None:
        return None
    path = directory / "cache-key"
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = directory / f".cache-key.{secrets.token_hex(8)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, secrets.token_bytes(_KEY_BYTES))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # made whole, or the one another command made first is kept
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _read_secret(path)
    except OSError:
        return None


def _read_secret(path: Path) -> bytes | None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None  # not this user's own secret: no cache rather than one others could forge
        data = os.read(fd, _KEY_BYTES + 1)
    finally:
        os.close(fd)
    return data if len(data) == _KEY_BYTES else None
