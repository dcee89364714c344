"""The three files SFIA 9 publishes (skills, attributes, levels of responsibility) and its workbook, read by
init's reader: each recognised by its header, each quirk of the published files taken, each mistake refused
with its file, sheet, row and column. The texts are our own, in exactly the published shapes."""

from __future__ import annotations

import csv
import io
import itertools
import random
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from skillrepo.sheetread import cells
from skillrepo.sheetread.common import SheetError
from skillrepo.sheetread.read import SheetAttribute, SheetLevel, read_sheet, read_sheets

SKILLS_HEADER = ["#", "Levels", "", "", "", "", "", "", "Code", "URL", "Skill", "Category", "Subcategory",
                 "Overall description", "Guidance notes", *(f"Level {n} description" for n in range(1, 8))]
ATTRIBUTES_HEADER = ["Levels", "", "", "", "", "", "", "Code", "URL", "Attribute name", "Type", "Overall description",
                     "Guidance notes", *(f"Level {n} description" for n in range(1, 8))]
GENERIC, BEHAVIOURAL = "Attributes", "Business skills/Behavioural factors"
SITE = "https://publisher.example/en/shortcode/9/"


def marks(levels: list[int]) -> list[Any]:
    return [n if n in levels else "" for n in range(1, 8)]


def texts(code: str, levels: list[int]) -> list[str]:
    return [f"{code} at {n}: tends the lantern\u2019s flame.\r\nTrims the wick." if n in levels else ""
            for n in range(1, 8)]


def skill_rows() -> list[list[Any]]:
    return [SKILLS_HEADER,
            [1, *marks([2, 3]), "LAMP", SITE + "LAMP", "Lamp keeping", "Light", "Flames",
             "Keeping lamps lit\u00a0all night.", "", *texts("LAMP", [2, 3])],
            [2, *marks([5]), "WICK", SITE + "WICK", "Wick trimming", "Light", "Wicks",
             "Trimming wicks\u2019 ends.", "Notes on wicks.", *texts("WICK", [5])]]


def attribute_rows() -> list[list[Any]]:
    every = list(range(1, 8))
    return [ATTRIBUTES_HEADER,
            [*marks(every), "STEA", SITE + "STEA", "Steadiness", GENERIC, "How steady the hand is.",
             "Steadiness\u00a0grows\r\nwith practice.", *texts("STEA", every)],
            [*marks(every), "REAC", SITE + "REAC", "Reach", GENERIC, "How far the light goes.", "",
             *texts("REAC", every)],
            [*marks([3, 4, 5, 6, 7]), "KIND", SITE + "KIND", "Kindness", BEHAVIOURAL,
             "'=Being kind to the night watch.", "Kindness\u2019 notes.", *texts("KIND", [3, 4, 5, 6, 7])]]


PHRASES = ["Watch", "Hold", "Carry", "Guard", "Tend, trim", "Light, lead", "Kindle, inspire, beacon"]


def level_rows() -> list[list[Any]]:
    return [["Level", *range(1, 8)],
            ["Guiding phrase", *PHRASES],
            ["Essence of the level", *(f"Level {n}: watches\u00a0the flame\r\nand the dark\u2019s edge." for n in
                                       range(1, 8))],
            ["URL", *(f"https://publisher.example/en/lor/9/{n}" for n in range(1, 8))]]


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "cp1252") -> Path:
    """The rows as a CSV file: CRLF between records (and inside cells, as written), Windows-1252 by default."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_book(path: Path, sheets: dict[str, list[list[Any]]], hidden: str | None = None) -> Path:
    """A workbook as published: a notes sheet first, then the data sheets, the Levels header merged over seven."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Read Me Notes"
    notes.append(["Terms of use of this file"])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
            for c in sheet[sheet.max_row]:
                if isinstance(c.value, str) and c.value.startswith("'="):
                    c.value, c.data_type = c.value[1:], "s"  # text as a workbook keeps it: no guard, not a formula
        if rows and "Levels" in rows[0]:
            first = rows[0].index("Levels") + 1
            sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 6)
        if title == hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    """The three published CSVs, each encoded as publishers and spreadsheet programs write them."""
    return [write_csv(tmp_path / "a.csv", skill_rows()),
            write_csv(tmp_path / "b.csv", attribute_rows(), "utf-8-sig"),
            write_csv(tmp_path / "c.csv", level_rows(), "utf-8")]


