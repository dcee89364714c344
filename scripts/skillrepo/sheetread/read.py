"""Reading a spreadsheet in the published layout (see exports/sheets.py) for `init`: a CSV file, or an .xlsx
workbook once sheetread.screen has passed its archive. Only cached values are read; no formula is evaluated."""

from __future__ import annotations

import codecs
import csv
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from skillrepo.domain import LEVEL_NAMES, LEVELS, SKILL_CODE_RE
from skillrepo.names import name_key, shown, why_same
from skillrepo.sheetlayout import (
    CATEGORIES_SHEET,
    CATEGORY_HEADER,
    DESCRIPTION,
    LEVEL_HEADER,
    SKILLS_SHEET,
    ooxml_unescape,
    unsafe_cell,
)
from skillrepo.sheetread.common import (
    MAX_COLUMNS,
    MAX_CSV_LINE_BYTES,
    MAX_ROWS,
    MAX_SHEET_FILE_BYTES,
    MAX_SKILLS,
    NAME_MAX,
    Rows,
    SheetError,
    Where,
    cut,
)
from skillrepo.sheetread.screen import screened


@dataclass
class SheetSkill:
    """A skill as a row of the skills sheet gives it (no id: the sheet carries none)."""

    row: int
    code: str
    name: str
    category: str
    subcategory: str
    description: str
    guidance: str | None
    levels: dict[int, str]
    url: str | None = None  # the skill's page at its publisher: an http(s) address in the URL column


@dataclass
class SheetLevel:
    """A level of responsibility as a row of the levels sheet gives it."""

    row: int
    level: int
    name: str
    essence: str
    attributes: dict[str, str]


@dataclass
class SheetFramework:
    """What a spreadsheet in the published layout holds."""

    categories: dict[str, list[str]] = field(default_factory=dict)  # ordered, each with ordered subcategories
    skills: list[SheetSkill] = field(default_factory=list)
    levels: dict[int, SheetLevel] | None = None  # None: the file has no levels sheet
    attributes: list[str] | None = None  # the generic attributes, from the levels sheet's columns
    # How a CSV file was encoded (UTF8, UTF8_BOM or CP1252; None for a workbook): how it came, not what it holds.
    encoding: str | None = field(default=None, compare=False)



def _text(value: Any) -> str:
    """A cell's value as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(where: Where, rows: Rows, expected: str) -> tuple[int, list[str]]:
    for number, row in rows:
        header = [_text(v).strip() for v in row]
        while header and not header[-1]:
            header.pop()
        if header:
            return number, header
        raise where.error(f"the first row is empty; it must be the header ({expected})", number)
    raise where.error(f"the sheet is empty; its first row must be the header ({expected})")


def _columns(where: Where, row: int, header: list[str], wanted: list[str]) -> dict[str, int]:
    """The index of each wanted column (matched ignoring case); refused if one is missing or repeated."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.casefold()
        if key in (w.casefold() for w in wanted) and key != "levels":
            if key in seen:
                raise where.error(f"column {cut(name)} appears twice (columns "
                                  f"{get_column_letter(seen[key] + 1)} and {get_column_letter(i + 1)})", row)
            seen[key] = i
    out: dict[str, int] = {}
    for name in wanted:
        if name.casefold() not in seen:
            hint = ""
            if len(header) == 1 and any(sep in header[0] for sep in ";\t"):
                hint = " (the file seems to separate columns with ';' or tabs; save it as comma-separated CSV)"
            raise where.error(f"missing column {name}{hint}", row)
        out[name] = seen[name.casefold()]
    return out


def _one_line(where: Where, row: int, column: str, value: str, what: str) -> str:
    if not value:
        raise where.error(f"the {what} is empty", row, column)
    if "\n" in value or "\r" in value:
        raise where.error(f"the {what} spans several lines; a {what} is one line", row, column)
    if len(value) > NAME_MAX:
        raise where.error(f"the {what} is {len(value)} characters long, over the limit of {NAME_MAX}", row, column)
    return value


