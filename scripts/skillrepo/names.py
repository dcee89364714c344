"""When two names are one name to a reader: the same letters in another case, another Unicode normalization,
with an invisible character, another kind of space, or a Cyrillic or Greek letter that looks like a Latin one.

`name_key` is what duplicates are compared by; `why_same` says, for two names with the same key, what makes
them look the same. The look-alike letters are a small explicit table in the spirit of the confusables of
Unicode TR39 (its skeleton maps thousands; a skills framework's names are Latin text, and these are the letters
a keyboard of another script types in their place)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Cyrillic and Greek letters that are drawn as a Latin letter, capitals and small letters apart (the Greek
# capital Ν is an N, its small letter ν a v): mapped before case folding.
LOOKALIKES: dict[str, str] = {
    # Cyrillic capitals and small letters
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I", "Ү": "Y",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y",
    # Greek capitals and small letters
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x",
    # Latin letters without their dot
    "ı": "i", "ȷ": "j",
}
_LOOKALIKE_TABLE = str.maketrans(LOOKALIKES)


def _normalized(text: str) -> str:
    """NFKC: composed and decomposed accents alike, compatibility forms (full-width, ligatures) as plain letters."""
    return unicodedata.normalize("NFKC", text)


def _visible(text: str) -> str:
    """Without format characters (Unicode category Cf: zero-width space and joiners, soft hyphen, marks)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _spaced(text: str) -> str:
    """Every run of spaces of any kind (no-break, thin, ideographic, ...) as one space, none at the ends."""
    return " ".join(text.split())


def _latin(text: str) -> str:
    return text.translate(_LOOKALIKE_TABLE)


# The steps of the key in order, each with what it forgives in words; case folding comes last.
_STEPS: tuple[tuple[Callable[[str], str], str], ...] = (
    (_visible, "by an invisible character ({char})"),
    (_spaced, "in their spaces ({char})"),
    (_normalized, "in Unicode normalization (the same letters, encoded otherwise)"),
    (_latin, "by a letter of another script that looks Latin ({char})"),
)


def name_key(name: str) -> str:
    """What two names are compared by: equal keys are names a reader takes for one."""
    text = name
    for step, _ in _STEPS:
        text = step(text)
    return _normalized(text.casefold())


def why_same(name: str, other: str) -> str | None:
    """What makes two names with the same key look the same, in words; None when they differ only in case (or
    not at all), which needs no explaining."""
    if name.casefold() == other.casefold():
        return None
    a, b = name, other
    parts: list[str] = []
    for step, words in _STEPS:
        culprit = _culprit(a, b, step)
        after = step(a), step(b)
        if after != (a, b):
            parts.append(words.format(char=culprit))
        a, b = after
        if a.casefold() == b.casefold():
            break
    return "differ only " + " and ".join(parts or [_STEPS[2][1]])


def _culprit(a: str, b: str, step: Callable[[str], str]) -> str:
    """The first character of either name that `step` changes, as U+XXXX and its Unicode name."""
    for char in a + b:
        changed = char.isspace() and char != " " if step is _spaced else step(char) != char
        if changed:
            return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed').lower()}"
    return "two spaces in a row" if step is _spaced else "a character"


def shown(name: str) -> str:
    """A name as a message shows it: invisible characters and spaces other than the plain one as \\uXXXX."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" or (c.isspace() and c != " ") else c
                   for c in name)
