"""framework.json's lifecycle of each item across two releases, and mapping.json's links to the items' digests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, committed_copy, git, run_in_process, write_files
from jsonschema import Draft202012Validator
from skillrepo.checker import check_repository

CHANGE = """\
id: CR-1500
title: Rename network support, retire PEMT, drop TEST's top level
status: accepted
applies_to: [NTAS, PEMT, TEST]
operations:
  - op: update-skill
    skill: NTAS
    name: {{from: Network support, to: Network operations}}
  - op: retire-skill
    skill: PEMT
    replaced_by: [PRMG]
  - op: remove-level
    skill: TEST
    level: {level}
    description: {text}
"""


def released(repo: Path, out: Path, version: str) -> dict[str, Any]:
    result = run_in_process("release", version, "--out", str(out), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    git(repo, "commit", "-qam", f"Release {version}")
    return dict(json.loads((out / version / "framework.json").read_text()))


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """framework.json of 1.0.0 and of 1.1.0 (CR-1500 between), and 1.1.0's mapping.json."""
    base = tmp_path_factory.mktemp("lifecycle")
    repo, out = committed_copy(base / "repo"), base / "dist"
    first = released(repo, out, "1.0.0")
    top = max(check_repository(repo)[0].framework.skills["TEST"].levels)
    text = check_repository(repo)[0].framework.skills["TEST"].levels[top].description
    write_files(repo, {"changes/CR-1500/manifest.yaml": CHANGE.format(level=top, text=json.dumps(text))})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Propose CR-1500")
    applied = run_in_process("apply", "CR-1500", "--commit", cwd=repo)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    second = released(repo, out, "1.1.0")
    return first, second, json.loads((out / "1.1.0/mapping.json").read_text())


def skill(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(dict(s) for s in doc["skills"] if s["code"] == code)


def everything(doc: dict[str, Any]) -> list[dict[str, Any]]:
    tops = [*doc["levels"], *doc["attributes"], *doc["skills"]]
    return tops + [lv for item in tops for lv in item.get("levels", [])]


def test_a_changed_text_moves_last_changed_and_the_digest(two: tuple[Any, ...]) -> None:
    first, second, _ = two
    old, new = skill(first, "NTAS")["lifecycle"], skill(second, "NTAS")["lifecycle"]
    assert (new["introduced"], new["last_changed"], new["retired"], new["removed"]) == ("1.0.0", "1.1.0", None, None)
    assert new["change_requests"] == [*old["change_requests"], "CR-1500"] and new["digest"] != old["digest"]
    assert skill(second, "ITOP")["lifecycle"] == skill(first, "ITOP")["lifecycle"]  # untouched: kept as it was
    assert skill(second, "NTAS")["levels"] == skill(first, "NTAS")["levels"]  # its levels' texts did not change


def test_a_retired_skill_and_a_removed_level_are_kept_and_marked(two: tuple[Any, ...]) -> None:
    first, second, _ = two
    pemt = skill(second, "PEMT")
    assert pemt["status"] == "retired" and pemt["replaced_by"] == ["PRMG"]
    assert (pemt["lifecycle"]["retired"], pemt["lifecycle"]["last_changed"], pemt["lifecycle"]["removed"]) == (
        "1.1.0", "1.1.0", None)
    before, after = skill(first, "TEST")["levels"][-1], skill(second, "TEST")["levels"][-1]
    assert after["lifecycle"]["removed"] == "1.1.0" and after["lifecycle"]["change_requests"][-1] == "CR-1500"
    assert {k: v for k, v in after.items() if k != "lifecycle"} == {k: v for k, v in before.items() if k != "lifecycle"}
    assert after["lifecycle"]["digest"] == before["lifecycle"]["digest"]
    assert after["lifecycle"]["last_changed"] == "1.0.0"


def test_an_id_never_has_two_digests_for_one_last_change(two: tuple[Any, ...]) -> None:
    first, second, _ = two
    seen: dict[tuple[str, str], str] = {}
    for doc in (first, second):
        for item in everything(doc):
            key = (item["id"] if "id" in item else f"level {item['level']}", item["lifecycle"]["last_changed"])
            assert seen.setdefault(key, item["lifecycle"]["digest"]) == item["lifecycle"]["digest"], key
    schema = json.loads((ROOT / "schemas/release.schema.json").read_text())
    assert [list(Draft202012Validator(schema).iter_errors(doc)) for doc in (first, second)] == [[], []]


def test_mapping_json_links_each_row_to_the_items_digests(two: tuple[Any, ...]) -> None:
    first, second, rows = two
    ntas = next(r for r in rows if r["old_code"] == "NTAS" and r["old_level"] == "")
    assert (ntas["change"], ntas["old_id"], ntas["new_id"]) == ("updated", skill(first, "NTAS")["id"],
                                                                skill(second, "NTAS")["id"])
    assert (ntas["old_digest"], ntas["new_digest"]) == (skill(first, "NTAS")["lifecycle"]["digest"],
                                                        skill(second, "NTAS")["lifecycle"]["digest"])
    gone = next(r for r in rows if r["old_code"] == "TEST" and r["change"] == "removed")
    assert gone["old_digest"] == skill(first, "TEST")["levels"][-1]["lifecycle"]["digest"]
    assert (gone["new_id"], gone["new_digest"]) == ("", "")
