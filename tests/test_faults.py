"""Faults of the machine and of the command line never give a traceback: a full disk, an immutable file,
memory running out, a repository too large to hold, an argument that is not UTF-8. Each is one line naming
what failed and what to do, and nothing is left half written."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_bundled, git_env, linked_bundled, links_untouched
from skillrepo import checker, documents, writing
from skillrepo.main import COMMANDS, main
from test_durability import prepared, tree


def _limit_file_size() -> None:
    """In the child: no file may grow past 1,000 bytes, and a write that would fails with EFBIG (as one on a
    full disk fails with ENOSPC) instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


def test_a_full_disk_during_apply_gives_one_line_and_changes_nothing(tmp_path: Path) -> None:
    root = prepared(tmp_path)
    before = tree(root)
    result = subprocess.run([sys.executable, "-m", "skillrepo", "apply", "CR-1434"], cwd=root, text=True,
                            capture_output=True, preexec_fn=_limit_file_size)
    assert (result.returncode, result.stdout) == (2, "")  # a fault of the machine
    assert result.stderr == (f"error: {root}: File too large; free some space (or raise the limit on file size) "
                             "and run the command again\n")
    assert tree(root) == before


def test_an_immutable_file_during_apply_gives_one_line_naming_it_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = prepared(tmp_path)
    before = tree(root)
    real_replace = os.replace
    target = root / "framework/skills/ITOP/level-2.yaml"

    def immutable(src: str, dst: str, **dir_fds: int) -> None:  # what rename(2) says of a file with chattr +i
        if target.name in (Path(src).name, Path(dst).name):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), src, None, dst)
        real_replace(src, dst, **dir_fds)

    monkeypatch.setattr(writing.os, "replace", immutable)
    assert main(["--repo", str(root), "apply", "CR-1434"]) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.startswith(f"error: {target} -> {target.parent}/.level-2.yaml.") and err.count("\n") == 1
    assert err.endswith(".old: Operation not permitted; make it writable (an immutable file: chattr -i) and run the "
                        "command again\n")
    assert tree(root) == before


def test_memory_running_out_gives_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_bundled(tmp_path / "repo")

    def too_much(*_: object, **__: object) -> object:
        raise MemoryError

    monkeypatch.setattr(checker, "read_snapshot", too_much)
    assert main(["--repo", str(root), "check"]) == 2
    assert capsys.readouterr().err == ("error: the repository does not fit in this machine's memory; run the "
                                       "command on a machine with more memory (or raise the memory limit: "
                                       "ulimit -v)\n")


def _many_manifests(root: Path, count: int) -> int:
    """`count` legal draft change requests, each a copy of CR-1434 under a new id; the bytes they add."""
    text = (root / "changes/CR-1434/manifest.yaml").read_text(encoding="utf-8")
    text = text.replace("status: applied", "status: draft").replace("status: accepted", "status: draft")
    added = 0
    for n in range(2000, 2000 + count):
        path = root / f"changes/CR-{n}/manifest.yaml"
        path.parent.mkdir()
        data = text.replace("CR-1434", f"CR-{n}").encode("utf-8")
        path.write_bytes(data)
        added += len(data)
    return added


@pytest.mark.parametrize("command", [["check"], ["status"], ["verify"], ["changelog"], ["preview", "CR-1434"],
                                     ["apply", "CR-1434"], ["fmt"], ["release", "1.0.0"]])
