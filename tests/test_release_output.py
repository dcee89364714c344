"""Where a release is written: never into the repository's data or tooling, never over what is not a release
this tool built, replaced in one rename, whole even when the process is killed or the disk is full."""

from __future__ import annotations

import errno
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import committed_copy, held_like_a_running_command, run_cli, run_in_process, write_files
from skillrepo import releasedir, staging
from skillrepo.main import main
from test_durability import kill_command, run_to_pause, start_stepped, wait_for

NEW_CR = """\
id: CR-1500
title: A draft nobody committed yet
status: draft
applies_to: [ITOP]
operations: []
"""


def files(top: Path) -> dict[str, bytes]:
    """Every file under `top`, hidden ones included (no link is followed)."""
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def everything(top: Path) -> dict[str, tuple[int, bytes]]:
    """Every entry under `top` with its mode, and a file's bytes or a link's target."""
    out: dict[str, tuple[int, bytes]] = {}
    for path in sorted(top.rglob("*")):
        st = path.lstat()
        data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes() if path.is_file() else b""
        out[path.relative_to(top).as_posix()] = (st.st_mode, data)
    return out


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """A committed copy of the bundled repository, with an uncommitted draft CR beside it."""
    root = committed_copy(tmp_path / "repo")
    write_files(root, {"changes/CR-1500/manifest.yaml": NEW_CR})
    return root


@pytest.fixture(scope="module")
def drafted_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`drafted`, made once for the cases refused before anything is written: refused() asserts of each that
    nothing under the repository's directory changed, so the next case finds it as it was."""
    root = committed_copy(tmp_path_factory.mktemp("drafted") / "repo")
    write_files(root, {"changes/CR-1500/manifest.yaml": NEW_CR})
    return root


def refused(root: Path, *args: str) -> str:
    """Run `release ARGS` in `root`, assert it is refused (usage) and changes nothing; its message."""
    before = everything(root.parent)
    result = run_in_process("release", *args, cwd=root)  # the message is the point, not the process
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert everything(root.parent) == before
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("args, message", [
    (["changes", "--out", "."], "error: version 'changes' is not a version: digits and dots, with an optional "
                                "-prerelease or +build, e.g. 1.0.0 or 2.0.0-rc.1\n"),
    (["v1.2.0"], "error: version 'v1.2.0': give it without the leading v (1.2.0); the tag is v1.2.0\n"),
    (["..", "--out", "dist"], None), (["1.0.0/x"], None), (["1.0"*40], None), ([""], None), (["1.0.0-"], None),
    (["1.0.0\n"], None), (["1.0.0 "], None),
])
def test_a_version_that_is_not_a_version_is_refused(drafted_once: Path, args: list[str], message: str | None) -> None:
    stderr = refused(drafted_once, *args)
    if message is not None:
        assert stderr == message
    else:
        assert "is not a version: digits and dots" in stderr


@pytest.mark.parametrize("out, place", [
    ("changes", "changes"), ("framework/skills", "framework"), ("schemas", "schemas"), (".git", ".git"),
    (".github/x", ".github"), ("scripts", "scripts"), ("tests", "tests"), ("docs", "docs"), ("benchmarks", "benchmarks"),
    (".skillrepo", ".skillrepo"),
])
def test_a_release_is_never_written_into_the_repositorys_data_or_tooling(drafted_once: Path, out: str,
                                                                         place: str) -> None:
    stderr = refused(drafted_once, "1.0.0", "--out", out)
    assert stderr == (f"error: --out {out}: {drafted_once / out / '1.0.0'} would be inside the repository's {place}/, "
                      "which a release never writes to; give another --out, e.g. dist\n")


def test_a_release_never_replaces_the_repository_or_a_directory_holding_it(tmp_path: Path) -> None:
    root = committed_copy(tmp_path / "work" / "1.0.0")
    assert refused(root, "1.0.0", "--out", "..") == (
        f"error: --out ..: {root} would replace the repository itself; give another --out, e.g. dist\n")
    inner = committed_copy(tmp_path / "2.0.0" / "repo")
    assert refused(inner, "2.0.0", "--out", str(tmp_path)) == (
        f"error: --out {tmp_path}: {tmp_path / '2.0.0'} would replace the repository itself; give another --out, "
        "e.g. dist\n")


