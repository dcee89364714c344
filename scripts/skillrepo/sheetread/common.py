"""What the sheet reader and the archive screen share: the error, where in the file it is, and the limits."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from skillrepo.chars import C0, C1
from skillrepo.errors import SkillrepoError

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


class SheetError(SkillrepoError):
    """A spreadsheet that is not in the published layout; the message names the file, sheet, row and column."""


@dataclass(frozen=True)
class Where:
    """A place in a spreadsheet file, which makes the errors that name it."""

    file: str
    sheet: str | None

    def __str__(self) -> str:
        """The file, and the sheet if it is a workbook's: how a message names where something is."""
        return self.file if self.sheet is None else f"{self.file}, sheet {cut(self.sheet)}"

    def error(self, message: str, row: int | None = None, column: str | None = None) -> SheetError:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {cut(self.sheet)}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {cut(column)}")
        # Sheet names, headers and cells are the file's: a control character in one would reach the terminal.
        return SheetError(_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", ", ".join(parts) + ": " + message))


_CONTROL = re.compile(f"[{C0}{C1}]")


def cut(text: str, width: int = 60) -> str:
    """A text from the file as a message quotes it: cut short."""
    return text if len(text) <= width else text[:width - 3] + "..."


Rows = Generator[tuple[int, list[Any]], None, None]


