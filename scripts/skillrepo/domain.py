"""The vocabulary of the framework, defined once: codes, levels, statuses, identifiers."""

import re

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

SKILL_CODE_PATTERN = r"^[A-Z]{4}$"
CR_ID_PATTERN = r"^CR-[0-9]{4,}$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

SKILL_CODE_RE = re.compile(SKILL_CODE_PATTERN)
CR_ID_RE = re.compile(CR_ID_PATTERN)
UUID_RE = re.compile(UUID_PATTERN)

SKILL_STATUSES: tuple[str, ...] = ("active", "retired")
CR_STATUSES: tuple[str, ...] = ("draft", "submitted", "accepted", "declined", "deferred", "withdrawn")

OPERATION_KINDS: tuple[str, ...] = (
    "add-skill",
    "update-skill",
    "retire-skill",
    "add-level",
    "update-level",
    "remove-level",
    "update-responsibility-level",
    "update-framework",
)

MAX_FILE_BYTES = 1024 * 1024

# Bidirectional embeddings, overrides and isolates (a regular-expression character range): they change the order
# in which a text or a file name is shown, so that a review can read something other than what is stored
# ("Trojan Source"). The marks U+200E and U+200F are enough for right-to-left words, and are allowed.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
