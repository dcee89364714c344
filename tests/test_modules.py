"""Each concept has one home: the sources are scanned for imports that cross the layers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scripts" / "skillrepo"


def _imports(path: Path) -> list[str]:
    return re.findall(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(encoding="utf-8"), re.M)


def test_no_command_imports_another_command() -> None:
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        crossing = [m for m in _imports(path) if m.startswith("skillrepo.commands")]
        assert not crossing, f"{path.name} imports {crossing}: move what they share below the commands"


def test_commands_and_pages_do_not_reach_into_the_rules() -> None:
    for path in [*sorted((PACKAGE / "commands").glob("*.py")), PACKAGE / "pages.py", PACKAGE / "site" / "build.py"]:
        if path.name in ("check.py", "rules.py"):
            continue  # the commands that run and list the rules
        crossing = [m for m in _imports(path) if m.startswith("skillrepo.rules")]
        assert not crossing, f"{path.name} imports {crossing}"


def test_one_definition_of_the_impact_rank_and_the_mention_patterns() -> None:
    sources = {p: p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}
    assert [p.name for p, s in sources.items() if "_RANK = {" in s or "IMPACT_RANK:" in s] == ["domain.py"]
    assert [p.name for p, s in sources.items() if re.search(r"^CR_CITE = ", s, re.M)] == ["mentions.py"]


def test_git_only_in_history() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "history.py":
            continue
        text = path.read_text(encoding="utf-8")
        crossing = [m for m in _imports(path) if m == "git" or m.startswith(("git.", "gitdb", "subprocess"))]
        assert not crossing, f"{path.relative_to(PACKAGE)} imports {crossing}: git goes through history.py"
        assert not re.search(r"\b(?:Popen|check_output|run)\(\s*\[\s*[\"']git[\"']", text), path
        used = _git_object_attributes(path)
        assert not used, f"{path.relative_to(PACKAGE)} uses GitPython's {used}: ask history.py for it instead"


# Attributes only GitPython's objects (Repo, Commit, TagReference) have among this package's objects (a Path
# has parents, the parsed arguments a commit: those are left out). `index` is a list method too: only an
# attribute read from it (repo.index.diff) is GitPython's.
_GIT_ATTRIBUTES = frozenset({"head", "heads", "tags", "git", "odb", "is_dirty", "create_tag", "untracked_files",
                             "working_tree_dir", "hexsha", "binsha", "committed_date", "tree", "merge_base",
                             "data_stream"})


def _git_object_attributes(path: Path) -> list[str]:
    """The GitPython attributes a module reads, line by line (`line:name`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or (isinstance(node.value, ast.Name) and node.value.id == "history"):
            continue  # history's own functions are the way in
        if node.attr in _GIT_ATTRIBUTES or (isinstance(node.value, ast.Attribute) and node.value.attr == "index"):
            found.append(f"{node.lineno}:{node.attr}")
    return sorted(found)


def test_the_git_scan_sees_gitpython_use(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("ok = [1].index(1)\nrepo.head.is_valid()\nrepo.index.diff(None)\nc.hexsha\n"
                      "history.merge_base(r, a, b)\n", encoding="utf-8")
    assert sorted(_git_object_attributes(sample)) == ["2:head", "3:diff", "4:hexsha"]


def test_one_staging_writer() -> None:
    """Only staging.py makes staging directories, locks them and swaps them into place (locking.py holds the
    repository's own lock)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "staging.py":
            assert not re.search(r"\bmkdtemp\(|renameat2|RENAME_EXCHANGE", text), f"{path.name}: use skillrepo.staging"
        if path.name not in ("staging.py", "locking.py"):
            assert "LOCK_NB" not in text and "flock(" not in text, f"{path.name}: use skillrepo.staging"


def test_the_control_character_ranges_are_written_once() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "chars.py":
            text = path.read_text(encoding="utf-8")
            assert "\\x00-" not in text and "\\x7f-\\x9f" not in text, f"{path.name}: use skillrepo.chars"


def _fixtures(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and any("fixture" in ast.unparse(d) for d in node.decorator_list)}


def test_a_shared_fixture_name_means_one_thing_in_every_test_file() -> None:
    tests = Path(__file__).resolve().parent
    shared = _fixtures(tests / "conftest.py")
    assert {"bundled", "bundled_repository", "git_root"} <= shared
    for path in sorted(tests.glob("test_*.py")):
        redefined = _fixtures(path) & shared
        assert not redefined, f"{path.name} redefines {sorted(redefined)}; use the one in conftest.py or another name"
    every = [name for path in sorted(tests.glob("test_*.py")) for name in _fixtures(path)]
    assert "repo" not in every, "`repo` meant a Path in some files and a Repository in others; name what it holds"
