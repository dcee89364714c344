"""Turning findings into what people and machines read: text lines, JSON, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from skillrepo.findings import ERROR, WARNING, Finding


def summary(findings: Sequence[Finding], files: int) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = sum(f.severity == WARNING for f in findings)
    if not findings:
        return f"checked {files} files: no problems"
    return f"checked {files} files: {_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text(findings: Sequence[Finding], files: int) -> str:
    return "".join(f.as_text() + "\n" for f in findings) + summary(findings, files) + "\n"


def as_json(findings: Sequence[Finding], files: int) -> str:
    rows = [
        {"path": f.path, "line": f.line, "column": f.column, "code": f.code, "severity": f.severity,
         "message": f.message}
        for f in findings
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Finding], files: int) -> str:
    lines = [
        f"::{'error' if f.severity == ERROR else 'warning'} file={_escape_property(f.path)},line={f.line},"
        f"col={f.column},title={f.code}::{_escape_data(f.code + ' ' + f.message)}"
        for f in findings
    ]
    return "".join(line + "\n" for line in lines) + summary(findings, files) + "\n"


REPORTERS: dict[str, Callable[[Sequence[Finding], int], str]] = {"text": text, "json": as_json, "github": github}
