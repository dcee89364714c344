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
# capital nu is an N, its small letter a v): mapped before case folding. Written as escapes, as a reviewer could
# not tell them from the Latin letters otherwise; tests/test_names.py checks each one's script and case.
LOOKALIKES: dict[str, str] = {
    # Cyrillic capitals
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H", "\u041e": "O",
    "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0423": "Y", "\u0425": "X", "\u0405": "S", "\u0406": "I",
    "\u0408": "J", "\u051a": "Q", "\u051c": "W", "\u04ba": "H", "\u04c0": "I", "\u04ae": "Y",
    # Cyrillic small letters
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y", "\u0445": "x",
    "\u0455": "s", "\u0456": "i", "\u0458": "j", "\u0501": "d", "\u051b": "q", "\u051d": "w", "\u04bb": "h",
    "\u04cf": "l", "\u04af": "y",
    # Greek capitals
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I", "\u039a": "K",
    "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
    # Greek small letters
    "\u03b1": "a", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v", "\u03bf": "o", "\u03c1": "p", "\u03c5": "u",
    "\u03c7": "x",
    # Latin small letters without their dot
    "\u0131": "i", "\u0237": "j",
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
