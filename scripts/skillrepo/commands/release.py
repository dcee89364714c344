"""`skillrepo release VERSION`: build everything a release publishes into DIR/VERSION/, reproducibly.

Refused unless `check` is clean and `verify` passes. Timestamps come from SOURCE_DATE_EPOCH or the HEAD
commit, never from the clock, so building the same commit twice gives the same bytes.
"""

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

from skillrepo import history, releasedir
from skillrepo.checker import check_repository, load
from skillrepo.documents import overlay
from skillrepo.drift import problems
from skillrepo.errors import SkillrepoError, UsageError, advice
from skillrepo.exports import case, changelog, framework_json, mapping, sheets
from skillrepo.exports.lastchange import last_changes
from skillrepo.exports.output import Writer, text_writer, write_json
from skillrepo.layout import LOG_FILE, printable_name
from skillrepo.locking import lent_to_children
from skillrepo.model import Repository
from skillrepo.planning import Refusal, require_clean
from skillrepo.record import Log, content_digest, order_at, render, with_release
from skillrepo.replay import Replay, since_release
from skillrepo.sheetlayout import ATTRIBUTES_SHEET, CATEGORIES_SHEET, LEVELS_SHEET, SKILLS_SHEET
from skillrepo.writing import write_files


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


def source_epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the time of the HEAD commit."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}")
        return int(value)
    git_repo = history.open_repo(root)
    if not history.has_commit(git_repo):
        raise Refusal("the repository has no commit yet; commit the framework before releasing it")
    return history.commit_time(history.head_commit(git_repo))


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


def _sha256(path: Path) -> str:
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
                progress: Progress) -> tuple[str, list[str]]:
    """Write every file of the release into `staging`; (the changelog's text, the top-level names)."""
    digests: dict[str, str] = {}
    for name, write in steps:
        progress.step(name)
        _write(staging / name, write)
        digests[name] = _sha256(staging / name)
    steps.clear()  # and with them the tables they were made from, which the site does not need
    changelog_text = (staging / "CHANGELOG.md").read_text("utf-8")
    top = sorted([*digests, "SHA256SUMS"])
    progress.step("site")
    from skillrepo.site.build import site_files  # Jinja2 is imported only when a release is built

    for path, chunks in site_files(repo, replay, version, top):
        _write(staging / "site" / path, partial(_write_lines, chunks))  # written here: this page's chunks
        digests[f"site/{path}"] = _sha256(staging / "site" / path)
    progress.step("SHA256SUMS")  # last: it covers every other file, the site's pages too
    (staging / "SHA256SUMS").write_bytes(sha256sums(digests))
    return changelog_text, top + ["site/"]


def _check_tag(root: Path, version: str) -> None:
    git_repo = history.open_repo(root)
    if history.has_tag(git_repo, f"v{version}"):
        raise Refusal(f"the tag v{version} exists already; choose another version")
    if history.is_dirty(git_repo):
        raise Refusal("--tag needs a clean work tree (commit or stash your changes first): the tag must name exactly "
                      "what was built")


def _core(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("+")[0].split("-")[0].split("."))


