"""`skillrepo authorize --base REF --author LOGIN`: refuse, in a pull request, the changes only a maintainer may
make. Decisions belong to maintainers: the framework itself, the schemas, who the maintainers are, the CI and the
tool it runs, in a change request its status (beyond draft or submitted), decision, outcome and applied_in, and
anything at all in a change request that is applied or decided (it is a record). A file under .skillrepo/ (the
tool's local state, never committed) is refused whoever the author is.

The pull request is what HEAD (committed, not the work tree) changes since the merge base of REF and HEAD, as
GitHub shows its diff. The maintainers are the logins in MAINTAINERS as it is at REF, so a pull request cannot
make its own author a maintainer."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from skillrepo import history
from skillrepo.layout import CHANGES_DIR, FRAMEWORK_DIR, classify

MAINTAINERS = "MAINTAINERS"
OPEN = ("draft", "submitted")  # the statuses anyone may give a change request
DECIDED_FIELDS = ("decision", "outcome")

STATE_DIR = ".skillrepo/"  # the tool's local state (journal, lock): git-ignored, never in a pull request
RECORD_FIELDS = ("status", "applied_in", *DECIDED_FIELDS)  # each has a message of its own

# The tool, its tests and its packaging: CI runs the pull request's copy of them, so changing them could
# switch the checks off.
TOOL_DIRS = ("scripts/", "tests/", "benchmarks/", ".ci/")
TOOL_FILES = ("pyproject.toml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml",
              # read by pip and pytest from the top of the checkout before anything else, and run as code
              "setup.py", "setup.cfg", "pytest.ini", "tox.ini", "conftest.py", "sitecustomize.py",
              # how git checks the data out (line endings) and what it keeps out of it (.skillrepo/)
              ".gitattributes", ".gitignore")
# Areas of the framework repository (paths relative to its root) only a maintainer may change.
PROTECTED_DIRS = (f"{FRAMEWORK_DIR}/", "schemas/", *TOOL_DIRS)
PROTECTED_FILES = (MAINTAINERS, *TOOL_FILES)
# Areas of the git repository (GitHub reads .github/ at its top; CI runs from there) only a maintainer may change.
PROTECTED_TOP_DIRS = (".github/workflows/", *TOOL_DIRS, ".github/")
PROTECTED_TOP_FILES = (".github/CODEOWNERS", *TOOL_FILES)


def maintainers(text: str) -> set[str]:
    """The logins MAINTAINERS lists, lower-cased: one a line, `#` starts a comment, a leading @ is allowed."""
    logins: set[str] = set()
    for line in text.splitlines():
        login = line.split("#", 1)[0].strip().removeprefix("@")
        if login:
            logins.add(login.lower())
    return logins


def _area(path: str, dirs: tuple[str, ...], files: tuple[str, ...]) -> str | None:
    """What the protected area of a path is called in a finding, or None if the path is not protected."""
    if path in files:
        return path
    return next((d for d in dirs if path.startswith(d)), None)


def _protected(path: str, area: str, before: bool, after: bool) -> str:
    if before and after:
        return f"changes {area}"
    into = " to" if area.endswith("/") else ""
    out = " from" if area.endswith("/") else ""
    return f"adds{into} {area}" if after else f"deletes{out} {area}"


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def manifest_problems(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    """What a pull request does to one change request that only a maintainer may do; None: no such manifest."""
    was = old.get("status") if old is not None else None
    was_open = old is None or was in OPEN
    if new is None:
        return [] if was_open else [f"deletes a change request with status {_show(was)}"]
    found: list[str] = []
    status = new.get("status")
    if status is None and not was_open:
        found.append(f"removes status (was {_show(was)})")
    elif status is not None and status != was and status not in OPEN:
        found.append(f"sets status to {_show(status)}")
    elif status is not None and status != was and not was_open:
        found.append(f"changes status from {_show(was)} to {_show(status)}")
    before = old or {}
    a, b = before.get("applied_in"), new.get("applied_in")
    if a is None and b is not None:
        found.append(f"adds applied_in (edition {_show(b)})")
    elif a is not None and b is None:
        found.append(f"removes applied_in (edition {_show(a)})")
    elif a != b:
        found.append(f"changes applied_in from edition {_show(a)} to {_show(b)}")
    for key in DECIDED_FIELDS:
        a, b = before.get(key), new.get(key)
        if a != b:
            found.append(f"{'sets' if a is None else 'removes' if b is None else 'changes'} {key}")
    if old is not None and (old.get("applied_in") is not None or not was_open):
        # An applied or decided change request is a record: its title, proposal, operations, anything.
        fields = sorted(str(k) for k in old.keys() | new.keys()
                        if k not in RECORD_FIELDS and old.get(k) != new.get(k))
        record = f"applied in edition {_show(old['applied_in'])}" if old.get("applied_in") is not None \
            else f"with status {_show(was)}"
        if fields:
            found.append(f"changes {', '.join(fields)} of a change request {record}")
    return found


def _is_state(path: str, prefix: str) -> bool:
    """Whether a path is .skillrepo or under it, at the top of the git repository or of the framework's."""
    return any(p == STATE_DIR.rstrip("/") or p.startswith(STATE_DIR)
               for p in (path, path[len(prefix):] if path.startswith(prefix) else ""))


def _state_refusal(paths: list[str]) -> str:
    """The refusal of files under .skillrepo/ in a pull request, one line each and what to do."""
    lines = "".join(f"{p}: adds to {STATE_DIR}, the tool's local state, which is never committed\n" for p in paths)
    return lines + (f"refused: remove {'this file' if len(paths) == 1 else f'these {len(paths)} files'} from the pull "
                    f"request (git rm -r --cached {STATE_DIR})\n")


def run(root: Path, base: str, author: str) -> int:
    repo = history.open_repo(root)
    base_commit = history.resolve(repo, base)
    head = history.resolve(repo, "HEAD")
    prefix = history.relative_prefix(repo, root)
    start = history.merge_base(repo, base_commit, head)
    changed = history.changed_paths(start, head)
    state = [p for p in history.tracked_paths(head) if _is_state(p, prefix)]
    if state:  # whoever the author: a committed journal or lock would be acted on in every clone
        sys.stdout.write(_state_refusal(state))
        return 1
    listed = history.blob_at(base_commit, f"{prefix}{MAINTAINERS}")
    if author.strip().removeprefix("@").lower() in maintainers((listed or b"").decode("utf-8", "replace")):
        sys.stdout.write(f"{author} is a maintainer: no restriction\n")
        return 0
    problems: list[str] = []
    crs = 0
    for top_path in changed:
        before = history.blob_at(start, top_path)
        after = history.blob_at(head, top_path)
        area = _area(top_path, PROTECTED_TOP_DIRS, PROTECTED_TOP_FILES)
        if area is not None:
            problems.append(f"{top_path}: {_protected(top_path, area, before is not None, after is not None)}")
            continue
        if not top_path.startswith(prefix):
            continue
        path = top_path[len(prefix):]
        area = _area(path, PROTECTED_DIRS, PROTECTED_FILES)
        if area is not None:
            problems.append(f"{path}: {_protected(path, area, before is not None, after is not None)}")
            continue
        info = classify(path) if path.startswith(f"{CHANGES_DIR}/") else None
        if info is None or info.kind != "manifest":
            continue
        old, new = history.manifest_data(before), history.manifest_data(after)
        if (after is not None and new is None) or (after is None and before is not None and old is None):
            continue  # a manifest that does not parse: `skillrepo check` reports it
        found = manifest_problems(old, new)
        problems += [f"{path}: {p}" for p in found]
        if new is not None and not found:
            crs += 1
    if problems:
        sys.stdout.write("".join(f"{p} (a maintainer must do it)\n" for p in problems))
        sys.stdout.write(f"{author} is not a maintainer: a maintainer (listed in {MAINTAINERS}) must make "
                         f"{'this change' if len(problems) == 1 else f'these {len(problems)} changes'}\n")
        return 1
    sys.stdout.write(f"{author} may make these changes: {crs} change request(s) added or edited as draft or "
                     "submitted\n")
    return 0
