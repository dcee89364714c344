"""CI: the workflows lint clean and run what the README promises; `skillrepo authorize` refuses, in real git
repositories, the changes only a maintainer may make."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import (
    ROOT,
    copy_bundled,
    copy_repository,
    git,
    git_env,
    init_git,
    packed,
    run_cli,
    run_in_process,
    write_files,
)
from skillrepo.commands.authorize import maintainers, manifest_problems

WORKFLOWS = ROOT / ".github" / "workflows"
CHECKS = WORKFLOWS / "checks.yml"
RELEASE = WORKFLOWS / "release.yml"
BIN = Path(sys.executable).parent


# --- the workflows -----------------------------------------------------------------------------------------


def workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def step_running(data: dict[str, Any], text: str) -> dict[str, Any]:
    found = [s for s in steps(data) if text in s.get("run", "")]
    assert len(found) == 1, f"expected one step running {text!r}, found {len(found)}"
    return found[0]


def test_every_action_is_pinned_to_a_full_commit_with_its_tag_beside_it() -> None:
    # GitHub's hardening guide: a tag can be moved to other code; a full commit SHA cannot.
    for workflow in sorted((ROOT / ".github/workflows").glob("*.yml")):
        for line in workflow.read_text("utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", line), (workflow.name, line)


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert actionlint is not None, "actionlint is missing: pip install -e '.[test]'"
    result = subprocess.run([actionlint, "-no-color", str(CHECKS), str(RELEASE)], cwd=ROOT, text=True,
                            capture_output=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_checks_workflow_runs_what_the_readme_promises() -> None:
    data = workflow(CHECKS)
    assert set(data["on"]) == {"pull_request", "push"}
    assert data["on"]["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read"}
    job = data["jobs"]["checks"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["uses"] == "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065"  # v5.6.0
    assert python["with"]["python-version"] == "3.11"
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    for command in ("pip install -e '.[test]'", "pre-commit run --all-files --show-diff-on-failure", "pytest",
                    "skillrepo check --format github", "skillrepo verify"):
        assert step_running(data, command)["run"].strip() == command
    preview = step_running(data, "skillrepo preview")
    assert 'skillrepo preview "$cr" --format markdown' in preview["run"]
    assert "gh pr comment" in preview["run"]
    assert preview["env"]["GH_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert "github.event_name == 'pull_request'" in preview["if"]


def test_authorize_runs_before_and_apart_from_the_pull_requests_code() -> None:
    # The tests job runs the pull request's conftest.py, hooks and packaging: authorize is its own job, on the
    # base branch's tool installed from the base checkout, reading the pull request's commit as data only.
    data = workflow(CHECKS)
    job = data["jobs"]["authorize"]
    assert set(data["jobs"]) == {"authorize", "checks"}
    assert job["if"] == "${{ github.event_name == 'pull_request' }}"
    assert job["permissions"] == {"contents": "read"}
    assert data["jobs"]["checks"]["needs"] == "authorize"
    assert data["jobs"]["checks"]["if"] == "${{ !cancelled() }}"
    base, pull_request = (s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert base["with"] == {"ref": "${{ github.event.pull_request.base.sha }}", "path": "base",
                            "persist-credentials": False}
    assert pull_request["with"] == {"ref": "${{ github.event.pull_request.head.sha }}", "path": "pull-request",
                                    "fetch-depth": 0, "persist-credentials": False}
    runs = [s["run"].strip() for s in job["steps"] if "run" in s]
    assert runs == ["pip install ./base",
                    'skillrepo --repo pull-request authorize --base "$BASE_SHA" --author "$AUTHOR"']
    names = [s.get("name", s.get("uses")) for s in job["steps"]]
    assert names.index("Install the base branch's skillrepo (not editable, nothing of the pull request)") < \
        names.index("Check out the pull request's commit as data")
    authorize = step_running(data, "skillrepo --repo pull-request authorize")
    assert authorize["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}",
                                "AUTHOR": "${{ github.event.pull_request.user.login }}"}
    for path in (CHECKS, RELEASE):
        for step in steps(workflow(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_codeowners_and_authorize_protect_the_same_tool_paths() -> None:
    owned = [line.split()[0] for line in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines()
             if line.startswith("/")]
    for path in ("/tests/", "/benchmarks/", "/scripts/", "/.ci/", "/pyproject.toml", "/.pre-commit-config.yaml",
                 "/.pre-commit-hooks.yaml", "/framework/", "/schemas/", "/MAINTAINERS", "/.github/", "/conftest.py",
                 "/pytest.ini", "/setup.py", "/setup.cfg", "/tox.ini", "/sitecustomize.py", "/.gitattributes",
                 "/.gitignore"):
        assert path in owned
    from skillrepo.commands.authorize import PROTECTED_TOP_DIRS, PROTECTED_TOP_FILES
    tool = {p.lstrip("/") for p in owned} - {"framework/", "schemas/", "MAINTAINERS"}
    assert tool <= set(PROTECTED_TOP_DIRS) | set(PROTECTED_TOP_FILES)


def test_no_step_puts_an_expression_in_its_script() -> None:
    # Script injection: a branch name or a login inlined in `run:` would be run as shell code.
    for path in (CHECKS, RELEASE):
        for step in steps(workflow(path)):
            assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


def test_release_workflow_publishes_on_version_tags() -> None:
    data = workflow(RELEASE)
    assert data["on"] == {"push": {"tags": ["v*"]}}
    assert data["permissions"] == {"contents": "write", "id-token": "write", "attestations": "write"}
    checkout = next(s for s in steps(data) if s.get("uses", "").startswith("actions/checkout@"))
    assert "fetch-depth" not in checkout["with"]  # shallow: the release is recorded in changes/log.yaml
    build = step_running(data, "skillrepo release")
    assert 'skillrepo release "${GITHUB_REF_NAME#v}" --out dist' in build["run"]
    assert build["env"]["SITE_URL"] == "${{ vars.SITE_URL }}" and '--base-url "$SITE_URL"' in build["run"]
    verify = step_running(data, "skillrepo verify-release")
    assert 'skillrepo verify-release "dist/${GITHUB_REF_NAME#v}" "${base_url[@]}"' in verify["run"]
    assert verify["env"] == build["env"]  # verified as built: the same --base-url
    archive = step_running(data, "zip -qr site.zip site")
    attest = next(s for s in steps(data) if s.get("uses", "").startswith("actions/attest-build-provenance@"))
    assert attest["with"] == {"subject-checksums": "dist/published.sha256"}
    assert "> ../published.sha256" in archive["run"]
    publish = step_running(data, "gh release create")
    order = [build, verify, archive, attest, publish]
    assert [steps(data).index(s) for s in order] == sorted(steps(data).index(s) for s in order)
    assert '--notes-file "$dir/CHANGELOG.md"' in publish["run"]
    assert publish["env"]["GH_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


# --- authorize, end to end ------------------------------------------------------------------------------------

MAINTAINERS_FILE = "# who decides\n\nAlice-Maintainer  # the editor\n@carol\n"

DRAFT_CR = """\
id: CR-1500
title: Reword ITOP level 3
status: {status}
applies_to: [ITOP]
proposal: Say that standards are agreed and published.
{extra}operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {{old: "following agreed standards", new: "following agreed and published standards"}}
"""


def draft(status: str = "draft", extra: str = "") -> str:
    return DRAFT_CR.format(status=status, extra=extra)


def commit(contribution: Path, message: str, files: dict[str, str | bytes] | None = None,
           delete: tuple[str, ...] = ()) -> None:
    write_files(contribution, files or {})
    for path in delete:
        git(contribution, "rm", "--quiet", path)
    git(contribution, "add", "-A")
    git(contribution, "commit", "--quiet", "-m", message)


@pytest.fixture(scope="module")
def contribution_made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled framework with a MAINTAINERS file on main, and a contributor's branch checked out; made once,
    for `contribution` to copy (never changed itself)."""
    root = copy_bundled(tmp_path_factory.mktemp("contribution") / "repo")
    write_files(root, {"MAINTAINERS": MAINTAINERS_FILE})
    init_git(root)
    git(root, "checkout", "--quiet", "-b", "contribution")
    return packed(root)


