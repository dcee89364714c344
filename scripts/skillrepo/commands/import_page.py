"""`skillrepo import PAGE`: a change request from the text of a published change request page."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository, check_snapshot
from skillrepo.documents import overlay
from skillrepo.findings import ERROR
from skillrepo.errors import SkillrepoError, UsageError
from skillrepo.layout import manifest_path
from skillrepo.manifests import render_manifest
from skillrepo.pages import MAX_PAGE_CHARS, manifest_from_page, parse_page
from skillrepo.writing import write_files


def _read(page: str) -> tuple[str, str]:
    if page == "-":
        data = sys.stdin.buffer.read(4 * MAX_PAGE_CHARS + 1)
        if len(data) > 4 * MAX_PAGE_CHARS:
            raise SkillrepoError(f"standard input is over {4 * MAX_PAGE_CHARS:,} bytes, over the limit of "
                                 f"{MAX_PAGE_CHARS:,} characters for a change request page; copy the text of one page")
        return data.decode("utf-8", "replace"), "standard input"
    limit = 4 * MAX_PAGE_CHARS  # UTF-8 takes at most four bytes a character: never read more than that
    try:
        with open(page, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {page}: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        size = Path(page).stat().st_size
        raise SkillrepoError(f"{page} is {size:,} bytes long, over the limit of {MAX_PAGE_CHARS:,} characters for a "
                             "change request page; copy the text of one page")
    try:
        return raw.decode("utf-8"), page
    except UnicodeDecodeError as exc:
        raise SkillrepoError(f"{page} is not UTF-8 text (byte {exc.start}); save the page as UTF-8") from exc


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
