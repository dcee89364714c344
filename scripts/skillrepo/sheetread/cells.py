"""Reading cells and rows the same way for every kind of sheet (skills, attributes, levels of responsibility):
the header, the named columns, codes, names, the Levels columns against the level descriptions, and URLs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from skillrepo.domain import LEVELS, SKILL_CODE_RE
from skillrepo.names import name_key, shown, why_same
from skillrepo.sheetlayout import DESCRIPTION
from skillrepo.sheetread.common import MAX_SKILLS, NAME_MAX, Rows, Where, cut


def text(value: Any) -> str:
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


def blank(value: Any) -> bool:
    """A cell with nothing but spaces, or nothing at all."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell(row: list[Any], index: int) -> Any:
    """The value at `index`, None past the row's end (a CSV row, or a workbook's, may stop early)."""
    return row[index] if index < len(row) else None


def header(where: Where, rows: Rows, expected: str) -> tuple[int, list[str]]:
    """The first row, as stripped texts without the empty cells at its end; refused if there is none."""
    for number, row in rows:
        found = [text(v).strip() for v in row]
        while found and not found[-1]:
            found.pop()
        if found:
            return number, found
        raise where.error(f"the first row is empty; it must be the header ({expected})", number)
    raise where.error(f"the sheet is empty; its first row must be the header ({expected})")


def data_rows(where: Where, rows: Rows, what: str) -> Iterator[tuple[int, list[Any]]]:
    """The rows after the header that hold something; more than MAX_SKILLS of them is refused."""
    count = 0
    for number, row in rows:
        if all(blank(v) for v in row):
            continue
        count += 1
        if count > MAX_SKILLS:
            raise where.error(f"more than {MAX_SKILLS:,} {what}; this is not a skills framework", number)
        yield number, row


def columns(where: Where, row: int, found: list[str], wanted: list[str]) -> dict[str, int]:
    """The index of each wanted column (matched ignoring case); refused if one is missing or repeated."""
    seen: dict[str, int] = {}
    keys = {w.casefold() for w in wanted}
    for i, name in enumerate(found):
        key = name.casefold()
        if key in keys and key != "levels":
            if key in seen:
                raise where.error(f"column {cut(name)} appears twice (columns "
                                  f"{get_column_letter(seen[key] + 1)} and {get_column_letter(i + 1)})", row)
            seen[key] = i
    out: dict[str, int] = {}
    for name in wanted:
        if name.casefold() not in seen:
            hint = ""
            if len(found) == 1 and any(sep in found[0] for sep in ";\t"):
                hint = " (the file seems to separate columns with ';' or tabs; save it as comma-separated CSV)"
            raise where.error(f"missing column {name}{hint}", row)
        out[name] = seen[name.casefold()]
    return out


def level_marks(where: Where, row: int, found: list[str]) -> list[int]:
    """The indexes of the seven Levels columns: under one Levels cell followed by six empty ones (as published,
    the CSV of a merged cell), or each headed Levels."""
    marks = [i for i, name in enumerate(found) if name.casefold() == "levels"]
    if len(marks) == 1 and found[marks[0] + 1:marks[0] + len(LEVELS)] == [""] * (len(LEVELS) - 1):
        marks = list(range(marks[0], marks[0] + len(LEVELS)))
    if len(marks) != len(LEVELS):
        raise where.error(f"missing column Levels: the layout has {len(LEVELS)} level columns, under one Levels cell "
                          f"followed by {len(LEVELS) - 1} empty ones, or each headed Levels; found {len(marks)} headed "
                          "Levels", row)
    return marks


def one_line(where: Where, row: int, column: str, value: str, what: str) -> str:
    """A name-like text: not empty, one line, at most NAME_MAX characters."""
    if not value:
        raise where.error(f"the {what} is empty", row, column)
    if "\n" in value or "\r" in value:
        raise where.error(f"the {what} spans several lines; a {what} is one line", row, column)
    if len(value) > NAME_MAX:
        raise where.error(f"the {what} is {len(value)} characters long, over the limit of {NAME_MAX}", row, column)
    return value


def item_code(where: Where, number: int, code: str, codes: dict[str, int], what: str) -> str:
    """A row's code (of a skill or an attribute), checked and recorded in `codes` (code -> the row that has it)."""
    if not code:
        raise where.error(f"the {what} has no code", number, "Code")
    if not SKILL_CODE_RE.fullmatch(code):
        raise where.error(f"malformed code {cut(code)!r}: a code is 4 capital letters, e.g. ITOP", number,
                          "Code")
    if code in codes:
        raise where.error(f"duplicate code {code} (first on row {codes[code]})", number, "Code")
    codes[code] = number
    return code


def unique_name(where: Where, number: int, column: str, name: str, names: dict[str, tuple[int, str]],
                what: str) -> None:
    """Refuse a name that is, or looks like, the name of an earlier row (as R413 would); else record it."""
    key = name_key(name)
    if key not in names:
        names[key] = (number, name)
        return
    first, other = names[key]
    why = why_same(name, other)
    if why is None:
        raise where.error(f"duplicate name {cut(name)!r} (first on row {first})", number, column)
    raise where.error(f"name '{cut(shown(name))}' looks like the name on row {first} ('{cut(shown(other))}'): "
                      f"they {why}; give each {what} its own name", number, column)


def described_levels(where: Where, number: int, code: str, row: list[Any], marks: list[int],
                     get: Callable[[str], str]) -> dict[int, str]:
    """A row's description at each level its Levels columns list; refused if marks and texts disagree."""
    listed: set[int] = set()
    for n, index in zip(LEVELS, marks, strict=True):
        mark = text(cell(row, index)).strip()
        if mark == str(n):
            listed.add(n)
        elif mark:
            raise where.error(f"{cut(mark)!r} in the Levels column of level {n}; write {n} there if {code} is "
                              f"defined at level {n}, else leave it empty", number, f"Levels ({n})")
    levels: dict[int, str] = {}
    for n in LEVELS:
        column = DESCRIPTION.format(n)
        described = get(column)
        if n in listed and not described.strip():
            raise where.error(f"{code} is listed at level {n} in the Levels columns but has no description "
                              "there", number, column)
        if n not in listed and described.strip():
            raise where.error(f"a description of {code} at level {n}, which its Levels columns do not list; "
                              f"put {n} in the Levels column of level {n}, or clear this cell", number, column)
        if n in listed:
            levels[n] = described
    return levels


_URL = re.compile(r"https?://\S+")
MAX_URL = 500  # the schemas' limit


def published_url(where: Where, number: int, value: str, column: str = "URL") -> str | None:
    """A URL cell's address if it is a publisher's (http or https); None for an empty cell or a path into a
    release's own site (site/skills/CODE.html), which a release makes again."""
    if not value.casefold().startswith(("http://", "https://")):
        return None
    if len(value) > MAX_URL or not _URL.fullmatch(value):
        raise where.error(f"{cut(value)!r} is not an http(s) address of at most {MAX_URL} characters without spaces; "
                          "correct it or clear the cell", number, column)
    return value
