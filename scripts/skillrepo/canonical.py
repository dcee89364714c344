"""The one canonical formatting of files under framework/: what the tools write and `fmt` restores.

- a first line `# yaml-language-server: $schema=<relative path to the schema>` for editors;
- keys in the order of the schema's properties (unknown keys after them, as they were);
- short text plain when YAML reads it back as the same text, else double-quoted;
- long one-paragraph text as a folded block (`>-`) wrapped at WIDTH columns;
- text of several lines as a literal block (`|-`), exactly as it is;
- anything a block cannot carry exactly (trailing spaces, tabs, control characters) double-quoted;
- lists in block style, `[]` when empty; no other comments.
"""

from __future__ import annotations

import json
import re
from typing import Any

from skillrepo.chars import C0_BUT_TAB_LF_CR, C1
from skillrepo.documents import Document
from skillrepo.layout import schema_filename
from skillrepo.schemas import property_order
from skillrepo.yamlsource import STR_TAG, resolve_plain

WIDTH = 100
_PLAIN = re.compile(r"^[A-Za-z0-9_(][A-Za-z0-9 _.,;()/&'+-]*$")
_UNPRINTABLE = re.compile(f"[{C0_BUT_TAB_LF_CR}{C1}\u2028\u2029\ufeff]")
_ESCAPE_EXTRA = re.compile(f"[{C1}\u2028\u2029\ufeff]")

# Key order of nested mappings that the schemas' top-level properties do not cover.
_NESTED_ORDER: dict[str, list[str]] = {"categories": ["name", "subcategories"], "order": ["skills", "attributes"]}


def schema_comment(relpath: str, kind: str) -> str:
    """The editor's schema line for a file at a repository-relative path."""
    depth = relpath.count("/")
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{schema_filename(kind)}\n"


def dump(relpath: str, kind: str, data: dict[str, Any], order: list[str],
         nested: dict[str, list[str]] | None = None) -> str:
    """The canonical text of a file holding `data`; `nested` orders the keys of mappings under a key."""
    lines: list[str] = []
    _mapping(lines, data, order, 0, {**_NESTED_ORDER, **(nested or {})})
    return schema_comment(relpath, kind) + "\n".join(lines) + "\n"


def scalar(text: str) -> str:
    """Text as a one-line YAML value: plain when YAML reads it back as the same text, else double-quoted."""
    return text if _is_plain(text) else _quoted(text)


def _ordered(data: dict[str, Any], order: list[str]) -> list[str]:
    known = [k for k in order if k in data]
    return known + [k for k in data if k not in order]


def _mapping(lines: list[str], data: dict[str, Any], order: list[str], indent: int,
             nested: dict[str, list[str]]) -> None:
    pad = " " * indent
    for key in _ordered(data, order):
        value = data[key]
        head = f"{pad}{_scalar_key(key)}:"
        if isinstance(value, dict):
            if not value:
                lines.append(f"{head} {{}}")
                continue
            lines.append(head)
            _mapping(lines, value, nested.get(key, []), indent + 2, nested)
        elif isinstance(value, list):
            if not value:
                lines.append(f"{head} []")
                continue
            lines.append(head)
            _sequence(lines, value, nested.get(key, []), indent + 2, nested)
        else:
            _value(lines, head, value, indent)


def _sequence(lines: list[str], items: list[Any], order: list[str], indent: int,
              nested: dict[str, list[str]]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            start = len(lines)
            _mapping(lines, item, order, indent + 2, nested)
            lines[start] = f"{pad}- {lines[start][indent + 2:]}"
        elif isinstance(item, list) and item:
            start = len(lines)
            _sequence(lines, item, order, indent + 2, nested)
            lines[start] = f"{pad}- {lines[start][indent + 2:]}"
        else:
            _value(lines, f"{pad}-", item, indent)


def _scalar_key(key: str) -> str:
    return key if _is_plain(key) else _quoted(key)


def _value(lines: list[str], head: str, value: Any, indent: int) -> None:
    if isinstance(value, bool):
        lines.append(f"{head} {'true' if value else 'false'}")
    elif value is None:
        lines.append(f"{head} null")
    elif isinstance(value, (int, float)):
        lines.append(f"{head} {value}")
    elif isinstance(value, str):
        lines.extend(_text(head, value, indent))
    else:
        lines.append(f"{head} {_quoted(str(value))}")


def _is_plain(text: str) -> bool:
    return bool(_PLAIN.match(text)) and not text.endswith(" ") and resolve_plain(text) == STR_TAG


def _quoted(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    return _ESCAPE_EXTRA.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def _text(head: str, text: str, indent: int) -> list[str]:
    body = " " * (indent + 2)
    if "\n" not in text:
        if _is_plain(text) and len(head) + 1 + len(text) <= WIDTH:
            return [f"{head} {text}"]
        if len(head) + 1 + len(_quoted(text)) <= WIDTH:
            return [f"{head} {_quoted(text)}"]
        if _foldable(text):
            return [f"{head} >-", *(body + line for line in fold(text, WIDTH - len(body)))]
    if _literal_ok(text):
        indicator = "|" if text.endswith("\n") else "|-"
        content = text[:-1] if text.endswith("\n") else text
        return [f"{head} {indicator}", *((body + line) if line else "" for line in content.split("\n"))]
    return [f"{head} {_quoted(text)}"]


def fold(text: str, width: int) -> list[str]:
    """A one-line text of single-space-separated words in lines of at most `width` characters, filled word by
    word; a word longer than a line has one of its own. What textwrap.wrap gives for such a text (without
    breaking words or at hyphens), at a third of its cost: every framework file's canonical form is made on a
    cold check."""
    lines: list[str] = []
    line: list[str] = []
    length = 0
    for word in text.split(" "):
        if line and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, length = [word], len(word)
        else:
            length += len(word) + (1 if line else 0)
            line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _foldable(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and "  " not in text
        and "\t" not in text
        and "\r" not in text
        and not _UNPRINTABLE.search(text)
    )


def _literal_ok(text: str) -> bool:
    if not text or text[0] in " \n" or text.endswith("\n\n") or "\r" in text or "\t" in text:
        return False
    if _UNPRINTABLE.search(text):
        return False
    return all(line == line.rstrip(" ") for line in text.split("\n"))


def canonical_text(doc: Document) -> str | None:
    """The canonical text of a framework document, or None when it cannot be formatted (not a loaded mapping)."""
    if not doc.path.startswith("framework/") or not doc.loaded.usable or not isinstance(doc.data, dict):
        return None
    return dump(doc.path, doc.info.kind, doc.data, property_order(doc.info.kind))
