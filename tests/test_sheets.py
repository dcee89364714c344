"""The published spreadsheet layout: written safely and reproducibly, read back exactly, refused when malformed."""

from __future__ import annotations

import copy
import csv
import functools
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import ROOT, XLSX_NS, wait_for_clock_to_pass, write_raw_xlsx
from skillrepo.domain import LEVEL_NAMES
from skillrepo.exports import sheets
from skillrepo.model import Framework
from skillrepo.sheetlayout import safe_cell, unsafe_cell
from skillrepo.sheetread.common import SheetError
from skillrepo.sheetread.read import read_sheet

EPOCH = 1_700_000_000


def url(code: str) -> str:
    return f"https://example.org/skills/{code}"


def level_url(level: int) -> str:
    return f"https://example.org/levels/{level}"


def workbook(fw: Framework, epoch: int = EPOCH) -> bytes:
    return sheets.to_xlsx([("Skills", *sheets.skill_rows(fw, url)), ("Attributes", *sheets.attribute_rows(fw, url)),
                           ("Levels of responsibility", *sheets.published_level_rows(fw, level_url))], epoch)


def test_the_skills_sheet_has_the_published_columns_and_order(bundled: Framework) -> None:
    header, rows = sheets.skill_rows(bundled, url)
    assert header == ["#", "Levels", *[""] * 6, "Code", "URL", "Skill", "Category", "Subcategory", "Overall description",
                      "Guidance notes", *(f"Level {n} description" for n in range(1, 8))]
    assert [r[0] for r in rows] == list(range(1, len(bundled.skills) + 1))
    assert [r[8] for r in rows] == list(bundled.skills), "the published order: framework.yaml's order.skills"
    itop = next(r for r in rows if r[8] == "ITOP")
    assert itop[1:8] == [1, 2, 3, 4, 5, None, None]
    assert itop[9] == "https://example.org/skills/ITOP"
    assert itop[header.index("Level 6 description")] is None


def test_retired_skills_are_not_in_the_skills_sheet(bundled: Framework) -> None:
    fw = copy.deepcopy(bundled)
    fw.skills["SYSP"].status = "retired"
    _, rows = sheets.skill_rows(fw, url)
    assert "SYSP" not in [r[8] for r in rows]
    assert [r[0] for r in rows] == list(range(1, len(fw.skills)))


def test_the_attributes_sheet_has_the_published_columns(bundled: Framework) -> None:
    header, rows = sheets.attribute_rows(bundled, url)
    assert header == ["Levels", *[""] * 6, "Code", "URL", "Attribute name", "Type", "Overall description",
                      "Guidance notes", *(f"Level {n} description" for n in range(1, 8))]
    assert [r[7:11] for r in rows] == [
        ["AUTO", url("AUTO"), "Autonomy", "Attributes"],
        ["BUSK", url("BUSK"), "Business skills", "Business skills/Behavioural factors"],
        ["COMP", url("COMP"), "Complexity", "Attributes"], ["INFL", url("INFL"), "Influence", "Attributes"],
        ["KNGE", url("KNGE"), "Knowledge", "Attributes"]]
    assert rows[0][:7] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[0][13:] == [bundled.attributes["AUTO"].levels[n].description for n in range(1, 8)]


def test_an_attribute_keeps_its_publishers_url_and_marks_only_its_levels(bundled: Framework) -> None:
    fw = copy.deepcopy(bundled)
    auto = fw.attributes["AUTO"]
    auto.url, auto.guidance = "https://publisher.example/attributes/autonomy", "Read it with the levels."
    del auto.levels[7], auto.levels[1]
    fw.attributes["KNGE"].status = "retired"
    header, rows = sheets.attribute_rows(fw, url)
    assert [r[7] for r in rows] == ["AUTO", "BUSK", "COMP", "INFL"]  # a retired attribute is not in the sheet
    assert rows[0][:9] == [None, 2, 3, 4, 5, 6, None, "AUTO", "https://publisher.example/attributes/autonomy"]
    assert rows[0][header.index("Guidance notes")] == "Read it with the levels."
    assert rows[0][header.index("Level 1 description")] is None and rows[0][header.index("Level 7 description")] is None


