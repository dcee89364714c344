"""The command line end to end, as a subprocess, as a contributor runs it."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT, copy_bundled, run_cli


def test_bundled_repository_is_clean() -> None:
    result = run_cli("check", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("files: no problems\n")
    assert result.stderr == ""


def test_broken_reference_fails_with_one_line_per_finding(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo")
    skill = repo / "framework/skills/ITOP/skill.yaml"
    skill.write_text(skill.read_text().replace("  - ITMG\n", "  - ITMX\n", 1))
    result = run_cli("check", cwd=repo / "framework" / "skills")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "framework/skills/ITOP/skill.yaml:22:5: R404 related skill ITMX does not exist" in lines
    assert lines[-1] == "checked 132 files: 1 error, 0 warnings"
    assert "Traceback" not in result.stderr


def _with_warning_and_error(tmp_path: Path) -> Path:
    repo = copy_bundled(tmp_path / "repo")
    path = repo / "framework/skills/ITOP/skill.yaml"
    text = path.read_text()
    path.write_text(text.replace("  - ITMG\n", "  - ITMX\n", 1).replace("IT management (ITMG)", "IT management (ITMX)"))
    return repo


def test_json_format_lists_the_same_findings(tmp_path: Path) -> None:
    repo = _with_warning_and_error(tmp_path)
    text = run_cli("check", cwd=repo)
    as_json = run_cli("check", "--format", "json", cwd=repo)
    assert as_json.returncode == text.returncode == 1
    rows = json.loads(as_json.stdout)
    assert [f"{r['path']}:{r['line']}:{r['column']}: {r['code']}" for r in rows] == [
        line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in text.stdout.splitlines()[:-1]]
    assert {r["severity"] for r in rows} == {"error", "warning"}


def test_github_format_gives_annotations(tmp_path: Path) -> None:
    repo = _with_warning_and_error(tmp_path)
    result = run_cli("check", "--format", "github", cwd=repo)
    lines = result.stdout.splitlines()
    assert "::error file=framework/skills/ITOP/skill.yaml,line=22,col=5,title=R404::R404 related skill ITMX does not exist" in lines
    assert any(line.startswith("::warning file=framework/skills/ITOP/skill.yaml,") and "T501" in line for line in lines)


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo")
    path = repo / "framework/skills/ITOP/skill.yaml"
    path.write_text(path.read_text().replace("IT management (ITMG)", "IT management (ITMX)"))
    plain = run_cli("check", cwd=repo)
    assert plain.returncode == 0
    assert plain.stdout.splitlines()[-1] == "checked 132 files: 0 errors, 1 warning"
    assert run_cli("check", "--strict", cwd=repo).returncode == 1


def test_paths_from_the_hook_do_not_narrow_the_check(tmp_path: Path) -> None:
    repo = _with_warning_and_error(tmp_path)
    result = run_cli("check", "framework/skills/ASUP/skill.yaml", cwd=repo)
    assert result.returncode == 1
    assert "R404 related skill ITMX does not exist" in result.stdout


def test_outside_a_repository_exits_2_with_a_message(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: not a framework repository: no framework/ directory in {tmp_path.resolve()} or "
                             "any parent; run inside a framework repository or pass --repo DIR\n")


def test_bad_arguments_exit_2_without_traceback(tmp_path: Path) -> None:
    result = run_cli("check", "--format", "xml", cwd=ROOT)
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_cli("--repo", str(tmp_path / "nowhere"), "check", cwd=ROOT)
    assert missing.returncode == 2
    assert missing.stderr == f"error: --repo {tmp_path / 'nowhere'}: no such directory\n"


def test_repo_option_points_at_a_repository(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo")
    result = run_cli("--repo", str(repo), "check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_check_codes_reference_is_generated_from_the_rules() -> None:
    result = run_cli("rules", "--format", "markdown", cwd=ROOT)
    assert result.returncode == 0
    assert (ROOT / "docs/checks.md").read_text() == result.stdout, "regenerate: skillrepo rules --format markdown > docs/checks.md"
