"""Change requests that run, end to end: the CLI in real git repositories made from the bundled framework."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import FIXTURES, copy_bundled, git, reaccept, run_cli, run_in_process, write_files
from skillrepo import record, writing
from skillrepo.checker import check_repository
from skillrepo.commands.new import next_id
from skillrepo.layout import LOG_FILE
from skillrepo.main import main
from skillrepo.planning import Refusal


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every data file under framework/ and changes/, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("framework", "changes") for p in sorted((root / top).rglob("*")) if p.is_file()}


def ok(*args: str, cwd: Path) -> str:
    result = run_in_process(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def refused(*args: str, cwd: Path) -> str:
    before = tree_bytes(cwd)
    result = run_in_process(*args, cwd=cwd)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(cwd) == before, "a refused command changed files"
    return result.stderr


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


def test_apply_then_revert_is_the_identity(git_root: Path) -> None:
    before = tree_bytes(git_root)
    ok("revert", "CR-1434", cwd=git_root)
    reverted = tree_bytes(git_root)
    assert reverted != before
    reaccept(git_root, "CR-1434")
    out = ok("apply", "CR-1434", cwd=git_root)
    assert out.splitlines()[:2] == ["applied CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4",
                                    "  changes the description of ITOP level 1 (minor)"]
    assert tree_bytes(git_root) == before  # comments and layout of the manifest included


def test_import_then_apply_then_revert_is_the_identity(git_root: Path) -> None:
    bundled = (git_root / "changes/CR-1432/manifest.yaml").read_text()
    ok("revert", "CR-1432", "--commit", cwd=git_root)
    shutil.rmtree(git_root / "changes/CR-1432")  # imported again below, as accepted as the page says
    before = tree_bytes(git_root)
    assert ok("import", str(FIXTURES / "cr-1432.txt"), cwd=git_root) == "changes/CR-1432/manifest.yaml\n"
    imported = (git_root / "changes/CR-1432/manifest.yaml").read_text()
    assert imported == bundled.replace('applied_in: "1"\n', "")
    ok("apply", "CR-1432", cwd=git_root)
    assert (git_root / "changes/CR-1432/manifest.yaml").read_text() == bundled
    ok("revert", "CR-1432", cwd=git_root)
    after = tree_bytes(git_root)
    assert after == {**before, "changes/CR-1432/manifest.yaml": imported.replace(
        "\nstatus: accepted\n", "\nstatus: reverted\n").encode()}


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


def test_status_reports_stale_and_conflicting_requests(git_root: Path) -> None:
    add_cr(git_root, "CR-1500", "following agreed standards", "following the agreed standards")
    add_cr(git_root, "CR-1501", "following agreed standards", "following published standards")
    add_cr(git_root, "CR-1502", "implements fixes or workarounds", "implements fixes")
    add_cr(git_root, "CR-1503", "Uses scripts to carry out", "Uses programs to carry out")
    out = ok("status", cwd=git_root)
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
    rows = {r["id"]: r for r in json.loads(ok("status", "--format", "json", cwd=git_root))}
    assert rows["CR-1500"]["state"] == "conflicting" and rows["CR-1502"]["state"] == "applies cleanly"
    assert rows["CR-1447"]["status"] == "declined" and rows["CR-1431"]["applied_in"] == "1"


def test_a_failed_write_leaves_every_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_bundled(tmp_path / "repo")
    assert main(["--repo", str(root), "revert", "CR-1434"]) == 0
    reaccept(root, "CR-1434")
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
        assert main(["--repo", str(root), "apply", "CR-1434"]) == 2  # a fault of the machine: one line, no traceback
        monkeypatch.undo()
        assert tree_bytes(root) == before
        assert not [p for p in root.rglob(".*") if p.is_file()], "temporary files were left behind"


def test_verify_passes_after_proper_applies_and_catches_a_hand_edit(git_root: Path) -> None:
    assert ok("verify", cwd=git_root).startswith("verified: replaying the 4 change request(s) applied (CR-1400, ")
    for cr in ("CR-1434", "CR-1432", "CR-1431"):
        ok("revert", cr, "--commit", cwd=git_root)
    git(git_root, "tag", "v0")
    reaccept(git_root, "CR-1434", "CR-1432", "CR-1431", commit=True)
    out = ok("apply", "CR-1431", "CR-1432", "CR-1434", "--commit", cwd=git_root)
    assert "committed" in out
    log = git(git_root, "log", "--format=%s|%(trailers:key=Change-Request,valueonly)", "-3").stdout.split("\n")
    assert log[:3] == ["Apply CR-1434: Refresh IT infrastructure (ITOP) levels 1 to 4|CR-1434",
                       "", "Apply CR-1432: Create IT Infrastructure (ITOP) level 5|CR-1432"]
    assert git(git_root, "status", "--porcelain").stdout == ""
    assert ok("verify", cwd=git_root) == ("verified: replaying the 4 change request(s) applied (CR-1400, CR-1431, "
                                          "CR-1432, CR-1434) from the empty framework gives framework/ exactly\n")
    level = git_root / "framework/skills/ITOP/level-4.yaml"
    level.write_text(level.read_text().replace("small team", "large team"))
    result = run_in_process("verify", cwd=git_root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        "framework/skills/ITOP/level-4.yaml: description changed outside any CR (last changed by CR-1434)",
        "  expected: … and scheduling the work of a [-small-] team. Develops and maintains automation, monitoring …",
        "  found:    … and scheduling the work of a {+large+} team. Develops and maintains automation, monitoring …"]


def test_applied_operations_are_frozen_against_head(git_root: Path) -> None:
    path = git_root / "changes/CR-1432/manifest.yaml"
    path.write_text(path.read_text().replace("    level: 5\n", "    level: 6\n"))
    result = run_in_process("check", cwd=git_root)
    assert result.returncode == 1
    assert ("changes/CR-1432/manifest.yaml:20:1: R423 the operations of CR-1432, applied in edition 1, changed "
            "since HEAD; revert it first (skillrepo revert CR-1432), then change it and apply it again"
            ) in result.stdout.splitlines()


@pytest.mark.parametrize("how", ["staged", "staged, then edited again", "staged, then put back in the work tree"])
def test_applied_operations_are_frozen_whether_the_change_is_staged_or_not(git_root: Path, how: str) -> None:
    """HEAD against the work tree, whatever the index holds between them."""
    path = git_root / "changes/CR-1432/manifest.yaml"
    at_head = path.read_text()
    path.write_text(at_head.replace("    level: 5\n", "    level: 6\n"))
    git(git_root, "add", str(path))
    if how == "staged, then edited again":
        path.write_text(at_head.replace("    level: 5\n", "    level: 7\n"))
    elif how == "staged, then put back in the work tree":
        path.write_text(at_head)
    result = run_in_process("check", cwd=git_root)
    frozen = [line for line in result.stdout.splitlines() if " R423 " in line]
    if how == "staged, then put back in the work tree":
        assert frozen == [] and result.returncode == 0  # what check reads is HEAD's, whatever is staged
    else:
        assert frozen == ["changes/CR-1432/manifest.yaml:20:1: R423 the operations of CR-1432, applied in edition 1, "
                          "changed since HEAD; revert it first (skillrepo revert CR-1432), then change it and apply "
                          "it again"]


def test_refusals_say_why_and_write_nothing(git_root: Path) -> None:
    assert refused("apply", "CR-1432", cwd=git_root) == "error: CR-1432 is already applied (in edition 1); nothing to do\n"
    assert refused("apply", "CR-1447", cwd=git_root) == (
        "error: CR-1447 is declined, not accepted; only an accepted change request can be applied\n")
    assert refused("apply", "CR-1999", cwd=git_root).startswith(
        "error: CR-1999 is not in changes/ (no changes/CR-1999/manifest.yaml); the nearest are: ")
    assert refused("revert", "CR-1447", cwd=git_root) == "error: CR-1447 is not applied; nothing to revert\n"
    add_cr(git_root, "CR-1503", "Uses scripts to carry out", "Uses programs to carry out")
    assert refused("apply", "CR-1503", cwd=git_root) == (
        "error: CR-1503 operation 1 (update-level ITOP level 3): edit 1 of description: expected \"Uses scripts to "
        "carry out\" exactly once, but it does not occur; nearest text now: \"Uses scripts and automation tools\"\n")
    add_cr(git_root, "CR-1504", "and", "or")
    assert refused("apply", "CR-1504", cwd=git_root) == (
        "error: CR-1504 operation 1 (update-level ITOP level 3): edit 1 of description: expected \"and\" exactly "
        "once, but it occurs 11 times; lengthen it until it is unique\n")


def test_revert_is_refused_when_a_later_request_depends_on_it(git_root: Path) -> None:
    add_cr(git_root, "CR-1500", "contributes to the testing", "contributes to the careful testing")
    ok("apply", "CR-1500", cwd=git_root)
    git(git_root, "commit", "-qam", "Apply CR-1500")
    write_files(git_root, {"changes/CR-1501/manifest.yaml": EDIT_CR.format(
        id="CR-1501", old="the careful testing", new="the thorough testing")})
    ok("apply", "CR-1501", cwd=git_root)
    assert refused("revert", "CR-1500", cwd=git_root) == (
        "error: cannot revert CR-1500: edit 1 of description: expected \"contributes to the careful testing\" exactly "
        "once, but it does not occur; nearest text now: \"contributes to the thorough testing\"; applied change "
        "requests that changed the same items since: CR-1501 (revert them first)\n")


def test_commit_is_refused_over_changes_of_its_own(git_root: Path) -> None:
    ok("revert", "CR-1432", "--commit", cwd=git_root)
    reaccept(git_root, "CR-1432", commit=True)
    level = git_root / "framework/skills/ITOP/level-1.yaml"
    level.write_text(level.read_text().replace("Carries out routine", "Carries out regular"))
    assert refused("apply", "CR-1432", "--commit", cwd=git_root) == (
        "error: --commit needs the files it commits to have no changes of their own; commit or stash these first: "
        "framework/skills/ITOP/level-1.yaml\n")


def test_apply_is_refused_when_the_result_would_not_pass_check(git_root: Path) -> None:
    write_files(git_root, {"changes/CR-1500/manifest.yaml": """\
