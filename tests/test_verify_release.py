"""verify-release: a release built again as recorded, compared file by file and with SHA256SUMS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import committed_copy, git, run_in_process, write_files

RENAME = """\
id: CR-1500
title: Rename network support
status: accepted
applies_to: [NTAS]
operations:
  - op: update-skill
    skill: NTAS
    name: {from: Network support, to: Network operations}
"""


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A repository that released and tagged 1.0.0 into a dist/ beside it."""
    base = tmp_path_factory.mktemp("verify-release")
    repo = committed_copy(base / "repo")
    result = run_in_process("release", "1.0.0", "--out", str(base / "dist"), "--tag", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo, base / "dist"


def verify(repo: Path, *args: str) -> tuple[int, list[str]]:
    result = run_in_process("verify-release", *args, cwd=repo)
    assert result.stderr == ""
    return result.returncode, result.stdout.splitlines()


def copy(dist: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(dist / "1.0.0", tmp_path / "1.0.0"))


def test_a_fresh_build_verifies_in_one_line(tagged: tuple[Path, Path]) -> None:
    repo, dist = tagged
    built = dist / "1.0.0"
    count = sum(1 for p in built.rglob("*") if p.is_file()) - 1  # the marker release leaves is not published
    assert verify(repo, "1.0.0", "--out", str(dist)) == (0, [
        f"verified {built}: its {count} files are release 1.0.0 built again from the repository as it is, byte for "
        "byte, and match SHA256SUMS"])
    assert verify(repo, str(built))[0] == 0


def test_a_changed_file_and_a_missing_one_are_named(tagged: tuple[Path, Path], tmp_path: Path) -> None:
    repo, dist = tagged
    built = copy(dist, tmp_path)
    with (built / "site/skills/ITOP.html").open("ab") as f:
        f.write(b"<!-- edited -->")
    (built / "levels.csv").unlink()
    (built / "notes.txt").write_text("added by hand\n")
    assert verify(repo, str(built)) == (1, [
        "missing: levels.csv",
        "changed: site/skills/ITOP.html",
        "extra: notes.txt",
        "SHA256SUMS: lists levels.csv, which is missing",
        "SHA256SUMS: site/skills/ITOP.html does not match its checksum",
        "SHA256SUMS: does not list notes.txt",
        f"verify-release failed: {built} is not release 1.0.0 as built again from the repository as it is"])


def test_a_checksum_that_does_not_match_is_named(tagged: tuple[Path, Path], tmp_path: Path) -> None:
    repo, dist = tagged
    built = copy(dist, tmp_path)
    sums = (built / "SHA256SUMS").read_text()
    digest = next(line for line in sums.splitlines() if line.endswith("  skills.csv")).split()[0]
    (built / "SHA256SUMS").write_text(sums.replace(digest, "0" * 64))
    code, lines = verify(repo, str(built))
    assert code == 1 and lines[:2] == ["changed: SHA256SUMS", "SHA256SUMS: skills.csv does not match its checksum"]


def test_a_release_is_rebuilt_from_its_tag_once_the_repository_moved_on(tagged: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    repo, dist = tagged
    moved = Path(shutil.copytree(repo, tmp_path / "repo"))
    write_files(moved, {"changes/CR-1500/manifest.yaml": RENAME})
    git(moved, "add", "-A")
    git(moved, "commit", "-qm", "Propose CR-1500")
    assert run_in_process("apply", "CR-1500", "--commit", cwd=moved).returncode == 0
    code, lines = verify(moved, str(dist / "1.0.0"))
    assert code == 0 and lines[0].endswith("release 1.0.0 built again from the tag v1.0.0, byte for byte, and match "
                                           "SHA256SUMS")
    git(moved, "tag", "-d", "v1.0.0")
    refused = run_in_process("verify-release", str(dist / "1.0.0"), cwd=moved)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == ("error: cannot rebuild 1.0.0: changes/log.yaml records no release 1.0.0 built from "
                              "the repository's content as it is, and there is no tag v1.0.0 to read it from\n")
