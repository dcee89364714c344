"""The proofs have no holes: what `check` and `verify` accept is exactly what change requests did, in real git
repositories with release tags (the lifecycle of an applied change request, framework.yaml, frozen operations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import copy_bundled, git, init_git, run_cli, write_files

ITOP3 = "framework/skills/ITOP/level-3.yaml"

EDIT_CR = """\
id: {id}
title: Reword ITOP level 3
status: {status}
applies_to: [ITOP]
{applied}operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {{old: "{old}", new: "{new}"}}
"""


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """The bundled framework in git, released as v1."""
    root = init_git(copy_bundled(tmp_path / "repo"))
    git(root, "tag", "v1")
    return root


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = run_cli(*args, cwd=root)
    assert result.stderr == "" and "Traceback" not in result.stdout
    return result.returncode, result.stdout


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- a change request with applied_in that is not accepted is never replayed ----------------------------------


@pytest.mark.parametrize("status", ["declined", "draft", "withdrawn", "deferred", "submitted"])
def test_a_change_request_applied_but_not_accepted_fails_check_and_verify(repo: Path, status: str) -> None:
    # The framework is changed and a CR claiming it is committed with it; were it replayed, verify would pass.
    write_files(repo, {"changes/CR-1500/manifest.yaml": EDIT_CR.format(
        id="CR-1500", status=status, applied='applied_in: "1"\n', old="following agreed standards",
        new="following agreed and published standards")})
    edit(repo, ITOP3, "following agreed standards", "following agreed and published standards")
    commit_all(repo, "Apply CR-1500")
    code, out = cli(repo, "check")
    assert code == 1
    assert (f"changes/CR-1500/manifest.yaml:5:1: R430 CR-1500 has applied_in \"1\" but status {status}: only an "
            "accepted change request is applied; set status back to accepted, revert it (skillrepo revert CR-1500), "
            "then set its status") in out.splitlines()
    assert cli(repo, "verify") == (1, (
        f"changes/CR-1500/manifest.yaml: CR-1500 has applied_in but status {status}, so it is not replayed (R430)\n"
        f"{ITOP3}: description changed outside any CR\n"
        "verify failed: framework/ is not what replaying the 0 change request(s) applied since v1 (none) gives; "
        "make every change through a change request\n"))
