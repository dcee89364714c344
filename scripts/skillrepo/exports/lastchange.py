"""When each part of the framework last changed, from changes/log.yaml and the change requests alone (no git).

An item that change requests touch (the operation registry's targets) last changed on the day of the release
that published the last of them to touch it; a change request no release published yet counts as published by
the release being built. The change requests that touched each item, for framework.json's lifecycle, come from
the same targets. The same log gives the same times, so two builds of a release are byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from skillrepo.engine import targets
from skillrepo.model import ChangeRequest
from skillrepo.operations import Item, Operation, kind
from skillrepo.record import Log


def _moment(date: str) -> str:
    """A release's day (YYYY-MM-DD) as the ISO 8601 date-time CASE and other exports carry."""
    return f"{date}T00:00:00+00:00"


@dataclass(frozen=True)
class LastChanges:
    """The time each touched item last changed, and last was added or removed; the time of the release being
    built and of the first release."""

    touched: Mapping[Item, str]
    added: Mapping[Item, str]
    release: str
    first: str
    # The change requests that touched each item, and each (kind, code) of them (('skill', CODE): any of its
    # fields), oldest (first applied) first.
    crs: Mapping[Item, tuple[str, ...]] = field(default_factory=dict)

    def change_requests(self, item: Item) -> list[str]:
        """The change requests that touched `item` (or, given as (kind, code), any of its fields), oldest first."""
        return list(self.crs.get(item, ()))

    def latest(self, items: Iterable[Item], among: Mapping[Item, str] | None = None) -> str:
        """The last time any of `items` changed (or was added or removed, `among=self.added`); the first
        release's time when none ever did."""
        times = self.touched if among is None else among
        return max((times[i] for i in items if i in times), default=self.first)

    def skill(self, code: str, *fields: str) -> str:
        """When any of those fields of a skill last changed; '*' is the skill added or removed whole."""
        return self.latest(("skill", code, f) for f in ("*", *fields))

    def level(self, code: str, level: int) -> str:
        """When a skill's level was last added, changed or removed, or the skill's name last changed."""
        return max(self.latest([("level", code, level)]), self.skill(code, "name"))

    def level_added(self, code: str, level: int) -> str:
        """When a skill's level was last added or removed, or the skill's name last changed: what its links show."""
        return max(self.latest([("level", code, level)], self.added), self.skill(code, "name"))

    def attribute(self, code: str, *fields: str) -> str:
        """When any of those fields of an attribute last changed; '*' is the attribute added or removed whole."""
        return self.latest(("attribute", code, f) for f in ("*", *fields))

    def attribute_level(self, code: str, level: int) -> str:
        """When an attribute's level was last added, changed or removed, or the attribute's name last changed."""
        return max(self.latest([("alevel", code, level)]), self.attribute(code, "name"))

    def attribute_level_added(self, code: str, level: int) -> str:
        """When an attribute's level was last added or removed, or the attribute's name last changed: what its
        links show."""
        return max(self.latest([("alevel", code, level)], self.added), self.attribute(code, "name"))

    def framework(self, *fields: str) -> str:
        """When any of those fields of framework.yaml last changed."""
        return self.latest(("framework", "framework", f) for f in fields)

    def responsibility(self, level: int, *fields: str) -> str:
        """When any of those fields of a level of responsibility last changed."""
        return self.latest(("rl", level, f) for f in fields)


def _levels_given(op: Operation, item: Item) -> list[Item]:
    """The levels an operation on a whole skill or attribute (add-skill, add-attribute, their inverses) gives or
    takes with it: they are that change request's too."""
    if item[2:] != ("*",):
        return []
    return [("level" if item[0] == "skill" else "alevel", item[1], lv["level"]) for lv in op.get("levels", [])]


def last_changes(log: Log, changes: Mapping[str, ChangeRequest], date: str) -> LastChanges:
    """The times for a release made on `date` (YYYY-MM-DD) from the applied change requests `log` records."""
    published: dict[str, str] = {}
    for release in log.releases:  # a change request reverted and applied again counts from its last publication
        published.update(dict.fromkeys(release.published, release.date))
    touched: dict[Item, str] = {}
    added: dict[Item, str] = {}
    crs: dict[Item, dict[str, None]] = {}  # in the order applied: dicts keep it
    for cr in log.order:
        when = _moment(published.get(cr, date))
        for op in changes[cr].operations if cr in changes else []:
            whole = kind(op.get("op")).change in ("new", "removed")
            for item in targets(op):
                touched[item] = max(touched.get(item, when), when)
                for part in (item, *_levels_given(op, item)):
                    for key in (part, part[:2]):
                        crs.setdefault(key, {})[cr] = None
                if whole:
                    added[item] = max(added.get(item, when), when)
    first = _moment(log.releases[0].date if log.releases else date)
    return LastChanges(touched, added, _moment(date), first, {i: tuple(c) for i, c in crs.items()})
