"""`apply --commit` and `revert --commit` with the repository's hooks installed (the real pre-commit): the
hooks' own skillrepo commands run inside the calling command's lock, and a refused commit leaves nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_bundled, git, git_env, init_git, reaccept, run_in_process
from skillrepo.locking import TOKEN_ENV, inside_holder

FAILING_HOOK = """
      - id: refuse-everything
        name: refuse every commit
        entry: this repository takes no commits today
        language: fail
        files: ^framework/
"""


def _install(repo: Path, tmp_path: Path) -> dict[str, str]:
    init_git(repo)
    env = git_env(home=tmp_path)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True,
                   capture_output=True)
    return env


def _skillrepo(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillrepo", *args], cwd=repo, env=env, text=True,
                          capture_output=True)


def _state(repo: Path, env: dict[str, str]) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, the index and every file under framework/ and changes/."""
    files = {str(p.relative_to(repo)): p.read_bytes() for d in ("framework", "changes")
             for p in sorted((repo / d).rglob("*")) if p.is_file()}
    return (git(repo, "rev-parse", "HEAD", env=env).stdout, git(repo, "ls-files", "-s", env=env).stdout, files)


@pytest.fixture()
def hooked(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = copy_bundled(tmp_path / "repo", with_hooks=True)
    return repo, _install(repo, tmp_path)


def test_revert_then_apply_commit_through_the_hooks(hooked: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked
    for args in (("revert", "1434", "--commit"), ("apply", "CR-1434", "--commit")):
        if args[0] == "apply":  # a maintainer's decision, committed through the hooks too
            reaccept(repo, "CR-1434", commit=True, env=env)
        result = _skillrepo(repo, env, *args)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "committed " in result.stdout
        assert git(repo, "status", "--porcelain", env=env).stdout == ""
        if args[0] == "revert":  # the revert's one commit sets the status with the files it undoes
            committed = git(repo, "show", "HEAD:changes/CR-1434/manifest.yaml", env=env).stdout
            assert "\nstatus: reverted\n" in committed and "applied_in" not in committed
    log = git(repo, "log", "--format=%s", "-3", env=env).stdout.splitlines()
    assert log == ["Apply CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4", "Accept CR-1434 again",
                   "Revert CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4"]


def test_a_failing_hook_leaves_files_index_and_branch_as_they_were(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo", with_hooks=True)
    config = repo / ".pre-commit-config.yaml"
    config.write_text(config.read_text() + FAILING_HOOK)
    env = _install(repo, tmp_path)
    before = _state(repo, env)
    result = _skillrepo(repo, env, "revert", "CR-1434", "--commit")
    assert result.returncode == 1, result.stdout + result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: the commit's pre-commit hook failed (refuse every commit); nothing is committed")
    assert "this repository takes no commits today" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # nothing is said to be reverted
    assert _state(repo, env) == before
    assert not (repo / ".skillrepo").exists()


def test_a_lock_file_a_checkout_brings_grants_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock file holding the digest of a token we were given, that no process holds, is no holder's."""
    repo = copy_bundled(tmp_path / "repo")
    (repo / ".skillrepo").mkdir()
    # The digest is sha256("test"): the file matches the token, but nobody holds the lock.
    (repo / ".skillrepo/lock").write_text(
        "someone\ntoken-sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n")
    monkeypatch.setenv(TOKEN_ENV, "test")
    assert not inside_holder(repo)
    monkeypatch.setenv(TOKEN_ENV, "")
    assert not inside_holder(repo)


def test_apply_commit_refused_by_a_hook_leaves_everything_as_it_was(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo", with_hooks=True)
    unhooked = run_in_process("revert", "CR-1434", cwd=repo)  # the set-up: no hooks yet, no process needed
    assert unhooked.returncode == 0, unhooked.stderr
    reaccept(repo, "CR-1434")
    config = repo / ".pre-commit-config.yaml"
    config.write_text(config.read_text() + FAILING_HOOK)
    env = _install(repo, tmp_path)
    before = _state(repo, env)
    result = _skillrepo(repo, env, "apply", "#1434", "--commit")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "(refuse every commit)" in result.stderr.splitlines()[0]
    assert _state(repo, env) == before
    assert git(repo, "status", "--porcelain", env=env).stdout == ""
