"""Where each kind of file lives in a framework repository, and what its path says about it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from skillrepo.domain import LEVELS

FRAMEWORK_DIR = "framework"
CHANGES_DIR = "changes"
FRAMEWORK_FILE = "framework/framework.yaml"

KINDS: tuple[str, ...] = ("framework", "level", "skill", "skill-level", "manifest")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("framework", re.compile(r"^framework/framework\.yaml$")),
    ("level", re.compile(r"^framework/levels/level-(?P<level>[1-9][0-9]*)\.yaml$")),
    ("skill", re.compile(r"^framework/skills/(?P<code>[^/]+)/skill\.yaml$")),
    ("skill-level", re.compile(r"^framework/skills/(?P<code>[^/]+)/level-(?P<level>[1-9][0-9]*)\.yaml$")),
    ("manifest", re.compile(r"^changes/(?P<cr>[^/]+)/manifest\.yaml$")),
)

# Files a repository may hold beside the data, which no rule reads.
_ALLOWED_EXTRA = re.compile(r"^(changes|framework)/README\.md$")


@dataclass(frozen=True)
class PathInfo:
    """What a repository path is: its kind and the identity its path gives (code, level, CR id)."""

    kind: str
    code: str | None = None
    level: int | None = None
    cr: str | None = None


def classify(relpath: str) -> PathInfo | None:
    """The kind of file at a repository-relative POSIX path, or None if the repository does not know it."""
    for kind, pattern in _PATTERNS:
        m = pattern.match(relpath)
        if m:
            groups = m.groupdict()
            level = groups.get("level")
            if level is not None and int(level) not in LEVELS:
                return None
            return PathInfo(kind, groups.get("code"), int(level) if level is not None else None, groups.get("cr"))
    return None


def is_allowed_extra(relpath: str) -> bool:
    """A file the repository accepts but no rule reads (a README in framework/ or changes/)."""
    return bool(_ALLOWED_EXTRA.match(relpath))


def schema_filename(kind: str) -> str:
    """The schema file for a kind of data file."""
    return f"{kind}.schema.json"


def skill_dir(code: str) -> str:
    return f"framework/skills/{code}"


def skill_path(code: str) -> str:
    return f"framework/skills/{code}/skill.yaml"


def skill_level_path(code: str, level: int) -> str:
    return f"framework/skills/{code}/level-{level}.yaml"


def level_path(level: int) -> str:
    return f"framework/levels/level-{level}.yaml"


def manifest_path(cr: str) -> str:
    return f"changes/{cr}/manifest.yaml"


@dataclass(frozen=True)
class Entry:
    """A file or link found under framework/ or changes/."""

    relpath: str
    is_symlink: bool = False
    is_dir: bool = False


def walk(root: Path) -> list[Entry]:
    """Every file under framework/ and changes/, sorted; symbolic links are listed, never followed."""
    found: list[Entry] = []
    for top in (FRAMEWORK_DIR, CHANGES_DIR):
        base = root / top
        if base.is_symlink():
            found.append(Entry(top, is_symlink=True))
            continue
        if not base.is_dir():
            continue
        stack = [(str(base), top)]
        while stack:
            directory, rel = stack.pop()
            with os.scandir(directory) as entries:
                for e in entries:
                    if e.name.startswith("."):
                        continue  # editor and OS litter (.DS_Store, swap files) is not data
                    erel = f"{rel}/{e.name}"
                    if e.is_symlink():
                        found.append(Entry(erel, is_symlink=True))
                    elif e.is_dir(follow_symlinks=False):
                        stack.append((e.path, erel))
                    elif e.is_file(follow_symlinks=False):
                        found.append(Entry(erel))
    found.sort(key=lambda entry: entry.relpath)
    return found
