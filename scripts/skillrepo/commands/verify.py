"""`skillrepo verify [--base REF]`: replay every change request applied since the last release on the
framework as it stood then, and compare with framework/ now. A difference was made outside any CR."""

from __future__ import annotations

import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.drift import problems


def run(root: Path, base_ref: str | None = None) -> int:
    now, _ = check_repository(root)
    replay, found, replayed = problems(root, now, base_ref)
    if replay is None:
        sys.stdout.write("no release tag (v*) yet: there is no earlier release to replay from, so the framework "
                         "as it is now is the baseline of the first release\n")
        return 0
    if found:
        sys.stdout.write("".join(f"{p}\n" for p in found))
        sys.stdout.write(f"verify failed: framework/ is not what replaying {replayed} gives; make every change "
                         "through a change request\n")
        return 1
    sys.stdout.write(f"verified: replaying {replayed} gives framework/ exactly\n")
    return 0