def test_the_three_files_are_recognised_by_their_header_in_any_order(three: list[Path]) -> None:
    first = read_sheets(three)
    assert [s.code for s in first.skills] == ["LAMP", "WICK"]
    assert [a.code for a in first.attributes or []] == ["STEA", "REAC", "KIND"]
    assert first.levels is not None and sorted(first.levels) == [1, 2, 3, 4, 5, 6, 7]
    assert first.encodings == {str(three[0]): "Windows-1252", str(three[1]): "UTF-8 with a byte-order mark",
                               str(three[2]): "UTF-8"}
    for order in itertools.permutations(three):
        assert read_sheets(list(order)) == first


def test_windows_1252_quotes_and_no_break_spaces_are_read_as_such(three: list[Path]) -> None:
    raw = three[0].read_bytes()
    assert b"\x92" in raw and b"\xa0" in raw and not raw.startswith(b"\xef\xbb\xbf")
    levels = write_csv(three[2].with_name("levels-1252.csv"), level_rows())
    attributes = write_csv(three[1].with_name("attributes-1252.csv"), attribute_rows())
    got = read_sheets([three[0], attributes, levels])
    assert got.skills[0].description == "Keeping lamps lit\u00a0all night."
    assert got.skills[1].description == "Trimming wicks\u2019 ends."
    assert got.attributes is not None and got.attributes[2].guidance == "Kindness\u2019 notes."
    assert got.levels is not None and got.levels[1].essence.startswith("Level 1: watches\u00a0the flame")
    assert set(got.encodings.values()) == {"Windows-1252"}


@pytest.mark.parametrize(("encoding", "named"), [("cp1252", "Windows-1252"), ("utf-8-sig", "UTF-8 with a byte-order mark"),
                                               ("utf-8", "UTF-8")])
def test_each_kind_reads_the_same_in_each_encoding(three: list[Path], tmp_path: Path, encoding: str,
                                                   named: str) -> None:
    paths = [write_csv(tmp_path / f"{kind}-{encoding}.csv", rows(), encoding)
             for kind, rows in (("s", skill_rows), ("a", attribute_rows), ("l", level_rows))]
    got = read_sheets(paths)
    assert got == read_sheets(three)
    assert got.encodings == {str(p): named for p in paths}


def test_line_breaks_inside_cells_become_lf_and_the_formula_guard_comes_off(three: list[Path]) -> None:
    assert b'"Steadiness\xc2\xa0grows\r\nwith practice."' in three[1].read_bytes()
    got = read_sheets(three)
    assert got.attributes is not None and got.levels is not None
    assert got.attributes[0].guidance == "Steadiness\u00a0grows\nwith practice."
    assert got.attributes[0].levels[1] == "STEA at 1: tends the lantern\u2019s flame.\nTrims the wick."
    assert got.attributes[2].description == "=Being kind to the night watch."
    assert got.levels[7].essence == "Level 7: watches\u00a0the flame\nand the dark\u2019s edge."


def test_an_attribute_has_its_type_levels_guidance_and_publisher_url(three: list[Path]) -> None:
    got = read_sheets(three).attributes
    assert got is not None
    assert got[1] == SheetAttribute(row=3, code="REAC", name="Reach", type="generic",
                                    description="How far the light goes.", guidance=None,
                                    levels={n: f"REAC at {n}: tends the lantern\u2019s flame.\nTrims the wick."
                                            for n in range(1, 8)},
                                    url=SITE + "REAC")
    assert (got[2].type, sorted(got[2].levels), got[2].row) == ("behavioural", [3, 4, 5, 6, 7], 4)


def test_a_level_has_its_guiding_phrase_as_published_its_essence_and_url(three: list[Path]) -> None:
    got = read_sheets(three).levels
    assert got is not None
    assert [got[n].name for n in range(1, 8)] == PHRASES
    assert got[5] == SheetLevel(column="F", level=5, name="Tend, trim",
                                essence="Level 5: watches\u00a0the flame\nand the dark\u2019s edge.",
                                url="https://publisher.example/en/lor/9/5")


def test_levels_columns_in_another_order_and_no_url_row(tmp_path: Path) -> None:
    rows = [[row[0], *reversed(row[1:])] for row in level_rows()[:3]]
    path = write_csv(tmp_path / "levels.csv", rows)
    got = read_sheets([write_csv(tmp_path / "skills.csv", skill_rows()), path]).levels
    assert got is not None
    assert (got[7].column, got[7].name, got[7].url, got[1].column) == ("B", PHRASES[6], None, "H")


def test_a_levels_header_of_seven_levels_cells_is_read_too(tmp_path: Path) -> None:
    rows = attribute_rows()
    rows[0] = ["Levels"] * 7 + rows[0][7:]
    path = write_csv(tmp_path / "attributes.csv", rows)
    got = read_sheets([write_csv(tmp_path / "skills.csv", skill_rows()), path]).attributes
    assert got is not None and sorted(got[2].levels) == [3, 4, 5, 6, 7]


