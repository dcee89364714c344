"""`skillrepo init DIR [--from-sheet FILE]`: start a new framework repository, empty or from a spreadsheet.

DIR must not exist or be an empty directory. Everything is built in a temporary directory beside it, checked
with every rule of `check`, and moved into place only then: on any refusal nothing is written.

The repository gets an initial commit "Start the framework" when git knows who the user is (user.name and
user.email, or the GIT_AUTHOR_*/GIT_COMMITTER_* variables; never a guessed identity); otherwise it is left
uncommitted for the user to review and commit, and the command says so.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import stat
import sys
import uuid
from pathlib import Path
from typing import Any

from skillrepo import engine, record
from skillrepo import staging as stage
from skillrepo.checker import check_repository
from skillrepo.errors import SkillrepoError
from skillrepo.findings import ERROR, Finding
from skillrepo.initial import initial_parts, part_skills
from skillrepo.layout import FRAMEWORK_DIR, LOG_FILE, is_allowed_extra, manifest_path
from skillrepo.manifests import render_manifest
from skillrepo.model import (
    Attribute,
    AttributeLevel,
    Framework,
    ResponsibilityLevel,
    Skill,
    SkillLevel,
    empty_framework,
)
from skillrepo.operations import PreconditionError
from skillrepo.planning import Refusal
from skillrepo.resources import schema_dir, starter_attributes_dir, starter_levels_dir
from skillrepo.serialize import file_changes
from skillrepo.sheetread.common import SheetError
from skillrepo.sheetread.read import SheetFramework, read_sheets
from skillrepo.writing import pause_for_tests
from skillrepo.yamlsource import load_bytes

EDITION = "1"
COMMIT_MESSAGE = "Start the framework"

# The categories a new framework starts with (those of the Open Digital Skills Framework): an installed
# package has no framework.yaml to read them from.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Strategy and architecture", ("Strategy and planning", "Security and privacy", "Governance and risk")),
    ("Change and transformation", ("Business analysis", "Change implementation", "Organisational change")),
    ("Development and implementation", ("Systems development", "Quality and testing", "Data and analytics")),
    ("Delivery and operation", ("Technology management", "Service management", "Security services")),
    ("People and skills", ("People management", "Skills management")),
    ("Relationships and engagement", ("Stakeholder management", "Supplier management")),
)

PROPOSING = (
    "Every change to `framework/` arrives as a change request: a directory `changes/CR-NNNN/` holding a\n"
    "`manifest.yaml` with the proposal's prose and the exact operations that make the change. Start one with\n"
    "`skillrepo new \"Title\" --applies-to CODE`, fill in its prose and operations, see what it would do with\n"
    "`skillrepo preview CR-NNNN`, and open a pull request; once it is accepted, a maintainer applies it with\n"
    "`skillrepo apply CR-NNNN --commit`. Nobody edits `framework/` by hand.\n"
)

PRE_COMMIT_CONFIG = """\
# This repository's own hooks: they run the skillrepo installed in your environment,
# so no hook needs a repository from the network. After installing skillrepo: `pre-commit install`.
minimum_pre_commit_version: "4.4.0"
repos:
  - repo: local
    hooks:
      - id: skillrepo-fmt
        name: skillrepo fmt (canonical formatting of the staged files)
        entry: skillrepo fmt
        language: unsupported
        files: ^(framework|changes)/.*\\.yaml$
        # Only what the commit stages is read; one process (fmt takes the repository's lock).
        pass_filenames: true
        require_serial: true
      - id: skillrepo-check
        name: skillrepo check (the whole repository)
        entry: skillrepo check
        language: unsupported
        pass_filenames: false
        always_run: true
