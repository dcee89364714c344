"""Names a reader takes for one: the key R413 and init compare skill names by, and the words that say why."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from skillrepo.names import LOOKALIKES, name_key, shown, why_same

NAME = "Software development"


def test_the_look_alike_table_maps_other_scripts_letters_to_one_ascii_letter_of_the_same_case() -> None:
    for letter, latin in LOOKALIKES.items():
        script = unicodedata.name(letter).split()[0]
        assert script in ("CYRILLIC", "GREEK", "LATIN"), letter
        assert len(latin) == 1 and latin.isascii() and latin.isalpha()
        assert letter.isupper() == latin.isupper(), (letter, latin)


@pytest.mark.parametrize(("other", "why"), [
    ("software DEVELOPMENT", None),
    ("Software\u200b development", "differ only by an invisible character (U+200B zero width space)"),
    ("Software\u00addevelopment".replace("\u00ad", " \u00ad"), "differ only by an invisible character (U+00AD soft hyphen)"),
    ("Software\u00a0development", "differ only in their spaces (U+00A0 no-break space)"),
    ("Software\u3000development", "differ only in their spaces (U+3000 ideographic space)"),
    ("Software  development", "differ only in their spaces (two spaces in a row)"),
    ("\uff33oftware development", "differ only in Unicode normalization (the same letters, encoded otherwise)"),
    ("S\u043eftware development", "differ only by a letter of another script that looks Latin (U+043E cyrillic small "
                                  "letter o)"),
    ("Software d\u0435v\u0435lopm\u0435nt", "differ only by a letter of another script that looks Latin (U+0435 "
                                            "cyrillic small letter ie)"),
    ("\u0405oftware development", "differ only by a letter of another script that looks Latin (U+0405 cyrillic "
                                  "capital letter dze)"),
    ("Software developm\u0435nt\u200b", "differ only by an invisible character (U+200B zero width space) and by a "
                                         "letter of another script that looks Latin (U+0435 cyrillic small letter ie)"),
])
def test_names_that_look_alike_have_one_key_and_say_why(other: str, why: str | None) -> None:
    assert name_key(other) == name_key(NAME)
    assert why_same(other, NAME) == why or why_same(NAME, other) == why


def test_decomposed_and_composed_accents_are_one_name() -> None:
    composed, decomposed = "Caf\u00e9 software", "Cafe\u0301 software"
    assert name_key(composed) == name_key(decomposed)
    assert why_same(composed, decomposed) == "differ only in Unicode normalization (the same letters, encoded otherwise)"


@pytest.mark.parametrize("other", ["Software developer", "Software-development", "Softwares development",
                                   "Software d\u00e9velopment"])
def test_names_that_differ_to_a_reader_have_their_own_keys(other: str) -> None:
    assert name_key(other) != name_key(NAME)


def test_invisible_characters_and_other_spaces_are_shown_escaped() -> None:
    assert shown("Software\u200b\u00a0development") == "Software\\u200b\\u00a0development"
    assert shown("S\u043eftware") == "S\u043eftware"  # a letter is shown; the words name it


@given(st.text(min_size=1, max_size=40), st.integers(min_value=0, max_value=40),
       st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]))
def test_an_invisible_character_anywhere_leaves_the_key_as_it_was(name: str, at: int, invisible: str) -> None:
    assert name_key(name[:at] + invisible + name[at:]) == name_key(name)


_PART = st.lists(st.sampled_from(["a", "A", "b", "\u00e9", "e\u0301", "\u00c9", "\u03c3", "\u03a3", "\u03c2", "ß",
                                   "ss"]), min_size=1, max_size=3).map("".join)


@given(st.sets(st.lists(_PART, min_size=1, max_size=3).map("/".join), max_size=8))
def test_the_quick_test_for_case_collisions_agrees_with_the_search_by_directory(paths: set[str]) -> None:
    """P307's one pass over whole paths says there is a collision exactly when the search by directory finds one."""
    from skillrepo.rules.paths import _any_collision, _collisions_by_directory

    files = set(paths)
    for path in paths:  # a file and a directory of one name cannot both be: the directories stay
        parent = path.rpartition("/")[0]
        while parent:
            files.discard(parent)
            parent = parent.rpartition("/")[0]
    assert _any_collision(files) == bool(list(_collisions_by_directory(files)))
