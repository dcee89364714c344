"""The only way YAML comes in: a strict loader on libyaml's C parser that keeps every node's position.

PyYAML's own loaders accept duplicate keys, anchors and aliases, tags, several documents, and turn
`NO` into False and `2024-01-05` into a date without a word. This loader builds plain values from
the parser's events itself, refuses what is ambiguous, and records where every node stands so
that a finding can point at its line and column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.constructor import ConstructorError, SafeConstructor
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

from skillrepo.chars import C0_BUT_TAB_LF, C1
from skillrepo.domain import BIDI_CONTROLS, MAX_FILE_BYTES
from skillrepo.hints import syntax_hint

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
NULL_TAG = "tag:yaml.org,2002:null"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"
VALUE_TAG = "tag:yaml.org,2002:value"
MAX_DEPTH = 64
# What no data file needs, and what keeps the work of reading a hostile file small: a line, a text, the number
# of values in a file, a number written out (YAML 1.1 tools read 5000 digits as a number; building it is slow).
MAX_LINE_CHARS = 10_000
MAX_TEXT_CHARS = 50_000
MAX_NODES = 20_000
# changes/log.yaml lists every applied change request and every release: it grows with the history, so only
# its size (MAX_FILE_BYTES) bounds it; a value takes at least a few bytes.
MAX_LOG_NODES = 400_000
MAX_NUMBER_CHARS = 100
# More problems of one kind in one file than this are summed up in one problem, not listed one by one.
MAX_PROBLEMS_PER_CODE = 10
# Control characters (Unicode category Cc) that no framework text holds: all of them but tab and line feed.
# YAML itself refuses them raw, but a double-quoted "\x07", "\e" or "\0" escape writes them.
CONTROL = re.compile(f"[{C0_BUT_TAB_LF}{C1}]")
BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
_SUSPECT = re.compile(f"{CONTROL.pattern}|{BIDI_CONTROL.pattern}")  # either: the texts are walked to say where
CRLF_WORDS = ("has Windows line endings (CRLF); run `skillrepo fmt`, or set `git config core.autocrlf false` "
              "and check the files out again")
PLAIN_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")

_IMPLICIT = Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = SafeConstructor()


_NO_IMPLICIT: dict[Path_, tuple[str, str]] = {}  # shared by restored files: never changed
_NO_PROBLEMS: list[YamlProblem] = []


@dataclass(frozen=True, order=True)
class YamlProblem:
    """A problem in the YAML itself, 1-based position."""

    line: int
    column: int
    code: str
    message: str


class Loaded:
    """One file's values, the position of every node and key, and what went wrong reading it.

    Positions are only needed for a finding, and keeping one per node would cost more memory than the values
    themselves: the first time one is asked for, the file's text is walked again to find them all."""

    __slots__ = ("data", "usable", "implicit", "problems", "_text", "_found", "max_nodes")

    def __init__(self, max_nodes: int = MAX_NODES) -> None:
        self.data: Any = None
        self.usable = False
        self.max_nodes = max_nodes
        # Plain scalars that YAML (1.1, or 1.2 for numbers) reads as other than text: path -> (tag, source text).
        self.implicit: dict[Path_, tuple[str, str]] = {}
        self.problems: list[YamlProblem] = []
        # What was loaded (UTF-8 bytes or text, or how to read them again), to find positions again.
        self._text: str | bytes | Callable[[], bytes] | None = None
        self._found: _Positions | None = None  # the positions, once a walk found them

    @classmethod
    def restored(cls, data: Any, usable: bool, implicit: dict[Path_, tuple[str, str]],
                 problems: list[YamlProblem], max_nodes: int) -> Loaded:
        """What loading gave once, kept elsewhere (the result cache): read only, so a file without implicit values
        or problems shares one empty mapping and list with every other (a pair of each per file at 10x is 3 MB)."""
        out = cls.__new__(cls)
        out.data, out.usable, out.max_nodes = data, usable, max_nodes
        out.implicit = implicit or _NO_IMPLICIT
        out.problems = problems or _NO_PROBLEMS
        out._text, out._found = b"", None  # positions come from the bytes, read again when a finding needs them
        return out

    @property
    def positions(self) -> dict[Path_, Position]:
        """The position of every node, by path."""
        return self._walked().positions

    @property
    def key_positions(self) -> dict[Path_, Position]:
        """The position of every mapping key, by the path of its value."""
        return self._walked().key_positions

    def _walked(self) -> _Positions:
        if self._found is None:
            self._found = self._find_positions()
        return self._found

    def _find_positions(self) -> _Positions:
        again = _Positions(self.max_nodes)
        if self._text is not None:
            source = self._text() if callable(self._text) else self._text
            if isinstance(source, bytes):
                source = source[3:] if source.startswith(b"\xef\xbb\xbf") else source  # as load_bytes read it
                text = source.decode("utf-8")
            else:
                text = source
            try:
                parser = CParser(text)
                try:
                    _walk_events(parser, again, again)
                finally:
                    parser.dispose()
            except (yaml.YAMLError, UnicodeEncodeError):
                pass  # the problem was reported by the first walk; positions up to it were recorded
        return again

    def position(self, path: Path_) -> Position:
        """The position of the node at `path`, or of its nearest ancestor that has one."""
        positions = self.positions
        p = tuple(path)
        while p not in positions and p:
            p = p[:-1]
        return positions.get(p, (1, 1))