def _read_categories(where: Where, rows: Rows) -> dict[str, list[str]]:
    head_row, header = _header(where, rows, "Category, Subcategory")
    cols = _columns(where, head_row, header, list(CATEGORY_HEADER))
    out: dict[str, list[str]] = {}
    first: dict[tuple[str, str], int] = {}
    for number, row in rows:
        if all(_blank(v) for v in row):
            continue
        cat = _one_line(where, number, "Category", _text(_cell(row, cols["Category"])).strip(), "category")
        sub = _one_line(where, number, "Subcategory", _text(_cell(row, cols["Subcategory"])).strip(), "subcategory")
        if (cat, sub) in first:
            raise where.error(f"duplicate subcategory {sub} of {cat} (first on row {first[(cat, sub)]})", number,
                              "Subcategory")
        first[(cat, sub)] = number
        out.setdefault(cat, []).append(sub)
    if not out:
        raise where.error("the sheet lists no category")
    return out


def _level_number(value: Any) -> int | None:
    text = _text(value).strip()
    return int(text) if text in {str(n) for n in LEVELS} else None


def _read_levels(where: Where, rows: Rows) -> tuple[dict[int, SheetLevel], list[str]]:
    head_row, header = _header(where, rows, "Level, Name, Essence, then one column per generic attribute")
    cols = _columns(where, head_row, header, list(LEVEL_HEADER))
    after = cols["Essence"] + 1
    attributes = [(i, name) for i, name in enumerate(header) if i >= after and name]
    if not attributes:
        raise where.error("no generic attribute columns after Essence (e.g. Autonomy, Influence)", head_row)
    names = [name for _, name in attributes]
    for _, name in attributes:
        if names.count(name) > 1:
            raise where.error(f"column {cut(name)} appears twice", head_row)
    levels: dict[int, SheetLevel] = {}
    for number, row in rows:
        if all(_blank(v) for v in row):
            continue
        level = _level_number(_cell(row, cols["Level"]))
        if level is None:
            shown = cut(_text(_cell(row, cols["Level"])).strip())
            raise where.error(f"the level is {shown or 'empty'!r}; write a whole "
                              "number from 1 to 7", number, "Level")
        if level in levels:
            raise where.error(f"duplicate level {level} (first on row {levels[level].row})", number, "Level")
        name = _one_line(where, number, "Name", _text(_cell(row, cols["Name"])).strip(), "name")
        if name != LEVEL_NAMES[level]:
            raise where.error(f"level {level} is named {LEVEL_NAMES[level]!r}, not {name!r}", number, "Name")
        essence = _text(_cell(row, cols["Essence"]))
        if not essence.strip():
            raise where.error(f"level {level} has no essence", number, "Essence")
        texts: dict[str, str] = {}
        for i, attr in attributes:
            texts[attr] = _text(_cell(row, i))
            if not texts[attr].strip():
                raise where.error(f"level {level} has no text for {cut(attr)}", number, attr)
        levels[level] = SheetLevel(number, level, name, essence, texts)
    missing = [n for n in LEVELS if n not in levels]
    if missing:
        raise where.error(f"level{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} "
                          f"{'are' if len(missing) > 1 else 'is'} missing; the sheet describes all seven levels")
    return levels, names


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _read_skills(where: Where, rows: Rows, categories: dict[str, list[str]] | None) -> SheetFramework:
    head_row, header = _header(where, rows, "#, Levels and 6 empty cells, Code, URL, Skill, ...")
    marks = [i for i, name in enumerate(header) if name.casefold() == "levels"]
    if len(marks) == 1 and header[marks[0] + 1:marks[0] + len(LEVELS)] == [""] * (len(LEVELS) - 1):
        marks = list(range(marks[0], marks[0] + len(LEVELS)))  # as published: one Levels cell over seven columns
    if len(marks) != len(LEVELS):
        raise where.error(f"missing column Levels: the layout has {len(LEVELS)} level columns, under one Levels cell "
                          f"followed by {len(LEVELS) - 1} empty ones, or each headed Levels; found {len(marks)} headed "
                          "Levels", head_row)
    named = ["Code", "Skill", "Category", "Subcategory", "Overall description", "Guidance notes",
             *(DESCRIPTION.format(n) for n in LEVELS)]
    cols = _columns(where, head_row, header, named)
    url_at = next((i for i, name in enumerate(header) if name.casefold() == "url"), None)  # optional column
    out = SheetFramework(categories={} if categories is None else categories)
    codes: dict[str, int] = {}
    names: dict[str, tuple[int, str]] = {}  # name_key -> the row and name that has it
    count = 0
    for number, row in rows:
        if all(_blank(v) for v in row):
            continue
        count += 1
        if count > MAX_SKILLS:
            raise where.error(f"more than {MAX_SKILLS:,} skills; this is not a skills framework", number)

        def get(column: str, row: list[Any] = row) -> str:
            return _text(_cell(row, cols[column]))

        code = _skill_code(where, number, get("Code").strip(), codes)
        name = _one_line(where, number, "Skill", get("Skill").strip(), "name")
        _unique_name(where, number, name, names)
        category, subcategory = _skill_place(where, number, code, get, categories, out.categories)
        description = get("Overall description")
        if not description.strip():
            raise where.error(f"{code} has no overall description", number, "Overall description")
        guidance = get("Guidance notes")
        levels = _skill_levels(where, number, code, row, marks, get)
        url = None if url_at is None else _published_url(where, number, _text(_cell(row, url_at)).strip())
        out.skills.append(SheetSkill(number, code, name, category, subcategory, description,
                                     guidance if guidance.strip() else None, levels, url))
    return out


