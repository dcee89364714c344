"""`skillrepo verify [--base REF]`: replay every applied change request, in the order changes/log.yaml records,
from the empty framework (with --base, those applied since a git ref, on the framework there), and compare with
framework/. A difference was made outside any CR."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.drift import problems
from skillrepo.record import LOG_CODES


def run(root: Path, base_ref: str | None = None) -> int:
    now, findings = check_repository(root)
    _, found, replayed = problems(root, now, base_ref)
    found = [f.as_text() for f in findings if f.code in LOG_CODES] + found
    if found:
        sys.stdout.write("".join(f"{p}\n" for p in found))
        sys.stdout.write(f"verify failed: framework/ is not what replaying {replayed} gives; make every change "
                         "through a change request\n")
        return 1
    sys.stdout.write(f"verified: replaying {replayed} gives framework/ exactly\n")
    return 0
