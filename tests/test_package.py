"""The package itself: strict typing, libyaml's C parser, a check path that imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ROOT, copy_bundled


def test_types_are_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_uses_the_c_parser_and_imports_nothing_heavy(tmp_path: Path) -> None:
    # Outside git (where no applied operations can be compared with HEAD) check imports no git at all.
    copy_bundled(tmp_path / "repo")
    code = (
        "import sys, yaml; from skillrepo.main import main; main(['check']); "
        "assert yaml.__with_libyaml__; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('git', 'openpyxl', 'jinja2', 'hypothesis'));"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "repo", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quick = readme[readme.index("## Quick start"):].split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert quick[1].endswith("pip install -e '.[test]' && pytest")
    test_command = quick[1].split(" && ", 2)[2]  # after creating and activating the environment
    assert (ROOT / ".ci/run").read_text().splitlines()[-1] == test_command
