"""Fixtures shared by the whole suite; each name means one thing everywhere.

- `bundled_repository`: the repository this project ships, loaded once and checked clean (read only).
- `bundled`: its framework.
- `git_root`: a fresh copy of the bundled repository committed on `main` in a temporary git repository.
"""
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT, committed_copy  # noqa: E402
from skillrepo.checker import check_repository  # noqa: E402
from skillrepo.model import Framework, Repository  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def user_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache directory (where the result cache's secret lives) for the whole session: never the real
    one. And, as in CI, no result cache: every command reads and validates every file. The tests of the cache
    (test_resultcache.py), the hostile cases and the README's walk-through turn it on (`with_the_cache`)."""
    home = tmp_path_factory.mktemp("user-cache")
    before = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "SKILLREPO_NO_CACHE")}
    os.environ["XDG_CACHE_HOME"] = str(home)
    os.environ["SKILLREPO_NO_CACHE"] = "1"
    yield home
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture()
def with_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """The result cache on, as on a contributor's machine: `check` keeps per-file results in .skillrepo/cache/."""
    monkeypatch.delenv("SKILLREPO_NO_CACHE", raising=False)


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