"""

GITIGNORE = ".venv/\n__pycache__/\ndist/\n.skillrepo/\n"
# LF in every checkout, whatever core.autocrlf says: check refuses CRLF (F602).
GITATTRIBUTES = "framework/** text=auto eol=lf\nchanges/** text=auto eol=lf\nschemas/** text=auto eol=lf\n"


def _readme(name: str) -> str:
    return (
        f"# {name}\n\n"
        "A skills framework kept as a Git repository of data with `skillrepo`: every skill, every skill at a\n"
        "level and every level of responsibility is a YAML file under `framework/`, checked against the JSON\n"
        "Schemas in `schemas/`.\n\n"
        "```sh\n"
        "skillrepo check        # every file and every reference; run by the commit hook too\n"
        "pre-commit install     # once: check every commit\n"
        "```\n\n"
        "## Proposing a change\n\n"
        f"{PROPOSING}"
    )


def _changes_readme() -> str:
    return f"# Change requests\n\n{PROPOSING}"


def _starter_file(source: Path, what: str) -> dict[str, Any]:
    """One of the files the package ships for a new framework, read strictly."""
    try:
        loaded = load_bytes(source.read_bytes())
    except OSError as exc:
        raise SkillrepoError(f"the installation is incomplete: cannot read {source}: {exc.strerror}") from exc
    if not loaded.usable or not isinstance(loaded.data, dict):
        raise SkillrepoError(f"the installation is damaged: {source} is not {what}")
    return loaded.data


def _starter_levels() -> dict[int, ResponsibilityLevel]:
    """The starter levels of responsibility, as the package ships them."""
    out: dict[int, ResponsibilityLevel] = {}
    for n in range(1, 8):
        data = _starter_file(starter_levels_dir() / f"level-{n}.yaml", "a level of responsibility")
        out[n] = ResponsibilityLevel(n, str(data.get("name")), str(data.get("essence")), data.get("url"))
    return out


def _starter_attributes() -> dict[str, Attribute]:
    """The starter attributes with their levels, as the package ships them, in the order of their codes."""
    out: dict[str, Attribute] = {}
    for directory in sorted(p for p in starter_attributes_dir().iterdir() if p.is_dir()):
        d = _starter_file(directory / "attribute.yaml", "an attribute")
        try:
            attribute = Attribute(str(d["code"]), str(d["id"]), str(d["name"]), str(d["type"]), str(d["status"]),
                                  str(d["description"]), d.get("guidance"), d.get("url"))
        except KeyError as exc:
            raise SkillrepoError(f"the installation is damaged: {directory / 'attribute.yaml'} lacks {exc}") from exc
        for n in range(1, 8):
            path = directory / f"level-{n}.yaml"
            if path.exists():
                text = _starter_file(path, "an attribute at a level").get("description")
                attribute.levels[n] = AttributeLevel(attribute.code, n, str(text))
        out[attribute.code] = attribute
    return out


def model(name: str, sheet: SheetFramework | None) -> Framework:
    """The new framework's model: from the sheets (each skill and attribute a new permanent id), or with no
    skills; the starter levels and attributes where the sheets have none."""
    fw = Framework(name=name, edition=EDITION, categories={c: list(subs) for c, subs in CATEGORIES})
    if sheet is None or sheet.levels is None:
        fw.levels = _starter_levels()
    else:
        fw.levels = {n: ResponsibilityLevel(n, lv.name, lv.essence, lv.url) for n, lv in sorted(sheet.levels.items())}
    if sheet is None or sheet.attributes is None:
        fw.attributes = _starter_attributes()
    else:
        for a in sheet.attributes:
            attribute = Attribute(a.code, str(uuid.uuid4()), a.name, a.type, "active", a.description, a.guidance,
                                  a.url)
            attribute.levels = {n: AttributeLevel(a.code, n, text) for n, text in sorted(a.levels.items())}
            fw.attributes[a.code] = attribute
    if sheet is None:
        return fw
    fw.categories = {c: list(subs) for c, subs in sheet.categories.items()}
    for row in sheet.skills:
        skill = Skill(code=row.code, id=str(uuid.uuid4()), name=row.name, category=row.category,
                      subcategory=row.subcategory, status="active", description=row.description, related=[],
                      guidance=row.guidance, url=row.url)
        skill.levels = {n: SkillLevel(row.code, n, text) for n, text in sorted(row.levels.items())}
        fw.skills[row.code] = skill
    return fw


def origin(sheets: list[Path]) -> dict[str, str]:
    """Where the initial change request's content came from: init itself, or the sheets (each one's name and
    SHA-256; the file and sha256 fields when there is one)."""
    if not sheets:
        return {"description": "created by skillrepo init"}
    digests: list[tuple[str, str]] = []
    for sheet in sheets:
        try:
            digests.append((sheet.name, hashlib.sha256(sheet.read_bytes()).hexdigest()))
        except OSError as exc:
            raise SheetError(f"{sheet}: cannot read it: {exc.strerror or exc}") from exc
    if len(digests) > 1:
        listed = "; ".join(f"{name if name.isprintable() else '(a file)'} (sha256 {digest})"
                           for name, digest in digests)
        return {"description": f"read from {len(digests)} spreadsheet files by skillrepo init --from-sheet: {listed}"}
    (name, digest), = digests
    found = {"description": "read from a spreadsheet by skillrepo init --from-sheet"}
    if name.isprintable():  # a name a manifest can hold as text (check refuses control characters)
        found["file"] = name
    found["sha256"] = digest
    return found


def initial_change_requests(fw: Framework, source: dict[str, str]) -> list[dict[str, Any]]:
    """changes/CR-0001/manifest.yaml's data, and CR-0002's... when the framework needs several parts: the
    operations that build `fw` from the empty framework, in order (initial.initial_parts)."""
    parts = initial_parts(fw)
    return [{
        "id": f"CR-{n:04d}", "title": f"Initial content of {fw.name}{_part_of(n, len(parts))}",
        "status": "accepted", "applies_to": [], "related": [],
        "proposal": _proposal(fw, operations, first=n == 1),
        "origin": source, "applied_in": EDITION, "operations": operations,
    } for n, operations in enumerate(parts, start=1)]


def _part_of(n: int, total: int) -> str:
    return f" (part {n} of {total})" if total > 1 else ""


def _proposal(fw: Framework, operations: list[dict[str, Any]], first: bool) -> str:
    """What a part holds: the first, the framework's own fields, its levels and its skills; the others, skills."""
    codes = part_skills(operations)
    skills = ("" if not codes else f"{len(codes)} skills" if len(codes) == len(fw.skills) else
              f"{len(codes)} skills ({codes[0]} to {codes[-1]})")
    why = "so that every later change arrives as a change request and the framework is the replay of its change " \
          "requests."
    if not first:
        return f"Add the framework's {skills}, {why}"
    parts = ["name", "categories", "levels of responsibility", "attributes"] + ([skills] if skills else [])
    return f"Start the framework with its {', '.join(parts[:-1])} and {parts[-1]}, {why}"


