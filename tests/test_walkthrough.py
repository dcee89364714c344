"""The README's contributor, maintainer and release sections, run step by step as a person would, with the hooks
installed (the real pre-commit), through two releases; then a hand edit committed behind the tools' back, which
`verify` finds in a shallow clone with no tags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import committed_copy, git, git_env, run_in_process

pytestmark = pytest.mark.slow

SYSP4 = "framework/skills/SYSP/level-4.yaml"
ITOP2 = "framework/skills/ITOP/level-2.yaml"


class Person:
    """Someone at a terminal in one clone: runs skillrepo and git, with the hooks of that clone."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env

    def skillrepo(self, *args: str, expect: int = 0) -> str:
        # In this process (main(argv), this person's environment and directory): the commands' own runs as
        # processes are tested elsewhere; what this story needs real are git and the hooks, which start the
        # installed `skillrepo` as processes at every commit.
        result = run_in_process(*args, cwd=self.root, env=self.env)
        assert result.returncode == expect, f"skillrepo {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def git(self, *args: str) -> str:
        return git(self.root, *args, env=self.env).stdout

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / relpath
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (relpath, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", message)  # through the hooks: skillrepo fmt, skillrepo check


def propose(person: Person, title: str, code: str, level: int, old: str, new: str) -> str:
    """README, contributors 1-4: new, write the proposal and operations, preview, check, commit."""
    path = person.skillrepo("new", title, "--applies-to", code).strip()
    cr_id = path.split("/")[1]
    person.edit(path, "  What should change, and why. Mention skills as \"IT infrastructure (ITOP)\" and other "
                "change requests\n  as CR#1432.\n", f"  {title}: the text should say \"{new}\".\n")
    person.edit(path, "operations: []\n", f"operations:\n  - op: update-level\n    skill: {code}\n    level: {level}\n"
                f"    description:\n      edits:\n        - old: {old}\n          new: {new}\n")
    preview = person.skillrepo("preview", cr_id)
    assert f"changes the description of {code} level {level}" in preview
    person.skillrepo("check")
    person.commit(f"Propose {cr_id}")
    return cr_id


def decide(person: Person, cr_id: str) -> None:
    """README, maintainers: accept with a decision and an outcome, then apply with --commit and verify."""
    path = f"changes/{cr_id}/manifest.yaml"
    person.edit(path, "status: draft\n", "status: accepted\n")
    person.edit(path, "# decision: and outcome: are written by a maintainer when the request is decided.\n",
                "decision: |-\n  Accepted.\noutcome: |-\n  The level now says so.\n")
    person.commit(f"Accept {cr_id}")
    assert cr_id in person.skillrepo("status").split("\napplied:")[0]  # accepted, not applied
    applied = person.skillrepo("apply", cr_id, "--commit")
    assert f"applied {cr_id}" in applied and "committed " in applied
    assert person.git("status", "--porcelain") == ""
    assert person.skillrepo("verify").startswith("verified: replaying the ")


@pytest.mark.usefixtures("with_the_cache")  # as on a contributor's machine: the hooks' check keeps its results
def test_the_readme_from_a_contribution_to_two_releases_and_a_hand_edit_found(tmp_path: Path) -> None:
    root = committed_copy(tmp_path / "origin", with_hooks=True)
    env = {**git_env(home=tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
           "SOURCE_DATE_EPOCH": "1796083200"}
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env, check=True,
                   capture_output=True)
    person = Person(root, env)
    out = str(tmp_path / "dist")

    first = propose(person, "Add automation focus to System software (SYSP) level 4", "SYSP", 4,
                    "Defines standard builds and configuration baselines",
                    "Defines standard builds and configuration baselines as code")
    decide(person, first)
    assert "\nrecorded release 1.0.0" in "\n" + person.skillrepo("release", "1.0.0", "--tag", "--out", out)
    assert person.git("status", "--porcelain") == "" and person.git("tag") == "v1.0.0\n"
    person.skillrepo("release", "1.0.0", "--out", out, expect=1)  # released already: refused

    second = propose(person, "Name automation at IT infrastructure (ITOP) level 2", "ITOP", 2,
                     "applies routine configuration changes under direction",
                     "applies routine configuration changes, often automated, under direction")
    decide(person, second)
    changelog = person.skillrepo("changelog")
    assert second in changelog and first not in changelog  # only what came after 1.0.0
    released = person.skillrepo("release", "1.1.0", "--tag", "--out", out)
    assert f"it publishes 1 change request(s): {second}" in released
    assert (tmp_path / "dist/1.1.0/CHANGELOG.md").is_file()

    # A shallow clone with no tags, as CI checks out: it verifies, and knows the releases.
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", "--no-tags", f"file://{root}", str(clone), env=env)
    ci = Person(clone, env)
    assert ci.git("tag") == ""
    assert ci.skillrepo("verify").startswith("verified: replaying the ")
    assert "since v1.1.0" in ci.skillrepo("changelog")

    # A hand edit, committed past the hooks' eyes (check cannot know what a text should say): verify finds it.
    person.edit(ITOP2, "under direction", "on request")
    person.skillrepo("fmt")  # as the hook asks
    person.commit("Touch up ITOP level 2")
    clone2 = tmp_path / "shallow2"
    git(tmp_path, "clone", "--quiet", "--depth", "1", "--no-tags", f"file://{root}", str(clone2), env=env)
    found = Person(clone2, env).skillrepo("verify", expect=1)
    assert ITOP2 in found and "outside any CR" in found