@pytest.fixture()
def contribution(contribution_made_once: Path, tmp_path: Path) -> Path:
    """The bundled framework with a MAINTAINERS file on main, and a contributor's branch checked out: a copy of
    one repository made so, for this test alone."""
    return copy_repository(contribution_made_once, tmp_path / "repo")


def authorize(contribution: Path, author: str, base: str = "main") -> tuple[int, str]:
    result = run_in_process("authorize", "--base", base, "--author", author, cwd=contribution)
    assert result.stderr == ""
    return result.returncode, result.stdout


def refusal(author: str, *lines: str) -> tuple[int, str]:
    n = len(lines)
    summary = "this change" if n == 1 else f"these {n} changes"
    return 1, "".join(f"{line} (a maintainer must do it)\n" for line in lines) + \
        f"{author} is not a maintainer: a maintainer (listed in MAINTAINERS) must make {summary}\n"


def test_a_contributor_may_add_a_draft(contribution: Path) -> None:
    commit(contribution, "Propose CR-1500", {"changes/CR-1500/manifest.yaml": draft()})
    assert authorize(contribution, "bob") == (
        0, "bob may make these changes: 1 change request(s) added or edited as draft or submitted\n")


def test_a_contributor_may_submit_and_edit_a_draft_and_delete_it(contribution: Path) -> None:
    git(contribution, "checkout", "--quiet", "main")
    commit(contribution, "Propose CR-1500", {"changes/CR-1500/manifest.yaml": draft()})
    git(contribution, "checkout", "--quiet", "-b", "submit")
    commit(contribution, "Submit CR-1500", {"changes/CR-1500/manifest.yaml": draft("submitted").replace(
        "Say that", "Say clearly that")})
    assert authorize(contribution, "bob") == (
        0, "bob may make these changes: 1 change request(s) added or edited as draft or submitted\n")
    commit(contribution, "Withdraw the draft", delete=("changes/CR-1500/manifest.yaml",))
    assert authorize(contribution, "bob") == (
        0, "bob may make these changes: 0 change request(s) added or edited as draft or submitted\n")


