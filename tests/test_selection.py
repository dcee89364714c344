"""`skillrepo check --select/--ignore` and `[tool.skillrepo.check]`: which codes a check reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_bundled, linked_bundled, links_untouched, own_file
from skillrepo.main import main
from skillrepo.rules import FAMILIES, RULES, UNIGNORABLE, severity
from skillrepo.rules.base import document, finds

F601 = "framework/skills/ASUP/skill.yaml:4:1: F601"
P304 = "framework/skills/ZZZZ.yaml:1:1: P304"
Y_TAB = "framework/skills/ASUP/level-3.yaml"


@pytest.fixture()
def flawed(tmp_path: Path) -> Iterator[Path]:
    """The bundled framework with an F601 and a P304 finding: a tree of links to the bundled files (a test makes a
    file its own before writing it), none of them written to by the end."""
    root = linked_bundled(tmp_path / "repo")
    skill = root / "framework/skills/ASUP/skill.yaml"
    own_file(skill)
    skill.write_text(skill.read_text().replace("\nname: ", "\nname:  ", 1))
    (root / "framework/skills/ZZZZ.yaml").write_text("code: ZZZZ\n")
    yield root
    assert links_untouched(root)


def check(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--repo", str(root), "check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_code_by_default(flawed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, flawed)
    assert code == 1 and F601 in out and P304 in out


@pytest.mark.parametrize(("args", "shown", "hidden"), [
    (["--select", "F601"], F601, P304), (["--select", "P"], P304, F601), (["--select", "P3,T"], P304, F601),
    (["--ignore", "F"], P304, F601), (["--ignore", "P304"], F601, P304),
])
def test_select_and_ignore(flawed: Path, capsys: pytest.CaptureFixture[str], args: list[str], shown: str,
                           hidden: str) -> None:
    code, out, _ = check(capsys, flawed, *args)
    assert code == 1 and shown in out and hidden not in out


def test_ignoring_every_finding_passes(flawed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, flawed, "--ignore", "F601,P304")[:2] == (0, "checked 132 files: no problems\n")


def test_configuration_file_and_command_line_wins(flawed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (flawed / "pyproject.toml").write_text('[tool.skillrepo.check]\nselect = ["R", "F"]\nignore = ["F601"]\n')
    assert check(capsys, flawed)[0] == 0
    code, out, _ = check(capsys, flawed, "--ignore", "R")
    assert code == 1 and F601 in out and P304 not in out
    code, out, _ = check(capsys, flawed, "--select", "P")
    assert code == 1 and P304 in out and F601 not in out


def test_a_pyproject_without_the_table_selects_nothing_away(flawed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (flawed / "pyproject.toml").write_text('[project]\nname = "framework"\n')
    code, out, _ = check(capsys, flawed)
    assert code == 1 and F601 in out and P304 in out


@pytest.mark.parametrize(("args", "config", "message"), [
    (["--select", "R4,XX9,r4"], None,
     "error: --select: unknown check codes XX9, r4; `skillrepo rules` lists every code\n"),
    (["--ignore", "Q"], None, "error: --ignore: unknown check code Q; `skillrepo rules` lists every code\n"),
    ([], '[tool.skillrepo.check]\nignore = ["R999"]\n', "error: pyproject.toml: [tool.skillrepo.check] ignore: "
     "unknown check code R999; `skillrepo rules` lists every code\n"),
    ([], '[tool.skillrepo.check]\nselect = "R4"\n', "error: pyproject.toml: [tool.skillrepo.check] select is not a "
     'list of codes; write select = ["R4", "T501"]\n'),
    ([], '[tool.skillrepo]\ncheck = 1\n', "error: pyproject.toml: tool.skillrepo.check is not a table; write "
     "[tool.skillrepo.check]\n"),
    ([], '[tool.skillrepo.check\n', "error: pyproject.toml: cannot be read (Expected ']' at the end of a table "
     "declaration (at line 1, column 22)); fix it so that [tool.skillrepo.check] can be read\n"),
    ([], "x = " + "[" * 100_000 + "]" * 100_000 + "\n", "error: pyproject.toml: cannot be read (nested too deep); "
     "fix it so that [tool.skillrepo.check] can be read\n"),
    ([], b'x = "\xff"\n', "error: pyproject.toml: cannot be read (not UTF-8); fix it so that [tool.skillrepo.check] "
     "can be read\n"),
])
def test_a_bad_selection_is_refused(flawed: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                    config: str | bytes | None, message: str) -> None:
    if isinstance(config, str):
        (flawed / "pyproject.toml").write_text(config)
    elif config is not None:
        (flawed / "pyproject.toml").write_bytes(config)
    assert check(capsys, flawed, *args) == (2, "", message)


def test_a_linked_pyproject_is_not_followed(flawed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (flawed / "pyproject.toml").symlink_to("/dev/zero")
    code, out, err = check(capsys, flawed)
    assert (code, out) == (2, "") and err.startswith("error: pyproject.toml: cannot be read (")


def test_errors_that_stop_a_file_being_read_cannot_be_ignored(flawed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own_file(flawed / Y_TAB)
    (flawed / Y_TAB).write_text("level: 3\n\tdescription: x\n")
    code, out, _ = check(capsys, flawed, "--ignore", "Y,P,F", "--select", "R")
    assert code == 1 and f"{Y_TAB}:" in out and " Y0" in out and P304 not in out
    assert {"Y001", "Y014", "P305"} <= UNIGNORABLE


def test_every_code_has_a_family_and_an_unregistered_code_raises() -> None:
    assert all(code[0] in FAMILIES for code in RULES)
    with pytest.raises(LookupError, match="Z999"):
        severity("Z999")
    with pytest.raises(ValueError, match="not documented"):
        finds("Z999")
    with pytest.raises(ValueError, match="registered twice"):
        document(RULES["R401"])


def test_a_rule_emitting_a_code_it_did_not_register_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skillrepo import checker
    from skillrepo.findings import Finding

    def stray(_: object) -> list[Finding]:
        return [Finding("framework/framework.yaml", 1, 1, "R402", "stray")]

    monkeypatch.setattr(checker, "CHECKS", [(frozenset({"R401"}), stray)])
    with pytest.raises(LookupError, match="rule stray emits R402, which it does not register"):
        checker.check_repository(copy_bundled(tmp_path / "repo"))
