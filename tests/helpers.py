"""Helpers that build real repositories for tests: copies of the bundled framework, git repositories, the CLI."""

from __future__ import annotations

import atexit
import fcntl
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
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


_PRISTINE: list[tuple[Path, dict[str, int]]] = []


def linked_bundled(dest: Path) -> Path:
    """A tree like copy_bundled's at `dest` whose files are hard links to one copy of the bundled data made per test
    session: its directories are made, none of its files (making a file is most of a copy's cost). For tests that
    only read it, or change files through own_file first; links_untouched(dest) says no shared file changed."""
    if not _PRISTINE:
        holder = tempfile.TemporaryDirectory(prefix="bundled-")
        atexit.register(holder.cleanup)
        pristine = copy_bundled(Path(holder.name))
        _PRISTINE.append((pristine, {p.relative_to(pristine).as_posix(): p.stat().st_mtime_ns
                                     for p in pristine.rglob("*") if p.is_file()}))
    pristine = _PRISTINE[0][0]
    dest.mkdir(parents=True, exist_ok=True)
    for name in DATA_DIRS:
        shutil.copytree(pristine / name, dest / name, copy_function=os.link)
    return dest


def own_file(path: Path) -> None:
    """Make a hard-linked file of linked_bundled's this tree's own copy (mode and times kept), so that writing to
    it changes no other tree."""
    if not path.is_symlink() and path.is_file() and path.stat().st_nlink > 1:
        private = path.with_name(f".{path.name}.own")
        shutil.copy2(path, private)
        os.replace(private, path)


def links_untouched(root: Path) -> bool:
    """Whether every file of `root` still shared with linked_bundled's copy has that copy's modification time:
    nothing wrote to a shared file."""
    recorded = _PRISTINE[0][1]
    return all(p.stat().st_mtime_ns == recorded[p.relative_to(root).as_posix()]
               for p in root.rglob("*") if not p.is_symlink() and p.is_file() and p.stat().st_nlink > 1)


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


_COMMITTED: dict[bool, Path] = {}


def committed_copy(dest: Path, with_hooks: bool = False) -> Path:
    """What `init_git(copy_bundled(dest, with_hooks))` makes, copied from one such repository made once per test
    session (its objects packed: a few files to copy, not one per object) instead of four git runs and a loose
    object per file; the copied index is refreshed, so git and the tools see it as a fresh commit's."""
    if with_hooks not in _COMMITTED:
        holder = tempfile.TemporaryDirectory(prefix="committed-bundled-")
        atexit.register(holder.cleanup)
        template = init_git(copy_bundled(Path(holder.name) / "repo", with_hooks=with_hooks))
        _COMMITTED[with_hooks] = packed(template)
    return copy_repository(_COMMITTED[with_hooks], dest)


def packed(repo: Path) -> Path:
    """`repo` with its objects in one pack: a repository that is copied many times, a few files each time."""
    git(repo, "repack", "-a", "-d", "-q")
    return repo


def copy_repository(source: Path, dest: Path) -> Path:
    """A copy of the git repository `source` (work tree and .git) at `dest`, its index refreshed for the copied
    files (their inodes and change times are new), as a checkout made there would have it."""
    shutil.copytree(source, dest, symlinks=True, dirs_exist_ok=True)
    git(dest, "update-index", "-q", "--refresh")
    return dest


def reaccept(root: Path, *cr_ids: str, commit: bool = False, env: dict[str, str] | None = None) -> None:
    """A maintainer's decision to apply reverted change requests again: `status: reverted` back to `accepted`,
    committed on its own when `commit` (`apply --commit` takes a manifest with no changes of its own)."""
    for cr_id in cr_ids:
        path = root / "changes" / cr_id / "manifest.yaml"
        text = path.read_text(encoding="utf-8")
        assert "\nstatus: reverted\n" in text, f"{cr_id} is not reverted"
        path.write_text(text.replace("\nstatus: reverted\n", "\nstatus: accepted\n", 1), encoding="utf-8")
    if commit:
        git(root, "commit", "--quiet", "--all", "-m", f"Accept {', '.join(cr_ids)} again", env=env)