def test_out_a_file_a_link_or_in_proc_is_refused_naming_it(drafted: Path, tmp_path: Path) -> None:
    (drafted / "notes.txt").write_text("mine\n")
    (tmp_path / "elsewhere").mkdir()
    (drafted / "dist").symlink_to(tmp_path / "elsewhere")
    (drafted / "real").mkdir()
    (drafted / "real" / "link").symlink_to(tmp_path / "elsewhere")
    assert refused(drafted, "1.0.0", "--out", "notes.txt") == (
        "error: --out notes.txt is a file, not a directory; give a directory (it is created if missing), e.g. dist\n")
    for out, link in (("dist", "dist"), ("dist/x", "dist"), ("real/link", "real/link")):
        assert refused(drafted, "1.0.0", "--out", out) == (
            f"error: --out {out}: {drafted / link} is a symbolic link; a release is written only into a real directory: "
            "give the directory it points to, or another\n")
    alias = tmp_path / "alias"  # the repository spelled through a link of the user's own
    alias.symlink_to(drafted)
    assert refused(drafted, "1.0.0", "--out", f"{alias}/dist/x") == (
        f"error: --out {alias}/dist/x: {alias}/dist is a symbolic link; a release is written only into a real "
        "directory: give the directory it points to, or another\n")
    assert refused(drafted, "1.0.0", "--out", "/proc/nope") == (
        "error: --out /proc/nope is in proc/, which the kernel keeps and holds no files; give a directory of your "
        "own, e.g. dist\n")
    assert not any((tmp_path / "elsewhere").iterdir())


def test_out_that_cannot_be_written_gives_one_line(drafted: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def read_only(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(drafted / "dist"))

    monkeypatch.setattr(staging.tempfile, "mkdtemp", read_only)  # as root, no mode bit stops a write
    monkeypatch.chdir(drafted)
    before = everything(drafted)
    assert main(["--repo", str(drafted), "release", "1.0.0", "--out", "dist/new"]) == 1
    assert capsys.readouterr().err == (f"error: --out {drafted / 'dist/new'}: cannot write there (Permission denied); "
                                       "give a directory you can write to\n")
    assert everything(drafted) == before  # not even the directories it made for the release


def test_an_existing_directory_that_is_not_a_release_is_never_replaced(drafted: Path) -> None:
    mine = drafted / "dist" / "1.0.0"
    write_files(mine, {"notes.md": "my notes\n"})
    result = run_in_process("release", "1.0.0", cwd=drafted)
    assert result.returncode == 1
    assert result.stderr == (f"error: {mine} exists and is not a release built by skillrepo (it has no "
                             ".skillrepo-release); move it away or give another --out\n")
    assert files(drafted / "dist") == {"1.0.0/notes.md": b"my notes\n"}
    mine.joinpath("notes.md").unlink()  # an empty directory holds nothing to lose
    assert run_in_process("release", "1.0.0", cwd=drafted).returncode == 0
    assert releasedir.is_release(mine)


def test_a_release_replaces_the_one_before_whole_with_modes_from_the_umask(drafted: Path) -> None:
    def build(epoch: str, umask: int, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "skillrepo", "release", "1.0.0", *extra], cwd=drafted, text=True,
                              capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
                              preexec_fn=lambda: os.umask(umask) and None)

    assert build("1700000000", 0o022).returncode == 0
    old = files(drafted / "dist/1.0.0")
    result = build("1800000000", 0o002, "--force")  # the same release, built again
    assert result.returncode == 0, result.stderr
    new = files(drafted / "dist/1.0.0")
    assert new != old and new[".skillrepo-release"] == releasedir.MARKER_TEXT
    assert sorted(p.name for p in (drafted / "dist").iterdir()) == ["1.0.0"]  # nothing left beside it
    modes = {p.relative_to(drafted).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in (drafted / "dist").rglob("*")}
    assert modes["dist/1.0.0"] == 0o775 and modes["dist/1.0.0/site"] == 0o775
    assert modes["dist/1.0.0/skills.csv"] == 0o664 and modes["dist/1.0.0/.skillrepo-release"] == 0o664
    assert set(modes.values()) == {0o775, 0o664}


def test_a_release_without_an_exchange_moves_the_old_one_aside_and_a_kill_between_is_undone(
        drafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(staging, "exchange", lambda *args: False)  # a file system without RENAME_EXCHANGE
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["--repo", str(drafted), "release", "1.0.0", "--out", str(drafted / "dist")]) == 0
    old = files(drafted / "dist/1.0.0")
    # As a release killed between its two renames leaves it: the old release aside, the new one not in place.
    os.rename(drafted / "dist/1.0.0", drafted / "dist/.1.0.0.release-old")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    renames: list[tuple[object, object]] = []
    real_rename = os.rename

    def watched(src: str, dst: str, **kwargs: int) -> None:
        renames.append((src, dst))
        if (src, dst) == ("1.0.0", ".1.0.0.release-old"):  # the old release is back in place before this
            assert files(drafted / "dist/1.0.0") == old
        real_rename(src, dst, **kwargs)

    monkeypatch.setattr(releasedir.os, "rename", watched)
    assert main(["--repo", str(drafted), "release", "1.0.0", "--out", str(drafted / "dist"), "--force"]) == 0
    assert renames[0] == (".1.0.0.release-old", "1.0.0")
    assert files(drafted / "dist/1.0.0") != old and sorted(os.listdir(drafted / "dist")) == ["1.0.0"]
    capsys.readouterr()


