"""The JSON Schemas, one per kind of file, and schema violations as findings at the offending node."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from skillrepo.documents import Document
from skillrepo.findings import Finding
from skillrepo.layout import schema_filename
from skillrepo.resources import schema_dir
from skillrepo.schemacheck import Predicate, Unsupported, compile_schema, is_integer
from skillrepo.yamlsource import IMPLICIT_WORDS, INT_TAG, NULL_TAG

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


def _is_integer(checker: Any, instance: Any) -> bool:
    """jsonschema's type checker's form of the compiled schemas' integer test (`schemacheck.is_integer`)."""
    return is_integer(instance)


@cache
def _strict_validator() -> type[Validator]:
    """The 2020-12 validator with that one change (booleans are never integers in either). `extend` is the
    documented way (subclassing a validator is deprecated), and is not annotated. Made on first use: a check whose
    every file the result cache holds validates nothing, and never imports jsonschema (40 ms)."""
    from jsonschema import Draft202012Validator, validators

    strict: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))
    return strict


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The schema for a kind of file, as a dict."""
    with open(schema_dir() / schema_filename(kind), encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every local $ref replaced by what it names: validation without reference lookups."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        rest = {k: _inline(v, defs) for k, v in node.items() if k not in ("$ref", "$defs")}
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return {**rest, **_inline(defs[ref[len("#/$defs/"):]], defs)}
        return rest
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


@cache
def operation_schemas() -> dict[str, str]:
    """Each operation kind and the $defs entry that describes it, as the manifest schema dispatches them."""
    dispatch = load_schema("manifest")["$defs"]["operation"]["allOf"]
    return {d["if"]["properties"]["op"]["const"]: d["then"]["$ref"].rsplit("/", 1)[1] for d in dispatch}


@cache
def inlined_schema(kind: str) -> Any:
    """The schema a kind of file (or "op:<kind>" for one operation) is validated with, references inlined.

    Manifests are validated with each operation checked by its own kind's schema, chosen in Python, rather
    than by trying every kind's if/then: the same errors, a fraction of the time."""
    if kind.startswith("op:"):
        schema = load_schema("manifest")
        return _inline(schema["$defs"][operation_schemas()[kind[3:]]], schema["$defs"])
    schema = load_schema(kind)
    inlined = _inline(schema, schema.get("$defs", {}))
    if kind == "manifest":
        operation = dict(inlined["properties"]["operations"]["items"])
        operation.pop("allOf")
        inlined["properties"]["operations"] = {**inlined["properties"]["operations"], "items": operation}
    return inlined


@cache
def validator(kind: str) -> Validator:
    """A reused validator for a kind of file (or "op:<kind>" for one operation): jsonschema's, for the findings."""
    return _strict_validator()(inlined_schema(kind))


@cache
def predicate(kind: str) -> Predicate | None:
    """The compiled validity test of a kind of file (or "op:<kind>"), or None if the compiler refuses its schema."""
    try:
        return compile_schema(inlined_schema(kind))
    except Unsupported:
        return None


def is_valid(kind: str, data: Any) -> bool | None:
    """Whether `_errors(kind, data)` would be empty, without jsonschema; None if a schema is not compiled.

    Operations are dispatched as `_errors` does it: a manifest is valid if its own schema and each operation's
    kind's schema hold."""
    test = predicate(kind)
    if test is None:
        return None
    if not test(data):
        return False
    operations = data.get("operations") if kind == "manifest" and isinstance(data, dict) else None
    if isinstance(operations, list):
        for op in operations:
            if _dispatched(op) is not None:
                op_test = predicate(f"op:{op['op']}")
                if op_test is None:
                    return None
                if not op_test(op):
                    return False
    return True


def _dispatched(op: Any) -> str | None:
    """The kind of an operation that has a schema of its own; None for anything else (no mapping, no such kind,
    an `op` that is a list), which the operation's common schema reports."""
    kind = op.get("op") if isinstance(op, dict) else None
    return kind if isinstance(kind, str) and kind in operation_schemas() else None


def _errors(kind: str, data: Any) -> list[ValidationError]:
    errors = list(validator(kind).iter_errors(data))
    operations = data.get("operations") if kind == "manifest" and isinstance(data, dict) else None
    if isinstance(operations, list):
        for i, op in enumerate(operations):
            if _dispatched(op) is not None:
                for error in validator(f"op:{op['op']}").iter_errors(op):
                    error.path.extendleft((i, "operations"))  # as if found from the manifest's root
                    errors.append(error)
    return errors


def property_order(kind: str) -> list[str]:
    """The keys of a kind of file in their canonical order: the order of the schema's properties."""
    return list(load_schema(kind)["properties"])


