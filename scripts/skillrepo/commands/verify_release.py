"""`skillrepo verify-release DIR`: build a release again from the repository as it was recorded at that release,
and compare every file with DIR byte for byte, and with DIR's SHA256SUMS.

changes/log.yaml records each release's content digest and the order of the change requests it held. When the
repository's content is still that, it is rebuilt from the repository as it is (its log as it was then);
otherwise from the tree of the tag vVERSION, read through history.py. The workbook's times come from
SOURCE_DATE_EPOCH or the tag's commit (else HEAD's), as release takes them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from skillrepo import history, releasedir
from skillrepo.building import sha256_of, source_epoch, write_release
from skillrepo.checker import check_repository, load
from skillrepo.documents import overlay
from skillrepo.errors import UsageError, advice
from skillrepo.exports import changelog
from skillrepo.layout import LOG_FILE, printable_name
from skillrepo.model import Repository
from skillrepo.planning import Refusal
from skillrepo.record import Applied, Log, content_digest, operations_digest, order_at, render

SUMS = "SHA256SUMS"


def release_directory(root: Path, given: str, out: Path) -> tuple[Path, str]:
    """DIR and its version: `given` is a release's directory (its name is the version), or a version whose
    directory is under `out`, as release puts it."""
    if os.path.isdir(given):
        directory = Path(os.path.abspath(given))
        if not releasedir.VERSION.fullmatch(directory.name):
            raise UsageError(f"{printable_name(given)}: a release's directory is named for its version, as release "
                             "builds it (dist/1.0.0); give that directory, or the version")
        return directory, directory.name
    releasedir.check_version(given)
    directory = releasedir.output_dir(root, out, given) / given
    if not directory.is_dir():
        raise UsageError(f"{printable_name(str(directory))}: no such release directory; give the directory a "
                         f"release was built into, or --out DIR where it is")
    return directory, given


def as_recorded(repo: Repository, version: str) -> Repository | None:
    """The repository with its log as it was when `version` was released, if its log records that release and
    its content is what the release was built from; else None."""
    log = repo.log
    found = log.release(version)
    if found is None or found.content != content_digest(repo.snapshot):
        return None
    order = order_at(log, version)
    if any(cr not in repo.changes for cr in order):
        return None
    then = Log(tuple(Applied(cr, operations_digest(repo.changes[cr].operations)) for cr in order),
               log.releases[:log.releases.index(found) + 1])
    recorded, _ = load(overlay(repo.snapshot, {LOG_FILE: render(then)}))
    return recorded


def source(root: Path, version: str) -> tuple[Repository, str, int]:
    """The repository as recorded at `version`, where it was read from, and the epoch its files are dated."""
    repo, _ = check_repository(root)
    git_repo = history.open_repo(root)
    tag = f"v{version}"
    commit = history.resolve(git_repo, tag) if history.has_tag(git_repo, tag) else None
    recorded = as_recorded(repo, version)
    if recorded is not None:
        return recorded, "the repository as it is", source_epoch(root, commit)
    if commit is None:
        raise Refusal(f"cannot rebuild {version}: changes/log.yaml records no release {version} built from the "
                      f"repository's content as it is, and there is no tag {tag} to read it from")
    then, _ = load(history.snapshot_at(git_repo, root, commit))
    recorded = as_recorded(then, version)
    if recorded is None:
        raise Refusal(f"cannot rebuild {version}: the tag {tag} holds no changes/log.yaml recording release "
                      f"{version} from the content there")
    return recorded, f"the tag {tag}", source_epoch(root, commit)


def files_under(directory: Path) -> dict[str, Path]:
    """Every regular file under `directory` by its path relative to it (links are not files of a release); the
    marker release leaves is not a published file."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = path.relative_to(directory).as_posix()
            if name != releasedir.MARKER:
                found[name] = path
    return found


def differences(directory: Path, rebuilt: Path) -> list[str]:
    """Each file of the rebuilt release that DIR lacks or holds otherwise, and each file DIR holds beyond it."""
    have, want = files_under(directory), files_under(rebuilt)
    found = [f"missing: {name}" for name in want if name not in have]
    found += [f"changed: {name}" for name in want if name in have and not _same(have[name], want[name])]
    found += [f"extra: {name}" for name in have if name not in want]
    return found


def _same(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            block = fa.read(1 << 20)
            if block != fb.read(1 << 20):
                return False
            if not block:
                return True


def checksum_problems(directory: Path) -> list[str]:
    """Where DIR's files and SHA256SUMS disagree: a file it lists that is missing or has another digest, a file
    it does not list."""
    sums = directory / SUMS
    if not sums.is_file():
        return [f"{SUMS}: missing, so nothing can be checked against it"]
    listed: dict[str, str] = {}
    for number, line in enumerate(sums.read_bytes().decode("utf-8", "replace").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            return [f"{SUMS}:{number}: not a line sha256sum writes (DIGEST, two spaces, FILE)"]
        listed[name] = digest
    have = files_under(directory)
    found = [f"{SUMS}: lists {name}, which is missing" for name in listed if name not in have]
    found += [f"{SUMS}: {name} does not match its checksum" for name in listed
              if name in have and sha256_of(have[name]) != listed[name]]
    found += [f"{SUMS}: does not list {name}" for name in have if name != SUMS and name not in listed]
    return found


def run(root: Path, given: str, out: Path, base_url: str | None = None) -> int:
    """Rebuild the release into a temporary directory and compare; exit 1 naming every difference."""
    directory, version = release_directory(root, given, out)
    links = changelog.site_links(base_url, "site/")
    repo, origin, epoch = source(root, version)
    shown = printable_name(given if os.path.isdir(given) else str(directory))  # as the user gave it
    try:
        with tempfile.TemporaryDirectory(prefix="skillrepo-verify-release-") as temp:
            write_release(Path(temp), root, repo, version, epoch, links)
            found = differences(directory, Path(temp)) + checksum_problems(directory)
            count = len(files_under(Path(temp)))
    except OSError as exc:
        raise Refusal(f"cannot build {version} again in {tempfile.gettempdir()} or read {shown} "
                      f"({exc.strerror or exc}); {advice(exc)}") from exc
    if found:
        sys.stdout.write("".join(f"{line}\n" for line in found))
        sys.stdout.write(f"verify-release failed: {shown} is not release {version} as built again from {origin}\n")
        return 1
    sys.stdout.write(f"verified {shown}: its {count} files are release {version} built again from {origin}, byte "
                     f"for byte, and match {SUMS}\n")
    return 0
