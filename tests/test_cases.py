"""The corpus of bad repositories: each case under tests/cases/bad/ changes a copy of the bundled framework
and lists every finding `skillrepo check` must give for it, exactly."""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import git, init_git, linked_bundled, links_untouched, own_file, write_files
from skillrepo.checker import check_repository
from skillrepo.rules import RULES

CASES = sorted((Path(__file__).parent / "cases" / "bad").glob("*.yaml"))


def _load(case: Path) -> dict[str, Any]:
    with open(case, encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def apply_case(root: Path, case: dict[str, Any]) -> None:
    """Change a repository as a case says: write, write_bytes, edit, pad, delete, symlink, git_add. Each file it
    writes is made the tree's own first (a tree of linked_bundled's shares the others)."""
    for rel in (*case.get("write", {}), *case.get("write_bytes", {}), *case.get("edit", {}), *case.get("pad", {})):
        own_file(root / rel)
    write_files(root, dict(case.get("write", {})))
    write_files(root, {p: codecs.escape_decode(s.encode("utf-8"))[0] for p, s in case.get("write_bytes", {}).items()})
    for rel, edits in case.get("edit", {}).items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for edit in edits:
            assert text.count(edit["old"]) == 1, f"{rel}: {edit['old']!r} must occur once"
            text = text.replace(edit["old"], edit["new"])
        path.write_text(text, encoding="utf-8")
    for rel, size in case.get("pad", {}).items():  # grow a file to `size` bytes with comment lines
        path = root / rel
        data = path.read_bytes()
        filler = b"".join(b"# " + b"x" * 97 + b"\n" for _ in range((size - len(data)) // 100 + 1))
        path.write_bytes((data + filler)[:size - 1] + b"\n")
    for rel in case.get("delete", []):
        target = root / rel
        if target.is_dir():
            import shutil

            shutil.rmtree(target)
        else:
            target.unlink()
    for rel, target in case.get("symlink", {}).items():
        (root / rel).unlink(missing_ok=True)
        os.symlink(target, root / rel)
    for rel in case.get("git_add", []):  # tracked, as a commit would carry it (even if git-ignored)
        git(root, "add", "-f", rel)


@pytest.mark.parametrize("case_path", CASES, ids=[c.stem for c in CASES])
def test_case_gives_exactly_its_findings(case_path: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    case = _load(case_path)
    if case.get("xfail"):
        request.applymarker(pytest.mark.xfail(reason=case["xfail"], strict=True))
    root = linked_bundled(tmp_path / "repo")  # its files are links to one copy: a case changes its own copies
    if case.get("git"):  # the bundled repository committed first, so that HEAD is what the case changes
        init_git(root)
    apply_case(root, case)
    _, findings = check_repository(root)
    assert [f.as_text() for f in findings] == case["findings"]
    assert links_untouched(root), "a file shared with the other cases' trees was written to"


def test_every_rule_has_a_case() -> None:
    covered = {line.split(": ", 1)[1].split(" ", 1)[0] for c in CASES for line in _load(c)["findings"]}
    assert sorted(set(RULES) - covered) == []
