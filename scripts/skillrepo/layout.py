"""Where each kind of file lives in a framework repository, and what its path says about it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from skillrepo.chars import C0, C1
from skillrepo.domain import BIDI_CONTROLS, CR_ID_RE, LEVELS, SKILL_CODE_RE, cr_id_problem
from skillrepo.errors import SkillrepoError

FRAMEWORK_DIR = "framework"
CHANGES_DIR = "changes"
FRAMEWORK_FILE = "framework/framework.yaml"
LOG_FILE = "changes/log.yaml"

KINDS: tuple[str, ...] = ("framework", "level", "skill", "skill-level", "attribute", "attribute-level", "manifest",
                          "log")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("framework", re.compile(r"^framework/framework\.yaml$")),
    ("level", re.compile(r"^framework/levels/level-(?P<level>[1-9][0-9]*)\.yaml$")),
    ("skill", re.compile(r"^framework/skills/(?P<code>[^/]+)/skill\.yaml$")),
    ("skill-level", re.compile(r"^framework/skills/(?P<code>[^/]+)/level-(?P<level>[1-9][0-9]*)\.yaml$")),
    ("attribute", re.compile(r"^framework/attributes/(?P<code>[^/]+)/attribute\.yaml$")),
    ("attribute-level",
     re.compile(r"^framework/attributes/(?P<code>[^/]+)/level-(?P<level>[1-9][0-9]*)\.yaml$")),
    ("manifest", re.compile(r"^changes/(?P<cr>[^/]+)/manifest\.yaml$")),
    ("log", re.compile(r"^changes/log\.yaml$")),
)

_LEVEL_NAMES = frozenset(str(n) for n in LEVELS)

# Files a repository may hold beside the data, which no rule reads.
_ALLOWED_EXTRA = re.compile(r"^(changes|framework)/README\.md$")


@dataclass(frozen=True, slots=True)  # one per data file: without slots, a dictionary each (2 MB at 10x)
class PathInfo:
    """What a repository path is: its kind and the identity its path gives (code, level, CR id)."""

    kind: str
    code: str | None = None
    level: int | None = None
    cr: str | None = None


# The patterns by the top directory they match under (they match disjoint paths): a manifest, most of a large
# repository's files, is tried against two patterns rather than eight.
_BY_TOP: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    top: tuple((kind, pattern) for kind, pattern in _PATTERNS if pattern.pattern.startswith(f"^{top}/"))
    for top in ("framework", "changes")}


def classify(relpath: str) -> PathInfo | None:
    """The kind of file at a repository-relative POSIX path, or None if the repository does not know it."""
    for kind, pattern in _BY_TOP.get(relpath.partition("/")[0], ()):
        m = pattern.match(relpath)
        if m:
            groups = m.groupdict()
            level = groups.get("level")
            if level is not None and level not in _LEVEL_NAMES:  # compared as text: level-999...9 is no number
                return None
            return PathInfo(kind, groups.get("code"), int(level) if level is not None else None, groups.get("cr"))
    return None


def is_allowed_extra(relpath: str) -> bool:
    """A file the repository accepts but no rule reads (a README in framework/ or changes/)."""
    return bool(_ALLOWED_EXTRA.match(relpath))


def schema_filename(kind: str) -> str:
    """The schema file for a kind of data file."""
    return f"{kind}.schema.json"


# The paths of data files are made only from a valid code, level or CR id, so that no value from a file or
# a command line can name a path outside its directory (../, /etc, CON, a name differing only in case).


def _code(code: str, what: str = "skill") -> str:
    if not isinstance(code, str) or not SKILL_CODE_RE.fullmatch(code):
        example = "ITOP" if what == "skill" else "AUTO"
        raise SkillrepoError(f"{_shown(code)} is not {'an' if what[0] in 'aeiou' else 'a'} {what} code "
                             f"(4 capital letters, e.g. {example})")
    return code


def _level(level: int) -> int:
    if isinstance(level, bool) or level not in LEVELS:
        raise SkillrepoError(f"{_shown(level)} is not a level: levels are {LEVELS[0]} to {LEVELS[-1]}")
    return level


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to write out
        return "a number of thousands of digits"
    return text if len(text) <= 40 else text[:37] + "..."


def skill_dir(code: str) -> str:
    return f"framework/skills/{_code(code)}"


def skill_path(code: str) -> str:
    return f"framework/skills/{_code(code)}/skill.yaml"


def skill_level_path(code: str, level: int) -> str:
    return f"framework/skills/{_code(code)}/level-{_level(level)}.yaml"


def attribute_dir(code: str) -> str:
    return f"framework/attributes/{_code(code, 'attribute')}"


def attribute_path(code: str) -> str:
    return f"framework/attributes/{_code(code, 'attribute')}/attribute.yaml"


def attribute_level_path(code: str, level: int) -> str:
    return f"framework/attributes/{_code(code, 'attribute')}/level-{_level(level)}.yaml"


def level_path(level: int) -> str:
    return f"framework/levels/level-{_level(level)}.yaml"


def manifest_path(cr: str) -> str:
    if not isinstance(cr, str) or not CR_ID_RE.fullmatch(cr):
        raise SkillrepoError(f"{_shown(cr)} is not a change request id ({cr_id_problem(str(cr))})")
    return f"changes/{cr}/manifest.yaml"


class Entry(NamedTuple):
    """A file or link found under framework/ or changes/; `problem` says why it is not read at all, and
    `bad_name` whether that is its name (shown escaped in `relpath`). A named tuple: a check makes one per file,
    and a frozen dataclass cost five times as much to make."""

    relpath: str
    is_symlink: bool = False
    is_dir: bool = False
    problem: str | None = None
    bad_name: bool = False


# Characters a file name shows raw on a terminal at its peril: C0 and C1 controls, DEL, and the bidirectional
# controls that make a name read as another ("level-1\u202eyaml.exe").
_NAME_CONTROL = re.compile(f"[{C0}{C1}{BIDI_CONTROLS}]")


def printable_name(name: str) -> str:
    """A file name as it can be shown: bytes that are not UTF-8 and control characters written as \\xNN (or
    \\uNNNN)."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _NAME_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else
                             f"\\u{ord(m.group(0)):04x}", text)


