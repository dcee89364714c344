"""Writing an export to a file as it is made: a release ten times SFIA's size publishes hundreds of
megabytes, and no export is ever held whole in memory."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring  # the C function where there is one
from typing import Any, BinaryIO

# One export: how to write it to a binary file.
Writer = Callable[[BinaryIO], None]

_FLUSH_AT = 1 << 16  # characters gathered before they are encoded and written


def write_json(out: BinaryIO, value: Any) -> None:
    """`value` exactly as `json.dumps(value, indent=2, ensure_ascii=False)` writes it, and a line end.

    An iterator anywhere in `value` is written as an array, item by item, without making the list."""
    parts: list[str] = []
    size = 0

    def emit(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)
        if size >= _FLUSH_AT:
            out.write("".join(parts).encode("utf-8"))
            parts.clear()
            size = 0

    _encode(value, "\n", emit)
    emit("\n")
    out.write("".join(parts).encode("utf-8"))


def _encode(value: Any, newline: str, emit: Callable[[str], None]) -> None:
    """Emit `value` as indented JSON; `newline` is a line end and the indentation of the current level."""
    if isinstance(value, str):
        emit(encode_basestring(value))
    elif value is None:
        emit("null")
    elif value is True:
        emit("true")
    elif value is False:
        emit("false")
    elif isinstance(value, int):
        emit(int.__repr__(value))
    elif isinstance(value, float):
        emit(json.dumps(value))
    elif isinstance(value, dict):
        if not value:
            emit("{}")
            return
        inner = newline + "  "
        first = True
        for key, item in value.items():
            emit(("{" if first else ",") + inner + encode_basestring(_key(key)) + ": ")
            first = False
            _encode(item, inner, emit)
        emit(newline + "}")
    elif isinstance(value, (list, tuple, Iterator)):
        inner = newline + "  "
        first = True
        for item in value:
            emit(("[" if first else ",") + inner)
            first = False
            _encode(item, inner, emit)
        emit("[]" if first else newline + "]")
    else:
        raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    raise TypeError(f"cannot write a {type(key).__name__} as a JSON key")


def json_bytes(value: Any) -> bytes:
    """`write_json`'s bytes, for callers that want them in memory."""
    buffer = io.BytesIO()
    write_json(buffer, value)
    return buffer.getvalue()


def text_writer(text: Callable[[], str]) -> Writer:
    """A Writer for an export made as one text (a changelog of a few megabytes)."""

    def write(out: BinaryIO) -> None:
        out.write(text().encode("utf-8"))

    return write
