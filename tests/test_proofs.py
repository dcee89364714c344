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


# --- an applied change request's operations are frozen: against the commit that applied it, and the release ---

AGREED = "following agreed standards"
PUBLISHED = "following agreed and published standards"
REWRITTEN = "following agreed and unwritten standards"  # as long: the folding stays canonical


def apply_cr_1500(root: Path) -> None:
    """CR-1500 proposed, accepted and applied with `apply --commit`, as a maintainer does."""
    write_files(root, {"changes/CR-1500/manifest.yaml": EDIT_CR.format(
        id="CR-1500", status="accepted", applied="", old=AGREED, new=PUBLISHED)})
    commit_all(root, "Accept CR-1500")
    assert cli(root, "apply", "CR-1500", "--commit")[0] == 0


def rewrite_cr_1500(root: Path) -> None:
    """One commit that rewrites CR-1500's operations and framework/ together, consistently with each other."""
    edit(root, "changes/CR-1500/manifest.yaml", f'new: "{PUBLISHED}"', f'new: "{REWRITTEN}"')
    edit(root, ITOP3, PUBLISHED, REWRITTEN)
    commit_all(root, "Tidy CR-1500")


def test_operations_rewritten_with_the_framework_after_applying_fail_verify(repo: Path) -> None:
    apply_cr_1500(repo)
    assert cli(repo, "verify")[0] == 0
    rewrite_cr_1500(repo)
    assert cli(repo, "check") == (0, "checked 91 files: no problems\n")  # HEAD agrees with the work tree; no release has CR-1500
    applied = git(repo, "log", "--format=%H", "--grep=Change-Request: CR-1500").stdout.strip()[:10]
    assert cli(repo, "verify") == (1, (
        f"changes/CR-1500/manifest.yaml: the operations of CR-1500 are not those of the commit that applied it "
        f"({applied}); an applied change request is a record: revert it (skillrepo revert CR-1500), then change "
        "it and apply it again\n"
        "verify failed: framework/ is not what replaying the 1 change request(s) applied since v1 (CR-1500) gives; "
        "make every change through a change request\n"))


def test_revert_change_and_apply_again_before_a_release_verifies(repo: Path) -> None:
    apply_cr_1500(repo)
    assert cli(repo, "revert", "CR-1500", "--commit")[0] == 0
    edit(repo, "changes/CR-1500/manifest.yaml", f'new: "{PUBLISHED}"', f'new: "{REWRITTEN}"')
    commit_all(repo, "Change CR-1500")
    assert cli(repo, "apply", "CR-1500", "--commit")[0] == 0
    assert cli(repo, "check") == (0, "checked 91 files: no problems\n")
    assert cli(repo, "verify") == (0, "verified: replaying the 1 change request(s) applied since v1 (CR-1500) "
                                      "gives framework/ exactly\n")


def test_operations_rewritten_after_a_release_fail_check_against_that_release(repo: Path) -> None:
    apply_cr_1500(repo)
    git(repo, "tag", "v2")
    rewrite_cr_1500(repo)
    code, out = cli(repo, "check")
    assert (code, out.splitlines()[0]) == (1, (
        "changes/CR-1500/manifest.yaml:6:1: R423 the operations of CR-1500 are not those release v2 published it "
        "with (applied in edition 1); a published change request is a record: propose the change in a new change "
        "request"))
    assert cli(repo, "verify")[1].splitlines()[0] == f"{ITOP3}: description changed outside any CR"


def test_a_bundled_request_rewritten_after_the_first_release_fails_check(repo: Path) -> None:
    # CR-1432, applied in v1, rewritten with framework/ in one commit; an untagged commit and a newer tag that
    # does not change the manifest do not hide it.
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "Later")
    git(repo, "tag", "v1.1")
    text = (repo / "changes/CR-1432/manifest.yaml").read_text()
    old = "Provides technical leadership"
    assert old in text
    edit(repo, "changes/CR-1432/manifest.yaml", old, "Provides leadership")
    edit(repo, "framework/skills/ITOP/level-5.yaml", old, "Provides leadership")
    commit_all(repo, "Rewrite CR-1432 and ITOP level 5")
    code, out = cli(repo, "check")
    assert code == 1
    assert [line.split(": R423 ")[1] for line in out.splitlines() if ": R423 " in line] == [
        "the operations of CR-1432 are not those release v1.1 published it with (applied in edition 1); a "
        "published change request is a record: propose the change in a new change request"]
