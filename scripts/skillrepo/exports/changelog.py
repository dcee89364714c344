"""The changelog: the effects of the change requests applied since a release, grouped the way framework
users read change summaries, each entry with its change request and its impact on existing assessments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from skillrepo.diffs import elide, word_diff
from skillrepo.domain import LABEL_FIELDS, rewrite
from skillrepo.errors import UsageError
from skillrepo.exports.output import json_bytes
from skillrepo.layout import printable_name
from skillrepo.markdown import markdown_line, markdown_text, paragraphs
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
    ("attributes", "Attributes"),
    ("framework", "The framework: name, categories"),
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
    text: str | None = None  # the text of a new skill or level, or of a removed level, as people read it
    attribute: str | None = None  # the attribute's code, for an entry about an attribute (then `skill` is None)


@dataclass(frozen=True)
class Links:
    """Where a change request's page is, seen from where the changelog is read: the site's root as a prefix
    (`site/` beside a release's site, or its base URL), or None where no page can be reached (plain ids)."""

    site: str | None = None

    def cr(self, cr_id: str) -> str | None:
        """The link to the change request's page on the site, or None."""
        return self.page(f"changes/{cr_id}.html")

    def page(self, path: str) -> str | None:
        """The link to a page of the site (`path` from its root), or None."""
        return None if self.site is None else f"{self.site}{path}"


# An http(s) URL with a host and a path of characters that need no escaping in a Markdown link's target: no
# space, parenthesis, angle bracket, quote, backslash or &, and no query or fragment (a page path is appended).
_BASE_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%+,;=:@/-]*)?")
MAX_BASE_URL = 500


def check_base_url(url: str) -> str:
    """`url` if it can be the site's base URL (links go to URL/changes/CR-NNNN.html); else a usage error."""
    if len(url) <= MAX_BASE_URL and _BASE_URL.fullmatch(url):
        return url
    shown = printable_name(url if len(url) <= MAX_BASE_URL else url[:MAX_BASE_URL] + "...")
    raise UsageError(f"--base-url '{shown}' is not the URL of a site: give http:// or https://, a host and a path "
                     "without spaces, quotes, brackets, ? or #, e.g. https://example.org/framework/1.1.0/")


def site_links(base_url: str | None, beside: str | None) -> Links:
    """Links to the site at `base_url` (absolute) when there is one, else to the site at `beside`, a path
    relative to the changelog (None: no site reachable, plain ids)."""
    if base_url is not None:
        return Links(check_base_url(base_url).rstrip("/") + "/")
    return Links(beside)


def _text_of(effect: Effect, after: Framework) -> str | None:
    """The text people read of what an effect added or removed: a level's description, a new skill's (as this
    release has it), a removed level's."""
    if effect.op == "add-skill" and effect.field is None:
        skill = after.skills.get(effect.skill or "")
        return skill.description if skill is not None else None
    if effect.field is None or effect.field in LABEL_FIELDS:
        return None
    if effect.before is None and isinstance(effect.after, str):
        return effect.after
    if effect.after is None and isinstance(effect.before, str):
        return effect.before
    return None


def entries(effects: list[Effect], after: Framework) -> list[Entry]:
    """The changelog entries of some effects, in section order, then in the order they were applied."""
    out = [Entry(kind(e.op).section(e), e.cr, e.skill, e.level, e.field, e.impact, kind(e.op).summary(e, after),
                 e.before, e.after, _text_of(e, after), e.attribute) for e in effects]
    order = {name: i for i, (name, _) in enumerate(SECTIONS)}
    return sorted(out, key=lambda e: order[e.section])


def diff_markdown(before: str, after: str, context: int = 6) -> str:
    """A word diff for Markdown: removed words struck through, added words bold, long unchanged runs cut; the
    repository's words shown literally."""
    segments = word_diff(before, after)
    parts: list[str] = []
    for i, (tag, text) in enumerate(segments):
        if tag != "=" and not text.strip():
            continue  # spaces only: '~~ ~~' would show its marks
        if tag == "-":
            parts.append(f"~~{markdown_text(text)}~~")
        elif tag == "+":
            parts.append(f"**{markdown_text(text)}**")
        else:
            text = elide(text, i == 0, i == len(segments) - 1, context)
            parts.append(markdown_line(text) if i == 0 else markdown_text(text))
    return " ".join(p for p in parts if p)


