"""A JSON Schema compiled once into a plain predicate that answers as jsonschema's strict 2020-12 validator would:
does the value have no errors? Valid files need no jsonschema at all; an invalid one is explained by jsonschema.

Each keyword is implemented exactly as jsonschema 4's `_keywords` module does it (a keyword applies only to values
of its type), with jsonschema's own `equal` and `uniq` copied below. A keyword the compiler does not implement
makes it refuse the whole schema (`Unsupported`), so that a change of schema can never make it answer wrongly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from numbers import Number
from typing import Any

Predicate = Callable[[Any], bool]

# Keywords that assert nothing. `format` asserts nothing either: jsonschema checks it only when the validator is
# given a format checker, and schemas.validator() gives none (tests/test_schemacheck.py holds it to that).
ANNOTATIONS = frozenset({"description", "title", "$schema", "$id", "$comment", "examples", "default", "format",
                         "deprecated", "readOnly", "writeOnly"})
IMPLEMENTED = frozenset({"type", "properties", "required", "additionalProperties", "minProperties", "items",
                         "minItems", "uniqueItems", "pattern", "minLength", "maxLength", "minimum", "maximum",
                         "const", "enum", "anyOf", "oneOf", "allOf", "not", "if", "then", "else"})


class Unsupported(ValueError):
    """A schema the compiler does not implement: it is left to jsonschema."""


def is_integer(value: Any) -> bool:
    """An integer is written as one: JSON Schema calls 4.0 an integer, but `level: 4.0` is read as a float, and a
    float would change every identifier and anchor made from it (jsonschema is given this test too)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)  # jsonschema's is_number


_TYPES: dict[str, Predicate] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": is_integer,
    "number": _is_number,
}


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


# jsonschema._utils.unbool, equal and uniq, line for line (jsonschema: Copyright (c) 2013 Julian Berman, MIT
# licence, whose notice is in every jsonschema distribution): enum, const and uniqueItems must tell
# True from 1 as they do, and match their quirks too (uniq compares neighbours after sorting, when it can sort).
_TRUE, _FALSE = object(), object()


def _unbool(element: Any) -> Any:
    if element is True:
        return _TRUE
    if element is False:
        return _FALSE
    return element


def equal(one: Any, two: Any) -> bool:
    """jsonschema's equality: as Python's, but a boolean is never equal to a number, in lists and mappings too."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two, strict=False))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(value, two[key]) for key, value in one.items())
    return bool(_unbool(one) == _unbool(two))


def uniq(container: list[Any]) -> bool:
    """jsonschema's uniqueItems test: whether no two items are `equal`."""
    try:
        ordered = sorted(_unbool(i) for i in container)
        for i, j in zip(ordered, itertools.islice(ordered, 1, None), strict=False):
            if equal(i, j):
                return False
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for e in container:
            e = _unbool(e)
            if any(equal(i, e) for i in seen):
                return False
            seen.append(e)
    return True


def compile_schema(schema: Any) -> Predicate:
    """The predicate for a schema (references already inlined); raises Unsupported for what it does not implement."""
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise Unsupported(f"a schema must be a mapping or a boolean, not {schema!r}")
    unknown = set(schema) - IMPLEMENTED - ANNOTATIONS
    if unknown:
        raise Unsupported(f"keyword(s) not implemented: {', '.join(sorted(map(str, unknown)))}")
    types = schema.get("type")
    single = types if isinstance(types, str) else None
    checks: list[Predicate] = []
    if types is not None and single not in ("object", "array", "string"):
        checks.append(_type(types))
    # Each group of keywords is one closure; it checks the type itself when "type" names just that one.
    for group, build in (("object", _object), ("array", _array), ("string", _string)):
        if any(k in schema for k in _GROUPS[group]) or single == group:
            checks.append(build(schema, single == group))
    if "minimum" in schema or "maximum" in schema:
        checks.append(_number(schema))
    checks.extend(_values(schema))
    checks.extend(_combinations(schema))
    return _all(checks)


_GROUPS = {
    "object": ("properties", "required", "additionalProperties", "minProperties"),
    "array": ("items", "minItems", "uniqueItems"),
    "string": ("pattern", "minLength", "maxLength"),
}


def _all(checks: list[Predicate]) -> Predicate:
    """One predicate true when every check is: the common one- and two-check cases without a loop."""
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    every = tuple(checks)

    def each(value: Any) -> bool:
        for check in every:  # noqa: SIM110 (a plain loop: all() over a generator costs a frame per value)
            if not check(value):
                return False
        return True
    return each


def _type(types: Any) -> Predicate:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or not names or any(n not in _TYPES for n in names):
        raise Unsupported(f"type {types!r}")  # jsonschema raises UnknownType on such a schema: let it
    tests = [_TYPES[n] for n in names]
    return tests[0] if len(tests) == 1 else lambda v: any(test(v) for test in tests)