_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number", "object": "a mapping of keys",
    "array": "a list", "boolean": "true or false", "null": "nothing",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a date" if hasattr(value, "isoformat") else type(value).__name__


def dotted(path: tuple[Any, ...] | list[Any]) -> str:
    """A node's path as people write it: operations[0].description."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _expected(schema: dict[str, Any]) -> str:
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return " or ".join(_TYPE_WORDS.get(str(k), str(k)) for k in kinds)
    return _TYPE_WORDS.get(str(kinds), str(kinds))


def _finding(doc: Document, error: ValidationError) -> Finding:
    """A schema error as a finding: its code, where it is and what to do, in the reader's words."""
    loaded = doc.loaded
    path = tuple(error.absolute_path)
    where = dotted(path)
    line, col = loaded.position(path)
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        line, col = loaded.key_positions.get(path, (line, col))
        return Finding(doc.path, line, col, "S201", f"missing key '{missing}'" + (f" in {where}" if path else ""))
    if v == "additionalProperties":
        key, message = _unknown_key(error, schema, where if path else "")
        line, col = loaded.key_positions.get(path + (key,), (line, col))
        return Finding(doc.path, line, col, "S202", message)
    if v in ("type", "anyOf", "enum", "pattern", "const") and path in loaded.implicit and not (
            _wants_number(schema) and loaded.implicit[path][0] != NULL_TAG):
        return Finding(doc.path, line, col, *_implicit(loaded.implicit[path], where))
    if v == "type":
        return Finding(doc.path, line, col, "S203", _wrong_type(error, schema, where, loaded.implicit.get(path)))
    return Finding(doc.path, line, col, "S204", _invalid_value(error, schema, where))


def _unknown_key(error: ValidationError, schema: dict[str, Any], where: str) -> tuple[str, str]:
    """S202: the first unknown key and the message naming the allowed ones."""
    allowed = list(schema.get("properties", {}))
    extra = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
    key = extra[0] if extra else "?"
    return key, f"unknown key '{key}'" + (f" in {where}" if where else "") + (
        f"; allowed keys: {', '.join(allowed)}" if allowed else "")


def _implicit(implicit: tuple[str, str], where: str) -> tuple[str, str]:
    """A value YAML read as something other than text: no value at all (S203), or a boolean, date... (Y010)."""
    tag, source = implicit
    if tag == "tag:yaml.org,2002:null":
        return "S203", f"{where}: no value given; write the value, or remove the key"
    return "Y010", (f"{where}: {source} is read by YAML as {IMPLICIT_WORDS.get(tag, tag)}, not text; "
                    f"quote it: \"{source}\"")


def _wrong_type(error: ValidationError, schema: dict[str, Any], where: str,
                implicit: tuple[str, str] | None) -> str:
    """S203's message: what was expected and what was found."""
    if schema.get("type") == "string" and isinstance(error.instance, int) and not isinstance(error.instance, bool):
        return (f"{where}: expected {_expected(schema)}, found {_describe(error.instance)}; "
                f"quote it: \"{error.instance}\"")
    if _wants_number(schema) and implicit is not None:
        return _not_decimal(where, implicit[1], error.instance)
    return f"{where}: expected {_expected(schema)}, found {_describe(error.instance)}"


def _invalid_value(error: ValidationError, schema: dict[str, Any], where: str) -> str:
    """S204's message, by the schema keyword the value fails."""
    v = error.validator
    hint = schema.get("description", "").rstrip(".")
    hint = f"; expected {hint[:1].lower()}{hint[1:]}" if hint else ""
    empty = f"{where}: text is empty; write the text, or remove the key"
    if v == "enum":
        return f"{where}: {_cut(repr(error.instance))} is not one of: {', '.join(map(str, schema.get('enum', [])))}"
    if v == "pattern":
        return empty if error.validator_value == "\\S" else f"{where}: {_cut(repr(error.instance))} is not valid{hint}"
    if v == "minLength" and error.instance == "":
        return empty
    if v in ("minimum", "maximum"):
        return f"{where}: {_cut(repr(error.instance))} is out of range{hint}"
    if v == "oneOf":
        return f"{where}: give either from and to (the whole old and new value), or edits (a list of old/new)"
    if v == "minItems" and error.instance == [] and _retirement_replacements(error):
        return f"{where}: the list is empty{hint}"  # the schema says what to name, or to delete the operation
    if v == "uniqueItems":
        return f"{where}: a value is listed twice; list each once"
    return f"{where}: {error.message}"


def _retirement_replacements(error: ValidationError) -> bool:
    """Whether the error is at a manifest's retire-skill replaced_by (operations[N].replaced_by)."""
    path = list(error.absolute_path)
    return len(path) == 3 and path[0] == "operations" and path[2] == "replaced_by"