def files(fw: Framework, source: dict[str, str]) -> dict[str, bytes]:
    """Every file of the new repository: its initial change requests, and framework/ as applying them gives it."""
    manifests = initial_change_requests(fw, source)
    applied, log = empty_framework(EDITION), record.Log()
    out: dict[str, bytes] = {}
    for manifest in manifests:
        try:
            applied, _ = engine.apply(applied, manifest["operations"], manifest["id"])
        except PreconditionError as exc:
            raise Refusal(f"the new framework cannot be built from its initial change requests: {exc}") from exc
        out[manifest_path(manifest["id"])] = render_manifest(manifest)
        log = record.with_applied(log, manifest["id"], manifest["operations"])
    out = {path: data for path, data in sorted(file_changes(empty_framework(EDITION), applied).items())
           if data is not None} | out
    out[LOG_FILE] = record.render(log)
    if not applied.skills:
        out["framework/skills/.gitkeep"] = b""  # git keeps no empty directory; check ignores dot files
    out["changes/README.md"] = _changes_readme().encode("utf-8")
    for schema in sorted(schema_dir().glob("*.schema.json")):
        out[f"schemas/{schema.name}"] = schema.read_bytes()
    out[".pre-commit-config.yaml"] = PRE_COMMIT_CONFIG.encode("utf-8")
    out[".gitignore"] = GITIGNORE.encode("utf-8")
    out[".gitattributes"] = GITATTRIBUTES.encode("utf-8")
    out["README.md"] = _readme(fw.name).encode("utf-8")
    return out


