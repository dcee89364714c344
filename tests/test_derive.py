"""`skillrepo new TITLE --from-sheet FILE`: a release's spreadsheet, edited, becomes a draft change request whose
operations make the framework what the file says; once the author decides on what the file drops, applying it and
releasing again gives the edited file back cell for cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import copy_bundled, git, run_in_process
from skillrepo.checker import check_repository
from skillrepo.derive import derived_operations
from skillrepo.diffs import sentences, text_change
from skillrepo.domain import ATTRIBUTE_TYPES
from skillrepo.errors import SkillrepoError
from skillrepo.exports import sheets
from skillrepo.model import Framework
from skillrepo.rules.lifecycle import PROPOSAL_PLACEHOLDER
from skillrepo.sheetread.read import read_sheets
from skillrepo.yamlsource import load_bytes

Rows = list[list[Any]]
CODE, URL, NAME, DESCRIPTION = 8, 9, 10, 13  # columns of the skills sheet
LEVEL = 14  # LEVEL + n: the skills sheet's Level n description; the marks are in columns 1 to 7
ATTRIBUTE_NAME, ATTRIBUTE_LEVEL = 9, 12  # the attributes sheet's name; ATTRIBUTE_LEVEL + n: its Level n description


def _framework(root: Path) -> Framework:
    return check_repository(root)[0].framework


def _skill_sheet(fw: Framework) -> tuple[list[str], Rows]:
    """skills.csv's header and rows as `release` writes them (no --base-url: the site's own pages)."""
    return sheets.skill_rows(fw, lambda code: f"site/skills/{code}.html")


def _attribute_sheet(fw: Framework) -> tuple[list[str], Rows]:
    return sheets.attribute_rows(fw, lambda code: f"site/attributes/{code}.html")


def _resentence(text: str, index: int, new: str) -> tuple[str, str]:
    """`text` with its sentence `index` replaced by `new` (keeping the space after it), and the sentence it was."""
    parts = sentences(text)
    old = parts[index]
    parts[index] = new + old[len(old.rstrip()):]
    return "".join(parts), old


def _cli(root: Path, *args: str) -> tuple[int, str]:
    result = run_in_process(*args, cwd=root)
    assert "Traceback" not in result.stdout + result.stderr
    return result.returncode, result.stdout + result.stderr


def _manifest(root: Path, cr_id: str) -> dict[str, Any]:
    data = load_bytes((root / "changes" / cr_id / "manifest.yaml").read_bytes()).data
    assert isinstance(data, dict)
    return data


def _accept_and_apply(root: Path, cr_id: str, **edits: str) -> str:
    """Sets the draft accepted (and replaces other lines as `edits` says), commits it and applies it."""
    path = root / "changes" / cr_id / "manifest.yaml"
    text = path.read_text().replace("status: draft", "status: accepted")
    for old, new in edits.items():
        text = text.replace(old, new)
    path.write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", f"Accept {cr_id}")
    code, out = _cli(root, "apply", cr_id, "--commit")
    assert code == 0, out
    return out




def _edited_skills(fw: Framework) -> tuple[list[str], Rows, dict[str, str]]:
    """skills.csv edited as a maintainer would: a sentence of ITOP level 3, BUAN's description rewritten, CHMG
    given level 5, DTAN's level 2 dropped, ITMG renamed, TEST moved up, a new skill NEWS after PROG, PEMT's row
    deleted. Also the texts replaced."""
    header, rows = _skill_sheet(fw)
    by = {row[CODE]: row for row in rows}
    was: dict[str, str] = {}
    by["ITOP"][LEVEL + 3], was["ITOP"] = _resentence(by["ITOP"][LEVEL + 3], 1, "Automates repetitive work.")
    was["BUAN"], by["BUAN"][DESCRIPTION] = by["BUAN"][DESCRIPTION], "Analyses how work is done. Says what to change."
    by["CHMG"][5], by["CHMG"][LEVEL + 5] = 5, "Leads change control for a large estate."
    was["DTAN"], by["DTAN"][2], by["DTAN"][LEVEL + 2] = by["DTAN"][LEVEL + 2], None, None
    by["ITMG"][NAME] = "Technology management"
    new = [None] * len(header)
    new[3], new[CODE], new[URL], new[NAME] = 3, "NEWS", "site/skills/NEWS.html", "Platform engineering"
    new[NAME + 1:DESCRIPTION + 1] = ["Delivery and operation", "Technology management", "Builds platforms."]
    new[LEVEL + 3] = "Builds parts of a platform."
    order = [code for code in by if code not in ("PEMT", "TEST")]
    order.insert(1, "TEST")
    edited = [by[code] for code in order]
    edited.insert(order.index("PROG") + 1, new)
    for number, row in enumerate(edited, start=1):
        row[0] = number
    return header, edited, was


def test_an_edited_spreadsheet_becomes_a_draft_that_gives_the_file_back_once_applied(git_root: Path) -> None:
    fw = _framework(git_root)
    header, skills, was = _edited_skills(fw)
    (git_root.parent / "skills.csv").write_bytes(sheets.to_csv(header, skills))
    attribute_header, attributes = _attribute_sheet(fw)
    attributes[0][ATTRIBUTE_LEVEL + 3], was["AUTO"] = _resentence(attributes[0][ATTRIBUTE_LEVEL + 3], 0,
                                                                    "Works under close direction.")
    (git_root.parent / "attributes.csv").write_bytes(sheets.to_csv(attribute_header, attributes))

    code, out = _cli(git_root, "new", "Edits from the workbook", "--from-sheet", "../skills.csv",
                     "--from-sheet", "../attributes.csv")
    assert code == 0, out
    assert out.startswith("wrote changes/CR-1448/manifest.yaml (draft): 9 operations\n  2 update-skill\n"), out
    assert "  1 retire-skill\n" in out and "  1 update-attribute-level\n" in out
    data = _manifest(git_root, "CR-1448")
    ops = data["operations"]
    assert [(op["op"], op.get("skill", op.get("code", op.get("attribute"))), op.get("level")) for op in ops] == [
        ("update-skill", "BUAN", None), ("add-level", "CHMG", 5), ("remove-level", "DTAN", 2),
        ("update-skill", "ITMG", None), ("update-level", "ITOP", 3), ("move-skill", "TEST", None),
        ("add-skill", "NEWS", None), ("retire-skill", "PEMT", None), ("update-attribute-level", "AUTO", 3)]
    assert ops[0]["description"] == {"from": was["BUAN"], "to": "Analyses how work is done. Says what to change."}
    assert ops[2]["description"] == was["DTAN"]
    assert ops[3]["name"] == {"from": "IT management", "to": "Technology management"}
    assert ops[4]["description"] == {"edits": [{"old": was["ITOP"], "new": "Automates repetitive work. "}]}
    assert ops[5]["after"] == {"from": "SYSP", "to": "ASUP"}
    assert (ops[6]["after"], ops[6]["related"], ops[6]["levels"]) == (
        "PROG", [], [{"level": 3, "description": "Builds parts of a platform."}])
    assert ops[7] == {"op": "retire-skill", "skill": "PEMT", "replaced_by": []}
    assert ops[8]["description"]["edits"][0]["old"] == was["AUTO"]
    assert (data["status"], data["applies_to"]) == ("draft", ["BUAN", "CHMG", "DTAN", "ITMG", "ITOP", "TEST", "NEWS",
                                                              "PEMT"])
    assert data["proposal"].startswith(PROPOSAL_PLACEHOLDER + "\n\nThe operations were derived by skillrepo new "
                                       "--from-sheet from skills.csv (sha256 ")
    assert "; attributes.csv (sha256 " in data["proposal"]
    text = (git_root / "changes/CR-1448/manifest.yaml").read_text()
    assert "  # PEMT is not in the file. Name the skills that replace it in replaced_by" in text

    code, out = _cli(git_root, "check")
    assert code == 1
    assert ("changes/CR-1448/manifest.yaml:" in out and "S204 operations[7].replaced_by: the list is empty; expected "
            "the codes of the skills that replace the retired one, at least one") in out, out
    out = _accept_and_apply(git_root, "CR-1448", **{"replaced_by: []": "replaced_by: [RLMT]",
                                                PROPOSAL_PLACEHOLDER: "The 2026 review, made in the workbook."})
    assert "moves TEST from after SYSP to after ASUP in the published order (minor)" in out, out
    after = _framework(git_root)
    assert sheets.to_csv(*_skill_sheet(after)) == sheets.to_csv(header, skills)
    assert sheets.to_csv(*_attribute_sheet(after)) == sheets.to_csv(attribute_header, attributes)


def test_two_drafts_editing_other_sentences_of_one_text_both_apply(git_root: Path) -> None:
    fw = _framework(git_root)
    header, rows = _skill_sheet(fw)
    itop = next(row for row in rows if row[CODE] == "ITOP")
    first, second = [list(row) for row in rows], [list(row) for row in rows]
    at = rows.index(itop)
    first[at][LEVEL + 3], _ = _resentence(itop[LEVEL + 3], 0, "Provisions and configures servers.")
    second[at][LEVEL + 3], _ = _resentence(itop[LEVEL + 3], 3, "Writes operational procedures.")
    for name, edited in (("first.csv", first), ("second.csv", second)):
        (git_root.parent / name).write_bytes(sheets.to_csv(header, edited))
    assert _cli(git_root, "new", "First", "--from-sheet", "../first.csv")[0] == 0
    assert _cli(git_root, "new", "Second", "--from-sheet", "../second.csv")[0] == 0
    assert [op["op"] for op in _manifest(git_root, "CR-1449")["operations"]] == ["update-level"]
    _accept_and_apply(git_root, "CR-1448")
    _accept_and_apply(git_root, "CR-1449")
    both = sentences(_framework(git_root).skills["ITOP"].levels[3].description)
    assert (both[0].strip(), both[3].strip()) == ("Provisions and configures servers.", "Writes operational procedures.")
    assert both[1:3] == sentences(itop[LEVEL + 3])[1:3]


def test_a_file_of_one_kind_changes_only_what_it_holds(git_root: Path) -> None:
    fw = _framework(git_root)
    header, rows = _skill_sheet(fw)
    rows[0][NAME] = "Application support and maintenance"
    for row in rows:  # as `release --base-url` writes them: the site's own pages, no change
        row[URL] = f"https://example.org/framework/1.0.0/skills/{row[CODE]}.html"
    (git_root.parent / "skills.csv").write_bytes(sheets.to_csv(header, rows))
    attribute_header, attributes = _attribute_sheet(fw)
    attributes[1][ATTRIBUTE_NAME] = "Business skills and behaviours"
    attributes[2][ATTRIBUTE_NAME + 1] = ATTRIBUTE_TYPES["behavioural"]  # COMP's Type: the published label
    (git_root.parent / "attributes.csv").write_bytes(sheets.to_csv(attribute_header, attributes[:-1]))
    assert _cli(git_root, "new", "Skills only", "--from-sheet", "../skills.csv")[0] == 0
    assert [op["op"] for op in _manifest(git_root, "CR-1448")["operations"]] == ["update-skill"]
    assert _cli(git_root, "new", "Attributes only", "--from-sheet", "../attributes.csv")[0] == 0
    ops = _manifest(git_root, "CR-1449")["operations"]
    assert ops == [{"op": "update-attribute", "attribute": "BUSK",
                    "name": {"from": "Business skills", "to": "Business skills and behaviours"}},
                   {"op": "update-attribute", "attribute": "COMP", "type": {"from": "generic", "to": "behavioural"}},
                   {"op": "retire-attribute", "attribute": "KNGE"}]
    assert "  # KNGE is not in the file, so it would be retired. Review this operation; delete it to keep KNGE.\n" \
        "  - op: retire-attribute\n" in (git_root / "changes/CR-1449/manifest.yaml").read_text()
    level_header, levels = sheets.published_level_rows(fw, lambda n: f"site/levels/{n}.html")
    levels[0][3], levels[2][5] = "Apply, advise", "https://example.org/levels/5"
    (git_root.parent / "levels.csv").write_bytes(sheets.to_csv(level_header, levels))
    assert _cli(git_root, "new", "Levels only", "--from-sheet", "../levels.csv")[0] == 0
    assert _manifest(git_root, "CR-1450")["operations"] == [
        {"op": "update-responsibility-level", "level": 3, "name": {"from": fw.levels[3].name, "to": "Apply, advise"}},
        {"op": "update-responsibility-level", "level": 5, "url": {"from": None, "to": "https://example.org/levels/5"}}]
    _accept_and_apply(git_root, "CR-1448")
    assert _framework(git_root).attributes == fw.attributes


def test_an_unchanged_workbook_writes_nothing(git_root: Path) -> None:
    fw = _framework(git_root)
    book = sheets.to_xlsx([
        (sheets.SKILLS_SHEET, *_skill_sheet(fw)), (sheets.ATTRIBUTES_SHEET, *_attribute_sheet(fw)),
        (sheets.LEVELS_SHEET, *sheets.published_level_rows(fw, lambda n: f"site/levels/{n}.html")),
        (sheets.CATEGORIES_SHEET, *sheets.category_rows(fw))], 0)
    (git_root.parent / "skills.xlsx").write_bytes(book)
    code, out = _cli(git_root, "new", "Nothing", "--from-sheet", "../skills.xlsx")
    assert (code, out) == (0, "nothing to change: skills.xlsx says what the framework says; no change request "
                              "written\n")
    assert not (git_root / "changes/CR-1448").exists()


@pytest.mark.parametrize(("before", "after", "change"), [
    ("One. Two. Three.", "One. Deux. Three.", {"edits": [{"old": "Two. ", "new": "Deux. "}]}),
    ("A. B. A. C.", "A. B. A. D.", {"edits": [{"old": "C.", "new": "D."}]}),
    ("X. A. B.", "X. B.", {"edits": [{"old": "X. A. ", "new": "X. "}]}),
    ("Same. Kept. Same. Gone.", "Same. Kept. Same.", {"edits": [{"old": "Kept. Same. Gone.", "new": "Kept. Same."}]}),
    ("One. Two.", "Uno. Dos.", {"from": "One. Two.", "to": "Uno. Dos."}),
    (None, "Now some guidance.", {"from": None, "to": "Now some guidance."}),
], ids=["one-sentence", "repeated-sentence", "removed-sentence", "widened", "rewritten", "added"])
def test_a_text_changes_by_sentences_each_edit_unique(before: str | None, after: str, change: dict[str, Any]) -> None:
    assert text_change(before, after) == change


def test_a_new_category_is_added_and_a_retired_skill_row_is_refused(tmp_path: Path) -> None:
    fw = _framework(copy_bundled(tmp_path / "git_root"))
    header, rows = _skill_sheet(fw)
    pemt = next(row for row in rows if row[CODE] == "PEMT")
    pemt[NAME + 1:NAME + 3] = ["Workforce", "Workforce planning"]
    (tmp_path / "skills.csv").write_bytes(sheets.to_csv(header, rows))
    ops = derived_operations(fw, read_sheets([tmp_path / "skills.csv"]))
    assert [op["op"] for op in ops] == ["update-framework", "update-skill"]
    assert ops[0]["categories"]["to"][-1] == {"name": "Workforce", "subcategories": ["Workforce planning"]}
    fw.skills["PEMT"].status = "retired"
    with pytest.raises(SkillrepoError, match=r"^row 10 of the skills file: PEMT is a retired skill of this "
                                             "framework, and no change request brings a retired skill back"):
        derived_operations(fw, read_sheets([tmp_path / "skills.csv"]))