def test_the_levels_sheet_is_transposed_as_published(bundled: Framework) -> None:
    header, rows = sheets.published_level_rows(bundled, level_url)
    assert header == ["Level", 1, 2, 3, 4, 5, 6, 7]
    assert rows[0] == ["Guiding phrase", "Follow", "Assist", "Apply", "Enable", "Ensure/advise", "Initiate/influence",
                       "Set strategy/inspire/mobilise"]
    assert [r[0] for r in rows] == ["Guiding phrase", "Essence of the level", "URL"]
    assert rows[2][1:] == [level_url(n) for n in range(1, 8)]
    book = openpyxl.load_workbook(io.BytesIO(workbook(bundled)))
    levels = book["Levels of responsibility"]
    assert [c.value for c in levels[1]] == header  # the levels' numbers as numbers, as in the published file
    assert levels.column_dimensions["A"].width >= len("Essence of the level")  # its labels are not cut


def test_csv_is_utf8_with_bom_crlf_and_minimal_quoting() -> None:
    data = sheets.to_csv(["Code", "Skill"], [["ITOP", "IT infrastructure, operations"], ["ASUP", "Ünïcode"]])
    assert data == ('\ufeffCode,Skill\r\nITOP,"IT infrastructure, operations"\r\nASUP,Ünïcode\r\n').encode("utf-8")


def test_the_older_layout_without_url_reads_the_same(tmp_path: Path, bundled: Framework) -> None:
    header, rows = sheets.skill_rows(bundled, url)
    at = header.index("URL")
    old_header, old_rows = header[:at] + header[at + 1:], [r[:at] + r[at + 1:] for r in rows]
    (tmp_path / "new.csv").write_bytes(sheets.to_csv(header, rows))
    (tmp_path / "old.csv").write_bytes(sheets.to_csv(old_header, old_rows))
    (tmp_path / "old.xlsx").write_bytes(sheets.to_xlsx([("Skills", old_header, old_rows)], EPOCH))
    new = read_sheet(tmp_path / "new.csv")
    assert len(new.skills) == len(bundled.skills)
    assert all(s.url == url(s.code) for s in new.skills)  # a publisher's address is kept
    for skill in new.skills:
        skill.url = None  # what the older layout cannot say
    assert read_sheet(tmp_path / "old.csv") == new
    assert read_sheet(tmp_path / "old.xlsx") == new


def test_the_url_column_keeps_a_publishers_address_only(tmp_path: Path) -> None:
    rows = with_cell(with_cell(base_rows(), 2, "URL", "site/skills/ITOP.html"), 3, "URL", "")
    got = read_sheet(write_csv(tmp_path / "s.csv", HEADER, rows)).skills
    assert [s.url for s in got] == [None, None, url("NTAS")]  # a release's own site path is made again
    bad = with_cell(base_rows(), 3, "URL", "https://example.org/a page")
    assert refusal(write_csv(tmp_path / "bad.csv", HEADER, bad)) == (
        f"{tmp_path / 'bad.csv'}, row 3, column URL: 'https://example.org/a page' is not an http(s) address of at most "
        "500 characters without spaces; correct it or clear the cell")


def test_the_workbook_reads_back_everything(tmp_path: Path, bundled: Framework) -> None:
    path = tmp_path / "skills.xlsx"
    path.write_bytes(sheets.to_xlsx([("Skills", *sheets.skill_rows(bundled, url)),
                                     ("Attributes", *sheets.attribute_rows(bundled, url)),
                                     ("Levels of responsibility", *sheets.published_level_rows(bundled, level_url)),
                                     ("Categories", *sheets.category_rows(bundled))], EPOCH))
    got = read_sheet(path)
    assert got.categories == bundled.categories
    assert got.attributes is not None and got.levels is not None
    assert [(a.code, a.name, a.type, a.description, a.guidance, a.levels) for a in got.attributes] == [
        (a.code, a.name, a.type, a.description, a.guidance, {n: lv.description for n, lv in a.levels.items()})
        for a in (bundled.attributes[c] for c in sorted(bundled.attributes))]
    assert {n: (lv.name, lv.essence, lv.url) for n, lv in got.levels.items()} == {
        n: (lv.name, lv.essence, level_url(n)) for n, lv in bundled.levels.items()}
    assert {s.code: (s.name, s.category, s.subcategory, s.description, s.guidance, s.levels) for s in got.skills} == {
        s.code: (s.name, s.category, s.subcategory, s.description, s.guidance,
                 {n: lv.description for n, lv in s.levels.items()}) for s in bundled.skills.values()}


