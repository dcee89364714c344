"""`skillrepo changelog [--since REF]`: what the change requests applied since a release changed."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.exports import changelog
from skillrepo.planning import Refusal
from skillrepo.replay import since_release


def run(root: Path, since: str | None, fmt: str, base_url: str | None = None) -> int:
    # On standard output no site is beside the changelog: its change requests link only to a site at base_url.
    links = changelog.site_links(base_url, None)
    repo, _ = check_repository(root)
    replay = since_release(root, repo, since)
    if replay.problem or replay.result is None:
        raise Refusal(f"cannot build the changelog: {replay.problem}")
    title = f"Changes to {repo.framework.name} since {replay.base_ref}" if replay.base_ref else \
        f"Changes to {repo.framework.name}"
    items = changelog.entries(replay.effects, replay.result)
    text = changelog.as_json(title, replay.base_ref, items, links) if fmt == "json" else \
        changelog.markdown(title, items, repo.changes, links)
    sys.stdout.write(text)
    return 0