_URL = re.compile(r"https?://\S+")
MAX_URL = 500  # the schemas' limit


def _published_url(where: Where, number: int, text: str) -> str | None:
    """The URL column's address if it is a publisher's (http or https); None for an empty cell or a path into a
    release's own site (site/skills/CODE.html), which a release makes again."""
    if not text.casefold().startswith(("http://", "https://")):
        return None
    if len(text) > MAX_URL or not _URL.fullmatch(text):
        raise where.error(f"{cut(text)!r} is not an http(s) address of at most {MAX_URL} characters without spaces; "
                          "correct it or clear the cell", number, "URL")
    return text


def _skill_place(where: Where, number: int, code: str, get: Callable[[str], str],
                 categories: dict[str, list[str]] | None, found: dict[str, list[str]]) -> tuple[str, str]:
    """A skill row's category and subcategory: one of `categories` if the file has a categories sheet, else
    recorded in `found` in the order they first appear."""
    category = get("Category").strip()
    if not category:
        raise where.error(f"{code} has no category", number, "Category")
    category = _one_line(where, number, "Category", category, "category")
    subcategory = get("Subcategory").strip()
    if not subcategory:
        raise where.error(f"{code} has no subcategory", number, "Subcategory")
    subcategory = _one_line(where, number, "Subcategory", subcategory, "subcategory")
    if categories is not None:
        if category not in categories:
            raise where.error(f"category {category!r} is not in sheet {CATEGORIES_SHEET}", number, "Category")
        if subcategory not in categories[category]:
            raise where.error(f"subcategory {subcategory!r} is not one of {category} in sheet {CATEGORIES_SHEET}",
                              number, "Subcategory")
    else:
        subs = found.setdefault(category, [])
        if subcategory not in subs:
            subs.append(subcategory)
    return category, subcategory


def _skill_code(where: Where, number: int, code: str, codes: dict[str, int]) -> str:
    """A skill row's code, checked and recorded in `codes` (code -> the row that has it)."""
    if not code:
        raise where.error("the skill has no code", number, "Code")
    if not SKILL_CODE_RE.fullmatch(code):
        raise where.error(f"malformed code {cut(code)!r}: a code is 4 capital letters, e.g. ITOP", number,
                          "Code")
    if code in codes:
        raise where.error(f"duplicate code {code} (first on row {codes[code]})", number, "Code")
    codes[code] = number
    return code


def _skill_levels(where: Where, number: int, code: str, row: list[Any], marks: list[int],
                  get: Callable[[str], str]) -> dict[int, str]:
    """A skill row's description at each level its Levels columns list; refused if marks and texts disagree."""
    listed: set[int] = set()
    for n, index in zip(LEVELS, marks, strict=True):
        mark = _text(_cell(row, index)).strip()
        if mark == str(n):
            listed.add(n)
        elif mark:
            raise where.error(f"{cut(mark)!r} in the Levels column of level {n}; write {n} there if {code} is "
                              f"defined at level {n}, else leave it empty", number, f"Levels ({n})")
    levels: dict[int, str] = {}
    for n in LEVELS:
        column = DESCRIPTION.format(n)
        text = get(column)
        if n in listed and not text.strip():
            raise where.error(f"{code} is listed at level {n} in the Levels columns but has no description "
                              "there", number, column)
        if n not in listed and text.strip():
            raise where.error(f"a description of {code} at level {n}, which its Levels columns do not list; "
                              f"put {n} in the Levels column of level {n}, or clear this cell", number, column)
        if n in listed:
            levels[n] = text
    return levels


