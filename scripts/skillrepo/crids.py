"""Change request ids as people write them: 1501, cr-1501, CR1501, #1501 and CR-1501 all mean CR-1501."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from skillrepo.domain import MAX_CR_DIGITS

# An optional `#`, an optional `CR` in any case with an optional `-` or space, then the ASCII digits.
_SPELLING = re.compile(r"#?(?:cr[- ]?)?([0-9]+)", re.IGNORECASE | re.ASCII)


def normalise_cr_id(text: str) -> str:
    """The canonical id (CR-1501) for a way people write it; text that is no spelling of an id is kept as is."""
    match = _SPELLING.fullmatch(text.strip())
    if match is None or len(match[1].lstrip("0")) > MAX_CR_DIGITS:
        return text
    return f"CR-{int(match[1]):04d}"


def nearest_cr_ids(cr_id: str, known: Iterable[str], count: int = 3) -> list[str]:
    """The existing ids closest to `cr_id`: numerically nearest when it has a number, else by spelling."""
    ids = sorted(set(known))
    match = _SPELLING.fullmatch(cr_id.removeprefix("CR-"))
    if match is None or len(match[1]) > MAX_CR_DIGITS:
        return difflib.get_close_matches(cr_id, ids, n=count)
    wanted = int(match[1])
    numbered = [i for i in ids if i[3:].isascii() and i[3:].isdigit()]
    return sorted(sorted(numbered, key=lambda i: (abs(int(i[3:]) - wanted), i))[:count])