def test_the_formula_guard_comes_off_the_levels_too(three: list[Path], tmp_path: Path) -> None:
    rows = level_rows()
    rows[1][2], rows[2][3] = "'-Hold", "'=Level 2 keeps watch."
    got = read_sheets([three[0], write_csv(tmp_path / "levels.csv", rows)]).levels
    assert got is not None and (got[2].name, got[3].essence) == ("-Hold", "=Level 2 keeps watch.")


def test_a_categories_sheet_stays_the_list_of_categories(tmp_path: Path) -> None:
    listed: list[list[Any]] = [["Category", "Subcategory"], ["Light", "Wicks"], ["Light", "Flames"], ["Dark", "Stars"]]
    book = write_book(tmp_path / "c.xlsx", {"Skills": skill_rows(), "Categories": listed})
    assert read_sheet(book).categories == {"Light": ["Wicks", "Flames"], "Dark": ["Stars"]}
    del listed[2]
    book = write_book(tmp_path / "d.xlsx", {"Skills": skill_rows(), "Categories": listed})
    assert refused([book]) == (f"{book}, sheet Skills, row 2, column Subcategory: subcategory 'Flames' is not one of "
                               "Light in sheet Categories")


def test_a_skills_file_alone_reads_as_before(three: list[Path]) -> None:
    got = read_sheet(three[0])
    assert (got.attributes, got.levels, [s.code for s in got.skills]) == (None, None, ["LAMP", "WICK"])
    assert got.skills[0].levels == {n: f"LAMP at {n}: tends the lantern\u2019s flame.\nTrims the wick."
                                    for n in (2, 3)}


def test_the_published_workbook_is_read_as_the_three_files(three: list[Path], tmp_path: Path) -> None:
    book = write_book(tmp_path / "framework.xlsx", {"Skills": skill_rows(), "Attributes": attribute_rows(),
                                                    "Levels of responsibility": level_rows()})
    got = read_sheet(book)
    assert got == read_sheets(three)
    assert got.encodings == {}
    assert got.attributes is not None and got.attributes[0].guidance == "Steadiness\u00a0grows\nwith practice."


def test_a_workbook_and_a_csv_together(three: list[Path], tmp_path: Path) -> None:
    book = write_book(tmp_path / "two.xlsx", {"Attributes": attribute_rows(), "Levels of responsibility": level_rows()})
    assert read_sheets([book, three[0]]) == read_sheets(three)


def test_a_workbooks_sheets_are_recognised_by_their_header_not_their_name(three: list[Path], tmp_path: Path) -> None:
    book = write_book(tmp_path / "renamed.xlsx", {"One": level_rows(), "Two": skill_rows(), "Three": attribute_rows()})
    assert read_sheet(book) == read_sheets(three)


def test_a_hidden_sheet_is_refused(tmp_path: Path) -> None:
    book = write_book(tmp_path / "h.xlsx", {"Skills": skill_rows(), "Attributes": attribute_rows()},
                      hidden="Attributes")
    with pytest.raises(SheetError, match=r"h\.xlsx, sheet Attributes: the sheet is hidden"):
        read_sheet(book)
    first = write_book(tmp_path / "f.xlsx", {"Staff": [], "Skills": skill_rows()}, hidden="Skills")
    with pytest.raises(SheetError, match=r"f\.xlsx, sheet Skills: the sheet is hidden"):
        read_sheet(first)


def refused(paths: list[Path]) -> str:
    with pytest.raises(SheetError) as caught:
        read_sheets(paths)
    return str(caught.value)


def test_a_file_of_no_known_kind_is_refused_naming_each_kinds_header(three: list[Path], tmp_path: Path) -> None:
    other = write_csv(tmp_path / "people.csv", [["Name", "Role"], ["Ada", "Keeper"]])
    message = refused([three[0], other])
    assert message.startswith(f"{other}, row 1: not a published skills, attributes or levels of responsibility file: "
                              "its header starts Name, Role;")
    assert "a skills file's header starts with #, Levels and 6 empty cells, Code, URL, Skill;" in message
    assert "an attributes file's with Levels and 6 empty cells, Code, URL, Attribute name;" in message
    assert "first column holds Level, Guiding phrase, Essence of the level, URL" in message


def test_an_unknown_sheet_in_a_workbook_is_refused_naming_it(tmp_path: Path) -> None:
    staff: list[list[Any]] = [["Name", "Role"]]
    book = write_book(tmp_path / "w.xlsx", {"Skills": skill_rows(), "Staff": staff})
    assert refused([book]).startswith(f"{book}, sheet Staff, row 1: not a published skills, attributes or levels")