id: CR-1500
title: Retire network support
status: accepted
applies_to: [NTAS]
operations:
  - {op: retire-skill, skill: NTAS, replaced_by: [ITOP]}
"""})
    message = refused("apply", "CR-1500", cwd=git_root)
    assert message.startswith("error: applying CR-1500 would leave the repository with ")
    assert "R405 related skill NTAS is retired; relate to " in message


def test_preview_shows_effects_and_diff_and_writes_nothing(git_root: Path) -> None:
    add_cr(git_root, "CR-1500", "following agreed standards", "following the agreed standards")
    before = tree_bytes(git_root)
    text = ok("preview", "CR-1500", cwd=git_root)
    assert text.splitlines()[:3] == ["CR-1500: Reword ITOP level 3 (accepted)", "applying it:",
                                     "  changes the description of ITOP level 3 (minor)"]
    assert "--- a/framework/skills/ITOP/level-3.yaml\n+++ b/framework/skills/ITOP/level-3.yaml\n" in text
    markdown = ok("preview", "CR-1500", "--format", "markdown", cwd=git_root)
    assert markdown.startswith("### CR-1500: Reword ITOP level 3\n\nStatus: **accepted**. Applying it:\n\n"
                               "- changes the description of ITOP level 3 (minor)\n")
    assert "```diff\n" in markdown
    data = json.loads(ok("preview", "CR-1500", "--format", "json", cwd=git_root))
    assert data["files"] == {"framework/skills/ITOP/level-3.yaml": "changed"}
    assert tree_bytes(git_root) == before


def test_new_starts_a_draft_that_passes_check(git_root: Path) -> None:
    out = ok("new", "Create IT infrastructure (ITOP) level 6", "--applies-to", "ITOP", cwd=git_root)
    assert out == "changes/CR-1448/manifest.yaml\n"
    text = (git_root / "changes/CR-1448/manifest.yaml").read_text()
    assert "title: Create IT infrastructure (ITOP) level 6\nstatus: draft\napplies_to: [ITOP]\n" in text
    assert "#  - op: add-level" in text and "#  - op: update-responsibility-level" in text
    assert run_in_process("check", cwd=git_root).returncode == 0
    assert refused("new", "Anything", "--applies-to", "ZZZZ", cwd=git_root) == (
        "error: --applies-to names ZZZZ, not skills of this framework\n")


def test_new_numbers_one_spelling_per_number_and_no_more_digits_than_an_id_has() -> None:
    assert next_id(["CR-0041", "README.md", "notes"]) == "CR-0042"
    assert next_id(["CR-9999"]) == "CR-10000"
    with pytest.raises(Refusal, match=r"^no change request number is left after CR-999999999: a number has at "
                       r"most 9 digits$"):
        next_id(["CR-1431", "CR-999999999"])
    with pytest.raises(Refusal, match=r"^changes/CR-\u0661\u0664\u0664\u0667/ is not a change request id"):
        next_id(["CR-\u0661\u0664\u0664\u0667"])  # Arabic-Indic digits: str.isdigit() and int() take them


def test_a_broken_manifest_is_named_not_taken_for_missing(git_root: Path) -> None:
    write_files(git_root, {"changes/CR-1500/manifest.yaml": "id: CR-1500\ntitle: [broken\n"})
    assert refused("preview", "CR-1500", cwd=git_root) == (
        "error: changes/CR-1500/manifest.yaml has errors; `skillrepo check` shows them, fix them first\n")
    result = run_in_process("status", cwd=git_root)
    assert result.returncode == 0
    assert result.stderr == ("note: 1 change request file(s) have errors and are left out: "
                             "changes/CR-1500/manifest.yaml (skillrepo check shows why)\n")


def test_import_refuses_a_request_already_in_changes(git_root: Path) -> None:
    message = refused("import", str(FIXTURES / "cr-1432.txt"), cwd=git_root)
    assert message.startswith("error: CR-1432 is already in changes/ (changes/CR-1432/manifest.yaml)")
    page = (FIXTURES / "cr-1432.txt").read_text().replace("#1432 Create", "Create")
    result = run_in_process("import", "-", cwd=git_root, input=page)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no title line '#NNNN <title> change request <status>' found in standard "
                                    "input")


def test_import_of_a_page_whose_text_is_todays_changes_nothing(git_root: Path) -> None:
    shutil.rmtree(git_root / "changes/CR-1432")  # its level 5 stays in framework/, with the page's text
    log = check_repository(git_root)[0].log
    (git_root / LOG_FILE).write_bytes(record.render(record.without(log, "CR-1432")))
    assert ok("import", str(FIXTURES / "cr-1432.txt"), cwd=git_root) == "changes/CR-1432/manifest.yaml\n"
    assert (git_root / "changes/CR-1432/manifest.yaml").read_text().endswith("\noperations: []\n")
    assert ok("preview", "CR-1432", cwd=git_root).startswith("CR-1432: Create IT Infrastructure (ITOP) level 5 (accepted)\n"
                                                         "applying it:\n  change nothing\n")


def test_dry_run_prints_the_plan_and_writes_nothing(git_root: Path) -> None:
    ok("revert", "CR-1432", cwd=git_root)
    reaccept(git_root, "CR-1432")
    before = tree_bytes(git_root)
    out = ok("apply", "CR-1432", "--dry-run", cwd=git_root)
    assert out.startswith("would apply CR-1432: Create IT Infrastructure (ITOP) level 5\n  adds ITOP level 5 (major)\n")
    assert "+++ b/framework/skills/ITOP/level-5.yaml" in out and '+applied_in: "1"' in out
    assert tree_bytes(git_root) == before


def test_verify_replays_in_the_order_the_requests_were_applied(git_root: Path) -> None:
    for cr in ("CR-1434", "CR-1432"):
        ok("revert", cr, "--commit", cwd=git_root)
    git(git_root, "tag", "v0")
    reaccept(git_root, "CR-1434", "CR-1432", commit=True)
    add_cr(git_root, "CR-1500", "Uses scripts and automation tools", "Uses scripts, automation tools")
    git(git_root, "add", "-A")
    git(git_root, "commit", "-qm", "Propose CR-1500")
    for cr in ("CR-1434", "CR-1500", "CR-1432"):  # CR-1500 edits what CR-1434 wrote: order matters
        ok("apply", cr, cwd=git_root)
        git(git_root, "commit", "-qam", f"Apply {cr} by hand")
    assert ok("verify", cwd=git_root) == ("verified: replaying the 5 change request(s) applied (CR-1400, CR-1431, "
                                          "CR-1434, CR-1500, CR-1432) from the empty framework gives framework/ "
                                          "exactly\n")


def test_apply_then_revert_of_a_periodic_edit_is_byte_identical_and_an_overlapping_one_is_refused(git_root: Path) -> None:
    before = tree_bytes(git_root)
    for cr_id, old, new in (("CR-1500", "of new infrastructure", "of new new infrastructure"),
                            ("CR-1501", "new infrastructure components", "new new new infrastructure components")):
        write_files(git_root, {f"changes/{cr_id}/manifest.yaml": EDIT_CR.format(id=cr_id, old=old, new=new).replace(
            "level: 3", "level: 5")})
        manifests = tree_bytes(git_root)
        ok("apply", cr_id, cwd=git_root)
        ok("revert", cr_id, cwd=git_root)
        path = f"changes/{cr_id}/manifest.yaml"
        assert tree_bytes(git_root) == {**manifests, path: manifests[path].replace(b"status: accepted",
                                                                               b"status: reverted")}
    # "new new" occurs twice in "of new new new": a revert could not know which one to put back.
    write_files(git_root, {"changes/CR-1502/manifest.yaml": EDIT_CR.format(
        id="CR-1502", old="infrastructure components.", new="new new").replace("level: 3", "level: 5")})
    assert refused("apply", "CR-1502", cwd=git_root) == (
        "error: CR-1502 operation 1 (update-level ITOP level 5): edit 1 of description: the new text \"new new\" must "
        "occur exactly once in the result, so that the change can be reverted; include some of the words around it "
        "in both old and new\n")
    assert {k: v for k, v in tree_bytes(git_root).items() if k.startswith("framework/")} == {
        k: v for k, v in before.items() if k.startswith("framework/")}


ADD_SKILL_CR = """\
id: CR-1500
title: Add platform operations
status: accepted
applies_to: [ITOP]
operations:
  - op: add-skill
    code: PLOP
    id: 0b0c6d1e-5d4c-4d43-9a55-3f5c1f0f2a11
    name: Platform operations
    category: Delivery and operation
    subcategory: Technology management
    description: Running the platforms that teams build on.
    related: [ITOP]
    levels:
      - {level: 3, description: Runs platform services following agreed procedures.}
