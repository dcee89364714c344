"""Path and content must agree, and the repository holds only files it knows."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from skillrepo.documents import Document
from skillrepo.domain import CR_ID_RE, LEVELS, SKILL_CODE_RE, cr_id_problem
from skillrepo.findings import Finding
from skillrepo.layout import FRAMEWORK_FILE, is_allowed_extra, level_path
from skillrepo.model import Repository
from skillrepo.rules.base import Rule, at, at_file, document, finds

RULES = document(
    Rule("P301", "code-mismatch", "A skill's code, or a skill level's skill, differs from the directory it is in.",
         "# framework/skills/ITOP/skill.yaml\ncode: ITMG", "# framework/skills/ITOP/skill.yaml\ncode: ITOP"),
    Rule("P302", "level-mismatch", "A level file's level differs from the N of its name level-N.yaml.",
         "# framework/skills/ITOP/level-4.yaml\nlevel: 3", "# framework/skills/ITOP/level-4.yaml\nlevel: 4"),
    Rule("P303", "id-mismatch", "A change request's id differs from its directory, or the directory's name is not "
         "a change request id: CR- and 4 digits, or up to 9 with no leading zero (CR-01447 would be a second "
         "spelling of CR-1447).",
         "# changes/CR-1432/manifest.yaml\nid: CR-1431", "# changes/CR-1432/manifest.yaml\nid: CR-1432"),
    Rule("P304", "unknown-file", "A file the repository does not know: a wrong extension, a level outside 1-7, "
         "notes beside the data.", "framework/skills/ITOP/level-3.yml\nframework/skills/ITOP/notes.txt",
         "framework/skills/ITOP/level-3.yaml (notes go in the skill's guidance or a change request)"),
    Rule("P305", "symlink", "A symbolic link under framework/ or changes/; data files are regular files.",
         "framework/skills/ITOP/level-5.yaml -> ../../../../elsewhere.yaml", "a regular file"),
    Rule("P306", "missing-file", "A file every framework must have is missing: framework/framework.yaml, "
         "or a level of responsibility framework/levels/level-N.yaml for N = 1..7.",
         "framework/levels/ without level-7.yaml", "framework/levels/level-1.yaml ... level-7.yaml"),
    Rule("P307", "case-collision", "Two paths under framework/ or changes/ differ only in letter case (or in the "
         "Unicode normalization of their letters): on a case-insensitive file system (Windows, macOS) they are one "
         "file, and checking out the repository there loses one of them.",
         "framework/skills/ITOP/level-4.yaml\nframework/skills/itop/level-4.yaml",
         "framework/skills/ITOP/level-4.yaml"),
)


@finds(*(rule.code for rule in RULES))
def check(repo: Repository) -> Iterator[Finding]:
    snap = repo.snapshot
    for entry in snap.unknown:
        if not is_allowed_extra(entry.relpath):
            yield at_file(entry.relpath, "P304", _unknown_message(entry.relpath))
    for entry in snap.symlinks:
        yield at_file(entry.relpath, "P305", "symbolic link; data must be regular files and directories in the "
                      "repository: replace the link with what it points to")
    for path, reason in snap.unreadable:
        yield at_file(path, "P304", f"cannot be read ({reason}); make it a readable regular file")
    for path, reason in snap.bad_names:
        yield at_file(path, "P304", f"not read: {reason}; rename it (names are UTF-8 text without control "
                      "characters)")
    yield from _case_collisions([d.path for d in snap.documents] + [e.relpath for e in snap.unknown]
                                + [e.relpath for e in snap.symlinks] + [p for p, _ in snap.unreadable])
    present = {d.path for d in snap.documents} | {e.relpath for e in snap.symlinks}
    if FRAMEWORK_FILE not in present:
        yield at_file(FRAMEWORK_FILE, "P306", "missing: every framework needs framework/framework.yaml "
                      "(name, edition, categories)")
    for level in LEVELS:
        if level_path(level) not in present:
            yield at_file(level_path(level), "P306", f"missing: the level of responsibility {level} must be "
                          f"described in {level_path(level)}")
    for doc in snap.documents:
        if doc.loaded.usable and isinstance(doc.data, dict):
            yield from _agrees(doc, doc.data)


def _agrees(doc: Document, data: dict[str, Any]) -> Iterator[Finding]:
    info = doc.info
    if info.kind in _ITEM_FILES and info.code is not None:
        key, what, directory = _ITEM_FILES[info.kind]
        value = data.get(key)
        if not SKILL_CODE_RE.fullmatch(info.code):
            yield at_file(doc.path, "P301", f"directory name '{info.code}' is not {what} code (4 capital letters); "
                          f"rename the directory to the {what.split()[-1]}'s code")
        elif isinstance(value, str) and SKILL_CODE_RE.fullmatch(value) and value != info.code:
            yield at(doc, (key,), "P301", f"{key} {value} does not match the directory {directory}{info.code}/; "
                     f"write {key}: {info.code}, or move the file to {directory}{value}/")
    if info.kind in ("level", "skill-level", "attribute-level") and info.level is not None:
        value = data.get("level")
        if isinstance(value, int) and not isinstance(value, bool) and value in LEVELS and value != info.level:
            yield at(doc, ("level",), "P302", f"level {value} does not match the file name level-{info.level}.yaml; "
                     f"write level: {info.level}, or rename the file to level-{value}.yaml")
    if info.kind == "manifest" and info.cr is not None:
        value = data.get("id")
        if not CR_ID_RE.fullmatch(info.cr):
            yield at_file(doc.path, "P303", f"directory name '{_short(info.cr)}' is not a change request id "
                          f"({cr_id_problem(info.cr)}); rename the directory to the change request's id")
        elif isinstance(value, str) and CR_ID_RE.fullmatch(value) and value != info.cr:
            yield at(doc, ("id",), "P303", f"id {value} does not match the directory changes/{info.cr}/; "
                     f"write id: {info.cr}, or rename the directory to changes/{value}/")


# The files under a skill's or an attribute's directory: the key that names the item, the item in words, the
# directory its items are in.
_ITEM_FILES: dict[str, tuple[str, str, str]] = {
    "skill": ("code", "a skill", "framework/skills/"), "skill-level": ("skill", "a skill", "framework/skills/"),
    "attribute": ("code", "an attribute", "framework/attributes/"),
    "attribute-level": ("attribute", "an attribute", "framework/attributes/"),
}


def _short(text: str) -> str:
    """A name from the repository as a message quotes it: cut short (a name can be 255 characters)."""
    return text if len(text) <= 24 else text[:21] + "..."


def _folded(path: str) -> str:
    """A path as a case-insensitive file system compares it: case folded, in one Unicode normalization."""
    if path.isascii():
        return path.lower()  # the same, without two normalizations of every name of the repository
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", path).casefold())


def _any_collision(files: set[str]) -> bool:
    """Whether two of the files, or of the directories above them, are one path but for case: two names in one
    directory that fold alike are exactly two whole paths that fold alike."""
    entries = set(files)
    for path in files:
        parent = path.rpartition("/")[0]
        while parent and parent not in entries:
            entries.add(parent)
            parent = parent.rpartition("/")[0]
    return len({_folded(path) for path in entries}) != len(entries)


def _case_collisions(paths: Iterable[str]) -> Iterator[Finding]:
    """P307 at each of the names in one directory that are one name but for case. A directory that collides is
    reported, not every file below it (they collide with it)."""
    files = set(paths)
    if _any_collision(files):  # nearly never: one pass over the whole paths rather than a search by directory
        yield from _collisions_by_directory(files)


def _collisions_by_directory(files: set[str]) -> Iterator[Finding]:
    """P307 at each name that one of its directory's other names is but for case."""
    children: dict[str, dict[str, set[str]]] = {}  # directory -> folded name -> the names as they are
    directories: set[str] = set()
    for path in files:
        parent, _, name = path.rpartition("/")
        children.setdefault(parent, {}).setdefault(_folded(name), set()).add(name)
        while parent and parent not in directories:  # each directory named in its own parent once
            directories.add(parent)
            parent, _, name = parent.rpartition("/")
            children.setdefault(parent, {}).setdefault(_folded(name), set()).add(name)
    for parent, names in children.items():  # the findings are sorted with all the others
        for group in names.values():
            if len(group) < 2:
                continue
            for name in sorted(group):
                path = f"{parent}/{name}" if parent else name
                others = [f"{parent}/{o}" if parent else o for o in sorted(group - {name})]
                what = "file" if path in files else "directory"
                how = "case" if all(o.casefold() == name.casefold() for o in group) else "case or Unicode normalization"
                yield at_file(path, "P307", f"differs from {', '.join(others)} only in {how}: on a case-insensitive "
                              f"file system (Windows, macOS) they are one {what}; rename or remove all but one")


