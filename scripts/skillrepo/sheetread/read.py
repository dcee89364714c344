"""Reading the published files (see exports/sheets.py) for `init`: skills, attributes and levels of
responsibility, each a CSV file or a sheet of an .xlsx workbook, recognised by its header. Only cached values
are read; no formula is evaluated."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any, TypeVar

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from skillrepo.domain import ATTRIBUTE_TYPES, LEVELS
from skillrepo.sheetlayout import (
    ATTRIBUTE_HEADER,
    CATEGORIES_SHEET,
    CATEGORY_HEADER,
    LEVEL_HEADER,
    NOTES_SHEET,
    PUBLISHED_LEVEL_FIELDS,
    SKILL_HEADER,
)
from skillrepo.sheetread.cells import (
    blank,
    cell,
    columns,
    data_rows,
    described_levels,
    header,
    item_code,
    level_marks,
    one_line,
    published_url,
    text,
    unique_name,
)
from skillrepo.sheetread.common import Rows, SheetError, Where, cut
from skillrepo.sheetread.source import (
    CP1252,
    UTF8,
    UTF8_BOM,
    checked_file,
    csv_encoding,
    csv_rows,
    open_workbook,
    refuse_hidden,
    sheet_rows,
)

__all__ = ["CP1252", "UTF8", "UTF8_BOM", "SheetAttribute", "SheetFramework", "SheetLevel", "SheetSkill",
           "csv_encoding", "read_sheet", "read_sheets"]


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
    """A level of responsibility as a column of the (transposed) levels of responsibility sheet gives it."""

    column: str  # the column's letter, for messages
    level: int
    name: str  # the guiding phrase, as the file has it
    essence: str
    url: str | None


@dataclass
class SheetAttribute:
    """An attribute (generic or behavioural) as a row of the attributes sheet gives it."""

    row: int
    code: str
    name: str
    type: str  # a key of domain.ATTRIBUTE_TYPES
    description: str
    guidance: str | None
    levels: dict[int, str]
    url: str | None


@dataclass
class SheetFramework:
    """What the published files hold."""

    categories: dict[str, list[str]] = field(default_factory=dict)  # ordered, each with ordered subcategories
    skills: list[SheetSkill] = field(default_factory=list)
    levels: dict[int, SheetLevel] | None = None  # None: no levels of responsibility file was given
    attributes: list[SheetAttribute] | None = None  # in file order; None: no attributes file was given
    has_skills: bool = True  # False: no skills file was given (read_sheets with need_skills=False)
    # Each CSV file's path as given -> how it was encoded (UTF8, UTF8_BOM or CP1252): how it came, not what it holds.
    encodings: dict[str, str] = field(default_factory=dict, compare=False)


def _read_categories(where: Where, rows: Rows) -> dict[str, list[str]]:
    head_row, found = header(where, rows, "Category, Subcategory")
    cols = columns(where, head_row, found, list(CATEGORY_HEADER))
    out: dict[str, list[str]] = {}
    first: dict[tuple[str, str], int] = {}
    for number, row in data_rows(where, rows, "categories"):
        cat = one_line(where, number, "Category", text(cell(row, cols["Category"])).strip(), "category")
        sub = one_line(where, number, "Subcategory", text(cell(row, cols["Subcategory"])).strip(), "subcategory")
        if (cat, sub) in first:
            raise where.error(f"duplicate subcategory {sub} of {cat} (first on row {first[(cat, sub)]})", number,
                              "Subcategory")
        first[(cat, sub)] = number
        out.setdefault(cat, []).append(sub)
    if not out:
        raise where.error("the sheet lists no category")
    return out


@dataclass
class _Described:
    """What a skills row and an attributes row share, read the same way."""

    code: str
    name: str
    description: str
    guidance: str | None
    levels: dict[int, str]
    url: str | None


@dataclass
class _Layout:
    """A skills or attributes header: where its columns are, and the codes and names of the rows read so far."""

    where: Where
    what: str  # "skill" or "attribute"
    name_column: str
    cols: dict[str, int]
    marks: list[int]
    url_at: int | None
    codes: dict[str, int] = field(default_factory=dict)
    names: dict[str, tuple[int, str]] = field(default_factory=dict)

    def get(self, row: list[Any], column: str) -> str:
        return text(cell(row, self.cols[column]))

    def described(self, number: int, row: list[Any]) -> _Described:
        """The row's code, name, description, guidance, level descriptions and URL, checked."""
        where = self.where
        code = item_code(where, number, self.get(row, "Code").strip(), self.codes, self.what)
        name = one_line(where, number, self.name_column, self.get(row, self.name_column).strip(), "name")
        unique_name(where, number, self.name_column, name, self.names, self.what)
        description = self.get(row, "Overall description")
        if not description.strip():
            raise where.error(f"{code} has no overall description", number, "Overall description")
        guidance = self.get(row, "Guidance notes")
        levels = described_levels(where, number, code, row, self.marks, lambda column: self.get(row, column))
        url = None if self.url_at is None else published_url(where, number, text(cell(row, self.url_at)).strip())
        return _Described(code, name, description, guidance if guidance.strip() else None, levels, url)