def test_a_contributor_may_not_accept_a_change_request(contribution: Path) -> None:
    commit(contribution, "Accept CR-1500", {"changes/CR-1500/manifest.yaml": draft("accepted")})
    assert authorize(contribution, "bob") == refusal(
        "bob", "changes/CR-1500/manifest.yaml: sets status to accepted")


def test_a_contributor_may_not_apply_a_change_request(contribution: Path) -> None:
    git(contribution, "checkout", "--quiet", "main")
    commit(contribution, "Accept CR-1500", {"changes/CR-1500/manifest.yaml": draft("accepted")})
    git(contribution, "checkout", "--quiet", "-b", "apply")
    result = run_cli("apply", "CR-1500", "--commit", cwd=contribution)
    assert result.returncode == 0, result.stdout + result.stderr
    assert authorize(contribution, "bob") == refusal(
        "bob",
        "changes/CR-1500/manifest.yaml: adds applied_in (edition 1)",
        "framework/skills/ITOP/level-3.yaml: changes framework/")
    assert authorize(contribution, "alice-maintainer") == (0, "alice-maintainer is a maintainer: no restriction\n")


def test_a_contributor_may_not_add_applied_in(contribution: Path) -> None:
    commit(contribution, "Propose CR-1500", {"changes/CR-1500/manifest.yaml": draft(extra='applied_in: "1"\n')})
    assert authorize(contribution, "bob") == refusal(
        "bob", "changes/CR-1500/manifest.yaml: adds applied_in (edition 1)")


def test_a_contributor_may_not_change_a_level_file(contribution: Path) -> None:
    path = contribution / "framework/skills/ITOP/level-1.yaml"
    commit(contribution, "Edit ITOP level 1", {"framework/skills/ITOP/level-1.yaml": path.read_text().replace(
        "close supervision", "supervision")})
    assert authorize(contribution, "bob") == refusal("bob", "framework/skills/ITOP/level-1.yaml: changes framework/")


def test_a_contributor_may_not_change_a_decision(contribution: Path) -> None:
    path = contribution / "changes/CR-1447/manifest.yaml"
    commit(contribution, "Reword the decision", {"changes/CR-1447/manifest.yaml": path.read_text().replace(
        "SYSP stays as a skill", "SYSP remains a skill")})
    assert authorize(contribution, "bob") == refusal("bob", "changes/CR-1447/manifest.yaml: changes decision")


def test_a_contributor_may_not_delete_an_accepted_change_request(contribution: Path) -> None:
    commit(contribution, "Delete CR-1432", delete=("changes/CR-1432/manifest.yaml",))
    assert authorize(contribution, "bob") == refusal(
        "bob", "changes/CR-1432/manifest.yaml: deletes a change request with status accepted")


def test_a_contributor_may_not_reopen_a_decided_change_request(contribution: Path) -> None:
    path = contribution / "changes/CR-1447/manifest.yaml"
    text = path.read_text()
    start, end = text.index("decision: >-"), text.index("operations:")
    commit(contribution, "Reopen CR-1447", {"changes/CR-1447/manifest.yaml": text[:start].replace(
        "status: declined", "status: submitted") + text[end:]})
    assert authorize(contribution, "bob") == refusal(
        "bob",
        "changes/CR-1447/manifest.yaml: changes status from declined to submitted",
        "changes/CR-1447/manifest.yaml: removes decision",
        "changes/CR-1447/manifest.yaml: removes outcome")