def test_workbook_presentation(bundled: Framework) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook(bundled)))
    skills = book["Skills"]
    assert skills.freeze_panes == "A2"
    assert skills.auto_filter.ref == f"A1:V{len(bundled.skills) + 1}"
    assert all(c.font.b for c in skills[1])
    widths = {skills.cell(1, c).value: skills.column_dimensions[openpyxl.utils.get_column_letter(c)].width
              for c in (1, 2, 9, 14)}
    assert widths["#"] <= 8 and widths["Levels"] <= 8 and widths["Code"] <= 8
    assert widths["Overall description"] >= 50
    description = skills.cell(2, 14)
    assert description.alignment.wrap_text
    assert book.properties.created.year == 2023 and book.properties.modified == book.properties.created


DANGEROUS = ['=HYPERLINK("http://example.org","click")', "+1", "-2", "@SUM(1)", "\tTabbed start", "\rCarriage start"]
# Texts that look quote-prefixed already: the prefix must stay reversible.
QUOTED = ["'=already quoted", "''two quotes", "'Tis the season", "Plain text"]


@pytest.mark.parametrize("text", DANGEROUS + QUOTED)
def test_safe_cell_is_reversible(text: str) -> None:
    safe = safe_cell(text)
    assert unsafe_cell(safe) == text
    assert safe[0] not in "=+-@\t\r"
    assert (safe != text) == (text in DANGEROUS or text in QUOTED[:2])


def test_safe_cell_leaves_other_values_alone() -> None:
    assert [safe_cell(v) for v in (-2, 1.5, None, "")] == [-2, 1.5, None, ""]


def test_formulas_are_neutralised_in_csv_and_workbook_and_read_back(tmp_path: Path, bundled: Framework) -> None:
    fw = copy.deepcopy(bundled)
    texts = DANGEROUS + QUOTED
    chosen = sorted(fw.skills)[: len(texts)]
    for code, text in zip(chosen, texts, strict=True):
        fw.skills[code].description = text
    fw.skills[chosen[0]].guidance = "-negative guidance"
    header, rows = sheets.skill_rows(fw, url)
    col = header.index("Overall description")
    (tmp_path / "s.csv").write_bytes(sheets.to_csv(header, rows))
    (tmp_path / "s.xlsx").write_bytes(sheets.to_xlsx([("Skills", header, rows)], EPOCH))

    records = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_bytes().decode("utf-8-sig"), newline="")))
    by_code = {r[header.index("Code")]: r for r in records[1:]}
    for code, text in zip(chosen, texts, strict=True):
        assert by_code[code][col] == safe_cell(text)
    for code in chosen[: len(DANGEROUS)]:
        assert by_code[code][col].startswith("'")

    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["Skills"]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    cells = {sheet.cell(r, header.index("Code") + 1).value: sheet.cell(r, col + 1) for r in range(2, sheet.max_row + 1)}
    for code, text in zip(chosen, texts, strict=True):  # string cells hold the text exactly: no quote shows
        cell = cells[code]
        assert (cell.value, cell.data_type) == (text.replace("\r", "_x000D_"), "s"), cell.value
    assert cells[chosen[5]].value == "_x000D_Carriage start"  # a CR as OOXML writes it: XML would lose it

    for name in ("s.csv", "s.xlsx"):
        got = {s.code: s for s in read_sheet(tmp_path / name).skills}
        for code, text in zip(chosen, texts, strict=True):
            assert got[code].description == text, name
        assert got[chosen[0]].guidance == "-negative guidance"


def test_underscore_escapes_and_control_characters_survive_the_workbook(tmp_path: Path, bundled: Framework) -> None:
    fw = copy.deepcopy(bundled)
    fw.skills["ITOP"].description = "A literal _x000D_ and a bell \x07 and a CR\rinside"
    (tmp_path / "s.xlsx").write_bytes(sheets.to_xlsx([("Skills", *sheets.skill_rows(fw, url))], EPOCH))
    got = {s.code: s for s in read_sheet(tmp_path / "s.xlsx").skills}
    assert got["ITOP"].description == fw.skills["ITOP"].description


