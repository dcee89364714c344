"""The changelog: the effects of the change requests applied since a release, grouped the way framework
users read change summaries, each entry with its change request and its impact on existing assessments."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from skillrepo.domain import LABEL_FIELDS, rewrite
from skillrepo.exports.output import json_bytes
from skillrepo.model import ChangeRequest, Framework
from skillrepo.operations import Effect, kind

SECTIONS: tuple[tuple[str, str], ...] = (
    ("new_skills", "New skills"),
    ("renamed_skills", "Renamed skills"),
    ("retired_skills", "Retired and merged skills"),
    ("moved_skills", "Skills moved to another category"),
    ("new_levels", "New levels"),
    ("removed_levels", "Removed levels"),
    ("changed_descriptions", "Changed descriptions"),
    ("related_skills", "Related skills"),
    ("responsibility_levels", "Levels of responsibility"),
    ("framework", "The framework: name, attributes, categories"),
)


@dataclass(frozen=True)
class Entry:
    """One line of the changelog."""

    section: str
    cr: str
    skill: str | None
    level: int | None
    field: str | None
    impact: str
    summary: str
    before: Any = None
    after: Any = None

    @property
    def link(self) -> str:
        return f"changes/{self.cr}/"


def entries(effects: list[Effect], after: Framework) -> list[Entry]:
    """The changelog entries of some effects, in section order, then in the order they were applied."""
    out = [Entry(kind(e.op).section(e), e.cr, e.skill, e.level, e.field, e.impact, kind(e.op).summary(e, after),
                 e.before, e.after) for e in effects]
    order = {name: i for i, (name, _) in enumerate(SECTIONS)}
    return sorted(out, key=lambda e: order[e.section])


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change between two texts word by word: ("=", kept), ("-", removed), ("+", added) runs."""
    a, b = before.split(" "), after.split(" ")
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _diff_markdown(before: str, after: str, context: int = 6) -> str:
    """A word diff for Markdown: removed words struck through, added words bold, long unchanged runs cut."""
    segments = word_diff(before, after)
    parts: list[str] = []
    for i, (tag, text) in enumerate(segments):
        if tag == "-":
            parts.append(f"~~{text}~~")
        elif tag == "+":
            parts.append(f"**{text}**")
        else:
            words = text.split(" ")
            first, last = i == 0, i == len(segments) - 1
            if first and len(words) > context:
                text = "… " + " ".join(words[-context:])
            elif last and len(words) > context:
                text = " ".join(words[:context]) + " …"
            elif len(words) > 2 * context:
                text = " ".join(words[:context]) + " … " + " ".join(words[-context:])
            parts.append(text)
    return " ".join(p for p in parts if p)


# What the impact after each entry means, for people who hold assessments against the previous release.
IMPACT_MEANING = ("**major**: what the item asks of people changed; review assessments made against it. "
                  "**minor**: the same meaning in other words; assessments stand.")


def _counts(items: list[Entry]) -> str:
    """The changes by kind, in section order: 'Changes by kind: new levels 1; changed descriptions 3.'"""
    counts = [f"{heading[:1].lower()}{heading[1:]} {sum(e.section == name for e in items)}"
              for name, heading in SECTIONS if any(e.section == name for e in items)]
    return f"Changes by kind: {'; '.join(counts)}."


def markdown(title: str, items: list[Entry], changes: dict[str, ChangeRequest]) -> str:
    """The changelog for people."""
    lines = [f"# {title}", ""]
    if not items:
        lines += ["No change requests were applied.", ""]
    else:
        lines += [_counts(items), "", IMPACT_MEANING, ""]
    for name, heading in SECTIONS:
        group = [e for e in items if e.section == name]
        if not group:
            continue
        lines += [f"## {heading}", ""]
        for e in group:
            cr = changes.get(e.cr)
            what = f"[{e.cr}]({e.link})" + (f" {cr.title}" if cr is not None else "")
            line = f"- **{e.summary}** ({e.impact}) — {what}"
            if isinstance(e.before, str) and isinstance(e.after, str) and e.field not in LABEL_FIELDS:
                if rewrite(e.field, e.before, e.after):
                    # A word diff of a rewrite is noise: people read the new text.
                    line += f"  \n  Rewritten: {' '.join(e.after.split())}"
                else:
                    line += f"  \n  {_diff_markdown(e.before, e.after)}"
            lines.append(line)
        lines.append("")
    crs = sorted({e.cr for e in items})
    if crs:
        lines += ["## Change requests", ""]
        lines += [f"- [{c}]({'changes/' + c + '/'}) {changes[c].title}" if c in changes else f"- {c}" for c in crs]
        lines.append("")
    return "\n".join(lines)


def json_document(title: str, since: str | None, items: list[Entry]) -> dict[str, Any]:
    """The changelog for machines, its rows (with their word diffs) made as they are written."""
    return {"title": title, "since": since,
            "sections": {name: _json_rows(items, name) for name, _ in SECTIONS}}


def _json_rows(items: list[Entry], section: str) -> Iterator[dict[str, Any]]:
    return (_json_row(e) for e in items if e.section == section)


def _json_row(e: Entry) -> dict[str, Any]:
    row: dict[str, Any] = {"cr": e.cr, "link": e.link, "skill": e.skill, "level": e.level, "field": e.field,
                           "impact": e.impact, "summary": e.summary, "before": e.before, "after": e.after}
    if isinstance(e.before, str) and isinstance(e.after, str):
        row["diff"] = [list(part) for part in word_diff(e.before, e.after)]
    return row


def as_json(title: str, since: str | None, items: list[Entry]) -> str:
    """The changelog for machines, as one text."""
    return json_bytes(json_document(title, since, items)).decode("utf-8")
