"""`skillrepo new "Title"`: a draft change request with the next free number and examples of each operation."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.domain import CR_ID_RE, MAX_CR_DIGITS, cr_id_problem
from skillrepo.layout import manifest_path, printable_name
from skillrepo.manifests import new_manifest
from skillrepo.planning import Refusal
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


def run(root: Path, title: str, applies_to: list[str]) -> int:
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
    write_files(root, {path: new_manifest(cr_id, title, applies_to)})
    sys.stdout.write(path + "\n")
    return 0
