"""Each item's life across the releases changes/log.yaml records, for framework.json: the release that introduced
it, last changed it, retired it and removed it, the change requests that touched it, and its content's digest.

The framework each release held is the replay of the change requests it held (record.order_at), from the empty
framework, so no git is needed. An item last changed in the release where its content's digest last differed
from the release before; its change requests are lastchange's (the operations' targets), the same source CASE's
times come from. A change request no release published yet counts as published by the release being built.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from skillrepo.engine import PreconditionError, apply_all
from skillrepo.model import Framework, Repository, empty_framework
from skillrepo.planning import Refusal
from skillrepo.record import order_at

Key = tuple[Any, ...]  # ("skill", CODE), ("level", CODE, N), ("attribute", CODE), ("alevel", CODE, N), ("rl", N)


@dataclass(frozen=True)
class Life:
    """One item's releases, its digest, and its content as last published (what a removed item keeps)."""

    introduced: str
    last_changed: str
    retired: str | None
    removed: str | None
    digest: str
    content: Mapping[str, Any]


def digest(content: Mapping[str, Any]) -> str:
    """The sha256 of an item's content as canonical JSON (keys sorted, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def states(repo: Repository, version: str) -> Iterator[tuple[str, Framework]]:
    """The framework each release up to `version` held, oldest first; `version` is today's framework when the
    log does not record it yet, or when it is the last release and nothing was applied since."""
    log, fw = repo.log, empty_framework()
    held: list[str] = []
    for release in log.releases:
        if release.version == version and order_at(log, version) == log.order:
            break
        order = order_at(log, release.version)
        if order[:len(held)] != held:  # something was reverted: replay that release from the empty framework
            held, fw = [], empty_framework()
        fw, held = _replayed(repo, fw, order[len(held):], release.version), order
        yield release.version, fw
        if release.version == version:
            return
    yield version, repo.framework


def _replayed(repo: Repository, fw: Framework, crs: list[str], version: str) -> Framework:
    """`fw` with the change requests `crs` applied in turn; refused, naming it, when one is gone or fails."""
    try:
        missing = next((cr for cr in crs if cr not in repo.changes), None)
        if missing is not None:
            raise PreconditionError(missing, "is not in changes/")
        fw, _ = apply_all(fw, [(cr, repo.changes[cr].operations) for cr in crs])
    except PreconditionError as exc:
        raise Refusal(f"cannot tell each item's lifecycle: release {version}, as changes/log.yaml records it, does "
                      f"not replay: {exc}") from exc
    return fw


def lives(history: Iterator[tuple[str, Framework]],
          contents: Callable[[Framework], dict[Key, dict[str, Any]]]) -> dict[Key, Life]:
    """Each item's life over `history` (each release's version and framework, oldest first), from each
    framework's items' contents."""
    found: dict[Key, Life] = {}
    for version, fw in history:
        now = contents(fw)
        for key, content in now.items():
            found[key] = _next(found.get(key), version, content)
        for key, life in found.items():
            if key not in now and life.removed is None:
                found[key] = replace(life, removed=version)
    return found


def _next(life: Life | None, version: str, content: dict[str, Any]) -> Life:
    """An item's life once `version` holds it with `content`."""
    new = digest(content)
    retired = content.get("status") == "retired"
    if life is None:
        return Life(version, version, version if retired else None, None, new, content)
    changed = new != life.digest or life.removed is not None
    return Life(life.introduced, version if changed else life.last_changed,
                (life.retired or version) if retired else None, None, new, content)
