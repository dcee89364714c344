"""The vocabulary of the framework, defined once: codes, levels, statuses, identifiers."""

import difflib
import re
from collections.abc import Iterable
from typing import Any

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)

LEVEL_NAMES: dict[int, str] = {
    1: "Follow",
    2: "Assist",
    3: "Apply",
    4: "Enable",
    5: "Ensure/advise",
    6: "Initiate/influence",
    7: "Set strategy/inspire/mobilise",
}

# Patterns as the schemas hold them, valid in ECMA 262 (editors) and in Python (jsonschema), where `$` also
# matches before a final line break: `(?!\n)` keeps "ITOP\n" out. [A-Z] and [0-9] are ASCII only (no flags).
# A CR id has 4 digits, or more with no leading zero (CR-01447 would be a second spelling of CR-1447), and at
# most MAX_CR_DIGITS, so that no id, nor the next one, makes a path too long for a file system.
MAX_CR_DIGITS = 9
SKILL_CODE_PATTERN = r"^[A-Z]{4}(?!\n)$"
CR_ID_PATTERN = r"^CR-([0-9]{4}|[1-9][0-9]{4,8})(?!\n)$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?!\n)$"

SKILL_CODE_RE = re.compile(SKILL_CODE_PATTERN)
CR_ID_RE = re.compile(CR_ID_PATTERN)
UUID_RE = re.compile(UUID_PATTERN)


def cr_id_problem(name: str) -> str:
    """Why a name is not a change request id, in words: CR-01447 is refused as a second spelling of CR-1447."""
    digits = name[3:] if name.startswith("CR-") else ""
    if digits.isascii() and digits.isdigit():
        if len(digits) > MAX_CR_DIGITS:
            return f"{len(digits):,} digits; a change request number has 4 to {MAX_CR_DIGITS}"
        if len(digits) > 4 and digits.startswith("0"):
            return (f"a leading zero: {name[:3]}{int(digits):04d} is the same number, and one number is one change "
                    "request")
        if len(digits) < 4:
            return f"the number is written in 4 digits: {name[:3]}{int(digits):04d}"
    return f"CR- and 4 to {MAX_CR_DIGITS} digits, e.g. CR-1432"


SKILL_STATUSES: tuple[str, ...] = ("active", "retired")
# The kinds of attribute, each with the label published files give it in their Type column.
ATTRIBUTE_TYPES: dict[str, str] = {"generic": "Attributes", "behavioural": "Business skills/Behavioural factors"}
CR_STATUSES: tuple[str, ...] = ("draft", "submitted", "accepted", "reverted", "declined", "deferred", "withdrawn")
# What `revert` sets: the change request was applied and undone, and is applied again only once re-accepted.
REVERTED_STATUS = "reverted"

MAX_FILE_BYTES = 1024 * 1024
# All data files together (those under MAX_FILE_BYTES: larger ones are never read). A command holds about four
# bytes of memory per byte of YAML (README, Speed): 100 MiB is half again the 10x benchmark's 68 MB, and its
# 400 MiB or so fits under the hostile corpus's 500 MB address space.
MAX_REPOSITORY_BYTES = 100 * 1024 * 1024

# Bidirectional embeddings, overrides and isolates (a regular-expression character range): they change the order
# in which a text or a file name is shown, so that a review can read something other than what is stored
# ("Trojan Source"). The marks U+200E and U+200F are enough for right-to-left words, and are allowed.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"

# The impacts of a change, least first: the impact of several changes together is the greatest of theirs.
IMPACT_RANK: dict[str, int] = {"": 0, "minor": 1, "major": 2}


# Texts whose words are a label, not a description: renaming one is never a rewrite of what it means (a status
# or an attribute's type is a word from a list: its own kind's impact says what changing it means; a move's
# order field holds the code the item comes after).
LABEL_FIELDS = frozenset({"name", "category", "subcategory", "status", "type", "url", "order"})


def rewrite(field: str | None, before: Any, after: Any) -> str | None:
    """Why a change of a text is a rewrite, 'keeps 3 of 40 words', when it keeps less than half of the words
    before (so it is major unless its change request says otherwise); None when it is not a rewrite."""
    if not isinstance(before, str) or not isinstance(after, str) or field in LABEL_FIELDS:
        return None
    old, new = before.split(), after.split()
    kept = sum(block.size for block in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks())
    return f"keeps {kept} of {len(old)} words" if old and kept * 2 < len(old) else None


def same_level_name(name: str, expected: str) -> bool:
    """Whether a level's name is `expected` as publishers write it: "Ensure, advise" is "Ensure/advise"."""
    def words(text: str) -> list[str]:
        return re.split(r"[\s,/]+", text.casefold().strip())
    return words(name) == words(expected)


def greatest_impact(impacts: Iterable[str]) -> str:
    """The greatest of some changes' impacts ("" when there are none)."""
    return max(impacts, key=lambda i: IMPACT_RANK.get(i, 0), default="")
