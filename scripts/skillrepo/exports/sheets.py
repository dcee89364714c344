"""The published spreadsheet layout of the skills, written (CSV, .xlsx) and read back.

The skills sheet has the columns of the published SFIA spreadsheet, so tooling that reads that one reads
this one unchanged:

    #, Levels x 7, Code, URL, Skill, Category, Subcategory, Overall description, Guidance notes,
    Level 1 description ... Level 7 description

One row per ACTIVE skill (retired skills are not in the sheet: it describes what can be used today),
ordered by the category order of framework.yaml, then the subcategory order, then the code; `#` is the
1-based row number. The k-th `Levels` column holds the number k when the skill is defined at level k,
and is empty otherwise.

Two more sheets go beside it in a workbook (CSV has only the skills):

- "Levels of responsibility" (`level_rows`): Level, Name, Essence, then one column per generic attribute,
  in the order of framework.yaml; one row per level, 1 to 7.
- "Categories" (`category_rows`): Category, Subcategory; one row per subcategory, in the order of
  framework.yaml. Optional: without it, `read_sheet` takes the categories and subcategories the skills use,
  in the order they first appear (which a sheet written by `skill_rows` keeps), and loses subcategories
  that no active skill is in.

Safety: no cell can run as a formula. Text starting with = + - @, a tab or a carriage return is prefixed
with a single quote (`safe_cell`), in CSV and workbooks alike, and workbook cells are always string cells.
A text that itself starts with a quote followed by one of those characters (or another quote) gets one too,
so that `read_sheet` strips exactly one quote from such cells and gives every text back as it was.

CSV: UTF-8 with a byte-order mark (Excel reads UTF-8 CSV correctly only with one; every other tool ignores
it), CRLF between records (RFC 4180 and the csv module's default), fields quoted only when they must be.

Workbooks are reproducible: the same input gives the same bytes whatever the clock or the time zone.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from skillrepo.chars import C0, C0_BUT_TAB_LF, C1
from skillrepo.domain import LEVEL_NAMES, LEVELS, SKILL_CODE_RE
from skillrepo.errors import SkillrepoError
from skillrepo.model import Framework
from skillrepo.names import name_key, shown, why_same

SKILLS_SHEET = "Skills"
LEVELS_SHEET = "Levels of responsibility"
CATEGORIES_SHEET = "Categories"

_DESCRIPTION = "Level {} description"
SKILL_HEADER: tuple[str, ...] = (
    "#", *(["Levels"] * len(LEVELS)), "Code", "URL", "Skill", "Category", "Subcategory", "Overall description",
    "Guidance notes", *(_DESCRIPTION.format(n) for n in LEVELS),
)
LEVEL_HEADER: tuple[str, ...] = ("Level", "Name", "Essence")
CATEGORY_HEADER: tuple[str, ...] = ("Category", "Subcategory")

# More data rows than this in a skills sheet is not a skills framework: refused before reading them all.
MAX_SKILLS = 5_000
# Rows read from any sheet, blank ones included (a header, the skills, and room for blank lines); a sheet with
# more is refused at the row after. Columns past MAX_COLUMNS are not read.
MAX_ROWS = MAX_SKILLS + 1_000
MAX_COLUMNS = 100
# A file larger than this is refused before it is read; a CSV line longer than MAX_CSV_LINE_BYTES too.
MAX_SHEET_FILE_BYTES = 64 * 1024 * 1024
MAX_CSV_LINE_BYTES = 1024 * 1024
# A workbook whose parts unpack to more than this is refused before it is opened (a zip bomb, or not ours).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# The zip's table of contents: a workbook has a few dozen parts; a huge table takes long just to list.
MAX_CENTRAL_DIRECTORY_BYTES = 1024 * 1024
# The XML the reader would parse, which is what reading a workbook costs: at most this many tags, a tag of a
# worksheet (over the rows read) counting once, one of the shared strings SHARED_STRINGS_WEIGHT times (rich
# text makes objects), any other TAG_WEIGHT times (styles: the reader makes an object of each tag, at ten
# times the cost of a cell's); no tag longer than MAX_TAG_BYTES (the XML
# parser takes time quadratic in the length of one tag: Python's expat 2.5 reparses it at each 16 KiB it
# reads); and no text longer than MAX_XML_RUN_BYTES (no cell holds that much: Excel's limit is 32,767
# characters).
MAX_XML_TAGS = 330_000
SHARED_STRINGS_WEIGHT = 2
TAG_WEIGHT = 10
MAX_TAG_BYTES = 4 * 1024
MAX_XML_RUN_BYTES = 256 * 1024
NAME_MAX = 120  # as the schemas' names

_DANGER = ("=", "+", "-", "@", "\t", "\r")


class SheetError(SkillrepoError):
    """A spreadsheet that is not in the published layout; the message names the file, sheet, row and column."""


# ---------------------------------------------------------------------------------------------------------
# Writing


def _escaped(text: str) -> bool:
    """A text that reads as quote-prefixed: a quote, then a dangerous character or another quote."""
    return len(text) >= 2 and text[0] == "'" and (text[1] in _DANGER or text[1] == "'")


def safe_cell(value: Any) -> Any:
    """The value as a cell that cannot run as a formula: dangerous text gets a leading single quote.

    Text starting with = + - @, a tab or a carriage return is prefixed with '. So is text that would
    otherwise look prefixed already (a quote followed by one of those, or by a quote), which makes the
    prefix reversible: `unsafe_cell(safe_cell(t)) == t` for every text. Other values are returned as they are.
    """
    if isinstance(value, str) and value and (value[0] in _DANGER or _escaped(value)):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The text `safe_cell` was given: one leading quote removed where `safe_cell` would have put one."""
    return text[1:] if _escaped(text) else text


