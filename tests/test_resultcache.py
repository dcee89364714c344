"""The result cache (.skillrepo/cache/): a warm check reads and validates only what changed, and can never change a
result: every cause that could change a file's result misses the cache, and a cache this user's commands did not
write (planted, copied, truncated, a link, a FIFO, too large) is ignored, never trusted."""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from helpers import copy_bundled, git, init_git, run_in_process
from hypothesis import given, settings
from hypothesis import strategies as st
from skillrepo import documents, resultcache
from skillrepo.resultcache import CACHE_DIR, FORMAT
from skillrepo.rules import prose

pytestmark = pytest.mark.usefixtures("with_the_cache")

LEVEL = "framework/skills/ITOP/level-5.yaml"
SKILL = "framework/skills/ITOP/skill.yaml"


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the strict loader parses during a test (a file the cache holds is not parsed)."""
    parsed: list[str] = []
    real = documents.load_bytes

    def counted(raw: bytes, max_nodes: int = 0) -> object:
        parsed.append(hashlib.blake2b(raw, digest_size=16).hexdigest())
        return real(raw, max_nodes)

    monkeypatch.setattr(documents, "load_bytes", counted)
    return parsed


def check(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_in_process("check", *args, cwd=root)
    return result.returncode, result.stdout, result.stderr


def uncached(root: Path, *args: str) -> tuple[int, str, str]:
    return check(root, "--no-cache", *args)


def edit_keeping_size_and_time(path: Path, old: bytes, new: bytes) -> None:
    """Change the file's bytes without changing its size or its modification time (what a stat cache would miss)."""
    assert len(old) == len(new)
    before = path.stat()
    raw = path.read_bytes()
    assert old in raw
    path.write_bytes(raw.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def shards(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR).glob("*" + resultcache.SUFFIX))


def test_a_warm_check_parses_only_the_changed_file_and_reports_the_same(tmp_path: Path, loads: list[str]) -> None:
    root = copy_bundled(tmp_path / "repo")
    cold = check(root)
    assert cold == (0, "checked 132 files: no problems\n", "")
    assert len(loads) == 132 and shards(root)  # the first check kept what it worked out
    loads.clear()
    assert check(root) == cold
    assert loads == []
    edit_keeping_size_and_time(root / LEVEL, b"Provides", b"Provided")
    loads.clear()
    warm = check(root)
    assert len(loads) == 1  # the one changed file, found by its bytes although its size and time are the same
    assert warm == uncached(root)
    loads.clear()
    assert check(root) == warm and loads == []


def test_no_cache_reads_every_file_and_keeps_nothing(tmp_path: Path, loads: list[str]) -> None:
    root = copy_bundled(tmp_path / "repo")
    assert uncached(root)[0] == 0
    assert len(loads) == 132 and not (root / ".skillrepo").exists()
    check(root)
    loads.clear()
    assert uncached(root)[0] == 0 and len(loads) == 132  # a cache that is there is not used either