def _unique_name(where: Where, number: int, name: str, names: dict[str, tuple[int, str]]) -> None:
    """Refuse a name that is, or looks like, the name of an earlier row (as R413 would); else record it."""
    key = name_key(name)
    if key not in names:
        names[key] = (number, name)
        return
    first, other = names[key]
    why = why_same(name, other)
    if why is None:
        raise where.error(f"duplicate name {cut(name)!r} (first on row {first})", number, "Skill")
    raise where.error(f"name '{cut(shown(name))}' looks like the name on row {first} ('{cut(shown(other))}'): "
                      f"they {why}; give each skill its own name", number, "Skill")


# The encodings a published CSV comes in, as init names them.
UTF8, UTF8_BOM, CP1252 = "UTF-8", "UTF-8 with a byte-order mark", "Windows-1252"
_BOM = b"\xef\xbb\xbf"


def csv_encoding(path: Path) -> str:
    """How a CSV file is encoded, decided for the whole file: UTF-8 (with or without a byte-order mark) if all
    of it decodes as UTF-8, else Windows-1252 (what Excel writes as "CSV" on Windows)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        first = f.read(len(_BOM))
        if first == _BOM:
            return UTF8_BOM
        chunk = first
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = f.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return CP1252
    return UTF8


def _lf(text: str) -> str:
    """A cell's text with its line breaks as LF: publishers' files break lines inside cells with CRLF (a workbook
    stores the CR as _x000D_) or LF, and the framework's texts break them with LF."""
    return text.replace("\r\n", "\n")


def _csv_cell(value: str) -> str:
    """A CSV cell's text: the formula guard taken off, and line breaks inside the cell as LF."""
    return _lf(unsafe_cell(value))


def _csv_rows(where: Where, path: Path, encoding: str) -> Rows:
    """The records of a CSV file, decoded line by line so that an encoding error names its row; a line over
    MAX_CSV_LINE_BYTES, or more than MAX_ROWS records, is refused."""
    state = {"record": 0}
    codec = "cp1252" if encoding == CP1252 else "utf-8"

    def lines(f: Any) -> Iterator[str]:
        first = True
        while True:
            raw = f.readline(MAX_CSV_LINE_BYTES + 1)
            if not raw:
                return
            if len(raw) > MAX_CSV_LINE_BYTES:
                raise where.error(f"a line longer than {MAX_CSV_LINE_BYTES:,} bytes; this is not a skills sheet",
                                  state["record"] + 1)
            if first and encoding == UTF8_BOM:
                raw = raw[len(_BOM):]
            first = False
            try:
                yield raw.decode(codec)
            except UnicodeDecodeError as exc:
                what = ("is not UTF-8 text, though the file starts with a UTF-8 byte-order mark" if encoding == UTF8_BOM
                        else "is neither UTF-8 nor Windows-1252 text")
                raise where.error(f"byte 0x{raw[exc.start]:02x} {what}; save the file as CSV UTF-8",
                                  state["record"] + 1) from exc

    try:
        with open(path, "rb") as f:
            try:
                for number, row in enumerate(csv.reader(lines(f)), start=1):
                    state["record"] = number
                    if number > MAX_ROWS:
                        raise where.error(f"more than {MAX_ROWS:,} rows, blank ones included; this is not a skills "
                                          "framework", number)
                    if any("\x00" in value for value in row):
                        raise where.error("it holds NUL bytes, so it is not a CSV text file", number)
                    yield number, [_csv_cell(value) for value in row]
            except csv.Error as exc:
                raise where.error(str(exc), state["record"] + 1) from exc
    except OSError as exc:
        raise where.error(f"cannot read it: {exc.strerror or exc}") from exc


def _read_csv(path: Path) -> SheetFramework:
    where = Where(str(path), None)
    try:
        encoding = csv_encoding(path)
    except OSError as exc:
        raise where.error(f"cannot read it: {exc.strerror or exc}") from exc
    rows = _csv_rows(where, path, encoding)
    try:
        found = _read_skills(where, rows, None)
        found.encoding = encoding
        return found
    finally:
        rows.close()  # the file is closed now, not whenever a refused read's generator is collected


