"""The published spreadsheet layout of the skills, written (CSV, .xlsx); sheetread reads it back.

The skills sheet has the columns of the published SFIA spreadsheet, so tooling that reads that one reads
this one unchanged:

    #, Levels, (6 empty), Code, URL, Skill, Category, Subcategory, Overall description, Guidance notes,
    Level 1 description ... Level 7 description

One row per ACTIVE skill (retired skills are not in the sheet: it describes what can be used today),
in the published order (framework.yaml's order.skills, which `init` takes from the published file's rows and
change requests keep); `#` is the 1-based row number. One `Levels` header cell stands over the seven level
columns, as published; the k-th of them holds the number k when the skill is defined at level k, and is empty
otherwise.

The other published files have their own layouts, each a CSV of its own and a sheet of the workbook:

- "Attributes" (`attribute_rows`, attributes.csv), the skills sheet's layout without `#`:

      Levels, (6 empty), Code, URL, Attribute name, Type, Overall description, Guidance notes,
      Level 1 description ... Level 7 description

  one row per ACTIVE attribute in the framework's order; Type is the published label of its type
  (domain.ATTRIBUTE_TYPES).
- "Levels of responsibility" (`published_level_rows`, levels.csv), transposed as published: a row each for
  Level (1 ... 7), Guiding phrase, Essence of the level and URL, a column per level.
- "Categories" (`category_rows`, the workbook only): Category, Subcategory; one row per subcategory, in the
  order of framework.yaml. Optional: without it, the reader takes the categories and subcategories the skills
  use, in the order they first appear (which a sheet written by `skill_rows` keeps), and loses subcategories
  that no active skill is in.

Safety: no cell can run as a formula. Workbook cells holding text are always string cells, which no
spreadsheet evaluates, so they hold the text exactly. In CSV, which has no cell types, text starting with
= + - @, a tab or a carriage return is prefixed with a single quote (`safe_cell`, as OWASP advises); a text
that itself starts with a quote followed by one of those characters (or another quote) gets one too, so that
`read_sheet` strips exactly one quote from such CSV cells and gives every text back as it was.

CSV: UTF-8 with a byte-order mark (Excel reads UTF-8 CSV correctly only with one; every other tool ignores
it), CRLF between records (RFC 4180 and the csv module's default), fields quoted only when they must be.

Workbooks are reproducible: the same input gives the same bytes whatever the clock or the time zone.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from skillrepo.domain import ATTRIBUTE_TYPES, LEVELS
from skillrepo.exports.framework_json import ordered_attributes
from skillrepo.model import Framework
from skillrepo.sheetlayout import (
    ATTRIBUTE_HEADER,
    ATTRIBUTES_SHEET,
    CATEGORIES_SHEET,
    CATEGORY_HEADER,
    LEVELS_SHEET,
    PUBLISHED_LEVEL_FIELDS,
    SKILL_HEADER,
    SKILLS_SHEET,
    ooxml_escape,
    safe_cell,
    unsafe_cell,
)

__all__ = ["ATTRIBUTES_SHEET", "ATTRIBUTE_HEADER", "CATEGORIES_SHEET", "LEVELS_SHEET", "SKILLS_SHEET",
           "SKILL_HEADER", "attribute_rows", "category_rows", "published_level_rows", "safe_cell", "skill_rows",
           "to_csv", "to_xlsx", "unsafe_cell", "write_csv", "write_xlsx"]

# ---------------------------------------------------------------------------------------------------------
# Writing


def _ordered_skills(fw: Framework) -> list[Any]:
    """The active skills, in the published order (framework.yaml's order.skills)."""
    return [s for s in fw.skills.values() if s.status == "active"]


def skill_rows(fw: Framework, url: Callable[[str], str]) -> tuple[list[str], list[list[Any]]]:
    """The skills sheet: its header and one row per active skill (retired skills are left out), in the published
    order. Empty cells are None. The URL column is
    the skill's published URL when it has one, else `url(code)`."""
    rows: list[list[Any]] = []
    for number, skill in enumerate(_ordered_skills(fw), start=1):
        marks = [n if n in skill.levels else None for n in LEVELS]
        texts = [skill.levels[n].description if n in skill.levels else None for n in LEVELS]
        rows.append([number, *marks, skill.code, skill.url or url(skill.code), skill.name, skill.category,
                     skill.subcategory, skill.description, skill.guidance, *texts])
    return list(SKILL_HEADER), rows


def attribute_rows(fw: Framework, url: Callable[[str], str]) -> tuple[list[str], list[list[Any]]]:
    """The attributes sheet: its header and one row per active attribute (retired ones are left out), in the
    framework's order. Empty cells are None; the URL column is as `skill_rows`' (`url(code)` without one)."""
    rows: list[list[Any]] = []
    for attribute in ordered_attributes(fw):
        if attribute.status != "active":
            continue
        levels, code = attribute.levels, attribute.code
        rows.append([*(n if n in levels else None for n in LEVELS), code, attribute.url or url(code), attribute.name,
                     ATTRIBUTE_TYPES[attribute.type], attribute.description, attribute.guidance,
                     *(levels[n].description if n in levels else None for n in LEVELS)])
    return list(ATTRIBUTE_HEADER), rows


def published_level_rows(fw: Framework, url: Callable[[int], str]) -> tuple[list[Any], list[list[Any]]]:
    """levels.csv as the published file lays it out, transposed: a first row Level, 1 ... 7, then one row each
    for the guiding phrase (the level's name), the essence and the URL (the level's published URL when it has one,
    else `url(level)`)."""
    levels = [fw.levels[n] for n in sorted(fw.levels)]
    label, phrase, essence, link = PUBLISHED_LEVEL_FIELDS
    return [label, *(lv.level for lv in levels)], [[phrase, *(lv.name for lv in levels)],
                                                   [essence, *(lv.essence for lv in levels)],
                                                   [link, *(lv.url or url(lv.level) for lv in levels)]]


def category_rows(fw: Framework) -> tuple[list[str], list[list[Any]]]:
    """The categories sheet: one row per subcategory, in framework.yaml's order."""
    return list(CATEGORY_HEADER), [[c, s] for c, subs in fw.categories.items() for s in subs]


def write_csv(out: BinaryIO, header: list[Any], rows: list[list[Any]]) -> None:
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


def to_csv(header: list[Any], rows: list[list[Any]]) -> bytes:
    """`write_csv`'s bytes."""
    out = io.BytesIO()
    write_csv(out, header, rows)
    return out.getvalue()

_NARROW = {"#": 6, "Levels": 7, "Level": 7, "Code": 8}
_WIDE = 60
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _width(header: Any, values: list[Any]) -> int:
    longest = max([0] + [max(len(line) for line in str(v).split("\n")) for v in values if v is not None])
    if header in _NARROW and longest <= _NARROW[header]:  # the transposed levels sheet's Level column holds labels
        return _NARROW[header]
    return max(8, min(max(longest, len(str(header))) + 2, _WIDE))


def _fill(sheet: Any, header: list[Any], rows: list[list[Any]]) -> None:
    """Write a sheet of a write-only workbook: widths, frozen header and filter first, then row by row."""
    widths = [_width(h, [r[i] if i < len(r) else None for r in rows]) for i, h in enumerate(header)]
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    head = []
    for h in header:
        cell = WriteOnlyCell(sheet, ooxml_escape(h) if isinstance(h, str) else h)
        cell.font = _BOLD
        if isinstance(h, str):  # the transposed levels sheet's header holds the levels' numbers
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
                cell = WriteOnlyCell(sheet, ooxml_escape(value))
                cell.data_type = "s"  # a string cell, whatever it holds: never a formula, so no quote is needed
                long = "\n" in value or len(value) > (widths[c - 1] if c <= len(widths) else _WIDE)
                cell.alignment = _WRAP if long else _TOP
            else:
                cell = WriteOnlyCell(sheet, value)
                cell.alignment = _TOP
            cells.append(cell)
        sheet.append(cells)


def _zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromtimestamp(epoch, UTC)
    moment = min(max(moment, datetime(1980, 1, 1, tzinfo=UTC)), datetime(2107, 12, 31, 23, 59, 58,
                                                                                  tzinfo=UTC))
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


def write_xlsx(out: BinaryIO, sheets: list[tuple[str, list[Any], list[list[Any]]]], epoch: int) -> None:
    """A workbook with one sheet per (name, header, rows): bold frozen header, autofilter, column widths,
    wrapped long texts. Reproducible: its dates come from `epoch` (seconds, UTC), never from the clock.
    Written row by row (openpyxl's write-only mode), so that a large framework's cells are never all in memory."""
    book = Workbook(write_only=True)
    for name, header, rows in sheets:
        _fill(book.create_sheet(title=name), header, rows)
    when = datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
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


def to_xlsx(sheets: list[tuple[str, list[Any], list[list[Any]]]], epoch: int) -> bytes:
    """`write_xlsx`'s bytes."""
    out = io.BytesIO()
    write_xlsx(out, sheets, epoch)
    return out.getvalue()
