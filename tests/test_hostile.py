"""Input that is out to break the tool: each case under tests/cases/hostile/ is run as a real `python -m skillrepo`
process (forked from a server that has imported the package once: tests/forkserver.py), in a copy of the bundled
repository (its files hard links to one copy made per session, each file a case writes made its own first), under a
memory limit and a time limit, and must give exactly its finding or refusal: no traceback, nothing written, nothing
read outside the repository.

A case is a YAML file:

    about: what the input is, and why it is hostile
    command: check (the default), import, init, or any other command, run in the repository with `args`
    args: [arguments]               # for a command other than check and init, or import without `input`
                                    # ({repo}, {outside} placed)
    stdin: recipe                   # what the command reads on standard input (default: nothing)
    # check: the repository is changed as a case of tests/cases/bad/ says (write, write_bytes, edit, delete,
    # symlink), and further by:
    generate: {relpath: recipe}     # a file made from a recipe (below): big inputs are never committed
    sparse: {relpath: size}         # a file of that many bytes (zeros) that takes no room on disk; or
                                    # {size: N, times: T, start: S}: T files, {r} in relpath from S
    fifo: [relpath]                 # a named pipe: whoever opens it for reading waits forever
    raw_names: {relpath: text}      # a file whose path is escape-decoded to bytes (names that are not UTF-8)
    # import and init: the input file (the page, or the sheet) at {input}
    input: recipe                   # its bytes
    input_name: page.txt            # its name (default page.txt for import, skills.xlsx for init)
    sheet: {...}                    # or a workbook or CSV made by `make_sheet` (see there)
    exit: 1                         # the exit status (2 for a usage error; "any": not checked)
    stdout: [lines]                 # the whole standard output, line by line ({input} is the input's path)
    stderr: [lines]                 # the whole standard error
    output: any                     # instead: the output is not checked (the wording belongs to a rule
                                    # elsewhere; the case is about surviving the input)
    xfail: why                      # a bug not fixed yet (strict: the case fails until it is)

A recipe is a list of parts (or one part), joined: {text: "..."}; {bytes: "..."} (escapes such as \\x00 decoded);
{repeat: "...", times: N}; {format: "...{i}...{r}...{code}...{indent}", times: N, start: S} (i from 0, r = S + i,
code the i-th four-letter code AAAA, AAAB, ..., indent i spaces).

Every case runs with the address space limited to MEMORY_LIMIT (RLIMIT_AS, set in the child before the command
runs: the interpreter and the package take about 50 MB of it, so 500 MB is headroom, not a squeeze;
going over makes an allocation fail, which would show as a traceback or a crash) and TIME_LIMIT seconds of CPU
time (RLIMIT_CPU in the child, and the child's CPU time, from wait4, asserted under it; the wall clock only guards
against a hang, HANG_GUARD seconds, so that a loaded machine slows a case without failing it). Beside the repository lies a file holding SECRET, and a named pipe; cases link to them
({outside}/secret.txt, {outside}/fifo): the secret must appear in no output, and the pipe, if anything opened it,
would hang the run until the hang guard. No output may hold a control character but line breaks and tabs.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import os
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from forkserver import ForkServer
from helpers import XLSX_NS, copy_bundled, linked_bundled, links_untouched, own_file, with_empty_entries, write_raw_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st
from skillrepo.errors import SkillrepoError
from skillrepo.exports import sheets
from skillrepo.layout import level_path, manifest_path, skill_dir, skill_level_path, skill_path
from skillrepo.pages import MAX_PAGE_LINES, parse_page
from skillrepo.rules import RULES
from skillrepo.yamlsource import Loaded, load_bytes, load_text
from test_cases import apply_case

CASES = sorted((Path(__file__).parent / "cases" / "hostile").glob("*.yaml"))
MEMORY_LIMIT = 500 * 1024 * 1024
TIME_LIMIT = 5.0  # CPU seconds of the child
HANG_GUARD = 60.0  # wall seconds: only a hung run takes this long
SECRET = "SECRET-7f3a9c-outside-the-repository"
# What no output may hold: a terminal obeys control characters (colours, titles, clearing the screen).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Recipes --------------------------------------------------------------------------------------------------

def code_of(i: int) -> str:
    """The i-th four-letter code: AAAA, AAAB, ..."""
    letters = ""
    for _ in range(4):
        letters = chr(ord("A") + i % 26) + letters
        i //= 26
    return letters


def recipe_bytes(recipe: Any) -> bytes:
    """The bytes a recipe makes."""
    parts = recipe if isinstance(recipe, list) else [recipe]
    out: list[bytes] = []
    for part in parts:
        if "text" in part:
            out.append(part["text"].encode("utf-8"))
        elif "bytes" in part:
            out.append(codecs.escape_decode(part["bytes"].encode("utf-8"))[0])
        elif "repeat" in part:
            out.append(part["repeat"].encode("utf-8") * part["times"])
        elif "format" in part:
            start = part.get("start", 0)
            out.append("".join(part["format"].format(i=i, r=start + i, code=code_of(i), indent=" " * i)
                               for i in range(part["times"])).encode("utf-8"))
        else:
            raise AssertionError(f"unknown recipe part {part!r}")
    return b"".join(out)


# Spreadsheets ---------------------------------------------------------------------------------------------

HEADER = list(sheets.SKILL_HEADER)


def skill_row(i: int) -> list[Any]:
    """A valid row of the skills sheet: skill i, defined at level 2."""
    code, name = code_of(i), f"Skill {i}"
    return [i + 1, None, 2, None, None, None, None, None, code, f"https://example.org/{code}", name,
            "Delivery and operation", "Technology management", f"About {name}.", None,
            None, f"{name} at level 2.", None, None, None, None, None]


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, dict) and "formula" in value:  # a formula with no cached value, as a tool writes it
        return f'<c r="{ref}"><f>{_escape(value["formula"])}</f></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(str(value))}</t></is></c>'


def make_sheet(path: Path, spec: dict[str, Any]) -> Path:
    """A skills sheet: `skills` generated rows (default 3), cells set by "COLUMN ROW" (a value, or {formula}),
    `merge` ranges; for a workbook also XML `after_rows` (a recipe, inside sheetData), `before_root` (a recipe,
    before the worksheet element), `styles` and `shared_strings` (recipes for those parts), `parts` (more parts,
    each a recipe) and `entries` empty extra parts. CSV when the path ends in .csv."""
    rows: list[list[Any]] = [list(HEADER)] + [skill_row(i) for i in range(spec.get("skills", 3))]
    for where, value in spec.get("set", {}).items():
        column, row = where.rsplit(" ", 1)
        rows[int(row) - 1][HEADER.index(column)] = value
    if path.suffix == ".csv":
        path.write_bytes(sheets.to_csv(rows[0], rows[1:]))
        return path
    body = "".join(f'<row r="{r}">' + "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row) if v is not None)
                   + "</row>" for r, row in enumerate(rows, start=1)).encode("utf-8")
    body += recipe_bytes(spec["after_rows"]) if "after_rows" in spec else b""
    merges = spec.get("merge", [])
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
              + "</mergeCells>").encode() if merges else b""
    before = recipe_bytes(spec["before_root"]) if "before_root" in spec else b""
    sheet = before + f"<worksheet {XLSX_NS}><sheetData>".encode() + body + b"</sheetData>" + merged + b"</worksheet>"
    return write_raw_xlsx(path, sheet, recipe_bytes(spec["styles"]) if "styles" in spec else None,
                          recipe_bytes(spec["shared_strings"]) if "shared_strings" in spec else None,
                          {name: recipe_bytes(recipe) for name, recipe in spec.get("parts", {}).items()},
                          spec.get("entries", 0))


# Running a case -------------------------------------------------------------------------------------------

# The child's limits. RLIMIT_CPU is one second over the limit, so that the assertion on the measured time, not
# the kill, reports a slow case.
LIMITS = {"RLIMIT_AS": MEMORY_LIMIT, "RLIMIT_CORE": 0, "RLIMIT_CPU": int(TIME_LIMIT) + 1}


@pytest.fixture(scope="module")
def forked() -> Iterator[ForkServer]:
    """A server that forks a `python -m skillrepo` per case, warnings made errors as in run_cli."""
    server = ForkServer(with_the_cache())
    yield server
    server.close()


def tree(top: Path) -> dict[str, tuple[str, str]]:
    """Every entry under `top`: its kind and content (a file's hash, a link's target); no link is followed and
    no pipe is opened."""
    out: dict[str, tuple[str, str]] = {}
    for directory, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(directory) / name
            rel = os.fsencode(path.relative_to(top)).decode("utf-8", "backslashreplace")
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode) and st.st_blocks * 512 < st.st_size:  # a sparse file: any write shows
                out[rel] = (f"file {stat.S_IMODE(st.st_mode):o}", f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}")
            elif stat.S_ISREG(st.st_mode):
                out[rel] = (f"file {stat.S_IMODE(st.st_mode):o}", hashlib.sha256(path.read_bytes()).hexdigest())
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = (f"dir {stat.S_IMODE(st.st_mode):o}", "")
            else:
                out[rel] = (f"other {stat.S_IFMT(st.st_mode):o}", "")
    return out


def with_the_cache() -> dict[str, str]:
    """Each case's environment, as a contributor's: warnings made errors, and the result cache on, so that what
    a hostile checkout holds also goes through it (a check's cache is the one thing a reader may write)."""
    return {**{k: v for k, v in os.environ.items() if k != "SKILLREPO_NO_CACHE"}, "PYTHONWARNINGS": "error"}


def without_the_cache(files: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The entries but the results `check` keeps in a repository's .skillrepo/cache/ (and the .skillrepo/ with its
    .gitignore made for them): a write anywhere else, through a link above all, still shows."""
    made = {path.rsplit("/.skillrepo/cache", 1)[0] for path in files if "/.skillrepo/cache/" in path}
    kept = {f"{top}/.skillrepo{rest}" for top in made for rest in ("/cache", "/.gitignore", "")}
    return {path: entry for path, entry in files.items()
            if path not in kept and not any(path.startswith(f"{top}/.skillrepo/cache/") for top in made)}


def prepare(case: dict[str, Any], tmp: Path) -> tuple[list[str], Path, dict[str, str]]:
    """The repository, the outside files and the input of a case: the command's arguments, its directory and
    the placeholders of its expected output."""
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"code: ITOP\nname: {SECRET}\n", encoding="utf-8")
    os.mkfifo(outside / "fifo")
    root = linked_bundled(tmp / "repo")  # a copy whose files are links to one copy: each file written is made its own
    places = {"outside": str(outside), "repo": str(root)}

    def placed(value: Any) -> Any:
        if isinstance(value, str):
            for key, path in places.items():
                value = value.replace("{" + key + "}", path)
        elif isinstance(value, dict):
            value = {placed(k): placed(v) for k, v in value.items()}
        elif isinstance(value, list):
            value = [placed(v) for v in value]
        return value

    apply_case(root, placed({k: case[k] for k in ("write", "write_bytes", "edit", "delete", "symlink") if k in case}))
    for rel, recipe in case.get("generate", {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        own_file(root / rel)
        (root / rel).write_bytes(recipe_bytes(recipe))
    for rel, size in case.get("sparse", {}).items():  # a file of `size` bytes that takes no room on disk
        many = size if isinstance(size, dict) else {"size": size, "times": 1, "start": 0}
        for r in range(many.get("start", 0), many.get("start", 0) + many["times"]):
            (root / rel.format(r=r)).parent.mkdir(parents=True, exist_ok=True)
            own_file(root / rel.format(r=r))
            with open(root / rel.format(r=r), "wb") as f:
                f.truncate(many["size"])
    for rel in case.get("fifo", []):
        (root / rel).unlink(missing_ok=True)
        os.mkfifo(root / rel)
    for rel, text in case.get("raw_names", {}).items():
        path = os.fsencode(root) + b"/" + codecs.escape_decode(rel.encode("utf-8"))[0]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        own_file(Path(os.fsdecode(path)))
        with open(path, "wb") as f:
            f.write(text.encode("utf-8"))
    command = case.get("command", "check")
    if command == "check":
        return ["check"], root, places
    if command not in ("import", "init") or "args" in case:  # import with args: a page from standard input
        return [command, *placed(case.get("args", []))], root, places
    default = "page.txt" if command == "import" else "skills.xlsx"
    source = tmp / case.get("input_name", default)
    if "sheet" in case:
        make_sheet(source, case["sheet"])
    else:
        source.write_bytes(recipe_bytes(case["input"]))
    places["input"] = str(source)
    if command == "import":
        return ["import", str(source)], root, places
    places["target"] = str(tmp / "new-framework")
    return ["init", str(tmp / "new-framework"), "--from-sheet", str(source)], tmp, places


def _load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


@pytest.mark.parametrize("case_path", CASES, ids=[c.stem for c in CASES])
def test_hostile_case(case_path: Path, tmp_path: Path, request: pytest.FixtureRequest, forked: ForkServer) -> None:
    case = _load(case_path)
    if case.get("xfail"):
        request.applymarker(pytest.mark.xfail(reason=case["xfail"], strict=True))
    args, cwd, places = prepare(case, tmp_path)
    before = tree(tmp_path)
    try:
        result, cpu = forked.run(args, cwd, recipe_bytes(case["stdin"]) if "stdin" in case else b"",
                                 with_the_cache(), LIMITS, HANG_GUARD)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {HANG_GUARD} s: the run hangs")
    stdout = result.stdout.decode("utf-8", "backslashreplace")
    stderr = result.stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in stderr, stderr
    assert SECRET not in stdout + stderr
    assert not CONTROL.search(stdout + stderr), "a control character reaches the terminal"
    if case.get("exit", 1) != "any":
        assert result.returncode == case.get("exit", 1), stdout + stderr

    def expected(key: str) -> list[str]:
        lines: list[str] = case.get(key, [])
        for name, value in places.items():
            lines = [line.replace("{" + name + "}", value) for line in lines]
        return lines

    if case.get("output") != "any":
        assert stdout.splitlines() == expected("stdout")
        assert stderr.splitlines() == expected("stderr")
    after = tree(tmp_path)
    assert (without_the_cache(after) if "check" in args else after) == before, "the run changed files"
    assert links_untouched(tmp_path / "repo"), "a file shared with the other cases' trees was written to"
    assert cpu < TIME_LIMIT, f"{cpu:.1f} s of CPU"


def test_every_case_says_what_it_is_about() -> None:
    assert CASES
    for case_path in CASES:
        case = _load(case_path)
        assert case.get("about") and ("stdout" in case or "stderr" in case or case.get("output") == "any"), \
            case_path.name


@pytest.mark.parametrize("args", [["check"], ["check", "--no-such-option"], ["--version"], ["preview", "CR-9999"],
                                  ["import", "-"]])
def test_a_forked_run_is_the_command_line_run(args: list[str], tmp_path: Path, forked: ForkServer) -> None:
    root = linked_bundled(tmp_path / "repo")
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    real = subprocess.run([sys.executable, "-m", "skillrepo", *args], cwd=root, capture_output=True,
                          input=b"not a page", env=env)
    result, cpu = forked.run(args, root, b"not a page", env, LIMITS, HANG_GUARD)
    assert (result.returncode, result.stdout, result.stderr) == (real.returncode, real.stdout, real.stderr)
    assert 0 <= cpu < TIME_LIMIT
    assert links_untouched(root)


def test_empty_entries_are_added_as_zipfile_adds_them() -> None:
    # The cases' many empty entries are written without zipfile (it took seconds for 300,000): the same bytes.
    def archive(entries: int) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo("a.xml", (2000, 1, 1, 0, 0, 0)), "<a/>" * 10, zipfile.ZIP_DEFLATED)
            for n in range(entries):
                z.writestr(zipfile.ZipInfo(f"x/{n}", (1980, 1, 1, 0, 0, 0)), b"")
        return out.getvalue()

    assert with_empty_entries(archive(0), 3) == archive(3)
    assert with_empty_entries(archive(0), 0) == archive(0)


def test_a_forked_run_is_held_to_its_limits(tmp_path: Path, forked: ForkServer) -> None:
    # A CPU limit of 0 s ends the child at once with SIGXCPU (or SIGKILL), as it ends a real process.
    result, _ = forked.run(["check"], copy_bundled(tmp_path / "repo"), b"", dict(os.environ), {"RLIMIT_CPU": 0},
                           HANG_GUARD)
    assert result.returncode in (-signal.SIGXCPU, -signal.SIGKILL)


# In-process: the loader and the page parser on anything ---------------------------------------------------

def _assert_sound(loaded: Loaded, text: str) -> None:
    """An unusable load says why; every problem has a registered code and a position inside the text."""
    assert loaded.usable or loaded.problems
    lines = max(1, len(text.splitlines()) + 1)
    for problem in loaded.problems:
        assert problem.code in RULES, problem
        assert 1 <= problem.line <= lines, problem
        assert problem.column >= 1, problem
        assert problem.message and "\n" not in problem.message, problem


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_load_bytes_never_raises_on_any_bytes(raw: bytes) -> None:
    loaded = load_bytes(raw)
    _assert_sound(loaded, raw.decode("utf-8", "replace"))


_YAMLISH = st.text(st.sampled_from(list("ab01:-?[]{},&*!|>'\"#%@` \t\n\r\\.xX\x07\x00\x85\u2028\ufeff\ud800é~")),
                   max_size=300)


@settings(max_examples=500, deadline=None)
@given(_YAMLISH)
def test_load_bytes_and_load_text_never_raise_on_yaml_ish_text(text: str) -> None:
    loaded = load_text(text)
    _assert_sound(loaded, text)
    loaded = load_bytes(text.encode("utf-8", "surrogatepass"))
    _assert_sound(loaded, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "#1450 Tidy up change request submitted", "#99999999999 x change request draft", "IT infrastructure (ITOP) level 4",
    "A (ITOP) level 99999999999999999999", "Proposed change applies to IT infrastructure and Network support",
    "Current status of this request: accepted", "Current status of this request:", "What we decided",
    "What we changed", "CR#1431 and #12 and CR-" + "9" * 20, "", "\u00a0", "\r\n", "\x00", "\x07", "\ud800",
    "text.", "(ABCD)",
]) | st.text(max_size=40), max_size=30).map("\n".join))
def test_parse_page_raises_nothing_but_skillrepo_error(text: str) -> None:
    with contextlib.suppress(SkillrepoError):
        parse_page(text, "page.txt")


def test_the_loader_depth_limit_holds_for_flow_and_block_nesting() -> None:
    deep = 100_000
    cases = {
        "flow, one line": b"[" * deep,
        "flow, one per line": b"[\n" * deep,
        "flow mappings": b"{a: " * deep,
        "block, compact": b"- " * deep + b"x\n",
        "block, indented": b"".join(b" " * i + b"- \n" for i in range(1400)),
        "block mappings": b"".join(b" " * i + b"a:\n" for i in range(1400)),
    }
    for name, raw in cases.items():
        loaded = load_text(raw.decode())
        assert [p.code for p in loaded.problems] == ["Y012"], name
        assert not loaded.usable


@pytest.mark.parametrize("make", [
    lambda: skill_path("../../etc"), lambda: skill_path("/etc/passwd"), lambda: skill_path("itop"),
    lambda: skill_path("ITOP\n"), lambda: skill_dir("CON"), lambda: skill_level_path("ITOP", 0),
    lambda: skill_level_path("ITOP", 10 ** 5000), lambda: level_path(True), lambda: manifest_path("../CR-1431"),
    lambda: manifest_path("CR-1431/../../x"), lambda: manifest_path("cr-1431"),
], ids=["dotdot", "absolute", "lower case", "newline", "CON", "level 0", "huge level", "bool", "cr dotdot",
        "cr inside", "cr lower case"])
def test_no_data_path_is_made_from_a_value_that_would_leave_its_directory(make: Any) -> None:
    with pytest.raises(SkillrepoError):
        make()


def test_the_page_parser_is_linear() -> None:
    def page(headings: int) -> str:
        blocks = "".join(f"Skill ({code_of(i)}) level 3\n\nText.\n\n" for i in range(headings))
        return "#1450 Tidy up change request submitted\n\nA proposal.\n\n" + blocks

    def best_time(text: str, headings: int) -> float:
        # CPU time of this process, not the wall clock: other processes on the machine do not count.
        # The best of three: the least disturbed by caches and the collector.
        times = []
        for _ in range(3):
            start = time.process_time()
            assert len(parse_page(text, "page.txt").blocks) == headings
            times.append(time.process_time() - start)
        return min(times)

    largest = (MAX_PAGE_LINES - 10) // 4
    quarter, whole = best_time(page(largest // 4), largest // 4), best_time(page(largest), largest)
    assert whole < 1.0
    assert whole < 10 * quarter  # four times the page: about four times the time, not sixteen
