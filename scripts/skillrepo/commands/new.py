"""`skillrepo new "Title"`: a draft change request with the next free number and examples of each operation; with
`--from-sheet FILE`, a draft whose operations make the framework what the edited published file(s) say."""

from __future__ import annotations

import hashlib
import sys
import textwrap
from collections import Counter
from pathlib import Path

from skillrepo import engine
from skillrepo.checker import check_repository
from skillrepo.derive import derived_operations, review_notes, touched_skills
from skillrepo.domain import CR_ID_RE, MAX_CR_DIGITS, cr_id_problem
from skillrepo.layout import manifest_path, printable_name
from skillrepo.manifests import PROPOSAL_PLACEHOLDER, new_manifest, render_manifest
from skillrepo.model import Framework
from skillrepo.operations import PreconditionError
from skillrepo.planning import Refusal
from skillrepo.sheetread.common import SheetError
from skillrepo.sheetread.read import read_sheets
from skillrepo.writing import write_files
from skillrepo.yamlsource import text_problem


def next_id(existing: list[str]) -> str:
    """The next free change request id after the highest in changes/; refused when a name that looks like one
    is not a CR id (CR-01447, CR- and 300 digits), as then no number is surely free, or when none is left."""
    numbers: list[int] = []
    for name in sorted(existing):
        if not name.startswith("CR-"):
            continue
        if not CR_ID_RE.fullmatch(name):
            shown = name if len(name) <= 24 else name[:21] + "..."
            raise Refusal(f"changes/{shown}/ is not a change request id ({cr_id_problem(name)}); rename or remove "
                          "it first, as the next number is found from the names in changes/")
        numbers.append(int(name[3:]))
    number = max(numbers, default=0) + 1
    if len(str(number)) > MAX_CR_DIGITS:
        raise Refusal(f"no change request number is left after CR-{number - 1}: a number has at most "
                      f"{MAX_CR_DIGITS} digits")
    return f"CR-{number:04d}"


def run(root: Path, title: str, applies_to: list[str], from_sheets: list[Path] | None = None) -> int:
    repo, _ = check_repository(root)
    problem = text_problem(title)
    if problem is not None:  # refused now, not written for check to refuse
        raise Refusal("the title" + problem[1].removeprefix("text"))
    title = " ".join(title.split())
    if not title:
        raise Refusal("the title is empty; give the change request a title, e.g. \"Create IT infrastructure (ITOP) "
                      "level 6\"")
    unknown = [c for c in applies_to if c not in repo.framework.skills]
    if unknown:
        raise Refusal(f"--applies-to names {', '.join(map(printable_name, unknown))}, not skills of this framework")
    dirs = [p.name for p in (root / "changes").iterdir()] if (root / "changes").is_dir() else []
    cr_id = next_id(dirs)
    path = manifest_path(cr_id)
    if from_sheets:
        return _from_sheets(root, repo.framework, cr_id, title, applies_to, from_sheets)
    write_files(root, {path: new_manifest(cr_id, title, applies_to)})
    sys.stdout.write(path + "\n")
    return 0


def _from_sheets(root: Path, fw: Framework, cr_id: str, title: str, applies_to: list[str], sheets: list[Path]
                 ) -> int:
    """Writes the draft whose operations make `fw` what the sheets say, or says that nothing differs."""
    digests = _digests(sheets)
    ops = derived_operations(fw, read_sheets(sheets, need_skills=False))
    names = ", ".join(name for name, _ in digests)
    if not ops:
        says = "says" if len(sheets) == 1 else "say"
        sys.stdout.write(f"nothing to change: {names} {says} what the framework says; no change request written\n")
        return 0
    try:
        engine.apply(fw, ops, cr_id)
    except PreconditionError as exc:
        raise Refusal(f"the changes {names} make cannot be applied to this framework: {exc}") from exc
    listed = "; ".join(f"{name} (sha256 {digest})" for name, digest in digests)
    say = "the file says" if len(sheets) == 1 else "the files say"
    data = {"id": cr_id, "title": title, "status": "draft",
            "applies_to": list(dict.fromkeys(applies_to + touched_skills(ops))), "related": [],
            # The placeholder stays for the author to replace (R433 warns while it is there).
            "proposal": f"{PROPOSAL_PLACEHOLDER}\n\nThe operations were derived by skillrepo new --from-sheet from "
                        f"{listed}: they make the framework what {say}.",
            "operations": ops}
    path = manifest_path(cr_id)
    write_files(root, {path: with_notes(render_manifest(data), review_notes(fw, ops))})
    counts = Counter(str(op["op"]) for op in ops)
    sys.stdout.write(f"wrote {path} (draft): {len(ops)} operation{'s' if len(ops) > 1 else ''}\n")
    sys.stdout.writelines(f"  {n} {kind}\n" for kind, n in counts.items())
    if counts["retire-skill"]:
        sys.stdout.write(f"review each retire-skill in {path}: name what replaces the skill in replaced_by, or "
                         "delete the operation; check refuses the draft until then\n")
    return 0


def _digests(sheets: list[Path]) -> list[tuple[str, str]]:
    """Each file's name (as a manifest may hold it) and SHA-256."""
    out: list[tuple[str, str]] = []
    for sheet in sheets:
        try:
            digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
        except OSError as exc:
            raise SheetError(f"{sheet}: cannot read it: {exc.strerror or exc}") from exc
        out.append((sheet.name if sheet.name.isprintable() else "(a file)", digest))
    return out


def with_notes(manifest: bytes, notes: dict[tuple[str, str], str]) -> bytes:
    """The rendered manifest with a comment above each operation `notes` names by its kind and the code on the
    line after (what the author must decide on)."""
    lines = manifest.decode("utf-8").split("\n")
    out: list[str] = []
    for at, line in enumerate(lines):
        kind = line.strip().removeprefix("- op: ")
        following = lines[at + 1].split(":", 1)[-1].strip() if at + 1 < len(lines) else ""
        note = notes.get((kind, following)) if line.lstrip().startswith("- op: ") else None
        if note is not None:
            indent = line[:len(line) - len(line.lstrip())]
            out += textwrap.wrap(note, 100, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# ")
        out.append(line)
    return "\n".join(out).encode("utf-8")