def _ordered_skills(fw: Framework) -> list[Any]:
    cats = list(fw.categories)
    active = [s for s in fw.skills.values() if s.status == "active"]

    def key(skill: Any) -> tuple[int, int, str]:
        subs = fw.categories.get(skill.category, [])
        cat = cats.index(skill.category) if skill.category in fw.categories else len(cats)
        sub = subs.index(skill.subcategory) if skill.subcategory in subs else len(subs)
        return cat, sub, skill.code

    return sorted(active, key=key)


def skill_rows(fw: Framework, url: Callable[[str], str]) -> tuple[list[str], list[list[Any]]]:
    """The skills sheet: its header and one row per active skill (retired skills are left out), ordered by
    category, subcategory (both in framework.yaml's order), then code. Empty cells are None."""
    rows: list[list[Any]] = []
    for number, skill in enumerate(_ordered_skills(fw), start=1):
        marks = [n if n in skill.levels else None for n in LEVELS]
        texts = [skill.levels[n].description if n in skill.levels else None for n in LEVELS]
        rows.append([number, *marks, skill.code, url(skill.code), skill.name, skill.category, skill.subcategory,
                     skill.description, skill.guidance, *texts])
    return list(SKILL_HEADER), rows


def level_rows(fw: Framework) -> tuple[list[str], list[list[Any]]]:
    """The levels of responsibility sheet: Level, Name, Essence, one column per generic attribute."""
    header = [*LEVEL_HEADER, *fw.attributes]
    rows = [[lv.level, lv.name, lv.essence, *(lv.attributes.get(a) for a in fw.attributes)]
            for lv in (fw.levels[n] for n in sorted(fw.levels))]
    return header, rows


def category_rows(fw: Framework) -> tuple[list[str], list[list[Any]]]:
    """The categories sheet: one row per subcategory, in framework.yaml's order."""
    return list(CATEGORY_HEADER), [[c, s] for c, subs in fw.categories.items() for s in subs]