def test_the_next_release_removes_staging_that_killed_releases_left_and_nothing_else(drafted: Path) -> None:
    dist = drafted / "dist"
    abandoned = dist / ".1.0.0.release-k1ll3d42"
    write_files(abandoned, {releasedir.MARKER: releasedir.MARKER_TEXT, "site/index.html": "half\n"})
    empty = dist / ".0.9.release-b4m4rk3r"  # killed before its marker was written
    empty.mkdir()
    running = dist / ".1.0.0.release-runs4now"
    write_files(running, {releasedir.MARKER: releasedir.MARKER_TEXT})
    foreign = dist / ".1.0.0.release-n0tm1n3x"  # our kind of name, not our content
    write_files(foreign, {"keep.txt": "keep\n"})
    with held_like_a_running_command(running):  # as the command that made it holds it
        result = run_cli("release", "1.0.0", cwd=drafted)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"note: removed {empty}, left by a release that was interrupted\n"
                             f"note: removed {abandoned}, left by a release that was interrupted\n")
    assert sorted(os.listdir(dist)) == [".1.0.0.release-n0tm1n3x", ".1.0.0.release-runs4now", "1.0.0"]


def _limit_file_size() -> None:
    """In the child: files may not grow past 100 kB, and going over fails the write (EFBIG), as a full disk
    fails it (ENOSPC), instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


def test_a_full_disk_during_a_release_leaves_the_old_release_and_says_so_in_one_line(drafted: Path) -> None:
    assert run_in_process("release", "1.0.0", cwd=drafted).returncode == 0
    before = everything(drafted)
    result = subprocess.run([sys.executable, "-m", "skillrepo", "release", "1.0.0", "--force"], cwd=drafted,
                            text=True, capture_output=True, preexec_fn=_limit_file_size,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000"})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"error: {drafted / 'dist/1.0.0'}: cannot write the release (File too large); free some "
                             "space (or raise the limit on file size) and run the command again; "
                             f"{drafted / 'dist/1.0.0'} is as it was\n")
    assert everything(drafted) == before


def test_a_release_that_cannot_replace_the_old_one_leaves_it_and_says_so(
        drafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(drafted)
    assert main(["--repo", str(drafted), "release", "1.0.0"]) == 0
    before = everything(drafted)

    def immutable(dir_fd: int, a: str, b: str) -> bool:  # what renameat2 says of an immutable directory
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), b)

    monkeypatch.setattr(staging, "exchange", immutable)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    capsys.readouterr()
    assert main(["--repo", str(drafted), "release", "1.0.0", "--force"]) == 1
    target = drafted / "dist/1.0.0"
    assert capsys.readouterr().err == (
        f"error: {target}: cannot write the release (Operation not permitted); make it writable (an immutable "
        f"file: chattr -i) and run the command again; {target} is as it was\n")
    assert everything(drafted) == before


def test_a_killed_release_leaves_the_old_release_or_the_new_one_whole(drafted: Path) -> None:
    assert run_in_process("release", "1.0.0", cwd=drafted).returncode == 0
    old = files(drafted / "dist/1.0.0")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000"}
    outcomes = []
    # Killed as soon as its staging directory appears, then at each of its pauses in turn, then let through.
    for pause in range(100):
        process = start_stepped(["release", "1.0.0", "--force"], drafted, env)
        if pause == 0:
            wait_for(lambda p=process: len(os.listdir(drafted / "dist")) > 1 or p.poll() is not None)
        elif not run_to_pause(process, pause):
            assert process.wait() == 0
        kill_command(process)
        now = files(drafted / "dist/1.0.0")
        assert now == old or (releasedir.is_release(drafted / "dist/1.0.0") and sums_hold(drafted / "dist/1.0.0"))
        outcomes.append("old" if now == old else "new")
        if now != old:
            break
    assert outcomes[0] == "old" and outcomes[-1] == "new", outcomes
    new = files(drafted / "dist/1.0.0")
    again = run_in_process("release", "1.0.0", "--force", cwd=drafted, env=env)
    assert again.returncode == 0, again.stderr
    assert files(drafted / "dist/1.0.0") == new  # the same commit, the same bytes
    assert sorted(os.listdir(drafted / "dist")) == ["1.0.0"]  # whatever the killed releases left, this one removed


def sums_hold(release: Path) -> bool:
    """Whether every file SHA256SUMS lists is there with its checksum: the release is whole."""
    check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=release, capture_output=True)
    return check.returncode == 0