class _Positions:
    """Where a walk that records positions puts them, and the throwaway parts of a Loaded it also fills."""

    def __init__(self, max_nodes: int = MAX_NODES) -> None:
        self.max_nodes = max_nodes
        self.positions: dict[Path_, Position] = {}
        self.key_positions: dict[Path_, Position] = {}
        self.implicit: dict[Path_, tuple[str, str]] = {}
        self.problems: list[YamlProblem] = []
        self.data: Any = None
        self.usable = False


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
        if _YAML12_FLOAT.fullmatch(value):
            return FLOAT_TAG
        if _YAML12_OCTAL.fullmatch(value):
            return INT_TAG
    return STR_TAG


def _construct(tag: str, value: str) -> Any:
    if tag in (MERGE_TAG, VALUE_TAG):
        return value
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))
    except (ConstructorError, ValueError, OverflowError):
        return value


# What a plain scalar of each implicit tag is read as, in messages that ask for it to be quoted.
IMPLICIT_WORDS = {
    "tag:yaml.org,2002:bool": "a boolean", "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "empty (null)", MERGE_TAG: "a merge key",
}


def _short_tag(tag: str) -> str:
    """A tag as it was written: !!str, not tag:yaml.org,2002:str."""
    prefix = "tag:yaml.org,2002:"
    return _shown("!!" + tag[len(prefix):] if tag.startswith(prefix) else tag)


def _shown(text: str, width: int = 60) -> str:
    """A text from the file as a message may show it: control characters escaped (a terminal would obey
    them), and cut short."""
    text = CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text.replace("\t", "\\t").replace("\n", "\\n"))
    return text if len(text) <= width else text[:width - 3] + "..."