def _starts(published: tuple[str, ...], last: str) -> str:
    """A published header up to its column `last`, as a message shows it: "#, Levels and 6 empty cells, Code"."""
    shown: list[str] = []
    for name, same in groupby(published[:published.index(last) + 1]):
        count = len(list(same))
        if name:
            shown.extend([name] * count)
        else:
            shown[-1] += f" and {count} empty cell{'s' if count > 1 else ''}"
    return ", ".join(shown)


def _layout(where: Where, rows: Rows, published: tuple[str, ...], name_column: str, what: str) -> _Layout:
    """The header of a skills or attributes sheet, checked against its published layout (the URL is optional)."""
    head_row, found = header(where, rows, _starts(published, name_column) + ", ...")
    marks = level_marks(where, head_row, found)
    wanted = [h for h in published if h and h.casefold() not in ("#", "levels", "url")]
    cols = columns(where, head_row, found, wanted)
    url_at = next((i for i, name in enumerate(found) if name.casefold() == "url"), None)
    return _Layout(where, what, name_column, cols, marks, url_at)


def _read_skills(where: Where, rows: Rows, categories: dict[str, list[str]] | None
                 ) -> tuple[list[SheetSkill], dict[str, list[str]]]:
    """The skills, and the categories: `categories` if given (each skill's must be one of them), else those the
    skills use, in the order they first appear."""
    layout = _layout(where, rows, SKILL_HEADER, "Skill", "skill")
    found: dict[str, list[str]] = {}
    skills: list[SheetSkill] = []
    for number, row in data_rows(where, rows, "skills"):
        item = layout.described(number, row)
        category, subcategory = _skill_place(where, number, item.code, partial(layout.get, row), categories,
                                             found)
        skills.append(SheetSkill(number, item.code, item.name, category, subcategory, item.description,
                                 item.guidance, item.levels, item.url))
    return skills, found if categories is None else categories


def _skill_place(where: Where, number: int, code: str, get: Callable[[str], str],
                 categories: dict[str, list[str]] | None, found: dict[str, list[str]]) -> tuple[str, str]:
    """A skill row's category and subcategory: one of `categories` if the file has a categories sheet, else
    recorded in `found` in the order they first appear."""
    category = get("Category").strip()
    if not category:
        raise where.error(f"{code} has no category", number, "Category")
    category = one_line(where, number, "Category", category, "category")
    subcategory = get("Subcategory").strip()
    if not subcategory:
        raise where.error(f"{code} has no subcategory", number, "Subcategory")
    subcategory = one_line(where, number, "Subcategory", subcategory, "subcategory")
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


_TYPE_KEYS = {label.casefold(): key for key, label in ATTRIBUTE_TYPES.items()}


def _read_attributes(where: Where, rows: Rows) -> list[SheetAttribute]:
    """The attributes, in file order."""
    layout = _layout(where, rows, ATTRIBUTE_HEADER, "Attribute name", "attribute")
    out: list[SheetAttribute] = []
    for number, row in data_rows(where, rows, "attributes"):
        item = layout.described(number, row)
        label = layout.get(row, "Type").strip()
        if label.casefold() not in _TYPE_KEYS:
            labels = " or ".join(repr(label) for label in ATTRIBUTE_TYPES.values())
            raise where.error(f"unknown type {cut(label)!r} of {item.code}; the type is {labels}", number, "Type")
        out.append(SheetAttribute(number, item.code, item.name, _TYPE_KEYS[label.casefold()], item.description,
                                  item.guidance, item.levels, item.url))
    return out


_LEVEL, _PHRASE, _ESSENCE, _URL = PUBLISHED_LEVEL_FIELDS
_LEVELS_LAYOUT = ("the levels of responsibility layout is a row per field (first column: "
                  f"{', '.join(PUBLISHED_LEVEL_FIELDS)}) and a column per level (the {_LEVEL} row holding 1 to "
                  f"{len(LEVELS)})")