def write_csv(out: BinaryIO, header: list[str], rows: list[list[Any]]) -> None:
    """A CSV file: UTF-8 with a byte-order mark, CRLF line ends, minimal quoting, every cell `safe_cell`."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        text.write("\ufeff")
        writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else safe_cell(v) for v in row])
        text.flush()
    finally:
        text.detach()  # the caller's file stays open


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """`write_csv`'s bytes."""
    out = io.BytesIO()
    write_csv(out, header, rows)
    return out.getvalue()


# Characters XML cannot carry (or, for CR, carries but normalises away) are written as OOXML escapes _xHHHH_;
# a text that holds such an escape literally gets its underscore escaped (_x005F_), as Excel does.
_OOXML_LITERAL = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_OOXML_CONTROL = re.compile(f"[{C0_BUT_TAB_LF}]")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _ooxml_escape(text: str) -> str:
    text = _OOXML_LITERAL.sub(r"_x005F_\1", text)
    return _OOXML_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def _ooxml_unescape(text: str) -> str:
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


_NARROW = {"#": 6, "Levels": 7, "Level": 7, "Code": 8}
_WIDE = 60
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _width(header: str, values: list[Any]) -> int:
    if header in _NARROW:
        return _NARROW[header]
    longest = max([len(header)] + [max(len(line) for line in str(v).split("\n")) for v in values if v is not None])
    return max(8, min(longest + 2, _WIDE))


def _fill(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    """Write a sheet of a write-only workbook: widths, frozen header and filter first, then row by row."""
    widths = [_width(h, [r[i] if i < len(r) else None for r in rows]) for i, h in enumerate(header)]
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    head = []
    for h in header:
        cell = WriteOnlyCell(sheet, _ooxml_escape(safe_cell(h)) if isinstance(h, str) else h)
        cell.font = _BOLD
        cell.data_type = "s"
        head.append(cell)
    sheet.append(head)
    for row in rows:
        cells: list[Any] = []
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                cells.append(None)
                continue
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, _ooxml_escape(safe_cell(value)))
                cell.data_type = "s"  # a string cell, whatever it holds: never a formula
                long = "\n" in value or len(value) > (widths[c - 1] if c <= len(widths) else _WIDE)
                cell.alignment = _WRAP if long else _TOP
            else:
                cell = WriteOnlyCell(sheet, value)
                cell.alignment = _TOP
            cells.append(cell)
        sheet.append(cells)


def _zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    moment = min(max(moment, datetime(1980, 1, 1, tzinfo=timezone.utc)), datetime(2107, 12, 31, 23, 59, 58,
                                                                                  tzinfo=timezone.utc))
    return moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second


def _normalise_zip(src_file: BinaryIO, out: BinaryIO, epoch: int) -> None:
    """The archive written again with every entry's time, order, compression and attributes fixed."""
    stamp = _zip_time(epoch)
    with zipfile.ZipFile(src_file) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():  # openpyxl writes its parts in an order fixed by the workbook's content
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o100644 << 16
            with src.open(info) as part, dst.open(entry, "w") as copy:
                shutil.copyfileobj(part, copy, 1 << 20)


def write_xlsx(out: BinaryIO, sheets: list[tuple[str, list[str], list[list[Any]]]], epoch: int) -> None:
    """A workbook with one sheet per (name, header, rows): bold frozen header, autofilter, column widths,
    wrapped long texts. Reproducible: its dates come from `epoch` (seconds, UTC), never from the clock.
    Written row by row (openpyxl's write-only mode), so that a large framework's cells are never all in memory."""
    book = Workbook(write_only=True)
    for name, header, rows in sheets:
        _fill(book.create_sheet(title=name), header, rows)
    when = datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None)
    book.properties.created = when
    book.properties.modified = when
    book.properties.creator = "skillrepo"
    book.properties.lastModifiedBy = "skillrepo"
    with tempfile.TemporaryFile() as raw:
        # ExcelWriter, not Workbook.save: save() stamps the modified date with the clock.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
        raw.seek(0)
        _normalise_zip(raw, out, epoch)


