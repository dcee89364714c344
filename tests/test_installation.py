"""The Quick start's first command (`pip install -e .`) installs everything the repository's hooks run."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from helpers import ROOT
from packaging.requirements import Requirement
from packaging.version import Version


def _project() -> dict[str, Any]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        project: dict[str, Any] = tomllib.load(f)["project"]
    return project


def _runtime() -> dict[str, Requirement]:
    return {r.name.lower(): r for r in map(Requirement, _project()["dependencies"])}


def test_runtime_dependencies_include_pre_commit_at_the_version_the_config_needs() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    needed = Version(config["minimum_pre_commit_version"])
    pre_commit = _runtime().get("pre-commit")
    assert pre_commit is not None, "pre-commit must be a runtime dependency: the Quick start installs no extra"
    lowest = [Version(s.version) for s in pre_commit.specifier if s.operator in (">=", "==", "~=")]
    assert lowest and min(lowest) >= needed, f"{pre_commit} allows a pre-commit older than {needed}"


def test_every_local_hook_runs_a_command_the_package_installs() -> None:
    """The hooks on the data run what `pip install -e .` installs; the lint of the tool's own Python (a hook on
    Python files only, which a change to the data never runs) runs what the test extra installs."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    scripts = set(_project()["scripts"])
    test_extra = {Requirement(r).name.lower() for r in _project()["optional-dependencies"]["test"]}
    for repo in config["repos"]:
        assert repo["repo"] == "local", f"{repo['repo']}: a hook from the network is not installed by pip"
        for hook in repo["hooks"]:
            command = re.split(r"\s+", hook["entry"].strip())[0]
            if hook.get("types") == ["python"]:
                assert command in test_extra, f"hook {hook['id']} runs {command}, which the test extra does not install"
                continue
            assert command in scripts, f"hook {hook['id']} runs {command}, which `pip install -e .` does not install"


def test_the_test_extra_stays_separate_from_the_runtime() -> None:
    test_extra = {Requirement(r).name.lower() for r in _project()["optional-dependencies"]["test"]}
    assert "pytest" in test_extra and "pytest" not in _runtime()
    assert not test_extra & set(_runtime()), "a runtime dependency is listed again in the test extra"
