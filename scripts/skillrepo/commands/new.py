"""`skillrepo new "Title"`: a draft change request with the next free number and examples of each operation."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.layout import manifest_path
from skillrepo.manifests import new_manifest
from skillrepo.planning import Refusal
from skillrepo.writing import write_files


def next_id(existing: list[str]) -> str:
    """The next free change request id after the highest in changes/."""
    numbers = [int(name[3:]) for name in existing if name.startswith("CR-") and name[3:].isdigit()]
    return f"CR-{max(numbers, default=0) + 1:04d}"


def run(root: Path, title: str, applies_to: list[str]) -> int:
    repo, _ = check_repository(root)
    title = " ".join(title.split())
    if not title:
        raise Refusal("the title is empty; give the change request a title, e.g. \"Create IT infrastructure (ITOP) "
                      "level 6\"")
    unknown = [c for c in applies_to if c not in repo.framework.skills]
    if unknown:
        raise Refusal(f"--applies-to names {', '.join(unknown)}, not skills of this framework")
    dirs = [p.name for p in (root / "changes").iterdir()] if (root / "changes").is_dir() else []
    cr_id = next_id(dirs)
    path = manifest_path(cr_id)
    write_files(root, {path: new_manifest(cr_id, title, applies_to)})
    sys.stdout.write(path + "\n")
    return 0
