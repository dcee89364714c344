"""Which check codes a run reports: `--select`/`--ignore`, or `[tool.skillrepo.check]` in pyproject.toml.

A code, or a prefix of codes (`R4`, `T`), as ruff takes them. The command line wins over the file. The codes of
UNIGNORABLE are reported whatever the selection: they mark a file that was not read at all."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillrepo.errors import UsageError
from skillrepo.rules.base import RULES, UNIGNORABLE

CONFIG = "pyproject.toml"


@dataclass(frozen=True)
class Selection:
    """The prefixes a run selects (none: every code) and those it ignores."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wants(self, code: str) -> bool:
        """Whether findings with this code are reported."""
        if code in UNIGNORABLE:
            return True
        if self.select and not code.startswith(self.select):
            return False
        return not (self.ignore and code.startswith(self.ignore))

    def wants_any(self, codes: frozenset[str]) -> bool:
        """Whether a rule function emitting these codes needs to run at all."""
        return any(self.wants(code) for code in codes)


def resolve(root: Path, select: str | None, ignore: str | None) -> Selection:
    """The selection of a run: each of the command line's options, else the repository's configuration."""
    configured = _configured(root)
    return Selection(
        _codes(select, "--select") if select is not None else configured.select,
        _codes(ignore, "--ignore") if ignore is not None else configured.ignore,
    )


def _codes(text: str, where: str) -> tuple[str, ...]:
    """The comma-separated codes of an option, each known."""
    return _known([item.strip() for item in text.split(",") if item.strip()], where)


def _known(codes: list[str], where: str) -> tuple[str, ...]:
    unknown = [code for code in codes if not any(known.startswith(code) for known in RULES)]
    if unknown:
        raise UsageError(f"{where}: unknown check code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                         "`skillrepo rules` lists every code")
    return tuple(codes)


def _configured(root: Path) -> Selection:
    """`[tool.skillrepo.check]` of the repository's pyproject.toml; an empty selection when there is none."""
    path = root / CONFIG
    if not path.exists() and not path.is_symlink():
        return Selection()
    table = _tool_table(path)
    return Selection(_listed(table, "select"), _listed(table, "ignore"))


def _tool_table(path: Path) -> dict[str, Any]:
    from skillrepo.documents import _read_data_file  # the one careful reader: no link, no FIFO, no huge file

    try:
        data = _read_data_file(path)
        if isinstance(data, int):
            raise UsageError(f"{CONFIG}: {data} bytes is too large to be a configuration; make it smaller")
        parsed = tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise UsageError(f"{CONFIG}: cannot be read ({_reason(exc)}); fix it so that [tool.skillrepo.check] "
                         "can be read") from None
    table: Any = parsed
    for key in ("tool", "skillrepo", "check"):
        table = table.get(key, {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise UsageError(f"{CONFIG}: tool.skillrepo.check is not a table; write [tool.skillrepo.check]")
    return table


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(exc, RecursionError):  # tomllib reads nested arrays recursively
        return "nested too deep"
    return str(exc)


def _listed(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{CONFIG}: [tool.skillrepo.check] {key} is not a list of codes; write "
                         f'{key} = ["R4", "T501"]')
    return _known([item.strip() for item in value if item.strip()], f"{CONFIG}: [tool.skillrepo.check] {key}")