def test_a_contributor_may_not_change_the_operations_of_an_applied_change_request(contribution: Path) -> None:
    path = contribution / "changes/CR-1432/manifest.yaml"
    commit(contribution, "Edit CR-1432", {"changes/CR-1432/manifest.yaml": path.read_text().replace(
        "Provides technical leadership", "Provides leadership")})
    assert authorize(contribution, "bob") == refusal(
        "bob", "changes/CR-1432/manifest.yaml: changes operations of a change request applied in edition 1")


def test_a_contributor_may_not_rewrite_the_title_or_proposal_of_an_applied_change_request(contribution: Path) -> None:
    path = contribution / "changes/CR-1432/manifest.yaml"
    commit(contribution, "Rewrite CR-1432's record", {"changes/CR-1432/manifest.yaml": path.read_text().replace(
        "title: Create IT Infrastructure (ITOP) level 5", "title: Delete everything").replace(
        "Create IT Infrastructure (ITOP) at level 5 with a focus", "Do something else with a focus")})
    assert authorize(contribution, "bob") == refusal(
        "bob", "changes/CR-1432/manifest.yaml: changes proposal, title of a change request applied in edition 1")


def test_a_contributor_may_not_edit_a_declined_change_request(contribution: Path) -> None:
    path = contribution / "changes/CR-1447/manifest.yaml"
    commit(contribution, "Retitle CR-1447", {"changes/CR-1447/manifest.yaml": path.read_text().replace(
        "\ntitle: ", "\ntitle: Reconsidered ", 1)})
    assert authorize(contribution, "bob") == refusal(
        "bob", "changes/CR-1447/manifest.yaml: changes title of a change request with status declined")


@pytest.mark.parametrize("path", ["tests/conftest.py", "benchmarks/bench_x.py", "scripts/skillrepo/x.py",
                                  ".ci/run", "pyproject.toml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml",
                                  "conftest.py", "pytest.ini", "setup.py", "setup.cfg", "tox.ini", "sitecustomize.py",
                                  ".gitattributes", ".gitignore"])
def test_a_contributor_may_not_change_the_tool_ci_runs(contribution: Path, path: str) -> None:
    # CI runs the pull request's tests, hooks and packaging: each could switch a check off.
    existed = (contribution / path).exists()
    commit(contribution, f"Change {path}", {path: "import os\nos.system('true')\n"})
    area = next(a for a in ("tests/", "benchmarks/", "scripts/", ".ci/") if path.startswith(a)) \
        if "/" in path else path
    verb = ("changes" if existed else "adds") + (" to" if area.endswith("/") and not existed else "")
    assert authorize(contribution, "bob") == refusal("bob", f"{path}: {verb} {area}")


