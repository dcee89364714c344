"""A change request's life after it is applied: `revert` marks it reverted, `status` and `preview` say so, `apply`
asks for it to be accepted again, `check` refuses a reverted one still marked applied, and only a maintainer may
change it (the real CLI, in temporary git repositories made from the bundled framework)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import git, reaccept, run_in_process, write_files
from skillrepo.commands.authorize import manifest_problems

MANIFEST = "changes/CR-1434/manifest.yaml"
TITLE = "Refresh IT infrastructure (ITOP) levels 1 to 4"
ASK_TO_ACCEPT = ("error: CR-1434 was reverted; to apply it again, a maintainer sets its status: accepted in "
                 "changes/CR-1434/manifest.yaml (a decision), then applies it\n")


def data_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("framework", "changes") for p in sorted((root / top).rglob("*")) if p.is_file()}


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_in_process(*args, cwd=root)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def ok(root: Path, *args: str) -> str:
    code, out, err = run(root, *args)
    assert code == 0, out + err
    return out


def refused(root: Path, *args: str) -> str:
    before = data_files(root)
    code, out, err = run(root, *args)
    assert (code, out) == (1, ""), out + err
    assert data_files(root) == before, "a refused command changed files"
    return err


@pytest.fixture()
def reverted(git_root: Path) -> Path:
    """The bundled repository with CR-1434 reverted and the revert committed."""
    ok(git_root, "revert", "CR-1434", "--commit")
    return git_root


def test_revert_sets_status_reverted_in_place_in_the_same_write(git_root: Path) -> None:
    before = (git_root / MANIFEST).read_text()
    out = ok(git_root, "revert", "CR-1434", "--commit")
    assert out.startswith(f"reverted CR-1434: {TITLE}\n") and "committed " in out
    assert git(git_root, "status", "--porcelain").stdout == ""
    # One commit holds the undone levels and the manifest: status reverted, applied_in gone, nothing else changed.
    changed = git(git_root, "show", "--format=", "--name-only", "HEAD").stdout.split()
    assert changed == [MANIFEST, "changes/log.yaml"] + [f"framework/skills/ITOP/level-{n}.yaml" for n in (1, 2, 3, 4)]
    expected = before.replace("\nstatus: accepted\n", "\nstatus: reverted\n").replace('applied_in: "1"\n', "")
    assert git(git_root, "show", f"HEAD:{MANIFEST}").stdout == expected
    assert ok(git_root, "check") == "checked 132 files: no problems\n"


@pytest.mark.parametrize(("written", "becomes"), [
    ('status: "accepted"  # decided at the May meeting\n', 'status: "reverted"  # decided at the May meeting\n'),
    ("status: 'accepted'\n", "status: 'reverted'\n"),
    ("status: accepted # a decision\n", "status: reverted # a decision\n"),
])
def test_revert_keeps_the_status_lines_quotes_and_comment(git_root: Path, written: str, becomes: str) -> None:
    path = git_root / MANIFEST
    path.write_text(path.read_text().replace("status: accepted\n", written))
    before = path.read_text()
    ok(git_root, "revert", "CR-1434")
    assert path.read_text() == before.replace(written, becomes).replace('applied_in: "1"\n', "")


def test_a_status_revert_cannot_rewrite_in_place_is_refused_and_nothing_changes(git_root: Path) -> None:
    path = git_root / MANIFEST
    path.write_text(path.read_text().replace("status: accepted\n", "status: >-\n  accepted\n"))
    assert ok(git_root, "check") == "checked 132 files: no problems\n"
    assert refused(git_root, "revert", "CR-1434") == (
        f"error: {MANIFEST}: status must be one top-level line, status: accepted, for revert to set it to reverted; "
        "write it so, then revert again\n")


def test_status_lists_a_reverted_request_apart_in_text_and_json(reverted: Path) -> None:
    assert ok(reverted, "status") == (
        "applied:\n"
        "  CR-1400  Initial content of the Open Digital Skills Framework  (not yet in a release)\n"
        "      origin: The texts were written for this repository; they are not taken from a published framework.\n"
        "  CR-1431  Reshape IT management (ITMG) to focus on technical service delivery  (not yet in a release)\n"
        "  CR-1432  Create IT Infrastructure (ITOP) level 5  (not yet in a release)\n"
        "reverted (applied, then undone; to apply one again, set its status: accepted):\n"
        f"  CR-1434  {TITLE}\n"
        "declined:\n"
        "  CR-1447  System software (SYSP) absorbed into IT infrastructure (ITOP)\n")
    rows = {r["id"]: r for r in json.loads(ok(reverted, "status", "--format", "json"))}
    assert rows["CR-1434"] == {"id": "CR-1434", "title": TITLE, "status": "reverted", "applied_in": None,
                               "published_in": None}


def test_apply_of_a_reverted_request_asks_for_it_to_be_accepted_again(reverted: Path) -> None:
    assert refused(reverted, "apply", "CR-1434") == ASK_TO_ACCEPT
    assert refused(reverted, "apply", "1434", "--commit") == ASK_TO_ACCEPT
    assert refused(reverted, "apply", "CR-1434", "--dry-run") == ASK_TO_ACCEPT
    assert refused(reverted, "revert", "CR-1434") == (
        "error: CR-1434 is not applied (it was reverted already); nothing to revert\n")


def test_accepted_again_it_applies_and_gives_the_files_back_byte_for_byte(git_root: Path) -> None:
    before = data_files(git_root)
    ok(git_root, "revert", "CR-1434", "--commit")
    reaccept(git_root, "CR-1434", commit=True)
    out = ok(git_root, "apply", "CR-1434", "--commit")
    assert out.startswith(f"applied CR-1434: {TITLE}\n")
    assert data_files(git_root) == before
    assert git(git_root, "status", "--porcelain").stdout == ""
    subjects = git(git_root, "log", "--format=%s", "-3").stdout.splitlines()
    assert subjects == [f"Apply CR-1434: {TITLE}", "Accept CR-1434 again", f"Revert CR-1434: {TITLE}"]


def test_preview_of_a_reverted_request_says_it_was_reverted(reverted: Path) -> None:
    note = "it was applied, then reverted; to apply it again, a maintainer sets its status: accepted, then applies it"
    text = ok(reverted, "preview", "CR-1434")
    assert text.splitlines()[:3] == [f"CR-1434: {TITLE} (reverted)", note, "applying it:"]
    markdown = ok(reverted, "preview", "CR-1434", "--format", "markdown")
    assert markdown.splitlines()[2] == ("Status: **reverted** (it was applied, then reverted; to apply it again, a "
                                        "maintainer sets its status: accepted, then applies it). Applying it:")
    data = json.loads(ok(reverted, "preview", "CR-1434", "--format", "json"))
    assert (data["status"], data["note"]) == ("reverted", note)
    declined = json.loads(run(reverted, "preview", "CR-1447", "--format", "json")[1])
    assert (declined["status"], declined["note"]) == ("declined", None)


def test_check_refuses_a_reverted_request_that_still_has_applied_in(git_root: Path) -> None:
    path = git_root / MANIFEST
    path.write_text(path.read_text().replace("status: accepted\n", "status: reverted\n"))
    code, out, _ = run(git_root, "check")
    assert (code, out.splitlines()[0]) == (1, (
        f"{MANIFEST}:21:1: R430 CR-1434 has applied_in \"1\" but status reverted: only an accepted change request "
        "is applied; set status back to accepted, then revert it with skillrepo revert CR-1434, which sets reverted"))


def test_the_site_shows_a_reverted_request_under_its_status(reverted: Path, tmp_path: Path) -> None:
    ok(reverted, "release", "1.0.0", "--out", str(tmp_path / "dist"))
    site = tmp_path / "dist/1.0.0/site/changes"
    listing = (site / "index.html").read_text()
    assert '<h2 id="reverted">Reverted</h2>' in listing
    section = listing.split('<h2 id="reverted">')[1].split("</section>")[0]
    assert "CR-1434" in section and "CR-1432" not in section
    page = (site / "CR-1434.html").read_text()
    assert '<dt>Status</dt><dd><span class="tag tag-reverted">reverted</span></dd>' in page
    assert "<dt>Applied in</dt>" not in page


@pytest.mark.parametrize(("old", "new", "found"), [
    ({"status": "accepted", "applied_in": "1"}, {"status": "reverted"},
     ["sets status to reverted", "removes applied_in (edition 1)"]),
    ({"status": "reverted"}, {"status": "accepted"}, ["sets status to accepted"]),
    (None, {"status": "reverted"}, ["sets status to reverted"]),
    ({"status": "submitted"}, {"status": "reverted"}, ["sets status to reverted"]),
])
def test_only_a_maintainer_reverts_or_accepts_again(old: dict[str, Any] | None, new: dict[str, Any],
                                                   found: list[str]) -> None:
    assert manifest_problems(old, new) == found


def test_authorize_refuses_a_contributors_revert(git_root: Path) -> None:
    write_files(git_root, {"MAINTAINERS": "alice-maintainer\n"})
    git(git_root, "add", "-A")
    git(git_root, "commit", "--quiet", "-m", "Maintainers")
    git(git_root, "checkout", "--quiet", "-b", "revert")
    ok(git_root, "revert", "CR-1434", "--commit")
    code, out, _ = run(git_root, "authorize", "--base", "main", "--author", "bob")
    assert code == 1
    assert f"{MANIFEST}: sets status to reverted (a maintainer must do it)" in out.splitlines()