def to_xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]], epoch: int) -> bytes:
    """`write_xlsx`'s bytes."""
    out = io.BytesIO()
    write_xlsx(out, sheets, epoch)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------
# Reading


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


@dataclass(frozen=True)
class _Where:
    file: str
    sheet: str | None

    def error(self, message: str, row: int | None = None, column: str | None = None) -> SheetError:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {_shown(self.sheet)}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {_shown(column)}")
        # Sheet names, headers and cells are the file's: a control character in one would reach the terminal.
        return SheetError(_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", ", ".join(parts) + ": " + message))


_CONTROL = re.compile(f"[{C0}{C1}]")


def _shown(text: str, width: int = 60) -> str:
    """A text from the file as a message quotes it: cut short."""
    return text if len(text) <= width else text[:width - 3] + "..."


Rows = Generator[tuple[int, list[Any]], None, None]


def _text(value: Any) -> str:
    """A cell's value as text, with the quote `safe_cell` added taken off."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return unsafe_cell(str(value))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(where: _Where, rows: Rows, expected: str) -> tuple[int, list[str]]:
    for number, row in rows:
        header = [_text(v).strip() for v in row]
        while header and not header[-1]:
            header.pop()
        if header:
            return number, header
        raise where.error(f"the first row is empty; it must be the header ({expected})", number)
    raise where.error(f"the sheet is empty; its first row must be the header ({expected})")


def _columns(where: _Where, row: int, header: list[str], wanted: list[str]) -> dict[str, int]:
    """The index of each wanted column (matched ignoring case); refused if one is missing or repeated."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.casefold()
        if key in (w.casefold() for w in wanted) and key != "levels":
            if key in seen:
                raise where.error(f"column {_shown(name)} appears twice (columns "
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


def _one_line(where: _Where, row: int, column: str, value: str, what: str) -> str:
    if not value:
        raise where.error(f"the {what} is empty", row, column)
    if "\n" in value or "\r" in value:
        raise where.error(f"the {what} spans several lines; a {what} is one line", row, column)
    if len(value) > NAME_MAX:
        raise where.error(f"the {what} is {len(value)} characters long, over the limit of {NAME_MAX}", row, column)
    return value


def _read_categories(where: _Where, rows: Rows) -> dict[str, list[str]]:
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


def _read_levels(where: _Where, rows: Rows) -> tuple[dict[int, SheetLevel], list[str]]:
    head_row, header = _header(where, rows, "Level, Name, Essence, then one column per generic attribute")
    cols = _columns(where, head_row, header, list(LEVEL_HEADER))
    after = cols["Essence"] + 1
    attributes = [(i, name) for i, name in enumerate(header) if i >= after and name]
    if not attributes:
        raise where.error("no generic attribute columns after Essence (e.g. Autonomy, Influence)", head_row)
    names = [name for _, name in attributes]
    for i, name in attributes:
        if names.count(name) > 1:
            raise where.error(f"column {_shown(name)} appears twice", head_row)
    levels: dict[int, SheetLevel] = {}
    for number, row in rows:
        if all(_blank(v) for v in row):
            continue
        level = _level_number(_cell(row, cols["Level"]))
        if level is None:
            shown = _shown(_text(_cell(row, cols["Level"])).strip())
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
                raise where.error(f"level {level} has no text for {_shown(attr)}", number, attr)
        levels[level] = SheetLevel(number, level, name, essence, texts)
    missing = [n for n in LEVELS if n not in levels]
    if missing:
        raise where.error(f"level{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} "
                          f"{'are' if len(missing) > 1 else 'is'} missing; the sheet describes all seven levels")
    return levels, names


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _read_skills(where: _Where, rows: Rows, categories: dict[str, list[str]] | None) -> SheetFramework:
    head_row, header = _header(where, rows, "#, Levels x 7, Code, URL, Skill, ...")
    marks = [i for i, name in enumerate(header) if name.casefold() == "levels"]
    if len(marks) != len(LEVELS):
        raise where.error(f"missing column Levels: the layout has {len(LEVELS)} columns headed Levels, one per level; "
                          f"found {len(marks)}", head_row)
    named = ["Code", "Skill", "Category", "Subcategory", "Overall description", "Guidance notes",
             *(_DESCRIPTION.format(n) for n in LEVELS)]
    cols = _columns(where, head_row, header, named)
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

        def get(column: str) -> str:
            return _text(_cell(row, cols[column]))

        code = get("Code").strip()
        if not code:
            raise where.error("the skill has no code", number, "Code")
        if not SKILL_CODE_RE.fullmatch(code):
            raise where.error(f"malformed code {_shown(code)!r}: a code is 4 capital letters, e.g. ITOP", number,
                              "Code")
        if code in codes:
            raise where.error(f"duplicate code {code} (first on row {codes[code]})", number, "Code")
        codes[code] = number
        name = _one_line(where, number, "Skill", get("Skill").strip(), "name")
        _unique_name(where, number, name, names)
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
            subs = out.categories.setdefault(category, [])
            if subcategory not in subs:
                subs.append(subcategory)
        description = get("Overall description")
        if not description.strip():
            raise where.error(f"{code} has no overall description", number, "Overall description")
        guidance = get("Guidance notes")
        listed: set[int] = set()
        for n, index in zip(LEVELS, marks):
            mark = _text(_cell(row, index)).strip()
            if mark == str(n):
                listed.add(n)
            elif mark:
                raise where.error(f"{_shown(mark)!r} in the Levels column of level {n}; write {n} there if {code} is "
                                  f"defined at level {n}, else leave it empty", number, f"Levels ({n})")
        levels: dict[int, str] = {}
        for n in LEVELS:
            column = _DESCRIPTION.format(n)
            text = get(column)
            if n in listed and not text.strip():
                raise where.error(f"{code} is listed at level {n} in the Levels columns but has no description "
                                  "there", number, column)
            if n not in listed and text.strip():
                raise where.error(f"a description of {code} at level {n}, which its Levels columns do not list; "
                                  f"put {n} in the Levels column of level {n}, or clear this cell", number, column)
            if n in listed:
                levels[n] = text
        out.skills.append(SheetSkill(number, code, name, category, subcategory, description,
                                     guidance if guidance.strip() else None, levels))
    return out


def _unique_name(where: _Where, number: int, name: str, names: dict[str, tuple[int, str]]) -> None:
    """Refuse a name that is, or looks like, the name of an earlier row (as R413 would); else record it."""
    key = name_key(name)
    if key not in names:
        names[key] = (number, name)
        return
    first, other = names[key]
    why = why_same(name, other)
    if why is None:
        raise where.error(f"duplicate name {_shown(name)!r} (first on row {first})", number, "Skill")
    raise where.error(f"name '{_shown(shown(name))}' looks like the name on row {first} ('{_shown(shown(other))}'): "
                      f"they {why}; give each skill its own name", number, "Skill")


def _csv_rows(where: _Where, path: Path) -> Rows:
    """The records of a CSV file, decoded line by line so that an encoding error names its row; a line over
    MAX_CSV_LINE_BYTES, or more than MAX_ROWS records, is refused."""
    state = {"record": 0}

    def lines(f: Any) -> Iterator[str]:
        first = True
        while True:
            raw = f.readline(MAX_CSV_LINE_BYTES + 1)
            if not raw:
                return
            if len(raw) > MAX_CSV_LINE_BYTES:
                raise where.error(f"a line longer than {MAX_CSV_LINE_BYTES:,} bytes; this is not a skills sheet",
                                  state["record"] + 1)
            if first and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            first = False
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise where.error(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as CSV UTF-8",
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
                    yield number, row
            except csv.Error as exc:
                raise where.error(str(exc), state["record"] + 1) from exc
    except OSError as exc:
        raise where.error(f"cannot read it: {exc.strerror or exc}") from exc


def _read_csv(path: Path) -> SheetFramework:
    where = _Where(str(path), None)
    rows = _csv_rows(where, path)
    try:
        return _read_skills(where, rows, None)
    finally:
        rows.close()  # the file is closed now, not whenever a refused read's generator is collected


def _sheet_rows(where: _Where, sheet: Any) -> Rows:
    sheet.reset_dimensions()  # a file's stated size may be wrong: read every row it has, up to MAX_ROWS
    source = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS + 1)
    try:
        for number, row in enumerate(source, start=1):
            if number > MAX_ROWS:
                raise where.error(f"more than {MAX_ROWS:,} rows, blank ones included; this is not a skills "
                                  "framework", number)
            yield number, [_ooxml_unescape(v) if isinstance(v, str) else v for v in row]
    finally:
        source.close()


def _with_rows(where: _Where, sheet: Any, read: Callable[[Rows], Any]) -> Any:
    """What `read` makes of a worksheet's rows; the sheet's part is closed however reading ends."""
    rows = _sheet_rows(where, sheet)
    try:
        return read(rows)
    finally:
        rows.close()


def _central_directory_size(path: Path) -> int | None:
    """The size of a zip's table of contents as Python's zipfile will read it (the zip64 one if there is one),
    or None if no end record is found. Read from the file's end, before zipfile lists every entry."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        length = min(size, 0xFFFF + 22 + 20 + 56)  # a comment, the end record, a zip64 locator and record
        f.seek(size - length)
        tail = f.read(length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    directory = int.from_bytes(tail[at + 12:at + 16], "little")
    if tail[max(at - 20, 0):at - 16] == b"PK\x06\x07":  # a zip64 locator: zipfile reads the record before it
        record = at - 20 - 56
        if record < 0 or tail[record:record + 4] != b"PK\x06\x06":
            return None
        directory = max(directory, int.from_bytes(tail[record + 40:record + 48], "little"))
    return directory


_XML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<")
_UTF16_START = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)")
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData[\s/>]")
_ROW = re.compile(rb"<row[\s/>]")
_ATTRIBUTE = re.compile(rb"""[ \t\r\n]+([A-Za-z_][\w:.-]*)[ \t\r\n]*=[ \t\r\n]*(?:"([^"<]*)"|'([^'<]*)')""")


