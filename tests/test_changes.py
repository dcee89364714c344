"""Change requests that run, end to end: the CLI in real git repositories made from the bundled framework."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT, copy_bundled, git, init_git, run_cli, write_files
from skillrepo import writing
from skillrepo.main import main


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every data file under framework/ and changes/, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("framework", "changes") for p in sorted((root / top).rglob("*")) if p.is_file()}


def ok(*args: str, cwd: Path) -> str:
    result = run_cli(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def refused(*args: str, cwd: Path) -> str:
    before = tree_bytes(cwd)
    result = run_cli(*args, cwd=cwd)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(cwd) == before, "a refused command changed files"
    return result.stderr


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return init_git(copy_bundled(tmp_path / "repo"))


EDIT_CR = """\
id: {id}
title: Reword ITOP level 3
status: accepted
applies_to: [ITOP]
operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {{old: "{old}", new: "{new}"}}
"""


def add_cr(root: Path, cr_id: str, old: str, new: str) -> None:
    write_files(root, {f"changes/{cr_id}/manifest.yaml": EDIT_CR.format(id=cr_id, old=old, new=new)})


def test_apply_then_revert_is_the_identity(repo: Path) -> None:
    before = tree_bytes(repo)
    ok("revert", "CR-1434", cwd=repo)
    reverted = tree_bytes(repo)
    assert reverted != before
    out = ok("apply", "CR-1434", cwd=repo)
    assert out.splitlines()[:2] == ["applied CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4",
                                    "  changes the description of ITOP level 1 (minor)"]
    assert tree_bytes(repo) == before  # comments and layout of the manifest included


def test_import_then_apply_then_revert_is_the_identity(repo: Path) -> None:
    bundled = (repo / "changes/CR-1432/manifest.yaml").read_text()
    ok("revert", "CR-1432", "--commit", cwd=repo)
    shutil.rmtree(repo / "changes/CR-1432")
    before = tree_bytes(repo)
    assert ok("import", str(FIXTURES / "cr-1432.txt"), cwd=repo) == "changes/CR-1432/manifest.yaml\n"
    imported = (repo / "changes/CR-1432/manifest.yaml").read_text()
    assert imported == bundled.replace('applied_in: "1"\n', "")
    ok("apply", "CR-1432", cwd=repo)
    assert (repo / "changes/CR-1432/manifest.yaml").read_text() == bundled
    ok("revert", "CR-1432", cwd=repo)
    after = tree_bytes(repo)
    assert after == {**before, "changes/CR-1432/manifest.yaml": imported.encode()}


def test_edits_to_different_sentences_apply_in_either_order(tmp_path: Path) -> None:
    results = []
    for order in (["CR-1500", "CR-1501"], ["CR-1501", "CR-1500"]):
        root = copy_bundled(tmp_path / "-".join(order))
        add_cr(root, "CR-1500", "following agreed standards", "following agreed standards and patterns")
        add_cr(root, "CR-1501", "implements fixes or workarounds", "implements fixes or temporary workarounds")
        for cr in order:
            ok("apply", cr, cwd=root)
        results.append(tree_bytes(root))
    a, b = results
    assert {k: v for k, v in a.items() if k.startswith("framework/")} == {
        k: v for k, v in b.items() if k.startswith("framework/")}
    text = (tmp_path / "CR-1500-CR-1501/framework/skills/ITOP/level-3.yaml").read_text()
    assert "agreed standards and patterns" in text and "temporary workarounds" in text


def test_status_reports_stale_and_conflicting_requests(repo: Path) -> None:
    add_cr(repo, "CR-1500", "following agreed standards", "following the agreed standards")
    add_cr(repo, "CR-1501", "following agreed standards", "following published standards")
    add_cr(repo, "CR-1502", "implements fixes or workarounds", "implements fixes")
    add_cr(repo, "CR-1503", "Uses scripts to carry out", "Uses programs to carry out")
    out = ok("status", cwd=repo)
    assert out.splitlines()[:9] == [
        "accepted, not applied:",
        "  CR-1500  Reword ITOP level 3",
        "      conflicts with CR-1501 (both change ITOP level 3)",
        "  CR-1501  Reword ITOP level 3",
        "      conflicts with CR-1500 (both change ITOP level 3)",
        "  CR-1502  Reword ITOP level 3",
        "      applies cleanly",
        "  CR-1503  Reword ITOP level 3",
        "      stale: CR-1503 operation 1 (update-level ITOP level 3): edit 1 of description: expected \"Uses scripts "
        "to carry out\" exactly once, but it does not occur; nearest text now: \"Uses scripts and automation tools\"",
    ]
    rows = {r["id"]: r for r in json.loads(ok("status", "--format", "json", cwd=repo))}
    assert rows["CR-1500"]["state"] == "conflicting" and rows["CR-1502"]["state"] == "applies cleanly"
    assert rows["CR-1447"]["status"] == "declined" and rows["CR-1431"]["applied_in"] == "1"


def test_a_failed_write_leaves_every_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    assert main(["--repo", str(root), "revert", "CR-1434"]) == 0
    before = tree_bytes(root)
    for target in ("_stage", "replace"):  # the third of the five files fails while written, then while moved
        calls = {"n": 0}
        real = writing._stage if target == "_stage" else os.replace

        def failing(*args: object, real: object = real, calls: dict[str, int] = calls, **kwargs: object) -> object:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(28, "No space left on device")
            return real(*args, **kwargs)  # type: ignore[operator]

        if target == "_stage":
            monkeypatch.setattr(writing, "_stage", failing)
        else:
            monkeypatch.setattr(writing.os, "replace", failing)
        with pytest.raises(OSError):
            main(["--repo", str(root), "apply", "CR-1434"])
        monkeypatch.undo()
        assert tree_bytes(root) == before
        assert not [p for p in root.rglob(".*") if p.is_file()], "temporary files were left behind"


def test_verify_passes_after_proper_applies_and_catches_a_hand_edit(repo: Path) -> None:
    assert ok("verify", cwd=repo).startswith("no release tag (v*) yet")
    for cr in ("CR-1434", "CR-1432", "CR-1431"):
        ok("revert", cr, "--commit", cwd=repo)
    git(repo, "tag", "v0")
    out = ok("apply", "CR-1431", "CR-1432", "CR-1434", "--commit", cwd=repo)
    assert "committed" in out
    log = git(repo, "log", "--format=%s|%(trailers:key=Change-Request,valueonly)", "-3").stdout.split("\n")
    assert log[:3] == ["Apply CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4|CR-1434",
                       "", "Apply CR-1432: Create IT Infrastructure (ITOP) level 5|CR-1432"]
    assert git(repo, "status", "--porcelain").stdout == ""
    assert ok("verify", cwd=repo) == ("verified: replaying the 3 change request(s) applied since v0 (CR-1431, "
                                      "CR-1432, CR-1434) gives framework/ exactly\n")
    level = repo / "framework/skills/ITOP/level-4.yaml"
    level.write_text(level.read_text().replace("small team", "large team"))
    result = run_cli("verify", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == ("framework/skills/ITOP/level-4.yaml: description changed outside "
                                             "any CR")


def test_applied_operations_are_frozen_against_head(repo: Path) -> None:
    path = repo / "changes/CR-1432/manifest.yaml"
    path.write_text(path.read_text().replace("    level: 5\n", "    level: 6\n"))
    result = run_cli("check", cwd=repo)
    assert result.returncode == 1
    assert ("changes/CR-1432/manifest.yaml:20:1: R423 the operations of CR-1432, applied in edition 1, changed "
            "since HEAD; revert it first (skillrepo revert CR-1432), then change it and apply it again"
            ) in result.stdout.splitlines()


def test_refusals_say_why_and_write_nothing(repo: Path) -> None:
    assert refused("apply", "CR-1432", cwd=repo) == "error: CR-1432 is already applied (in edition 1); nothing to do\n"
    assert refused("apply", "CR-1447", cwd=repo) == (
        "error: CR-1447 is declined, not accepted; only an accepted change request can be applied\n")
    assert refused("apply", "CR-1999", cwd=repo).startswith(
        "error: CR-1999 is not in changes/ (no changes/CR-1999/manifest.yaml); the latest are: ")
    assert refused("revert", "CR-1447", cwd=repo) == "error: CR-1447 is not applied; nothing to revert\n"
    add_cr(repo, "CR-1503", "Uses scripts to carry out", "Uses programs to carry out")
    assert refused("apply", "CR-1503", cwd=repo) == (
        "error: CR-1503 operation 1 (update-level ITOP level 3): edit 1 of description: expected \"Uses scripts to "
        "carry out\" exactly once, but it does not occur; nearest text now: \"Uses scripts and automation tools\"\n")
    add_cr(repo, "CR-1504", "and", "or")
    assert refused("apply", "CR-1504", cwd=repo) == (
        "error: CR-1504 operation 1 (update-level ITOP level 3): edit 1 of description: expected \"and\" exactly "
        "once, but it occurs 11 times; lengthen it until it is unique\n")


def test_revert_is_refused_when_a_later_request_depends_on_it(repo: Path) -> None:
    add_cr(repo, "CR-1500", "contributes to the testing", "contributes to the careful testing")
    ok("apply", "CR-1500", cwd=repo)
    git(repo, "commit", "-qam", "Apply CR-1500")
    write_files(repo, {"changes/CR-1501/manifest.yaml": EDIT_CR.format(
        id="CR-1501", old="the careful testing", new="the thorough testing")})
    ok("apply", "CR-1501", cwd=repo)
    assert refused("revert", "CR-1500", cwd=repo) == (
        "error: cannot revert CR-1500: edit 1 of description: expected \"contributes to the careful testing\" exactly "
        "once, but it does not occur; nearest text now: \"contributes to the thorough testing\"; applied change "
        "requests that changed the same items since: CR-1434, CR-1501 (revert them first)\n")


def test_commit_is_refused_over_changes_of_its_own(repo: Path) -> None:
    ok("revert", "CR-1432", "--commit", cwd=repo)
    level = repo / "framework/skills/ITOP/level-1.yaml"
    level.write_text(level.read_text().replace("Carries out routine", "Carries out regular"))
    assert refused("apply", "CR-1432", "--commit", cwd=repo) == (
        "error: --commit needs the files it commits to have no changes of their own; commit or stash these first: "
        "framework/skills/ITOP/level-1.yaml\n")


def test_apply_is_refused_when_the_result_would_not_pass_check(repo: Path) -> None:
    write_files(repo, {"changes/CR-1500/manifest.yaml": """\