def _unknown_message(relpath: str) -> str:
    parts = relpath.split("/")
    name = parts[-1]
    if name.endswith(".yml"):
        return f"unknown file; data files end in .yaml: rename it to {name[:-4]}.yaml"
    if name.startswith("level-") and name.endswith(".yaml"):
        return f"unknown file; levels run from {LEVELS[0]} to {LEVELS[-1]}: level-1.yaml ... level-{LEVELS[-1]}.yaml"
    if parts[0] == "framework" and len(parts) == 4 and parts[1] == "skills":
        return "unknown file; a skill directory holds only skill.yaml and level-N.yaml files"
    if parts[0] == "framework" and len(parts) == 4 and parts[1] == "attributes":
        return "unknown file; an attribute directory holds only attribute.yaml and level-N.yaml files"
    if parts[0] == "framework" and len(parts) == 3 and parts[1] == "levels":
        return "unknown file; framework/levels/ holds only level-1.yaml ... level-7.yaml"
    if parts[0] == "changes" and len(parts) == 3:
        return "unknown file; a change request directory holds only manifest.yaml"
    if parts[0] == "changes":
        return "unknown file; each change request is a directory changes/CR-NNNN/ holding a manifest.yaml"
    return ("unknown file; framework/ holds framework.yaml, levels/level-N.yaml, "
            "skills/CODE/{skill,level-N}.yaml and attributes/CODE/{attribute,level-N}.yaml")