def test_the_environment_turns_the_cache_off_for_every_command(tmp_path: Path, loads: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    check(root)
    monkeypatch.setenv("SKILLREPO_NO_CACHE", "1")
    loads.clear()
    assert check(root)[0] == 0 and len(loads) == 132
    assert run_in_process("verify", cwd=root).returncode in (0, 1) and len(loads) > 132


def test_other_commands_share_what_check_kept_and_write_nothing(tmp_path: Path, loads: list[str]) -> None:
    root = copy_bundled(tmp_path / "repo")
    check(root)
    before = {p: p.read_bytes() for p in shards(root)}
    on_disk = {hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
               for top in ("framework", "changes") for p in (root / top).rglob("*.yaml")}
    for args in (["verify"], ["status"], ["preview", "CR-1434"], ["history", "ITOP", "5"]):
        loads.clear()
        assert run_in_process(*args, cwd=root).returncode in (0, 1), args
        # Their first read came from the cache: no file of the repository was parsed (what preview plans is new).
        assert not on_disk & set(loads), args
        assert {p: p.read_bytes() for p in shards(root)} == before, args
    loads.clear()
    run_in_process("verify", cwd=root, env={**os.environ, "SKILLREPO_NO_CACHE": "1"})
    assert on_disk <= set(loads)  # what the assertions above would see without the cache


@pytest.mark.parametrize("cause", ["tool source", "a schema", "python", "libyaml", "jsonschema", "tool version"])
def test_anything_a_result_depends_on_misses_the_cache(tmp_path: Path, loads: list[str],
                                                        monkeypatch: pytest.MonkeyPatch, cause: str) -> None:
    root = copy_bundled(tmp_path / "repo")
    check(root)
    versions, files = resultcache.stamp_inputs()
    if cause in ("tool source", "a schema"):
        wanted = "skillrepo/resultcache.py" if cause == "tool source" else "schemas/skill.schema.json"
        original = next(f for f in files if f.as_posix().endswith(wanted))
        changed = tmp_path / original.name
        changed.write_bytes(original.read_bytes() + b" ")
        files = [changed if f == original else f for f in files]
    else:
        index = {"tool version": 0, "python": 1, "libyaml": 3, "jsonschema": 4}[cause]
        versions = [v + "-other" if i == index else v for i, v in enumerate(versions)]
    monkeypatch.setattr(resultcache, "stamp_inputs", lambda: (versions, files))
    resultcache._stamp.cache_clear()
    try:
        loads.clear()
        assert check(root) == uncached(root)
        assert len(loads) >= 132 * 2  # the cached run parsed every file, as the uncached one did
    finally:
        resultcache._stamp.cache_clear()


def test_the_stamp_covers_every_module_and_schema() -> None:
    versions, files = resultcache.stamp_inputs()
    package = Path(resultcache.__file__).parent
    assert set(package.rglob("*.py")) <= set(files)
    from skillrepo.resources import schema_dir
    assert set(schema_dir().glob("*.json")) <= set(files) and len(versions) == 5


def honest_entry(root: Path, path: str) -> object:
    """The entry this user's check kept for a file as it is now."""
    key = resultcache.entry_key("skill-level", path, hashlib.blake2b((root / path).read_bytes(), digest_size=16).digest())
    entries: dict[str, object] = {}
    for shard in shards(root):
        entries.update(resultcache._decode(shard.read_bytes().split(b"\n", 2)[2])["entries"])
    return entries[key]


def forge(root: Path, secret: bytes, lie_about: str, entry: object) -> None:
    """Plant a shard saying the file `lie_about`'s bytes load as `entry` says."""
    raw = (root / lie_about).read_bytes()
    key = resultcache.entry_key("skill-level", lie_about, hashlib.blake2b(raw, digest_size=16).digest())
    name = resultcache._shard_of(key, 1)  # the bundled repository's 132 files: one shard
    sign(root / CACHE_DIR / name, secret, resultcache.shard_payload(name, {key: entry}, {}, resultcache._stamp()))


def sign(shard: Path, secret: bytes, payload: bytes) -> None:
    """Write a shard whose keyed digest is made with `secret`."""
    shard.write_bytes(resultcache._MAGIC + resultcache._mac(secret, payload) + b"\n" + payload)


def test_a_planted_shard_is_believed_only_with_this_users_secret(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    good = (root / LEVEL).read_bytes()
    check(root)
    clean = honest_entry(root, LEVEL)
    (root / LEVEL).write_bytes(good.replace(b"level: 5", b"level: 5\nlevel: 5"))
    honest = uncached(root)
    assert "Y002" in honest[1]
    forge(root, b"x" * 32, LEVEL, clean)  # what a pull request can bring: a shard made with any other secret
    assert check(root) == honest
    secret = resultcache._secret()
    assert secret is not None
    forge(root, secret, LEVEL, clean)  # the same lie with this user's secret would be believed: the secret is the guard
    assert check(root)[1] == "checked 132 files: no problems\n"


def corrupt(root: Path, how: str) -> None:
    shard = max(shards(root), key=lambda p: p.stat().st_size)
    raw = shard.read_bytes()
    if how == "truncated":
        shard.write_bytes(raw[: len(raw) // 2])
    elif how == "a byte changed":
        shard.write_bytes(raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:])
    elif how == "empty":
        shard.write_bytes(b"")
    elif how == "not marshal":
        shard.write_bytes(b"\x00\xff" * 1000)
    elif how == "another format":
        body = resultcache._decode(raw.split(b"\n", 2)[2])  # this user's own shard, of another format
        secret = resultcache._secret()
        assert secret is not None and body["format"] == FORMAT
        sign(shard, secret, marshal.dumps({**body, "format": FORMAT - 1}))
    elif how == "moved":
        index, _, count = shard.stem.partition("-of-")
        shard.rename(shard.with_name(f"{(int(index) + 1) % int(count):02d}-of-{count}{resultcache.SUFFIX}"))
    elif how == "a fifo":
        shard.unlink()
        os.mkfifo(shard)
    elif how == "too large":
        with open(shard, "r+b") as f:
            f.truncate(resultcache.MAX_SHARD_BYTES + 1)
    elif how == "a link":
        outside = root.parent / "outside.json"
        outside.write_bytes(raw)
        shard.unlink()
        shard.symlink_to(outside)


@pytest.mark.parametrize("how", ["truncated", "a byte changed", "empty", "not marshal", "another format", "moved",
                                 "a fifo", "too large", "a link"])
def test_a_damaged_or_foreign_shard_is_ignored(tmp_path: Path, loads: list[str], how: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resultcache, "FILES_PER_SHARD", 16)  # 132 files in 16 shards, as a large repository has
    root = copy_bundled(tmp_path / "repo")
    (root / SKILL).write_text((root / SKILL).read_text() + "extra: key\n")
    expected = uncached(root)
    check(root)
    corrupt(root, how)
    loads.clear()
    assert check(root) == expected
    assert 0 < len(loads) < 132  # the damaged shard's files were parsed again, the others were not
    if how == "a link":
        assert (root.parent / "outside.json").read_bytes().startswith(resultcache._MAGIC)


def test_a_cache_directory_that_is_a_link_is_neither_read_nor_written_through(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".skillrepo").mkdir()
    (root / CACHE_DIR).symlink_to(elsewhere)
    assert check(root) == uncached(root)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("problem", ["readable by others", "a link", "too short"])
def test_a_secret_that_is_not_this_users_own_turns_the_cache_off(tmp_path: Path, loads: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  problem: str) -> None:
    home = tmp_path / "home"
    (home / "skillrepo").mkdir(parents=True)
    key = home / "skillrepo/cache-key"
    if problem == "a link":
        (tmp_path / "target").write_bytes(b"k" * 32)
        key.symlink_to(tmp_path / "target")
    else:
        key.write_bytes(b"k" * (32 if problem == "readable by others" else 5))
        key.chmod(0o644 if problem == "readable by others" else 0o600)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    root = copy_bundled(tmp_path / "repo")
    for _ in range(2):
        loads.clear()
        assert check(root)[0] == 0 and len(loads) == 132
    assert not (root / ".skillrepo").exists()


def test_the_secret_is_made_once_for_this_user_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    first = resultcache._secret()
    assert first is not None and resultcache._secret() == first
    key = tmp_path / "home/skillrepo/cache-key"
    assert key.stat().st_mode & 0o777 == 0o600 and (key.parent.stat().st_mode & 0o777) == 0o700


def test_nothing_is_kept_in_a_state_directory_a_checkout_brought(tmp_path: Path) -> None:
    root = init_git(copy_bundled(tmp_path / "repo"))
    check(root)
    git(root, "add", "-f", ".skillrepo")  # a pull request that commits a cache
    git(root, "commit", "-q", "-m", "bring a cache")
    committed = {p: p.read_bytes() for p in shards(root)}
    (root / SKILL).write_text((root / SKILL).read_text() + "extra: key\n")
    code, out, _ = check(root)
    assert code == 1 and "P310" in out and "S202" in out
    assert {p: p.read_bytes() for p in shards(root)} == committed  # reported, never written


def test_no_result_is_kept_while_a_writer_is_at_work(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    (root / ".skillrepo").mkdir()
    (root / ".skillrepo/lock").write_text("skillrepo apply (process 1) is writing to this repository")
    check(root)
    assert not (root / CACHE_DIR).exists()


def test_a_cache_that_cannot_be_written_leaves_the_check_as_it_is(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    (root / ".skillrepo").mkdir()
    (root / CACHE_DIR).write_text("a file where the cache's directory would be\n")
    (root / SKILL).write_text((root / SKILL).read_text() + "extra: key\n")
    assert check(root) == uncached(root)
    assert (root / CACHE_DIR).read_text() == "a file where the cache's directory would be\n"


def test_a_date_that_yaml_reads_is_never_cached_as_text(tmp_path: Path, loads: list[str]) -> None:
    root = copy_bundled(tmp_path / "repo")
    (root / SKILL).write_text((root / SKILL).read_text().replace("status: active", "status: 2024-01-05"))
    first = check(root)
    assert "Y010" in first[1] or "S204" in first[1]
    loads.clear()
    assert check(root) == first == uncached(root)


def run_process(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "skillrepo", "check", "--format", "json"], cwd=root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_checks_at_once_each_see_whole_shards_and_agree(tmp_path: Path, loads: list[str]) -> None:
    root = copy_bundled(tmp_path / "repo")
    texts = [b"Provides", b"Provided", b"Provideth"]
    for round_ in range(3):
        if round_:
            raw = (root / LEVEL).read_bytes()
            (root / LEVEL).write_bytes(raw.replace(texts[round_ - 1], texts[round_], 1))
        expected = run_in_process("check", "--no-cache", "--format", "json", cwd=root).stdout
        both = [run_process(root), run_process(root)]
        outputs = [p.communicate(timeout=120) for p in both]
        assert [(p.returncode, out, err) for p, (out, err) in zip(both, outputs, strict=True)] == \
            [(both[0].returncode, expected, "")] * 2
        loads.clear()
        assert run_in_process("check", "--format", "json", cwd=root).stdout == expected
        assert loads == []  # what they kept was whole and this user's


EDITS: list[tuple[str, bytes, bytes]] = [
    (LEVEL, b"Provides", b"Provided"),  # a word, same size
    (LEVEL, b"level: 5", b"level: 6"),  # a path that disagrees with the content
    (LEVEL, b"description:", b"descriptiom:"),  # an unknown key, same size
    (SKILL, b"code: ITOP", b"code: ITOX"),
    (SKILL, b"name: ", b"name:  "),  # not in the canonical formatting
    ("framework/skills/ITMG/level-6.yaml", b"(", b"(QQQQ) ("),  # a mention of no skill
    ("framework/framework.yaml", b"name:", b"name: x\nname:"),  # a duplicate key
    ("changes/CR-1434/manifest.yaml", b"status:", b"status: x\nstatus:"),
]


ADDED = {"framework/skills/ITOP/level-6.yaml": (LEVEL, b"level: 5", b"level: 6"),
         "changes/CR-1999/manifest.yaml": ("changes/CR-1434/manifest.yaml", b"CR-1434", b"CR-1999")}
DELETABLE = ["framework/skills/ITMG/level-6.yaml", "framework/skills/ITMG/skill.yaml", "changes/CR-1434/manifest.yaml"]
SELECTIONS = [[], ["--select", "R4"], ["--ignore", "T5,F6"], ["--select", "S,Y"], ["--strict"]]
steps = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, len(EDITS) - 1)),
    st.tuples(st.just("undo"), st.integers(0, len(EDITS) - 1)),
    st.tuples(st.just("delete"), st.integers(0, len(DELETABLE) - 1)),
    st.tuples(st.just("add"), st.integers(0, len(ADDED) - 1)),
    st.tuples(st.just("new tool"), st.integers(0, 3)),
)


def changed_time(path: Path, before: int | None) -> None:
    """Wait until the file's change time differs from `before`: what a second between two edits gives, which
    the cache's one-second margin relies on and a test that moves the cache's clock forward must give itself."""
    while before is not None and path.exists() and path.stat().st_ctime_ns == before:
        time.sleep(0.005)
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))


