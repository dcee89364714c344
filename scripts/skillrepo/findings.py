"""A finding: one problem at one place, with a stable code; sortable by place."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: repository-relative path, 1-based line and column, stable code, severity, message."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = ERROR

    def as_text(self) -> str:
        """The one-line form `path:line:col: CODE message`."""
        tag = "" if self.severity == ERROR else " (warning)"
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}{tag}"
