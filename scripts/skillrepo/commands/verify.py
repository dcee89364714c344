"""`skillrepo verify [--base REF]`: replay every change request applied since the last release on the
framework as it stood then, and compare with framework/ now. A difference was made outside any CR."""

from __future__ import annotations

import sys
from pathlib import Path

import git

from skillrepo import history
from skillrepo.checker import check_repository, load
from skillrepo.engine import PreconditionError, apply, invert
from skillrepo.layout import level_path, skill_level_path, skill_path
from skillrepo.model import ChangeRequest, Framework, Repository
from skillrepo.serialize import level_data, skill_data


def applied_order(git_repo: git.Repo, root: Path, base: git.Commit,
                  crs: list[ChangeRequest]) -> list[ChangeRequest]:
    """The order in which change requests were applied: by commit (trailer, else the commit that set
    applied_in), then those applied in the work tree only, by number."""
    wanted = {cr.id: cr for cr in crs}
    order: list[str] = []
    commits = history.commits_since(git_repo, base)
    for commit in commits:
        order += [cr_id for cr_id in history.trailer_cr(commit) if cr_id in wanted and cr_id not in order]
    prefix = history.relative_prefix(git_repo, root)
    for commit in commits:
        found = []
        for cr_id, cr in wanted.items():
            if cr_id in order or cr.source is None:
                continue
            blob = history.blob_at(commit, prefix + cr.source.path)
            if blob is not None and b"\napplied_in:" in blob:
                found.append(cr_id)
        order += sorted(found)
    order += sorted(cr_id for cr_id in wanted if cr_id not in order)
    return [wanted[cr_id] for cr_id in order]


def differences(replayed: Framework, now: Framework) -> list[str]:
    """Every file and field where the framework differs from the replay of its change requests."""
    out: list[str] = []
    for code in sorted(replayed.skills.keys() | now.skills.keys()):
        a, b = replayed.skills.get(code), now.skills.get(code)
        if a is None:
            out.append(f"{skill_path(code)}: skill {code} added outside any CR")
            continue
        if b is None:
            out.append(f"{skill_path(code)}: skill {code} removed outside any CR")
            continue
        da, db = skill_data(a), skill_data(b)
        out += [f"{skill_path(code)}: {key} changed outside any CR" for key in sorted(da.keys() | db.keys())
                if da.get(key) != db.get(key)]
        for level in sorted(a.levels.keys() | b.levels.keys()):
            la, lb = a.levels.get(level), b.levels.get(level)
            path = skill_level_path(code, level)
            if la is None:
                out.append(f"{path}: level added outside any CR")
            elif lb is None:
                out.append(f"{path}: level removed outside any CR")
            elif la.description != lb.description:
                out.append(f"{path}: description changed outside any CR")
    for number in sorted(replayed.levels.keys() | now.levels.keys()):
        ra, rb = replayed.levels.get(number), now.levels.get(number)
        if ra is None or rb is None:
            continue  # a missing level of responsibility is check's business (P306)
        da, db = level_data(ra), level_data(rb)
        fields = [k for k in ("name", "essence") if da[k] != db[k]]
        fields += [f"attributes.{k}" for k in sorted(ra.attributes.keys() | rb.attributes.keys())
                   if ra.attributes.get(k) != rb.attributes.get(k)]
        out += [f"{level_path(number)}: {f} changed outside any CR" for f in fields]
    return out


def replay(base: Repository, now: Repository, order: list[ChangeRequest], reverted: list[ChangeRequest],
           ref: str) -> tuple[Framework, list[str]]:
    """The base framework with reverted CRs undone and applied ones replayed; failures as messages."""
    fw = base.framework
    problems: list[str] = []
    try:
        for cr in reverted:
            fw, _ = apply(fw, invert(base.changes[cr.id].operations), f"undoing {cr.id}")
        for cr in order:
            fw, _ = apply(fw, cr.operations, cr.id)
    except PreconditionError as exc:
        problems.append(f"the change requests do not replay on {ref}: {exc}")
    return fw, problems


def run(root: Path, base_ref: str | None = None) -> int:
    git_repo = history.open_repo(root)
    if base_ref is None:
        tag = history.newest_release_tag(git_repo)
        if tag is None:
            sys.stdout.write("no release tag (v*) yet: there is no earlier release to replay from, so the framework "
                             "as it is now is the baseline of the first release\n")
            return 0
        base_ref = tag.name
    base_commit = history.resolve(git_repo, base_ref)
    base, _ = load(history.snapshot_at(git_repo, root, base_commit))
    now, _ = check_repository(root)
    applied_base = {c.id for c in base.changes.values() if c.applied_in is not None}
    since = [c for c in now.changes.values() if c.applied_in is not None and c.id not in applied_base]
    reverted = sorted((base.changes[i] for i in applied_base
                       if i in now.changes and now.changes[i].applied_in is None),
                      key=lambda c: c.id, reverse=True)
    order = applied_order(git_repo, root, base_commit, since)
    replayed, problems = replay(base, now, order, reverted, base_ref)
    if not problems:
        problems = differences(replayed, now.framework)
    names = ", ".join(c.id for c in order) or "none"
    if problems:
        sys.stdout.write("".join(f"{p}\n" for p in problems))
        sys.stdout.write(f"verify failed: framework/ is not what replaying the change requests applied since "
                         f"{base_ref} ({names}) gives; make every change through a change request\n")
        return 1
    undone = f", undoing {', '.join(c.id for c in reverted)}" if reverted else ""
    sys.stdout.write(f"verified: replaying the {len(order)} change request(s) applied since {base_ref} ({names}"
                     f"{undone}) gives framework/ exactly\n")
    return 0
