"""The command line end to end, as a subprocess, as a contributor runs it."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT, copy_bundled, run_cli, write_files


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
    assert lines[-1] == "checked 88 files: 1 error, 0 warnings"
    assert "Traceback" not in result.stderr
