"""The compiled schemas (schemacheck.py) answer exactly as jsonschema does whether a document is valid, and a
check of a valid repository never imports jsonschema."""

from __future__ import annotations

import copy
import datetime
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, linked_bundled, links_untouched, own_file
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import _utils
from skillrepo import schemas
from skillrepo.documents import read_snapshot
from skillrepo.layout import KINDS
from skillrepo.operations import AUTHORED
from skillrepo.schemacheck import Unsupported, compile_schema, equal, uniq
from skillrepo.yamlsource import load_text

ALL_KINDS = (*KINDS, "release", *(f"op:{k}" for k in schemas.operation_schemas()))


def _agree(kind: str, data: Any) -> bool:
    """The compiled answer, held to jsonschema's: true when both say valid."""
    fast = schemas.is_valid(kind, data)
    slow = not schemas._errors(kind, data)
    assert fast is slow, f"{kind}: compiled says {fast}, jsonschema says {slow} for {data!r}"[:2000]
    return slow


@pytest.fixture(scope="module")
def documents() -> dict[str, list[Any]]:
    """The bundled repository's documents by kind, as the strict loader reads them."""
    found: dict[str, list[Any]] = {}
    for doc in read_snapshot(ROOT).documents:
        assert doc.loaded.usable, doc.path
        found.setdefault(doc.info.kind, []).append(doc.loaded.data)
    return found


def _examples() -> list[dict[str, Any]]:
    """One operation of every kind a manifest may hold: the examples `new` writes, with a real id."""
    ops: list[dict[str, Any]] = []
    for k in AUTHORED:
        loaded = load_text("".join(line[1:] + "\n" for line in k.example.splitlines()))
        assert loaded.usable, k.name
        ops.extend(loaded.data)
    for op in ops:
        if "id" in op:
            op["id"] = "0b6a3f4e-2c1d-4e5f-8a9b-0c1d2e3f4a5b"
    return ops


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_schema_compiles(kind: str) -> None:
    assert schemas.predicate(kind) is not None  # else validate() would always ask jsonschema for this kind


def test_every_bundled_file_is_valid_by_both(documents: dict[str, list[Any]]) -> None:
    assert set(documents) == set(KINDS)
    for kind, found in documents.items():
        for data in found:
            assert _agree(kind, data)


def test_every_operation_kind_example_is_valid_by_both(documents: dict[str, list[Any]]) -> None:
    ops = _examples()
    assert {op["op"] for op in ops} == set(schemas.operation_schemas())
    manifest = {**documents["manifest"][0], "operations": ops}
    assert _agree("manifest", manifest)


# --- Random mutations of real documents, anywhere in them -------------------------------------------------------