def _sheet_rows(where: Where, sheet: Any) -> Rows:
    sheet.reset_dimensions()  # a file's stated size may be wrong: read every row it has, up to MAX_ROWS
    source = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS + 1)
    try:
        for number, row in enumerate(source, start=1):
            if number > MAX_ROWS:
                raise where.error(f"more than {MAX_ROWS:,} rows, blank ones included; this is not a skills "
                                  "framework", number)
            yield number, [_lf(ooxml_unescape(v)) if isinstance(v, str) else v for v in row]
    finally:
        source.close()


def _with_rows(where: Where, sheet: Any, read: Callable[[Rows], Any]) -> Any:
    """What `read` makes of a worksheet's rows; the sheet's part is closed however reading ends."""
    rows = _sheet_rows(where, sheet)
    try:
        return read(rows)
    finally:
        rows.close()


def _read_xlsx(path: Path) -> SheetFramework:
    file = str(path)
    where = Where(file, None)
    source = screened(where, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops; they do not matter here
        try:
            book = load_workbook(source, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl fails in many ways on a file that is not a workbook
            raise Where(file, None).error(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
        try:
            return _read_book(file, book)
        except SheetError:
            raise
        except Exception as exc:  # a damaged part: never a traceback, and nothing is evaluated
            raise Where(file, None).error(f"the workbook is damaged ({type(exc).__name__}: {exc})") from exc
        finally:
            book.close()


def _read_book(file: str, book: Any) -> SheetFramework:
    sheets = list(book.worksheets)
    if not sheets:
        raise Where(file, None).error("the workbook has no worksheet")
    by_name = {s.title.strip().casefold(): s for s in sheets}
    skills = by_name.get(SKILLS_SHEET.casefold(), sheets[0])
    levels = next((s for s in sheets if s is not skills and "responsibility" in s.title.casefold()), None)
    cats = by_name.get(CATEGORIES_SHEET.casefold())
    for sheet in (skills, levels, cats):
        if sheet is not None:
            _refuse_hidden(file, sheet)
    categories = None
    if cats is not None and cats is not skills:
        where = Where(file, cats.title)
        categories = _with_rows(where, cats, lambda rows: _read_categories(where, rows))
    skills_where = Where(file, skills.title)
    out: SheetFramework = _with_rows(skills_where, skills,
                                     lambda rows: _read_skills(skills_where, rows, categories))
    if levels is not None:
        levels_where = Where(file, levels.title)
        out.levels, out.attributes = _with_rows(levels_where, levels, lambda rows: _read_levels(levels_where, rows))
    return out


def _refuse_hidden(file: str, sheet: Any) -> None:
    """Refuse to read a sheet its workbook hides: what init imports is what a person opening the file sees."""
    state = getattr(sheet, "sheet_state", "visible")
    if state == "hidden":
        raise Where(file, sheet.title).error("the sheet is hidden, and init reads only what the workbook shows; "
                                              "unhide it (or delete it) and save the workbook again")
    if state != "visible":  # veryHidden: no menu of the spreadsheet program shows it or unhides it
        raise Where(file, sheet.title).error("the sheet is very hidden (no menu shows it), and init reads only "
                                              "what the workbook shows; delete it, or unhide it with a macro, and "
                                              "save the workbook again")


def read_sheet(path: Path) -> SheetFramework:
    """The categories, skills and (if the file has them) levels of responsibility of an .xlsx or .csv in the
    published layout, with or without the URL column. Only cached values are read: no formula is evaluated,
    and a formula without one reads as an empty cell. Refuses a malformed file with a SheetError naming the
    file, sheet, row and column; stops at the first problem."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        hint = "; save it as .xlsx" if suffix in (".xls", ".xlsm", ".ods", ".numbers") else ""
        raise SheetError(f"{path}: unknown kind of spreadsheet {path.suffix or '(no extension)'!r}; an .xlsx "
                         f"workbook or a .csv file is wanted{hint}")
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_SHEET_FILE_BYTES:
        raise SheetError(f"{path}: the file is {size:,} bytes, over the limit of {MAX_SHEET_FILE_BYTES:,}; this is not "
                         "a skills framework")
    return _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
