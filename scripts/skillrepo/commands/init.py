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
from skillrepo.model import Framework, ResponsibilityLevel, Skill, SkillLevel, empty_framework
from skillrepo.operations import PreconditionError
from skillrepo.planning import Refusal
from skillrepo.resources import schema_dir, starter_levels_dir
from skillrepo.serialize import file_changes
from skillrepo.sheetread.common import SheetError
from skillrepo.sheetread.read import SheetFramework, read_sheet
from skillrepo.writing import pause_for_tests
from skillrepo.yamlsource import load_bytes

EDITION = "1"
ATTRIBUTES: tuple[str, ...] = ("Autonomy", "Influence", "Complexity", "Knowledge", "Business skills")
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
        name: skillrepo fmt (canonical formatting of framework/)
        entry: skillrepo fmt
        language: unsupported
        files: ^framework/.*\\.yaml$
        pass_filenames: false
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


def _starter_levels() -> dict[int, ResponsibilityLevel]:
    """The starter levels of responsibility, as the package ships them."""
    out: dict[int, ResponsibilityLevel] = {}
    for n in range(1, 8):
        source = starter_levels_dir() / f"level-{n}.yaml"
        try:
            loaded = load_bytes(source.read_bytes())
        except OSError as exc:
            raise SkillrepoError(f"the installation is incomplete: cannot read {source}: {exc.strerror}") from exc
        data = loaded.data
        if not loaded.usable or not isinstance(data, dict) or not isinstance(data.get("attributes"), dict):
            raise SkillrepoError(f"the installation is damaged: {source} is not a level of responsibility")
        out[n] = ResponsibilityLevel(n, str(data.get("name")), str(data.get("essence")), dict(data["attributes"]))
    return out


def model(name: str, sheet: SheetFramework | None) -> Framework:
    """The new framework's model: from the sheet (each skill a new permanent id), or with no skills."""
    fw = Framework(name=name, edition=EDITION, attributes=list(ATTRIBUTES),
                   categories={c: list(subs) for c, subs in CATEGORIES})
    if sheet is None or sheet.levels is None:
        fw.levels = _starter_levels()
    else:
        fw.levels = {n: ResponsibilityLevel(n, lv.name, lv.essence, dict(lv.attributes))
                     for n, lv in sorted(sheet.levels.items())}
    if sheet is None:
        return fw
    fw.categories = {c: list(subs) for c, subs in sheet.categories.items()}
    if sheet.attributes is not None:
        fw.attributes = list(sheet.attributes)
    for row in sheet.skills:
        skill = Skill(code=row.code, id=str(uuid.uuid4()), name=row.name, category=row.category,
                      subcategory=row.subcategory, status="active", description=row.description, related=[],
                      guidance=row.guidance, url=row.url)
        skill.levels = {n: SkillLevel(row.code, n, text) for n, text in sorted(row.levels.items())}
        fw.skills[row.code] = skill
    return fw


def origin(sheet: Path | None) -> dict[str, str]:
    """Where the initial change request's content came from: init itself, or the sheet (its name and SHA-256)."""
    if sheet is None:
        return {"description": "created by skillrepo init"}
    try:
        digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    except OSError as exc:
        raise SheetError(f"{sheet}: cannot read it: {exc.strerror or exc}") from exc
    found = {"description": "read from a spreadsheet by skillrepo init --from-sheet"}
    if sheet.name.isprintable():  # a name a manifest can hold as text (check refuses control characters)
        found["file"] = sheet.name
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
    parts = ["name", "generic attributes", "categories", "levels of responsibility"] + ([skills] if skills else [])
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


def run(directory: Path, sheet: Path | None) -> int:
    target = Path(os.path.abspath(directory))
    if _finish_interrupted(target):
        _note_removed(_remove_abandoned(target))
        sys.stdout.write(f"finished an init of {directory} that was interrupted while it moved the repository "
                         "into place\n")
        return 0
    _refuse_target(target)
    source = read_sheet(sheet) if sheet is not None else None
    if source is not None and not source.skills:
        raise SheetError(f"{sheet}: the sheet holds no skills; leave out --from-sheet to start an empty framework")
    name = target.name or "Skills framework"
    fw = model(name, source)
    content = files(fw, origin(sheet))
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
    if source is not None and source.encoding is not None:  # a CSV: say how its bytes were read, so a wrong guess shows
        sys.stdout.write(f"read {sheet} ({source.encoding})\n")
    levels = sum(len(s.levels) for s in fw.skills.values())
    sys.stdout.write(f"created {directory}: {len(fw.skills)} skills, {levels} skill levels; "
                     f"next: cd {directory} && pre-commit install\n")
    if committed:
        sys.stdout.write(f"committed everything on branch main: \"{COMMIT_MESSAGE}\"\n")
    else:
        sys.stdout.write("not committed: git has no user.name and user.email for you; review the files, then: "
                         f"git add -A && git commit -m \"{COMMIT_MESSAGE}\"\n")
    return 0
