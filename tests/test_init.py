"""`skillrepo init DIR [--from-sheet FILE]`: a new framework repository that passes `check`, built from the
published spreadsheet layout or empty; refusals write nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from helpers import ROOT, git, git_env, run_in_process
from skillrepo import engine
from skillrepo.checker import check_repository
from skillrepo.domain import MAX_FILE_BYTES
from skillrepo.exports import sheets
from skillrepo.model import ChangeRequest, Framework, Origin, empty_framework
from skillrepo.resources import schema_dir
from skillrepo.serialize import file_changes

EPOCH = 1_700_000_000
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def url(code: str) -> str:
    return f"https://example.org/skills/{code}"


def load(root: Path) -> Framework:
    repo, findings = check_repository(root)
    assert findings == []
    return repo.framework


def used_categories(fw: Framework) -> dict[str, list[str]]:
    """The categories and subcategories that active skills are in, in the order the skills (in the published order)
    first name them: all that the skills sheet alone can carry."""
    out: dict[str, list[str]] = {}
    for skill in (s for s in fw.skills.values() if s.status == "active"):
        subs = out.setdefault(skill.category, [])
        if skill.subcategory not in subs:
            subs.append(skill.subcategory)
    return out


def assert_same_skills(new: Framework, old: Framework) -> None:
    assert sorted(new.skills) == sorted(old.skills)
    for code, skill in new.skills.items():
        before = old.skills[code]
        assert (skill.name, skill.category, skill.subcategory, skill.description, skill.guidance) == (
            before.name, before.category, before.subcategory, before.description, before.guidance), code
        assert {n: lv.description for n, lv in skill.levels.items()} == {
            n: lv.description for n, lv in before.levels.items()}, code
        assert skill.status == "active" and skill.related == [] and skill.replaced_by == []
        assert UUID4.match(skill.id) and skill.id != before.id
    assert len({s.id for s in new.skills.values()}) == len(new.skills)


def init(cwd: Path, *args: str) -> tuple[int, str, str]:
    result = run_in_process("init", *args, cwd=cwd)
    return result.returncode, result.stdout, result.stderr


def workbook(fw: Framework, categories: bool = False) -> bytes:
    """The release's workbook of `fw`: skills, attributes and levels of responsibility (and the categories)."""
    return sheets.to_xlsx([("Skills", *sheets.skill_rows(fw, url)), ("Attributes", *sheets.attribute_rows(fw, url)),
                           ("Levels of responsibility", *sheets.published_level_rows(fw, lambda n: f"levels/{n}.html")),
                           *([("Categories", *sheets.category_rows(fw))] if categories else [])], EPOCH)


def assert_same_attributes(new: Framework, old: Framework) -> None:
    """The same attributes, texts and levels, in the same order; each with a new permanent id."""
    def shown(fw: Framework) -> list[Any]:
        return [(a.code, a.name, a.type, a.status, a.description, a.guidance,
                 {n: lv.description for n, lv in a.levels.items()}) for a in fw.attributes.values()]
    assert shown(new) == shown(old)
    assert all(new.attributes[c].id != old.attributes[c].id for c in old.attributes)


def test_a_workbook_of_the_bundled_framework_makes_the_same_framework(tmp_path: Path, bundled: Framework) -> None:
    (tmp_path / "skills.xlsx").write_bytes(workbook(bundled))
    code, out, err = init(tmp_path, "new", "--from-sheet", "skills.xlsx")
    assert (code, err) == (0, "")
    levels = sum(len(s.levels) for s in bundled.skills.values())
    assert out.splitlines()[0] == (f"created new: {len(bundled.skills)} skills, {levels} skill levels, 5 attributes; "
                                   "next: cd new && pre-commit install")
    new = load(tmp_path / "new")
    assert (new.name, new.edition) == ("new", "1")
    assert_same_attributes(new, bundled)
    assert new.categories == used_categories(bundled)  # the skills sheet has no place for an unused subcategory
    assert list(new.categories) == list(used_categories(bundled))
    assert list(new.skills) == list(bundled.skills), "in the published order"
    assert new.levels == bundled.levels
    assert_same_skills(new, bundled)
    check = run_in_process("check", cwd=tmp_path / "new")
    assert check.returncode == 0, check.stdout + check.stderr