def path_problem(relpath: str) -> str | None:
    """Why a repository path cannot be a data file's whatever its place: a name not UTF-8, or with a control
    character; or None."""
    return _name_problem(relpath)


def _name_problem(name: str) -> str | None:
    if name.isascii() and name.isprintable():
        return None  # nearly every name: printable ASCII holds no control character and is UTF-8
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not UTF-8 text"
    m = _NAME_CONTROL.search(name)
    if m is not None:
        return f"its name holds the control character U+{ord(m.group(0)):04X}"
    return None


def walk(root: Path) -> list[Entry]:
    """Every file under framework/ and changes/, sorted; symbolic links are listed, never followed.

    A name that is not UTF-8 or holds a control character is listed (shown escaped) with its problem, and not
    gone into; so is a directory that cannot be listed, and anything that is neither a regular file, a
    directory nor a link (a named pipe, a device)."""
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
            try:
                with os.scandir(directory) as entries:
                    listed = list(entries)
            except OSError as exc:
                found.append(Entry(rel, is_dir=True, problem=f"cannot list it ({exc.strerror or exc})"))
                continue
            for e in listed:
                if e.name.startswith("."):
                    continue  # editor and OS litter (.DS_Store, swap files) is not data
                erel = f"{rel}/{e.name}"
                problem = _name_problem(e.name)
                if problem is not None:
                    found.append(Entry(f"{rel}/{printable_name(e.name)}", problem=problem, bad_name=True))
                elif e.is_symlink():
                    found.append(Entry(erel, is_symlink=True))
                elif e.is_dir(follow_symlinks=False):
                    stack.append((e.path, erel))
                elif e.is_file(follow_symlinks=False):
                    found.append(Entry(erel))
                else:  # a named pipe, a socket, a device: never opened
                    found.append(Entry(erel, problem="not a regular file"))
    found.sort(key=itemgetter(0))  # by relpath
    return found