def run_cli(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m skillrepo ARGS` as a user would, in `cwd`."""
    return subprocess.run([sys.executable, "-m", "skillrepo", *args], cwd=cwd, text=True, capture_output=True,
                          input=input, env={**os.environ, "PYTHONWARNINGS": "error"})


# A workbook written part by part, without openpyxl: large ones fast, hostile ones exactly as a case says.
XLSX_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_raw_xlsx(path: Path, sheet: bytes | str, styles: bytes | str | None = None,
                   shared_strings: bytes | str | None = None, parts: dict[str, bytes] | None = None,
                   entries: int = 0) -> Path:
    """A one-sheet workbook ("Skills") with the given sheet XML; default styles and shared strings unless given;
    extra `parts` and `entries` empty entries added to the archive as they are."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", f'<Relationships {_REL_NS}><Relationship Id="rId1" '
                   f'Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {XLSX_NS} xmlns:r="{_DOC_REL}"><sheets>'
                   '<sheet name="Skills" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships {_REL_NS}><Relationship Id="rId1" '
                   f'Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{_DOC_REL}/styles" Target="styles.xml"/>'
                   f'<Relationship Id="rId3" Type="{_DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')
        z.writestr("xl/styles.xml", styles if styles is not None else
                   f'<styleSheet {XLSX_NS}><cellXfs count="1"><xf numFmtId="0" fontId="0"/></cellXfs></styleSheet>')
        z.writestr("xl/sharedStrings.xml", shared_strings if shared_strings is not None else
                   f'<sst {XLSX_NS} count="0" uniqueCount="0"/>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    path.write_bytes(with_empty_entries(archive.getvalue(), entries))
    return path


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_DOS_1980_01_01 = 1 << 5 | 1  # the date field of 1980-01-01; its time field is 0


def with_empty_entries(archive: bytes, count: int) -> bytes:
    """`archive` (as zipfile writes it: no comment, under 65,536 entries) with `count` empty entries x/0, x/1, ...
    added, byte for byte as `writestr(ZipInfo(name, (1980, 1, 1, 0, 0, 0)), b"")` adds them (stored, mode 600,
    no extra field), Zip64 end records included past 65,535 entries; without zipfile's seeks and rewrites of every entry's
    header, which made 300,000 entries take seconds."""
    if count == 0:
        return archive
    _, _, _, entries, _, size, offset, _ = struct.unpack("<4s4H2LH", archive[-22:])
    local, central, at = [], [], offset
    for n in range(count):
        name = f"x/{n}".encode()
        local.append(_LOCAL_HEADER.pack(b"PK\x03\x04", 20, 0, 0, 0, 0, _DOS_1980_01_01, 0, 0, 0, len(name), 0) + name)
        central.append(_CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 0 if sys.platform == "win32" else 3, 20, 0, 0, 0, 0,
                                            _DOS_1980_01_01, 0, 0, 0, len(name), 0, 0, 0, 0, 0o600 << 16, at) + name)
        at += len(local[-1])
    directory = archive[offset:offset + size] + b"".join(central)
    total, end = entries + count, b""
    if total > 0xFFFF:
        end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, total, total, len(directory), at)
        end += struct.pack("<4sLQL", b"PK\x06\x07", 0, at + len(directory), 1)
    end += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(total, 0xFFFF), min(total, 0xFFFF), len(directory), at, 0)
    return archive[:offset] + b"".join(local) + directory + end


def wait_for_clock_to_pass(step: float, hang_guard: float = 60.0) -> None:
    """Return once the clock has entered the next multiple of `step` seconds (polled, never a guessed sleep)."""
    start = time.time() // step
    deadline = time.monotonic() + hang_guard  # only a stopped clock reaches it
    while time.time() // step == start:
        assert time.monotonic() < deadline, "the clock does not move"
        time.sleep(0.05)


def run_in_process(*args: str, cwd: Path, input: str | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `skillrepo ARGS` in this process, in `cwd` (and with `env` as the whole environment, if given), as
    run_cli does in a new one: for tests where the real process (its exit, signals, limits) is not the point,
    without the cost of starting Python again."""
    from skillrepo.main import main

    buffers = [io.BytesIO(), io.BytesIO()]
    streams = [io.TextIOWrapper(b, encoding="utf-8", newline="") for b in buffers]
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8")
    saved, here, environment = (sys.stdin, sys.stdout, sys.stderr), Path.cwd(), dict(os.environ)
    sys.stdin, sys.stdout, sys.stderr = stdin, *streams
    try:
        os.chdir(cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(environment)
        os.chdir(here)
        sys.stdin, sys.stdout, sys.stderr = saved
    for stream in streams:
        stream.flush()
    out, err = (b.getvalue().decode() for b in buffers)
    return subprocess.CompletedProcess(["skillrepo", *args], code, out, err)


@contextmanager
def held_like_a_running_command(directory: Path) -> Iterator[None]:
    """Hold the flock a running init or release holds on its staging directory, for as long as the block runs."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)
