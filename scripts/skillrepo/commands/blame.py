"""`skillrepo blame ITEM [LEVEL]`: an item's text now, sentence by sentence, each with the change request that
last changed it and the one that first introduced it (the rules are provenance.py's), from one replay of every
applied change request from the empty framework."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from skillrepo.checker import check_repository
from skillrepo.errors import SkillrepoError
from skillrepo.model import ChangeRequest
from skillrepo.provenance import Sentence, Subject, blame, current_text, replayed, subject


def _text(item: Subject, lines: list[Sentence], changes: dict[str, ChangeRequest]) -> str:
    width = max((len(s) for line in lines for s in (line.last, line.first)), default=0)
    out = [f"{item.label}: {len(lines)} sentence(s), each with the change request that last changed it and the "
           "one that first introduced it", f"{'last':<{width}}  {'first':<{width}}  sentence"]
    out += [f"{line.last:<{width}}  {line.first:<{width}}  {' '.join(line.text.split())}" for line in lines]
    crs = sorted({c for line in lines for c in (line.last, line.first)})
    out += ["", *(f"{c:<{width}}  {changes[c].title}" for c in crs if c in changes)]
    return "\n".join(out) + "\n"


def _json(item: Subject, lines: list[Sentence], changes: dict[str, ChangeRequest]) -> str:
    crs = sorted({c for line in lines for c in (line.last, line.first)})
    data = {"item": {"kind": item.kind, "code": item.code, "level": item.level, "label": item.label},
            "sentences": [{"text": line.text, "last": line.last, "first": line.first} for line in lines],
            "change_requests": {c: changes[c].title for c in crs if c in changes}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run(root: Path, item: str, level: str | None, fmt: str) -> int:
    """Print the blame of ITEM [LEVEL]'s text; an unknown item, or one with no text now, is a one-line error."""
    repo, _ = check_repository(root)
    replay, now = replayed(repo)
    found = subject(now, replay, item, level)
    if current_text(now, found) is None:
        asked = f"{item} {level}" if level is not None else item
        raise SkillrepoError(f"{found.label} has no {found.text_field} now; skillrepo history {asked} says what "
                             "removed it")
    lines = blame(replay, found)
    sys.stdout.write((_json if fmt == "json" else _text)(found, lines, repo.changes))
    return 0