def test_two_files_of_one_kind_are_refused_naming_both(three: list[Path], tmp_path: Path) -> None:
    again = write_csv(tmp_path / "again.csv", skill_rows(), "utf-8")
    assert refused([three[0], three[1], again]) == f"two skills files: {three[0]} and {again}; give one"
    book = write_book(tmp_path / "w.xlsx", {"Levels of responsibility": level_rows()})
    assert refused([three[2], three[0], book]) == (f"two levels of responsibility files: {three[2]} and "
                                                   f"{book}, sheet Levels of responsibility; give one")


def test_without_a_skills_file_it_asks_for_it(three: list[Path]) -> None:
    assert refused(three[1:]) == (f"{three[1]}, {three[2]}: no skills file (its header starts #, Levels and 6 empty "
                                  "cells, Code, URL, Skill); give the skills file too")
    assert refused([]).startswith("no file given; give the skills file")


def test_an_unknown_attribute_type_is_refused_naming_the_cell_and_both_types(tmp_path: Path) -> None:
    rows = attribute_rows()
    rows[2][10] = "Personal qualities"
    path = write_csv(tmp_path / "attributes.csv", rows)
    message = refused([write_csv(tmp_path / "skills.csv", skill_rows()), path])
    assert message == (f"{path}, row 3, column Type: unknown type 'Personal qualities' of REAC; the type is "
                       "'Attributes' or 'Business skills/Behavioural factors'")


@pytest.mark.parametrize(("change", "row", "column", "says"), [
    (lambda r: r[1].__setitem__(9, ""), 2, "Attribute name", "the name is empty"),
    (lambda r: r[2].__setitem__(7, "STEA"), 3, "Code", "duplicate code STEA (first on row 2)"),
    (lambda r: r[3].__setitem__(7, "kind"), 4, "Code", "malformed code 'kind'"),
    (lambda r: r[3].__setitem__(13, "Kind at one."), 4, "Level 1 description", "which its Levels columns do not list"),
    (lambda r: r[3].__setitem__(4, ""), 4, "Level 5 description", "a description of KIND at level 5"),
    (lambda r: r[3].__setitem__(17, ""), 4, "Level 5 description", "KIND is listed at level 5 in the Levels"),
    (lambda r: r[2].__setitem__(8, "https://publisher.example/a b"), 3, "URL", "is not an http(s) address"),
    (lambda r: r[1].__setitem__(11, " "), 2, "Overall description", "STEA has no overall description"),
])
def test_a_bad_attribute_row_is_refused_with_its_row_and_column(tmp_path: Path, change: Any, row: int, column: str,
                                                               says: str) -> None:
    rows = attribute_rows()
    change(rows)
    path = write_csv(tmp_path / "attributes.csv", rows)
    message = refused([write_csv(tmp_path / "skills.csv", skill_rows()), path])
    assert message.startswith(f"{path}, row {row}, column {column}: ")
    assert says in message


@pytest.mark.parametrize(("change", "row", "column", "says"), [
    (lambda r: r[0].__setitem__(3, 9), 1, "D", "the Level row holds '9' here; each cell after the first is a level"),
    (lambda r: r[0].__setitem__(3, "two"), 1, "D", "the Level row holds 'two' here"),
    (lambda r: r[0].__setitem__(3, 1), 1, "D", "level 1 twice (first in column B)"),
    (lambda r: r[1].__setitem__(6, ""), 2, "G", "the guiding phrase is empty"),
    (lambda r: r[1].__setitem__(6, "Hold"), 2, "G", "duplicate name 'Hold' (first on row 2)"),
    (lambda r: r[2].__setitem__(4, "  "), 3, "E", "level 4 has no essence"),
    (lambda r: r[3].__setitem__(2, "https://publisher.example/a b"), 4, "C", "is not an http(s) address"),
    (lambda r: r[1].append("Extra"), 2, "I", "a value past the levels' columns (the Level row ends at column H)"),
    (lambda r: r[2].__setitem__(0, "Essence"), 3, "A", "unknown field 'Essence'; the levels of responsibility layout"),
    (lambda r: r.append(["Guiding phrase", *PHRASES]), 5, "A", "Guiding phrase twice (first on row 2)"),
    (lambda r: r.append(["Level", *range(1, 8)]), 5, "A", "Level twice (first on row 1)"),
])
def test_a_bad_levels_file_is_refused_with_its_row_and_column(tmp_path: Path, change: Any, row: int, column: str,
                                                             says: str) -> None:
    rows = level_rows()
    change(rows)
    path = write_csv(tmp_path / "levels.csv", rows)
    message = refused([write_csv(tmp_path / "skills.csv", skill_rows()), path])
    assert message.startswith(f"{path}, row {row}, column {column}: ")
    assert says in message


