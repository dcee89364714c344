"""Releases: the changelog, the mapping, framework.json, CASE, and byte-identical builds."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from helpers import (
    ROOT,
    committed_copy,
    copy_bundled,
    git,
    init_git,
    run_in_process,
    wait_for_clock_to_pass,
    write_files,
)
from jsonschema import Draft202012Validator
from skillrepo.checker import check_repository
from skillrepo.domain import ATTRIBUTE_TYPES
from skillrepo.model import Framework

GOLDEN = Path(__file__).parent / "golden"
RELEASE_FILES = ["CHANGELOG.md", "SHA256SUMS", "attributes.csv", "case.json", "changes.json", "framework.json",
                 "levels.csv", "mapping.csv", "mapping.json", "skills.csv", "skills.xlsx"]


def release(repo: Path, version: str, *extra: str, env: dict[str, str] | None = None) -> Path:
    """`skillrepo release VERSION --out dist`: in-process, or with `env` (a time zone, a clock) in a process of its
    own, as a machine set so starts it."""
    args = ("release", version, "--out", "dist", *extra)
    if env is None:
        result = run_in_process(*args, cwd=repo)
    else:
        result = subprocess.run([sys.executable, "-m", "skillrepo", *args], cwd=repo, text=True, capture_output=True,
                                env={**os.environ, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "dist" / version


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = committed_copy(tmp_path_factory.mktemp("release") / "repo")
    return release(repo, "1.0.0")


def test_release_writes_every_file_and_their_checksums(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir() if p.is_file()) == [".skillrepo-release", *RELEASE_FILES]
    assert (built / "site/index.html").is_file() and (built / "site/skills/ITOP.html").is_file()
    sums = dict(line.split("  ")[::-1] for line in (built / "SHA256SUMS").read_text().splitlines())
    every = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert sorted(sums) == [n for n in every if n not in ("SHA256SUMS", ".skillrepo-release")]
    assert "site/skills/ITOP.html" in sums
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=built, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("name", ["CHANGELOG.md", "changes.json", "mapping.csv", "mapping.json"])
def test_changelog_and_mapping_of_the_bundled_change_requests(built: Path, name: str) -> None:
    # Golden files: regenerate with `skillrepo release X` and read the difference before replacing them.
    assert (built / name).read_text(encoding="utf-8-sig") == (GOLDEN / name).read_text(encoding="utf-8-sig")


def test_framework_json_follows_its_schema(built: Path) -> None:
    data = json.loads((built / "framework.json").read_text())
    schema = json.loads((ROOT / "schemas/release.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    itop = next(s for s in data["skills"] if s["code"] == "ITOP")
    assert [lv["level"] for lv in itop["levels"]] == [1, 2, 3, 4, 5]
    assert [(a["code"], a["type"], a["type_label"], a["status"]) for a in data["attributes"]] == [
        ("AUTO", "generic", "Attributes", "active"),
        ("BUSK", "behavioural", "Business skills/Behavioural factors", "active"),
        ("COMP", "generic", "Attributes", "active"), ("INFL", "generic", "Attributes", "active"),
        ("KNGE", "generic", "Attributes", "active")]
    auto = data["attributes"][0]
    assert auto["name"] == "Autonomy" and [lv["level"] for lv in auto["levels"]] == list(range(1, 8))
    ids = [lv["id"] for a in data["attributes"] for lv in a["levels"]] + [a["id"] for a in data["attributes"]]
    skill_ids = {lv["id"] for s in data["skills"] for lv in s["levels"]} | {s["id"] for s in data["skills"]}
    assert len(set(ids)) == 40 and not set(ids) & skill_ids
    assert [sorted(lv) for lv in data["levels"]] == [["essence", "level", "lifecycle", "name", "url"]] * 7


def test_framework_json_gives_each_item_its_lifecycle(built: Path) -> None:
    data = json.loads((built / "framework.json").read_text())
    itop = next(s for s in data["skills"] if s["code"] == "ITOP")
    assert itop["lifecycle"] == {
        "introduced": "1.0.0", "last_changed": "1.0.0", "retired": None, "removed": None,
        "change_requests": ["CR-1400"],
        "digest": "8f48564e3d744173311c518ac68b684ac11fe9c8795cf22b1a7f257a26b0db67"}
    assert itop["levels"][4]["level"] == 5 and itop["levels"][4]["lifecycle"] == {
        "introduced": "1.0.0", "last_changed": "1.0.0", "retired": None, "removed": None,
        "change_requests": ["CR-1432"],  # CR-1400 gave ITOP levels 1 to 4; CR-1432 added level 5
        "digest": "fa28a3b191368c5fcb1418a873e87a3aa9fae16378df61dd968e37854d823a07"}
    assert itop["levels"][0]["lifecycle"]["change_requests"] == ["CR-1400", "CR-1434"]  # added, then refreshed
    content = {k: v for k, v in itop.items() if k not in ("levels", "lifecycle")}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() == itop["lifecycle"]["digest"]


def test_the_release_schema_knows_every_attribute_type_and_its_label() -> None:
    schema = json.loads((ROOT / "schemas/release.schema.json").read_text())
    fields = schema["properties"]["attributes"]["items"]["properties"]
    assert (fields["type"]["enum"], fields["type_label"]["enum"]) == (list(ATTRIBUTE_TYPES),
                                                                      list(ATTRIBUTE_TYPES.values()))


def test_attributes_csv_has_the_published_layout(built: Path) -> None:
    raw = (built / "attributes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfLevels,,,,,,,Code,URL,Attribute name,Type,Overall description,Guidance notes,"
                          b"Level 1 description,Level 2 description,Level 3 description,Level 4 description,"
                          b"Level 5 description,Level 6 description,Level 7 description\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), restkey="rest"))
    assert [(r["Code"], r["Attribute name"], r["Type"]) for r in rows] == [
        ("AUTO", "Autonomy", "Attributes"), ("BUSK", "Business skills", "Business skills/Behavioural factors"),
        ("COMP", "Complexity", "Attributes"), ("INFL", "Influence", "Attributes"), ("KNGE", "Knowledge", "Attributes")]
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    auto = cells[1]
    assert auto[:7] == ["1", "2", "3", "4", "5", "6", "7"]  # the level cells under the one Levels header cell
    assert [r[8] for r in cells[1:]] == [f"site/attributes/{r[7]}.html" for r in cells[1:]]
    assert all((built / r[8]).is_file() for r in cells[1:])  # each attribute's page in the release's site
    framework = json.loads((built / "framework.json").read_text())
    first = framework["attributes"][0]
    assert auto[11:13] == [first["description"], ""]  # no guidance notes
    assert auto[13:] == [lv["description"] for lv in first["levels"]]


def test_a_retired_attribute_leaves_the_sheet_and_keeps_its_status(git_root: Path) -> None:
    write_files(git_root, {"changes/CR-1500/manifest.yaml": RETIRE_ATTRIBUTE})
    git(git_root, "add", "-A")
    git(git_root, "commit", "-qm", "Propose CR-1500")
    assert run_in_process("apply", "CR-1500", "--commit", cwd=git_root).returncode == 0
    out = release(git_root, "1.0.0", "--base-url", "https://example.org/fw/")
    rows = list(csv.reader(io.StringIO((out / "attributes.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert [r[7] for r in rows[1:]] == ["AUTO", "COMP", "INFL", "KNGE"]
    assert rows[1][8] == "https://example.org/fw/attributes/AUTO.html"
    framework = json.loads((out / "framework.json").read_text())
    assert {a["code"]: a["status"] for a in framework["attributes"]}["BUSK"] == "retired"
    items = json.loads((out / "case.json").read_text())["CFItems"]
    assert "BUSK" in {i.get("humanCodingScheme") for i in items}
    changes = json.loads((out / "changes.json").read_text())["sections"]
    assert [(r["skill"], r["attribute"], r["cr"]) for r in changes["attributes"]] == [(None, "BUSK", "CR-1500")]
    mapping = json.loads((out / "mapping.json").read_text())
    assert not [r for r in mapping if "CR-1500" in r["change_requests"]]  # an attribute is no skill to map


RETIRE_ATTRIBUTE = """\
id: CR-1500
title: Business skills are no longer an attribute
status: accepted
applies_to: []
operations:
  - op: retire-attribute
    attribute: BUSK