def test_with_a_categories_sheet_the_categories_are_exactly_the_same(tmp_path: Path, bundled: Framework) -> None:
    (tmp_path / "skills.xlsx").write_bytes(workbook(bundled, categories=True))
    code, _, err = init(tmp_path, "new", "--from-sheet", "skills.xlsx")
    assert (code, err) == (0, "")
    new = load(tmp_path / "new")
    assert new.categories == bundled.categories
    assert new.levels == bundled.levels
    assert_same_skills(new, bundled)


def test_a_csv_of_the_bundled_framework_makes_the_same_skills_with_the_starter_levels(tmp_path: Path,
                                                                                     bundled: Framework) -> None:
    (tmp_path / "skills.csv").write_bytes(sheets.to_csv(*sheets.skill_rows(bundled, url)))
    code, _, err = init(tmp_path, "from-csv", "--from-sheet", "skills.csv")
    assert (code, err) == (0, "")
    new = load(tmp_path / "from-csv")
    starter = load_starter()
    assert new.levels == starter.levels
    assert new.attributes == bundled.attributes, "the starter attributes: the bundled framework's"
    assert new.categories == used_categories(bundled)
    assert_same_skills(new, bundled)
    assert run_in_process("check", cwd=tmp_path / "from-csv").returncode == 0


def load_starter() -> Framework:
    from skillrepo.checker import load as load_snapshot
    from skillrepo.documents import snapshot_of
    from skillrepo.resources import starter_levels_dir

    files = {f"framework/levels/{p.name}": p.read_bytes() for p in starter_levels_dir().glob("level-*.yaml")}
    repo, findings = load_snapshot(snapshot_of(Path("."), files))
    assert findings == [] and len(repo.framework.levels) == 7
    return repo.framework


def test_an_empty_framework_has_the_default_categories_and_everything_around_it(tmp_path: Path,
                                                                               bundled: Framework) -> None:
    code, out, err = init(tmp_path, "empty")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == ("created empty: 0 skills, 0 skill levels, 5 attributes; next: cd empty && "
                                     "pre-commit install")
    root = tmp_path / "empty"
    new = load(root)
    assert new.categories == bundled.categories
    assert new.attributes == bundled.attributes
    assert new.levels == load_starter().levels
    assert new.skills == {}
    assert (root / "framework/skills").is_dir()
    assert {p.name: p.read_bytes() for p in (root / "schemas").iterdir()} == {
        p.name: p.read_bytes() for p in schema_dir().glob("*.schema.json")}
    mine = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    theirs = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    # The same skillrepo hooks as this repository's; this one adds the lint of the tool's own Python.
    theirs["repos"][0]["hooks"] = [h for h in theirs["repos"][0]["hooks"] if h["id"].startswith("skillrepo-")]
    assert mine == theirs
    assert "skillrepo check" in (root / "README.md").read_text()
    assert "skillrepo new" in (root / "README.md").read_text()
    readme = root / "changes/README.md"
    if readme.exists():  # written when `check` accepts a README in changes/ (layout.is_allowed_extra)
        assert "skillrepo new" in readme.read_text()
    assert ".venv/" in (root / ".gitignore").read_text()
    rules = [line for line in (ROOT / ".gitattributes").read_text().splitlines() if not line.startswith("#")]
    assert (root / ".gitattributes").read_text().splitlines() == rules  # LF data in every checkout, as here
    assert run_in_process("fmt", "--check", cwd=root).returncode == 0
    assert run_in_process("check", cwd=root).returncode == 0