def test_a_levels_file_without_all_seven_levels_or_a_field_row_is_refused(tmp_path: Path) -> None:
    skills = write_csv(tmp_path / "skills.csv", skill_rows())
    short = write_csv(tmp_path / "short.csv", [row[:7] for row in level_rows()])
    assert refused([skills, short]).startswith(f"{short}, row 1: the Level row lacks level 7; the levels of "
                                               "responsibility layout is a row per field")
    rows = level_rows()
    del rows[2]
    no_essence = write_csv(tmp_path / "no-essence.csv", rows)
    assert refused([skills, no_essence]).startswith(f"{no_essence}: no Essence of the level row; ")


def test_the_old_levels_layout_is_refused_naming_the_layout_wanted(tmp_path: Path) -> None:
    old: list[list[Any]] = [["Level", "Name", "Essence", "Steadiness"], [1, "Watch", "Our own essence.", "Our own."]]
    path = write_csv(tmp_path / "old.csv", old)
    assert refused([write_csv(tmp_path / "skills.csv", skill_rows()), path]).startswith(
        f"{path}, row 1: this is the old levels layout (Level, Name, Essence, then one column per attribute)")
    book = write_book(tmp_path / "old.xlsx", {"Skills": skill_rows(), "Levels of responsibility": old})
    assert refused([book]) == (
        f"{book}, sheet Levels of responsibility, row 1: this is the old levels layout (Level, Name, Essence, then "
        "one column per attribute), which is no longer read; the levels of responsibility layout is a row per field "
        "(first column: Level, Guiding phrase, Essence of the level, URL) and a column per level (the Level row "
        "holding 1 to 7)")


def test_the_row_limit_holds_for_attributes_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cells, "MAX_SKILLS", 2)
    path = write_csv(tmp_path / "attributes.csv", attribute_rows())
    message = refused([write_csv(tmp_path / "skills.csv", skill_rows()), path])
    assert message == f"{path}, row 4: more than 2 attributes; this is not a skills framework"


def published_size(tmp_path: Path) -> list[Path]:
    """CSVs of SFIA 9's size (147 skills with 672 level texts, 16 attributes, 7 levels), texts of similar length."""
    rng = random.Random(9)
    words = ["lantern", "wick", "flame", "keeper", "night", "harbour", "signal", "watch", "oil", "glass", "tower"]

    def prose(length: int) -> str:
        out = ""
        while len(out) < length:
            out += rng.choice(words) + rng.choice([" ", " ", " ", ", ", ".\r\n", "\u2019s ", "\u00a0"])
        return out
    plan = [list(range(1 + i % 3, 1 + i % 3 + (5 if i < 84 else 4))) for i in range(147)]
    assert sum(len(p) for p in plan) == 672
    skills: list[list[Any]] = [SKILLS_HEADER]
    for i, levels in enumerate(plan):
        code = "".join(chr(65 + (i // 26 ** k) % 26) for k in (3, 2, 1, 0))
        skills.append([i + 1, *marks(levels), code, SITE + code, f"Skill {code}", f"Category {i % 6}",
                       f"Subcategory {i % 20}", prose(120), prose(1500),
                       *(prose(300) if n in levels else "" for n in range(1, 8))])
    attributes: list[list[Any]] = [ATTRIBUTES_HEADER]
    for i in range(16):
        code = "AT" + chr(65 + i) + "Z"
        attributes.append([*marks(list(range(1, 8))), code, SITE + code, f"Attribute {code}",
                           GENERIC if i < 4 else BEHAVIOURAL, prose(100), prose(1100), *(prose(180) for _ in range(7))])
    lor = level_rows()
    lor[2] = ["Essence of the level", *(prose(200) for _ in range(7))]
    return [write_csv(tmp_path / "skills.csv", skills), write_csv(tmp_path / "attributes.csv", attributes),
            write_csv(tmp_path / "levels.csv", lor)]


def test_files_of_the_published_size_read_in_well_under_a_second(tmp_path: Path) -> None:
    paths = published_size(tmp_path)
    start = time.process_time()
    got = read_sheets(paths)
    spent = time.process_time() - start
    assert (len(got.skills), sum(len(s.levels) for s in got.skills)) == (147, 672)
    assert (len(got.attributes or []), len(got.levels or {})) == (16, 7)
    assert spent < 1.0
