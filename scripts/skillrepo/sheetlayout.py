"""The published spreadsheet layout shared by the writer (exports/sheets.py) and the reader (sheetread):
the sheets' names and headers, and how a text is kept safe in a cell and given back."""

from __future__ import annotations

import re
from typing import Any

from skillrepo.chars import C0_BUT_TAB_LF
from skillrepo.domain import LEVELS

SKILLS_SHEET = "Skills"
LEVELS_SHEET = "Levels of responsibility"
CATEGORIES_SHEET = "Categories"
# The published workbook opens with this sheet of terms of use: text, not data, which the reader passes over.
NOTES_SHEET = "Read Me Notes"

DESCRIPTION = "Level {} description"
# As published: one "Levels" cell over the seven level columns (the CSV of a merged cell), each row's level cells
# holding the level's number where the skill is defined at it. The reader also takes seven "Levels" cells.
SKILL_HEADER: tuple[str, ...] = (
    "#", "Levels", *([""] * (len(LEVELS) - 1)), "Code", "URL", "Skill", "Category", "Subcategory",
    "Overall description", "Guidance notes", *(DESCRIPTION.format(n) for n in LEVELS),
)
# The published attributes file: the skills file's layout without "#", its name column "Attribute name", and a
# Type column holding one of domain.ATTRIBUTE_TYPES' labels.
ATTRIBUTE_HEADER: tuple[str, ...] = (
    "Levels", *([""] * (len(LEVELS) - 1)), "Code", "URL", "Attribute name", "Type", "Overall description",
    "Guidance notes", *(DESCRIPTION.format(n) for n in LEVELS),
)
# The levels sheet's layout before the published (transposed) one, which the reader no longer reads.
LEVEL_HEADER: tuple[str, ...] = ("Level", "Name", "Essence")
# The published levels of responsibility file is transposed: a row per field, a column per level.
PUBLISHED_LEVEL_FIELDS: tuple[str, ...] = ("Level", "Guiding phrase", "Essence of the level", "URL")
CATEGORY_HEADER: tuple[str, ...] = ("Category", "Subcategory")
# The attributes sheet of a release's workbook, in ATTRIBUTE_HEADER's layout.
ATTRIBUTES_SHEET = "Attributes"

_DANGER = ("=", "+", "-", "@", "\t", "\r")


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



# Characters XML cannot carry (or, for CR, carries but normalises away) are written as OOXML escapes _xHHHH_;
# a text that holds such an escape literally gets its underscore escaped (_x005F_), as Excel does.
_OOXML_LITERAL = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_OOXML_CONTROL = re.compile(f"[{C0_BUT_TAB_LF}]")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_escape(text: str) -> str:
    """The text as a workbook cell carries it: characters XML cannot carry written as _xHHHH_."""
    text = _OOXML_LITERAL.sub(r"_x005F_\1", text)
    return _OOXML_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def ooxml_unescape(text: str) -> str:
    """The text `ooxml_escape` was given."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text