def test_an_existing_empty_directory_and_missing_parents_are_fine(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    assert init(tmp_path, "here")[0] == 0
    assert (tmp_path / "here/framework/framework.yaml").is_file()
    assert init(tmp_path, "a/b/deep")[0] == 0
    assert load(tmp_path / "a/b/deep").name == "deep"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _without_identity(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    for name in list(os.environ):
        if name.startswith("GIT_") or name == "EMAIL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def test_it_commits_when_git_knows_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _without_identity(monkeypatch, home)
    for name, value in git_env().items():
        if name.startswith("GIT_AUTHOR_") or name.startswith("GIT_COMMITTER_"):
            monkeypatch.setenv(name, value)
    code, out, _ = init(tmp_path, "new")
    assert code == 0
    assert out.splitlines()[1] == 'committed everything on branch main: "Start the framework"'
    repo = tmp_path / "new"
    assert git(repo, "log", "--format=%s|%an").stdout == "Start the framework|Test Author\n"
    assert git(repo, "branch", "--show-current").stdout == "main\n"
    assert git(repo, "status", "--porcelain").stdout == ""


def test_without_a_git_identity_it_leaves_everything_uncommitted_and_says_so(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _without_identity(monkeypatch, home)
    code, out, err = init(tmp_path, "new")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == ("not committed: git has no user.name and user.email for you; review the files, "
                                   'then: git add -A && git commit -m "Start the framework"')
    repo = tmp_path / "new"
    env = {**os.environ}
    assert git(repo, "rev-parse", "--verify", "HEAD", check=False, env=env).returncode != 0
    assert git(repo, "symbolic-ref", "HEAD", env=env).stdout == "refs/heads/main\n"
    assert "?? framework/" in git(repo, "status", "--porcelain", env=env).stdout


def _valid_rows() -> list[list[object]]:
    row = [1, None, 2, None, None, None, None, None, "ITOP", url("ITOP"), "IT infrastructure", "Delivery and operation",
           "Technology management", "Operating infrastructure.", None, None, "Does routine work.", None, None, None,
           None, None]
    return [row]


def _broken(tmp_path: Path, name: str) -> str:
    """A sheet in tmp_path that init must refuse; returns its name."""
    header = list(sheets.SKILL_HEADER)
    rows = _valid_rows()
    if name == "dup.xlsx":
        rows = rows + [list(rows[0])]
        rows[1][0] = 2
    if name == "nolevel.csv":
        rows[0][header.index("Level 3 description")] = "Also at three."
    if name == "notsheet.xlsx":
        (tmp_path / name).write_text("this is a text file, renamed\n")
        return name
    if name == "skills.numbers":
        (tmp_path / name).write_bytes(b"x")
        return name
    if name == "header-only.csv":
        rows = []
    if name == "lookalike.csv":  # the second name has a Cyrillic а (U+0430) for the Latin a
        rows = rows + [list(rows[0])]
        rows[1][0], rows[1][header.index("Code")] = 2, "ITIN"
        rows[1][header.index("Skill")] = "IT infr\u0430structure"
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_bytes(sheets.to_csv(header, rows))
    elif name == "veryhidden.xlsx":
        book = openpyxl.Workbook()
        book.active.title = "Notes"
        hidden = book.create_sheet("Skills")
        for row in [header, *rows]:
            hidden.append(row)
        hidden.sheet_state = "veryHidden"
        book.save(path)
    else:
        path.write_bytes(sheets.to_xlsx([("Skills", header, rows)], EPOCH))
    return name


@pytest.mark.parametrize(("sheet", "message"), [
    ("dup.xlsx", "dup.xlsx, sheet Skills, row 3, column Code: duplicate code ITOP (first on row 2)"),
    ("nolevel.csv", "nolevel.csv, row 2, column Level 3 description: a description of ITOP at level 3, which its "
                    "Levels columns do not list; put 3 in the Levels column of level 3, or clear this cell"),
    ("notsheet.xlsx", "notsheet.xlsx: not an .xlsx workbook (it is not a zip archive; an old .xls, or a CSV "
                      "renamed?); save it from your spreadsheet program as .xlsx or .csv"),
    ("skills.numbers", "skills.numbers: unknown kind of spreadsheet '.numbers'; an .xlsx workbook or a .csv file is "
                       "wanted; save it as .xlsx"),
    ("header-only.csv", "header-only.csv: the skills file holds no skills; leave out --from-sheet to start an empty "
                        "framework"),
    ("absent.csv", "absent.csv: no such file"),
    ("lookalike.csv", "lookalike.csv, row 3, column Skill: name 'IT infr\u0430structure' looks like the name on row 2 "
                      "('IT infrastructure'): they differ only by a letter of another script that looks Latin (U+0430 "
                      "cyrillic small letter a); give each skill its own name"),
    ("veryhidden.xlsx", "veryhidden.xlsx, sheet Skills: the sheet is very hidden (no menu shows it), and init reads "
                        "only what the workbook shows; delete it, or unhide it with a macro, and save the workbook "
                        "again"),
])
def test_a_refused_sheet_writes_nothing(tmp_path: Path, sheet: str, message: str) -> None:
    if sheet != "absent.csv":
        _broken(tmp_path, sheet)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = init(tmp_path, "new", "--from-sheet", sheet)
    assert (code, out, err) == (1, "", f"error: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_warnings_of_check_are_shown_and_do_not_stop_init(tmp_path: Path) -> None:
    rows = _valid_rows()
    rows[0][sheets.SKILL_HEADER.index("Guidance notes")] = "Compare with Quantum plumbing (QQQQ)."
    (tmp_path / "s.csv").write_bytes(sheets.to_csv(list(sheets.SKILL_HEADER), rows))
    code, out, err = init(tmp_path, "new", "--from-sheet", "s.csv")
    assert code == 0
    assert out.startswith("read s.csv (UTF-8 with a byte-order mark)\ncreated new: 1 skills, 1 skill levels, 5 attributes;")
    assert err == ("new/framework/skills/ITOP/skill.yaml:9:41: T501 mentions (QQQQ), but no skill has the code QQQQ "
                   "(warning)\n")
    assert run_in_process("check", cwd=tmp_path / "new").returncode == 0


def test_a_non_empty_directory_or_a_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/notes.txt").write_text("mine")
    (tmp_path / "file").write_text("mine")
    code, _, err = init(tmp_path, "busy")
    assert (code, err) == (1, f"error: {tmp_path / 'busy'} is not empty; init starts a repository in a new or empty "
                              "directory\n")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]
    code, _, err = init(tmp_path, "file")
    assert (code, err) == (1, f"error: {tmp_path / 'file'} exists and is not a directory; give a new or empty "
                              "directory\n")
    assert (tmp_path / "file").read_text() == "mine"


def test_a_framework_that_would_not_pass_check_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    name = "x" * 121  # the framework is named after its directory; names are at most 120 characters
    code, out, err = init(tmp_path, name)
    assert (code, out) == (1, "")
    assert err.startswith("error: the new framework would not pass `skillrepo check`:\n")
    assert "\n  framework/framework.yaml:2:7: S204 name:" in err
    assert "\n  changes/CR-0001/manifest.yaml:" in err  # the initial change request names it too
    assert list(tmp_path.iterdir()) == []


def _initial(root: Path) -> tuple[ChangeRequest, Framework]:
    """The new repository's initial change request, and what applying it to the empty framework gives."""
    repo, findings = check_repository(root)
    assert findings == []
    assert sorted(repo.changes) == ["CR-0001"]
    cr = repo.changes["CR-0001"]
    assert (cr.status, cr.applied_in, cr.title) == ("accepted", "1", f"Initial content of {root.name}")
    applied, _ = engine.apply(empty_framework("1"), cr.operations, cr.id)
    assert applied == repo.framework
    written = {str(p.relative_to(root)): p.read_bytes() for p in (root / "framework").rglob("*.yaml")}
    assert written == file_changes(empty_framework("1"), applied), "framework/ is exactly what applying it gives"
    return cr, applied


def test_an_empty_framework_arrives_as_an_initial_change_request(tmp_path: Path) -> None:
    assert init(tmp_path, "empty")[0] == 0
    cr, applied = _initial(tmp_path / "empty")
    assert cr.origin == Origin("created by skillrepo init")
    assert len(applied.levels) == 7 and applied.skills == {}
    status = run_in_process("status", cwd=tmp_path / "empty")
    assert status.stdout == ("applied:\n  CR-0001  Initial content of empty  (not yet in a release)\n"
                             "      origin: created by skillrepo init\n")


def test_a_framework_from_a_sheet_arrives_as_an_initial_change_request_naming_the_sheet(
        tmp_path: Path, bundled: Framework) -> None:
    data = workbook(bundled)
    (tmp_path / "skills.xlsx").write_bytes(data)
    assert init(tmp_path, "new", "--from-sheet", "skills.xlsx")[0] == 0
    cr, applied = _initial(tmp_path / "new")
    assert cr.origin == Origin("read from a spreadsheet by skillrepo init --from-sheet", "skills.xlsx",
                               hashlib.sha256(data).hexdigest())
    assert sorted(applied.skills) == sorted(bundled.skills) and applied.levels == bundled.levels


def _long_row(i: int) -> list[object]:
    """A skill with long texts (about 6 KB), so that a few hundred of them need several initial change requests."""
    code = "".join(chr(ord("A") + (i // 26 ** k) % 26) for k in (3, 2, 1, 0))
    text = " ".join(f"Plans and reviews the {code} services of team {n} against the agreed standards." for n in range(20))
    return [i + 1, None, 2, 3, 4, None, None, None, code, url(code), f"Skill {code}", "Delivery and operation",
            "Technology management", text, None, None, text, text, text, None, None, None]


def test_a_framework_too_large_for_one_file_arrives_as_several_initial_change_requests(tmp_path: Path) -> None:
    rows = [_long_row(i) for i in range(200)]
    (tmp_path / "big.csv").write_bytes(sheets.to_csv(list(sheets.SKILL_HEADER), rows))
    assert init(tmp_path, "big", "--from-sheet", "big.csv")[0] == 0
    root = tmp_path / "big"
    repo, findings = check_repository(root)
    assert findings == []
    assert sorted(repo.changes) == ["CR-0001", "CR-0002", "CR-0003"]
    assert repo.log.order == ["CR-0001", "CR-0002", "CR-0003"]
    for n, cr in enumerate(repo.changes.values(), start=1):
        assert (cr.status, cr.applied_in, cr.title) == ("accepted", "1", f"Initial content of big (part {n} of 3)")
        assert (root / "changes" / cr.id / "manifest.yaml").stat().st_size < MAX_FILE_BYTES
    first, second, _ = repo.changes.values()
    assert [op["op"] for op in first.operations[:8]] == ["update-framework", *["add-responsibility-level"] * 7]
    codes = [op["code"] for op in second.operations]
    assert (second.proposal or "").startswith(f"Add the framework's {len(codes)} skills ({codes[0]} to {codes[-1]}), ")
    applied, _ = engine.apply_all(empty_framework("1"), [(cr.id, cr.operations) for cr in repo.changes.values()])
    assert applied == repo.framework and len(applied.skills) == 200
    for command in ("verify", "status", "changelog"):
        result = run_in_process(command, cwd=root)
        assert (result.returncode, result.stderr) == (0, ""), command
    assert run_in_process("status", cwd=root).stdout.startswith(
        "applied:\n  CR-0001  Initial content of big (part 1 of 3)  (not yet in a release)\n")
    # The first release takes all three as its baseline, as it does one initial change request.
    release = run_in_process("release", "1.0.0", "--out", str(tmp_path / "out"), cwd=root)
    assert release.returncode == 0, release.stderr
    assert "it publishes 3 change request(s): CR-0001, CR-0002, CR-0003" in release.stdout
    assert (tmp_path / "out" / "1.0.0" / "CHANGELOG.md").read_text() == "# big 1.0.0\n\nNo change requests were applied.\n"


def test_a_published_windows_1252_csv_becomes_a_clean_framework(tmp_path: Path) -> None:
    from test_sheets import QUIRKY, published_csv, skill_row

    rows = [skill_row(1, "ITSP", "Strategic planning", {4: QUIRKY, 5: "At five."}),
            skill_row(2, "ISCO", "Information systems coordination")]
    (tmp_path / "skills.csv").write_bytes(published_csv(rows, "cp1252"))
    code, out, err = init(tmp_path, "new", "--from-sheet", "skills.csv")
    assert (code, err) == (0, "")
    assert out.startswith("read skills.csv (Windows-1252)\ncreated new: 2 skills, 3 skill levels, 5 attributes;")
    repo, findings = check_repository(tmp_path / "new")
    assert findings == []
    assert repo.framework.skills["ITSP"].levels[4].description == QUIRKY  # ’, a no-break space, LF for CRLF
    # The publisher's URLs are kept, and a release gives them back in its URL column.
    assert repo.framework.skills["ITSP"].url == "https://example.org/skills/ITSP"
    release = run_in_process("release", "1.0.0", "--out", str(tmp_path / "out"), cwd=tmp_path / "new")
    assert release.returncode == 0, release.stderr
    released = (tmp_path / "out/1.0.0/skills.csv").read_text(encoding="utf-8-sig")
    assert {r["Code"]: r["URL"] for r in csv.DictReader(io.StringIO(released, newline=""))} == {
        "ITSP": "https://example.org/skills/ITSP", "ISCO": "https://example.org/skills/ISCO"}
