"""Helpers that build real repositories for tests: copies of the bundled framework, git repositories, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA_DIRS = ("framework", "changes", "schemas")


def copy_bundled(dest: Path, with_hooks: bool = False) -> Path:
    """A copy of the bundled framework repository's data (framework/, changes/, schemas/) at `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in DATA_DIRS:
        shutil.copytree(ROOT / name, dest / name)
    if with_hooks:
        shutil.copy(ROOT / ".pre-commit-config.yaml", dest / ".pre-commit-config.yaml")
    return dest


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write files (text as UTF-8, bytes as they are) relative to `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def git_env(home: Path | None = None) -> dict[str, str]:
    """An environment for git with a fixed identity, no signing, no user or system config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
    })
    if home is not None:
        env["HOME"] = str(home)
    # The hook runs the `skillrepo` of this interpreter's environment.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def git(repo: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run git in `repo`; raise with its output if it fails and `check`."""
    result = subprocess.run(["git", *args], cwd=repo, env=env or git_env(), text=True, capture_output=True)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def init_git(repo: Path) -> Path:
    """Make `repo` a git repository on branch main with everything committed."""
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "Initial framework")
    return repo


def run_cli(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m skillrepo ARGS` as a user would, in `cwd`."""
    return subprocess.run([sys.executable, "-m", "skillrepo", *args], cwd=cwd, text=True, capture_output=True,
                          input=input, env={**os.environ, "PYTHONWARNINGS": "error"})
