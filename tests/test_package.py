"""The package itself: strict typing, libyaml's C parser, a check path that imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT


def test_types_are_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_uses_the_c_parser_and_imports_no_git() -> None:
    code = (
        "import sys, yaml; from skillrepo.main import main; main(['check']); "
        "assert yaml.__with_libyaml__; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('git', 'openpyxl', 'jinja2', 'hypothesis'));"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
