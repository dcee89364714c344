"""Building a release's files from a repository, reproducibly: what `release` writes and `verify-release`
builds again to compare. Timestamps come from SOURCE_DATE_EPOCH or a commit, never from the clock, so building
the same repository twice gives the same bytes."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

from skillrepo import history
from skillrepo.errors import UsageError
from skillrepo.exports import case, changelog, framework_json, mapping, sheets
from skillrepo.exports.lastchange import last_changes
from skillrepo.exports.output import Writer, text_writer, write_json
from skillrepo.model import Repository
from skillrepo.planning import Refusal
from skillrepo.replay import Replay, since_release
from skillrepo.sheetlayout import ATTRIBUTES_SHEET, CATEGORIES_SHEET, LEVELS_SHEET, SKILLS_SHEET


class Progress:
    """Says what is being built, on a terminal, once building takes more than a moment."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.shown = sys.stderr.isatty()

    def step(self, what: str) -> None:
        self.done += 1
        if self.shown and time.monotonic() - self.start > 0.3:
            sys.stderr.write(f"\r[{self.done}/{self.total}] {what:<40}")
            sys.stderr.flush()

    def finish(self) -> None:
        if self.shown and time.monotonic() - self.start > 0.3:
            sys.stderr.write("\r" + " " * 50 + "\r")


def source_epoch(root: Path, commit: history.Commit | None = None) -> int:
    """SOURCE_DATE_EPOCH if set, else the time of `commit` (the HEAD commit when None)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}")
        return int(value)
    git_repo = history.open_repo(root)
    if not history.has_commit(git_repo):
        raise Refusal("the repository has no commit yet; commit the framework before releasing it")
    return history.commit_time(commit if commit is not None else history.head_commit(git_repo))


def build(repo: Repository, replay: Replay, version: str, epoch: int,
          links: changelog.Links) -> list[tuple[str, Writer]]:
    """The release's files, in the order they are built, each as a name and how to write it; the changelog's
    change requests link as `links` says."""
    fw = repo.framework
    assert replay.result is not None
    after = replay.result
    recorded = repo.log.release(version)  # run() records the release before building it
    day = recorded.date if recorded is not None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
    times = last_changes(repo.log, repo.changes, day)
    items = changelog.entries(replay.effects, replay.result)
    title = f"{fw.name} {version}" + (f": changes since {replay.base_ref}" if replay.base_ref else "")
    mapping_rows = mapping.rows(replay.base, replay.result, replay.effects)
    map_header = list(mapping.COLUMNS)
    map_table = [[row[c] for c in map_header] for row in mapping_rows]
    # The URL columns: each item's page on the site, absolute when the site's base URL is given.
    skills = sheets.skill_rows(fw, lambda code: links.page(f"skills/{code}.html") or "")
    attributes = sheets.attribute_rows(fw, lambda code: links.page(f"attributes/{code}.html") or "")
    levels = sheets.published_level_rows(fw, lambda n: links.page(f"levels/{n}.html") or "")
    absolute = links.site if links.site is not None and links.site.startswith(("http://", "https://")) else None
    # The workbook holds the framework's four published sheets and nothing else, so that a reader of published
    # workbooks (init --from-sheet too) reads it; the changes and the mapping are in their own files.
    return [
        ("framework.json", lambda out: write_json(out, framework_json.document(
            fw, version, framework_json.lifecycles(repo, version), times))),
        ("skills.csv", lambda out: sheets.write_csv(out, *skills)),
        ("attributes.csv", lambda out: sheets.write_csv(out, *attributes)),
        ("levels.csv", lambda out: sheets.write_csv(out, *levels)),
        ("skills.xlsx", lambda out: sheets.write_xlsx(out, [
            (SKILLS_SHEET, *skills), (ATTRIBUTES_SHEET, *attributes), (LEVELS_SHEET, *levels),
            (CATEGORIES_SHEET, *sheets.category_rows(fw))], epoch)),
        ("case.json", lambda out: write_json(out, case.package(fw, version, times, absolute))),
        ("CHANGELOG.md", text_writer(lambda: changelog.markdown(title, items, repo.changes, links))),
        ("changes.json", lambda out: write_json(out, changelog.json_document(title, replay.base_ref, items, links))),
        ("mapping.csv", lambda out: sheets.write_csv(out, map_header, map_table)),
        ("mapping.json", lambda out: write_json(out, mapping.linked(mapping_rows, replay.base, after))),
    ]


def sha256sums(digests: dict[str, str]) -> bytes:
    """SHA256SUMS in the format `sha256sum -c` reads, from each file's hex digest."""
    return "".join(f"{digests[n]}  {n}\n" for n in sorted(digests)).encode("ascii")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_lines(lines: Iterable[bytes], out: BinaryIO) -> None:
    out.writelines(lines)


def _write(path: Path, write: Writer) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write(f)


def _build_into(staging: Path, repo: Repository, replay: Replay, version: str, steps: list[tuple[str, Writer]],
                progress: Progress, origins: Replay | None) -> list[str]:
    """Write every file of the release into `staging`; the top-level names."""
    digests: dict[str, str] = {}
    for name, write in steps:
        progress.step(name)
        _write(staging / name, write)
        digests[name] = sha256_of(staging / name)
    steps.clear()  # and with them the tables they were made from, which the site does not need
    top = sorted([*digests, "SHA256SUMS"])
    progress.step("site")
    from skillrepo.site.build import site_files  # Jinja2 is imported only when a release is built

    for path, chunks in site_files(repo, replay, version, top, origins):
        _write(staging / "site" / path, partial(_write_lines, chunks))  # written here: this page's chunks
        digests[f"site/{path}"] = sha256_of(staging / "site" / path)
    progress.step("SHA256SUMS")  # last: it covers every other file, the site's pages too
    (staging / "SHA256SUMS").write_bytes(sha256sums(digests))
    return top + ["site/"]


def write_release(into: Path, root: Path, repo: Repository, version: str, epoch: int,
                  links: changelog.Links, origins: Replay | None = None) -> list[str]:
    """Write release `version` of `repo` (its log records it) into the directory `into`; the top-level names.
    `origins`: the replay from the empty framework verify made (the site's histories come from it), or None to make
    it here."""
    replay = since_release(root, repo, None, excluding=version)
    if replay.problem or replay.result is None:
        raise Refusal(f"cannot build the changelog: {replay.problem}")
    steps = build(repo, replay, version, epoch, links)
    progress = Progress(len(steps) + 2)
    try:
        return _build_into(into, repo, replay, version, steps, progress, origins)
    finally:
        progress.finish()