def _refuse_target(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise Refusal(f"{target} exists and is not a directory; give a new or empty directory")
    if target.is_dir() and any(target.iterdir()):
        raise Refusal(f"{target} is not empty; init starts a repository in a new or empty directory")


def _check(staging: Path) -> list[Finding]:
    """The findings of `check` on the staged repository; refused if any is an error."""
    _, findings = check_repository(staging)
    # layout declares a README in changes/ allowed; a checker that does not honour that yet (P304) would fail
    # the new repository, so the README is left out then: README.md says the same.
    for f in [f for f in findings if f.code == "P304" and is_allowed_extra(f.path)]:
        (staging / f.path).unlink(missing_ok=True)
        findings.remove(f)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        shown = "\n".join(f"  {f.as_text()}" for f in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise Refusal(f"the new framework would not pass `skillrepo check`:\n{shown}{more}")
    return findings


def _git(staging: Path) -> bool:
    """Make the staged directory a git repository on main; commit it if the user has an identity."""
    try:
        from skillrepo import history
    except ImportError as exc:  # GitPython refuses to import without a git executable
        raise SkillrepoError(f"git is needed to start a framework repository: {exc}") from exc
    return history.init_and_commit(staging, COMMIT_MESSAGE)


def _move_into_place(built: stage.Staging, top: Path, target: Path) -> None:
    """Put the staged repository at `target` in one rename, so that a crash or a kill leaves `target` as it was
    or whole: rename(2) replaces an empty directory too, and a staging directory that holds the missing parents
    of `target` creates them in the same rename. Only when `target` is the directory this command runs in are
    its entries moved in one by one: replaced, it would leave the shell that ran init in a deleted directory."""
    staging = built.path
    if target.is_dir() and _is_cwd(target):
        # A marker first, naming the staging directory, and framework/ last: killed in between, no command takes
        # the directory for a repository, and the next `skillrepo init` there finishes the move.
        marker = target / INIT_MARKER
        marker.parent.mkdir()
        marker.write_text(staging.name + "\n", encoding="utf-8")
        moved: list[str] = []
        try:
            for entry in _in_move_order(staging):
                os.rename(entry, target / entry.name)
                moved.append(entry.name)
                pause_for_tests()
        except OSError:
            for name in reversed(moved):
                os.rename(target / name, staging / name)
            shutil.rmtree(marker.parent)
            raise
        staging.rmdir()
        shutil.rmtree(marker.parent)
        return
    built.set_mode(stat.S_IMODE(top.stat().st_mode) if top.is_dir() else stage.default_dir_mode())
    pause_for_tests()
    built.rename_to(top.name)


INIT_MARKER = ".skillrepo/init-incomplete"


def _in_move_order(staging: Path) -> list[Path]:
    return sorted(staging.iterdir(), key=lambda p: (p.name == FRAMEWORK_DIR, p.name))


def _finish_interrupted(target: Path) -> bool:
    """Finish moving a repository into `target` if an init killed half way through left its marker there."""
    marker = target / INIT_MARKER
    # A marker is only ours in a .skillrepo/ that is a directory of its own, never one a link leads to.
    if (target / ".skillrepo").is_symlink() or not marker.is_file() or marker.is_symlink():
        return False
    name = marker.read_text(encoding="utf-8").strip()
    staging = target.parent / name
    if not name.startswith(f".{target.name}.init-") or "/" in name or not staging.is_dir():
        return False
    for entry in _in_move_order(staging):
        if not (target / entry.name).exists():
            os.rename(entry, target / entry.name)
    shutil.rmtree(staging)
    shutil.rmtree(marker.parent)
    return True


def _is_cwd(path: Path) -> bool:
    try:
        return os.path.samefile(path, os.getcwd())
    except OSError:
        return False


def _outermost_new(target: Path) -> Path:
    """The directory init's one rename puts in place: `target` if it exists, else its outermost missing parent."""
    return (stage.missing_parents(target) or [target])[-1]


def _make_staging(target: Path) -> tuple[stage.Staging, Path, Path]:
    """(staging directory, locked while this init runs; the new repository's root in it; the directory the one
    rename puts in place). The staging directory is made beside that one, and holds `target`'s missing parents
    too."""
    top = _outermost_new(target)
    parent_fd = stage.open_dir(top.parent, follow_links=True)
    try:
        built = stage.create(top.parent, parent_fd, f".{top.name}.init-")
    except OSError:
        os.close(parent_fd)
        raise
    try:
        root = built.path / target.relative_to(top)
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        _discard(built)
        raise
    return built, root, top


def _discard(built: stage.Staging) -> None:
    """Remove the staging directory if it was not put in place, and let go of it."""
    try:
        built.close()
    finally:
        os.close(built.dir_fd)


def _remove_abandoned(target: Path) -> list[str]:
    """Remove the staging directories that inits of `target` killed before they finished left beside it: those
    whose lock no running init holds. Returns their names."""
    removed: list[str] = []
    top = _outermost_new(target)
    entries = sorted(top.parent.glob(f".{glob.escape(top.name)}.init-{'?' * 8}"))
    if not entries:
        return removed
    try:
        parent_fd = stage.open_dir(top.parent, follow_links=True)
    except OSError:
        return removed  # not for this init to open: making its own staging there refuses with the reason
    try:
        for entry in entries:
            try:
                if stage.remove_abandoned(parent_fd, entry.name, lambda fd: True):
                    removed.append(entry.name)
            except OSError:
                continue  # a killed init's git may still be writing into it: what is left goes at the next init
    finally:
        os.close(parent_fd)
    return removed


def _note_removed(names: list[str]) -> None:
    for name in names:
        sys.stderr.write(f"note: removed {name}, left by an init that was interrupted\n")


def run(directory: Path, sheets: list[Path] | None) -> int:
    target = Path(os.path.abspath(directory))
    if _finish_interrupted(target):
        _note_removed(_remove_abandoned(target))
        sys.stdout.write(f"finished an init of {directory} that was interrupted while it moved the repository "
                         "into place\n")
        return 0
    _refuse_target(target)
    given = list(sheets or [])
    source = read_sheets(given) if given else None
    if source is not None and not source.skills:
        raise SheetError(f"{', '.join(map(str, given))}: the skills file holds no skills; leave out --from-sheet to "
                         "start an empty framework")
    name = target.name or "Skills framework"
    fw = model(name, source)
    content = files(fw, origin(given))
    _note_removed(_remove_abandoned(target))
    try:
        built, root, top = _make_staging(target)
    except OSError as exc:
        raise Refusal(f"cannot create {directory}: {exc.strerror or exc}") from exc
    try:
        for relpath, data in content.items():
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        findings = _check(root)
        committed = _git(root)
        _refuse_target(target)  # still new or empty: nothing else created it meanwhile
        try:
            _move_into_place(built, top, target)
        except OSError as exc:
            raise Refusal(f"cannot create {directory}: {exc.strerror or exc}") from exc
    finally:
        _discard(built)
    for f in findings:
        sys.stderr.write(f"{directory}/{f.as_text()}\n")
    for file, encoding in (source.encodings.items() if source is not None else ()):
        sys.stdout.write(f"read {file} ({encoding})\n")  # a CSV: say how its bytes were read, so a wrong guess shows
    levels = sum(len(s.levels) for s in fw.skills.values())
    sys.stdout.write(f"created {directory}: {len(fw.skills)} skills, {levels} skill levels, {len(fw.attributes)} "
                     f"attributes; next: cd {directory} && pre-commit install\n")
    if committed:
        sys.stdout.write(f"committed everything on branch main: \"{COMMIT_MESSAGE}\"\n")
    else:
        sys.stdout.write("not committed: git has no user.name and user.email for you; review the files, then: "
                         f"git add -A && git commit -m \"{COMMIT_MESSAGE}\"\n")
    return 0
