"""Where the sheets' rows come from: a CSV file decoded as it was encoded, or a workbook's worksheet (once
sheetread.screen has passed its archive); each gives its rows with line breaks as LF and its cells as texts."""

from __future__ import annotations

import codecs
import csv
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from skillrepo.sheetlayout import ooxml_unescape, unsafe_cell
from skillrepo.sheetread.common import (
    MAX_COLUMNS,
    MAX_CSV_LINE_BYTES,
    MAX_ROWS,
    MAX_SHEET_FILE_BYTES,
    Rows,
    SheetError,
    Where,
)
from skillrepo.sheetread.screen import screened

# The encodings a published CSV comes in, as init names them.
UTF8, UTF8_BOM, CP1252 = "UTF-8", "UTF-8 with a byte-order mark", "Windows-1252"
_BOM = b"\xef\xbb\xbf"


def checked_file(path: Path) -> str:
    """The kind of spreadsheet file at `path` (".csv" or ".xlsx"); refused if it is neither, missing or too large."""
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
    return suffix


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


def _csv_lines(where: Where, f: Any, encoding: str, record: list[int]) -> Iterator[str]:
    """A CSV file's lines, decoded one by one so that an error names its row (`record` holds the last row read)."""
    codec = "cp1252" if encoding == CP1252 else "utf-8"
    first = True
    while True:
        raw = f.readline(MAX_CSV_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_CSV_LINE_BYTES:
            raise where.error(f"a line longer than {MAX_CSV_LINE_BYTES:,} bytes; this is not a skills sheet",
                              record[0] + 1)
        if first and encoding == UTF8_BOM:
            raw = raw[len(_BOM):]
        first = False
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError as exc:
            what = ("is not UTF-8 text, though the file starts with a UTF-8 byte-order mark" if encoding == UTF8_BOM
                    else "is neither UTF-8 nor Windows-1252 text")
            raise where.error(f"byte 0x{raw[exc.start]:02x} {what}; save the file as CSV UTF-8",
                              record[0] + 1) from exc


def csv_rows(where: Where, path: Path, encoding: str) -> Rows:
    """The records of a CSV file; a line over MAX_CSV_LINE_BYTES, or more than MAX_ROWS records, is refused."""
    record = [0]
    try:
        with open(path, "rb") as f:
            try:
                for number, row in enumerate(csv.reader(_csv_lines(where, f, encoding, record)), start=1):
                    record[0] = number
                    if number > MAX_ROWS:
                        raise where.error(f"more than {MAX_ROWS:,} rows, blank ones included; this is not a skills "
                                          "framework", number)
                    if any("\x00" in value for value in row):
                        raise where.error("it holds NUL bytes, so it is not a CSV text file", number)
                    yield number, [_csv_cell(value) for value in row]
            except csv.Error as exc:
                raise where.error(str(exc), record[0] + 1) from exc
    except OSError as exc:
        raise where.error(f"cannot read it: {exc.strerror or exc}") from exc


def sheet_rows(where: Where, sheet: Any) -> Rows:
    """The rows of a workbook's worksheet (cached values only), up to MAX_ROWS and MAX_COLUMNS."""
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


def open_workbook(path: Path, stack: ExitStack) -> Any:
    """The workbook at `path`, opened to read cached values only, closed when `stack` closes."""
    where = Where(str(path), None)
    source = screened(where, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops; they do not matter here
        try:
            book = load_workbook(source, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl fails in many ways on a file that is not a workbook
            raise where.error(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    stack.callback(book.close)
    return book


def refuse_hidden(file: str, sheet: Any) -> None:
    """Refuse to read a sheet its workbook hides: what init imports is what a person opening the file sees."""
    state = getattr(sheet, "sheet_state", "visible")
    if state == "hidden":
        raise Where(file, sheet.title).error("the sheet is hidden, and init reads only what the workbook shows; "
                                              "unhide it (or delete it) and save the workbook again")
    if state != "visible":  # veryHidden: no menu of the spreadsheet program shows it or unhides it
        raise Where(file, sheet.title).error("the sheet is very hidden (no menu shows it), and init reads only "
                                              "what the workbook shows; delete it, or unhide it with a macro, and "
                                              "save the workbook again")