def _quoted(text: str, label: str = "") -> list[str]:
    """A text as a quote inside a list item, paragraph by paragraph, the first after `label` in bold."""
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs(text) or [""]):
        lead = f"**{label}** " if label and i == 0 else ""
        out += ["  >"] if out else []
        out.append(f"  > {lead}{markdown_line(paragraph)}".rstrip())
    return out


def _texts(e: Entry) -> list[str]:
    """The lines under an entry: the text added or removed, a rewrite before and after, or an edit word by
    word (the lines after a list item's first, with the blank line a quote needs before it)."""
    if e.text is not None:
        return ["", *_quoted(e.text)]
    if not isinstance(e.before, str) or not isinstance(e.after, str) or e.field in LABEL_FIELDS:
        return []
    if rewrite(e.field, e.before, e.after):
        # A word diff of a rewrite marks nearly every word: people read the two texts, as the site shows them.
        return ["", *_quoted(e.before, "Before:"), "", *_quoted(e.after, "After:")]
    return [f"  {diff_markdown(e.before, e.after)}"]


# What the impact after each entry means, for people who hold assessments against the previous release.
IMPACT_MEANING = ("**major**: what the item asks of people changed; review assessments made against it. "
                  "**minor**: the same meaning in other words; assessments stand.")


def _counts(items: list[Entry]) -> str:
    """The changes by kind, in section order: 'Changes by kind: new levels 1; changed descriptions 3.'"""
    counts = [f"{heading[:1].lower()}{heading[1:]} {sum(e.section == name for e in items)}"
              for name, heading in SECTIONS if any(e.section == name for e in items)]
    return f"Changes by kind: {'; '.join(counts)}."


def _cr(cr_id: str, changes: dict[str, ChangeRequest], links: Links) -> str:
    """A change request as an entry names it: its id, linked to its page when there is one, and its title."""
    link = links.cr(cr_id)
    cr = changes.get(cr_id)
    return (f"[{cr_id}]({link})" if link else cr_id) + (f" {markdown_text(cr.title)}" if cr is not None else "")


def markdown(title: str, items: list[Entry], changes: dict[str, ChangeRequest], links: Links) -> str:
    """The changelog for people, its change requests linked as `links` says."""
    lines = [f"# {markdown_text(title)}", ""]
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
            texts = _texts(e)
            head = f"- **{markdown_text(e.summary)}** ({e.impact}) — {_cr(e.cr, changes, links)}"
            # An edit's word diff follows on the next line of the item (a hard break); a quote after a blank line.
            lines.append(head + ("  " if texts and texts[0] else ""))
            lines += texts
            if texts and not texts[0] and e is not group[-1]:
                lines.append("")
        lines.append("")
    crs = sorted({e.cr for e in items})
    if crs:
        lines += ["## Change requests", ""]
        lines += [f"- {_cr(c, changes, links)}" for c in crs]
        lines.append("")
    return "\n".join(lines)


def json_document(title: str, since: str | None, items: list[Entry], links: Links) -> dict[str, Any]:
    """The changelog for machines, its rows (with their word diffs) made as they are written."""
    return {"title": title, "since": since,
            "sections": {name: _json_rows(items, name, links) for name, _ in SECTIONS}}


def _json_rows(items: list[Entry], section: str, links: Links) -> Iterator[dict[str, Any]]:
    return (_json_row(e, links) for e in items if e.section == section)


def _json_row(e: Entry, links: Links) -> dict[str, Any]:
    row: dict[str, Any] = {"cr": e.cr, "link": links.cr(e.cr), "skill": e.skill, "attribute": e.attribute,
                           "level": e.level, "field": e.field,
                           "impact": e.impact, "summary": e.summary, "before": e.before, "after": e.after}
    if isinstance(e.before, str) and isinstance(e.after, str):
        row["diff"] = [list(part) for part in word_diff(e.before, e.after)]
    return row


def as_json(title: str, since: str | None, items: list[Entry], links: Links) -> str:
    """The changelog for machines, as one text."""
    return json_bytes(json_document(title, since, items, links)).decode("utf-8")
