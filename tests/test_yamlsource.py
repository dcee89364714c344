"""The strict loader: a table of inputs that PyYAML's own loaders accept silently, and what ours says."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from skillrepo.yamlsource import STR_TAG, load_bytes, load_text, resolve_plain

BAD = [
    # (input, code, line, column, usable)
    (b"name: [IT infrastructure\n", "Y001", 2, 1, False),
    (b"code: ITOP\ncode: ITMG\n", "Y002", 2, 1, False),
    (b"a: &x text\nb: *x\n", "Y003", 1, 4, False),
    (b"a: !!python/object/apply:os.system [echo hi]\n", "Y004", 1, 4, False),
    (b"a: !custom text\n", "Y004", 1, 4, False),
    (b"a: 1\n---\na: 2\n", "Y005", 2, 1, False),
    (b"", "Y006", 1, 1, False),
    (b"# only a comment\n", "Y006", 1, 1, False),
    (b"a:\ttext\n", "Y007", 1, 3, True),
    (b"name: caf\xe9\n", "Y008", 1, 10, False),
    (b"x" * (1024 * 1024 + 1), "Y009", 1, 1, False),
    (b"yes: 1\n", "Y010", 1, 1, True),
    (b"\xef\xbb\xbfcode: ITOP\n", "Y011", 1, 1, True),
    (b"[" * 100 + b"]" * 100, "Y012", 1, 65, False),
    (b"a: \x00\n", "Y001", 1, 4, False),
    (b"a: b\x07c\n", "Y001", 1, 5, False),
]


@pytest.mark.parametrize(("raw", "code", "line", "column", "usable"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_a_problem_at_its_position(raw: bytes, code: str, line: int, column: int, usable: bool) -> None:
    loaded = load_bytes(raw)
    first = loaded.problems[0]
    assert (first.code, first.line, first.column) == (code, line, column)
    assert loaded.usable is usable


def test_yaml11_values_are_read_as_yaml11_tools_read_them_and_remembered() -> None:
    loaded = load_text("a: NO\nb: 2024-01-05\nc: 1:30\nd: 5\ne: '5'\nf:\n")
    assert loaded.data == {"a": False, "b": datetime.date(2024, 1, 5), "c": 90, "d": 5, "e": "5", "f": None}
    assert set(loaded.implicit) == {("a",), ("b",), ("c",), ("f",)}


def test_positions_are_kept_for_every_node_and_key() -> None:
    loaded = load_text("# comment\ncode: ITOP\nrelated:\n  - ITMG\n  - NTAS\n")
    assert loaded.positions[("related", 1)] == (5, 5)
    assert loaded.key_positions[("related",)] == (3, 1)
    assert loaded.position(("related", 7)) == (4, 3)


def test_alias_bomb_is_refused_without_expanding() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20))
    loaded = load_text(bomb)
    assert not loaded.usable
    assert {p.code for p in loaded.problems} == {"Y003"}


def _a_number_only_in_yaml_12(text: str) -> bool:
    """1e3, 0E0, 0o17: text to PyYAML (YAML 1.1), which writes it plain; a number to YAML 1.2 tools."""
    as_yaml_11 = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    return as_yaml_11 == STR_TAG and resolve_plain(text) != STR_TAG


@pytest.mark.parametrize("text", ["1e3", "0E0", "1.5e3", "0o17"])
def test_what_only_yaml_12_reads_as_a_number_is_a_number_and_asked_to_be_quoted(text: str) -> None:
    dumped = yaml.safe_dump({"v": text, text: "v"}, sort_keys=False)
    assert dumped == f"v: {text}\n{text}: v\n"  # PyYAML writes it plain: a YAML 1.2 tool reads a number
    loaded = load_text(dumped)
    assert isinstance(loaded.data["v"], (int, float))  # so that where text is meant, check asks for quotes
    assert [(p.code, p.message) for p in loaded.problems] == [
        ("Y010", f'key {text} is read by YAML as a number, not text; quote it: "{text}"')]
    assert _a_number_only_in_yaml_12(text)


# PyYAML's emitter writes NEL, LS and PS (line breaks in YAML 1.1) raw into quoted scalars, where any
# reader folds them, and escapes lone surrogates, which no UTF-8 file can hold: quirks of the dumper
# used to make the input, not of the loader under test. What only YAML 1.2 reads as a number is read as one
# on purpose (the test above).
_text = st.text(st.characters(exclude_characters="\x85\u2028\u2029", exclude_categories=("Cs",))).filter(
    lambda text: not _a_number_only_in_yaml_12(text))


@given(st.recursive(
    st.one_of(_text, st.integers(), st.booleans(), st.none()),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=20,
))
def test_any_json_like_value_dumped_by_pyyaml_loads_back_the_same(value: object) -> None:
    text = yaml.safe_dump({"v": value}, allow_unicode=True)
    loaded = load_text(text)
    assert loaded.problems == [] or {p.code for p in loaded.problems} == {"Y007"}
    assert loaded.data == {"v": value}


@given(st.text("0123456789eE.+-_:oxXbB ~nNyYtTfF", max_size=9))
def test_number_like_text_dumped_by_pyyaml_loads_back_as_the_same_text(text: str) -> None:
    dumped = yaml.safe_dump({"v": text})
    loaded = load_text(dumped)
    if _a_number_only_in_yaml_12(text):
        assert isinstance(loaded.data["v"], (int, float))
    else:
        assert (loaded.data, loaded.problems) == ({"v": text}, [])