def take(root: Path, step: tuple[str, int], originals: dict[str, bytes], mp: pytest.MonkeyPatch) -> None:
    """One step of a random history: an edit (same size and time when it can), an undo, a deletion, a new file
    or a new version of the tool."""
    kind, n = step
    if kind == "new tool":
        versions, files = resultcache.stamp_inputs()
        mp.setattr(resultcache, "stamp_inputs", lambda: ([f"{versions[0]}+{n}", *versions[1:]], files))
        resultcache._stamp.cache_clear()
        return
    path = EDITS[n][0] if kind in ("edit", "undo") else DELETABLE[n] if kind == "delete" else list(ADDED)[n]
    target = root / path
    before = target.stat().st_ctime_ns if target.exists() else None
    if kind == "edit" and target.exists():
        _, old, new = EDITS[n]
        raw = target.read_bytes()
        if old in raw and len(old) == len(new):
            edit_keeping_size_and_time(target, old, new)
        elif old in raw:
            target.write_bytes(raw.replace(old, new, 1))
    elif kind == "undo" and path in originals:
        target.write_bytes(originals[path])
    elif kind == "delete":
        target.unlink(missing_ok=True)
    elif kind == "add":
        source, old, new = ADDED[path]
        if (root / source).exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((root / source).read_bytes().replace(old, new))
    changed_time(target, before)