id: CR-1500
title: Retire network support
status: accepted
applies_to: [NTAS]
operations:
  - {op: retire-skill, skill: NTAS, replaced_by: [ITOP]}
"""})
    message = refused("apply", "CR-1500", cwd=repo)
    assert message.startswith("error: applying CR-1500 would leave the repository with ")
    assert "R405 related skill NTAS is retired; relate to " in message


def test_preview_shows_effects_and_diff_and_writes_nothing(repo: Path) -> None:
    add_cr(repo, "CR-1500", "following agreed standards", "following the agreed standards")
    before = tree_bytes(repo)
    text = ok("preview", "CR-1500", cwd=repo)
    assert text.splitlines()[:3] == ["CR-1500: Reword ITOP level 3 (accepted)", "applying it:",
                                     "  changes the description of ITOP level 3 (minor)"]
    assert "--- a/framework/skills/ITOP/level-3.yaml\n+++ b/framework/skills/ITOP/level-3.yaml\n" in text
    markdown = ok("preview", "CR-1500", "--format", "markdown", cwd=repo)
    assert markdown.startswith("### CR-1500: Reword ITOP level 3\n\nStatus: **accepted**. Applying it:\n\n"
                               "- changes the description of ITOP level 3 (minor)\n")
    assert "```diff\n" in markdown
    data = json.loads(ok("preview", "CR-1500", "--format", "json", cwd=repo))
    assert data["files"] == {"framework/skills/ITOP/level-3.yaml": "changed"}
    assert tree_bytes(repo) == before


def test_new_starts_a_draft_that_passes_check(repo: Path) -> None:
    out = ok("new", "Create IT infrastructure (ITOP) level 6", "--applies-to", "ITOP", cwd=repo)
    assert out == "changes/CR-1448/manifest.yaml\n"
    text = (repo / "changes/CR-1448/manifest.yaml").read_text()
    assert "title: Create IT infrastructure (ITOP) level 6\nstatus: draft\napplies_to: [ITOP]\n" in text
    assert "#  - op: add-level" in text and "#  - op: update-responsibility-level" in text
    assert run_cli("check", cwd=repo).returncode == 0
    assert refused("new", "Anything", "--applies-to", "ZZZZ", cwd=repo) == (
        "error: --applies-to names ZZZZ, not skills of this framework\n")


def test_a_broken_manifest_is_named_not_taken_for_missing(repo: Path) -> None:
    write_files(repo, {"changes/CR-1500/manifest.yaml": "id: CR-1500\ntitle: [broken\n"})
    assert refused("preview", "CR-1500", cwd=repo) == (
        "error: changes/CR-1500/manifest.yaml has errors; `skillrepo check` shows them, fix them first\n")
    result = run_cli("status", cwd=repo)
    assert result.returncode == 0
    assert result.stderr == ("note: 1 change request file(s) have errors and are left out: "
                             "changes/CR-1500/manifest.yaml (skillrepo check shows why)\n")


def test_import_refuses_a_request_already_in_changes(repo: Path) -> None:
    message = refused("import", str(FIXTURES / "cr-1432.txt"), cwd=repo)
    assert message.startswith("error: CR-1432 is already in changes/ (changes/CR-1432/manifest.yaml)")
    page = (FIXTURES / "cr-1432.txt").read_text().replace("#1432 Create", "Create")
    result = run_cli("import", "-", cwd=repo, input=page)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no title line '#NNNN <title> change request <status>' found in standard "
                                    "input")


def test_dry_run_prints_the_plan_and_writes_nothing(repo: Path) -> None:
    ok("revert", "CR-1432", cwd=repo)
    before = tree_bytes(repo)
    out = ok("apply", "CR-1432", "--dry-run", cwd=repo)
    assert out.startswith("would apply CR-1432: Create IT Infrastructure (ITOP) level 5\n  adds ITOP level 5 (major)\n")
    assert "+++ b/framework/skills/ITOP/level-5.yaml" in out and '+applied_in: "1"' in out
    assert tree_bytes(repo) == before


def test_verify_orders_requests_committed_by_hand_by_their_commits(repo: Path) -> None:
    for cr in ("CR-1434", "CR-1432"):
        ok("revert", cr, "--commit", cwd=repo)
    git(repo, "tag", "v0")
    add_cr(repo, "CR-1500", "Uses scripts and automation tools", "Uses scripts, automation tools")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Propose CR-1500")
    for cr in ("CR-1434", "CR-1500", "CR-1432"):  # CR-1500 edits what CR-1434 wrote: order matters
        ok("apply", cr, cwd=repo)
        git(repo, "commit", "-qam", f"Apply {cr} by hand")
    assert ok("verify", cwd=repo) == ("verified: replaying the 3 change request(s) applied since v0 (CR-1434, "
                                      "CR-1500, CR-1432) gives framework/ exactly\n")