def test_a_committed_skillrepo_directory_is_refused_whoever_the_author(contribution: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    (contribution / ".skillrepo").mkdir()
    (contribution / ".skillrepo" / "journal.json").write_text('{"files": [{"target": "../outside.txt"}]}\n')
    os.symlink(outside, contribution / ".skillrepo" / "lock")
    git(contribution, "add", "-f", ".skillrepo")
    git(contribution, "commit", "--quiet", "-m", "State")
    before = {p: p.read_bytes() for p in (outside, contribution / ".skillrepo" / "journal.json")}
    expected = (1, ".skillrepo/journal.json: adds to .skillrepo/, the tool's local state, which is never committed\n"
                   ".skillrepo/lock: adds to .skillrepo/, the tool's local state, which is never committed\n"
                   "refused: remove these 2 files from the pull request (git rm -r --cached .skillrepo/)\n")
    assert authorize(contribution, "bob") == expected
    assert authorize(contribution, "alice-maintainer") == expected
    # authorize reads commits only: it never recovers from (acts on) a journal it finds in the checkout.
    assert {p: p.read_bytes() for p in before} == before and (contribution / ".skillrepo" / "lock").is_symlink()


def test_a_contributor_may_not_make_themselves_a_maintainer(contribution: Path) -> None:
    commit(contribution, "Add bob", {"MAINTAINERS": MAINTAINERS_FILE + "bob\n",
                             ".github/CODEOWNERS": "* @bob\n",
                             ".github/actions/setup/action.yml": "runs: {using: composite, steps: []}\n",
                             ".github/workflows/checks.yml": "on: push\n",
                             "schemas/skill.schema.json": "{}\n"})
    assert authorize(contribution, "bob") == refusal(
        "bob",
        ".github/CODEOWNERS: adds .github/CODEOWNERS",
        ".github/actions/setup/action.yml: adds to .github/",
        ".github/workflows/checks.yml: adds to .github/workflows/",
        "MAINTAINERS: changes MAINTAINERS",
        "schemas/skill.schema.json: changes schemas/")


def test_a_maintainer_may_make_the_same_changes(contribution: Path) -> None:
    commit(contribution, "Accept CR-1500", {"changes/CR-1500/manifest.yaml": draft("accepted")},
           delete=("changes/CR-1432/manifest.yaml",))
    assert authorize(contribution, "alice-maintainer") == (0, "alice-maintainer is a maintainer: no restriction\n")
    assert authorize(contribution, "ALICE-MAINTAINER") == (0, "ALICE-MAINTAINER is a maintainer: no restriction\n")
    assert authorize(contribution, "carol") == (0, "carol is a maintainer: no restriction\n")
    assert authorize(contribution, "bob")[0] == 1


def test_the_pull_request_is_what_the_branch_changes_since_the_merge_base(contribution: Path) -> None:
    commit(contribution, "Propose CR-1500", {"changes/CR-1500/manifest.yaml": draft()})
    git(contribution, "checkout", "--quiet", "main")
    path = contribution / "framework/skills/ITOP/level-1.yaml"
    commit(contribution, "A maintainer's change", {"framework/skills/ITOP/level-1.yaml": path.read_text().replace(
        "close supervision", "supervision")})
    git(contribution, "checkout", "--quiet", "contribution")
    assert authorize(contribution, "bob") == (
        0, "bob may make these changes: 1 change request(s) added or edited as draft or submitted\n")


def test_committed_changes_count_not_the_work_tree(contribution: Path) -> None:
    write_files(contribution, {"changes/CR-1500/manifest.yaml": draft("accepted")})
    assert authorize(contribution, "bob") == (
        0, "bob may make these changes: 0 change request(s) added or edited as draft or submitted\n")


def test_a_manifest_that_does_not_parse_is_left_to_check(contribution: Path) -> None:
    commit(contribution, "Broken", {"changes/CR-1500/manifest.yaml": "id: CR-1500\nstatus: [accepted\n"})
    assert authorize(contribution, "bob") == (
        0, "bob may make these changes: 0 change request(s) added or edited as draft or submitted\n")


def test_a_bad_base_is_a_usage_error(contribution: Path) -> None:
    result = run_cli("authorize", "--base", "origin/nope", "--author", "bob", cwd=contribution)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", "error: no commit or tag named 'origin/nope' in this repository\n")


def test_no_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "plain")
    result = run_cli("authorize", "--base", "main", "--author", "bob", cwd=root)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.endswith("is not in a git repository; this command reads the history\n")


@pytest.mark.parametrize(("old", "new", "found"), [
    (None, {"status": "submitted"}, []),
    (None, {"status": "declined"}, ["sets status to declined"]),
    ({"status": "draft"}, {"status": "deferred"}, ["sets status to deferred"]),
    ({"status": "accepted"}, {"status": "draft"}, ["changes status from accepted to draft"]),
    ({"status": "accepted"}, {}, ["removes status (was accepted)"]),
    ({"status": "accepted"}, {"status": "accepted", "proposal": "clearer"},
     ["changes proposal of a change request with status accepted"]),
    ({"status": "accepted", "operations": [1]}, {"status": "accepted", "operations": [2]},
     ["changes operations of a change request with status accepted"]),
    ({"status": "deferred", "title": "a"}, {"status": "deferred", "title": "b", "related": ["CR-1"]},
     ["changes related, title of a change request with status deferred"]),
    ({"status": "accepted", "applied_in": "1", "title": "a"}, {"status": "accepted", "applied_in": "1", "title": "b"},
     ["changes title of a change request applied in edition 1"]),
    ({"status": "submitted", "title": "a"}, {"status": "submitted", "title": "b"}, []),
    ({"status": "accepted", "applied_in": "1"}, {"status": "accepted", "applied_in": "2"},
     ["changes applied_in from edition 1 to 2"]),
    ({"status": "accepted", "applied_in": "1"}, {"status": "accepted"}, ["removes applied_in (edition 1)"]),
    ({"status": "draft"}, {"status": "draft", "outcome": "done"}, ["sets outcome"]),
    ({"status": "submitted"}, None, []),
    ({"status": "withdrawn"}, None, ["deletes a change request with status withdrawn"]),
])
def test_manifest_problems(old: dict[str, Any] | None, new: dict[str, Any] | None, found: list[str]) -> None:
    assert manifest_problems(old, new) == found


