"""`skillrepo import PAGE`: a change request from the text of a published change request page."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository, check_snapshot
from skillrepo.documents import overlay
from skillrepo.errors import SkillrepoError, UsageError
from skillrepo.findings import ERROR
from skillrepo.layout import manifest_path
from skillrepo.manifests import render_manifest
from skillrepo.pages import MAX_PAGE_CHARS, manifest_from_page, parse_page
from skillrepo.writing import write_files


def _read(page: str) -> tuple[str, str]:
    """The text of the page at `page` (- for standard input) and how messages name it."""
    limit = 4 * MAX_PAGE_CHARS  # UTF-8 takes at most four bytes a character: never read more than that
    if page == "-":
        raw, source = sys.stdin.buffer.read(limit + 1), "standard input"
        if len(raw) > limit:
            raise SkillrepoError(f"standard input is over {limit:,} bytes, over the limit of {MAX_PAGE_CHARS:,} "
                                 "characters for a change request page; copy the text of one page")
    else:
        raw, source = _read_file(page, limit), page
    try:
        return raw.decode("utf-8"), source
    except UnicodeDecodeError as exc:  # refused, never replaced: the manifest would hold U+FFFD for a letter
        raise SkillrepoError(f"{source} is not UTF-8 text (byte {exc.start}); save the page as UTF-8") from exc


def _read_file(page: str, limit: int) -> bytes:
    try:
        with open(page, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {page}: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        size = Path(page).stat().st_size
        raise SkillrepoError(f"{page} is {size:,} bytes long, over the limit of {MAX_PAGE_CHARS:,} characters for a "
                             "change request page; copy the text of one page")
    return raw


def run(root: Path, page: str) -> int:
    """Write changes/CR-NNNN/manifest.yaml from a page; refuse, writing nothing, what cannot be imported."""
    text, source = _read(page)
    repo, _ = check_repository(root)
    existing = {p.name for p in (root / "changes").iterdir()} if (root / "changes").is_dir() else set()
    manifest = manifest_from_page(parse_page(text, source), repo.framework, existing)
    path = manifest_path(manifest["id"])
    files: dict[str, bytes | None] = {path: render_manifest(manifest)}
    _, findings = check_snapshot(overlay(repo.snapshot, files))
    errors = [f.as_text() for f in findings if f.path == path and f.severity == ERROR]
    if errors:
        raise SkillrepoError(f"the imported {path} would not pass check; nothing was written:\n" + "\n".join(errors))
    write_files(root, files)
    sys.stdout.write(path + "\n")
    return 0