"""

RELATE_CR = """\
id: CR-1501
title: Relate platform operations to network support
status: accepted
applies_to: [PLOP]
operations:
  - {op: update-skill, skill: PLOP, related: {from: [ITOP], to: [ITOP, NTAS]}}
"""


def test_revert_of_an_added_skill_is_refused_when_a_later_request_changed_it(git_root: Path, tmp_path: Path) -> None:
    for cr_id, manifest in (("CR-1500", ADD_SKILL_CR), ("CR-1501", RELATE_CR)):
        write_files(git_root, {f"changes/{cr_id}/manifest.yaml": manifest})
        git(git_root, "add", "-A")
        git(git_root, "commit", "-qm", f"Propose {cr_id}")
        ok("apply", cr_id, "--commit", cwd=git_root)
    assert refused("revert", "CR-1500", cwd=git_root) == (
        "error: cannot revert CR-1500: the related of PLOP changed since it was added; applied change requests that "
        "changed the same items since: CR-1501 (revert them first)\n")
    assert git(git_root, "status", "--porcelain").stdout == ""
    assert ok("verify", cwd=git_root).startswith("verified: ")
    ok("release", "1.0.0", "--out", str(tmp_path / "dist"), cwd=git_root)
    ok("revert", "CR-1501", "--commit", cwd=git_root)
    ok("revert", "CR-1500", "--commit", cwd=git_root)
    assert not (git_root / "framework/skills/PLOP").exists()


def test_revert_goes_ahead_when_a_later_request_on_the_same_text_replays_without_it(git_root: Path) -> None:
    for cr_id, old, new in (
            ("CR-1500", "following agreed standards", "following agreed standards and patterns"),
            ("CR-1501", "implements fixes or workarounds", "implements fixes or temporary workarounds")):
        add_cr(git_root, cr_id, old, new)
        ok("apply", cr_id, cwd=git_root)
        git(git_root, "add", "-A")
        git(git_root, "commit", "-qm", f"Apply {cr_id}")
    ok("revert", "CR-1500", cwd=git_root)
    text = (git_root / "framework/skills/ITOP/level-3.yaml").read_text()
    assert "agreed standards and patterns" not in text and "temporary workarounds" in text


def test_revert_is_refused_when_a_later_request_would_no_longer_replay_without_it(git_root: Path) -> None:
    # CR-1501 edits text CR-1500 did not write, but its old text is unique only once CR-1500 has applied.
    for cr_id, old, new in (("CR-1500", "and change procedures", "and change rules"),
                            ("CR-1501", "procedures", "instructions")):
        add_cr(git_root, cr_id, old, new)
        ok("apply", cr_id, cwd=git_root)
        git(git_root, "add", "-A")
        git(git_root, "commit", "-qm", f"Apply {cr_id}")
    message = refused("revert", "CR-1500", cwd=git_root)
    assert message.startswith("error: cannot revert CR-1500: without it, CR-1501 operation 1 (update-level ITOP level "
                              "3): edit 1 of description: expected \"procedures\" exactly once, but it occurs 2 times")
    assert message.endswith("; applied change requests that changed the same items since: CR-1501 (revert them "
                            "first)\n")


def cpu_run(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI; its result and the CPU seconds it took (not wall time: the machine may be busy)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_cli(*args, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def test_a_long_stale_edit_costs_little_in_preview_status_and_apply(tmp_path: Path) -> None:
    from test_hostile import prepare  # the repository of the hostile case, made by its recipes

    case = yaml.safe_load((Path(__file__).parent / "cases/hostile/preview-long-stale-edit.yaml").read_text())
    _, root, _ = prepare(case, tmp_path)
    manifest = root / "changes/CR-1500/manifest.yaml"
    manifest.write_text(manifest.read_text().replace("status: draft", "status: accepted"))
    ok("fmt", cwd=root)  # apply needs a clean repository: the generated level text in canonical layout
    for args in (["preview", "CR-1500"], ["status"], ["apply", "CR-1500"]):
        result, cpu = cpu_run(*args, cwd=root)
        assert "nearest text now (search cut short): \"Runs checks 0 on the service" in result.stdout + result.stderr
        assert cpu < 5, f"{args[0]} took {cpu:.1f} s of CPU"  # it took minutes when every window was compared


def test_status_of_600_identical_requests_is_linear_in_time_and_output(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    write_files(root, {f"changes/CR-{n}/manifest.yaml": EDIT_CR.format(
        id=f"CR-{n}", old="following agreed standards", new="following the agreed standards")
        for n in range(2000, 2600)})
    result, cpu = cpu_run("status", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:3] == ["  CR-2000  Reword ITOP level 3",
                          "      conflicts with CR-2001, CR-2002, CR-2003 and 596 more (both change ITOP level 3)"]
    assert len(result.stdout) < 200 * 600  # it was 15 MB: every CR listed every other
    assert cpu < 10, f"status took {cpu:.1f} s of CPU"
    rows = {r["id"]: r for r in json.loads(ok("status", "--format", "json", cwd=root))}
    assert rows["CR-2599"]["conflicts"] == {f"CR-{n}": "both change ITOP level 3" for n in (2000, 2001, 2002)}
    assert rows["CR-2599"]["conflict_count"] == 599 and rows["CR-2599"]["state"] == "conflicting"


def test_status_tries_each_request_against_a_bounded_number_of_others(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "repo")
    write_files(root, {f"changes/CR-{n}/manifest.yaml": EDIT_CR.format(
        id=f"CR-{n}", old="following agreed standards", new=f"following agreed standards {n}")
        for n in range(2000, 2120)})
    lines = ok("status", cwd=root).splitlines()
    assert lines[2] == ("      conflicts with CR-2001, CR-2002, CR-2003 and 47 more (both change ITOP level 3); "
                        "not tried against 69 more that change the same items")


HOSTILE_TITLE_CR = """\
id: CR-1500
title: "[click](https://evil) <img src=x> **bold** ``` C# #"
status: submitted
applies_to: [ITOP]
operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {old: "following agreed standards", new: "following ```` fenced standards"}
  - {op: update-skill, skill: ITOP, name: {from: IT infrastructure, to: "IT <b>infrastructure</b> *now*"}}
