"""The mapping from the previous release: for every skill and skill level of either, where it went and why,
so that an organisation can update its stored skill profiles mechanically."""

from __future__ import annotations

from typing import Any

from skillrepo.domain import greatest_impact
from skillrepo.engine import Effect
from skillrepo.exports.framework_json import contents
from skillrepo.exports.lifecycle import Key, digest
from skillrepo.model import Framework

COLUMNS: tuple[str, ...] = ("old_code", "old_level", "new_code", "new_level", "change", "impact", "change_requests")


def _impact(effects: list[Effect]) -> str:
    return greatest_impact(e.impact for e in effects)


def _crs(effects: list[Effect]) -> str:
    return " ".join(sorted({e.cr for e in effects}))


def rows(before: Framework, after: Framework, effects: list[Effect]) -> list[dict[str, Any]]:
    """One row per skill and per skill level of the previous release and of this one."""
    by_skill: dict[str, list[Effect]] = {}
    by_level: dict[tuple[str, int], list[Effect]] = {}
    for e in effects:  # an effect on an attribute or a level of responsibility has no skill: not mapped here
        if e.skill is not None and e.level is None:
            by_skill.setdefault(e.skill, []).append(e)
        elif e.skill is not None and e.level is not None:
            by_level.setdefault((e.skill, e.level), []).append(e)
    out: list[dict[str, Any]] = []
    for code in sorted(before.skills.keys() | after.skills.keys()):
        old, new = before.skills.get(code), after.skills.get(code)
        fx = by_skill.get(code, [])
        retired = old is not None and new is not None and old.status == "active" and new.status == "retired"
        gone = "merged" if retired and new is not None and len(new.replaced_by) == 1 else "retired"
        if old is None:
            out.append(_row("", "", code, "", "new", _impact(fx) or "major", fx))
        elif new is None:
            out.append(_row(code, "", "", "", "removed", "major", fx))
        elif retired and new is not None:
            out += [_row(code, "", target, "", gone, "major", fx) for target in new.replaced_by]
        else:
            out.append(_row(code, "", code, "", "updated" if fx else "unchanged", _impact(fx), fx))
        for level in sorted((old.levels.keys() if old else set()) | (new.levels.keys() if new else set())):
            lfx = by_level.get((code, level), [])
            had, has = old is not None and level in old.levels, new is not None and level in new.levels
            if not had:
                out.append(_row("", "", code, level, "new", _impact(lfx) or "major", lfx))
            elif retired and new is not None:
                for target in new.replaced_by:
                    moved = after.skills.get(target)
                    out.append(_row(code, level, target, level if moved and level in moved.levels else "", gone,
                                    "major", fx + lfx))
            elif not has:
                out.append(_row(code, level, "", "", "removed", _impact(lfx) or "major", lfx))
            else:
                out.append(_row(code, level, code, level, "updated" if lfx else "unchanged", _impact(lfx), lfx))
    return out


def linked(rows: list[dict[str, Any]], before: Framework, after: Framework) -> list[dict[str, Any]]:
    """mapping.json's rows: each row with the id and content digest (framework.json's lifecycle digest) of the
    item it maps from and of the item it maps to ("" where there is none), so that a profile can check that the
    item it recorded is the one mapped."""
    old, new = contents(before), contents(after)

    def item(items: dict[Key, dict[str, Any]], code: str, level: Any) -> tuple[str, str]:
        content = items.get(("skill", code) if level == "" else ("level", code, level)) if code else None
        return (content["id"], digest(content)) if content is not None else ("", "")

    out = []
    for row in rows:
        (old_id, old_digest), (new_id, new_digest) = (item(old, row["old_code"], row["old_level"]),
                                                      item(new, row["new_code"], row["new_level"]))
        out.append({**row, "old_id": old_id, "old_digest": old_digest, "new_id": new_id, "new_digest": new_digest})
    return out


def _row(old_code: str, old_level: Any, new_code: str, new_level: Any, change: str, impact: str,
         effects: list[Effect]) -> dict[str, Any]:
    return dict(zip(COLUMNS, (old_code, old_level, new_code, new_level, change,
                              "" if change == "unchanged" else impact, _crs(effects)), strict=True))