def _screen_parts(where: _Where, archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Refuse, before the XML parser sees them, parts that only a hostile or broken file has: two parts of one
    name, DOCTYPEs, comments, CDATA and processing instructions (never in a workbook a spreadsheet program
    writes), a tag or a text too long, rows out of order, or more than MAX_XML_TAGS (weighted) tags in all.

    Returns the worksheets as the reader is to see them: cut after the rows it reads, and stating their size
    first (a dummy: the rows are read without it), because on opening a worksheet the reader scans it up to its
    size, which may come after the rows or not at all."""
    names = [info.filename for info in archive.infolist()]
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise where.error(f"it holds two parts named {twice}; save the file again as .xlsx")
    tags = 0
    cuts: dict[str, bytes] = {}
    for info in archive.infolist():
        with archive.open(info) as member:
            data = member.read(MAX_UNPACKED_BYTES + 1)  # no more than the sizes checked above promise
        if data.startswith(_UTF16_START):
            raise where.error(f"its part {info.filename} is UTF-16 text, which no spreadsheet program writes; "
                              "save the file again as .xlsx")
        if not _XML_START.match(data[:4096]):
            continue  # not XML (an image, a binary part): the reader does not parse it as XML
        part = info.filename
        declaration = data.find(b"<?")
        if data.find(b"<!") >= 0 or (declaration >= 0 and data.find(b"<?", declaration + 2) >= 0) or (
                declaration > 0 and data[:declaration].strip(b"\xef\xbb\xbf \t\r\n")):
            raise where.error(f"its part {part} holds a DOCTYPE, comment, CDATA section or processing "
                              "instruction, which no spreadsheet program writes; save the file again as .xlsx")
        _screen_runs(where, part, data)
        root = _ROOT.search(data, data.find(b"?>") + 2 if declaration >= 0 else 0)
        kind = root.group(2) if root is not None else b""
        if kind == b"worksheet" and root is not None:
            end = _rows_read_end(where, part, data)
            tags += data.count(b"<", 0, end)
            sheet_data = _SHEET_DATA.search(data, 0, end)
            root_tag = _TAG.match(data, root.start())
            if sheet_data is not None and root_tag is not None:
                # The size first (what the reader scans for), then the rows read, then the ends they need.
                prefix = sheet_data.group(1)
                cuts[part] = (data[:root_tag.end()] + b"<" + prefix + b'dimension ref="A1"/>'
                              + data[root_tag.end():end])
                if end < len(data):
                    cuts[part] += b"</" + prefix + b"sheetData></" + root.group(1) + b"worksheet>"
        else:
            tags += (SHARED_STRINGS_WEIGHT if kind == b"sst" else TAG_WEIGHT) * data.count(b"<")
        if tags > MAX_XML_TAGS:
            raise where.error(f"the workbook holds more than {MAX_XML_TAGS:,} XML tags in the parts read "
                              f"(its part {part} among them); a skills framework is far smaller")
    return cuts


def _with_cuts(archive: zipfile.ZipFile, cuts: dict[str, bytes]) -> io.BytesIO:
    """The workbook again, in memory, with the parts `cuts` replaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            copy.writestr(info.filename, cuts[info.filename] if info.filename in cuts else archive.read(info))
    out.seek(0)
    return out


_TAG = re.compile(rb"""<[^<>"']*(?:(?:"[^"<]*"|'[^'<]*')[^<>"']*)*>""")
_LONG_REFERENCE = re.compile(rb"&[^;<&\s]{64}")


def _screen_runs(where: _Where, part: str, data: bytes) -> None:
    """Refuse a tag longer than MAX_TAG_BYTES, an entity reference of 64 characters or more, or a text over
    MAX_XML_RUN_BYTES: every stretch of MAX_TAG_BYTES without a '<' must be text (after a tag that ended)."""
    free = 0
    for start in range(0, len(data), MAX_TAG_BYTES):
        if data.find(b"<", start, start + MAX_TAG_BYTES) >= 0:
            free = 0
            continue
        free += 1
        if free * MAX_TAG_BYTES > MAX_XML_RUN_BYTES:
            raise where.error(f"its part {part} holds a text of over {MAX_XML_RUN_BYTES:,} bytes; no workbook cell "
                              "holds that much (Excel's limit is 32,767 characters)")
        tag = data.rfind(b"<", 0, start)
        if tag >= 0 and free == 1:
            m = _TAG.match(data, tag)
            if m is None or m.end() > start:
                raise where.error(f"its part {part} holds a tag longer than {MAX_TAG_BYTES:,} bytes, which no "
                                  "spreadsheet program writes; save the file again as .xlsx")
    if _LONG_REFERENCE.search(data):
        raise where.error(f"its part {part} holds an entity reference of 64 characters or more, which no "
                          "spreadsheet program writes; save the file again as .xlsx")


def _rows_read_end(where: _Where, part: str, data: bytes) -> int:
    """Where the rows the reader parses end in a part: after the row past MAX_ROWS + 1 (it stops at the first
    row numbered over MAX_ROWS + 1; numbers that do not grow would keep it going, and are refused)."""
    previous = 0
    for count, m in enumerate(_ROW.finditer(data), start=1):
        if count > MAX_ROWS + 2:
            return m.start()
        number = previous + 1  # a row without r="N" is the next one
        at = m.end() - 1
        while (attribute := _ATTRIBUTE.match(data, at)) is not None:
            at = attribute.end()
            if attribute.group(1) == b"r":
                text = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
                if not text.isdigit() or len(text) > 9:
                    shown = text[:12].decode("utf-8", "replace")
                    raise where.error(f"its part {part} has a row numbered {shown!r}; a row number is a whole "
                                      "number (save the file again as .xlsx)")
                number = int(text)
        if number <= previous:
            raise where.error(f"its part {part} has row {number} after row {previous}; rows of a worksheet come "
                              "in order (save the file again as .xlsx)")
        previous = number
    return len(data)


def _read_xlsx(path: Path) -> SheetFramework:
    file = str(path)
    where = _Where(file, None)
    try:
        is_zip = zipfile.is_zipfile(path)
        directory = _central_directory_size(path) if is_zip else None
    except OSError as exc:
        raise where.error(f"cannot read it: {exc.strerror or exc}") from exc
    if not is_zip or directory is None:
        raise where.error("not an .xlsx workbook (it is not a zip archive; an old .xls, or a CSV "
                          "renamed?); save it from your spreadsheet program as .xlsx or .csv")
    if directory > MAX_CENTRAL_DIRECTORY_BYTES:
        raise where.error(f"the workbook's table of contents is {directory:,} bytes, over the limit of "
                          f"{MAX_CENTRAL_DIRECTORY_BYTES:,}; a workbook has a few dozen parts")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise where.error(f"the workbook unpacks to {unpacked:,} bytes, over the limit of "
                                  f"{MAX_UNPACKED_BYTES:,}")
            cuts = _screen_parts(where, archive)
            source: Path | io.BytesIO = _with_cuts(archive, cuts) if cuts else path
    except SheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        # a damaged or unsupported archive (a bad CRC, an unknown compression, a truncated part)
        raise where.error(f"not a readable .xlsx workbook: {exc}") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops; they do not matter here
        try:
            book = load_workbook(source, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl fails in many ways on a file that is not a workbook
            raise _Where(file, None).error(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
        try:
            return _read_book(file, book)
        except SheetError:
            raise
        except Exception as exc:  # a damaged part: never a traceback, and nothing is evaluated
            raise _Where(file, None).error(f"the workbook is damaged ({type(exc).__name__}: {exc})") from exc
        finally:
            book.close()


def _read_book(file: str, book: Any) -> SheetFramework:
    sheets = list(book.worksheets)
    if not sheets:
        raise _Where(file, None).error("the workbook has no worksheet")
    by_name = {s.title.strip().casefold(): s for s in sheets}
    skills = by_name.get(SKILLS_SHEET.casefold(), sheets[0])
    levels = next((s for s in sheets if s is not skills and "responsibility" in s.title.casefold()), None)
    cats = by_name.get(CATEGORIES_SHEET.casefold())
    for sheet in (skills, levels, cats):
        if sheet is not None:
            _refuse_hidden(file, sheet)
    categories = None
    if cats is not None and cats is not skills:
        where = _Where(file, cats.title)
        categories = _with_rows(where, cats, lambda rows: _read_categories(where, rows))
    skills_where = _Where(file, skills.title)
    out: SheetFramework = _with_rows(skills_where, skills,
                                     lambda rows: _read_skills(skills_where, rows, categories))
    if levels is not None:
        levels_where = _Where(file, levels.title)
        out.levels, out.attributes = _with_rows(levels_where, levels, lambda rows: _read_levels(levels_where, rows))
    return out


def _refuse_hidden(file: str, sheet: Any) -> None:
    """Refuse to read a sheet its workbook hides: what init imports is what a person opening the file sees."""
    state = getattr(sheet, "sheet_state", "visible")
    if state == "hidden":
        raise _Where(file, sheet.title).error("the sheet is hidden, and init reads only what the workbook shows; "
                                              "unhide it (or delete it) and save the workbook again")
    if state != "visible":  # veryHidden: no menu of the spreadsheet program shows it or unhides it
        raise _Where(file, sheet.title).error("the sheet is very hidden (no menu shows it), and init reads only "
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