def _schema_constants(node: Any) -> Iterator[Any]:
    """Every enum member and const of the schemas: the neighbours a value can be replaced by."""
    if isinstance(node, dict):
        yield from node.get("enum", [])
        if "const" in node:
            yield node["const"]
        for value in node.values():
            yield from _schema_constants(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_constants(value)


NEIGHBOURS = sorted({str(c) for kind in ALL_KINDS for c in _schema_constants(schemas.inlined_schema(kind))})
# A value of every type the strict loader makes (a date too), drawn as often as all the others together.
TYPES: list[Any] = [None, True, False, 1, 0, 8, 1.0, 4.0, math.nan, "", "x", [], {}, datetime.date(2024, 1, 5)]
VALUES: list[Any] = [
    -1, 0.5, 3, 7, math.inf, 10**30, " ", "\n", "x\n", "a" * 600, "word " * 30, ["ITOP", "ITOP"], ["ITOP", "SYSP"], [1, True], [1, 1.0], [0, False], [[1], [True]],
    [{"a": 1}, {"a": True}], [{"a": 1}, {"a": 1.0}], [math.nan, 1, math.nan], [None, None], ["ITOP", 1, "ITOP"],
    {"a": 1}, datetime.datetime(2024, 1, 5, 10, 30), "2024-01-05", "ITOP", "itop",
    "ITOP\n", " ITOP", "ITOPS", "CR-1432", "CR-01432", "CR-1432\n", "0b6a3f4e-2c1d-4e5f-8a9b-0c1d2e3f4a5b",
    "0B6A3F4E-2C1D-4E5F-8A9B-0C1D2E3F4A5B", "https://example.org/x", "https://exa mple.org", "ftp://example.org",
    "0123456789abcdef", "1.1.0", "8", "A name", " A name", "A name ", "{from: a}", {"from": "a", "to": "b"},
    {"edits": [{"old": "a", "new": "b"}]}, {"from": "a", "to": "b", "edits": []}, [{"level": 3, "description": "x"}],
    *NEIGHBOURS,
]
a_value = st.sampled_from(TYPES) | st.sampled_from(VALUES)
KEYS = ["extra", "descripton", "op", "level", "levels", "description", "id", "code", "name", "from", "to", "edits",
        "after", "related", "replaced_by", "status", "url", "guidance", "applied_in", "origin", "order", "skills"]


def _nodes(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, (*path, index))


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = root
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return root


def _mutate(draw: Any, data: Any) -> Any:
    """One mutation at a node drawn anywhere in `data` (a copy): a key deleted or added, a value replaced, a list
    item repeated or dropped."""
    path, node = draw(st.sampled_from(list(_nodes(data))))
    how = draw(st.sampled_from(["replace", "replace", "delete", "add", "repeat", "drop"]))
    if how == "delete" and isinstance(node, dict) and node:
        del node[draw(st.sampled_from(sorted(node)))]
    elif how == "add" and isinstance(node, dict):
        node[draw(st.sampled_from(KEYS))] = copy.deepcopy(draw(a_value))
    elif how == "repeat" and isinstance(node, list) and node:
        node.append(copy.deepcopy(draw(st.sampled_from(node))))
    elif how == "drop" and isinstance(node, list) and node:
        del node[draw(st.integers(0, len(node) - 1))]
    else:
        data = _set(data, path, copy.deepcopy(draw(a_value)))
    return data


@pytest.fixture(scope="module")
def samples(documents: dict[str, list[Any]]) -> list[tuple[str, Any]]:
    """A few real documents of every kind, and a manifest holding an operation of every kind."""
    chosen = [(kind, found[i]) for kind, found in sorted(documents.items()) for i in range(min(3, len(found)))]
    return [*chosen, ("manifest", {**documents["manifest"][0], "operations": _examples()})]


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_mutated_documents_get_the_same_answer(samples: list[tuple[str, Any]], data: st.DataObject) -> None:
    kind, document = data.draw(st.sampled_from(samples))
    mutated = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        mutated = _mutate(data.draw, mutated)
    _agree(kind, mutated)


# --- The keywords our schemas do not use yet, and jsonschema's equality -------------------------------------

SMALL_SCHEMAS: list[dict[str, Any]] = [
    {"type": ["integer", "null"], "minimum": 1, "maximum": 7},
    {"type": "number", "minimum": 1, "maximum": 7},
    {"type": "boolean"},
    {"not": {"type": "string"}},
    {"if": {"type": "integer"}, "then": {"minimum": 3}, "else": {"type": "string", "minLength": 2}},
    {"then": {"type": "string"}, "else": {"type": "integer"}},  # without if, they assert nothing
    {"oneOf": [{"type": "integer"}, {"type": "number"}, {"const": "x"}]},
    {"allOf": [{"minLength": 1}, {"maxLength": 2}, {"pattern": "^a"}]},
    {"anyOf": [{"type": "array", "uniqueItems": True, "minItems": 2}, {"type": "object", "minProperties": 1}]},
    {"additionalProperties": {"type": "integer"}, "properties": {"a": {"type": "string"}}, "required": ["b"]},
    {"items": False},
    {"items": {"enum": [1, "1", None, [1], {"a": True}]}},
    {"const": [1, {"a": 1}]},
    {"const": True},
    {"const": 1},
    {"enum": [0, 1.5, "a"]},
    {"type": "string", "format": "date-time"},  # format asserts nothing: jsonschema is given no format checker
    {"uniqueItems": True},
    {"uniqueItems": False, "minItems": 1},
    True,
    False,
]

scalars = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, 3, 7, 8]), st.sampled_from([0.0, 1.0, 1.5, 7.0, math.nan]),
                    st.sampled_from(["", "a", "ab", "x", "1", "abc", "2024-01-05", "b"]),
                    st.just(datetime.date(2024, 1, 5)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["a", "b", "c"]), inner, max_size=3), max_leaves=8)


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(range(len(SMALL_SCHEMAS))), values)
def test_other_keywords_answer_as_jsonschema(index: int, value: Any) -> None:
    schema = SMALL_SCHEMAS[index]
    assert compile_schema(schema)(value) is schemas._strict_validator()(schema).is_valid(value)