"""


def test_preview_markdown_shows_the_repository_text_literally(git_root: Path) -> None:
    write_files(git_root, {"changes/CR-1500/manifest.yaml": HOSTILE_TITLE_CR})
    result = run_in_process("preview", "CR-1500", "--format", "markdown", cwd=git_root)
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "### CR-1500: \\[click\\](https\\://evil) &lt;img src=x&gt; \\*\\*bold\\*\\* \\`\\`\\` C\\# \\#",
        "", "Status: **submitted**. Applying it:", "",
        "- changes the description of ITOP level 3 (minor)",
        "- changes the name of ITOP from \"IT infrastructure\" to \"IT &lt;b&gt;infrastructure&lt;/b&gt; \\*now\\*\" "
        "(minor)"]
    # The diff holds a run of four backticks: its fence is longer, so that the text cannot close it.
    start = lines.index("`````diff")
    assert lines[start + 1:].count("`````") == 1 and "following ```` fenced standards" in lines[start + 11]
    outside_the_diff = "\n".join(lines[:start])
    assert "<img" not in outside_the_diff and "<b>" not in outside_the_diff


REWRITE_CR = """\
id: CR-1500
title: Rewrite ITOP level 3
status: accepted
applies_to: [ITOP]
operations:
  - op: update-level
    skill: ITOP
    level: 3
    description:
      edits:
        - {{old: {old}, new: "Operates hosts."}}
{impact}"""


@pytest.mark.parametrize("impact, shown", [("", None), ("    impact: minor\n", "minor")])
def test_a_rewrite_that_keeps_less_than_half_the_words_is_major_unless_the_request_says(
        git_root: Path, impact: str, shown: str | None) -> None:
    text = yaml.safe_load((git_root / "framework/skills/ITOP/level-3.yaml").read_text())["description"]
    words = text.split()
    write_files(git_root, {"changes/CR-1500/manifest.yaml": REWRITE_CR.format(old=json.dumps(text), impact=impact)})
    line = ok("preview", "CR-1500", cwd=git_root).splitlines()[2]
    assert line == f"  changes the description of ITOP level 3 ({shown or f'major: keeps 0 of {len(words)} words'})"
    data = json.loads(ok("preview", "CR-1500", "--format", "json", cwd=git_root))
    assert data["effects"][0]["impact"] == (shown or "major")


def test_the_placeholder_that_check_warns_on_is_the_one_new_writes() -> None:
    from skillrepo.manifests import NEW_TEMPLATE
    from skillrepo.rules.lifecycle import PROPOSAL_PLACEHOLDER

    assert PROPOSAL_PLACEHOLDER in NEW_TEMPLATE
