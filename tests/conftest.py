"""Fixtures shared by the whole suite; each name means one thing everywhere.

- `bundled_repository`: the repository this project ships, loaded once and checked clean (read only).
- `bundled`: its framework.
- `git_root`: a fresh copy of the bundled repository committed on `main` in a temporary git repository.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT, committed_copy  # noqa: E402
from skillrepo.checker import check_repository  # noqa: E402
from skillrepo.model import Framework, Repository  # noqa: E402


@pytest.fixture(scope="session")
def bundled_repository() -> Repository:
    repository, findings = check_repository(ROOT)
    assert findings == []
    return repository


@pytest.fixture(scope="session")
def bundled(bundled_repository: Repository) -> Framework:
    return bundled_repository.framework


@pytest.fixture()
def git_root(tmp_path: Path) -> Path:
    return committed_copy(tmp_path / "repo")