def test_a_workbook_breaking_lines_inside_cells_with_crlf_reads_them_as_lf(tmp_path: Path) -> None:
    # As a publisher's workbook stores a line break typed in a cell: CR as _x000D_, then LF.
    rows = with_cell(base_rows(), 2, "Overall description", "First paragraph._x000D_\nSecond paragraph.")
    got = read_sheet(write_xlsx(tmp_path / "crlf.xlsx", HEADER, rows)).skills
    assert got[0].description == "First paragraph.\nSecond paragraph."


_BUILD = """
import sys
from pathlib import Path
from skillrepo.checker import check_repository
from skillrepo.domain import LEVEL_NAMES
from skillrepo.exports import sheets
fw = check_repository(Path(sys.argv[1]))[0].framework
url = lambda code: f"https://example.org/skills/{code}"
data = sheets.to_xlsx([("Skills", *sheets.skill_rows(fw, url)), ("Attributes", *sheets.attribute_rows(fw, url)),
                       ("Levels of responsibility",
                        *sheets.published_level_rows(fw, lambda n: f"https://example.org/levels/{n}"))],
                      int(sys.argv[2]))
sys.stdout.buffer.write(data)
"""


def test_workbooks_are_byte_identical_whatever_the_clock_and_time_zone(bundled: Framework) -> None:
    first = workbook(bundled)
    wait_for_clock_to_pass(2.0)  # past the 2-second resolution of zip times
    second = subprocess.run([sys.executable, "-c", _BUILD, str(ROOT), str(EPOCH)], capture_output=True, check=True,
                            env={**os.environ, "TZ": "Asia/Tokyo"}).stdout
    assert second == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {(i.compress_type, i.external_attr, i.create_system) for i in infos} == {
        (zipfile.ZIP_DEFLATED, 0o100644 << 16, 3)}
    assert workbook(bundled, EPOCH + 86400) != first


