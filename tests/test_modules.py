"""Each concept has one home: the sources are scanned for imports that cross the layers."""

from __future__ import annotations

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


def test_the_control_character_ranges_are_written_once() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "chars.py":
            text = path.read_text(encoding="utf-8")
            assert "\\x00-" not in text and "\\x7f-\\x9f" not in text, f"{path.name}: use skillrepo.chars"