def _cut(text: str, width: int = 40) -> str:
    """A value from a file as a message quotes it: cut short (an id can be thousands of digits long)."""
    return text if len(text) <= width else text[:width - 3] + "..."


def _wants_number(schema: dict[str, Any]) -> bool:
    return schema.get("type") in ("integer", "number")


def _not_decimal(where: str, source: str, value: Any) -> str:
    """What to say of a number field written as other than a whole number in decimal (4.0, 0x4, true)."""
    shown = source if len(source) <= 24 else source[:21] + "..."
    exact = (isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1_000_000
             and float(value).is_integer())  # 1e300 is a whole number too, of 301 digits: not worth writing out
    advice = f"write {int(value)}" if exact else "write a whole number, e.g. 4"
    return f"{where}: expected a whole number written in decimal, found {shown}; {advice}"


def _odd_integers(doc: Document, errors: list[ValidationError]) -> Iterator[Finding]:
    """S203 at each whole number written as YAML 1.1 tools alone read it (0x4, 0o4, 1_0, 1:30): the schema
    accepts the number, but people and other tools do not read that text as it."""
    flagged = {tuple(e.absolute_path) for e in errors}
    unknown = {tuple(e.absolute_path) + (key,) for e in errors if e.validator == "additionalProperties"
               and isinstance(e.instance, dict) and isinstance(e.schema, dict)
               for key in e.instance if key not in e.schema.get("properties", {})}
    for path, (tag, source) in sorted(doc.loaded.implicit.items(), key=lambda item: str(item[0])):
        # A value under an unknown key is reported as that key (S202), not again for how it is written.
        if tag == INT_TAG and path not in flagged and not any(path[:n] in unknown for n in range(1, len(path) + 1)):
            line, col = doc.loaded.position(path)
            yield Finding(doc.path, line, col, "S203", _not_decimal(dotted(path), source, _value_at(doc, path)))


def _value_at(doc: Document, path: tuple[Any, ...]) -> Any:
    value = doc.loaded.data
    for part in path:
        value = value[part]
    return value


def _typos(errors: list[ValidationError]) -> dict[tuple[Any, ...], dict[str, str]]:
    """Unknown keys that are a near miss of a missing required key, per mapping: {path: {typo: meant}}."""
    missing: dict[tuple[Any, ...], list[str]] = {}
    for e in errors:
        if e.validator == "required" and "'" in e.message:
            missing.setdefault(tuple(e.absolute_path), []).append(e.message.split("'")[1])
    out: dict[tuple[Any, ...], dict[str, str]] = {}
    for e in errors:
        path = tuple(e.absolute_path)
        if e.validator == "additionalProperties" and path in missing and isinstance(e.instance, dict):
            allowed = e.schema.get("properties", {}) if isinstance(e.schema, dict) else {}
            for key in (k for k in e.instance if k not in allowed):
                close = difflib.get_close_matches(str(key), missing[path], n=1, cutoff=0.75)
                if close:
                    out.setdefault(path, {})[key] = close[0]
    return out


def validate(doc: Document) -> list[Finding]:
    """Schema violations of one loaded document, each at its node; marks the document valid if none."""
    # Nearly every file is valid: the compiled test says so without jsonschema (never imported for a valid
    # repository); jsonschema explains the rest, as ever. A valid file may still hold odd integers (0x4) below.
    valid = is_valid(doc.info.kind, doc.loaded.data)
    errors = [] if valid else _errors(doc.info.kind, doc.loaded.data)
    typos = _typos(errors)
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    findings: list[Finding] = []
    for error in errors:
        if error.validator in ("allOf", "if", "then"):
            continue
        if error.validator in ("minimum", "maximum") and tuple(error.absolute_path) in mistyped:
            continue  # 1e300 for a level: out of range, but first not a whole number
        path = tuple(error.absolute_path)
        fixes = typos.get(path, {})
        if error.validator == "required" and any(f"'{meant}'" in error.message for meant in fixes.values()):
            continue  # reported once, as the misspelt key
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
            for key in (k for k in error.instance if k not in allowed):
                line, col = doc.loaded.key_positions.get(path + (key,), doc.loaded.position(path))
                advice = f"did you mean '{fixes[key]}'?" if key in fixes else f"allowed keys: {', '.join(allowed)}"
                findings.append(Finding(doc.path, line, col, "S202", f"unknown key '{key}'"
                                        + (f" in {dotted(path)}" if path else "") + f"; {advice}"))
            continue
        findings.append(_finding(doc, error))
    findings.extend(_odd_integers(doc, errors))
    doc.valid = not findings
    return findings