def _recorded(repo: Repository, version: str, built: Path | None, force: bool, epoch: int) -> Log | None:
    """The log with `version` recorded, or None when it is recorded already and the repository is unchanged
    since (a rebuild); refused when the version was released from other content, or precedes the last."""
    log, content = repo.log, content_digest(repo.snapshot)
    found = log.release(version)
    if found is not None:
        if found is not log.releases[-1] or log.order != order_at(log, version) or found.content != content:
            raise Refusal(f"{version} was released on {found.date}, and the repository changed since (or a later "
                          f"release was made); release a version after {log.releases[-1].version}")
        if built is not None and not force:
            raise Refusal(f"{printable_name(str(built))} exists: {version} was released on {found.date}; give "
                          "--force to build it again (the repository is unchanged since), or choose the next version")
        return None
    if built is not None:
        raise Refusal(f"{printable_name(str(built))} exists but changes/log.yaml records no release {version}; "
                      "move it away, or give another --out")
    previous = log.releases[-1] if log.releases else None
    if previous is not None and _core(version) <= _core(previous.version) and not (
            _core(version) == _core(previous.version) and "-" in previous.version.split("+")[0]):
        raise Refusal(f"version {version} does not come after the last release, {previous.version}; choose a "
                      "later one")
    return with_release(log, version, datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d"), content)


def _record(root: Path, log: Log, version: str, tag: bool) -> None:
    """Write the log with the release recorded; with --tag, commit it through the repository's hooks."""
    files: dict[str, bytes | None] = {LOG_FILE: render(log)}
    write_files(root, files)
    published, reverted = log.releases[-1].published, log.releases[-1].reverted
    gone = f"; it no longer holds {', '.join(reverted)} (reverted)" if reverted else ""
    sys.stdout.write(f"recorded release {version} in {LOG_FILE}: it publishes {len(published)} change request(s)"
                     f"{': ' + ', '.join(published) if published else ''}{gone}\n")
    if not tag:
        sys.stdout.write(f"commit {LOG_FILE} (it records the release), or give --tag next time to commit and tag\n")
        return
    git_repo = history.open_repo(root)
    start = history.head_commit(git_repo)
    try:
        with lent_to_children():  # the commit's hooks (skillrepo fmt, check) run inside this command's lock
            sha = history.commit_files(git_repo, root, files, f"Release {version}\n")
    except SkillrepoError as exc:
        write_files(root, history.undo_commits(git_repo, root, start, [LOG_FILE]))
        raise Refusal(f"{exc}; nothing is recorded: {LOG_FILE}, the index and the branch are as they were") from exc
    sys.stdout.write(f"committed {sha[:10]} Release {version}\n")


def run(root: Path, version: str, out: Path, tag: bool = False, force: bool = False,
        base_url: str | None = None) -> int:
    releasedir.check_version(version)
    links = changelog.site_links(base_url, "site/")
    directory = releasedir.output_dir(root, out, version)  # refused before anything is built
    if tag:
        _check_tag(root, version)
    repo, findings = check_repository(root)
    require_clean(findings)
    _, differences, _ = problems(root, repo)
    if differences:
        raise Refusal("verify fails, so there is nothing trustworthy to release:\n" + "\n".join(differences))
    built = directory / version
    log = _recorded(repo, version, built if releasedir.is_release(built) else None, force, source_epoch(root))
    if log is not None and tag:  # the tag names the commit that records the release, so it is made first
        _record(root, log, version, tag)
        repo, _ = check_repository(root)
    elif log is not None:  # built as recorded, and recorded only once it is built
        repo, _ = load(overlay(repo.snapshot, {LOG_FILE: render(log)}))
    replay = since_release(root, repo, None, excluding=version)
    if replay.problem or replay.result is None:
        raise Refusal(f"cannot build the changelog: {replay.problem}")
    epoch = source_epoch(root)
    steps = build(repo, replay, version, epoch, links)
    progress = Progress(len(steps) + 2)
    target = printable_name(str(built))
    try:
        with releasedir.staged(directory, version) as staging:
            changelog_text, top = _build_into(staging, repo, replay, version, steps, progress)
    except OSError as exc:
        raise Refusal(f"{target}: cannot write the release ({exc.strerror or exc}); {advice(exc)}; "
                      f"{target} is as it was") from exc
    progress.finish()
    if log is not None and not tag:
        _record(root, log, version, tag)
    sys.stdout.write(f"built {target}: {', '.join(top)}\n")
    if tag:
        git_repo = history.open_repo(root)
        history.create_tag(git_repo, f"v{version}", changelog_text)
        sys.stdout.write(f"tagged v{version}\n")
    return 0
