"""The only way YAML comes in: a strict loader on libyaml's C parser that keeps every node's position.

PyYAML's own loaders accept duplicate keys, anchors and aliases, tags, several documents, and turn
`NO` into False and `2024-01-05` into a date without a word. This loader builds plain values from
the parser's events itself, refuses what is ambiguous, and records where every node stands so
that a finding can point at its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml._yaml import CParser
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from skillrepo.domain import MAX_FILE_BYTES

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
NULL_TAG = "tag:yaml.org,2002:null"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"
VALUE_TAG = "tag:yaml.org,2002:value"
MAX_DEPTH = 64
PLAIN_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")

_IMPLICIT = Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = SafeConstructor()


@dataclass(frozen=True, order=True)
class YamlProblem:
    """A problem in the YAML itself, 1-based position."""

    line: int
    column: int
    code: str
    message: str


@dataclass
class Loaded:
    """One file's values, the position of every node and key, and what went wrong reading it."""

    data: Any = None
    usable: bool = False
    positions: dict[Path_, Position] = field(default_factory=dict)
    key_positions: dict[Path_, Position] = field(default_factory=dict)
    # Plain scalars that YAML 1.1 reads as something other than text: path -> (tag, source text).
    implicit: dict[Path_, tuple[str, str]] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)

    def position(self, path: Path_) -> Position:
        """The position of the node at `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p not in self.positions and p:
            p = p[:-1]
        return self.positions.get(p, (1, 1))


# Numbers that YAML 1.2 tools read and YAML 1.1 tools do not: ambiguous, so treated as numbers too.
_YAML12_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")
_YAML12_OCTAL = re.compile(r"^0o[0-7]+$")


def resolve_plain(value: str) -> str:
    """The tag YAML 1.1 (PyYAML, most editors and tools) gives a plain scalar, or YAML 1.2 gives a number."""
    resolvers = _IMPLICIT.get(value[0] if value else "", []) + _IMPLICIT.get(None, [])
    for tag, regexp in resolvers:
        if regexp.match(value):
            return str(tag)
    if value[:1] in "0123456789.+-" and value:
        if _YAML12_FLOAT.match(value):
            return FLOAT_TAG
        if _YAML12_OCTAL.match(value):
            return INT_TAG
    return STR_TAG


def _construct(tag: str, value: str) -> Any:
    if tag in (MERGE_TAG, VALUE_TAG):
        return value
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))
    except (ConstructorError, ValueError, OverflowError):
        return value


def _short_tag(tag: str) -> str:
    """A tag as it was written: !!str, not tag:yaml.org,2002:str."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _line_col(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_bytes(raw: bytes) -> Loaded:
    """Decode and load one YAML file strictly; problems are values, never exceptions."""
    out = Loaded()
    if len(raw) > MAX_FILE_BYTES:
        out.problems.append(
            YamlProblem(1, 1, "Y009", f"file is {len(raw):,} bytes, over the limit of {MAX_FILE_BYTES:,}; "
                        "split it or shorten its texts")
        )
        return out
    if raw.startswith(b"\xef\xbb\xbf"):
        out.problems.append(YamlProblem(1, 1, "Y011", "file starts with a byte-order mark; save it as UTF-8 without BOM"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        out.problems.append(
            YamlProblem(line, col, "Y008", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        )
        return out
    return load_text(text, out)


def load_text(text: str, out: Loaded | None = None) -> Loaded:
    """Load YAML text strictly into plain values with positions."""
    out = out or Loaded()
    tab = text.find("\t")
    if tab >= 0:
        line, col = _line_col(text, tab)
        out.problems.append(
            YamlProblem(line, col, "Y007", "tab character; indent with spaces, and write a tab in text as \\t "
                        "inside double quotes")
        )
    try:
        _build(text, out)
    except yaml.MarkedYAMLError as exc:
        mark: Any = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context_mark
        if exc.problem and exc.context and context is not None and context.line + 1 != line:
            problem += f" ({exc.context} at line {context.line + 1}, column {context.column + 1})"
        if not (tab >= 0 and _line_col(text, tab)[0] == line):  # a tab that breaks the syntax is reported as Y007
            out.problems.append(YamlProblem(line, col, "Y001", f"YAML syntax error: {problem}"))
        out.usable = False
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        out.problems.append(
            YamlProblem(line, col, "Y001", f"character U+{exc.character:04X} is not allowed in YAML; remove it")
        )
        out.usable = False
    except yaml.YAMLError as exc:  # anything else libyaml reports, still a user's file problem
        out.problems.append(YamlProblem(1, 1, "Y001", f"YAML syntax error: {exc}"))
        out.usable = False
    if any(p.code == "Y012" for p in out.problems):
        out.usable = False
    return out


def _build(text: str, out: Loaded) -> None:
    parser = CParser(text)
    try:
        _walk_events(parser, out)
    finally:
        parser.dispose()


def _walk_events(parser: CParser, out: Loaded) -> None:
    problems = out.problems
    positions = out.positions
    key_positions = out.key_positions
    fatal = False
    documents = 0
    root: Any = None
    # Each frame: [container, path, pending key or None, key seen positions]
    stack: list[list[Any]] = []

    def attach(value: Any, mark: Any) -> Path_ | None:
        nonlocal root
        if not stack:
            root = value
            path: Path_ = ()
        else:
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                path = frame[1] + (len(container),)
                container.append(value)
            else:
                key = frame[2]
                frame[2] = None
                if key is None:
                    return None
                path = frame[1] + (key,)
                container[key] = value
        positions[path] = (mark.line + 1, mark.column + 1)
        return path

    while True:
        event: Any = parser.get_event()
        cls = type(event)
        if cls is StreamEndEvent:
            break
        mark = event.start_mark
        if cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y005",
                                            "a second YAML document in one file; keep one document per file"))
                fatal = True
                break
            continue
        anchor = getattr(event, "anchor", None)
        if cls is AliasEvent:
            problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y003",
                                        f"alias *{anchor} is not allowed; write the value out in full"))
            fatal = True
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                stack[-1][2] = f"*{anchor}"  # stands in for the key so the walk stays in step
            else:
                attach(None, mark)
            continue
        if anchor is not None:
            problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y003",
                                        f"anchor &{anchor} is not allowed; write each value out in full"))
            fatal = True
        tag = getattr(event, "tag", None)
        if tag is not None:
            problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y004",
                                        f"tag {_short_tag(tag)} is not allowed; remove it (quote the value if it is text)"))
            fatal = True
        if cls is ScalarEvent:
            value: Any = event.value
            plain = not event.style and event.implicit[0]
            frame = stack[-1] if stack else None
            if frame is not None and isinstance(frame[0], dict) and frame[2] is None:
                # A mapping key.
                if plain and value and resolve_plain(value) not in (STR_TAG, VALUE_TAG):
                    problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y010",
                                                f"key {value} is not read as text by YAML 1.1 tools; "
                                                f"quote it: \"{value}\""))
                seen = frame[3]
                if value in seen:
                    first = seen[value]
                    problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y002",
                                                f"duplicate key '{value}' (first at line {first[0]}); "
                                                "keep one of them"))
                    fatal = True
                    frame[2] = f"{value}\x00{mark.line}"  # keep walking without overwriting the first
                else:
                    pos = (mark.line + 1, mark.column + 1)
                    seen[value] = pos
                    key_positions[frame[1] + (value,)] = pos
                    frame[2] = value
                continue
            if plain:
                resolved = resolve_plain(value)
                if resolved != STR_TAG:
                    path = attach(_construct(resolved, value), mark)
                    if path is not None and not (resolved == INT_TAG and PLAIN_DECIMAL.match(value)):
                        out.implicit[path] = (resolved, value)
                    continue
            attach(value, mark)
            continue
        if cls is MappingStartEvent or cls is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y012",
                                            f"nested more than {MAX_DEPTH} levels deep; flatten the structure"))
                fatal = True
                break
            frame_value: Any = {} if cls is MappingStartEvent else []
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                problems.append(YamlProblem(mark.line + 1, mark.column + 1, "Y010",
                                            "a mapping or list used as a key; keys must be text"))
                fatal = True
                break
            path = attach(frame_value, mark)
            stack.append([frame_value, path if path is not None else (), None, {}])
            continue
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            stack.pop()
            continue
    if documents == 0 and not fatal:
        problems.append(YamlProblem(1, 1, "Y006", "the file holds no YAML document; it is empty"))
        fatal = True
    out.data = root
    out.usable = not fatal