@settings(max_examples=8, deadline=None)
@given(history=st.lists(st.tuples(steps, st.integers(0, len(SELECTIONS) - 1), st.sampled_from(["text", "json"])),
                        min_size=1, max_size=6), vouched=st.booleans())
def test_cached_and_uncached_checks_give_the_same_findings_byte_for_byte(
        history: list[tuple[tuple[str, int], int, str]], vouched: bool) -> None:
    """Random histories of a repository (edits keeping size and modification time, undos back to what an entry
    already holds, deletions, new files, a new version of the tool), each step checked with the cache and without
    it, with a random selection of rules and format. With `vouched`, the cache's clock is a minute ahead, so every
    file's status is recorded and vouches for it (as for files last changed a minute before a check)."""
    with tempfile.TemporaryDirectory() as directory, pytest.MonkeyPatch.context() as mp:
        root = copy_bundled(Path(directory) / "repo")
        if vouched:
            ahead = time.time_ns() + 60 * 10**9
            mp.setattr(resultcache, "_clock", lambda: ahead)
        originals = {path: (root / path).read_bytes() for path, _, _ in EDITS}
        try:
            check(root)
            for step, selection, output in history:
                take(root, step, originals, mp)
                args = [*SELECTIONS[selection], "--format", output]
                assert check(root, *args) == uncached(root, *args), (step, args)
        finally:
            resultcache._stamp.cache_clear()


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The data files whose bytes a test's commands read from disk (open and read, not only their status)."""
    read: list[str] = []
    real = documents._read_data_file

    def counted(path: Path) -> bytes | int:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(documents, "_read_data_file", counted)
    return read