def _natural(schema: dict[str, Any], keyword: str) -> int | None:
    value = schema.get(keyword)
    if value is not None and not is_integer(value):
        raise Unsupported(f"{keyword} {value!r}")
    return value


def _object(schema: dict[str, Any], strict: bool) -> Predicate:
    """properties, required, additionalProperties and minProperties, on a dict (anything else passes unless strict)."""
    properties_ = schema.get("properties", {})
    required = schema.get("required", [])
    if not isinstance(properties_, dict) or not isinstance(required, list):
        raise Unsupported("properties must be a mapping and required a list")
    properties = {key: compile_schema(sub) for key, sub in properties_.items()}
    fewest = _natural(schema, "minProperties") or 0
    additional = schema.get("additionalProperties", True)
    if not isinstance(additional, (bool, dict)):
        raise Unsupported(f"additionalProperties {additional!r}")
    closed = additional is False
    extra = None if isinstance(additional, bool) else compile_schema(additional)
    keys = tuple(required)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return not strict
        if len(value) < fewest:
            return False
        for key in keys:
            if key not in value:
                return False
        for key, item in value.items():
            sub = properties.get(key)
            if sub is not None:
                if not sub(item):
                    return False
            elif closed or (extra is not None and not extra(item)):
                return False
        return True
    return check


def _array(schema: dict[str, Any], strict: bool) -> Predicate:
    """items, minItems and uniqueItems, on a list (anything else passes unless strict)."""
    items = compile_schema(schema["items"]) if "items" in schema else None
    fewest = _natural(schema, "minItems") or 0
    unique = bool(schema.get("uniqueItems", False))

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return not strict
        if len(value) < fewest:
            return False
        if items is not None:
            for item in value:
                if not items(item):
                    return False
        return not unique or uniq(value)
    return check


def _string(schema: dict[str, Any], strict: bool) -> Predicate:
    """pattern (searched, as jsonschema does), minLength and maxLength in code points, on a str."""
    pattern = schema.get("pattern")
    if pattern is not None and not isinstance(pattern, str):
        raise Unsupported(f"pattern {pattern!r}")
    search = re.compile(pattern).search if pattern is not None else None
    shortest = _natural(schema, "minLength") or 0
    longest = _natural(schema, "maxLength")

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return not strict
        if len(value) < shortest or (longest is not None and len(value) > longest):
            return False
        return search is None or search(value) is not None
    return check


def _number(schema: dict[str, Any]) -> Predicate:
    """minimum and maximum, on a number (never a boolean); NaN passes both, as it does in jsonschema."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if any(bound is not None and not _is_number(bound) for bound in (low, high)):
        raise Unsupported(f"minimum {low!r} or maximum {high!r}")

    def check(value: Any) -> bool:
        if not _is_number(value):
            return True
        return not ((low is not None and value < low) or (high is not None and value > high))
    return check


def _values(schema: dict[str, Any]) -> list[Predicate]:
    """const and enum, by jsonschema's `equal`; a text is equal only to the same text, so a set answers for it."""
    checks: list[Predicate] = []
    if "const" in schema:
        const = schema["const"]
        checks.append((lambda v: v == const) if isinstance(const, str) else (lambda v: equal(v, const)))
    if "enum" in schema:
        enum = schema["enum"]
        if not isinstance(enum, list):
            raise Unsupported(f"enum {enum!r}")
        texts = frozenset(e for e in enum if type(e) is str)
        only_texts = len(texts) == len(enum)  # no repeats, nothing but text: a text is a member iff it is in the set

        def member(value: Any) -> bool:
            if only_texts and type(value) is str:
                return value in texts
            return any(equal(each, value) for each in enum)
        checks.append(member)
    return checks


def _subschemas(schema: dict[str, Any], keyword: str) -> list[Predicate]:
    subs = schema[keyword]
    if not isinstance(subs, list) or not subs:
        raise Unsupported(f"{keyword} must be a non-empty list")
    return [compile_schema(sub) for sub in subs]


def _combinations(schema: dict[str, Any]) -> list[Predicate]:
    """anyOf, oneOf (exactly one), allOf, not, and if/then/else (then and else without if assert nothing)."""
    checks: list[Predicate] = []
    if "allOf" in schema:
        checks.append(_all(_subschemas(schema, "allOf")))
    if "anyOf" in schema:
        any_of = _subschemas(schema, "anyOf")
        checks.append(lambda v: any(sub(v) for sub in any_of))
    if "oneOf" in schema:
        one_of = _subschemas(schema, "oneOf")
        checks.append(lambda v: sum(1 for sub in one_of if sub(v)) == 1)
    if "not" in schema:
        negated = compile_schema(schema["not"])
        checks.append(lambda v: not negated(v))
    if "if" in schema:
        condition = compile_schema(schema["if"])
        then = compile_schema(schema.get("then", True))
        otherwise = compile_schema(schema.get("else", True))
        checks.append(lambda v: then(v) if condition(v) else otherwise(v))
    return checks