def _level_columns(where: Where, head_row: int, found: list[str]) -> dict[int, int]:
    """The column index of each level, from the Level row (its cells past the first hold 1..7, each once)."""
    if {h.casefold() for h in found[1:]} & {h.casefold() for h in LEVEL_HEADER[1:]}:
        raise where.error(f"this is the old levels layout ({', '.join(LEVEL_HEADER)}, then one column per "
                          f"attribute), which is no longer read; {_LEVELS_LAYOUT}", head_row)
    at: dict[int, int] = {}
    for index, value in enumerate(found[1:], start=1):
        letter = get_column_letter(index + 1)
        level = int(value) if value in {str(n) for n in LEVELS} else None
        if level is None:
            raise where.error(f"the {_LEVEL} row holds {cut(value) or 'nothing'!r} here; each cell after the first "
                              f"is a level from 1 to {len(LEVELS)}", head_row, letter)
        if level in at:
            raise where.error(f"level {level} twice (first in column {get_column_letter(at[level] + 1)})",
                              head_row, letter)
        at[level] = index
    missing = [str(n) for n in LEVELS if n not in at]
    if missing:
        raise where.error(f"the {_LEVEL} row lacks level{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                          f"{_LEVELS_LAYOUT}", head_row)
    return at


def _level_fields(where: Where, rows: Rows, head_row: int, last: int) -> dict[str, tuple[int, list[Any]]]:
    """The rows after the Level row, by their field (the first column): each known field once, none past `last`."""
    known = {f.casefold(): f for f in PUBLISHED_LEVEL_FIELDS}
    fields: dict[str, tuple[int, list[Any]]] = {_LEVEL: (head_row, [])}
    for number, row in data_rows(where, rows, "rows"):
        label = text(cell(row, 0)).strip()
        if label.casefold() not in known:
            raise where.error(f"unknown field {cut(label) or '(empty)'!r}; {_LEVELS_LAYOUT}", number, "A")
        name = known[label.casefold()]
        if name in fields:
            raise where.error(f"{name} twice (first on row {fields[name][0]})", number, "A")
        extra = next((i for i in range(last + 1, len(row)) if not blank(row[i])), None)
        if extra is not None:
            raise where.error(f"a value past the levels' columns (the {_LEVEL} row ends at column "
                              f"{get_column_letter(last + 1)})", number, get_column_letter(extra + 1))
        fields[name] = (number, row)
    for name in (_PHRASE, _ESSENCE):
        if name not in fields:
            raise where.error(f"no {name} row; {_LEVELS_LAYOUT}")
    return fields


def _read_levels(where: Where, rows: Rows) -> dict[int, SheetLevel]:
    """The seven levels of responsibility of the transposed sheet, by level."""
    head_row, found = header(where, rows, ", ".join(PUBLISHED_LEVEL_FIELDS) + " down the first column")
    at = _level_columns(where, head_row, found)
    fields = _level_fields(where, rows, head_row, max(at.values()))
    phrase_row, phrases = fields[_PHRASE]
    essence_row, essences = fields[_ESSENCE]
    names: dict[str, tuple[int, str]] = {}
    out: dict[int, SheetLevel] = {}
    for level in LEVELS:
        index = at[level]
        letter = get_column_letter(index + 1)
        name = one_line(where, phrase_row, letter, text(cell(phrases, index)).strip(), "guiding phrase")
        unique_name(where, phrase_row, letter, name, names, "level")
        essence = text(cell(essences, index))
        if not essence.strip():
            raise where.error(f"level {level} has no essence", essence_row, letter)
        url = None
        if _URL in fields:
            url_row, urls = fields[_URL]
            url = published_url(where, url_row, text(cell(urls, index)).strip(), letter)
        out[level] = SheetLevel(letter, level, name, essence, url)
    return out


_T = TypeVar("_T")


@dataclass
class _Sheet:
    """A CSV file or a workbook's worksheet to read: where it is, and its rows from the first, as often as needed."""

    where: Where
    rows: Callable[[], Rows]
    in_workbook: bool

    def read(self, read: Callable[[Rows], _T]) -> _T:
        """What `read` makes of the rows; the file or part is closed however reading ends."""
        rows = self.rows()
        try:
            return read(rows)
        except SheetError:
            raise
        except Exception as exc:
            if not self.in_workbook:
                raise
            # openpyxl fails in many ways on a damaged part: never a traceback, and nothing is evaluated
            raise Where(self.where.file, None).error(f"the workbook is damaged ({type(exc).__name__}: {exc})") from exc
        finally:
            rows.close()


SKILLS, ATTRIBUTES, LEVELS_OF_RESPONSIBILITY, CATEGORIES = ("skills", "attributes", "levels of responsibility",
                                                            "categories")
_KINDS = (f"a skills file's header starts with {_starts(SKILL_HEADER, 'Skill')}; an attributes file's with "
          f"{_starts(ATTRIBUTE_HEADER, 'Attribute name')}; a levels of responsibility file's "
          f"first column holds {', '.join(PUBLISHED_LEVEL_FIELDS)}")


def _kind(where: Where, rows: Rows) -> str:
    """Which published file a sheet is, by its header: refused if it is none of them."""
    number, found = header(where, rows, _KINDS)
    keys = [h.casefold() for h in found]
    if "attribute name" in keys:
        return ATTRIBUTES
    if "skill" in keys:
        return SKILLS
    if keys[0] == _LEVEL.casefold():
        return LEVELS_OF_RESPONSIBILITY
    if len(found) == 1 and any(sep in found[0] for sep in ";\t"):
        raise where.error("the file seems to separate columns with ';' or tabs; save it as comma-separated CSV", number)
    shown = ", ".join(cut(h, 30) or "(empty)" for h in found[:4])
    raise where.error(f"not a published skills, attributes or levels of responsibility file: its header starts "
                      f"{shown}; {_KINDS}", number)


def _sheets_of(path: Path, stack: ExitStack, encodings: dict[str, str]) -> list[tuple[str, _Sheet]]:
    """The sheets a file holds, each with its kind; a CSV's encoding is recorded in `encodings`."""
    where = Where(str(path), None)
    if checked_file(path) == ".csv":
        try:
            encoding = csv_encoding(path)
        except OSError as exc:
            raise where.error(f"cannot read it: {exc.strerror or exc}") from exc
        encodings[str(path)] = encoding
        sheet = _Sheet(where, lambda: csv_rows(where, path, encoding), in_workbook=False)
        return [(sheet.read(partial(_kind, where)), sheet)]
    book = open_workbook(path, stack)
    worksheets = [s for s in book.worksheets if s.title.strip().casefold() != NOTES_SHEET.casefold()]
    for worksheet in worksheets:  # first: a hidden sheet, which the user cannot see, explains what follows
        refuse_hidden(str(path), worksheet)
    out: list[tuple[str, _Sheet]] = []
    for worksheet in worksheets:
        title = worksheet.title.strip().casefold()
        place = Where(str(path), worksheet.title)
        sheet = _Sheet(place, partial(sheet_rows, place, worksheet), in_workbook=True)
        kind = CATEGORIES if title == CATEGORIES_SHEET.casefold() else sheet.read(partial(_kind, place))
        out.append((kind, sheet))
    if not out:
        raise where.error("the workbook has no worksheet to read")
    return out


def read_sheets(paths: list[Path], need_skills: bool = True) -> SheetFramework:
    """The categories, skills and (if given) attributes and levels of responsibility of the published files: CSV
    files or .xlsx workbooks, each file or worksheet recognised by its header. Refuses a malformed file with a
    SheetError naming the file, sheet, row and column; stops at the first problem. Without `need_skills`, a set
    of files without a skills file is read too (then `has_skills` is False)."""
    if not paths:
        raise SheetError("no file given; give the skills file (and the attributes and levels of responsibility "
                         "files, if you have them)")
    with ExitStack() as stack:
        encodings: dict[str, str] = {}
        found: dict[str, _Sheet] = {}
        for path in paths:
            for kind, sheet in _sheets_of(path, stack, encodings):
                if kind in found:
                    raise SheetError(f"two {kind} files: {found[kind].where} and {sheet.where}; give one")
                found[kind] = sheet
        if SKILLS not in found and need_skills:
            raise SheetError(f"{', '.join(map(str, paths))}: no skills file (its header starts "
                             f"{_starts(SKILL_HEADER, 'Skill')}); give the skills file too")
        categories = _optional(found, CATEGORIES, _read_categories)
        out = SheetFramework(encodings=encodings, has_skills=SKILLS in found)
        if out.has_skills:
            skills = found[SKILLS]
            out.skills, out.categories = skills.read(lambda rows: _read_skills(skills.where, rows, categories))
        out.attributes = _optional(found, ATTRIBUTES, _read_attributes)
        out.levels = _optional(found, LEVELS_OF_RESPONSIBILITY, _read_levels)
        return out


def _optional(found: dict[str, _Sheet], kind: str, read: Callable[[Where, Rows], _T]) -> _T | None:
    """What `read` makes of the sheet of this kind, or None if none was given."""
    sheet = found.get(kind)
    return None if sheet is None else sheet.read(lambda rows: read(sheet.where, rows))


def read_sheet(path: Path) -> SheetFramework:
    """What one published file holds (a skills CSV, or a workbook with its skills sheet): read_sheets([path])."""
    return read_sheets([path])