@settings(max_examples=500, deadline=None)
@given(values, values, st.lists(values, max_size=5))
@example(True, 1, [1, True]).via("a boolean is not a number")
@example(False, 0.0, [[0], [False]]).via("nor in a list")
@example({"a": 1}, {"a": True}, [{"a": 1}, {"a": 1.0}]).via("nor in a mapping")
@example(math.nan, math.nan, [1, math.nan, 1]).via("uniq's sorting misses a repeat around NaN")
def test_equality_and_uniqueness_are_jsonschemas(one: Any, two: Any, items: list[Any]) -> None:
    assert equal(one, two) is _utils.equal(one, two)
    assert uniq(items) is _utils.uniq(items)
    assert uniq([one, two, *items]) is _utils.uniq([one, two, *items])


def test_booleans_are_not_numbers_and_floats_not_integers() -> None:
    level = compile_schema(schemas.inlined_schema("level")["properties"]["level"])
    assert [level(v) for v in (1, 7, True, 4.0, 0, 8, "4", None)] == [True, True, False, False, False, False, False,
                                                                       False]
    assert not uniq([1, 1.0]) and uniq([1, True]) and uniq([[0], [False]])


def test_no_format_checker_so_format_asserts_nothing() -> None:
    for kind in ALL_KINDS:
        assert schemas.validator(kind).format_checker is None


@pytest.mark.parametrize("schema", [
    {"type": "string", "contains": {}}, {"prefixItems": [{}]}, {"patternProperties": {"^a": {}}},
    {"$ref": "#/$defs/x"}, {"properties": {"a": {"exclusiveMinimum": 1}}}, {"items": {"anyOf": []}},
    {"type": "date"}, {"minLength": 1.5}, {"additionalProperties": None}, {"unevaluatedProperties": False}, 3,
])
def test_a_keyword_the_compiler_does_not_know_makes_it_refuse(schema: Any) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema)


def test_a_refused_schema_leaves_validation_to_jsonschema(monkeypatch: pytest.MonkeyPatch,
                                                          documents: dict[str, list[Any]]) -> None:
    monkeypatch.setattr(schemas, "predicate", lambda kind: None)
    skill = documents["skill"][0]
    assert schemas.is_valid("skill", skill) is None
    assert schemas.is_valid("skill", {**skill, "extra": 1}) is None


# --- A check of a valid repository never imports jsonschema -----------------------------------------------------

def _imports_in_check(root: Path) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "skillrepo", "check", "--no-cache"], cwd=root,
                          text=True, capture_output=True)
    return done.returncode, done.stderr


def test_a_check_of_valid_files_never_imports_jsonschema(tmp_path: Path) -> None:
    root = linked_bundled(tmp_path / "repo")
    code, imports = _imports_in_check(root)
    assert code == 0, imports[-2000:]
    assert "skillrepo.schemas" in imports and "jsonschema" not in imports
    # The same check of an invalid file does import it (the test sees the import when it happens).
    own_file(root / "framework" / "levels" / "level-1.yaml")
    with open(root / "framework" / "levels" / "level-1.yaml", "a", encoding="utf-8") as f:
        f.write("extra: 1\n")
    code, imports = _imports_in_check(root)
    assert code == 1 and "jsonschema" in imports
    assert links_untouched(root)