def test_zip_times_before_1980_are_clamped(bundled: Framework) -> None:
    with zipfile.ZipFile(io.BytesIO(workbook(bundled, 0))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# Refusals -----------------------------------------------------------------------------------------------

HEADER = list(sheets.SKILL_HEADER)


def skill_row(n: int, code: str, name: str, levels: dict[int, str] | None = None,
              category: str = "Delivery and operation", subcategory: str = "Technology management") -> list[Any]:
    levels = {2: f"{name} at level 2."} if levels is None else levels
    return [n, *[k if k in levels else None for k in range(1, 8)], code, url(code), name, category, subcategory,
            f"About {name}.", None, *[levels.get(k) for k in range(1, 8)]]


def base_rows() -> list[list[Any]]:
    return [skill_row(1, "ITOP", "IT infrastructure"), skill_row(2, "SYSP", "System software"),
            skill_row(3, "NTAS", "Network support")]


def write_xlsx(path: Path, header: list[Any], rows: list[list[Any]], extra: Any = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Skills"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if extra is not None:
        extra(book)
    book.save(path)
    return path


def write_csv(path: Path, header: list[Any], rows: list[list[Any]]) -> Path:
    path.write_bytes(sheets.to_csv(header, rows))
    return path


def refusal(path: Path) -> str:
    with pytest.raises(SheetError) as info:
        read_sheet(path)
    return str(info.value)


def with_cell(rows: list[list[Any]], row: int, column: str, value: Any) -> list[list[Any]]:
    out = [list(r) for r in rows]
    out[row - 2][HEADER.index(column)] = value
    return out


def without_column(name: str) -> tuple[list[Any], list[list[Any]]]:
    at = HEADER.index(name)
    return HEADER[:at] + HEADER[at + 1:], [r[:at] + r[at + 1:] for r in base_rows()]


CASES: list[tuple[str, Any, str]] = [
    ("missing column", lambda: without_column("Subcategory"), "row 1: missing column Subcategory"),
    ("missing Levels", lambda: without_column("Levels"),
     "row 1: missing column Levels: the layout has 7 level columns, under one Levels cell followed by 6 empty ones, "
     "or each headed Levels; found 0 headed Levels"),
    ("duplicate code", lambda: (HEADER, base_rows() + [skill_row(4, "ITOP", "Other")]),
     "row 5, column Code: duplicate code ITOP (first on row 2)"),
    ("malformed code", lambda: (HEADER, with_cell(base_rows(), 3, "Code", "Sysp")),
     "row 3, column Code: malformed code 'Sysp': a code is 4 capital letters, e.g. ITOP"),
    ("no code", lambda: (HEADER, with_cell(base_rows(), 4, "Code", None)), "row 4, column Code: the skill has no code"),
    ("empty name", lambda: (HEADER, with_cell(base_rows(), 3, "Skill", "  ")), "row 3, column Skill: the name is empty"),
    ("duplicate name", lambda: (HEADER, with_cell(base_rows(), 4, "Skill", "it INFRASTRUCTURE")),
     "row 4, column Skill: duplicate name 'it INFRASTRUCTURE' (first on row 2)"),
    ("look-alike name, zero-width", lambda: (HEADER, with_cell(base_rows(), 4, "Skill", "IT\u200b infrastructure")),
     "row 4, column Skill: name 'IT\\u200b infrastructure' looks like the name on row 2 ('IT infrastructure'): they "
     "differ only by an invisible character (U+200B zero width space); give each skill its own name"),
    ("look-alike name, no-break space", lambda: (HEADER, with_cell(base_rows(), 4, "Skill", "IT\u00a0infrastructure")),
     "row 4, column Skill: name 'IT\\u00a0infrastructure' looks like the name on row 2 ('IT infrastructure'): they "
     "differ only in their spaces (U+00A0 no-break space); give each skill its own name"),
    ("look-alike name, Cyrillic", lambda: (HEADER, with_cell(base_rows(), 4, "Skill", "IT infr\u0430structure")),
     "row 4, column Skill: name 'IT infr\u0430structure' looks like the name on row 2 ('IT infrastructure'): they "
     "differ only by a letter of another script that looks Latin (U+0430 cyrillic small letter a); give each "
     "skill its own name"),
    ("look-alike name, decomposed", lambda: (HEADER, with_cell(with_cell(base_rows(), 2, "Skill", "R\u00e9seau"), 4,
                                                               "Skill", "Re\u0301seau")),
     "row 4, column Skill: name 'Re\u0301seau' looks like the name on row 2 ('R\u00e9seau'): they differ only in "
     "Unicode normalization (the same letters, encoded otherwise); give each skill its own name"),
    ("non-ASCII code", lambda: (HEADER, with_cell(base_rows(), 3, "Code", "\u0405YSP")),
     "row 3, column Code: malformed code '\u0405YSP': a code is 4 capital letters, e.g. ITOP"),
    ("full-width code", lambda: (HEADER, with_cell(base_rows(), 3, "Code", "\uff33\uff39\uff33\uff30")),
     "row 3, column Code: malformed code '\uff33\uff39\uff33\uff30': a code is 4 capital letters, e.g. ITOP"),
    ("no category", lambda: (HEADER, with_cell(base_rows(), 3, "Category", None)),
     "row 3, column Category: SYSP has no category"),
    ("no subcategory", lambda: (HEADER, with_cell(base_rows(), 2, "Subcategory", "")),
     "row 2, column Subcategory: ITOP has no subcategory"),
    ("no description", lambda: (HEADER, with_cell(base_rows(), 2, "Overall description", None)),
     "row 2, column Overall description: ITOP has no overall description"),
    ("description at an unlisted level", lambda: (HEADER, with_cell(base_rows(), 3, "Level 4 description", "More.")),
     "row 3, column Level 4 description: a description of SYSP at level 4, which its Levels columns do not list; "
     "put 4 in the Levels column of level 4, or clear this cell"),
    ("listed level without description", lambda: (HEADER, with_cell(base_rows(), 4, "Level 2 description", None)),
     "row 4, column Level 2 description: NTAS is listed at level 2 in the Levels columns but has no description "
     "there"),
    ("wrong mark", lambda: (HEADER, [r[:2] + ["x"] + r[3:] if r[8] == "ITOP" else r for r in base_rows()]),
     "row 2, column Levels (2): 'x' in the Levels column of level 2; write 2 there if ITOP is defined at level 2, "
     "else leave it empty"),
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize(("name", "make", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_sheets_are_refused_with_file_sheet_row_and_column(tmp_path: Path, kind: str, name: str, make: Any,
                                                                    message: str) -> None:
    header, rows = make()
    path = tmp_path / f"skills.{kind}"
    if kind == "xlsx":
        write_xlsx(path, header, rows)
        assert refusal(path) == f"{path}, sheet Skills, {message}"
    else:
        write_csv(path, header, rows)
        assert refusal(path) == f"{path}, {message}"


def _hide(title: str, state: str) -> Any:
    def extra(book: Any) -> None:
        sheet = book[title] if title in book.sheetnames else book.create_sheet(title)
        if title != "Skills":
            sheet.append(["Whatever a hidden sheet holds"])
        book.active = book.create_sheet("Shown")  # a workbook shows at least one sheet, and opens on it
        sheet.sheet_state = state
    return extra


@pytest.mark.parametrize(("title", "state", "words"), [
    ("Skills", "hidden", "the sheet is hidden, and init reads only what the workbook shows; unhide it (or delete "
                         "it) and save the workbook again"),
    ("Skills", "veryHidden", "the sheet is very hidden (no menu shows it), and init reads only what the workbook "
                             "shows; delete it, or unhide it with a macro, and save the workbook again"),
    ("Categories", "veryHidden", "the sheet is very hidden (no menu shows it), and init reads only what the workbook "
                                 "shows; delete it, or unhide it with a macro, and save the workbook again"),
    ("Levels of responsibility", "hidden", "the sheet is hidden, and init reads only what the workbook shows; "
                                           "unhide it (or delete it) and save the workbook again"),
])
def test_a_sheet_that_would_be_read_but_is_hidden_is_refused(tmp_path: Path, title: str, state: str,
                                                             words: str) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", HEADER, base_rows(), _hide(title, state))
    assert refusal(path) == f"{path}, sheet {title}: {words}"


def test_a_hidden_sheet_is_refused_whatever_it_holds(tmp_path: Path) -> None:
    # Every sheet is recognised by its header, so init reads them all: one that nobody sees is refused.
    path = write_xlsx(tmp_path / "s.xlsx", HEADER, base_rows(), _hide("Notes", "veryHidden"))
    assert refusal(path).startswith(f"{path}, sheet Notes: the sheet is very hidden (no menu shows it)")


def test_a_valid_small_sheet_reads(tmp_path: Path) -> None:
    got = read_sheet(write_xlsx(tmp_path / "s.xlsx", HEADER, base_rows()))
    assert [s.code for s in got.skills] == ["ITOP", "SYSP", "NTAS"]
    assert got.categories == {"Delivery and operation": ["Technology management"]}
    assert got.levels is None and got.attributes is None
    assert got.skills[0].levels == {2: "IT infrastructure at level 2."}
    assert read_sheet(write_csv(tmp_path / "s.csv", HEADER, base_rows())) == got


def test_merged_cells_read_as_empty_and_are_refused(tmp_path: Path) -> None:
    # merged header cells: the second of them holds nothing, so its column is missing
    header_merge = write_xlsx(tmp_path / "h.xlsx", HEADER, base_rows(), lambda b: b.active.merge_cells("K1:L1"))
    assert refusal(header_merge) == f"{header_merge}, sheet Skills, row 1: missing column Category"
    # merged data cells: only the first row of the range holds the value
    data_merge = write_xlsx(tmp_path / "d.xlsx", HEADER, base_rows(), lambda b: b.active.merge_cells("L2:L3"))
    assert refusal(data_merge) == f"{data_merge}, sheet Skills, row 3, column Category: SYSP has no category"


def test_formulas_are_never_evaluated(tmp_path: Path) -> None:
    rows = with_cell(base_rows(), 3, "Code", '="SY"&"SP"')
    path = write_xlsx(tmp_path / "f.xlsx", HEADER, rows)
    assert refusal(path) == f"{path}, sheet Skills, row 3, column Code: the skill has no code"
    rows = with_cell(base_rows(), 2, "Overall description", "=1+1")
    path = write_xlsx(tmp_path / "g.xlsx", HEADER, rows)
    assert refusal(path) == f"{path}, sheet Skills, row 2, column Overall description: ITOP has no overall description"


def published_csv(rows: list[list[Any]], encoding: str, bom: bool = False, break_in_cells: str = "\r\n") -> bytes:
    """A skills CSV in the shape a publisher really ships: one Levels cell over the seven level columns, the
    level cells holding their number or nothing, CRLF between records, the given line break inside cells."""
    header = ["#", "Levels", *[""] * 6, *HEADER[8:]]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        [header, *[["" if v is None else str(v).replace("\n", break_in_cells) for v in row] for row in rows]])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


QUIRKY = "The team\u2019s work\u00a0\u2013 planned.\nSecond paragraph."  # ’, a no-break space, a dash, a break


@pytest.mark.parametrize("encoding, bom, breaks, named", [
    ("cp1252", False, "\r\n", "Windows-1252"), ("utf-8", True, "\n", "UTF-8 with a byte-order mark"),
    ("utf-8", False, "\r\n", "UTF-8"),
])
def test_a_published_skills_csv_reads_in_any_of_its_encodings(tmp_path: Path, encoding: str, bom: bool, breaks: str,
                                                               named: str) -> None:
    rows = [skill_row(1, "ITSP", "Strategic planning", {1: QUIRKY, 4: "At four.", 7: "At seven."}),
            skill_row(2, "ISCO", "Information systems coordination")]
    rows[0][HEADER.index("Overall description")] = QUIRKY
    path = tmp_path / "skills.csv"
    path.write_bytes(published_csv(rows, encoding, bom, breaks))
    assert (b"\x92" in path.read_bytes()) == (encoding == "cp1252")  # ’ as Windows-1252 writes it
    assert (b"\r\nSecond" in path.read_bytes()) == (breaks == "\r\n")
    found = read_sheet(path)
    assert found.encodings == {str(path): named}
    assert [s.code for s in found.skills] == ["ITSP", "ISCO"]  # the file's order
    itsp = found.skills[0]
    assert itsp.description == QUIRKY and itsp.levels == {1: QUIRKY, 4: "At four.", 7: "At seven."}


def test_files_that_are_not_spreadsheets(tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("just some notes\n")
    assert refusal(text) == (f"{text}: not an .xlsx workbook (it is not a zip archive; an old .xls, or a CSV renamed?); "
                             "save it from your spreadsheet program as .xlsx or .csv")
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert refusal(other_zip).startswith(f"{other_zip}: not a readable .xlsx workbook (")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert refusal(binary) == f"{binary}, row 1: it holds NUL bytes, so it is not a CSV text file"
    neither = tmp_path / "neither.csv"  # 0x81 has no character in Windows-1252
    neither.write_bytes(",".join(HEADER).encode() + b"\r\n1,caf\x81\r\n")
    assert refusal(neither) == (f"{neither}, row 2: byte 0x81 is neither UTF-8 nor Windows-1252 text; save the file "
                                "as CSV UTF-8")
    marked = tmp_path / "marked.csv"  # a byte-order mark says UTF-8: a Windows-1252 byte after it is a mistake
    marked.write_bytes(b"\xef\xbb\xbf" + ",".join(HEADER).encode() + b"\r\n1,caf\xe9\r\n")
    assert refusal(marked) == (f"{marked}, row 2: byte 0xe9 is not UTF-8 text, though the file starts with a UTF-8 "
                               "byte-order mark; save the file as CSV UTF-8")
    for name, hint in (("skills.ods", "; save it as .xlsx"), ("skills.txt", ""), ("skills", "")):
        path = tmp_path / name
        path.write_text("x")
        suffix = repr(path.suffix or "(no extension)")
        assert refusal(path) == (f"{path}: unknown kind of spreadsheet {suffix}; an .xlsx workbook or a .csv file is "
                                 f"wanted{hint}")
    assert refusal(tmp_path / "absent.csv") == f"{tmp_path / 'absent.csv'}: no such file"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert refusal(empty) == (f"{empty}: the sheet is empty; its first row must be the header (a skills file's header "
                              "starts with #, Levels and 6 empty cells, Code, URL, Skill; an attributes file's with "
                              "Levels and 6 empty cells, Code, URL, Attribute name; a levels of responsibility file's "
                              "first column holds Level, Guiding phrase, Essence of the level, URL)")
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text(";".join(HEADER) + "\n", encoding="utf-8")
    assert refusal(semicolons) == (f"{semicolons}, row 1: the file seems to separate columns with ';' or tabs; save "
                                   "it as comma-separated CSV")


def _levels_book(rows: list[list[Any]], header: list[str] | None = None) -> Any:
    def extra(book: Any) -> None:
        sheet = book.create_sheet("Levels of responsibility")
        sheet.append(header or ["Level", "Name", "Essence", "Autonomy"])
        for row in rows:
            sheet.append(row)
    return extra


def test_the_old_levels_layout_is_refused_with_the_layout_wanted(tmp_path: Path) -> None:
    rows = [[n, name, f"Essence {n}.", f"Autonomy {n}."] for n, name in LEVEL_NAMES.items()]
    path = write_xlsx(tmp_path / "s.xlsx", HEADER, base_rows(), _levels_book(rows, None))
    assert refusal(path) == (f"{path}, sheet Levels of responsibility, row 1: this is the old levels layout (Level, Name, "
                             "Essence, then one column per attribute), which is no longer read; the levels of "
                             "responsibility layout is a row per field (first column: Level, Guiding phrase, Essence of "
                             "the level, URL) and a column per level (the Level row holding 1 to 7)")


def test_the_categories_sheet_orders_categories_and_refuses_unknown_ones(tmp_path: Path) -> None:
    def categories(rows: list[list[str]]) -> Any:
        def extra(book: Any) -> None:
            sheet = book.create_sheet("Categories")
            sheet.append(["Category", "Subcategory"])
            for row in rows:
                sheet.append(row)
        return extra

    ok = write_xlsx(tmp_path / "ok.xlsx", HEADER, base_rows(), categories(
        [["People", "Training"], ["Delivery and operation", "Service management"],
         ["Delivery and operation", "Technology management"]]))
    assert read_sheet(ok).categories == {"People": ["Training"],
                                         "Delivery and operation": ["Service management", "Technology management"]}
    bad = write_xlsx(tmp_path / "bad.xlsx", HEADER, base_rows(), categories([["Delivery and operation", "Other"]]))
    assert refusal(bad) == (f"{bad}, sheet Skills, row 2, column Subcategory: subcategory 'Technology management' is "
                            "not one of Delivery and operation in sheet Categories")


# Size ----------------------------------------------------------------------------------------------------

def _xml_text(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_COLUMNS = [openpyxl.utils.get_column_letter(c) for c in range(1, len(HEADER) + 1)]


def _row_xml(number: int, values: list[Any]) -> str:
    return f'<row r="{number}">' + "".join(
        f'<c r="{column}{number}"><v>{value}</v></c>' if isinstance(value, int) else
        f'<c r="{column}{number}" t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>'
        for column, value in zip(_COLUMNS, values, strict=True) if value is not None) + "</row>"


def big_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    """A workbook of these skill rows, written directly (openpyxl takes far longer), with a dimension like Excel's."""
    body = [_row_xml(1, HEADER), *(_row_xml(n, row) for n, row in enumerate(rows, start=2))]
    sheet = (f'<worksheet {XLSX_NS}><dimension ref="A1:V{len(rows) + 1}"/><sheetData>{"".join(body)}</sheetData>'
             '</worksheet>')
    return write_raw_xlsx(path, sheet)


@functools.cache
def big_rows(repeating: bool) -> list[list[Any]]:
    """100,000 skill rows, their codes unique or repeating from row 1002 (each code_of(i % 1000)): made once per
    session, as both the workbook and the CSV are written from them."""
    return [skill_row(i + 1, code_of(i % 1000 if repeating else i), f"Skill {i}") for i in range(100_000)]


def code_of(i: int) -> str:
    letters = ""
    for _ in range(4):
        letters = chr(ord("A") + i % 26) + letters
        i //= 26
    return letters


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_100000_row_sheet_is_refused_quickly(tmp_path: Path, kind: str) -> None:
    if kind == "xlsx":
        dup, unique = big_xlsx(tmp_path / "dup.xlsx", big_rows(True)), big_xlsx(tmp_path / "uniq.xlsx", big_rows(False))
        where = "sheet Skills, "
    else:
        dup = write_csv(tmp_path / "dup.csv", HEADER, big_rows(True))
        unique = write_csv(tmp_path / "uniq.csv", HEADER, big_rows(False))
        where = ""
    start = time.process_time()  # CPU time of this process: a loaded machine does not make it fail
    assert refusal(dup) == f"{dup}, {where}row 1002, column Code: duplicate code AAAA (first on row 2)"
    assert refusal(unique) == f"{unique}, {where}row 5002: more than 5,000 skills; this is not a skills framework"
    assert time.process_time() - start < 10
