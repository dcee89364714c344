"""Nothing lost: a failure at any write, or a real process killed half way, leaves the repository as it
was or fully changed; two writers never interleave.

The processes whose kill, pause, lock or read-only mount is the point are real; the commands run beside or after
them (the check that undoes a killed write, a writer refused while one is paused, the readers) run in-process."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    copy_bundled,
    copy_repository,
    git,
    held_like_a_running_command,
    init_git,
    packed,
    reaccept,
    run_cli,
    run_in_process,
)
from skillrepo import writing
from skillrepo.main import main


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the repository, hidden ones included, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def without_the_cache(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files but the results `check` keeps in .skillrepo/cache/ (and the .gitignore made with them)."""
    cached = any(path.startswith(".skillrepo/cache/") for path in files)
    return {path: data for path, data in files.items()
            if not path.startswith(".skillrepo/cache/") and not (cached and path == ".skillrepo/.gitignore")}


def visible(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files a user sees: none of the journal, temporaries and put-aside originals of a write."""
    return {path: data for path, data in files.items() if not any(part.startswith(".") for part in path.split("/"))}


_PREPARED: dict[bool, Path] = {}


def prepared(tmp_path: Path, committed: bool = False) -> Path:
    """A repository where applying CR-1434 writes six files (four levels, the manifest and changes/log.yaml), at
    tmp_path/repo, and a git repository with all of it committed if `committed`: a copy of one made so once per
    session (the revert and the commit are the same each time)."""
    if committed not in _PREPARED:
        holder = tempfile.TemporaryDirectory(prefix="prepared-")
        atexit.register(holder.cleanup)
        root = copy_bundled(Path(holder.name) / "repo")
        assert main(["--repo", str(root), "revert", "CR-1434"]) == 0
        reaccept(root, "CR-1434")
        _PREPARED[committed] = packed(init_git(root)) if committed else root
    if committed:
        return copy_repository(_PREPARED[committed], tmp_path / "repo")
    return Path(shutil.copytree(_PREPARED[committed], tmp_path / "repo", symlinks=True))


def counting(real: Callable[..., Any], fail_at: int, calls: list[int]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == fail_at:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)
    return wrapper


COMMANDS = {
    "apply": ["apply", "CR-1434"],
    "revert": ["revert", "CR-1432"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_failure_at_any_write_leaves_every_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str], command: str) -> None:
    root = prepared(tmp_path)
    before = tree(root)
    fail_at = 1
    while True:  # fail the 1st, 2nd, ... step of writing until the command gets through
        calls: list[int] = []
        monkeypatch.setattr(writing, "_stage", counting(writing._stage, fail_at, calls))
        monkeypatch.setattr(writing, "_write_journal", counting(writing._write_journal, fail_at, calls))
        monkeypatch.setattr(writing.os, "replace", counting(os.replace, fail_at, calls))
        code = main(["--repo", str(root), *COMMANDS[command]])
        monkeypatch.undo()
        if code != 0:
            err = capsys.readouterr().err  # one line, naming the repository or the file in it that failed
            assert code == 2 and err.startswith(f"error: {root.resolve()}") and err.count("\n") == 1
            assert err.endswith(": No space left on device; free some space (or raise the limit on file size) and "
                                "run the command again\n")
            assert tree(root) == before, f"failing step {fail_at} changed the repository"
            fail_at += 1
            continue
        break
    assert fail_at > 8  # stages, journal, moves and the commit mark were each failed once
    assert tree(root) != before and not (root / ".skillrepo").exists()


def test_fmt_failing_half_way_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    for code in ("ASUP", "NTAS", "SYSP"):
        path = root / f"framework/skills/{code}/skill.yaml"
        path.write_text(path.read_text().replace("status: active", "status: 'active'"))
    before = tree(root)
    calls: list[int] = []
    monkeypatch.setattr(writing.os, "replace", counting(os.replace, 3, calls))
    assert main(["--repo", str(root), "fmt"]) == 2
    monkeypatch.undo()
    assert tree(root) == before


def kill_command(process: subprocess.Popen[Any]) -> None:
    """SIGKILL a command started in its own session and every process it started (its git too), as closing
    the terminal it runs in would."""
    with contextlib.suppress(ProcessLookupError):  # it may have ended by itself
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def start_stepped(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start `skillrepo ARGS` in its own session, stopping at each of its test pauses until told to go on."""
    env = {**(env or os.environ), "SKILLREPO_TEST_PAUSE_BETWEEN_MOVES": "step"}
    return subprocess.Popen([sys.executable, "-m", "skillrepo", *args], cwd=cwd, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_interruptible)


def _interruptible() -> None:
    """Ctrl-C acts as it does in a terminal even when the suite runs where SIGINT is ignored (a background job
    of a script): Python installs its KeyboardInterrupt handler only if SIGINT is not ignored when it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_to_pause(process: subprocess.Popen[bytes], count: int, hang_guard: float = 120.0) -> bool:
    """Let a stepped command go on until its `count`-th pause, where it stays (True), or until it ends (False)."""
    assert process.stdin is not None and process.stderr is not None
    said = b""
    deadline = time.monotonic() + hang_guard  # only a hung command reaches it
    while said.count(b"paused\n") < count:
        ready, _, _ = select.select([process.stderr], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, "the command neither paused nor ended"
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            return False
        before = said.count(b"paused\n")
        said += chunk
        for _ in range(before, min(said.count(b"paused\n"), count - 1)):
            process.stdin.write(b"\n")  # go on past every pause before the one to stop at
            process.stdin.flush()
    return True


def wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    """Poll `condition` until it holds; the deadline is a hang guard, not a guess at timing."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_killed_apply_is_undone_by_the_next_command(tmp_path: Path) -> None:
    root = prepared(tmp_path)
    before = tree(root)
    process = start_stepped(["apply", "CR-1434"], root)
    assert run_to_pause(process, 2)  # the journal is written (pause 1), then the first of the six files moved
    kill_command(process)
    assert (root / writing.JOURNAL).exists()
    assert visible(tree(root)) != visible(before)  # half written
    result = run_in_process("check", cwd=root)
    assert result.stderr == ("note: undid an interrupted write of 6 file(s); the repository is as it was "
                             "before it\n")
    assert result.returncode == 0, result.stdout
    assert without_the_cache(tree(root)) == before


def test_a_write_killed_after_its_commit_point_is_finished(tmp_path: Path) -> None:
    root = prepared(tmp_path)
    target = root / "framework/skills/ITOP/level-1.yaml"
    backup = target.parent / ".level-1.yaml.1.old"
    backup.write_bytes(target.read_bytes())
    target.write_text(target.read_text().replace("routine", "regular"))
    writing._write_journal(root, [{"target": "framework/skills/ITOP/level-1.yaml", "tmp": None,
                                   "backup": "framework/skills/ITOP/.level-1.yaml.1.old"}], committed=True)
    result = run_in_process("check", cwd=root)
    assert result.stderr == "note: finished an interrupted write of 1 file(s)\n"
    assert "regular" in target.read_text() and not backup.exists()
    assert not [p for p in without_the_cache(tree(root)) if p.startswith(".skillrepo")]


def test_a_second_writer_is_refused_while_the_first_writes(tmp_path: Path) -> None:
    root = prepared(tmp_path)
    process = start_stepped(["apply", "CR-1434"], root)
    assert run_to_pause(process, 1)  # holds the lock, its journal written, until told to go on
    assert (root / writing.JOURNAL).exists()
    second = run_in_process("revert", "CR-1431", cwd=root)
    assert second.returncode == 1
    assert second.stderr == (f"error: skillrepo apply CR-1434 (process {process.pid}) is writing to this "
                             "repository; wait until it finishes, then run this again\n")
    reader = run_in_process("status", cwd=root)  # readers are not refused
    assert reader.returncode == 0
    out, err = process.communicate(timeout=120)  # its stdin ends: every pause left goes on at once
    assert process.returncode == 0, err
    assert out.startswith(b"applied CR-1434")
    assert not (root / ".skillrepo").exists()
    assert run_in_process("revert", "CR-1431", cwd=root).returncode == 0


INIT_TARGETS = {"new": "a/new", "empty": "empty", "cwd": "."}


def _init_target(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """(where init runs, the directory it creates): a new one, an existing empty one, or the one it runs in."""
    (tmp_path / "empty").mkdir(exist_ok=True)
    cwd = tmp_path / "empty" if kind == "cwd" else tmp_path
    return cwd, (cwd / INIT_TARGETS[kind]).resolve()


def _init_is_all_or_nothing(target: Path, tmp_path: Path) -> bool:
    """True if `target` is a whole new repository; False if it is as it was (absent or empty), and nothing was
    left beside it (init stages beside it, or beside its nearest existing parent); fails otherwise."""
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == [], f"left behind: {leftovers}"
    return _whole_or_as_it_was(target)


def _whole_or_as_it_was(target: Path) -> bool:
    """True if `target` is a whole new repository, False if it is absent or empty; fails otherwise."""
    if not target.exists() or not any(target.iterdir()):
        return False
    assert run_in_process("check", cwd=target).returncode == 0
    assert (target / ".git").is_dir() and (target / "framework/framework.yaml").is_file()
    return True


def _failing_init(monkeypatch: pytest.MonkeyPatch, cwd: Path, kind: str, fail_at: int) -> tuple[int, int]:
    """init with its `fail_at`-th file write or move failing (0: none); its exit status and the steps it took."""
    calls: list[int] = []
    monkeypatch.setattr(Path, "write_bytes", counting(Path.write_bytes, fail_at, calls))
    monkeypatch.setattr(os, "rename", counting(os.rename, fail_at, calls))
    code = main(["init", INIT_TARGETS[kind]])
    monkeypatch.undo()
    monkeypatch.chdir(cwd)
    return code, len(calls)


def _as_it_was(target: Path, kind: str) -> None:
    """Put an init's target back as it was before: absent, or an empty directory."""
    shutil.rmtree(target)
    if kind != "new":
        target.mkdir()


@pytest.mark.parametrize("kind", sorted(INIT_TARGETS))
def test_init_failing_at_any_write_leaves_the_directory_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  kind: str) -> None:
    cwd, target = _init_target(tmp_path, kind)
    monkeypatch.chdir(cwd)
    code, steps = _failing_init(monkeypatch, cwd, kind, 0)
    assert code == 0 and _init_is_all_or_nothing(target, tmp_path)
    _as_it_was(target, kind)
    # The staging writes are one loop (init.run: one write_bytes per file, in the same try as the moves): the first
    # few, one in 25 after them, and every step of the end (the last writes and the moves into place) are each
    # failed once; a failure anywhere leaves nothing. A write in the middle of the loop fails into the same
    # `finally: _discard(built)` as its neighbours, so sampling the middle more densely adds no path, only runs.
    for fail_at in sorted({*range(1, 6), *range(6, steps, 25), *range(max(1, steps - 12), steps + 1)}):
        code, _ = _failing_init(monkeypatch, cwd, kind, fail_at)
        assert code != 0, f"step {fail_at} of {steps} failed, yet init said it succeeded"
        assert not _init_is_all_or_nothing(target, tmp_path), f"failing step {fail_at} still created it"
    assert steps > 20


@pytest.mark.parametrize("kind", sorted(INIT_TARGETS))
def test_a_killed_init_leaves_the_directory_as_it_was_or_whole(tmp_path: Path, kind: str) -> None:
    cwd, target = _init_target(tmp_path, kind)
    outcomes = []
    # Killed as soon as its staging directory appears, then at each of its pauses in turn, then let through.
    for pause in range(100):
        process = start_stepped(["init", INIT_TARGETS[kind]], cwd)
        if pause == 0:
            wait_for(lambda p=process: any(tmp_path.glob(".*.init-*")) or p.poll() is not None)
        elif not run_to_pause(process, pause):
            assert process.wait() == 0
        kill_command(process)
        if (target / ".skillrepo/init-incomplete").exists():
            # Killed while moving entries into the directory it runs in: the next init finishes the move.
            assert not (target / "framework").exists()
            again = run_cli("init", INIT_TARGETS[kind], cwd=cwd)
            assert again.returncode == 0 and again.stdout.startswith("finished an init of"), again
            outcomes.append("finished")
            break
        whole = _whole_or_as_it_was(target)
        outcomes.append("whole" if whole else "as it was")
        if whole:
            break
    # Whatever the killed inits left beside the target, the init that got through removed.
    assert _init_is_all_or_nothing(target, tmp_path)
    assert outcomes[0] == "as it was" and outcomes[-1] in ("whole", "finished"), outcomes


def test_init_removes_what_killed_inits_left_but_not_a_running_ones_staging(tmp_path: Path) -> None:
    abandoned = tmp_path / ".empty.init-k1ll3d42"
    (abandoned / ".git/objects").mkdir(parents=True)
    (abandoned / "framework").mkdir()
    (abandoned / "framework/framework.yaml").write_text("name: half\n")
    running = tmp_path / ".empty.init-runs4now"
    running.mkdir()
    other = tmp_path / ".emptier.init-k1ll3d42"  # staged for another directory: not this init's to judge
    other.mkdir()
    not_staging = [tmp_path / ".empty.init-notes", tmp_path / ".empty.init-file0001", tmp_path / ".empty.init-link0001"]
    not_staging[0].mkdir()  # not a name init gives
    not_staging[1].write_text("a file\n")
    not_staging[2].symlink_to(other)
    with held_like_a_running_command(running):  # as the command that made it holds it
        result = run_cli("init", "empty", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "note: removed .empty.init-k1ll3d42, left by an init that was interrupted\n"
    assert not abandoned.exists() and running.is_dir() and other.is_dir()
    assert all(os.path.lexists(p) for p in not_staging) and other.is_dir()
    assert _whole_or_as_it_was(tmp_path / "empty")


def test_a_release_is_refused_while_a_writer_is_half_way(tmp_path: Path) -> None:
    root = prepared(tmp_path, committed=True)
    process = start_stepped(["apply", "CR-1434"], root)
    assert run_to_pause(process, 1)  # holds the lock, its journal written, until told to go on
    refusal = (f"error: skillrepo apply CR-1434 (process {process.pid}) is writing to this repository; wait until "
               "it finishes, then run this again\n")
    for args in (["release", "1.0.0", "--out", str(tmp_path / "out")], ["changelog"]):
        during = run_in_process(*args, cwd=root)
        assert (during.returncode, during.stdout, during.stderr) == (1, "", refusal), args
    assert not (tmp_path / "out").exists()  # nothing published from a half-written repository
    out, err = process.communicate(timeout=120)  # its stdin ends: every pause left goes on at once
    assert process.returncode == 0, err
    after = run_in_process("release", "1.0.0", "--out", str(tmp_path / "out"), cwd=root)
    assert after.returncode == 0, after.stderr
    assert not (root / ".skillrepo").exists()


def test_publishers_share_the_lock_and_a_writer_waits_for_them(tmp_path: Path) -> None:
    from skillrepo import locking

    root = prepared(tmp_path, committed=True)
    with locking.shared(root, "release 1.0.0"):
        writer = run_cli("apply", "CR-1434", cwd=root)
        assert (writer.returncode, writer.stderr) == (1, f"error: skillrepo release 1.0.0 (process {os.getpid()}) is "
                                                         "publishing from this repository; wait until it finishes, "
                                                         "then run this again\n")
        with locking.shared(root, "changelog"):  # readers alongside each other
            assert run_cli("changelog", cwd=root).returncode == 0
        assert (root / ".skillrepo/lock").exists()  # the first reader still holds it
        assert git(root, "status", "--porcelain").stdout == ""  # git never lists the lock (release --tag)
    assert not (root / ".skillrepo").exists()  # the last reader out removed it
    assert run_cli("apply", "CR-1434", cwd=root).returncode == 0


@pytest.mark.usefixtures("with_the_cache")
def test_readers_make_nothing_on_disk(tmp_path: Path) -> None:
    root = prepared(tmp_path, committed=True)
    (root / ".skillrepo").mkdir()
    (root / ".skillrepo/lock").write_text("skillrepo apply (process 1) is writing to this repository")
    before = tree(root)
    for args in (["check"], ["preview", "CR-1434"], ["status"], ["verify"], ["history", "ITOP", "5"],
                 ["blame", "ITOP", "4"]):
        assert run_in_process(*args, cwd=root).returncode in (0, 1), args
        assert tree(root) == before, args
    (root / ".skillrepo/lock").unlink()
    (root / ".skillrepo").rmdir()
    for args in (["check", "--no-cache"], ["preview", "CR-1434"], ["status"], ["verify"]):
        assert run_in_process(*args, cwd=root).returncode in (0, 1), args
        assert not (root / ".skillrepo").exists(), args
    # check keeps what it worked out for the next check, and nothing else; the other readers only read it
    unlocked = tree(root)
    assert run_in_process("check", cwd=root).returncode == 0
    kept = tree(root)
    assert without_the_cache(kept) == unlocked and kept != unlocked
    for args in (["preview", "CR-1434"], ["status"], ["verify"], ["history", "ITOP", "5"]):
        assert run_in_process(*args, cwd=root).returncode in (0, 1), args
        assert tree(root) == kept, args


def run_read_only(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in `root` mounted read-only (a bind mount in a namespace of its own, so it never leaks)."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && cd "$0" && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, str(root), sys.executable, "-m", "skillrepo", *args],
                          text=True, capture_output=True, env={**os.environ, "PYTHONWARNINGS": "error"})


def read_only_mounts() -> bool:
    """Whether this machine lets a process mount a directory read-only in a namespace of its own."""
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as directory:
        probe = subprocess.run(["unshare", "-rm", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro '
                                '"$0" && ! touch "$0/probe"', directory], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not read_only_mounts(), reason="no read-only bind mount in a user namespace here")
@pytest.mark.usefixtures("with_the_cache")  # check would keep its results: it cannot, and says nothing of it
def test_a_read_only_checkout_is_read_without_writing(tmp_path: Path) -> None:
    root = prepared(tmp_path, committed=True)
    for args in (["check"], ["preview", "CR-1434"], ["status"], ["verify"], ["changelog"]):
        result = run_read_only(root, *args)
        assert result.returncode in (0, 1) and result.stderr == "", (args, result.stderr)
    new = run_read_only(root, "new", "A title")
    assert (new.returncode, new.stderr) == (1, "error: .skillrepo/lock: cannot take the repository's lock (Read-only "
                                                "file system); run this where the repository can be written\n")
    # An interrupted write that cannot be undone here: check says so and checks; the others refuse.
    tree_before_apply = tree(root)
    process = start_stepped(["apply", "CR-1434"], root)
    assert run_to_pause(process, 2)  # the first of the six files moved
    assert visible(tree(root)) != visible(tree_before_apply)
    kill_command(process)
    before = tree(root)
    left = (".skillrepo/journal.json: a write that was interrupted is left, and it cannot be undone here (Read-only "
            "file system); the files may be half written: run skillrepo check where the repository can be written")
    check = run_read_only(root, "check")
    assert check.stderr == f"note: {left}\n" and check.stdout.splitlines()[-1].startswith("checked ")
    for args in (["preview", "CR-1434"], ["status"], ["verify"]):
        result = run_read_only(root, *args)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", f"error: {left}\n"), args
    assert tree(root) == before


def test_a_busy_lock_names_its_holder_with_control_characters_escaped(tmp_path: Path) -> None:
    root = prepared(tmp_path)
    (root / ".skillrepo").mkdir()
    (root / ".skillrepo/lock").write_bytes(b"\x1b]0;owned\x07 skillrepo apply is writing to this repository")
    fd = os.open(root / ".skillrepo/lock", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_cli("apply", "CR-1434", cwd=root)
    finally:
        os.close(fd)
    assert (result.returncode, result.stderr) == (1, "error: \\x1b]0;owned\\x07 skillrepo apply is writing to this "
                                                     "repository; wait until it finishes, then run this again\n")


def test_ctrl_c_between_moves_rolls_the_write_back_and_says_one_line(tmp_path: Path) -> None:
    root = prepared(tmp_path)
    before = tree(root)
    process = start_stepped(["apply", "CR-1434"], root)
    assert run_to_pause(process, 2)  # the first of the six files moved: half written
    assert visible(tree(root)) != visible(before)
    os.kill(process.pid, signal.SIGINT)
    out, said = process.communicate()
    assert process.returncode == 130, (out, said)
    err = said.decode().removeprefix("paused\npaused\n")
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert tree(root) == before
