"""changes/log.yaml: the order in which change requests were applied, and the releases that published them.

Only apply, revert and release write it, in the same journaled write as the files they change. verify replays
its order from the empty framework, and changelog and release read the previous release from it, so a checkout
proves itself from its files alone: a shallow clone, or one without tags, is enough.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from skillrepo.canonical import dump
from skillrepo.documents import Snapshot
from skillrepo.layout import LOG_FILE

# The check codes that say the log does not record what was applied (rules/record.py): verify shows them first,
# since nothing can be proved past them.
LOG_CODES = frozenset({"R440", "R441", "R442"})

_HEADER = (
    "# The order in which change requests were applied, and the releases that published them.\n"
    "# Written by skillrepo apply, revert and release; verify replays it. Never edit it by hand.\n"
)


@dataclass(frozen=True)
class Applied:
    """A change request applied, with the digest of the operations it was applied with."""

    cr: str
    operations: str


@dataclass(frozen=True)
class Release:
    """A release: its version, its day, the change requests it published first and those it no longer holds."""

    version: str
    date: str
    published: tuple[str, ...]
    reverted: tuple[str, ...] = ()
    content: str = ""  # content_digest() of the repository it was built from


@dataclass(frozen=True)
class Log:
    """What changes/log.yaml holds; an absent file is the empty log."""

    applied: tuple[Applied, ...] = ()
    releases: tuple[Release, ...] = ()

    @property
    def order(self) -> list[str]:
        """The change requests applied, in the order they were applied."""
        return [entry.cr for entry in self.applied]

    def release(self, version: str) -> Release | None:
        """The release of that version, if there is one."""
        return next((r for r in self.releases if r.version == version), None)


def operations_digest(operations: Sequence[Any]) -> str:
    """A short digest of a change request's operations, independent of the manifest's layout and comments."""
    text = json.dumps(list(operations), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def from_data(data: dict[str, Any]) -> Log:
    """The log from the data of a changes/log.yaml its schema found valid."""
    applied = tuple(Applied(e["cr"], e["operations"]) for e in data["applied"])
    releases = tuple(Release(r["version"], r["date"], tuple(r["published"]), tuple(r.get("reverted", [])),
                             r["content"]) for r in data["releases"])
    return Log(applied, releases)


def render(log: Log) -> bytes:
    """The file's bytes, in canonical formatting."""
    releases = []
    for r in log.releases:
        entry: dict[str, Any] = {"version": r.version, "date": r.date, "published": list(r.published)}
        if r.reverted:
            entry["reverted"] = list(r.reverted)
        entry["content"] = r.content
        releases.append(entry)
    data = {"applied": [{"cr": e.cr, "operations": e.operations} for e in log.applied], "releases": releases}
    text = dump(LOG_FILE, "log", data, ["applied", "releases"],
                {"applied": ["cr", "operations"], "releases": ["version", "date", "published", "reverted", "content"]})
    head, _, rest = text.partition("\n")
    return f"{head}\n{_HEADER}{rest}".encode()


def with_applied(log: Log, cr_id: str, operations: Sequence[Any]) -> Log:
    """The log once `cr_id` is applied, last."""
    return replace(log, applied=(*log.applied, Applied(cr_id, operations_digest(operations))))


def without(log: Log, cr_id: str) -> Log:
    """The log once `cr_id` is reverted: it is no longer in the order, as if it had never been applied."""
    return replace(log, applied=tuple(e for e in log.applied if e.cr != cr_id))


def order_at(log: Log, version: str) -> list[str]:
    """The change requests a release held, in the order they were applied."""
    order: list[str] = []
    for r in log.releases:
        order = [cr for cr in order if cr not in r.reverted] + list(r.published)
        if r.version == version:
            return order
    raise KeyError(version)


def content_digest(snapshot: Snapshot) -> str:
    """A short digest of every file under framework/ and every manifest: what a release is built from."""
    digest = hashlib.sha256()
    for doc in sorted(snapshot.documents, key=lambda d: d.path):
        if doc.info.kind != "log":
            digest.update(f"{doc.path}\0{len(doc.raw)}\0".encode())
            digest.update(doc.raw)
    return digest.hexdigest()[:16]


def kept_prefix(before: list[str], now: list[str]) -> int:
    """How many of the change requests applied now, from the first, a release that held `before` held too, in
    the same order: the rest were applied (or reverted and applied again) since."""
    position = {cr: i for i, cr in enumerate(before)}
    same, last = 0, -1
    while same < len(now) and position.get(now[same], -1) > last:
        last, same = position[now[same]], same + 1
    return same


def with_release(log: Log, version: str, date: str, content: str) -> Log:
    """The log once `version` is released: it publishes what was applied since the last release. A change
    request reverted and applied again since counts as reverted and published again, so that the order a
    release holds is always what was applied, in the order it was applied."""
    before = order_at(log, log.releases[-1].version) if log.releases else []
    now = log.order
    same = kept_prefix(before, now)
    kept = set(now[:same])
    release = Release(version, date, tuple(now[same:]), tuple(cr for cr in before if cr not in kept), content)
    return replace(log, releases=(*log.releases, release))


def first_published(log: Log) -> dict[str, str]:
    """For each change request a release published, the version of the first that did."""
    found: dict[str, str] = {}
    for r in log.releases:
        for cr in r.published:
            found.setdefault(cr, r.version)
    return found