"""


def case_items(path: Path) -> tuple[dict[str, dict[str, object]], list[dict[str, object]], dict[str, object]]:
    package = json.loads(path.read_text())
    return {i["identifier"]: i for i in package["CFItems"]}, package["CFAssociations"], package["CFDocument"]


def test_case_package_is_complete_and_every_association_resolves(built: Path) -> None:
    items, associations, document = case_items(built / "case.json")
    framework = json.loads((built / "framework.json").read_text())
    levels = {(s["code"], lv["level"]): lv["id"] for s in framework["skills"] for lv in s["levels"]}
    assert set(levels.values()) <= set(items)
    assert len(levels) == 62
    assert {i["CFItemType"] for i in items.values()} == {"Category", "Subcategory", "Skill", "Skill level",
                                                          "Level of responsibility", "Attribute", "Attribute level"}
    attribute_levels = {lv["id"] for a in framework["attributes"] for lv in a["levels"]}
    assert {i for i, item in items.items() if item["CFItemType"] == "Attribute level"} == attribute_levels
    known = set(items) | {document["identifier"]}
    for a in associations:
        assert a["originNodeURI"]["identifier"] in known and a["destinationNodeURI"]["identifier"] in known
        assert a["associationType"] in {"isChildOf", "hasSkillLevel", "isRelatedTo", "replacedBy", "isPartOf"}
    parents = {a["originNodeURI"]["identifier"] for a in associations if a["associationType"] == "isChildOf"}
    assert set(items) == parents  # every item hangs in the tree
    for required in ("identifier", "uri", "creator", "title", "lastChangeDateTime", "caseVersion"):
        assert required in document


def test_identifiers_are_stable_across_releases_with_a_rename_between(git_root: Path) -> None:
    repo = git_root
    first = release(repo, "1.0.0")
    git(repo, "tag", "v1.0.0")
    write_files(repo, {"changes/CR-1500/manifest.yaml": """\