def test_a_file_whose_status_is_as_recorded_is_not_read_and_any_change_to_it_is(tmp_path: Path,
                                                                               reads: list[str]) -> None:
    root = copy_bundled(tmp_path / "repo")
    copied = time.time()
    while time.time() < copied + 1.2:  # a status is vouched for once its last change is a second old
        time.sleep(0.05)
    check(root)
    reads.clear()
    assert check(root) == (0, "checked 132 files: no problems\n", "") and reads == []
    edit_keeping_size_and_time(root / LEVEL, b"Provides", b"Provided")  # its change time moves: git reads it too
    reads.clear()
    warm = check(root)
    assert reads == ["level-5.yaml"] and warm == uncached(root)
    assert "Provided" in (root / LEVEL).read_text()
    reads.clear()
    assert check(root) == warm and reads == ["level-5.yaml"]  # changed a moment ago: read until it is a second old


def test_a_change_rewrites_one_shard_and_a_new_layout_keeps_every_result(tmp_path: Path, loads: list[str],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resultcache, "FILES_PER_SHARD", 16)
    root = copy_bundled(tmp_path / "repo")
    check(root)
    assert [p.name for p in shards(root)] == [f"{i:02d}-of-16.shard" for i in range(16)]
    before = {p.name: p.read_bytes() for p in shards(root)}
    old = hashlib.blake2b((root / LEVEL).read_bytes(), digest_size=16).hexdigest()
    edit_keeping_size_and_time(root / LEVEL, b"Provides", b"Provided")
    new = hashlib.blake2b((root / LEVEL).read_bytes(), digest_size=16).hexdigest()
    check(root)
    after = {p.name: p.read_bytes() for p in shards(root)}
    # Only the shard the old entry leaves and the one the new entry joins are written again.
    assert {name for name in after if after[name] != before[name]} == {resultcache._shard_of(old, 16),
                                                                       resultcache._shard_of(new, 16)}
    monkeypatch.setattr(resultcache, "FILES_PER_SHARD", 512)  # as if the repository had shrunk to a tenth
    loads.clear()
    assert check(root) == uncached(root)
    assert len(loads) == 132  # the uncached run's; the cached one parsed nothing
    assert [p.name for p in shards(root)] == ["00-of-01.shard"]
    loads.clear()
    check(root)
    assert loads == []


