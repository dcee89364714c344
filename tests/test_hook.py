"""The commit hook, for real: `pre-commit install` in a temporary git repository, then `git commit`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, committed_copy, git, git_env


@pytest.fixture()
def hooked(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = committed_copy(tmp_path / "repo", with_hooks=True)
    env = git_env(home=tmp_path)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True,
                   capture_output=True)
    return repo, env


def commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "commit", "-m", message, check=False, env=env)


def test_clean_commit_passes(hooked: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked
    path = repo / "framework/skills/ITOP/level-1.yaml"
    text = path.read_text()
    assert "Carries out routine" in text
    path.write_text(text.replace("Carries out routine", "Carries out regular", 1))
    git(repo, "add", "-A", env=env)
    result = commit(repo, env, "Reword ITOP level 1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skillrepo check (the whole repository)" in result.stdout + result.stderr


def test_commit_breaking_a_reference_is_refused(hooked: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked
    path = repo / "framework/skills/ITOP/skill.yaml"
    path.write_text(path.read_text().replace("  - ITMG\n", "  - ITMX\n", 1))
    git(repo, "add", "-A", env=env)
    result = commit(repo, env, "Break a reference")
    assert result.returncode != 0
    assert "framework/skills/ITOP/skill.yaml:22:5: R404 related skill ITMX does not exist" in result.stdout + result.stderr
    assert git(repo, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "1"


def test_commit_that_only_deletes_a_referenced_skill_is_refused(hooked: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked
    git(repo, "rm", "-r", "--quiet", "framework/skills/NTAS", env=env)
    result = commit(repo, env, "Delete NTAS")
    assert result.returncode != 0
    assert "R404 related skill NTAS does not exist" in result.stdout + result.stderr
    assert git(repo, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "1"


def test_unformatted_file_is_fixed_by_the_fmt_hook(hooked: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked
    path = repo / "framework/skills/ITOP/skill.yaml"
    original = path.read_text()
    path.write_text(original.replace("name: IT infrastructure", "name: 'IT infrastructure'"))
    git(repo, "add", "-A", env=env)
    result = commit(repo, env, "Quote a name")
    assert result.returncode != 0
    assert "files were modified by this hook" in result.stdout + result.stderr
    assert path.read_text() == original


def test_offered_hooks_and_own_config_are_valid() -> None:
    for command in (["validate-manifest", ".pre-commit-hooks.yaml"], ["validate-config", ".pre-commit-config.yaml"]):
        result = subprocess.run([sys.executable, "-m", "pre_commit", *command], cwd=ROOT, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr
