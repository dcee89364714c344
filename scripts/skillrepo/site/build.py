"""The release's website, built from Jinja2 templates: every page at a stable address, relative links only,
so that the site works opened from the file system with no server and no network.

Pure: the repository, the replay and the version in, the files' bytes out. Two builds of the same input
give the same bytes (no timestamps, sorted JSON keys, a fixed order everywhere).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import chain
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from skillrepo.diffs import word_diff
from skillrepo.domain import ATTRIBUTE_TYPES, CR_STATUSES, LEVELS, greatest_impact
from skillrepo.exports import changelog, mapping
from skillrepo.mentions import CITE_OR_CODE
from skillrepo.model import Attribute, ChangeRequest, Framework, Repository, Skill
from skillrepo.operations import Effect, describe_operation, kind
from skillrepo.operations.update_framework import framework_value_text
from skillrepo.provenance import TEXT_FIELDS, Provenance, Sentence, Subject
from skillrepo.record import first_published
from skillrepo.replay import Replay, from_empty

Segment = tuple[str, str]
Token = tuple[str, str | None]

# What each release file is, for the downloads page; a file not named here is listed without a description.
DOWNLOADS: dict[str, str] = {
    "framework.json": "The whole framework in one JSON file, every skill, attribute and level with its permanent id "
                      "and its lifecycle: the releases that introduced, last changed, retired or removed it, and a "
                      "digest of its content.",
    "skills.csv": "The skills as a spreadsheet in the published column layout (CSV).",
    "attributes.csv": "The attributes as a spreadsheet in the published column layout (CSV).",
    "levels.csv": "The levels of responsibility in the published layout, a column per level (CSV).",
    "skills.xlsx": "The skills, the attributes, the levels of responsibility and the categories as an Excel "
                   "workbook, in the published layouts.",
    "case.json": "A 1EdTech CASE 1.1 package for CASE tools such as OpenSALT.",
    "CHANGELOG.md": "The changelog of this release, for people (Markdown).",
    "changes.json": "The changelog of this release, for machines (JSON).",
    "mapping.csv": "Where every skill and level of the previous release went (CSV).",
    "mapping.json": "Where every skill and level of the previous release went, with the ids and digests of the "
                    "items before and after (JSON).",
    "SHA256SUMS": "Checksums of the files above and of every page of this site, to check them with sha256sum.",
}

STATUS_TITLES: dict[str, str] = {
    "draft": "Drafts", "submitted": "Submitted", "accepted": "Accepted", "reverted": "Reverted",
    "declined": "Declined", "deferred": "Deferred", "withdrawn": "Withdrawn",
}

FIELD_LABELS: dict[str, str] = {
    "description": "Overall description", "guidance": "Guidance notes", "name": "Name", "related": "Related skills",
    "status": "Status", "category": "Category", "subcategory": "Subcategory", "essence": "Essence",
    "type": "Type", "url": "Published URL",
}

MAPPING_HEADINGS: dict[str, str] = {
    "old_code": "Old code", "old_level": "Old level", "new_code": "New code", "new_level": "New level",
    "change": "Change", "impact": "Impact", "change_requests": "Change requests",
}

# Ids the home page uses itself, which no category's anchor may take.
RESERVED_IDS: frozenset[str] = frozenset({"main", "search", "search-input", "search-status", "search-results",
                                          "categories-heading", "levels-heading"})

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Diff:
    """A text before and after, word by word; a side is None when there was no text on that side."""

    combined: list[Segment]
    before: list[Segment] | None
    after: list[Segment] | None


@dataclass(frozen=True)
class Change:
    """One effect of a change request, as the pages show it."""

    cr: str
    cr_title: str
    summary: str
    kind: str  # new, removed, retired, changed
    impact: str
    label: str
    href: str | None  # where the changed item lives, relative to the site root
    before: str | None
    after: str | None

    @property
    def diff(self) -> Diff:
        """The word diff, made when a page shows it (the diffs of a large release are not all kept)."""
        return diff(self.before, self.after)


@dataclass(frozen=True)
class ChangeGroup:
    """What one change request did to one skill, in a few words: 'changes levels 1, 2 and 3'."""

    cr: str
    cr_title: str
    kind: str
    impact: str
    what: str


@dataclass(frozen=True)
class HistoryStep:
    """One applied change request in an item's history: its effects on the item, each with whether its word
    diff is shown (a text changed or removed; an item added is its text now, and a label's change is in words)."""

    cr: str
    cr_title: str
    changes: list[tuple[Change, bool]]


@dataclass(frozen=True)
class ChangedItem:
    """An item an applied change request changed, as it stands in this release (href None: it is gone)."""

    label: str
    href: str | None


@dataclass
class Subcategory:
    name: str
    anchor: str
    skills: list[Skill] = field(default_factory=list)


@dataclass
class Category:
    name: str
    anchor: str
    subcategories: list[Subcategory] = field(default_factory=list)


@dataclass
class ChangeLogEntry:
    entry: changelog.Entry
    href: str | None
    diff: Diff | None


def _text(field_name: str | None, value: Any) -> str | None:
    """A value of an effect as words to compare."""
    if value is None:
        return None
    if field_name == "status" and isinstance(value, list):
        return "retired, replaced by " + ", ".join(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    return str(value)


def diff(before: str | None, after: str | None) -> Diff:
    """Word by word, with diffs.word_diff; one side missing is all added or all removed."""
    if before is None and after is None:
        return Diff([], None, None)
    if before is None:
        assert after is not None
        return Diff([("+", after)], None, [("+", after)])
    if after is None:
        return Diff([("-", before)], [("-", before)], None)
    segments = word_diff(before, after)
    return Diff(segments, [s for s in segments if s[0] != "+"], [s for s in segments if s[0] != "-"])


def _kind(effect: Effect) -> str:
    return kind(effect.op).change


def _change(effect: Effect, fw: Framework, changes: dict[str, ChangeRequest]) -> Change:
    cr = changes.get(effect.cr)
    skill = fw.skills.get(effect.skill or "")
    href: str | None = None
    if effect.op == "update-framework":
        label = f"The framework's {effect.field}"
        href = "index.html"
        return Change(effect.cr, cr.title if cr is not None else "", effect.describe(), _kind(effect), effect.impact,
                      label, href, *(v if effect.field == "name" else framework_value_text(str(effect.field), v)
                                     for v in (effect.before, effect.after)))
    if effect.attribute is not None:
        label, href = _attribute_place(effect, fw)
        before, after = (_attribute_value(effect.field, v) for v in (effect.before, effect.after))
        return Change(effect.cr, cr.title if cr is not None else "", effect.describe(), _kind(effect), effect.impact,
                      label, href, before, after)
    if effect.skill is None and effect.level is not None:  # a level of responsibility, or one of its texts
        label = FIELD_LABELS["essence"] if effect.field == "essence" else f"{effect.field or 'Name'}"
        label = f"Level {effect.level}: {label}"
        href = f"levels/{effect.level}.html"
    elif effect.level is not None:
        label = f"{effect.skill} level {effect.level} description"
        if skill is not None:
            href = f"skills/{skill.code}.html" + (f"#level-{effect.level}" if effect.level in skill.levels else "")
    else:
        label = f"{effect.skill} " + (FIELD_LABELS.get(effect.field, effect.field).lower() if effect.field else "skill")
        if skill is not None:
            href = f"skills/{skill.code}.html"
    return Change(effect.cr, cr.title if cr is not None else "", effect.describe(), _kind(effect), effect.impact,
                  label, href, _text(effect.field, effect.before), _text(effect.field, effect.after))


def _attribute_place(effect: Effect, fw: Framework) -> tuple[str, str | None]:
    """The label and the page (with its level's anchor) of an effect on an attribute or one of its levels."""
    code = str(effect.attribute)
    attribute = fw.attributes.get(code)
    if effect.level is not None:
        label = f"Attribute {code} level {effect.level} description"
    elif effect.field is not None:
        label = f"Attribute {code} " + FIELD_LABELS.get(effect.field, effect.field).lower()
    else:
        label = f"Attribute {code}"
    if attribute is None:
        return label, None
    anchor = f"#level-{effect.level}" if effect.level is not None and effect.level in attribute.levels else ""
    return label, f"attributes/{code}.html{anchor}"


def _attribute_value(field_name: str | None, value: Any) -> str | None:
    """A value of an effect on an attribute as words to compare: its type as published ('Attributes')."""
    if field_name == "type" and isinstance(value, str):
        return ATTRIBUTE_TYPES.get(value, value)
    return _text(field_name, value)


def attribute_groups(fw: Framework) -> list[tuple[str, str, list[Attribute]]]:
    """The framework's attributes by type (key, published label, attributes), generic first then behavioural,
    in the model's order: by code until the model has an order of its own."""
    types = list(ATTRIBUTE_TYPES) + sorted({a.type for a in fw.attributes.values()} - set(ATTRIBUTE_TYPES))
    groups = [(t, ATTRIBUTE_TYPES.get(t, t), [fw.attributes[c] for c in fw.attributes
                                              if fw.attributes[c].type == t]) for t in types]
    return [g for g in groups if g[2]]


_VERBS: dict[str, str] = {"new": "adds", "removed": "removes", "retired": "retires", "changed": "changes"}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _short(effect: Effect) -> tuple[str, str]:
    """The verb and the object of an effect on a skill or an attribute: ('changes', 'the guidance notes')."""
    item = "the attribute" if effect.attribute is not None else "the skill"
    if effect.op in ("unretire-skill", "unretire-attribute"):
        return "returns", f"{item} to active"
    verb = _VERBS[_kind(effect)]
    if effect.field is None or effect.field == "status":
        return verb, item
    return verb, "the " + FIELD_LABELS.get(effect.field, effect.field).lower()


def group_changes(cr: ChangeRequest | None, cr_id: str, effects: list[Effect]) -> ChangeGroup:
    """The effects of one change request on one skill (or attribute), said briefly, levels together."""
    phrases: dict[str, list[str]] = {}
    levels: dict[str, list[int]] = {}
    for e in effects:
        if e.level is not None:
            levels.setdefault(_VERBS[_kind(e)], []).append(e.level)
            phrases.setdefault(_VERBS[_kind(e)], [])
        else:
            verb, what = _short(e)
            phrases.setdefault(verb, []).append(what)
    parts = []
    for verb, objects in phrases.items():
        numbers = [str(n) for n in sorted(set(levels.get(verb, [])))]
        if numbers:
            objects = objects + [("levels " if len(numbers) > 1 else "level ") + _and(numbers)]
        parts.append(f"{verb} {_and(objects)}")
    impact = greatest_impact(e.impact for e in effects)
    kinds = {_kind(e) for e in effects}
    return ChangeGroup(cr_id, cr.title if cr is not None else "", kinds.pop() if len(kinds) == 1 else "changed",
                       impact, "; ".join(parts))


def level_runs(levels: Iterable[int]) -> str:
    """Level numbers as people say them, runs joined: 'level 4', 'levels 1 to 7', 'levels 2, 3 and 5 to 7'."""
    numbers = sorted(set(levels))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [p for r in runs for p in ([f"{r[0]} to {r[-1]}"] if len(r) > 2 else map(str, r))]
    return ("level " if len(numbers) == 1 else "levels ") + _and(parts)


def _slug(name: str, taken: set[str], fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or fallback
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def catalogue(fw: Framework, only: set[str] | None = None) -> list[Category]:
    """Categories and subcategories in the framework's order, each with its skills by code; skills whose
    category or subcategory the framework does not list come last, under 'Other skills'."""
    taken: set[str] = set(RESERVED_IDS)
    cats: list[Category] = []
    slots: dict[tuple[str, str], Subcategory] = {}
    for i, (name, subs) in enumerate(fw.categories.items(), 1):
        cat = Category(name, _slug(name, taken, f"category-{i}"))
        for j, sub in enumerate(subs, 1):
            if (name, sub) not in slots:
                slots[(name, sub)] = Subcategory(sub, _slug(f"{name} {sub}", taken, f"category-{i}-{j}"))
                cat.subcategories.append(slots[(name, sub)])
        cats.append(cat)
    other = Category("Other skills", _slug("other skills", taken, "other"), [Subcategory("", "")])
    # Only the skills asked for: a skill's page asks for its own one, and there is a page per skill.
    for code in sorted(fw.skills) if only is None else sorted(c for c in only if c in fw.skills):
        skill = fw.skills[code]
        slots.get((skill.category, skill.subcategory), other.subcategories[0]).skills.append(skill)
    cats.append(other)
    out = []
    for cat in cats:
        cat.subcategories = [s for s in cat.subcategories if s.skills or only is None]
        if cat.subcategories and (cat is not other or other.subcategories[0].skills):
            out.append(cat)
    return out


def _item_place(item: Subject, fw: Framework) -> ChangedItem:
    """An item's name and its page in this release, at its level's section (href None: it is not there now)."""
    if item.kind == "responsibility-level":
        return ChangedItem(item.label[:1].upper() + item.label[1:],
                           f"levels/{item.level}.html" if item.level in fw.levels else None)
    holders: dict[str, Any] = dict(fw.skills if item.kind.startswith("skill") else fw.attributes)
    holder = holders.get(item.code or "")
    folder = "skills" if item.kind.startswith("skill") else "attributes"
    label = f"{item.code} {holder.name}" if holder is not None else str(item.code)
    label = ("" if folder == "skills" else "Attribute ") + label
    if item.level is not None:
        label += f", level {item.level}"
        if holder is None or item.level not in holder.levels:
            return ChangedItem(label, None)
        return ChangedItem(label, f"{folder}/{item.code}.html#level-{item.level}")
    return ChangedItem(label, f"{folder}/{item.code}.html" if holder is not None else None)


class _Builder:
    def __init__(self, repo: Repository, replay: Replay, version: str, downloads: list[str],
                 origins: Replay) -> None:
        self.repo, self.replay, self.version, self.downloads = repo, replay, version, downloads
        self.provenance = Provenance(origins)
        self.fw = repo.framework
        self.after = replay.result if replay.result is not None else repo.framework
        self.env = Environment(loader=PackageLoader("skillrepo.site", "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
        self.level_numbers = sorted(set(LEVELS) | set(self.fw.levels))
        # What this release changed, by change request, by skill (or attribute), by skill (or attribute) level and
        # by level of responsibility. A dict (ordered, and `in` costs no scan): the change requests index asks it
        # of every request.
        self.in_release = dict.fromkeys(cr.id for cr, _ in replay.steps)
        self.by_cr: dict[str, list[Change]] = {}
        self.by_level: dict[tuple[str, int], list[Change]] = {}
        self.by_attribute_level: dict[tuple[str, int], list[Change]] = {}
        self.by_rl: dict[int, list[Change]] = {}
        self.by_skill: dict[str, list[ChangeGroup]] = {}
        self.by_attribute: dict[str, list[ChangeGroup]] = {}
        for cr, effects in replay.steps:
            self.file_changes(cr, effects)
        self.attribute_groups = attribute_groups(self.fw)
        self.common: dict[str, Any] = {
            "fw": self.fw, "version": self.version, "downloads": downloads, "level_numbers": self.level_numbers,
            "attribute_groups": self.attribute_groups, "attribute_types": ATTRIBUTE_TYPES,
            "changes": repo.changes, "in_release": self.in_release, "base_ref": replay.base_ref,
            "published": first_published(repo.log),
            "prose": self.prose, "marks": self.marks, "level_runs": level_runs,
            "item_history": self.item_history, "sentences": self.sentences,
        }

    def file_changes(self, cr: ChangeRequest, effects: list[Effect]) -> None:
        """Files each effect of one change request under what it changed: an attribute (or one of its levels), a
        level of responsibility, a skill (or one of its levels)."""
        skills: dict[str, list[Effect]] = {}
        attributes: dict[str, list[Effect]] = {}
        for effect in effects:
            change = _change(effect, self.fw, self.repo.changes)
            self.by_cr.setdefault(cr.id, []).append(change)
            if effect.attribute is not None:  # its level, if any, is the attribute's, not a level of responsibility
                attributes.setdefault(effect.attribute, []).append(effect)
                if effect.level is not None:
                    self.by_attribute_level.setdefault((effect.attribute, effect.level), []).append(change)
            elif effect.skill is None and effect.level is not None:
                self.by_rl.setdefault(effect.level, []).append(change)
            elif effect.skill is not None:
                skills.setdefault(effect.skill, []).append(effect)
                if effect.level is not None:
                    self.by_level.setdefault((effect.skill, effect.level), []).append(change)
        for code, mine in skills.items():
            self.by_skill.setdefault(code, []).append(group_changes(cr, cr.id, mine))
        for code, mine in attributes.items():
            self.by_attribute.setdefault(code, []).append(group_changes(cr, cr.id, mine))

    # Helpers the templates call.

    def prose(self, text: str | None, own: str = "") -> list[list[Token]]:
        """A text as paragraphs (split at blank lines), each a run of tokens (words, link target or None);
        mentions of change requests (CR#1431) and of skill codes (ITOP) link to their pages."""
        out: list[list[Token]] = []
        for block in _PARAGRAPH_BREAK.split((text or "").strip()):
            para = " ".join(line.strip() for line in block.splitlines() if line.strip())
            if not para:
                continue
            tokens: list[Token] = []
            pos = 0
            for m in CITE_OR_CODE.finditer(para):
                href: str | None = None
                if m.group(1) is not None:
                    cr_id = f"CR-{m.group(1).zfill(4)}"
                    href = f"changes/{cr_id}.html" if cr_id in self.repo.changes else None
                elif m.group(2) in self.fw.skills and m.group(2) != own:
                    href = f"skills/{m.group(2)}.html"
                if href is None:
                    continue
                if m.start() > pos:
                    tokens.append((para[pos:m.start()], None))
                tokens.append((m.group(0), href))
                pos = m.end()
            if pos < len(para):
                tokens.append((para[pos:], None))
            out.append(tokens)
        return out

    def marks(self, changes: list[Change] | list[ChangeGroup]) -> list[tuple[str, str]]:
        """One mark per change request among `changes` (or groups of them): (CR id, new|changed|removed|retired)."""
        seen: dict[str, str] = {}
        for c in changes:
            seen.setdefault(c.cr, c.kind)
        return list(seen.items())

    def item_history(self, kind_: str, code: str | None, level: int | None = None) -> list[HistoryStep]:
        """The applied change requests that changed an item, newest first, each with its effects on it."""
        fw, changes = self.fw, self.repo.changes
        return [HistoryStep(step.cr.id, step.cr.title,
                            [(_change(e, fw, changes), e.field in TEXT_FIELDS and _kind(e) != "new")
                             for e in step.effects])
                for step in reversed(self.provenance.history(Subject(kind_, code, level)))]

    def sentences(self, kind_: str, code: str | None, level: int | None = None) -> list[list[Sentence]]:
        """An item's text as paragraphs of sentences, each with the change requests that last changed it and
        first introduced it."""
        paragraphs: list[list[Sentence]] = [[]]
        for line in self.provenance.blame(Subject(kind_, code, level)):
            paragraphs[-1].append(line)
            if _PARAGRAPH_BREAK.search(line.text):
                paragraphs.append([])
        return [p for p in paragraphs if p]

    def changed_items(self, cr_id: str) -> list[ChangedItem]:
        """The items an applied change request changed, as they stand in this release."""
        return [_item_place(item, self.fw) for item in self.provenance.changed.get(cr_id, {})]

    # Pages.

    def page(self, path: str, template: str, **context: Any) -> tuple[str, Iterator[bytes]]:
        """A page, rendered as it is written (the changelog of a large release is tens of megabytes)."""
        root = "../" * path.count("/")
        chunks = self.env.get_template(template).generate(root=root, path=path, **self.common, **context)
        return path, _encoded(chunks)

    def build(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        fw = self.fw
        yield self.page("index.html", "index.html", title="Skills", nav="skills", categories=catalogue(fw),
                        applied=len(self.in_release))
        for code in sorted(fw.skills):
            yield self.skill_page(fw.skills[code])
        yield self.page("levels/index.html", "levels.html", title="Levels of responsibility", nav="levels")
        for n in self.level_numbers:
            yield self.level_page(n)
        yield self.page("attributes/index.html", "attributes.html", title="Attributes", nav="attributes",
                        attribute_changes=self.by_attribute)
        for code in sorted(fw.attributes):
            yield self.attribute_page(fw.attributes[code])
        yield from self.changes_pages()
        yield self.changelog_page()
        rows = mapping.rows(self.replay.base, self.after, self.replay.effects)
        yield self.page("mapping.html", "mapping.html", title="Mapping from the previous release", nav="mapping",
                        rows=rows, columns=list(mapping.COLUMNS), headings=MAPPING_HEADINGS)
        yield self.page("downloads.html", "downloads.html", title="Downloads", nav="downloads",
                        descriptions=DOWNLOADS)
        yield from self.search_index()
        static = resources.files("skillrepo.site").joinpath("static")
        for item in sorted(static.iterdir(), key=lambda p: p.name):
            if item.is_file() and not item.name.startswith("."):
                yield item.name, iter([item.read_bytes()])

    def level_page(self, n: int) -> tuple[str, Iterator[bytes]]:
        """A level of responsibility's page: its essence, the attributes described at it and its skills."""
        fw = self.fw
        at = {c for c, s in fw.skills.items() if n in s.levels}
        # The attributes described at this level, by type, in the order of every attribute list.
        attributes_at = [(t, label, described) for t, label, group in self.attribute_groups
                         if (described := [a for a in group if n in a.levels])]
        return self.page(f"levels/{n}.html", "level.html", title=self.level_title(n), nav="levels", n=n,
                         rl=fw.levels.get(n), categories=catalogue(fw, at), rl_changes=self.by_rl.get(n, []),
                         level_changes=self.by_level, attributes_at=attributes_at,
                         attribute_level_changes=self.by_attribute_level)

    def level_title(self, n: int) -> str:
        rl = self.fw.levels.get(n)
        return f"Level {n}: {rl.name}" if rl is not None else f"Level {n}"

    def skill_page(self, skill: Skill) -> tuple[str, Iterator[bytes]]:
        replaced = [self.fw.skills[c] for c in skill.replaced_by if c in self.fw.skills]
        missing = [c for c in skill.replaced_by if c not in self.fw.skills]
        related = [self.fw.skills[c] for c in skill.related if c in self.fw.skills]
        unknown = [c for c in skill.related if c not in self.fw.skills]
        cats = catalogue(self.fw, {skill.code})
        # A skill outside the framework's categories (listed under 'Other skills') names its own, unlinked.
        sub_anchor = cats[0].subcategories[0].anchor if cats and cats[0].subcategories else ""
        category_anchor = cats[0].anchor if sub_anchor else ""
        return self.page(f"skills/{skill.code}.html", "skill.html", title=f"{skill.code} {skill.name}", nav="skills",
                         skill=skill, replaced=replaced, replaced_missing=missing, related=related,
                         related_unknown=unknown, category_anchor=category_anchor, sub_anchor=sub_anchor,
                         skill_changes=self.by_skill.get(skill.code, []),
                         level_changes={n: self.by_level.get((skill.code, n), []) for n in self.level_numbers})

    def attribute_page(self, attribute: Attribute) -> tuple[str, Iterator[bytes]]:
        """An attribute's page: its facts, its descriptions and its text at each level where it is described."""
        return self.page(f"attributes/{attribute.code}.html", "attribute.html",
                         title=f"{attribute.code} {attribute.name}", nav="attributes", attribute=attribute,
                         type_label=ATTRIBUTE_TYPES.get(attribute.type, attribute.type),
                         attribute_changes=self.by_attribute.get(attribute.code, []),
                         level_changes={n: self.by_attribute_level.get((attribute.code, n), [])
                                        for n in self.level_numbers})

    def changes_pages(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        crs = [self.repo.changes[i] for i in sorted(self.repo.changes)]
        statuses = list(CR_STATUSES) + sorted({c.status for c in crs} - set(CR_STATUSES))
        groups = [(s, STATUS_TITLES.get(s, s.capitalize()), [c for c in crs if c.status == s]) for s in statuses]
        yield self.page("changes/index.html", "changes.html", title="Change requests", nav="changes",
                        groups=[g for g in groups if g[2]])
        for cr in crs:
            yield self.page(f"changes/{cr.id}.html", "change.html", title=f"{cr.id} {cr.title}", nav="changes",
                            cr=cr, cr_changes=self.by_cr.get(cr.id, []), changed_items=self.changed_items(cr.id),
                            operations=[describe_operation(op) for op in cr.operations])

    def changelog_entry(self, effect: Effect, e: changelog.Entry) -> ChangeLogEntry:
        skill = self.fw.skills.get(e.skill or "")
        href: str | None = None
        if effect.attribute is not None:
            href = _attribute_place(effect, self.fw)[1]
        elif e.section == "responsibility_levels":
            href = f"levels/{e.level}.html"
        elif skill is not None:
            href = f"skills/{skill.code}.html" + (f"#level-{e.level}" if e.level in skill.levels else "")
        before, after = e.before, e.after
        if effect.attribute is not None:  # its type as published, not the key the data keeps
            before, after = (_attribute_value(e.field, v) for v in (e.before, e.after))
        texts = isinstance(before, str) and isinstance(after, str)
        show = texts and e.field not in ("name", "category", "subcategory")
        return ChangeLogEntry(e, href, diff(before, after) if show else None)

    def changelog_page(self) -> tuple[str, Iterator[bytes]]:
        # Each entry with its effect, which says what it is about (an entry does not name an attribute).
        items = [(effect, entry) for effect in self.replay.effects for entry in changelog.entries([effect], self.after)]
        sections = [(name, heading, _Entries([i for i in items if i[1].section == name], self.changelog_entry))
                    for name, heading in changelog.SECTIONS]
        title = f"{self.fw.name} {self.version}" + (
            f": changes since {self.replay.base_ref}" if self.replay.base_ref else "")
        return self.page("changelog.html", "changelog.html", title="Changelog", heading=title, nav="changelog",
                         sections=[s for s in sections if s[2]], crs=sorted({e.cr for _, e in items}))

    def search_index(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        skills = []
        for code in sorted(self.fw.skills):
            s = self.fw.skills[code]
            skills.append({
                "code": s.code, "name": s.name, "category": s.category, "subcategory": s.subcategory,
                "status": s.status, "url": f"skills/{s.code}.html", "description": s.description,
                "guidance": s.guidance or "", "replaced_by": list(s.replaced_by),
                "levels": [{"level": n, "text": s.levels[n].description} for n in sorted(s.levels)],
            })
        attributes = [{
            "code": a.code, "name": a.name, "type": a.type, "type_label": label, "status": a.status,
            "url": f"attributes/{a.code}.html", "description": a.description, "guidance": a.guidance or "",
            "levels": [{"level": n, "text": a.levels[n].description} for n in sorted(a.levels)],
        } for _, label, group in self.attribute_groups for a in group]
        data = {"framework": self.fw.name, "edition": self.fw.edition, "version": self.version, "skills": skills,
                "attributes": attributes}
        readable = json.JSONEncoder(sort_keys=True, ensure_ascii=False, indent=1)
        yield "search-index.json", _encoded(chain(readable.iterencode(data), ["\n"]))
        # ASCII, and no "<" at all, so that the script can never end an HTML element it might be pasted into.
        inline = json.JSONEncoder(sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        yield "search-index.js", _encoded(chain(
            ["// The search index (search-index.json) as a script: pages opened from the file system cannot fetch "
             "it.\nwindow.SKILLREPO_SEARCH_INDEX = "],
            (chunk.replace("<", "\\u003c") for chunk in inline.iterencode(data)), [";\n"]))


class _Entries:
    """A section of the changelog page: counted up front, each entry (and its word diff) made as the page is
    written, so that the diffs of a large release are never all in memory."""

    def __init__(self, items: list[tuple[Effect, changelog.Entry]],
                 make: Callable[[Effect, changelog.Entry], ChangeLogEntry]) -> None:
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[ChangeLogEntry]:
        return (self.make(effect, e) for effect, e in self.items)


def _encoded(chunks: Iterator[str], size: int = 1 << 16) -> Iterator[bytes]:
    """A template's output as UTF-8, in pieces of about `size` characters."""
    batch: list[str] = []
    length = 0
    for chunk in chunks:
        batch.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(batch).encode("utf-8")
            batch.clear()
            length = 0
    yield "".join(batch).encode("utf-8")


def site_files(repo: Repository, replay: Replay, version: str, downloads: list[str],
               origins: Replay | None = None) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Every file of the site as (path relative to site/, its bytes in pieces), each made as it is written so
    that a release of any size is written without holding its pages in memory. `origins`: every applied change
    request replayed from the empty framework (replay.from_empty), which the items' histories come from; made
    here when not given."""
    return _Builder(repo, replay, version, downloads, origins if origins is not None else from_empty(repo)).build()


def build_site(repo: Repository, replay: Replay, version: str, downloads: list[str],
               origins: Replay | None = None) -> dict[str, bytes]:
    """Every file of the site, by path relative to site/ (e.g. "index.html", "skills/ITOP.html")."""
    return {path: b"".join(chunks) for path, chunks in sorted(site_files(repo, replay, version, downloads, origins),
                                                               key=lambda item: item[0])}
