"""Screening a workbook's archive before openpyxl opens it: the zip's size and table of contents, and the XML
of its parts, so that a hostile or broken file is refused with one line instead of costing time or memory."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from skillrepo.sheetread.common import (
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_ROWS,
    MAX_TAG_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_XML_RUN_BYTES,
    MAX_XML_TAGS,
    SHARED_STRINGS_WEIGHT,
    TAG_WEIGHT,
    SheetError,
    Where,
)


def screened(where: Where, path: Path) -> Path | io.BytesIO:
    """The workbook at `path` as the reader is to open it (the file, or a copy with its worksheets cut after the
    rows read); refused with a SheetError if it is not a zip, is too large, or holds what no workbook holds."""
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
            return _with_cuts(archive, cuts) if cuts else path
    except SheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        # a damaged or unsupported archive (a bad CRC, an unknown compression, a truncated part)
        raise where.error(f"not a readable .xlsx workbook: {exc}") from exc


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


def _screen_parts(where: Where, archive: zipfile.ZipFile) -> dict[str, bytes]:
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


def _screen_runs(where: Where, part: str, data: bytes) -> None:
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


def _rows_read_end(where: Where, part: str, data: bytes) -> int:
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