def test_a_repository_over_the_budget_is_refused_before_it_is_read(
        git_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    root = git_root
    bundled = sum(p.stat().st_size for top in ("framework", "changes") for p in (root / top).rglob("*.yaml"))
    total = bundled + _many_manifests(root, 20)
    monkeypatch.setattr(documents, "MAX_REPOSITORY_BYTES", bundled + 1000)  # the bundled data and a little
    read: list[Path] = []
    monkeypatch.setattr(documents, "_read_data_file", lambda path: read.append(path) or b"")
    monkeypatch.chdir(root)
    before = tree(root)
    assert main(["--repo", str(root), *command]) == 1
    assert capsys.readouterr().err == (
        f"error: {root}: the data files under framework/ and changes/ add up to {total:,} bytes, over the limit of "
        f"{bundled + 1000:,} that skillrepo holds in memory (a framework the size of SFIA takes 7 MB); remove what "
        "is not the framework's, or split it into several repositories\n")
    assert read == [] and tree(root) == before


def test_a_commit_over_the_budget_is_refused_as_its_files_are_read(git_root: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = git_root
    _many_manifests(root, 20)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=git_env())
    subprocess.run(["git", "commit", "-qm", "Twenty drafts"], cwd=root, check=True, env=git_env())
    subprocess.run(["git", "tag", "v1"], cwd=root, check=True, env=git_env())
    for n in range(2000, 2020):  # the work tree is small again; the release it replays from is not
        (root / f"changes/CR-{n}/manifest.yaml").unlink()
        (root / f"changes/CR-{n}").rmdir()
    bundled = sum(p.stat().st_size for top in ("framework", "changes") for p in (root / top).rglob("*.yaml"))
    monkeypatch.setattr(documents, "MAX_REPOSITORY_BYTES", bundled + 1000)
    assert main(["--repo", str(root), "verify", "--base", "v1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {root} (as committed): the data files under framework/ and changes/ add up to ")
    assert err.count("\n") == 1


def test_the_bundled_repository_is_far_under_the_budget() -> None:
    root = Path(__file__).resolve().parent.parent
    total = sum(p.stat().st_size for top in ("framework", "changes") for p in (root / top).rglob("*.yaml"))
    assert total * 100 < documents.MAX_REPOSITORY_BYTES


ARGUMENTS = {
    "check": ["check", "framework/x\udcff.yaml"], "fmt": ["fmt", "x\udcff"], "rules": ["rules", "--format", "\udcff"],
    "new": ["new", "A title \udce9"], "import": ["import", "page\udcff.txt"], "preview": ["preview", "CR-1\udcff"],
    "apply": ["apply", "CR-1434", "CR-\udcff"], "revert": ["revert", "\udcffCR-1434"],
    "status": ["status", "--format", "t\udcffxt"], "verify": ["verify", "--base", "v\udcff"],
    "changelog": ["changelog", "--since", "\udcff"], "release": ["release", "1.0.0", "--out", "dist\udcff"],
    "init": ["init", "new\udcff"], "authorize": ["authorize", "--base", "main", "--author", "\udcffme"],
    "history": ["history", "IT\udcffP"], "blame": ["blame", "ITOP", "\udcff5"],
    "verify-release": ["verify-release", "dist\udcff/1.0.0"],
}


def test_every_command_is_tried_with_an_argument_that_is_not_utf8() -> None:
    assert sorted(ARGUMENTS) == sorted(COMMANDS)


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_an_argument_that_is_not_utf8_is_refused_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], command: str) -> None:
    root = linked_bundled(tmp_path / "repo")  # refused before reading it: its files may be shared links
    monkeypatch.chdir(root)
    before = tree(tmp_path)
    argv = ARGUMENTS[command]
    bad = next(n for n, arg in enumerate(argv, start=1) if any(0xDC80 <= ord(c) <= 0xDCFF for c in arg))
    shown = argv[bad - 1].encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    assert main(argv) == 2
    assert capsys.readouterr().err == (f"error: argument {bad} ('{shown}') is not UTF-8 text; give every argument "
                                       "as UTF-8\n")
    assert tree(tmp_path) == before and links_untouched(root)


def test_a_title_of_raw_bytes_on_the_real_command_line_is_refused(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    before = tree(root)
    result = subprocess.run([sys.executable, "-m", "skillrepo", "new", b"Create \xff\xfe level 6"], cwd=root,
                            capture_output=True)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr == b"error: argument 2 ('Create \\xff\\xfe level 6') is not UTF-8 text; give every argument as UTF-8\n"
    assert tree(root) == before
