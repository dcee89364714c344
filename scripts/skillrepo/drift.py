"""What differs between framework/ and the replay of every applied change request from the empty framework: a
difference was made outside any change request (verify reports it, release refuses it)."""

from __future__ import annotations

from pathlib import Path

from skillrepo.layout import FRAMEWORK_FILE, level_path, skill_level_path, skill_path
from skillrepo.model import Framework, Repository
from skillrepo.replay import Replay, from_empty, is_applied, since_release
from skillrepo.serialize import level_data, skill_data


def framework_differences(replayed: Framework, now: Framework) -> list[str]:
    """Every field of framework.yaml but the edition (a release's, not a change request's) that differs."""
    out = [f"{FRAMEWORK_FILE}: {key} changed outside any CR" for key in ("name", "attributes")
           if getattr(replayed, key) != getattr(now, key)]
    a, b = replayed.categories, now.categories
    out += [f"{FRAMEWORK_FILE}: category \"{n}\" added outside any CR" for n in b if n not in a]
    out += [f"{FRAMEWORK_FILE}: category \"{n}\" removed outside any CR" for n in a if n not in b]
    if [n for n in a if n in b] != [n for n in b if n in a]:
        out.append(f"{FRAMEWORK_FILE}: order of the categories changed outside any CR")
    out += [f"{FRAMEWORK_FILE}: subcategories of category \"{n}\" changed outside any CR"
            for n in b if n in a and a[n] != b[n]]
    return out


def differences(replayed: Framework, now: Framework) -> list[str]:
    """Every file and field where the framework differs from the replay of its change requests."""
    out = framework_differences(replayed, now)
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


def problems(root: Path, now: Repository, base_ref: str | None = None) -> tuple[Replay, list[str], str]:
    """(the replay, what differs, which change requests were replayed): every change request changes/log.yaml
    records, from the empty framework; with `base_ref`, those applied since that git ref, on the framework there."""
    replay = since_release(root, now, base_ref) if base_ref is not None else from_empty(now)
    found = [replay.problem] if replay.problem else []
    found += [f"{cr.source.path if cr.source else cr.id}: {cr.id} has applied_in but status {cr.status}, so it is "
              "not replayed (R430)" for cr in sorted(now.changes.values(), key=lambda c: c.id)
              if cr.applied_in is not None and not is_applied(cr)]
    if replay.result is not None:
        found += differences(replay.result, now.framework)
    ids = [c.id for c in replay.order]
    names = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "") if ids else "none"
    undone = f", undoing {', '.join(c.id for c in replay.reverted)}" if replay.reverted else ""
    origin = f"since {replay.base_ref}" if base_ref is not None else "from the empty framework"
    return replay, found, f"the {len(replay.order)} change request(s) applied ({names}{undone}) {origin}"