id: CR-1500
title: Rename network support
status: accepted
applies_to: [NTAS]
operations:
  - op: update-skill
    skill: NTAS
    name: {from: Network support, to: Network operations}
"""})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Propose CR-1500")
    assert run_in_process("apply", "CR-1500", "--commit", cwd=repo).returncode == 0
    second = release(repo, "1.1.0")
    a, _, doc_a = case_items(first / "case.json")
    b, _, doc_b = case_items(second / "case.json")
    assert set(a) == set(b) and doc_a["identifier"] == doc_b["identifier"]
    ntas = next(i for i in b.values() if i.get("humanCodingScheme") == "NTAS")
    assert ntas["abbreviatedStatement"] == "Network operations"
    changelog = (second / "CHANGELOG.md").read_text()
    assert "## Renamed skills\n\n- **NTAS: \"Network support\" is now \"Network operations\"** (minor)" in changelog
    rows = list(csv.DictReader(io.StringIO((second / "mapping.csv").read_text(encoding="utf-8-sig"))))
    assert {"old_code": "NTAS", "old_level": "", "new_code": "NTAS", "new_level": "", "change": "updated",
            "impact": "minor", "change_requests": "CR-1500"} in rows
    assert {r["change"] for r in rows if r["old_code"] == "ITOP"} == {"unchanged"}


def test_two_builds_are_byte_identical_whatever_the_clock_and_time_zone(git_root: Path) -> None:
    repo = git_root
    def files(out: Path) -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    saved = files(release(repo, "1.0.0", env={"TZ": "UTC"}))
    assert "site/skills/ITOP.html" in saved and len(saved) > 40
    wait_for_clock_to_pass(1.0)  # a clock that moved on must not show
    assert files(release(repo, "1.0.0", "--force", env={"TZ": "Asia/Tokyo"})) == saved
    third = files(release(repo, "1.0.0", "--force", env={"SOURCE_DATE_EPOCH": "1700000000", "TZ": "America/New_York"}))
    assert third["skills.csv"] == saved["skills.csv"] and third["skills.xlsx"] != saved["skills.xlsx"]
    assert third["case.json"] == saved["case.json"]  # its times are the recorded release's day, not the commit's


FORMULA_CR = """\
id: CR-1500
title: Guidance that a spreadsheet would take for a formula
status: accepted
applies_to: [ASUP]
operations:
  - op: update-skill
    skill: ASUP
    guidance: {{from: {old}, to: "=HYPERLINK(\\"http://example.org\\", \\"x\\")"}}
"""


def test_spreadsheets_cannot_run_formulas(tmp_path: Path) -> None:
    repo = copy_bundled(tmp_path / "repo")
    guidance = check_repository(repo)[0].framework.skills["ASUP"].guidance
    write_files(repo, {"changes/CR-1500/manifest.yaml": FORMULA_CR.format(old=json.dumps(guidance))})
    init_git(repo)
    assert run_in_process("apply", "CR-1500", cwd=repo).returncode == 0
    out = release(repo, "1.0.0")
    rows = list(csv.reader(io.StringIO((out / "skills.csv").read_text(encoding="utf-8-sig"))))
    header = rows[0]
    asup = next(r for r in rows if r[header.index("Code")] == "ASUP")
    assert asup[header.index("Guidance notes")].startswith("'=HYPERLINK(")
    sheet = openpyxl.load_workbook(out / "skills.xlsx")["Skills"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [(c.value[:2], c.data_type) for c in cells] == [("=H", "s")]  # a string cell: shown, never run


def test_levels_csv_is_transposed_as_the_published_file_is(built: Path, bundled: Framework) -> None:
    text = (built / "levels.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows] == ["Level", "Guiding phrase", "Essence of the level", "URL"]
    assert rows[0][1:] == [str(n) for n in range(1, 8)]
    assert rows[1][1:] == [bundled.levels[n].name for n in range(1, 8)]
    assert rows[2][1:] == [bundled.levels[n].essence for n in range(1, 8)]
    assert all((built / url).is_file() for url in rows[3][1:])  # each level's page in the release's site


def csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def sheet_cells(sheet: object) -> list[list[str]]:
    """A worksheet's cells as its CSV would have them: empty cells as "", numbers as their digits."""
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_the_workbook_reads_back(built: Path) -> None:
    book = openpyxl.load_workbook(built / "skills.xlsx")
    assert book.sheetnames == ["Skills", "Attributes", "Levels of responsibility", "Categories"]
    # The attributes and the levels of responsibility: the layouts of attributes.csv and levels.csv, cell for cell.
    assert sheet_cells(book["Attributes"]) == csv_cells(built / "attributes.csv")
    assert sheet_cells(book["Levels of responsibility"]) == csv_cells(built / "levels.csv")
    assert [c.value for c in book["Levels of responsibility"]["A"]] == ["Level", "Guiding phrase",
                                                                        "Essence of the level", "URL"]
    assert sheet_cells(book["Skills"]) == csv_cells(built / "skills.csv")
    skills = book["Skills"]
    header = [c.value for c in skills[1]]
    assert header[:8] == ["#", "Levels", *[None] * 6]  # one Levels cell over the seven level columns, as published
    assert header[8:15] == ["Code", "URL", "Skill", "Category", "Subcategory", "Overall description",
                            "Guidance notes"]
    assert skills.freeze_panes == "A2"
    itop = next(r for r in skills.iter_rows(min_row=2, values_only=True) if r[8] == "ITOP")
    assert itop[1:8] == (1, 2, 3, 4, 5, None, None)
    assert itop[header.index("Level 5 description")].startswith("Provides technical leadership")


def test_release_is_refused_when_verify_fails_and_writes_nothing(git_root: Path) -> None:
    repo = git_root
    level = repo / "framework/skills/ITOP/level-4.yaml"
    level.write_text(level.read_text().replace("small team", "large team"))
    result = run_in_process("release", "2", cwd=repo)
    assert result.returncode == 1
    assert result.stderr == ("error: verify fails, so there is nothing trustworthy to release:\n"
                             "framework/skills/ITOP/level-4.yaml: description changed outside any CR (last "
                             "changed by CR-1434)\n"
                             "  expected: … and scheduling the work of a [-small-] team. Develops and maintains "
                             "automation, monitoring …\n"
                             "  found:    … and scheduling the work of a {+large+} team. Develops and maintains "
                             "automation, monitoring …\n")
    assert not (repo / "dist").exists()


def test_tag_is_refused_on_a_dirty_tree_or_an_existing_tag_and_made_otherwise(git_root: Path) -> None:
    repo = git_root
    (repo / "notes.txt").write_text("draft")
    dirty = run_in_process("release", "1.0.0", "--tag", cwd=repo)
    assert dirty.returncode == 1
    assert dirty.stderr == ("error: --tag needs a clean work tree (commit or stash your changes first): the tag must "
                            "name exactly what was built\n")
    (repo / "notes.txt").unlink()
    result = run_in_process("release", "1.0.0", "--tag", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("tagged v1.0.0\n")
    message = git(repo, "tag", "-l", "--format=%(contents)", "v1.0.0").stdout
    assert message.startswith("# Open Digital Skills Framework 1.0.0")
    again = run_in_process("release", "1.0.0", "--tag", cwd=repo)
    assert again.returncode == 1
    assert again.stderr == "error: the tag v1.0.0 exists already; choose another version\n"


def test_a_release_is_recorded_and_a_version_is_released_once(git_root: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "dist")
    first = run_in_process("release", "1.0.0", "--out", out, cwd=git_root)
    assert first.returncode == 0 and "recorded release 1.0.0 in changes/log.yaml: it publishes 4 change request(s)" \
        in first.stdout
    log = check_repository(git_root)[0].log
    assert [(r.version, r.published) for r in log.releases] == [
        ("1.0.0", ("CR-1400", "CR-1431", "CR-1432", "CR-1434"))]
    again = run_in_process("release", "1.0.0", "--out", out, cwd=git_root)
    assert (again.returncode, again.stderr) == (1, f"error: {out}/1.0.0 exists: 1.0.0 was released on "
                                                   f"{log.releases[0].date}; give --force to build it again (the "
                                                   "repository is unchanged since), or choose the next version\n")
    assert run_in_process("release", "1.0.0", "--out", out, "--force", cwd=git_root).returncode == 0
    earlier = run_in_process("release", "0.9.0", "--out", out, cwd=git_root)
    assert earlier.stderr == ("error: version 0.9.0 does not come after the last release, 1.0.0; choose a later "
                              "one\n")
    assert run_in_process("revert", "CR-1434", cwd=git_root).returncode == 0  # the repository changes
    changed = run_in_process("release", "1.0.0", "--out", out, "--force", cwd=git_root)
    assert changed.stderr == (f"error: 1.0.0 was released on {log.releases[0].date}, and the repository changed "
                              "since (or a later release was made); release a version after 1.0.0\n")
    second = run_in_process("release", "1.1.0", "--out", out, cwd=git_root)
    assert second.stdout.startswith("recorded release 1.1.0 in changes/log.yaml: it publishes 0 change request(s); "
                                    "it no longer holds CR-1434 (reverted)\n"), second.stderr
    log = check_repository(git_root)[0].log
    assert (log.releases[1].published, log.releases[1].reverted) == ((), ("CR-1434",))
    assert "CR-1434" in (tmp_path / "dist/1.1.0/CHANGELOG.md").read_text("utf-8")  # what it no longer holds


def test_the_release_tag_carries_the_changelog_verbatim(tmp_path: Path) -> None:
    root = committed_copy(tmp_path / "repo")
    result = run_in_process("release", "1.0.0", "--tag", "--out", "dist", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    message = git(root, "for-each-ref", "--format=%(contents)", "refs/tags/v1.0.0").stdout
    changelog_text = (root / "dist/1.0.0/CHANGELOG.md").read_text("utf-8")
    assert message.rstrip("\n") == changelog_text.rstrip("\n") and message.startswith("# ")
