"""`skillrepo release VERSION`: build everything a release publishes into DIR/VERSION/, reproducibly.

Refused unless `check` is clean and `verify` passes. Timestamps come from SOURCE_DATE_EPOCH or the HEAD
commit, never from the clock, so building the same commit twice gives the same bytes.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from skillrepo import history, releasedir
from skillrepo.building import source_epoch, write_release
from skillrepo.checker import check_repository, load
from skillrepo.documents import overlay
from skillrepo.drift import problems
from skillrepo.errors import SkillrepoError, advice
from skillrepo.exports import changelog
from skillrepo.layout import LOG_FILE, printable_name
from skillrepo.locking import lent_to_children
from skillrepo.model import Repository
from skillrepo.planning import Refusal, require_clean
from skillrepo.record import Log, content_digest, order_at, render, with_release
from skillrepo.writing import write_files


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
    origins, differences, _ = problems(root, repo)  # the one replay from the empty framework: the site uses it
    if differences:
        raise Refusal("verify fails, so there is nothing trustworthy to release:\n" + "\n".join(differences))
    built = directory / version
    log = _recorded(repo, version, built if releasedir.is_release(built) else None, force, source_epoch(root))
    if log is not None and tag:  # the tag names the commit that records the release, so it is made first
        _record(root, log, version, tag)
        repo, _ = check_repository(root)
    elif log is not None:  # built as recorded, and recorded only once it is built
        repo, _ = load(overlay(repo.snapshot, {LOG_FILE: render(log)}))
    epoch = source_epoch(root)
    target = printable_name(str(built))
    try:
        with releasedir.staged(directory, version) as staging:
            top = write_release(staging, root, repo, version, epoch, links, origins)
    except OSError as exc:
        raise Refusal(f"{target}: cannot write the release ({exc.strerror or exc}); {advice(exc)}; "
                      f"{target} is as it was") from exc
    if log is not None and not tag:
        _record(root, log, version, tag)
    sys.stdout.write(f"built {target}: {', '.join(top)}\n")
    if tag:
        git_repo = history.open_repo(root)
        history.create_tag(git_repo, f"v{version}", built / "CHANGELOG.md")
        sys.stdout.write(f"tagged v{version}\n")
    return 0