def test_maintainers_file() -> None:
    assert maintainers(MAINTAINERS_FILE) == {"alice-maintainer", "carol"}
    assert maintainers((ROOT / "MAINTAINERS").read_text()) == {"framework-maintainer"}


# --- the pull request steps, run as GitHub runs them ------------------------------------------------------------


def run_step(step: dict[str, Any], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A step's script with GitHub's default shell for it, bash -e -o pipefail."""
    full = {**git_env(), **env, "PATH": f"{env.get('PATH', '')}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                          env=full, text=True, capture_output=True)


def test_authorize_and_preview_steps_on_a_pull_request(contribution: Path, tmp_path: Path) -> None:
    broken = draft().replace("CR-1500", "CR-1501").replace('old: "following', 'old: "following no')
    commit(contribution, "Propose CR-1500 and CR-1501", {"changes/CR-1500/manifest.yaml": draft(),
                                                 "changes/CR-1501/manifest.yaml": broken})
    git(contribution, "update-ref", "refs/remotes/origin/main", "main")  # what checkout with fetch-depth 0 fetches
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "gh").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$GH_ARGS"\ncp "$7" "$GH_BODY"\n')
    (stub / "gh").chmod(0o755)
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {"PATH": str(stub), "RUNNER_TEMP": str(runner), "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
           "GITHUB_REPOSITORY": "org/framework", "HEAD_REPO": "org/framework", "BASE_REF": "main",
           "AUTHOR": "bob", "PR_NUMBER": "7", "GH_TOKEN": "token", "GH_REPO": "org/framework",
           "GH_ARGS": str(runner / "args.txt"), "GH_BODY": str(runner / "body.md")}
    data = workflow(CHECKS)

    workspace = tmp_path / "workspace"  # the authorize job's: the pull request checked out as pull-request/
    workspace.mkdir()
    (workspace / "pull-request").symlink_to(contribution)
    env["BASE_SHA"] = git(contribution, "rev-parse", "main").stdout.strip()
    result = run_step(step_running(data, "skillrepo --repo pull-request authorize"), workspace, env)
    assert (result.returncode, result.stdout) == (
        0, "bob may make these changes: 2 change request(s) added or edited as draft or submitted\n")

    result = run_step(step_running(data, "skillrepo preview"), contribution, env)
    # CR-1501 cannot apply: the comment is posted, then the job fails naming it.
    assert (result.returncode, result.stdout) == (
        1, "::error::these change requests cannot apply or would leave problems: CR-1501 \n"), result.stderr
    assert (runner / "args.txt").read_text().splitlines() == [
        "pr", "comment", "7", "--edit-last", "--create-if-none", "--body-file", str(runner / "preview.md")]
    body = (runner / "body.md").read_text()
    assert body.startswith("## What the change requests of this pull request would do\n\n"
                           "### CR-1500: Reword ITOP level 3\n\nStatus: **draft**. Applying it:\n\n"
                           "- changes the description of ITOP level 3")
    assert "+  resources, following agreed and published standards and change procedures." in body
    assert body.endswith(
        "### CR-1501\n\nskillrepo preview CR-1501 could not preview it:\n\n~~~text\n"
        "error: CR-1501 operation 1 (update-level ITOP level 3): edit 1 of description: expected \"following no "
        "agreed standards\" exactly once, but it does not occur; nearest text now: \"following agreed standards and\"\n"
        "~~~\n\n")
    assert (runner / "summary.md").read_text() == body

    env["HEAD_REPO"] = "someone/fork"
    (runner / "args.txt").unlink()
    result = run_step(step_running(data, "skillrepo preview"), contribution, env)
    assert result.returncode == 1 and not (runner / "args.txt").exists()
    assert "::notice::pull request from a fork" in result.stdout

    git(contribution, "rm", "-q", "changes/CR-1501/manifest.yaml")  # every change request applies: the job passes
    git(contribution, "commit", "-qm", "Drop CR-1501")
    result = run_step(step_running(data, "skillrepo preview"), contribution, env)
    assert result.returncode == 0, result.stdout + result.stderr