def test_only_shard_names_are_read_and_nothing_else_there_is_touched(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    check(root)
    junk = [root / CACHE_DIR / f"junk-{i}.json" for i in range(300)] + [root / CACHE_DIR / "notes.txt"]
    for path in junk:
        path.write_text("{}")
    opened: list[str] = []
    real = resultcache._read_shard
    monkeypatch.setattr(resultcache, "_read_shard", lambda fd, name, *rest: opened.append(name) or real(fd, name, *rest))
    (root / SKILL).write_text((root / SKILL).read_text() + "extra: key\n")
    assert check(root) == uncached(root)
    assert opened == ["00-of-01.shard"]  # a checkout's 300 planted files cost nothing: they are not shards
    assert all(path.read_text() == "{}" for path in junk)


def test_a_former_formats_shards_are_never_read_and_go_at_the_next_write(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    check(root)
    former = [root / CACHE_DIR / name for name in ("00-of-01.json", "03-of-08.json")]  # FORMAT 1's names (JSON)
    for path in former:
        path.write_text('{"format":1}')
    opened: list[str] = []
    real = resultcache._read_shard
    monkeypatch.setattr(resultcache, "_read_shard", lambda fd, name, *rest: opened.append(name) or real(fd, name, *rest))
    loads_before = uncached(root)
    assert check(root) == loads_before
    assert opened == ["00-of-01.shard"]
    assert not any(path.exists() for path in former)  # the check kept results: what it cannot read is gone
    assert [p.name for p in shards(root)] == ["00-of-01.shard"]


def test_mentions_are_matched_again_only_in_texts_whose_referents_changed(tmp_path: Path, loads: list[str],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    matched: list[str] = []
    real = prose._matches
    monkeypatch.setattr(prose, "_matches", lambda text: matched.append(text) or real(text))
    check(root)
    matched.clear()
    cached = check(root)
    assert matched == []  # every mention still right: no text is matched again
    assert cached == uncached(root)
    every_text = list(matched)  # without the cache, every text with a mention is matched
    assert every_text

    # A skill renamed: the texts that mention it by its old name get T502, though their files did not change.
    itmg = root / "framework/skills/ITMG/skill.yaml"
    itmg.write_text(itmg.read_text().replace("name: IT management", "name: IT service management"))
    loads.clear()
    matched.clear()
    renamed = check(root)
    assert len(loads) == 1  # the skill file alone was parsed
    own = yaml.safe_load(itmg.read_text())
    assert matched and all("(ITMG)" in text or text in own.values() for text in matched)
    assert len(matched) < len(every_text)
    assert renamed == uncached(root)
    assert "framework/skills/PEMT/skill.yaml" in renamed[1] and " T502 " in renamed[1]

    # A change request cited before it existed: its T503 goes when it is added.
    level = root / LEVEL
    level.write_text(level.read_text().replace("description: |-\n", "description: |-\n  See CR#1450.\n", 1))
    assert " T503 " in check(root)[1]
    (root / "changes/CR-1450").mkdir()
    (root / "changes/CR-1450/manifest.yaml").write_text(
        (root / "changes/CR-1447/manifest.yaml").read_text().replace("CR-1447", "CR-1450"))
    matched.clear()
    added = check(root)
    assert " T503 " not in added[1] and added == uncached(root)
    shutil.rmtree(root / "changes/CR-1450")  # and comes back when it is removed, the citing file unchanged
    loads.clear()
    removed = check(root)
    assert loads == [] and " T503 " in removed[1] and removed == uncached(root)