def _line_col(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def too_large(size: int) -> Loaded:
    """What loading a file of `size` bytes over the limit gives, without reading it."""
    out = Loaded()
    out.problems.append(YamlProblem(1, 1, "Y009", f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; "
                                    "split it or shorten its texts"))
    return out


def load_bytes(raw: bytes, max_nodes: int = MAX_NODES) -> Loaded:
    """Decode and load one YAML file strictly; problems are values, never exceptions.

    Beyond `load_text`, the file as a whole must be small enough, UTF-8 without a byte-order mark, with no line
    over MAX_LINE_CHARS; and its texts (keys and values) hold no control character and none is over
    MAX_TEXT_CHARS long; at most `max_nodes` values."""
    if len(raw) > MAX_FILE_BYTES:
        return too_large(len(raw))
    out = Loaded(max_nodes)
    if raw.startswith(b"\xef\xbb\xbf"):
        out.problems.append(YamlProblem(1, 1, "Y011",
                                        "file starts with a byte-order mark; save it as UTF-8 without BOM"))
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
    long_line = _long_line(text)
    if long_line is not None:
        number, length = long_line
        out.problems.append(YamlProblem(number, 1, "Y009", f"line {number} is {length:,} characters long, over the "
                                        f"limit of {MAX_LINE_CHARS:,}; break it (fold a long text over several lines)"))
        return out
    out._text = raw  # the bytes, not the text: a str of non-ASCII text takes up to four times the room
    load_text(text, out)
    crlf = raw.find(b"\r\n")
    if crlf >= 0:  # YAML reads the same values; reported once, not as a difference on every line
        line, col = _line_col(text, len(raw[:crlf].decode("utf-8")))
        out.problems.append(YamlProblem(line, col, "F602", CRLF_WORDS))
    # A value is never longer than the text it is written in, and holds a control character only if the text
    # does or a double-quoted escape (a backslash) writes one: most files need no walk over their values.
    if len(text) > MAX_TEXT_CHARS or "\\" in text or _SUSPECT.search(text):
        _check_texts(out)
    return out


def _long_line(text: str) -> tuple[int, int] | None:
    """The first line longer than MAX_LINE_CHARS and its length, or None."""
    lengths = [len(line) for line in text.split("\n")]
    if max(lengths) <= MAX_LINE_CHARS:
        return None
    index = next(i for i, n in enumerate(lengths) if n > MAX_LINE_CHARS)
    return index + 1, lengths[index]


def _texts(data: Any) -> Iterator[tuple[str, Path_, bool]]:
    """Every text of a loaded file, keys and values, with its path and whether it is a key."""
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield value, path, False
        elif isinstance(value, dict):
            for key, child in value.items():
                key_path = path + (key,)
                if isinstance(key, str):
                    yield key, key_path, True
                stack.append((key_path, child))
        elif isinstance(value, list):
            stack.extend((path + (i,), child) for i, child in enumerate(value))


def _check_texts(out: Loaded) -> None:
    """Control characters in texts (Y013), and texts too long for any framework file (Y009); either makes the
    file unusable, so that no rule reads (or repeats in a message) such a text; so do bidirectional controls (Y014)."""
    found: list[YamlProblem] = []
    for text, path, is_key in _texts(out.data):
        long = len(text) > MAX_TEXT_CHARS
        m = CONTROL.search(text)
        bidi = BIDI_CONTROL.search(text)
        if not long and m is None and bidi is None:
            continue
        if is_key:
            position = out.key_positions.get(path)
            if position is None:  # a stand-in for a broken key (a duplicate, an alias): reported already
                continue
        else:
            position = out.position(path)
        line, col = position
        if long:
            found.append(YamlProblem(line, col, "Y009", f"text of {len(text):,} characters, over the limit of "
                                     f"{MAX_TEXT_CHARS:,}; shorten it"))
            out.usable = False
        if m is not None:
            found.append(YamlProblem(line, col, "Y013", _control_words(m.group(0))))
            out.usable = False  # so that no later message shows the text, control characters and all
        if bidi is not None:
            found.append(YamlProblem(line, col, "Y014", _bidi_words(bidi.group(0))))
            out.usable = False  # as for Y013: no later message repeats the text
    out.problems.extend(_capped(sorted(found)))


def _control_words(char: str) -> str:
    return (f"text holds the control character U+{ord(char):04X}; remove it (a text may hold tabs and line breaks, "
            "no other control character)")


def _bidi_words(char: str) -> str:
    return (f"text holds the bidirectional control character U+{ord(char):04X}, which changes the order in which "
            "the text is shown; remove it (for right-to-left words, the marks U+200E and U+200F are enough)")


def text_problem(text: str) -> tuple[str, str] | None:
    """The code and words of the first thing a text may not hold (Y013 a control character, Y014 a bidirectional
    control), as `check` reports them, or None: for commands that make a text before it is ever a file."""
    m = CONTROL.search(text)
    if m is not None:
        return "Y013", _control_words(m.group(0))
    bidi = BIDI_CONTROL.search(text)
    if bidi is not None:
        return "Y014", _bidi_words(bidi.group(0))
    return None


def _capped(problems: list[YamlProblem]) -> list[YamlProblem]:
    """The problems with those past MAX_PROBLEMS_PER_CODE of one code summed up in one, where the next one is."""
    counts = Counter(p.code for p in problems)
    if max(counts.values(), default=0) <= MAX_PROBLEMS_PER_CODE:
        return problems
    out: list[YamlProblem] = []
    seen: Counter[str] = Counter()
    for p in problems:
        seen[p.code] += 1
        if seen[p.code] <= MAX_PROBLEMS_PER_CODE:
            out.append(p)
        elif seen[p.code] == MAX_PROBLEMS_PER_CODE + 1:
            more = counts[p.code] - MAX_PROBLEMS_PER_CODE
            out.append(YamlProblem(p.line, p.column, p.code, f"{more:,} more {p.code} problems from here on, not "
                                   "listed one by one; fix them all"))
    return out


def load_text(text: str, out: Loaded | None = None) -> Loaded:
    """Load YAML text strictly into plain values (positions are found when first asked for)."""
    out = out or Loaded()
    if out._text is None:
        out._text = text
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
        if "maximum nesting depth" in problem:  # libyaml's own limit, met looking ahead on one long line
            out.problems.append(YamlProblem(line, col, "Y012", f"nested more than {MAX_DEPTH} levels deep; "
                                            "flatten the structure"))
            problem = ""
        context = exc.context_mark
        if exc.problem and exc.context and context is not None and context.line + 1 != line:
            problem += f" ({exc.context} at line {context.line + 1}, column {context.column + 1})"
        if problem and not (tab >= 0 and _line_col(text, tab)[0] == line):  # a tab that breaks it is Y007
            hint = syntax_hint(exc.problem or "", exc.context or "", text, line)
            out.problems.append(YamlProblem(line, col, "Y001", f"YAML syntax error: {problem}{hint}"))
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
    except UnicodeEncodeError as exc:  # text that is not Unicode (a lone surrogate): only from a caller, never a file
        out.problems.append(YamlProblem(1, 1, "Y008", f"not valid Unicode text ({exc.reason})"))
        out.usable = False
    if any(p.code in ("Y009", "Y012") for p in out.problems):
        out.usable = False
    out.problems[:] = _capped(out.problems)
    return out


def _build(text: str, out: Loaded) -> None:
    parser = CParser(text)
    try:
        _walk_events(parser, out, None)
    finally:
        parser.dispose()


# Keys and short values recur in every file (`description`, `update-level`, a skill's code): one string each.
_SHARED: dict[str, str] = {}
_SHARED_MAX_CHARS = 24
_SHARED_MAX_COUNT = 50_000


def shared_text(value: str) -> str:
    """One string for a key or a short value that recurs across files (the result cache shares them too)."""
    if len(value) > _SHARED_MAX_CHARS:
        return value
    found = _SHARED.get(value)
    if found is not None:
        return found
    if len(_SHARED) < _SHARED_MAX_COUNT:
        _SHARED[value] = value
    return value


def _walk_events(parser: CParser, out: Loaded | _Positions, record: _Positions | None) -> None:
    """Build `out`'s values from the parser's events; with `record`, put every node's and key's position there."""
    _Walk(out, record).run(parser)


class _Walk:
    """One walk over a parser's events: a method per kind of event, picked from _HANDLERS by the event's class.

    A frame of `stack` is [container, path, pending key or None, {key: position} of the keys seen]."""

    __slots__ = ("out", "problems", "positions", "key_positions", "stack", "root", "documents", "nodes", "limit",
                 "fatal")

    def __init__(self, out: Loaded | _Positions, record: _Positions | None) -> None:
        self.out = out
        self.problems = out.problems
        self.positions = record.positions if record is not None else None
        self.key_positions = record.key_positions if record is not None else None
        self.stack: list[list[Any]] = []
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.limit = out.max_nodes
        self.fatal = False

    def run(self, parser: CParser) -> None:
        """Walk every event up to the stream's end or the first problem that stops the walk, then fill `out`."""
        stack = self.stack
        handlers = _HANDLERS
        while True:
            event: Any = parser.get_event()
            cls = type(event)
            if cls is StreamEndEvent:
                break
            if cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
                continue
            if cls is not DocumentStartEvent:
                self.nodes += 1  # a key, a value or a collection (and the stream's start and document's end, once)
                if self.nodes > self.limit:
                    self._stop(event.start_mark, "Y009", f"more than {self.limit:,} values in one file; split it")
                    break
            handler = handlers.get(cls)
            if handler is not None and handler(self, event):
                break
        if self.documents == 0 and not self.fatal:
            self.problems.append(YamlProblem(1, 1, "Y006", "the file holds no YAML document; it is empty"))
            self.fatal = True
        self.out.data = self.root
        self.out.usable = not self.fatal

    def _problem(self, mark: Any, code: str, message: str) -> None:
        self.problems.append(YamlProblem(mark.line + 1, mark.column + 1, code, message))

    def _stop(self, mark: Any, code: str, message: str) -> None:
        """A problem that leaves the file's meaning unknown: it is not usable."""
        self._problem(mark, code, message)
        self.fatal = True

    def _pending_key(self) -> bool:
        """Whether the next node is the key of the innermost mapping."""
        return bool(self.stack) and isinstance(self.stack[-1][0], dict) and self.stack[-1][2] is None

    def _attach(self, value: Any, mark: Any, want_path: bool = False) -> Path_ | None:
        """Put a value in its container; its path if it is recorded or wanted (else None, cheaper)."""
        positions = self.positions
        stack = self.stack
        if not stack:
            self.root = value
            path: Path_ = ()
        else:
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                if positions is not None or want_path:
                    path = frame[1] + (len(container),)
                container.append(value)
            else:
                key = frame[2]
                frame[2] = None
                if key is None:
                    return None
                if positions is not None or want_path:
                    path = frame[1] + (key,)
                container[key] = value
        if positions is None:
            return path if want_path else None
        positions[path] = (mark.line + 1, mark.column + 1)
        return path

    def _document_start(self, event: Any) -> bool:
        self.documents += 1
        if self.documents > 1:
            self._stop(event.start_mark, "Y005", "a second YAML document in one file; keep one document per file")
            return True
        return False

    def _alias(self, event: Any) -> bool:
        mark = event.start_mark
        anchor = event.anchor
        self._stop(mark, "Y003", f"alias *{anchor} is not allowed; write the value out in full")
        if self._pending_key():
            self.stack[-1][2] = f"*{anchor}"  # stands in for the key so the walk stays in step
        else:
            self._attach(None, mark)
        return False

    def _anchor_or_tag(self, event: Any) -> None:
        """Anchors and tags are refused: what a file means must not hang on them."""
        mark = event.start_mark
        if event.anchor is not None:
            self._stop(mark, "Y003", f"anchor &{event.anchor} is not allowed; write each value out in full")
        if event.tag is not None:
            self._stop(mark, "Y004", f"tag {_short_tag(event.tag)} is not allowed; remove it (quote the value if "
                       "it is text)")

    def _scalar(self, event: Any) -> bool:
        if event.anchor is not None or event.tag is not None:
            self._anchor_or_tag(event)
        value: str = event.value
        plain = not event.style and event.implicit[0]
        stack = self.stack
        if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:  # _pending_key, inline: hot
            self._key(stack[-1], value, plain, event.start_mark)
            return False
        if plain:
            resolved = resolve_plain(value)
            if resolved != STR_TAG:
                self._implicit_value(value, resolved, event.start_mark)
                return False
        self._attach(shared_text(value), event.start_mark)
        return False

    def _implicit_value(self, value: str, resolved: str, mark: Any) -> None:
        """A plain value YAML reads as other than text: built as YAML builds it, and recorded as implicit."""
        if len(value) > MAX_NUMBER_CHARS:
            # Building it could take long (1:2:3:... is a number in YAML 1.1); it is a problem anyway.
            # Read as text, it would pass where text is wanted: no other rule reads it, so the file is not usable.
            self._stop(mark, "Y010", f"{_shown(value, 23)} ({len(value):,} characters) is read by YAML as "
                       f"{IMPLICIT_WORDS.get(resolved, 'a number')}, not text; quote it")
            self._attach(value, mark)
            return
        path = self._attach(_construct(resolved, value), mark, want_path=True)
        if path is not None and not (resolved == INT_TAG and PLAIN_DECIMAL.fullmatch(value)):
            self.out.implicit[path] = (resolved, value)

    def _key(self, frame: list[Any], value: str, plain: bool, mark: Any) -> None:
        """A mapping's key: it must read as text and be new in its mapping."""
        tag = resolve_plain(value) if plain and value else STR_TAG
        if tag == MERGE_TAG:
            # What the file means depends on a copy this loader does not make.
            self._stop(mark, "Y010", "key << is a YAML merge key (it copies the keys of another mapping into this "
                       "one), which this loader does not support; write the keys out")
        elif tag not in (STR_TAG, VALUE_TAG):
            self._problem(mark, "Y010", f"key {_shown(value)} is read by YAML as "
                          f"{IMPLICIT_WORDS.get(tag, 'a number')}, not text; quote it: \"{_shown(value)}\"")
        seen = frame[3]
        if value in seen:
            self._stop(mark, "Y002", f"duplicate key '{_shown(value)}' (first at line {seen[value][0]}); "
                       "keep one of them")
            frame[2] = f"{value}\x00{mark.line}"  # keep walking without overwriting the first
            return
        value = shared_text(value)
        pos = (mark.line + 1, mark.column + 1)
        seen[value] = pos
        if self.key_positions is not None:
            self.key_positions[frame[1] + (value,)] = pos
        frame[2] = value

    def _collection(self, event: Any) -> bool:
        if event.anchor is not None or event.tag is not None:
            self._anchor_or_tag(event)
        mark = event.start_mark
        if len(self.stack) >= MAX_DEPTH:
            self._stop(mark, "Y012", f"nested more than {MAX_DEPTH} levels deep; flatten the structure")
            return True
        if self._pending_key():
            self._stop(mark, "Y010", "a mapping or list used as a key; keys must be text")
            return True
        container: Any = {} if type(event) is MappingStartEvent else []
        path = self._attach(container, mark, want_path=True)
        self.stack.append([container, path if path is not None else (), None, {}])
        return False


# The method that takes each kind of event; the stream's start and the document's end only count as a node.
_HANDLERS: dict[type, Callable[[_Walk, Any], bool]] = {
    DocumentStartEvent: _Walk._document_start,
    AliasEvent: _Walk._alias,
    ScalarEvent: _Walk._scalar,
    MappingStartEvent: _Walk._collection,
    SequenceStartEvent: _Walk._collection,
}
